"""The notification bell of the masthead: the unread count of the signed-in user's inbox."""

from django import template

from deltawatch.accounts.roles import roles_of

register = template.Library()

BELL_ROLES = {"长三角办", "部门"}  # the roles whose units receive the ledger's notifications


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """None when the user has no inbox (the bell is not shown); else the unread count
    (one query, through plans.scoping's rule for notifications)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (roles_of(user) & BELL_ROLES):
        return None
    from deltawatch.accounts.scoping import restrict

    from ..models import Notification

    return restrict(Notification.objects.filter(read_at__isnull=True), user).count()
