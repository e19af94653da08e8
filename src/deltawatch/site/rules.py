"""Who sees which feedback (registered with ``accounts.scoping`` when the app is ready).

The office (长三角办) and the system administrators read and answer every entry; everybody
else — other roles and the public — sees only the questions the office answered and marked
public, never a name or a contact (the templates for them do not show those fields).
"""

from django.db.models import Q

from deltawatch.accounts.roles import roles_of
from deltawatch.accounts.scoping import public_rule, row_rule

from .choices import FeedbackStatus

OFFICE_ROLES = frozenset({"长三角办", "系统管理员"})
PUBLISHED = Q(is_public=True, status=FeedbackStatus.ANSWERED) & ~Q(answer="")


def is_office(user) -> bool:
    """Whether ``user`` holds a role that reads and answers the feedback."""
    return bool(roles_of(user) & OFFICE_ROLES)


@public_rule("site.feedback")
def _published_only(queryset):
    return queryset.filter(PUBLISHED)


@row_rule("site.feedback")
def _office_reads_all(queryset, user, action):
    if is_office(user):
        return queryset
    return queryset.filter(PUBLISHED) if action == "view" else queryset.none()
