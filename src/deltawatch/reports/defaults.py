"""The reports ``deltawatch init`` makes on first start, after storing the results they read
(a progress run, the 41-city index with its rank intervals) (示例: they read the demonstration
ledger and reporting cycle besides the real statistics): the task bulletin of the last month
that has ended, issued and shown in the public view; a progress bulletin and the annual
evaluation report for the default's latest year with data, as drafts for the office to
write in, review and issue. Loading again makes nothing new.
"""

from __future__ import annotations

from django.db import transaction

from .models import Report, ReportKind, Status


def store_results(user=None) -> None:
    """The stored results the reports read, made once: a progress assessment of every target
    (Open SDG), and the shipped 41-city index for 2017 (the last year of its CO2 data) with
    its rank intervals from 1,000 runs — the steps of ``deltawatch progress`` and ``deltawatch
    index uncertainty yrd_hqd --year 2017 --save``."""
    from deltawatch.indices.models import IndexRun
    from deltawatch.jobs.handlers import index_uncertainty
    from deltawatch.progress.models import ProgressRun
    from deltawatch.progress.services import run_progress

    if not ProgressRun.objects.exists():
        run_progress(user=user)
    if not IndexRun.objects.exists():
        index_uncertainty({"spec": "yrd_hqd", "years": [2017], "runs": 1000, "seed": 0}, user,
                          lambda progress, message="": None)


def load_reports_default(user=None) -> list[Report]:
    from . import services
    from .commands import default_period

    from deltawatch.observations.models import Observation

    if Report.objects.filter(is_sample=True).exists() or not Observation.objects.exists():
        return []  # made already, or `init --no-data`: nothing to report on (a later init makes them)
    store_results(user)
    made = []
    with transaction.atomic():
        for kind in (ReportKind.TASKS, ReportKind.PROGRESS, ReportKind.ANNUAL):
            made.append(services.create(kind, default_period(kind), user=user, is_sample=True))
        bulletin = made[0]
        for action in ("submit", "approve", "publish"):
            bulletin = services.move(bulletin, action, user, comment="示例")
        services.set_public(bulletin, True, user)
    return made


def published_sample() -> Report | None:
    return Report.objects.filter(is_sample=True, status=Status.PUBLISHED).first()
