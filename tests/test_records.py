"""Reading the records format: what it accepts, and the errors for what it does not."""

import csv
import io
import json
from decimal import Decimal

import pytest

from compactwatch.compact.records import (
    BOUNDS,
    FIELDS,
    MAX_ERRORS_LISTED,
    InputError,
    _split_csv,
    read_mapping,
    read_records,
)

SPEC_EXAMPLE = {
    "organisations": [
        {"id": "ccc", "name": "Cambridgeshire County Council", "sector": "public",
         "kind": "local_authority",
         "compact_lead": {"name": "Cllr A. Example", "role": "councillor"},
         "dbs_checks_paid_by_organisation": None}
    ],
    "consultations": [
        {"id": "c1", "organisation": "ccc", "title": "Library services review",
         "opens": "2015-01-05", "closes": "2015-03-29", "formal": True,
         "shorter_period_rationale": None, "feedback_published": "2015-06-01"}
    ],
    "funding_agreements": [
        {"id": "g1", "funder": "ccc", "recipient": "Example Trust", "kind": "grant",
         "amount": 12000, "currency": "GBP", "award_date": "2015-03-01",
         "start": "2015-04-01", "end": "2018-03-31",
         "decision_rationale": "Scored 8/10 against published criteria",
         "single_year_rationale": None, "monitoring_agreed": "2015-02-20"}
    ],
    "funding_changes": [
        {"id": "n1", "agreement": "g1", "change": "end",
         "notice_given": "2016-01-31", "effective": "2016-04-30",
         "in_writing": True, "rationale": "Programme closed",
         "exceptional_circumstances": None, "mutual_agreement": False,
         "impact_assessed": "2015-12-01", "performance_related": False,
         "improvement_timetable_agreed": None}
    ],
}  # fmt: skip


def errors_of(document):
    with pytest.raises(InputError) as caught:
        read_mapping(document, "records.json")
    return [str(error) for error in caught.value.errors]


def test_the_spec_example_reads():
    records = read_mapping(SPEC_EXAMPLE)
    assert len(records) == 4
    assert records.funding_changes[0]["notice_given"].isoformat() == "2016-01-31"
    assert records.organisations[0]["compact_lead"] == {
        "name": "Cllr A. Example",
        "role": "councillor",
    }


@pytest.mark.parametrize(
    ("section", "change", "expected"),
    [
        (
            "funding_changes",
            {"notice_givn": "2016-01-01"},
            "funding change 'n1', field 'notice_givn': unknown field",
        ),
        (
            "funding_changes",
            {"notice_given": "2016-02-30"},
            "funding change 'n1', field 'notice_given': '2016-02-30' is not a date",
        ),
        (
            "funding_changes",
            {"notice_given": "31/01/2016"},
            "field 'notice_given': '31/01/2016' is not a date",
        ),
        (
            "funding_changes",
            {"notice_given": "20160131"},
            "field 'notice_given': '20160131' is not a date",
        ),
        (
            "funding_changes",
            {"agreement": "g9"},
            "funding change 'n1', field 'agreement': no funding agreement has the id 'g9'",
        ),
        (
            "funding_changes",
            {"change": "stop"},
            "field 'change': 'stop' is not one of end, reduce or vary",
        ),
        (
            "funding_changes",
            {"in_writing": "yes"},
            "field 'in_writing': 'yes' is not true or false",
        ),
        (
            "funding_changes",
            {"impact_assessed": True},
            "field 'impact_assessed': true is not allowed",
        ),
        (
            "funding_agreements",
            {"amount": "lots"},
            "funding agreement 'g1', field 'amount': 'lots' is not a number",
        ),
        (
            "funding_agreements",
            {"end": "2015-03-31"},
            "field 'end': end (2015-03-31) is before start (2015-04-01)",
        ),
        (
            "consultations",
            {"single_year_rationale": "x"},
            "consultation 'c1', field 'single_year_rationale': unknown field",
        ),
        (
            "organisations",
            {"sector": "private"},
            "organisation 'ccc', field 'sector': 'private' is not one of public or voluntary",
        ),
        (
            "organisations",
            {"compact_lead": {"name": "A", "title": "x"}},
            "field 'compact_lead': unknown field 'title'",
        ),
        (
            "organisations",
            {"shorter_period_rationale": False},
            "field 'shorter_period_rationale': unknown field",
        ),
    ],
)
def test_bad_fields_are_named(section, change, expected):
    document = json.loads(json.dumps(SPEC_EXAMPLE))
    document[section][0].update(change)
    messages = errors_of(document)
    assert len(messages) == 1
    assert expected in messages[0]
    assert messages[0].startswith("records.json: ")


def test_every_problem_is_listed():
    document = json.loads(json.dumps(SPEC_EXAMPLE))
    document["consultations"].append({"id": "c2", "opens": "soon"})
    document["consultations"].append({"id": "c1"})
    messages = errors_of(document)
    assert any("consultation 'c2', field 'opens'" in message for message in messages)
    assert any(
        "consultation 'c1', field 'id': this id is used twice" in message for message in messages
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([], "must hold one JSON object"),
        ({"grants": []}, "unknown section 'grants'"),
        ({"consultations": {}}, "'consultations' must be a list"),
        ({"consultations": [{"title": "x"}]}, "field 'id': every record needs an id"),
        ({"consultations": ["x"]}, "consultations record 1: a record must be an object"),
    ],
)
def test_bad_documents(document, expected):
    assert any(expected in message for message in errors_of(document))


def test_false_means_recorded_as_not_done_and_null_not_recorded():
    records = read_mapping(
        {
            "funding_agreements": [
                {"id": "g", "decision_rationale": False, "monitoring_agreed": None}
            ]
        }
    )
    agreement = records.funding_agreements[0]
    assert agreement["decision_rationale"] is False
    assert agreement["monitoring_agreed"] is None


def test_csv_files_one_per_record_type(tmp_path):
    (tmp_path / "funding_agreements.csv").write_text(
        "id,funder,recipient,kind,amount,award_date,start,end,decision_rationale\n"
        "g1,ccc,Example Trust,grant,12000.50,2015-03-01,2015-04-01,2018-03-31,false\n",
        encoding="utf-8-sig",
    )
    (tmp_path / "changes.csv").write_text(
        "id,agreement,change,notice_given,effective,in_writing,mutual_agreement\n"
        "n1,g1,end,2016-01-31,2016-04-30,yes,\n"
    )
    (tmp_path / "organisations.csv").write_text(
        "id,name,sector,kind,compact_lead_name,compact_lead_role\n"
        "ccc,Cambridgeshire County Council,public,local_authority,Cllr A,councillor\n"
        "x,Group,voluntary,charity,false,\n"
    )
    records = read_records(sorted(tmp_path.iterdir()))
    assert records.funding_agreements[0]["amount"] == Decimal("12000.50")
    assert records.funding_agreements[0]["decision_rationale"] is False
    assert records.funding_changes[0]["in_writing"] is True
    assert records.funding_changes[0]["mutual_agreement"] is None
    assert records.organisations[0]["compact_lead"] == {"name": "Cllr A", "role": "councillor"}
    assert records.organisations[1]["compact_lead"] is False


def test_csv_with_unknown_header(tmp_path):
    path = tmp_path / "consultations.csv"
    path.write_text("id,opens,closes,colour\nc1,2015-01-05,2015-03-29,red\n")
    with pytest.raises(InputError) as caught:
        read_records([path])
    assert "consultations.csv: cannot be read as records: unknown column 'colour'" in str(
        caught.value
    )


def test_empty_and_invalid_files(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    broken = tmp_path / "broken.json"
    broken.write_text('{"consultations": [')
    with pytest.raises(InputError) as caught:
        read_records([empty, broken])
    text = str(caught.value)
    assert "empty.json: the file is empty" in text
    assert "broken.json: is not valid JSON" in text


@pytest.mark.parametrize(
    ("amount", "problem"),
    [(-1, "is negative"), (1e20, "not a believable amount"), (10**12, "not a believable amount"),
     (0.001, "more than two decimal places"), ("12", "is not a number")],
)  # fmt: skip
def test_amounts_must_be_storable(amount, problem):
    messages = errors_of({"funding_agreements": [{"id": "g", "amount": amount}]})
    assert problem in messages[0]


def test_amounts_at_the_bounds_read():
    records = read_mapping({"funding_agreements": [{"id": "g", "amount": 999_999_999_999.99}]})
    assert records.funding_agreements[0]["amount"] == 999_999_999_999.99


# ---------------------------------------------------------------- bounds (spec, "Bounds")


def test_every_field_has_a_bound_in_the_one_table():
    assert {section: set(fields) for section, fields in BOUNDS.items()} == {
        section: set(fields) for section, fields in FIELDS.items()
    }


def one_error(section, fields):
    messages = errors_of({section: [{"id": "r1", **fields}]})
    assert len(messages) == 1, messages
    assert messages[0].startswith("records.json: ")
    return messages[0]


def reads(section, fields):
    return read_mapping({section: [{"id": "r1", **fields}]}).section(section)[0]


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_dates_at_the_bounds_read(day):
    assert (
        reads("consultations", {"opens": day, "feedback_published": day})["opens"].isoformat()
        == day
    )


@pytest.mark.parametrize("day", ["1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(
    ("section", "name"),
    [("consultations", "opens"), ("consultations", "feedback_published"),
     ("funding_agreements", "monitoring_agreed"), ("funding_changes", "effective")],
)  # fmt: skip
def test_dates_outside_the_bounds_are_named(day, section, name):
    message = one_error(section, {name: day})
    assert f"field '{name}': {day} is outside the dates the format allows" in message
    assert "1900-01-01 to 2199-12-31" in message


@pytest.mark.parametrize(
    ("section", "name", "most"),
    [("consultations", "id", 100), ("funding_changes", "agreement", 100),
     ("consultations", "organisation", 300), ("funding_agreements", "funder", 300),
     ("funding_agreements", "recipient", 300), ("consultations", "title", 300),
     ("funding_agreements", "kind", 100), ("organisations", "kind", 100),
     ("organisations", "name", 300), ("consultations", "shorter_period_rationale", 10_000),
     ("funding_agreements", "decision_rationale", 10_000),
     ("funding_agreements", "single_year_rationale", 10_000),
     ("funding_changes", "rationale", 10_000),
     ("funding_changes", "exceptional_circumstances", 10_000),
     ("funding_agreements", "currency", 3)],
)  # fmt: skip
def test_text_lengths_are_bounded(section, name, most):
    extra = {"funding_agreements": [{"id": "a" * most}]} if name == "agreement" else {}
    longest = {name: "a" * most}
    record = {"id": "r1", **longest} if name != "id" else longest
    read_mapping({section: [record], **extra})  # at the bound: read
    too_long = {**record, name: "a" * (most + 1)}
    with pytest.raises(InputError) as caught:
        read_mapping({section: [too_long], **extra}, "records.json")
    messages = [str(error) for error in caught.value.errors]
    assert any(
        f"field '{name}': {most + 1:,} characters long: at most {most:,} are allowed" in message
        for message in messages
    ), messages


def test_a_compact_lead_is_bounded_by_its_column():
    assert reads("organisations", {"compact_lead": {"name": "n" * 200, "role": "councillor"}})
    message = one_error("organisations", {"compact_lead": {"name": "n" * 201, "role": "x"}})
    assert "field 'compact_lead': the Compact lead's name: 201 characters long" in message


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\t", "\n", "\x7f", "\x85", "\x9b"])
@pytest.mark.parametrize("name", ["id", "organisation"])
def test_ids_and_names_hold_no_control_characters(control, name):
    message = one_error("consultations", {name: f"a{control}b"})
    assert f"holds a control character ({control!r}"[:-1].replace("'", "") in message
    assert control not in message  # shown escaped, never raw


def test_any_other_character_is_allowed_in_an_id():
    assert reads("consultations", {"organisation": "ccc/2015 – é ’"})["organisation"]
    assert read_mapping({"consultations": [{"id": "a/b c"}]}).consultations[0]["id"] == "a/b c"


@pytest.mark.parametrize("name", ["title", "shorter_period_rationale", "organisation", "id"])
def test_nul_is_refused_anywhere(name):
    assert "NUL character" in one_error("consultations", {name: "a\x00b"})


def test_free_text_may_hold_line_breaks():
    assert reads("funding_changes", {"rationale": "Two lines:\nbudget\tcut"})["rationale"]


def test_bounds_are_the_same_for_the_api_and_for_files(tmp_path):
    document = {"consultations": [{"id": "c" * 101, "opens": "1899-01-01"}]}
    path = tmp_path / "records.json"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError) as from_file:
        read_records([path])
    assert [str(error) for error in from_file.value.errors] == errors_of(document)


# ---------------------------------------------------------------- every problem of every record


def test_a_record_with_five_mistakes_gives_five_errors():
    messages = errors_of({"funding_changes": [{
        "id": "n1", "agreement": "nowhere", "notice_given": "2016-02-30", "in_writing": "yes",
        "change": "stop", "colour": "red"}]})  # fmt: skip
    assert len(messages) == 5, messages
    for name in ("agreement", "notice_given", "in_writing", "change", "colour"):
        assert any(f"funding change 'n1', field '{name}'" in message for message in messages)


def test_a_record_with_a_bad_id_is_named_by_its_position():
    messages = errors_of({"consultations": [{"id": "ok"}, {"id": "x\x1b", "opens": "soon"}]})
    assert messages == [
        "records.json: consultations record 2, field 'id': 'x\\x1b' holds a control character "
        "(\\x1b), which is not allowed here",
        "records.json: consultations record 2, field 'opens': 'soon' is not a date in the form "
        "YYYY-MM-DD",
    ]


def test_errors_past_the_cap_are_counted():
    document = {"consultations": [{"id": f"c{n}", "opens": "x", "closes": "y"} for n in range(75)]}
    with pytest.raises(InputError) as caught:
        read_mapping(document, "many.json")
    errors = caught.value.errors
    assert len(errors) == MAX_ERRORS_LISTED + 1
    assert str(errors[-1]) == "many.json: 50 more problems are not listed (the first 100 are)"


# ---------------------------------------------------------------- hostile input


def test_json_nested_ten_thousand_deep_is_an_input_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(
        '{"consultations": [{"id": "c1", "title": ' + "[" * 10_000 + "]" * 10_000 + "}]}"
    )
    with pytest.raises(InputError) as caught:
        read_records([path])
    assert str(caught.value).startswith("deep.json: is not valid JSON")


def test_a_mapping_nested_ten_thousand_deep_is_an_input_error():
    nested: list = []
    for _ in range(10_000):
        nested = [nested]
    lead: dict = {}
    for _ in range(10_000):
        lead = {"name": lead}
    messages = errors_of({"consultations": [{"id": "c1", "title": nested}],
                          "organisations": [{"id": "o1", "compact_lead": {"name": lead}}]})  # fmt: skip
    assert "consultation 'c1', field 'title': a list of 1 item is not text" in messages[0]
    assert "organisation 'o1', field 'compact_lead'" in messages[1]


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), -float("inf"), Decimal("NaN")])
def test_amounts_must_be_finite(amount):
    assert "is not a finite number" in one_error("funding_agreements", {"amount": amount})


def test_lone_surrogates_are_refused():
    assert "lone surrogate (\\ud800)" in one_error("consultations", {"title": "a\ud800"})


def test_a_date_and_time_is_not_a_date():
    from datetime import date, datetime

    assert reads("consultations", {"opens": date(2015, 1, 5)})["opens"] == date(2015, 1, 5)
    assert "is not a date" in one_error("consultations", {"opens": datetime(2015, 1, 5, 12)})


def test_values_are_shown_escaped_and_cut_short():
    message = one_error("consultations", {"opens": "\x1b[2J" + "9" * 500})
    assert "\x1b" not in message and "'\\x1b[2J999" in message
    assert "… (504 characters)" in message and len(message) < 200


def test_unknown_field_names_are_shown_escaped():
    message = one_error("consultations", {"ti\x1btle": "x"})
    assert "field 'ti\\x1btle': unknown field 'ti\\x1btle'" in message


# ---------------------------------------------------------------- encodings and CSV limits


def test_a_json_file_with_a_byte_order_mark_reads(tmp_path):
    path = tmp_path / "records.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(SPEC_EXAMPLE).encode())
    records = read_records([path])
    assert len(records) == 4 and records.notes == []


def test_a_csv_file_not_in_utf8_is_read_as_windows_1252_with_a_note(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes("id,name\nsmb,Saint Mary’s Café\n".encode("cp1252"))
    records = read_records([path])
    assert records.organisations[0]["name"] == "Saint Mary’s Café"
    assert records.notes == [
        "organisations.csv: this file is not UTF-8 encoded: it has been read as Windows-1252 "
        "(cp1252), as Excel saves CSV files; check that names read correctly"
    ]


def test_a_note_is_kept_when_the_input_is_refused(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes("id,sector\nsmb,caf\xe9\n".encode("cp1252"))
    with pytest.raises(InputError) as caught:
        read_records([path])
    assert caught.value.notes[0].startswith("organisations.csv: this file is not UTF-8")


@pytest.mark.parametrize("size", [20_000, 200_000])
def test_an_over_long_csv_cell_is_named_by_row_and_column(tmp_path, size):
    path = tmp_path / "funding_changes.csv"
    path.write_text(
        "id,rationale,notice_given\n"
        "n1,Budget,2016-01-31\n"
        f'n2,"{"x" * size}",2016-02-30\n'
        "n3,Closed,2016-01-31\n"
    )
    with pytest.raises(InputError) as caught:
        read_records([path])
    assert [str(error) for error in caught.value.errors] == [
        "funding_changes.csv: funding change 'n2', field 'notice_given': '2016-02-30' is not a "
        "date in the form YYYY-MM-DD",
        f"funding_changes.csv: funding change 'n2', field 'rationale': {size:,} characters "
        "long: at most 10,000 are allowed",
    ]


def test_an_over_long_csv_id_is_named_by_row(tmp_path):
    path = tmp_path / "consultations.csv"
    path.write_text(f"id,title\nc1,Fine\n\n{'c' * 140_000},Long\n")
    with pytest.raises(InputError) as caught:
        read_records([path])
    assert [str(error) for error in caught.value.errors] == [
        "consultations.csv: row 4, field 'id': 140,000 characters long: at most 100 are allowed"
    ]


@pytest.mark.parametrize(
    "text",
    ['a,b\r\n"x,""y""\nz",\n', 'a,"b\n', 'a,b"c,"d"e\n\n,\n', "", "\n\n", "a\rb,c"],
)
def test_the_unlimited_splitter_reads_as_the_csv_module(text):
    assert list(_split_csv(text)) == list(csv.reader(io.StringIO(text, newline="")))
