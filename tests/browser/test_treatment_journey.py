"""A small charity's chief officer sees how it was treated, on a desktop and on a phone,
then follows a notice to the full list and to the record itself."""

from datetime import date

import pytest
from browser_helpers import assert_no_axe_violations, sign_in
from service_fixtures import save_record

from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-1"
NOTICE_FINDING = (
    "Notice of 6 weeks was given; the Compact asks for at least 3 months in writing (4.5)."
)
WIDTHS = (1280, 375)


@pytest.fixture
def treated(compact, officer, group_member):
    org = compact.organisations.get
    council, hunts = org(ref="cambridgeshire-county-council"), org(ref="hunts-forum")
    for number in range(30):  # enough for two pages of the list
        save_record(FundingAgreement(compact=compact, ref=f"j-g-{number}", funder=council,
                                     recipient=hunts, kind="service_agreement",
                                     award_date=date(2024, 1, 1 + number)), officer)  # fmt: skip
    grant = save_record(FundingAgreement(
        compact=compact, ref="j-g-youth", funder=council, recipient=hunts, kind="grant",
        programme="Youth services", award_date=date(2025, 4, 1)), officer)  # fmt: skip
    save_record(FundingChange(
        compact=compact, ref="j-n-1", agreement=grant, change="end", notice_given=date(2025, 8, 1),
        effective=date(2025, 9, 12), in_writing=True, rationale="Budget"), officer)  # fmt: skip
    save_record(Consultation(
        compact=compact, ref="j-c-1", organisation=council, title="Library services review",
        opens=date(2025, 1, 6), closes=date(2025, 3, 2), formal=True), officer)  # fmt: skip
    return compact


def look(page, name: str, tmp_path) -> None:
    """Checks the page at each width: no violations, nothing wider than the screen (wide
    tables scroll inside their own region); keeps a screenshot of each to look at."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{page.url} is {wide} pixels wide at {width}"
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)


def test_a_charity_follows_a_notice_from_its_home_page_to_the_record(page, treated, tmp_path):
    sign_in(page, "group", PASSWORD)
    page.goto("/")
    assert page.get_by_role("heading", name="How you were treated").is_visible()
    assert page.get_by_text(NOTICE_FINDING).first.is_visible()
    look(page, "home", tmp_path)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="See all 31 funding it receives").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="31 records").is_visible()
    assert page.locator("#body").input_value() == "hunts-forum"
    look(page, "list", tmp_path)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Page 2").click()
    page.wait_for_load_state()
    assert page.locator("#type").input_value() == "funding_agreement"  # the filters are kept
    assert page.locator("tbody tr").count() == 6
    page.goto("/")
    page.get_by_role("link", name="Ending the Youth services grant").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ending the Youth services grant from Cambridgeshire "
                            "County Council to Hunts Forum").is_visible()  # fmt: skip
    assert page.get_by_text(NOTICE_FINDING).is_visible()
    look(page, "record", tmp_path)
    page.get_by_role("link", name="Funding agreement: Youth services grant").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Youth services grant from Cambridgeshire County "
                            "Council to Hunts Forum").is_visible()  # fmt: skip
