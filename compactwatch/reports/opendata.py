"""A Compact's open data: the register, the records, their findings, the indicators and
disagreements counted without names, as CSV and JSON in one zip, with a README of the
fields made from the same tables that write the columns.

Nothing confidential goes out:
- the register gives organisations, never people: no Compact lead's name, no contacts, no
  signers, no email addresses or telephone numbers;
- records are written through the records format's own field table (`Model.format`), whose
  fields name organisations, not people; who entered a record is left out;
- findings on an organisation leave out their message, which may name its Compact lead;
- disagreements are counts only (no parties, no words, no confidential notes), each shown
  through the "fewer than 5" rule the caller passes in (`shown`);
- as a last guard, any text that holds the name or email address of a person the Compact
  knows (leads, contacts, signers, people raising concerns, users) is withheld.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from compactwatch.compact.format_guide import MEANINGS
from compactwatch.compacts.editions import editions_of
from compactwatch.compacts.models import Compact
from compactwatch.disputes.models import Case
from compactwatch.findings.figures import years_with_findings
from compactwatch.findings.models import Finding
from compactwatch.monitoring.indicators import indicator_figures
from compactwatch.monitoring.report import case_summary
from compactwatch.organisations.models import Contact, JoinRequest, Organisation, Signature
from compactwatch.records.format import Evidence, Party, Text
from compactwatch.records.models import RECORD_MODELS

Shown = Callable[[int], str]
WITHHELD = "[withheld: it named a person]"


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str  # the file's name, without .csv or .json
    title: str
    about: str
    columns: tuple[Column, ...]
    # The columns holding words people type (names, titles, reasons, ids): the guard reads
    # these; the rest are dates, numbers, choices and citations made by compactwatch.
    typed: frozenset[str] = frozenset()


REGISTER = Table(
    "register",
    "The register",
    "Every organisation in the Compact's register: its partners, and organisations known "
    "only from imported data. Organisations only: no person is named.",
    (
        Column("id", "The organisation's id in the Compact; records name it by this id"),
        Column("name", "Its name"),
        Column("sector", MEANINGS["organisations"]["sector"]),
        Column("kind", MEANINGS["organisations"]["kind"]),
        Column("partner", "true if it is a partner of the Compact (it signed, or the officer "
               "made it one); false if it is known only from imported data"),
        Column("charity_number", "Its registered charity number, if it has one"),
        Column("company_number", "Its company number, if it has one"),
        Column("org_id", "Its org-id (org-id.guide), for example GB-CHC-1234567"),
        Column("compact_lead", "nominated, none (it has nominated no Compact lead, 2007 "
               "edition 5.4) or not recorded. The lead's name is not published"),
        Column("compact_lead_role", "The role of its Compact lead: councillor, board_member, "
               "management_committee_member or other words"),
        Column("signed", "The editions it signed, each as edition id and date "
               "(edition@YYYY-MM-DD, or the id alone if the date is not known), separated by ;"),
    ),
    frozenset({"id", "name", "kind", "compact_lead_role"}),
)  # fmt: skip


def _record_table(record_type: str) -> Table:
    model = RECORD_MODELS[record_type]
    section = model.traits.section
    meanings = MEANINGS[section]
    columns = [Column("id", meanings["id"])]
    columns += [Column(name, meanings[name]) for name in model.format]
    columns.append(Column("year", "The year of its key date (the date its findings count in)"))
    typed = {"id"} | {
        name for name, kind in model.format.items()
        if isinstance(kind, (Text, Party)) or (isinstance(kind, Evidence) and kind.empty == "")
    }  # fmt: skip
    return Table(
        section,
        model.traits.plural,
        f"Every {model.traits.label.lower()} recorded in the Compact, in the records format "
        "(the fields of /records-format/), with the year it counts in.",
        tuple(columns),
        frozenset(typed),
    )


RECORD_TABLES = {record_type: _record_table(record_type) for record_type in RECORD_MODELS}

FINDINGS = Table(
    "findings",
    "Findings",
    "How each record (and each organisation in the register) stands on each measurable "
    "commitment of the edition in force on its date.",
    (
        Column("record_type", "consultation, funding_agreement, funding_change or organisation"),
        Column("record", "The record's id (or the organisation's id)"),
        Column("body", "The id of the organisation whose undertaking it is about"),
        Column("commitment", "The commitment, cited as edition/clause"),
        Column("commitment_name", "The commitment in words, with its clause"),
        Column("status", "met, explained, not_met or unknown"),
        Column("strength", "must (a firm undertaking) or should (an aim)"),
        Column("message", "Why, in plain English (left out for organisations: it may name "
               "a person)"),
        Column("year", "The year of the record's key date"),
    ),
    frozenset({"record", "message"}),
)  # fmt: skip

INDICATORS = Table(
    "indicators",
    "Indicators",
    "Each indicator of the Compact (2007 edition 5.1) for the whole Compact, for each year "
    "with records. Counts of disagreements under 5 are withheld, as on the public pages.",
    (
        Column("year", "The year counted"),
        Column("indicator", "The indicator's id"),
        Column("name", "The indicator's name"),
        Column("definition", "What it counts, in plain words"),
        Column("commitment", "The commitment it serves, in words with its clause"),
        Column("count", "How many were counted (empty if withheld or a median)"),
        Column("total", "Out of how many (empty for medians, plain counts, or if withheld)"),
        Column("value", "The median, for indicators that are medians"),
        Column("too_small", "true when too few were counted for the figure to mean much"),
        Column("words", "The figure in words, as the pages show it: \"14 of 20\""),
    ),
)  # fmt: skip

CASES = Table(
    "disagreements",
    "Disagreements, counted",
    "Disagreements raised under section 6 of the Compact, counted by year: no party, "
    "person or words of a case. Any count under 5 is written \"fewer than 5\".",
    (
        Column("year", "The year the disagreements were raised"),
        Column("measure", "What is counted: raised, open, resolved, withdrawn, unresolved, "
               "breach_found, or raised_about (about one commitment)"),
        Column("commitment", "For raised_about: the commitment at issue, in words"),
        Column("count", "How many, or \"fewer than 5\""),
    ),
)  # fmt: skip

TABLES: tuple[Table, ...] = (REGISTER, *RECORD_TABLES.values(), FINDINGS, INDICATORS, CASES)


def _cell(value: Any) -> Any:
    """A value as JSON holds it: dates as YYYY-MM-DD, amounts as numbers."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class _Guard:
    """Withholds any text naming a person the Compact knows, or an email address."""

    EMAIL = re.compile(r"[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+")

    def __init__(self, compact: Compact):
        names: set[str] = set()
        names.update(
            Organisation.objects.filter(compact=compact).values_list("lead_name", flat=True)
        )
        names.update(
            Contact.objects.filter(organisation__compact=compact).values_list("name", flat=True)
        )
        names.update(
            Signature.objects.filter(organisation__compact=compact).values_list(
                "signer_name", flat=True
            )
        )
        names.update(
            JoinRequest.objects.filter(compact=compact).values_list("signer_name", flat=True)
        )
        names.update(Case.objects.filter(compact=compact).values_list("contact_name", flat=True))
        users = get_user_model().objects.filter(
            Q(memberships__organisation__compact=compact) | Q(compacts_run=compact)
        )
        for first, last in users.values_list("first_name", "last_name"):
            names.add(f"{first} {last}".strip())
        # A name of one short word ("Jo") would withhold ordinary words; whole names only.
        kept = sorted((name.strip() for name in names if len(name.strip()) >= 5), key=len)
        self.pattern = (
            re.compile("|".join(re.escape(name) for name in reversed(kept)), re.IGNORECASE)
            if kept
            else None
        )  # fmt: skip

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or not value:
            return value
        if self.EMAIL.search(value) or (self.pattern and self.pattern.search(value)):
            return WITHHELD
        return value


def _register(compact: Compact) -> Iterator[dict[str, Any]]:
    signed: dict[int, list[str]] = {}
    for organisation_id, edition, day in (
        Signature.objects.filter(organisation__compact=compact)
        .order_by("signed_on", "id")
        .values_list("organisation_id", "edition__slug", "signed_on")
    ):
        signed.setdefault(organisation_id, []).append(f"{edition}@{day}" if day else edition)
    for organisation in Organisation.objects.filter(compact=compact).order_by("name", "ref"):
        yield {
            "id": organisation.ref, "name": organisation.name, "sector": organisation.sector,
            "kind": organisation.kind, "partner": organisation.partner,
            "charity_number": organisation.charity_number,
            "company_number": organisation.company_number, "org_id": organisation.org_id,
            "compact_lead": organisation.lead_status or "not recorded",
            "compact_lead_role": organisation.lead_role if organisation.lead_status == "nominated" else "",
            "signed": ";".join(signed.get(organisation.pk, [])),
        }  # fmt: skip


def _records(compact: Compact, record_type: str) -> Iterator[dict[str, Any]]:
    model = RECORD_MODELS[record_type]
    related = [
        name
        for name in model.format
        if name in ("organisation", "funder", "recipient", "agreement")
    ]
    for record in (
        model.objects.filter(compact=compact)
        .select_related(*related)
        .order_by("ref")
        .iterator(2000)
    ):
        row = record.as_record()
        day = record.key_date()
        row["year"] = day.year if day else None
        yield row


def _findings(compact: Compact) -> Iterator[dict[str, Any]]:
    editions = editions_of(compact)
    named: dict[str, str] = {}
    rows = (
        Finding.objects.filter(compact=compact)
        .order_by("record_type", "record_ref", "commitment")
        .values_list("record_type", "record_ref", "body__ref", "commitment", "status",
                     "strength", "message", "year")
    )  # fmt: skip
    for record_type, ref, body, commitment, status, strength, message, year in rows.iterator(5000):
        if commitment not in named:
            named[commitment] = editions.describe(commitment)
        yield {
            "record_type": record_type, "record": ref, "body": body, "commitment": commitment,
            "commitment_name": named[commitment], "status": status, "strength": strength,
            "message": "" if record_type == "organisation" else message, "year": year,
        }  # fmt: skip


def _indicators(compact: Compact, years: list[int]) -> Iterator[dict[str, Any]]:
    for year in years:
        for row in indicator_figures(compact, year):
            figure = row.this_year
            yield {
                "year": year, "indicator": row.indicator.id, "name": row.indicator.name,
                "definition": row.indicator.definition, "commitment": row.commitment_name,
                "count": figure.count, "total": figure.total, "value": figure.value,
                "too_small": figure.too_small, "words": figure.words,
            }  # fmt: skip


MEASURES = ("raised", "open", "resolved", "withdrawn", "unresolved", "breach_found")


def _cases(compact: Compact, shown: Shown) -> Iterator[dict[str, Any]]:
    years = sorted(set(Case.objects.filter(compact=compact).values_list("year", flat=True)))
    for year in years:
        summary = case_summary(compact, year)
        for measure in MEASURES:
            yield {"year": year, "measure": measure, "commitment": "",
                   "count": shown(summary["totals"][measure])}  # fmt: skip
        for row in summary["by_commitment"]:
            yield {"year": year, "measure": "raised_about", "commitment": row["commitment"],
                   "count": shown(row["count"])}  # fmt: skip


def rows(compact: Compact, table: Table, shown: Shown) -> Iterator[dict[str, Any]]:
    """The rows of one table, every value checked by the guard."""
    guard = _Guard(compact)
    if table is REGISTER:
        source: Iterable[dict[str, Any]] = _register(compact)
    elif table is FINDINGS:
        source = _findings(compact)
    elif table is INDICATORS:
        source = _indicators(compact, years_with_findings(compact))
    elif table is CASES:
        source = _cases(compact, shown)
    else:
        record_type = next(key for key, value in RECORD_TABLES.items() if value is table)
        source = _records(compact, record_type)
    names = [column.name for column in table.columns]
    typed = table.typed
    for row in source:
        yield {
            name: guard(_cell(row.get(name))) if name in typed else _cell(row.get(name))
            for name in names
        }


def count(compact: Compact, table: Table, shown: Shown) -> int:
    """How many rows `rows` gives, counted by the database where the table is large."""
    if table is REGISTER:
        return Organisation.objects.filter(compact=compact).count()
    if table is FINDINGS:
        return Finding.objects.filter(compact=compact).count()
    for record_type, record_table in RECORD_TABLES.items():
        if table is record_table:
            return RECORD_MODELS[record_type].objects.filter(compact=compact).count()
    return sum(1 for _ in rows(compact, table, shown))  # a few rows a year


def table_named(name: str) -> Table | None:
    return next((table for table in TABLES if table.name == name), None)


def readme(compact: Compact) -> str:
    """The README of the download: each file and each of its columns, from the tables."""
    lines = [
        f"# {compact.name}: open data",
        "",
        "Published by compactwatch under the Open Government Licence v3.0. Each table is "
        "given twice, as CSV (UTF-8, a header row) and as JSON (a list of objects with the "
        "same fields). Dates are YYYY-MM-DD. In CSV, true and false are written as such; an "
        "empty cell is a value not recorded.",
        "",
        "Nothing confidential is included: no person is named, no email address or "
        "telephone number is given, and disagreements are counts only, with any count "
        'under 5 written as "fewer than 5".',
        "",
    ]
    for table in TABLES:
        lines += [f"## {table.name}.csv and {table.name}.json: {table.title}", "", table.about, ""]
        lines += ["| field | what it holds |", "|---|---|"]
        lines += [f"| `{column.name}` | {column.meaning} |" for column in table.columns]
        lines.append("")
    return "\n".join(lines)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


Progress = Callable[[int], None]


def write_zip(
    compact: Compact, out: Any, shown: Shown, progress: Progress | None = None
) -> dict[str, int]:
    """The whole download, written to the file-like `out`; the rows written, by table. Rows
    are streamed: the JSON file straight into the zip, the CSV beside it in a temporary file
    (in memory while small), so memory stays flat however many records the Compact holds.
    `progress` is told the percent done each time it grows (the large tables counted first
    by the database; the small ones as one row each)."""
    weights = [_weight(compact, table) for table in TABLES]
    total, done, said = max(sum(weights), 1), 0, -1
    written: dict[str, int] = {}

    def tell() -> None:
        nonlocal said
        percent = min(99, done * 100 // total)  # 100 is said by whoever keeps the file
        if progress is not None and percent > said:
            said = percent
            progress(percent)

    tell()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(compact))
        for table, weight in zip(TABLES, weights, strict=True):
            with tempfile.SpooledTemporaryFile(max_size=32 << 20, mode="w+", newline="") as spool:
                writer = csv.writer(spool, lineterminator="\n")
                writer.writerow([column.name for column in table.columns])
                number = 0
                with archive.open(f"{table.name}.json", "w") as raw:
                    out_json = io.TextIOWrapper(raw, encoding="utf-8")
                    out_json.write("[")
                    for number, row in enumerate(rows(compact, table, shown), start=1):
                        writer.writerow([_csv_value(value) for value in row.values()])
                        out_json.write(",\n" if number > 1 else "\n")
                        out_json.write(json.dumps(row, ensure_ascii=False))
                        if number % 2000 == 0 and weight > 1:
                            done += 2000
                            tell()
                    out_json.write("\n]\n")
                    out_json.flush()
                    out_json.detach()
                spool.seek(0)
                with archive.open(f"{table.name}.csv", "w") as raw:
                    out_csv = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                    shutil.copyfileobj(spool, out_csv, 1 << 20)
                    out_csv.flush()
                    out_csv.detach()
            written[table.name] = number
            done += weight - (number // 2000 * 2000 if weight > 1 else 0)
            tell()
    return written


def _weight(compact: Compact, table: Table) -> int:
    """A table's share of the work: its rows, for the tables the database counts cheaply."""
    if table in (INDICATORS, CASES):
        return 1  # a few rows a year, each worked out: counting them would make them twice
    return max(count(compact, table, lambda number: ""), 1)
