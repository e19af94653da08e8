"""The progress bulletin: on a small world of stored runs, assessments and status changes (made
by hand on top of the embedded default's targets) its counts, sentences, change table and
at-risk list equal the stored figures and a hand count; a period without runs says so; a
failing section is marked failed and the others stay."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from deltawatch.indicators.models import Target
from deltawatch.methods.progress import STATUSES, rollup
from deltawatch.progress.models import ProgressAssessment, ProgressRun, StatusChange
from deltawatch.progress.services import stored_assessments
from deltawatch.reports import document as doc
from deltawatch.reports import sections_progress as sp
from deltawatch.reports.periods import Period

pytestmark = pytest.mark.django_db


def at(day: str):
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T10:00:00"))


def make_run(day: str) -> ProgressRun:
    return ProgressRun.objects.create(method="opensdg", started_at=at(day))


def assess(run, target, status, ratio=None):
    return ProgressAssessment.objects.create(
        run=run, method="opensdg", key=f"T{target.pk}", target=target, indicator=target.indicator,
        region=target.region, group=target.group, target_year=target.target_year, comparator=target.comparator,
        target_value=target.value, latest_year=2021, latest_value=1.5, ratio=ratio, status=status, rule="target")


def change(run, target, old, new):
    return StatusChange.objects.create(run=run, method="opensdg", key=f"T{target.pk}", target=target,
                                       indicator=target.indicator, region=target.region, group=target.group,
                                       old_status=old, new_status=new, changed_at=run.started_at)


@pytest.fixture
def world():
    """Three runs (March and September 2025, February 2026) over four targets.

    now (run 3):   a achieved, b deteriorating, c limited_progress, d on_track
    run 2 changed: b on_track → deteriorating
    run 3 changed: c acceleration_needed → limited_progress, d deteriorating → on_track
    so run 2 said: a achieved, b deteriorating, c acceleration_needed, d deteriorating
    """
    targets = list(Target.objects.filter(is_numeric=True).order_by("id")[:4])
    _a, b, c, d = targets
    r1, r2, r3 = make_run("2025-03-01"), make_run("2025-09-01"), make_run("2026-02-01")
    for target, status in zip(targets, ["achieved", "deteriorating", "limited_progress", "on_track"]):
        assess(r3, target, status, ratio=0.5)
    changes = [change(r2, b, "on_track", "deteriorating"), change(r3, c, "acceleration_needed", "limited_progress"),
               change(r3, d, "deteriorating", "on_track")]
    return {"targets": dict(zip("abcd", targets)), "runs": (r1, r2, r3), "changes": changes}


def section(content, code):
    return next(s for s in doc.walk(content["sections"]) if s["code"] == code)


def paragraphs(sec):
    return [b["text"] for b in sec["blocks"] if b["type"] == "paragraph"]


def table(sec):
    return next(b for b in sec["blocks"] if b["type"] == "table")


def test_the_current_bulletin_counts_equal_the_stored_assessments(world):
    content = sp.build(Period.parse("2026Q1"))
    overview = section(content, "overview")
    stored = stored_assessments("opensdg")
    expected = rollup(stored[stored["target_id"].notna()], []).iloc[0]
    assert overview["facts"]["assessed"] == int(expected["assessed"]) == 4
    for code in STATUSES:
        assert overview["facts"][code] == int(expected[code])
    # the hand count
    assert (overview["facts"]["achieved"], overview["facts"]["deteriorating"], overview["facts"]["limited_progress"],
            overview["facts"]["on_track"]) == (1, 1, 1, 1)
    sentence = paragraphs(overview)[0]
    assert "4 项目标" in sentence and "已实现目标 1 项" in sentence and "出现倒退 1 项" in sentence
    assert f"第 {world['runs'][2].id} 次运行" in sentence
    assert table(overview)["rows"][0]["assessed"] == 4
    assert content["sources"]["progress_runs"] == [world["runs"][2].id]
    assert content["sources"]["previous_progress_run"] == world["runs"][1].id


def test_an_earlier_period_reports_what_its_run_said_read_back_from_the_change_log(world):
    content = sp.build(Period.parse("2025"))
    facts = section(content, "overview")["facts"]
    # run 2: a achieved, b deteriorating, c acceleration_needed, d deteriorating
    assert (facts["achieved"], facts["deteriorating"], facts["acceleration_needed"], facts["limited_progress"],
            facts["on_track"]) == (1, 2, 1, 0, 0)
    risk = section(content, "at_risk")
    assert risk["facts"] == {"at_risk": 2, "limited_progress": 0, "deteriorating": 2}
    assert sorted(r["status_code"] for r in table(risk)["rows"]) == ["deteriorating", "deteriorating"]
    assert content["sources"]["progress_runs"] == [world["runs"][1].id]


def test_the_changes_table_is_the_stored_change_log_of_the_period(world):
    r3 = world["runs"][2]
    content = sp.build(Period.parse("2026Q1"))
    changes = section(content, "changes")
    log = list(StatusChange.objects.filter(run__in=[r3], target__isnull=False).order_by("changed_at", "id")
               .values_list("old_status", "new_status"))
    rows = table(changes)["rows"]
    assert [(r["old_status"], r["new_status"]) for r in rows] == log and len(log) == 2
    assert changes["facts"] == {"changes": 2, "better": 1, "worse": 1}  # d improved, c got worse
    assert "2 项目标的进展状态发生变化，其中好转 1 项、变差 1 项" in paragraphs(changes)[0]
    target = world["targets"]["d"]
    row = next(r for r in rows if r["new_status"] == "on_track")
    assert row["from"] == "出现倒退" and row["to"] == "按进度推进"
    assert row["indicator"] == target.indicator.name_zh


def test_the_bulletin_of_a_year_counts_the_changes_of_every_run_in_it(world):
    content = sp.build(Period.parse("2025"))
    rows = table(section(content, "changes"))["rows"]
    assert [(r["old_status"], r["new_status"]) for r in rows] == [("on_track", "deteriorating")]


def test_counts_by_area_and_region_add_up_to_the_total(world):
    content = sp.build(Period.parse("2026Q1"))
    by_area, by_region = section(content, "by_area"), section(content, "by_region")
    for sec in (by_area, by_region):
        rows = table(sec)["rows"]
        assert sum(r["assessed"] for r in rows) == 4
        assert sum(r["deteriorating"] for r in rows) == 1
        chart = next(b for b in sec["blocks"] if b["type"] == "chart")
        assert chart["option"]["animation"] is False
        assert sum(sum(v or 0 for v in s["data"]) for s in chart["option"]["series"]) == 4
    areas = {t.indicator.dimension.code for t in world["targets"].values()}
    assert len(table(by_area)["rows"]) == len(areas)


def test_a_period_before_the_first_run_reads_the_first_run_after_it(world):
    """A report written later about a past year reads the first assessment made after that
    year (later runs do not change it: a regeneration gives the same)."""
    content = sp.build(Period.parse("2024"))
    assert content["sources"]["progress_runs"][0] == world["runs"][0].id
    assert sp.build(Period.parse("2024"))["sources"] == content["sources"]


def test_a_period_without_runs_says_so_and_does_not_fail(db):
    from deltawatch.progress.models import ProgressRun

    assert not ProgressRun.objects.exists()
    content = sp.build(Period.parse("2024"))
    assert [s["status"] for s in content["sections"]] == ["empty"] * 5
    assert "尚无目标进展评估运行" in paragraphs(content["sections"][0])[0]
    assert content["sources"]["progress_runs"] == []


def test_no_change_since_the_last_bulletin_is_said(world):
    content = sp.build(Period.parse("2026Q2"))  # run 3 (February) is before the quarter: nothing new
    changes = section(content, "changes")
    assert changes["status"] == "ok" and changes["facts"]["changes"] == 0
    assert "没有目标的进展状态发生变化" in paragraphs(changes)[0]


def test_a_failing_section_is_marked_failed_and_the_others_stay(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(sp, "risk_section", broken)
    content = sp.build(Period.parse("2026Q1"))
    assert section(content, "at_risk")["status"] == "failed"
    assert "boom" in paragraphs(section(content, "at_risk"))[0]
    assert section(content, "overview")["status"] == "ok"


def test_the_bulletin_in_english(world):
    with translation.override("en"):
        content = sp.build(Period.parse("2026Q1"))
    assert content["title"] == "Target progress bulletin"
    overview = section(content, "overview")
    assert "Target achieved" in paragraphs(overview)[0] and "项" not in paragraphs(overview)[0]
