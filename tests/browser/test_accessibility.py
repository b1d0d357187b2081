"""axe-core finds no WCAG 2.2 AA violations on any page of the site."""

import pytest
from browser_helpers import assert_no_axe_violations, sign_in
from service_fixtures import save_record

from compactwatch.records.models import FundingAgreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
C = "/compacts/cambridgeshire"
PUBLIC_PAGES = [
    "/", f"{C}/", f"{C}/editions/cambridgeshire-2007/", f"{C}/editions/cambridgeshire-refreshed/",
    f"{C}/editions/compare/", f"{C}/register/", f"{C}/register/cambridgeshire-county-council/",
    f"{C}/figures/", f"{C}/plan/", f"{C}/plan/?effective=2026-03-31&opens=2026-01-05",
    f"{C}/plan/?effective=not-a-date", "/accounts/login/", "/accounts/reset/",
    f"{C}/plan/?effective-day=31&effective-month=2&effective-year=2026&opens-day=31",
    f"{C}/plan/?effective=2099-03-31", f"{C}/search/", f"{C}/search/?q=notice+months",
    f"{C}/search/?q=notice+zebra", "/records-format/", f"{C}/known-from-data/",
    "/accounts/reset/sent/", "/accounts/reset/MQ/not-a-token/",
    f"{C}/join/",
]  # fmt: skip
OFFICER_PAGES = [
    "/", f"{C}/records/", f"{C}/records/?type=funding_agreement", f"{C}/records/upload/",
    f"{C}/records/new/consultation/", f"{C}/records/new/funding_agreement/",
    f"{C}/records/new/funding_change/", f"{C}/records/funding_agreement/g-1/",
    f"{C}/records/funding_agreement/edit/g-1/", f"{C}/manage/editions/",
    f"{C}/manage/register/new/", f"{C}/manage/register/hunts-forum/", f"{C}/manage/audit/",
    f"{C}/register/cambridgeshire-county-council/", "/accounts/password/",
    "/accounts/password/changed/",
    f"{C}/records/?type=funding_agreement&status=not_met&sort=body&q=g"
    "&body=cambridgeshire-county-council&side=acting",
    f"{C}/records/?year=1999", f"{C}/register/hunts-forum/",
    f"{C}/manage/joining/", f"{C}/your-organisation/hunts-forum/",
    f"{C}/your-organisation/hunts-forum/leave/",
    f"{C}/manage/people/", f"{C}/manage/people/invite/",
]  # fmt: skip


@pytest.mark.parametrize("path, status", [("/no-such-page/", 404), (f"{C}/figures/?year=x", 400)])
def test_error_pages(page, compact, path, status):
    response = page.goto(path)
    assert response.status == status
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages(page, compact, path):
    response = page.goto(path)
    assert response.status == 200
    assert_no_axe_violations(page)


def test_signed_in_pages(page, officer):
    council = officer.compacts_run.get().organisations.get(ref="cambridgeshire-county-council")
    save_record(FundingAgreement(compact=council.compact, ref="g-1", funder=council, kind="grant",
                                 decision_rationale_none=True), officer)  # fmt: skip
    sign_in(page, "officer", PASSWORD)
    for path in OFFICER_PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)


def test_import_pages(page, officer):
    from datetime import timedelta
    from pathlib import Path

    from compactwatch.imports.models import ImportJob
    from compactwatch.imports.services import create_job, run_job

    compact = officer.compacts_run.get()
    data = Path(__file__).parents[1] / "data" / "360giving"
    done = run_job(create_job(compact, data / "funders" / "trafford-council_2021-04.xlsx",
                              "trafford-council_2021-04.xlsx").pk)  # fmt: skip
    refused = run_job(create_job(compact, data / "fixtures" / "badfile_all_validation_errors.xlsx",
                                 "badfile_all_validation_errors.xlsx").pk)  # fmt: skip
    waiting = create_job(compact, data / "fixtures" / "bom.csv", "bom.csv")
    stalled = create_job(compact, data / "fixtures" / "bom.csv", "bom.csv")
    long_ago = stalled.created - timedelta(days=1)
    ImportJob.objects.filter(pk=stalled.pk).update(status="running", started=long_ago)
    sign_in(page, "officer", PASSWORD)
    for path in (f"{C}/manage/imports/", done.get_absolute_url(), refused.get_absolute_url(),
                 waiting.get_absolute_url(), stalled.get_absolute_url(),
                 done.funder.get_absolute_url(), f"{C}/known-from-data/",
                 f"{C}/manage/register/{done.funder.ref}/partner/",
                 f"{C}/manage/imports/{done.pk}/undo/"):  # fmt: skip
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
    page.goto(f"{C}/manage/imports/{done.pk}/undo/")
    page.click("text=Undo the import")  # the import's page again, saying it was undone
    assert page.locator(".govuk-notification-banner").first.is_visible()
    assert_no_axe_violations(page)
    page.goto(f"{C}/manage/imports/")
    page.click("text=Check and import")  # no file chosen: the error is shown and linked
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
