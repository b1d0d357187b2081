"""The frame of every page in a real browser: GOV.UK Frontend's script starts without an
error, its components work, the icon is served, and a demonstration says so."""

import pytest

from compactwatch.changes.base import Actor
from compactwatch.changes.register import save_compact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
C = "/compacts/cambridgeshire"


def test_govuk_frontend_starts_without_errors_and_the_error_summary_takes_focus(page, compact):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{C}/plan/")
    page.wait_for_load_state("networkidle")
    classes = page.evaluate("document.body.className")
    assert "govuk-frontend-supported" in classes and "js-enabled" in classes
    # The hint's own example is taken as the answer.
    page.fill("#effective-day", "31")
    page.fill("#effective-month", "2")
    page.fill("#effective-year", "2026")
    page.click("button:has-text('Show the notice needed')")
    page.wait_for_load_state("networkidle")
    focused = page.evaluate("document.activeElement.className")
    assert "govuk-error-summary" in focused, focused
    page.click(".govuk-error-summary a")
    assert page.evaluate("document.activeElement.id") == "effective-day"
    page.fill("#effective-day", "31")
    page.fill("#effective-month", "3")
    page.fill("#effective-year", "2099")
    page.click("button:has-text('Show the notice needed')")
    assert "Give notice by 31 December 2098" in page.inner_text("main")
    assert problems == []


def test_the_icon_is_served_and_a_demonstration_says_so(page, compact):
    for icon in ("favicon.svg", "favicon.png", "apple-touch-icon.png"):
        assert page.goto(f"/static/compactwatch/{icon}").status == 200
    page.goto(f"{C}/")
    assert page.locator(".govuk-phase-banner").count() == 0
    compact.demonstration = True
    save_compact(Actor.system("test"), compact)
    page.goto(f"{C}/register/")
    banner = page.inner_text(".govuk-phase-banner")
    assert "Demonstration" in banner and "records, leads and findings are invented" in banner
