"""The text report of `check`: findings grouped by record, records with a breach first."""

from __future__ import annotations

import shutil
import textwrap
from collections import Counter
from datetime import date
from typing import IO

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
