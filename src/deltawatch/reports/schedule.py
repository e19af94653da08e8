"""The periodic bulletins draft themselves: once a day the job worker's idle sweep (or
``deltawatch report schedule``, from cron or a timer) drafts, for each scheduled kind, the
bulletin of the last period that has ended, unless one exists. Idempotent: running it again,
or on a second worker, drafts nothing more (the check and the draft are in one transaction,
and a draft of the same kind and period counts as done).

The annual evaluation report is not scheduled: the office starts it when the year's data are in.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Report, ReportKind
from .periods import Period

JOB_KIND = "reports.schedule"
SCHEDULED = (ReportKind.TASKS, ReportKind.STATISTICS, ReportKind.PROGRESS)


def last_ended(kind: str, today: dt.date) -> Period:
    """The last period of the kind's usual length that ended before ``today``."""
    from .services import TEMPLATES

    return Period.containing(today, TEMPLATES[kind].period_kind).previous()


def draft_due(today: dt.date | None = None, user=None) -> list[Report]:
    """Draft the bulletins whose period has ended and that have none yet; returns the new drafts."""
    from .services import create

    today = today or timezone.localdate()
    made = []
    for kind in SCHEDULED:
        period = last_ended(kind, today)
        with transaction.atomic():
            if Report.objects.select_for_update().filter(kind=kind, period=period.code()).exists():
                continue
            made.append(create(kind, period, user=user))
    return made


def sweep_job(parameters: dict, user, report) -> str:
    """The job handler: the same sweep, run by the worker inside ``deltawatch serve``."""
    report(10, _("检查到期的定期通报"))
    made = draft_due()
    report(100, _("已起草通报 %(n)s 份") % {"n": len(made)})
    return ""


def schedule_daily(now=None):
    """Queue today's sweep unless one was queued today already."""
    from deltawatch.jobs.services import enqueue_once_a_day

    return enqueue_once_a_day(JOB_KIND, now)
