"""The task progress bulletin (任务进展通报): the ledger's state at the end of a period and what
happened in it, as sections of the report document (``reports.document``).

Every figure comes from the ledger's own reads — the plans' roll-ups
(``plans.services.plan_rollup``), the units' counts and rates (the league's
``plans.services._counts`` → ``methods.ledger.rates``), the light rule
(``plans.services.light_case``) — evaluated ``today=`` the period's end; the events of the
period (returns, closures, milestones, leaders' instructions) come from the journal, dated
inside the period.

Which tasks a bulletin counts ("纳入台账"): those started by the end of the period, or assigned
(交办, in the journal) by then — a ledger imported later still reports its earlier tasks, and a
task added after the period is not in it.

What "as of" cannot do: an assignment's *state* is the one recorded now (the ledger keeps no
state per date besides the journal); a bulletin drafted at the end of its period, as the
schedule does, reads the state of that day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from deltawatch.indicators.services import localized
from deltawatch.methods import ledger
from deltawatch.plans import services
from deltawatch.plans.choices import Action, Light, UnitRole
from deltawatch.plans.models import (
    Assignment,
    JournalEntry,
    Milestone,
    Plan,
    Section,
    Task,
)

from . import document as doc
from .periods import Period

__all__ = ["build", "in_ledger", "ledger_totals", "task_sections"]

# The bulletin's four lights, with the colours of the pages: the ledger's "done" (closed or
# terminated: ``light_case``) is shown grey.
LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "grey": "#9e9e9e"}


# ------------------------------------------------------------------------------ the document


def build(period: Period) -> dict:
    """The whole bulletin for ``period``: the state at ``period.end``, the events inside it."""
    from deltawatch.site.cache import data_version

    title = _("长三角一体化发展重点任务进展通报（%(period)s）") % {"period": period.label()}
    sources = {"data_version": data_version(), "as_of": period.end.isoformat(),
               "ledger_journal_last": last_journal_entry(period.end)}
    return doc.document(title, task_sections(period.end, period.start), sources=sources)


def task_sections(as_of: dt.date, since: dt.date | None) -> list[dict]:
    """The bulletin's sections: the state at ``as_of``; the events from ``since`` to ``as_of``
    (both included), the change against the state the day before ``since``. ``since`` None: no
    change is stated and the events are all those up to ``as_of``."""
    window = (since, as_of)
    parts = [
        ("overview", _("总体情况"), overview_section, (as_of, since)),
        ("units", _("各单位落实情况"), units_section, (as_of,)),
        ("overdue", _("逾期和退回事项"), overdue_section, (as_of, window)),
        ("lights", _("分领域红黄绿灯"), lights_section, (as_of,)),
        ("highlights", _("工作亮点"), highlights_section, (window,)),
    ]
    return [doc.guarded(code, title, function, code, title, *args) for code, title, function, args in parts]


def last_journal_entry(as_of: dt.date) -> int | None:
    """The id of the last journal entry dated on or before ``as_of`` (what the bulletin read)."""
    return JournalEntry.objects.filter(at__date__lte=as_of).aggregate(last=Max("id"))["last"]


# ------------------------------------------------------------------------------ shared reads


def in_ledger(as_of: dt.date):
    """The tasks in the ledger on ``as_of``: started by then, or assigned (交办) by then."""
    assigned = JournalEntry.objects.filter(task=OuterRef("pk"), action=Action.ASSIGN, at__date__lte=as_of)
    return Task.objects.filter(Q(start_date__lte=as_of) | Exists(assigned))


def plan_rollups(as_of: dt.date) -> list[tuple[Plan, dict]]:
    """``plans.services.plan_rollup`` of every plan with tasks in the ledger on ``as_of``."""
    scope = in_ledger(as_of)
    plans = Plan.objects.filter(pk__in=scope.values("plan_id")).order_by("code")
    return [(plan, services.plan_rollup(plan, as_of, tasks=scope.filter(plan=plan))) for plan in plans]


def ledger_totals(as_of: dt.date) -> dict | None:
    """The counts and rates of every plan together on ``as_of`` (the plans' roll-ups summed,
    rates by ``methods.ledger.rates``, as the overview's headline does); None: no task."""
    frames = [rollup["plan"][services.COUNT_COLUMNS] for _plan, rollup in plan_rollups(as_of)]
    if not frames:
        return None
    total = pd.concat(frames).sum().to_frame().T.astype("int64")
    row = ledger.rates(total).iloc[0]
    return {**{k: int(row[k]) for k in services.COUNT_COLUMNS},
            "closure_rate": row["closure_rate"], "on_time_rate": row["on_time_rate"]}


def day_label(day: dt.date) -> str:
    """A date as the language writes it (2026年11月30日 / Nov. 30, 2026)."""
    return formats.date_format(day, "DATE_FORMAT")


def percent(rate) -> float | None:
    """A share 0–1 as the percentage the sentences state (one decimal), None when undefined."""
    return None if rate is None or pd.isna(rate) else round(100 * float(rate), 1)


def percent_text(value: float | None) -> str:
    return _("暂无") if value is None else f"{value:.1f}%"


def _no_tasks(code: str, title: str, as_of: dt.date) -> dict:
    return doc.empty(code, title, _("截至%(date)s，台账中尚无任务。") % {"date": day_label(as_of)})


def _columns(*specs) -> list[dict]:
    return [doc.column(key, label, fmt) for key, label, fmt in specs]


# ------------------------------------------------------------------------------ a) overview


def overview_section(code: str, title: str, as_of: dt.date, since: dt.date | None) -> dict:
    """总体情况: tasks, closed, rates, open overdue at ``as_of``, and the change in open overdue
    since the day before ``since``."""
    now = ledger_totals(as_of)
    if now is None:
        return _no_tasks(code, title, as_of)
    facts = {"tasks": now["total"], "closed": now["closed"], "closure_rate": percent(now["closure_rate"]),
             "on_time_rate": percent(now["on_time_rate"]), "overdue": now["overdue_open"],
             "due_soon": now["yellow"], "terminated": now["terminated"]}
    text = _("截至%(date)s，纳入台账的重点任务共%(tasks)s项，已办结%(closed)s项，办结率%(closure)s，"
             "按期完成率%(on_time)s；逾期未办结%(overdue)s项") % {
        "date": day_label(as_of), "tasks": facts["tasks"], "closed": facts["closed"],
        "closure": percent_text(facts["closure_rate"]), "on_time": percent_text(facts["on_time_rate"]),
        "overdue": facts["overdue"]}
    if since is not None:
        before = ledger_totals(since - dt.timedelta(days=1))
        facts["overdue_previous"] = before["overdue_open"] if before else 0
        facts["overdue_change"] = facts["overdue"] - facts["overdue_previous"]
        text += change_clause(facts["overdue_change"])
    text += _("。")
    return doc.section(code, title, [doc.paragraph(text)], facts=facts)


def change_clause(change: int) -> str:
    if change > 0:
        return _("，较上期增加%(n)s项") % {"n": change}
    if change < 0:
        return _("，较上期减少%(n)s项") % {"n": -change}
    return _("，与上期持平")


# ------------------------------------------------------------------------------ b) units


def unit_league(as_of: dt.date) -> pd.DataFrame:
    """``plans.services.unit_league`` of the tasks in the ledger on ``as_of``: every assignment
    (lead and participating) of each unit, counted and rated by the league's own query; best
    on-time rate first, then closure rate.

    The league itself takes a plan, not a selection of tasks: the same counts (``_counts``)
    and rates (``_finish``) are asked for here with the selection."""
    from deltawatch.accounts.models import Organisation

    assignments = Assignment.objects.filter(task__in=in_ledger(as_of))
    frame = services._finish(services._counts(assignments, ["unit_id"], as_of, services.warn_boundary(as_of)))
    units = Organisation.objects.in_bulk(frame["unit_id"].tolist())
    frame["unit"] = frame["unit_id"].map(lambda pk: localized(units[pk]))
    return frame.sort_values(["on_time_rate", "closure_rate", "unit"], ascending=[False, False, True],
                             na_position="last").reset_index(drop=True)


def units_section(code: str, title: str, as_of: dt.date) -> dict:
    """各单位落实情况: the units' league on ``as_of``."""
    frame = unit_league(as_of)
    if frame.empty:
        return _no_tasks(code, title, as_of)
    columns = _columns(("unit", pgettext("report column", "单位"), "text"),
                       ("total", pgettext("report column", "承办任务"), "int"),
                       ("closed", pgettext("report column", "已办结"), "int"),
                       ("closure_rate", pgettext("report column", "办结率"), "percent"),
                       ("on_time_rate", pgettext("report column", "按期完成率"), "percent"),
                       ("overdue_open", pgettext("report column", "逾期未办结"), "int"),
                       ("returns", pgettext("report column", "退回次数"), "int"))
    rows = [{c["key"]: doc.plain(row[c["key"]]) for c in columns} for row in frame.to_dict("records")]
    best = rows[0]
    text = _("截至%(date)s，共%(n)s个单位承办任务；按期完成率最高的是%(unit)s（%(rate)s）。") % {
        "date": day_label(as_of), "n": len(rows), "unit": best["unit"],
        "rate": percent_text(percent(best["on_time_rate"]))}
    note = _("按期完成率 = 按期办结数 ÷（已办结数 + 逾期未办结数）；办结率 = 已办结数 ÷（任务数 − 已终止数）。"
             "单位承办的任务含牵头和参与。")
    table = doc.table(_("各单位任务落实情况（截至%(date)s）") % {"date": day_label(as_of)}, columns, rows, note)
    return doc.section(code, title, [doc.paragraph(text), table], facts={"units": len(rows)})



# ------------------------------------------------------------------------------ c) overdue and returned


def overdue_frame(as_of: dt.date) -> pd.DataFrame:
    """The tasks whose lead part is 红 on ``as_of`` (``light_case``: open and past its due date),
    most days overdue first (one query)."""
    leads = (Assignment.objects.filter(role=UnitRole.LEAD, task__in=in_ledger(as_of))
             .annotate(light=services.light_case(as_of, services.warn_boundary(as_of))).filter(light=Light.RED))
    frame = pd.DataFrame.from_records(
        leads.values_list("task__code", "task__title", "unit__name_zh", "unit__name_en", "due_date"),
        columns=["code", "title", "name_zh", "name_en", "due_date"])
    frame["unit"] = _names(frame)
    frame["days_overdue"] = [(as_of - due).days for due in frame["due_date"]]
    frame["due_date"] = frame["due_date"].map(dt.date.isoformat)
    return frame.sort_values(["days_overdue", "code"], ascending=[False, True]).reset_index(drop=True)


def returned_frame(window: tuple[dt.date | None, dt.date]) -> pd.DataFrame:
    """The returns (退回) of reports for closing dated inside ``window``, oldest first (one query)."""
    since, until = window
    entries = JournalEntry.objects.filter(action=Action.RETURN, at__date__lte=until)
    if since is not None:
        entries = entries.filter(at__date__gte=since)
    frame = pd.DataFrame.from_records(
        entries.order_by("at", "id").values_list("task__code", "task__title", "assignment__unit__name_zh",
                                                 "assignment__unit__name_en", "task__due_date", "at", "comment"),
        columns=["code", "title", "name_zh", "name_en", "due_date", "at", "reason"])
    frame["unit"] = _names(frame)
    frame["due_date"] = frame["due_date"].map(lambda d: d.isoformat() if d else None)
    frame["returned_on"] = frame["at"].map(lambda t: _local_date(t).isoformat())
    return frame


def _local_date(moment) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(moment)


def _names(frame: pd.DataFrame) -> list[str]:
    """The units' names in the report's language (English when there is one)."""
    from deltawatch.indicators.services import english

    if english():
        return [en or zh for zh, en in zip(frame["name_zh"], frame["name_en"])]
    return frame["name_zh"].tolist()


def overdue_section(code: str, title: str, as_of: dt.date, window) -> dict:
    """逾期和退回事项: the overdue tasks on ``as_of`` and the returns of the period."""
    if not in_ledger(as_of).exists():
        return _no_tasks(code, title, as_of)
    overdue, returned = overdue_frame(as_of), returned_frame(window)
    text = _("截至%(date)s，逾期未办结任务%(overdue)s项；本期退回办结申请%(returned)s次。") % {
        "date": day_label(as_of), "overdue": len(overdue), "returned": len(returned)}
    blocks = [doc.paragraph(text)]
    if len(overdue):
        columns = _columns(("code", pgettext("report column", "序号"), "text"),
                           ("title", pgettext("report column", "任务"), "text"),
                           ("unit", pgettext("report column", "牵头单位"), "text"),
                           ("due_date", pgettext("report column", "完成时限"), "text"),
                           ("days_overdue", pgettext("report column", "逾期天数"), "int"))
        blocks.append(doc.table(_("逾期未办结任务"), columns, _records(overdue, columns)))
    if len(returned):
        columns = _columns(("code", pgettext("report column", "序号"), "text"),
                           ("title", pgettext("report column", "任务"), "text"),
                           ("unit", pgettext("report column", "承办单位"), "text"),
                           ("due_date", pgettext("report column", "完成时限"), "text"),
                           ("returned_on", pgettext("report column", "退回日期"), "text"),
                           ("reason", pgettext("report column", "退回理由"), "text"))
        blocks.append(doc.table(_("本期退回事项"), columns, _records(returned, columns)))
    return doc.section(code, title, blocks, facts={"overdue": len(overdue), "returned": len(returned)})


def _records(frame: pd.DataFrame, columns: list[dict]) -> list[dict]:
    return [{c["key"]: doc.plain(row[c["key"]]) for c in columns} for row in frame.to_dict("records")]


# ------------------------------------------------------------------------------ d) lights by area


def lights_frame(as_of: dt.date) -> pd.DataFrame:
    """Per area (a plan's section that holds measures directly; tasks on no measure make an
    area of their own): the lead parts' lights on ``as_of``, from each plan's roll-up by
    measure (its section roll-up adds sub-sections to chapters and leaves out the tasks on no
    measure: each task is counted here once)."""
    rollups = plan_rollups(as_of)
    named = len(rollups) > 1
    sections = Section.objects.in_bulk([int(pk) for _p, r in rollups for pk in r["measures"]["section"].dropna()])
    rows = []
    for plan, rollup in rollups:
        frame = rollup["measures"].groupby("section", dropna=False)[services.COUNT_COLUMNS].sum().reset_index()
        for row in frame.to_dict("records"):
            section = sections.get(int(row["section"])) if pd.notna(row["section"]) else None
            area = f"{section.number} {section.title}" if section else _("未归入章节")
            rows.append({"area": f"{localized(plan)} · {area}" if named else area,
                         "order": (plan.code, section.order if section else 10 ** 9),
                         "green": int(row["green"]), "yellow": int(row["yellow"]), "red": int(row["red"]),
                         "grey": int(row["closed"] + row["terminated"]), "total": int(row["total"])})
    frame = pd.DataFrame(rows, columns=["area", "order", *LIGHT_COLOURS, "total"])
    return frame[frame["total"] > 0].sort_values("order").drop(columns="order").reset_index(drop=True)


def light_labels() -> dict[str, str]:
    return {"green": _("绿灯"), "yellow": _("黄灯"), "red": _("红灯"), "grey": _("已办结或终止")}


def lights_chart(frame: pd.DataFrame) -> dict:
    """A stacked bar per area of its four lights (ECharts option; no animation: it is printed)."""
    labels = light_labels()
    series = [{"name": labels[name], "type": "bar", "stack": "lights", "itemStyle": {"color": colour},
               "data": frame[name].tolist()} for name, colour in LIGHT_COLOURS.items()]
    option = {"animation": False, "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
              "grid": {"left": 8, "right": 16, "bottom": 8, "top": 32, "containLabel": True},
              "xAxis": {"type": "value", "minInterval": 1},
              "yAxis": {"type": "category", "inverse": True, "data": frame["area"].tolist()},
              "series": series}
    return doc.chart(_("各领域任务红黄绿灯"), option, height=max(240, 36 * len(frame) + 80))


def lights_section(code: str, title: str, as_of: dt.date) -> dict:
    """分领域红黄绿灯: lights by area, a table and a stacked bar chart."""
    frame = lights_frame(as_of)
    if frame.empty:
        return _no_tasks(code, title, as_of)
    labels = light_labels()
    columns = _columns(("area", pgettext("report column", "领域"), "text"),
                       *((name, labels[name], "int") for name in LIGHT_COLOURS),
                       ("total", pgettext("report column", "合计"), "int"))
    totals = {name: int(frame[name].sum()) for name in (*LIGHT_COLOURS, "total")}
    text = _("截至%(date)s，%(areas)s个领域的任务中，绿灯%(green)s项、黄灯%(yellow)s项、红灯%(red)s项，"
             "已办结或终止%(grey)s项。") % {"date": day_label(as_of), "areas": len(frame), **totals}
    note = _("红灯：已逾期；黄灯：%(days)s个工作日内到期；绿灯：按期推进或长期坚持。") % {"days": services.warn_workdays()}
    blocks = [doc.paragraph(text), doc.table(_("各领域任务红黄绿灯（项）"), columns, _records(frame, columns), note),
              lights_chart(frame)]
    return doc.section(code, title, blocks, facts={"areas": len(frame), **totals})


# ------------------------------------------------------------------------------ e) highlights


def _in_window(queryset, window, field: str = "at__date"):
    since, until = window
    queryset = queryset.filter(**{f"{field}__lte": until})
    return queryset.filter(**{f"{field}__gte": since}) if since is not None else queryset


def closed_in(window) -> list[str]:
    """Tasks closed (办结销号: the lead part approved) inside ``window``."""
    entries = _in_window(JournalEntry.objects.filter(action=Action.APPROVE, assignment__role=UnitRole.LEAD), window)
    rows = entries.order_by("at", "id").values_list("task__code", "task__title", "assignment__unit__name_zh",
                                                    "assignment__unit__name_en", "at")
    return [_("%(code)s %(title)s（%(unit)s，%(date)s办结）")
            % {"code": code, "title": title, "unit": _name(zh, en), "date": day_label(_local_date(at))}
            for code, title, zh, en, at in rows]


def milestones_in(window) -> list[str]:
    """Milestones (节点) completed inside ``window``, by their completion date."""
    rows = (_in_window(Milestone.objects.all(), window, "done_on").order_by("done_on", "id")
            .values_list("task__code", "task__title", "title", "done_on"))
    return [_("%(code)s %(task)s：完成节点“%(title)s”（%(date)s）")
            % {"code": code, "task": task, "title": title, "date": day_label(done_on)}
            for code, task, title, done_on in rows]


def instructions_in(window) -> list[str]:
    """Leaders' instructions (领导批示) recorded inside ``window``."""
    rows = (_in_window(JournalEntry.objects.filter(action=Action.INSTRUCT), window).order_by("at", "id")
            .values_list("task__code", "task__title", "detail", "comment", "at"))
    return [_("%(date)s，%(leader)s对%(code)s %(title)s作出批示：%(text)s")
            % {"date": day_label(_local_date(at)), "leader": (detail or {}).get("leader") or _("领导"),
               "code": code, "title": title, "text": comment}
            for code, title, detail, comment, at in rows]


def _name(zh: str, en: str) -> str:
    from deltawatch.indicators.services import english

    return (en or zh) if english() else zh


def highlights_section(code: str, title: str, window) -> dict:
    """工作亮点: what was closed, which milestones were reached, which instructions were given."""
    closed, milestones, instructions = closed_in(window), milestones_in(window), instructions_in(window)
    facts = {"closed": len(closed), "milestones": len(milestones), "instructions": len(instructions)}
    if not any(facts.values()):
        return doc.empty(code, title, _("本期没有办结的任务、完成的节点或领导批示。"), facts=facts)
    text = _("本期办结任务%(closed)s项，完成节点%(milestones)s个，领导批示%(instructions)s件。") % facts
    blocks = [doc.paragraph(text)]
    for heading, items in ((_("本期办结的任务："), closed), (_("本期完成的节点："), milestones),
                           (_("领导批示："), instructions)):
        if items:
            blocks += [doc.paragraph(heading), doc.bullet_list(items)]
    return doc.section(code, title, blocks, facts=facts)
