"""Every page fits a 375-pixel phone: nothing makes the whole page scroll sideways (a wide
table scrolls inside its own box). Set SCREENSHOTS to a folder to keep a picture of each
page at 375 and at 1280 pixels."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from browser_helpers import sign_in
from service_fixtures import save_record
from test_accessibility import OFFICER_PAGES, PASSWORD, PUBLIC_PAGES, C

from compactwatch.imports.services import create_job, run_job
from compactwatch.records.models import FundingAgreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE, DESKTOP = 375, 1280
GRANTS = (
    Path(__file__).parents[1] / "data" / "360giving" / "funders" / "trafford-council_2021-04.xlsx"
)
MEMBER_PAGES = ["/", f"{C}/records/", f"{C}/records/funding_agreement/g-1/"]

# What sticks out past the right edge of a phone, outside a table's own scrolling box: to
# say in a failure which element to fix.
WIDEST = """width => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > width + 1 && !el.closest('.cw-table-scroll'))
  .filter(el => ![...el.children].some(child => child.getBoundingClientRect().right > width + 1))
  .slice(0, 3)
  .map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
       + ' (' + Math.round(el.getBoundingClientRect().right) + 'px)')"""


@pytest.fixture
def records(compact, officer):
    """An agreement both the officer and the recipient's member see, and imported grants."""
    council = compact.organisations.get(ref="cambridgeshire-county-council")
    hunts = compact.organisations.get(ref="hunts-forum")
    save_record(FundingAgreement(
        compact=compact, ref="g-1", funder=council, recipient=hunts, kind="service_agreement",
        amount=12500, award_date=date(2016, 3, 1), decision_rationale_none=True,
        programme="Community transport for rural villages and market towns",
    ), officer)  # fmt: skip
    return run_job(create_job(compact, GRANTS, GRANTS.name).pk)


def too_wide(page, paths: list[str], who: str) -> dict[str, str]:
    """The pages wider than a phone, with what sticks out; a screenshot of each if asked."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
    problems = {}
    for path in paths:
        page.set_viewport_size({"width": PHONE, "height": 800})
        response = page.goto(path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE:
            problems[path] = f"{width}px wide: {', '.join(page.evaluate(WIDEST, PHONE))}"
        if folder:
            name = who + "-" + (re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home")
            page.screenshot(path=f"{folder}/{name}-{PHONE}.png", full_page=True)
            page.set_viewport_size({"width": DESKTOP, "height": 800})
            page.screenshot(path=f"{folder}/{name}-{DESKTOP}.png", full_page=True)
    return problems


def report(problems: dict[str, str]) -> str:
    return "pages wider than a phone:\n" + "\n".join(f"{p}: {what}" for p, what in problems.items())


def test_public_pages_fit_a_phone(page, records):
    paths = [*PUBLIC_PAGES, records.funder.get_absolute_url(), f"{C}/figures/?year=2016"]
    problems = too_wide(page, paths, "public")
    assert not problems, report(problems)


def test_the_officers_pages_fit_a_phone(page, records):
    sign_in(page, "officer", PASSWORD)
    problems = too_wide(page, [*OFFICER_PAGES, records.get_absolute_url()], "officer")
    assert not problems, report(problems)


def test_a_charity_members_pages_fit_a_phone(page, records, group_member):
    sign_in(page, "group", PASSWORD)
    problems = too_wide(page, MEMBER_PAGES, "member")
    assert not problems, report(problems)
