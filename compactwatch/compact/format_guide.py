"""The records format explained field by field, and template files to fill in.

Both are made from the reader's own table (`records.FIELDS`, `records.BOUNDS`), so a field
added to the format appears here, and a test reads every template back with the reader.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
from dataclasses import dataclass
from typing import Any

from compactwatch.compact import records
from compactwatch.compact.records import BOUNDS, EARLIEST_DATE, FIELDS, LATEST_DATE, SECTIONS

# What each field holds, in words (the format's own words where it has them).
MEANINGS: dict[str, dict[str, str]] = {
    "organisations": {
        "id": "Your id for the organisation; records name it by this id",
        "name": "Its name",
        "sector": "public (a council, an NHS body) or voluntary (a charity, a community group)",
        "kind": "What kind of body it is, for example local_authority, nhs_body or charity",
        "compact_lead": "Its Compact lead: a name and a role (councillor, board_member or "
        "other words); false if it has none",
        "dbs_checks_paid_by_organisation": "Whether it pays for its volunteers' DBS checks",
    },
    "consultations": {
        "id": "Your id for the consultation",
        "organisation": "Who consults: an organisation's id, or its name",
        "title": "What it is about",
        "opens": "The day it opens",
        "closes": "The day it closes (both days count)",
        "formal": "Whether it is a formal written consultation",
        "shorter_period_rationale": "Why it is shorter than the Compact asks, if it is",
        "feedback_published": "The day feedback on it was published; false if none was",
    },
    "funding_agreements": {
        "id": "Your id for the agreement (a grant, contract or service agreement)",
        "funder": "Who funds: an organisation's id, or its name",
        "recipient": "Who is funded: an organisation's id, or its name",
        "kind": "grant, contract, service_agreement or other words",
        "amount": "How much, in the currency (no currency sign)",
        "currency": "The currency's three-letter code, for example GBP",
        "award_date": "The day funding was awarded",
        "start": "The first day of the funding",
        "end": "The last day of the funding (both days count)",
        "decision_rationale": "The reasons given for the decision; false if none were",
        "single_year_rationale": "Why the funding is for one year only, if it is",
        "monitoring_agreed": "The day monitoring was agreed; false if it was not",
    },
    "funding_changes": {
        "id": "Your id for the change",
        "agreement": "The id of the funding agreement it changes (in the same upload, or "
        "one already stored)",
        "change": "end, reduce or vary",
        "notice_given": "The day notice was given",
        "effective": "The day the change takes effect",
        "in_writing": "Whether notice was given in writing",
        "rationale": "The reasons given for the change; false if none were",
        "exceptional_circumstances": "The exceptional circumstances, if notice was shorter",
        "mutual_agreement": "Whether a shorter notice was agreed by both sides",
        "impact_assessed": "The day the change's impact was assessed; false if it was not",
        "performance_related": "Whether the change is because of performance",
        "improvement_timetable_agreed": "The day a timetable for improvement was agreed; false "
        "if none was",
    },
}

# One example record of each type, clearly invented; together they read as one upload.
EXAMPLES: dict[str, dict[str, Any]] = {
    "organisations": {
        "id": "example-trust", "name": "Example Trust", "sector": "voluntary",
        "kind": "charity", "compact_lead": {"name": "A. Example", "role": "board_member"},
        "dbs_checks_paid_by_organisation": True,
    },
    "consultations": {
        "id": "example-c1", "organisation": "Example District Council",
        "title": "Library services review", "opens": "2026-01-05", "closes": "2026-03-29",
        "formal": True, "shorter_period_rationale": None, "feedback_published": "2026-05-01",
    },
    "funding_agreements": {
        "id": "example-g1", "funder": "Example District Council", "recipient": "example-trust",
        "kind": "grant", "amount": 12000, "currency": "GBP", "award_date": "2026-03-01",
        "start": "2026-04-01", "end": "2029-03-31",
        "decision_rationale": "Scored 8 out of 10 against the published criteria",
        "single_year_rationale": None, "monitoring_agreed": "2026-02-20",
    },
    "funding_changes": {
        "id": "example-n1", "agreement": "example-g1", "change": "end",
        "notice_given": "2028-12-31", "effective": "2029-03-31", "in_writing": True,
        "rationale": "The programme is closing", "exceptional_circumstances": None,
        "mutual_agreement": False, "impact_assessed": "2028-12-01",
        "performance_related": False, "improvement_timetable_agreed": None,
    },
}  # fmt: skip


@dataclass(frozen=True)
class FieldGuide:
    name: str  # as in JSON; CSV splits compact_lead into compact_lead_name and _role
    meaning: str
    takes: str  # what values it takes, with its bounds
    example: str  # the example record's value, as a CSV cell


def _takes(section: str, name: str) -> str:
    parse = FIELDS[section][name]
    bound = BOUNDS[section][name]
    dates = f"a date, YYYY-MM-DD, from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
    length = f"at most {bound.max_length:,} characters" if bound.max_length else ""
    described = {
        records.parse_id: (
            f"an organisation's id or name, {length}"
            if bound == records.ID_OR_NAME
            else f"an id, {length}"
        ),
        records.parse_text: f"text, {length}",
        records.parse_text_or_false: f"text, {length}; or false",
        records.parse_date: dates,
        records.parse_date_or_false: f"{dates}; or false",
        records.parse_bool: "true or false (in CSV also yes or no)",
        records.parse_amount: "a number of at most two decimal places, under a trillion",
        records.parse_compact_lead: "a name and a role, each text of at most "
        f"{bound.max_length} characters; or false",
    }
    if parse in described:
        return described[parse]
    allowed = inspect.getclosurevars(parse).nonlocals["allowed"]  # a choice
    return "one of: " + ", ".join(allowed)


def guide(section: str) -> list[FieldGuide]:
    """Each field of a record type: what it means, what it takes, and the example's value."""
    example = EXAMPLES[section]
    return [
        FieldGuide(name, MEANINGS[section][name], _takes(section, name), _cell(example[name]))
        for name in FIELDS[section]
    ]


def _cell(value: Any) -> str:
    """A value as a CSV cell holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # a Compact lead, as its two CSV columns hold it
        return f"{value['name']}, {value['role']}"
    return str(value)


def csv_columns(section: str) -> list[str]:
    """The CSV header of a record type (the Compact lead in two columns)."""
    return records._csv_columns(section)


def csv_template(section: str) -> str:
    """A CSV file of one record type: its header and the example row."""
    example = dict(EXAMPLES[section])
    lead = example.pop("compact_lead", None)
    if isinstance(lead, dict):
        example["compact_lead_name"], example["compact_lead_role"] = lead["name"], lead["role"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = csv_columns(section)
    writer.writerow(columns)
    writer.writerow([_cell(example.get(column)) for column in columns])
    return out.getvalue()


def json_template() -> str:
    """One JSON file holding the example record of every type."""
    return json.dumps({section: [EXAMPLES[section]] for section in SECTIONS}, indent=2) + "\n"


def template_files() -> dict[str, tuple[str, str]]:
    """The template files offered for download: name -> (content, media type)."""
    files = {"records.json": (json_template(), "application/json")}
    files.update({f"{section}.csv": (csv_template(section), "text/csv") for section in SECTIONS})
    return files
