"""An organisation joins the Compact: the public form, its answers checked and sent; the
officer approves; the register lists the partner with its signature. axe checks each page."""

import pytest
from browser_helpers import assert_no_axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
C = "/compacts/cambridgeshire"


def fill_in(page) -> None:
    page.fill("#id_name", "Ely Food Bank")
    page.check("#id_sector_1")  # a voluntary or community group
    page.select_option("#id_kind", "charity")
    page.fill("#id_charity_number", "1170001")
    page.fill("#id_org_id", "GB-CHC-1170001")
    page.fill("#id_signer_name", "Asha Patel")
    page.fill("#id_signer_role", "Chair of trustees")
    page.fill("#id_signer_email", "asha@example.org")
    page.check("#id_lead_status_1")  # nominated
    page.fill("#id_lead_name", "Sam Lee")
    page.fill("#id_lead_role", "Board member")


def test_an_organisation_joins_and_the_register_lists_its_signature(page, officer):
    page.goto(f"{C}/register/")
    page.click("text=join the Compact")
    assert page.locator("h1").inner_text() == "Join The Cambridgeshire Compact"
    assert_no_axe_violations(page)
    fill_in(page)
    page.click("button:has-text('Continue')")  # not yet agreed: the error, what was typed kept
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.input_value("#id_signer_name") == "Asha Patel"
    assert_no_axe_violations(page)
    page.check("#id_agree")
    page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "Check your answers before sending your request"
    assert "Sam Lee (Board member)" in page.inner_text("main")
    assert_no_axe_violations(page)
    page.click("button:has-text('Accept and send')")
    assert page.locator(".govuk-panel__title").inner_text() == "Request sent"
    assert_no_axe_violations(page)

    sign_in(page, "officer", PASSWORD)
    page.goto(f"{C}/manage/joining/")
    assert_no_axe_violations(page)
    page.click("text=Check and approve")
    assert "Ely Food Bank asks to join" in page.locator("h1").inner_text()
    assert_no_axe_violations(page)
    page.click("button:has-text('Approve')")
    assert "Ely Food Bank is now a partner" in page.inner_text(".govuk-notification-banner")
    assert_no_axe_violations(page)  # the list, with the request decided

    page.goto(f"{C}/register/?q=Ely+Food")
    row = page.locator("tbody tr", has_text="Ely Food Bank")
    assert "Signed the refreshed edition on" in row.inner_text()
    assert "Sam Lee (board member)" in row.inner_text()
    assert_no_axe_violations(page)


def test_the_officer_declines_with_a_reason(page, officer):
    page.goto(f"{C}/join/")
    fill_in(page)
    page.check("#id_agree")
    page.click("button:has-text('Continue')")
    page.click("button:has-text('Accept and send')")
    sign_in(page, "officer", PASSWORD)
    page.goto(f"{C}/manage/joining/")
    page.click("tbody >> text=decline")
    assert_no_axe_violations(page)
    page.click("button:has-text('Decline')")  # no reason: the error, linked to the field
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
    page.fill("#id_reason", "Not based in Cambridgeshire")
    page.click("button:has-text('Decline')")
    assert "Not based in Cambridgeshire" in page.inner_text("main")
    assert_no_axe_violations(page)
