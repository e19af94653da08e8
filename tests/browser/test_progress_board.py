"""The 目标进展 board in a real browser: it loads cleanly, draws the roll-up charts, filters by
HTMX with a stable URL, and a cell opens the target's chart on the indicator page."""

import pytest

from deltawatch.progress.services import run_progress
from tests.browser.support import CANVAS_DRAWN, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_board_loads_draws_filters_and_opens_a_target(page, live_server, yrd_default):
    run_progress()
    problems = watch(page)
    page.goto(f"{live_server.url}/progress/")
    page.wait_for_selector('[data-chart="chart-progress-area"][data-drawn="1"]')
    page.wait_for_selector('[data-chart="chart-progress-region"][data-drawn="1"]')
    assert page.evaluate(CANVAS_DRAWN, '[data-chart="chart-progress-area"]')
    assert page.evaluate(CANVAS_DRAWN, '[data-chart="chart-progress-region"]')
    assert page.locator("a.pcell-item").count() == 33

    # a filter swaps the board in place and puts the filter in the address
    page.select_option("select[name=area]", "innovation")
    page.wait_for_url("**/progress/?*area=innovation*")
    page.wait_for_function("document.querySelectorAll('a.pcell-item').length === 5")
    page.wait_for_selector('[data-chart="chart-progress-area"][data-drawn="1"]')
    assert page.evaluate(CANVAS_DRAWN, '[data-chart="chart-progress-area"]')
    assert problems == []

    # a cell opens the indicator page with the target's region chosen (that page belongs to
    # another app: only the address is checked here)
    page.click('a.pcell-item[data-indicator="rd_intensity"][data-region="320000"]')
    page.wait_for_url("**/indicators/rd_intensity/?region=320000")
    assert page.url.endswith("/indicators/rd_intensity/?region=320000")
