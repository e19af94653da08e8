"""The 区域差距 page: is the Delta integrating? For one indicator and period over the 41 cities:
CV, Theil and Gini over time with Theil's between/within-province decomposition, σ-convergence
with its trend, the β scatter, the kernel densities of a few years, Moran's I over time and the
LISA cluster map of one year.

The panel, the population weights and the province grouping come from ``regional.services``
(as ``deltawatch disparity | convergence | moran`` read them); every statistic is computed by
``deltawatch.methods`` (disparity, convergence, spatial). What the public sees is built on the
values it may see (``accounts.scoping.restrict``: approved values only). Each analysis is
cached by data version (``site.cache.cached``): an unchanged page never recomputes, the Moran
permutations included.
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache

import numpy as np
from django import forms
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from deltawatch.accounts.scoping import restrict
from deltawatch.site.cache import cached, cached_page

DEFAULT_INDICATOR = "gdp_per_capita"
DEFAULT_FIRST, DEFAULT_LAST = 2001, 2021
GROUP = "yrd41"
PERMUTATIONS = 999  # Moran's I and LISA pseudo p-values (seed 0); cached by data version
KDE_YEARS = 4  # densities drawn: the first and last year and evenly spaced ones between
LISA_COLOURS = {"HH": "#c0392b", "LL": "#1d4e89", "HL": "#f1a596", "LH": "#9cc3ea", "NS": "#e5e8ec"}
LISA_ORDER = ("HH", "LL", "HL", "LH", "NS")


def english() -> bool:
    return (get_language() or "").startswith("en")


def listing(items) -> str:
    """Items as a list in the page's language: 甲、乙、丙 / a, b, c."""
    return (", " if english() else "、").join(str(item) for item in items)


# ------------------------------------------------------------------------------ the form


def audience(user) -> str:
    """Cache key part for what ``user`` is shown (public, all, or this account only)."""
    from deltawatch.site.services import audience as site_audience

    return site_audience(user)


def visible_values(user):
    """The current observations ``user`` may see (the public: approved ones only)."""
    from deltawatch.observations.models import Observation

    return restrict(Observation.objects.filter(is_current=True), user, "view")


def indicator_choices(user) -> list[tuple[str, str]]:
    """Indicators with values for the 41 cities in at least three years (for σ and trends)."""
    from deltawatch.core.admin import unit_label
    from deltawatch.indicators.models import Indicator

    def compute():
        spans = (visible_values(user).filter(region__groups__code=GROUP).values("indicator__code")
                 .annotate(years=Count("year", distinct=True)))
        codes = [row["indicator__code"] for row in spans if row["years"] >= 3]
        field = "name_en" if english() else "name_zh"
        indicators = restrict(Indicator.objects.filter(code__in=codes), user, "view").order_by(field)
        return [(i.code, _("%(name)s（%(unit)s）") % {"name": getattr(i, field), "unit": unit_label(i.unit)})
                for i in indicators]

    return cached("regional.indicators", compute, audience(user), get_language())


class DisparityForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("指标"))
    first = forms.IntegerField(label=gettext_lazy("起始年份"), min_value=1949, max_value=2100, required=False)
    last = forms.IntegerField(label=gettext_lazy("截止年份"), min_value=1949, max_value=2100, required=False)
    weight = forms.ChoiceField(label=gettext_lazy("加权"), required=False, choices=[
        ("population", gettext_lazy("按人口加权")), ("none", gettext_lazy("不加权"))])
    year = forms.IntegerField(label=gettext_lazy("LISA 年份"), min_value=1949, max_value=2100, required=False)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators
        self.fields["indicator"].error_messages["invalid_choice"] = _(
            "没有这个指标（或它没有 41 城的数据）：%(value)s。请从列表中选择。")

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", _("截止年份应不早于起始年份"))
        data["weight"] = data.get("weight") or "population"
        return data


def form_data(request) -> dict:
    """The GET parameters with the defaults filled in (a bare URL shows the default analysis)."""
    data = {"indicator": DEFAULT_INDICATOR, "weight": "population"}
    data.update({k: v for k, v in request.GET.items() if k in ("indicator", "first", "last", "weight", "year") and v})
    if "first" not in request.GET and "last" not in request.GET and data["indicator"] == DEFAULT_INDICATOR:
        data.update({"first": DEFAULT_FIRST, "last": DEFAULT_LAST})
    return data


# ------------------------------------------------------------------------------ the panel


def panel_for(user, indicator: str, first: int | None, last: int | None, weighted: bool):
    """The long panel unit, year, value (+ weight, weight_source) and group (province) of the
    41 cities, as ``deltawatch disparity --by province --weight population`` reads it, kept to
    the values ``user`` may see; and the units table."""
    from deltawatch.regional.services import grouping, indicator_panel, population_weights, units

    table = units(group=GROUP)
    years = list(range(first, last + 1)) if first and last else None
    panel = indicator_panel(indicator, table["code"], years)
    panel = _visible(panel, user, indicator)
    if weighted:
        weights = population_weights(indicator, table["code"], years).rename(columns={"source": "weight_source"})
        weights = _visible_weights(weights, user)
        panel = panel.merge(weights[["unit", "year", "weight", "weight_source"]], on=["unit", "year"], how="left")
    groups = grouping(table, "province", "en" if english() else "zh")
    panel["group"] = panel["unit"].map(groups)
    return panel.sort_values(["year", "unit"]).reset_index(drop=True), table


def _visible(panel, user, indicator: str):
    """The rows of ``panel`` whose observation ``user`` may see (unchanged for a user who sees
    every value)."""
    keys = set(visible_values(user).filter(indicator__code=indicator).values_list("region__code", "year"))
    return panel[np.array([(u, int(y)) in keys for u, y in zip(panel["unit"], panel["year"])], dtype=bool)]


def _visible_weights(weights, user):
    """Population weights whose source values ``user`` may see: the population indicator, or
    both the total and the per-capita value of an implied population."""
    codes = {part for source in weights["weight_source"].unique() for part in str(source).split("/")}
    keys = set(visible_values(user).filter(indicator__code__in=codes).values_list("indicator__code", "region__code",
                                                                                  "year"))
    keep = [all((part, u, int(y)) in keys for part in str(s).split("/"))
            for u, y, s in zip(weights["unit"], weights["year"], weights["weight_source"])]
    return weights[np.array(keep, dtype=bool)]


@lru_cache(maxsize=1)
def _all_cities_contiguity():
    """Queen contiguity of the 41 cities from the shipped (schematic) polygons, built once per
    process (about a second: the polygons are read and intersected); the geometry does not
    change while the server runs."""
    from deltawatch.regional.services import city_weights, units

    return city_weights(list(units(group=GROUP)["code"]))


@lru_cache(maxsize=64)
def contiguity(codes: tuple[str, ...]):
    """Queen contiguity among ``codes`` (the cities with a value in a year): the 41 cities'
    weights restricted to them (``libpysal.weights.w_subset``), which is what building them
    from those polygons alone gives, without reading the polygons again."""
    from libpysal.weights import w_subset

    full = _all_cities_contiguity()
    if set(codes) == set(full.id_order):
        return full
    return w_subset(full, [c for c in full.id_order if c in set(codes)], silence_warnings=True)


# ------------------------------------------------------------------------------ the analyses


def _section(compute):
    """Run one analysis; data the method cannot compute on give the section a worded note
    instead of a chart (the other sections still show)."""
    from deltawatch.methods.errors import InputError

    try:
        return compute()
    except InputError as error:  # worded in the page's language (the cache key has it)
        return {"error": _("无法计算：%(reason)s") % {"reason": error.message(None)}}


def _clean(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else float(value)


def disparity_series(panel, weighted: bool) -> dict:
    """CV, Theil T and Gini of each year (population-weighted when ``weighted``) and Theil T's
    between/within-province parts: ``deltawatch.methods.disparity.disparity_panel``."""
    from deltawatch.methods.disparity import disparity_panel

    if (panel["value"] < 0).any():
        row = panel[panel["value"] < 0].iloc[0]
        return {"error": _("差距指数要求非负值，而 %(unit)s %(year)s 年为 %(value)s：该指标不适用。") % {
            "unit": row["unit"], "year": int(row["year"]), "value": row["value"]}}
    names = ["cv_w", "theil_t_w", "gini_w"] if weighted else ["cv", "theil_t", "gini"]
    columns = ["unit", "year", "value", "group"] + (["weight"] if weighted else [])
    result = disparity_panel(panel[columns], weight="weight" if weighted else None, group="group", statistics=names)
    years = sorted(int(y) for y in result["year"].unique())

    def series(statistic, component="total"):
        rows = result[(result["statistic"] == statistic) & (result["component"] == component)]
        found = dict(zip(rows["year"].astype(int), rows["value"]))
        return [_clean(found.get(y)) for y in years]

    cv, theil, gini = names
    return {"years": years, "cv": series(cv), "theil": series(theil), "gini": series(gini),
            "between": series(theil, "between"), "within": series(theil, "within"), "n": series(theil, "n")}


def sigma_series(panel) -> dict:
    """σ (sd of ln y, ddof 1) by year and its OLS trend with HAC standard errors:
    ``deltawatch.methods.convergence.sigma_convergence``."""
    from deltawatch.methods.convergence import sigma_convergence

    positive = panel[panel["value"] > 0]
    if positive["year"].nunique() < 3:
        return {"error": _("σ 收敛需要至少 3 个年份的正值数据。")}
    result = sigma_convergence(positive, unit="unit", year="year", value="value")
    series = result.series.dropna(subset=["sigma"])
    years = [int(y) for y in series["year"]]
    return {"years": years, "sigma": [_clean(v) for v in series["sigma"]],
            "trend": [_clean(result.intercept + result.slope * (y - years[0])) for y in years],
            "slope": result.slope, "se": result.se, "p": result.p, "converging": result.converging}


def beta_points(panel, names: dict) -> dict:
    """Absolute β-convergence over the period (``beta_convergence``, HC1 errors) on the cities
    with a positive value in every year, with each city's point (ln y₀, average growth)."""
    import numpy as np

    from deltawatch.methods.convergence import beta_convergence
    from deltawatch.regional.services import balanced

    complete, dropped = balanced(panel[panel["value"] > 0][["unit", "year", "value"]])
    if complete["year"].nunique() < 2 or complete["unit"].nunique() < 3:
        return {"error": _("β 收敛需要至少 3 个城市在起止两年都有正值数据。")}
    start, end = int(complete["year"].min()), int(complete["year"].max())
    result = beta_convergence(complete, start, end, unit="unit", year="year", value="value")
    wide = complete.pivot(index="unit", columns="year", values="value")
    x = np.log(wide[start])
    growth = (np.log(wide[end]) - x) / (end - start)
    line_x = [float(x.min()), float(x.max())]
    return {"start": start, "end": end, "beta": result.beta, "alpha": result.alpha, "p": result.p, "r2": result.r2,
            "n": result.n, "half_life": _clean(result.half_life), "converging": result.converging,
            "points": [{"unit": u, "name": names.get(u, u), "x": float(x[u]), "y": float(growth[u])} for u in wide.index],
            "line": [[v, result.alpha + result.beta * v] for v in line_x], "dropped": [names.get(u, u) for u in dropped]}


def kde_years(years: list[int], k: int = KDE_YEARS) -> list[int]:
    """The first and last year and evenly spaced ones between (at most ``k``)."""
    if len(years) <= k:
        return years
    step = (len(years) - 1) / (k - 1)
    return sorted({years[round(i * step)] for i in range(k)})


def densities(panel) -> dict:
    """Kernel densities of ln y in a few years on one grid (``spatial.kde_evolution``, Gaussian
    kernel, Scott's bandwidth)."""
    from deltawatch.methods.spatial import kde_evolution

    positive = panel[panel["value"] > 0]
    chosen = kde_years(sorted(int(y) for y in positive["year"].unique()))
    if not chosen:
        return {"error": _("没有正值数据，无法估计核密度。")}
    wide = positive[positive["year"].isin(chosen)].pivot(index="unit", columns="year", values="value")
    long = kde_evolution(wide, points=120, log=True)
    return {"years": chosen, "curves": {int(y): [[float(a), float(b)] for a, b in zip(rows["x"], rows["density"])]
                                        for y, rows in long.groupby("year")}}


def moran_series(panel) -> dict:
    """Global Moran's I of each year (queen contiguity, row-standardised, 999 permutations,
    seed 0): ``deltawatch.methods.spatial.moran``."""
    from deltawatch.methods.spatial import moran

    rows = []
    for year, values in panel.groupby("year"):
        values = values.dropna(subset=["value"]).set_index("unit")["value"]
        if len(values) < 5:
            continue
        w = contiguity(tuple(sorted(values.index)))
        result = moran(values, w, permutations=PERMUTATIONS, seed=0)
        rows.append({"year": int(year), "I": _clean(result.I), "p": _clean(result.p_sim), "n": result.n})
    return {"rows": rows, "EI": -1 / (rows[0]["n"] - 1) if rows else None}


def analysis(user, indicator: str, first, last, weighted: bool) -> dict:
    """Every series of the page for one selection, cached by data version and audience."""

    def compute():
        panel, table = panel_for(user, indicator, first, last, weighted)
        if panel.empty:
            return {"empty": True}
        names = dict(zip(table["code"], table["name_en" if english() else "name_zh"]))
        sources = (panel.dropna(subset=["weight"])["weight_source"].value_counts().to_dict()
                   if weighted and "weight" in panel else {})
        return {"empty": False, "first": int(panel["year"].min()), "last": int(panel["year"].max()),
                "units": int(panel["unit"].nunique()), "values": int(len(panel)),
                "weight_sources": {str(k): int(v) for k, v in sources.items()},
                "disparity": _section(lambda: disparity_series(panel, weighted)),
                "sigma": _section(lambda: sigma_series(panel)),
                "beta": _section(lambda: beta_points(panel, names)),
                "kde": _section(lambda: densities(panel)),
                "moran": _section(lambda: moran_series(panel))}

    return cached("regional.disparity", compute, audience(user), get_language(), indicator, first, last, weighted)


def lisa(user, indicator: str, year: int) -> dict:
    """Local Moran's I of each city in ``year`` (999 conditional permutations, seed 0,
    significance 5 %): ``deltawatch.methods.spatial.local_moran``; cached."""

    def compute():
        from deltawatch.methods.spatial import local_moran

        panel, table = panel_for(user, indicator, year, year, weighted=False)
        values = panel.dropna(subset=["value"]).set_index("unit")["value"]
        if len(values) < 5:
            return {"error": _("%(year)s 年有数据的城市不足 5 个，无法计算 LISA。") % {"year": year}}
        w = contiguity(tuple(sorted(values.index)))
        local = local_moran(values, w, permutations=PERMUTATIONS, seed=0)
        names = dict(zip(table["code"], table["name_zh"]))
        names_shown = dict(zip(table["code"], table["name_en" if english() else "name_zh"]))
        missing = sorted(set(table["code"]) - set(values.index))
        return {"year": year, "missing": [names_shown.get(code, code) for code in missing], "cities": [
            {"unit": unit, "name_zh": names.get(unit, unit), "name": names_shown.get(unit, unit),
             "cluster": row.quadrant if row.significant else "NS", "Ii": _clean(row.Ii), "p": _clean(row.p_sim)}
            for unit, row in local.iterrows()]}

    return cached("regional.lisa", lambda: _section(compute), audience(user), get_language(), indicator, year)


# ------------------------------------------------------------------------------ charts


def p_text(p) -> str:
    """'= 0.042', or '< 0.001' below what the permutations can tell apart."""
    if p is None:
        return "—"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def _tip(*lines) -> dict:
    return {"formatter": "<br>".join(escape(str(line)) for line in lines)}


def _round(values, digits=4):
    return [None if v is None else round(v, digits) for v in values]


def disparity_chart(d: dict) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(y) for y in d["years"]]},
        "yAxis": {"type": "value", "scale": True},
        "series": [{"name": _("变异系数 CV"), "type": "line", "data": _round(d["cv"]), "showSymbol": False},
                   {"name": _("泰尔指数 T"), "type": "line", "data": _round(d["theil"]), "showSymbol": False},
                   {"name": _("基尼系数"), "type": "line", "data": _round(d["gini"]), "showSymbol": False}],
    }


def decomposition_chart(d: dict) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(y) for y in d["years"]], "boundaryGap": False},
        "yAxis": {"type": "value", "name": _("泰尔指数 T"), "nameLocation": "middle", "nameGap": 40},
        "series": [{"name": _("省际差距（组间）"), "type": "line", "stack": "theil", "areaStyle": {}, "showSymbol": False,
                    "data": _round(d["between"]), "itemStyle": {"color": "#c0392b"}},
                   {"name": _("省内差距（组内）"), "type": "line", "stack": "theil", "areaStyle": {}, "showSymbol": False,
                    "data": _round(d["within"]), "itemStyle": {"color": "#6aa4e0"}}],
    }


def sigma_chart(s: dict) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(y) for y in s["years"]]},
        "yAxis": {"type": "value", "scale": True, "name": "σ"},
        "series": [{"name": _("σ（对数标准差）"), "type": "line", "data": _round(s["sigma"])},
                   {"name": _("线性趋势"), "type": "line", "data": _round(s["trend"]), "showSymbol": False,
                    "lineStyle": {"type": "dashed"}}],
    }


def beta_chart(b: dict) -> dict:
    points = [{"value": [round(p["x"], 4), round(p["y"], 5)], "name": p["name"],
               "tooltip": _tip(p["name"], f"ln y₀ = {p['x']:.3f}", _("年均增长（对数）") + f" = {p['y']:.4f}")}
              for p in b["points"]]
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 36, "containLabel": True},
        "xAxis": {"type": "value", "scale": True, "name": f"ln y ({b['start']})", "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "value", "scale": True, "name": _("年均增长率（对数）"), "nameLocation": "middle",
                  "nameGap": 44},
        "series": [{"name": _("城市"), "type": "scatter", "data": points, "symbolSize": 8},
                   {"name": _("拟合线"), "type": "line", "data": [[round(x, 4), round(y, 5)] for x, y in b["line"]],
                    "showSymbol": False, "lineStyle": {"type": "dashed", "color": "#c0392b"}, "tooltip": {"show": False}}],
    }


def kde_chart(k: dict) -> dict:
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 36, "containLabel": True},
        "xAxis": {"type": "value", "scale": True, "name": "ln y", "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "value", "name": _("密度")},
        "series": [{"name": str(y), "type": "line", "showSymbol": False, "smooth": True,
                    "data": [[round(a, 4), round(b, 5)] for a, b in k["curves"].get(y, [])]} for y in k["years"]],
    }


def moran_chart(m: dict) -> dict:
    data = [{"value": round(r["I"], 4), "symbol": "circle" if (r["p"] or 1) < 0.05 else "emptyCircle",
             "tooltip": _tip(_("%(year)s 年：I = %(value)s") % {"year": r["year"], "value": f"{r['I']:.3f}"},
                             _("p %(p)s（%(n)s 次置换）") % {"p": p_text(r["p"]), "n": PERMUTATIONS})}
            for r in m["rows"]]
    return {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 24, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(r["year"]) for r in m["rows"]]},
        "yAxis": {"type": "value", "name": "Moran's I", "scale": True},
        "series": [{"name": "Moran's I", "type": "line", "data": data, "symbolSize": 7,
                    "markLine": {"silent": True, "symbol": "none", "lineStyle": {"type": "dotted"},
                                 "label": {"formatter": "E[I]"}, "data": [{"yAxis": round(m["EI"], 4)}]}}],
    }


def lisa_labels() -> dict:
    return {"HH": _("高-高集聚"), "LL": _("低-低集聚"), "HL": _("高-低异常"), "LH": _("低-高异常"), "NS": _("不显著")}


def lisa_map(result: dict) -> dict:
    """LISA clusters on the map: categories as a piecewise legend, each with its word."""
    labels = lisa_labels()
    index = {code: i for i, code in enumerate(LISA_ORDER)}
    data = [{"name": c["name_zh"], "value": index[c["cluster"]],
             "tooltip": _tip(c["name"], f"{labels[c['cluster']]}（{c['cluster']}）", f"I = {c['Ii']:.3f}, p {p_text(c['p'])}")}
            for c in result["cities"]]
    series = {"name": "LISA", "type": "map", "roam": False, "label": {"show": False}, "data": data,
              "emphasis": {"label": {"show": True}}}
    if english():
        series["nameMap"] = {c["name_zh"]: c["name"] for c in result["cities"]}
        for item, c in zip(data, result["cities"]):
            item["name"] = c["name"]
    return {
        "tooltip": {"trigger": "item"},
        # the colours only: the legend with each cluster's word and count is the list beside the map
        "visualMap": {"type": "piecewise", "show": False, "pieces": [
            {"value": index[code], "label": f"{labels[code]} {code if code != 'NS' else ''}".strip(),
             "color": LISA_COLOURS[code]} for code in LISA_ORDER]},
        "series": [series],
    }


# ------------------------------------------------------------------------------ the page


def yearly_table(result: dict) -> list[dict]:
    """One row per year: units, CV, Theil T with its between share, Gini, σ, Moran's I and p."""
    d = result["disparity"] if "error" not in result["disparity"] else {"years": []}
    s = result["sigma"] if "error" not in result["sigma"] else {"years": []}
    m = result["moran"] if "error" not in result["moran"] else {"rows": []}
    sigma = dict(zip(s["years"], s.get("sigma", [])))
    moran = {r["year"]: r for r in m["rows"]}
    years = sorted(set(d["years"]) | set(sigma) | set(moran))
    rows = []
    for y in years:
        i = d["years"].index(y) if y in d["years"] else None
        pick = (lambda key: d[key][i]) if i is not None else (lambda key: None)
        theil, between = pick("theil"), pick("between")
        rows.append({"year": y, "n": pick("n"), "cv": pick("cv"), "theil": theil, "gini": pick("gini"),
                     "between_share": between / theil if theil and between is not None else None,
                     "sigma": sigma.get(y), "moran": (moran.get(y) or {}).get("I"), "p": (moran.get(y) or {}).get("p")})
    return rows


def table_csv(rows: list[dict], indicator: str, weighted: bool) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="disparity-{indicator}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    suffix = _("（人口加权）") if weighted else ""
    writer.writerow([_("年份"), _("城市数"), _("变异系数") + suffix, _("泰尔指数 T") + suffix, _("省际差距占比"),
                     _("基尼系数") + suffix, "σ", "Moran's I", "p"])
    for r in rows:
        writer.writerow([r["year"], "" if r["n"] is None else int(r["n"]),
                         *("" if r[k] is None else r[k] for k in ("cv", "theil", "between_share", "gini", "sigma",
                                                                   "moran", "p"))])
    return response


def _indicator_facts(code: str, user) -> dict:
    from deltawatch.core.admin import unit_label
    from deltawatch.indicators.models import Indicator

    found = restrict(Indicator.objects.filter(code=code), user, "view").first()
    if found is None:
        return {}
    return {"name": found.name_en if english() else found.name_zh, "unit": unit_label(found.unit),
            "source": found.source}


def _year_span(user, indicator: str) -> tuple[int | None, int | None]:
    span = visible_values(user).filter(indicator__code=indicator, region__groups__code=GROUP).aggregate(
        first=Min("year"), last=Max("year"))
    return span["first"], span["last"]


@require_GET
@cached_page
def disparity(request):
    """The page (a stable URL: every choice is in the query string); ``?format=csv`` the yearly
    table. An unknown indicator is a worded form error (status 400), never a server error."""
    form = DisparityForm(form_data(request), indicators=indicator_choices(request.user))
    context = {"form": form}
    if not form.is_valid():
        return render(request, "regional/disparity.html", context, status=400)
    data = form.cleaned_data
    indicator, weighted = data["indicator"], data["weight"] == "population"
    first, last = data.get("first"), data.get("last")
    if not first or not last:
        span = _year_span(request.user, indicator)
        first, last = first or span[0], last or span[1]
    result = analysis(request.user, indicator, first, last, weighted)
    context.update({"indicator": indicator, "facts": _indicator_facts(indicator, request.user), "weighted": weighted,
                    "result": result, "first": first, "last": last})
    if result.get("empty"):
        return render(request, "regional/disparity.html", context)
    rows = yearly_table(result)
    if request.GET.get("format") == "csv":
        return table_csv(rows, indicator, weighted)
    lisa_year = data.get("year") or result["last"]
    lisa_result = lisa(request.user, indicator, lisa_year)
    query = {"indicator": indicator, "first": first, "last": last, "weight": data["weight"], "year": lisa_year}
    context.update(_charts(result, lisa_result))
    # the form shows the choices in effect, defaults included (the URL stays as given)
    context["form"] = DisparityForm({**data, "first": first, "last": last, "year": lisa_year},
                                    indicators=indicator_choices(request.user))
    for key in ("sigma", "beta"):
        if "error" not in result[key]:
            result[key]["p_text"] = p_text(result[key]["p"])
    context.update({"rows": rows, "lisa": lisa_result, "lisa_year": lisa_year, "lisa_labels": lisa_labels(),
                    "lisa_counts": _lisa_counts(lisa_result), "permutations": PERMUTATIONS,
                    "csv_url": "?" + urlencode({**query, "format": "csv"}),
                    "weight_text": _weight_text(result.get("weight_sources") or {}),
                    "dropped_text": listing(result["beta"].get("dropped") or []),
                    "missing_text": listing(lisa_result.get("missing") or [])})
    return render(request, "regional/disparity.html", context)


def _charts(result: dict, lisa_result: dict) -> dict:
    ok = {name: result[name] for name in ("disparity", "sigma", "beta", "kde", "moran") if "error" not in result[name]}
    return {"chart_disparity": disparity_chart(ok["disparity"]) if "disparity" in ok else None,
            "chart_decomposition": decomposition_chart(ok["disparity"]) if "disparity" in ok else None,
            "chart_sigma": sigma_chart(ok["sigma"]) if "sigma" in ok else None,
            "chart_beta": beta_chart(ok["beta"]) if "beta" in ok else None,
            "chart_kde": kde_chart(ok["kde"]) if "kde" in ok else None,
            "chart_moran": moran_chart(ok["moran"]) if "moran" in ok and ok["moran"]["rows"] else None,
            "chart_lisa": lisa_map(lisa_result) if "error" not in lisa_result else None}


def _lisa_counts(result: dict) -> list[tuple[str, str, int]]:
    if "error" in result:
        return []
    labels = lisa_labels()
    counts = {code: 0 for code in LISA_ORDER}
    for c in result["cities"]:
        counts[c["cluster"]] += 1
    return [(code.lower(), _("%(label)s：%(n)s") % {"label": f"{labels[code]}{'' if code == 'NS' else ' ' + code}",
                                                      "n": counts[code]}, counts[code]) for code in LISA_ORDER]


def _weight_text(sources: dict) -> str:
    """'gdp ÷ gdp_per_capita 推算 760 个单元年、population_resident 101 个单元年'."""
    parts = []
    for source, n in sources.items():
        total, _sep, per_capita = source.partition("/")
        parts.append(_("%(total)s ÷ %(per_capita)s 推算 %(n)s 个城市年") % {"total": total, "per_capita": per_capita, "n": n}
                     if per_capita else _("%(source)s %(n)s 个城市年") % {"source": source, "n": n})
    return listing(parts)
