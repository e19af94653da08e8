"""``deltawatch init``, ``serve`` and ``manage``: the database, the server, Django's commands."""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from deltawatch.core.commandline import acting_user
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

MESSAGES = {
    "database": gettext_noop("数据库：{db}"),
    "admin_created": gettext_noop("已创建管理员账号 admin，初始密码：{password}（仅显示这一次，不保存在任何文件中；请记下并在登录后修改）"),
    "admin_created_given": gettext_noop("已创建管理员账号 admin，密码为 DELTAWATCH_ADMIN_PASSWORD 所设"),
    "sample_accounts": gettext_noop("已创建示例账号（每个角色一个，仅供演示；密码仅显示这一次）："),
    "not_initialised": gettext_noop("数据库尚未初始化，请先运行 deltawatch init"),
    "needs_proxy": gettext_noop("生产模式（DELTAWATCH_PRODUCTION=1）只通过 HTTPS 提供服务，而 deltawatch serve 本身不提供 HTTPS：请在终止 TLS "
                                "的反向代理之后运行，并将 DELTAWATCH_TRUSTED_PROXY 设为该代理的地址（如 127.0.0.1）。"),
    "debug_on": gettext_noop("注意：调试模式已开启（DELTAWATCH_DEBUG=1），出错页面会显示代码和设置，切勿对外提供服务。"),
    "cannot_listen": gettext_noop("无法在 {host}:{port} 监听（{reason}）：请用 --port 换一个端口，或先停止占用它的程序。"),
    "serving": gettext_noop("DeltaWatch 已启动：http://{host}:{port}/ （管理后台 /admin/，按 Ctrl+C 停止）"),
}


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


def cmd_init(args) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from deltawatch.audit.context import acting_as
    from deltawatch.defaults.loader import load_default

    print(say("database", args.lang, db=settings.DATABASES["default"]["NAME"]))
    _read_secret_key()
    call_command("migrate", interactive=False, verbosity=0)
    system = acting_user("deltawatch")
    with acting_as(system):
        load_default(system, with_observations=not args.no_data)
    _create_first_administrator(args.lang)
    _create_sample_accounts(args.lang)
    with acting_as(system):  # the task ledger: seed 001's plan and a demonstration (示例) task list
        from deltawatch.plans.defaults import load_plans_default

        load_plans_default(system)
    with acting_as(system):  # the statistics workflow: a demonstration (示例) reporting cycle
        from deltawatch.reporting.defaults import load_reporting_default

        load_reporting_default(system)
    with acting_as(system):  # performance assessment: a demonstration (示例) scheme for the 41 cities
        from deltawatch.assessment.defaults import load_assessment_default

        load_assessment_default(system)
    with acting_as(system):  # bulletins and the annual report (示例), from the data above
        from deltawatch.reports.defaults import load_reports_default

        load_reports_default(system)
    with acting_as(system):  # document intake: Jiangsu's implementation plan read into drafts to review
        from deltawatch.intake.defaults import load_intake_default

        load_intake_default(system)
    return 0


def _create_sample_accounts(lang: str) -> None:
    """The role groups, and one sample (示例) account per role with its organisation; the
    passwords of the accounts made now are printed this once, like the administrator's."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from deltawatch.accounts.choices import Role
    from deltawatch.accounts.roles import ensure_roles
    from deltawatch.accounts.services import create_sample_accounts

    ensure_roles()
    admins = Group.objects.get(name=Role.ADMIN.value)
    for user in get_user_model().objects.filter(is_superuser=True).exclude(groups=admins):
        user.groups.add(admins)
    created = create_sample_accounts()
    if created:
        print(say("sample_accounts", lang))
        for account in created:
            print(f"  {account.username:<16} {account.role:<6} {account.organisation:<14} {account.password}")


def _read_secret_key() -> None:
    """Read the installation's secret key now — it is made on first use (see settings): a data
    directory where it can be neither read nor made is told here, with the fix, rather than
    as a failure of the first login."""
    from django.conf import settings

    str(settings.SECRET_KEY)


def _create_first_administrator(lang: str) -> None:
    """The account ``admin``, when there is no superuser yet.

    Its password is ``DELTAWATCH_ADMIN_PASSWORD`` when set (then not echoed: the operator knows
    it), else a random one printed on standard output this once — to the terminal of whoever
    ran ``init``, never to a file of the project's: only its hash is stored.
    """
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if users.filter(is_superuser=True).exists():
        return
    given = os.environ.get("DELTAWATCH_ADMIN_PASSWORD")
    password = given or secrets.token_urlsafe(12)  # 96 random bits
    users.create_superuser("admin", "", password)
    if given:
        print(say("admin_created_given", lang))
    else:
        print(say("admin_created", lang, password=password))


def cmd_serve(args) -> int:
    from django.conf import settings
    from django.db import connection
    from waitress import create_server

    from deltawatch.wsgi import application

    if "regions_region" not in connection.introspection.table_names():
        print(say("not_initialised", args.lang), file=sys.stderr)
        return 2
    if settings.PRODUCTION and not settings.TRUSTED_PROXY:
        print(say("needs_proxy", args.lang), file=sys.stderr)
        return 2
    _read_secret_key()
    if settings.DEBUG:
        print(say("debug_on", args.lang), file=sys.stderr)
    try:
        server = create_server(application, host=args.host, port=args.port, threads=args.threads,
                               **_proxy_options(settings.TRUSTED_PROXY))
    except OSError as exc:  # the port is taken, the address is not this machine's …
        print(say("cannot_listen", args.lang, host=args.host, port=args.port, reason=exc.strerror or exc), file=sys.stderr)
        return 2
    # Said once the socket listens, with the port it got (--port 0 takes a free one).
    port = getattr(server, "effective_port", args.port)
    print(say("serving", args.lang, host=args.host, port=port), flush=True)
    if not args.no_worker:  # background jobs (index runs …) in a thread of this process
        from deltawatch.jobs.services import start_worker_thread

        start_worker_thread()
    try:
        server.run()
    except KeyboardInterrupt:  # Ctrl+C is how the message says to stop: no traceback
        pass
    finally:
        server.close()
    return 0


def _proxy_options(trusted_proxy: str) -> dict:
    """waitress options to believe the TLS-terminating proxy, and it only, about the scheme and
    the client's address; waitress drops those headers from anyone else."""
    if not trusted_proxy:
        return {}
    return {"trusted_proxy": trusted_proxy, "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"}}


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["deltawatch manage", *args.arguments])
    return 0


def add_parsers(commands) -> None:
    init = commands.add_parser("init", help="创建数据库并载入长三角默认数据 / create the database and load the YRD default")
    init.add_argument("--no-data", action="store_true", help="只载入区域、指标和目标，不载入统计数据")
    init.set_defaults(handler=cmd_init)

    serve = commands.add_parser("serve", help="启动应用 / run the application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    # 8: more requests per second than 4 under 50 clients in 3 of 4 cases (benchmarks/results/pages.md)
    serve.add_argument("--threads", type=int, default=8, help="waitress 工作线程数 / worker threads (8)")
    serve.add_argument("--no-worker", action="store_true",
                       help="不在本进程运行后台任务（另行运行 deltawatch jobs run）/ "
                            "run no background jobs here (run deltawatch jobs run instead)")
    serve.set_defaults(handler=cmd_serve, long_running=True)

    manage = commands.add_parser("manage", help="Django 管理命令 / a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
