"""``deltawatch jobs run [--once]``: run the queued background jobs (for cron, or a second
process beside ``deltawatch serve``, whose own worker thread runs them too).

    deltawatch jobs run --once     run every queued job, then stop (cron: */1 * * * *)
    deltawatch jobs run            keep running, looking at the queue every 2 s
"""

from __future__ import annotations

import sys

from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

MESSAGES = {
    "ran": gettext_noop("已运行 {n} 个后台任务（完成 {done}，失败 {failed}）"),
    "waiting": gettext_noop("正在等待后台任务（每 {seconds:g} 秒查看一次队列；按 Ctrl+C 停止）"),
}


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


def cmd_run(args) -> int:
    from django.db.models import Count, Q
    from django.utils import timezone

    from .choices import JobStatus
    from .models import Job
    from .services import POLL_SECONDS, run_worker

    started = timezone.now()
    if not args.once:
        print(say("waiting", args.lang, seconds=POLL_SECONDS), file=sys.stderr, flush=True)
    try:
        run_worker(once=args.once)
    except KeyboardInterrupt:  # Ctrl+C is how the message says to stop
        pass
    counts = Job.objects.filter(finished_at__gte=started).aggregate(
        n=Count("id"), done=Count("id", filter=Q(status=JobStatus.DONE)),
        failed=Count("id", filter=Q(status=JobStatus.FAILED)))
    print(say("ran", args.lang, **counts), file=sys.stderr)
    return 0  # a failed job is the asker's to see on its page, not the operator's cron mail


def add_parsers(commands) -> None:
    jobs = commands.add_parser("jobs", help="后台任务 / background jobs")
    sub = jobs.add_subparsers(dest="jobs_command", required=True)
    run = sub.add_parser("run", help="运行排队中的后台任务 / run the queued background jobs")
    run.add_argument("--once", action="store_true", help="运行完队列中的任务即退出 (供 cron 使用) / run the queue once, then stop")
    run.set_defaults(handler=cmd_run, long_running=True)
