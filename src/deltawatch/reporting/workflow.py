"""The workflow of a region's form, declared once as a table, and the one function that makes
a transition.

填报中 → 上报 → 已上报 → 审核通过 (locked) | 退回 (with reasons, back to the reporter) ;
审核通过 → 解锁 (the office, with a reason) → 填报中.

As in the task ledger (``plans.workflow``): a dict of small frozen records says who may do what,
the pages read it to offer only the buttons a user may press, the tests try every (action,
role) pair. Every transition names the form's ``version`` the user saw; the state changes by
``UPDATE … WHERE id = … AND version = …``, so of two reviewers approving and returning the same
form at once exactly one changes it and the other is told. Refusals write nothing.

Approval sets the form's values to approved, submission to submitted, a return or an unlock
back to draft (observations.Status); each status change is a change record (``audit``), so
the data version moves and the history of every value says who approved it and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deltawatch.accounts.choices import OrganisationKind, Role

from .choices import FormAction, FormState
from .models import Form, FormJournal

REGION, REVIEWER, OFFICE = "region", "reviewer", "office"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    by: str                 # REGION: a reporter of the form's region (or above); REVIEWER: the data set's
    roles: frozenset        # reviewers (any office when none is named); OFFICE: the YRD office
    needs_comment: bool = False
    values_to: str | None = None  # the observations' status after the transition


_REPORTERS = frozenset({Role.REPORTER.value})
_OFFICE = frozenset({Role.OFFICE.value})

TRANSITIONS: dict[str, Transition] = {
    FormAction.SUBMIT: Transition((FormState.FILLING, FormState.RETURNED), FormState.SUBMITTED, REGION, _REPORTERS,
                                  values_to="submitted"),
    FormAction.APPROVE: Transition((FormState.SUBMITTED,), FormState.APPROVED, REVIEWER, _OFFICE,
                                   values_to="approved"),
    FormAction.RETURN: Transition((FormState.SUBMITTED,), FormState.RETURNED, REVIEWER, _OFFICE,
                                  needs_comment=True, values_to="draft"),
    FormAction.UNLOCK: Transition((FormState.APPROVED,), FormState.FILLING, OFFICE, _OFFICE, needs_comment=True),
}


class WorkflowError(Exception):
    """A transition or an entry refused, worded for the user; nothing was written."""


class StaleForm(WorkflowError):
    """The form changed since the page was loaded; ``current`` is what it is now."""

    def __init__(self, message: str, current: Form):
        super().__init__(message)
        self.current = current


def user_unit(user):
    membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return membership.organisation if membership else None


def may(user, action: str, form: Form) -> bool:
    """Whether ``user`` may make ``action`` on ``form`` by role and unit (the state aside)."""
    from deltawatch.accounts.roles import roles_of
    from deltawatch.accounts.scoping import user_region_ids

    spec = TRANSITIONS[action]
    unit = user_unit(user)
    if unit is None or not (roles_of(user) & spec.roles):
        return False
    if spec.by == REGION:
        return form.region_id in user_region_ids(user)
    if spec.by == OFFICE:
        return unit.kind == OrganisationKind.OFFICE
    reviewers = set(form.cycle.data_set.reviewers.values_list("id", flat=True))
    return unit.pk in reviewers if reviewers else unit.kind == OrganisationKind.OFFICE


def allowed_actions(user, form: Form) -> list[str]:
    """The actions a page may offer ``user`` on ``form`` now."""
    return [a for a, spec in TRANSITIONS.items() if form.state in spec.sources and may(user, a, form)]


def _stale(form: Form) -> StaleForm:
    current = Form.objects.get(pk=form.pk)
    return StaleForm(_("此填报表已被他人更新（现为“%(state)s”，第 %(version)s 版），请查看最新状态后再操作。")
                     % {"state": FormState(current.state).label, "version": current.version}, current)


def transition(form_id: int, action: str, user, *, version: int, comment: str = "", when=None,
               on_behalf_of=None) -> Form:
    """Make ``action`` on the form as ``user``, from the ``version`` the user saw.

    A submission is refused while a validation rule of severity error fails on the form, or a
    warning has no explanation (``services.form_report``). ``on_behalf_of`` (a unit) is for the
    loader of the demonstration cycle only: the role check is skipped and the entry names it.

    Returns the form as it now is; raises :class:`WorkflowError` or :class:`StaleForm`, having
    written nothing.
    """
    from . import services

    if action not in TRANSITIONS:
        raise WorkflowError(_("未知的操作：%(action)s") % {"action": action})
    spec = TRANSITIONS[action]
    form = Form.objects.select_related("cycle__data_set", "region").get(pk=form_id)
    label = FormAction(action).label
    if on_behalf_of is None and not may(user, action, form):
        raise WorkflowError(_("您的角色或所在单位无权对此填报表执行“%(action)s”。") % {"action": label})
    if form.version != version:
        raise _stale(form)
    if form.state not in spec.sources:
        raise WorkflowError(_("填报表当前为“%(state)s”，不能执行“%(action)s”。")
                            % {"state": FormState(form.state).label, "action": label})
    comment = (comment or "").strip()
    if spec.needs_comment and not comment:
        raise WorkflowError(_("“%(action)s”须填写理由。") % {"action": label})
    if action == FormAction.SUBMIT:
        services.check_submittable(form)
    now = when or timezone.now()
    with transaction.atomic():
        fields = {"submitted_at": now} if action == FormAction.SUBMIT and form.submitted_at is None else {}
        updated = Form.objects.filter(pk=form.pk, version=version, state=form.state).update(
            state=spec.target, version=F("version") + 1, updated_at=now, **fields)
        if not updated:
            raise _stale(form)
        FormJournal.objects.create(form=form, action=action, from_state=form.state, to_state=spec.target,
                                   actor=user if on_behalf_of is None else None,
                                   actor_unit=on_behalf_of or user_unit(user), comment=comment, version=version + 1,
                                   at=now)
        if spec.values_to:
            services.set_form_status(form, spec.values_to, user)
    form.refresh_from_db()
    return form
