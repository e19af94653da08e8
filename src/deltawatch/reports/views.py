"""The reports' pages: the list (with a new report for the office), a report with its workflow,
the office's text per section, its files, and the public view of what the office made public.

Who sees what: the office and researchers every report; other signed-in users the published
ones; the public those the office has made public. Only the office (长三角办 with the reports'
change permission) or an administrator makes, moves and edits reports.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST

from deltawatch.accounts.roles import office_may
from deltawatch.audit.context import acting_as

from . import services
from .models import Report, ReportKind, Status
from .periods import Period, PeriodError

EVENTS = {"create": _l("生成草稿"), "regenerate": _l("重新生成"), "text": _l("编者文字"), "submit": _l("提交审核"),
          "return": _l("退回修改"), "approve": _l("审定"), "publish": _l("印发"), "public": _l("公开"),
          "unpublic": _l("撤下公开")}
ACTIONS = {  # workflow action → button label, shown in the states it starts from
    "submit": _l("提交审核"), "return": _l("退回修改"), "approve": _l("审定"), "publish": _l("印发"),
}


def is_office(user) -> bool:
    return office_may(user, "reports.change_report")


def reads_all(user) -> bool:
    return user.is_authenticated and (is_office(user) or user.has_perm("reports.view_report"))


def visible_reports(user):
    reports = Report.objects.all()
    if reads_all(user):
        return reports
    published = reports.filter(status=Status.PUBLISHED)
    return published if user.is_authenticated else published.filter(is_public=True)


class NewReportForm(forms.Form):
    kind = forms.ChoiceField(label=_l("报告类型"), choices=ReportKind.choices)
    period = forms.CharField(label=_l("期间"), max_length=10, help_text=_l("年份 2026、季度 2026Q3 或月份 2026-11"))
    language = forms.ChoiceField(label=_l("语言"), choices=[("zh-hans", "中文"), ("en", "English")])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "new-%s")
        super().__init__(*args, **kwargs)

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None


class TextForm(forms.Form):
    section = forms.CharField(max_length=80, widget=forms.HiddenInput)
    above = forms.CharField(label=_l("节前文字"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    below = forms.CharField(label=_l("节后文字"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))


def _require_office(request, back: str):
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not is_office(request.user):
        raise PermissionDenied(_("只有长三角办可以起草、审核和印发报告。"))
    return None


def _list_context(request, form=None) -> dict:
    reports = visible_reports(request.user).order_by("-period", "kind", "-id")
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    reports = list(reports)
    for report in reports:
        report.issue = services.issue_label(report)
    office = is_office(request.user)
    return {"reports": reports, "kinds": ReportKind.choices, "kind": kind, "is_office": office,
            "reads_all": reads_all(request.user),
            "form": form or (NewReportForm(initial={"period": Period.containing(_today(), "month").previous().code()})
                             if office else None)}


def _today():
    from django.utils import timezone

    return timezone.localdate()


@require_GET
def report_list(request):
    return render(request, "reports/list.html", _list_context(request))


@require_POST
def report_create(request):
    refused = _require_office(request, reverse("reports:list"))
    if refused:
        return refused
    form = NewReportForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/list.html", _list_context(request, form), status=400)
    data = form.cleaned_data
    with acting_as(request.user):
        report = services.create(data["kind"], data["period"], language=data["language"], user=request.user)
    messages.success(request, _("已生成草稿：%(title)s。可以在各节前后写入文字，然后提交审核。") % {"title": report.title})
    return redirect("reports:detail", pk=report.pk)


def _report_for(request, pk: int) -> Report:
    report = visible_reports(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("没有这份报告，或您无权查看。"))
    return report


def rendered_content(report: Report, public: bool) -> dict:
    """The report's content as HTML (charts drawn on the server: seconds for the annual report),
    its contents list and its sections — kept in the cache until the report changes."""
    from django.core.cache import cache
    from django.template.loader import render_to_string

    from . import render as renderer

    key = f"dw:report:{report.pk}:{report.updated_at.timestamp()}:{public}:{report.language}"
    found = cache.get(key)
    if found is None:
        prepared = renderer.content_context(services.render_context(report, public=public))
        found = {"html": render_to_string("reports/_content.html", prepared), "toc": prepared["toc"],
                 "sections": [(s["code"], s["number"], s["title"]) for s in prepared["items"]]}
        cache.set(key, found, 24 * 3600)
    return found


def _detail_context(request, report: Report, text_form=None) -> dict:
    office = is_office(request.user)
    rendered = rendered_content(report, public=not request.user.is_authenticated)
    editable = office and report.status in (Status.DRAFT, Status.REVIEW)
    return {
        "report": report, "rendered": rendered, "issue": services.issue_label(report), "is_office": office,
        "editable": editable, "sources": report.content.get("sources") or {},
        "actions": [(name, label) for name, label in ACTIONS.items()
                    if office and report.status in services.MOVES[name][0]],
        "events": [{"event": e, "label": EVENTS.get(e.action, e.action),
                    "to": Status(e.to_status).label if e.to_status in Status.values else ""}
                   for e in report.events.select_related("actor")] if reads_all(request.user) else [],
        "can_check": reads_all(request.user) and report.is_frozen,
        "sections": [(code, number, title, (report.texts or {}).get(code, {}))
                     for code, number, title in rendered["sections"]] if editable else [],
        "text_form": text_form, "status_label": Status(report.status).label, "written": len(report.texts or {}),
        "kind_label": ReportKind(report.kind).label,
    }


@require_GET
def report_detail(request, pk: int):
    report = _report_for(request, pk)
    return render(request, "reports/report.html", _detail_context(request, report))


@require_GET
def report_download(request, pk: int, format: str):
    report = _report_for(request, pk)
    try:
        data = services.render(report, format, public=not request.user.is_authenticated)
    except services.ReportError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[format])
    name = f"deltawatch-{report.kind}-{report.period}-{report.pk}.{format}"
    disposition = "inline" if format == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def _back(report: Report, anchor: str = "") -> str:
    return reverse("reports:detail", args=[report.pk]) + anchor


@require_POST
def report_move(request, pk: int, action: str):
    report = get_object_or_404(Report, pk=pk)
    refused = _require_office(request, _back(report))
    if refused:
        return refused
    try:
        with acting_as(request.user):
            if action == "regenerate":
                services.regenerate(report, request.user)
                messages.success(request, _("已按当前数据重新生成。"))
            elif action in ("public", "unpublic"):
                services.set_public(report, action == "public", request.user)
                messages.success(request, _("已在公众页面公开。") if action == "public" else _("已从公众页面撤下。"))
            else:
                report = services.move(report, action, request.user, request.POST.get("comment", ""))
                messages.success(request, _("报告现为“%(status)s”。") % {"status": Status(report.status).label})
    except services.ReportError as error:
        messages.error(request, str(error))
    return redirect(_back(report))


@require_POST
def report_text(request, pk: int):
    """The office's text above and below one section; refused on an approved or published report,
    the typed text kept on the page with the reason."""
    report = get_object_or_404(Report, pk=pk)
    refused = _require_office(request, _back(report))
    if refused:
        return refused
    form = TextForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with acting_as(request.user):
                services.set_text(report, data["section"], above=data["above"], below=data["below"], user=request.user)
        except services.ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存编者文字。"))
            return redirect(_back(report, "#text-" + data["section"]))
    return render(request, "reports/report.html", _detail_context(request, report, text_form=form), status=400)


@require_POST
def report_check(request, pk: int):
    """Regenerate from the recorded period and day and compare with the content as issued."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("reports:detail", args=[pk]))
    report = _report_for(request, pk)
    if not reads_all(request.user):
        raise PermissionDenied(_("只有长三角办和研究人员可以核对报告。"))
    same, digest = services.check_regenerated(report)
    if same:
        messages.success(request, _("重新生成的内容与报告一致（SHA-256 %(digest)s…）。") % {"digest": digest[:16]})
    else:
        messages.warning(request, _("重新生成的内容与报告不同：数据或计算已变化（现为 %(digest)s…）。") % {"digest": digest[:16]})
    return redirect(_back(report))


@require_GET
def content_css(request):
    """The report content's style sheet — the one the documents inline — for the application's
    page (the site's Content-Security-Policy allows no inline style)."""
    from django.template.loader import render_to_string

    response = HttpResponse(render_to_string("reports/_content.css"), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
