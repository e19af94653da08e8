"""The embedded ledger: seed 001's plan, its measures, the demonstration tasks and history."""

import datetime as dt

import pytest

from deltawatch.plans.choices import State
from deltawatch.plans.defaults import load_plans_default
from deltawatch.plans.models import Assignment, JournalEntry, Measure, Plan, Section, Task
from deltawatch.plans.services import plan_rollup

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def test_the_default_ledger_loads_once_and_marks_what_is_invented():
    load_plans_default(None, today=TODAY, progress=lambda *a: None)
    plan = Plan.objects.get(code="js-implementation")
    assert plan.parent.code == "yrd-outline-2019" and plan.owner.code == "js-yrd-office" and not plan.is_example
    assert Section.objects.filter(plan=plan, parent=None).count() == 4      # 一 … 四
    assert Section.objects.filter(plan=plan, number="三(七)").exists()
    measure = Measure.objects.get(code="三(一)-1")
    assert measure.title == "联合提升原始创新能力" and measure.source_sentence.startswith("联合提升原始创新能力。走“科创+产业”道路")
    assert Task.objects.filter(plan=plan).count() == Measure.objects.count() == 58
    assert not Task.objects.filter(plan=plan, is_example=False).exists()
    assert Assignment.objects.filter(task__plan=plan, state=State.CLOSE_REQUESTED).count() == 1
    assert Assignment.objects.filter(task__plan=plan, returns=1).count() == 1
    assert Task.objects.filter(plan=plan, status=State.CLOSED).count() == 1
    assert Task.objects.filter(plan=plan, due_date__lt=TODAY).exclude(status=State.CLOSED).count() == 1
    history = JournalEntry.objects.exclude(action="assign")
    assert all(e.detail.get("example") for e in history)
    # 23 rows of history.csv; 10 nodes set and 4 done (milestones.csv); one 批示 (instructions.csv)
    assert history.count() == 23 + 10 + 4 + 1
    # 16 demonstration tasks name the catalogue's indicators they serve (the seed names none)
    linked = Task.objects.filter(plan=plan, indicators__isnull=False).distinct()
    assert linked.count() == 16
    assert set(Task.objects.get(plan=plan, code="10").indicators.values_list("code", flat=True)) == {
        "rd_intensity", "invention_patents_per_10k"}
    whole = plan_rollup(plan, today=TODAY)["plan"].iloc[0]
    assert whole["total"] == 58 and whole["red"] == 1 and whole["yellow"] == 1
    before = (Task.objects.count(), JournalEntry.objects.count())
    load_plans_default(None, today=TODAY, progress=lambda *a: None)
    assert (Task.objects.count(), JournalEntry.objects.count()) == before
