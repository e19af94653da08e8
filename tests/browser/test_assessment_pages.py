"""The 绩效考核 pages in a real browser: the office opens the demonstration run from the scheme
list, the rank-interval chart and the map of grades draw (one box per city, 41 cities on the
map) without a console error or a failed request, a click on a city in the ranking opens its
scorecard."""

import pytest

from deltawatch.assessment.defaults import CODE, load_assessment_default
from deltawatch.assessment.models import Scheme
from tests.browser.support import assert_drawn, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIES_LENGTH = """([chart, k]) => echarts.getInstanceByDom(document.querySelector(`[data-chart="${chart}"]`))
  .getOption().series[k].data.length"""


def test_the_office_opens_the_demo_run_and_a_scorecard(page, live_server, yrd_default, tmp_path):
    assert load_assessment_default()
    run = Scheme.objects.get(code=CODE).runs.get()
    problems = watch(page)
    page.goto(f"{live_server.url}/accounts/login/?next=/assessment/")
    page.fill("input[name=username]", "js_office")
    page.fill("input[name=password]", yrd_default["js_office"])
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/assessment/")
    assert "示例" in page.inner_text("table.schemes")
    page.click(f"table.schemes a[href='/assessment/runs/{run.pk}/']")
    page.wait_for_url(f"**/assessment/runs/{run.pk}/")
    assert_drawn(page, "chart-ranks", "chart-grades")
    assert page.evaluate(SERIES_LENGTH, ["chart-ranks", 0]) == 41  # one interval per city
    assert page.evaluate(SERIES_LENGTH, ["chart-grades", 0]) == 41
    assert page.locator("table.assessment-ranking tbody tr").count() == 41
    assert page.locator("table.assessment-ranking .rank-interval").count() == 2 * 41
    page.screenshot(path=str(tmp_path / "assessment-run.png"), full_page=True)

    page.click("table.assessment-ranking a[href$='/units/320100/']")
    page.wait_for_url(f"**/assessment/runs/{run.pk}/units/320100/")
    assert "南京市 · 考核记分卡" in page.inner_text("h1")
    assert page.locator(".score-cell").count() == 3 and page.locator(".scorecard-legend .band").count() == 5
    page.screenshot(path=str(tmp_path / "assessment-scorecard.png"), full_page=True)
    assert problems == []
