"""The 指标 pages: the catalogue (filters, search, HTMX, download) and an indicator's page
(every target milestone on the chart, the projected path, qualifiers, revisions, the download
of exactly the rows shown, drafts hidden from the public, 404s).

Expected numbers come from the ORM rows themselves or from hand computation written out here,
never from the page code.
"""

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import SAMPLE_ACCOUNTS, create_sample_accounts
from deltawatch.indicators.models import Indicator, Target
from deltawatch.observations.models import Observation
from deltawatch.observations.services import import_observations
from deltawatch.progress.models import ProgressAssessment
from deltawatch.progress.services import run_progress
from deltawatch.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    ensure_roles()
    create_sample_accounts()
    return {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in SAMPLE_ACCOUNTS])}


def chart(response, element_id="chart-indicator") -> dict:
    """The ECharts option of a page, read back from its json_script block."""
    text = response.content.decode()
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', text, re.S)
    assert found, f"no json_script block {element_id}"
    return json.loads(found.group(1))


def rows_of(response) -> list[dict]:
    """The values table's rows: region, year, status and the row's text."""
    text = response.content.decode()
    return [{"region": m.group(1), "year": int(m.group(2)), "status": m.group(3), "html": m.group(4)}
            for m in re.finditer(r'<tr data-region="(\d+)" data-year="(\d+)" data-status="(\w+)">(.*?)</tr>',
                                 text, re.S)]


def catalogue_codes(response) -> set[str]:
    return set(re.findall(r'<tr data-code="([a-z0-9_]+)">', response.content.decode()))


# ------------------------------------------------------------------------------ catalogue


def test_catalogue_lists_every_indicator_grouped_by_area(client):
    response = client.get("/indicators/")
    assert response.status_code == 200
    assert catalogue_codes(response) == set(Indicator.objects.values_list("code", flat=True))
    html = response.content.decode()
    # grouped: one header row per area that has indicators, in the areas' order
    areas = re.findall(r'<tr class="group-row"><th colspan="6" scope="colgroup">(.*?)</th>', html)
    expected = list(Indicator.objects.order_by("dimension__order").values_list("dimension__name_zh", flat=True)
                    .distinct())
    assert areas == list(dict.fromkeys(expected))


def test_catalogue_filters_by_area(client):
    response = client.get("/indicators/?dimension=innovation")
    expected = set(Indicator.objects.filter(dimension__code="innovation").values_list("code", flat=True))
    assert len(expected) == 5  # the embedded catalogue: 5 innovation indicators (indicators.csv)
    assert catalogue_codes(response) == expected


def test_catalogue_search_matches_code_and_names(client):
    by_code = client.get("/indicators/?q=rd_")
    # by hand: the codes of indicators.csv that contain "rd_" (yrd_… too)
    assert catalogue_codes(by_code) == {"rd_expenditure", "rd_intensity", "yrd_development_index",
                                        "yrd_joint_standards"}
    by_name = client.get("/indicators/?q=城镇化")
    assert catalogue_codes(by_name) == set(Indicator.objects.filter(name_zh__contains="城镇化")
                                           .values_list("code", flat=True)) == {"urbanization_rate"}
    both = client.get("/indicators/?q=share&dimension=population")
    expected = set(Indicator.objects.filter(Q(code__contains="share") | Q(name_en__icontains="share"),
                                            dimension__code="population").values_list("code", flat=True))
    assert expected and catalogue_codes(both) == expected


def test_catalogue_targets_and_latest_year_columns(client):
    response = client.get("/indicators/?q=rd_intensity")
    row = re.search(r'<tr data-code="rd_intensity">(.*?)</tr>', response.content.decode(), re.S).group(1)
    numbers = re.findall(r'<td class="num">(\d+)</td>', row)
    targets = Target.objects.filter(indicator__code="rd_intensity").count()
    latest = Observation.objects.filter(indicator__code="rd_intensity", is_current=True).order_by("-year")[0].year
    assert numbers == [str(targets), str(latest)] == ["2", "2023"]


def test_htmx_gets_just_the_table_and_the_download_is_the_same_selection(client):
    partial = client.get("/indicators/?dimension=ecology", HTTP_HX_REQUEST="true")
    text = partial.content.decode()
    assert "<html" not in text and '<table class="data catalogue">' in text
    download = client.get("/indicators/?dimension=ecology&format=csv")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == catalogue_codes(partial)


def test_catalogue_sorts_on_a_column(client):
    response = client.get("/indicators/?sort=-targets")
    codes = re.findall(r'<tr data-code="([a-z0-9_]+)">', response.content.decode())
    counts = {code: Target.objects.filter(indicator__code=code).count() for code in codes}
    assert [counts[c] for c in codes] == sorted(counts.values(), reverse=True)


# ------------------------------------------------------------------------------ an indicator: the chart


@pytest.fixture
def more_urbanization_targets():
    """Milestones of every kind for urbanization_rate besides the two of the plan (yrd 70 % and
    Jiangsu 75 % for 2025): ≈ 90 ± 1 for Shanghai in 2035, a range 75–78 for Zhejiang in 2027,
    and a target without a number for Anhui in 2035."""
    indicator = Indicator.objects.get(code="urbanization_rate")
    regions = {r.code: r for r in Region.objects.filter(code__in=["310000", "330000", "340000"])}
    common = dict(indicator=indicator, document="测试文件", binding="expected", change_type="level")
    return [
        Target.objects.create(region=regions["310000"], target_year=2035, comparator="approx", value=90,
                              tolerance=1, value_text="90%左右", **common),
        Target.objects.create(region=regions["330000"], target_year=2027, comparator="range", low=75, high=78,
                              value_text="75%–78%", **common),
        Target.objects.create(region=regions["340000"], target_year=2035, comparator="eq", is_numeric=False,
                              value_text="完成国家下达目标", **common),
    ]


def milestones(option) -> dict[int, dict]:
    found = {}
    for series in option["series"]:
        for item in series.get("markPoint", {}).get("data", []):
            if item.get("kind") == "milestone":
                found[item["target"]] = {"year": int(item["coord"][0]), "level": item["coord"][1], "series": series}
        for item in series.get("markLine", {}).get("data", []):
            if item.get("kind") == "milestone":
                found[item["target"]] = {"year": int(item["xAxis"]), "level": None, "series": series}
    return found


def bands(option) -> dict[int, tuple[int, float, int, float]]:
    return {start["target"]: (int(start["coord"][0]), start["coord"][1], int(end["coord"][0]), end["coord"][1])
            for series in option["series"] for start, end in series.get("markArea", {}).get("data", [])}


def test_every_target_milestone_is_on_the_chart(client, more_urbanization_targets):
    option = chart(client.get("/indicators/urbanization_rate/"))
    targets = list(Target.objects.filter(indicator__code="urbanization_rate"))
    assert len(targets) == 5  # the plan's two and the three added
    drawn = milestones(option)
    assert set(drawn) == {t.id for t in targets}
    for target in targets:
        scope = target.region.code if target.region_id else target.group.code
        assert drawn[target.id]["year"] == target.target_year
        assert drawn[target.id]["series"]["scope"] == scope
    by_text = {t.value_text: t for t in targets}
    # level targets at their value; the range at its middle (75 + 78) / 2 = 76.5; no number: a line
    assert drawn[by_text["70%"].id]["level"] == 70
    assert drawn[by_text["75%"].id]["level"] == 75
    assert drawn[by_text["90%左右"].id]["level"] == 90
    assert drawn[by_text["75%–78%"].id]["level"] == 76.5
    assert drawn[by_text["完成国家下达目标"].id]["level"] is None
    # the bands: "达到70%" on an indicator where higher is better reads as ≥ 70 (METHODS §1),
    # drawn from 70 up to the top of the axis; ≈ 90 ± 1 from 89 to 91; the range from 75 to 78
    top = option["yAxis"]["max"]
    drawn_bands = bands(option)
    assert drawn_bands[by_text["70%"].id][1::2] == (70, top)
    assert drawn_bands[by_text["90%左右"].id][1::2] == (89, 91)
    assert drawn_bands[by_text["75%–78%"].id][1::2] == (75, 78)
    assert by_text["完成国家下达目标"].id not in drawn_bands
    assert top >= 91


def test_the_projected_point_is_the_stored_assessment(client):
    run_progress(method="opensdg")
    target = Target.objects.get(indicator__code="urbanization_rate", region__code="320000")
    stored = ProgressAssessment.objects.get(method="opensdg", target=target)
    assert stored.projected_value is not None and stored.latest_year < target.target_year
    option = chart(client.get("/indicators/urbanization_rate/"))
    path = next(s for s in option["series"] if s["id"] == f"projection-{target.id}")
    (start_year, start), (end_year, end) = path["data"]
    assert (int(start_year), int(end_year)) == (stored.latest_year, target.target_year)
    # the chart carries 6 significant digits (its tooltip prints numbers as given)
    assert end == pytest.approx(stored.projected_value, rel=1e-5)
    assert start == pytest.approx(stored.latest_value, rel=1e-5)
    assert path["lineStyle"]["type"] == "dashed"
    # and the base year of the assessment is marked on Jiangsu's line
    jiangsu = next(s for s in option["series"] if s["id"] == "values-320000")
    bases = [p for p in jiangsu["markPoint"]["data"] if p["kind"] == "base"]
    assert [(int(p["coord"][0]), p["coord"][1]) for p in bases] == [
        (stored.base_year, pytest.approx(stored.base_value, rel=1e-5))]
    # the targets table shows the stored status word
    html = client.get("/indicators/urbanization_rate/").content.decode()
    row = re.search(rf'<tr data-target="{target.id}">(.*?)</tr>', html, re.S).group(1)
    assert f'<span class="status {stored.status}">{stored.get_status_display()}</span>' in row


def test_default_selection_is_the_provinces_with_values_and_yrd(client):
    option = chart(client.get("/indicators/urbanization_rate/"))
    scopes = [s["scope"] for s in option["series"] if s["id"].startswith("values-")]
    with_values = set(Observation.objects.filter(indicator__code="urbanization_rate", region__level="province")
                      .values_list("region__code", flat=True))
    assert scopes == sorted(with_values) + ["yrd"]


# ------------------------------------------------------------------------------ the values table


def test_a_qualified_value_shows_its_mark(client):
    response = client.get("/indicators/rd_intensity/?r=310000&year=2023")
    rows = rows_of(response)
    assert [(r["region"], r["year"]) for r in rows] == [("310000", 2023)]
    stored = Observation.objects.get(indicator__code="rd_intensity", region__code="310000", year=2023,
                                     is_current=True)
    assert stored.qualifier == "approx" and stored.value == 4.4
    assert re.search(r'<span class="qualifier"[^>]*>约</span> 4.4 <span class="unit">%</span>', rows[0]["html"])


def test_the_download_is_exactly_the_rows_shown(client):
    query = "?r=320000&r=310000&r=yrd&sort=-year"
    rows = rows_of(client.get(f"/indicators/urbanization_rate/{query}"))
    download = client.get(f"/indicators/urbanization_rate/export/{query}&format=csv")
    assert download.status_code == 200
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    header, body = lines[0], lines[1:]
    assert header[:5] == ["region_code", "region_name", "indicator", "year", "value"]
    assert len(body) == len(rows) > 0
    assert [(r[0], int(r[3])) for r in body] == [(r["region"], r["year"]) for r in rows]
    stored = {(o.region.code, o.year): o.value for o in Observation.objects.filter(
        indicator__code="urbanization_rate", region__code__in=["320000", "310000"], is_current=True)}
    assert len(body) == len(stored)  # every shown value of the two provinces, nothing else
    assert all(float(r[4]) == stored[(r[0], int(r[3]))] for r in body)
    xlsx = client.get(f"/indicators/urbanization_rate/export/{query}&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row - 1 == len(rows)


def test_a_revised_value_shows_its_history(client, write_csv):
    old = Observation.objects.get(indicator__code="gdp", region__code="320500", year=2019, is_current=True)
    import_observations(write_csv("region,indicator,year,value,unit,source\n320500,gdp,2019,19300,亿元,更正\n"),
                        status="approved")
    rows = rows_of(client.get("/indicators/gdp/?r=320500&year=2019"))
    assert len(rows) == 1
    history = re.search(r'<details class="history">(.*?)</details>', rows[0]["html"], re.S).group(1)
    assert "r1" in history and "r2" in history
    assert f"{old.value:,} → <strong>19,300</strong>" in history  # 19,235.8 → 19,300


# ------------------------------------------------------------------------------ who sees what


def test_the_public_does_not_see_a_draft_value_the_office_does(client, accounts):
    draft = Observation.objects.get(indicator__code="rd_intensity", region__code="320000", year=2023,
                                    is_current=True)
    Observation.objects.filter(pk=draft.pk).update(status="draft")
    url = "/indicators/rd_intensity/?r=320000"
    public = client.get(url)
    assert 2023 not in [r["year"] for r in rows_of(public)]
    assert "2023" not in [p[0] for p in next(s for s in chart(public)["series"] if s["id"] == "values-320000")["data"]]
    exported = client.get("/indicators/rd_intensity/export/?r=320000&format=csv")
    assert ",2023," not in exported.content.decode("utf-8-sig")

    client.force_login(accounts["js_office"])
    office = rows_of(client.get(url))
    row = next(r for r in office if r["year"] == 2023)
    assert row["status"] == "draft" and "未审核" in row["html"]


def test_a_draft_member_value_does_not_reach_the_public_through_a_group(client, accounts):
    """yrd's urbanization rate is made from its members' urban and resident population
    (formula): with Jiangsu's 2021 urban population a draft, the public gets no yrd value for
    2021 (the sum needs every member) while the office does — even when the public had the
    page (and its cached group values) before the value went back to draft: a status change
    is an update in place and does not move the data version."""
    assert 2021 in {int(p[0]) for p in next(s for s in chart(client.get("/indicators/urbanization_rate/?r=yrd"))
                                             ["series"] if s["id"] == "values-yrd")["data"]}
    Observation.objects.filter(indicator__code="population_urban", region__code="320000", year=2021,
                               is_current=True).update(status="draft")
    url = "/indicators/urbanization_rate/?r=yrd"

    def yrd_years(response):
        return {int(p[0]) for p in next(s for s in chart(response)["series"] if s["id"] == "values-yrd")["data"]}

    assert 2021 not in yrd_years(client.get(url))
    client.force_login(accounts["js_office"])
    assert 2021 in yrd_years(client.get(url))


# ------------------------------------------------------------------------------ 404, never 500


@pytest.mark.parametrize("url", [
    "/indicators/no_such_indicator/",
    "/indicators/no_such_indicator/export/?format=csv",
    "/indicators/gdp/?year=1066",
    "/indicators/gdp/?year=abc",
    "/indicators/gdp/?year=2019.5",
    "/indicators/gdp/?r=999999",
    "/indicators/gdp/?r=no_such_group",
    "/indicators/gdp/?method=bogus",
    "/indicators/gdp/export/?format=exe",
    "/indicators/?format=exe",
])
def test_unknown_things_in_the_url_are_404(client, url):
    assert client.get(url).status_code == 404


def test_every_role_opens_the_pages(client, accounts):
    for user in [None, *accounts.values()]:
        if user is not None:
            client.force_login(user)
        assert client.get("/indicators/").status_code == 200
        assert client.get("/indicators/urbanization_rate/").status_code == 200


def test_an_invalid_filter_is_said_and_ignored(client):
    response = client.get("/indicators/?dimension=no_such_area")
    assert response.status_code == 200
    assert "部分筛选条件无效" in response.content.decode()
    assert len(catalogue_codes(response)) == Indicator.objects.count()


def test_without_an_assessment_the_plans_base_year_is_marked(client):
    """Before any progress run: a target stating its base year (规划基期 2020) is marked at
    Jiangsu's 2020 value, read here from the ORM."""
    target = Target.objects.get(indicator__code="urbanization_rate", region__code="320000")
    Target.objects.filter(pk=target.pk).update(base_year=2020)
    value_2020 = Observation.objects.get(indicator__code="urbanization_rate", region__code="320000", year=2020,
                                         is_current=True).value
    option = chart(client.get("/indicators/urbanization_rate/"))
    jiangsu = next(s for s in option["series"] if s["id"] == "values-320000")
    bases = [p for p in jiangsu["markPoint"]["data"] if p["kind"] == "base"]
    assert [(int(p["coord"][0]), p["coord"][1]) for p in bases] == [(2020, pytest.approx(value_2020, rel=1e-5))]
