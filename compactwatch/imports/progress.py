"""How a running import tells the page how far it has gone, and hears a request to cancel.

The grants are stored in one long transaction, so neither can wait for it to commit:
- on PostgreSQL they go through a second connection to the database ("jobs"), which
  commits on its own;
- SQLite has one writer at a time, and the import is it: there they go through two small
  files beside the database (SQLite runs on one machine, so every process sees them).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone

from compactwatch.imports.models import ImportJob

JOBS = "jobs"  # the second connection (settings.DATABASES)
FIELDS = ("phase", "bytes_read", "grants_read", "grants_to_store", "grants_stored", "error_count",
          "summary")  # fmt: skip


def _stamp(job: ImportJob) -> None:
    job.reported = timezone.now()


class DatabaseChannel:
    def publish(self, job: ImportJob) -> None:
        _stamp(job)
        ImportJob.objects.using(JOBS).filter(pk=job.pk).update(
            reported=job.reported, **{name: getattr(job, name) for name in FIELDS}
        )

    def cancel_requested(self, job: ImportJob) -> bool:
        return bool(
            ImportJob.objects.using(JOBS)
            .filter(pk=job.pk)
            .values_list("cancel_requested", flat=True)
            .first()
        )

    def request_cancel(self, job: ImportJob) -> None:
        ImportJob.objects.using(JOBS).filter(pk=job.pk).update(cancel_requested=True)

    def beat(self, job: ImportJob) -> None:
        """The worker is alive (from its heartbeat thread, whatever the import is doing)."""
        ImportJob.objects.using(JOBS).filter(pk=job.pk).update(reported=timezone.now())

    def latest(self, job: ImportJob) -> ImportJob:
        return job  # the row itself is up to date

    def clear(self, job: ImportJob) -> None:
        """Nothing to clear: the row keeps the final state."""


class FileChannel:
    def _folder(self) -> Path:
        folder = Path(settings.DATA_DIR) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _progress(self, job: ImportJob) -> Path:
        return self._folder() / f"progress-{job.pk}.json"

    def _cancel(self, job: ImportJob) -> Path:
        return self._folder() / f"cancel-{job.pk}"

    def _alive(self, job: ImportJob) -> Path:
        return self._folder() / f"alive-{job.pk}"

    def beat(self, job: ImportJob) -> None:
        """The worker is alive (from its heartbeat thread, whatever the import is doing)."""
        self._alive(job).touch()

    def publish(self, job: ImportJob) -> None:
        _stamp(job)
        path = self._progress(job)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps({name: getattr(job, name) for name in FIELDS}))
        os.replace(partial, path)  # readers see the old figures or the new, never half

    def cancel_requested(self, job: ImportJob) -> bool:
        return self._cancel(job).exists()

    def request_cancel(self, job: ImportJob) -> None:
        self._cancel(job).touch()

    def latest(self, job: ImportJob) -> ImportJob:
        try:
            figures: dict[str, Any] = json.loads(self._progress(job).read_text())
        except (OSError, ValueError):
            figures = {}
        for name in FIELDS:
            setattr(job, name, figures.get(name, getattr(job, name)))
        times = [path.stat().st_mtime for path in (self._progress(job), self._alive(job))
                 if path.exists()]  # fmt: skip
        if times:
            job.reported = datetime.fromtimestamp(max(times), tz=UTC)
        job.cancel_requested = self.cancel_requested(job)
        return job

    def clear(self, job: ImportJob) -> None:
        for path in (self._progress(job), self._cancel(job), self._alive(job)):
            path.unlink(missing_ok=True)


def channel() -> DatabaseChannel | FileChannel:
    return FileChannel() if connections[JOBS].vendor == "sqlite" else DatabaseChannel()
