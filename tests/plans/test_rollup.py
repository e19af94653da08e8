"""Roll-up sums on a small plan, by hand; the SQL lights equal the library's; baselines."""

import datetime as dt

import pytest

from deltawatch.methods.ledger import lights
from deltawatch.plans.choices import Action
from deltawatch.plans.models import Assignment, Measure, Section
from deltawatch.plans.services import (NewTask, baseline_slippage, create_task, freeze_baseline, inbox, light_case,
                                       plan_rollup, unit_league, warn_boundary)
from deltawatch.plans.workflow import transition
from deltawatch.regions.models import Region

from .conftest import TODAY

pytestmark = pytest.mark.django_db
D = dt.date


def act(assignment, action, user, **kwargs):
    assignment.refresh_from_db()
    return transition(assignment.pk, action, user, version=assignment.version, today=kwargs.pop("today", TODAY), **kwargs)


@pytest.fixture
def small(plan, units, people):
    """Chapter 三 with parts 三(一) and 三(二); three measures; five tasks led by 科技厅 (A, B, C)
    or 生态环境厅 (D, E), 发改委 participating in A and D. Today is Monday 3 March 2025; the
    warning window ends Monday 10 March.

    task  measure  due         lead's state at the end            light
    A     m1       2025-02-28  closed on 2025-02-27 (on time)     done
    B     m1       2025-03-05  in progress, returned once         yellow
    C     m2       2025-02-20  in progress                        red (overdue)
    D     m3       2025-12-31  assigned                           green
    E     m3       2025-02-25  closed on 2025-03-03 (late)        done
    """
    chapter = Section.objects.create(plan=plan, number="三", title="聚力高质量", order=1)
    part1 = Section.objects.create(plan=plan, number="三(一)", title="协同创新", parent=chapter, order=2)
    part2 = Section.objects.create(plan=plan, number="三(二)", title="基础设施", parent=chapter, order=3)
    m1 = Measure.objects.create(section=part1, code="m1", title="原始创新")
    m2 = Measure.objects.create(section=part1, code="m2", title="成果转化")
    m3 = Measure.objects.create(section=part2, code="m3", title="轨道交通")
    office, kjt, sthjt = people["office"], people["lead_dept"], people["partner_dept"]
    spec = [("A", m1, "js-kjt", ["js-drc"], D(2025, 2, 28)), ("B", m1, "js-kjt", [], D(2025, 3, 5)),
            ("C", m2, "js-kjt", [], D(2025, 2, 20)), ("D", m3, "js-sthjt", ["js-drc"], D(2025, 12, 31)),
            ("E", m3, "js-sthjt", [], D(2025, 2, 25))]
    tasks = {}
    for code, measure, lead, others, due in spec:
        tasks[code] = create_task(plan, NewTask(code=code, title=code, lead=units[lead], measure=measure,
                                                participants=[units[o] for o in others], start_date=D(2025, 1, 2),
                                                due_date=due), office, today=D(2025, 1, 2))
    lead = {code: t.assignments.get(role="lead") for code, t in tasks.items()}
    for code, user in (("A", kjt), ("B", kjt), ("C", kjt), ("E", sthjt)):
        act(lead[code], Action.ACCEPT, user)
    act(lead["A"], Action.REPORT, kjt, percent=100, text="完成")
    act(lead["A"], Action.REQUEST_CLOSE, kjt)
    act(lead["A"], Action.APPROVE, office, today=D(2025, 2, 27))
    act(lead["B"], Action.REPORT, kjt, percent=40, text="四成")
    act(lead["B"], Action.REQUEST_CLOSE, kjt)
    act(lead["B"], Action.RETURN, office, comment="材料不全")
    act(lead["C"], Action.REPORT, kjt, percent=20, text="两成")
    act(lead["E"], Action.REQUEST_CLOSE, sthjt)
    act(lead["E"], Action.APPROVE, office, today=D(2025, 3, 3))
    Region.objects.get(code="320000").tasks.add(tasks["A"], tasks["C"])
    return {"tasks": tasks, "lead": lead, "measures": (m1, m2, m3), "sections": (chapter, part1, part2)}


def test_the_plan_tree_sums_by_hand(plan, small):
    rollup = plan_rollup(plan, today=TODAY)
    m = rollup["measures"].set_index("measure")
    m1, m2, m3 = (x.pk for x in small["measures"])
    assert m.loc[m1, ["total", "closed", "red", "yellow", "green", "returns", "in_progress"]].tolist() == [2, 1, 0, 1, 0, 1, 1]
    assert m.loc[m2, ["total", "red", "overdue_open"]].tolist() == [1, 1, 1]
    assert m.loc[m3, ["total", "closed", "closed_on_time", "green", "assigned"]].tolist() == [2, 1, 0, 1, 1]
    # m1: A closed on time; B not yet due → on-time 1/1, closure 1/2; progress (100 + 40) / 2
    assert m.loc[m1, "on_time_rate"] == 1.0 and m.loc[m1, "closure_rate"] == 0.5 and m.loc[m1, "progress"] == 70.0
    # m3: E closed late; D open and not due → on-time 0/1
    assert m.loc[m3, "on_time_rate"] == 0.0
    s = rollup["sections"].set_index("section")
    chapter, part1, part2 = (x.pk for x in small["sections"])
    assert s.loc[part1, "total"] == 3 and s.loc[part2, "total"] == 2 and s.loc[chapter, "total"] == 5
    whole = rollup["plan"].iloc[0]
    # closed A, E; overdue open C → on-time 1 / 3; closure 2 / 5; returns 1
    assert whole["total"] == 5 and whole["closed"] == 2 and whole["returns"] == 1
    assert whole["on_time_rate"] == pytest.approx(1 / 3, abs=1e-12)
    assert whole["closure_rate"] == pytest.approx(2 / 5, abs=1e-12)
    assert (whole["red"], whole["yellow"], whole["green"]) == (1, 1, 1)


def test_the_unit_league_counts_lead_and_participating_parts(plan, small):
    league = unit_league(plan, today=TODAY).set_index("unit")
    kjt = league.loc["江苏省科学技术厅"]
    assert (kjt["total"], kjt["closed"], kjt["overdue_open"], kjt["returns"]) == (3, 1, 1, 1)
    assert kjt["on_time_rate"] == pytest.approx(0.5)          # A on time; C overdue
    assert kjt["closure_rate"] == pytest.approx(1 / 3)
    drc = league.loc["江苏省发展和改革委员会"]                 # participant in A (due 28 Feb, open) and D
    assert (drc["total"], drc["closed"], drc["overdue_open"], drc["on_time_rate"]) == (2, 0, 1, 0.0)
    assert list(league.index[:1]) == ["江苏省科学技术厅"]     # best on-time rate first


def test_the_sql_lights_equal_the_library(plan, small):
    warn_last = warn_boundary(TODAY)
    rows = list(Assignment.objects.filter(task__plan=plan).annotate(light=light_case(TODAY, warn_last))
                .values_list("due_date", "state", "light"))
    expected = lights([r[0] for r in rows], [r[1] in ("assigned", "in_progress", "close_requested") for r in rows],
                      TODAY, warn_last)
    assert [r[2] for r in rows] == list(expected)


def test_the_inbox_of_a_unit(plan, small, units):
    box = inbox(units["js-kjt"], today=TODAY)
    assert box["counts"] == {"to_accept": 0, "in_progress": 2, "due_soon": 1, "overdue": 1, "to_review": 0}
    assert [a.task.code for a in box["items"]["overdue"]] == ["C"]
    office = inbox(units["js-yrd-office"], today=TODAY)
    assert office["counts"]["to_review"] == 0
    drc = inbox(units["js-drc"], today=TODAY)
    assert (drc["counts"]["to_accept"], drc["counts"]["overdue"]) == (2, 1)


def test_baseline_slippage(plan, small, people):
    baseline = freeze_baseline(plan, "年初基线", people["office"])
    lead = small["lead"]
    act(lead["B"], Action.REQUEST_EXTENSION, people["lead_dept"], comment="需补充材料", new_due=D(2025, 3, 31))
    act(lead["B"], Action.APPROVE_EXTENSION, people["office"])
    act(lead["D"], Action.ADJUST, people["office"], comment="调整", new_due=D(2026, 1, 15))
    act(lead["C"], Action.ADJUST, people["office"], comment="提前", new_due=D(2025, 2, 18))
    slipped = baseline_slippage(baseline)
    assert slipped["code"].tolist() == ["B", "D"]                      # C moved earlier: not a slip
    assert slipped["days"].tolist() == [26, 15]                        # 5 → 31 March; 31 Dec → 15 Jan
    # working days: (5 Mar, 31 Mar] = 18; (31 Dec 2025, 15 Jan 2026] = 10 (1 Jan 2026 is a holiday)
    assert slipped["workdays"].tolist() == [18, 10]


def test_the_counted_lights_equal_the_case_lights(plan, small):
    """The roll-up counts lights with filters; the SQL CASE (and so the library) must agree."""
    from collections import Counter

    warn_last = warn_boundary(TODAY)
    by_case = Counter(Assignment.objects.filter(task__plan=plan).annotate(light=light_case(TODAY, warn_last))
                      .values_list("light", flat=True))
    counted = unit_league(plan, today=TODAY)[["red", "yellow", "green"]].sum()
    assert (counted["red"], counted["yellow"], counted["green"]) == (by_case["red"], by_case["yellow"], by_case["green"])


def test_the_tree_of_a_selection_sums_the_selected_tasks(plan, small, people, client):
    """Filtered to the tasks 生态环境厅 takes part in (D and E, both under m3 in 三(二)): the rows
    of the tree count those two; the totals above stay the plan's."""
    m3 = small["measures"][2]
    chapter, part1, part2 = small["sections"]
    chosen = plan_rollup(plan, today=TODAY, tasks=plan.tasks.filter(code__in=["D", "E"]))
    assert chosen["measures"]["measure"].tolist() == [m3.pk]
    s = chosen["sections"].set_index("section")
    assert part1.pk not in s.index and s.loc[part2.pk, "total"] == 2 and s.loc[chapter.pk, "total"] == 2
    whole = chosen["plan"].iloc[0]
    # D open and not due, E closed late → closure 1 / 2, on time 0 / 1
    assert whole["closure_rate"] == 0.5 and whole["on_time_rate"] == 0.0
    client.force_login(people["office"])
    page = client.get(f"/plans/{plan.pk}/", {"unit": "js-sthjt"})
    rows = {(r["kind"], r["obj"].pk): r["rollup"] for r in page.context["tree"] if r["kind"] != "task"}
    assert rows[("section", chapter.pk)]["total"] == 2 and ("section", part1.pk) not in rows
    assert rows[("measure", m3.pk)]["closure_rate"] == 50.0
    assert page.context["whole"]["total"] == 5 and "筛选出的任务的汇总" in page.content.decode()
