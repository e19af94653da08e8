"""Notifications: the in-application inbox (the bell), and e-mail when a server is configured.

A notification goes to a unit (every member sees it) — the unit, not a person, is what a task
is assigned to. Messages are written in the site's language (Chinese) when they are made.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .choices import Action, NoticeKind
from .models import Notification

logger = logging.getLogger(__name__)

_AFTER = {  # action → (kind, who: "unit" | "office" | "all")
    Action.ASSIGN: (NoticeKind.ASSIGNED, "unit"),
    Action.REQUEST_CLOSE: (NoticeKind.REVIEW, "office"),
    Action.APPROVE: (NoticeKind.CLOSED, "unit"),
    Action.RETURN: (NoticeKind.RETURNED, "unit"),
    Action.REQUEST_EXTENSION: (NoticeKind.EXTENSION, "office"),
    Action.APPROVE_EXTENSION: (NoticeKind.EXTENSION, "unit"),
    Action.REFUSE_EXTENSION: (NoticeKind.EXTENSION, "unit"),
    Action.TERMINATE: (NoticeKind.TERMINATED, "unit"),
    Action.ADJUST: (NoticeKind.EXTENSION, "unit"),
    Action.URGE: (NoticeKind.URGE, "unit"),
}


def send(kind: str, unit, message: str, *, task=None, assignment=None, event_key=None, light="") -> Notification | None:
    """One inbox entry; with ``event_key``, at most one ever (a second call returns None)."""
    if event_key and Notification.objects.filter(event_key=event_key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notification.objects.create(kind=kind, unit=unit, task=task, assignment=assignment,
                                                 message=message[:500], event_key=event_key, light=light)
    except IntegrityError:  # the same event made by a sweep running at the same time
        return None
    transaction.on_commit(lambda: _email(notice))
    return notice


def _email(notice: Notification) -> None:
    """E-mail the unit's members who have an address — only when an e-mail server is configured
    (``DELTAWATCH_EMAIL_HOST``); a failure is logged and the inbox entry stays."""
    if not getattr(settings, "EMAIL_HOST_CONFIGURED", False) or notice.unit is None:
        return
    from django.core.mail import send_mail
    from django.utils import timezone

    addresses = [m.user.email for m in notice.unit.members.select_related("user") if m.user.email]
    if not addresses:
        return
    try:
        send_mail(f"[DeltaWatch] {notice.get_kind_display()}", notice.message, None, addresses)
    except Exception:
        logger.exception("could not e-mail notification %s", notice.pk)
        return
    Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())


def after_transition(action, assignment, entry) -> None:
    if action not in _AFTER:
        return
    kind, who = _AFTER[action]
    task = assignment.task
    with translation.override(settings.LANGUAGE_CODE):
        message = _("%(action)s：%(code)s %(title)s（%(unit)s）%(comment)s") % {
            "action": Action(action).label, "code": task.code, "title": task.title[:60], "unit": assignment.unit,
            "comment": f"—{entry.comment[:120]}" if entry.comment else ""}
    unit = task.plan.owner if who == "office" else assignment.unit
    send(kind, unit, message, task=task, assignment=assignment)
