"""Pages of the regions app: the region tree (地区) and a region's page.

Every queryset is narrowed by ``accounts.scoping.restrict``; the analytics (latest values,
ranks among peers) come from ``indicators.services`` and are cached by data version.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from deltawatch.accounts.scoping import restrict
from deltawatch.indicators import services
from deltawatch.indicators.models import Indicator, Target
from deltawatch.progress.choices import ProgressMethod
from deltawatch.site.cache import cached_page

from .models import Region, RegionGroup

MAX_QUERY = 50
SUMMARY_SORTS = ("dimension", "name", "year", "rank")


# ------------------------------------------------------------------------------ the tree


def _matches(region: Region, words: list[str]) -> bool:
    text = f"{region.code} {region.name_zh} {region.name_en}".casefold()
    return all(word in text for word in words)


def _tree_nodes(regions: list[Region], query: str) -> tuple[list[dict], int]:
    """Nested nodes province → city → county. With a query: the regions that match, their
    ancestors (opened) and their descendants; returns the nodes and the number of matches."""
    children = defaultdict(list)
    ids = {r.id for r in regions}
    for region in regions:
        children[region.parent_id if region.parent_id in ids else None].append(region)
    words = query.casefold().split()
    matched = {r.id for r in regions if words and _matches(r, words)}

    def build(region, inherited: bool) -> dict | None:
        shown_by_match = inherited or region.id in matched
        kids = [n for n in (build(child, shown_by_match) for child in children[region.id]) if n]
        if words and not shown_by_match and not kids:
            return None
        return {"region": region, "label": services.localized(region), "children": kids,
                "match": region.id in matched, "open": bool(words and any(k["match"] or k["open"] for k in kids))}

    roots = [n for n in (build(r, False) for r in children[None]) if n]
    return roots, len(matched)


@cached_page
def tree(request):
    """Every region as a tree (province → city → county, ended regions with their end date),
    searchable by name or code (``?q=``; HTMX re-renders the tree), and the region groups."""
    user = request.user
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    regions = list(restrict(Region.objects.all(), user).order_by("code"))
    nodes, matched = _tree_nodes(regions, query)
    context = {"nodes": nodes, "query": query, "matched": matched, "total": len(regions)}
    if request.htmx:
        return render(request, "regions/_tree.html", context)
    groups = list(restrict(RegionGroup.objects.prefetch_related("members"), user))
    for group in groups:
        group.label = services.localized(group)
        group.member_list = [(m.code, services.localized(m)) for m in group.members.all()]
    context["groups"] = groups
    return render(request, "regions/tree.html", context)


# ------------------------------------------------------------------------------ a region


def _rank_cell(key, label, ranks) -> dict:
    rank, of = ranks.get(key, (None, None))
    return {"key": key, "label": label, "rank": rank, "of": of}


def _summary_rows(region, user, year, sets):
    """The indicator table's rows: each indicator's latest value with its unit, year,
    source, sparkline option and rank in each peer set."""
    summary = services.region_summary(region, user, year)
    indicators = {i.id: i for i in restrict(Indicator.objects.select_related("dimension"), user)
                  .filter(id__in=[row["indicator_id"] for row in summary])}
    labels = {s["key"]: s["label"] for s in sets}
    rows = []
    for row in summary:
        indicator = indicators.get(row["indicator_id"])
        if indicator is None:
            continue
        rows.append({
            **row, "indicator": indicator, "label": services.localized(indicator),
            "dimension": services.localized(indicator.dimension), "dimension_order": indicator.dimension.order,
            "shown_value": services.format_number(row["value"]), "mark": services.qualifier_mark(row["qualifier"]),
            "spark": services.sparkline_option(row["years"], row["values"], row["year"]),
            "spark_id": f"spark-{indicator.code}",
            "rank_cells": [_rank_cell(s["key"], labels[s["key"]], row["ranks"]) for s in sets],
        })
    return rows


def _sorted_rows(rows, sort: str):
    """Rows in the order of ``sort`` (a column key, a leading minus for descending); rows
    without a rank go last either way."""
    descending, sort = sort.startswith("-"), sort.lstrip("-")
    keys = {
        "dimension": lambda r: (r["dimension_order"], r["indicator"].code),
        "name": lambda r: r["label"],
        "year": lambda r: (-r["year"], r["dimension_order"], r["indicator"].code),
        "rank": lambda r: (r["rank_cells"][0]["rank"] is None if r["rank_cells"] else True,
                           (r["rank_cells"][0]["rank"] or 0) if r["rank_cells"] else 0, r["indicator"].code),
    }
    ordered = sorted(rows, key=keys[sort], reverse=descending)
    if descending and sort == "rank":
        ordered = [r for r in ordered if r["rank_cells"] and r["rank_cells"][0]["rank"]] + \
            [r for r in ordered if not (r["rank_cells"] and r["rank_cells"][0]["rank"])]
    return ordered


def _target_rows(region, user, method):
    groups = list(region.groups.all())
    targets = list(restrict(Target.objects.select_related("indicator", "region", "group"), user)
                   .filter(Q(region=region) | Q(group__in=groups))
                   .order_by("region", "group__code", "indicator__code", "target_year"))
    assessments = services.assessments_by_target(targets, method, user)
    words = services.status_words()
    rows = []
    for target in targets:
        assessment = assessments.get(target.id)
        rows.append({"target": target, "indicator_label": services.localized(target.indicator),
                     "scope": services.localized(target.region or target.group), "own": target.region_id == region.id,
                     "wording": services.target_wording(target), "assessment": assessment,
                     "status": assessment.status if assessment else "",
                     "status_word": words.get(assessment.status, "") if assessment else "",
                     "latest": services.format_number(assessment.latest_value) if assessment else "—"})
    return sorted(rows, key=lambda r: (not r["own"], r["scope"], r["target"].indicator.code, r["target"].target_year))


def _status_counts(target_rows) -> list[dict]:
    """How many of the region's own targets (else its groups') stand at each status, in the
    statuses' order — the headline of the page."""
    chosen = [r for r in target_rows if r["own"]] or target_rows
    words = services.status_words()
    counts = {}
    for row in chosen:
        if row["status"]:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
    return [{"status": status, "word": words[status], "n": counts[status]} for status in words if status in counts]


def _download(region, rows, sets, fmt):
    header = [_("指标代码"), _("指标名称"), _("计量单位"), _("年份"), _("数值"), _("数值性质"), _("来源")]
    header += [_("排名（%(peers)s）") % {"peers": s["label"]} for s in sets]
    body = []
    for row in rows:
        body.append([row["indicator"].code, row["label"], row["indicator"].unit, row["year"], row["value"],
                     row["qualifier"], row["source"]]
                    + [f"{c['rank']}/{c['of']}" if c["rank"] else "" for c in row["rank_cells"]])
    return services.table_response(header, body, fmt, f"region-{region.code}")


@cached_page
def detail(request, code):
    """A region: its place in the tree and on the map, and for every indicator with data its
    latest value (unit, year, source), trend and rank among its peers; its targets and their
    statuses. ``?year=`` shows the values as of that year; ``?format=csv|xlsx`` downloads the
    indicator table as shown."""
    user = request.user
    region = get_object_or_404(restrict(Region.objects.select_related("parent", "parent__parent"), user), code=code)
    year = services.parse_year(request.GET.get("year"))
    values = services.visible_values(user)
    if year is not None and not values.filter(region=region, year=year).exists():
        raise Http404(_("%(region)s没有%(year)s年的数据") % {"region": region.name_zh, "year": year})
    sets = services.peer_sets(region, user)
    asked = request.GET.get("sort", "")
    sort = asked if asked.lstrip("-") in SUMMARY_SORTS else "dimension"
    rows = _sorted_rows(_summary_rows(region, user, year, sets), sort)
    fmt = request.GET.get("format")
    if fmt:
        return _download(region, rows, sets, fmt)
    methods = services.stored_methods(user)
    method = request.GET.get("method") or (methods[0] if methods else ProgressMethod.OPENSDG.value)
    if method not in ProgressMethod.values:
        raise Http404(_("未知的评估方法: %(method)s") % {"method": method[:20]})
    target_rows = _target_rows(region, user, method)
    visible_regions = restrict(Region.objects.all(), user)
    children = [(c.code, services.localized(c), c.valid_to) for c in visible_regions.filter(parent=region)]
    groups = [(g.code, services.localized(g)) for g in restrict(RegionGroup.objects.all(), user).filter(members=region)]
    years = sorted(set(values.filter(region=region).values_list("year", flat=True).distinct()), reverse=True)
    context = {
        "region": region, "label": services.localized(region),
        "parent_label": services.localized(region.parent) if region.parent else "",
        "ended": region.valid_to is not None, "children": children, "groups": groups,
        "rows": rows, "sets": sets, "year": year, "years": years, "sort": sort,
        "sorts": services.sort_links(request, ["dimension", "name", "year", "rank"], sort),
        "query": services.query_without(request, "format"),
        "target_rows": target_rows, "status_counts": _status_counts(target_rows),
        "own_targets": any(r["own"] for r in target_rows),
        "method_label": dict(ProgressMethod.choices).get(method, method),
        "map_option": services.region_map_option(region, user, lambda c: reverse("regions:detail", args=[c])),
        "on_map": bool(services.highlighted_cities(region)) and region.valid_to is None,
    }
    return render(request, "regions/detail.html", context)
