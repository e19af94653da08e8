"""The progress bulletin (目标进展通报): target statuses at the end of a period and what changed.

Everything comes from the stored progress assessments (``progress.services``) and their
change log (``progress.models.StatusChange``); nothing is assessed here:

* the run a bulletin reports is the newest :class:`~deltawatch.progress.models.ProgressRun`
  started by the end of the period; when later runs exist, the statuses it gave are read back
  from the change log (the first later change of a subject names its status before it);
* the changes are the change-log rows of the runs after the last run before ``since`` (by
  default the start of the period), up to that run;
* counts by status (overall, by plan area, by region) are ``methods.progress.rollup``'s.

Only assessments against a target are counted: a series without a target has no target status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deltawatch.methods.progress import STATUSES, rollup
from deltawatch.progress.choices import ProgressStatus
from deltawatch.progress.models import ProgressRun, StatusChange
from deltawatch.progress.report import COMPARATOR_SIGNS
from deltawatch.progress.services import indicator_frame, stored_assessments
from deltawatch.progress.views import STATUS_COLOURS

from . import document as doc
from .periods import Period

METHOD = "opensdg"  # the board's and the overview's method
AT_RISK = ("limited_progress", "deteriorating")  # off track (进展有限) and going backwards (出现倒退)


# ------------------------------------------------------------------------------ language


def english() -> bool:
    return (get_language() or "").startswith("en")


def status_label(code) -> str:
    return str(ProgressStatus(code).label) if code in STATUSES else str(code or "—")


def listing(items) -> str:
    return (", " if english() else "，").join(str(item) for item in items)


def region_names(codes) -> dict[str, str]:
    from deltawatch.site.services import region_names as names

    return names(list(codes), "en" if english() else "zh")


def indicator_names() -> pd.DataFrame:
    """code → name (in the report's language), unit, dimension code, name and order."""
    frame = indicator_frame().set_index("code")
    frame["name"] = frame["name_en" if english() else "name_zh"].fillna(frame["name_zh"])
    frame["dimension_name"] = frame["dimension_en" if english() else "dimension_zh"]
    return frame


# ------------------------------------------------------------------------------ which runs


def _not_after(day: dt.date):
    return ProgressRun.objects.filter(method=METHOD, started_at__date__lte=day)


def run_at(day: dt.date) -> ProgressRun | None:
    """The newest run of the bulletin's method started on or before ``day``."""
    return _not_after(day).order_by("-started_at", "-id").first()


def run_for(day: dt.date) -> ProgressRun | None:
    """The run a report on a period ending on ``day`` reads: the newest started by then, or —
    when the assessment was first made after the period (a report written later about a past
    year) — the first run after it, which later runs do not change."""
    return run_at(day) or (ProgressRun.objects.filter(method=METHOD, started_at__date__gt=day)
                           .order_by("started_at", "id").first())


def run_before(day: dt.date) -> ProgressRun | None:
    """The newest run started before ``day`` (what the previous bulletin reported)."""
    return ProgressRun.objects.filter(method=METHOD, started_at__date__lt=day).order_by("-started_at", "-id").first()


def _after(run: ProgressRun, prefix: str = "run__") -> Q:
    """Runs (or rows of runs) later than ``run`` in run order (start time, then id)."""
    return (Q(**{f"{prefix}started_at__gt": run.started_at})
            | Q(**{f"{prefix}started_at": run.started_at, f"{prefix}id__gt": run.id}))


def statuses_at(run: ProgressRun) -> pd.DataFrame:
    """The stored assessments against targets with the status ``run`` gave them: the current
    stored status, or — for a subject a later run changed — the old status of its first later
    change (``StatusChange``), so a bulletin reports what its run said, not today's state."""
    frame = stored_assessments(run.method)
    frame = frame[frame["target_id"].notna()].reset_index(drop=True)
    later = pd.DataFrame(StatusChange.objects.filter(_after(run), method=run.method)
                         .order_by("run__started_at", "run_id", "id").values_list("key", "old_status"),
                         columns=["key", "old_status"]).drop_duplicates("key", keep="first")
    before = dict(zip(later["key"], later["old_status"]))
    frame["status"] = [before.get(key, status) for key, status in zip(frame["key"], frame["status"])]
    frame["changed_later"] = frame["key"].isin(later["key"])
    return frame


def changes_between(previous: ProgressRun | None, latest: ProgressRun) -> pd.DataFrame:
    """The change-log rows (targets only) of the runs after ``previous`` up to ``latest``, in
    the order they happened."""
    rows = StatusChange.objects.filter(method=latest.method, target__isnull=False).exclude(_after(latest))
    if previous is not None:
        rows = rows.filter(_after(previous))
    fields = {"id": "id", "run_id": "run_id", "changed_at": "changed_at", "key": "key",
              "indicator__code": "indicator", "region__code": "region", "group__code": "group",
              "old_status": "old_status", "new_status": "new_status", "old_ratio": "old_ratio",
              "new_ratio": "new_ratio"}
    frame = pd.DataFrame(rows.order_by("changed_at", "id").values_list(*fields), columns=list(fields.values()))
    frame["region_code"] = frame["region"].fillna(frame["group"])
    return frame


@dataclass
class Window:
    """What a bulletin reads: the run it reports, the last run before it, the changes between."""

    run: ProgressRun | None
    previous: ProgressRun | None
    since: dt.date
    end: dt.date

    @classmethod
    def of(cls, period: Period, since: dt.date | None = None) -> Window:
        since = since or period.start
        run = run_for(period.end)
        # the same run as ``run`` when nothing ran since: then no change is new
        return cls(run, run_before(since), since, period.end)

    def run_ids(self, changes: pd.DataFrame) -> list[int]:
        ids = {self.run.id} if self.run else set()
        return sorted(ids | {int(i) for i in changes["run_id"]}) if len(changes) else sorted(ids)


# ------------------------------------------------------------------------------ counts


def count_rows(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """``methods.progress.rollup`` counts by status (overall when ``by`` is None)."""
    return rollup(frame, [] if by is None else [by])


def status_columns(first_key: str, first_label: str) -> list[dict]:
    return ([doc.column(first_key, first_label), doc.column("assessed", _("目标数"), "int")]
            + [doc.column(code, status_label(code), "int") for code in STATUSES])


def stacked_bar(categories: list[str], counts: pd.DataFrame) -> dict:
    """ECharts option: one horizontal stacked bar per category, a segment per status (its
    colour and its word in the legend), counts as labels."""
    series = [{"name": status_label(code), "type": "bar", "stack": "status", "barMaxWidth": 22,
               "itemStyle": {"color": STATUS_COLOURS.get(code, "#8a94a3")},
               "label": {"show": True, "formatter": "{c}", "fontSize": 10},
               "data": [int(n) or None for n in counts[code]]}
              for code in STATUSES if counts[code].sum() > 0]
    return {
        "animation": False,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 24, "top": 48, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1, "name": _("目标数"), "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "category", "inverse": True, "data": categories,
                  "axisLabel": {"width": 120, "overflow": "truncate"}},
        "series": series,
    }


def counts_sentence(total: pd.Series, run: ProgressRun) -> str:
    parts = [_("%(label)s %(n)s 项") % {"label": status_label(code), "n": int(total[code])}
             for code in STATUSES if int(total[code])]
    return _("据 %(date)s 的目标进展评估（第 %(run)s 次运行），%(n)s 项目标中：%(parts)s。") % {
        "date": run.started_at.date().isoformat(), "run": run.id, "n": int(total["assessed"]),
        "parts": listing(parts)}


def status_facts(total: pd.Series) -> dict:
    return {"assessed": int(total["assessed"]), **{code: int(total[code]) for code in STATUSES}}


def overview_section(frame: pd.DataFrame, run: ProgressRun) -> dict:
    title = _("目标进展总体情况")
    if frame.empty:
        return doc.empty("overview", title, _("评估运行中没有对照目标的评估项。"))
    total = count_rows(frame, None).iloc[0]
    table = doc.table(_("各状态目标数"), status_columns("scope", _("范围")),
                      [{"scope": _("全部目标"), **status_facts(total)}])
    return doc.section("overview", title, [doc.paragraph(counts_sentence(total, run)), table],
                       facts=status_facts(total))


def area_section(frame: pd.DataFrame, names: pd.DataFrame) -> dict:
    title = _("分领域目标进展")
    if frame.empty:
        return doc.empty("by_area", title, _("没有对照目标的评估项。"))
    frame = frame.assign(dimension=frame["indicator"].map(names["dimension"]))
    counts = count_rows(frame, "dimension")
    order = names.drop_duplicates("dimension").set_index("dimension")
    counts["order"] = counts["dimension"].map(order["dimension_order"])
    counts = counts.sort_values(["order", "dimension"]).reset_index(drop=True)
    counts["name"] = counts["dimension"].map(order["dimension_name"]).fillna(counts["dimension"])
    rows = [{"area": r["name"], **status_facts(r)} for r in counts.to_dict("records")]
    at_risk = counts.assign(risk=counts[list(AT_RISK)].sum(axis=1))
    worst = at_risk.sort_values(["risk", "order"], ascending=[False, True]).iloc[0]
    text = _("%(n)s 个领域设有目标；进展有限或出现倒退的目标最多的领域是%(area)s（%(risk)s 项）。") % {
        "n": len(counts), "area": worst["name"], "risk": int(worst["risk"])} if worst["risk"] else \
        _("%(n)s 个领域设有目标，没有进展有限或出现倒退的目标。") % {"n": len(counts)}
    return doc.section("by_area", title, [
        doc.paragraph(text),
        doc.table(_("分领域各状态目标数"), status_columns("area", _("领域")), rows),
        doc.chart(_("分领域目标进展状态"), stacked_bar(list(counts["name"]), counts),
                  height=max(240, 40 * len(counts) + 80)),
    ], facts={f"{r['dimension']}:{code}": int(r[code]) for r in counts.to_dict("records")
              for code in ("assessed", *STATUSES)})


def region_section(frame: pd.DataFrame) -> dict:
    title = _("分地区目标进展")
    if frame.empty:
        return doc.empty("by_region", title, _("没有对照目标的评估项。"))
    from deltawatch.progress.views import _scope_rank

    counts = count_rows(frame, "region_code")
    # the board's column order: groups first, the largest first, then regions by code
    rank = _scope_rank(dict(zip(frame["region_code"], frame["scope"])))
    counts = counts.assign(order=counts["region_code"].map(rank)).sort_values("order").reset_index(drop=True)
    names = region_names(counts["region_code"])
    counts["name"] = counts["region_code"].map(names).fillna(counts["region_code"])
    rows = [{"region": r["name"], **status_facts(r)} for r in counts.to_dict("records")]
    return doc.section("by_region", title, [
        doc.table(_("分地区各状态目标数"), status_columns("region", _("地区")), rows),
        doc.chart(_("分地区目标进展状态"), stacked_bar(list(counts["name"]), counts),
                  height=max(220, 40 * len(counts) + 80)),
    ], facts={f"{r['region_code']}:{code}": int(r[code]) for r in counts.to_dict("records")
              for code in ("assessed", *STATUSES)})


def subject_columns(frame: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """Indicator and region names of change-log or assessment rows."""
    regions = region_names(frame["region_code"].unique())
    return frame.assign(indicator_name=frame["indicator"].map(names["name"]).fillna(frame["indicator"]),
                        unit=frame["indicator"].map(names["unit"]),
                        region_name=frame["region_code"].map(regions).fillna(frame["region_code"]))


def changes_section(window: Window, changes: pd.DataFrame, names: pd.DataFrame) -> dict:
    title = _("上期以来的状态变化")
    if changes.empty:
        return doc.section("changes", title, [doc.paragraph(
            _("%(since)s 以来没有目标的进展状态发生变化。") % {"since": window.since.isoformat()})],
            facts={"changes": 0, "worse": 0, "better": 0})
    changes = subject_columns(changes, names)
    rank = {code: k for k, code in enumerate(STATUSES)}
    scored = changes[changes["old_status"].isin(STATUSES[:5]) & changes["new_status"].isin(STATUSES[:5])]
    worse = int((scored["new_status"].map(rank) > scored["old_status"].map(rank)).sum())
    better = int((scored["new_status"].map(rank) < scored["old_status"].map(rank)).sum())
    rows = [{"date": r["changed_at"].date().isoformat(), "indicator": r["indicator_name"], "region": r["region_name"],
             "from": status_label(r["old_status"]), "to": status_label(r["new_status"]),
             "old_status": r["old_status"], "new_status": r["new_status"]} for r in changes.to_dict("records")]
    text = _("%(since)s 以来，%(n)s 项目标的进展状态发生变化，其中好转 %(better)s 项、变差 %(worse)s 项。") % {
        "since": window.since.isoformat(), "n": len(changes), "better": better, "worse": worse}
    columns = [doc.column("date", _("变化日期")), doc.column("indicator", _("指标")), doc.column("region", _("地区")),
               doc.column("from", _("原状态")), doc.column("to", _("新状态"))]
    return doc.section("changes", title, [doc.paragraph(text), doc.table(_("目标进展状态变化"), columns, rows)],
                       facts={"changes": len(changes), "worse": worse, "better": better})


def target_text(row) -> str:
    """The plan's wording where it has one, else the comparison (≥ 75)."""
    if isinstance(row.get("value_text"), str) and row["value_text"] and not english():
        return row["value_text"]
    if pd.isna(row.get("target_value")):
        return row.get("value_text") or "—"
    return f"{COMPARATOR_SIGNS.get(row['comparator'], row['comparator'])} {row['target_value']:g}"


def with_value_text(frame: pd.DataFrame) -> pd.DataFrame:
    from deltawatch.indicators.models import Target

    wording = dict(Target.objects.filter(id__in=[int(i) for i in frame["target_id"]]).values_list("id", "value_text"))
    return frame.assign(value_text=frame["target_id"].map(lambda i: wording.get(int(i), "")))


def risk_section(frame: pd.DataFrame, names: pd.DataFrame) -> dict:
    title = _("需关注的目标（进展有限或出现倒退）")
    risky = frame[frame["status"].isin(AT_RISK)]
    if risky.empty:
        return doc.section("at_risk", title, [doc.paragraph(_("没有进展有限或出现倒退的目标。"))],
                           facts={"at_risk": 0})
    risky = with_value_text(subject_columns(risky, names))
    risky = risky.assign(order=risky["indicator"].map(names["dimension_order"]))
    risky = risky.sort_values(["status", "order", "indicator", "region_code"], ascending=[False, True, True, True])
    counts = risky["status"].value_counts()
    text = _("%(n)s 项目标需关注：进展有限 %(limited)s 项，出现倒退 %(back)s 项。") % {
        "n": len(risky), "limited": int(counts.get("limited_progress", 0)), "back": int(counts.get("deteriorating", 0))}
    return doc.section("at_risk", title, [doc.paragraph(text), target_table(_("需关注的目标"), risky)],
                       facts={"at_risk": len(risky), "limited_progress": int(counts.get("limited_progress", 0)),
                              "deteriorating": int(counts.get("deteriorating", 0))})


def target_table(caption: str, frame: pd.DataFrame) -> dict:
    """Targets with their latest value and status, a row each (``frame``: assessments with the
    subject columns and value texts added) — the bulletin's targets at risk and the annual
    report's targets of each area."""
    rows = [{"indicator": r["indicator_name"], "region": r["region_name"], "target_year": r["target_year"],
             "target": target_text(r), "latest": r["latest_value"], "latest_year": r["latest_year"],
             "ratio": r["ratio"], "status": status_label(r["status"]), "status_code": r["status"]}
            for r in frame.to_dict("records")]
    columns = [doc.column("indicator", _("指标")), doc.column("region", _("地区")),
               doc.column("target_year", _("目标年"), "year"), doc.column("target", _("目标")),
               doc.column("latest", _("最新值"), "number"), doc.column("latest_year", _("最新年份"), "year"),
               doc.column("ratio", _("进展比率"), "number"), doc.column("status", _("状态"))]
    return doc.table(caption, columns, rows)


# ------------------------------------------------------------------------------ the bulletin


def _no_run(code: str, title: str, window: Window) -> dict:
    return doc.empty(code, title, _("截至 %(date)s 尚无目标进展评估运行：请先运行评估（deltawatch progress）。")
                     % {"date": window.end.isoformat()})


TITLES = {  # code → msgid of the section's title (for the guarded and the empty ones)
    "overview": "目标进展总体情况", "by_area": "分领域目标进展", "by_region": "分地区目标进展",
    "changes": "上期以来的状态变化", "at_risk": "需关注的目标（进展有限或出现倒退）",
}


def progress_sections(period: Period, *, since: dt.date | None = None, window: Window | None = None) -> list[dict]:
    """The bulletin's sections for ``period``: overall counts, by plan area, by region, the
    changes since ``since`` (default: the period's start), the targets at risk."""
    window = window or Window.of(period, since)
    if window.run is None:
        return [_no_run(code, _(title), window) for code, title in TITLES.items()]
    frame = doc.guarded("overview", _(TITLES["overview"]), lambda: statuses_at(window.run))
    if isinstance(frame, dict):  # the stored assessments could not be read: every section says so
        return [doc.section(code, _(title), frame["blocks"], status="failed") for code, title in TITLES.items()]
    names = indicator_names()
    changes = changes_between(window.previous, window.run)
    return [
        doc.guarded("overview", _(TITLES["overview"]), overview_section, frame, window.run),
        doc.guarded("by_area", _(TITLES["by_area"]), area_section, frame, names),
        doc.guarded("by_region", _(TITLES["by_region"]), region_section, frame),
        doc.guarded("changes", _(TITLES["changes"]), changes_section, window, changes, names),
        doc.guarded("at_risk", _(TITLES["at_risk"]), risk_section, frame, names),
    ]


def build(period: Period, *, since: dt.date | None = None) -> dict:
    """The progress bulletin of ``period`` as a document (``reports.document``)."""
    from deltawatch.site.cache import data_version

    window = Window.of(period, since)
    changes = changes_between(window.previous, window.run) if window.run else pd.DataFrame(columns=["run_id"])
    sources = {"data_version": data_version(), "as_of": period.end.isoformat(), "since": window.since.isoformat(),
               "method": METHOD, "progress_runs": window.run_ids(changes),
               "previous_progress_run": window.previous.id if window.previous else None}
    return doc.document(_("目标进展通报"), progress_sections(period, since=since, window=window),
                        subtitle=period.label(), sources=sources)
