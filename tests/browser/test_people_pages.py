"""The officer's People pages in a browser: a person's page, and the invitation form's
errors, with no axe-core violations."""

import pytest
from browser_helpers import assert_no_axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
C = "/compacts/cambridgeshire"


def test_a_person_and_the_invitation_errors(page, officer, council_member):
    sign_in(page, "officer", PASSWORD)
    page.goto(f"{C}/manage/people/")
    page.click("a:has-text('council')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "council"
    assert_no_axe_violations(page)
    page.click("button:has-text('Make an officer')")
    page.wait_for_load_state()
    assert "is now an officer" in page.content()
    assert_no_axe_violations(page)
    page.goto(f"{C}/manage/people/invite/")
    page.click("button:has-text('Send the invitation')")
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
