"""Index specs and runs: the runs' scores and rank intervals (the public: published runs only,
as on /indices/); start a build or an analysis — the same background job the page queues
(``jobs.services.enqueue`` with the index job kinds), checked by the page's form — and poll it."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from deltawatch.indices.models import IndexRankInterval, IndexRun, IndexScore
from deltawatch.jobs.models import Job
from deltawatch.jobs.services import enqueue, jobs_for

from .auth import require_login
from .core import ERRORS, READ_ERRORS, get_or_404, page, scoped, versioned
from .schemas import (DEFAULT_PAGE, MAX_PAGE, IntervalPage, JobOut, RunDetail, RunPage, ScorePage, SpecOut,
                      StartRun)

router = Router(tags=["indices 评价指数"])
Limit = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE)
Offset = Query(0, ge=0)
RUN_FIELDS = ("id", "kind", "name", "spec_digest", "data_hash", "data_source", "data_vintage", "years", "target",
              "runs", "seed", "started_at", "is_published")


def run_out(run: IndexRun, detail: bool = False) -> dict:
    out = {name: getattr(run, name) for name in RUN_FIELDS}
    out["years"] = [int(y) for y in run.years or []]
    if detail:
        out.update(spec=run.spec, summary=run.summary)
    return out


def job_out(job: Job) -> dict:
    return {"id": job.pk, "kind": job.kind, "status": job.status, "progress": job.progress, "message": job.message,
            "error": job.error, "result_url": job.result_url, "parameters": job.parameters,
            "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at}


@router.get("/indices/specs", response={200: list[SpecOut], **READ_ERRORS}, summary="内置指数定义 shipped specs")
@versioned
def list_specs(request):
    from deltawatch.indices.commands import packaged_specs
    from deltawatch.indices.views import shipped_spec, spec_title, years_with_data

    out = []
    for name in packaged_specs():
        spec = shipped_spec(name)
        out.append({"name": name, "title": spec_title(spec), "digest": spec.digest(),
                    "years_with_data": years_with_data(spec)})
    return out


@router.get("/indices/runs", response={200: RunPage, **READ_ERRORS}, summary="指数运行 index runs")
@versioned
def list_runs(request, kind: str | None = None, limit: int = Limit, offset: int = Offset):
    runs = scoped(request, IndexRun.objects.all()).order_by("-started_at", "-id")
    if kind:
        runs = runs.filter(kind=kind)
    return page(runs.only(*RUN_FIELDS), limit, offset, run_out)


@router.get("/indices/runs/{run_id}", response={200: RunDetail, **READ_ERRORS}, summary="一次运行 a run")
@versioned
def get_run(request, run_id: int):
    return run_out(get_or_404(scoped(request, IndexRun.objects.all()), pk=run_id), detail=True)


@router.get("/indices/runs/{run_id}/scores", response={200: ScorePage, **READ_ERRORS},
            summary="得分与排名 scores and ranks")
@versioned
def list_scores(request, run_id: int, node: str | None = None, year: int | None = None, limit: int = Limit,
                offset: int = Offset):
    run = get_or_404(scoped(request, IndexRun.objects.all()), pk=run_id)
    scores = scoped(request, IndexScore.objects.filter(run=run).select_related("region")).order_by(
        "node", "year", "rank", "unit_code", "id")
    if node:
        scores = scores.filter(node=node)
    if year is not None:
        scores = scores.filter(year=year)
    return page(scores, limit, offset, lambda s: {
        "unit_code": s.unit_code, "region": s.region.code if s.region_id else None, "year": s.year, "node": s.node,
        "level": s.level, "score": s.score, "rank": s.rank})


@router.get("/indices/runs/{run_id}/intervals", response={200: IntervalPage, **READ_ERRORS},
            summary="排名区间 rank intervals (5–95 %)")
@versioned
def list_intervals(request, run_id: int, limit: int = Limit, offset: int = Offset):
    run = get_or_404(scoped(request, IndexRun.objects.all()), pk=run_id)
    rows = scoped(request, IndexRankInterval.objects.filter(run=run).select_related("region")).order_by(
        "nominal_rank", "unit_code", "id")
    return page(rows, limit, offset, lambda r: {
        "unit_code": r.unit_code, "region": r.region.code if r.region_id else None, "nominal_rank": r.nominal_rank,
        "mean_rank": r.mean_rank, "median_rank": r.median_rank, "q05_rank": r.q05_rank, "q95_rank": r.q95_rank})


@router.post("/indices/runs", response={202: JobOut, **ERRORS}, summary="开始构建或分析 start a build or an analysis")
def start_run(request, payload: StartRun):
    """Queue the job the index page's form queues, after the same checks (spec, years with data,
    number of runs); poll ``GET /jobs/{id}``."""
    from deltawatch.indices.views import can_run, start_form

    user = require_login(request)
    if not can_run(user):
        raise HttpError(403, _("您的角色无权运行评价指数。"))
    data = {"kind": payload.kind, "spec": payload.spec, "years": payload.years, "seed": str(payload.seed)}
    if payload.runs is not None:
        data["runs"] = str(payload.runs)
    form = start_form(user, None, data=data)
    if not form.is_valid():
        errors = [{"location": f"body.{field}", "type": "invalid", "message": str(message)}
                  for field, messages in form.errors.items() for message in messages]
        return Status(422, {"detail": errors[0]["message"] if errors else _("请求有误。"), "errors": errors})
    kind, parameters = form.job()
    job = enqueue(kind, {**parameters, "lang": get_language() or "zh-hans"}, user)
    return Status(202, job_out(job))


@router.get("/jobs/{job_id}", response={200: JobOut, **READ_ERRORS}, summary="后台任务进度 a job's progress")
def get_job(request, job_id: int):
    """A job the caller queued (administrators: any); jobs are private."""
    user = require_login(request)
    return job_out(get_or_404(jobs_for(user), pk=job_id))
