"""Records files made from the field table, fair and hostile, through `compactwatch check`.

The strategies build JSON and CSV files from `FIELDS` and `BOUNDS`: valid values, values at
the bounds, and hostile ones (huge strings, control characters and terminal escapes, deep
nesting, wrong types, dates outside the bounds or the calendar, NaN and Infinity, byte-order
marks, Windows-1252). `check` runs in-process, as `compactwatch check` does, and must exit
0, 1 or 2; let no exception escape; print nothing on standard output when it exits 2; and
name the file (and the record and field, where a record is at fault) on every line it
writes to standard error, with nothing unprintable reaching the terminal.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compactwatch.cli import main
from compactwatch.compact.records import (
    BOUNDS,
    EARLIEST_DATE,
    FIELDS,
    LATEST_DATE,
    MAX_AMOUNT,
    SECTIONS,
    InputError,
    _csv_columns,
    _split_csv,
    choice,
    parse_amount,
    parse_bool,
    parse_compact_lead,
    parse_date,
    parse_date_or_false,
    parse_id,
    parse_text,
    parse_text_or_false,
    read_mapping,
)

FUZZ = settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CHOICES = {"sector": ("public", "voluntary"), "change": ("end", "reduce", "vary")}
CHOICE_PARSER = choice("x").__name__
DEEP = "@@deep@@"  # replaced in the JSON text by lists nested 10,000 deep
DEEP_JSON = "[" * 10_000 + "]" * 10_000

# ---------------------------------------------------------------- values from the field table

id_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12
)
free_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)
valid_dates = st.one_of(
    st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE),
    st.sampled_from([EARLIEST_DATE, LATEST_DATE, date(2012, 12, 1), date(2016, 2, 29)]),
)
valid_amounts = st.one_of(
    st.integers(min_value=0, max_value=int(MAX_AMOUNT) - 1),
    st.decimals(min_value=0, max_value=MAX_AMOUNT - Decimal("0.01"), places=2),
    st.sampled_from([0, int(MAX_AMOUNT) - 1, Decimal("999999999999.99")]),
)


def longest(bound, fill="z"):
    return fill * bound.max_length


def valid_value(section, name, agreement_ids):
    """A value `FIELDS[section][name]` accepts and `BOUNDS` keeps: common, or at the bound."""
    parser, bound = FIELDS[section][name], BOUNDS[section][name]
    if name == "agreement":
        return st.sampled_from(agreement_ids) if agreement_ids else st.none()
    if parser is parse_id:
        return st.one_of(id_text, st.just(longest(bound, "n")))
    if parser in (parse_text, parse_text_or_false):
        text = st.one_of(
            free_text.map(lambda text: text[: bound.max_length]), st.just(longest(bound))
        )
        return st.one_of(text, st.just(False)) if parser is parse_text_or_false else text
    if parser in (parse_date, parse_date_or_false):
        dates = valid_dates
        return st.one_of(dates, st.just(False)) if parser is parse_date_or_false else dates
    if parser is parse_bool:
        return st.booleans()
    if parser is parse_amount:
        return valid_amounts
    if parser is parse_compact_lead:
        part = st.one_of(st.none(), free_text, st.just(longest(bound)))
        return st.one_of(st.just(False), st.fixed_dictionaries({"name": part, "role": part}))
    assert parser.__name__ == CHOICE_PARSER, f"no strategy for {section}.{name}"
    return st.sampled_from(CHOICES[name])


HUGE_TEXTS = [
    "x" * 140_000,  # past the csv module's field size limit
    "\x1b[31m" * 3_000,
    "é" * 10_001,
    "i" * 101,
    "n" * 301,
    "9" * 5_000,
]
HOSTILE_TEXTS = [
    "\x00", "a\x00b", "\x1b[2J", "\x1b]0;title\x07", "\u202eevil", "\x7f", "\x85", "\x9b31m",
    "\ufeff", "\r\n", "\r", '"', "'", "\\", ",,,", " ", "", "null", "true", "false", "NaN",
    "Infinity", "-1", "1e999", "12,000.005",
]  # fmt: skip
HOSTILE_DATES = [
    "0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01", "2016-02-30", "2016-13-01",
    "20160131", "2016-1-1", " 2016-01-05 ", "31/01/2016", "2016-01-31T00:00:00",
]  # fmt: skip
hostile_values = st.one_of(
    st.sampled_from(HUGE_TEXTS + HOSTILE_TEXTS + HOSTILE_DATES),
    st.text(max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([10**12, -1, 0.001, 1e300, True, False, None, DEEP, float("nan")]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
)


@st.composite
def documents(draw, hostile):
    """A records document: every value valid (or at a bound), or some hostile."""
    document: dict = {}
    agreement_ids: list[str] = []
    chosen = draw(st.sets(st.sampled_from(SECTIONS), max_size=4))
    for section in [section for section in SECTIONS if section in chosen]:
        records = []
        for position in range(draw(st.integers(min_value=0, max_value=4))):
            suffix = draw(id_text)
            record_id = f"{section[0]}{position}-{suffix}"[:100]
            record = {"id": record_id}
            for name in FIELDS[section]:
                if name == "id" or draw(st.integers(min_value=0, max_value=2)) == 0:
                    continue
                if hostile and draw(st.integers(min_value=0, max_value=3)) == 0:
                    record[name] = draw(hostile_values)
                else:
                    record[name] = draw(valid_value(section, name, agreement_ids))
            if hostile and draw(st.integers(min_value=0, max_value=5)) == 0:
                record[draw(st.sampled_from(["colour", "ti\x1btle", "", "x" * 200]))] = 1
            if not hostile:
                _keep_dates_in_order(record)
            records.append(record)
        if section == "funding_agreements":
            agreement_ids = [record["id"].strip() for record in records]
        document[section] = records
    if hostile:
        mangle = draw(st.integers(min_value=0, max_value=9))
        if mangle == 0:
            document["grants"] = []
        elif mangle == 1 and document:
            document[next(iter(document))] = {"not": "a list"}
        elif mangle == 2 and document.get(next(iter(document), "")):
            document[next(iter(document))].append(draw(hostile_values))
        elif mangle == 3:
            return draw(hostile_values)
    return document


def _keep_dates_in_order(record):
    for first, last in (("opens", "closes"), ("start", "end")):
        if isinstance(record.get(first), date) and isinstance(record.get(last), date):
            record[first], record[last] = sorted([record[first], record[last]])


def _plain(value):
    """A value as JSON holds it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def json_bytes(document, bom):
    text = json.dumps(_plain_document(document))  # NaN and Infinity written as such
    text = text.replace(json.dumps(DEEP), DEEP_JSON)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass")


def _plain_document(document):
    if not isinstance(document, dict):
        return _plain(document)
    return {
        section: [_plain(record) for record in records] if isinstance(records, list) else records
        for section, records in document.items()
    }


def csv_cell(value):
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if value == DEEP:
        return DEEP_JSON
    return str(value)


def csv_files(document, encoding, line_end):
    """One CSV file per section (name, bytes); the header is the columns used."""
    files = []
    for section, records in document.items():
        if section not in FIELDS or not isinstance(records, list):
            continue
        columns = _csv_columns(section)
        rows = []
        for record in records:
            row = {}
            if not isinstance(record, dict):
                row["id"] = csv_cell(record)
            else:
                for name, value in record.items():
                    if name == "compact_lead" and isinstance(value, dict):
                        row["compact_lead_name"] = csv_cell(value.get("name"))
                        row["compact_lead_role"] = csv_cell(value.get("role"))
                    elif name == "compact_lead":
                        row["compact_lead_name"] = csv_cell(value)
                    else:
                        row[str(name)] = csv_cell(value)
            rows.append(row)
        used = [column for column in columns if any(column in row for row in rows)]
        used += sorted({name for row in rows for name in row} - set(columns))
        text = io.StringIO()
        writer = csv.writer(text, lineterminator=line_end)
        writer.writerow(used or ["id"])
        for row in rows:
            writer.writerow([row.get(column, "") for column in used])
        files.append((f"{section}.csv", _encode(text.getvalue(), encoding)))
    return files


def _encode(text, encoding):
    if encoding == "cp1252":
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            pass
    data = text.encode("utf-8", "surrogatepass")
    return b"\xef\xbb\xbf" + data if encoding == "utf-8-sig" else data


# ---------------------------------------------------------------- running check


def run_check(paths, output):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["check", *map(str, paths), "--as-of", "2016-06-01", "--format", output])
    return status, out.getvalue(), err.getvalue()


NAMES_A_RECORD = re.compile(
    r"(organisation|consultation|funding agreement|funding change) '|record \d+, |row \d+, "
)
LEAKED_EXCEPTION = re.compile(r"\(\w+(Error|Exception): ")


def assert_check_behaves(paths, output, clean):
    status, out, err = run_check(paths, output)
    assert status in (0, 1, 2)
    names = [path.name for path in paths]
    for line in err.splitlines():
        assert line.startswith("compactwatch check: "), line
        assert any(name in line for name in names), line
        assert line.isprintable(), line
        assert not LEAKED_EXCEPTION.search(line), line
        if "field '" in line and "unknown section" not in line:
            assert NAMES_A_RECORD.search(line), line
    if status == 2:
        assert out == ""
        assert err
        assert not clean, err
        return
    if output == "json":
        document = json.loads(out)
        assert set(document) == {"edition", "as_of", "findings"}
    else:
        assert out.replace("\n", "").isprintable()


# Half the documents are clean (every value valid or at a bound): those must be checked.
any_document = st.booleans().flatmap(
    lambda hostile: documents(hostile).map(lambda document: (not hostile, document))
)


@FUZZ
@given(
    made=any_document,
    bom=st.booleans(),
    output=st.sampled_from(["json", "text"]),
)
def test_check_on_json_files(made, bom, output):
    clean, document = made
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.json"
        path.write_bytes(json_bytes(document, bom))
        assert_check_behaves([path], output, clean)


@FUZZ
@given(
    made=any_document,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    line_end=st.sampled_from(["\r\n", "\n"]),
    output=st.sampled_from(["json", "text"]),
)
def test_check_on_csv_files(made, encoding, line_end, output):
    clean, document = made
    if not isinstance(document, dict):
        document = {}
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, content in csv_files(document, encoding, line_end):
            path = Path(folder) / name
            path.write_bytes(content)
            paths.append(path)
        if paths:
            assert_check_behaves(paths, output, clean)


# ---------------------------------------------------------------- the API's way in


def _deep(levels):
    nested: list = []
    for _ in range(levels):
        nested = [nested]
    return nested


python_hostile = st.one_of(
    hostile_values.map(lambda value: _deep(10_000) if value == DEEP else value),
    st.sampled_from(
        [
            Decimal("NaN"),
            Decimal("Infinity"),
            Decimal("1E+999999"),
            10**5000,
            "a\ud800b",
            datetime(2016, 1, 1, 12),
            date.min,
            date.max,
            b"bytes",
            object(),
            {1: 2},
        ]
    ),
)


@FUZZ
@given(
    section=st.sampled_from(SECTIONS),
    values=st.dictionaries(st.sampled_from(sorted({n for f in FIELDS.values() for n in f})),
                           python_hostile, max_size=6),
)  # fmt: skip
def test_read_mapping_refuses_hostile_values_by_name(section, values):
    try:
        read_mapping({section: [{"id": "r1", **values}]}, "request")
    except InputError as error:
        for problem in error.errors:
            assert problem.file == "request"
            assert str(problem).isprintable()
            assert problem.record_id is None or isinstance(problem.record_id, str)


# ---------------------------------------------------------------- the CSV splitter


@settings(max_examples=200, derandomize=True)
@given(text=st.text(alphabet='ab,"\r\n ', max_size=30))
def test_the_unlimited_csv_splitter_agrees_with_the_csv_module(text):
    assert list(_split_csv(text)) == list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("levels", [10_000])
def test_json_nested_ten_thousand_deep_is_an_input_error(levels):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deep.json"
        path.write_text('{"consultations": [' + "[" * levels + "]" * levels + "]}")
        status, out, err = run_check([path], "json")
    assert (status, out) == (2, "")
    assert err.startswith("compactwatch check: deep.json: is not valid JSON")
