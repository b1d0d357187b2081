"""The records interchange format: reading JSON and CSV files into plain records.

A record is a dict keyed by the format's field names. Reading normalises it:
dates become `datetime.date`, blank text becomes None ("not recorded"), and
`False` is kept where the format allows it ("recorded as not done"). Anything
else the format does not allow is an `InputError` naming file, record and field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import orjson

SECTIONS = ("organisations", "consultations", "funding_agreements", "funding_changes")
RECORD_TYPES = {
    "organisations": "organisation",
    "consultations": "consultation",
    "funding_agreements": "funding_agreement",
    "funding_changes": "funding_change",
}
# The date on which a record is judged, and so which edition applies to it.
KEY_DATES = {
    "organisations": None,
    "consultations": "opens",
    "funding_agreements": "award_date",
    "funding_changes": "notice_given",
}
MAX_ERRORS_LISTED = 100


class FieldProblem(ValueError):
    """A value that the format does not allow; the message says what was expected."""


@dataclass(frozen=True)
class RecordError:
    file: str
    section: str
    record_id: str | None
    position: int
    field: str | None
    problem: str

    def __str__(self) -> str:
        where = []
        if self.record_id is not None:
            record_type = RECORD_TYPES.get(self.section, self.section).replace("_", " ")
            where.append(f"{record_type} '{self.record_id}'")
        elif self.section and self.position:
            where.append(f"{self.section} record {self.position}")
        if self.field:
            where.append(f"field '{self.field}'")
        place = f"{self.file}: {', '.join(where)}" if where else self.file
        return f"{place}: {self.problem}"


class InputError(Exception):
    """The input cannot be read; `errors` lists each problem by file, record and field."""

    def __init__(self, errors: list[RecordError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


# ---------------------------------------------------------------- field parsers


class _DateCache(dict):
    """ISO date text -> date; a file of a million records holds a few thousand distinct days."""

    def __missing__(self, text: str) -> date:
        stripped = text.strip()
        if len(stripped) != 10 or stripped[4] != "-" or stripped[7] != "-":
            raise FieldProblem(f"'{text}' is not a date in the form YYYY-MM-DD")
        try:
            day = date.fromisoformat(stripped)
        except ValueError:
            raise FieldProblem(f"'{text}' is not a date in the form YYYY-MM-DD") from None
        if len(self) < 100_000:
            self[text] = day
        return day


_DATES = _DateCache()


def parse_date(value: Any) -> date | None:
    if type(value) is str:
        return _DATES[value] if value.strip() else None
    if isinstance(value, date):
        return value
    raise FieldProblem(f"{_show(value)} is not a date in the form YYYY-MM-DD")


def parse_date_or_false(value: Any) -> date | bool | None:
    if value is False:
        return False
    if value is True:
        raise FieldProblem("true is not allowed: give the date it was done, or false if it was not")
    return parse_date(value)


def parse_text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise FieldProblem(f"{_show(value)} is not text")
    if "\x00" in value:
        raise FieldProblem("the text holds a NUL character")
    return value.strip() or None


def parse_text_or_false(value: Any) -> str | bool | None:
    if value is False:
        return False
    if value is True:
        raise FieldProblem("true is not allowed: give the text, or false if none was given")
    return parse_text(value)


def parse_id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise FieldProblem(f"{_show(value)} is not an id")
    if isinstance(value, str) and "\x00" in value:
        raise FieldProblem("the id holds a NUL character")
    return str(value).strip() or None


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldProblem(f"{_show(value)} is not true or false")


MAX_AMOUNT = Decimal(10) ** 12  # a trillion: beyond any grant, and beyond what is stored


def parse_amount(value: Any) -> int | float | Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise FieldProblem(f"{_show(value)} is not a number")
    exact = Decimal(str(value))
    if not exact.is_finite() or exact >= MAX_AMOUNT:
        raise FieldProblem(f"{value} is not a believable amount (it must be under a trillion)")
    if exact < 0:
        raise FieldProblem(f"{value} is negative")
    if exact.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: an int
        raise FieldProblem(f"{value} has more than two decimal places")
    return value


def choice(*allowed: str) -> Callable[[Any], str | None]:
    def parse_choice(value: Any) -> str | None:
        text = parse_text(value)
        if text is not None and text not in allowed:
            options = ", ".join(allowed[:-1]) + f" or {allowed[-1]}"
            raise FieldProblem(f"'{text}' is not one of {options}")
        return text

    return parse_choice


def parse_compact_lead(value: Any) -> dict[str, str | None] | bool | None:
    if value is False:
        return False
    if not isinstance(value, dict):
        raise FieldProblem(f"{_show(value)} is not a Compact lead: give {{name, role}} or false")
    unknown = value.keys() - {"name", "role"}
    if unknown:
        raise FieldProblem(f"unknown field '{sorted(unknown)[0]}' in the Compact lead")
    lead = {
        key: parse_text(value[key]) if value.get(key) is not None else None
        for key in ("name", "role")
    }
    return lead if lead["name"] or lead["role"] else None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    return orjson.dumps(value, default=str).decode()


Parser = Callable[[Any], Any]

FIELDS: dict[str, dict[str, Parser]] = {
    "organisations": {
        "id": parse_id,
        "name": parse_text,
        "sector": choice("public", "voluntary"),
        "kind": parse_text,
        "compact_lead": parse_compact_lead,
        "dbs_checks_paid_by_organisation": parse_bool,
    },
    "consultations": {
        "id": parse_id,
        "organisation": parse_id,
        "title": parse_text,
        "opens": parse_date,
        "closes": parse_date,
        "formal": parse_bool,
        "shorter_period_rationale": parse_text,
        "feedback_published": parse_date_or_false,
    },
    "funding_agreements": {
        "id": parse_id,
        "funder": parse_id,
        "recipient": parse_id,
        "kind": parse_text,
        "amount": parse_amount,
        "currency": parse_text,
        "award_date": parse_date,
        "start": parse_date,
        "end": parse_date,
        "decision_rationale": parse_text_or_false,
        "single_year_rationale": parse_text,
        "monitoring_agreed": parse_date_or_false,
    },
    "funding_changes": {
        "id": parse_id,
        "agreement": parse_id,
        "change": choice("end", "reduce", "vary"),
        "notice_given": parse_date,
        "effective": parse_date,
        "in_writing": parse_bool,
        "rationale": parse_text_or_false,
        "exceptional_circumstances": parse_text,
        "mutual_agreement": parse_bool,
        "impact_assessed": parse_date_or_false,
        "performance_related": parse_bool,
        "improvement_timetable_agreed": parse_date_or_false,
    },
}
# Pairs of dates that cannot run backwards: (earlier, later).
DATE_ORDER = {
    "consultations": ("opens", "closes"),
    "funding_agreements": ("start", "end"),
}


# ---------------------------------------------------------------- the record set


@dataclass
class RecordSet:
    """The records of one or more files, read and checked for form."""

    organisations: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[dict[str, Any]] = field(default_factory=list)
    funding_agreements: list[dict[str, Any]] = field(default_factory=list)
    funding_changes: list[dict[str, Any]] = field(default_factory=list)

    def section(self, name: str) -> list[dict[str, Any]]:
        return getattr(self, name)

    def __len__(self) -> int:
        return sum(len(self.section(name)) for name in SECTIONS)


class _Reader:
    """Collects records from files, and every problem with them, before judging any."""

    def __init__(self) -> None:
        self.records = RecordSet()
        self.errors: list[RecordError] = []
        self.seen_ids: dict[str, set[str]] = {name: set() for name in SECTIONS}

    def error(self, *args: Any) -> None:
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RecordError(*args))

    def add_section(self, file: str, section: str, rows: Iterable[Any]) -> None:
        parsers = FIELDS[section]
        allowed = parsers.keys()
        order = DATE_ORDER.get(section)
        seen = self.seen_ids[section]
        kept = self.records.section(section)
        for position, record in enumerate(rows, start=1):
            if not isinstance(record, dict):
                self.error(file, section, None, position, None, "a record must be an object")
                continue
            record_id = record.get("id")
            shown_id = str(record_id) if isinstance(record_id, (str, int)) else None
            unknown = record.keys() - allowed
            if unknown:
                name = sorted(unknown)[0]
                self.error(file, section, shown_id, position, name, f"unknown field '{name}'")
                continue
            clean: dict[str, Any] = {}
            for name, parse in parsers.items():
                value = record.get(name)
                if value is None:
                    clean[name] = None
                    continue
                try:
                    clean[name] = parse(value)
                except FieldProblem as problem:
                    self.error(file, section, shown_id, position, name, str(problem))
                    break
            else:
                if clean["id"] is None:
                    self.error(file, section, None, position, "id", "every record needs an id")
                    continue
                if clean["id"] in seen:
                    self.error(file, section, clean["id"], position, "id", "this id is used twice")
                    continue
                if order and _runs_backwards(clean, *order):
                    first, last = order
                    self.error(
                        file,
                        section,
                        clean["id"],
                        position,
                        last,
                        f"{last} ({clean[last]}) is before {first} ({clean[first]})",
                    )
                    continue
                seen.add(clean["id"])
                clean["_file"] = file
                kept.append(clean)

    def check_references(self, known_agreements: Collection[str] = ()) -> None:
        agreement_ids = self.seen_ids["funding_agreements"] | set(known_agreements)
        for position, change in enumerate(self.records.funding_changes, start=1):
            agreement = change["agreement"]
            if agreement is not None and agreement not in agreement_ids:
                self.error(
                    change["_file"],
                    "funding_changes",
                    change["id"],
                    position,
                    "agreement",
                    f"no funding agreement has the id '{agreement}'",
                )


def _runs_backwards(record: dict[str, Any], first: str, last: str) -> bool:
    return record[first] is not None and record[last] is not None and record[last] < record[first]


def read_records(paths: Iterable[str | Path], known_agreements: Collection[str] = ()) -> RecordSet:
    """Read record files (JSON, or CSV one per record type) into one checked RecordSet.

    `known_agreements` are ids of funding agreements held elsewhere (a database) that
    changes may refer to besides those in the files. Raises InputError listing every
    problem found; nothing is returned unless every record in every file is well formed.
    """
    reader = _Reader()
    for path in paths:
        path = Path(path)
        try:
            content = path.read_bytes()
        except OSError as exc:
            reader.error(str(path), "", None, 0, None, f"cannot be read ({exc.strerror})")
            continue
        if not content.strip():
            reader.error(path.name, "", None, 0, None, "the file is empty")
            continue
        if path.suffix.lower() == ".csv":
            _read_csv(reader, path, content)
        else:
            _read_json(reader, path, content)
    if not reader.errors:
        reader.check_references(known_agreements)
    if reader.errors:
        raise InputError(reader.errors)
    return reader.records


def read_mapping(
    document: Any, name: str = "input", known_agreements: Collection[str] = ()
) -> RecordSet:
    """Read records already parsed from JSON (the API uses this); see read_records."""
    reader = _Reader()
    _read_document(reader, name, document)
    if not reader.errors:
        reader.check_references(known_agreements)
    if reader.errors:
        raise InputError(reader.errors)
    return reader.records


def _read_json(reader: _Reader, path: Path, content: bytes) -> None:
    try:
        document = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        reader.error(path.name, "", None, 0, None, f"is not valid JSON ({exc})")
        return
    _read_document(reader, path.name, document)


def _read_document(reader: _Reader, name: str, document: Any) -> None:
    if not isinstance(document, dict):
        reader.error(name, "", None, 0, None, "must hold one JSON object with record sections")
        return
    for section, rows in document.items():
        if section not in FIELDS:
            options = ", ".join(SECTIONS)
            reader.error(
                name, "", None, 0, section, f"unknown section '{section}' (expected {options})"
            )
        elif not isinstance(rows, list):
            reader.error(name, section, None, 0, None, f"'{section}' must be a list of records")
        else:
            reader.add_section(name, section, rows)


# ---------------------------------------------------------------- CSV

CSV_TRUE = {"true", "yes", "y", "1"}
CSV_FALSE = {"false", "no", "n", "0"}
BOOL_PARSERS = {parse_bool}
FALSE_ALLOWED = {parse_date_or_false, parse_text_or_false}


def _csv_columns(section: str) -> list[str]:
    columns = [name for name in FIELDS[section] if name != "compact_lead"]
    if section == "organisations":
        columns += ["compact_lead_name", "compact_lead_role"]
    return columns


def _section_for_csv(path: Path, header: list[str]) -> tuple[str | None, str | None]:
    """The record type a CSV holds: named by its file name, else the only one its header fits."""
    stem = path.stem.lower().replace("-", "_")
    named = [section for section in SECTIONS if stem.endswith(section)]
    if named:
        section = max(named, key=len)
        unknown = [column for column in header if column not in _csv_columns(section)]
        return section, (f"unknown column '{unknown[0]}'" if unknown else None)
    fitting = [section for section in SECTIONS if set(header) <= set(_csv_columns(section))]
    if len(fitting) == 1:
        return fitting[0], None
    if not fitting:
        known = set().union(*(_csv_columns(section) for section in SECTIONS))
        unknown = [column for column in header if column not in known]
        if unknown:
            return None, f"unknown column '{unknown[0]}'"
        return None, "its columns mix more than one record type"
    return None, (
        "its columns fit more than one record type; name the file after the type, "
        "e.g. funding_changes.csv"
    )


def _read_csv(reader: _Reader, path: Path, content: bytes) -> None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(rows, [])]
    section, problem = _section_for_csv(path, header)
    if section is None or problem:
        reader.error(
            path.name, section or "", None, 0, None, f"cannot be read as records: {problem}"
        )
        return
    parsers = FIELDS[section]
    records = []
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(header, row, strict=False))
        record: dict[str, Any] = {}
        for column, cell in cells.items():
            if column.startswith("compact_lead_"):
                continue
            record[column] = _csv_value(parsers[column], cell)
        if section == "organisations":
            record["compact_lead"] = _csv_compact_lead(cells)
        records.append(record)
    reader.add_section(path.name, section, records)


def _csv_value(parser: Parser, cell: str) -> Any:
    cell = cell.strip()
    if not cell:
        return None
    lowered = cell.lower()
    if parser in BOOL_PARSERS:
        if lowered in CSV_TRUE:
            return True
        if lowered in CSV_FALSE:
            return False
        return cell
    if parser in FALSE_ALLOWED and lowered == "false":
        return False
    if parser is parse_amount:
        try:
            return Decimal(cell.replace(",", ""))
        except InvalidOperation:
            return cell
    return cell


def _csv_compact_lead(cells: dict[str, str]) -> dict[str, str] | bool | None:
    name = cells.get("compact_lead_name", "").strip()
    role = cells.get("compact_lead_role", "").strip()
    if name.lower() == "false" and not role:
        return False
    if not name and not role:
        return None
    return {"name": name, "role": role}
