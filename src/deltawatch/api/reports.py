"""Reports (通报 and the annual evaluation report): the list each caller may read
(``reports.views.visible_reports``: the public, what is issued and made public; signed-in
users, what is issued; the office and researchers, every report) and their files through
``reports.services.render`` — a published report's HTML, PDF and Word exactly as issued."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router

from deltawatch.reports import services
from deltawatch.reports.models import Report, Status

from .auth import caller_user
from .core import READ_ERRORS, get_or_404, page
from .schemas import DEFAULT_PAGE, MAX_PAGE, ReportOut, ReportPage

router = Router(tags=["reports 通报与报告"])


def report_out(report: Report) -> dict:
    files = {f: reverse("api:get_report_file", kwargs={"report_id": report.pk, "format": f})
             for f in services.FORMATS}
    return {"id": report.pk, "kind": report.kind, "period": report.period, "language": report.language,
            "title": report.title, "status": report.status, "issue_year": report.issue_year,
            "issue_number": report.issue_number, "office": report.office, "data_version": report.data_version,
            "published_at": report.published_at, "is_public": report.is_public, "is_sample": report.is_sample,
            "files": files}


def _visible(request):
    from deltawatch.reports.views import visible_reports

    return visible_reports(caller_user(request))


@router.get("/reports", response={200: ReportPage, **READ_ERRORS}, summary="报告列表 reports")
def list_reports(request, kind: str | None = None, status: str | None = Query(
        None, description="默认只列已印发的报告；office/researcher 可查 draft、review、approved"),
                 limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)):
    reports = _visible(request).defer("content").order_by("-published_at", "-id")
    reports = reports.filter(status=status or Status.PUBLISHED)
    if kind:
        reports = reports.filter(kind=kind)
    return page(reports, limit, offset, report_out)


@router.get("/reports/{report_id}", response={200: ReportOut, **READ_ERRORS}, summary="一份报告 a report")
def get_report(request, report_id: int):
    return report_out(get_or_404(_visible(request).defer("content"), pk=report_id))


@router.get("/reports/{report_id}/file.{format}", url_name="get_report_file",
            response=READ_ERRORS, summary="报告文件 the report as HTML, PDF or Word",
            openapi_extra={"responses": {"200": {"description": "the file", "content": {
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                    "schema": {"type": "string", "format": "binary"}}}}}})
def get_report_file(request, report_id: int, format: str):
    from django.http import Http404

    report = get_or_404(_visible(request), pk=report_id)
    if format not in services.FORMATS:
        raise Http404
    data = services.render(report, format, public=not caller_user(request).is_authenticated)
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[format])
    name = f"deltawatch-{report.kind}-{report.period}-{report.pk}.{format}"
    response["Content-Disposition"] = f'{"inline" if format == "html" else "attachment"}; filename="{name}"'
    return response
