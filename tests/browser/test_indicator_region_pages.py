"""The 指标 and 地区 pages in a real browser: they load with no console error and no failed
request, their charts and the map are drawn, and the HTMX filters re-render the tables."""

import re

import pytest

from tests.browser.support import CANVAS_DRAWN, watch

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def watched(page):
    """The page, with every console error, failed request and error response collected."""
    return page, watch(page)


def drawn(page, name: str) -> None:
    """Wait until site.js has drawn the chart (a selector: the CSP forbids the eval behind
    ``wait_for_function``)."""
    page.wait_for_selector(f'[data-chart="{name}"][data-drawn="1"]')


def test_catalogue_filters_with_htmx(yrd_default, watched, live_server):
    page, problems = watched
    page.goto(f"{live_server.url}/indicators/")
    assert page.locator("tr[data-code]").count() == 71
    page.select_option("#id_dimension", "innovation")
    expect(page.locator("tr[data-code]")).to_have_count(5)
    expect(page).to_have_url(re.compile(r"dimension=innovation"))  # a stable URL with the filter (htmx pushes it)
    page.fill("#id_q", "rd_intensity")
    expect(page.locator("tr[data-code]")).to_have_count(1)
    assert page.locator("tr[data-code=rd_intensity]").count() == 1
    assert problems == []


def test_indicator_page_draws_its_chart(yrd_default, watched, live_server):
    page, problems = watched
    page.goto(f"{live_server.url}/indicators/urbanization_rate/")
    drawn(page, "chart-indicator")
    assert page.evaluate(CANVAS_DRAWN, "[data-chart=chart-indicator]")
    # the chart holds the four provinces and yrd, and the targets' milestones
    series = page.evaluate("echarts.getInstanceByDom(document.querySelector('[data-chart=chart-indicator]'))"
                           ".getOption().series.map(s => s.id)")
    assert {"values-310000", "values-320000", "values-330000", "values-340000", "values-yrd"} <= set(series)
    page.mouse.move(700, 600)  # a tooltip is drawn in the canvas: no inline style for the CSP to refuse
    assert problems == []


def test_region_page_draws_the_map_and_the_sparklines(yrd_default, watched, live_server):
    page, problems = watched
    page.goto(f"{live_server.url}/regions/320100/")
    drawn(page, "chart-region-map")
    assert page.evaluate(CANVAS_DRAWN, "[data-chart=chart-region-map]")
    cities = page.evaluate("echarts.getInstanceByDom(document.querySelector('[data-chart=chart-region-map]'))"
                           ".getOption().series[0].data.length")
    assert cities == 41
    drawn(page, "spark-gdp")
    assert page.locator("[data-chart=spark-gdp] svg path").count() > 0
    assert problems == []


def test_region_tree_search_with_htmx(yrd_default, watched, live_server):
    page, problems = watched
    page.goto(f"{live_server.url}/regions/")
    page.fill("#region-q", "巢湖")
    page.wait_for_selector("text=个区域匹配")
    expect(page).to_have_url(f"{live_server.url}/regions/?q=%E5%B7%A2%E6%B9%96")
    assert page.locator("#region-tree a[href='/regions/341400/']").count() == 1
    assert problems == []
