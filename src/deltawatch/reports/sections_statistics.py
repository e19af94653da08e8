"""The statistics bulletin (统计工作通报): how the reporting cycles of a period were reported —
completeness and timeliness, rule violations and unverified outliers, the regions that have
not reported — as sections of the report document (``reports.document``).

A period's cycles are those whose reporting period lies inside it: a year holds its annual
cycle and its quarters' and months' cycles, a quarter its own and its months', a month its own.
Every figure comes from the statistics workflow's reads (``reporting.services``): a cycle's
forms from ``completeness`` (timeliness against the cycle's due date, cells filled), their counts
from ``summarise``, the rule violations from ``cycle_report``; the outlier flags still to verify
from ``reporting.models.OutlierFlag``. "Overdue" is judged on ``as_of`` (default: today), which
the document records.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from deltawatch.indicators.services import english, localized
from deltawatch.regions.models import Region
from deltawatch.reporting import services
from deltawatch.reporting.choices import FormState, Severity, Timeliness
from deltawatch.reporting.models import OutlierFlag, ReportingCycle, ValidationRule

from . import document as doc
from .periods import Period
from .sections_tasks import day_label, percent, percent_text

__all__ = ["build", "cycles_in", "statistics_sections"]

BAR_COLOUR = "#1565c0"

# Column labels (the table headers), one per key.
LABELS = {
    "cycle": pgettext_lazy("report column", "报告期"),
    "due_date": pgettext_lazy("report column", "截止日期"),
    "forms": pgettext_lazy("report column", "应报"),
    "submitted": pgettext_lazy("report column", "已上报"),
    "on_time": pgettext_lazy("report column", "按时"),
    "late": pgettext_lazy("report column", "逾期上报"),
    "approved": pgettext_lazy("report column", "审核通过"),
    "missing": pgettext_lazy("report column", "未上报"),
    "share": pgettext_lazy("report column", "数据项填报率"),
    "region": pgettext_lazy("report column", "地区"),
    "rule": pgettext_lazy("report column", "规则"),
    "description": pgettext_lazy("report column", "说明"),
    "severity": pgettext_lazy("report column", "严重程度"),
    "count": pgettext_lazy("report column", "处数"),
    "regions": pgettext_lazy("report column", "涉及地区"),
    "errors": pgettext_lazy("report column", "错误"),
    "warnings": pgettext_lazy("report column", "警告"),
    "flags": pgettext_lazy("report column", "未核实异常值"),
    "indicator": pgettext_lazy("report column", "指标"),
    "year": pgettext_lazy("report column", "年份"),
    "method": pgettext_lazy("report column", "方法"),
    "value": pgettext_lazy("report column", "数值"),
    "state": pgettext_lazy("report column", "状态"),
    "overdue": pgettext_lazy("report column", "已过截止日期"),
}


# ------------------------------------------------------------------------------ the document


def build(period: Period, as_of: dt.date | None = None) -> dict:
    """The whole bulletin for ``period``, forms judged on ``as_of`` (default: today)."""
    from deltawatch.site.cache import data_version

    as_of = as_of or timezone.localdate()
    title = _("长三角一体化发展统计工作通报（%(period)s）") % {"period": period.label()}
    sources = {"data_version": data_version(), "as_of": as_of.isoformat(),
               "cycles": [c.pk for c in cycles_in(period)]}
    return doc.document(title, statistics_sections(period, as_of), sources=sources)


def statistics_sections(period: Period, as_of: dt.date | None = None) -> list[dict]:
    as_of = as_of or timezone.localdate()
    parts = [("timeliness", _("填报完整性和及时性"), timeliness_section),
             ("violations", _("数据校验情况"), violations_section),
             ("missing", _("未上报地区"), missing_section)]
    return [doc.guarded(code, title, function, code, title, period, as_of) for code, title, function in parts]


# ------------------------------------------------------------------------------ shared reads


def cycle_periods(period: Period) -> list[str]:
    """The ``ReportingCycle.period`` codes inside ``period`` ('' the year, 'Q1', 'M07' …)."""
    months = range(period.first_month, period.last_month + 1)
    codes = [f"M{m:02d}" for m in months]
    if period.kind in ("quarter", "year"):
        codes += [f"Q{q}" for q in range((period.first_month + 2) // 3, period.last_month // 3 + 1)]
    if period.kind == "year":
        codes.append("")
    return codes


def cycles_in(period: Period) -> list[ReportingCycle]:
    """The reporting cycles of ``period``, earliest due first."""
    return list(ReportingCycle.objects.filter(year=period.year, period__in=cycle_periods(period))
                .select_related("data_set").order_by("due_date", "data_set__code", "period"))


def cycle_label(cycle: ReportingCycle) -> str:
    return f"{localized(cycle.data_set)} {services.period_label(cycle.year, cycle.period)}"


def forms_frame(cycles: list[ReportingCycle], as_of: dt.date) -> pd.DataFrame:
    """Every form of ``cycles`` (``reporting.services.completeness``), with its cycle."""
    frames = [services.completeness(cycle, today=as_of).assign(cycle=cycle.pk, cycle_label=cycle_label(cycle))
              for cycle in cycles]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def region_names(codes) -> dict[str, str]:
    """Region code → name in the report's language (one query)."""
    rows = Region.objects.filter(code__in=list(codes)).values_list("code", "name_zh", "name_en")
    return {code: (en or zh) if english() else zh for code, zh, en in rows}


def _no_cycle(code: str, title: str, period: Period) -> dict:
    return doc.empty(code, title, _("%(period)s没有统计报告期。") % {"period": period.label()})



def _records(rows: list[dict], columns: list[dict]) -> list[dict]:
    return [{c["key"]: doc.plain(row.get(c["key"])) for c in columns} for row in rows]


def _columns(*specs) -> list[dict]:
    return [doc.column(key, str(LABELS[key]), fmt) for key, fmt in specs]


# ------------------------------------------------------------------------------ a) completeness and timeliness


def cycle_rows(cycles: list[ReportingCycle], forms: pd.DataFrame) -> list[dict]:
    """Per cycle: ``reporting.services.summarise`` of its forms."""
    rows = []
    for cycle in cycles:
        counts = services.summarise(forms[forms["cycle"] == cycle.pk])
        rows.append({"cycle": cycle_label(cycle), "due_date": cycle.due_date.isoformat(), **counts,
                     "submitted": counts["on_time"] + counts["late"], "approved": counts["states"]["approved"]})
    return rows


def region_rows(forms: pd.DataFrame) -> list[dict]:
    """Per region (every cycle of the period together): ``summarise`` of its forms."""
    names = region_names(forms["region_code"].unique())
    rows = []
    for code, group in forms.groupby("region_code", sort=True):
        counts = services.summarise(group)
        rows.append({"region": names.get(code, code), **counts, "submitted": counts["on_time"] + counts["late"]})
    return rows


def completeness_chart(rows: list[dict]) -> dict:
    """Cells filled per region, in % (a bar per region; no animation: it is printed)."""
    shares = [None if r["share"] is None else round(100 * r["share"], 1) for r in rows]
    option = {"animation": False, "tooltip": {"trigger": "axis"},
              "grid": {"left": 8, "right": 16, "bottom": 8, "top": 24, "containLabel": True},
              "xAxis": {"type": "category", "data": [r["region"] for r in rows], "axisLabel": {"rotate": 60, "interval": 0}},
              "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
              "series": [{"name": _("数据项填报率"), "type": "bar", "data": shares, "itemStyle": {"color": BAR_COLOUR}}]}
    return doc.chart(_("各地区数据项填报率（%）"), option, height=380)


def timeliness_section(code: str, title: str, period: Period, as_of: dt.date) -> dict:
    """填报完整性和及时性: forms reported on time, late, not yet; approved; cells filled."""
    cycles = cycles_in(period)
    if not cycles:
        return _no_cycle(code, title, period)
    forms = forms_frame(cycles, as_of)
    total = services.summarise(forms)
    facts = {"cycles": len(cycles), "forms": total["forms"], "submitted": total["on_time"] + total["late"],
             "on_time": total["on_time"], "late": total["late"], "approved": total["states"]["approved"],
             "missing": total["missing"], "overdue": total["overdue"], "filled_share": percent(total["share"])}
    text = _("截至%(date)s，本期共有%(cycles)s个统计报告期，应报填报表%(forms)s份，已上报%(submitted)s份"
             "（按时%(on_time)s份、逾期%(late)s份），审核通过%(approved)s份，未上报%(missing)s份"
             "（其中已过截止日期%(overdue)s份）；数据项填报率%(share)s。") % {
        "date": day_label(as_of), **facts, "share": percent_text(facts["filled_share"])}
    columns = _columns(("cycle", "text"), ("due_date", "text"), ("forms", "int"),
                       ("submitted", "int"), ("on_time", "int"), ("late", "int"),
                       ("approved", "int"), ("missing", "int"), ("share", "percent"))
    by_cycle = doc.table(_("各报告期填报情况"), columns, _records(cycle_rows(cycles, forms), columns),
                         _("按时：首次上报不晚于截止日期；逾期上报：晚于截止日期；数据项填报率：已填数据项 ÷ 应填数据项。"))
    regions = region_rows(forms)
    columns = _columns(("region", "text"), ("forms", "int"), ("on_time", "int"),
                       ("late", "int"), ("missing", "int"), ("share", "percent"))
    by_region = doc.table(_("各地区填报情况"), columns, _records(regions, columns))
    return doc.section(code, title, [doc.paragraph(text), by_cycle, by_region, completeness_chart(regions)], facts=facts)


# ------------------------------------------------------------------------------ b) rule violations


def violations_frame(cycles: list[ReportingCycle]) -> pd.DataFrame:
    """Every failed rule on the forms of ``cycles`` (``reporting.services.cycle_report``)."""
    frames = [services.cycle_report(cycle).assign(cycle_label=cycle_label(cycle)) for cycle in cycles]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["region_code", "indicator", "year", "value", "check", "severity", "detail", "cycle_label"])


def unverified_flags(cycles: list[ReportingCycle]) -> pd.DataFrame:
    """Outlier flags not yet verified on the cells of ``cycles`` (flags are kept for annual
    values only, as ``reporting.services.cycle_forms`` reads them); one query."""
    cells = Q(pk__in=[])
    for cycle in cycles:
        if not cycle.period:
            cells |= Q(year=cycle.year, region__statistics_forms__cycle=cycle,
                       indicator__data_sets=cycle.data_set_id)
    rows = (OutlierFlag.objects.filter(cells, verified=False).distinct()
            .values_list("region__code", "indicator__code", "indicator__name_zh", "indicator__name_en", "year",
                         "method", "value"))
    frame = pd.DataFrame.from_records(list(rows), columns=["region_code", "indicator_code", "name_zh", "name_en",
                                                           "year", "method", "value"])
    frame["indicator"] = [(en or zh) if english() else zh for zh, en in zip(frame["name_zh"], frame["name_en"])]
    return frame


def rule_rows(report: pd.DataFrame) -> list[dict]:
    """Per rule: violations and regions concerned, most violations first."""
    if report.empty:
        return []
    descriptions = dict(ValidationRule.objects.values_list("name", "description"))
    grouped = (report.groupby(["check", "severity"]).agg(count=("region_code", "size"),
                                                         regions=("region_code", "nunique")).reset_index()
               .sort_values(["count", "check"], ascending=[False, True]))
    return [{"rule": row["check"], "description": descriptions.get(row["check"], ""),
             "severity": str(Severity(row["severity"]).label), "count": int(row["count"]),
             "regions": int(row["regions"])} for row in grouped.to_dict("records")]


def region_violation_rows(report: pd.DataFrame, flags: pd.DataFrame) -> list[dict]:
    """Per region: errors, warnings, unverified outlier flags."""
    counts = report.groupby(["region_code", "severity"]).size().unstack(fill_value=0) if not report.empty \
        else pd.DataFrame()
    flagged = flags.groupby("region_code").size() if not flags.empty else pd.Series(dtype="int64")
    codes = sorted(set(counts.index) | set(flagged.index))
    names = region_names(codes)
    return [{"region": names.get(code, code),
             "errors": int(counts.at[code, "error"]) if "error" in counts.columns and code in counts.index else 0,
             "warnings": int(counts.at[code, "warning"]) if "warning" in counts.columns and code in counts.index else 0,
             "flags": int(flagged.get(code, 0))} for code in codes]


def violations_section(code: str, title: str, period: Period, as_of: dt.date) -> dict:
    """数据校验情况: errors and warnings of the rules by rule and by region; outliers to verify."""
    cycles = cycles_in(period)
    if not cycles:
        return _no_cycle(code, title, period)
    report, flags = violations_frame(cycles), unverified_flags(cycles)
    facts = {"errors": int((report["severity"] == Severity.ERROR).sum()),
             "warnings": int((report["severity"] == Severity.WARNING).sum()),
             "regions": int(report["region_code"].nunique()), "flags": len(flags)}
    text = _("本期各报告期的填报数据共有校验错误%(errors)s处、警告%(warnings)s处，涉及%(regions)s个地区；"
             "尚未核实的异常值标记%(flags)s个。") % facts
    blocks = [doc.paragraph(text)]
    rules = rule_rows(report)
    if rules:
        columns = _columns(("rule", "text"), ("description", "text"), ("severity", "text"),
                           ("count", "int"), ("regions", "int"))
        blocks.append(doc.table(_("按规则统计"), columns, _records(rules, columns)))
    regions = region_violation_rows(report, flags)
    if regions:
        columns = _columns(("region", "text"), ("errors", "int"), ("warnings", "int"),
                           ("flags", "int"))
        blocks.append(doc.table(_("按地区统计"), columns, _records(regions, columns)))
    if not flags.empty:
        names = region_names(flags["region_code"].unique())
        rows = [{**row, "region": names.get(row["region_code"], row["region_code"])} for row in flags.to_dict("records")]
        columns = _columns(("region", "text"), ("indicator", "text"), ("year", "text"),
                           ("method", "text"), ("value", "number"))
        blocks.append(doc.table(_("尚未核实的异常值"), columns, _records(rows, columns)))
    return doc.section(code, title, blocks, facts=facts)


# ------------------------------------------------------------------------------ c) regions not reported


def missing_section(code: str, title: str, period: Period, as_of: dt.date) -> dict:
    """未上报地区: the forms never submitted, by cycle, and whether their due date has passed."""
    cycles = cycles_in(period)
    if not cycles:
        return _no_cycle(code, title, period)
    forms = forms_frame(cycles, as_of)
    missing = forms[forms["timeliness"] == Timeliness.MISSING.value]
    facts = {"forms": len(missing), "regions": int(missing["region_code"].nunique()),
             "overdue": int(missing["overdue"].sum())}
    if missing.empty:
        text = _("截至%(date)s，本期各报告期的填报表均已上报。") % {"date": day_label(as_of)}
        return doc.section(code, title, [doc.paragraph(text)], facts=facts)
    text = _("截至%(date)s，%(regions)s个地区的%(forms)s份填报表尚未上报，其中%(overdue)s份已过截止日期。") % {
        "date": day_label(as_of), **facts}
    names = region_names(missing["region_code"].unique())
    due = {c.pk: c.due_date.isoformat() for c in cycles}
    rows = [{"cycle": row["cycle_label"], "region": names.get(row["region_code"], row["region_code"]),
             "state": str(FormState(row["state"]).label), "due_date": due[row["cycle"]],
             "overdue": _("是") if row["overdue"] else _("否")} for row in missing.to_dict("records")]
    columns = _columns(("cycle", "text"), ("region", "text"), ("state", "text"),
                       ("due_date", "text"), ("overdue", "text"))
    return doc.section(code, title, [doc.paragraph(text), doc.table(_("未上报的填报表"), columns,
                                                                      _records(rows, columns))], facts=facts)
