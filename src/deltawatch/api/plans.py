"""Plans, tasks and assignments (the ledger of /plans/ and /tasks/): read with ``restrict`` by the
roles the pages open the ledger to; progress reports and transitions through
``plans.workflow.transition`` — the one place that decides who may do what. A transition the
caller's role or unit may not make is 403 with the workflow's own words; a stale version is 409
with the assignment as it now is; any other refusal (state, missing reason, bad date) 400."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from deltawatch.accounts.choices import Role
from deltawatch.accounts.roles import roles_of
from deltawatch.plans.choices import Action
from deltawatch.plans.models import Assignment, Plan, Task
from deltawatch.plans.workflow import TRANSITIONS, StaleAssignment, WorkflowError, allowed_actions, may, transition

from .auth import require_login
from .core import ERRORS, READ_ERRORS, get_or_404, page, scoped
from .schemas import (DEFAULT_PAGE, MAX_PAGE, AssignmentOut, AssignmentPage, Error, PlanOut, PlanPage,
                      ProgressReportIn, TaskDetail, TaskPage, TransitionIn)

router = Router(tags=["plans 任务"])
Limit = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE)
Offset = Query(0, ge=0)
# who opens the ledger at all (plans.views.LEDGER_ROLES)
LEDGER_ROLES = {Role.OFFICE.value, Role.DEPARTMENT.value, Role.RESEARCHER.value, Role.ADMIN.value}


def _ledger_user(request):
    user = require_login(request)
    if not user.is_superuser and not (roles_of(user) & LEDGER_ROLES):
        raise HttpError(403, _("您的角色不能查看任务清单。"))
    return user


def plan_out(plan: Plan) -> dict:
    return {"id": plan.pk, "code": plan.code, "name_zh": plan.name_zh, "name_en": plan.name_en, "kind": plan.kind,
            "period_start": plan.period_start, "period_end": plan.period_end, "owner": str(plan.owner),
            "parent": plan.parent_id, "is_example": plan.is_example}


def task_out(task: Task) -> dict:
    return {"id": task.pk, "plan": task.plan_id, "code": task.code, "title": task.title, "category": task.category,
            "lead_unit": str(task.lead_unit), "start_date": task.start_date, "due_date": task.due_date,
            "deadline_text": task.deadline_text, "status": task.status, "is_example": task.is_example}


def assignment_out(assignment: Assignment, user) -> dict:
    return {"id": assignment.pk, "task": assignment.task_id, "unit": str(assignment.unit), "role": assignment.role,
            "state": assignment.state, "state_label": str(assignment.get_state_display()),
            "version": assignment.version, "due_date": assignment.due_date, "percent": assignment.percent,
            "returns": assignment.returns, "accepted_on": assignment.accepted_on, "closed_on": assignment.closed_on,
            "allowed_actions": allowed_actions(user, assignment)}


@router.get("/plans", response={200: PlanPage, **READ_ERRORS}, summary="规划 plans")
def list_plans(request, limit: int = Limit, offset: int = Offset):
    _ledger_user(request)
    plans = scoped(request, Plan.objects.select_related("owner")).order_by("period_start", "code")
    return page(plans, limit, offset, plan_out)


@router.get("/plans/{plan_id}", response={200: PlanOut, **READ_ERRORS}, summary="一个规划 a plan")
def get_plan(request, plan_id: int):
    _ledger_user(request)
    return plan_out(get_or_404(scoped(request, Plan.objects.select_related("owner")), pk=plan_id))


@router.get("/tasks", response={200: TaskPage, **READ_ERRORS}, summary="任务 tasks")
def list_tasks(request, plan: int | None = None, status: str | None = None, unit: int | None = Query(
        None, description="参与单位编号 a unit taking part"), limit: int = Limit, offset: int = Offset):
    _ledger_user(request)
    tasks = scoped(request, Task.objects.select_related("lead_unit")).order_by("plan_id", "code", "id")
    if plan is not None:
        tasks = tasks.filter(plan_id=plan)
    if status:
        tasks = tasks.filter(status=status)
    if unit is not None:
        tasks = tasks.filter(assignments__unit_id=unit).distinct()
    return page(tasks, limit, offset, task_out)


@router.get("/tasks/{task_id}", response={200: TaskDetail, **READ_ERRORS}, summary="一项任务 a task")
def get_task(request, task_id: int):
    user = _ledger_user(request)
    task = get_or_404(scoped(request, Task.objects.select_related("lead_unit")), pk=task_id)
    # the units and states of a task one may see, as its page shows them
    assignments = Assignment.objects.filter(task=task).select_related("unit", "task__plan__owner")
    return {**task_out(task), "description": task.description,
            "assignments": [assignment_out(a, user) for a in assignments.order_by("role", "id")]}


@router.get("/assignments", response={200: AssignmentPage, **READ_ERRORS}, summary="交办 assignments")
def list_assignments(request, task: int | None = None, state: str | None = None, limit: int = Limit,
                     offset: int = Offset):
    user = _ledger_user(request)
    rows = scoped(request, Assignment.objects.select_related("unit", "task__plan__owner")).order_by("task_id", "id")
    if task is not None:
        rows = rows.filter(task_id=task)
    if state:
        rows = rows.filter(state=state)
    return page(rows, limit, offset, lambda a: assignment_out(a, user))


def _act(request, assignment_id: int, action: str, **fields):
    user = require_login(request)
    assignment = get_or_404(scoped(request, Assignment.objects.select_related("task__plan__owner", "unit")),
                            pk=assignment_id)
    if action not in TRANSITIONS:
        raise HttpError(422, _("未知的操作：%(action)s") % {"action": action})
    if not may(user, action, assignment):
        raise HttpError(403, _("您的角色或所在单位无权对此任务执行“%(action)s”。") % {"action": Action(action).label})
    try:
        changed = transition(assignment.pk, action, user, **fields)
    except StaleAssignment as stale:
        return Status(409, {"detail": str(stale), "errors": [assignment_out(stale.current, user)]})
    except WorkflowError as refused:
        return Status(400, {"detail": str(refused)})
    return Status(200, assignment_out(changed, user))


ACT_RESPONSES = {200: AssignmentOut, 409: Error, **ERRORS}


@router.post("/assignments/{assignment_id}/transitions", response=ACT_RESPONSES,
             summary="办理：签收、申请办结、复核、退回、延期、催办… make a transition")
def make_transition(request, assignment_id: int, payload: TransitionIn):
    return _act(request, assignment_id, payload.action, version=payload.version, comment=payload.comment,
                percent=payload.percent, text=payload.text, new_due=payload.new_due)


@router.post("/assignments/{assignment_id}/reports", response=ACT_RESPONSES, summary="报送进展 report progress")
def report_progress(request, assignment_id: int, payload: ProgressReportIn):
    return _act(request, assignment_id, Action.REPORT, version=payload.version, percent=payload.percent,
                text=payload.text)
