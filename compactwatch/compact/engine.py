"""Checking records: each record against the measurable commitments of its edition."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from compactwatch.compact.compact import CompactEditions
from compactwatch.compact.edition import Edition
from compactwatch.compact.findings import Finding
from compactwatch.compact.records import KEY_DATES, RECORD_TYPES, SECTIONS, RecordSet


def edition_for(
    editions: CompactEditions, section: str, record: dict[str, Any], as_of: date
) -> Edition | None:
    """The edition a record is judged by: the newest in force on its key date.

    Organisations have no key date, and a record may lack one: they are judged
    by the edition in force on `as_of`.
    """
    key = KEY_DATES[section]
    day = record[key] if key and record[key] is not None else as_of
    return editions.in_force_on(day)


def check_record(
    section: str,
    record: dict[str, Any],
    editions: CompactEditions,
    as_of: date,
    edition: Edition | None = None,
) -> list[Finding]:
    """The findings for one record; with no `edition`, the one in force on its key date."""
    edition = edition or edition_for(editions, section, record, as_of)
    if edition is None:
        return []
    record_type = RECORD_TYPES[section]
    findings = []
    for check in editions.checks(edition, section):
        if check.applies(record):
            status, message = check.evaluate(record, as_of)
            findings.append(
                Finding(record["id"], record_type, check.citation, status, check.strength, message)
            )
    return findings


def check_records(
    records: RecordSet,
    editions: CompactEditions,
    as_of: date,
    edition: Edition | None = None,
) -> Iterator[Finding]:
    """Every finding for every record, record by record in the order they were read."""
    for section in SECTIONS:
        for record in records.section(section):
            yield from check_record(section, record, editions, as_of, edition)
