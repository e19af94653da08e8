"""Real-browser tests: Debian's Chromium driven by Playwright (no browser download)."""

import os
import shutil

import pytest

# Playwright's sync API keeps an event loop in the test thread, and Django refuses ORM calls
# where a loop runs. The tests are synchronous code; allow it here, and only here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DELTAWATCH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# Without the background-networking flags Chromium keeps calling home, which a closed
# intranet (and this test machine) refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (./dev test installs Debian's chromium): browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def yrd_default():
    """The embedded default (an earlier live-server test empties the database when it ends),
    the roles and one sample account per role; returns the accounts' passwords."""
    from django.core.cache import cache

    from deltawatch.accounts.roles import ensure_roles
    from deltawatch.accounts.services import create_sample_accounts
    from deltawatch.observations.models import Observation

    if not Observation.objects.exists():
        from deltawatch.defaults.loader import load_default

        load_default(None, progress=lambda *args: None)
    cache.clear()
    ensure_roles()
    return {account.username: account.password for account in create_sample_accounts()}
