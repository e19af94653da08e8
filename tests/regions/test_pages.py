"""The 地区 pages: the region tree (search, ended regions) and a region's page (latest
values, ranks among peers computed here from the ORM, targets with stored statuses, the map,
drafts hidden from the public, 404s)."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import SAMPLE_ACCOUNTS, create_sample_accounts
from deltawatch.indicators.models import Target
from deltawatch.observations.models import Observation
from deltawatch.progress.models import ProgressAssessment
from deltawatch.progress.services import run_progress
from deltawatch.regions.models import Region, RegionGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    ensure_roles()
    create_sample_accounts()
    return {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in SAMPLE_ACCOUNTS])}


def indicator_row(response, code) -> str | None:
    found = re.search(rf'<tr id="ind-{code}" data-indicator="{code}" data-year="(\d+)">(.*?)</tr>',
                      response.content.decode(), re.S)
    return found and (int(found.group(1)), found.group(2))


def rank_cell(row_html, peers) -> tuple[int, int] | None:
    found = re.search(rf'data-peers="{peers}" data-rank="(\d+)" data-of="(\d+)"', row_html)
    return found and (int(found.group(1)), int(found.group(2)))


def hand_rank(values: dict[str, float], code: str, direction: int = 1) -> tuple[int, int]:
    """Rank 1 = best; ties share the best rank: 1 + the number of strictly better values."""
    mine = values[code]
    better = sum(1 for v in values.values() if (v > mine if direction > 0 else v < mine))
    return 1 + better, len(values)


# ------------------------------------------------------------------------------ ranks


def test_rank_of_suzhou_for_gdp_2019_among_jiangsus_13_cities(client):
    cities = Observation.objects.filter(indicator__code="gdp", year=2019, is_current=True,
                                        region__level="prefecture", region__parent__code="320000")
    values = dict(cities.values_list("region__code", "value"))
    assert len(values) == 13
    expected = hand_rank(values, "320500")
    response = client.get("/regions/320500/?year=2019")
    assert response.status_code == 200
    year, row = indicator_row(response, "gdp")
    assert year == 2019
    assert rank_cell(row, "level") == expected
    # by hand from the yearbook (中国城市统计年鉴): Suzhou 19,235.8 亿元 was the largest of the 13
    # (Nanjing 14,030.15 second), so rank 1 of 13
    assert expected == (1, 13)
    nanjing = indicator_row(client.get("/regions/320100/?year=2019"), "gdp")[1]
    assert rank_cell(nanjing, "level") == hand_rank(values, "320100") == (2, 13)
    assert "江苏省13个地级市" in response.content.decode()


def test_rank_among_the_41_cities_and_the_direction(client):
    members = RegionGroup.objects.get(code="yrd41").members.values_list("code", flat=True)
    values = dict(Observation.objects.filter(indicator__code="gdp", year=2019, is_current=True,
                                             region__code__in=list(members)).values_list("region__code", "value"))
    year, row = indicator_row(client.get("/regions/320500/?year=2019"), "gdp")
    assert rank_cell(row, "yrd41") == hand_rank(values, "320500")
    # an indicator where lower is better: rank 1 is the lowest value
    co2 = dict(Observation.objects.filter(indicator__code="co2_per_gdp", year=2017, is_current=True,
                                          region__level="prefecture", region__parent__code="320000")
               .values_list("region__code", "value"))
    year, row = indicator_row(client.get("/regions/320500/?year=2017"), "co2_per_gdp")
    assert year == 2017 and rank_cell(row, "level") == hand_rank(co2, "320500", direction=-1)


def test_provinces_are_ranked_among_the_provincial_units(client):
    values = dict(Observation.objects.filter(indicator__code="gdp", year=2022, is_current=True,
                                             region__level="province").values_list("region__code", "value"))
    year, row = indicator_row(client.get("/regions/320000/"), "gdp")
    assert year == 2022 and rank_cell(row, "level") == hand_rank(values, "320000")


def test_the_latest_value_with_unit_year_and_source(client):
    latest = Observation.objects.filter(indicator__code="gdp", region__code="320100", is_current=True) \
        .order_by("-year").first()
    year, row = indicator_row(client.get("/regions/320100/"), "gdp")
    assert year == latest.year
    assert f"{latest.value:,.1f}".rstrip("0").rstrip(".") in row and "亿元" in row
    assert latest.source[:20] in row


# ------------------------------------------------------------------------------ targets and the map


def test_targets_show_the_stored_status(client):
    run_progress(method="opensdg")
    response = client.get("/regions/320000/")
    html = response.content.decode()
    own = Target.objects.filter(region__code="320000")
    of_groups = Target.objects.filter(group__members__code="320000")
    shown = set(map(int, re.findall(r'<tr data-target="(\d+)">', html)))
    assert shown == set(own.values_list("id", flat=True)) | set(of_groups.values_list("id", flat=True))
    for assessment in ProgressAssessment.objects.filter(method="opensdg", target__in=own):
        row = re.search(rf'<tr data-target="{assessment.target_id}">(.*?)</tr>', html, re.S).group(1)
        assert f'<span class="status {assessment.status}">{assessment.get_status_display()}</span>' in row


def test_the_map_highlights_the_region_and_a_provinces_cities(client):
    def marked(code):
        html = client.get(f"/regions/{code}/").content.decode()
        option = json.loads(re.search(r'<script id="chart-region-map" type="application/json">(.*?)</script>',
                                      html, re.S).group(1))
        series = option["series"][0]
        assert series["type"] == "map" and len(series["data"]) == 41
        assert "示意图" in html
        return {item["code"] for item in series["data"] if item["value"] == 1}

    assert marked("320100") == {"320100"}
    assert marked("320000") == set(Region.objects.filter(parent__code="320000", level="prefecture")
                                   .values_list("code", flat=True))
    assert marked("320102") == {"320100"}  # 玄武区: its city


# ------------------------------------------------------------------------------ the tree


def test_the_tree_nests_provinces_cities_and_counties(client):
    html = client.get("/regions/").content.decode()
    total = Region.objects.count()
    assert f"共 {total} 个区域" in html
    assert len(re.findall(r'href="/regions/\d{6}/"', html)) >= total
    # the groups are listed with their member counts
    yrd41 = RegionGroup.objects.get(code="yrd41")
    assert re.search(r'<tr data-group="yrd41">.*?<td class="num">41</td>', html, re.S) and yrd41.members.count() == 41


def test_searching_the_tree_keeps_the_matches_and_their_ancestors(client):
    partial = client.get("/regions/?q=苏州", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html
    codes = set(re.findall(r'href="/regions/(\d{6})/"', html))
    matching = set(Region.objects.filter(name_zh__contains="苏州").values_list("code", flat=True))
    below = set(Region.objects.filter(parent__code__in=matching).values_list("code", flat=True))
    ancestors = set(Region.objects.filter(children__code__in=matching).values_list("code", flat=True))
    assert codes == matching | below | ancestors
    assert "330100" not in codes  # 杭州市


def test_chaohu_shows_its_end(client):
    chaohu = Region.objects.get(code="341400")
    assert chaohu.valid_to.isoformat() == "2011-08-21"
    page = client.get("/regions/341400/").content.decode()
    assert "该区划已于 2011-08-21 停用（撤销）" in page
    tree = client.get("/regions/?q=巢湖").content.decode()
    assert re.search(r'巢湖市</a> <span class="code">341400</span> <span class="badge ended">2011-08-21 撤销</span>',
                     tree)


# ------------------------------------------------------------------------------ who sees what


def test_the_public_does_not_see_a_draft_value_the_office_does(client, accounts):
    latest = Observation.objects.filter(indicator__code="gdp", region__code="320500", is_current=True) \
        .order_by("-year").first()
    earlier = Observation.objects.filter(indicator__code="gdp", region__code="320500", is_current=True,
                                         year__lt=latest.year).order_by("-year").first()
    assert indicator_row(client.get("/regions/320500/"), "gdp")[0] == latest.year  # cached for the public
    Observation.objects.filter(pk=latest.pk).update(status="draft")
    assert indicator_row(client.get("/regions/320500/"), "gdp")[0] == earlier.year
    client.force_login(accounts["js_office"])
    year, row = indicator_row(client.get("/regions/320500/"), "gdp")
    assert year == latest.year and "未审核" in row


def test_the_download_is_the_table_shown(client):
    response = client.get("/regions/320100/?year=2019")
    shown = re.findall(r'<tr id="ind-([a-z0-9_]+)"', response.content.decode())
    download = client.get("/regions/320100/?year=2019&format=csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == shown and len(shown) > 0


@pytest.mark.parametrize("url", ["/regions/999999/", "/regions/abc/", "/regions/320500/?year=1900",
                                 "/regions/320500/?year=twenty", "/regions/320500/?format=exe",
                                 "/regions/320500/?method=bogus"])
def test_unknown_things_in_the_url_are_404(client, url):
    assert client.get(url).status_code == 404


def test_every_role_opens_the_pages(client, accounts):
    for user in [None, *accounts.values()]:
        if user is not None:
            client.force_login(user)
        assert client.get("/regions/").status_code == 200
        assert client.get("/regions/320100/").status_code == 200
