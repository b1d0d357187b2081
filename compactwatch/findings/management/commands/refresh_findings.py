"""Recompute stored findings. Run daily: findings depend on today's date (feedback falls due
when a consultation closes)."""

from django.core.management.base import BaseCommand

from compactwatch.compacts.models import Compact
from compactwatch.findings.services import refresh_compact


class Command(BaseCommand):
    help = "Recompute the findings of every record (of one Compact with --compact)."

    def add_arguments(self, parser):
        parser.add_argument("--compact", help="the Compact's slug")

    def handle(self, *args, compact=None, **options):
        compacts = Compact.objects.filter(slug=compact) if compact else Compact.objects.all()
        for each in compacts:
            self.stdout.write(f"{each.slug}: {refresh_compact(each)} findings")
