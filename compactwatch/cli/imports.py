"""`compactwatch import 360giving FILE --compact ID`: a funder's grants into the register."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from compactwatch.cli.common import CommandError
from compactwatch.cli.service import django_setup

EXAMPLES_SHOWN = 3  # of each kind of problem; every kind is shown


def register(subcommands: argparse._SubParsersAction) -> None:
    command = subcommands.add_parser("import", help="import a 360Giving grants file")
    kinds = command.add_subparsers(dest="kind", metavar="KIND", required=True)
    grants = kinds.add_parser(
        "360giving", help="a 360Giving file (JSON, CSV or XLSX) of a funder's grants"
    )
    grants.add_argument("file", type=Path)
    grants.add_argument("--compact", required=True, help="the Compact's id (e.g. cambridgeshire)")
    grants.add_argument(
        "--valid-only",
        action="store_true",
        help="store the valid grants and leave out the invalid ones (otherwise nothing is "
        "stored while any grant is invalid)",
    )
    grants.set_defaults(handler=run_import)


class Bars:
    """Two bars on the terminal: bytes checked, then grants stored; between them, once the
    file is checked, its summary."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None
        self.phase = ""
        self.summarised = False

    def __call__(self, job) -> None:
        if job.phase != self.phase:
            if self.bar is not None and job.status == "done":
                self.bar.update(self.bar.total - self.bar.n)
            self.close()
            if self.phase == "checking" and job.summary and not self.summarised:
                self.summarised = True
                print_summary(job.summary)
            self.phase = job.phase
            if job.phase == "checking":
                self.bar = tqdm(
                    total=job.file_size, unit="B", unit_scale=True, desc="Checking", disable=None
                )
            elif job.phase == "storing":
                self.bar = tqdm(
                    total=job.grants_to_store, unit=" grants", desc="Storing", disable=None
                )
        if self.bar is not None:
            done = job.bytes_read if job.phase == "checking" else job.grants_stored
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def print_summary(summary: dict) -> None:
    from compactwatch.imports.describe import summary_lines

    print("The file:")
    for line in summary_lines(summary):
        print(f"  {line}")


def print_problems(job) -> None:
    """Every kind of problem, with how many and the first examples (to standard error)."""
    from compactwatch.imports.describe import kind_count, kinds_line
    from compactwatch.imports.problems import stored_path
    from compactwatch.threesixtygiving.validating import Problem

    if not job.problem_kinds:
        for problem in job.errors:
            print(Problem(**problem), file=sys.stderr)
        return
    print(f"Problems: {kinds_line(job)}, by kind:", file=sys.stderr)
    for entry in job.problem_kinds:
        print(f"- {entry['heading']}: {kind_count(entry)}", file=sys.stderr)
        for problem in entry["examples"][:EXAMPLES_SHOWN]:
            print(f"    {Problem(**problem)}", file=sys.stderr)
        if entry["count"] > EXAMPLES_SHOWN:
            print(f"    ... and {entry['count'] - EXAMPLES_SHOWN:,} more of this kind",
                  file=sys.stderr)  # fmt: skip
    path = stored_path(job)
    if path is not None:
        print(f"Every problem is listed in {path} (gzipped CSV).", file=sys.stderr)


def run_import(arguments: argparse.Namespace) -> int:
    django_setup()
    from compactwatch.compacts.models import Compact
    from compactwatch.imports.describe import outcome_lines
    from compactwatch.imports.models import Status
    from compactwatch.imports.services import create_job, run_job

    compact = Compact.objects.filter(slug=arguments.compact).first()
    if compact is None:
        known = ", ".join(Compact.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"there is no Compact '{arguments.compact}' (known: {known})")
    path: Path = arguments.file
    if not path.is_file():
        raise CommandError(f"there is no file at {path}")
    job = create_job(compact, path, path.name, valid_only=arguments.valid_only)
    bars = Bars()
    try:
        job = run_job(job.pk, bars)
    finally:
        bars.close()
    if job.summary and not bars.summarised:
        print_summary(job.summary)
    for note in job.notes:
        print(f"Note: {note}")
    for warning in job.warnings:
        print(f"Warning: {warning['message']}")
    print_problems(job)
    for line in outcome_lines(job):
        print(line)
    return 0 if job.status == Status.DONE else 1
