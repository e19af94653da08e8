"""Progress assessments (target × region statuses) and the status-change log: public, as on
/progress/."""

from __future__ import annotations

from ninja import Query, Router

from deltawatch.progress.models import ProgressAssessment, StatusChange

from deltawatch.accounts.scoping import restrict

from .auth import caller_user
from .core import READ_ERRORS, page, scoped, versioned
from .schemas import DEFAULT_PAGE, MAX_PAGE, AssessmentPage, StatusChangePage

router = Router(tags=["progress 目标进展"])
Limit = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE)
Offset = Query(0, ge=0)
SUBJECT = ("indicator", "region", "group")


def _code(obj, name):
    related = getattr(obj, name)
    return related.code if related is not None else None


def assessment_out(a: ProgressAssessment) -> dict:
    return {"id": a.pk, "method": a.method, "key": a.key, "target": a.target_id, "indicator": a.indicator.code,
            "region": _code(a, "region"), "group": _code(a, "group"), "target_year": a.target_year,
            "comparator": a.comparator, "target_value": a.target_value, "base_year": a.base_year,
            "base_value": a.base_value, "latest_year": a.latest_year, "latest_value": a.latest_value,
            "projected_value": a.projected_value, "ratio": a.ratio, "cagr_observed": a.cagr_observed,
            "cagr_required": a.cagr_required, "status": a.status, "status_label": str(a.get_status_display()),
            "score": a.score, "note": a.note, "run": a.run_id}


def change_out(c: StatusChange) -> dict:
    return {"id": c.pk, "method": c.method, "key": c.key, "indicator": c.indicator.code, "region": _code(c, "region"),
            "group": _code(c, "group"), "old_status": c.old_status, "new_status": c.new_status,
            "old_ratio": c.old_ratio, "new_ratio": c.new_ratio, "changed_at": c.changed_at, "run": c.run_id}


def _filtered(rows, method, indicator, region):
    if method:
        rows = rows.filter(method=method)
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    if region:
        rows = rows.filter(region__code=region)
    return rows


@router.get("/progress/assessments", response={200: AssessmentPage, **READ_ERRORS},
            summary="目标进展评估 progress assessments")
@versioned
def list_assessments(request, method: str | None = None, status: str | None = None, indicator: str | None = None,
                     region: str | None = None, limit: int = Limit, offset: int = Offset):
    rows = scoped(request, ProgressAssessment.objects.select_related(*SUBJECT)).order_by("id")
    rows = _filtered(rows, method, indicator, region)
    if status:
        rows = rows.filter(status=status)
    return page(rows, limit, offset, assessment_out)


@router.get("/progress/changes", response={200: StatusChangePage, **READ_ERRORS},
            summary="状态变化记录 the status-change log")
@versioned
def list_changes(request, method: str | None = None, indicator: str | None = None, region: str | None = None,
                 limit: int = Limit, offset: int = Offset):
    # As /progress/changes/ reads it: restrict() (the log has no public rule: the public gets
    # an empty log there, and here).
    rows = restrict(StatusChange.objects.select_related(*SUBJECT), caller_user(request), "view")
    rows = rows.order_by("-changed_at", "-id")
    return page(_filtered(rows, method, indicator, region), limit, offset, change_out)
