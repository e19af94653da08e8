"""Departments as assessed units, and the task component read as of the end of the assessment
year (from dates and the journal, not today's states), checked by hand on a dated ledger."""

import datetime as dt
import math

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from deltawatch.assessment import services
from deltawatch.assessment.models import Adjustment, BenchmarkPair, PeerGroup, Scheme, UnitKind
from deltawatch.plans.choices import Action
from deltawatch.plans.services import NewTask, create_task, performance_as_of
from deltawatch.plans.workflow import transition
from deltawatch.regions.models import Region, RegionGroup
from tests.plans.conftest import people, plan, units  # noqa: F401 — fixtures of the small ledger

pytestmark = pytest.mark.django_db
D = dt.date


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


def act(assignment, action, user, day, **kwargs):
    assignment.refresh_from_db()
    return transition(assignment.pk, action, user, version=assignment.version, today=day, when=at(day), **kwargs)


@pytest.fixture
def dated(plan, units, people):  # noqa: F811 — pytest fixtures by name
    """Three tasks with a dated journal.

    task  lead     due         what happened
    A     科技厅   2025-06-30  reported 50 % (Mar), asked to close (1 Jun), returned (5 Jun),
                               asked again (10 Jun), approved 20 Jun 2025 — on time, one return
    B     科技厅   2025-09-30  reported 30 % (May 2025); still open — overdue at the end of 2025
    C     生态环境厅 2026-06-30  reported 80 % (Nov 2025); asked 10 Jan, approved 15 Jan 2026

    As of 31 Dec 2025: 科技厅 on-time 1/2, first pass 1 − 1/2, completion (100 + 30) / 2 %;
                       生态环境厅 nothing due, no request, completion 80 %.
    As of 1 Dec 2026:  生态环境厅 on-time 1/1, first pass 1, completion 100 %.
    """
    office, kjt, sthjt = people["office"], people["lead_dept"], people["partner_dept"]
    made = {}
    for code, lead, due in (("A", "js-kjt", D(2025, 6, 30)), ("B", "js-kjt", D(2025, 9, 30)),
                            ("C", "js-sthjt", D(2026, 6, 30))):
        task = create_task(plan, NewTask(code=code, title=code, lead=units[lead], start_date=D(2025, 1, 2),
                                         due_date=due), office, today=D(2025, 1, 2), when=at(D(2025, 1, 2)))
        made[code] = task.assignments.get(role="lead")
    a, b, c = made["A"], made["B"], made["C"]
    for assignment, user in ((a, kjt), (b, kjt), (c, sthjt)):
        act(assignment, Action.ACCEPT, user, D(2025, 1, 3))
    act(a, Action.REPORT, kjt, D(2025, 3, 1), percent=50, text="过半")
    act(a, Action.REQUEST_CLOSE, kjt, D(2025, 6, 1))
    act(a, Action.RETURN, office, D(2025, 6, 5), comment="材料不全")
    act(a, Action.REQUEST_CLOSE, kjt, D(2025, 6, 10))
    act(a, Action.APPROVE, office, D(2025, 6, 20))
    act(b, Action.REPORT, kjt, D(2025, 5, 1), percent=30, text="三成")
    act(c, Action.REPORT, sthjt, D(2025, 11, 1), percent=80, text="八成")
    act(c, Action.REQUEST_CLOSE, sthjt, D(2026, 1, 10))
    act(c, Action.APPROVE, office, D(2026, 1, 15))
    return made


def test_performance_as_of_a_past_year_end_by_hand(dated, units):  # noqa: F811
    frame = performance_as_of(D(2025, 12, 31)).set_index("unit_id")
    kjt, sthjt = frame.loc[units["js-kjt"].pk], frame.loc[units["js-sthjt"].pk]
    assert (kjt["total"], kjt["closed"], kjt["closed_on_time"], kjt["overdue_open"]) == (2, 1, 1, 1)
    assert kjt["on_time_rate"] == 0.5 and kjt["first_pass_rate"] == 0.5 and kjt["progress"] == 65.0
    assert (kjt["requests"], kjt["returns"]) == (2, 1)
    # C closed in January 2026: open and not yet due at the end of 2025
    assert (sthjt["closed"], sthjt["overdue_open"], sthjt["requests"]) == (0, 0, 0)
    assert math.isnan(sthjt["on_time_rate"]) and math.isnan(sthjt["first_pass_rate"]) and sthjt["progress"] == 80.0
    # before any task was made there is nothing
    assert performance_as_of(D(2024, 12, 31)).empty


def test_performance_today_counts_the_later_closure(dated, units):  # noqa: F811
    frame = performance_as_of(D(2026, 12, 1)).set_index("unit_id")
    sthjt = frame.loc[units["js-sthjt"].pk]
    assert (sthjt["closed"], sthjt["on_time_rate"], sthjt["first_pass_rate"], sthjt["progress"]) == (1, 1.0, 1.0, 100.0)


def department_scheme(**definition) -> Scheme:
    raw = {"components": [{"code": "on_time", "kind": "tasks", "part": "on_time_rate", "weight": 0.5},
                          {"code": "all", "kind": "tasks", "weight": 0.5}],
           "min_share": 0.5, "runs": 40, "seed": 5, "grading": {"cutoffs": {"优秀": 90, "良好": 70, "一般": 50}}}
    raw.update(definition)
    return Scheme.objects.create(code="dept", name_zh="部门考核", group=RegionGroup.objects.get(code="yrd"),
                                 unit_kind=UnitKind.DEPARTMENT, year=2025, definition=raw)


def test_a_scheme_of_departments_scores_them_by_hand(dated, units):  # noqa: F811
    scheme = department_scheme()
    codes = set(scheme.units().values_list("code", flat=True))
    assert {"js-kjt", "js-sthjt", "js-drc"} <= codes and "nj-gov" not in codes and "js-yrd-office" not in codes
    Adjustment.objects.create(scheme=scheme, organisation=units["js-kjt"], year=2025, points=-5, reason="示例：扣分")
    run = services.run_scheme(scheme)
    results = {r.organisation.code: r for r in run.results.select_related("organisation")}
    kjt, sthjt = results["js-kjt"], results["js-sthjt"]
    # 科技厅: on-time 50; all parts (50 + 50 + 65) / 3 = 55; score (50 + 55) / 2 − 5 = 47.5
    assert kjt.components == {"on_time": pytest.approx(50.0), "all": pytest.approx(55.0)}
    assert kjt.score == pytest.approx(47.5, abs=1e-9) and kjt.bonus == -5 and kjt.grade == "较差"
    # 生态环境厅 lacks the on-time part at the end of 2025 (nothing due): scored on the rest, said
    assert sthjt.components["on_time"] is None and sthjt.missing == "on_time" and sthjt.score == pytest.approx(80.0)
    assert sthjt.rank == 1 and kjt.rank == 2 and all(r.region_id is None for r in results.values())
    # a department without any assignment has no task component at all: not scored, not zero
    assert results["js-drc"].score is None and results["js-drc"].missing == "on_time, all"


def test_a_department_scheme_refuses_what_belongs_to_regions(dated, units):  # noqa: F811
    with pytest.raises(services.SchemeError, match="部门考核方案只能包含任务落实"):
        services.run_scheme(department_scheme(components=[{"code": "p", "kind": "progress", "weight": 1}]))
    scheme = Scheme.objects.get(code="dept")
    with pytest.raises(services.SchemeError, match="不能按指标聚类"):
        services.cluster_scheme(scheme, indicators=["gdp"], year=2025)
    with pytest.raises(ValidationError, match="没有对照学习"):
        BenchmarkPair(scheme=scheme, region=Region.objects.get(code="320100"),
                      benchmark=Region.objects.get(code="320500")).full_clean()
    with pytest.raises(services.SchemeError, match="任务指标"):
        services.Definition.read({"components": [{"code": "x", "kind": "tasks", "part": "speed", "weight": 1}]})


def test_peer_groups_and_adjustments_of_departments(dated, units):  # noqa: F811
    scheme = department_scheme()
    PeerGroup.objects.create(scheme=scheme, organisation=units["js-kjt"], label="经济")
    PeerGroup.objects.create(scheme=scheme, organisation=units["js-sthjt"], label="民生")
    run = services.run_scheme(scheme)
    kjt = run.results.get(organisation=units["js-kjt"])
    assert kjt.peer_group == "经济" and kjt.group_rank == 1
    with pytest.raises(services.SchemeError, match="理由"):
        services.add_adjustment(scheme, unit=units["js-kjt"], year=2025, points=2, reason=" ")
    item = services.add_adjustment(scheme, unit=units["js-kjt"], year=2025, points=2, reason="示例：加分")
    assert item.organisation == units["js-kjt"] and item.region is None and item.unit == units["js-kjt"]


def test_a_region_scheme_reads_the_ledger_at_the_end_of_its_year(dated, units):  # noqa: F811
    """Jiangsu's departments sit in the province's region: 320000's task component as of
    2025 and as of today differ as the ledger did."""
    scheme = Scheme.objects.create(code="prov", name_zh="省级", group=RegionGroup.objects.get(code="yrd"), year=2025,
                                   definition={"components": [{"code": "tasks", "kind": "tasks", "weight": 1}],
                                               "runs": 20, "seed": 1})
    then = services.component_scores(scheme, services.Definition.read(scheme.definition), 2025)["tasks"]
    # 江苏 (科技厅 and 生态环境厅 together): on-time 1/2, first pass 1/2, completion (100 + 30 + 80) / 3 %
    assert then["320000"] == pytest.approx(100 * (0.5 + 0.5 + 0.7) / 3)
    now = services.component_scores(scheme, services.Definition.read(scheme.definition), 2026)["tasks"]
    # by today C is closed on time: on-time 2/3, first pass 2 − 1 of 2 … (requests 3, returns 1), completion 230 / 3
    assert now["320000"] == pytest.approx(100 * (2 / 3 + 2 / 3 + (100 + 30 + 100) / 300) / 3)
