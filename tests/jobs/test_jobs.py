"""The job queue: enqueue, claim the oldest queued job once, run its handler, store the result
or a worded failure; the interrupted-job sweep; ``deltawatch jobs run --once``.

Jobs run synchronously here by calling ``run_next()``: no worker thread, no sleeps."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from deltawatch.cli import main
from deltawatch.jobs import handlers
from deltawatch.jobs.choices import JobStatus
from deltawatch.jobs.models import Job
from deltawatch.jobs.services import JobError, enqueue, fail_interrupted, jobs_for, run_next, run_worker
from deltawatch.methods.errors import InputError
from deltawatch.methods.index import IndexSpecError

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """Test handlers registered for this test only: 'test.ok' records its parameters and
    reports progress; 'test.fails' raises what the parameters say."""
    seen = []

    def ok(parameters, user, report):
        report(40, "half way")
        seen.append((parameters, user, Job.objects.get(status=JobStatus.RUNNING).progress))
        return f"/done/{parameters['n']}/"

    def fails(parameters, user, report):
        errors = {"worded": JobError("所选年份没有数据。"), "bug": ZeroDivisionError("secret internals"),
                  "spec": IndexSpecError("no_units_left", threshold=0.8), "input": InputError("too few units")}
        raise errors[parameters["error"]]

    monkeypatch.setitem(handlers.HANDLERS, "test.ok", ok)
    monkeypatch.setitem(handlers.HANDLERS, "test.fails", fails)
    return seen


@pytest.fixture
def user():
    return get_user_model().objects.create_user("job_owner", password="x" * 12)


def test_a_queued_job_runs_once_and_stores_where_its_result_is(calls, user):
    job = enqueue("test.ok", {"n": 1}, user)
    assert (job.status, job.progress, job.started_at) == (JobStatus.QUEUED, 0, None)
    done = run_next()
    assert done.pk == job.pk and done.status == JobStatus.DONE and done.progress == 100
    assert done.result_url == "/done/1/" and done.error == ""
    assert done.started_at is not None and done.finished_at >= done.started_at
    assert calls == [({"n": 1}, user, 40)]  # the handler saw its parameters, its user, its progress
    assert run_next() is None  # nothing left: the job is not run twice
    assert len(calls) == 1


def test_the_oldest_queued_job_is_claimed_first(calls, user):
    later = enqueue("test.ok", {"n": 2}, user)
    earlier = enqueue("test.ok", {"n": 1}, user)
    Job.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert run_next().pk == earlier.pk
    assert run_next().pk == later.pk


def test_a_job_another_worker_claimed_is_not_taken_again(calls, user):
    job = enqueue("test.ok", {"n": 1}, user)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())  # another worker's
    assert run_next() is None and calls == []


@pytest.mark.parametrize("error, expected, hidden", [
    ("worded", "所选年份没有数据。", None),
    ("spec", "筛选后没有剩余单元", None),
    ("input", "数据不适合该计算：too few units", None),
    ("bug", "程序错误", "secret internals"),
])
def test_a_failed_job_says_why_and_how_to_retry(calls, user, error, expected, hidden):
    enqueue("test.fails", {"error": error, "lang": "zh-hans"}, user)
    job = run_next()
    assert job.status == JobStatus.FAILED and job.finished_at is not None and job.result_url == ""
    assert expected in job.error
    assert "重新提交" in job.error  # how to retry
    if hidden:
        assert hidden not in job.error  # a bug's internals go to the log, not to the user


def test_a_failure_is_worded_in_the_language_the_job_was_asked_in(calls, user):
    enqueue("test.fails", {"error": "spec", "lang": "en"}, user)
    job = run_next()
    assert "No unit is left after screening" in job.error and "筛选" not in job.error


def test_an_unknown_kind_is_refused_when_queued(user):
    with pytest.raises(ValueError, match="no job handler"):
        enqueue("nothing.here", {}, user)


def test_jobs_left_running_by_a_stopped_worker_are_marked_failed(calls, user):
    stale = enqueue("test.ok", {"n": 1}, user)
    fresh = enqueue("test.ok", {"n": 2}, user)
    Job.objects.filter(pk=stale.pk).update(status=JobStatus.RUNNING, started_at=timezone.now() - timedelta(hours=2))
    Job.objects.filter(pk=fresh.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    assert fail_interrupted() == 1
    stale.refresh_from_db(), fresh.refresh_from_db()
    assert stale.status == JobStatus.FAILED and "重新提交" in stale.error
    assert fresh.status == JobStatus.RUNNING


def test_a_user_follows_only_their_own_jobs(calls, user):
    other = get_user_model().objects.create_user("someone_else", password="x" * 12)
    mine, theirs = enqueue("test.ok", {"n": 1}, user), enqueue("test.ok", {"n": 2}, other)
    assert list(jobs_for(user)) == [mine]
    assert not jobs_for(AnonymousUser()).exists()
    admin = get_user_model().objects.create_superuser("job_admin", password="x" * 12)
    assert set(jobs_for(admin)) == {mine, theirs}


def test_the_worker_runs_the_queue_once_and_stops(calls, user):
    for n in range(3):
        enqueue("test.ok", {"n": n}, user)
    assert run_worker(once=True) == 3
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}


def test_the_jobs_run_command_runs_the_queue_for_cron(calls, user, capsys):
    enqueue("test.ok", {"n": 1}, user)
    enqueue("test.fails", {"error": "worded"}, user)
    assert main(["jobs", "run", "--once"]) == 0
    assert "已运行 2 个后台任务（完成 1，失败 1）" in capsys.readouterr().err
    assert sorted(Job.objects.values_list("status", flat=True)) == [JobStatus.DONE, JobStatus.FAILED]


def test_the_index_handlers_are_registered_by_reference():
    assert handlers.HANDLERS["index.build"] is handlers.index_build
    assert handlers.HANDLERS["index.uncertainty"] is handlers.index_uncertainty
    assert handlers.HANDLERS["index.sensitivity"] is handlers.index_sensitivity


def test_an_idle_worker_lets_each_schedule_queue_its_job(monkeypatch, calls, user):
    """A schedule (handlers.SCHEDULES) queues its job when the worker is idle; the worker then
    runs it. The schedule stops the worker once its job exists, so no sleep is involved."""
    stop = threading.Event()

    def schedule():
        if Job.objects.exists():
            stop.set()
        else:
            enqueue("test.ok", {"n": 7}, user)

    monkeypatch.setattr(handlers, "SCHEDULES", [schedule])
    assert run_worker(poll_seconds=0, stop=stop) == 1
    assert list(Job.objects.values_list("status", "result_url")) == [(JobStatus.DONE, "/done/7/")]
