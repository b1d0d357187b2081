"""Issue 10: imports agree with the 360Giving data quality tool, grant for grant, and say so
as its users know it: every problem counted and grouped by kind (page, terminal, a CSV of
them all), spreadsheet columns by their titles, declared extensions checked, personal data
warned of, and a summary of the file before anything is stored. Each point has a file of
its own, made from a real file by a small edit."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.utils.html import escape
from grants_helpers import (
    TRAFFORD_JSON,
    trafford_package,
    trafford_rows,
    write_csv,
    write_json,
)

from compactwatch.imports import problems as listed
from compactwatch.imports.models import ImportJob, Status
from compactwatch.imports.services import create_job, run_job
from compactwatch.records.models import FundingAgreement
from compactwatch.threesixtygiving import reading

DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
DATA = Path(__file__).parents[1] / "data" / "360giving"
FIXTURES = DATA / "fixtures"


def import_file(compact, path: Path, **options) -> ImportJob:
    return run_job(create_job(compact, path, path.name, **options).pk)


def page(client, officer, job: ImportJob) -> str:
    client.force_login(officer)
    return client.get(job.get_absolute_url()).content.decode()


def downloaded(client, job: ImportJob) -> list[list[str]]:
    response = client.get(job.get_absolute_url() + "problems.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# 1. Repeated ids in CSV ------------------------------------------------------------------
def test_a_csv_id_either_side_of_a_block_is_one_grant_as_on_rows_2_and_3(
    compact, tmp_path, monkeypatch
):
    # As rows 999 and 1001 with the reader's blocks of 1,000 rows (the core's tests read
    # that file), here rows 19 and 21 with blocks of 20 rows: either side of a block's end.
    monkeypatch.setattr(reading, "CSV_BLOCK_ROWS", 20)
    heading, source = trafford_rows()
    rows = source[:60]
    twice, others = rows[0], rows[1:]
    jobs = {}
    for name, edited in (
        ("near", [twice, twice, *others]),
        ("far", [*others[:18], twice, others[18], twice, *others[19:]]),
    ):
        jobs[name] = import_file(compact, write_csv(tmp_path / f"{name}.csv", heading, edited))
    assert [job.status for job in jobs.values()] == [Status.DONE, Status.DONE]
    assert jobs["near"].grants_read == jobs["far"].grants_read == 60
    assert jobs["near"].outcome["created"] == 60 and jobs["far"].outcome["unchanged"] == 60
    assert FundingAgreement.objects.filter(compact=compact).count() == 60


# 2. Every problem counted and grouped, none hidden ----------------------------------------
def _many_problems(tmp_path) -> Path:
    data = trafford_package()
    for grant in data["grants"]:
        grant["amountAwarded"] = f"£{grant['amountAwarded']}"  # 555 of one kind
    data["grants"][10]["currency"] = "GBX"
    data["grants"][20]["fundingOrganization"] = []
    data["grants"][30]["awardDate"] = "18/01/2013"
    return write_json(tmp_path / "trafford-many-problems.json", data)


def test_every_kind_of_problem_is_on_the_page_and_the_csv_lists_them_all(
    client, officer, compact, tmp_path, monkeypatch
):
    monkeypatch.setattr(listed, "ERRORS_KEPT", 50)  # fewer kept on the job than found
    job = import_file(compact, _many_problems(tmp_path))
    assert job.status == Status.REFUSED and job.error_count == 558
    assert len(job.errors) == 50
    kinds = {entry["kind"]: entry["count"] for entry in job.problem_kinds}
    assert kinds == {"type amountAwarded": 555, "enum currency": 1,
                     "minItems fundingOrganization": 1, "date awardDate": 1}  # fmt: skip
    assert job.problem_kinds[0]["kind"] == "type amountAwarded"
    shown = page(client, officer, job)
    assert "Problems (558 problems of 4 kinds)" in shown
    for heading in ("amountAwarded is not a number: 555 problems",
                    "Invalid code found in currency: 1 problem",
                    "fundingOrganization is an empty list: 1 problem",
                    "Date is not in the correct format: awardDate: 1 problem",
                    "… and 550 more of this kind.", "Download every problem (CSV)"):  # fmt: skip
        assert heading in shown
    rows = downloaded(client, job)
    assert rows[0] == list(listed.COLUMNS) and len(rows) == 1 + 558
    assert {row[4] for row in rows[1:]} == {
        "amountAwarded is not a number", "Invalid code found in currency",
        "fundingOrganization is an empty list", "Date is not in the correct format: awardDate",
    }  # fmt: skip
    assert job.problems_listed == 558 and listed.stored_path(job) is not None


def test_the_terminal_shows_every_kind_with_its_count_and_first_examples(compact, tmp_path, capsys):
    from compactwatch.cli import main

    path = _many_problems(tmp_path)
    assert main(["import", "360giving", str(path), "--compact", "cambridgeshire"]) == 1
    captured = capsys.readouterr()
    assert "Problems: 558 problems of 4 kinds, by kind:" in captured.err
    assert "- amountAwarded is not a number: 555 problems" in captured.err
    assert "- Invalid code found in currency: 1 problem" in captured.err
    assert "... and 552 more of this kind" in captured.err
    assert "Every problem is listed in" in captured.err
    assert "555 grants read; 558 problems of 4 kinds found." in captured.out


def test_the_problems_list_is_bounded_and_says_so(client, officer, compact, tmp_path, monkeypatch):
    monkeypatch.setattr(listed, "PROBLEMS_LISTED", 100)
    job = import_file(compact, _many_problems(tmp_path))
    assert job.error_count == 558 and job.problems_listed == 100
    assert sum(entry["count"] for entry in job.problem_kinds) == 558  # all grouped
    assert "the first 100 of 558 are listed" in page(client, officer, job)
    assert len(downloaded(client, job)) == 1 + 100


def test_the_problems_list_goes_with_its_job_and_only_the_officer_may_have_it(
    client, council_member, compact, tmp_path
):
    job = import_file(compact, _many_problems(tmp_path))
    path = listed.stored_path(job)
    with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
        assert handle.readline().startswith("Grant id,")
    client.force_login(council_member)
    assert client.get(job.get_absolute_url() + "problems.csv").status_code == 403
    job.delete()
    assert not path.exists()


def test_a_cell_that_would_be_a_formula_is_written_as_text(client, officer, compact, tmp_path):
    data = trafford_package()
    data["grants"][0]["id"] = '=HYPERLINK("http://example.org")'
    data["grants"][0]["amountAwarded"] = "lots"
    job = import_file(compact, write_json(tmp_path / "grants.json", data))
    client.force_login(officer)
    assert downloaded(client, job)[1][0] == '\'=HYPERLINK("http://example.org")'


# 3. Spreadsheet columns by their titles --------------------------------------------------
def test_spreadsheet_problems_name_the_column_sheet_and_row(compact, tmp_path):
    heading, rows = trafford_rows()
    rows = rows[:5]
    rows[2][heading.index("Recipient Org:Identifier")] = ""
    job = import_file(compact, write_csv(tmp_path / "trafford.csv", heading, rows))
    assert job.status == Status.REFUSED
    problem = job.errors[0]
    assert (problem["where"], problem["message"]) == (
        "sheet trafford, row 4", "Recipient Org:Identifier is missing but required"
    )  # fmt: skip
    assert job.problem_kinds[0]["kind"] == "required recipientOrganization/id"


# 4. Both kinds of recipient -------------------------------------------------------------
def test_a_grant_to_both_kinds_of_recipient_lists_all_that_it_lacks(compact):
    job = import_file(compact, FIXTURES / "oneof.csv")
    messages = [problem["message"] for problem in job.errors]
    assert any("not both" in message for message in messages)
    missing = [message for message in messages if message.endswith("is missing but required")
               and "Recipient" not in message]  # fmt: skip
    assert [message.split(" is missing")[0] for message in missing] == [
        "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
        "Funding Org (the columns Funding Org:Identifier and Funding Org:Name)",
    ]  # fmt: skip


# 5. Wording ------------------------------------------------------------------------------
def test_a_wrong_type_is_named_in_plain_words(compact, tmp_path):
    data = trafford_package()
    data["grants"][0]["beneficiaryLocation"][0]["latitude"] = "NA"
    job = import_file(compact, write_json(tmp_path / "grants.json", data))
    assert job.errors[0]["message"].startswith('latitude is not a number ("NA").')
    assert "null" not in job.errors[0]["message"]


def test_broken_json_is_reported_by_line_and_column(client, officer, compact, tmp_path):
    text = json.dumps(trafford_package(), indent=1).replace(
        '"currency": "GBP",', '"currency": "GBP"', 1
    )
    path = tmp_path / "grants.json"
    path.write_text(text, "utf-8")
    line = text[: text.index('"currency": "GBP"')].count("\n") + 2
    job = import_file(compact, path)
    message = job.errors[0]["message"]
    assert f"at line {line}, column" in message and "byte" not in message
    assert escape(message) in page(client, officer, job)


def test_every_sheet_too_long_is_named_on_the_page(client, officer, compact):
    job = import_file(compact, FIXTURES / "badfile_too_many_rows_multiple_sheets.xlsx")
    shown = page(client, officer, job)
    assert (
        "sheet &#x27;grants&#x27; has 50,001 rows; sheet &#x27;grants_2&#x27; has 50,002" in shown
    )


# 6. uniqueItems ------------------------------------------------------------------------
def test_the_same_grant_twice_without_an_id_is_a_problem(compact, tmp_path):
    heading, rows = trafford_rows()
    rows = rows[:6]
    rows[2][0] = ""
    rows[3] = list(rows[2])
    job = import_file(compact, write_csv(tmp_path / "grants.csv", heading, rows), valid_only=True)
    assert job.status == Status.DONE and job.grants_stored == 4
    kinds = {entry["kind"]: entry for entry in job.problem_kinds}
    assert kinds["uniqueItems"]["count"] == 1
    assert "the same in every field" in kinds["uniqueItems"]["examples"][0]["message"]


# 7. Extensions -------------------------------------------------------------------------
def test_a_declared_dei_extension_is_checked(client, officer, compact, tmp_path):
    data = trafford_package()
    data["extensions"] = ["dei"]
    area = {"askedStatus": "AS200", "replyStatus": "RS200"}
    data["grants"][0]["deiDetails"] = {"leadership": area, "mission": area,
                                       "project": {**area, "replyStatus": "RS999"}}  # fmt: skip
    job = import_file(compact, write_json(tmp_path / "grants.json", data))
    assert job.status == Status.REFUSED
    assert job.errors[0]["message"] == (
        'Invalid code found in replyStatus: "RS999" is not on the Reply Status codelist'
    )
    assert "Diversity, Equity and Inclusion (DEI) extension" in page(client, officer, job)


def test_an_unknown_extension_is_noted_and_the_file_imported(client, officer, compact, tmp_path):
    data = {**trafford_package(), "extensions": ["geo"]}
    job = import_file(compact, write_json(tmp_path / "grants.json", data))
    assert job.status == Status.DONE
    assert "&#x27;geo&#x27;, which compactwatch does not know" in page(client, officer, job)


# 8. Personal data ----------------------------------------------------------------------
def test_personal_data_is_warned_of_on_the_page_and_the_terminal(
    client, officer, compact, tmp_path, capsys
):
    data = trafford_package()
    grant = data["grants"][0]
    del grant["recipientOrganization"]
    grant["recipientIndividual"] = {"id": "360G-trafford-IND-1", "name": "A Person"}
    grant["beneficiaryLocation"][0]["geoCode"] = "M32 0TH"
    path = write_json(tmp_path / "grants.json", data)
    job = import_file(compact, path)
    assert job.status == Status.DONE and job.outcome["individuals"] == 1
    assert [warning["check"] for warning in job.warnings] == ["postcode"]
    shown = page(client, officer, job)
    assert "Personal data: 1 grant to an individual has a Beneficiary Location" in shown
    assert "M32 0TH" not in shown and "A Person" not in shown
    from compactwatch.cli import main

    copy = tmp_path / "again.json"
    shutil.copy(path, copy)
    assert main(["import", "360giving", str(copy), "--compact", "cambridgeshire"]) == 0
    assert "Warning: 1 grant to an individual has" in capsys.readouterr().out


# The summary ---------------------------------------------------------------------------
def test_the_summary_of_the_file_is_on_the_page_and_in_the_terminal(
    client, officer, compact, tmp_path, capsys
):
    job = import_file(compact, TRAFFORD_JSON)
    assert job.summary["grants"] == 555 and job.summary["funders"]["count"] == 1
    lines = (
        "555 grants from 1 funder: Trafford Metropolitan Borough Council (GB-LAE-TRF, 555 grants).",
        "Amount awarded in GBP: 1,291,436.54 in 555 grants (from 110 to 18,259).",
        "Awarded from 18 January 2013 to 19 June 2024.",
    )
    shown = page(client, officer, job)
    for line in lines:
        assert line in shown
    assert "Recipients: 323 organisations (215 identifiers the funder made (360G)" in shown
    from compactwatch.cli import main

    copy = tmp_path / "again.json"
    shutil.copy(TRAFFORD_JSON, copy)
    assert main(["import", "360giving", str(copy), "--compact", "cambridgeshire"]) == 0
    out = capsys.readouterr().out
    assert out.index("The file:") < out.index("555 grants read: 0 new")
    for line in lines:
        assert f"  {line}" in out


def test_a_refused_file_is_summed_up_too(client, officer, compact, tmp_path):
    job = import_file(compact, _many_problems(tmp_path))
    assert job.status == Status.REFUSED and job.summary["grants"] == 555
    assert "555 grants from 1 funder" in page(client, officer, job)
