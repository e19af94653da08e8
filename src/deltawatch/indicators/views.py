"""Pages of the indicators app: the catalogue (指标) and an indicator's page.

Every queryset is narrowed by ``accounts.scoping.restrict``; the public sees approved values
only. The catalogue's filters are ``filters.IndicatorFilter`` (one definition for the page and
its download); an HTMX request gets just the table.
"""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from deltawatch.accounts.scoping import restrict
from deltawatch.methods.formula import parse_formula
from deltawatch.methods.progress import Thresholds
from deltawatch.observations.exports import write_export
from deltawatch.observations.models import Observation
from deltawatch.progress.choices import ProgressMethod
from deltawatch.regions.models import Region, RegionGroup
from deltawatch.site.cache import cached_page

from . import services
from .choices import Direction
from .filters import IndicatorFilter
from .models import Indicator, Target

CATALOGUE_SORTS = ["dimension", "code", "name", "unit", "direction", "targets", "latest"]
MAX_SCOPES = 60  # regions and groups on one chart; more is unreadable (and a cheap abuse)
VALUE_SORTS = {
    "region": ["region__code", "year"], "-region": ["-region__code", "year"],
    "year": ["year", "region__code"], "-year": ["-year", "region__code"],
    "value": ["value", "region__code"], "-value": ["-value", "region__code"],
}


# ------------------------------------------------------------------------------ helpers


def direction_word(direction: int) -> str:
    return _("↑ 越高越好") if direction == Direction.HIGHER_IS_BETTER else _("↓ 越低越好")


# ------------------------------------------------------------------------------ catalogue


@cached_page
def catalogue(request):
    """All indicators, filterable by area, direction and target, searchable; the same
    selection downloads as CSV or XLSX (``?format=csv``)."""
    filterset = IndicatorFilter(request.GET, queryset=services.catalogue_queryset(request.user), request=request)
    indicators = list(filterset.qs)
    fmt = request.GET.get("format")
    if fmt:
        return catalogue_download(indicators, fmt)
    for indicator in indicators:
        indicator.label = services.localized(indicator)
        indicator.dimension_label = services.localized(indicator.dimension)
        indicator.direction_label = direction_word(indicator.direction)
    sort = filterset.form.cleaned_data.get("sort") if filterset.is_valid() else None
    current = sort[0] if sort else "dimension"
    context = {
        "filterset": filterset, "indicators": indicators, "grouped": current == "dimension",
        "sorts": services.sort_links(request, CATALOGUE_SORTS, current),
        "query": services.query_without(request, "format"),
        "total": restrict(Indicator.objects.all(), request.user).count(),
    }
    template = "indicators/_catalogue_table.html" if request.htmx else "indicators/catalogue.html"
    return render(request, template, context)


def catalogue_download(indicators, fmt: str):
    header = [_("指标代码"), _("指标名称"), _("领域"), _("计量单位"), _("指标方向"), _("目标数"),
              _("最新数据年份"), _("派生指标公式"), _("数据来源")]
    rows = [[i.code, services.localized(i), services.localized(i.dimension), i.unit, i.direction, i.n_targets,
             i.latest_year, i.formula, i.source] for i in indicators]
    return services.table_response(header, rows, fmt, "indicators")


# ------------------------------------------------------------------------------ an indicator


def _selection(request, indicator):
    """What the page shows, from the query string: regions and groups (``r``, repeated; the
    default when absent), the progress method, the year of the values table and its sort."""
    user = request.user
    targets = list(restrict(Target.objects.select_related("region", "group"), user).filter(indicator=indicator)
                   .order_by("target_year", "region__code", "group__code"))
    asked = [c.strip() for c in request.GET.getlist("r") if c.strip()]
    codes = list(dict.fromkeys(asked))[:MAX_SCOPES] or services.default_scope_codes(indicator, user, targets)
    regions, groups = services.resolve_scopes(codes, user)
    methods = services.stored_methods(user)
    method = request.GET.get("method") or (methods[0] if methods else ProgressMethod.OPENSDG.value)
    if method not in ProgressMethod.values:
        raise Http404(_("未知的评估方法: %(method)s") % {"method": method[:20]})
    year = services.parse_year(request.GET.get("year"))
    if year is not None and not services.visible_values(user).filter(indicator=indicator, year=year).exists():
        raise Http404(_("该指标没有%(year)s年的数据") % {"year": year})
    sort = request.GET.get("sort") if request.GET.get("sort") in VALUE_SORTS else "region"
    return {"targets": targets, "codes": codes, "regions": regions, "groups": groups, "methods": methods,
            "method": method, "year": year, "sort": sort, "defaulted": not asked}


def value_rows(indicator, selection, user):
    """The current values of the selected regions the user may see, in the table's order."""
    rows = (services.visible_values(user).filter(indicator=indicator, region__in=selection["regions"])
            .select_related("region", "recorded_by").order_by(*VALUE_SORTS[selection["sort"]]))
    if selection["year"] is not None:
        rows = rows.filter(year=selection["year"])
    return list(rows)


def revision_history(indicator, rows, user) -> dict[tuple[int, int], list[dict]]:
    """Earlier revisions (``is_current=False``) of the shown values the user may see, by
    (region id, year), oldest first, each with the value it replaced."""
    if not rows:
        return {}
    earlier = (restrict(Observation.objects.filter(indicator=indicator, is_current=False), user)
               .filter(region_id__in={r.region_id for r in rows}, year__in={r.year for r in rows})
               .select_related("recorded_by").order_by("region_id", "year", "revision"))
    by_key: dict[tuple[int, int], list] = {}
    for obs in earlier:
        by_key.setdefault((obs.region_id, obs.year), []).append(obs)
    history = {}
    for row in rows:
        chain = by_key.get((row.region_id, row.year), []) + [row]
        if len(chain) < 2:
            continue
        history[(row.region_id, row.year)] = [
            {"revision": obs.revision, "value": services.format_number(obs.value),
             "previous": services.format_number(chain[k - 1].value) if k else None,
             "who": obs.recorded_by.get_username() if obs.recorded_by and user.is_authenticated else "",
             "when": obs.recorded_at, "source": obs.source, "current": obs.is_current}
            for k, obs in enumerate(chain)]
    return history


def export_rows(indicator, rows) -> list[tuple]:
    """The shown values as ``observations.exports.EXPORT_COLUMNS`` tuples, in the shown order."""
    english = services.english()
    return [(r.region.code, r.region.name_en if english else r.region.name_zh, indicator.code, r.year, r.value,
             indicator.unit, r.source, r.qualifier, r.note) for r in rows]


def _scope_choices(indicator, selection, user):
    """The region and group check boxes: the provincial units and every group (marked when
    without data), and every other region with visible values."""
    available = services.available_scopes(indicator, user)
    chosen = set(selection["codes"])

    def choice(obj, has_data):
        return {"code": obj.code, "label": services.localized(obj), "checked": obj.code in chosen,
                "has_data": has_data}

    regions = restrict(Region.objects.all(), user)
    provinces = [choice(r, r.code in available["regions"]) for r in regions.filter(level="province")]
    groups = [choice(g, g.code in available["groups"]) for g in restrict(RegionGroup.objects.all(), user)]
    others = regions.exclude(level="province").filter(code__in=available["regions"] | chosen)
    cities = [choice(r, r.code in available["regions"]) for r in others.filter(level="prefecture")]
    counties = [choice(r, r.code in available["regions"]) for r in others.filter(level="county")]
    return {"provinces": provinces, "groups": groups, "cities": cities, "counties": counties,
            "cities_open": any(c["checked"] for c in cities + counties)}


def _target_rows(selection, assessments, scope_codes):
    words = services.status_words()
    rows = []
    for target in selection["targets"]:
        scope = target.region or target.group
        assessment = assessments.get(target.id)
        rows.append({
            "target": target, "scope": services.localized(scope), "scope_code": scope.code,
            "is_region": target.region_id is not None, "wording": services.target_wording(target),
            "assessment": assessment,
            "status": assessment.status if assessment else "",
            "status_word": words.get(assessment.status, "") if assessment else "",
            "latest": services.format_number(assessment.latest_value) if assessment else "—",
            "projected": services.format_number(assessment.projected_value) if assessment else "—",
            "drawn": scope.code in scope_codes,
        })
    return rows


def _chart(indicator, selection, assessments, user):
    scopes = services.chart_scopes(indicator, selection["regions"], selection["groups"], user)
    by_code = {s.code: s for s in scopes}
    milestones = []
    for target in selection["targets"]:
        scope = by_code.get((target.region or target.group).code)
        if scope is None:
            continue
        assessment = assessments.get(target.id)
        thresholds = assessment.run.thresholds if assessment is not None else {}
        tolerance = thresholds.get("approx_tolerance", Thresholds().approx_tolerance)
        milestones.append(services.milestone(target, scope, indicator.direction, assessment, tolerance))
    option = services.chart_option(indicator, scopes, milestones, assessments, indicator.unit)
    return option, scopes, milestones


@cached_page
def detail(request, code):
    """An indicator: its definition, a chart of the chosen regions and groups with every
    target milestone, the base year and the projected path, the targets with their status,
    and the values with their source, status and revision history."""
    user = request.user
    indicator = get_object_or_404(restrict(Indicator.objects.select_related("dimension", "weight"), user), code=code)
    selection = _selection(request, indicator)
    assessments = services.assessments_by_target(selection["targets"], selection["method"], user)
    option, scopes, milestones = _chart(indicator, selection, assessments, user)
    rows = value_rows(indicator, selection, user)
    history = revision_history(indicator, rows, user)
    for row in rows:
        row.shown_value = services.format_number(row.value)
        row.mark = services.qualifier_mark(row.qualifier)
        row.region_label = services.localized(row.region)
        row.history = history.get((row.region_id, row.year), [])
    group_tables = [{"code": s.code, "name": s.name, "points": [(y, services.format_number(v)) for y, v in
                                                                 sorted(s.points, reverse=True)]}
                    for s in scopes if s.kind == "group"]
    inputs = parse_formula(indicator.formula) if indicator.formula else []
    input_indicators = {i.code: i for i in restrict(Indicator.objects.all(), user).filter(code__in=inputs)}
    years = sorted(set(services.visible_values(user).filter(indicator=indicator)
                       .values_list("year", flat=True).distinct()), reverse=True)
    context = {
        "indicator": indicator, "label": services.localized(indicator),
        "definition": services.localized(indicator, "definition"),
        "dimension_label": services.localized(indicator.dimension),
        "direction_label": direction_word(indicator.direction),
        "aggregation_label": indicator.get_aggregation_display(),
        "weight_label": services.localized(indicator.weight) if indicator.weight else "",
        "inputs": [(c, services.localized(input_indicators[c]) if c in input_indicators else c) for c in inputs],
        "option": option, "milestone_count": len(milestones),
        "has_values": any(s.points for s in scopes),
        "selection": selection, "choices": _scope_choices(indicator, selection, user),
        "method_choices": [(m, label) for m, label in ProgressMethod.choices if m in selection["methods"]],
        "method_label": dict(ProgressMethod.choices).get(selection["method"], selection["method"]),
        "target_rows": _target_rows(selection, assessments, {s.code for s in scopes}),
        "rows": rows, "group_tables": group_tables, "years": years,
        "sorts": services.sort_links(request, ["region", "year", "value"], selection["sort"]),
        "query": services.query_without(request, "format"),
        "export_url": reverse("indicators:export", args=[indicator.code]),
        "lower_bound": services.format_number(indicator.lower_bound) if indicator.lower_bound is not None else "",
        "upper_bound": services.format_number(indicator.upper_bound) if indicator.upper_bound is not None else "",
    }
    return render(request, "indicators/detail.html", context)


def export(request, code):
    """The values table of the indicator page, exactly as shown (same selection, year and
    order), as CSV or XLSX (``observations.exports.write_export``)."""
    user = request.user
    indicator = get_object_or_404(restrict(Indicator.objects.all(), user), code=code)
    fmt = request.GET.get("format", "csv")
    if fmt not in services.TABLE_FORMATS:
        raise Http404(_("未知的下载格式"))
    selection = _selection(request, indicator)
    rows = export_rows(indicator, value_rows(indicator, selection, user))
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # Excel opens UTF-8 Chinese only with the byte-order mark
        write_export(rows, "csv", response)
    else:
        buffer = io.BytesIO()
        write_export(rows, "xlsx", buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{indicator.code}.{fmt}"'
    return response
