"""The overview (总览), the public view and the feedback form (意见建议) with the office's inbox."""

from __future__ import annotations

import csv
import math

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from deltawatch.accounts.scoping import restrict
from deltawatch.indicators.models import Dimension, Indicator
from deltawatch.observations.exports import neutralise
from deltawatch.progress.choices import ProgressStatus
from deltawatch.regions.models import Region
from deltawatch.reporting.views_office import completeness_part

from . import services
from .cache import cached_page
from .choices import FeedbackStatus, FeedbackTopic
from .forms import AnswerForm, FeedbackForm
from .models import Feedback
from .rules import PUBLISHED, is_office

# The colours of site.css's .status classes, for the chart (the words go with them everywhere).
STATUS_COLOURS = {
    "achieved": "#0b6e4f", "on_track": "#1a7f37", "acceleration_needed": "#b7791f",
    "limited_progress": "#d35400", "deteriorating": "#c0392b", "insufficient_data": "#8a94a3",
    "not_assessable": "#6c7a89",
}
SERIES_COLOURS = ["#1d4e89", "#2c7be5", "#b7791f", "#1a7f37"]  # = .swatch.s0 … .s3 in site.css
MAP_COLOURS = ["#e8f1fa", "#9ecae1", "#4292c6", "#1d4e89", "#08306b"]  # sequential blues (ColorBrewer)


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _name(obj, lang: str) -> str:
    return (obj.name_en if lang == "en" else obj.name_zh) or obj.name_zh


def optional_url(name: str, *args, fallback: str | None = None) -> str | None:
    """The URL of a page another app provides, or ``fallback`` while that page is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def progress_board_url(**query) -> str:
    """The progress board filtered by ``query`` (its filters: area=<dimension code>, status=…)."""
    base = optional_url("progress:board", fallback="/progress/")
    return f"{base}?{urlencode(query)}" if query else base


def region_url(code: str) -> str | None:
    return optional_url("regions:detail", code)


def format_number(value: float, signed: bool = False) -> str:
    """A value with about four significant digits and thousands separators, as statistical
    tables print it in either language: 117262.95 → "117,263"; 68.196 → "68.20"; 2.953 → "2.95";
    with ``signed`` a "+" before a positive change. (Django's floatformat groups by the
    locale, and the zh-hans locale has no thousands separator.)"""
    magnitude = abs(value)
    decimals = 0 if magnitude >= 1000 else 1 if magnitude >= 100 else 2 if magnitude >= 1 else 3
    return f"{value:{'+' if signed else ''},.{decimals}f}"


def _rounded(value: float) -> float:
    """A value rounded for a chart's tooltip: four significant digits, whole numbers kept."""
    if value is None or not math.isfinite(value) or value == 0:
        return value
    digits = max(0, 3 - int(math.floor(math.log10(abs(value)))))
    return round(value, digits)


# ------------------------------------------------------------------------------ overview parts


def progress_part(user, lang: str) -> dict:
    """The stacked bars of target statuses by plan area, and the same numbers as a table."""
    result = services.status_counts(user)
    counts = result["counts"]
    dimensions = list(restrict(Dimension.objects.all(), user, "view").order_by("order", "code"))
    shown = [d for d in dimensions if counts.get(d.code)]
    statuses = [s for s in ProgressStatus if any(counts[d.code].get(s.value) for d in shown)]
    series = []
    for status in statuses:
        data = []
        for d in shown:
            n = counts[d.code].get(status.value, 0)
            item = {"value": n, "dimension": d.code, "status": status.value,
                    "url": progress_board_url(area=d.code, status=status.value)}
            if not n:
                item["label"] = {"show": False}
            data.append(item)
        series.append({"id": status.value, "name": str(status.label), "type": "bar", "stack": "targets",
                       "barMaxWidth": 26, "itemStyle": {"color": STATUS_COLOURS[status.value]},
                       "label": {"show": True, "color": "#fff"}, "data": data})
    option = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 20, "top": 34, "bottom": 26, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1, "name": _("目标项数"), "nameLocation": "middle",
                  "nameGap": 22},
        "yAxis": {"type": "category", "inverse": True, "data": [_name(d, lang) for d in shown]},
        "series": series,
    }
    rows = [{"dimension": d, "name": _name(d, lang),
             "cells": [{"status": s, "n": counts[d.code].get(s.value, 0),
                        "url": progress_board_url(area=d.code, status=s.value)} for s in statuses],
             "total": sum(counts[d.code].values())} for d in shown]
    return {"option": option, "rows": rows, "statuses": statuses, "source": result["source"],
            "assessed_at": result["assessed_at"], "without_targets": (", " if lang == "en" else "、").join(
                _name(d, lang) for d in dimensions if d not in shown),
            "total": sum(r["total"] for r in rows), "board_url": progress_board_url()}


def _spark_option(indicator, series: list[dict], names: dict) -> dict:
    years = sorted({y for s in series for y, _v in s["points"]})
    lines = []
    for s in series:
        by_year = dict((y, _rounded(v)) for y, v in s["points"])
        lines.append({"name": names.get(s["region"], s["region"]), "type": "line",
                      "showSymbol": len(s["points"]) < 4, "symbolSize": 5,
                      "connectNulls": True, "data": [by_year.get(y) for y in years], "lineStyle": {"width": 2}})
    if len(lines) == 1:
        lines[0]["areaStyle"] = {"opacity": 0.12}
    template = "{b}" + "".join(f"<br/>{{a{k}}}: {{c{k}}} {indicator.unit}" for k in range(len(lines)))
    return {
        "grid": {"left": 4, "right": 4, "top": 6, "bottom": 4},
        "tooltip": {"trigger": "axis", "confine": True, "formatter": template},
        "xAxis": {"type": "category", "data": [str(y) for y in years], "show": False, "boundaryGap": False},
        "yAxis": {"type": "value", "show": False, "scale": True},
        "color": SERIES_COLOURS,
        "series": lines,
    }


def headline_part(user, lang: str) -> list[dict]:
    """The headline indicators: latest value, year, unit, source, and the trend as a sparkline."""
    items = services.headline_series(user)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[x["code"] for x in items])}
    names = services.region_names([s["region"] for x in items for s in x["series"]], lang)
    cards = []
    for k, item in enumerate(items):
        indicator = indicators[item["code"]]
        latest = []
        for s in item["series"]:
            (year, value), previous = s["points"][-1], (s["points"][-2] if len(s["points"]) > 1 else None)
            latest.append({"name": names.get(s["region"], s["region"]), "year": year, "value": value,
                           "text": format_number(value), "previous": previous,
                           "url": region_url(s["region"]) if item["scope"] == "provinces" else None,
                           "change": None if previous is None else format_number(value - previous[1], signed=True)})
        cards.append({"indicator": indicator, "name": _name(indicator, lang), "scope": item["scope"],
                      "latest": latest, "chart_id": f"spark-{k}",
                      "url": optional_url("indicators:detail", indicator.code),
                      "option": _spark_option(indicator, item["series"], names) if latest else None})
    return cards


def _map_choices(user, lang: str, chosen: str) -> tuple[dict, list]:
    """The indicators offered on the map: those with a value for at least half of the 41 cities
    in some year (Shanghai is a city and a province: an indicator published for provinces only
    would otherwise be offered for a map of one city), and the one chosen."""
    coverage = services.map_coverage(user)
    offered = [code for code, years in coverage.items()
               if max(years.values()) >= services.MAP_MIN_CITIES or code == chosen]
    indicators = list(Indicator.objects.filter(code__in=offered).select_related("dimension")
                      .order_by("dimension__order", "code"))
    template = "{} ({})" if lang == "en" else "{}（{}）"
    return coverage, [(i.code, template.format(_name(i, lang), i.unit)) for i in indicators]


def _source_text(values: list[dict], indicator, lang: str) -> str:
    """The sources of the values drawn: up to two named, more counted (all are in the CSV)."""
    sources = sorted({v["source"] for v in values if v["source"]})
    if not sources:
        return indicator.source or "—"
    if len(sources) <= 2:
        return ("; " if lang == "en" else "；").join(sources)
    return _("%(first)s 等 %(n)d 种（见CSV）") % {"first": sources[0], "n": len(sources)}


def choropleth_part(request, lang: str) -> dict:
    """The map of the 41 cities for ?indicator=&year= (defaults: GDP per capita, the latest year
    with every city). An unknown indicator, or a year in which it has no city value → 404."""
    user = request.user
    code = request.GET.get("indicator") or services.DEFAULT_MAP_INDICATOR
    indicator = Indicator.objects.filter(code=code).select_related("dimension").first()
    if indicator is None:
        raise Http404(_("没有代码为 %(code)s 的指标。") % {"code": code})
    coverage, choices = _map_choices(user, lang, code)
    years = coverage.get(code, {})
    requested = request.GET.get("year")
    if requested:
        if not requested.isdigit() or int(requested) not in years:
            raise Http404(_("指标 %(code)s 在 %(year)s 年没有城市数据。") % {"code": code, "year": requested})
        year = int(requested)
    else:
        year = services.default_year(years)
    part = {"indicator": indicator, "name": _name(indicator, lang), "year": year, "choices": choices,
            "years": [(y, years[y]) for y in sorted(years, reverse=True)], "values": [], "option": None,
            "cities": 0, "csv_url": None}
    if year is None:
        return part
    values = services.map_values(user, code, year)
    regions = {r.code: r for r in Region.objects.filter(code__in=[v["region"] for v in values])}
    data = []
    for v in values:
        region = regions[v["region"]]
        item = {"name": region.name_zh, "value": _rounded(v["value"]), "code": region.code}
        url = region_url(region.code)
        if url:
            item["url"] = url
        data.append(item)
    numbers = [v["value"] for v in values]
    series = {"type": "map", "name": part["name"], "roam": False, "data": data, "selectedMode": False,
              "emphasis": {"label": {"show": True}}, "itemStyle": {"borderColor": "#fff", "borderWidth": 0.6,
                                                                   "areaColor": "#eceff3"}}
    if lang == "en":  # the boundaries carry Chinese names; show English ones
        series["nameMap"] = {r.name_zh: r.name_en for r in Region.objects.filter(groups__code=services.CITIES)}
        for item in data:
            item["name"] = series["nameMap"].get(item["name"], item["name"])
    option = {
        "tooltip": {"trigger": "item", "formatter": f"{{b}}<br/>{year}: {{c}} {indicator.unit}"},
        "visualMap": {"type": "continuous", "min": _rounded(min(numbers)), "max": _rounded(max(numbers)),
                      "calculable": True, "left": 8, "bottom": 8, "itemHeight": 120,
                      "text": [_("高"), _("低")], "inRange": {"color": MAP_COLOURS}},
        "series": [series],
    }
    part.update(values=values, option=option, cities=len(values), source_text=_source_text(values, indicator, lang),
                csv_url=f"{reverse('site:overview_map_csv')}?{urlencode({'indicator': code, 'year': year})}",
                has_click=any("url" in item for item in data))
    return part


def changes_part(user, lang: str) -> dict:
    changes = services.latest_changes(user)
    for change in changes:
        change.where = _name(change.region or change.group, lang)
        change.what = _name(change.indicator, lang)
        change.what_url = optional_url("indicators:detail", change.indicator.code)
        change.old_label = ProgressStatus(change.old_status).label
        change.new_label = ProgressStatus(change.new_status).label
        revision = change.visible_revision
        change.revision_where = _name(revision.region, lang) if revision else None
        change.revision_value = f"{format_number(revision.value)} {change.indicator.unit}" if revision else None
    return {"items": changes, "may_view": services.may_view(services.StatusChange, user),
            "log_url": optional_url("progress:changes", fallback=progress_board_url())}


def freshness_part(user, lang: str) -> dict:
    data = services.freshness(user)
    totals = dict(Indicator.objects.values_list("dimension__code").annotate(n=Count("id")))
    rows = []
    for d in restrict(Dimension.objects.all(), user, "view").order_by("order", "code"):
        info = data["by_dimension"].get(d.code)
        rows.append({"name": _name(d, lang), "code": d.code, "total": totals.get(d.code, 0),
                     "latest_year": info["latest_year"] if info else None,
                     "indicators": info["indicators"] if info else 0,
                     "recorded": info["recorded"] if info else None})
    recorded = [r["recorded"] for r in rows if r["recorded"]]
    return {"rows": rows, "latest_batch": data["latest_batch"], "last_recorded": max(recorded) if recorded else None,
            "upload_url": optional_url("observations:upload")}


# ------------------------------------------------------------------------------ overview views


@cached_page
def overview(request):
    """总览: the Delta at a glance (issue 12 §2)."""
    lang = _lang()
    choropleth = choropleth_part(request, lang)
    if request.htmx and request.htmx.target == "choropleth":
        return render(request, "site/_choropleth.html", {"map": choropleth})
    user = request.user
    context = {
        "progress": progress_part(user, lang),
        "headlines": headline_part(user, lang),
        "map": choropleth,
        "changes": changes_part(user, lang),
        "fresh": freshness_part(user, lang),
        "completeness": completeness_part(user),
        "is_public": not user.is_authenticated,
    }
    return render(request, "site/overview.html", context)


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 with the byte-order mark
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return response


def overview_map_csv(request):
    """The 41 cities' values the map shows, as CSV (same ?indicator=&year= as the page)."""
    lang = _lang()
    part = choropleth_part(request, lang)
    if part["year"] is None:
        raise Http404(_("该指标尚无城市数据。"))
    regions = {r.code: r for r in Region.objects.filter(code__in=[v["region"] for v in part["values"]])}
    rows = [(v["region"], _name(regions[v["region"]], lang), part["indicator"].code, part["year"], v["value"],
             part["indicator"].unit, v["source"]) for v in part["values"]]
    header = [pgettext("overview", "区划代码"), _("城市"), pgettext("overview", "指标代码"), pgettext("overview", "年份"),
              pgettext("overview", "数值"), pgettext("overview", "单位"), pgettext("overview", "来源")]
    return _csv_response(f"deltawatch-map-{part['indicator'].code}-{part['year']}.csv", header, rows)


def overview_status_csv(request):
    """The target statuses by plan area the bars show, as CSV."""
    part = progress_part(request.user, _lang())
    header = [_("领域代码"), pgettext("overview", "领域")] + [str(s.label) for s in part["statuses"]] + [_("合计")]
    rows = [[r["dimension"].code, r["name"], *[c["n"] for c in r["cells"]], r["total"]] for r in part["rows"]]
    return _csv_response("deltawatch-target-statuses.csv", header, rows)


# ------------------------------------------------------------------------------ feedback (public)


def published_feedback(request) -> str:
    """The answered questions the feedback page lists (they change with no data version)."""
    shown = restrict(Feedback.objects.all(), request.user, "view").filter(PUBLISHED)
    return str(list(shown.values_list("id", "answered_at", "topic", "text", "answer")))


@require_http_methods(["GET", "POST"])
@cached_page(extra=published_feedback)
def feedback(request):
    """意见建议: the form, and the questions the office answered and marked public."""
    form = FeedbackForm()
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_bot:
            # Answered like a success so that a bot learns nothing; nothing is stored.
            services.take_submission_slot(services.client_address(request))
            messages.success(request, _("感谢您的意见建议，我们会认真阅读。"))
            return redirect("site:feedback")
        if form.is_valid():
            if not services.take_submission_slot(services.client_address(request)):
                form.add_error(None, _("提交过于频繁：每个网络地址每小时最多提交 %(n)d 条，请稍后再试。")
                               % {"n": services.RATE_LIMIT})
                status = 429
            else:
                form.save()
                messages.success(request, _("感谢您的意见建议，我们会认真阅读。办公室答复并公开后将显示在本页。"))
                return redirect("site:feedback")
        else:
            status = 400
    published = restrict(Feedback.objects.all(), request.user, "view").filter(PUBLISHED)
    page = Paginator(published.order_by("-answered_at", "-id"), 10).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "is_office": is_office(request.user),
               "limit": services.RATE_LIMIT}
    return render(request, "site/feedback.html", context, status=status)


# ------------------------------------------------------------------------------ feedback (the office)


def office_only(view):
    """The office's pages: the public is sent to sign in; other roles are refused (403)."""
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_office(request.user):
            raise PermissionDenied(_("只有长三角办和系统管理员可以查看意见建议收件箱。"))
        return view(request, *args, **kwargs)
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


INBOX_SORTS = {"created": "created_at", "-created": "-created_at", "topic": "topic", "-topic": "-topic",
               "status": "status", "-status": "-status", "answered": "answered_at", "-answered": "-answered_at"}


def _sort_columns(query: dict, sort: str) -> list[dict]:
    """Headers of the inbox table: each sortable one links to its own ascending order, or to
    the descending one when the table is already sorted by it ascending."""
    columns = []
    for key, label in (("created", _("提交时间")), ("topic", _("主题")), (None, _("内容")), (None, _("来信人")),
                       ("status", _("处理状态")), ("answered", _("答复时间"))):
        if key is None:
            columns.append({"label": label})
            continue
        target = f"-{key}" if sort == key else key
        arrow = "▲" if sort == key else "▼" if sort == f"-{key}" else ""
        columns.append({"label": label, "url": "?" + urlencode({**query, "sort": target}), "arrow": arrow})
    return columns


def _inbox_queryset(request):
    queryset = restrict(Feedback.objects.select_related("answered_by"), request.user, "view")
    status = request.GET.get("status", "")
    if status in FeedbackStatus.values:
        queryset = queryset.filter(status=status)
    topic = request.GET.get("topic", "")
    if topic in FeedbackTopic.values:
        queryset = queryset.filter(topic=topic)
    sort = request.GET.get("sort", "-created")
    return queryset.order_by(INBOX_SORTS.get(sort, "-created_at"), "-id"), status, topic, sort


@office_only
def feedback_inbox(request):
    """The office's list of every feedback entry, filtered by status and topic, sortable."""
    queryset, status, topic, sort = _inbox_queryset(request)
    if request.GET.get("format") == "csv":
        rows = [(f.id, f.created_at.isoformat(timespec="minutes"), f.get_topic_display(), f.text, f.name, f.contact,
                 f.get_status_display(), f.answer, f.is_public) for f in queryset]
        header = [_("编号"), _("提交时间"), _("主题"), _("内容"), _("姓名"), _("联系方式"), _("处理状态"), _("答复"),
                  _("公开问答")]
        return _csv_response("deltawatch-feedback.csv", header, rows)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    counts = dict(restrict(Feedback.objects.all(), request.user, "view").values_list("status").order_by()
                  .annotate(n=Count("id")))
    query = {k: v for k, v in (("status", status), ("topic", topic)) if v}
    context = {"page": page, "status": status, "topic": topic, "sort": sort, "topics": FeedbackTopic.choices,
               "statuses": [(value, label, counts.get(value, 0)) for value, label in FeedbackStatus.choices],
               "columns": _sort_columns(query, sort), "query": urlencode({**query, "sort": sort}),
               "csv_query": urlencode({**query, "sort": sort, "format": "csv"})}
    template = "site/_inbox_table.html" if request.htmx else "site/feedback_inbox.html"
    return render(request, template, context)


@office_only
@require_http_methods(["GET", "POST"])
def feedback_answer(request, pk: int):
    """One entry in full, and the office's answer (public or not)."""
    entry = get_object_or_404(restrict(Feedback.objects.all(), request.user, "change"), pk=pk)
    form = AnswerForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        answer = form.save(commit=False)
        if answer.answer and (not answer.answered_at or "answer" in form.changed_data):
            answer.answered_at = timezone.now()
            answer.answered_by = request.user
        answer.save()
        messages.success(request, _("答复已保存。") + (_("已在意见建议页公开。") if answer.is_published else ""))
        return redirect("site:feedback_inbox")
    return render(request, "site/feedback_answer.html", {"entry": entry, "form": form},
                  status=400 if request.method == "POST" else 200)
