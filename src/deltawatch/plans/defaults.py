"""Load the embedded task ledger (``defaults/data/plans``, described in its SOURCES.md).

The plan, its sections and measures come from seed 001's text; the tasks, their assignments
and their short history are demonstration (示例), dated relative to the day they are loaded so
that the pages always show work due soon, overdue, waiting for review and returned. Loading
again changes nothing: the plan's tasks are made (with their history) only when it has none.
"""

from __future__ import annotations

import csv
import datetime as dt
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from deltawatch.defaults import data_dir

from .choices import Action, State, UnitRole
from .models import Assignment, Measure, Plan, Section, Task


def _read(name: str) -> list[SimpleNamespace]:
    with open(data_dir() / "plans" / name, encoding="utf-8", newline="") as handle:
        return [SimpleNamespace(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(handle)]


def load_organisations() -> int:
    from deltawatch.accounts.models import Organisation
    from deltawatch.accounts.services import load_sample_organisations
    from deltawatch.regions.models import Region

    load_sample_organisations()
    regions = dict(Region.objects.values_list("code", "id"))
    made = 0
    for row in _read("organisations.csv"):
        _, created = Organisation.objects.get_or_create(code=row.code, defaults={
            "name_zh": row.name_zh, "name_en": row.name_en, "kind": row.kind, "region_id": regions.get(row.region),
            "parent": Organisation.objects.filter(code=row.parent).first() if row.parent else None, "is_sample": True})
        made += created
    return made


def load_plans() -> dict[str, Plan]:
    from deltawatch.accounts.models import Organisation

    plans = {}
    for row in _read("plans.csv"):
        plan, _ = Plan.objects.get_or_create(code=row.code, defaults={
            "name_zh": row.name_zh, "name_en": row.name_en, "kind": row.kind, "period_start": int(row.period_start),
            "period_end": int(row.period_end), "owner": Organisation.objects.get(code=row.owner),
            "parent": plans.get(row.parent), "source": row.source, "is_example": row.is_example == "1"})
        plans[row.code] = plan
    return plans


def load_structure(plan: Plan) -> dict[str, Measure]:
    sections = {}
    for row in _read("sections.csv"):
        sections[row.number], _ = Section.objects.get_or_create(plan=plan, number=row.number, defaults={
            "title": row.title, "order": int(row.order), "parent": sections.get(row.parent)})
    measures = {}
    for row in _read("measures.csv"):
        measures[row.code], _ = Measure.objects.get_or_create(section=sections[row.section], code=row.code, defaults={
            "title": row.title, "source_sentence": row.source_sentence, "source_location": row.source_location,
            "order": int(row.order)})
    return measures


def load_tasks(plan: Plan, measures: dict, user, today: dt.date) -> int:
    from deltawatch.accounts.models import Organisation
    from deltawatch.indicators.models import Indicator
    from deltawatch.regions.models import Region

    from .services import NewTask, create_task

    units = {o.code: o for o in Organisation.objects.all()}
    regions = dict(Region.objects.values_list("code", "id"))
    indicators = dict(Indicator.objects.values_list("code", "id"))
    start_of_history = timezone.now() - dt.timedelta(days=200)
    rows = _read("tasks.csv")
    for row in rows:
        task = create_task(plan, NewTask(
            code=row.code, title=row.title, description=row.description, lead=units[row.lead],
            participants=[units[c] for c in row.participants.split("、") if c],
            start_date=today + dt.timedelta(days=int(row.start_in_days)),
            due_date=today + dt.timedelta(days=int(row.due_in_days)), measure=measures.get(row.measure),
            is_example=True), user, today=today, when=start_of_history)
        task.regions.set([regions[c] for c in row.regions.split("、") if c in regions])
        task.indicators.set([indicators[c] for c in row.indicators.split("、") if c in indicators])
    return len(rows)


def load_history(plan: Plan, user, today: dt.date) -> int:
    from deltawatch.accounts.models import Organisation

    from .workflow import transition

    units = {o.code: o for o in Organisation.objects.all()}
    rows = _read("history.csv")
    for row in rows:
        task = Task.objects.get(plan=plan, code=row.task)
        assignment = Assignment.objects.get(task=task, role=UnitRole.LEAD)
        days_ago = int(row.days_ago)
        transition(assignment.pk, row.action, user, version=assignment.version, percent=int(row.percent) if row.percent else None,
                   text=row.text if row.action == Action.REPORT else "",
                   comment=row.text if row.action != Action.REPORT else "", today=today - dt.timedelta(days=days_ago),
                   when=timezone.now() - dt.timedelta(days=days_ago), on_behalf_of=units[row.unit])
    return len(rows)


def load_milestones_and_instructions(plan: Plan, today: dt.date) -> int:
    """The demonstration nodes (done or not) and the leader's instruction, with their journal
    entries (all 示例)."""
    from .models import JournalEntry, Milestone

    made = 0
    for order, row in enumerate(_read("milestones.csv"), start=1):
        task = Task.objects.get(plan=plan, code=row.task)
        done_on = today - dt.timedelta(days=int(row.done_days_ago)) if row.done_days_ago else None
        node = Milestone.objects.create(task=task, title=row.title, due_date=today + dt.timedelta(days=int(row.due_in_days)),
                                        deliverable=row.deliverable, done_on=done_on, order=order)
        JournalEntry.objects.create(task=task, action=Action.MILESTONE, comment=node.title,
                                    at=timezone.now() - dt.timedelta(days=190),
                                    detail={"milestone": node.pk, "due": str(node.due_date), "example": True})
        if done_on:
            JournalEntry.objects.create(task=task, action=Action.MILESTONE_DONE, at=timezone.now() - dt.timedelta(
                days=int(row.done_days_ago)), detail={"milestone": node.pk, "title": node.title, "due": str(node.due_date),
                                                      "done_on": str(done_on), "example": True,
                                                      "days_late": max((done_on - node.due_date).days, 0)})
        made += 1
    for row in _read("instructions.csv"):
        JournalEntry.objects.create(task=Task.objects.get(plan=plan, code=row.task), action=Action.INSTRUCT,
                                    comment=row.text, at=timezone.now() - dt.timedelta(days=int(row.days_ago)),
                                    detail={"leader": row.leader, "example": True})
    return made


def load_plans_default(user=None, today: dt.date | None = None, progress=print) -> dict:
    """Load (once) the plans, their structure, and the demonstration tasks with their history."""
    today = today or timezone.localdate()
    counts = {}
    with transaction.atomic():
        counts["organisations"] = load_organisations()
        plans = load_plans()
        plan = plans["js-implementation"]
        measures = load_structure(plan)
        if not plan.tasks.exists():
            counts["tasks"] = load_tasks(plan, measures, user, today)
            counts["history"] = load_history(plan, user, today)
            counts["milestones"] = load_milestones_and_instructions(plan, today)
    progress(f"任务清单：规划 {Plan.objects.count()}，举措 {Measure.objects.count()}，任务 {Task.objects.count()}"
             f"（示例 {Task.objects.filter(is_example=True).count()}），"
             f"待复核 {Assignment.objects.filter(state=State.CLOSE_REQUESTED).count()}")
    return counts
