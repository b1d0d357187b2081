"""`compactwatch manage fail_stalled_imports`: close imports whose worker stopped.

`compactwatch serve` and `demo` do this every few seconds; a deployment that runs its
workers otherwise runs this every minute (cron, a systemd timer)."""

from django.core.management.base import BaseCommand

from compactwatch.imports.services import fail_stalled_jobs


class Command(BaseCommand):
    help = "Mark as failed (and audit) every running import whose worker has stopped."

    def handle(self, *args, **options) -> None:
        closed = fail_stalled_jobs()
        self.stdout.write(f"{closed} stopped import{'s' if closed != 1 else ''} marked as failed")
