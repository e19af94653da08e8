"""The 总览 overview page: who may open it, and that what it draws equals the database."""

import json
import re
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone

from deltawatch.accounts.scoping import restrict
from deltawatch.indicators.models import Indicator, Target
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.progress.models import ProgressAssessment, StatusChange
from deltawatch.progress.services import run_progress
from deltawatch.regions.models import Region
from deltawatch.site import services

pytestmark = pytest.mark.django_db


def chart(response, chart_id: str) -> dict:
    """The ECharts option a page carries in <script type="application/json" id=chart_id>."""
    html = response.content.decode()
    match = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no JSON block {chart_id}"
    return json.loads(match.group(1))


def city_values(indicator: str, year: int) -> dict[str, float]:
    """The current values of the 41 cities, read straight from the observations."""
    rows = Observation.objects.filter(indicator__code=indicator, year=year, is_current=True,
                                      region__groups__code="yrd41").values_list("region__code", "value")
    return dict(rows)


@pytest.mark.parametrize("username", [None, "js_office", "js_kjt", "nj_stats", "njnu_researcher", "admin"])
def test_the_overview_opens_for_the_public_and_every_role(client, accounts, username):
    if username:
        client.force_login(accounts[username])
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "长三角一体化发展总览" in html and "示意图" in html
    for block in ("chart-progress", "chart-map", "spark-0"):
        assert f'id="{block}"' in html
    assert "onclick=" not in html and "style=" not in html  # the Content-Security-Policy forbids both


def test_the_stacked_bars_count_the_stored_assessments_by_area_and_status(client, accounts):
    run_progress()  # stores the Open SDG assessments of every target
    option = chart(client.get("/"), "chart-progress")
    drawn = Counter()
    for series in option["series"]:
        for item in series["data"]:
            assert item["status"] == series["id"]
            drawn[(item["dimension"], item["status"])] += item["value"]
            assert item["url"] == f"/progress/?area={item['dimension']}&status={item['status']}"
    stored = Counter((a.indicator.dimension.code, a.status) for a in
                     ProgressAssessment.objects.filter(method="opensdg", target__isnull=False)
                     .select_related("indicator__dimension"))
    assert +drawn == stored
    assert sum(drawn.values()) == Target.objects.count()  # every target is counted once
    # the y axis names the areas in plan order, those without targets left out
    names = [d.name_zh for d in sorted({a.indicator.dimension for a in ProgressAssessment.objects.filter(
        target__isnull=False).select_related("indicator__dimension")}, key=lambda d: d.order)]
    assert option["yAxis"]["data"] == names


def test_without_a_stored_run_the_bars_are_computed_and_said_to_be(client, accounts):
    assert not ProgressAssessment.objects.exists()
    response = client.get("/")
    option = chart(response, "chart-progress")
    assert sum(item["value"] for s in option["series"] for item in s["data"]) == Target.objects.count()
    assert "尚未保存评估运行" in response.content.decode()
    assert not ProgressAssessment.objects.exists()  # computed, not saved


def test_the_map_of_gdp_per_capita_2019_shows_the_41_values_of_the_database(client):
    option = chart(client.get("/?indicator=gdp_per_capita&year=2019"), "chart-map")
    (series,) = option["series"]
    assert series["type"] == "map"
    shown = {item["code"]: item["value"] for item in series["data"]}
    expected = city_values("gdp_per_capita", 2019)
    assert len(expected) == 41 and shown.keys() == expected.keys()
    for code, value in expected.items():
        assert shown[code] == pytest.approx(value, abs=0.5)  # values ≥ 1,000 are drawn to the unit
    # the names are the boundaries' names (ECharts matches data to regions by name)
    names = dict(Region.objects.filter(code__in=expected).values_list("code", "name_zh"))
    assert {item["name"] for item in series["data"]} == set(names.values())
    assert option["visualMap"]["min"] == pytest.approx(min(expected.values()), abs=0.5)
    assert option["visualMap"]["max"] == pytest.approx(max(expected.values()), abs=0.5)


def test_the_default_map_is_gdp_per_capita_in_the_latest_year_with_all_41_cities(client):
    years = Counter(Observation.objects.filter(indicator__code="gdp_per_capita", is_current=True,
                                               region__groups__code="yrd41").values_list("year", flat=True))
    latest_full = max(year for year, n in years.items() if n == 41)
    response = client.get("/")
    shown = response.context["map"]
    assert shown["year"] == latest_full and shown["indicator"].code == "gdp_per_capita"
    assert len(chart(response, "chart-map")["series"][0]["data"]) == 41


@pytest.mark.parametrize("query", ["?indicator=no_such_code", "?indicator=gdp_per_capita&year=1800",
                                   "?indicator=gdp_per_capita&year=abc", "?indicator=gdp_per_capita&year=20190"])
def test_an_unknown_indicator_or_year_is_404_not_500(client, query):
    assert client.get("/" + query).status_code == 404
    assert client.get("/overview/map.csv" + query).status_code == 404


def test_an_indicator_without_city_values_says_so(client):
    assert not Observation.objects.filter(indicator__code="coverage_5g").exists()
    response = client.get("/?indicator=coverage_5g")
    assert response.status_code == 200
    assert "尚无41城的数据" in response.content.decode()
    assert 'id="chart-map"' not in response.content.decode()


def test_the_map_offers_indicators_with_values_for_half_the_cities(client):
    """PM2.5 is published for provinces only: Shanghai, a province and a city, is its one "city"."""
    offered = {code for code, _label in client.get("/").context["map"]["choices"]}
    assert "gdp_per_capita" in offered and "pm25_concentration" not in offered
    assert Observation.objects.filter(indicator__code="pm25_concentration", region__groups__code="yrd41").exists()


def test_the_map_csv_has_the_values_shown(client):
    response = client.get("/overview/map.csv?indicator=gdp_per_capita&year=2019")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + 41
    expected = city_values("gdp_per_capita", 2019)
    first = lines[1].split(",")
    assert float(first[4]) == expected[first[0]]


def test_the_map_select_re_renders_only_the_map_for_htmx(client):
    response = client.get("/?indicator=gdp_per_capita&year=2019", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="choropleth")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="choropleth"') and "<html" not in html
    assert len(chart(response, "chart-map")["series"][0]["data"]) == 41


def test_the_public_sees_approved_values_only(client, accounts):
    """A draft is invisible to the public on the map and in the Delta's group value."""
    suzhou = Observation.objects.get(indicator__code="gdp_per_capita", region__code="320500", year=2019,
                                     is_current=True)
    Observation.objects.filter(pk=suzhou.pk).update(status="draft")
    public = chart(client.get("/?indicator=gdp_per_capita&year=2019"), "chart-map")["series"][0]["data"]
    assert len(public) == 40 and "320500" not in {item["code"] for item in public}
    client.force_login(accounts["js_office"])
    office = chart(client.get("/?indicator=gdp_per_capita&year=2019"), "chart-map")["series"][0]["data"]
    assert len(office) == 41

    # The Delta's GDP per capita is a population-weighted mean of all four members (aggregation
    # "weighted_mean", full coverage): without Jiangsu's approved value there is none that year.
    def delta_years(user):
        item = next(h for h in services.headline_series(user) if h["code"] == "gdp_per_capita")
        assert item["scope"] == "delta"
        return [year for year, _value in item["series"][0]["points"]]
    latest = max(delta_years(accounts["js_office"]))
    Observation.objects.filter(indicator__code="gdp_per_capita", region__code="320000", year=latest,
                               is_current=True).update(status="draft")
    cache.clear()  # a status set by update() keeps the data version (see the report)
    assert latest not in delta_years(AnonymousUser())
    assert latest in delta_years(accounts["js_office"])


def test_status_changes_show_the_data_revision_behind_them(client, accounts):
    run_progress()
    # Jiangsu's railway density target is 550 km per 10,000 km² by 2025 (T22 of the default);
    # a value of 560 in 2023 meets it, so the target becomes "achieved".
    target = Target.objects.get(indicator__code="railway_density", region__code="320000")
    assert target.value == 550
    batch = ImportBatch.objects.create(file_name="jiangsu_railways_2023.csv", sha256="0" * 64, layout="long")
    Observation.objects.create(region=Region.objects.get(code="320000"), year=2023, value=560.0,
                               indicator=Indicator.objects.get(code="railway_density"), status="approved",
                               source="test", recorded_at=timezone.now(), batch=batch)
    run_progress()
    change = StatusChange.objects.get(target=target)
    assert change.new_status == "achieved"

    client.force_login(accounts["js_office"])
    html = client.get("/").content.decode()
    section = html[html.index('id="h-changes"'):html.index('id="h-fresh"')]
    assert "铁路网密度" in section and "已实现目标" in section
    assert "江苏省 2023：560.0 公里/万平方公里" in section and "jiangsu_railways_2023.csv" in section

    client.logout()
    public = client.get("/").content.decode()
    public_section = public[public.index('id="h-changes"'):public.index('id="h-fresh"')]
    assert ("jiangsu_railways_2023.csv" in public_section) == restrict(StatusChange.objects.all(),
                                                                       AnonymousUser()).exists()


def test_freshness_gives_the_newest_year_per_area(client):
    response = client.get("/")
    rows = {row["code"]: row for row in response.context["fresh"]["rows"]}
    newest = Observation.objects.filter(indicator__dimension__code="ecology", is_current=True, status="approved") \
        .order_by("-year").values_list("year", flat=True).first()
    assert rows["ecology"]["latest_year"] == newest
    # an area without any value (机制创新 has no data in the default) says so
    assert rows["institutions"]["latest_year"] is None and rows["institutions"]["indicators"] == 0


def test_an_unchanged_overview_is_not_recomputed(client, monkeypatch):
    assert client.get("/").status_code == 200  # computes and caches every part

    def must_not_run(*args, **kwargs):
        raise AssertionError("recomputed although the data did not change")
    monkeypatch.setattr(services, "visible_series", must_not_run)
    monkeypatch.setattr("deltawatch.progress.services.run_progress", must_not_run)
    assert client.get("/").status_code == 200
    assert client.get("/?indicator=gdp_per_capita&year=2019").status_code == 200  # another year: its own values
    Observation.objects.create(region=Region.objects.get(code="320000"), year=2023, value=1.0, status="approved",
                               indicator=Indicator.objects.get(code="railway_density"), recorded_at=timezone.now())
    with pytest.raises(AssertionError, match="recomputed"):
        client.get("/")  # a new value: a new data version, computed again


def test_english_overview(client):
    client.cookies["django_language"] = "en"
    response = client.get("/?indicator=gdp_per_capita&year=2019")
    html = response.content.decode()
    assert "The Yangtze River Delta at a glance" in html
    series = chart(response, "chart-map")["series"][0]
    assert "Suzhou" in {item["name"] for item in series["data"]} and series["nameMap"]["苏州市"] == "Suzhou"


@pytest.mark.parametrize("username, shown", [(None, False), ("js_kjt", False), ("js_office", True),
                                             ("njnu_researcher", True)])
def test_the_overview_shows_reporting_completeness_to_the_office_and_researchers(client, accounts, username, shown):
    """The demonstration cycle of the 41 cities (示例): one form submitted on time, 40 not yet."""
    from deltawatch.reporting.defaults import load_reporting_default
    from deltawatch.reporting.models import ReportingCycle

    load_reporting_default()
    if username:
        client.force_login(accounts[username])
    response = client.get("/")
    html = response.content.decode()
    assert ('id="chart-completeness"' in html) is shown
    if shown:
        cycle = ReportingCycle.objects.get(data_set__code="demo-city-annual")
        row = re.search(rf'<tr data-cycle="{cycle.pk}">(.*?)</tr>', html, re.S).group(1)
        on_time = re.search(r't-on_time">(\d+)<', row).group(1)
        missing = re.search(r't-missing">(\d+)', row).group(1)
        assert (on_time, missing) == ("1", "40")
        assert sum(chart(response, "chart-completeness")["series"][k]["data"][0]["value"] for k in range(3)) == 41
