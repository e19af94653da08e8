"""The annual evaluation report (《长三角区域一体化发展规划纲要》实施情况评估报告) of a year.

Chapters: the targets' overall progress (the progress bulletin's sections), one chapter per
plan area (its targets and statuses, its indicators' latest values for the 41 cities, the main
indicator over the years by province, a map), the disparity and convergence findings, the
composite index with rank intervals, the performance assessment, and the tasks.

Nothing is computed here that the project computes elsewhere: statuses are the stored
progress assessments (``reports.sections_progress``); group values (the 41 cities as a whole)
are ``methods.aggregate`` through ``site.services.visible_series``; the map is the overview's
choropleth (``site.views.choropleth_part``); disparity and convergence are the /regional/ page's
analyses and charts (``regional.views``); index and assessment results are stored runs with the
charts of their own pages (``indices.views``, ``assessment.views``).

What is read: observations as the public sees them (approved values, as every stored progress
run reads them — a report is meant to be published); stored runs of every kind, published or
not (the office writes the report; publishing the report is its own step). Each part uses the
latest data or run of the report's year or before, and says which year that is.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from . import document as doc
from . import sections_progress as progress
from .periods import Period

CITIES = "yrd41"
DELTA = "yrd"
PROVINCES = ("310000", "320000", "330000", "340000")
MIN_CITIES = 21  # an indicator is summarised (and mapped) for a year in which at least half the cities have a value
TREND_YEARS = 20  # the province chart shows at most the last 20 years up to the report's year
DISPARITY_INDICATORS = ("gdp_per_capita", "avg_wage")  # the /regional/ page's default first


def public():
    """The reader of observation-based analyses: the public (approved values only)."""
    return AnonymousUser()


def office():
    """The reader of stored runs: everything, published or not (never saved, no permissions table)."""
    return SimpleNamespace(is_authenticated=True, is_superuser=True, is_anonymous=False, pk=None,
                           has_perm=lambda perm: True)


def static(option: dict) -> dict:
    """A page's chart option for a document: no animation, no links (a document has no page to
    go to)."""
    option = dict(option)
    option["animation"] = False
    for series in option.get("series") or []:
        for item in series.get("data") or []:
            if isinstance(item, dict):
                item.pop("url", None)
    return option


def number_text(value, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:,.{digits}f}"


# ------------------------------------------------------------------------------ shared reads


class Inputs:
    """What several chapters read, read once: the indicator catalogue, the 41 cities, the
    values (regions and groups) of every indicator up to the year, the progress run."""

    def __init__(self, year: int, period: Period):
        from deltawatch.regional.services import units
        from deltawatch.site.services import visible_series

        self.year, self.period = year, period
        self.names = progress.indicator_names()
        self.cities = units(group=CITIES)
        values = visible_series(public(), list(self.names.index))
        self.values = values[values["year"] <= year]
        self.window = progress.Window.of(period)
        self.used = {"index_runs": [], "assessment_runs": [], "progress_runs": []}

    def statuses(self) -> pd.DataFrame:
        return progress.statuses_at(self.window.run) if self.window.run else pd.DataFrame()

    def city_name(self, code: str) -> str:
        row = self.cities[self.cities["code"] == code]
        if row.empty:
            return code
        return str(row.iloc[0]["name_en" if progress.english() else "name_zh"])


# ------------------------------------------------------------------------------ a plan area


def area_targets(inputs: Inputs, area: str) -> dict:
    title = _("目标及进展状态")
    code = f"area:{area}:targets"
    if inputs.window.run is None:
        return doc.empty(code, title, _("截至 %(date)s 尚无目标进展评估运行。") % {"date": inputs.period.end.isoformat()})
    frame = inputs.statuses()
    frame = frame[frame["indicator"].map(inputs.names["dimension"]) == area] if not frame.empty else frame
    if frame.empty:
        return doc.empty(code, title, _("本领域未设量化目标。"))
    frame = progress.with_value_text(progress.subject_columns(frame, inputs.names))
    frame = frame.sort_values(["indicator", "scope", "region_code"], ascending=[True, False, True])
    counts = frame["status"].value_counts()
    parts = [_("%(label)s %(n)s 项") % {"label": progress.status_label(s), "n": int(counts[s])}
             for s in progress.STATUSES if counts.get(s, 0)]
    text = _("本领域 %(n)s 项目标：%(parts)s。") % {"n": len(frame), "parts": progress.listing(parts)}
    return doc.section(code, title, [doc.paragraph(text), progress.target_table(_("目标及进展状态"), frame)],
                       facts={"targets": len(frame), **{s: int(counts.get(s, 0)) for s in progress.STATUSES}})


def city_years(inputs: Inputs, indicator: str) -> tuple[pd.DataFrame, int | None]:
    """The cities' values of ``indicator`` and the year summarised: the latest year (up to the
    report's) in which the most cities have a value (``site.services.default_year``), when at
    least ``MIN_CITIES`` do."""
    from deltawatch.site.services import default_year

    values = inputs.values
    mine = values[(values["indicator"] == indicator) & (values["scope"] == "region")
                  & values["region_code"].isin(inputs.cities["code"])]
    coverage = {int(y): int(n) for y, n in mine.groupby("year")["region_code"].nunique().items()}
    year = default_year(coverage)
    if year is None or coverage[year] < MIN_CITIES:
        return mine.iloc[0:0], None
    return mine[mine["year"] == year], year


def summary_row(inputs: Inputs, indicator: str) -> dict | None:
    cities, year = city_years(inputs, indicator)
    if year is None:
        return None
    meta = inputs.names.loc[indicator]
    values = inputs.values
    group = values[(values["indicator"] == indicator) & (values["scope"] == "group")
                   & (values["region_code"] == CITIES) & (values["year"] == year)]
    ordered = cities.sort_values("value", ascending=int(meta["direction"]) < 0)
    best, worst = ordered.iloc[0], ordered.iloc[-1]
    return {"code": indicator, "indicator": meta["name"], "unit": meta["unit"], "year": year, "cities": len(cities),
            "delta": float(group["value"].iloc[0]) if len(group) else None,
            "best": inputs.city_name(best["region_code"]), "best_value": float(best["value"]),
            "worst": inputs.city_name(worst["region_code"]), "worst_value": float(worst["value"])}


def area_indicators(inputs: Inputs, area: str) -> dict:
    title = _("主要指标的41城最新值")
    code = f"area:{area}:indicators"
    indicators = list(inputs.names.index[inputs.names["dimension"] == area])
    rows = [row for row in (summary_row(inputs, i) for i in indicators) if row]
    if not rows:
        return doc.empty(code, title, _("%(year)s 年及以前，本领域没有指标在至少 %(n)s 个城市有数据。")
                         % {"year": inputs.year, "n": MIN_CITIES})
    columns = [doc.column("indicator", _("指标")), doc.column("unit", _("单位")), doc.column("year", _("年份"), "year"),
               doc.column("cities", _("有数据城市数"), "int"), doc.column("delta", _("41城总体"), "number"),
               doc.column("best", _("最好城市")), doc.column("best_value", _("最好值"), "number"),
               doc.column("worst", _("最差城市")), doc.column("worst_value", _("最差值"), "number")]
    main = main_indicator(inputs, area)
    first = next((r for r in rows if r["code"] == main), rows[0])
    text = _("%(year)s 年%(indicator)s：最好的是%(best)s（%(best_value)s %(unit)s），最差的是%(worst)s（%(worst_value)s %(unit)s）。") % {
        "year": first["year"], "indicator": first["indicator"], "best": first["best"],
        "best_value": number_text(first["best_value"]), "worst": first["worst"],
        "worst_value": number_text(first["worst_value"]), "unit": first["unit"]}
    note = _("41城总体：按指标的汇总方式（合计、加权平均或按公式）由41城的值算得，须41城都有数据；"
             "好坏按指标方向判断。仅列出至少 %(n)s 个城市有数据的指标，年份为有数据城市最多的最近年份。") % {"n": MIN_CITIES}
    return doc.section(code, title, [doc.paragraph(text), doc.table(title, columns, rows, note=note)],
                       facts={r["code"]: r["delta"] for r in rows} | {"indicators": len(rows)})


def main_indicator(inputs: Inputs, area: str) -> str | None:
    """The area's indicator to chart by province: one with a target first, then the one with
    the most province values (at least three years)."""
    from deltawatch.indicators.models import Target

    values = inputs.values
    mine = values[values["indicator"].map(inputs.names["dimension"]).eq(area) & (values["scope"] == "region")
                  & values["region_code"].isin(PROVINCES)]
    years = mine.groupby("indicator")["year"].nunique()
    candidates = years[years >= 3].index
    if not len(candidates):
        return None
    targeted = set(Target.objects.filter(indicator__code__in=list(candidates)).values_list("indicator__code", flat=True))
    size = mine.groupby("indicator").size()
    return min(candidates, key=lambda c: (c not in targeted, -size[c], c))


def line_option(years: list[int], series: list[tuple[str, dict]], unit: str) -> dict:
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "scale": True, "name": unit},
        "series": [{"name": name, "type": "line", "connectNulls": False, "showSymbol": False,
                    "data": [None if points.get(y) is None else round(points[y], 4) for y in years]}
                   for name, points in series],
    }


def area_trend(inputs: Inputs, area: str) -> dict:
    title = _("主要指标分省变化")
    code = f"area:{area}:trend"
    indicator = main_indicator(inputs, area)
    if indicator is None:
        return doc.empty(code, title, _("%(year)s 年及以前，本领域没有指标有三年以上的分省数据。") % {"year": inputs.year})
    values = inputs.values
    mine = values[(values["indicator"] == indicator) & values["region_code"].isin([*PROVINCES, DELTA])]
    mine = mine[mine["year"] > inputs.year - TREND_YEARS]
    years = sorted(int(y) for y in mine["year"].unique())
    names = progress.region_names([*PROVINCES, DELTA])
    series = [(names.get(c, c), dict(zip(mine.loc[mine["region_code"] == c, "year"].astype(int),
                                         mine.loc[mine["region_code"] == c, "value"])))
              for c in [DELTA, *PROVINCES] if (mine["region_code"] == c).any()]
    meta = inputs.names.loc[indicator]
    latest = mine[mine["year"] == years[-1]]
    text = _("%(indicator)s（%(unit)s）%(first)s–%(last)s 年分省变化如图；%(last)s 年有数据的地区 %(n)s 个。") % {
        "indicator": meta["name"], "unit": meta["unit"], "first": years[0], "last": years[-1], "n": len(latest)}
    chart = doc.chart(_("%(indicator)s（%(unit)s）分省变化") % {"indicator": meta["name"], "unit": meta["unit"]},
                      line_option(years, series, meta["unit"]))
    return doc.section(code, title, [doc.paragraph(text), chart],
                       facts={"indicator": indicator, "first": years[0], "last": years[-1]})


def area_map(inputs: Inputs, area: str) -> dict:
    from deltawatch.site.views import choropleth_part

    title = _("41城分布")
    code = f"area:{area}:map"
    indicator = main_indicator(inputs, area)
    year = city_years(inputs, indicator)[1] if indicator else None
    if year is None:
        return doc.empty(code, title, _("本领域的主要指标在 %(year)s 年及以前没有至少 %(n)s 个城市的数据，不绘制地图。")
                         % {"year": inputs.year, "n": MIN_CITIES})
    request = SimpleNamespace(GET={"indicator": indicator, "year": str(year)}, user=public())
    part = choropleth_part(request, "en" if progress.english() else "zh")
    text = _("%(year)s 年%(indicator)s（%(unit)s）：41城中 %(n)s 城有数据；来源：%(source)s。") % {
        "year": year, "indicator": part["name"], "unit": part["indicator"].unit, "n": part["cities"],
        "source": part["source_text"]}
    chart = doc.chart(_("%(year)s 年%(indicator)s 41城分布") % {"year": year, "indicator": part["name"]},
                      static(part["option"]), height=480, map=CITIES, note=_("地图边界为示意图，非测绘成果。"))
    return doc.section(code, title, [doc.paragraph(text), chart],
                       facts={"indicator": indicator, "year": year, "cities": part["cities"]})


def area_chapter(inputs: Inputs, area: str, name: str) -> dict:
    parts = [("targets", _("目标及进展状态"), area_targets), ("indicators", _("主要指标的41城最新值"), area_indicators),
             ("trend", _("主要指标分省变化"), area_trend), ("map", _("41城分布"), area_map)]
    sections = [doc.guarded(f"area:{area}:{key}", title, build, inputs, area) for key, title, build in parts]
    return doc.section(f"area:{area}", name, sections=sections)


def area_chapters(inputs: Inputs) -> list[dict]:
    from deltawatch.indicators.models import Dimension

    areas = Dimension.objects.order_by("order", "code").values_list("code", "name_zh", "name_en")
    return [doc.guarded(f"area:{code}", en if progress.english() and en else zh, area_chapter, inputs, code,
                        en if progress.english() and en else zh) for code, zh, en in areas]


# ------------------------------------------------------------------------------ disparity and convergence


def disparity_span(inputs: Inputs, indicator: str) -> tuple[int | None, int | None]:
    """The years in which at least ``MIN_CITIES`` of the 41 cities have a value, up to the
    report's year: the first and the last (for the default indicator not before the
    /regional/ page's default start)."""
    from deltawatch.regional import views

    values = inputs.values
    mine = values[(values["indicator"] == indicator) & (values["scope"] == "region")
                  & values["region_code"].isin(inputs.cities["code"])]
    coverage = mine.groupby("year")["region_code"].nunique()
    years = sorted(int(y) for y in coverage[coverage >= MIN_CITIES].index)
    if not years:
        return None, None
    first = max(years[0], views.DEFAULT_FIRST) if indicator == views.DEFAULT_INDICATOR else years[0]
    return first, years[-1]


def disparity_text(result: dict, meta, first: int, last: int) -> list[str]:
    from deltawatch.regional.views import p_text

    texts = []
    d = result["disparity"]
    if "error" not in d and d["years"]:
        k0, k1 = 0, len(d["years"]) - 1
        share = d["between"][k1] / d["theil"][k1] if d["theil"][k1] else None
        texts.append(_("%(first)s–%(last)s 年，41城%(indicator)s的人口加权变异系数由 %(cv0)s 变为 %(cv1)s，"
                       "泰尔指数由 %(t0)s 变为 %(t1)s（%(last)s 年省际差距占 %(share)s），基尼系数由 %(g0)s 变为 %(g1)s。") % {
            "first": d["years"][k0], "last": d["years"][k1], "indicator": meta["name"],
            "cv0": number_text(d["cv"][k0], 3), "cv1": number_text(d["cv"][k1], 3),
            "t0": number_text(d["theil"][k0], 3), "t1": number_text(d["theil"][k1], 3),
            "share": "—" if share is None else f"{100 * share:.1f}%",
            "g0": number_text(d["gini"][k0], 3), "g1": number_text(d["gini"][k1], 3)})
    s = result["sigma"]
    if "error" not in s:
        verdict = _("存在 σ 收敛") if s["converging"] else _("未见显著的 σ 收敛")
        texts.append(_("σ 收敛：对数标准差年均变化 %(slope)s（HAC 标准误 %(se)s，p %(p)s），%(verdict)s。") % {
            "slope": number_text(s["slope"], 4), "se": number_text(s["se"], 4), "p": p_text(s["p"]), "verdict": verdict})
    b = result["beta"]
    if "error" not in b:
        verdict = (_("存在绝对 β 收敛，半衰期约 %(h)s 年") % {"h": number_text(b["half_life"], 1)}
                   if b["converging"] else _("未见显著的绝对 β 收敛"))
        texts.append(_("β 收敛（%(start)s–%(end)s 年，%(n)s 城）：β = %(beta)s（p %(p)s，R² = %(r2)s），%(verdict)s。") % {
            "start": b["start"], "end": b["end"], "n": b["n"], "beta": number_text(b["beta"], 4), "p": p_text(b["p"]),
            "r2": number_text(b["r2"], 3), "verdict": verdict})
    m = result["moran"]
    if "error" not in m and m["rows"]:
        r = m["rows"][-1]
        texts.append(_("空间自相关：%(year)s 年全局 Moran's I = %(i)s（p %(p)s）。") % {
            "year": r["year"], "i": number_text(r["I"], 3), "p": p_text(r["p"])})
    return texts


def disparity_table(result: dict) -> dict:
    from deltawatch.regional.views import yearly_table

    rows = yearly_table(result)
    columns = [doc.column("year", _("年份"), "year"), doc.column("n", _("城市数"), "int"),
               doc.column("cv", _("变异系数"), "number"), doc.column("theil", _("泰尔指数 T"), "number"),
               doc.column("between_share", _("省际差距占比"), "percent"), doc.column("gini", _("基尼系数"), "number"),
               doc.column("sigma", "σ", "number"), doc.column("moran", "Moran's I", "number"),
               doc.column("p", "p", "number")]
    return doc.table(_("逐年差距与收敛指标"), columns, rows, note=_("变异系数、泰尔指数、基尼系数按人口加权。"))


def disparity_charts(result: dict, lisa_result: dict | None, meta) -> list[dict]:
    from deltawatch.regional import views

    name = meta["name"]
    made = []
    for key, title, builder in (("disparity", _("%(name)s：差距指数"), views.disparity_chart),
                                ("disparity", _("%(name)s：泰尔指数分解"), views.decomposition_chart),
                                ("sigma", _("%(name)s：σ 收敛"), views.sigma_chart),
                                ("beta", _("%(name)s：β 收敛"), views.beta_chart),
                                ("kde", _("%(name)s：核密度演变"), views.kde_chart)):
        if "error" not in result[key]:
            made.append(doc.chart(title % {"name": name}, static(builder(result[key]))))
    if "error" not in result["moran"] and result["moran"]["rows"]:
        made.append(doc.chart(_("%(name)s：Moran's I") % {"name": name}, static(views.moran_chart(result["moran"]))))
    if lisa_result is not None and "error" not in lisa_result:
        made.append(doc.chart(_("%(name)s：%(year)s 年 LISA 集聚图") % {"name": name, "year": lisa_result["year"]},
                              static(views.lisa_map(lisa_result)), height=480, map=CITIES,
                              note=_("地图边界为示意图，非测绘成果。")))
    return made


def disparity_section(inputs: Inputs, indicator: str, with_map: bool) -> dict:
    """The /regional/ page's analysis of ``indicator`` (population-weighted), with the LISA
    map of its last year when ``with_map``."""
    from deltawatch.regional import views

    code = f"disparity:{indicator}"
    meta = inputs.names.loc[indicator] if indicator in inputs.names.index else None
    title = meta["name"] if meta is not None else indicator
    first, last = disparity_span(inputs, indicator) if meta is not None else (None, None)
    if first is None or last - first < 2:
        return doc.empty(code, title, _("%(year)s 年及以前，41城的%(indicator)s不足三年有至少 %(n)s 个城市的数据。") % {
            "year": inputs.year, "indicator": title, "n": MIN_CITIES})
    result = views.analysis(public(), indicator, first, last, True)
    if result.get("empty"):
        return doc.empty(code, title, _("没有可用的数据。"))
    lisa_result = views.lisa(public(), indicator, result["last"]) if with_map else None
    blocks = [doc.paragraph(t) for t in disparity_text(result, meta, first, last)]
    blocks += [disparity_table(result), *disparity_charts(result, lisa_result, meta)]
    d, s, b = result["disparity"], result["sigma"], result["beta"]
    facts = {"first": result["first"], "last": result["last"], "units": result["units"]}
    if "error" not in d and d["years"]:
        facts.update(cv_last=d["cv"][-1], theil_last=d["theil"][-1], gini_last=d["gini"][-1])
    if "error" not in s:
        facts.update(sigma_slope=s["slope"], sigma_converging=bool(s["converging"]))
    if "error" not in b:
        facts.update(beta=b["beta"], beta_converging=bool(b["converging"]))
    return doc.section(code, title, blocks, facts=facts)


def disparity_chapter(inputs: Inputs) -> dict:
    # the LISA map for the first (headline) indicator only: one map per finding is enough
    sections = [doc.guarded(f"disparity:{code}", code, disparity_section, inputs, code, k == 0)
                for k, code in enumerate(DISPARITY_INDICATORS)]
    return doc.section("disparity", _("区域差距与收敛"), [doc.paragraph(
        _("按41城计算；差距指数按常住人口加权，方法见区域差距页面及方法说明。"))], sections=sections)


# ------------------------------------------------------------------------------ composite index


def index_runs(year: int):
    """The stored index runs reported for ``year``: the newest data year up to ``year`` that a
    run covers; its newest uncertainty (or sensitivity) run and that run's build (same spec
    and data), else the newest build of that year. ``(build, intervals, data_year)``."""
    from deltawatch.indices.models import IndexRun
    from deltawatch.indices.views import related_runs

    runs = list(IndexRun.objects.order_by("-started_at", "-id"))
    years = [max((y for y in r.years or [] if y <= year), default=None) for r in runs]
    covered = [y for y in years if y is not None]
    if not covered:
        return None, None, None
    data_year = max(covered)
    mine = [r for r in runs if data_year in (r.years or [])]
    intervals = next((r for r in mine if r.kind in ("uncertainty", "sensitivity")), None)
    build = related_runs(intervals, office())["build"] if intervals else None
    if build is None or data_year not in (build.years or []):
        build = next((r for r in mine if r.kind == "build"), None)
    return build, intervals, data_year


def index_rows(build, intervals, data_year):
    from deltawatch.indices.views import ranking_rows
    from deltawatch.methods.index import load_spec

    spec = load_spec((build or intervals).spec)
    usable = intervals if intervals is not None and intervals.target == spec.root else None
    return spec, ranking_rows(build, data_year, spec.root, usable, office())


def index_table(rows: list[dict]) -> dict:
    def rank(r):
        i = r["interval"]
        return [r["rank"], i.q05_rank if i else None, i.q95_rank if i else None]

    table_rows = [{"code": r["code"], "name": r["name"], "score": r["score"], "rank": rank(r),
                   "median": r["interval"].median_rank if r["interval"] else None} for r in rows]
    columns = [doc.column("name", _("城市")), doc.column("score", _("得分"), "number"),
               doc.column("rank", _("排名 [5%–95% 区间]"), "rank"), doc.column("median", _("排名中位数"), "number")]
    return doc.table(_("综合指数得分与排名区间"), columns, table_rows,
                     note=_("排名区间为不确定性分析中排名的 5% 与 95% 分位数。"))


def pillar_charts(spec, build, data_year) -> list[dict]:
    """One bar chart of the scores of each node directly under the index (its pillars)."""
    from deltawatch.indices.views import node_name, ranking_rows, score_chart

    charts = []
    for node in spec.children.get(spec.root, []):
        rows = ranking_rows(build, data_year, node, None, office())
        option = score_chart(rows, node_name(spec, node))
        if option:
            charts.append(doc.chart(_("分项得分：%(node)s") % {"node": node_name(spec, node)}, static(option),
                                    height=max(360, 16 * len(rows) + 80)))
    return charts


def index_chapter(inputs: Inputs) -> dict:
    from deltawatch.indices.views import (
        interval_chart,
        score_chart,
        score_map,
        spec_title,
    )

    title = _("综合指数评价结果")
    build, intervals, data_year = index_runs(inputs.year)
    if build is None and intervals is None:
        return doc.empty("index", title, _("%(year)s 年及以前没有已保存的指数运行：请先构建指数（deltawatch index build … --save）。")
                         % {"year": inputs.year})
    inputs.used["index_runs"] += [r.id for r in (build, intervals) if r is not None]
    spec, rows = index_rows(build, intervals, data_year)
    name = spec_title(spec)
    ranked = sorted([r for r in rows if r["rank"] is not None], key=lambda r: r["rank"])
    blocks = [doc.paragraph(index_text(name, data_year, ranked, build, intervals)), index_table(ranked)]
    chart = interval_chart(rows, name)
    if chart:
        blocks.append(doc.chart(_("%(name)s：排名及其 5%%–95%% 区间") % {"name": name}, static(chart),
                                height=max(360, 16 * len(rows) + 80)))
    chart = score_chart(rows, name)
    if chart:
        blocks.append(doc.chart(_("%(name)s：得分") % {"name": name}, static(chart), height=max(360, 16 * len(rows) + 80)))
    chart = score_map(rows, name, {})
    if chart:
        blocks.append(doc.chart(_("%(name)s：%(year)s 年得分分布") % {"name": name, "year": data_year}, static(chart),
                                height=480, map=CITIES, note=_("地图边界为示意图，非测绘成果。")))
    if build is not None:
        blocks += pillar_charts(spec, build, data_year)
    facts = {"data_year": data_year, "build_run": build.id if build else None,
             "interval_run": intervals.id if intervals else None, "units": len(ranked)}
    if ranked:
        facts.update(first=ranked[0]["code"], last=ranked[-1]["code"])
    return doc.section("index", title, blocks, facts=facts)


def index_text(name: str, data_year: int, ranked: list[dict], build, intervals) -> str:
    if not ranked:
        return _("%(name)s（%(year)s 年数据）没有排名结果。") % {"name": name, "year": data_year}
    top = ranked[0]
    i = top["interval"]
    from deltawatch.indices.views import rank_text

    band = _("，排名区间 %(low)s–%(high)s") % {"low": rank_text(i.q05_rank), "high": rank_text(i.q95_rank)} \
        if i is not None and i.q05_rank is not None else ""
    return _("%(name)s（%(year)s 年数据，指数运行 #%(runs)s）：%(n)s 个城市参与排名，第一名为%(top)s（得分 %(score)s%(band)s）。") % {
        "name": name, "year": data_year, "runs": (", #" if progress.english() else "、#").join(str(r.id) for r in (build, intervals) if r is not None),
        "n": len(ranked), "top": top["name"], "score": number_text(top["score"]), "band": band}


# ------------------------------------------------------------------------------ performance assessment


def assessment_run(year: int):
    """The newest assessment run of the newest assessment year up to ``year``."""
    from deltawatch.assessment.models import Run

    return Run.objects.filter(year__lte=year).select_related("scheme").order_by("-year", "-created_at", "-id").first()


def grade_counts(rows: list[dict]) -> dict[str, int]:
    from deltawatch.methods.assessment import GRADES

    counts = {g: 0 for g in GRADES}
    for r in rows:
        if r["grade"] in counts:
            counts[r["grade"]] += 1
    return counts


def assessment_table(rows: list[dict]) -> dict:
    table_rows = [{"code": r["code"], "name": r["name"], "group": r["group_label"], "score": r["score"],
                   "rank": [r["result"].rank, r["result"].q05_rank, r["result"].q95_rank],
                   "group_rank": [r["result"].group_rank, r["result"].group_q05_rank, r["result"].group_q95_rank],
                   "grade": r["grade_label"]} for r in rows]
    columns = [doc.column("name", _("单位")), doc.column("group", _("类别")), doc.column("score", _("得分"), "number"),
               doc.column("rank", _("排名 [5%–95% 区间]"), "rank"),
               doc.column("group_rank", _("类内排名 [5%–95% 区间]"), "rank"), doc.column("grade", _("等次"))]
    return doc.table(_("考核结果"), columns, table_rows)


def grade_chart(counts: dict[str, int]) -> dict:
    from deltawatch.assessment.views import GRADE_COLOURS, GRADE_LABELS

    return {"animation": False, "tooltip": {"trigger": "item"},
            "grid": {"left": 8, "right": 16, "top": 16, "bottom": 24, "containLabel": True},
            "xAxis": {"type": "category", "data": [str(GRADE_LABELS[g]) for g in counts]},
            "yAxis": {"type": "value", "minInterval": 1, "name": _("单位数")},
            "series": [{"type": "bar", "name": _("等次"), "barMaxWidth": 40, "label": {"show": True, "position": "top"},
                        "data": [{"value": n, "itemStyle": {"color": GRADE_COLOURS[g]}} for g, n in counts.items()]}]}


def assessment_chapter(inputs: Inputs) -> dict:
    from deltawatch.assessment.views import (
        GRADE_LABELS,
        grade_map,
        interval_chart,
        ranking_rows,
    )
    from deltawatch.indicators.services import localized

    title = _("绩效考核结果")
    run = assessment_run(inputs.year)
    if run is None:
        return doc.empty("assessment", title, _("%(year)s 年度及以前没有考核运行。") % {"year": inputs.year})
    inputs.used["assessment_runs"].append(run.id)
    rows = ranking_rows(run, public())
    counts = grade_counts(rows)
    scheme = localized(run.scheme)
    parts = [_("%(grade)s %(n)s 个") % {"grade": GRADE_LABELS[g], "n": n} for g, n in counts.items()]
    text = _("%(scheme)s %(year)s 年度考核（考核运行 #%(run)s，不确定性模拟 %(runs)s 次）：%(n)s 个单位，%(parts)s。") % {
        "scheme": scheme, "year": run.year, "run": run.id, "runs": run.runs, "n": len(rows),
        "parts": progress.listing(parts)}
    blocks = [doc.paragraph(text), assessment_table(rows),
              doc.table(_("各等次单位数"), [doc.column("grade", _("等次")), doc.column("n", _("单位数"), "int")],
                        [{"grade": str(GRADE_LABELS[g]), "n": n} for g, n in counts.items()]),
              doc.chart(_("各等次单位数"), grade_chart(counts), height=280)]
    chart = interval_chart(rows, len(rows))
    if chart:
        blocks.append(doc.chart(_("考核排名及其 5%–95% 区间"), static(chart), height=max(360, 16 * len(rows) + 80)))
    chart = grade_map(rows)
    if chart:
        blocks.append(doc.chart(_("考核等次分布"), static(chart), height=480, map=CITIES,
                                note=_("地图边界为示意图，非测绘成果。")))
    return doc.section("assessment", title, blocks,
                       facts={"run": run.id, "year": run.year, "units": len(rows), **counts})


# ------------------------------------------------------------------------------ tasks


def tasks_chapter(inputs: Inputs) -> dict:
    from deltawatch.reports.sections_tasks import task_sections

    since = inputs.period.previous().end
    return doc.section("tasks", _("重点任务推进情况"), sections=task_sections(inputs.period.end, since))


# ------------------------------------------------------------------------------ the report


def progress_chapter(inputs: Inputs) -> dict:
    if inputs.window.run is not None:
        changes = progress.changes_between(inputs.window.previous, inputs.window.run)
        inputs.used["progress_runs"] += inputs.window.run_ids(changes)
    return doc.section("progress", _("规划目标总体进展"),
                       sections=progress.progress_sections(inputs.period, window=inputs.window))


def annual_sections(period: Period, inputs: Inputs | None = None) -> list[dict]:
    inputs = inputs or Inputs(period.year, period)
    return [
        doc.guarded("progress", _("规划目标总体进展"), progress_chapter, inputs),
        *area_chapters(inputs),
        doc.guarded("disparity", _("区域差距与收敛"), disparity_chapter, inputs),
        doc.guarded("index", _("综合指数评价结果"), index_chapter, inputs),
        doc.guarded("assessment", _("绩效考核结果"), assessment_chapter, inputs),
        doc.guarded("tasks", _("重点任务推进情况"), tasks_chapter, inputs),
    ]


def build(period: Period) -> dict:
    """The annual evaluation report of ``period`` (a year) as a document."""
    from deltawatch.site.cache import data_version

    if period.kind != "year":
        period = Period("year", period.year)
    version = data_version()
    inputs = Inputs(period.year, period)
    sections = annual_sections(period, inputs)
    sources = {"data_version": version, "as_of": period.end.isoformat(), "year": period.year,
               **{k: sorted(set(v)) for k, v in inputs.used.items()}}
    return doc.document(_("《长三角区域一体化发展规划纲要》实施情况评估报告"), sections,
                        subtitle=_("%(year)s 年度") % {"year": period.year}, sources=sources)
