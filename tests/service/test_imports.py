"""Importing 360Giving files into a Compact: every fixture, all or nothing, idempotent,
updates by grant id, the register matched, the queue, and the pages."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from service_fixtures import save_record

from compactwatch.audit.models import AuditEntry
from compactwatch.changes.base import Actor
from compactwatch.changes.register import save_organisation
from compactwatch.findings.models import Finding
from compactwatch.imports import services
from compactwatch.imports.models import ImportJob, Status
from compactwatch.imports.services import create_job, request_cancel, run_job
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import FundingAgreement

# Imports report progress through a second connection ("jobs") except on SQLite.
DATABASES = ["default"] if connection.vendor == "sqlite" else ["default", "jobs"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
DATA = Path(__file__).parents[1] / "data" / "360giving"
FIXTURES = DATA / "fixtures"
TRAFFORD = DATA / "funders" / "trafford-council_voluntary_sector_grants_2013-2024.json"

# Every fixture of the 360Giving data quality tool, with the outcome its name implies and a
# phrase the outcome must contain: refused ones name a problem, imported ones the count.
REFUSED, IMPORTED = Status.REFUSED, Status.DONE
FIXTURE_OUTCOMES = {
    "GeoCodePostcode.xlsx": (REFUSED, "sheet grants, row 2: Title is missing but required"),
    "GeoCodePostcodeRecipientInd.xlsx": (REFUSED, "Recipient Ind:Identifier is missing but required"),
    "RecipientIndDEI.json": (REFUSED, "grant 360-g-i, grants/0/title: title is missing but required"),
    "RecipientIndWithoutToIndividualsDetails.xlsx": (IMPORTED, "3 grants to individuals counted but not kept"),
    "SOURCES.upstream.txt": (REFUSED, "'SOURCES.upstream.txt' is not one of these"),
    "additional_fields.json": (IMPORTED, "1 grant read: 1 new"),
    "bad.xlsx": (REFUSED, "'bad.xlsx' is empty"),
    "badfile_all_validation_errors.json": (REFUSED, "grants/0/url: Invalid 'uri' found in url"),
    "badfile_all_validation_errors.xlsx": (REFUSED, "column F (Award Date): Date is not in the correct format"),
    "badfile_all_validation_errors_4_times.xlsx": (REFUSED, "\"bad currency 1\" is not a currency"),
    "badfile_too_many_rows.xlsx": (REFUSED, "sheet 'grants' has 50,001 rows"),
    "badfile_too_many_rows_multiple_sheets.xlsx": (REFUSED, "has 50,001 rows"),
    "bom.csv": (REFUSED, "grant 42, sheet bom, row 2: Title is missing but required"),
    "codelist.csv": (REFUSED, "\"BAD\" is not on the Regrant Type codelist"),
    "decimal_amounts.csv": (REFUSED, "Identifier is missing but required"),
    "decimal_amounts.json": (REFUSED, "id is missing but required"),
    "dei_extension.xlsx": (REFUSED, "is not on the Asked Status codelist"),
    "duration_usefulness.json": (IMPORTED, "1 grant read: 1 new"),
    "fundingproviders-grants-email.json": (REFUSED, "awardDate is \"24/07/2014\""),
    "fundingproviders-grants_2_grants.xlsx": (REFUSED, "Description is missing but required"),
    "fundingproviders-grants_2_grants_cp1252.csv": (REFUSED, "grant 360G-<~>€funding€providers-000001/X/00/X"),
    "fundingproviders-grants_2_grants_titleswithoutrollup.xlsx": (REFUSED, "column T (Award Date)"),
    "fundingproviders-grants_broken_grants.json": (REFUSED, "id is missing but required within recipientOrganization"),
    "fundingproviders-grants_fixed_2_grants.json": (REFUSED, "Non-unique id values"),
    "fundingproviders-grants_malformed.json": (REFUSED, "the file is not valid JSON"),
    "fundingproviders_grants_2_grants.csv": (REFUSED, "row 2, column R (Award Date)"),
    "fundingtrust-grants_dc.txt": (REFUSED, "JSON, CSV or XLSX"),
    "ids-unexpected-chars.xlsx": (IMPORTED, "1 grant read: 1 new"),
    "multiple_funder_names_org_ids.json": (IMPORTED, "2 grants read: 2 new"),
    "nulls.json": (REFUSED, "title is not a string (null)"),
    "oneof.csv": (REFUSED, "either recipientOrganization or recipientIndividual, not both"),
    "publishers.json": (REFUSED, "the file has no list of grants"),
    "tenders_releases_2_releases.xlsx": (REFUSED, "sheet releases, row 2: Title is missing"),
    "validation_errors-3.json": (REFUSED, "the file has no list of grants"),
}  # fmt: skip


def import_file(compact, path: Path, **options) -> ImportJob:
    job = create_job(compact, path, path.name, **options)
    return run_job(job.pk)


def described(job: ImportJob) -> str:
    from compactwatch.imports.describe import outcome_lines
    from compactwatch.threesixtygiving.validating import Problem

    return "\n".join([*outcome_lines(job), *(str(Problem(**problem)) for problem in job.errors)])


def stored(compact) -> tuple[int, int, int]:
    return (
        FundingAgreement.objects.filter(compact=compact).count(),
        Organisation.objects.filter(compact=compact).count(),
        Finding.objects.filter(compact=compact).count(),
    )


def test_every_fixture_has_an_expected_outcome():
    assert sorted(path.name for path in FIXTURES.iterdir()) == sorted(FIXTURE_OUTCOMES)


@pytest.mark.parametrize("name", sorted(FIXTURE_OUTCOMES))
def test_each_fixture_imports_or_is_refused_as_its_name_implies(compact, name):
    status, phrase = FIXTURE_OUTCOMES[name]
    before = stored(compact)
    job = import_file(compact, FIXTURES / name)
    assert job.status == status, described(job)
    assert phrase in described(job)
    if status == REFUSED:
        assert stored(compact) == before
        assert job.errors, "a refused file lists why"
    else:
        assert job.error_count == 0


def test_a_real_council_file_fills_the_register_and_the_agreements(compact):
    job = import_file(compact, TRAFFORD)
    assert job.status == Status.DONE
    assert job.outcome["created"] == 555
    trafford = Organisation.objects.get(compact=compact, org_id="GB-LAE-TRF")
    assert (trafford.sector, trafford.imported, job.funder) == ("public", True, trafford)
    grants = FundingAgreement.objects.filter(compact=compact, funder=trafford)
    assert grants.count() == 555
    assert set(grants.values_list("programme", flat=True)) == {
        "Voluntary Sector Grants", "Inclusive Neighbourhood Grants"
    }  # fmt: skip
    source = json.loads(TRAFFORD.read_bytes())["grants"]
    assert sum(grants.values_list("amount", flat=True)) == sum(
        Decimal(str(grant["amountAwarded"])) for grant in source
    )
    # The file gives a 12-month duration and no dates: the term runs from the award date.
    sample = grants.get(source_grant_id=source[0]["id"])
    assert sample.start == sample.award_date
    findings = dict(Finding.objects.filter(agreement=sample).values_list("commitment", "status"))
    assert findings["cambridgeshire-refreshed/3.4"] == "not_met"  # 12 months, not more
    assert findings["cambridgeshire-refreshed/3.3"] == "unknown"  # the file cannot say
    assert AuditEntry.objects.filter(action="imported", record_ref=str(job.pk)).exists()


def test_the_same_file_twice_changes_nothing(compact):
    import_file(compact, TRAFFORD)
    before = stored(compact)
    updated = dict(FundingAgreement.objects.values_list("pk", "updated"))
    job = import_file(compact, TRAFFORD)
    assert (job.outcome["created"], job.outcome["changed"], job.outcome["unchanged"]) == (0, 0, 555)
    assert stored(compact) == before
    assert dict(FundingAgreement.objects.values_list("pk", "updated")) == updated


def test_the_csv_form_of_the_same_file_agrees_with_the_json(compact):
    import_file(compact, TRAFFORD)
    job = import_file(
        compact, DATA / "funders" / "trafford-council_voluntary_sector_grants_2013-2024.csv"
    )
    assert job.status == Status.DONE, described(job)
    assert (job.outcome["created"], job.outcome["changed"], job.outcome["unchanged"]) == (0, 0, 555)


def test_an_older_spreadsheet_differs_only_where_the_council_renamed_recipients(compact):
    # Trafford's 2021 spreadsheet holds 366 of the 555 grants; a few recipients were named
    # differently then, and no other value differs.
    import_file(compact, TRAFFORD)
    job = import_file(compact, DATA / "funders" / "trafford-council_2021-04.xlsx")
    assert job.status == Status.DONE, described(job)
    assert job.outcome["created"] == 0
    assert job.outcome["changed"] + job.outcome["unchanged"] == job.grants_read == 366
    assert {name for change in job.outcome["changes"] for name in change["fields"]} <= {"recipient"}


def test_a_newer_file_updates_its_grants_and_says_what_changed(compact, tmp_path):
    import_file(compact, TRAFFORD)
    package = json.loads(TRAFFORD.read_bytes())
    first = package["grants"][0]
    first["amountAwarded"] = 99999.5
    package["grants"].append({**first, "id": first["id"] + "-new"})
    newer = tmp_path / "trafford-newer.json"
    newer.write_text(json.dumps(package))
    job = import_file(compact, newer)
    assert (job.outcome["created"], job.outcome["changed"], job.outcome["unchanged"]) == (1, 1, 554)
    [change] = job.outcome["changes"]
    assert change["grant"] == first["id"]
    assert change["fields"]["amount"][1] == "99999.50"
    assert FundingAgreement.objects.get(source_grant_id=first["id"]).amount == Decimal("99999.50")
    assert "1 changed" in AuditEntry.objects.filter(action="imported").latest("pk").summary


def test_evidence_added_by_the_officer_survives_a_reimport(compact, tmp_path):
    import_file(compact, TRAFFORD)
    grant_id = json.loads(TRAFFORD.read_bytes())["grants"][0]["id"]
    agreement = FundingAgreement.objects.get(source_grant_id=grant_id)
    agreement.decision_rationale = "Scored"  # by the officer, as on the record's form
    save_record(agreement, None)
    import_file(compact, TRAFFORD)
    assert FundingAgreement.objects.get(source_grant_id=grant_id).decision_rationale == "Scored"


def _with_one_broken_grant(tmp_path) -> Path:
    package = json.loads(TRAFFORD.read_bytes())
    package["grants"][10]["amountAwarded"] = "a lot"
    path = tmp_path / "trafford-broken.json"
    path.write_text(json.dumps(package))
    return path


def test_one_invalid_grant_stores_nothing(compact, tmp_path):
    before = stored(compact)
    job = import_file(compact, _with_one_broken_grant(tmp_path))
    assert job.status == Status.REFUSED and job.error_count == 1
    assert "grants/10/amountAwarded: amountAwarded is not a number" in described(job)
    assert stored(compact) == before


def test_valid_only_stores_the_rest_and_says_what_was_left_out(compact, tmp_path):
    job = import_file(compact, _with_one_broken_grant(tmp_path), valid_only=True)
    assert job.status == Status.DONE
    assert job.outcome["created"] == 554
    assert "1 invalid grant left out, as asked." in described(job)


def _grant(number: int, recipient: dict) -> dict:
    return {
        "id": f"360G-test-{number}", "title": "A grant", "description": "For the test",
        "currency": "GBP", "amountAwarded": 1000, "awardDate": "2024-04-01",
        "plannedDates": [{"startDate": "2024-04-01", "endDate": "2027-03-31"}],
        "fundingOrganization": [{"id": "GB-LAE-CAM", "name": "Cambridgeshire County Council"}],
        "recipientOrganization": [recipient],
    }  # fmt: skip


def test_organisations_are_matched_by_org_id_numbers_then_name(compact, tmp_path):
    register = Organisation.objects.filter(compact=compact)
    system = Actor.system("test")
    council = save_organisation(
        system, compact, "cambridgeshire-county-council", {"org_id": "gb-lae-cam"}, mode="update"
    )  # case does not matter
    charity = save_organisation(
        system, compact, "c", {"name": "A Charity", "charity_number": "1100001"}, mode="create"
    )
    company = save_organisation(system, compact, "d", {"name": "A Company",
                                "company_number": "07000002"}, mode="create")  # fmt: skip
    named = register.get(ref="hunts-forum")
    grants = [
        _grant(1, {"id": "GB-CHC-1100001", "name": "A Charity (renamed)"}),
        _grant(2, {"id": "GB-COH-07000002", "name": "Another name"}),
        _grant(3, {"id": "360G-test-org-3", "name": named.name.upper()}),
        _grant(4, {"id": "GB-CHC-1199999", "name": "A New Group"}),
    ]
    path = tmp_path / "grants.json"
    path.write_text(json.dumps({"grants": grants}))
    before = register.count()
    job = import_file(compact, path)
    assert job.status == Status.DONE, described(job)
    agreements = FundingAgreement.objects.filter(compact=compact).order_by("source_grant_id")
    assert {agreement.funder for agreement in agreements} == {council}
    recipients = [agreement.recipient for agreement in agreements]
    assert recipients[:3] == [charity, company, named]
    assert (recipients[3].name, recipients[3].imported, recipients[3].charity_number) == (
        "A New Group",
        True,
        "1199999",
    )
    assert register.count() == before + 1 == before + job.outcome["organisations_added"]
    # Three years, start and end given: the multi-year commitment is met.
    assert set(Finding.objects.filter(commitment="cambridgeshire-refreshed/3.4")
               .values_list("status", flat=True)) == {"met"}  # fmt: skip


def _cancel_when(phase: str):
    """A progress callback that asks, as the page does, for the import to stop once it has
    reached `phase` and done some of it."""

    def callback(job: ImportJob) -> None:
        done = job.grants_stored if phase == "storing" else job.grants_read
        if job.phase == phase and done:
            request_cancel(ImportJob.objects.get(pk=job.pk))

    return callback


@pytest.mark.django_db(transaction=True, databases=DATABASES)
@pytest.mark.parametrize("phase", ["checking", "storing"])
def test_cancelling_a_running_import_stores_nothing(compact, monkeypatch, phase):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(services, "BATCH", 100)
    before = stored(compact)
    job = create_job(compact, TRAFFORD, TRAFFORD.name)
    job = services.Importer(job, progress=_cancel_when(phase)).run()
    assert job.status == Status.CANCELLED
    assert 0 < (job.grants_stored if phase == "storing" else job.grants_read) < 555
    assert stored(compact) == before


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_the_page_shows_the_progress_of_a_running_import(client, officer, compact, monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(services, "BATCH", 100)
    client.force_login(officer)
    seen = []

    def look(job: ImportJob) -> None:
        if job.phase == "storing" and job.grants_stored:
            seen.append(client.get(job.get_absolute_url() + "progress/").json())

    services.Importer(create_job(compact, TRAFFORD, TRAFFORD.name), progress=look).run()
    assert seen and not seen[0]["finished"]
    assert [figures["percent"] for figures in seen] == sorted(
        figures["percent"] for figures in seen
    )
    assert 50 < seen[0]["percent"] < 100


def test_a_queued_job_cancelled_never_runs(compact):
    job = create_job(compact, TRAFFORD, TRAFFORD.name)
    request_cancel(job)
    assert run_job(job.pk).status == Status.CANCELLED
    assert FundingAgreement.objects.filter(compact=compact).count() == 0


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_the_web_upload_runs_in_the_database_queue(client, officer, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(officer)
    with TRAFFORD.open("rb") as handle:
        response = client.post(
            "/compacts/cambridgeshire/manage/imports/", {"file": handle, "valid_only": "yes"}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == Status.QUEUED and job.valid_only and job.task_id
    call_command("db_worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == Status.DONE and job.outcome["created"] == 555
    assert not Path(job.path).exists(), "the uploaded copy is removed when done"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "555 grants read: 555 new, 0 changed, 0 unchanged." in page
    funder = client.get(job.funder.get_absolute_url()).content.decode()
    assert "What the grants data cannot show" in funder
    assert "4.5 Three months&#x27; notice in writing (refreshed edition)" in funder
    progress = client.get(job.get_absolute_url() + "progress/").json()
    assert progress["finished"] and progress["percent"] == 100


def test_only_the_officer_may_import(client, council_member):
    client.force_login(council_member)
    assert client.get("/compacts/cambridgeshire/manage/imports/").status_code == 403


def test_a_file_of_the_wrong_kind_is_refused_on_the_page_and_the_choice_kept(client, officer):
    client.force_login(officer)
    with (FIXTURES / "fundingtrust-grants_dc.txt").open("rb") as handle:
        response = client.post(
            "/compacts/cambridgeshire/manage/imports/", {"file": handle, "valid_only": "yes"}
        )
    page = response.content.decode()
    assert response.status_code == 200 and "is not one of these" in page
    assert 'value="yes" checked' in page
    assert not ImportJob.objects.exists()


def test_cancel_from_the_page(client, officer, compact):
    client.force_login(officer)
    job = create_job(compact, TRAFFORD, TRAFFORD.name)
    response = client.post(job.get_absolute_url() + "cancel/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.CANCELLED


def test_the_command_imports_with_exit_codes(compact, tmp_path, capsys):
    from compactwatch.cli import main

    copy = tmp_path / "grants.json"
    shutil.copy(TRAFFORD, copy)
    assert main(["import", "360giving", str(copy), "--compact", "cambridgeshire"]) == 0
    assert "555 grants read: 555 new" in capsys.readouterr().out
    broken = FIXTURES / "badfile_all_validation_errors.json"
    assert main(["import", "360giving", str(broken), "--compact", "cambridgeshire"]) == 1
    captured = capsys.readouterr()
    assert "Nothing from the file has been stored." in captured.out
    assert "grants/0/amountAwarded: amountAwarded is not a number" in captured.err
    assert main(["import", "360giving", str(copy), "--compact", "nowhere"]) == 2


def test_a_real_file_with_day_month_year_dates_is_refused_cell_by_cell(compact):
    # Trafford's 2020 CSV wrote its dates DD/MM/YYYY: four dates a grant, 122 grants.
    job = import_file(
        compact, DATA / "funders" / "trafford-council_2020-05_ddmmyyyy_planned-start-end.csv"
    )
    assert job.status == Status.REFUSED
    assert (job.grants_read, job.error_count) == (122, 4 * 122)
    first = job.errors[0]
    assert first["where"].startswith(
        "sheet trafford-council_2020-05_ddmmyyyy_planned-start-end, row 2, column"
    )
    assert "Date is not in the correct format" in first["message"]


def test_a_file_of_several_funders_lists_each_on_the_page(client, officer, compact):
    job = import_file(compact, FIXTURES / "multiple_funder_names_org_ids.json")
    funders = job.outcome["funders"]
    assert len(funders) > 1
    client.force_login(officer)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Funders in this file" in page
    for funder in funders:
        assert (
            Organisation.objects.get(compact=compact, ref=funder["ref"]).get_absolute_url() in page
        )


def test_an_import_whose_worker_stopped_can_be_marked_as_failed(client, officer, compact):
    from datetime import timedelta

    from django.utils import timezone

    from compactwatch.imports.models import STALL_AFTER

    job = create_job(compact, TRAFFORD, TRAFFORD.name)
    started = timezone.now() - STALL_AFTER - timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, started=started, reported=started
    )
    client.force_login(officer)
    assert (
        "its worker has most likely stopped" in client.get(job.get_absolute_url()).content.decode()
    )
    client.post(job.get_absolute_url() + "failed/")
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert "stopped without finishing" in job.errors[0]["message"]


def test_a_running_import_that_reports_is_not_stalled(compact):
    from django.utils import timezone

    job = create_job(compact, TRAFFORD, TRAFFORD.name)
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, started=timezone.now())
    job.refresh_from_db()
    assert not services.mark_stalled_failed(job)
    assert job.status == Status.RUNNING


def test_the_api_queues_an_import_and_reports_it(client, officer, compact):
    from rest_framework.authtoken.models import Token

    headers = {"Authorization": f"Token {Token.objects.create(user=officer).key}"}
    with TRAFFORD.open("rb") as handle:
        response = client.post("/api/v1/compacts/cambridgeshire/imports/", {"file": handle},
                               headers=headers)  # fmt: skip
    assert response.status_code == 202, response.content
    queued = response.json()
    assert queued["status"] == "queued" and response["Location"] == queued["url"]
    run_job(queued["id"])
    done = client.get(queued["url"], headers=headers).json()
    assert (done["status"], done["outcome"]["created"]) == ("done", 555)
    listed = client.get("/api/v1/compacts/cambridgeshire/imports/", headers=headers).json()
    assert [job["id"] for job in listed["results"]] == [queued["id"]]


def test_the_api_refuses_a_file_of_another_kind_and_other_users(
    client, officer, council_member, compact
):
    from rest_framework.authtoken.models import Token

    headers = {"Authorization": f"Token {Token.objects.create(user=officer).key}"}
    with (FIXTURES / "fundingtrust-grants_dc.txt").open("rb") as handle:
        response = client.post("/api/v1/compacts/cambridgeshire/imports/", {"file": handle},
                               headers=headers)  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert "is not one of these" in response.json()["errors"][0]["message"]
    member = {"Authorization": f"Token {Token.objects.create(user=council_member).key}"}
    assert client.get("/api/v1/compacts/cambridgeshire/imports/", headers=member).status_code == 403
    assert client.get("/api/v1/compacts/cambridgeshire/imports/").status_code == 401
    assert not ImportJob.objects.exists()


def test_grants_sharing_an_id_are_left_out_and_counted(compact, tmp_path):
    package = json.loads(TRAFFORD.read_bytes())
    grants = package["grants"]
    grants[1] = {**grants[1], "id": grants[0]["id"]}  # two valid grants, one id
    grants[2] = {**grants[2], "amountAwarded": "a lot"}  # and one invalid grant
    path = tmp_path / "repeated.json"
    path.write_text(json.dumps(package))
    job = import_file(compact, path, valid_only=True)
    assert job.status == Status.DONE
    assert job.grants_to_store == job.grants_stored == 552
    assert "3 invalid grants left out, as asked." in described(job)
    assert "Non-unique id values" in described(job)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"awardDate": "2021-02-30"}, "awardDate '2021-02-30' is not a real date"),
        ({"awardDate": "0000-01-01"}, "awardDate '0000-01-01' is not a real date"),
        ({"awardDate": "9999-12-31", "plannedDates": [{"duration": 12}]},
         "awardDate 9999-12-31 is outside the dates compactwatch can hold (1900 to 2199)"),
        ({"plannedDates": [{"startDate": "2024-04-01", "endDate": "2199-12-32"}]},
         "plannedDates/0/endDate '2199-12-32' is not a real date"),
    ],
)  # fmt: skip
def test_dates_a_funding_agreement_cannot_hold_are_named_not_dropped(
    compact, tmp_path, change, message
):
    grant = {**_grant(1, {"id": "GB-CHC-1100001", "name": "A Charity"}), **change}
    path = tmp_path / "grants.json"
    path.write_text(json.dumps({"grants": [grant]}))
    job = import_file(compact, path)
    assert job.status == Status.REFUSED
    assert message in [problem["message"] for problem in job.errors]
    assert not FundingAgreement.objects.filter(compact=compact).exists()
