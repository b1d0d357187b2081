"""The text report of `check` (findings grouped by record, records with a breach first), and
`compactwatch report annual` (the year's annual report as HTML and PDF)."""

from __future__ import annotations

import argparse
import shutil
import textwrap
from collections import Counter
from datetime import date
from pathlib import Path
from typing import IO

from compactwatch.cli.common import CommandError
from compactwatch.cli.database import known_compact, open_database
from compactwatch.compact.dates import format_date
from compactwatch.compact.edition import Edition
from compactwatch.compact.findings import SEVERITY, Finding, Status

STATUS_ORDER = (Status.NOT_MET, Status.UNKNOWN, Status.EXPLAINED, Status.MET)
STATUS_WIDTH = max(len(status.label) for status in Status) + 2


def write_text_report(
    out: IO[str], findings: list[Finding], as_of: date, edition: Edition | None
) -> bool:
    """Write the report; True when any finding is not met."""
    by_record: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_record.setdefault((finding.record_type, finding.record), []).append(finding)
    counts = Counter(finding.status for finding in findings)
    judged_by = f"edition {edition.id}" if edition else "the edition in force on each record's date"
    out.write(f"Compact check as of {format_date(as_of)}, judged by {judged_by}.\n")
    summary = ", ".join(
        f"{counts[status]} {status.label.lower()}" for status in STATUS_ORDER if counts[status]
    )
    out.write(
        f"{len(findings)} findings on {len(by_record)} records"
        + (f": {summary}.\n" if summary else ".\n")
    )
    width = min(shutil.get_terminal_size((100, 20)).columns, 110)
    indent = " " * (2 + STATUS_WIDTH + 6 + 8)

    def severity(group: list[Finding]) -> int:
        return max(SEVERITY[finding.status] for finding in group)

    for (record_type, record), group in sorted(
        by_record.items(), key=lambda item: -severity(item[1])
    ):
        edition_id = group[0].commitment.split("/")[0]
        out.write(f"\n{record_type.replace('_', ' ')} {record}  ({edition_id})\n")
        for finding in sorted(group, key=lambda finding: -SEVERITY[finding.status]):
            ref = finding.commitment.split("/")[1]
            lead = f"  {finding.status.label.upper():<{STATUS_WIDTH}}{finding.strength:<6}{ref:<8}"
            out.write(
                textwrap.fill(
                    finding.message, width=width, initial_indent=lead, subsequent_indent=indent
                )
                + "\n"
            )
    return counts[Status.NOT_MET] > 0


# `compactwatch report annual`: the year's annual report (2007 edition, 5.3) as HTML and PDF.


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "report", help="the Compact's reports (the annual report)",
        description="The Compact's reports.",
    )  # fmt: skip
    kinds = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    annual = kinds.add_parser(
        "annual",
        help="the year's annual report, as HTML and PDF",
        description="Make the year's annual report from the Compact's data (a draft, made "
        "again each time, until the officer publishes it; a published report is frozen and "
        "written as it was published) and write it as an HTML page and a PDF.",
    )
    annual.add_argument("--compact", required=True, metavar="SLUG", help="the Compact")
    annual.add_argument("--year", required=True, type=_year, metavar="YEAR", help="the year")
    annual.add_argument("--html", metavar="FILE", help="write the report as HTML here")
    annual.add_argument("--pdf", metavar="FILE", help="write the report as PDF here")
    annual.set_defaults(handler=annual_command)


def _year(text: str) -> int:
    if not (text.isdigit() and 1900 <= int(text) <= 2199):
        raise argparse.ArgumentTypeError(f"{text!r} is not a year from 1900 to 2199")
    return int(text)


def annual_command(arguments: argparse.Namespace) -> int:
    if not arguments.html and not arguments.pdf:
        raise CommandError("Say where to write the report: --html FILE, --pdf FILE or both")
    open_database()
    from compactwatch.changes.base import Actor
    from compactwatch.changes.reports import make_draft
    from compactwatch.reports import render
    from compactwatch.reports.models import AnnualReport

    compact = known_compact(arguments.compact)
    report = AnnualReport.objects.filter(compact=compact, year=arguments.year).first()
    if report is None or not report.is_published:
        report = make_draft(Actor.system(), compact, arguments.year)
        state = "a draft, made now"
    else:
        state = f"published on {report.snapshot.get('published_on')}, as it was then"
    if arguments.html:
        Path(arguments.html).write_text(render.print_html(report), encoding="utf-8")
        print(f"Wrote the {arguments.year} annual report ({state}) as HTML to {arguments.html}")
    if arguments.pdf:
        Path(arguments.pdf).write_bytes(render.pdf(report))
        print(f"Wrote the {arguments.year} annual report ({state}) as PDF to {arguments.pdf}")
    return 0
