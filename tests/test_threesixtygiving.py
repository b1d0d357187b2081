"""Reading 360Giving files and turning grants into funding agreements (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compactwatch.compact.dates import term_is_at_least
from compactwatch.threesixtygiving.mapping import (
    DURATION,
    DURATION_FROM_AWARD,
    day_of,
    grant_of,
    identify,
    planned_term,
)
from compactwatch.threesixtygiving.reading import GrantsFile, ReadError
from compactwatch.threesixtygiving.validating import check_grant

DATA = Path(__file__).parent / "data" / "360giving"
FIXTURES = DATA / "fixtures"


def read(path: Path) -> tuple[GrantsFile, list]:
    grants_file = GrantsFile(path, path.name)
    return grants_file, list(grants_file.grants())


# Reading ---------------------------------------------------------------------------------
def test_csv_with_a_byte_order_mark_reads_its_first_column():
    _, grants = read(FIXTURES / "bom.csv")
    assert [grant.data["id"] for grant in grants] == ["42"]


def test_cp1252_csv_is_read_as_windows_1252_and_says_so():
    grants_file, grants = read(FIXTURES / "fundingproviders-grants_2_grants_cp1252.csv")
    assert len(grants) == 2
    assert "€" in grants[0].data["id"]  # byte 0x80 in Windows-1252
    assert any("Windows-1252" in note for note in grants_file.notes)
    assert sum(grant.data["amountAwarded"] for grant in grants) == 331495


@pytest.mark.parametrize("name", ["decimal_amounts.csv", "decimal_amounts.json"])
def test_decimal_amounts_are_kept_exact(name):
    _, grants = read(FIXTURES / name)
    amounts = [grant.data["amountAwarded"] for grant in grants]
    assert all(isinstance(amount, Decimal) for amount in amounts)
    assert sum(amounts) == Decimal("7000.7")
    assert max(amounts) == Decimal("1000.1")


def test_spreadsheet_problems_name_sheet_row_and_column():
    _, grants = read(FIXTURES / "badfile_all_validation_errors.xlsx")
    problems = [str(problem) for grant in grants for problem in check_grant(grant)]
    assert (
        "grant 360G-sampletrust-105177/Z/14/Z, sheet grants, row 2, column E (Amount Awarded): "
        'amountAwarded is not a number ("This should be a number")'
    ) in "\n".join(problems)


def test_json_problems_name_grant_and_field_path():
    _, grants = read(FIXTURES / "badfile_all_validation_errors.json")
    problems = {problem.path: problem.message for problem in check_grant(grants[0])}
    assert problems["grants/0/awardDate"].startswith("Date is not in the correct format")
    assert problems["grants/0/plannedDates"].startswith("plannedDates is not a JSON array")
    assert "is not a currency on the 360Giving codelist" in problems["grants/0/currency"]


def test_rows_past_the_first_block_keep_their_row_numbers(tmp_path):
    # A CSV file is unflattened a block of rows at a time; a problem in a later block is
    # still reported at its own row.
    source = DATA / "funders" / "trafford-council_voluntary_sector_grants_2013-2024.csv"
    heading, first, *_ = source.read_text("utf-8-sig").splitlines()
    grant_id = first.split(",", 1)[0]
    rows = [first.replace(grant_id, f"{grant_id}-{n}", 1) for n in range(2500)]
    rows[2200] = rows[2200].replace(",GBP,", ",GBX,", 1)  # row 2202: the heading is row 1
    path = tmp_path / "grants.csv"
    path.write_text("\n".join([heading, *rows]), "utf-8")
    _, grants = read(path)
    problems = [problem for grant in grants for problem in check_grant(grant)]
    assert len(grants) == 2500
    assert [problem.where.split(", column")[0] for problem in problems] == [
        "sheet grants, row 2202"
    ]
    assert problems[0].grant_id == f"{grant_id}-2200"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"[1, 2]", "not a 360Giving package"),
        (b'{"grants": {}}', "'grants' is not a JSON array"),
        (b'{"grants": []}', "list of grants is empty"),
        (b'{"grants": [{"id": 1}', "not valid JSON"),
    ],
)
def test_json_that_holds_no_grants_is_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "grants.json"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read(path)


def test_a_file_of_another_kind_is_refused_by_name():
    with pytest.raises(ReadError, match="JSON, CSV or XLSX"):
        GrantsFile(FIXTURES / "fundingtrust-grants_dc.txt", "fundingtrust-grants_dc.txt")


# Organisations ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("organisation", "charity", "company", "sector"),
    [
        ({"id": "GB-CHC-1136419"}, "1136419", "", "voluntary"),
        ({"id": "GB-SC-SC012345"}, "SC012345", "", "voluntary"),
        ({"id": "GB-COH-07654321"}, "", "07654321", ""),
        ({"id": "GB-COH-07654321", "charityNumber": "1100000"}, "1100000", "07654321", "voluntary"),
        ({"id": "GB-LAE-TRF"}, "", "", "public"),
        ({"id": "GB-NHS-RGT"}, "", "", "public"),
        ({"id": "360G-trafford-123"}, "", "", ""),
    ],
)
def test_identify_reads_numbers_and_sector_from_the_org_id(organisation, charity, company, sector):
    who = identify({**organisation, "name": "A body"})
    assert (who.charity_number, who.company_number, who.sector) == (charity, company, sector)


# Dates and terms -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-06-10", date(2015, 6, 10)),
        ("2015-06-10T00:00:00+00:00", date(2015, 6, 10)),
        ("10/06/2015", None),
        (None, None),
    ],
)
def test_day_of(value, expected):
    assert day_of(value) == expected


def test_term_from_start_and_end_is_taken_as_given():
    term = planned_term([{"startDate": "2020-04-01", "endDate": "2021-03-31", "duration": 6}], None)
    assert (term.start, term.end, term.derived) == (date(2020, 4, 1), date(2021, 3, 31), "")


def test_three_months_from_31_january_ends_on_29_april():
    # The corresponding date three months on is 30 April; the term is the day before.
    term = planned_term([{"startDate": "2021-01-31", "duration": 3}], None)
    assert (term.start, term.end, term.derived) == (date(2021, 1, 31), date(2021, 4, 29), DURATION)


def test_twelve_months_from_an_end_date():
    term = planned_term([{"endDate": "2022-03-31", "duration": 12}], None)
    assert (term.start, term.end) == (date(2021, 4, 1), date(2022, 3, 31))


def test_a_duration_alone_is_counted_from_the_award_date():
    term = planned_term([{"duration": 12}], date(2024, 6, 19))
    assert (term.start, term.end) == (date(2024, 6, 19), date(2025, 6, 18))
    assert term.derived == DURATION_FROM_AWARD


def test_no_planned_dates_leaves_the_term_unknown():
    assert planned_term(None, date(2024, 6, 19))[:2] == (None, None)
    assert planned_term([{"duration": "twelve"}], date(2024, 6, 19))[:2] == (None, None)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=1, max_value=120))  # fmt: skip
def test_a_term_from_a_duration_is_exactly_that_long(start, months):
    """The term found from a duration meets a check for that many months, and a day less
    would not: the import and the Compact's checks count months the same way."""
    term = planned_term([{"startDate": start.isoformat(), "duration": months}], None)
    assert term_is_at_least(term.start, term.end, months, "months")
    assert not term_is_at_least(term.start, term.end - timedelta(days=1), months, "months")


def test_a_grant_to_an_individual_keeps_nothing_about_the_person():
    grant = grant_of({
        "id": "360G-x-1", "amountAwarded": 500, "currency": "GBP", "awardDate": "2020-01-01",
        "recipientIndividual": {"id": "360G-x-IND-1", "name": "A Person"},
        "fundingOrganization": [{"id": "GB-LAE-TRF", "name": "Trafford Council"}],
    })  # fmt: skip
    assert grant.recipient is None
    assert "A Person" not in repr(grant)


def test_grant_of_a_real_trafford_grant():
    _, grants = read(DATA / "funders" / "trafford-council_voluntary_sector_grants_2013-2024.json")
    grant = grant_of(grants[0].data)
    assert grant.funder.org_id == "GB-LAE-TRF" and grant.funder.sector == "public"
    assert grant.programme and grant.award_date and grant.term.end > grant.term.start
