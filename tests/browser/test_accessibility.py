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
    f"{C}/concerns/", f"{C}/concerns/?find=notice",
    f"{C}/reports/", f"{C}/open-data/",
    f"{C}/action-plan/2026/", f"{C}/annual-review/2026/",
    f"{C}/indicators/", f"{C}/indicators/?year=2016&body=cambridgeshire-county-council",
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
    f"{C}/manage/people/", f"{C}/manage/people/invite/", f"{C}/manage/editions/drafts/new/",
    "/accounts/", "/accounts/two-factor/", f"{C}/manage/editions/upload/",
    f"{C}/reports/?year=19", f"{C}/reports/2025/", f"{C}/manage/reports/2025/",
    f"{C}/action-plan/2026/new/", f"{C}/annual-review/2026/meeting/",
    f"{C}/annual-review/2026/work-programme/new/", f"{C}/annual-review/2026/carry/",
    f"{C}/indicators/?year=2026&body=cambridgeshire-county-council",
]  # fmt: skip


def test_two_factor_and_signing_pages(page, officer, group_member):
    """The code asked for after the password (with a wrong code's error), and a partner's
    page asking it to sign the edition in force (with an error shown)."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    from compactwatch.changes import two_factor
    from compactwatch.changes.base import Actor

    key = two_factor.new_key()
    two_factor.turn_on(Actor(officer, "test"), key, f"{TOTP(unhexlify(key)).token():06d}")
    sign_in(page, "officer", PASSWORD)
    assert page.url.endswith("/accounts/login/code/")
    assert_no_axe_violations(page)
    page.fill("#id_code", "12")  # not six digits: refused, with the error linked
    page.click("button:has-text('Sign in')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
    page.context.clear_cookies()
    sign_in(page, "group", PASSWORD)
    page.goto(f"{C}/your-organisation/hunts-forum/")
    assert page.locator("text=has not yet signed").is_visible()
    page.click("button:text-is('Sign')")
    assert page.locator(".govuk-error-summary").first.is_visible()
    assert_no_axe_violations(page)


# A draft of a new edition's pages, under its address (the draft is started in the test).
DRAFT_PAGES = ["", "commitments/2.4/", "commitments/new/", "commitments/2.9/remove/",
               "preview/", "consult/", "adopt/", "abandon/"]  # fmt: skip


def test_case_pages(page, officer):
    """Disagreements: the lists, a case with every step's form open, a concern from the
    public waiting, the raise form and the route page with their errors, and the figures
    with cases counted."""
    from django.contrib.auth.models import AnonymousUser

    from compactwatch.changes import cases
    from compactwatch.changes.base import Actor

    compact = officer.compacts_run.get()
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    case = cases.raise_case(
        Actor.system("test"), compact, other_party=council,
        commitments=["cambridgeshire-refreshed/4.5"], what_happened="Short notice",
        wanted="Reasons", raising_organisation=compact.organisations.get(ref="hunts-forum"),
    )  # fmt: skip
    waiting = cases.submit_public_case(
        Actor(AnonymousUser(), "form"), compact, contact_name="Asha Patel",
        contact_email="asha@example.org", other_party=council,
        commitments=["cambridgeshire-refreshed/4.5"], what_happened="No notice", wanted="Sorry",
    )  # fmt: skip
    sign_in(page, "officer", PASSWORD)
    for path in (f"{C}/cases/", f"{C}/cases/?status=overdue", f"{C}/manage/concerns/",
                 f"{C}/cases/raise/", f"{C}/manage/route/", f"{C}/cases/{waiting.ref}/",
                 f"{C}/figures/"):  # fmt: skip
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
    page.goto(f"{C}/cases/{case.ref}/")
    for summary in page.locator("summary").all():
        summary.click()  # every step's form open
    assert_no_axe_violations(page)
    page.click("button:has-text('Extend')")  # no days, no reason: the errors, linked
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
    page.goto(f"{C}/cases/raise/")
    page.click("button:has-text('Raise the concern')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
    page.goto(f"{C}/manage/route/")
    page.fill("#id_document", "id: broken\nversion: 0\n")
    page.click("button:has-text('Check and save the route')")
    assert page.locator(".govuk-error-summary").first.is_visible()
    assert_no_axe_violations(page)


def test_action_plan_and_annual_review_pages(page, officer, council_member):
    """The action plan (2007 edition, 5.2) with items in every status, some overdue, notes,
    the review with its meeting and work programme, each form with its errors, the carry
    page with items to carry; and an item's page with the note form its owner sees."""
    from datetime import date

    from compactwatch.demo_monitoring import load_demo_monitoring

    compact = officer.compacts_run.get()
    load_demo_monitoring(compact, date.today())
    year = date.today().year
    sign_in(page, "officer", PASSWORD)
    for path in (f"{C}/action-plan/{year - 1}/", f"{C}/action-plan/{year}/",
                 f"{C}/action-plan/{year}/1/", f"{C}/action-plan/{year}/1/change/",
                 f"{C}/annual-review/{year - 1}/", f"{C}/annual-review/{year}/",
                 f"{C}/annual-review/{year - 1}/meeting/", f"{C}/annual-review/{year}/carry/",
                 f"{C}/annual-review/{year - 1}/work-programme/1/"):  # fmt: skip
        response = page.goto(path)
        assert response.status == 200, path
        assert_no_axe_violations(page)
    for path, button in ((f"{C}/action-plan/{year}/new/", "Add the item"),
                         (f"{C}/annual-review/{year}/work-programme/new/", "Save"),
                         (f"{C}/annual-review/{year + 1}/meeting/", "Save the meeting"),
                         (f"{C}/action-plan/{year}/1/", "Add the note")):  # fmt: skip
        page.goto(path)
        page.click(f"button:text-is('{button}')")  # nothing filled in: the errors, linked
        assert page.locator(".govuk-error-summary").first.is_visible(), path
        assert_no_axe_violations(page)
    assert page.locator("#id_text").input_value() == ""
    page.context.clear_cookies()
    sign_in(page, "council", PASSWORD)  # Cambridgeshire County Council owns an item
    owned = compact.action_items.filter(year=year, owner__ref="cambridgeshire-county-council")
    page.goto(owned.first().get_absolute_url())
    assert page.locator("text=Add a progress note").is_visible()
    assert_no_axe_violations(page)


def test_annual_report_pages(page, officer):
    """The report with its figures and charts (draft and published), the officer's page,
    and a partner's response form with an error shown."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from compactwatch.changes.base import Actor
    from compactwatch.changes.register import add_membership
    from compactwatch.changes.reports import make_draft, publish, save_response

    compact = officer.compacts_run.get()
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    forum = compact.organisations.get(ref="hunts-forum")
    for n in range(3):
        save_record(FundingAgreement(compact=compact, ref=f"r-{n}", funder=council, kind="grant",
                                     award_date=date(2025, n + 1, 1),
                                     decision_rationale_none=n == 0), officer)  # fmt: skip
    report = make_draft(Actor.system(), compact, 2025)
    member = get_user_model().objects.create_user("member", password=PASSWORD)
    add_membership(Actor.system("test"), forum, member)
    save_response(Actor(member, "test"), report, forum, text="We welcome it.", final=True)
    sign_in(page, "officer", PASSWORD)
    for path in (f"{C}/reports/2025/", f"{C}/manage/reports/2025/"):
        assert page.goto(path).status == 200, path
        assert_no_axe_violations(page)
    publish(Actor(officer, "test"), report, version=report.version)
    page.goto("/")
    page.get_by_role("button", name="Sign out officer").click()
    assert page.goto(f"{C}/reports/2025/").status == 200
    assert_no_axe_violations(page)
    make_draft(Actor.system(), compact, 2026)
    sign_in(page, "member", PASSWORD)
    path = f"{C}/reports/2026/responses/hunts-forum/"
    assert page.goto(path).status == 200
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save the response").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_no_axe_violations(page)


def test_open_data_pages(page, officer):
    """Before the first download is made (the page, and the download's 404 page), then the
    officer's page with one made and a fresh one that failed."""
    from compactwatch.changes import open_data
    from compactwatch.changes.base import Actor

    compact = officer.compacts_run.get()
    assert page.goto(f"{C}/open-data/download/").status == 404
    assert page.get_by_text("it is being prepared").is_visible()
    assert_no_axe_violations(page)
    open_data.run_export(open_data.ask_for_fresh(Actor.system("test"), compact).pk)
    failing = open_data.ask_for_fresh(Actor.system("test"), compact)
    open_data._fail(failing.pk, "Something went wrong while it was being made")
    sign_in(page, "officer", PASSWORD)
    for path in (f"{C}/open-data/", f"{C}/manage/open-data/"):
        assert page.goto(path).status == 200, path
        assert page.get_by_text("The last download could not be made").is_visible()
        assert_no_axe_violations(page)


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


def test_edition_upload_pages(page, officer, tmp_path):
    """The upload page with a file's problems beside its lines, then a sound file's preview."""
    from pathlib import Path

    import yaml

    editions = Path(__file__).parents[2] / "compactwatch" / "compact" / "editions"
    shipped = editions / "cambridgeshire-refreshed.yaml"
    document = yaml.safe_load(shipped.read_text())
    document.update(id="cambridgeshire-2026", default_in_force_from="2026-04-01")
    sound, broken = tmp_path / "sound.yaml", tmp_path / "broken.yaml"
    sound.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    document["commitments"][3]["binds"] = "everyone"
    broken.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    sign_in(page, "officer", PASSWORD)
    for path, shown in ((broken, ".govuk-error-summary"), (sound, "text=Store the edition")):
        page.goto(f"{C}/manage/editions/upload/")
        page.set_input_files("#edition_file", str(path))
        page.click("text=Check the file")
        assert page.locator(shown).first.is_visible()
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


def test_edition_draft_pages(page, officer):
    from compactwatch.changes.base import Actor
    from compactwatch.changes.edition_drafts import change_commitment, start_draft

    compact = officer.compacts_run.get()
    draft = start_draft(Actor(officer, "test"), compact)
    text = draft.core().commitment("2.4").text
    change_commitment(Actor(officer, "test"), compact, draft.pk, "2.4", version=1,
                      text=text.replace("12-week", "16-week"), parameters={(0, "minimum_length"): 16})  # fmt: skip
    sign_in(page, "officer", PASSWORD)
    for path in DRAFT_PAGES:
        response = page.goto(f"{C}/manage/editions/drafts/{draft.pk}/{path}")
        assert response.status == 200, path
        assert_no_axe_violations(page)
    page.goto(f"{C}/manage/editions/drafts/{draft.pk}/commitments/2.4/")
    page.fill("#id_p0__minimum_length", "0")
    page.click("button:has-text('Save in the draft')")  # the error, linked and beside its field
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
    for path in (f"{C}/manage/editions/", f"{C}/"):  # the Drafts section; the warning gone
        page.goto(path)
        assert_no_axe_violations(page)
