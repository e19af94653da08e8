"""Notifications: the in-application inbox (the bell), and e-mail when a server is configured.

A notification goes to a unit (every member sees it) — the unit, not a person, is what a task
is assigned to. A message is worded once per language when it is made (``Wording``) and stored in
both, so each reader sees it in the language of their page and an e-mail carries both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

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


class Both(NamedTuple):
    """A name stored in both languages (a unit's, a region's), for a ``Wording``'s parameters;
    English falls back to the Chinese name where none is stored."""

    zh: str
    en: str | None

    @classmethod
    def of(cls, thing) -> Both:
        return cls(thing.name_zh, getattr(thing, "name_en", ""))

    def word(self, language: str) -> str:
        return (self.en or self.zh) if language == "en" else self.zh


@dataclass(frozen=True)
class Wording:
    """A message to word in each language: a catalogue msgid (marked with ``gettext_noop``) and
    its parameters — lazy labels (translated under each language), ``Both`` names, or plain
    values (task titles and dates, the same in both)."""

    msgid: str
    params: dict = field(default_factory=dict)

    def render(self, language: str) -> str:
        with translation.override(language):
            values = {key: value.word(language) if isinstance(value, Both) else str(value)
                      for key, value in self.params.items()}
            return (gettext(self.msgid) % values)[:500]

    def fields(self) -> dict:
        """The notification's two message fields."""
        return {"message": self.render(settings.LANGUAGE_CODE), "message_en": self.render("en")}


def send(kind: str, unit, wording: Wording, *, task=None, assignment=None, event_key=None,
         light="") -> Notification | None:
    """One inbox entry; with ``event_key``, at most one ever (a second call returns None)."""
    if event_key and Notification.objects.filter(event_key=event_key).exists():
        return None
    try:
        with transaction.atomic():
            notice = Notification.objects.create(kind=kind, unit=unit, task=task, assignment=assignment,
                                                 event_key=event_key, light=light, **wording.fields())
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
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"[DeltaWatch] {notice.get_kind_display()}"
        body = notice.message + (f"\n\n{notice.message_en}" if notice.message_en else "")
        send_mail(subject, body, None, addresses)
    except Exception:
        logger.exception("could not e-mail notification %s", notice.pk)
        return
    Notification.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())


def after_transition(action, assignment, entry) -> None:
    if action not in _AFTER:
        return
    kind, who = _AFTER[action]
    task = assignment.task
    wording = Wording(N_("%(action)s：%(code)s %(title)s（%(unit)s）%(comment)s"), {
        "action": Action(action).label, "code": task.code, "title": task.title[:60], "unit": Both.of(assignment.unit),
        "comment": f"—{entry.comment[:120]}" if entry.comment else ""})
    unit = task.plan.owner if who == "office" else assignment.unit
    send(kind, unit, wording, task=task, assignment=assignment)
