"""The 绩效考核 pages (issue 15, item 5) on the demonstration scheme: who sees what, every rank
shown with its interval, a bonus refused without a reason keeping what was typed, a benchmark
outside the scheme refused with the model's message, exports equal to the stored results, the
scorecard's gaps equal to ``services.benchmark``, publishing and withdrawing a run."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import create_sample_accounts
from deltawatch.assessment import services
from deltawatch.assessment.defaults import CODE, load_assessment_default
from deltawatch.assessment.models import Adjustment, BenchmarkPair, Result, Run, Scheme
from deltawatch.assessment.views import number, rank_text

pytestmark = pytest.mark.django_db

USERS = {"office": "js_office", "department": "js_kjt", "reporter": "nj_stats", "researcher": "njnu_researcher"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demonstration scheme with its run (1000 simulations), made once for the module in a
    transaction rolled back at its end; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_roles()
            create_sample_accounts()
            assert load_assessment_default()
            scheme = Scheme.objects.get(code=CODE)
            yield scheme, scheme.runs.get()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def client(role: str | None = None) -> Client:
    c = Client()
    if role:
        c.force_login(get_user_model().objects.get(username=USERS[role]))
    return c


def html(response) -> str:
    return response.content.decode()


def ranking_rows(text: str) -> list[dict]:
    """The ranking table's rows: unit code, the rank cell's rank and interval (None when the
    cell shows no rank), the group rank cell likewise."""
    body = text.split('<table class="data ranking assessment-ranking">', 1)[1].split("</table>", 1)[0]
    rows = []
    for code, cells in re.findall(r'<tr data-unit="(\d+)"[^>]*>(.*?)</tr>', body, flags=re.S):
        ranks = re.findall(r'<span class="rank">([^<]*)</span> <span class="rank-interval">\[([^\]]*)\]</span>', cells)
        bare = re.findall(r'<td class="num rank-cell">—</td>', cells)
        rows.append({"code": code, "ranks": ranks, "bare": len(bare)})
    return rows


# ------------------------------------------------------------------------------ who sees what


def test_the_scheme_list_shows_the_demo_to_everyone_with_its_badge(demo):
    scheme, run = demo
    for role in (None, *USERS):
        text = html(client(role).get(reverse("assessment:schemes")))
        assert scheme.name_zh in text and "badge sample" in text
        # the latest run is linked only for those who may see it (unpublished: office, researcher)
        assert (reverse("assessment:run", args=[run.pk]) in text) == (role in ("office", "researcher"))


def test_an_unpublished_scheme_shows_the_public_its_name_only(demo):
    scheme, run = demo
    url = reverse("assessment:scheme", args=[scheme.code])
    public = html(client().get(url))
    assert scheme.name_zh in public and "本方案尚无公开的考核结果" in public
    assert "方案定义" not in public and "对照学习单位" not in public
    researcher = html(client("researcher").get(url))
    assert "方案定义" in researcher and "加分扣分项" in researcher and "录入加分扣分" not in researcher
    office = html(client("office").get(url))
    assert "录入加分扣分" in office and "添加对照单位" in office and "重新聚类" in office
    # the definition in words: each component with its weight and share
    assert "指标水平" in office and "50%" in office and "(得分 + 5) × 10" in office
    Run.objects.filter(pk=run.pk).update(is_published=True)
    department = html(client("department").get(url))
    assert "方案定义" in department and "录入加分扣分" not in department and "加分扣分项</h2>" not in department


def test_runs_and_scorecards_by_role(demo):
    scheme, run = demo
    run_url = reverse("assessment:run", args=[run.pk])
    own, other = (reverse("assessment:scorecard", args=[run.pk, code]) for code in ("320100", "340100"))
    assert client().get(run_url).status_code == 404
    assert client("department").get(run_url).status_code == 404
    assert client("researcher").get(run_url).status_code == 200
    assert client("researcher").get(other).status_code == 200
    assert client().get(own).status_code == 404  # an unpublished run is not there for the public
    Run.objects.filter(pk=run.pk).update(is_published=True)
    assert client().get(run_url).status_code == 200
    # a published run's scorecards are public, as its ranking is (every unit's row is on it)
    assert client().get(own).status_code == 200 and client("reporter").get(other).status_code == 200
    text = html(client().get(run_url))
    assert own in text and other in text
    # what the viewer may not see stays out of the scorecard: the public sees no tasks of the ledger
    assert "承办任务" in html(client().get(own)) and "js-" not in html(client().get(own))


# ------------------------------------------------------------------------------ the ranking


def test_every_ranked_row_shows_its_rank_with_its_interval(demo):
    scheme, run = demo
    rows = ranking_rows(html(client("office").get(reverse("assessment:run", args=[run.pk]))))
    stored = {r.region.code: r for r in run.results.select_related("region")}
    assert len(rows) == len(stored) == 41
    for row in rows:
        r = stored[row["code"]]
        if r.rank is None:
            assert row["ranks"] == [] and row["bare"] == 1
            continue
        overall, group = row["ranks"]
        assert overall == (rank_text(r.rank), f"{rank_text(r.q05_rank)}–{rank_text(r.q95_rank)}")
        assert group == (rank_text(r.group_rank), f"{rank_text(r.group_q05_rank)}–{rank_text(r.group_q95_rank)}")
    # in the rank order of the run
    assert [row["code"] for row in rows] == [r.region.code for r in run.results.order_by("rank", "region__code")
                                             .select_related("region")]


def test_the_swap_notes_and_the_runs_notes_are_worded(demo):
    scheme, run = demo
    text = html(client("office").get(reverse("assessment:run", args=[run.pk])))
    swapped = run.results.exclude(swaps_with="").select_related("region").first()
    assert swapped is not None  # the demo has neighbours whose order is not meaningful
    other = Result.objects.get(run=run, region__code=swapped.swaps_with).region.name_zh
    assert f"与{other}的先后在 {100 * swapped.swap_share:.0f}% 的模拟中互换，次序无实质意义" in text
    # the test database has no task ledger: every city lacks 任务落实, and the page says so
    assert "41 个单位缺少“任务落实”" in text and "不以 0 计" in text


def test_a_peer_group_filter_shows_that_group_by_its_own_ranks(demo):
    scheme, run = demo
    label = run.results.exclude(peer_group="").values_list("peer_group", flat=True).first()
    response = client("office").get(reverse("assessment:run", args=[run.pk]), {"group": label})
    rows = ranking_rows(html(response))
    members = run.results.filter(peer_group=label)
    assert len(rows) == members.count()
    assert [int(r["ranks"][1][0]) for r in rows] == sorted(int(m.group_rank) for m in members)
    assert client("office").get(reverse("assessment:run", args=[run.pk]), {"group": "no-such"}).status_code == 404


def test_the_exports_equal_the_stored_results(demo):
    from openpyxl import load_workbook

    scheme, run = demo
    url = reverse("assessment:run", args=[run.pk])
    stored = {r.region.code: r for r in run.results.select_related("region")}
    response = client("office").get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = lines[0], lines[1:]
    assert header[:7] == ["区划代码", "单位", "类别", "得分", "排名", "排名区间下限（5%）", "排名区间上限（95%）"]
    assert len(body) == 41
    for line in body:
        r = stored[line[0]]
        assert line[1] == r.region.name_zh and line[2] == r.peer_group
        assert float(line[3]) == pytest.approx(r.score, abs=1e-12)
        assert (float(line[4]), float(line[5]), float(line[6])) == (r.rank, r.q05_rank, r.q95_rank)
        assert (float(line[7]), float(line[8]), float(line[9])) == (r.group_rank, r.group_q05_rank, r.group_q95_rank)
    book = load_workbook(io.BytesIO(client("office").get(url, {"format": "xlsx"}).content))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == header and len(values) == 42
    for row in values[1:]:
        r = stored[row[0]]
        assert row[3] == pytest.approx(r.score, rel=1e-14)  # XLSX keeps 15 significant digits, as Excel does
        assert (row[4], row[5], row[6]) == (r.rank, r.q05_rank, r.q95_rank)
    assert client("office").get(url, {"format": "pdf"}).status_code == 400


# ------------------------------------------------------------------------------ the office's forms


def test_a_bonus_without_a_reason_is_refused_keeping_what_was_typed(demo):
    scheme, run = demo
    url = reverse("assessment:adjustment_add", args=[scheme.code])
    response = client("office").post(url, {"region": "320500", "year": "2017", "points": "3.5", "reason": "   "})
    assert response.status_code == 400
    text = html(response)
    assert "加分或扣分必须写明理由。" in text and "此字段不能为空" not in text
    # the message stands on the reason's own cell
    assert re.search(r'<div class="field has-error">\s*<label for="adjustment-reason">', text)
    assert 'value="3.5"' in text and '<option value="320500" selected>' in text
    assert not Adjustment.objects.exists()
    response = client("office").post(url, {"region": "320500", "year": "2017", "points": "3.5",
                                           "reason": "示例：获国家级试点"})
    assert response.status_code == 302
    item = Adjustment.objects.get()
    assert (item.region.code, item.points, item.reason) == ("320500", 3.5, "示例：获国家级试点")
    # a researcher reads it on the scheme page; a department may not add one
    assert "示例：获国家级试点" in html(client("researcher").get(reverse("assessment:scheme", args=[scheme.code])))
    assert client("department").post(url, {"region": "320500", "year": "2017", "points": "1",
                                           "reason": "x"}).status_code == 403
    assert Adjustment.objects.count() == 1


def test_a_benchmark_outside_the_scheme_is_refused_with_the_models_message(demo):
    scheme, run = demo
    url = reverse("assessment:benchmark_add", args=[scheme.code])
    before = BenchmarkPair.objects.count()
    response = client("office").post(url, {"region": "340100", "benchmark": "320000"})  # Jiangsu: a province
    assert response.status_code == 400
    assert "江苏省不是考核方案“示例：长三角41城高质量发展年度考核”的考核单位" in html(response)
    assert 'value="320000"' in html(response)
    assert BenchmarkPair.objects.count() == before
    assert client("office").post(url, {"region": "340100", "benchmark": "苏州市"}).status_code == 302
    assert BenchmarkPair.objects.filter(scheme=scheme, region__code="340100", benchmark__code="320500",
                                        source="office").exists()


def test_publish_and_withdraw(demo):
    scheme, run = demo
    publish, page = reverse("assessment:publish", args=[run.pk]), reverse("assessment:run", args=[run.pk])
    assert client("researcher").post(publish, {"action": "publish"}).status_code == 403
    assert client().post(publish, {"action": "publish"})["Location"].startswith("/accounts/login/")
    assert not Run.objects.get(pk=run.pk).is_published
    assert client("office").post(publish, {"action": "publish"}).status_code == 302
    assert Run.objects.get(pk=run.pk).is_published and client().get(page).status_code == 200
    assert client("office").post(publish, {"action": "withdraw"}).status_code == 302
    assert not Run.objects.get(pk=run.pk).is_published and client().get(page).status_code == 404


def test_the_office_runs_the_scheme_from_its_page(demo):
    scheme, run = demo
    response = client("office").post(reverse("assessment:scheme_run", args=[scheme.code]),
                                     {"year": "2017", "runs": "20"})
    new = scheme.runs.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("assessment:run", args=[new.pk])
    assert new.runs == 20 and not new.is_published and new.results.count() == 41
    refused = client("office").post(reverse("assessment:scheme_run", args=[scheme.code]), {"year": "2017", "runs": "5"})
    assert refused.status_code == 400 and scheme.runs.count() == 2


# ------------------------------------------------------------------------------ the scorecard


def test_the_scorecards_gaps_equal_services_benchmark(demo):
    scheme, run = demo
    text = html(client("office").get(reverse("assessment:scorecard", args=[run.pk, "340100"])))
    gaps = services.benchmark(scheme, "340100", run.year)
    assert not gaps.empty
    shown = []
    for bench, body in re.findall(r'<table class="data gaps" data-benchmark="(\d+)">(.*?)</table>', text, flags=re.S):
        for indicator, cells in re.findall(r'<tr data-indicator="([^"]+)"[^>]*>(.*?)</tr>', body, flags=re.S):
            numbers = [unescape(re.sub(r"<[^>]+>", "", c)).strip()
                       for c in re.findall(r'<td class="num[^"]*">(.*?)</td>', cells, flags=re.S)]
            shown.append((bench, indicator, numbers))
    assert [(b, i) for b, i, _n in shown] == list(zip(gaps["benchmark"], gaps["indicator"]))
    for (bench, indicator, numbers), row in zip(shown, gaps.to_dict("records")):
        assert numbers[0].split(" (")[0] == number(row["unit_value"])
        assert numbers[1].split(" (")[0] == number(row["benchmark_value"])
        assert numbers[2] == ("+" if row["gap"] > 0 else "") + number(row["gap"]) + f" {row['unit']}"
        assert numbers[3] == f"{100 * row['relative_gap']:.1f}%"
        closing = numbers[-1]
        if not row["behind"]:
            assert closing == "已领先"
        elif row["years_to_close"] == float("inf"):
            assert closing == "按近年趋势无法赶上"
        else:
            assert closing == f"{row['years_to_close']:.1f} 年"


def test_the_scorecard_shows_components_legend_rank_interval_and_history(demo):
    scheme, run = demo
    result = run.results.get(region__code="320100")
    text = html(client("office").get(reverse("assessment:scorecard", args=[run.pk, "320100"])))
    assert "0–40 较低" in text and "80–100 较高" in text  # the legend set, contiguous bands
    level = result.components["level"]
    assert f"{level:.1f}" in text and "任务落实" in text and "无数据" in text
    assert f'<span class="rank">{rank_text(result.rank)}</span> <span class="rank-interval">' \
           f'[{rank_text(result.q05_rank)}–{rank_text(result.q95_rank)}]</span>' in text
    second = services.run_scheme(scheme, runs=20)
    text = html(client("office").get(reverse("assessment:scorecard", args=[second.pk, "320100"])))
    history = text.split('<table class="data history">', 1)[1]
    assert f"#{second.pk}" in history and f"#{run.pk}" in history
    assert history.index(f"#{second.pk}") < history.index(f"#{run.pk}")  # newest first


def test_the_demonstration_scheme_of_departments_has_pages(demo):
    """The departments' demo scheme (示例): its ranking names departments, its scorecard has no
    benchmarking or targets (those are the regions'), and its page says whom it assesses."""
    from deltawatch.assessment.defaults import DEPARTMENTS_CODE

    scheme = Scheme.objects.get(code=DEPARTMENTS_CODE)
    run = scheme.runs.get()
    assert run.results.filter(region__isnull=True, organisation__kind="department").count() == run.results.count() > 0
    page = html(client("office").get(reverse("assessment:scheme", args=[scheme.code])))
    assert "考核对象：省级部门" in page and "部门考核方案没有对照学习" in page and "重新聚类" not in page
    ranking = html(client("office").get(reverse("assessment:run", args=[run.pk])))
    assert "江苏省发展和改革委员会" in ranking
    card = html(client("office").get(reverse("assessment:scorecard", args=[run.pk, "js-drc"])))
    assert "考核记分卡" in card and 'id="gaps"' not in card and 'id="targets"' not in card
    assert client("office").get(reverse("assessment:scorecard", args=[run.pk, "320100"])).status_code == 404
