"""The ledger's parts on other apps' pages, as template tags so that those pages need no
change beyond a line of template: the overview's headline card and the indicator page's
linked tasks. Both go through ``accounts.scoping.restrict`` (the public sees no task:
plans.scoping registers no public rule)."""

from __future__ import annotations

import pandas as pd
from django import template
from django.utils import timezone

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def ledger_headline(context):
    """For whom sees every task: tasks, closed, overdue, on-time and closure rates over every
    plan (the plans' roll-ups summed, rates by ``methods.ledger.rates``); for a unit's staff
    their inbox counts; None for anyone else (the public)."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return None
    from deltawatch.accounts.scoping import restrict
    from deltawatch.methods import ledger
    from deltawatch.site.cache import cached

    from .. import services
    from ..models import Task
    from ..workflow import user_unit

    every = Task.objects.all()
    if not every.exists():
        return None
    today = timezone.localdate()
    if restrict(every, user).count() == every.count():
        def compute():
            from ..models import Plan

            frames = [services.plan_rollup(plan, today)["plan"] for plan in Plan.objects.filter(tasks__isnull=False).distinct()]
            total = sum(f[services.COUNT_COLUMNS] for f in frames).reset_index(drop=True)
            return ledger.rates(total).iloc[0].to_dict()

        row = cached("plans-headline", compute, today)
        def rate(value):
            return None if value is None or pd.isna(value) else round(100 * float(value), 1)

        return {"kind": "all", "total": int(row["total"]), "closed": int(row["closed"]), "red": int(row["red"]),
                "yellow": int(row["yellow"]), "on_time_rate": rate(row["on_time_rate"]),
                "closure_rate": rate(row["closure_rate"])}
    unit = user_unit(user)
    if unit is None or not restrict(every, user).exists():
        return None
    counts = services.inbox(unit, today, limit=0)["counts"]
    return {"kind": "unit", "unit": unit, **counts}


@register.simple_tag(takes_context=True)
def linked_tasks(context, indicator):
    """The tasks linked to ``indicator`` that the user may see, with their light."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return []
    from deltawatch.accounts.scoping import restrict

    from .. import services
    from ..models import Task

    today = timezone.localdate()
    rows = (restrict(Task.objects.filter(indicators=indicator), user)
            .annotate(light=services.light_case(today, services.warn_boundary(today), state="status"))
            .select_related("plan", "lead_unit").order_by("due_date", "code"))
    return list(rows[:50])
