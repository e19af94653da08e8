"""The 评价指数 pages: the list, a run's page (ranks and intervals as stored, the tree, the
weights, the Sobol indices, the map), publishing, and starting a run as a background job.

Expected values are the stored rows (queried here), never the page's own code."""

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
from deltawatch.indices.choices import IndexRunKind
from deltawatch.indices.commands import load
from deltawatch.indices.models import IndexRankInterval, IndexRun, IndexScore, IndexSensitivity
from deltawatch.indices.services import frame_from_database, save_build, save_sensitivity, save_uncertainty
from deltawatch.jobs.choices import JobStatus
from deltawatch.jobs.models import Job
from deltawatch.jobs.services import run_next
from deltawatch.methods.index import build
from deltawatch.methods.index.uncertainty import sensitivity, uncertainty

pytestmark = pytest.mark.django_db

LIST, START = "/indices/", "/indices/start/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # ids are reused after a rolled-back test, so a data version may repeat
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


@pytest.fixture
def runs():
    """yrd_hqd on 2017: a build, an uncertainty run (60 runs) and a sensitivity run (N = 8),
    stored through the services as ``deltawatch index … --save`` stores them."""
    spec = load("yrd_hqd")
    data, vintage = frame_from_database(spec, years=[2017])
    built = save_build(build(spec, data, year=2017), source="database", vintage=vintage)
    unc = uncertainty(spec, data, runs=60, seed=3, year=2017)
    analysed = save_uncertainty(unc, spec, data, year=2017, runs=60, source="database", vintage=vintage)
    sens = sensitivity(spec, data, n=8, seed=1, year=2017, bootstrap=20)
    sensitive = save_sensitivity(sens, spec, data, year=2017, runs=len(sens.output), source="database",
                                 vintage=vintage)
    return {"build": built, "uncertainty": analysed, "sensitivity": sensitive}


def chart(html: str, name: str) -> dict:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no chart {name}"
    return json.loads(found.group(1))


def table_rows(html: str) -> list[list[str]]:
    body = re.search(r'<table class="data ranking">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


# ---------------------------------------------------------------------------- what is shown


def test_the_run_page_shows_the_stored_ranks_and_intervals(users, runs):
    response = client_of(users["js_office"]).get(f"/indices/runs/{runs['build'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    scores = {s.unit_code: s for s in IndexScore.objects.filter(run=runs["build"], node="HQD", year=2017)
              .select_related("region")}
    intervals = {i.unit_code: i for i in IndexRankInterval.objects.filter(run=runs["uncertainty"])}
    assert len(scores) == len(intervals) == 41
    rows = table_rows(html)
    assert len(rows) == 41
    by_name = {s.region.name_zh: s for s in scores.values()}
    for name, score, rank, nominal, band, median in rows:
        stored = by_name[name]
        interval = intervals[stored.unit_code]
        assert rank == str(stored.rank)
        assert score == f"{stored.score:.2f}"
        assert nominal == f"{interval.nominal_rank:g}"
        # the band as written: q05–q95, each a whole rank or one decimal
        assert band == "–".join(f"{round(v, 1):g}" for v in (interval.q05_rank, interval.q95_rank))
    # rows in rank order, the best first
    assert [int(r[2]) for r in rows] == sorted(s.rank for s in scores.values())
    # the error-bar chart: one box [q05, q05, median, q95, q95] and one nominal dot per unit, by nominal rank
    option = chart(html, "chart-intervals")
    boxes, dots = option["series"][0]["data"], option["series"][1]["data"]
    ordered = sorted(intervals.values(), key=lambda i: (i.nominal_rank, i.region.name_zh))
    assert [b["value"] for b in boxes] == [[i.q05_rank, i.q05_rank, i.median_rank, i.q95_rank, i.q95_rank]
                                           for i in ordered]
    assert [d["value"][0] for d in dots] == [i.nominal_rank for i in ordered]
    assert option["yAxis"]["data"][0] == "上海市"


def test_the_nominal_ranks_of_the_analysis_agree_with_the_build(runs):
    """The page pairs a build with the analysis of the same spec and data: the analysis's
    nominal rank is the build's rank (a check of the pairing rule, on the stored rows)."""
    built = dict(IndexScore.objects.filter(run=runs["build"], node="HQD").values_list("unit_code", "rank"))
    nominal = dict(IndexRankInterval.objects.filter(run=runs["uncertainty"]).values_list("unit_code", "nominal_rank"))
    assert runs["build"].data_hash == runs["uncertainty"].data_hash
    assert {u: float(r) for u, r in built.items()} == nominal


def test_the_tree_shows_a_units_score_at_every_level(users, runs):
    response = client_of(users["js_office"]).get(f"/indices/runs/{runs['build'].pk}/?unit=320500")
    tree = response.context["tree"]
    stored = {s.node: s for s in IndexScore.objects.filter(run=runs["build"], unit_code="320500")}
    assert len(tree) == 16 and {n["code"] for n in tree} == set(stored)
    assert all(n["score"] == stored[n["code"]].score and n["rank"] == stored[n["code"]].rank for n in tree)
    assert [n["depth"] for n in tree[:4]] == [0, 1, 2, 2]  # HQD → innovation → its two indicators
    assert response.context["unit_name"] == "苏州市"


def test_a_node_shows_its_own_ranking_and_says_the_intervals_are_of_the_index(users, runs):
    response = client_of(users["js_office"]).get(f"/indices/runs/{runs['build'].pk}/?node=green")
    stored = dict(IndexScore.objects.filter(run=runs["build"], node="green").values_list("unit_code", "rank"))
    assert {r["code"]: r["rank"] for r in response.context["rows"]} == stored
    assert response.context["chart_intervals"] is None and response.context["chart_scores"] is not None
    assert "排名区间只针对“高质量发展指数”" in response.content.decode()


def test_the_sobol_indices_and_the_map_are_shown(users, runs):
    html = client_of(users["js_office"]).get(f"/indices/runs/{runs['build'].pk}/").content.decode()
    stored = list(IndexSensitivity.objects.filter(run=runs["sensitivity"]).order_by("-st"))
    option = chart(html, "chart-sobol")
    assert [b["value"][2] for b in option["series"][0]["data"]] == [s.s1 for s in stored]
    assert [b["value"][2] for b in option["series"][1]["data"]] == [s.st for s in stored]
    assert option["series"][1]["data"][0]["value"][3] == pytest.approx(stored[0].st + stored[0].st_conf)
    geo = chart(html, "chart-map")["series"][0]["data"]
    shanghai = IndexScore.objects.get(run=runs["build"], node="HQD", unit_code="310000")
    assert len(geo) == 41 and {"name": "上海市", "value": round(shanghai.score, 2)}.items() <= \
        next(d for d in geo if d["name"] == "上海市").items()
    assert "示意图" in html


def test_the_ranking_downloads_as_shown(users, runs):
    response = client_of(users["js_office"]).get(f"/indices/runs/{runs['build'].pk}/?sort=-score&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["单元", "单元代码", "年份", "节点", "得分", "排名"]
    stored = IndexScore.objects.filter(run=runs["build"], node="HQD").order_by("-score")
    assert [r[1] for r in rows[1:]] == [s.unit_code for s in stored]
    assert float(rows[1][4]) == stored[0].score


def test_unknown_runs_nodes_years_and_units_are_404(users, runs):
    office = client_of(users["js_office"])
    url = f"/indices/runs/{runs['build'].pk}/"
    assert office.get("/indices/runs/999999/").status_code == 404
    assert office.get(url + "?node=nonsense").status_code == 404
    assert office.get(url + "?year=1999").status_code == 404
    assert office.get(url + "?unit=999999").status_code == 404
    assert office.get(url + "?sort=drop").status_code == 404


def test_the_list_shows_the_shipped_spec_and_the_runs_newest_first(users, runs):
    response = client_of(users["njnu_researcher"]).get(LIST)
    assert response.status_code == 200
    assert [s["name"] for s in response.context["specs"]] == ["yrd_hqd"]
    shown = [row["run"].pk for row in response.context["rows"]]
    assert shown == sorted((r.pk for r in runs.values()), reverse=True)
    assert response.context["form"] is not None  # a researcher may start runs


# ---------------------------------------------------------------------------- the public


def test_the_public_sees_published_runs_only(users, runs):
    public, url = Client(), f"/indices/runs/{runs['build'].pk}/"
    assert public.get(url).status_code == 404
    assert public.get(LIST).context["rows"] == []
    assert "尚无公开的指数运行" in public.get(LIST).content.decode()
    response = client_of(users["js_office"]).post(f"/indices/runs/{runs['build'].pk}/publish/", {"action": "publish"})
    assert response.status_code == 302
    # the run and the analyses its page shows are published together
    assert set(IndexRun.objects.filter(is_published=True).values_list("pk", flat=True)) == {r.pk for r in runs.values()}
    response = public.get(url)
    assert response.status_code == 200 and response.context["chart_intervals"] is not None
    assert response.context["form"] is None and "公开本页的运行" not in response.content.decode()
    client_of(users["js_office"]).post(f"/indices/runs/{runs['build'].pk}/publish/", {"action": "withdraw"})
    assert public.get(url).status_code == 404


def test_an_unpublished_analysis_is_not_shown_beside_a_published_build(users, runs):
    IndexRun.objects.filter(pk=runs["build"].pk).update(is_published=True)
    response = Client().get(f"/indices/runs/{runs['build'].pk}/")
    assert response.status_code == 200
    assert response.context["chart_intervals"] is None and response.context["chart_sobol"] is None
    assert Client().get(f"/indices/runs/{runs['uncertainty'].pk}/").status_code == 404


@pytest.mark.parametrize("username", [None, "nj_stats", "js_kjt"])
def test_who_may_not_run_cannot_publish(users, runs, username):
    client = client_of(users[username] if username else None)
    response = client.post(f"/indices/runs/{runs['build'].pk}/publish/", {"action": "publish"})
    if username is None:  # the public is sent to sign in (the role matrix's rule)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in (403, 404)
    assert not IndexRun.objects.filter(is_published=True).exists()


# ---------------------------------------------------------------------------- starting runs


@pytest.mark.parametrize("username", [None, "nj_stats", "js_kjt"])
def test_who_may_not_run_gets_403_and_nothing_is_queued(users, username):
    response = client_of(users[username] if username else None).post(
        START, {"kind": "build", "spec": "yrd_hqd", "years": "2017"})
    if username is None:  # the public is sent to sign in (the role matrix's rule)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    assert not Job.objects.exists()


def test_a_forged_post_without_csrf_is_refused(users):
    client = client_of(users["js_office"], enforce_csrf_checks=True)
    assert client.post(START, {"kind": "build", "spec": "yrd_hqd", "years": "2017"}).status_code == 403
    assert not Job.objects.exists()


def test_the_office_queues_a_build_and_the_worker_stores_it(users):
    office = client_of(users["js_office"])
    response = office.post(START, {"kind": "build", "spec": "yrd_hqd", "years": "2016-2017"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/indices/jobs/{job.pk}/"
    assert (job.kind, job.status, job.created_by) == ("index.build", JobStatus.QUEUED, users["js_office"])
    assert job.parameters["spec"] == "yrd_hqd" and job.parameters["years"] == [2016, 2017]
    assert not IndexRun.objects.exists()  # nothing is computed inside the request
    page = office.get(f"/indices/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in page.content.decode()  # the page polls while the job waits

    assert run_next().status == JobStatus.DONE
    run = IndexRun.objects.get()
    job.refresh_from_db()
    assert (run.kind, run.years, run.run_by, run.is_published) == (IndexRunKind.BUILD, [2016, 2017],
                                                                   users["js_office"], False)
    assert job.result_url == f"/indices/runs/{run.pk}/" and job.progress == 100
    assert IndexScore.objects.filter(run=run, node="HQD").count() == 82  # 41 cities × 2 years
    weights = {w["node"]: w for w in run.summary["weights"]}  # the weights the build used are kept
    assert weights["innovation"]["share"] == pytest.approx(0.2)  # five dimensions, given weight 1 each
    page = office.get(f"/indices/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in page and f'href="/indices/runs/{run.pk}/"' in page  # polling stops, result linked


def test_a_researcher_queues_an_uncertainty_run_that_comes_with_its_build(users):
    researcher = client_of(users["njnu_researcher"])
    response = researcher.post(START, {"kind": "uncertainty", "spec": "yrd_hqd", "years": "2017", "runs": "40",
                                       "seed": "5"})
    assert response.status_code == 302
    assert run_next().status == JobStatus.DONE
    analysis = IndexRun.objects.get(kind=IndexRunKind.UNCERTAINTY)
    built = IndexRun.objects.get(kind=IndexRunKind.BUILD)
    assert (analysis.runs, analysis.seed, analysis.years) == (40, 5, [2017])
    assert analysis.data_hash == built.data_hash and IndexRankInterval.objects.filter(run=analysis).count() == 41
    page = researcher.get(f"/indices/runs/{analysis.pk}/")
    assert page.status_code == 200 and page.context["build"] == built and page.context["chart_intervals"]


def test_a_failed_job_shows_its_worded_error_and_a_retry(users):
    office = client_of(users["js_office"])
    office.post(START, {"kind": "build", "spec": "yrd_hqd", "years": "2017"})
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(parameters={**job.parameters, "spec": "gone_spec"})  # a spec removed since
    failed = run_next()
    assert failed.status == JobStatus.FAILED and "未知的指数定义：gone_spec" in failed.error
    html = office.get(f"/indices/jobs/{job.pk}/").content.decode()
    assert "运行失败" in html and "gone_spec" in html and "以相同参数重新运行" in html
    assert not IndexRun.objects.exists()


@pytest.mark.parametrize("data, field, message", [
    ({"kind": "uncertainty", "years": "2016-2017"}, "years", "只接受一个年份"),
    ({"kind": "build", "years": "1800"}, "years", "没有 1800 年的数据"),
    ({"kind": "build", "years": "twenty"}, "years", "年份应写作"),
    ({"kind": "uncertainty", "years": "2017", "runs": "999999"}, "runs", "应在 10 到 5000 之间"),
    ({"kind": "build", "years": "2017", "spec": "no_such_spec"}, "spec", ""),
])
def test_a_bad_start_form_says_what_is_wrong_and_queues_nothing(users, data, field, message):
    response = client_of(users["js_office"]).post(START, {"spec": "yrd_hqd", **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert not Job.objects.exists()


def test_someone_elses_job_is_404(users):
    client_of(users["js_office"]).post(START, {"kind": "build", "spec": "yrd_hqd", "years": "2017"})
    job = Job.objects.get()
    assert client_of(users["njnu_researcher"]).get(f"/indices/jobs/{job.pk}/").status_code == 404
    public = Client().get(f"/indices/jobs/{job.pk}/")  # jobs are private: the public is sent to sign in
    assert public.status_code == 302 and public["Location"].startswith("/accounts/login/")
