"""The job queue: enqueue work, claim and run it outside the request, report its progress.

The database is the queue (ARCHITECTURE: "Jobs that outlast a request run outside the request
thread with the database as their queue; the embedded default needs no extra server"). A page
calls :func:`enqueue` and answers at once; a worker — the thread :func:`start_worker_thread`
starts inside ``deltawatch serve``, or ``deltawatch jobs run`` from cron — calls
:func:`run_next`, which claims the oldest queued job so that no other worker can take it, runs
the handler registered for its kind (``handlers.HANDLERS``, kind → function, by reference) and
stores where the result is, or why it failed, worded for the user with how to retry.

Why not Celery, Huey or django-q: each needs a broker or a second process to be running; the
jobs here last seconds and are few, and the embedded default must run with nothing else
installed. The claim is the one part that needs care (two workers, one job): it is written for
both databases below.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .choices import JobStatus
from .models import Job

__all__ = ["JobError", "enqueue", "run_next", "run_worker", "start_worker_thread", "fail_interrupted",
           "jobs_for", "handler_for", "POLL_SECONDS", "STALE_AFTER"]

logger = logging.getLogger(__name__)

POLL_SECONDS = 2.0  # how often an idle worker looks at the queue (enqueue wakes the in-process one at once)
STALE_AFTER = timedelta(minutes=30)  # a job "running" this long had its worker stopped under it


class JobError(Exception):
    """A failure the handler has worded for the user (what was wrong, what to do)."""


def handler_for(kind: str):
    """The function registered for ``kind`` (``handlers.HANDLERS``), or None."""
    from .handlers import HANDLERS

    return HANDLERS.get(kind)


def enqueue_once_a_day(kind: str, now=None) -> Job | None:
    """Queue a job of ``kind`` unless one was queued today already — a daily sweep's schedule
    (the idle worker calls it often; cron or a timer may too)."""
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    if Job.objects.filter(kind=kind, created_at__gte=start).exists():
        return None
    return enqueue(kind, {"date": str(timezone.localdate(now))})


def enqueue(kind: str, parameters: dict, user=None) -> Job:
    """Queue a job of a registered ``kind`` and return it; the in-process worker is woken once
    the transaction that queued it commits."""
    if handler_for(kind) is None:
        raise ValueError(f"no job handler is registered for {kind!r}")
    job = Job.objects.create(kind=kind, parameters=parameters,
                             created_by=user if user is not None and user.is_authenticated else None)
    transaction.on_commit(_wake.set)
    return job


def jobs_for(user):
    """The jobs ``user`` may follow: their own (a system administrator's: all); none for the
    public. Jobs carry the parameters of someone's unpublished work, so they are private."""
    if not user.is_authenticated:
        return Job.objects.none()
    if user.is_superuser:
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


# ------------------------------------------------------------------------------ claiming


def _claim() -> Job | None:
    """Mark the oldest queued job running and return it; None when the queue is empty.

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` — a second worker skips the row the first
    has locked instead of waiting for it. SQLite has no row locks (a write locks the whole
    file): ``UPDATE … WHERE id = ? AND status = 'queued'`` and the row count tell whether this
    worker won the job; a worker that lost tries the next one.
    """
    now = timezone.now()
    queued = Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            job = queued.select_for_update(skip_locked=True).first()
            if job is None:
                return None
            Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=now, progress=0)
            pk = job.pk
    else:
        while True:
            pk = queued.values_list("pk", flat=True).first()
            if pk is None:
                return None
            if Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
                    status=JobStatus.RUNNING, started_at=now, progress=0) == 1:
                break
    return Job.objects.get(pk=pk)


def _reporter(job: Job):
    """``report(progress, message)`` for a handler: the job's row shows how far it is."""
    def report(progress: int, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(progress))), message=message[:300])
    return report


# ------------------------------------------------------------------------------ running


def _users_to_fix(error: Exception) -> bool:
    """A worded failure (``JobError``), a spec the index engine refuses (``IndexSpecError``) or
    data the methods cannot compute on (``InputError``): the user's to fix, not a bug."""
    from deltawatch.methods.errors import InputError
    from deltawatch.methods.index import IndexSpecError

    return isinstance(error, (JobError, IndexSpecError, InputError))


def _worded(error: Exception) -> str:
    """Why a job failed, in words for the user, with what to do next: the message of an error
    that is the user's to fix (:func:`_users_to_fix`); for anything else — a bug — that it is
    one (the details go to the log)."""
    from deltawatch.methods.errors import InputError
    from deltawatch.methods.index import IndexSpecError

    retry = _("请检查参数后在原页面重新提交；如再次失败，请联系系统管理员。")
    if isinstance(error, JobError):
        return f"{error} {retry}"
    if isinstance(error, IndexSpecError):
        lang = "en" if translation.get_language() == "en" else "zh"
        return f"{error.message(lang)} {retry}"
    if isinstance(error, InputError):
        return _("数据不适合该计算：%(reason)s") % {"reason": error.message(None)} + " " + retry
    return _("任务因程序错误而中断（%(kind)s）。系统管理员可在日志中查看详情；请稍后重新提交。") % {
        "kind": type(error).__name__}


def _language(job: Job) -> str:
    return job.parameters.get("lang") or "zh-hans"


def run_next() -> Job | None:
    """Claim the oldest queued job and run it to the end in this thread; return it (done or
    failed), or None when nothing was queued."""
    job = _claim()
    if job is None:
        return None
    handler = handler_for(job.kind)
    with translation.override(_language(job)):
        try:
            if handler is None:
                raise JobError(_("未知的任务类型：%(kind)s。") % {"kind": job.kind})
            result_url = handler(job.parameters, job.created_by, _reporter(job))
        except Exception as error:  # noqa: BLE001 — every failure is stored on the job, a bug logged in full
            if not _users_to_fix(error):
                logger.exception("job %s (%s) failed", job.pk, job.kind)
            Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=_worded(error),
                                                 finished_at=timezone.now())
        else:
            Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=100, result_url=result_url or "",
                                                 message=_("已完成"), finished_at=timezone.now())
    job.refresh_from_db()
    return job


def fail_interrupted(now=None) -> int:
    """Mark failed the jobs left ``running`` longer than :data:`STALE_AFTER` — their worker
    was stopped under them (a restart) — so that nobody waits for them; returns how many."""
    now = now or timezone.now()
    with translation.override("zh-hans"):
        text = _("任务在运行中被中断（服务重启）。请重新提交。")
    return Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=JobStatus.FAILED, error=text, finished_at=now)


def run_worker(once: bool = False, poll_seconds: float = POLL_SECONDS, stop: threading.Event | None = None) -> int:
    """Run queued jobs: until the queue is empty (``once``), or forever, looking again every
    ``poll_seconds`` when idle (or as soon as :func:`enqueue` in this process wakes it).
    Returns the number of jobs run."""
    fail_interrupted()
    count = 0
    while stop is None or not stop.is_set():
        try:
            job = run_next()
        except Exception:  # noqa: BLE001 — a database hiccup must not end the server's worker
            logger.exception("the job worker could not claim a job")
            job = None
        finally:
            # A long-lived worker drops broken or aged connections between jobs; inside a
            # transaction (a caller's, or a test's) the connection is the caller's to keep.
            if not connection.in_atomic_block:
                close_old_connections()
        if job is not None:
            count += 1
            continue
        if once:
            break
        _queue_scheduled()
        _wake.wait(poll_seconds)
        _wake.clear()
    return count


def _queue_scheduled() -> None:
    """Let every registered schedule (``handlers.SCHEDULES``) queue its job if it is due."""
    from .handlers import SCHEDULES

    for schedule in SCHEDULES:
        try:
            schedule()
        except Exception:  # noqa: BLE001 — a failing schedule must not stop the worker
            logger.exception("the schedule %s failed", getattr(schedule, "__name__", schedule))


_wake = threading.Event()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


def start_worker_thread(poll_seconds: float = POLL_SECONDS) -> threading.Thread:
    """Start the job worker in a daemon thread of this process (once; a second call returns
    the running thread). ``deltawatch serve`` calls it after Django is set up."""
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=run_worker, kwargs={"poll_seconds": poll_seconds},
                                       name="deltawatch-jobs", daemon=True)
            _worker.start()
    return _worker
