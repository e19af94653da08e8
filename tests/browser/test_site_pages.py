"""The 总览 overview and the 意见建议 feedback pages in a real browser: they load cleanly, the
bars, the sparklines and the map are drawn (the map with the 41 cities), the map's selects
swap the map in place with a stable address, the language switch turns the page English, and
the feedback round trip: a visitor writes, the office answers in public, the visitor reads it."""

import json

import pytest

from deltawatch.progress.services import run_progress
from deltawatch.site.models import Feedback
from tests.browser.support import assert_drawn, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The regions of the map series ECharts holds (after site.js gave it the registered map).
MAP_REGIONS = """() => {
  const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="chart-map"]'));
  return chart.getOption().series[0].data.length;
}"""


def sign_in(page, live_server, username, password, then="/"):
    page.goto(f"{live_server.url}/accounts/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}{then}")


def test_overview_draws_swaps_the_map_and_switches_to_english(page, live_server, yrd_default, tmp_path):
    run_progress()
    problems = watch(page)
    page.goto(f"{live_server.url}/")
    assert_drawn(page, "chart-progress", "chart-map", "spark-0", "spark-4")
    assert page.evaluate(MAP_REGIONS) == 41
    block = json.loads(page.text_content("#chart-map"))
    assert len(block["series"][0]["data"]) == 41
    assert page.locator("#choropleth .schematic").inner_text() == "示意图"
    assert page.locator("#h-progress ~ .legend .status").count() >= 3  # the status words beside the colours
    page.screenshot(path=str(tmp_path / "overview-zh.png"), full_page=True)

    # the year select swaps the map in place (HTMX) and puts the choice in the address
    page.select_option("#choropleth select[name=year]", "2019")
    page.wait_for_url("**/?indicator=gdp_per_capita&year=2019")
    page.wait_for_function("() => JSON.parse(document.getElementById('chart-map').textContent)"
                           ".tooltip.formatter.includes('2019')")
    assert_drawn(page, "chart-map")
    assert page.evaluate(MAP_REGIONS) == 41
    assert page.locator("[data-chart='chart-progress'][data-drawn='1']").count() == 1  # the rest stayed

    # back to the first map: the page is fetched again (hx-history="false"), so the charts are
    # drawn anew rather than restored as blank canvases with styles the CSP refuses
    page.go_back()
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_function("() => !JSON.parse(document.getElementById('chart-map').textContent)"
                           ".tooltip.formatter.includes('2019')")
    assert_drawn(page, "chart-progress", "chart-map")

    page.select_option("select[name=language]", "en")
    page.wait_for_selector("text=The Yangtze River Delta at a glance")
    assert_drawn(page, "chart-progress", "chart-map")
    assert "Suzhou" in page.text_content("#chart-map")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(tmp_path / "overview-en.png"), full_page=True)
    assert problems == []


def test_the_feedback_round_trip(browser, live_server, yrd_default):
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    problems = watch(visitor)
    visitor.goto(f"{live_server.url}/feedback/")
    box = visitor.locator("input[name=website]").bounding_box()  # the honeypot stays out of sight
    assert box["x"] + box["width"] <= 0
    visitor.select_option("select[name=topic]", "data")
    visitor.fill("textarea[name=text]", "<script>alert(1)</script> 苏州数据有误？")
    visitor.fill("input[name=name]", "王五")
    visitor.click("form.feedback-form button[type=submit]")
    visitor.wait_for_selector(".messages li.success")
    assert Feedback.objects.count() == 1

    office = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768}).new_page()
    office_problems = watch(office)
    sign_in(office, live_server, "js_office", yrd_default["js_office"], then="/feedback/inbox/")
    assert "<script>alert(1)</script> 苏州数据有误？" in office.inner_text("table.inbox")  # shown as text
    office.click("table.inbox a.button")
    office.fill("textarea[name=answer]", "已核对，2021年数据已更正。")
    office.check("input[name=is_public]")
    office.click("main form button[type=submit]")
    office.wait_for_url(f"{live_server.url}/feedback/inbox/")
    assert "已答复" in office.inner_text("table.inbox")

    visitor.goto(f"{live_server.url}/feedback/")
    answers = visitor.inner_text(".feedback-page section:last-child")
    assert "已核对，2021年数据已更正。" in answers and "<script>alert(1)</script>" in answers
    assert "王五" not in visitor.content()
    assert problems == [] and office_problems == []
    visitor.context.close()
    office.context.close()
