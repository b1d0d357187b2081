"""The officer drafts a new edition in a browser: starts it from the edition in force,
changes the consultation period from 12 weeks to 16, previews the differences and adopts it
with a date. axe checks each page on the way."""

import pytest
from browser_helpers import assert_no_axe_violations, sign_in

from compactwatch.compacts.models import Edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
C = "/compacts/cambridgeshire"


def test_the_officer_drafts_previews_and_adopts_a_16_week_consultation(page, officer):
    sign_in(page, "officer", PASSWORD)
    page.goto(f"{C}/manage/editions/")
    assert "Compact Voice's guide suggests reviewing" in page.inner_text(".govuk-warning-text")
    page.click("#drafts ~ p a:has-text('Start a draft of a new edition')")
    assert page.locator("h1").inner_text() == "Start a draft of a new edition"
    assert_no_axe_violations(page)
    page.fill("#id_edition_name", "2026 edition")
    page.fill("#id_edition_id", "cambridgeshire-2026")
    page.click("button:has-text('Start the draft')")
    assert page.locator("h1").inner_text() == "2026 edition"
    assert_no_axe_violations(page)

    page.click("#commitment-2\\.4 a:has-text('Change')")
    assert "2.4 12-week formal written consultation" in page.locator("h1").inner_text()
    assert page.input_value("#id_p0__minimum_length") == "12"
    page.fill("#id_p0__minimum_length", "16")
    page.fill("#id_name", "16-week formal written consultation")
    text = page.input_value("#id_text").replace("12-week", "16-week")
    page.fill("#id_text", text)
    page.click("button:has-text('Save in the draft')")
    assert "2.4 saved in the draft" in page.inner_text(".govuk-notification-banner")
    assert_no_axe_violations(page)

    page.click("a.govuk-button:has-text('Preview the differences')")
    main = page.inner_text("main")
    assert "Length of consultations, minimum length: 12 weeks → 16 weeks (2.4)" in main
    assert page.locator("del", has_text="12-week").count() == 1
    assert page.locator("ins", has_text="16-week").count() == 1
    assert_no_axe_violations(page)

    page.click("text=Back to the draft")
    page.click("a.govuk-button:has-text('Adopt the new edition')")
    assert_no_axe_violations(page)
    page.fill("#id_in_force_from", "2027-01-01")
    page.click("button:has-text('Continue')")
    assert page.locator("h1").inner_text() == "Check before adopting the new edition"
    assert "1 January 2027" in page.inner_text("main")
    assert_no_axe_violations(page)
    page.click("button:has-text('Adopt and ask the partners to sign')")
    banner = page.inner_text(".govuk-notification-banner")
    assert "is adopted, in force from 1 January 2027" in banner
    assert_no_axe_violations(page)

    edition = Edition.objects.get(slug="cambridgeshire-2026")
    standard = edition.core().commitment("2.4").standards[0]
    assert standard.parameters["minimum_length"].value == 16
    assert page.locator("#drafts ~ table", has_text="Adopted").count() == 1
