"""Importing a 360Giving file: read and check every grant, then store them all or none.

The file is read twice, as a stream, so memory stays flat however large it is: first every
grant is checked against the 360Giving schema (nothing is stored while any grant is wrong,
unless the officer asked for the valid grants only), the file summed up and its problems
grouped by kind and listed in full (problems.py); then the grants are stored in one
transaction, so that a failure or a cancellation leaves nothing half done.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.formats import date_format

from compactwatch.audit.services import record_action
from compactwatch.changes.base import Actor, Invalid, Refused
from compactwatch.changes.grants import GrantStore
from compactwatch.changes.undo_import import undo_import
from compactwatch.compact.records import EARLIEST_DATE, LATEST_DATE
from compactwatch.compacts.models import Compact
from compactwatch.imports.models import HEARTBEAT, ImportJob, Phase, Status
from compactwatch.imports.problems import ProblemSink, kinds_of
from compactwatch.imports.progress import channel
from compactwatch.organisations.models import Organisation
from compactwatch.threesixtygiving.checking import FileCheck
from compactwatch.threesixtygiving.mapping import day_of, decimal_amount, grant_of
from compactwatch.threesixtygiving.reading import GrantsFile, ReadError, SourceGrant
from compactwatch.threesixtygiving.schemas import grant_schema
from compactwatch.threesixtygiving.validating import (
    Found,
    Problem,
    file_problem,
    grant_problems,
)

BATCH = 1000
PROGRESS_EVERY = 1.0  # seconds between progress reports
LARGEST_AMOUNT = Decimal("1e12")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")

logger = logging.getLogger(__name__)
Progress = Callable[[ImportJob], None]


class Cancelled(Exception):
    """The officer asked for the import to stop; nothing is kept."""


def create_job(
    compact: Compact,
    path: Path,
    name: str,
    *,
    user: Any = None,
    valid_only: bool = False,
    remove_file_when_done: bool = False,
) -> ImportJob:
    authenticated = user is not None and user.is_authenticated
    return ImportJob.objects.create(
        compact=compact,
        created_by=user if authenticated else None,
        path=str(path),
        file_name=Path(name).name[:300],
        file_size=path.stat().st_size if path.exists() else 0,
        valid_only=valid_only,
        remove_file_when_done=remove_file_when_done,
    )


def request_cancel(job: ImportJob) -> bool:
    """Ask a job to stop. A job not yet started is cancelled at once; returns False if the
    job has already finished."""
    if job.is_finished:
        return False
    # Only a job still queued is changed here: a running one may hold SQLite's one write
    # lock for minutes, so it is asked through its progress channel instead.
    queued = job.status == Status.QUEUED and ImportJob.objects.filter(
        pk=job.pk, status=Status.QUEUED
    ).update(status=Status.CANCELLED, phase=Phase.FINISHED, finished=timezone.now())
    if not queued:
        channel().request_cancel(job)
    job.refresh_from_db()
    return True


def undo_refusal(job: ImportJob) -> str | None:
    """Why the import cannot be undone, in words; None if it can."""
    if job.status == Status.UNDONE:
        when = f" on {date_format(timezone.localtime(job.undone), 'j F Y')}" if job.undone else ""
        return f"This import was undone{when}: there is nothing left to undo"
    if not job.is_finished:
        return "This import is still running: cancel it instead, and nothing from it is kept"
    if job.status != Status.DONE:
        return "This import stored nothing, so there is nothing to undo"
    return None


def undo_job(actor: Actor, job_id: int) -> ImportJob:
    """Undo a finished import (undo_import), marking its job undone in the same transaction.
    An import running, refused or already undone is refused (Invalid)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("compact").get(pk=job_id)
        if not actor.is_officer(job.compact):
            raise Refused("Only the Compact officer can undo an import")
        why = undo_refusal(job)
        if why:
            raise Invalid(why)
        plan = undo_import(actor, job.compact, job.pk, job.file_name)
        job.status, job.undone = Status.UNDONE, timezone.now()
        job.undone_by = actor.user if actor.user and actor.user.is_authenticated else None
        job.undo_outcome = plan.as_dict()
        job.save(update_fields=["status", "undone", "undone_by", "undo_outcome"])
    return job


def mark_stalled_failed(job: ImportJob) -> bool:
    """Close a job whose worker stopped without finishing (its transaction rolled back, so
    nothing is half stored), and say so in the audit trail; returns False if it is not
    stalled."""
    job = channel().latest(job)
    if not job.stalled(timezone.now()):
        return False
    stopped = file_problem("the import stopped without finishing (its worker stopped); "
                           "nothing from the file was kept: import it again")  # fmt: skip
    closed = ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.FAILED, phase=Phase.FINISHED, finished=timezone.now(),
        errors=[stopped.as_dict()], problem_kinds=kinds_of([stopped]),
    )  # fmt: skip
    if closed:
        record_action(None, "import failed", "360giving_import", str(job.pk),
                      compact=job.compact, via="worker supervision",
                      summary=f"{job.file_name}: its worker stopped; nothing was kept")  # fmt: skip
    _release(job)
    job.refresh_from_db()
    return bool(closed)


def fail_stalled_jobs() -> int:
    """Close every running import whose worker has stopped; returns how many. Run by the
    supervisor of `serve` and `demo` every few seconds, and by `manage fail_stalled_imports`."""
    running = ImportJob.objects.filter(status=Status.RUNNING).select_related("compact")
    return sum(mark_stalled_failed(job) for job in running)


class Heartbeat:
    """While an import runs, a thread says every HEARTBEAT seconds that its worker is alive,
    even while the import itself is busy for minutes (a large spreadsheet being read)."""

    def __init__(self, job: ImportJob):
        self.job, self.stop = job, threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"import-{job.pk}", daemon=True)

    def _run(self) -> None:
        try:
            while not self.stop.wait(HEARTBEAT):
                channel().beat(self.job)
        finally:
            connections.close_all()  # this thread's own connections

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _release(job: ImportJob) -> None:
    """What a finished job no longer needs: its progress files and an uploaded copy."""
    channel().clear(job)
    if job.remove_file_when_done:
        Path(job.path).unlink(missing_ok=True)


def _name(path: list, flat: bool) -> str:
    """A field in words: its path in JSON ("plannedDates/0/endDate"), its column title in a
    spreadsheet ("Planned Dates:End Date")."""
    if flat:
        title = grant_schema().title("/".join(str(p) for p in path if not isinstance(p, int)))
        if title:
            return title
    return "/".join(str(part) for part in path)


def _storable(data: Any, flat: bool = False) -> list[Found]:
    """What the schema allows but a funding agreement cannot hold."""
    if not isinstance(data, dict):
        return []
    problems = []
    grant_id = data.get("id")
    if isinstance(grant_id, str) and not grant_id.strip():
        # A grant is matched to its stored agreement by its id on every later import: one
        # without an id would be taken for an agreement entered by hand (they have none).
        heading = f"{_name(['id'], flat)} is blank"
        problems.append(Found(["id"], "blank-id", f"{heading}: each grant needs its own id to "
                                                  "be imported", heading))  # fmt: skip
    problems.extend(_date_problems(data, flat))
    amount = decimal_amount(data.get("amountAwarded"))
    if amount is not None and abs(amount) >= LARGEST_AMOUNT:
        heading = f"{_name(['amountAwarded'], flat)} is too large to store"
        problems.append(Found(["amountAwarded"], "largest-amount",
                              f"{heading}: it must be under 1,000,000,000,000", heading))  # fmt: skip
    return problems


def _date_problems(data: dict[str, Any], flat: bool) -> list[Found]:
    """Dates the schema lets through that a funding agreement cannot hold: not real days
    (2021-02-30, 0000-01-01), or outside the years the records format holds."""
    dates: list[tuple[list, Any]] = [(["awardDate"], data.get("awardDate"))]
    planned = data.get("plannedDates")
    for number, event in enumerate(planned if isinstance(planned, list) else []):
        if isinstance(event, dict):
            dates += [(["plannedDates", number, name], event.get(name))
                      for name in ("startDate", "endDate")]  # fmt: skip
    problems = []
    for path, value in dates:
        if not isinstance(value, str) or not ISO_DAY.match(value):
            continue  # not written as a date at all: the schema's own check says so
        name = _name(path, flat)
        day = day_of(value)
        if day is None:
            heading = (
                f"{_name([p for p in path if not isinstance(p, int)], flat)} is not a real date"
            )
            problems.append(Found(path, "real-date", f"{name} '{value}' is not a real date",
                                  heading))  # fmt: skip
        elif not EARLIEST_DATE <= day <= LATEST_DATE:
            span = f"({EARLIEST_DATE.year} to {LATEST_DATE.year})"
            problems.append(Found(
                path, "date-range",
                f"{name} {day.isoformat()} is outside the dates compactwatch can hold {span}",
                f"A date is outside the dates compactwatch can hold {span}",
            ))  # fmt: skip
    return problems


def _storable_problems(grant: SourceGrant) -> list[Problem]:
    """What is wrong with a grant for storing (the schema's problems aside)."""
    return grant_problems(grant, _storable(grant.data, grant.flat))


class Importer:
    """Runs one import job, reporting progress through `progress` (the terminal's bar)."""

    def __init__(self, job: ImportJob, progress: Progress | None = None):
        self.job = job
        self.progress = progress
        self.last_report = 0.0
        self.repeated_but_valid = 0
        self.channel = channel()
        self.sink: ProblemSink | None = None

    # Progress and cancellation ------------------------------------------------------------
    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_report < PROGRESS_EVERY:
            return
        self.last_report = now
        self.channel.publish(self.job)
        if self.channel.cancel_requested(self.job):
            raise Cancelled
        if self.progress:
            self.progress(self.job)

    def _finish(self, status: Status, problem: Problem | None = None) -> ImportJob:
        """End the job; a problem given is why (it stands for the file's problems)."""
        job = self.job
        if problem is not None:
            job.errors, job.problem_kinds = [problem.as_dict()], kinds_of([problem])
            if status != Status.FAILED:  # a failure of ours is not a problem with the file
                job.error_count = 1
        job.status, job.phase, job.finished = status, Phase.FINISHED, timezone.now()
        job.save()
        _release(job)
        if status != Status.DONE:
            record_action(
                job.created_by,
                "import " + status.value,
                "360giving_import",
                str(job.pk),
                compact=job.compact,
                summary=f"{job.file_name}: {job.get_status_display()}",
            )
        if self.progress:
            self.progress(job)
        return job

    # The two passes -----------------------------------------------------------------------
    def run(self) -> ImportJob:
        job = self.job
        if job.status != Status.QUEUED:
            return job  # cancelled before it started, or already run
        job.status, job.started, job.phase = Status.RUNNING, timezone.now(), Phase.CHECKING
        job.save()
        grants_file = None
        try:
            grants_file = GrantsFile(Path(job.path), job.file_name)
            clock = time.monotonic()
            invalid, repeated = self._check(grants_file)
            checked = time.monotonic()
            job.notes = grants_file.notes
            if job.error_count and not job.valid_only:
                return self._finish(Status.REFUSED)
            # Grants sharing an id are left out with the invalid ones.
            job.grants_to_store = job.grants_read - len(invalid) - self.repeated_but_valid
            if job.grants_to_store == 0:
                job.errors.insert(0, file_problem("no grant in the file is valid").as_dict())
                return self._finish(Status.REFUSED)
            job.phase = Phase.STORING
            self._report(force=True)
            with transaction.atomic():
                store = self._store(grants_file, invalid, repeated)
                job.outcome = store.outcome.as_dict()
                job.outcome["seconds"] = {
                    "check": round(checked - clock, 2),
                    "store": round(time.monotonic() - checked, 2),
                }
                top = store.outcome.funders.most_common(1)
                job.funder = (
                    Organisation.objects.filter(compact=job.compact, ref=top[0][0]).first()
                    if top
                    else None
                )
                job.outcome["not_partners"] = _not_partners(job.compact, store.outcome.funders)
                self._audit(store)
                return self._finish(Status.DONE)
        except Refused as error:  # the user is no longer the Compact's officer
            return self._finish(Status.REFUSED, file_problem(error.message))
        except ReadError as error:
            return self._finish(Status.REFUSED, file_problem(str(error)))
        except (Cancelled, KeyboardInterrupt):  # Ctrl-C at the terminal cancels too
            return self._finish(Status.CANCELLED)
        except DatabaseError as error:
            return self._finish(
                Status.FAILED, file_problem(f"the database refused the grants: {error}")
            )
        except Exception:  # a fault of ours: say so on the page, keep the detail in the log
            logger.exception("import %s failed", job.pk)
            return self._finish(Status.FAILED, file_problem(
                "compactwatch failed while importing this file; the fault is logged for the "
                "site administrator"))  # fmt: skip
        finally:
            if self.sink is not None:
                self.sink.discard()  # a check that did not finish lists nothing
            if grants_file is not None:
                grants_file.close()

    def _check(self, grants_file: GrantsFile) -> tuple[set[int], set[str]]:
        """Check every grant; returns the positions of invalid grants and repeated ids."""
        job = self.job
        job.error_count = 0
        self.sink = ProblemSink(job)
        check = FileCheck(grants_file, self.sink.add, extra=_storable_problems, every=BATCH)

        def progress() -> None:
            job.grants_read, job.error_count = check.grants_read, check.problem_count
            job.bytes_read = grants_file.bytes_read
            self._report()

        check.progress = progress
        check.run()
        job.grants_read, job.error_count = check.grants_read, check.problem_count
        job.bytes_read = grants_file.bytes_read
        job.summary, job.warnings = check.summary, check.personal
        self.sink.close()
        self.sink = None
        self.repeated_but_valid = check.repeated_but_valid
        self._report(force=True)
        return check.invalid, check.repeated

    def _store(self, grants_file: GrantsFile, invalid: set[int], repeated: set[str]):
        job = self.job
        actor = Actor(job.created_by, "import") if job.created_by else Actor.system("import")
        store = GrantStore(actor, job.compact, f"360Giving file {job.file_name}", job.pk)
        batch = []
        for grant in grants_file.grants(cells=False):
            if grant.position in invalid or grant.grant_id in repeated:
                continue
            batch.append(grant_of(grant.data))
            if len(batch) >= BATCH:
                store.store(batch)
                job.grants_stored += len(batch)
                batch = []
                self._report()
        store.store(batch)
        job.grants_stored += len(batch)
        return store

    def _audit(self, store: GrantStore) -> None:
        job, outcome = self.job, store.outcome
        left_out = job.grants_left_out
        record_action(
            job.created_by,
            "imported",
            "360giving_import",
            str(job.pk),
            compact=job.compact,
            summary=(
                f"{job.file_name}: {job.grants_read} grants read; {outcome.created} new, "
                f"{outcome.changed} changed, {outcome.unchanged} unchanged; "
                f"{outcome.individuals} to individuals (counted, not kept); "
                f"{outcome.organisations_added} organisations known from imported data added"
                + (f"; {left_out} invalid grants left out" if left_out else "")
            ),
        )


def _not_partners(compact: Compact, funders: Counter) -> list[dict[str, Any]]:
    """The file's funders (as the one matcher found or added them) that are not partners of
    the Compact, with how many grants each gave, most first."""
    found = Organisation.objects.filter(compact=compact, ref__in=funders, partner=False)
    names = dict(found.values_list("ref", "name"))
    return [{"ref": ref, "name": names[ref], "grants": count}
            for ref, count in funders.most_common() if ref in names]  # fmt: skip


def run_job(job_id: int, progress: Progress | None = None) -> ImportJob:
    """Run the import job `job_id` (from the queue's worker or the command)."""
    job = ImportJob.objects.select_related("compact", "created_by").get(pk=job_id)
    with Heartbeat(job):
        return Importer(job, progress).run()
