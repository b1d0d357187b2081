"""A disagreement end to end (issue 13): a charity raises a case from a not-met finding, the
council acknowledges and responds, the officer moves it to the Compact Development Group and
closes it, and the charity says whether it was resolved. axe checks each page on the way."""

from datetime import date

import pytest
from browser_helpers import assert_no_axe_violations, sign_in
from service_fixtures import save_record

from compactwatch.disputes.models import Case
from compactwatch.organisations.models import Organisation
from compactwatch.records.models import FundingAgreement, FundingChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
C = "/compacts/cambridgeshire"


@pytest.fixture
def short_notice(compact, officer):
    """Cambridgeshire County Council ended Hunts Forum's grant with a month's notice."""
    council = Organisation.objects.get(compact=compact, ref="cambridgeshire-county-council")
    forum = Organisation.objects.get(compact=compact, ref="hunts-forum")
    agreement = save_record(FundingAgreement(compact=compact, ref="g-1", funder=council,
                                             recipient=forum, kind="grant",
                                             start=date(2026, 4, 1), end=date(2027, 3, 31)),
                            officer)  # fmt: skip
    save_record(FundingChange(compact=compact, ref="n-1", agreement=agreement, change="end",
                              notice_given=date(2026, 6, 1), effective=date(2026, 7, 1)),
                officer)  # fmt: skip


def open_step(page, summary: str) -> None:
    page.click(f"summary:has-text('{summary}')")


def as_user(page, username: str, path: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, PASSWORD)
    page.goto(path)
    assert_no_axe_violations(page)


def test_a_charity_raises_a_case_and_sees_it_through(
    page, short_notice, officer, group_member, council_member
):
    # The charity, from the finding on its record.
    sign_in(page, "group", PASSWORD)
    page.goto(f"{C}/records/funding_change/n-1/")
    page.click("text=Raise a concern about this")
    assert page.locator("h1").inner_text() == "Raise a concern"
    assert page.input_value("#id_records") == "n-1"
    assert page.is_checked("input[name=commitments][value='cambridgeshire-refreshed/4.5']")
    assert page.input_value("#id_what_happened")  # the finding's words
    assert_no_axe_violations(page)
    page.fill("#id_find", "consult weeks")  # the commitments narrowed as one types
    page.wait_for_function("document.querySelector('[aria-live]')?.textContent.includes('shown')")
    item = "div.govuk-checkboxes__item:has(input[value='cambridgeshire-refreshed/{}'])"
    assert page.is_visible(item.format("2.4"))  # found by the words
    assert page.is_visible(item.format("4.5"))  # ticked: kept
    assert page.is_hidden(item.format("4.9"))
    page.click("button:has-text('Raise the concern')")  # what they want is missing
    assert "Enter what you want to happen" in page.inner_text(".govuk-error-summary")
    assert page.input_value("#id_records") == "n-1"  # kept
    assert_no_axe_violations(page)
    page.fill("#id_wanted", "The notice the Compact promises, and reasons in writing.")
    page.click("button:has-text('Raise the concern')")
    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.ref}/")
    assert "Hunts Forum and Cambridgeshire County Council" in page.inner_text("h1")
    assert "The other party is to acknowledge by" in page.inner_text("main")
    assert_no_axe_violations(page)

    # The council acknowledges, then responds.
    as_user(page, "council", f"{C}/cases/{case.ref}/")
    open_step(page, "Acknowledge the concern")
    page.fill("#id_acknowledge-text", "We are looking into it.")
    page.click("button:text-is('Acknowledge')")
    assert "The concern is acknowledged" in page.inner_text(".govuk-notification-banner")
    assert "The other party is to respond by" in page.inner_text("main")
    open_step(page, "Respond in writing")
    page.click("button:has-text('Send the response')")  # empty: the error, beside the field
    assert "Enter the response" in page.inner_text(".govuk-error-summary")
    assert_no_axe_violations(page)
    page.fill("#id_respond-text", "The notice was short. We will pay to the end of March.")
    page.click("button:has-text('Send the response')")
    assert "We will pay to the end of March" in page.inner_text("main")
    assert_no_axe_violations(page)

    # The officer takes it to the Development Group, then closes it.
    as_user(page, "officer", f"{C}/cases/")
    page.click(f"text={case.ref}")
    open_step(page, "Move the case to another stage")
    page.check("label:has-text('Compact Development Group')")
    page.fill("#id_move-text", "The raiser asked for the Group to look at it.")
    page.click("button:has-text('Move the case')")
    assert "moved to ‘Compact Development Group’" in page.inner_text(".govuk-notification-banner")
    assert_no_axe_violations(page)
    open_step(page, "Close the case")
    page.check("#id_close-outcome_0")  # resolved
    page.fill("#id_close-outcome_text", "The grant is paid to the end of March.")
    page.check("label:text-is('Yes')")
    page.select_option("#id_close-breach_commitment", "cambridgeshire-refreshed/4.5")
    page.fill("#id_close-lessons", "Diary the notice date when a grant is agreed.")
    page.click("button:text-is('Close the case')")
    assert "Closed: resolved" in page.inner_text("main")
    assert_no_axe_violations(page)

    # The charity says whether it was resolved for it.
    as_user(page, "group", f"{C}/cases/{case.ref}/")
    open_step(page, "Say whether it was resolved for you")
    page.check("label:text-is('Partly')")
    page.click("button:has-text('Send your answer')")
    assert "Was it resolved for the raiser? Partly" in page.inner_text("main")
    assert_no_axe_violations(page)
    case.refresh_from_db()
    assert (case.closed, case.outcome, case.raiser_answer) == (True, "resolved", "partly")
    assert [step.kind for step in case.steps.all()] == [
        "raised", "acknowledged", "responded", "moved", "closed", "answered"]  # fmt: skip
