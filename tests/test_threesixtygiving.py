"""Reading 360Giving files and turning grants into funding agreements (no database)."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from grants_helpers import (
    TRAFFORD_JSON,
    trafford_package,
    trafford_rows,
    write_csv,
    write_json,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from compactwatch.compact.dates import term_is_at_least
from compactwatch.threesixtygiving import reading
from compactwatch.threesixtygiving.checking import FileCheck, ProblemKinds
from compactwatch.threesixtygiving.mapping import (
    DURATION,
    DURATION_FROM_AWARD,
    day_of,
    grant_of,
    identify,
    planned_term,
)
from compactwatch.threesixtygiving.reading import GrantsFile, ReadError, _unflatten_block
from compactwatch.threesixtygiving.schemas import grant_schema
from compactwatch.threesixtygiving.summary import id_kind
from compactwatch.threesixtygiving.validating import Problem, check_grant

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
        'Amount Awarded is not a number ("This should be a number")'
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


# Issue 10: agreeing with the standard's own tool, grant for grant ---------------------------
# Each point has a file of its own, made from a real file by a small edit.
def checked(path: Path) -> tuple[GrantsFile, FileCheck, list[Problem]]:
    """Every problem of a file, as an import checks it."""
    problems: list[Problem] = []
    with GrantsFile(path, path.name) as grants_file:
        check = FileCheck(grants_file, problems.append)
        check.run()
    return grants_file, check, problems


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, default=str)


def test_a_repeated_csv_id_is_merged_across_the_file_as_flattentool_merges_it(tmp_path):
    # 1,099 of Trafford's rows, each with an id of its own, and one row twice: as the first
    # two rows in one file, and as rows 999 and 1001 (either side of the end of the reader's
    # first block of 1,000 rows) in the other.
    heading, source = trafford_rows()
    rows = [[f"{row[0]}-{n}", *row[1:]] for n, row in enumerate(source * 2)][:1099]
    twice, others = rows[0], rows[1:]
    near = [twice, twice, *others]
    far = [*others[:998], twice, others[998], twice, *others[999:]]
    found = {}
    for name, edited in (("near", near), ("far", far)):
        path = write_csv(tmp_path / f"{name}.csv", heading, edited)
        with GrantsFile(path, path.name) as grants_file:
            grants = list(grants_file.grants(cells=False))
        problems = [problem for grant in grants for problem in check_grant(grant)]
        found[name] = (len(grants), problems, sorted(canonical(grant.data) for grant in grants))
    assert found["near"][0] == found["far"][0] == 1099
    assert found["near"][1] == found["far"][1] == []
    assert found["near"][2] == found["far"][2]
    # The same grants, in the same order, as flattentool gives for the whole file at once.
    whole, _ = _unflatten_block("far", heading, list(enumerate(far, 2)), False, ())
    assert sorted(canonical(grant) for grant in whole) == found["far"][2]


def test_rows_of_one_id_that_disagree_make_one_grant_and_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CSV_BLOCK_ROWS", 5)
    heading, rows = trafford_rows()
    rows = rows[:20]
    rows[15] = [rows[2][0], *rows[15][1:]]  # another grant's values under grant 3's id
    grants_file, check, _ = checked(write_csv(tmp_path / "grants.csv", heading, rows))
    assert check.grants_read == 19
    assert any("You may have a duplicate Identifier" in note for note in grants_file.notes)


def test_every_problem_is_counted_and_grouped_by_kind_none_hidden(tmp_path):
    package = trafford_package()
    for grant in package["grants"]:
        grant["amountAwarded"] = f"£{grant['amountAwarded']}"  # 555 problems of one kind
    package["grants"][10]["currency"] = "GBX"
    package["grants"][20]["fundingOrganization"] = []
    package["grants"][30]["awardDate"] = "18/01/2013"
    _, check, problems = checked(write_json(tmp_path / "grants.json", package))
    kinds = ProblemKinds()
    for problem in problems:
        kinds.add(problem)
    grouped = {entry["kind"]: entry for entry in kinds.as_list()}
    assert {kind: entry["count"] for kind, entry in grouped.items()} == {
        "type amountAwarded": 555, "enum currency": 1, "minItems fundingOrganization": 1,
        "date awardDate": 1,
    }  # fmt: skip
    assert check.problem_count == len(problems) == 558
    assert grouped["type amountAwarded"]["heading"] == "amountAwarded is not a number"
    assert len(grouped["type amountAwarded"]["examples"]) == 5
    assert grouped["date awardDate"]["examples"][0]["grant_id"] == package["grants"][30]["id"]


def test_spreadsheet_problems_name_the_column_to_fill(tmp_path):
    heading, rows = trafford_rows()
    rows = rows[:10]
    rows[4][heading.index("Recipient Org:Identifier")] = ""
    rows[6][heading.index("Amount Awarded")] = "a lot"
    _, _, problems = checked(write_csv(tmp_path / "grants.csv", heading, rows))
    assert [str(problem) for problem in problems] == [
        f"grant {rows[4][0]}, sheet grants, row 6: Recipient Org:Identifier is missing but "
        "required",
        f"grant {rows[6][0]}, sheet grants, row 8, column F (Amount Awarded): Amount Awarded is "
        'not a number ("a lot"). Check that the value is not null, and doesn’t contain any '
        "characters other than 0-9 and dot (.). Number values should not be in quotes.",
    ]


def test_a_grant_to_both_kinds_of_recipient_also_names_what_it_lacks(tmp_path):
    heading, rows = trafford_rows()
    heading = [*heading, "Recipient Ind:Identifier", "Recipient Ind:Name"]
    rows = [[*row, "", ""] for row in rows[:3]]
    rows[1][-2:] = ["360G-trafford-IND-1", "A Person"]
    rows[1][heading.index("Title")] = rows[1][heading.index("Amount Awarded")] = ""
    _, _, problems = checked(write_csv(tmp_path / "grants.csv", heading, rows))
    assert [(problem.rule, problem.message.split(":")[0]) for problem in problems] == [
        ("oneOf", "a grant has either recipientOrganization or recipientIndividual, not both"),
        ("required", "Title is missing but required"),
        ("required", "Amount Awarded is missing but required"),
    ]


def test_a_wrong_type_names_the_type_expected_in_plain_words(tmp_path):
    package = trafford_package()
    package["grants"][0]["beneficiaryLocation"][0]["latitude"] = "NA"
    _, _, problems = checked(write_json(tmp_path / "grants.json", package))
    assert [problem.message for problem in problems] == [
        'latitude is not a number ("NA"). Check that the value doesn’t contain any characters '
        "other than 0-9 and dot (.). Number values should not be in quotes."
    ]


@pytest.mark.parametrize("exact_up_to", [reading.JSON_EXACT_BYTES, 0])
def test_broken_json_is_reported_by_line_and_column(tmp_path, monkeypatch, exact_up_to):
    # Small files are parsed again by Python's parser, large ones by ijson's (flat memory).
    monkeypatch.setattr(reading, "JSON_EXACT_BYTES", exact_up_to)
    lines = json.dumps(trafford_package(), indent=2).splitlines()
    broken = next(number for number in range(99, len(lines)) if lines[number].endswith(","))
    lines[broken] = lines[broken][:-1]  # a comma missing at the end of a line
    path = tmp_path / "grants.json"
    path.write_text("\n".join(lines), "utf-8")
    with pytest.raises(ReadError) as refused:
        read(path)
    message = str(refused.value)
    assert f"at line {broken + 2:,}, column " in message and "byte" not in message


def test_every_sheet_too_long_is_named():
    with pytest.raises(ReadError) as refused:
        read(FIXTURES / "badfile_too_many_rows_multiple_sheets.xlsx")
    assert "sheet 'grants' has 50,001 rows; sheet 'grants_2' has 50,002 rows" in str(refused.value)


@pytest.mark.parametrize("form", ["csv", "json"])
def test_identical_grants_without_ids_break_the_package_schemas_unique_items(tmp_path, form):
    if form == "csv":
        heading, rows = trafford_rows()
        rows = rows[:6]
        rows[2][0] = rows[3][0] = ""
        rows[3] = list(rows[2])  # the same grant twice, with no Identifier
        path = write_csv(tmp_path / "grants.csv", heading, rows)
    else:
        package = trafford_package()
        del package["grants"][2]["id"]
        package["grants"][3] = dict(package["grants"][2])
        path = write_json(tmp_path / "grants.json", package)
    _, _, problems = checked(path)
    unique = [problem for problem in problems if problem.rule == "uniqueItems"]
    assert len(unique) == 1
    assert "given 2 times in the file, the same in every field" in unique[0].message


def _dei(asked: str, options: list[str]) -> dict:
    area = {"askedStatus": "AS200", "replyStatus": "RS200", "availableOptions": ["AO100"]}
    return {"deiVersion": "1.1", "leadership": area, "mission": area,
            "project": {**area, "askedStatus": asked, "availableOptions": options}}  # fmt: skip


def test_a_declared_extension_is_checked_against_its_schema_and_codelists(tmp_path):
    package = trafford_package()
    package["grants"][0]["deiDetails"] = _dei("AS999", ["AO100", "AO999"])
    package["grants"][1]["deiDetails"] = _dei("AS100", ["AO200"])
    package["grants"][2]["deiDetails"] = {"deiVersion": "1.1"}
    undeclared = write_json(tmp_path / "plain.json", package)
    assert checked(undeclared)[2] == []  # without the extension, extra fields are allowed
    package["extensions"] = ["dei"]  # declared after the grants: found all the same
    grants_file, _, problems = checked(write_json(tmp_path / "dei.json", package))
    assert grants_file.extensions == ["dei"]
    assert {(problem.kind, problem.message.split(":")[0]) for problem in problems} == {
        ("codelist deiDetails/project/askedStatus", "Invalid code found in askedStatus"),
        ("codelist deiDetails/project/availableOptions",
         "Invalid code found in availableOptions"),
        ("required deiDetails/leadership", "leadership is missing but required within deiDetails"),
        ("required deiDetails/mission", "mission is missing but required within deiDetails"),
        ("required deiDetails/project", "project is missing but required within deiDetails"),
    }  # fmt: skip


def test_a_spreadsheet_declares_an_extension_on_its_meta_sheet():
    grants_file, _, problems = checked(FIXTURES / "dei_extension.xlsx")
    assert grants_file.extensions == ["dei"]
    assert (
        "grant 360G-example-SG-2023-09904, sheet dei, row 2, column D (DEI Details:Leadership:"
        'Asked Status): Invalid code found in DEI Details:Leadership:Asked Status: "woeifjowei" '
        "is not on the Asked Status codelist"
    ) in [str(problem) for problem in problems]
    assert any(
        problem.message.endswith('"1" is not on the Asked Status codelist')
        and problem.where.endswith("(DEI Details:Mission:Asked Status)")
        for problem in problems
    )


def test_an_extension_compactwatch_does_not_know_is_noted_not_checked(tmp_path):
    package = {"extensions": ["geo"], **trafford_package()}
    grants_file, _, problems = checked(write_json(tmp_path / "grants.json", package))
    assert problems == []
    assert any("'geo', which compactwatch does not know" in note and "does not check it" in note
               for note in grants_file.notes)  # fmt: skip


def test_personal_data_about_individuals_is_warned_of_and_not_shown(tmp_path):
    package = trafford_package()
    for number, grant in enumerate(package["grants"][:3]):
        del grant["recipientOrganization"]
        grant["recipientIndividual"] = {"id": f"360G-trafford-IND-{number}", "name": "A Person"}
    package["grants"][0]["beneficiaryLocation"][0]["geoCode"] = " M32 0TH "
    package["grants"][1]["deiDetails"] = _dei("AS200", ["AO100"])
    package["grants"][3]["beneficiaryLocation"][0]["geoCode"] = "M32 0TH"  # an organisation's
    _, check, problems = checked(write_json(tmp_path / "grants.json", package))
    assert problems == []
    warnings = {warning["check"]: warning for warning in check.personal}
    assert sorted(warnings) == ["dei", "postcode"]
    assert warnings["postcode"]["grants"] == warnings["dei"]["grants"] == 1
    assert warnings["postcode"]["message"].startswith(
        "1 grant to an individual has a Beneficiary Location:Geographic Code that looks like a "
        "postcode"
    )
    assert "compactwatch keeps none of it" in warnings["dei"]["message"]
    assert "M32" not in json.dumps(check.personal) and "A Person" not in json.dumps(check.personal)


def test_the_summary_of_a_file_as_the_360giving_tools_give_it():
    _, check, _ = checked(TRAFFORD_JSON)
    grants = trafford_package()["grants"]
    recipients = {grant["recipientOrganization"][0]["id"] for grant in grants}
    assert check.summary["grants"] == 555
    assert check.summary["funders"] == {"count": 1, "top": [
        {"id": "GB-LAE-TRF", "name": "Trafford Metropolitan Borough Council", "grants": 555}]}  # fmt: skip
    assert check.summary["amounts"] == [{
        "currency": "GBP", "grants": 555,
        "total": str(sum(grant["amountAwarded"] for grant in grants)),
        "smallest": str(min(grant["amountAwarded"] for grant in grants)),
        "largest": str(max(grant["amountAwarded"] for grant in grants)),
    }]  # fmt: skip
    assert check.summary["award_dates"] == {"first": "2013-01-18", "last": "2024-06-19",
                                            "without": 0}  # fmt: skip
    by_kind = {
        kind["kind"]: kind["organisations"] for kind in check.summary["recipients"]["by_kind"]
    }
    assert by_kind == {
        prefix: sum(1 for org in recipients if id_kind(org) == prefix) for prefix in by_kind
    }
    assert sum(by_kind.values()) == len(recipients) and set(by_kind) == {"360G", "GB-COH", "GB-CHC"}


def test_spreadsheet_titles_are_the_standards_own():
    # Every column of the standard's own template is a field's title as compactwatch names it.
    template = DATA / "fixtures" / "badfile_all_validation_errors.xlsx"
    heading = next(iter(openpyxl.load_workbook(template, read_only=True)["grants"].values))
    titles = set(grant_schema().titles.values())
    assert {title for title in heading if title} <= titles


# Property: the order of a CSV file's rows changes neither its grants nor its verdict --------
def _shuffle_source() -> tuple[list[str], list[list[str]]]:
    heading, rows = trafford_rows()
    rows = [list(row) for row in rows[:12]]
    rows += [list(rows[2]), list(rows[7]), list(rows[7])]  # ids on several rows: merged
    rows += [["", *rows[4][1:]], ["", *rows[5][1:]], ["", *rows[5][1:]]]  # no ids, two alike
    rows[9][heading.index("Amount Awarded")] = "a lot"
    return heading, rows


SHUFFLE_HEADING, SHUFFLE_ROWS = _shuffle_source()


def _grants_and_verdict(path: Path) -> tuple[Counter, Counter, int]:
    grants_file, check, problems = checked(path)
    grants = Counter(canonical(grant.data) for grant in grants_file.grants(cells=False))
    verdict = Counter((problem.grant_id, problem.kind) for problem in problems)
    return grants, verdict, check.grants_read


@settings(max_examples=15, deadline=None)
@given(st.permutations(range(len(SHUFFLE_ROWS))))
def test_a_csv_file_shuffled_gives_the_same_grants_and_verdict(order):
    with tempfile.TemporaryDirectory() as folder:
        original = write_csv(Path(folder) / "a.csv", SHUFFLE_HEADING, SHUFFLE_ROWS)
        shuffled = write_csv(Path(folder) / "a-shuffled.csv", SHUFFLE_HEADING,
                             [SHUFFLE_ROWS[index] for index in order])  # fmt: skip
        first, second = _grants_and_verdict(original), _grants_and_verdict(shuffled)
    assert first == second
    _, verdict, count = first
    assert count == 12 + 3 - 3 + 3  # merged rows make one grant; rows without ids stay apart
    assert (
        verdict[("", "uniqueItems")] == 1
        and verdict[(SHUFFLE_ROWS[9][0], "type amountAwarded")] == 1
    )
