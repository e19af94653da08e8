"""The 目标进展 pages: the board (cells, filters, roll-ups), its export, running an assessment
from the page, and the status-change log (runs on SQLite and PostgreSQL).

Expected values come from the database (queried here) and from ``methods.progress.score``
applied one assessment at a time, never from the page's own code."""

import csv
import io
import json
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import create_sample_accounts
from deltawatch.indicators.models import Indicator, Target
from deltawatch.methods.progress import Assessment, score
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.observations.services import import_observations
from deltawatch.progress.models import ProgressAssessment, ProgressRun, StatusChange
from deltawatch.progress.services import run_progress
from deltawatch.regions.models import Region

pytestmark = pytest.mark.django_db

BOARD, CHANGES, EXPORT, RUN = "/progress/", "/progress/changes/", "/progress/export", "/progress/run/"
CELL = re.compile(r'<a class="pcell-item" href="([^"]*)" data-indicator="([^"]*)" data-region="([^"]*)" '
                  r'data-status="([^"]*)" data-target-year="([^"]*)"')


@pytest.fixture(autouse=True)
def fresh_cache():
    # ids are reused after a rolled-back test, so a data version may repeat: start clean
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def users():
    ensure_roles()
    create_sample_accounts()
    return {u.username: u for u in get_user_model().objects.filter(
        username__in=["js_office", "js_kjt", "nj_stats", "njnu_researcher"])}


def client_of(user=None, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def cells(html: str) -> list[tuple]:
    """(indicator, region or group code, status, target year) of every cell of the board."""
    return [(ind, region, status, int(year)) for _, ind, region, status, year in CELL.findall(html)]


def stored(method="opensdg", **filters) -> list[tuple]:
    rows = ProgressAssessment.objects.filter(method=method, target__isnull=False, **filters).values_list(
        "indicator__code", "region__code", "group__code", "status", "target_year")
    return [(ind, region or group, status, year) for ind, region, group, status, year in rows]


def text_of(response) -> str:
    return response.content.decode()


# ---- the board -----------------------------------------------------------------------------

def test_every_cell_is_the_stored_assessment_of_its_target():
    run_progress()
    response = Client().get(BOARD)
    assert response.status_code == 200
    shown = cells(text_of(response))
    assert len(shown) == Target.objects.count() == 33
    assert sorted(shown) == sorted(stored())
    # the columns are the regions and groups that have targets
    for name in ("长三角全域", "长三角中心区", "江苏省"):
        assert f">{name}<" in text_of(response)


def test_a_cell_shows_target_latest_value_and_ratio_and_links_to_the_chart():
    run_progress()
    html = text_of(Client().get(BOARD))
    a = ProgressAssessment.objects.get(method="opensdg", indicator__code="urbanization_rate", region__code="320000")
    link = [c for c in CELL.findall(html) if c[1:3] == ("urbanization_rate", "320000")]
    assert [c[0] for c in link] == ["/indicators/urbanization_rate/?region=320000"]
    start = html.index('data-indicator="urbanization_rate" data-region="320000"')
    cell = html[start:html.index("</a>", start)]
    assert "按进度推进" in cell and "2025年目标 75%" in cell
    assert f"{a.latest_year}年 {a.latest_value:.1f}%" in cell  # 73.9% in 2021
    assert f"R = {a.ratio:.2f}" in cell


def test_insufficient_data_cells_say_why():
    run_progress()
    html = text_of(Client().get(BOARD + "?status=insufficient_data"))
    notes = ProgressAssessment.objects.filter(method="opensdg", status="insufficient_data") \
        .values_list("note", flat=True)
    assert any("fewer than two values" in n for n in notes)
    assert "基期后少于两个数据点" in html


def test_the_legend_names_every_status_even_before_any_run():
    html = text_of(Client().get(BOARD))
    for word in ("已实现目标", "按进度推进", "需适度加快", "进展有限", "出现倒退", "数据不足", "无法量化评估"):
        assert word in html


@pytest.mark.parametrize("query, filters", [
    ("area=innovation", {"indicator__dimension__code": "innovation"}),
    ("region=320000", {"region__code": "320000"}),
    ("region=central27", {"group__code": "central27"}),
    ("status=insufficient_data", {"status": "insufficient_data"}),
    ("area=ecology&region=yrd", {"indicator__dimension__code": "ecology", "group__code": "yrd"}),
])
def test_filters_show_exactly_the_matching_targets(query, filters):
    run_progress()
    shown = cells(text_of(Client().get(f"{BOARD}?{query}")))
    assert sorted(shown) == sorted(stored(**filters)) and shown


def test_filter_counts_by_hand():
    # the default's innovation targets: R&D intensity and technology contribution for the whole
    # Delta; those two and invention patents for Jiangsu — 5; Jiangsu has 17 targets, 长三角中心区 2
    run_progress()
    assert len(cells(text_of(Client().get(BOARD + "?area=innovation")))) == 5
    assert len(cells(text_of(Client().get(BOARD + "?region=320000")))) == 17
    assert len(cells(text_of(Client().get(BOARD + "?region=central27")))) == 2


def test_target_year_filter():
    Target.objects.create(indicator=Indicator.objects.get(code="gdp_per_capita"),
                          region=Region.objects.get(code="320000"),
                          target_year=2035, comparator="ge", value=200000, value_text="20万元", document="test vision")
    run_progress()
    assert cells(text_of(Client().get(BOARD + "?target_year=2035"))) == [
        ("gdp_per_capita", "320000", ProgressAssessment.objects.get(method="opensdg", target_year=2035).status, 2035)]
    assert len(cells(text_of(Client().get(BOARD + "?target_year=2025")))) == 33
    html = text_of(Client().get(BOARD + "?target_year=2027"))
    assert cells(html) == [] and "规划中尚无2027年的目标" in html


def test_method_filter_shows_that_methods_assessments():
    run_progress()
    html = text_of(Client().get(BOARD + "?method=escap"))
    assert cells(html) == [] and "尚未评估" in html and 'action="/progress/run/"' not in html  # the public
    run_progress(method="escap")
    assert sorted(cells(text_of(Client().get(BOARD + "?method=escap")))) == sorted(stored("escap"))
    assert {s for *_, s, _y in stored("escap")} != set() and stored("escap") != stored("opensdg")


@pytest.mark.parametrize("query", [
    "method=xyz", "area=mars", "target_year=abc", "region=火星", "status=%3Cscript%3Ealert(1)%3C/script%3E",
])
def test_unknown_filter_values_are_ignored_with_a_message(query):
    run_progress()
    response = Client().get(f"{BOARD}?{query}")
    html = text_of(response)
    assert response.status_code == 200
    assert "已忽略无法识别的筛选条件" in html
    assert sorted(cells(html)) == sorted(stored())  # the filter left out; the default method
    assert "<script>alert" not in html


def test_htmx_gets_only_the_board():
    run_progress()
    response = Client().get(BOARD + "?area=innovation", HTTP_HX_REQUEST="true")
    html = text_of(response)
    assert "<html" not in html and "<header" not in html
    assert len(cells(html)) == 5 and 'data-chart="chart-progress-area"' in html


def test_the_board_follows_a_new_run_despite_the_cache(write_csv, users):
    run_progress()
    key = 'data-indicator="urbanization_rate" data-region="320000" data-status="on_track"'
    assert key in text_of(Client().get(BOARD))
    import_observations(write_csv("region,indicator,year,value,unit\n"
                                  "江苏省,population_urban,2022,4000,万人\n江苏省,population_resident,2022,8500,万人\n"),
                        user=users["nj_stats"], status="approved")  # runs read approved values only
    run_progress()
    html = text_of(Client().get(BOARD))
    assert key not in html
    assert 'data-indicator="urbanization_rate" data-region="320000" data-status="deteriorating"' in html


# ---- roll-ups -------------------------------------------------------------------------------

def hand_rollup(key) -> dict:
    """Mean Open SDG score per group, each stored assessment scored by methods.progress.score."""
    scores = {}
    for a in ProgressAssessment.objects.filter(method="opensdg", target__isnull=False).select_related(
            "indicator__dimension", "region", "group"):
        group = a.indicator.dimension.code if key == "area" else (a.region or a.group).code
        s = score(Assessment(status=a.status, method=a.method, ratio=a.ratio, rule=a.rule))
        scores.setdefault(group, [])
        if s is not None:
            scores[group].append(s)
    return {g: (sum(v) / len(v) if v else None) for g, v in scores.items()}


def band_by_hand(mean):
    # Open SDG bands: ≥ 2.5 on track, ≥ 0 acceleration needed, ≥ −2.5 limited, else deteriorating
    if mean is None:
        return "insufficient_data"
    return "on_track" if mean >= 2.5 else "acceleration_needed" if mean >= 0 else \
        "limited_progress" if mean >= -2.5 else "deteriorating"


def shown_rollup(html, chart_id) -> dict:
    section = html[html.index(f'data-rollup="{chart_id}"'):]
    section = section[:section.index("</section>")]
    rows = re.findall(r'<tr data-code="([^"]*)">.*?data-score="([^"]*)".*?<span class="status ([a-z_]+)">',
                      section, re.S)
    return {code: (float(s) if s else None, band) for code, s, band in rows}


@pytest.mark.parametrize("key, chart_id", [("area", "chart-progress-area"), ("region", "chart-progress-region")])
def test_rollups_are_the_mean_open_sdg_scores(key, chart_id):
    run_progress()
    html = text_of(Client().get(BOARD))
    expected = hand_rollup(key)
    shown = shown_rollup(html, chart_id)
    assert set(shown) == set(expected)
    assert any(m is not None for m in expected.values())
    for code, mean in expected.items():
        value, band = shown[code]
        assert band == band_by_hand(mean)
        assert (value is None) if mean is None else value == pytest.approx(mean, abs=0.005)
    # the bar chart draws the same means, in the table's order
    option = json.loads(unescape(re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>',
                                           html, re.S).group(1)))
    bars = [d["value"] for d in option["series"][0]["data"]]
    assert bars == [shown[code][0] for code in shown]


def test_rollups_follow_the_area_filter():
    run_progress()
    html = text_of(Client().get(BOARD + "?area=innovation&status=achieved"))
    shown = shown_rollup(html, "chart-progress-region")
    # the status filter narrows the cells, not the roll-up: every innovation target is averaged
    innovation = {g: m for g, m in hand_rollup_filtered("innovation").items()}
    assert {code: v for code, (v, _b) in shown.items()} == pytest.approx(
        {g: (None if m is None else round(m, 2)) for g, m in innovation.items()}, abs=0.005)


def hand_rollup_filtered(dimension):
    scores = {}
    for a in ProgressAssessment.objects.filter(method="opensdg", target__isnull=False,
                                               indicator__dimension__code=dimension).select_related("region", "group"):
        s = score(Assessment(status=a.status, method=a.method, ratio=a.ratio, rule=a.rule))
        scores.setdefault((a.region or a.group).code, []).extend([] if s is None else [s])
    return {g: (sum(v) / len(v) if v else None) for g, v in scores.items()}


# ---- export ---------------------------------------------------------------------------------

def test_csv_export_has_exactly_the_boards_rows():
    run_progress()
    for query in ("", "area=ecology", "region=320000&status=achieved"):
        html = text_of(Client().get(f"{BOARD}?{query}"))
        response = Client().get(f"{EXPORT}?{query}&format=csv")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        exported = [(r["indicator"], r["region_code"], r["status"], int(r["target_year"])) for r in rows]
        assert exported == cells(html)  # same rows, same order


def test_xlsx_export_and_formula_text_neutralised():
    openpyxl = pytest.importorskip("openpyxl")
    Target.objects.create(indicator=Indicator.objects.get(code="gdp_per_capita"),
                          region=Region.objects.get(code="320000"),
                          target_year=2035, comparator="ge", value=200000, value_text="=HYPERLINK(\"x\")",
                          document="test")
    run_progress()
    response = Client().get(f"{EXPORT}?target_year=2035&format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(rows) == 1
    row = dict(zip(header, rows[0]))
    assert row["target"] == "'=HYPERLINK(\"x\")" and row["indicator"] == "gdp_per_capita"
    text = Client().get(f"{EXPORT}?target_year=2035&format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_unknown_export_format_is_refused():
    assert Client().get(f"{EXPORT}?format=pdf").status_code == 400


# ---- running an assessment from the page ------------------------------------------------------

def test_the_office_sees_the_run_button_when_a_method_was_never_run(users):
    html = text_of(client_of(users["js_office"]).get(BOARD + "?method=unsd"))
    assert "尚无评估结果" in html and 'action="/progress/run/"' in html and 'value="unsd"' in html
    html = text_of(Client().get(BOARD + "?method=unsd"))
    assert "尚未评估" in html and 'action="/progress/run/"' not in html


def test_anonymous_and_reporters_cannot_run(users):
    response = Client().post(RUN, {"method": "unsd"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for name in ("nj_stats", "js_kjt"):
        assert client_of(users[name]).post(RUN, {"method": "unsd"}).status_code == 403
    assert not ProgressRun.objects.exists()


@pytest.mark.parametrize("name", ["js_office", "njnu_researcher"])
def test_the_office_and_researchers_run_an_assessment(users, name):
    client = client_of(users[name])
    response = client.post(RUN, {"method": "unsd"})
    assert response.status_code == 302 and response["Location"] == "/progress/?method=unsd"
    run = ProgressRun.objects.get()
    assert (run.method, run.run_by, run.assessed) == ("unsd", users[name], Target.objects.count())
    html = text_of(client.get(response["Location"]))
    assert "已完成评估" in html and sorted(cells(html)) == sorted(stored("unsd"))


def test_a_forged_post_without_csrf_is_refused(users):
    client = client_of(users["js_office"], enforce_csrf_checks=True)
    assert client.post(RUN, {"method": "opensdg"}).status_code == 403
    assert not ProgressRun.objects.exists()


def test_run_refuses_unknown_methods_and_get(users):
    client = client_of(users["js_office"])
    assert client.post(RUN, {"method": "magic"}).status_code == 400
    assert client.get(RUN).status_code == 405
    assert not ProgressRun.objects.exists()


# ---- the status-change log --------------------------------------------------------------------

def make_change(write_csv, user, name="jiangsu-urban-2022.csv"):
    """Jiangsu's 2022 urban population revised down: urbanisation 47 % — on track → deteriorating."""
    run_progress()
    import_observations(write_csv("region,indicator,year,value,unit\n"
                                  "江苏省,population_urban,2022,4000,万人\n江苏省,population_resident,2022,8500,万人\n",
                                  name=name), user=user, status="approved")  # runs read approved values only
    return run_progress()


def test_the_log_shows_a_change_with_its_revision_and_batch(write_csv, users):
    outcome = make_change(write_csv, users["js_office"])
    change = StatusChange.objects.get(run=outcome.run, indicator__code="urbanization_rate", region__code="320000")
    revision = Observation.objects.get(pk=change.data_revision_id)
    html = text_of(client_of(users["js_office"]).get(CHANGES))
    row = html[html.index(f'data-change="{change.pk}"'):]
    row = row[:row.index("</tr>")]
    assert 'data-old="on_track">按进度推进' in row and 'data-new="deteriorating">出现倒退' in row
    assert "jiangsu-urban-2022.csv" in row and ImportBatch.objects.get(pk=change.batch_id).file_name in row
    assert f"#{revision.pk} 江苏省" in row and f"{revision.year}：{revision.value:.1f}%" in row  # 47.1% in 2022
    assert "/indicators/urbanization_rate/?region=320000" in row


def test_log_filters(write_csv, users):
    make_change(write_csv, users["js_office"])
    client = client_of(users["js_office"])
    assert "jiangsu-urban-2022.csv" in text_of(client.get(CHANGES + "?indicator=urbanization_rate&region=320000"))
    html = text_of(client.get(CHANGES + "?indicator=rd_intensity"))
    assert "jiangsu-urban-2022.csv" not in html and "没有符合筛选条件的状态变化" in html
    assert "jiangsu-urban-2022.csv" not in text_of(client.get(CHANGES + "?method=escap"))
    for query in ("method=zzz", "sort=bogus", "page=999", "region=%3Cb%3Ex%3C/b%3E"):
        response = client.get(f"{CHANGES}?{query}")
        assert response.status_code == 200 and "<b>x</b>" not in text_of(response)


def test_a_reporter_does_not_see_other_users_import_files(write_csv, users):
    make_change(write_csv, users["js_office"], name="office-secret-batch.csv")
    html = text_of(client_of(users["nj_stats"]).get(CHANGES))
    assert 'data-new="deteriorating"' in html  # the change itself is visible
    assert "office-secret-batch.csv" not in html and "无权查看" in html


def test_the_public_does_not_see_the_log(write_csv, users):
    make_change(write_csv, users["js_office"])
    response = Client().get(CHANGES)
    assert response.status_code == 200
    html = text_of(response)
    assert "jiangsu-urban-2022.csv" not in html and "data-change=" not in html and "仅对登录用户开放" in html


def test_the_log_before_any_change_says_what_to_do(users):
    run_progress()
    html = text_of(client_of(users["js_office"]).get(CHANGES))
    assert "尚无状态变化" in html


def test_the_board_in_english():
    run_progress()
    client = Client()
    client.cookies["django_language"] = "en"
    html = text_of(client.get(BOARD + "?region=320000"))
    assert "On track" in html or "Target achieved" in html
    assert "Legend" in html and "Roll-up scores" in html and "Jiangsu" in html
    assert "图例" not in html and "汇总得分" not in html
