"""`compactwatch check FILE...`: check records against the Compact (the records format spec)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import IO

import orjson

from compactwatch.cli.common import add_format, choose_edition, iso_date, load_editions
from compactwatch.cli.report import write_text_report
from compactwatch.compact.engine import check_records
from compactwatch.compact.findings import Status
from compactwatch.compact.records import InputError, read_records

EXIT_ALL_KEPT, EXIT_NOT_MET, EXIT_INVALID = 0, 1, 2


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "check",
        help="check records (JSON, or CSV one per record type) against the Compact",
        description=(
            "Check consultations, funding agreements, changes to funding and organisations "
            "against the measurable commitments of the edition in force. Exit status: 0 when "
            "no finding is not met, 1 when any is, 2 when the input is invalid."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="records file(s)")
    parser.add_argument("--edition", metavar="ID", help="judge every record by this edition")
    parser.add_argument(
        "--as-of", type=iso_date, metavar="YYYY-MM-DD", help="the date to judge on (default: today)"
    )
    add_format(parser)
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    editions = load_editions()
    edition = choose_edition(editions, arguments.edition)
    as_of = arguments.as_of or date.today()
    try:
        records = read_records(arguments.files)
    except InputError as error:
        for problem in error.errors:
            print(f"compactwatch check: {problem}", file=sys.stderr)
        return EXIT_INVALID
    findings = check_records(records, editions, as_of, edition)
    out = sys.stdout
    if arguments.format == "json":
        any_not_met = write_json(out, findings, edition.id if edition else None, as_of)
    else:
        any_not_met = write_text_report(out, list(findings), as_of, edition)
    return EXIT_NOT_MET if any_not_met else EXIT_ALL_KEPT


def write_json(out: IO[str], findings, edition_id: str | None, as_of: date) -> bool:
    """Stream the findings as the spec's JSON document; True when any is not met."""
    buffer = out.buffer if hasattr(out, "buffer") else None
    write = buffer.write if buffer else (lambda data: out.write(data.decode()))
    head = {"edition": edition_id, "as_of": as_of.isoformat()}
    write(orjson.dumps(head)[:-1] + b', "findings": [')
    any_not_met = False
    chunk: list[bytes] = []
    separator = b"\n  "
    for finding in findings:
        if finding.status is Status.NOT_MET:
            any_not_met = True
        chunk.append(separator + orjson.dumps(finding.as_dict()))
        separator = b",\n  "
        if len(chunk) == 10_000:  # few large writes, not millions of small ones
            write(b"".join(chunk))
            chunk.clear()
    write(b"".join(chunk) + b"\n]}\n")
    if buffer:
        buffer.flush()
    return any_not_met
