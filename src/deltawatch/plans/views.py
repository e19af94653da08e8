"""Pages of the task ledger: 我的待办 (a unit's inbox), the notifications (the bell), the task page
with its journal and the closed loop's forms, the office's review queue and the units' league
table.

Nothing here decides a rule: who may make which transition is ``workflow.TRANSITIONS`` (read
through ``workflow.allowed_actions`` / ``workflow.may``), which rows a user reaches is
``plans.scoping`` (through ``accounts.scoping.restrict``), the boxes and their counts are
``services.inbox``, the lights ``services.light_case`` and the rates ``services.unit_league``.
A form posts the version of the assignment it was loaded with; ``workflow.transition`` refuses
a stale one, and the page then shows the new state and keeps what was typed.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from deltawatch.accounts.choices import Role
from deltawatch.accounts.roles import roles_of
from deltawatch.accounts.scoping import restrict
from deltawatch.progress.filters import ignored_filters
from deltawatch.site.cache import cached

from . import evidence as evidence_rules
from . import excel, services
from .choices import Action, ExtensionState, Light, State, UnitRole
from .excel import natural_order
from .filters import TaskFilterSet
from .models import (
    Assignment,
    Evidence,
    ExtensionRequest,
    JournalEntry,
    Measure,
    Milestone,
    Notification,
    Plan,
    Section,
    Task,
)
from .workflow import (
    TRANSITIONS,
    StaleAssignment,
    WorkflowError,
    allowed_actions,
    is_plan_office,
    may,
    office_units,
    transition,
    user_unit,
)

# Roles whose units take tasks (a unit's inbox) — the roles TRANSITIONS lets act at all.
INBOX_ROLES = {Role.OFFICE.value, Role.DEPARTMENT.value}
# Roles that may open the ledger's pages (the plan tree, the task page, the league table).
LEDGER_ROLES = {Role.OFFICE.value, Role.DEPARTMENT.value, Role.RESEARCHER.value, Role.ADMIN.value}
BOX_LABELS = {  # services.INBOX_BOXES → heading
    "to_accept": _l("待签收"), "in_progress": _l("办理中"), "to_review": _l("待复核"),
    "due_soon": _l("即将到期"), "overdue": _l("已逾期"),
}
# The fields each action's form shows (the rest of the rule is workflow.transition's).
ACTION_FIELDS = {
    Action.REPORT: ("percent", "text", "files"),
    Action.REQUEST_EXTENSION: ("new_due", "comment"),
    Action.ADJUST: ("new_due", "comment"),
}
DECISIONS = (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION)
LEAGUE_SORTS = {  # ?sort= → (column, ascending)
    "on_time": ("on_time_rate", False), "closure": ("closure_rate", False), "returns": ("returns", False),
    "overdue": ("overdue_open", False), "unit": ("unit", True), "total": ("total", False),
}


def _require(request, roles):
    """403 for a signed-in user none of whose roles is in ``roles`` (superusers pass)."""
    if not request.user.is_superuser and not (roles_of(request.user) & roles):
        raise PermissionDenied(_("您的角色不能查看任务清单。"))


def _with_lights(queryset, today):
    """Assignments with their light (the rule of services.light_case) and working days left."""
    return queryset.annotate(light=services.light_case(today, services.warn_boundary(today)))


def _days_left(assignments, today):
    """Working days from today to each due date (negative when overdue), on the ledger's calendar."""
    calendar = services.work_calendar()
    for item in assignments:
        item.days_left = None
        if item.due_date is not None:
            try:
                item.days_left = int(calendar.workdays_between(today, item.due_date)[0])
            except ValueError:  # a date outside the calendar's years
                item.days_left = None
        item.days_late = -item.days_left if item.days_left is not None and item.days_left < 0 else None
    return assignments


# ------------------------------------------------------------------------------ 我的待办


@login_required
def inbox(request):
    """我的待办: the boxes of the user's unit, each with its count and its first items."""
    _require(request, INBOX_ROLES)
    unit = user_unit(request.user)
    today = timezone.localdate()
    context = {"unit": unit, "boxes": [], "today": today}
    if unit is not None:
        data = services.inbox(unit, today)
        ids = {a.pk for items in data["items"].values() for a in items}
        lit = {a.pk: a for a in _days_left(list(_with_lights(
            Assignment.objects.filter(pk__in=ids).select_related("task__plan", "unit"), today)), today)}
        context["boxes"] = [{"key": key, "label": BOX_LABELS[key], "count": data["counts"][key],
                             "items": [lit[a.pk] for a in data["items"][key]]}
                            for key in services.INBOX_BOXES
                            if key != "to_review" or Role.OFFICE.value in roles_of(request.user)]
        context["warn_last"] = data["warn_last"]
        context["unread"] = _notifications(request.user).filter(read_at__isnull=True).count()
    return render(request, "plans/inbox.html", context)


def _notifications(user):
    """The user's own inbox — for a superuser too (restrict would hand them every unit's)."""
    from .scoping import my_notifications

    rows = restrict(Notification.objects.all(), user)
    return my_notifications(rows, user, "view") if user.is_superuser else rows


@login_required
def notifications(request):
    """The inbox of notifications (the bell's page), newest first; unread ones marked."""
    _require(request, INBOX_ROLES)
    items = list(_notifications(request.user).select_related("task")[:200])
    return render(request, "plans/notifications.html", {
        "items": items, "unread": sum(1 for n in items if n.read_at is None)})


@login_required
@require_POST
def mark_read(request):
    """Mark one notification (``id``) or all of the user's (no id) as read."""
    _require(request, INBOX_ROLES)
    mine = _notifications(request.user).filter(read_at__isnull=True)
    if request.POST.get("id"):
        try:
            mine = mine.filter(pk=int(request.POST["id"]))
        except ValueError:
            raise Http404 from None
    mine.update(read_at=timezone.now())
    return redirect(request.POST.get("next") if str(request.POST.get("next", "")).startswith("/tasks/")
                    else reverse("plans:notifications"))


# ------------------------------------------------------------------------------ the task page


def _task_or_404(request, pk):
    _require(request, LEDGER_ROLES)
    return get_object_or_404(restrict(Task.objects.select_related("plan__owner", "measure__section", "lead_unit"),
                                      request.user), pk=pk)


def _journal(task, user):
    return (restrict(JournalEntry.objects.filter(task=task), user)
            .select_related("actor", "actor_unit", "assignment__unit")
            .prefetch_related("attachments").order_by("at", "id"))


def _indicator_progress(task, user):
    """The linked indicators with the latest stored assessments the user may see."""
    from deltawatch.progress.models import ProgressAssessment

    indicators = list(task.indicators.all())
    assessments = (restrict(ProgressAssessment.objects.filter(indicator__in=indicators), user)
                   .select_related("region", "group").order_by("indicator_id", "method", "key"))
    by_indicator = {}
    for item in assessments:
        by_indicator.setdefault(item.indicator_id, []).append(item)
    return [{"indicator": i, "assessments": by_indicator.get(i.pk, [])[:6]} for i in indicators]


def _may_see_evidence(user, task) -> bool:
    """People of the task: members of a unit it is assigned to, the plan's office, superusers."""
    if user.is_superuser:
        return True
    unit = user_unit(user)
    if unit is None:
        return False
    return unit.pk in office_units(task.plan) or task.assignments.filter(unit=unit).exists()


def _milestones(task, today) -> list:
    warn_last = services.warn_boundary(today)
    nodes = list(task.milestones.all())
    for node in nodes:
        node.light = services.milestone_light(node, today, warn_last)
    return nodes


def _render_task(request, task, *, error=None, typed=None, status=200):
    """The task page; ``typed`` keeps a refused form's values (assignment id, action, fields)."""
    today = timezone.localdate()
    assignments = _days_left(list(_with_lights(
        restrict(Assignment.objects.filter(task=task), request.user).select_related("unit")
        .prefetch_related(Prefetch("extensions", queryset=ExtensionRequest.objects.filter(
            state=ExtensionState.PENDING), to_attr="pending")), today)), today)
    for item in assignments:
        item.task = task  # allowed_actions reads the plan's office through it
        item.actions = [{"code": code, "label": Action(code).label, "fields": ACTION_FIELDS.get(code, ("comment",)),
                         "needs_comment": TRANSITIONS[code].needs_comment}
                        for code in allowed_actions(request.user, item)
                        if code not in DECISIONS or item.pending]  # a decision needs a request to decide
    context = {
        "task": task, "assignments": assignments, "journal": _journal(task, request.user),
        "milestones": _milestones(task, today), "may_edit_milestones": services.may_edit_milestones(request.user, task),
        "indicators": _indicator_progress(task, request.user),
        "participants": [a for a in assignments if a.role == UnitRole.PARTICIPANT],
        "may_instruct": is_plan_office(request.user, task.plan),
        "see_evidence": _may_see_evidence(request.user, task),
        "error": error, "typed": typed or {}, "today": today,
        "accept": ",".join(sorted(evidence_rules.ALLOWED_SUFFIXES)),
    }
    return render(request, "plans/task.html", context, status=status)


@login_required
def task_detail(request, pk):
    return _render_task(request, _task_or_404(request, pk))


def _parse_date(value):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise WorkflowError(_("日期“%(value)s”无法识别，请写作 2025-06-30。") % {"value": value}) from None


def _parse_int(value, label):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise WorkflowError(_("%(label)s应为整数，收到：%(value)s") % {"label": label, "value": value}) from None


@login_required
@require_POST
def act(request, pk):
    """One transition of one assignment of the task, from the version the form was loaded with.

    403 when the user's role or unit may not make it (nothing written); 409 with the new state
    when the assignment changed meanwhile; 400 with the reason for any other refusal — in
    both cases the page keeps what was typed."""
    task = _task_or_404(request, pk)
    post = request.POST
    action = post.get("action", "")
    try:
        assignment_id = int(post.get("assignment", ""))
    except ValueError:
        raise Http404 from None
    assignment = get_object_or_404(Assignment.objects.select_related("task__plan__owner"), pk=assignment_id, task=task)
    if action not in TRANSITIONS:
        raise Http404
    if not may(request.user, action, assignment):
        raise PermissionDenied(_("您的角色或所在单位无权对此任务执行“%(action)s”。") % {"action": Action(action).label})
    typed = {"assignment": assignment.pk, "action": action, "comment": post.get("comment", ""),
             "text": post.get("text", ""), "percent": post.get("percent", ""), "new_due": post.get("new_due", "")}
    try:
        version = _parse_int(post.get("version"), _("版本"))
        if version is None:
            raise WorkflowError(_("表单缺少版本号，请刷新页面后再操作。"))
        transition(assignment.pk, action, request.user, version=version, comment=post.get("comment", ""),
                   percent=_parse_int(post.get("percent"), _("完成进度")), text=post.get("text", ""),
                   files=request.FILES.getlist("files"), new_due=_parse_date(post.get("new_due")))
    except StaleAssignment as stale:
        error = _("已被他人更改：%(message)s") % {"message": stale}
        return _render_task(request, task, error=error, typed=typed, status=409)
    except WorkflowError as refused:
        return _render_task(request, task, error=str(refused), typed=typed, status=400)
    messages.success(request, _("已完成“%(action)s”。") % {"action": Action(action).label})
    return redirect("plans:task", pk=task.pk)


@login_required
@require_POST
def instruct_view(request, pk):
    """批示: the plan's office records a leader's instruction (services.instruct checks who)."""
    task = _task_or_404(request, pk)
    if not is_plan_office(request.user, task.plan):
        raise PermissionDenied(_("只有该规划的长三角办可以录入领导批示。"))
    try:
        services.instruct(task, request.user, request.POST.get("text", ""), request.POST.get("leader", "").strip())
    except WorkflowError as refused:
        return _render_task(request, task, error=str(refused),
                            typed={"instruct": request.POST.get("text", ""), "leader": request.POST.get("leader", "")},
                            status=400)
    messages.success(request, _("已录入领导批示。"))
    return redirect("plans:task", pk=task.pk)


@login_required
@require_POST
def milestone_add(request, pk):
    """设定节点: the plan's office or the lead unit adds a dated node with its deliverable."""
    task = _task_or_404(request, pk)
    if not services.may_edit_milestones(request.user, task):
        raise PermissionDenied(_("只有该规划的长三角办或牵头单位可以设定和完成节点。"))
    post = request.POST
    typed = {"milestone_new": True, "m_title": post.get("title", ""), "m_due": post.get("due_date", ""),
             "m_deliverable": post.get("deliverable", "")}
    try:
        services.add_milestone(task, request.user, title=post.get("title", ""), due_date=_parse_date(post.get("due_date")),
                               deliverable=post.get("deliverable", ""))
    except WorkflowError as refused:
        return _render_task(request, task, error=str(refused), typed=typed, status=400)
    messages.success(request, _("已设定节点“%(title)s”。") % {"title": typed["m_title"].strip()})
    return redirect("plans:task", pk=task.pk)


@login_required
@require_POST
def milestone_done(request, pk, milestone):
    """节点完成: the node's completion date and what was delivered."""
    task = _task_or_404(request, pk)
    node = get_object_or_404(Milestone, pk=milestone, task=task)
    if not services.may_edit_milestones(request.user, task):
        raise PermissionDenied(_("只有该规划的长三角办或牵头单位可以设定和完成节点。"))
    typed = {"milestone": node.pk, "m_done_on": request.POST.get("done_on", ""), "m_comment": request.POST.get("comment", "")}
    try:
        services.complete_milestone(node, request.user, done_on=_parse_date(request.POST.get("done_on")),
                                    comment=request.POST.get("comment", ""))
    except WorkflowError as refused:
        return _render_task(request, task, error=str(refused), typed=typed, status=400)
    messages.success(request, _("节点“%(title)s”已标记完成。") % {"title": node.title})
    return redirect("plans:task", pk=task.pk)


@login_required
def evidence_download(request, pk):
    """An evidence file, as an attachment, to people of its task only (404 for anyone else)."""
    evidence = get_object_or_404(Evidence.objects.select_related("journal__task__plan__owner"), pk=pk)
    if not _may_see_evidence(request.user, evidence.journal.task):
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.name)
    response["X-Content-SHA256"] = evidence.sha256
    response["Digest"] = f"sha-256={evidence.sha256}"
    return response


# ------------------------------------------------------------------------------ the office


@login_required
def review_queue(request):
    """The office's queue: close requests awaiting review and extension requests awaiting a
    decision, on the plans its unit owns."""
    _require(request, {Role.OFFICE.value})
    unit = user_unit(request.user)
    today = timezone.localdate()
    reviews, extensions = [], []
    if unit is not None:
        reviews = _days_left(list(_with_lights(
            restrict(Assignment.objects.filter(state=State.CLOSE_REQUESTED, task__plan__owner=unit), request.user)
            .select_related("task__plan", "unit").order_by("updated_at", "id"), today)), today)
        extensions = list(ExtensionRequest.objects.filter(
            state=ExtensionState.PENDING, assignment__task__plan__owner=unit,
            assignment__in=restrict(Assignment.objects.all(), request.user))
            .select_related("assignment__task", "assignment__unit", "requested_by").order_by("requested_at"))
    return render(request, "plans/review.html", {"unit": unit, "reviews": reviews, "extensions": extensions})


@login_required
def league(request):
    """The units' league table (services.unit_league), sortable by ?sort= and ?dir=."""
    _require(request, LEDGER_ROLES)
    sort = request.GET.get("sort", "on_time")
    if sort not in LEAGUE_SORTS:
        sort = "on_time"
    column, ascending = LEAGUE_SORTS[sort]
    if request.GET.get("dir") in ("asc", "desc"):
        ascending = request.GET["dir"] == "asc"
    frame = services.unit_league(None, timezone.localdate())
    frame = frame.sort_values([column, "unit"], ascending=[ascending, True], na_position="last")
    rows = frame.to_dict("records")
    for row in rows:
        for rate in ("on_time_rate", "closure_rate"):
            value = row[rate]
            row[rate + "_pct"] = None if pd.isna(value) else round(100 * value, 1)
    columns = [("unit", _("单位"), False), ("total", _("任务数"), True), ("on_time", _("按期完成率"), True),
               ("closure", _("办结率"), True), ("returns", _("退回次数"), True), ("overdue", _("逾期未办结"), True)]
    headers = []
    for key, label, num in columns:
        active = key == sort
        # a click on the sorted column turns it round; on another, sorts by its natural order
        turn = ("desc" if ascending else "asc") if active else ("asc" if LEAGUE_SORTS[key][1] else "desc")
        headers.append({"key": key, "label": label, "num": num, "active": active, "dir": turn,
                        "ascending": ascending})
    return render(request, "plans/league.html", {"rows": rows, "headers": headers, "sort": sort})


# ------------------------------------------------------------------------------ the plan tree


def _plan_or_404(request, pk):
    _require(request, LEDGER_ROLES)
    return get_object_or_404(restrict(Plan.objects.select_related("owner", "parent"), request.user), pk=pk)


def _sees_every_task(user, plan) -> bool:
    """Roll-ups count every task of a plan: shown only to whom plans.scoping shows them all."""
    every = Task.objects.filter(plan=plan)
    return restrict(every, user).count() == every.count()


def _rollup(plan, today):
    return cached("plans-rollup", lambda: services.plan_rollup(plan, today), plan.pk, today)


def _rates(row) -> dict:
    """A roll-up row as the template shows it: counts, and rates in % (None when undefined)."""
    if row is None:
        return None
    out = {k: int(row[k]) for k in services.COUNT_COLUMNS}
    for rate in ("on_time_rate", "closure_rate"):
        value = row.get(rate)
        out[rate] = None if value is None or pd.isna(value) else round(100 * float(value), 1)
    progress = row.get("progress")
    out["progress"] = None if progress is None or pd.isna(progress) else float(progress)
    return out


@login_required
def plan_list(request):
    """Every plan the user may see, under its parent, with its whole roll-up."""
    _require(request, LEDGER_ROLES)
    today = timezone.localdate()
    plans = list(restrict(Plan.objects.select_related("owner", "parent"), request.user).order_by("period_start", "code"))
    for plan in plans:
        plan.depth = 0
        ancestor = plan.parent
        while ancestor is not None and plan.depth < 5:
            plan.depth, ancestor = plan.depth + 1, ancestor.parent
        plan.rollup = (_rates(_rollup(plan, today)["plan"].iloc[0].to_dict())
                       if plan.tasks.exists() and _sees_every_task(request.user, plan) else None)
        plan.task_count = restrict(plan.tasks.all(), request.user).count()
    plans.sort(key=lambda p: _plan_path(p))
    return render(request, "plans/plan_list.html", {"plans": plans})


def _plan_path(plan):
    path, node = [], plan
    while node is not None:
        path.insert(0, (node.period_start, node.code))
        node = node.parent
    return path


def _filtered_tasks(request, plan):
    filterset = TaskFilterSet(request.GET or None, queryset=restrict(Task.objects.filter(plan=plan), request.user))
    filterset.is_valid()
    return filterset, filterset.qs


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _sections_with_selected_tasks(sections, measures_of, by_measure) -> set[int]:
    """The sections holding a selected task, and every section above them (a chapter stays
    in the tree when only its parts have tasks)."""
    parent = {s.pk: s.parent_id for s in sections}
    kept = set()
    for section_id, measures in measures_of.items():
        if any(by_measure.get(m.pk) for m in measures):
            while section_id is not None and section_id not in kept:
                kept.add(section_id)
                section_id = parent.get(section_id)
    return kept


@login_required
def plan_detail(request, pk):
    """The plan tree: sections → measures → tasks, with the roll-up of each section and measure
    (services.plan_rollup, for whom sees every task) and the tasks the filters select."""
    plan = _plan_or_404(request, pk)
    today = timezone.localdate()
    filterset, selected = _filtered_tasks(request, plan)
    tasks = list(selected.annotate(light=services.light_case(today, services.warn_boundary(today), state="status"))
                 .select_related("lead_unit", "measure").order_by("code"))
    tasks.sort(key=lambda t: natural_order(t.code))
    by_measure = {}
    for task in tasks:
        by_measure.setdefault(task.measure_id, []).append(task)
    sees_all = _sees_every_task(request.user, plan)
    filtering = any(filterset.form.cleaned_data.get(name) for name in filterset.form.fields) if filterset.is_bound else False
    rollup = _rollup(plan, today) if sees_all and plan.tasks.exists() else None
    # the sections' and measures' rows count what the filters selected; the totals above, the plan
    rows = services.plan_rollup(plan, today, tasks=selected) if rollup is not None and filtering else rollup
    section_rows = measure_rows = {}
    if rows is not None:
        section_rows = {int(r["section"]): _rates(r) for r in rows["sections"].to_dict("records")
                        if pd.notna(r["section"])}
        measure_rows = {int(r["measure"]): _rates(r) for r in rows["measures"].to_dict("records")
                        if pd.notna(r["measure"])}
    tree = []
    sections = list(Section.objects.filter(plan=plan).order_by("order", "id"))
    depth = {}
    measures_of = {}
    for measure in Measure.objects.filter(section__plan=plan).order_by("order", "id"):
        measures_of.setdefault(measure.section_id, []).append(measure)
    kept = _sections_with_selected_tasks(sections, measures_of, by_measure) if filtering else None
    for section in sections:
        depth[section.pk] = depth.get(section.parent_id, -1) + 1 if section.parent_id else 0
        shown = [(m, by_measure.get(m.pk, [])) for m in measures_of.get(section.pk, [])
                 if by_measure.get(m.pk) or not filtering]
        if kept is not None and section.pk not in kept:
            continue
        tree.append({"kind": "section", "obj": section, "depth": depth[section.pk],
                     "rollup": section_rows.get(section.pk)})
        for measure, its_tasks in shown:
            tree.append({"kind": "measure", "obj": measure, "rollup": measure_rows.get(measure.pk)})
            tree.extend({"kind": "task", "obj": t} for t in its_tasks)
    loose = by_measure.get(None, [])
    context = {
        "plan": plan, "filterset": filterset, "tree": tree, "loose": loose, "shown": len(tasks),
        "total": restrict(plan.tasks.all(), request.user).count(), "filtering": filtering,
        "whole": _rates(rollup["plan"].iloc[0].to_dict()) if rollup is not None else None,
        "ignored": ignored_filters(filterset), "query": _query_without(request, "format"),
        "today": today,
    }
    return render(request, "plans/_tree.html" if request.htmx else "plans/plan_detail.html", context)


@login_required
def plan_export(request, pk):
    """The selected tasks (the page's filters) in the offices' list layout, through the app's
    Excel export (``excel.export_rows`` / ``excel.write_rows``: formula-like text neutralised)."""
    import tempfile
    from pathlib import Path

    plan = _plan_or_404(request, pk)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("未知的导出格式：请用 csv 或 xlsx。").encode())
    _filterset, tasks = _filtered_tasks(request, plan)
    codes = set(tasks.values_list("code", flat=True))
    rows = [row for row in excel.export_rows(plan=plan) if row[0] in codes]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"tasks.{fmt}"
        excel.write_rows(rows, fmt, target)
        content = target.read_bytes()
    kind = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=kind)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="deltawatch-tasks-{plan.code}-{stamp}.{fmt}"'
    return response


# ------------------------------------------------------------------------------ schedule and calendar

LIGHT_COLOURS = {"red": "#c0392b", "yellow": "#e0b030", "green": "#1a7f37", "done": "#9aa5b1"}


def _ms(day: dt.date) -> int:
    """A date as ECharts' time axis counts it (ms since the epoch, midnight UTC)."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


NODE_COLOURS = {Light.RED: "#c0392b", Light.YELLOW: "#d4a017", Light.GREEN: "#1d4e89", Light.DONE: "#2e7d32"}


def _milestone_point(node, label, light) -> dict:
    """A node on the schedule: a diamond coloured by its light, what and when in the tooltip."""
    state = _("完成于 %(date)s") % {"date": node.done_on} if node.done_on else Light(light).label
    return {"value": [_ms(node.due_date), label], "itemStyle": {"color": NODE_COLOURS[light]},
            "tooltip": {"formatter": f"{node.title} · {node.due_date} · {state}"}}


def gantt_option(tasks, milestones, baseline_items, today) -> dict:
    """An ECharts option drawing the schedule in plain JSON (the CSP forbids the functions a
    custom series would need): each task a thick line segment from start to due, one line
    series per light (so the legend names the lights in words), the baseline a thin grey
    segment over it, milestones as diamonds and today as a dashed line. Segments are separated
    by empty points ("-"), which a line series does not connect."""

    labels = [f"{t.code} {t.title[:18]}" for t in tasks]
    index = {t.pk: k for k, t in enumerate(tasks)}
    days = [d for t in tasks for d in (t.start_date, t.due_date)] + [m.due_date for m in milestones] + \
           [d for b in baseline_items for d in (b.start_date, b.due_date) if d] + [today]
    first, last = min(days) - dt.timedelta(days=15), max(days) + dt.timedelta(days=15)

    def segment(start, due, label, tip):
        point = {"tooltip": {"formatter": "{b}\n" + tip}}  # rich text (site.js): no HTML
        return [{"value": [_ms(start), label], **point}, {"value": [_ms(due), label], **point}, "-"]

    series = []
    for light in (Light.RED, Light.YELLOW, Light.GREEN, Light.DONE):
        data = []
        for t, label in zip(tasks, labels):
            if t.light == light:
                data += segment(t.start_date, t.due_date, label,
                                f"{t.start_date} → {t.due_date} · {t.get_status_display()}")
        if data:
            series.append({"name": str(light.label), "type": "line", "data": data, "connectNulls": False,
                           "symbol": "rect", "symbolSize": 4, "color": LIGHT_COLOURS[light.value],
                           "lineStyle": {"width": 9, "cap": "butt"}})
    if baseline_items:
        data = []
        for item in baseline_items:
            if item.task_id in index and item.start_date and item.due_date:
                data += segment(item.start_date, item.due_date, labels[index[item.task_id]],
                                f"{_('基线')} {item.start_date} → {item.due_date}")
        series.append({"name": str(_("基线")), "type": "line", "data": data, "connectNulls": False, "symbol": "none",
                       "color": "#1f2933", "lineStyle": {"width": 2}, "z": 3})
    if milestones:
        warn_last = services.warn_boundary(today)
        series.append({"name": pgettext("milestone", "节点"), "type": "scatter", "symbol": "diamond", "symbolSize": 12,
                       "color": "#1d4e89", "z": 4,
                       "data": [_milestone_point(m, labels[index[m.task_id]], services.milestone_light(m, today, warn_last))
                                for m in milestones if m.task_id in index]})
    if series:
        series[0]["markLine"] = {"symbol": "none", "silent": True, "lineStyle": {"color": "#c0392b", "type": "dashed"},
                                 "label": {"formatter": str(_("今天"))}, "data": [{"xAxis": _ms(today)}]}
    base = {
        "animation": False,
        "legend": {"top": 0},
        "tooltip": {"trigger": "item", "renderMode": "richText"},
        "grid": {"left": 8, "right": 24, "top": 56, "bottom": 16, "containLabel": True},
        "xAxis": {"type": "time", "position": "top", "min": _ms(first), "max": _ms(last),
                  "splitLine": {"show": True, "lineStyle": {"color": "#eef0f3"}}},
        "yAxis": {"type": "category", "inverse": True, "data": labels, "boundaryGap": True,
                  "axisLabel": {"width": 190, "overflow": "truncate", "fontSize": 11}},
        "series": series,
    }
    # a phone: shorter task labels, fewer dates on the axis (ECharts media queries: plain JSON)
    narrow = {"yAxis": {"axisLabel": {"width": 96, "fontSize": 10}}, "xAxis": {"splitNumber": 3},
              "legend": {"itemGap": 6, "textStyle": {"fontSize": 10}}}
    return {"baseOption": base, "media": [{"query": {"maxWidth": 560}, "option": narrow}]}


@login_required
def plan_schedule(request, pk):
    """进度图: the selected tasks as bars from start to due, milestones, and the latest baseline."""
    plan = _plan_or_404(request, pk)
    today = timezone.localdate()
    filterset, tasks = _filtered_tasks(request, plan)
    tasks = list(tasks.annotate(light=services.light_case(today, services.warn_boundary(today), state="status"))
                 .select_related("lead_unit"))
    dated = sorted([t for t in tasks if t.start_date and t.due_date], key=lambda t: (t.start_date, natural_order(t.code)))
    undated = [t for t in tasks if not (t.start_date and t.due_date)]
    milestones = list(Milestone.objects.filter(task__in=dated).order_by("due_date"))
    baseline = plan.baselines.first()
    items = list(baseline.items.filter(task__in=dated)) if baseline else []
    slipped = services.baseline_slippage(baseline).to_dict("records") if baseline else []
    size = "gantt-s" if len(dated) <= 15 else "gantt-m" if len(dated) <= 35 else "gantt-l"
    return render(request, "plans/schedule.html", {
        "plan": plan, "filterset": filterset, "dated": dated, "undated": undated, "baseline": baseline,
        "slipped": slipped[:20], "size": size, "query": _query_without(request, "format", "month"),
        "option": gantt_option(dated, milestones, items, today) if dated else None,
        "ignored": ignored_filters(filterset), "milestone_count": len(milestones),
        "may_freeze": is_plan_office(request.user, plan)})


@login_required
@require_POST
def freeze(request, pk):
    """冻结基线: the plan's office freezes every task's dates under a name, to compare later."""
    plan = _plan_or_404(request, pk)
    if not is_plan_office(request.user, plan):
        raise PermissionDenied(_("只有该规划的长三角办可以冻结基线。"))
    name = request.POST.get("name", "").strip()[:100] or _("%(date)s 基线") % {"date": timezone.localdate()}
    baseline = services.freeze_baseline(plan, name, request.user)
    messages.success(request, _("已冻结基线“%(name)s”：%(n)s 项任务的开始日期与完成时限。")
                     % {"name": baseline.name, "n": baseline.items.count()})
    return redirect("plans:schedule", pk=plan.pk)


def _month_of(value: str | None, today: dt.date) -> tuple[dt.date, str | None]:
    if not value:
        return today.replace(day=1), None
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1), None
    except (TypeError, ValueError):
        return today.replace(day=1), _("月份“%(value)s”无法识别，请写作 2026-06；已显示本月。") % {"value": value[:20]}


@login_required
def plan_calendar(request, pk):
    """到期日历: a month grid of the selected tasks' due dates and their milestones, with the
    non-working days (holidays, weekends, not the make-up working days) marked."""
    import calendar as calendars

    plan = _plan_or_404(request, pk)
    today = timezone.localdate()
    month, error = _month_of(request.GET.get("month"), today)
    filterset, tasks = _filtered_tasks(request, plan)
    last = month.replace(day=calendars.monthrange(month.year, month.month)[1])
    due = list(tasks.filter(due_date__gte=month, due_date__lte=last)
               .annotate(light=services.light_case(today, services.warn_boundary(today), state="status"))
               .order_by("due_date", "code"))
    nodes = list(Milestone.objects.filter(task__in=tasks, due_date__gte=month, due_date__lte=last)
                 .select_related("task").order_by("due_date"))
    by_day = {}
    for task in due:
        by_day.setdefault(task.due_date, []).append(("task", task))
    for node in nodes:
        by_day.setdefault(node.due_date, []).append(("milestone", node))
    workdays = services.work_calendar()
    weeks = []
    for week in calendars.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        row = []
        for day in week:
            try:
                off = not workdays.is_workday(day)
            except ValueError:
                off = day.weekday() >= 5
            row.append({"date": day, "in_month": day.month == month.month, "off": off, "today": day == today,
                        "items": by_day.get(day, [])})
        weeks.append(row)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return render(request, "plans/calendar.html", {
        "plan": plan, "filterset": filterset, "weeks": weeks, "month": month, "error": error,
        "previous": previous.strftime("%Y-%m"), "following": following.strftime("%Y-%m"),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        "due_count": len(due), "node_count": len(nodes), "query": _query_without(request, "format", "month"),
        "ignored": ignored_filters(filterset)})
