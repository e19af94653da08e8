"""Who sees which rows of the ledger (registered with ``accounts.scoping.restrict``).

The office staff see every task; a unit's staff see the tasks their unit takes part in, and
those tasks' journal and notifications; the public sees nothing of the ledger here (the
public view of progress is a page of its own).
"""

from django.db.models import Q

from deltawatch.accounts.roles import roles_of
from deltawatch.accounts.scoping import row_rule

_SEES_ALL = {"长三角办", "系统管理员", "研究人员"}


def _unit_id(user):
    membership = getattr(user, "membership", None)
    return membership.organisation_id if membership else None


@row_rule("plans.task")
def _tasks_of_my_unit(queryset, user, action):
    if roles_of(user) & _SEES_ALL and action == "view" or "长三角办" in roles_of(user):
        return queryset
    return queryset.filter(assignments__unit_id=_unit_id(user)).distinct()


@row_rule("plans.assignment")
def _assignments_of_my_tasks(queryset, user, action):
    if roles_of(user) & _SEES_ALL and action == "view" or "长三角办" in roles_of(user):
        return queryset
    return queryset.filter(task__assignments__unit_id=_unit_id(user)).distinct()


@row_rule("plans.journalentry")
def _journal_of_my_tasks(queryset, user, action):
    if roles_of(user) & _SEES_ALL:
        return queryset
    return queryset.filter(task__assignments__unit_id=_unit_id(user)).distinct()


@row_rule("plans.notification")
def my_notifications(queryset, user, action):
    return queryset.filter(Q(unit_id=_unit_id(user)) | Q(user=user))
