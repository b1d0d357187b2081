"""Reading the records format: what it accepts, and the errors for what it does not."""

import json
from decimal import Decimal

import pytest

from compactwatch.compact.records import InputError, read_mapping, read_records

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
