"""A person's journeys through the app, in a real browser, with axe on every page they see."""

import json

import pytest
from browser_helpers import assert_no_axe_violations, sign_in
from service_fixtures import save_record

from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"


@pytest.fixture
def agreement(compact, council_member):
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    group = compact.organisations.get(ref="hunts-forum")
    return save_record(
        FundingAgreement(
            compact=compact, ref="g-100", funder=council, recipient=group, kind="grant"
        ),
        council_member,
    )


def test_record_a_notice_of_ending_funding_and_see_the_finding(page, agreement):
    sign_in(page, "council", PASSWORD)
    page.goto("/compacts/cambridgeshire/records/new/funding_change/")
    assert_no_axe_violations(page)
    # JavaScript makes the agreement's input an autocomplete: type, then choose.
    page.fill("#id_agreement", "hunts")
    page.locator(".autocomplete__option", has_text=agreement.ref).click()
    assert page.input_value("#id_agreement") == (
        f"Grant from Cambridgeshire County Council to Hunts Forum (id {agreement.ref})"
    )
    assert not page.locator("button:has-text('Find agreement')").count()
    page.select_option("#id_change", "end")
    page.fill("#id_notice_given", "2017-01-01")
    page.fill("#id_effective", "2017-02-12")
    page.check("#id_in_writing_1")
    page.fill("#id_rationale", "Budget reductions")
    page.click("button:has-text('Save and check')")
    page.wait_for_load_state()
    assert "How it stands against the Compact" in page.content()
    finding = (
        "Notice of 6 weeks was given; the Compact asks for at least 3 months in writing (4.5)."
    )
    assert page.get_by_text(finding).is_visible()
    assert_no_axe_violations(page)
    assert FundingChange.objects.get(agreement=agreement).notice_given.isoformat() == "2017-01-01"


def axe_without_javascript(browser, live_server, page) -> None:
    """axe on a page as shown without JavaScript (which axe itself needs): its HTML, in a
    page that may run axe but none of the site's scripts."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    checker = context.new_page()
    checker.route("**/*.js", lambda route: route.abort())
    checker.goto("/")
    checker.set_content(page.content())
    assert_no_axe_violations(checker)
    context.close()


def test_record_a_notice_without_javascript_by_searching_for_the_agreement(
    browser, live_server, agreement, tmp_path
):
    # bypass_csp lets the test inject axe, as for the other journeys.
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, bypass_csp=True
    )
    page = context.new_page()
    sign_in(page, "council", PASSWORD)
    page.goto("/compacts/cambridgeshire/records/new/funding_change/")
    page.fill("#id_agreement", "no such words")
    page.fill("#id_rationale", "Budget reductions")
    page.click("button:has-text('Find agreement')")
    page.wait_for_load_state()
    assert page.get_by_text("No funding agreement you can record a change to matches").count()
    axe_without_javascript(browser, live_server, page)
    page.fill("#id_agreement", "county hunts")
    page.click("button:has-text('Find agreement')")
    page.wait_for_load_state()
    assert "There is a problem" not in page.content()
    assert page.input_value("#id_rationale") == "Budget reductions"  # kept through the search
    assert "Funding agreements that match ‘county hunts’" in page.content()
    axe_without_javascript(browser, live_server, page)
    for width in (1280, 375):  # to look at
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"agreements-found-{width}.png"), full_page=True)
    page.get_by_label(
        f"Grant from Cambridgeshire County Council to Hunts Forum (id {agreement.ref})"
    ).check()
    page.select_option("#id_change", "end")
    page.fill("#id_notice_given", "2017-01-01")
    page.fill("#id_effective", "2017-04-03")
    page.click("button:has-text('Save and check')")
    page.wait_for_load_state()
    assert "How it stands against the Compact" in page.content()
    change = FundingChange.objects.get(agreement=agreement)
    assert change.rationale == "Budget reductions"
    page.goto(f"/compacts/cambridgeshire/records/funding_change/edit/{change.ref}/")
    assert page.is_checked(f"input[name=agreement][value='{agreement.ref}']")  # chosen
    context.close()


def test_the_autocomplete_keeps_the_content_security_policy(
    browser, live_server, agreement, tmp_path
):
    context = browser.new_context(base_url=live_server.url)  # the policy enforced
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    sign_in(page, "council", PASSWORD)
    page.goto("/compacts/cambridgeshire/records/new/funding_change/")
    page.fill("#id_agreement", "g-100")
    option = page.locator(".autocomplete__option", has_text=agreement.ref)
    assert option.inner_text() == (
        f"Grant from Cambridgeshire County Council to Hunts Forum (id {agreement.ref})"
    )
    assert (
        page.locator(".autocomplete__wrapper").evaluate(
            "element => getComputedStyle(element).position"
        )
        == "relative"
    )  # its stylesheet was loaded
    page.screenshot(path=str(tmp_path / "agreement-autocomplete.png"))  # to look at
    assert not problems, problems
    context.close()


def test_a_form_with_an_error_keeps_what_was_typed(page, agreement):
    sign_in(page, "council", PASSWORD)
    page.goto("/compacts/cambridgeshire/records/new/consultation/")
    page.fill("#id_title", "Library review")
    page.fill("#id_opens", "2017-03-01")
    page.fill("#id_closes", "2017-02-01")
    page.click("button:has-text('Save and check')")
    page.wait_for_load_state()
    assert "There is a problem" in page.content()
    assert page.input_value("#id_title") == "Library review"
    assert page.input_value("#id_opens") == "2017-03-01"
    assert_no_axe_violations(page)
    assert not Consultation.objects.filter(title="Library review").exists()


def test_upload_with_one_bad_record_shows_the_error_and_stores_nothing(page, officer, tmp_path):
    path = tmp_path / "records.json"
    path.write_text(json.dumps({"consultations": [
        {"id": "up-1", "organisation": "cambridgeshire-county-council", "title": "Fine",
         "opens": "2017-01-02", "closes": "2017-03-26"},
        {"id": "up-2", "organisation": "cambridgeshire-county-council", "title": "Broken",
         "opens": "2017-02-30", "closes": "2017-05-01"},
    ]}))  # fmt: skip
    sign_in(page, "officer", PASSWORD)
    page.goto("/compacts/cambridgeshire/records/upload/")
    assert_no_axe_violations(page)
    page.set_input_files("#files", str(path))
    page.click("button:has-text('Upload and check')")
    page.wait_for_load_state()
    assert "Nothing was stored" in page.content()
    assert "consultation 'up-2', field 'opens': '2017-02-30' is not a date" in page.content()
    assert_no_axe_violations(page)
    assert not Consultation.objects.filter(ref__in=["up-1", "up-2"]).exists()


def test_import_a_funders_grants_and_follow_it_to_the_funders_standing(
    page, officer, settings, tmp_path
):
    from pathlib import Path

    from django.core.management import call_command

    settings.DATA_DIR = tmp_path
    trafford = (Path(__file__).parents[1] / "data" / "360giving" / "funders"
                / "trafford-council_voluntary_sector_grants_2013-2024.csv")  # fmt: skip
    sign_in(page, "officer", PASSWORD)
    page.goto("/compacts/cambridgeshire/")
    page.click("text=Import a funder's grants")
    page.set_input_files("#file", str(trafford))
    page.click("button:has-text('Check and import')")
    page.wait_for_load_state()
    # Queued: the page shows its progress and offers to cancel, then follows the job.
    assert page.locator("progress").is_visible()
    assert page.locator("button:has-text('Cancel the import')").is_visible()
    assert_no_axe_violations(page)
    call_command("db_worker", batch=True, verbosity=0)  # the worker takes the queued job
    page.wait_for_selector("text=Grants imported", timeout=10_000)  # the page reloads itself
    assert "555 grants read: 555 new, 0 changed, 0 unchanged." in page.content()
    page.click("text=See how Trafford Metropolitan Borough Council")
    page.wait_for_load_state()
    assert page.locator("h2:has-text('Grants imported from 360Giving')").is_visible()
    assert "What the grants data cannot show" in page.content()
    assert_no_axe_violations(page)
