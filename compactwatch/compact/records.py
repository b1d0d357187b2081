"""The records interchange format: reading JSON and CSV files into plain records.

A record is a dict keyed by the format's field names. Reading normalises it:
dates become `datetime.date`, blank text becomes None ("not recorded"), and
`False` is kept where the format allows it ("recorded as not done"). Every value
is then held to the format's bounds (`BOUNDS`, beside `FIELDS`), so that it can be
stored, shown and reasoned about. Anything else the format does not allow is an
`InputError` naming file, record and field: every problem of every record.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
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
# Problems listed in an InputError; past these, one more line says how many were left out.
MAX_ERRORS_LISTED = 100
SHOWN_VALUE_LENGTH = 60  # characters of a value quoted in a message


# ---------------------------------------------------------------- messages


def printable(text: str, limit: int | None = None) -> str:
    """`text` safe to show on a terminal: every character that is not printable (controls,
    ANSI escapes, bidirectional overrides, lone surrogates) written as its escape, `\\x1b`,
    `\\n`, `\\u202e`; cut to `limit` characters, saying how long it was."""
    cut = ""
    if limit is not None and len(text) > limit:
        cut = f"… ({len(text):,} characters)"
        text = text[:limit]
    if not text.isprintable():
        text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
    return text + cut


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
            where.append(f"{printable(record_type, 60)} '{printable(self.record_id, 100)}'")
        elif self.position and self.file.lower().endswith(".csv"):
            where.append(f"row {self.position}")
        elif self.section and self.position:
            where.append(f"{printable(self.section, 60)} record {self.position}")
        if self.field:
            where.append(f"field '{printable(self.field, SHOWN_VALUE_LENGTH)}'")
        file = printable(self.file)
        place = f"{file}: {', '.join(where)}" if where else file
        return f"{place}: {printable(self.problem)}"


class InputError(Exception):
    """The input cannot be read; `errors` lists each problem by file, record and field
    (past MAX_ERRORS_LISTED, a last line says how many more there were). `notes` are the
    warnings of reading, as RecordSet.notes."""

    def __init__(
        self, errors: list[RecordError], notes: Iterable[str] = (), total: int | None = None
    ):
        self.errors = errors
        self.notes = list(notes)
        self.total = len(errors) if total is None else total  # every problem, listed or not
        super().__init__("\n".join(str(error) for error in errors))


# ---------------------------------------------------------------- field parsers


class _DateCache(dict[str, date]):
    """ISO date text -> date; a file of a million records holds a few thousand distinct days."""

    def __missing__(self, text: str) -> date:
        stripped = text.strip()
        if len(stripped) != 10 or stripped[4] != "-" or stripped[7] != "-":
            raise FieldProblem(f"{_show(text)} is not a date in the form YYYY-MM-DD")
        try:
            day = date.fromisoformat(stripped)
        except ValueError:
            raise FieldProblem(f"{_show(text)} is not a date in the form YYYY-MM-DD") from None
        if len(self) < 100_000:
            self[text] = day
        return day


_DATES = _DateCache()


def parse_date(value: Any) -> date | None:
    if type(value) is str:
        return _DATES[value] if value.strip() else None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    raise FieldProblem(f"{_show(value)} is not a date in the form YYYY-MM-DD")


def parse_date_or_false(value: Any) -> date | bool | None:
    if value is False:
        return False
    if value is True:
        raise FieldProblem("true is not allowed: give the date it was done, or false if it was not")
    return parse_date(value)


def _unreadable_character(text: str) -> str | None:
    """Why `text` cannot be stored as it stands: a NUL, or a lone surrogate (not a character)."""
    if "\x00" in text:
        return "a NUL character"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"a lone surrogate ({printable(text[error.start])}), which is not a character"
    return None


def parse_text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise FieldProblem(f"{_show(value)} is not text")
    unreadable = _unreadable_character(value)
    if unreadable:
        raise FieldProblem(f"the text holds {unreadable}")
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
    if isinstance(value, int):
        try:
            value = str(value)
        except ValueError:  # past Python's limit on the digits of an int as text
            raise FieldProblem("a number of thousands of digits is not an id") from None
    unreadable = _unreadable_character(value)
    if unreadable:
        raise FieldProblem(f"the id holds {unreadable}")
    return value.strip() or None


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldProblem(f"{_show(value)} is not true or false")


def _exact(value: int | float | Decimal) -> Decimal:
    return Decimal(value) if isinstance(value, (int, Decimal)) else Decimal(str(value))


def parse_amount(value: Any) -> int | float | Decimal:
    """A non-negative number of at most two decimal places; its size is held to BOUNDS."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise FieldProblem(f"{_show(value)} is not a number")
    exact = _exact(value)
    if not exact.is_finite():
        raise FieldProblem(f"{_show(value)} is not a finite number")
    if exact < 0:
        raise FieldProblem(f"{_show(value)} is negative")
    if exact.as_tuple().exponent < -2:  # type: ignore[operator]  # finite: an int
        raise FieldProblem(f"{_show(value)} has more than two decimal places")
    return value


def choice(*allowed: str) -> Callable[[Any], str | None]:
    def parse_choice(value: Any) -> str | None:
        text = parse_text(value)
        if text is not None and text not in allowed:
            options = ", ".join(allowed[:-1]) + f" or {allowed[-1]}"
            raise FieldProblem(f"{_show(text)} is not one of {options}")
        return text

    return parse_choice


def parse_compact_lead(value: Any) -> dict[str, str | None] | bool | None:
    if value is False:
        return False
    if not isinstance(value, dict):
        raise FieldProblem(f"{_show(value)} is not a Compact lead: give {{name, role}} or false")
    unknown = sorted(str(key) for key in value.keys() - {"name", "role"})
    if unknown:
        names = ", ".join(_show(name) for name in unknown[:5])
        plural = "s" if len(unknown) > 1 else ""
        raise FieldProblem(f"unknown field{plural} {names} in the Compact lead")
    problems = []
    lead: dict[str, str | None] = {}
    for key in ("name", "role"):
        try:
            lead[key] = parse_text(value[key]) if value.get(key) is not None else None
        except FieldProblem as problem:
            problems.append(f"the Compact lead's {key}: {problem}")
    if problems:
        raise FieldProblem("; ".join(problems))
    return lead if lead["name"] or lead["role"] else None


def _number_text(value: int | float | Decimal) -> str:
    try:
        return str(value)
    except ValueError:  # an int past Python's limit on digits converted to text
        return "a number of thousands of digits"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _show(value: Any) -> str:
    """A value as a message quotes it: short, and safe for a terminal."""
    if isinstance(value, str):
        return f"'{printable(value, SHOWN_VALUE_LENGTH)}'"
    if value is None or isinstance(value, bool):
        return orjson.dumps(value).decode()
    if isinstance(value, (int, float, Decimal)):
        return printable(_number_text(value), SHOWN_VALUE_LENGTH)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)) and len(value) <= 20:
        try:
            return printable(orjson.dumps(value, default=str).decode(), SHOWN_VALUE_LENGTH)
        except (orjson.JSONEncodeError, RecursionError, ValueError):
            pass  # nested too deep, or holding what JSON cannot: described below
    if isinstance(value, list):
        return f"a list of {_count(len(value), 'item')}"
    if isinstance(value, dict):
        return f"an object of {_count(len(value), 'field')}"
    return f"a value of type {printable(type(value).__name__, SHOWN_VALUE_LENGTH)}"


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


# ---------------------------------------------------------------- bounds


@dataclass(frozen=True)
class Bound:
    """What a field's value may be beyond its type (records format, "Bounds"): so that
    every value a file holds can be stored, shown and reasoned about."""

    max_length: int | None = None  # characters of text (each of a Compact lead's name and role)
    control_characters: bool = True  # C0, DEL and C1 controls (NUL is never allowed)
    earliest: date | None = None
    latest: date | None = None
    below: Decimal | None = None  # an amount is less than this


EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
MAX_AMOUNT = Decimal(10) ** 12  # a trillion: beyond any grant, and beyond what is stored

ANY = Bound()  # a flag or a choice: its type is its bound
ID = Bound(max_length=100, control_characters=False)
# An organisation's id or, for one not in the register, its name in free text.
ID_OR_NAME = Bound(max_length=300, control_characters=False)
DATE = Bound(earliest=EARLIEST_DATE, latest=LATEST_DATE)
RATIONALE = Bound(max_length=10_000)

# The one table of bounds, field by field as FIELDS: the reader (and so `check`, uploads
# and the API, which call it) holds every value to these. The spec lists ids, names,
# title, kind, rationales, dates and amounts; the lengths of an organisation's name, a
# Compact lead and a currency are those of the columns that store them.
BOUNDS: dict[str, dict[str, Bound]] = {
    "organisations": {
        "id": ID,
        "name": Bound(max_length=300),
        "sector": ANY,
        "kind": Bound(max_length=100),
        "compact_lead": Bound(max_length=200),
        "dbs_checks_paid_by_organisation": ANY,
    },
    "consultations": {
        "id": ID,
        "organisation": ID_OR_NAME,
        "title": Bound(max_length=300),
        "opens": DATE,
        "closes": DATE,
        "formal": ANY,
        "shorter_period_rationale": RATIONALE,
        "feedback_published": DATE,
    },
    "funding_agreements": {
        "id": ID,
        "funder": ID_OR_NAME,
        "recipient": ID_OR_NAME,
        "kind": Bound(max_length=100),
        "amount": Bound(below=MAX_AMOUNT),
        "currency": Bound(max_length=3),
        "award_date": DATE,
        "start": DATE,
        "end": DATE,
        "decision_rationale": RATIONALE,
        "single_year_rationale": RATIONALE,
        "monitoring_agreed": DATE,
    },
    "funding_changes": {
        "id": ID,
        "agreement": ID,
        "change": ANY,
        "notice_given": DATE,
        "effective": DATE,
        "in_writing": ANY,
        "rationale": RATIONALE,
        "exceptional_circumstances": RATIONALE,
        "mutual_agreement": ANY,
        "impact_assessed": DATE,
        "performance_related": ANY,
        "improvement_timetable_agreed": DATE,
    },
}
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


_NOTHING: tuple[str, ...] = ()


def bound_problems(bound: Bound, value: Any) -> Sequence[str]:
    """What is outside `bound` in a value as its parser returned it; empty if nothing."""
    if type(value) is str:
        if (bound.max_length is None or len(value) <= bound.max_length) and (
            bound.control_characters or value.isprintable()
        ):
            return _NOTHING  # the common case, quickly
        return _text_problems(bound, "", value)
    if isinstance(value, date):
        if (bound.earliest and value < bound.earliest) or (bound.latest and value > bound.latest):
            return (
                f"{value.isoformat()} is outside the dates the format allows "
                f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})",
            )
        return _NOTHING
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if bound.below is not None and value >= bound.below:
            return (f"{_show(value)} is not a believable amount (it must be under a trillion)",)
        return _NOTHING
    if isinstance(value, dict):  # a Compact lead
        return [
            problem
            for key, text in value.items()
            if isinstance(text, str)
            for problem in _text_problems(bound, f"the Compact lead's {key}: ", text)
        ]
    return _NOTHING


def _text_problems(bound: Bound, prefix: str, text: str) -> list[str]:
    problems = []
    if bound.max_length is not None and len(text) > bound.max_length:
        problems.append(
            f"{prefix}{_count(len(text), 'character')} long: "
            f"at most {bound.max_length:,} are allowed"
        )
    if not bound.control_characters:
        control = _CONTROL.search(text)
        if control:
            problems.append(
                f"{prefix}{_show(text)} holds a control character "
                f"({printable(control.group())}), which is not allowed here"
            )
    return problems


# Each section's fields as the reader takes them: name, parser, and bound (None if ANY).
_READING = {
    section: [
        (name, parse, None if BOUNDS[section][name] == ANY else BOUNDS[section][name])
        for name, parse in parsers.items()
    ]
    for section, parsers in FIELDS.items()
}


# ---------------------------------------------------------------- the record set


@dataclass
class RecordSet:
    """The records of one or more files, read and checked for form."""

    organisations: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[dict[str, Any]] = field(default_factory=list)
    funding_agreements: list[dict[str, Any]] = field(default_factory=list)
    funding_changes: list[dict[str, Any]] = field(default_factory=list)
    # Warnings of reading, each naming its file (e.g. a CSV read as Windows-1252).
    notes: list[str] = field(default_factory=list)

    def section(self, name: str) -> list[dict[str, Any]]:
        return getattr(self, name)

    def __len__(self) -> int:
        return sum(len(self.section(name)) for name in SECTIONS)


_INVALID = object()  # a field whose value was refused: not "not recorded", and not compared


class _Reader:
    """Collects records from files, and every problem with them, before judging any."""

    def __init__(self) -> None:
        self.records = RecordSet()
        self.errors: list[RecordError] = []
        self.unlisted = 0
        self.unlisted_files: dict[str, None] = {}
        self.seen_ids: dict[str, set[str]] = {name: set() for name in SECTIONS}
        # (file, position, change id, agreement id) of each change that names an agreement.
        self.references: list[tuple[str, int, str | None, str]] = []

    def error(
        self,
        file: str,
        section: str,
        record_id: str | None,
        position: int,
        field: str | None,
        problem: str,
    ) -> None:
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RecordError(file, section, record_id, position, field, problem))
        else:
            self.unlisted += 1
            self.unlisted_files.setdefault(file)

    def note(self, file: str, text: str) -> None:
        self.records.notes.append(f"{file}: {text}")

    def add_section(self, file: str, section: str, rows: Iterable[tuple[int, Any]]) -> None:
        """Read each (position, record) of a section: its position in the list, or its row."""
        for position, record in rows:
            self.add_record(file, section, position, record)

    def add_record(self, file: str, section: str, position: int, record: Any) -> None:
        if not isinstance(record, dict):
            self.error(file, section, None, position, None, "a record must be an object")
            return
        problems: list[tuple[str, str]] = []
        if not record.keys() <= FIELDS[section].keys():
            for name in sorted(str(key) for key in record.keys() - FIELDS[section].keys()):
                problems.append((name, f"unknown field {_show(name)}"))
        clean: dict[str, Any] = {}
        for name, parse, bound in _READING[section]:
            value = record.get(name)
            if value is None:
                clean[name] = None
                continue
            try:
                parsed = parse(value)
            except FieldProblem as refused:
                problems.append((name, str(refused)))
                clean[name] = _INVALID
                continue
            if bound is not None and parsed is not None and parsed is not False:
                outside = bound_problems(bound, parsed)
                if outside:
                    problems.extend((name, problem) for problem in outside)
                    parsed = _INVALID
            clean[name] = parsed
        record_id = clean["id"] if isinstance(clean["id"], str) else None
        if clean["id"] is None:
            problems.append(("id", "every record needs an id"))
        seen = self.seen_ids[section]
        if record_id is not None:
            if record_id in seen:
                problems.append(("id", "this id is used twice"))
            seen.add(record_id)
        order = DATE_ORDER.get(section)
        if order:
            first, last = order
            earlier, later = clean[first], clean[last]
            if isinstance(earlier, date) and isinstance(later, date) and later < earlier:
                problems.append((last, f"{last} ({later}) is before {first} ({earlier})"))
        if section == "funding_changes" and isinstance(clean["agreement"], str):
            self.references.append((file, position, record_id, clean["agreement"]))
        if problems:
            for name, text in problems:
                self.error(file, section, record_id, position, name, text)
            return
        clean["_file"] = file
        self.records.section(section).append(clean)

    def check_references(self, known_agreements: Collection[str] = ()) -> None:
        agreement_ids = self.seen_ids["funding_agreements"] | set(known_agreements)
        for file, position, change_id, agreement in self.references:
            if agreement not in agreement_ids:
                self.error(
                    file,
                    "funding_changes",
                    change_id,
                    position,
                    "agreement",
                    f"no funding agreement has the id {_show(agreement)}",
                )

    def finish(self, known_agreements: Collection[str]) -> RecordSet:
        self.check_references(known_agreements)
        if not self.errors:
            return self.records
        errors = list(self.errors)
        if self.unlisted:
            files = list(self.unlisted_files)
            named = ", ".join(files[:5]) + (
                f" and {len(files) - 5:,} more" if len(files) > 5 else ""
            )
            errors.append(
                RecordError(
                    named,
                    "",
                    None,
                    0,
                    None,
                    f"{self.unlisted:,} more problems are not listed "
                    f"(the first {MAX_ERRORS_LISTED} are)",
                )
            )
        raise InputError(
            errors, self.records.notes, len(errors) - 1 + self.unlisted if self.unlisted else None
        )


def read_records(paths: Iterable[str | Path], known_agreements: Collection[str] = ()) -> RecordSet:
    """Read record files (JSON, or CSV one per record type) into one checked RecordSet.

    `known_agreements` are ids of funding agreements held elsewhere (a database) that
    changes may refer to besides those in the files. Raises InputError listing every
    problem found; nothing is returned unless every record in every file is well formed.
    A file with a UTF-8 byte-order mark is read past it; a CSV file that is not UTF-8 is
    read as Windows-1252 with a note (RecordSet.notes), as 360Giving files are.
    """
    reader = _Reader()
    for path in paths:
        path = Path(path)
        try:
            content = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            reader.error(str(path), "", None, 0, None, f"cannot be read ({reason})")
            continue
        if content.startswith(codecs.BOM_UTF8):
            content = content[len(codecs.BOM_UTF8) :]
        if not content.strip():
            reader.error(path.name, "", None, 0, None, "the file is empty")
            continue
        if path.suffix.lower() == ".csv":
            _read_csv(reader, path, content)
        else:
            _read_json(reader, path, content)
    return reader.finish(known_agreements)


def read_mapping(
    document: Any, name: str = "input", known_agreements: Collection[str] = ()
) -> RecordSet:
    """Read records already parsed from JSON (the API uses this); see read_records."""
    reader = _Reader()
    _read_document(reader, name, document)
    return reader.finish(known_agreements)


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
            shown = str(section)
            reader.error(
                name, "", None, 0, shown, f"unknown section {_show(shown)} (expected {options})"
            )
        elif not isinstance(rows, list):
            reader.error(name, section, None, 0, None, f"'{section}' must be a list of records")
        else:
            reader.add_section(name, section, enumerate(rows, start=1))


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
        return section, (f"unknown column {_show(unknown[0])}" if unknown else None)
    fitting = [section for section in SECTIONS if set(header) <= set(_csv_columns(section))]
    if len(fitting) == 1:
        return fitting[0], None
    if not fitting:
        known = set().union(*(_csv_columns(section) for section in SECTIONS))
        unknown = [column for column in header if column not in known]
        if unknown:
            return None, f"unknown column {_show(unknown[0])}"
        return None, "its columns mix more than one record type"
    return None, (
        "its columns fit more than one record type; name the file after the type, "
        "e.g. funding_changes.csv"
    )


def _read_csv(reader: _Reader, path: Path, content: bytes) -> None:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        reader.note(
            path.name,
            "this file is not UTF-8 encoded: it has been read as Windows-1252 (cp1252), "
            "as Excel saves CSV files; check that names read correctly",
        )
        text = content.decode("cp1252", errors="replace")
    rows = _csv_rows(text)
    header = [column.strip() for column in next(rows, [])]
    section, problem = _section_for_csv(path, header)
    if section is None or problem:
        reader.error(
            path.name, section or "", None, 0, None, f"cannot be read as records: {problem}"
        )
        return
    reader.add_section(path.name, section, _csv_records(section, header, rows))


def _csv_records(
    section: str, header: list[str], rows: Iterable[list[str]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank row as a record, with its row number (the header is row 1)."""
    parsers = FIELDS[section]
    for row_number, row in enumerate(rows, start=2):
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
        yield row_number, record


def _csv_rows(text: str) -> Iterator[list[str]]:
    """The rows of a CSV text, each a list of cells.

    The csv module refuses a cell over its field size limit (131,072 characters by
    default), with no word of which cell. Every bound is far below that limit, so it is
    left as it is: past such a cell the rows are split by `_split_csv`, which has no limit,
    and the over-long cell is then refused by its field's bound, by row and column.
    """
    done = 0
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield row
            done += 1
    except csv.Error:
        yield from itertools.islice(_split_csv(text), done, None)


_QUOTED_CELL = re.compile(r'"[^"]*+(?:""[^"]*+)*+"')  # possessive: a doubled quote is never a close
_BARE_CELL = re.compile(r"[^,\r\n]*")


def _split_csv(text: str) -> Iterator[list[str]]:
    """CSV rows as the csv module's default dialect reads them, without its size limit.

    A quoted cell may hold commas, line breaks and doubled quotes; anything after its
    closing quote, or a quote inside a bare cell, is kept as it stands.
    """
    position, end = 0, len(text)
    while position < end:
        row: list[str] = []
        in_row = not text.startswith(("\r", "\n"), position)  # a blank line has no cells
        while in_row:
            quoted = _QUOTED_CELL.match(text, position)
            cell = ""
            if quoted:
                cell = quoted.group()[1:-1].replace('""', '"')
                position = quoted.end()
            elif text.startswith('"', position):  # never closed: it runs to the end
                row.append(text[position + 1 :].replace('""', '"'))
                position = end
                break
            bare = _BARE_CELL.match(text, position)
            assert bare is not None  # it matches the empty string
            row.append(cell + bare.group())
            position = bare.end()
            in_row = text.startswith(",", position)
            position += in_row
        position += 2 if text.startswith("\r\n", position) else 1
        yield row


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
