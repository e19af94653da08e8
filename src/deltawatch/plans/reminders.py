"""The reminder sweep: reminders before the due date, overdue notices, escalation to the
office — as inbox notifications (and e-mail where configured).

Idempotent: each notification carries an event key (kind, assignment, the date it is about),
unique in the table, so ``deltawatch tasks remind`` from cron, the job worker's scheduled run
and a second run the same day make one notification per event. A changed due date (an
approved extension) is a new event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .choices import Light, NoticeKind, OPEN_STATES, State
from .models import Assignment, Notification
from .notify import Both, Wording

JOB_KIND = "plans.remind"


def escalate_workdays() -> int:
    """Working days past the due date after which an overdue item is reported to the office."""
    return getattr(settings, "PLANS_ESCALATE_WORKDAYS", 5)


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    escalations: int = 0
    acceptance: int = 0

    @property
    def total(self) -> int:
        return self.reminders + self.overdue + self.escalations + self.acceptance


def sweep(today: dt.date | None = None) -> SweepResult:
    """Make the notifications due today that do not exist yet; returns how many of each."""
    from .services import warn_boundary, work_calendar

    today = today or timezone.localdate()
    warn_last = warn_boundary(today)
    calendar = work_calendar()
    rows = list(Assignment.objects.filter(state__in=OPEN_STATES).filter(
        Q(due_date__lte=warn_last) | Q(state=State.ASSIGNED, accept_by__lt=today)).values(
        "id", "unit_id", "task_id", "state", "due_date", "accept_by", "task__code", "task__title", "unit__name_zh",
        "unit__name_en", "task__plan__owner_id"))
    wanted = [notice for row in rows for notice in _events(row, today, warn_last, calendar)]
    keys = [w.event_key for w in wanted]
    existing = set(Notification.objects.filter(event_key__in=keys).values_list("event_key", flat=True))
    new = [w for w in wanted if w.event_key not in existing]
    Notification.objects.bulk_create(new, ignore_conflicts=True)  # a sweep running at the same time
    result = SweepResult()
    fields = {"remind": "reminders", "overdue": "overdue", "escalate": "escalations", "accept": "acceptance"}
    for notice in new:
        field = fields[notice.event_key.split(":", 1)[0]]
        setattr(result, field, getattr(result, field) + 1)
    return result


def _events(row: dict, today, warn_last, calendar) -> list[Notification]:
    """The notifications one open assignment calls for today."""
    due, title = row["due_date"], f"{row['task__code']} {row['task__title'][:60]}"
    common = {"task_id": row["task_id"], "assignment_id": row["id"]}
    out = []
    if row["state"] == State.ASSIGNED and row["accept_by"] and row["accept_by"] < today:
        out.append(Notification(kind=NoticeKind.REMINDER, unit_id=row["unit_id"], event_key=f"accept:{row['id']}:{row['accept_by']}",
                                **Wording(N_("请签收：%(task)s（签收时限 %(date)s 已过）"),
                                          {"task": title, "date": row["accept_by"]}).fields(), **common))
    if due is None:
        return out
    if today <= due <= warn_last:
        out.append(Notification(kind=NoticeKind.REMINDER, unit_id=row["unit_id"], light=Light.YELLOW,
                                event_key=f"remind:{row['id']}:{due}",
                                **Wording(N_("即将到期：%(task)s，完成时限 %(date)s"), {"task": title, "date": due}).fields(),
                                **common))
    elif due < today:
        out.append(Notification(kind=NoticeKind.OVERDUE, unit_id=row["unit_id"], light=Light.RED,
                                event_key=f"overdue:{row['id']}:{due}",
                                **Wording(N_("已逾期：%(task)s，完成时限 %(date)s"), {"task": title, "date": due}).fields(),
                                **common))
        late = int(calendar.workdays_between(due, today)[0])
        if late >= escalate_workdays():
            out.append(Notification(kind=NoticeKind.ESCALATION, unit_id=row["task__plan__owner_id"], light=Light.RED,
                                    event_key=f"escalate:{row['id']}:{due}",
                                    **Wording(N_("逾期上报：%(unit)s 承办的 %(task)s 已逾期 %(days)s 个工作日"),
                                              {"unit": Both(row["unit__name_zh"], row["unit__name_en"]),
                                               "task": title, "days": late}).fields(), **common))
    return out


def sweep_job(parameters: dict, user, report) -> str:
    """The job handler (``jobs.handlers.HANDLERS['plans.remind']``): the same sweep, run by the
    job worker inside ``deltawatch serve`` — queued once a day by :func:`schedule_daily`."""
    report(10, _("检查到期与逾期任务"))
    result = sweep()
    report(100, _("已生成通知 %(n)s 条") % {"n": result.total})
    return ""


def schedule_daily(now=None):
    """Queue today's sweep unless one was queued today already (the worker calls this when it
    starts and a page may call it on visit: no extra scheduler process is needed)."""
    from deltawatch.jobs.services import enqueue_once_a_day

    return enqueue_once_a_day(JOB_KIND, now)
