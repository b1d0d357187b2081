"""Browser tests: the real app on a live server, driven by Playwright in Debian's headless Chromium,
with axe-core (from the project's npm packages) checking every page for WCAG 2.2 AA."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_helpers import AXE

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.fail(
            "browser tests need /usr/bin/chromium and node_modules/axe-core (make test installs both)"
        )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test inject axe; the pages themselves keep their strict policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()
