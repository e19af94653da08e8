"""Writes that span models (new tasks with their assignments, instructions, baselines) and the
reads the pages and the CLI share (the calendar, lights, inbox, roll-up, league table).

Roll-ups are aggregate queries — ``GROUP BY`` in the database with the light computed by a
``CASE`` on the due date against two boundary dates worked out once in Python — and the rates
come from :func:`deltawatch.methods.ledger.rates` over the counts; no Python loop over tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from deltawatch.methods import ledger

from .choices import Action, Light, NoticeKind, OPEN_STATES, State, UnitRole
from .models import Assignment, Baseline, BaselineItem, JournalEntry, Milestone, Plan, Task
from .workflow import WorkflowError, user_unit

# ------------------------------------------------------------------------------ time


def warn_workdays() -> int:
    """Working days before the due date from which an open item is 黄 (DELTAWATCH_PLANS_WARN_DAYS)."""
    return getattr(settings, "PLANS_WARN_WORKDAYS", 5)


def accept_workdays() -> int:
    """Working days a unit has to sign for (签收) a new assignment."""
    return getattr(settings, "PLANS_ACCEPT_WORKDAYS", 3)


@lru_cache(maxsize=4)
def work_calendar(first_year: int = 2015, last_year: int = 2040) -> ledger.WorkCalendar:
    """The working-day calendar (cached per process: built once, ~10 ms)."""
    return ledger.WorkCalendar(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))


def warn_boundary(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return ledger.warn_until(today, warn_workdays(), work_calendar())


def light_case(today: dt.date, warn_last: dt.date, due="due_date", state="state") -> Case:
    """The light of a row as SQL (the same rule as ``methods.ledger.lights``)."""
    open_ = Q(**{f"{state}__in": OPEN_STATES})
    return Case(
        When(~open_, then=Value(Light.DONE)),
        When(Q(**{f"{due}__lt": today}), then=Value(Light.RED)),
        When(Q(**{f"{due}__lte": warn_last}), then=Value(Light.YELLOW)),
        default=Value(Light.GREEN), output_field=CharField())


# ------------------------------------------------------------------------------ writes


@dataclass
class NewTask:
    code: str
    title: str
    lead: object                      # Organisation
    participants: list = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    deadline_text: str = ""
    description: str = ""
    progress_note: str = ""
    measure: object = None
    category: str | None = None
    is_example: bool = False


def check_new_task(plan: Plan, item: NewTask) -> None:
    """The rules a new task must keep, worded: raise WorkflowError."""
    participants = item.participants or []
    if item.lead in participants:
        raise WorkflowError(_("任务 %(code)s：%(unit)s 已是牵头单位，不能同时作为参与单位。") % {"code": item.code, "unit": item.lead})
    if len({u.pk for u in participants}) != len(participants):
        raise WorkflowError(_("任务 %(code)s：参与单位重复。") % {"code": item.code})
    if item.start_date and item.due_date and item.due_date < item.start_date:
        raise WorkflowError(_("任务 %(code)s：完成时限（%(due)s）不能早于开始日期（%(start)s）。")
                            % {"code": item.code, "due": item.due_date, "start": item.start_date})


def create_task(plan: Plan, item: NewTask, user, *, today: dt.date | None = None, when=None) -> Task:
    """A task with one assignment per unit (交办), each journalled and notified."""

    check_new_task(plan, item)
    today = today or timezone.localdate()
    accept_by = work_calendar().add_workdays(today, accept_workdays())
    with transaction.atomic():
        task = Task.objects.create(
            plan=plan, code=item.code, title=item.title, description=item.description, lead_unit=item.lead,
            start_date=item.start_date, due_date=item.due_date, deadline_text=item.deadline_text,
            progress_note=item.progress_note, measure=item.measure, is_example=item.is_example,
            **({"category": item.category} if item.category else {}))
        units = [(item.lead, UnitRole.LEAD)] + [(u, UnitRole.PARTICIPANT) for u in item.participants or []]
        for unit, role in units:
            add_assignment(task, unit, role, user, accept_by=accept_by, when=when)
    return task


def add_assignment(task: Task, unit, role: str, user, *, accept_by=None, when=None) -> Assignment:
    from . import notify

    assignment = Assignment.objects.create(task=task, unit=unit, role=role, due_date=task.due_date, accept_by=accept_by)
    entry = JournalEntry.objects.create(task=task, assignment=assignment, action=Action.ASSIGN, from_state="",
                                        to_state=State.ASSIGNED, actor=user, actor_unit=user_unit(user),
                                        at=when or timezone.now(), version=1)
    notify.after_transition(Action.ASSIGN, assignment, entry)
    return assignment


def instruct(task: Task, user, text: str, leader: str = "") -> JournalEntry:
    """Record a leader's instruction (批示) on a task and tell every unit of the task."""
    from . import notify
    from .workflow import is_plan_office

    unit = user_unit(user)
    if not is_plan_office(user, task.plan):
        raise WorkflowError(_("只有该规划的长三角办可以录入领导批示。"))
    if not (text or "").strip():
        raise WorkflowError(_("请填写批示内容。"))
    with transaction.atomic():
        entry = JournalEntry.objects.create(task=task, action=Action.INSTRUCT, actor=user, actor_unit=unit,
                                            comment=text.strip(), detail={"leader": leader} if leader else {})
        for assignment in task.assignments.select_related("unit"):
            notify.send(NoticeKind.INSTRUCTION, assignment.unit,
                        notify.Wording(N_("领导批示：%(code)s %(title)s —%(text)s"),
                                       {"code": task.code, "title": task.title[:60], "text": text.strip()[:200]}),
                        task=task, assignment=assignment)
    return entry


# ------------------------------------------------------------------------------ milestones (节点)

def may_edit_milestones(user, task: Task) -> bool:
    """Who sets a task's nodes and marks them done: the plan's office, and the lead unit (its
    own plan of work: 施工图和时间表)."""
    from deltawatch.accounts.choices import Role
    from deltawatch.accounts.roles import roles_of

    from .workflow import is_plan_office

    unit = user_unit(user)
    if is_plan_office(user, task.plan):
        return True
    return unit is not None and unit.pk == task.lead_unit_id and Role.DEPARTMENT.value in roles_of(user)


def _require_milestone_editor(user, task: Task) -> None:
    if not may_edit_milestones(user, task):
        raise WorkflowError(_("只有该规划的长三角办或牵头单位可以设定和完成节点。"))


def add_milestone(task: Task, user, *, title: str, due_date: dt.date | None, deliverable: str = "") -> Milestone:
    """A node of the task, inside its dates, written to the journal (设定节点)."""
    _require_milestone_editor(user, task)
    title, deliverable = (title or "").strip(), (deliverable or "").strip()
    if not title:
        raise WorkflowError(_("请填写节点名称。"))
    if due_date is None:
        raise WorkflowError(_("请填写节点时间。"))
    if task.start_date and due_date < task.start_date:
        raise WorkflowError(_("节点时间（%(date)s）不能早于任务开始日期（%(start)s）。")
                            % {"date": due_date, "start": task.start_date})
    if task.due_date and due_date > task.due_date:
        raise WorkflowError(_("节点时间（%(date)s）不能晚于任务完成时限（%(due)s）；请先申请延期或调整任务。")
                            % {"date": due_date, "due": task.due_date})
    with transaction.atomic():
        milestone = Milestone.objects.create(task=task, title=title[:200], due_date=due_date,
                                             deliverable=deliverable[:200], order=task.milestones.count() + 1)
        JournalEntry.objects.create(task=task, action=Action.MILESTONE, actor=user, actor_unit=user_unit(user),
                                    comment=title, detail={"milestone": milestone.pk, "due": str(due_date),
                                                           "deliverable": deliverable})
    return milestone


def complete_milestone(milestone: Milestone, user, *, done_on: dt.date | None, comment: str = "",
                       today: dt.date | None = None) -> JournalEntry:
    """Mark a node done on a date (not in the future), with what was delivered; in the journal."""
    task = milestone.task
    _require_milestone_editor(user, task)
    today = today or timezone.localdate()
    if milestone.done_on:
        raise WorkflowError(_("节点“%(title)s”已于 %(date)s 完成。") % {"title": milestone.title, "date": milestone.done_on})
    if done_on is None:
        raise WorkflowError(_("请填写完成日期。"))
    if done_on > today:
        raise WorkflowError(_("完成日期（%(date)s）不能晚于今天。") % {"date": done_on})
    with transaction.atomic():
        if Milestone.objects.filter(pk=milestone.pk, done_on__isnull=True).update(done_on=done_on) != 1:
            raise WorkflowError(_("此节点已被他人标记完成，请刷新页面。"))
        late = (done_on - milestone.due_date).days
        return JournalEntry.objects.create(
            task=task, action=Action.MILESTONE_DONE, actor=user, actor_unit=user_unit(user),
            comment=(comment or "").strip(),
            detail={"milestone": milestone.pk, "title": milestone.title, "due": str(milestone.due_date),
                    "done_on": str(done_on), "days_late": max(late, 0)})


def milestone_light(milestone: Milestone, today: dt.date, warn_last: dt.date) -> str:
    """A node's light by the ledger's one rule (``methods.ledger.lights``): 完成 when done; 红
    past its date; 黄 due within the warning window; 绿 otherwise."""
    return ledger.lights([milestone.due_date], [milestone.done_on is None], today, warn_last)[0]


def set_parent(plan: Plan, parent: Plan | None) -> Plan:
    """Place a plan under another, refusing a cycle (worded ValidationError)."""
    plan.parent = parent
    plan.full_clean()
    plan.save()
    return plan


# ------------------------------------------------------------------------------ baselines


def freeze_baseline(plan: Plan, name: str, user=None) -> Baseline:
    """Freeze the start and due dates of every task of ``plan`` (two queries)."""
    with transaction.atomic():
        baseline = Baseline.objects.create(plan=plan, name=name, created_by=user)
        BaselineItem.objects.bulk_create(
            BaselineItem(baseline=baseline, task_id=pk, start_date=start, due_date=due)
            for pk, start, due in plan.tasks.values_list("pk", "start_date", "due_date"))
    return baseline


def baseline_slippage(baseline: Baseline) -> pd.DataFrame:
    """Tasks whose due date is later now than in the baseline, with the slip in calendar and
    working days (one query; tasks added since the baseline are not in it)."""
    rows = pd.DataFrame.from_records(
        BaselineItem.objects.filter(baseline=baseline).values_list(
            "task_id", "task__code", "task__title", "due_date", "task__due_date"),
        columns=["task", "code", "title", "baseline_due", "current_due"])
    slipped = rows.dropna(subset=["baseline_due", "current_due"])
    slipped = slipped[slipped["current_due"] > slipped["baseline_due"]].copy()
    slipped["days"] = (pd.to_datetime(slipped["current_due"]) - pd.to_datetime(slipped["baseline_due"])).dt.days
    slipped["workdays"] = work_calendar().workdays_between(slipped["baseline_due"].tolist(),
                                                           slipped["current_due"].tolist()) if len(slipped) else []
    return slipped.sort_values(["days", "code"], ascending=[False, True]).reset_index(drop=True)


# ------------------------------------------------------------------------------ reads

COUNT_COLUMNS = ["total", "closed", "closed_on_time", "overdue_open", "terminated", "returns", "red", "yellow",
                 "green", "assigned", "in_progress", "close_requested", "percent_sum"]


def _counts(queryset, group_by: list[str], today: dt.date, warn_last: dt.date) -> pd.DataFrame:
    """Counts by state and light of the assignments in ``queryset``, grouped (one query).

    The lights are plain filtered counts on the due date (the rule of ``light_case``, which
    the tests hold equal): a ``CASE`` annotation would be evaluated again inside each count."""
    open_ = Q(state__in=OPEN_STATES)
    closed = Q(state=State.CLOSED)
    rows = (queryset.values(*group_by).annotate(
        total=Count("id"),
        closed=Count("id", filter=closed),
        closed_on_time=Count("id", filter=closed & (Q(due_date__isnull=True) | Q(closed_on__lte=F("due_date")))),
        overdue_open=Count("id", filter=open_ & Q(due_date__lt=today)),
        terminated=Count("id", filter=Q(state=State.TERMINATED)),
        returns=Sum("returns"),
        red=Count("id", filter=open_ & Q(due_date__lt=today)),
        yellow=Count("id", filter=open_ & Q(due_date__gte=today, due_date__lte=warn_last)),
        green=Count("id", filter=open_ & (Q(due_date__isnull=True) | Q(due_date__gt=warn_last))),
        assigned=Count("id", filter=Q(state=State.ASSIGNED)),
        in_progress=Count("id", filter=Q(state=State.IN_PROGRESS)),
        close_requested=Count("id", filter=Q(state=State.CLOSE_REQUESTED)),
        percent_sum=Sum("percent"),
    ).order_by())
    frame = pd.DataFrame.from_records(list(rows), columns=group_by + COUNT_COLUMNS)
    frame[COUNT_COLUMNS] = frame[COUNT_COLUMNS].fillna(0).astype("int64")
    return frame


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    out = ledger.rates(frame)
    out["progress"] = (out["percent_sum"] / out["total"].where(out["total"] > 0)).round(1)
    return out


def plan_rollup(plan: Plan, today: dt.date | None = None, tasks=None) -> dict[str, pd.DataFrame]:
    """The plan tree's roll-up from the lead assignments (one per task): by measure, section
    (each section with its sub-sections) and for the whole plan — of every task, or of
    ``tasks`` (a queryset: the selection of the plan page's filters)."""
    from .models import Section

    today = today or timezone.localdate()
    warn_last = warn_boundary(today)
    leads = Assignment.objects.filter(task__plan=plan, role=UnitRole.LEAD)
    if tasks is not None:
        leads = leads.filter(task__in=tasks.values("pk"))
    by_measure = _counts(leads, ["task__measure_id", "task__measure__section_id"], today, warn_last)
    by_measure.columns = ["measure", "section"] + COUNT_COLUMNS
    sections = pd.DataFrame.from_records(Section.objects.filter(plan=plan).values_list("id", "parent_id"),
                                         columns=["section", "parent"])
    # a section's totals include its sub-sections': add each row to itself and to its parent
    direct = by_measure.groupby("section", dropna=False)[COUNT_COLUMNS].sum()
    parents = sections.set_index("section")["parent"].reindex(direct.index)
    up = direct[parents.notna().to_numpy()].copy()
    up.index = parents.dropna().astype("int64").to_numpy()
    by_section = pd.concat([direct, up]).groupby(level=0)[COUNT_COLUMNS].sum()
    by_section.index.name = "section"
    whole = by_measure[COUNT_COLUMNS].sum().to_frame().T
    return {"measures": _finish(by_measure), "sections": _finish(by_section.reset_index()), "plan": _finish(whole)}


def unit_league(plan: Plan | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Per unit: all its assignments (lead and participating) — on-time rate, closure rate,
    returns, lights — best on-time rate first (one query)."""
    from deltawatch.accounts.models import Organisation

    today = today or timezone.localdate()
    queryset = Assignment.objects.all() if plan is None else Assignment.objects.filter(task__plan=plan)
    frame = _finish(_counts(queryset, ["unit_id"], today, warn_boundary(today)))
    names = dict(Organisation.objects.filter(pk__in=frame["unit_id"].tolist()).values_list("pk", "name_zh"))
    frame.insert(1, "unit", frame["unit_id"].map(names))
    return frame.sort_values(["on_time_rate", "closure_rate", "unit"], ascending=[False, False, True],
                             na_position="last").reset_index(drop=True)


def region_rollup(plan: Plan | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """Per region concerned (a task counts for each of its regions), from the lead assignments."""
    today = today or timezone.localdate()
    queryset = Assignment.objects.filter(role=UnitRole.LEAD, task__regions__isnull=False)
    if plan is not None:
        queryset = queryset.filter(task__plan=plan)
    frame = _counts(queryset, ["task__regions__code", "task__regions__name_zh"], today, warn_boundary(today))
    frame.columns = ["region", "region_name"] + COUNT_COLUMNS
    return _finish(frame)


PERFORMANCE_COLUMNS = ["unit_id", "region", "total", "closed", "closed_on_time", "overdue_open", "terminated",
                       "percent_sum", "requests", "returns", "closure_rate", "on_time_rate", "first_pass_rate",
                       "progress"]


def performance_as_of(as_of: dt.date) -> pd.DataFrame:
    """How each unit (organisation) had carried out its assignments by the end of ``as_of`` —
    the assessment's task component for a past year, read from dates and the journal rather
    than today's states (an assignment closed in January counts as open on 31 December).

    One row per unit with an assignment made by then: ``region`` (the unit's, may be empty),
    the counts of ``methods.ledger.rates`` and its ``closure_rate`` and ``on_time_rate``;
    ``requests`` and ``returns`` (close requests and returns by then) and ``first_pass_rate`` —
    the share of close requests approved without a return (1 − returns / requests; NaN
    without requests); ``progress`` — the mean completion (percent) of the live assignments:
    100 when closed by then, else the last reported percentage before it (0 without one).
    Terminated work is left out as the roll-ups leave it (its end date is not kept).
    """
    from .models import ProgressReport

    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=timezone.get_current_timezone())
    columns = ["id", "unit_id", "unit__region__code", "state", "due_date", "closed_on"]
    work = pd.DataFrame.from_records(list(Assignment.objects.values_list(*columns)), columns=columns)
    journal = pd.DataFrame.from_records(
        list(JournalEntry.objects.filter(assignment__isnull=False, at__lte=end)
             .values_list("assignment_id", "action")), columns=["id", "action"])
    work = work[work["id"].isin(journal["id"])]  # made by then (every assignment's first entry is 交办)
    if work.empty:
        return pd.DataFrame(columns=PERFORMANCE_COLUMNS)
    due = pd.to_datetime(work["due_date"])
    closed_on = pd.to_datetime(work["closed_on"])
    stamp = pd.Timestamp(as_of)
    closed = closed_on.notna() & (closed_on <= stamp)
    terminated = work["state"].eq(State.TERMINATED)
    last_percent = (pd.DataFrame.from_records(
        list(ProgressReport.objects.filter(created_at__lte=end).order_by("created_at", "id")
             .values_list("assignment_id", "percent")), columns=["id", "percent"])
        .groupby("id")["percent"].last())
    percent = work["id"].map(last_percent).fillna(0).where(~closed, 100).where(~terminated, 0)
    actions = journal.groupby(["id", "action"]).size().unstack(fill_value=0)
    for action in (Action.REQUEST_CLOSE, Action.RETURN):
        if action not in actions:
            actions[action] = 0
    counts = pd.DataFrame({
        "unit_id": work["unit_id"], "region": work["unit__region__code"].fillna(""),
        "total": 1, "closed": closed & ~terminated,
        "closed_on_time": closed & ~terminated & (due.isna() | (closed_on <= due)),
        "overdue_open": ~closed & ~terminated & due.notna() & (due < stamp),
        "terminated": terminated, "percent_sum": percent,
        "requests": work["id"].map(actions[Action.REQUEST_CLOSE]).fillna(0),
        "returns": work["id"].map(actions[Action.RETURN]).fillna(0)})
    frame = counts.groupby(["unit_id", "region"], as_index=False).sum(numeric_only=True)
    return performance_rates(frame)[PERFORMANCE_COLUMNS]


def performance_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """``methods.ledger.rates`` of a frame of ``performance_as_of``'s counts (summed over any
    grouping), with ``first_pass_rate`` and ``progress`` (mean completion, percent)."""
    frame = ledger.rates(counts)
    frame["first_pass_rate"] = (1 - frame["returns"] / frame["requests"].where(frame["requests"] > 0)).clip(0, 1)
    live = frame["total"] - frame["terminated"]
    frame["progress"] = frame["percent_sum"] / live.where(live > 0)
    return frame


def full_rollup(today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Every plan's tree, the units and the regions."""
    today = today or timezone.localdate()
    return {"plans": {plan.code: plan_rollup(plan, today) for plan in Plan.objects.all()},
            "units": unit_league(None, today), "regions": region_rollup(None, today)}


INBOX_BOXES = ("to_accept", "in_progress", "to_review", "due_soon", "overdue")


def inbox(unit, today: dt.date | None = None, limit: int = 50) -> dict:
    """我的待办 of a unit: counts per box and the first ``limit`` items of each, soonest due first.
    待复核 holds the assignments the unit reviews (as the office owning the plan)."""
    today = today or timezone.localdate()
    warn_last = warn_boundary(today)
    mine = Assignment.objects.filter(unit=unit, state__in=OPEN_STATES)
    boxes = {
        "to_accept": mine.filter(state=State.ASSIGNED),
        "in_progress": mine.filter(state=State.IN_PROGRESS),
        "to_review": Assignment.objects.filter(state=State.CLOSE_REQUESTED, task__plan__owner=unit),
        "due_soon": mine.filter(due_date__gte=today, due_date__lte=warn_last),
        "overdue": mine.filter(due_date__lt=today),
    }
    counts = mine.aggregate(
        to_accept=Count("id", filter=Q(state=State.ASSIGNED)),
        in_progress=Count("id", filter=Q(state=State.IN_PROGRESS)),
        due_soon=Count("id", filter=Q(due_date__gte=today, due_date__lte=warn_last)),
        overdue=Count("id", filter=Q(due_date__lt=today)))
    counts["to_review"] = boxes["to_review"].count()
    items = {name: list(qs.select_related("task", "unit").order_by("due_date", "id")[:limit]) for name, qs in boxes.items()}
    return {"counts": counts, "items": items, "today": today, "warn_last": warn_last}
