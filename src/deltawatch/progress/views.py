"""Pages of the progress app: the 目标进展 board, its export, the status-change log, and running
an assessment from the page.

The board is a scorecard (DHIS2's habit): rows are the indicators that have targets, grouped
by plan area; columns are the regions and groups the targets are set for; each cell is the
stored assessment of the chosen method — the status word on its colour, the target, the
latest value and the progress ratio — linking to the indicator page with the region chosen.
Nothing is computed here that ``progress.services`` / ``methods.progress`` does not compute:
the cells are stored assessments, the roll-ups ``methods.progress.rollup`` (Open SDG mean
scores and bands) of exactly the assessments the user may see.
"""

from __future__ import annotations

import csv
import io
import math

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from deltawatch.accounts.choices import Role
from deltawatch.accounts.roles import roles_of
from deltawatch.accounts.scoping import restrict
from deltawatch.observations.exports import neutralise
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.regions.models import RegionGroup
from deltawatch.site.cache import cached, cached_page

from .choices import ProgressMethod, ProgressStatus
from .filters import BoardFilterSet, ChangeFilterSet, ignored_filters
from .models import ProgressAssessment, StatusChange
from .services import rollup_of, run_progress

# Who may run an assessment from the page (issue 12: the office and researchers; admins).
RUNNERS = {Role.OFFICE.value, Role.RESEARCHER.value, Role.ADMIN.value}
EXPORT_FORMATS = ("csv", "xlsx")
CHANGES_PER_PAGE = 50
CHANGE_SORTS = {  # ?sort= value → ordering of the status-change log
    "-changed_at": ["-changed_at", "-id"], "changed_at": ["changed_at", "id"],
    "indicator": ["indicator__dimension__order", "indicator__code", "-changed_at"],
    "-indicator": ["-indicator__dimension__order", "-indicator__code", "-changed_at"],
    "region": ["group__code", "region__code", "-changed_at"],
    "-region": ["-group__code", "-region__code", "-changed_at"],
}
# The colours of .status.<code> in site.css, for the roll-up bars (a chart cannot read CSS).
STATUS_COLOURS = {
    "achieved": "#0b6e4f", "on_track": "#1a7f37", "acceleration_needed": "#b7791f", "limited_progress": "#d35400",
    "deteriorating": "#c0392b", "insufficient_data": "#8a94a3", "not_assessable": "#6c7a89",
}
# Why a target could not be assessed: the engine's notes (methods.progress._NOTES, English,
# part of its output format) in the words of the page.
NOTE_EXPLANATIONS = (
    ("fewer than two values from the base year on", gettext_noop("基期后少于两个数据点")),
    ("no value from the base year on", gettext_noop("基期后没有数据")),
    ("non-numeric target: not assessable", gettext_noop("目标无量化数值（如“完成国家下达目标任务”），无法量化评估")),
    ("numeric target without a value", gettext_noop("目标未给出数值，无法量化评估")),
    ("no value for the baseline year of a relative target", gettext_noop("相对目标所依据的基年没有数据")),
    ("annual growth target not assessable", gettext_noop("数值非正，无法计算年均增速")),
    ("target year not after the base year", gettext_noop("目标年份不晚于基期")),
)
EXPORT_COLUMNS = [
    "dimension", "dimension_name", "indicator", "indicator_name", "unit", "region_code", "region_name",
    "target_year", "target", "comparator", "target_value", "base_year", "base_value", "latest_year", "latest_value",
    "ratio", "status", "status_name", "score", "method",
]


# ---------------------------------------------------------------------------- small helpers

def _english() -> bool:
    return (get_language() or "").startswith("en")


def _name(zh, en):
    return en if _english() and en else zh


def _number(x) -> str:
    """A value as the page shows it: three significant digits at least, thousands separated
    (21,000 · 73.9 · 5.12 · 0.437)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    digits = 0 if x == 0 else max(0, min(4, 2 - math.floor(math.log10(abs(x)))))
    return f"{x:,.{digits}f}"


def _with_unit(x, unit) -> str:
    text = _number(x)
    if text == "—" or not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "‰") else f"{text} {unit}"


def _status_label(code) -> str:
    try:
        return str(ProgressStatus(code).label)
    except ValueError:
        return code or ""


def _explain(status, note) -> str:
    """Why a target was not assessed ("基期后少于两个数据点"); empty for assessed targets."""
    if status not in ("insufficient_data", "not_assessable"):
        return ""
    for fragment, words in NOTE_EXPLANATIONS:
        if fragment in (note or ""):
            return _(words)
    return _("数据不足以评估") if status == "insufficient_data" else _("无法量化评估")


def indicator_url(code, scope_code=None) -> str:
    """The indicator page (its chart), with the region or group of the target chosen."""
    try:
        url = reverse("indicators:detail", args=[code])
    except NoReverseMatch:  # the indicator pages are built by another app; same path as agreed
        url = f"/indicators/{code}/"
    return f"{url}?{urlencode({'region': scope_code})}" if scope_code else url


def _region_url(code, scope) -> str | None:
    if scope != "region":
        return None
    try:
        return reverse("regions:detail", args=[code])
    except NoReverseMatch:
        return None


def _scope_key(user) -> str:
    """Cache key part for what ``restrict`` lets this user see."""
    return "public" if not user.is_authenticated else f"user{user.pk}"


def _filter_key(filterset) -> str:
    filterset.errors  # noqa: B018
    return urlencode(sorted((k, str(v)) for k, v in filterset.form.cleaned_data.items() if v not in (None, "")))


def can_run(user) -> bool:
    return bool(roles_of(user) & RUNNERS)


# ---------------------------------------------------------------------------- the board's data

BOARD_VALUES = (
    "id", "key", "indicator__code", "indicator__name_zh", "indicator__name_en", "indicator__unit",
    "indicator__source", "indicator__dimension__code", "indicator__dimension__name_zh",
    "indicator__dimension__name_en", "indicator__dimension__order", "region__code", "region__name_zh",
    "region__name_en", "group__code", "group__name_zh", "group__name_en", "target__value_text", "target_year",
    "comparator", "target_value", "base_year", "base_value", "latest_year", "latest_value", "projected_value",
    "ratio", "status", "score", "note", "method", "run_id", "run__started_at", "run__data_vintage",
)


def _board_row(a) -> dict:
    """One assessment as the board and its export show it."""
    scope = "region" if a["region__code"] else "group"
    code = a["region__code"] or a["group__code"]
    unit = a["indicator__unit"]
    return {
        "dimension": a["indicator__dimension__code"],
        "dimension_name": _name(a["indicator__dimension__name_zh"], a["indicator__dimension__name_en"]),
        "dimension_order": a["indicator__dimension__order"],
        "indicator": a["indicator__code"],
        "indicator_name": _name(a["indicator__name_zh"], a["indicator__name_en"]),
        "unit": unit, "source": a["indicator__source"],
        "scope": scope, "region_code": code,
        "region_name": _name(a[f"{scope}__name_zh"], a[f"{scope}__name_en"]),
        "target_year": a["target_year"], "target": a["target__value_text"] or _with_unit(a["target_value"], unit),
        "comparator": a["comparator"], "target_value": a["target_value"],
        "base_year": a["base_year"], "base_value": a["base_value"],
        "latest_year": a["latest_year"], "latest_value": a["latest_value"], "projected_value": a["projected_value"],
        "ratio": a["ratio"], "status": a["status"], "status_name": _status_label(a["status"]),
        "score": a["score"], "method": a["method"],
        # shown on the page
        "latest_text": _with_unit(a["latest_value"], unit), "ratio_text": _number(a["ratio"]),
        "base_text": _with_unit(a["base_value"], unit), "projected_text": _with_unit(a["projected_value"], unit),
        "explain": _explain(a["status"], a["note"]),
        "url": indicator_url(a["indicator__code"], code),
    }


def _scope_rank(codes: dict[str, str]) -> dict[str, int]:
    """Column order of regions and groups (code → scope): groups first, the largest first
    (长三角全域 41 cities, then 中心区 27…), then regions by code (provinces before cities)."""
    sizes = dict(RegionGroup.objects.filter(code__in=[c for c, s in codes.items() if s == "group"])
                 .annotate(n=Count("members")).values_list("code", "n"))
    order = sorted(codes, key=lambda c: (codes[c] != "group", -sizes.get(c, 0), c))
    return {code: k for k, code in enumerate(order)}


def _columns(rows) -> list[dict]:
    """The regions and groups of the rows, in :func:`_scope_rank` order."""
    first = {}
    for r in rows:
        first.setdefault(r["region_code"], r)
    rank = _scope_rank({code: r["scope"] for code, r in first.items()})
    return [{"code": code, "name": r["region_name"], "scope": r["scope"], "url": _region_url(code, r["scope"])}
            for code, r in sorted(first.items(), key=lambda item: rank[item[0]])]


def _matrix(rows, columns) -> list[dict]:
    """Areas → indicators → one list of assessments per column (several when a cell has
    targets for several years)."""
    position = {c["code"]: k for k, c in enumerate(columns)}
    areas, indicators = {}, {}
    for r in rows:  # already in board order
        area = areas.setdefault(r["dimension"], {"code": r["dimension"], "name": r["dimension_name"], "rows": []})
        if r["indicator"] not in indicators:
            indicators[r["indicator"]] = {"indicator": r["indicator"], "name": r["indicator_name"], "unit": r["unit"],
                                          "cells": [[] for _ in columns]}
            area["rows"].append(indicators[r["indicator"]])
        indicators[r["indicator"]]["cells"][position[r["region_code"]]].append(r)
    return list(areas.values())


def _rollup_rows(frame, names, order) -> list[dict]:
    out = []
    for record in frame.to_dict("records"):
        key = record[frame.columns[0]]
        mean = record["mean_score"]
        mean = None if mean is None or (isinstance(mean, float) and math.isnan(mean)) else round(float(mean), 2)
        out.append({"code": key, "name": names.get(key, key), "assessed": int(record["assessed"]),
                    "scored": int(record["scored"]), "mean_score": mean, "band": record["band"],
                    "band_name": _status_label(record["band"])})
    return sorted(out, key=lambda r: order.get(r["code"], len(order)))


def score_chart(rows) -> dict:
    """ECharts option: one horizontal bar per roll-up row, its mean Open SDG score (−5…5),
    coloured by its band, with the band limits (−2.5, 0, 2.5) drawn."""
    return {
        "grid": {"left": 8, "right": 48, "top": 12, "bottom": 36, "containLabel": True},
        "tooltip": {"trigger": "item", "formatter": "{b}: {c}"},
        "xAxis": {"type": "value", "min": -5, "max": 5, "interval": 2.5, "name": _("得分"),
                  "nameLocation": "middle", "nameGap": 28},
        "yAxis": {"type": "category", "inverse": True, "data": [r["name"] for r in rows],
                  "axisLine": {"onZero": False}, "axisTick": {"show": False},
                  "axisLabel": {"width": 110, "overflow": "truncate"}},
        "series": [{
            "type": "bar", "barMaxWidth": 22, "name": _("平均得分"),
            "label": {"show": True, "position": "right", "formatter": "{c}"},
            "data": [{"name": r["name"], "value": r["mean_score"],
                      "itemStyle": {"color": STATUS_COLOURS.get(r["band"], "#8a94a3")}} for r in rows],
            "markLine": {"silent": True, "symbol": "none", "label": {"show": False},
                         "lineStyle": {"type": "dashed", "color": "#9aa5b1"},
                         "data": [{"xAxis": -2.5}, {"xAxis": 0}, {"xAxis": 2.5}]},
        }],
    }


def _rollups(assessments) -> tuple[list[dict], list[dict]]:
    """Open SDG roll-ups of ``assessments`` by plan area and by region or group, named and in
    board order."""
    area_names, area_order = {}, {}
    for a in assessments.order_by().values("indicator__dimension__code", "indicator__dimension__name_zh",
                                           "indicator__dimension__name_en", "indicator__dimension__order").distinct():
        code = a["indicator__dimension__code"]
        area_names[code] = _name(a["indicator__dimension__name_zh"], a["indicator__dimension__name_en"])
        area_order[code] = a["indicator__dimension__order"]
    scope_names, scopes = {}, {}
    for a in assessments.order_by().values("region__code", "region__name_zh", "region__name_en", "group__code",
                                           "group__name_zh", "group__name_en").distinct():
        scope = "region" if a["region__code"] else "group"
        scope_names[a[f"{scope}__code"]] = _name(a[f"{scope}__name_zh"], a[f"{scope}__name_en"])
        scopes[a[f"{scope}__code"]] = scope
    return (_rollup_rows(rollup_of(assessments, "dimension"), area_names, area_order),
            _rollup_rows(rollup_of(assessments, "region_code"), scope_names, _scope_rank(scopes)))


def build_board(visible, for_rollup) -> dict:
    """Everything the board shows, from the user's visible assessments (already filtered) and
    the same without the status filter (what the roll-ups average)."""
    rows = [_board_row(a) for a in visible.values(*BOARD_VALUES)]
    columns = _columns(rows)
    rank = {c["code"]: k for k, c in enumerate(columns)}
    # board order (the export's too): plan area, indicator, column, target year
    rows.sort(key=lambda r: (r["dimension_order"], r["dimension"], r["indicator"], rank[r["region_code"]],
                             r["target_year"] or 0))
    counts = {code: 0 for code in ProgressStatus.values}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    first = visible.order_by("-run__started_at").values("run_id", "run__started_at", "run__data_vintage").first()
    by_area, by_region = _rollups(for_rollup)
    return {
        "rows": rows, "columns": columns, "areas": _matrix(rows, columns),
        "counts": [{"code": code, "label": _status_label(code), "n": n} for code, n in counts.items()],
        "run": {"id": first["run_id"], "started_at": first["run__started_at"],
                "data_vintage": first["run__data_vintage"]} if first else None,
        "rollup_area": by_area, "rollup_region": by_region,
        "chart_area": score_chart(by_area), "chart_region": score_chart(by_region),
    }


def board_data(request):
    """The filters, the method and the (cached) board of this request."""
    base = restrict(ProgressAssessment.objects.filter(target__isnull=False), request.user, "view")
    filterset = BoardFilterSet(request.GET, queryset=base)
    method = filterset.chosen_method()
    rollup_data = request.GET.copy()
    rollup_data.pop("status", None)
    for_rollup = BoardFilterSet(rollup_data, queryset=base).qs.filter(method=method)
    visible = filterset.qs.filter(method=method)
    data = cached("progress-board", lambda: build_board(visible, for_rollup), method, _filter_key(filterset),
                  get_language(), _scope_key(request.user))
    assessed = base.filter(method=method).exists()
    return filterset, method, data, assessed


def _query(filterset, **extra) -> str:
    """The valid filters of the page as a query string (for the export links)."""
    filterset.errors  # noqa: B018
    pairs = [(k, v) for k, v in filterset.form.cleaned_data.items() if v not in (None, "")]
    return urlencode(pairs + list(extra.items()))


# ---------------------------------------------------------------------------- views

@require_GET
@cached_page
def board(request):
    filterset, method, data, assessed = board_data(request)
    context = {
        **data, "filterset": filterset, "method": method, "method_label": ProgressMethod(method).label,
        "assessed": assessed, "can_run": can_run(request.user), "ignored": ignored_filters(filterset),
        "legend": [(code, label) for code, label in ProgressStatus.choices],
        "filter_query": _query(filterset), "other_methods": _other_methods(request.user, method),
    }
    template = "progress/_board.html" if request.htmx else "progress/board.html"
    return render(request, template, context)


def _other_methods(user, method) -> list[tuple[str, str]]:
    """The methods other than ``method`` that have stored assessments (for the empty state)."""
    stored = set(restrict(ProgressAssessment.objects.filter(target__isnull=False), user, "view")
                 .values_list("method", flat=True).distinct())
    return [(code, label) for code, label in ProgressMethod.choices if code in stored and code != method]


@require_GET
def export(request):
    """The board's rows (exactly those shown, same filters) as CSV or XLSX."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("未知的导出格式：请用 csv 或 xlsx。").encode())
    filterset, method, data, _assessed = board_data(request)
    rows = [[neutralise(row[c]) for c in EXPORT_COLUMNS] for row in data["rows"]]
    stamp = timezone.localtime().strftime("%Y%m%d")
    name = f"deltawatch-progress-{method}-{stamp}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(_csv_bytes(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(_xlsx_bytes(rows),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def _xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "progress"
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@require_POST
def run(request):
    """Run an assessment with one method (office, researchers, admins; CSRF-checked by the
    middleware) and go back to the board showing it."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("progress:board"))
    if not can_run(request.user):
        raise PermissionDenied(_("只有长三角办、研究人员和系统管理员可以运行评估。"))
    method = request.POST.get("method", "")
    if method not in ProgressMethod.values:
        return HttpResponseBadRequest(_("未知的评估方法。").encode())
    outcome = run_progress(method=method, user=request.user)
    messages.success(request, _("已完成评估（%(method)s）：%(assessed)d 项，状态变化 %(changed)d 项。") % {
        "method": ProgressMethod(method).label, "assessed": outcome.run.assessed, "changed": outcome.run.changed})
    return redirect(f"{reverse('progress:board')}?{urlencode({'method': method})}")


@require_GET
def changes(request):
    """The status-change log, newest first, with the data revision and import behind each."""
    base = restrict(StatusChange.objects.all(), request.user, "view")
    filterset = ChangeFilterSet(request.GET, queryset=base)
    sort = request.GET.get("sort", "-changed_at")
    sort = sort if sort in CHANGE_SORTS else "-changed_at"
    rows = filterset.qs.select_related("indicator", "region", "group", "run").order_by(*CHANGE_SORTS[sort])
    page = Paginator(rows, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    entries = _change_entries(request.user, list(page.object_list))
    context = {
        "filterset": filterset, "page": page, "entries": entries, "sort": sort,
        "ignored": ignored_filters(filterset), "filter_query": _query(filterset),
        "any_changes": base.exists(), "signed_in": request.user.is_authenticated,
        "legend": [(code, label) for code, label in ProgressStatus.choices],
    }
    template = "progress/_changes.html" if request.htmx else "progress/changes.html"
    return render(request, template, context)


def _change_entries(user, changes) -> list[dict]:
    """Each change with the observation and the import batch behind it, as far as the user may
    see them (a reporter sees only its own imports)."""
    observations = {o.id: o for o in restrict(
        Observation.objects.filter(id__in=[c.data_revision_id for c in changes if c.data_revision_id]), user, "view",
    ).select_related("region", "indicator")}
    batches = {b.id: b for b in restrict(
        ImportBatch.objects.filter(id__in=[c.batch_id for c in changes if c.batch_id]), user, "view")}
    out = []
    for c in changes:
        subject = c.region or c.group
        scope_code = subject.code if subject else None
        obs = observations.get(c.data_revision_id)
        out.append({
            "change": c, "subject": _name(subject.name_zh, subject.name_en) if subject else "—",
            "indicator": _name(c.indicator.name_zh, c.indicator.name_en),
            "url": indicator_url(c.indicator.code, scope_code),
            "old": c.old_status, "old_label": _status_label(c.old_status),
            "new": c.new_status, "new_label": _status_label(c.new_status),
            "old_ratio": _number(c.old_ratio), "new_ratio": _number(c.new_ratio),
            "method_label": ProgressMethod(c.method).label if c.method in ProgressMethod.values else c.method,
            "observation": obs, "observation_hidden": bool(c.data_revision_id and obs is None),
            "observation_region": _name(obs.region.name_zh, obs.region.name_en) if obs else "",
            "observation_indicator": _name(obs.indicator.name_zh, obs.indicator.name_en) if obs else "",
            "observation_value": _with_unit(obs.value, obs.indicator.unit) if obs else "",
            "batch": batches.get(c.batch_id), "batch_hidden": bool(c.batch_id and c.batch_id not in batches),
        })
    return out
