"""The 评价指数 and 区域差距 pages in a real browser: the index list, a run's page (the rank
interval chart, the map with the 41 cities, the Sobol chart), a build started from the page
whose progress the page follows until the result is linked, and the disparity page with all
its charts and the LISA map — no console error, no failed request, every canvas drawn."""

import pytest

from deltawatch.indices.commands import load
from deltawatch.indices.models import IndexRun
from deltawatch.indices.services import frame_from_database, save_build, save_sensitivity, save_uncertainty
from deltawatch.jobs.choices import JobStatus
from deltawatch.jobs.services import run_next
from deltawatch.methods.index import build
from deltawatch.methods.index.uncertainty import sensitivity, uncertainty
from tests.browser.support import assert_drawn, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIES_LENGTH = """([chart, k]) => echarts.getInstanceByDom(document.querySelector(`[data-chart="${chart}"]`))
  .getOption().series[k].data.length"""


@pytest.fixture
def published_run(yrd_default):
    """yrd_hqd on 2017 — build, uncertainty (50 runs), sensitivity (N = 8) — published."""
    spec = load("yrd_hqd")
    data, vintage = frame_from_database(spec, years=[2017])
    built = save_build(build(spec, data, year=2017), source="database", vintage=vintage)
    save_uncertainty(uncertainty(spec, data, runs=50, seed=0, year=2017), spec, data, year=2017, runs=50,
                     source="database", vintage=vintage)
    result = sensitivity(spec, data, n=8, seed=0, year=2017, bootstrap=20)
    save_sensitivity(result, spec, data, year=2017, runs=len(result.output), source="database", vintage=vintage)
    IndexRun.objects.update(is_published=True)
    return built


def test_the_public_opens_the_list_and_a_published_run(page, live_server, published_run, tmp_path):
    problems = watch(page)
    page.goto(f"{live_server.url}/indices/")
    assert "长三角41城高质量发展指数" in page.inner_text("main")
    page.click(f"a[href='/indices/runs/{published_run.pk}/'] >> nth=0")
    page.wait_for_url(f"**/indices/runs/{published_run.pk}/")
    assert_drawn(page, "chart-intervals", "chart-map", "chart-sobol")
    assert page.evaluate(SERIES_LENGTH, ["chart-intervals", 0]) == 41  # one rank band per city
    assert page.evaluate(SERIES_LENGTH, ["chart-map", 0]) == 41
    assert page.locator(".schematic").first.inner_text() == "示意图"
    assert page.locator("table.ranking tbody tr").count() == 41
    page.screenshot(path=str(tmp_path / "index-run.png"), full_page=True)

    page.select_option("select[name=node]", "green")  # the node select re-draws the page at that level
    page.wait_for_url("**?node=green")
    assert_drawn(page, "chart-scores", "chart-map")
    assert problems == []


def test_the_office_starts_a_build_and_the_page_follows_it(page, live_server, yrd_default):
    problems = watch(page)
    page.goto(f"{live_server.url}/accounts/login/?next=/indices/")
    page.fill("input[name=username]", "js_office")
    page.fill("input[name=password]", yrd_default["js_office"])
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/indices/")
    page.select_option("#id_kind", "build")
    page.fill("#id_years", "2017")
    page.click("form.index-start button[type=submit]")
    page.wait_for_url("**/indices/jobs/*/")
    assert "排队中" in page.inner_text("#job-status")
    assert run_next().status == JobStatus.DONE  # the worker, here in the test's thread
    page.wait_for_selector("#job-status a.button")  # HTMX polls every 2 s and shows the result's link
    page.click("#job-status a.button")
    page.wait_for_url("**/indices/runs/*/")
    assert_drawn(page, "chart-scores", "chart-map")
    assert problems == []


def test_the_disparity_page_draws_every_chart_and_the_lisa_map(page, live_server, yrd_default, tmp_path):
    problems = watch(page)
    page.goto(f"{live_server.url}/regional/")
    charts = ["chart-disparity", "chart-decomposition", "chart-sigma", "chart-beta", "chart-kde", "chart-moran",
              "chart-lisa"]
    assert_drawn(page, *charts)
    assert page.evaluate(SERIES_LENGTH, ["chart-lisa", 0]) == 41
    assert page.evaluate(SERIES_LENGTH, ["chart-beta", 0]) == 41
    assert "示意图" in page.inner_text(".regional-page")
    page.screenshot(path=str(tmp_path / "disparity.png"), full_page=True)

    page.fill("#id_year", "2010")  # another year's LISA map: a stable URL with every choice in it
    page.click(".disparity-filters button[type=submit]")
    page.wait_for_url("**/regional/?*year=2010*")
    assert_drawn(page, "chart-lisa")
    assert "LISA 集聚图（2010 年）" in page.inner_text(".regional-page")
    assert problems == []
