"""The office's and reviewers' pages of the statistics workflow (issue 14): the reporting
cycles with their completeness and timeliness, one cycle's forms (filters, 催报, export), the
reviewer's queue, validation on demand over any selection, and the stored outlier flags with
their 已核实 follow-up.

Who may open them: the YRD office (长三角办), researchers and system administrators read them;
only the office (a 长三角办 user of an office unit, or a superuser) writes — opens a cycle,
sends reminders, stores outlier flags, marks a flag 已核实. Who may approve a form is
``workflow.may``; what is counted is ``services`` (``cycle_forms``, ``cycle_summaries``).
A refused request writes nothing.
"""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import pgettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from deltawatch.accounts.choices import OrganisationKind, Role
from deltawatch.accounts.roles import roles_of
from deltawatch.observations.exports import table_response
from deltawatch.indicators.services import english, localized

from . import services
from .choices import FormAction, FormState, Timeliness
from .forms_office import OUTLIER_CHOICES, OpenCycleForm, ValidateForm
from .models import Form, OutlierFlag, ReportingCycle
from .workflow import WorkflowError, may, user_unit

# Roles that may read the office's pages (the navigation's 统计审核 shows to the same).
VIEW_ROLES = {Role.OFFICE.value, Role.RESEARCHER.value, Role.ADMIN.value}
PAGE_SIZE = 50
TIMELINESS_COLOURS = {"on_time": "#1a7f37", "late": "#b7791f", "missing": "#8a94a3"}
REPORT_HEADER = [  # the report's columns as the CLI writes them (services.validate) → heading
    ("region_code", pgettext_lazy("report", "区划代码")), ("region", _l("区域")),
    ("indicator", pgettext_lazy("report", "指标代码")), ("year", pgettext_lazy("report", "年份")),
    ("value", pgettext_lazy("report", "数值")), ("check", _l("校验")), ("severity", _l("严重程度")),
    ("detail", _l("说明")),
]


def number(value) -> str:
    """A value as the tables show it: thousands separators, at most four decimals, no trailing zeros."""
    if value is None or math.isnan(value):
        return "—"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def can_review(user) -> bool:
    return user.is_superuser or Role.OFFICE.value in roles_of(user)


def _render(request, template, context, status=200):
    """Render an office page with what the tab bar needs (the review tab for the office only)."""
    context.setdefault("can_review", can_review(request.user))
    return render(request, template, context, status=status)


def _require_view(request):
    if not request.user.is_superuser and not (roles_of(request.user) & VIEW_ROLES):
        raise PermissionDenied(_("统计审核页面仅供长三角办、研究人员和系统管理员查看。"))


def is_office(user) -> bool:
    """A 长三角办 user of an office unit, or a superuser: may open cycles, send 催报, store and
    verify outlier flags."""
    if user.is_superuser:
        return True
    unit = user_unit(user)
    return Role.OFFICE.value in roles_of(user) and unit is not None and unit.kind == OrganisationKind.OFFICE


def _require_office(request):
    if not is_office(request.user):
        raise PermissionDenied(_("只有长三角办可以执行此操作。"))


def form_url(form_id: int) -> str | None:
    """The entry grid of a form (``reporting:form``, the entry pages), None while it does not exist."""
    try:
        return reverse("reporting:form", args=[form_id])
    except NoReverseMatch:
        return None


def _cycle_label(cycle) -> str:
    return f"{localized(cycle.data_set)} {services.period_label(cycle.year, cycle.period)}"


def completeness_chart(summaries) -> dict:
    """An ECharts option: one horizontal stacked bar per cycle — forms reported on time, late,
    missing — with the counts on the bars (a zero draws no label)."""
    # the period first: a long data set name is cut at the axis, and two cycles of one data set
    # differ only by their period
    labels = [f'{services.period_label(s["cycle"].year, s["cycle"].period)} {localized(s["cycle"].data_set)}'
              for s in summaries]

    def item(n):
        return {"value": n, "label": {"show": bool(n)}}

    series = [{"name": str(Timeliness(key).label), "type": "bar", "stack": "forms", "barMaxWidth": 26,
               "itemStyle": {"color": TIMELINESS_COLOURS[key]}, "label": {"show": True, "position": "inside"},
               "data": [item(s[key]) for s in summaries]} for key in ("on_time", "late", "missing")]
    return {"animation": False, "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"top": 0}, "grid": {"left": 8, "right": 24, "top": 30, "bottom": 4, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1, "max": max([s["forms"] for s in summaries] or [1])},
            "yAxis": {"type": "category", "inverse": True, "data": labels,
                      "axisLabel": {"width": 150, "overflow": "truncate"}},
            "series": series}


def labelled(summaries) -> list[dict]:
    """``services.cycle_summaries`` with each cycle's label in the page's language."""
    for s in summaries:
        s["label"], s["data_set_label"] = _cycle_label(s["cycle"]), localized(s["cycle"].data_set)
    return summaries


def chart_size(n: int) -> str:
    return "rows-s" if n <= 2 else "rows-m" if n <= 6 else "rows-l"


# ------------------------------------------------------------------------------ /statistics/


@login_required
def cycles(request):
    """The reporting cycles with their completeness and timeliness; the office opens a new one."""
    _require_view(request)
    office = is_office(request.user)
    form = None
    if request.method == "POST":
        _require_office(request)
        form = OpenCycleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            from deltawatch.audit.context import acting_as

            with acting_as(request.user):
                cycle, made = services.open_period_cycle(data["data_set"], data["year"], data["period"] or "",
                                                         due_date=data["due_date"], user=request.user)
            messages.success(request, _("已开启报告期“%(cycle)s”（截止 %(due)s），新建 %(n)s 张填报表。")
                             % {"cycle": _cycle_label(cycle), "due": cycle.due_date.isoformat(), "n": made})
            return redirect("reporting:cycle", cycle.pk)
    elif office:
        form = OpenCycleForm(initial={"year": timezone.localdate().year - 1})
    summaries = labelled(services.cycle_summaries())
    return _render(request, "reporting/office_cycles.html", {
        "summaries": summaries, "chart": completeness_chart(summaries), "chart_size": chart_size(len(summaries)),
        "form": form, "is_office": office, "today": timezone.localdate(),
        "open_form": form is not None and form.is_bound,
    }, status=400 if form is not None and form.is_bound else 200)


# ------------------------------------------------------------------------------ /statistics/cycles/<id>/

CYCLE_COLUMNS = [  # key → heading of the table and its export
    ("region_code", pgettext_lazy("report", "区划代码")), ("region", _l("区域")), ("state", _l("状态")),
    ("submitted_at", _l("首次上报时间")), ("timeliness", _l("及时性")), ("filled", _l("已填")),
    ("expected", _l("应填")), ("errors", _l("错误")), ("warnings", _l("警告")), ("flags", _l("异常值标记")),
]


def _cycle_rows(request, cycle):
    """The cycle's forms, filtered by ``?state=`` and ``?timeliness=`` (unknown values ignored)."""
    rows = services.cycle_forms(cycle)
    states = [s for s in request.GET.getlist("state") if s in FormState.values]
    timeliness = [t for t in request.GET.getlist("timeliness") if t in Timeliness.values]
    shown = [r for r in rows if (not states or r["state"] in states) and (not timeliness or r["timeliness"] in timeliness)]
    for row in shown:
        row["region_label"] = localized(row["form"].region)
        row["state_label"] = FormState(row["state"]).label
        row["timeliness_label"] = Timeliness(row["timeliness"]).label
        row["url"] = form_url(row["form"].pk)
    return rows, shown, states, timeliness


def _export_value(row, key):
    if key == "region":
        return row["region_label"]
    if key == "state":
        return str(row["state_label"])
    if key == "timeliness":
        return str(row["timeliness_label"]) + (f"（{_('已过截止日期')}）" if row["overdue"] else "")
    if key == "submitted_at":
        return timezone.localtime(row["submitted_at"]).strftime("%Y-%m-%d %H:%M") if row["submitted_at"] else ""
    return row[key]


@login_required
def cycle(request, pk):
    """Every reporting region's form of one cycle: state, submission, timeliness, cells, checks."""
    _require_view(request)
    cycle = get_object_or_404(ReportingCycle.objects.select_related("data_set", "opened_by"), pk=pk)
    rows, shown, states, timeliness = _cycle_rows(request, cycle)
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            return HttpResponseBadRequest(_("未知的导出格式：请用 csv 或 xlsx。").encode())
        header = [str(label) for _key, label in CYCLE_COLUMNS]
        table = [[_export_value(r, key) for key, _label in CYCLE_COLUMNS] for r in shown]
        stamp = timezone.localtime().strftime("%Y%m%d")
        return table_response(header, table, fmt, f"deltawatch-cycle-{cycle.data_set.code}-{cycle.year}"
                               f"{cycle.period}-{stamp}", _("填报进度"))
    summary = services.summarise(rows)
    query = request.GET.copy()
    query.pop("format", None)
    to_urge = sum(1 for r in rows if r["state"] in (FormState.FILLING, FormState.RETURNED))
    return _render(request, "reporting/office_cycle.html", {
        "cycle": cycle, "rows": shown, "total": len(rows), "summary": summary,
        "states": [(s.value, s.label, s.value in states, summary["states"][s.value]) for s in FormState],
        "timeliness": [(t.value, t.label, t.value in timeliness, summary[t.value]) for t in Timeliness],
        "filtered": bool(states or timeliness), "query": query.urlencode(), "is_office": is_office(request.user),
        "to_urge": to_urge, "today": timezone.localdate(), "entry_available": form_url(0) is not None,
        "cycle_label": _cycle_label(cycle),
    })


@login_required
@require_POST
def urge(request, pk):
    """催报: notify the units of the forms still to be reported (once a day per form and unit)."""
    _require_view(request)
    _require_office(request)
    cycle = get_object_or_404(ReportingCycle.objects.select_related("data_set"), pk=pk)
    sent, orphans = services.urge(cycle, request.user)
    if sent:
        messages.success(request, _("已向填报单位发送 %(n)s 条催报通知。") % {"n": sent})
    else:
        messages.info(request, _("没有发出新的催报通知：今天已催报过，或没有待上报的填报表。"))
    if orphans:
        messages.warning(request, _("%(n)s 张待上报填报表的区域尚无填报单位账号，未能通知。") % {"n": orphans})
    return redirect(reverse("reporting:cycle", args=[cycle.pk]))


# ------------------------------------------------------------------------------ /statistics/review/


@login_required
def review(request):
    """The reviewer's queue: submitted forms the user may approve, oldest first."""
    _require_view(request)
    if not can_review(request.user):
        raise PermissionDenied(_("审核队列仅供审核单位（长三角办）使用。"))
    forms = (Form.objects.filter(state=FormState.SUBMITTED)
             .select_related("cycle__data_set", "region")
             .annotate(last_submit=Max("journal__at", filter=Q(journal__action=FormAction.SUBMIT))))
    today = timezone.localdate()
    items, reports = [], {}
    for form in forms:
        if not may(request.user, FormAction.APPROVE, form):
            continue
        since = form.last_submit or form.submitted_at or form.updated_at
        if form.cycle_id not in reports:
            report = services.cycle_report(form.cycle)
            reports[form.cycle_id] = report.groupby(["region_code", "severity"]).size().to_dict() \
                if not report.empty else {}
        counts = reports[form.cycle_id]
        items.append({"form": form, "since": since, "days": (today - timezone.localdate(since)).days,
                      "errors": counts.get((form.region.code, "error"), 0),
                      "warnings": counts.get((form.region.code, "warning"), 0),
                      "region": localized(form.region), "cycle_label": _cycle_label(form.cycle),
                      "url": form_url(form.pk), "late": timezone.localdate(since) > form.cycle.due_date})
    items.sort(key=lambda i: (i["since"], i["form"].pk))
    return _render(request, "reporting/office_review.html", {"items": items, "unit": user_unit(request.user),
                                                            "is_office": is_office(request.user)})


# ------------------------------------------------------------------------------ /statistics/validate/


def _report_rows(report):
    """The report's rows with the region's name, as dicts in the CLI's column order."""
    from deltawatch.regions.models import Region

    names = {r.code: localized(r) for r in Region.objects.filter(code__in=report["region_code"].unique().tolist())}
    rows = report.sort_values(["severity", "region_code", "indicator", "year", "check"]).to_dict("records")
    for row in rows:
        row["region"] = names.get(row["region_code"], "")
        row["is_outlier"] = row["check"].split(":")[0] in ("zscore", "modz", "iqr")
        row["value_text"] = number(row["value"])
    return rows


@login_required
def validate(request):
    """Validation on demand over a selection (GET: the URL is the report's), paginated; CSV of
    the whole report; the office may store the outlier rows as flags (POST)."""
    from deltawatch.methods.errors import InputError

    _require_view(request)
    office = is_office(request.user)
    params = request.GET if request.method == "GET" else request.POST
    run = "run" in params
    form = ValidateForm(params if run else None, initial={"rules": True, "methods": ["modz"]})
    context = {"form": form, "is_office": office, "ran": False}
    if request.method == "POST":
        _require_office(request)
    if run and form.is_valid():
        selection = form.selection()
        try:
            frame = services.selection_frame(**selection)
            report = services.validate(frame, rules=form.cleaned_data["rules"], outliers=form.outlier_methods())
        except InputError as error:
            context["problem"] = error.message("en" if english() else "zh")
            return _render(request, "reporting/office_validate.html", context, status=400)
        if request.method == "POST":
            made = services.store_outlier_flags(report)
            messages.success(request, _("已保存异常值标记：新增 %(n)s 条（已有的保留其核实说明）。") % {"n": made})
            return redirect(reverse("reporting:outliers") + "?verified=no")
        rows = _report_rows(report)
        if request.GET.get("format") == "csv":
            keys = [key for key, _label in REPORT_HEADER]
            return table_response(keys, [[r[k] for k in keys] for r in rows], "csv", "deltawatch-validation",
                                   "validation")
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        context.update(ran=True, page=page, values=len(frame), query=query.urlencode(),
                       errors=sum(1 for r in rows if r["severity"] == "error"),
                       warnings=sum(1 for r in rows if r["severity"] != "error"),
                       outliers=sum(1 for r in rows if r["is_outlier"]), header=REPORT_HEADER)
    elif run:
        return _render(request, "reporting/office_validate.html", context, status=400)
    return _render(request, "reporting/office_validate.html", context)


# ------------------------------------------------------------------------------ /statistics/outliers/

METHOD_LABELS = dict(OUTLIER_CHOICES) | {"modz:history": OUTLIER_CHOICES[3][1], "zscore:history": _l("z 分数（本区域历年）"),
                                         "iqr:history": _l("四分位距（本区域历年）")}


@login_required
def outliers(request):
    """The stored outlier flags, filtered by method, verified or not, region and indicator."""
    from deltawatch.indicators.models import Indicator
    from deltawatch.regions.models import Region

    _require_view(request)
    flags = OutlierFlag.objects.select_related("region", "indicator", "verified_by").order_by(
        "verified", "indicator__code", "region__code", "year", "method")
    method = request.GET.get("method", "")
    verified = request.GET.get("verified", "")
    region = request.GET.get("region", "").strip()
    indicator = request.GET.get("indicator", "").strip()
    if method:
        flags = flags.filter(method=method)
    if verified in ("yes", "no"):
        flags = flags.filter(verified=verified == "yes")
    if region:
        flags = flags.filter(Q(region__code=region) | Q(region__name_zh=region) | Q(region__name_en__iexact=region))
    if indicator:
        flags = flags.filter(indicator__code=indicator)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    for flag in page:
        flag.method_label = METHOD_LABELS.get(flag.method, flag.method)
        flag.region_label = localized(flag.region)
        flag.indicator_label = localized(flag.indicator)
        flag.value_text = number(flag.value)
    query = {k: v for k, v in (("method", method), ("verified", verified), ("region", region),
                               ("indicator", indicator)) if v}
    methods = sorted(set(OutlierFlag.objects.values_list("method", flat=True)))
    return _render(request, "reporting/office_outliers.html", {
        "page": page, "is_office": is_office(request.user), "query": urlencode(query),
        "method": method, "verified": verified, "region": region, "indicator": indicator,
        "methods": [(m, METHOD_LABELS.get(m, m)) for m in methods],
        "indicators": Indicator.objects.filter(pk__in=OutlierFlag.objects.values("indicator_id")).order_by("code"),
        "regions_known": Region.objects.filter(pk__in=OutlierFlag.objects.values("region_id")).exists(),
        "counts": {"all": OutlierFlag.objects.count(), "open": OutlierFlag.objects.filter(verified=False).count()},
    })


@login_required
@require_POST
def verify(request, pk):
    """已核实: the office marks a flag as looked at, with its note (required)."""
    _require_view(request)
    _require_office(request)
    flag = get_object_or_404(OutlierFlag, pk=pk)
    back = reverse("reporting:outliers") + ("?" + request.POST["query"] if request.POST.get("query") else "")
    try:
        services.verify_flag(flag.pk, request.user, request.POST.get("note", ""))
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect(back + f"#flag-{flag.pk}")
    messages.success(request, _("已核实：%(region)s %(indicator)s %(year)s。")
                     % {"region": localized(flag.region), "indicator": flag.indicator.code, "year": flag.year})
    return redirect(back + f"#flag-{flag.pk}")


# ------------------------------------------------------------------------------ the overview's part


def completeness_part(user) -> dict | None:
    """The context of ``reporting/_completeness.html`` for the overview: the cycles whose due
    date is not more than a year past, for the roles that read these pages; None for others."""
    import datetime as dt

    if not user.is_authenticated or not (user.is_superuser or roles_of(user) & VIEW_ROLES):
        return None
    today = timezone.localdate()
    recent = ReportingCycle.objects.select_related("data_set").filter(
        due_date__gte=today - dt.timedelta(days=365)).order_by("due_date", "data_set__code")[:6]
    summaries = labelled(services.cycle_summaries(recent))
    return {"summaries": summaries, "chart": completeness_chart(summaries), "chart_size": chart_size(len(summaries))}
