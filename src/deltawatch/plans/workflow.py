"""The closed loop of an assignment, declared once as a table, and the one function that
makes a transition.

交办 → 签收 → 办理中 (进展报送) → 申请办结 → 复核: 办结（销号）or 退回 (with reasons, back to
办理中); 申请延期 (the office approves or refuses; the old date is kept); 调整 / 终止 by the office
with a reason; 催办 by the office.

Why a table and not django-fsm-2: the machine has six states and a dozen edges, and what a
transition needs besides the edge — the roles and the unit that may make it, a required reason,
the version it was made from, the journal entry, the notifications — is the same for every
edge. A dict of small frozen records says all of it in one screen, is read by the pages to
show only the buttons a user may press, and by the tests to try every (action, role) pair;
a library would add decorators per edge and still leave the journal and the version check to
us. ``TRANSITIONS`` is the single declaration; nothing else decides who may do what.

Optimistic concurrency: every transition names the ``version`` of the assignment its page
showed; the state is changed by ``UPDATE … WHERE id = … AND version = …``, so of two people
acting at once exactly one changes a row, and the other is told that it changed and what it
is now. Refusals write nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deltawatch.accounts.choices import Role

from .choices import Action, ExtensionState, OPEN_STATES, State, UnitRole
from .models import Assignment, ExtensionRequest, JournalEntry, ProgressReport

UNIT, OFFICE = "unit", "office"  # who, besides the role: a member of the assigned unit, or of the plan's office


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None          # None: the state stays (a report, an urge, an extension decision)
    by: str                     # UNIT or OFFICE
    roles: frozenset
    needs_comment: bool = False


_UNIT_ROLES = frozenset({Role.DEPARTMENT.value, Role.OFFICE.value})
_OFFICE_ROLES = frozenset({Role.OFFICE.value})
_OPEN = tuple(OPEN_STATES)

TRANSITIONS: dict[str, Transition] = {
    Action.ACCEPT: Transition((State.ASSIGNED,), State.IN_PROGRESS, UNIT, _UNIT_ROLES),
    Action.REPORT: Transition((State.IN_PROGRESS,), None, UNIT, _UNIT_ROLES),
    Action.REQUEST_CLOSE: Transition((State.IN_PROGRESS,), State.CLOSE_REQUESTED, UNIT, _UNIT_ROLES),
    Action.APPROVE: Transition((State.CLOSE_REQUESTED,), State.CLOSED, OFFICE, _OFFICE_ROLES),
    Action.RETURN: Transition((State.CLOSE_REQUESTED,), State.IN_PROGRESS, OFFICE, _OFFICE_ROLES, needs_comment=True),
    Action.REQUEST_EXTENSION: Transition((State.ASSIGNED, State.IN_PROGRESS), None, UNIT, _UNIT_ROLES,
                                         needs_comment=True),
    Action.APPROVE_EXTENSION: Transition(_OPEN, None, OFFICE, _OFFICE_ROLES),
    Action.REFUSE_EXTENSION: Transition(_OPEN, None, OFFICE, _OFFICE_ROLES, needs_comment=True),
    Action.ADJUST: Transition(_OPEN, None, OFFICE, _OFFICE_ROLES, needs_comment=True),
    Action.TERMINATE: Transition(_OPEN, State.TERMINATED, OFFICE, _OFFICE_ROLES, needs_comment=True),
    Action.URGE: Transition(_OPEN, None, OFFICE, _OFFICE_ROLES),
}


class WorkflowError(Exception):
    """A transition refused, worded for the user; nothing was written."""


class StaleAssignment(WorkflowError):
    """The assignment changed since the page was loaded; ``current`` is what it is now."""

    def __init__(self, message: str, current: Assignment):
        super().__init__(message)
        self.current = current


def user_unit(user):
    membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return membership.organisation if membership else None


def office_units(plan) -> set[int]:
    """The plan's owner and the units above it: their office staff review the plan's work."""
    ids, unit = set(), plan.owner
    while unit is not None:
        ids.add(unit.pk)
        unit = unit.parent
    return ids


def is_plan_office(user, plan) -> bool:
    """Whether ``user`` is of the plan's office (its owner or a unit above it) with the office's
    role: who reviews, urges, records 批示 and freezes baselines."""
    from deltawatch.accounts.roles import roles_of

    unit = user_unit(user)
    return unit is not None and Role.OFFICE.value in roles_of(user) and unit.pk in office_units(plan)


def may(user, action: str, assignment: Assignment) -> bool:
    """Whether ``user`` may make ``action`` on ``assignment`` by role and unit (the state aside)."""
    from deltawatch.accounts.roles import roles_of

    spec = TRANSITIONS[action]
    unit = user_unit(user)
    if unit is None or not (roles_of(user) & spec.roles):
        return False
    if spec.by == UNIT:
        return unit.pk == assignment.unit_id
    return unit.pk in office_units(assignment.task.plan)


def allowed_actions(user, assignment: Assignment) -> list[str]:
    """The actions a page may offer ``user`` on ``assignment`` now."""
    return [a for a, spec in TRANSITIONS.items() if assignment.state in spec.sources and may(user, a, assignment)]


def _state_label(state: str) -> str:
    return str(State(state).label)


def transition(assignment_id: int, action: str, user, *, version: int, comment: str = "", percent: int | None = None,
               text: str = "", files=(), new_due=None, today=None, when=None, on_behalf_of=None) -> Assignment:
    """Make ``action`` on the assignment as ``user``, from the ``version`` the user saw.

    ``today``/``when`` date the entry (default: now). ``on_behalf_of`` (a unit) is for the
    loader of the demonstration history only: the role check is skipped and the entry names
    that unit, its ``detail`` saying it is an example (示例).

    Returns the assignment as it now is. Raises :class:`WorkflowError` (role, unit, state,
    missing reason, bad percentage or date, refused file) or :class:`StaleAssignment`; in both
    cases nothing is written.
    """
    from . import evidence, notify

    if action not in TRANSITIONS:
        raise WorkflowError(_("未知的操作：%(action)s") % {"action": action})
    spec = TRANSITIONS[action]
    assignment = Assignment.objects.select_related("task__plan__owner", "unit").get(pk=assignment_id)
    label = Action(action).label
    if on_behalf_of is None and not may(user, action, assignment):
        raise WorkflowError(_("您的角色或所在单位无权对此任务执行“%(action)s”。") % {"action": label})
    if assignment.version != version:
        raise _stale(assignment)
    if assignment.state not in spec.sources:
        raise WorkflowError(_("任务当前为“%(state)s”，不能执行“%(action)s”。")
                            % {"state": _state_label(assignment.state), "action": label})
    comment = (comment or "").strip()
    if spec.needs_comment and not comment:
        raise WorkflowError(_("“%(action)s”须填写理由。") % {"action": label})
    checked_files = evidence.check_files(files)
    fields, detail = _action_fields(action, assignment, percent=percent, text=text, new_due=new_due, today=today)
    today = today or timezone.localdate()
    if on_behalf_of is not None:
        detail["example"] = True
    target = spec.target or assignment.state
    with transaction.atomic():
        updated = Assignment.objects.filter(pk=assignment.pk, version=version).update(
            state=target, version=F("version") + 1, updated_at=when or timezone.now(), **fields)
        if not updated:
            raise _stale(assignment)
        if action == Action.ACCEPT:
            Assignment.objects.filter(pk=assignment.pk).update(accepted_on=today)
        if action == Action.APPROVE:
            Assignment.objects.filter(pk=assignment.pk).update(closed_on=today, percent=100)
        if action == Action.RETURN:
            Assignment.objects.filter(pk=assignment.pk).update(returns=F("returns") + 1)
        entry = JournalEntry.objects.create(
            task=assignment.task, assignment=assignment, action=action, from_state=assignment.state, to_state=target,
            actor=user, actor_unit=on_behalf_of or user_unit(user), comment=comment or text, detail=detail,
            version=version + 1, at=when or timezone.now())
        _side_effects(action, assignment, entry, user, percent=percent, text=text, comment=comment,
                      new_due=new_due, detail=detail, fields=fields)
        evidence.store(entry, checked_files)
        refresh_task_status(assignment.task_id)
        notify.after_transition(action, assignment, entry)
    assignment.refresh_from_db()
    return assignment


def _stale(assignment: Assignment) -> StaleAssignment:
    current = Assignment.objects.select_related("task__plan", "unit").get(pk=assignment.pk)
    return StaleAssignment(
        _("此任务已被他人更新（现为“%(state)s”，第 %(version)s 版），请查看最新状态后再操作。")
        % {"state": _state_label(current.state), "version": current.version}, current)


def _action_fields(action, assignment, *, percent, text, new_due, today):
    """Checked values an action changes on the assignment, and the journal entry's detail."""
    fields, detail = {}, {}
    if action == Action.REPORT:
        if percent is None or not 0 <= int(percent) <= 100:
            raise WorkflowError(_("完成进度应为 0 到 100 之间的整数，收到：%(value)s") % {"value": percent})
        if not (text or "").strip():
            raise WorkflowError(_("请填写进展情况。"))
        fields["percent"], detail["percent"] = int(percent), int(percent)
    if action == Action.REQUEST_EXTENSION or (action == Action.ADJUST and new_due is not None):
        if new_due is None:
            raise WorkflowError(_("请填写新的完成时限。"))
        start = assignment.task.start_date
        if start and new_due < start:
            raise WorkflowError(_("完成时限（%(due)s）不能早于开始日期（%(start)s）。") % {"due": new_due, "start": start})
        detail.update(old_due=str(assignment.due_date) if assignment.due_date else None, new_due=str(new_due))
    if action == Action.REQUEST_EXTENSION and assignment.extensions.filter(state=ExtensionState.PENDING).exists():
        raise WorkflowError(_("已有一项延期申请待审批。"))
    if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        pending = assignment.extensions.filter(state=ExtensionState.PENDING).first()
        if pending is None:
            raise WorkflowError(_("没有待审批的延期申请。"))
        detail.update(extension=pending.pk, old_due=str(pending.old_due) if pending.old_due else None,
                      new_due=str(pending.new_due))
        if action == Action.APPROVE_EXTENSION:
            fields["due_date"] = pending.new_due
    if action == Action.ADJUST and new_due is not None:
        fields["due_date"] = new_due
    return fields, detail


def _side_effects(action, assignment, entry, user, *, percent, text, comment, new_due, detail, fields):
    """Rows besides the journal that an action writes (same transaction)."""
    from .models import Task

    if action == Action.REPORT:
        ProgressReport.objects.create(assignment=assignment, journal=entry, percent=int(percent), text=text.strip(),
                                      created_at=entry.at)
    elif action == Action.REQUEST_EXTENSION:
        ExtensionRequest.objects.create(assignment=assignment, old_due=assignment.due_date, new_due=new_due,
                                        reason=comment, requested_by=user)
    elif action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        ExtensionRequest.objects.filter(pk=detail["extension"]).update(
            state=ExtensionState.APPROVED if action == Action.APPROVE_EXTENSION else ExtensionState.REFUSED,
            decided_by=user, decided_at=timezone.now(), decision_comment=comment)
    if assignment.role == UnitRole.LEAD and "due_date" in fields:
        # The lead's date is the task's date; the old one stays in the journal (and the request).
        Task.objects.filter(pk=assignment.task_id).update(due_date=fields["due_date"])


def task_status(states: list[tuple[str, str]]) -> str:
    """A task's status from its assignments' (role, state) pairs: the lead's part decides
    办结 and 终止; otherwise 待复核 when the lead asked to close, 待签收 while nobody signed,
    else 办理中."""
    lead = next((state for role, state in states if role == UnitRole.LEAD), State.ASSIGNED)
    if lead in (State.CLOSED, State.TERMINATED, State.CLOSE_REQUESTED):
        return lead
    if all(state == State.ASSIGNED for _, state in states):
        return State.ASSIGNED
    return State.IN_PROGRESS


def refresh_task_status(task_id: int) -> str:
    from .models import Task

    status = task_status(list(Assignment.objects.filter(task_id=task_id).values_list("role", "state")))
    Task.objects.filter(pk=task_id).exclude(status=status).update(status=status)
    return status
