"""`compactwatch check FILE...`: check records against the Compact (the records format spec).

Nothing is written to standard output until the whole answer is ready: input that cannot
be read gives exit status 2, its problems on standard error and nothing at all on standard
output; a report is built whole, then written at once (never half a JSON document).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
from collections.abc import Iterable
from datetime import date
from typing import IO

import orjson

from compactwatch.cli.common import add_format, choose_edition, iso_date
from compactwatch.cli.editions import editions_for
from compactwatch.cli.report import write_text_report
from compactwatch.compact.engine import check_records
from compactwatch.compact.findings import Finding, Status
from compactwatch.compact.records import InputError, printable, read_records

EXIT_ALL_KEPT, EXIT_NOT_MET, EXIT_INVALID = 0, 1, 2
PREFIX = "compactwatch check: "


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
        "--compact",
        metavar="SLUG",
        help="judge by a Compact's editions as stored in the database (default: the shipped "
        "editions)",
    )
    parser.add_argument(
        "--as-of", type=iso_date, metavar="YYYY-MM-DD", help="the date to judge on (default: today)"
    )
    add_format(parser)
    parser.set_defaults(handler=run)


def _say(lines: Iterable[str]) -> None:
    sys.stderr.write("".join(f"{PREFIX}{printable(line)}\n" for line in lines))


def run(arguments: argparse.Namespace) -> int:
    editions = editions_for(arguments.compact)
    edition = choose_edition(editions, arguments.edition)
    as_of = arguments.as_of or date.today()
    try:
        records = read_records(arguments.files)
    except InputError as error:
        _say(f"warning: {note}" for note in error.notes)
        _say(str(problem) for problem in error.errors)
        return EXIT_INVALID
    except Exception as error:  # whatever else reading fails on: still a named input error
        files = ", ".join(arguments.files)
        _say([f"{files}: cannot be read ({type(error).__name__}: {printable(str(error), 200)})"])
        return EXIT_INVALID
    _say(f"warning: {note}" for note in records.notes)
    findings = check_records(records, editions, as_of, edition)
    if arguments.format == "json":
        # A million records give millions of findings: they are written as they come to a
        # file of our own, and only a finished document is copied to standard output.
        with tempfile.TemporaryFile() as document:
            any_not_met = write_json(document, findings, edition.id if edition else None, as_of)
            document.seek(0)
            sys.stdout.flush()
            if hasattr(sys.stdout, "buffer"):
                shutil.copyfileobj(document, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(document.read().decode())
    else:
        shown = [_shown(finding) for finding in findings]
        any_not_met = any(finding.status is Status.NOT_MET for finding in shown)
        text = io.StringIO()
        write_text_report(text, shown, as_of, edition)
        sys.stdout.write(text.getvalue())
        sys.stdout.flush()
    return EXIT_NOT_MET if any_not_met else EXIT_ALL_KEPT


def _shown(finding: Finding) -> Finding:
    """A finding safe for a terminal: its record id and message with non-printables escaped
    (a Compact lead's name, say, may hold an ANSI escape). JSON escapes them itself."""
    return finding._replace(record=printable(finding.record), message=printable(finding.message))


def write_json(
    out: IO[bytes], findings: Iterable[Finding], edition_id: str | None, as_of: date
) -> bool:
    """The spec's JSON document of the findings, one finding a line, written as the
    findings come; True when any is not met."""
    head = {"edition": edition_id, "as_of": as_of.isoformat()}
    out.write(orjson.dumps(head)[:-1] + b', "findings": [')
    any_not_met, chunk, separator = False, [], b"\n  "
    for finding in findings:
        any_not_met = any_not_met or finding.status is Status.NOT_MET
        chunk.append(separator + orjson.dumps(finding.as_dict()))
        separator = b",\n  "
        if len(chunk) == 10_000:  # few large writes, not millions of small ones
            out.write(b"".join(chunk))
            chunk.clear()
    out.write(b"".join(chunk) + b"\n]}\n")
    return any_not_met
