"""Every problem of an import, kept and given back: grouped by kind on the job (the page, the
terminal and the API show the groups), and listed in full in a CSV file beside the database
(gzipped, under the data folder's imports/problems/), streamed as it is written and as it is
downloaded, so that memory stays flat however many problems a file has.

The list is bounded: past PROBLEMS_LISTED problems an import's are counted and grouped, not
listed. The file goes with its job (see apps.py)."""

from __future__ import annotations

import csv
import gzip
import io
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from compactwatch.threesixtygiving.checking import ProblemKinds
from compactwatch.threesixtygiving.validating import Problem

PROBLEMS_LISTED = 1_000_000  # an import's problems listed in its CSV file; all are counted
ERRORS_KEPT = 500  # the first problems, kept on the job itself (`errors`)
COLUMNS = ("Grant id", "Grant no. in the file", "Where in the file", "Field path",
           "Kind of problem", "What is wrong")  # fmt: skip
FORMULA = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 1 << 16


def folder() -> Path:
    return Path(settings.DATA_DIR) / "imports" / "problems"


def _cell(value: Any) -> str:
    """A cell as text, never taken for a formula by a spreadsheet program."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA) else text


def row(problem: Problem) -> list[str]:
    return [_cell(value) for value in (
        problem.grant_id, problem.position + 1 if problem.position >= 0 else "",
        problem.where, problem.path, problem.heading or problem.message, problem.message,
    )]  # fmt: skip


def kinds_of(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    kinds = ProblemKinds()
    for problem in problems:
        kinds.add(problem)
    return kinds.as_list()


class ProblemSink:
    """Takes an import's problems as they are found: the first ERRORS_KEPT on the job, every
    one grouped by kind, and up to PROBLEMS_LISTED written to the job's CSV file."""

    def __init__(self, job: Any, limit: int | None = None):
        self.job = job
        self.limit = PROBLEMS_LISTED if limit is None else limit
        self.kinds = ProblemKinds()
        self.listed = 0
        self.path: Path | None = None
        self.handle: io.TextIOWrapper | None = None
        self.writer: Any = None
        job.errors = []

    def add(self, problem: Problem) -> None:
        self.kinds.add(problem)
        if len(self.job.errors) < ERRORS_KEPT:
            self.job.errors.append(problem.as_dict())
        if self.listed < self.limit:
            if self.writer is None:
                self._open()
            self.writer.writerow(row(problem))
            self.listed += 1

    def _open(self) -> None:
        folder().mkdir(parents=True, exist_ok=True)
        self.path = folder() / f"import-{self.job.pk}-{uuid.uuid4().hex[:12]}.csv.gz"
        raw = gzip.open(self.path.with_suffix(".partial"), "wb", compresslevel=5)  # noqa: SIM115 (closed by close or discard)
        self.handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(COLUMNS)

    def close(self) -> None:
        """Finish the list and put the groups of problems on the job."""
        if self.handle is not None and self.path is not None:
            self.handle.close()
            self.handle = None
            self.path.with_suffix(".partial").replace(self.path)
            self.job.problems_file, self.job.problems_listed = self.path.name, self.listed
        self.job.problem_kinds = self.kinds.as_list()

    def discard(self) -> None:
        """Remove a list not finished (the check stopped)."""
        if self.handle is not None and self.path is not None:
            self.handle.close()
            self.handle = None
            self.path.with_suffix(".partial").unlink(missing_ok=True)


def stored_path(job: Any) -> Path | None:
    """The job's problems file, if it has one still on disk."""
    name = job.problems_file
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = folder() / name
    return path if path.is_file() else None


def csv_chunks(job: Any) -> Iterator[bytes]:
    """Every problem of the job listed, as CSV (UTF-8 with a byte-order mark, for Excel), in
    chunks: from its problems file, or from the problems kept on the job if it has none."""
    path = stored_path(job)
    if path is not None:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk
        return
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    for problem in job.errors:
        writer.writerow(row(Problem(**problem)))
    yield ("\ufeff" + text.getvalue()).encode("utf-8")


def remove(job: Any) -> None:
    path = stored_path(job)
    if path is not None:
        path.unlink(missing_ok=True)
