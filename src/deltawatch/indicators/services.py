"""What the indicator and region pages show, computed from what the user may see.

Every queryset here is narrowed by ``accounts.scoping.restrict`` before it is read; results
that take more than a query or two (group values, the chart, ranks) are cached by data
version (``site.cache.cached``) together with a *visibility key* — a digest of the SQL of the
restricted observation queryset — so the public (approved values only) and a signed-in
statistician (drafts too) never share a cached chart.

Group values are made by ``methods.aggregate.aggregate_groups`` from the members' visible
values with each indicator's own rule, as ``progress.services.series_values`` does for all
values: a draft member value must not reach the public through a group sum.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deltawatch.accounts.scoping import restrict
from deltawatch.methods.aggregate import aggregate_groups
from deltawatch.methods.progress import Thresholds
from deltawatch.observations import exports
from deltawatch.observations.models import Observation
from deltawatch.progress.choices import ProgressStatus
from deltawatch.progress.models import ProgressAssessment
from deltawatch.progress.services import indicator_frame, inputs_of
from deltawatch.regions.models import Region, RegionGroup
from deltawatch.site.cache import cached

from .choices import ChangeType, Comparator
from .models import Indicator, Target

SIGNIFICANT_DIGITS = 7
MAX_DECIMALS = 4
TABLE_FORMATS = ("csv", "xlsx")

# ------------------------------------------------------------------------------ display helpers


def english() -> bool:
    return (get_language() or "").startswith("en")


def localized(obj, field_name: str = "name") -> str:
    """``name_en`` in English when there is one, else ``name_zh``."""
    en = getattr(obj, f"{field_name}_en", "") or ""
    return en if english() and en else getattr(obj, f"{field_name}_zh", "") or en


def format_number(value) -> str:
    """A number for a table: thousands separators, at most ``SIGNIFICANT_DIGITS`` significant
    digits and ``MAX_DECIMALS`` decimals, trailing zeros dropped (19,235.8; 76.0914; 4.4).
    The exports carry the stored value unrounded."""
    if value is None or not math.isfinite(value):
        return "—"
    magnitude = abs(value)
    whole_digits = int(math.floor(math.log10(magnitude))) + 1 if magnitude >= 1 else 1
    decimals = min(MAX_DECIMALS, max(0, SIGNIFICANT_DIGITS - whole_digits))
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def qualifier_mark(qualifier: str) -> str:
    """The short mark a qualified value carries in a table: 约, ≥, ≤ or 初步."""
    marks = {"approx": _("约"), "lower_bound": "≥", "upper_bound": "≤", "preliminary": _("初步")}
    return marks.get(qualifier, "")


def status_words() -> dict[str, str]:
    return {value: str(label) for value, label in ProgressStatus.choices}


def visibility_key(queryset) -> str:
    """A short digest of what a restricted queryset selects: users who may see the same rows
    share cached results, users who may not never do."""
    try:
        sql = str(queryset.query)
    except Exception:  # an empty queryset (``.none()``) has no SQL: nothing visible
        sql = "none"
    return hashlib.sha1(sql.encode()).hexdigest()[:12]


def content_key(queryset) -> str:
    """How many rows a restricted queryset selects and its newest id. The data version moves
    with every new observation, but a status change (a value approved, or sent back to draft)
    is an update in place: with this in the key the public never gets a cached result that
    was computed with a value it may no longer see, or without one it now may."""
    summary = queryset.aggregate(n=Count("pk"), newest=Max("pk"))
    return f"{summary['n']}-{summary['newest'] or 0}"


def visible_values(user):
    """Current observations the user may view."""
    return restrict(Observation.objects.filter(is_current=True), user, "view")


def table_response(header: list[str], rows: list[list], fmt: str, filename: str) -> HttpResponse:
    """A table as a CSV or XLSX download (``observations.exports.table_response``); 404 for
    another format."""
    if fmt not in TABLE_FORMATS:
        raise Http404(_("未知的下载格式"))
    return exports.table_response(header, rows, fmt, filename)


# ------------------------------------------------------------------------------ query strings


def sort_links(request, keys, current: str, param: str = "sort") -> dict[str, dict]:
    """For each sortable column key: the URL that sorts on it (ascending, or descending when it
    is already the ascending sort) with every other filter kept, and its present state."""
    links = {}
    for key in keys:
        query = request.GET.copy()
        query.pop("format", None)
        query[param] = f"-{key}" if current == key else key
        state = "asc" if current == key else "desc" if current == f"-{key}" else ""
        links[key] = {"url": f"?{query.urlencode()}", "state": state}
    return links


def query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def parse_year(text) -> int | None:
    """A year from the query string; anything that is not a year is a 404, never a 500."""
    if text in (None, ""):
        return None
    try:
        year = int(text)
    except (TypeError, ValueError):
        raise Http404(_("年份无效: %(year)s") % {"year": str(text)[:20]})
    if not 1900 <= year <= 2100:
        raise Http404(_("年份无效: %(year)s") % {"year": year})
    return year


# ------------------------------------------------------------------------------ catalogue


def catalogue_queryset(user):
    """Indicators the user may see, with ``n_targets`` and ``latest_year`` (of the values the
    user may see) annotated — what the catalogue table shows and sorts on."""
    latest = visible_values(user).filter(indicator=OuterRef("pk")).order_by("-year").values("year")[:1]
    targets = (restrict(Target.objects.all(), user).filter(indicator=OuterRef("pk")).order_by()
               .values("indicator").annotate(n=Count("pk")).values("n"))
    return restrict(Indicator.objects.select_related("dimension"), user).annotate(
        latest_year=Subquery(latest, output_field=IntegerField()),
        n_targets=Coalesce(Subquery(targets, output_field=IntegerField()), 0),
    )


# ------------------------------------------------------------------------------ series


def group_values(code: str, user) -> pd.DataFrame:
    """Values of ``code`` for every visible region group, made from the members' visible values
    by the indicator's aggregation rule (``methods.aggregate.aggregate_groups``); columns
    ``group_code, year, value, members``. Cached by data version, visibility and the visible
    inputs' :func:`content_key`."""
    values = visible_values(user)
    groups = restrict(RegionGroup.objects.all(), user)
    rules = indicator_frame()
    needed = sorted(inputs_of([code], rules))

    def compute():
        rows = values.filter(indicator__code__in=needed).values_list("region__code", "indicator__code", "year",
                                                                      "value")
        frame = pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value"])
        links = pd.DataFrame(RegionGroup.members.through.objects.filter(regiongroup__in=groups)
                             .values_list("regiongroup__code", "region__code"), columns=["group_code", "region_code"])
        if frame.empty or links.empty:
            return pd.DataFrame(columns=["group_code", "year", "value", "members"])
        made = aggregate_groups(frame, links, rules)
        made = made[made["indicator"] == code]
        return (made.rename(columns={"region_code": "group_code"})[["group_code", "year", "value", "members"]]
                .sort_values(["group_code", "year"]).reset_index(drop=True))

    return cached("indicator-groups", compute, code, visibility_key(values), visibility_key(groups),
                  content_key(values.filter(indicator__code__in=needed)))


def available_scopes(indicator: Indicator, user) -> dict[str, set[str]]:
    """Codes of the regions and of the groups for which the user can see values of the
    indicator."""
    values = visible_values(user)
    regions = set(values.filter(indicator=indicator).values_list("region__code", flat=True).distinct())
    groups = set(group_values(indicator.code, user)["group_code"])
    return {"regions": regions, "groups": groups}


@dataclass
class Scope:
    """A region or group on the chart: code, display name, kind and its values."""

    code: str
    name: str
    kind: str  # "region" or "group"
    points: list[tuple[int, float]] = field(default_factory=list)

    def value_in(self, year) -> float | None:
        for y, v in self.points:
            if y == year:
                return v
        return None


def default_scope_codes(indicator: Indicator, user, targets) -> list[str]:
    """The chart's default selection: the four provincial units and the group ``yrd`` where the
    indicator has values, and every region or group that has a target for it (so that every
    milestone is drawn)."""
    available = available_scopes(indicator, user)
    provinces = list(restrict(Region.objects.filter(level="province"), user).values_list("code", flat=True))
    codes = [c for c in provinces if c in available["regions"]]
    if "yrd" in available["groups"]:
        codes.append("yrd")
    for target in targets:
        code = target.region.code if target.region_id else target.group.code
        if code not in codes:
            codes.append(code)
    return codes


def resolve_scopes(codes: list[str], user) -> tuple[list[Region], list[RegionGroup]]:
    """Regions and groups named by ``codes`` (region codes are six digits, group codes words);
    a code the user cannot see, or that does not exist, is a 404."""
    region_codes = [c for c in codes if c.isdigit()]
    group_codes = [c for c in codes if not c.isdigit()]
    regions = {r.code: r for r in restrict(Region.objects.all(), user).filter(code__in=region_codes)}
    groups = {g.code: g for g in restrict(RegionGroup.objects.all(), user).filter(code__in=group_codes)}
    missing = [c for c in codes if c not in regions and c not in groups]
    if missing:
        raise Http404(_("未知的区域或区域组: %(codes)s") % {"codes": ", ".join(missing[:5])})
    return [regions[c] for c in region_codes], [groups[c] for c in group_codes]


def chart_scopes(indicator: Indicator, regions, groups, user) -> list[Scope]:
    """Selected regions and groups with their visible values of the indicator, in the order
    selected (regions first)."""
    rows = (visible_values(user).filter(indicator=indicator, region__in=regions)
            .order_by("year").values_list("region__code", "year", "value"))
    points: dict[str, list] = {}
    for code, year, value in rows:
        points.setdefault(code, []).append((year, value))
    made = group_values(indicator.code, user)
    scopes = [Scope(r.code, localized(r), "region", points.get(r.code, [])) for r in regions]
    for g in groups:
        mine = made[made["group_code"] == g.code]
        scopes.append(Scope(g.code, localized(g), "group",
                            [(int(y), float(v)) for y, v in zip(mine["year"], mine["value"])]))
    return scopes


# ------------------------------------------------------------------------------ targets


def stored_methods(user) -> list[str]:
    """Progress methods with stored assessments the user may see, Open SDG first."""
    found = set(restrict(ProgressAssessment.objects.all(), user).values_list("method", flat=True).distinct())
    order = ["opensdg", "unsd", "escap"]
    return [m for m in order if m in found] + sorted(found - set(order))


def assessments_by_target(targets, method: str, user) -> dict[int, ProgressAssessment]:
    rows = restrict(ProgressAssessment.objects.select_related("run"), user).filter(
        method=method, target_id__in=[t.id for t in targets])
    return {a.target_id: a for a in rows}


_FLIP = {Comparator.GE: Comparator.LE, Comparator.LE: Comparator.GE, Comparator.GT: Comparator.LT,
         Comparator.LT: Comparator.GT}
_DRAWN = {Comparator.GT: Comparator.GE, Comparator.LT: Comparator.LE}


@dataclass
class Milestone:
    """A target drawn on the chart, in the indicator's unit.

    ``comparator`` is as drawn: ``ge`` (band upward from ``level``), ``le`` (band downward),
    ``approx`` and ``range`` (band from ``low`` to ``high``), or ``text`` (no number: a
    vertical line at the target year with the plan's wording).
    """

    target_id: int
    scope: str
    year: int
    comparator: str
    label: str
    level: float | None = None
    low: float | None = None
    high: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    note: str = ""


def target_wording(target: Target) -> str:
    """A target as the plan words it (``3%以上``), else comparator and number(s)."""
    if target.value_text:
        return target.value_text
    if target.comparator == Comparator.RANGE and target.low is not None and target.high is not None:
        return f"{format_number(target.low)}–{format_number(target.high)}"
    symbol = dict(Comparator.choices).get(target.comparator, target.comparator)
    return f"{symbol} {format_number(target.value)}" if target.value is not None else ""


def _reference(target: Target, scope: Scope, assessment) -> tuple[int | None, float | None]:
    """The year and value a relative target is measured from: its baseline year's value (for
    "较2017年下降10%"), or for an annual-growth target the assessment's base."""
    if target.change_type in (ChangeType.INCREASE, ChangeType.DECREASE) and target.baseline_year:
        return target.baseline_year, scope.value_in(target.baseline_year)
    if assessment is not None and assessment.base_year is not None:
        return assessment.base_year, assessment.base_value
    year = target.baseline_year or target.base_year
    return year, scope.value_in(year) if year else None


def milestone(target: Target, scope: Scope, direction: int, assessment=None,
              approx_tolerance: float = Thresholds().approx_tolerance) -> Milestone:
    """Where a target lies on the chart, read as ``methods.progress`` reads it.

    Relative targets become levels: ``较基年增长/下降 p%`` → y_base·(1 ± p/100) (a decrease flips
    ≥ and ≤), ``年均增速 r%`` → y_base·(1 + r/100)^(T − t_base). "达到" (=) counts as ≥ for an
    indicator where higher is better and ≤ otherwise; ≈ without a stated tolerance gets
    ``approx_tolerance``·|target| (the run's threshold, METHODS.md §1).
    """
    if assessment is not None and assessment.base_year is not None:
        base_year, base_value = assessment.base_year, assessment.base_value
    else:  # not assessed yet: the plan's base year, with the scope's value then if it has one
        base_year = target.base_year or target.baseline_year
        base_value = scope.value_in(base_year) if base_year else None
    common = dict(target_id=target.id, scope=scope.code, year=target.target_year, label=target_wording(target),
                  base_year=base_year, base_value=base_value)
    numbers_missing = target.value is None if target.comparator != Comparator.RANGE else (
        target.low is None or target.high is None)
    if not target.is_numeric or numbers_missing:
        return Milestone(comparator="text", **common)
    comparator, value, low, high = target.comparator, target.value, target.low, target.high
    tolerance = target.tolerance
    if target.change_type != ChangeType.LEVEL:
        ref_year, ref = _reference(target, scope, assessment)
        if ref is None:
            return Milestone(comparator="text", note=_("缺少%(year)s年基数, 无法换算为水平值") % {"year": ref_year or "?"},
                             **common)
        if target.change_type == ChangeType.ANNUAL_GROWTH:
            years = target.target_year - ref_year

            def level_of(rate):
                return None if rate is None else ref * (1 + rate / 100) ** years
        else:
            sign = 1.0 if target.change_type == ChangeType.INCREASE else -1.0

            def level_of(rate):
                return None if rate is None else ref * (1 + sign * rate / 100)
            if target.change_type == ChangeType.DECREASE:
                comparator = _FLIP.get(comparator, comparator)
        tolerance = abs(ref) * tolerance / 100 if tolerance is not None else None
        value, low, high = level_of(value), level_of(low), level_of(high)
        if low is not None and high is not None:
            low, high = min(low, high), max(low, high)
    if comparator == Comparator.EQ:
        comparator = Comparator.GE if direction > 0 else Comparator.LE
    comparator = _DRAWN.get(comparator, comparator)
    if comparator == Comparator.APPROX:
        tolerance = tolerance if tolerance is not None else approx_tolerance * abs(value)
        low, high = value - tolerance, value + tolerance
    if comparator == Comparator.RANGE:
        value = (low + high) / 2  # the marked point sits in the middle of its band
    return Milestone(comparator=str(comparator), level=value, low=low, high=high, **common)


# ------------------------------------------------------------------------------ the chart

# Tooltips are drawn by ECharts in the canvas (renderMode "richText"): its HTML tooltips carry
# style attributes, which the Content-Security-Policy (style-src 'self') refuses.
PALETTE = ["#1d4e89", "#c0392b", "#1a7f37", "#b7791f", "#6f42c1", "#0b7285", "#d35400", "#5f6b7a", "#a61e4d",
           "#2b8a3e", "#364fc7", "#e67700"]


def _nice_step(span: float) -> float:
    """A round step (1, 2 or 5 × 10^k) giving about five intervals over ``span``."""
    raw = span / 5 if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def y_bounds(numbers: list[float], lower=None, upper=None) -> tuple[float, float]:
    """Axis bounds covering every number with a little room, on round steps, within the
    indicator's natural bounds. Set explicitly so that a ≥ band can run to the top."""
    lo, hi = min(numbers), max(numbers)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
    step = _nice_step(hi - lo + 2 * pad)
    low, high = math.floor((lo - pad) / step) * step, math.ceil((hi + pad) / step) * step
    if lower is not None:
        low = max(low, lower)
    if upper is not None and upper >= hi:
        high = min(high, upper)
    return round(low, 10), round(high, 10)


def _band(m: Milestone, start: int, low_axis: float, high_axis: float) -> tuple[float, float] | None:
    if m.comparator == "ge":
        return m.level, high_axis
    if m.comparator == "le":
        return low_axis, m.level
    if m.comparator in ("approx", "range"):
        return m.low, m.high
    return None


def shown(value: float | None, digits: int = 6) -> float | None:
    """A value rounded to ``digits`` significant digits for a chart: its tooltip prints the
    number as given (87.69999999999999 otherwise), and JSON carries no formatter function."""
    return None if value is None else float(f"{value:.{digits}g}")


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def chart_option(indicator: Indicator, scopes: list[Scope], milestones: list[Milestone],
                 assessments: dict[int, ProgressAssessment], unit: str) -> dict:
    """The ECharts option of the indicator page: one line per region or group; every target
    milestone as a marked point at its year and level with its band (≥ upward, ≤ downward,
    ≈ its tolerance, a range between its bounds) from the base year to the target year; the
    base year marked; the projected path (dashed) from the latest value to the projected
    value at the target year, from the stored progress assessment.

    The x axis is a category axis of every year from the first to the last as text (a value
    axis would print 2,015: its labels get thousands separators, and JSON carries no
    formatter function). Items carry ``target`` (the target's id) and ``kind`` for tests and
    readers of the JSON; ECharts ignores keys it does not know.
    """
    numbers = [v for s in scopes for _, v in s.points]
    numbers += [x for m in milestones for x in (m.level, m.low, m.high, m.base_value) if x is not None]
    numbers += [x for a in assessments.values() for x in (a.projected_value, a.latest_value) if x is not None]
    numbers = [x for x in numbers if math.isfinite(x)] or [0.0, 1.0]
    low_axis, high_axis = y_bounds(numbers, indicator.lower_bound, indicator.upper_bound)
    years = [y for s in scopes for y, _ in s.points] + [m.year for m in milestones]
    years += [m.base_year for m in milestones if m.base_year]
    first_year, last_year = (min(years), max(years)) if years else (2015, 2025)

    series, labelled_bases = [], set()
    for k, scope in enumerate(scopes):
        colour = PALETTE[k % len(PALETTE)]
        mine = [m for m in milestones if m.scope == scope.code]
        series.append(_values_series(scope, colour, mine, first_year, low_axis, high_axis, labelled_bases))
        for m in mine:
            path = _projection_series(scope, colour, m, assessments.get(m.target_id))
            if path:
                series.append(path)
    return {
        "color": PALETTE,
        "animation": False,
        "legend": {"type": "scroll", "top": 0, "data": [s.name for s in scopes]},
        "tooltip": {"trigger": "axis", "confine": True, "renderMode": "richText"},
        "grid": {"left": 12, "right": 64, "top": 52, "bottom": 12, "containLabel": True},
        "xAxis": {"type": "category", "boundaryGap": False,
                  "data": [str(y) for y in range(first_year, last_year + 1)]},
        "yAxis": {"type": "value", "min": low_axis, "max": high_axis, "name": unit, "nameGap": 12,
                  "nameTextStyle": {"align": "left"}},
        "series": series,
    }


def _values_series(scope: Scope, colour: str, mine: list[Milestone], first_year: int, low_axis, high_axis,
                   labelled_bases: set) -> dict:
    points, areas, lines, seen_bases = [], [], [], set()
    for m in mine:
        if m.comparator == "text":
            lines.append({"xAxis": str(m.year), "target": m.target_id, "kind": "milestone",
                          "label": {"formatter": f"{m.year} {m.label}", "position": "insideEndTop"}})
            continue
        points.append({"name": _("目标"), "coord": [str(m.year), shown(m.level)], "value": f"{m.year} {m.label}",
                       "target": m.target_id, "kind": "milestone", "comparator": m.comparator,
                       "low": shown(m.low), "high": shown(m.high)})
        start = m.base_year if m.base_year and m.base_year < m.year else m.year - 1
        band = _band(m, start, low_axis, high_axis)
        if band:
            areas.append([{"coord": [str(max(start, first_year)), shown(band[0])], "target": m.target_id,
                           "kind": "band", "name": f"{m.label}（{m.year}）"},
                          {"coord": [str(m.year), shown(band[1])]}])
        if m.base_year and m.base_value is not None and (m.base_year, m.base_value) not in seen_bases:
            seen_bases.add((m.base_year, m.base_value))
            point = {"name": _("基期"), "coord": [str(m.base_year), shown(m.base_value)], "value": _("基期"),
                     "kind": "base", "symbol": "triangle", "symbolSize": 11,
                     "label": {"position": "bottom", "show": m.base_year not in labelled_bases}}
            labelled_bases.add(m.base_year)
            points.append(point)
    series = {
        "id": f"values-{scope.code}", "name": scope.name, "type": "line", "color": colour,
        "data": [[str(y), shown(v)] for y, v in scope.points], "symbolSize": 5, "showSymbol": len(scope.points) < 40,
        "scope": scope.code,
    }
    if points:
        series["markPoint"] = {"symbol": "diamond", "symbolSize": 13, "data": points,
                               "label": {"position": "top", "formatter": "{c}", "color": colour, "fontSize": 11}}
    if areas:
        series["markArea"] = {"silent": False, "itemStyle": {"color": _rgba(colour, 0.07), "borderColor":
                                                             _rgba(colour, 0.5), "borderWidth": 1,
                                                             "borderType": "dashed"},
                              "label": {"show": False}, "data": areas}
    if lines:
        series["markLine"] = {"symbol": "none", "lineStyle": {"color": colour, "type": "dotted"},
                              "data": lines}
    return series


def _projection_series(scope: Scope, colour: str, m: Milestone, assessment) -> dict | None:
    if assessment is None or assessment.projected_value is None or assessment.latest_year is None:
        return None
    year = assessment.target_year or m.year
    if assessment.latest_value is None or not year > assessment.latest_year:
        return None
    return {
        "id": f"projection-{m.target_id}", "name": scope.name, "type": "line", "color": colour,
        "data": [[str(assessment.latest_year), shown(assessment.latest_value)],
                 [str(year), shown(assessment.projected_value)]],
        "lineStyle": {"type": "dashed", "width": 1.5}, "symbol": "emptyCircle", "symbolSize": 6,
        "target": m.target_id, "kind": "projection",
    }


# ------------------------------------------------------------------------------ ranks


def competition_ranks(values: pd.Series, direction: int) -> pd.Series:
    """Rank 1 = best: the highest value when ``direction`` is +1, the lowest when −1. Ties
    share the best rank they span ("1224" standard competition ranking): rank = 1 + the
    number of values strictly better. pandas' ``rank(method="min")`` does exactly this."""
    return values.rank(ascending=direction < 0, method="min").astype(int)


def peer_sets(region: Region, user) -> list[dict]:
    """The sets a region is ranked in, each with a label that says which it is: the provincial
    units for a province; the prefectures of the same province and the 41 cities of the Delta
    for a prefecture; the county units of the same province for a county unit."""
    regions = restrict(Region.objects.all(), user)
    sets = []
    if region.level == "province":
        ids = list(regions.filter(level="province").values_list("id", flat=True))
        sets.append({"key": "level", "label": _("%(n)s个省级单位") % {"n": len(ids)}, "ids": ids})
    elif region.level == "prefecture" and region.parent_id:
        ids = list(regions.filter(level="prefecture", parent_id=region.parent_id).values_list("id", flat=True))
        sets.append({"key": "level", "label": _("%(province)s%(n)s个地级市") % {
            "province": localized(region.parent), "n": len(ids)}, "ids": ids})
    elif region.level == "county":
        province = region.parent.parent if region.parent and region.parent.level == "prefecture" else region.parent
        if province is not None:
            ids = list(regions.filter(level="county").filter(Q(parent=province) | Q(parent__parent=province))
                       .values_list("id", flat=True))
            sets.append({"key": "level", "label": _("%(province)s%(n)s个县级单位") % {
                "province": localized(province), "n": len(ids)}, "ids": ids})
    cities = restrict(RegionGroup.objects.filter(code="yrd41"), user).first()
    if cities is not None and region.level == "prefecture" and cities.members.filter(pk=region.pk).exists():
        ids = list(cities.members.values_list("id", flat=True))
        sets.append({"key": "yrd41", "label": _("长三角%(n)s城") % {"n": len(ids)}, "ids": ids})
    return sets


def region_summary(region: Region, user, year: int | None = None) -> list[dict]:
    """For every indicator with a visible value for ``region`` (up to ``year`` when given):
    its latest value (year, source, qualifier, status), its series for a sparkline, and its
    rank in each peer set (:func:`peer_sets`) among the peers with a value in that same year.

    Ranks are by :func:`competition_ranks`. Cached by data version and visibility; the rows
    hold no translated text (peer sets by key), so every language shares them.
    """
    values = visible_values(user)
    sets = peer_sets(region, user)

    def compute():
        own = values.filter(region=region)
        if year is not None:
            own = own.filter(year__lte=year)
        rows = own.order_by("indicator_id", "year").values_list("indicator_id", "year", "value", "source",
                                                               "qualifier", "status")
        frame = pd.DataFrame(rows, columns=["indicator_id", "year", "value", "source", "qualifier", "status"])
        if frame.empty:
            return []
        latest = frame.groupby("indicator_id").tail(1).set_index("indicator_id")
        directions = dict(restrict(Indicator.objects.all(), user).filter(id__in=latest.index)
                          .values_list("id", "direction"))
        peer_ids = sorted({i for s in sets for i in s["ids"]})
        peers = pd.DataFrame(values.filter(region_id__in=peer_ids, indicator_id__in=list(latest.index),
                                           year__in=sorted(set(latest["year"])))
                             .values_list("region_id", "indicator_id", "year", "value"),
                             columns=["region_id", "indicator_id", "year", "value"])
        summary = []
        for indicator_id, row in latest.iterrows():
            if indicator_id not in directions:
                continue
            same_year = peers[(peers["indicator_id"] == indicator_id) & (peers["year"] == row["year"])]
            ranks = {}
            for peer_set in sets:
                members = same_year[same_year["region_id"].isin(peer_set["ids"])].set_index("region_id")["value"]
                if region.id in members.index and len(members) > 1:
                    ranks[peer_set["key"]] = (int(competition_ranks(members, directions[indicator_id])[region.id]),
                                              int(len(members)))
            series = frame[frame["indicator_id"] == indicator_id]
            summary.append({
                "indicator_id": int(indicator_id), "year": int(row["year"]), "value": float(row["value"]),
                "source": row["source"], "qualifier": row["qualifier"], "status": row["status"],
                "years": [int(y) for y in series["year"]], "values": [float(v) for v in series["value"]],
                "ranks": ranks,
            })
        return summary

    key_sets = hashlib.sha1(repr([(s["key"], s["ids"]) for s in sets]).encode()).hexdigest()[:10]
    peers_now = sorted({i for s in sets for i in s["ids"]} | {region.id})
    return cached("region-summary", compute, region.code, year, visibility_key(values), key_sets,
                  content_key(values.filter(region_id__in=peers_now)))


def sparkline_option(years: list[int], values: list[float], highlight_year: int | None = None) -> dict:
    """A small trend line without axes (the table row carries the unit and the year); the
    year shown in the row is marked."""
    data = [shown(v) for v in values]
    option = {
        "animation": False,
        "grid": {"left": 3, "right": 3, "top": 4, "bottom": 4},
        "xAxis": {"type": "category", "show": False, "boundaryGap": False, "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "show": False, "scale": True},
        "tooltip": {"trigger": "axis", "confine": True, "axisPointer": {"type": "none"}, "renderMode": "richText"},
        "series": [{"type": "line", "data": data, "symbol": "none", "lineStyle": {"width": 1.5},
                    "color": PALETTE[0], "areaStyle": {"opacity": 0.08}}],
    }
    if highlight_year is not None and highlight_year in years:
        value = values[years.index(highlight_year)]
        option["series"][0]["markPoint"] = {"symbol": "circle", "symbolSize": 5, "label": {"show": False},
                                            "data": [{"coord": [str(highlight_year), shown(value)]}]}
    return option


def highlighted_cities(region: Region) -> set[str]:
    """Codes of the 41-city map that stand for a region: a province's cities (Shanghai is
    itself one of the 41), a prefecture itself, a county unit its city."""
    if region.level == "province":
        return {region.code} | set(region.children.filter(level="prefecture").values_list("code", flat=True))
    if region.level == "prefecture":
        return {region.code}
    parent = region.parent
    return {parent.code} if parent is not None else set()


def region_map_option(region: Region, user, detail_url) -> dict:
    """The 41 cities (schematic) with the region's cities highlighted; each city links to its
    page (``detail_url(code)``). Names are the Chinese names the GeoJSON carries."""
    cities = restrict(RegionGroup.objects.filter(code="yrd41"), user).first()
    members = list(cities.members.order_by("code")) if cities else []
    marked = highlighted_cities(region)
    data = []
    for city in members:
        item = {"name": city.name_zh, "value": 1 if city.code in marked else 0, "url": detail_url(city.code),
                "code": city.code}
        if city.code in marked:
            item["itemStyle"] = {"areaColor": PALETTE[0]}
            item["label"] = {"show": len(marked) == 1, "color": "#fff", "fontWeight": "bold"}
        data.append(item)
    return {
        "animation": False,
        "tooltip": {"trigger": "item", "formatter": "{b}", "renderMode": "richText"},
        "series": [{
            "type": "map", "roam": False, "selectedMode": False, "data": data,
            "itemStyle": {"areaColor": "#e8edf3", "borderColor": "#ffffff", "borderWidth": 0.8},
            "emphasis": {"itemStyle": {"areaColor": "#9fb8d6"}, "label": {"show": True}},
            "label": {"show": False, "fontSize": 10},
            "layoutCenter": ["50%", "50%"], "layoutSize": "98%",
        }],
    }
