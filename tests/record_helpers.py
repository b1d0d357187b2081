"""Test helper: check one record, written as the records format writes it."""

from __future__ import annotations

from datetime import date

from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.engine import check_record
from compactwatch.compact.findings import Finding
from compactwatch.compact.records import read_mapping

EDITIONS = CompactEditions.shipped()
LATER = date(2030, 1, 1)


def findings_for(
    section: str,
    fields: dict,
    edition: str | None = None,
    as_of: date = LATER,
    extra: dict | None = None,
) -> dict[str, Finding]:
    """Read one record through the format's own reader and check it; findings by commitment."""
    document = {section: [{"id": "r1", **fields}], **(extra or {})}
    records = read_mapping(document, "test.json")
    chosen = EDITIONS.get(edition) if edition else None
    return {
        finding.commitment: finding
        for finding in check_record(section, records.section(section)[0], EDITIONS, as_of, chosen)
    }
