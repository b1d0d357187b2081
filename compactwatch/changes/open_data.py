"""The open data download (issue 14, point 5), made by the worker and kept as a file.

Making it reads every record and finding of the Compact (25 seconds at 110,000 records and
286,000 findings), so no web request ever makes it: a request only queues it.
- The officer asks for a fresh one from the open data page (`ask_for_fresh`), audited.
- The public page queues the first one when none exists yet (`prepare_if_missing`).
- The periodic `compactwatch open-data refresh` queues one for every Compact whose latest is
  older than a day, and marks as failed one whose worker stopped (`refresh`).
- The worker makes it (`run_export`, the task `build_open_data`), into a temporary file
  renamed into place when whole; the page and the download serve the latest one done, so a
  build that fails leaves the previous file served.
At most one is queued or running for a Compact: a unique constraint, and the queueing
transaction takes the Compact's row first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django_tasks import task

from compactwatch.changes.base import Actor, Refused, changing
from compactwatch.compacts.models import Compact
from compactwatch.reports import exports
from compactwatch.reports.models import ExportStatus, OpenDataExport

logger = logging.getLogger(__name__)
FRESH_FOR = timedelta(days=1)  # the latest file is made again once it is older than this
STALLED_AFTER = timedelta(hours=1)  # a running build silent this long has lost its worker
BUSY = (ExportStatus.QUEUED, ExportStatus.RUNNING)


def latest(compact: Compact) -> OpenDataExport | None:
    """The latest download made whose file is there to serve."""
    for export in OpenDataExport.objects.filter(compact=compact, status=ExportStatus.DONE):
        try:
            if exports.stored_path(export.file).is_file():
                return export
        except ValueError:
            continue
    return None


def building(compact: Compact) -> OpenDataExport | None:
    """The one being made or waiting for the worker, if any."""
    return OpenDataExport.objects.filter(compact=compact, status__in=BUSY).first()


def last_failed(compact: Compact) -> OpenDataExport | None:
    """The latest attempt, if it failed (and nothing has been queued since)."""
    last = OpenDataExport.objects.filter(compact=compact).first()
    return last if last is not None and last.status == ExportStatus.FAILED else None


def ask_for_fresh(actor: Actor, compact: Compact) -> OpenDataExport:
    """The officer asks for the download to be made again from today's data."""
    if not actor.is_officer(compact):
        raise Refused("Only the Compact officer can ask for the open data to be made again")
    return _queue(actor, compact, "The open data download was queued to be made again")


def prepare_if_missing(compact: Compact) -> OpenDataExport | None:
    """Queue the first download of a Compact that has none (nor one on its way)."""
    if latest(compact) is not None:
        return None
    failed = last_failed(compact)
    if failed is not None and timezone.now() - failed.updated < STALLED_AFTER:
        return None  # visitors do not queue a failing build over and over; the officer may
    return building(compact) or _queue(
        Actor.system("the open data page"), compact,
        "The open data download was queued to be made: there was none yet",
    )  # fmt: skip


def refresh(now: datetime, say: Callable[[str], None] = lambda line: None) -> int:
    """The periodic part: fail builds whose worker stopped, and queue a fresh download for
    every Compact whose latest is older than a day (or that has none). How many were queued."""
    for export in OpenDataExport.objects.filter(
        status=ExportStatus.RUNNING, updated__lt=now - STALLED_AFTER
    ).select_related("compact"):
        _fail(export.pk, "The worker stopped while it was being made; it will be made again")
        say(f"{export.compact.slug}: the open data build stopped; marked as failed")
    queued = 0
    for compact in Compact.objects.order_by("slug"):
        made = latest(compact)
        if building(compact) is not None or (made and made.made and now - made.made < FRESH_FOR):
            continue
        age = "there was none yet" if made is None else f"the latest was made {made.made:%d %B %Y}"
        _queue(Actor.system("command line"), compact,
               f"The open data download was queued to be made again: {age}")  # fmt: skip
        say(f"{compact.slug}: open data queued ({age})")
        queued += 1
    return queued


def _queue(actor: Actor, compact: Compact, summary: str) -> OpenDataExport:
    by = actor.user.get_username() if actor.user else ""
    with changing():
        # Taking the Compact's row makes a second request wait, then find the first's export.
        Compact.objects.select_for_update().filter(pk=compact.pk).first()
        existing = building(compact)
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                export = OpenDataExport.objects.create(compact=compact, requested_by=by)
        except IntegrityError:  # another queued one between our read and write
            return building(compact) or OpenDataExport.objects.filter(compact=compact).first()
        actor.audit("created", "open_data", export.ref, compact=compact, summary=summary)
        transaction.on_commit(lambda: build_open_data.enqueue(export.pk))
    return export


def _set(export_id: int, **values: object) -> None:
    with changing():
        OpenDataExport.objects.filter(pk=export_id).update(updated=timezone.now(), **values)


def _fail(export_id: int, problem: str) -> None:
    with changing():
        export = OpenDataExport.objects.select_for_update().get(pk=export_id)
        if export.status not in BUSY:
            return
        export.status, export.problem = ExportStatus.FAILED, problem[:300]
        export.save()
        Actor.system("worker").audit("changed", "open_data", export.ref, compact=export.compact,
                                     summary=f"The open data download could not be made: "
                                     f"{problem}")  # fmt: skip


def run_export(export_id: int) -> OpenDataExport:
    """The worker's part: make the queued download, saying how far it has got, then serve it
    in place of the one before (whose file is removed)."""
    export = OpenDataExport.objects.select_related("compact").get(pk=export_id)
    if export.status != ExportStatus.QUEUED:
        return export  # made already, or failed: one run for each queueing
    compact = export.compact
    _set(export_id, status=ExportStatus.RUNNING, percent=0)
    path = exports.folder(compact) / f"{compact.slug}-open-data-{export_id}.zip"
    try:
        written = exports.write_file(
            compact, path, progress=lambda percent: _set(export_id, percent=percent)
        )
    except Exception:
        logger.exception("open data export %s failed", export_id)
        _fail(export_id, "Something went wrong while it was being made")
        export.refresh_from_db()
        return export
    with changing():
        export = OpenDataExport.objects.select_for_update().get(pk=export_id)
        if export.status != ExportStatus.RUNNING:  # marked as failed meanwhile: not served
            path.unlink(missing_ok=True)
            return export
        export.status, export.percent, export.made = ExportStatus.DONE, 100, timezone.now()
        export.file, export.size, export.rows = exports.relative(path), written.size, written.rows
        export.save()
        older = OpenDataExport.objects.filter(compact=compact).exclude(pk=export_id)
        old_files = [name for name in older.exclude(status__in=BUSY).values_list("file", flat=True)
                     if name]  # fmt: skip
        older.exclude(status__in=BUSY).delete()
        records = sum(count for name, count in written.rows.items() if name not in
                      ("register", "findings", "indicators", "disagreements"))  # fmt: skip
        Actor.system("worker").audit(
            "changed", "open_data", export.ref, compact=compact,
            summary=f"The open data download was made: {filesizeformat(written.size)}, "
            f"{records:,} records and {written.rows.get('findings', 0):,} findings",
        )  # fmt: skip
        # An old file goes once the new one is served; a download already reading it keeps
        # its open file.
        transaction.on_commit(lambda: _remove(old_files))
    return export


def _remove(names: list[str]) -> None:
    for name in names:
        try:
            Path(exports.stored_path(name)).unlink(missing_ok=True)
        except (OSError, ValueError):
            logger.warning("could not remove the old open data file %s", name)


@task()
def build_open_data(export_id: int) -> str:
    return run_export(export_id).status
