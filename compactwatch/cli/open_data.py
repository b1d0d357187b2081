"""`compactwatch open-data`: a Compact's open data download at the command line.

- `export --compact SLUG -o FILE` writes the zip there and then (whole or not at all);
- `refresh` is the periodic part, for cron: it queues a fresh download for the worker for
  every Compact whose latest is older than a day, and marks as failed a build whose worker
  stopped. Safe to run as often as you like: at most one is queued for a Compact.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from compactwatch.cli.common import CommandError
from compactwatch.cli.database import known_compact, open_database


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "open-data",
        help="the open data download: write it now, or queue the ones a day old",
        description="A Compact's open data download: the register, the records, their "
        "findings, the indicators and disagreements counted, as CSV and JSON in one zip.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write a Compact's open data zip to a file now",
        description="Write a Compact's open data zip to FILE now (the worker is not used).",
    )
    export.add_argument("--compact", required=True, metavar="SLUG", help="the Compact")
    export.add_argument(
        "-o", "--output", required=True, type=Path, metavar="FILE", help="the zip to write"
    )
    export.set_defaults(handler=export_command)
    refresh = actions.add_parser(
        "refresh",
        help="queue a fresh download for each Compact whose latest is a day old (for cron)",
        description="Queue a fresh open data download for the worker for every Compact whose "
        "latest is older than a day (or that has none), and mark as failed a build whose "
        "worker stopped. Run it from cron, e.g. hourly.",
    )
    refresh.set_defaults(handler=refresh_command)


def export_command(arguments: argparse.Namespace) -> int:
    open_database()
    from django.template.defaultfilters import filesizeformat

    from compactwatch.reports import exports

    compact = known_compact(arguments.compact)
    path: Path = arguments.output
    if path.is_dir():
        raise CommandError(f"{path} is a folder: give the zip file to write")
    if not path.parent.is_dir():
        raise CommandError(f"There is no folder {path.parent} to write {path.name} in")
    try:
        written = exports.write_file(compact, path.absolute())
    except PermissionError:
        raise CommandError(f"{path} cannot be written: permission denied", status=1) from None
    print(
        f"Wrote {path}: {filesizeformat(written.size)}, "
        + ", ".join(f"{table} {count:,}" for table, count in written.rows.items())
    )
    return 0


def refresh_command(arguments: argparse.Namespace) -> int:
    open_database()
    from django.utils import timezone

    from compactwatch.changes.open_data import refresh

    queued = refresh(timezone.now(), say=lambda line: print(line, flush=True))
    print(f"{queued} open data download{'' if queued == 1 else 's'} queued")
    return 0
