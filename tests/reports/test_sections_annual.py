"""The annual evaluation report: the index chapter's ranks and intervals are the stored run's,
the assessment chapter's the stored results' (a hand-made run of three cities), an area's
41-city summary equals the stored values, the disparity sentences state the /regional/
analysis' numbers; a year without data gives sections that say so; a failing chapter is
marked failed; and the report of the embedded default holds about 30 charts and 5 maps."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import translation

from deltawatch.assessment.models import Result, Run, Scheme
from deltawatch.cli import main
from deltawatch.indices.models import IndexRankInterval, IndexRun, IndexScore
from deltawatch.observations.models import Observation
from deltawatch.regions.models import Region, RegionGroup
from deltawatch.reports import document as doc
from deltawatch.reports import sections_annual as sa
from deltawatch.reports.periods import Period

pytestmark = pytest.mark.django_db

DEFINITION = {"components": [{"code": "level", "kind": "index", "spec": "yrd_hqd", "weight": 1.0}], "runs": 10, "seed": 1}


def chapter_inputs(year):
    """What the index and assessment chapters read of the shared inputs."""
    return SimpleNamespace(year=year, used={"index_runs": [], "assessment_runs": [], "progress_runs": []})


def blocks(section, kind):
    return [b for b in section["blocks"] if b["type"] == kind]


@pytest.fixture
def index_runs(tmp_path):
    assert main(["index", "build", "yrd_hqd", "--year", "2017", "--save", "--out", str(tmp_path / "b.csv")]) == 0
    assert main(["index", "uncertainty", "yrd_hqd", "--year", "2017", "--runs", "40", "--save",
                 "--out", str(tmp_path / "u.csv")]) == 0
    return IndexRun.objects.get(kind="build"), IndexRun.objects.get(kind="uncertainty")


def test_the_index_table_holds_the_stored_ranks_and_intervals(index_runs):
    build, uncertainty = index_runs
    inputs = chapter_inputs(2017)
    chapter = sa.index_chapter(inputs)
    assert chapter["status"] == "ok" and inputs.used["index_runs"] == [build.id, uncertainty.id]
    table = blocks(chapter, "table")[0]
    assert next(c for c in table["columns"] if c["key"] == "rank")["format"] == "rank"
    scores = {s.unit_code: s for s in IndexScore.objects.filter(run=build, node="HQD", year=2017)}
    intervals = {i.unit_code: i for i in IndexRankInterval.objects.filter(run=uncertainty)}
    assert len(table["rows"]) == len(scores) == 41
    for row in table["rows"]:
        s, i = scores[row["code"]], intervals[row["code"]]
        assert row["rank"] == [s.rank, i.q05_rank, i.q95_rank]
        assert row["score"] == s.score and row["median"] == i.median_rank
    assert [r["rank"][0] for r in table["rows"]] == sorted(s.rank for s in scores.values())
    first = min(scores.values(), key=lambda s: s.rank)
    assert chapter["facts"]["first"] == first.unit_code
    assert Region.objects.get(code=first.unit_code).name_zh in blocks(chapter, "paragraph")[0]["text"]
    charts = blocks(chapter, "chart")
    assert [c["map"] for c in charts].count("yrd41") == 1
    assert len(charts) == 3 + 5  # intervals, scores, map, and the five pillars of the spec
    assert all(c["option"]["animation"] is False for c in charts)


def test_a_later_year_reports_the_latest_index_run_and_says_its_year(index_runs):
    chapter = sa.index_chapter(chapter_inputs(2021))
    assert chapter["facts"]["data_year"] == 2017
    assert "2017 年数据" in blocks(chapter, "paragraph")[0]["text"]


def test_a_year_before_every_index_run_is_an_empty_section(index_runs):
    chapter = sa.index_chapter(chapter_inputs(2010))
    assert chapter["status"] == "empty" and not blocks(chapter, "chart")


@pytest.fixture
def assessment_run():
    """Three cities: Nanjing 优秀 (rank 1 [1, 2]), Suzhou 优秀 (2 [1, 3]), Hefei 一般 (3 [2, 3])."""
    scheme = Scheme.objects.create(code="t3", name_zh="测试考核", group=RegionGroup.objects.get(code="yrd41"),
                                   year=2017, definition=DEFINITION)
    run = Run.objects.create(scheme=scheme, year=2017, definition=DEFINITION, runs=10, seed=1)
    for code, score, rank, low, high, grade in (("320100", 80.0, 1, 1, 2, "优秀"), ("320500", 78.5, 2, 1, 3, "优秀"),
                                                 ("340100", 60.25, 3, 2, 3, "一般")):
        Result.objects.create(run=run, region=Region.objects.get(code=code), score=score, rank=rank, q05_rank=low,
                              q95_rank=high, group_rank=rank, group_q05_rank=low, group_q95_rank=high, grade=grade)
    return run


def test_the_assessment_table_and_grade_counts_are_the_stored_results(assessment_run):
    inputs = chapter_inputs(2018)
    chapter = sa.assessment_chapter(inputs)
    assert inputs.used["assessment_runs"] == [assessment_run.id]
    table = blocks(chapter, "table")[0]
    stored = list(assessment_run.results.order_by("rank").values_list("region__code", "rank", "q05_rank", "q95_rank"))
    assert [(r["code"], *r["rank"]) for r in table["rows"]] == stored
    assert [r["grade"] for r in table["rows"]] == ["优秀", "优秀", "一般"]
    assert chapter["facts"]["优秀"] == 2 and chapter["facts"]["一般"] == 1 and chapter["facts"]["良好"] == 0
    counts = {r["grade"]: r["n"] for r in blocks(chapter, "table")[1]["rows"]}
    assert counts == {"优秀": 2, "良好": 0, "一般": 1, "较差": 0}
    assert "3 个单位，优秀 2 个，良好 0 个，一般 1 个，较差 0 个" in blocks(chapter, "paragraph")[0]["text"]
    maps = [c for c in blocks(chapter, "chart") if c["map"]]
    assert len(maps) == 1 and {d["name"] for d in maps[0]["option"]["series"][0]["data"]} == {"南京市", "苏州市", "合肥市"}


def test_a_year_before_the_assessment_is_an_empty_section(assessment_run):
    assert sa.assessment_chapter(chapter_inputs(2016))["status"] == "empty"


def test_an_areas_city_summary_equals_the_stored_values():
    inputs = sa.Inputs(2021, Period("year", 2021))
    section = sa.area_indicators(inputs, "economy")
    row = next(r for r in blocks(section, "table")[0]["rows"] if r["code"] == "gdp")
    cities = Observation.objects.filter(is_current=True, status="approved", indicator__code="gdp", year=2021,
                                        region__groups__code="yrd41")
    values = dict(cities.values_list("region__name_zh", "value"))
    assert row["year"] == 2021 and row["cities"] == len(values) == 41
    assert row["delta"] == pytest.approx(sum(values.values()), rel=1e-12)  # gdp is summed
    assert (row["best"], row["best_value"]) == max(values.items(), key=lambda kv: kv[1])
    assert (row["worst"], row["worst_value"]) == min(values.items(), key=lambda kv: kv[1])


def test_the_disparity_sentences_state_the_regional_analysis():
    from deltawatch.regional import views

    inputs = sa.Inputs(2021, Period("year", 2021))
    section = sa.disparity_section(inputs, "gdp_per_capita", True)
    result = views.analysis(sa.public(), "gdp_per_capita", section["facts"]["first"], section["facts"]["last"], True)
    d = result["disparity"]
    assert section["facts"]["cv_last"] == d["cv"][-1] and section["facts"]["beta"] == result["beta"]["beta"]
    text = " ".join(b["text"] for b in blocks(section, "paragraph"))
    assert f"{d['cv'][0]:.3f}" in text and f"{d['cv'][-1]:.3f}" in text and f"{d['gini'][-1]:.3f}" in text
    assert f"{result['beta']['beta']:.4f}" in text
    last = blocks(section, "table")[0]["rows"][-1]
    assert last["year"] == section["facts"]["last"] and last["cv"] == d["cv"][-1]
    assert [c["map"] for c in blocks(section, "chart")].count("yrd41") == 1  # the LISA map


def test_a_year_without_data_gives_sections_that_say_so():
    content = sa.build(Period("year", 1980))
    mine = [s for s in content["sections"] if s["code"] != "tasks"]
    assert all(s["status"] != "failed" for s in doc.walk(mine))
    leaves = [s for s in doc.walk(mine) if not s["sections"] and s["code"] != "disparity"]
    assert leaves and all(s["status"] == "empty" for s in leaves)
    assert not list(doc.blocks_of({"sections": mine}, "chart"))
    assert content["sources"]["index_runs"] == content["sources"]["assessment_runs"] == []


def test_a_failing_chapter_is_marked_failed_and_the_others_stay(monkeypatch):
    from deltawatch.reports import sections_tasks

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sa, "index_chapter", broken)
    monkeypatch.setattr(sections_tasks, "task_sections", broken)
    content = sa.build(Period("year", 1980))
    status = {s["code"]: s["status"] for s in content["sections"]}
    assert status["index"] == "failed" and status["tasks"] == "failed" and status["assessment"] == "empty"


def test_the_annual_report_of_the_embedded_default(tmp_path):
    """The default as ``deltawatch init`` leaves it, with a progress run and an index build and
    uncertainty run stored: about 30 charts and 5 maps, every run used recorded."""
    from deltawatch.assessment.defaults import load_assessment_default
    from deltawatch.progress.services import run_progress

    run_progress()
    load_assessment_default(None)
    assert main(["index", "build", "yrd_hqd", "--year", "2017", "--save", "--out", str(tmp_path / "b.csv")]) == 0
    assert main(["index", "uncertainty", "yrd_hqd", "--year", "2017", "--runs", "40", "--save",
                 "--out", str(tmp_path / "u.csv")]) == 0
    with translation.override("en"):
        content = sa.build(Period("year", dt.date.today().year))
    charts = list(doc.blocks_of(content, "chart"))
    maps = [c for c in charts if c["map"]]
    assert 25 <= len(charts) - len(maps) <= 40 and 5 <= len(maps) <= 8
    assert all(c["option"].get("animation") is False for c in charts)
    failed = [s["code"] for s in doc.walk(content["sections"]) if s["status"] == "failed"]
    assert failed == []
    assert content["title"].startswith("Evaluation report")
    assert len(content["sources"]["index_runs"]) == 2 and len(content["sources"]["assessment_runs"]) == 1
    assert len(content["sources"]["progress_runs"]) == 1
    codes = [s["code"] for s in content["sections"]]
    assert codes[0] == "progress" and codes[-4:] == ["disparity", "index", "assessment", "tasks"]
