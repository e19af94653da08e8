"""The ``deltawatch`` command.

    deltawatch init                      create the database and load the embedded YRD default
    deltawatch serve [--port 8000]       run the application (admin at /admin/)
    deltawatch import FILE [--dry-run]   import statistics (CSV/XLSX, long or yearbook layouts)
    deltawatch export [--indicator …]    export statistics as CSV, XLSX or JSON
    deltawatch progress [--region …]     assess progress towards every target, store it, show it
    deltawatch index build|uncertainty|sensitivity|from-coinr …   composite indices
    deltawatch disparity | convergence | coordination | moran …     is the Delta integrating?
    deltawatch manage ARGS…              any Django management command (createsuperuser, …)

``DATABASE_URL`` selects the database for every command; without it, a SQLite file in the
user's data directory. Messages are in Chinese; ``--lang en`` gives English.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import os
import re
import secrets
import signal
import sys

MESSAGES = {
    "import_failed": {"zh": "导入失败，未写入任何数据。", "en": "Import failed; nothing was written."},
    "no_file": {"zh": "文件不存在：{path}", "en": "No such file: {path}"},
    "exported": {"zh": "已导出 {n} 行到 {path}", "en": "Exported {n} rows to {path}"},
    "written": {"zh": "已写入 {path}（{rows} 行）", "en": "Wrote {path} ({rows} rows)"},
    "bad_years": {"zh": "年份应写作 2019、2010-2020 或 2015,2020：{text}",
                  "en": "Years are written 2019, 2010-2020 or 2015,2020: {text}"},
    "unknown_group": {"zh": "未知的区域组：{code}", "en": "Unknown region group: {code}"},
    "unknown_indicator": {"zh": "未知的指标：{code}", "en": "Unknown indicator: {code}"},
    "unknown_region": {"zh": "未知的区域：{text}", "en": "Unknown region: {text}"},
    "admin_created": {"zh": "已创建管理员账号 admin，初始密码：{password}（仅显示这一次，不保存在任何文件中；请记下并在登录后修改）",
                      "en": "Created the administrator account admin, initial password: {password} (shown this once "
                            "and kept in no file: note it, and change it after login)"},
    "sample_accounts": {"zh": "已创建示例账号（每个角色一个，仅供演示；密码仅显示这一次）：",
                        "en": "Created sample accounts (one per role, for demonstration; passwords shown this once):"},
    "admin_created_given": {"zh": "已创建管理员账号 admin，密码为 DELTAWATCH_ADMIN_PASSWORD 所设",
                            "en": "Created the administrator account admin with the password set in DELTAWATCH_ADMIN_PASSWORD"},
    "cannot_listen": {"zh": "无法在 {host}:{port} 监听（{reason}）：请用 --port 换一个端口，或先停止占用它的程序。",
                      "en": "Cannot listen on {host}:{port} ({reason}): choose another port with --port, or stop "
                            "the program that uses it."},
    "debug_on": {"zh": "注意：调试模式已开启（DELTAWATCH_DEBUG=1），出错页面会显示代码和设置，切勿对外提供服务。",
                 "en": "Warning: debug mode is on (DELTAWATCH_DEBUG=1): error pages show code and settings; "
                       "never serve others this way."},
    "needs_proxy": {"zh": "生产模式（DELTAWATCH_PRODUCTION=1）只通过 HTTPS 提供服务，而 deltawatch serve 本身不提供 HTTPS："
                          "请在终止 TLS 的反向代理之后运行，并将 DELTAWATCH_TRUSTED_PROXY 设为该代理的地址（如 127.0.0.1）。",
                    "en": "The production profile (DELTAWATCH_PRODUCTION=1) serves over HTTPS only, which deltawatch serve "
                          "does not speak itself: run it behind a reverse proxy that terminates TLS and set "
                          "DELTAWATCH_TRUSTED_PROXY to that proxy's address (e.g. 127.0.0.1)."},
    "database": {"zh": "数据库：{db}", "en": "Database: {db}"},
    "serving": {"zh": "DeltaWatch 已启动：http://{host}:{port}/ （管理后台 /admin/，按 Ctrl+C 停止）",
                "en": "DeltaWatch is running at http://{host}:{port}/ (admin at /admin/; Ctrl+C stops it)"},
    "progress_run": {"zh": "评估完成（{method}）：{n} 项，状态变化 {changes} 项，数据版本 #{vintage}{saved}",
                     "en": "Assessed ({method}): {n} subjects, {changes} status changes, data vintage #{vintage}{saved}"},
    "not_saved": {"zh": "（未保存）", "en": " (not saved)"},
    "bad_threshold": {"zh": "阈值应写作 名称=数值，名称为 {names} 之一：{text}",
                      "en": "Thresholds are written NAME=VALUE, NAME one of {names}: {text}"},
    "not_initialised": {"zh": "数据库尚未初始化，请先运行 deltawatch init", "en": "The database is empty: run deltawatch init first"},
}


class UserError(Exception):
    """A mistake of the user's, already worded in their language: printed, exit status 2."""


def say(key: str, lang: str, catalogue: dict | None = None, **params) -> str:
    """A message in the user's language, from ``catalogue`` when it has the key, else from this
    module's (messages every command shares: no_file, written, bad_years …)."""
    source = catalogue if catalogue and key in catalogue else MESSAGES
    return source[key]["en" if lang == "en" else "zh"].format(**params)


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deltawatch.settings")
    import django

    django.setup()


def _acting_user(name: str | None):
    """The account to which a command's changes are attributed (created on first use)."""
    from django.contrib.auth import get_user_model

    username = name or os.environ.get("DELTAWATCH_USER") or getpass.getuser() or "deltawatch"
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    return user


def parse_years(text: str | None) -> list[int] | None:
    """'2019' → [2019]; '2010-2020' → 2010…2020; '2015,2020' → [2015, 2020]."""
    if not text:
        return None
    years: list[int] = []
    for part in text.replace("，", ",").split(","):
        match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~]\s*(\d{4})\s*)?", part)
        if not match:
            raise ValueError(part)
        first, last = int(match[1]), int(match[2] or match[1])
        years.extend(range(first, last + 1))
    return years


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in re.split(r"[,，]", value) if v.strip()]


def cmd_init(args) -> int:
    from django.conf import settings
    from django.core.management import call_command

    from deltawatch.audit.context import acting_as
    from deltawatch.defaults.loader import load_default

    print(say("database", args.lang, db=settings.DATABASES["default"]["NAME"]))
    _read_secret_key()
    call_command("migrate", interactive=False, verbosity=0)
    system = _acting_user("deltawatch")
    with acting_as(system):
        load_default(system, with_observations=not args.no_data)
    _create_first_administrator(args.lang)
    _create_sample_accounts(args.lang)
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


def cmd_import(args) -> int:
    from deltawatch.audit.context import acting_as
    from deltawatch.observations.services import DatabaseBusy, ImportFailed, import_observations

    if not os.path.isfile(args.file):
        print(say("no_file", args.lang, path=args.file), file=sys.stderr)
        return 2
    user = _acting_user(args.user)
    options = {k: getattr(args, k) for k in ("layout", "indicator", "year", "unit", "source", "sheet") if getattr(args, k)}
    try:
        with acting_as(user):
            outcome = import_observations(args.file, user=user, dry_run=args.dry_run, status=args.status, **options)
    except (ImportFailed, DatabaseBusy) as failure:
        print(failure.report(args.lang), file=sys.stderr)
        return 1
    print(outcome.summary(args.lang))
    return 0


def cmd_export(args) -> int:
    from deltawatch.indicators.models import Indicator
    from deltawatch.observations.exports import export_rows, write_export
    from deltawatch.regions.models import RegionGroup
    from deltawatch.regions.resolver import RegionNotFound
    from deltawatch.regions.services import region_resolver

    try:
        years = parse_years(args.year)
    except ValueError:
        print(say("bad_years", args.lang, text=args.year), file=sys.stderr)
        return 2
    indicators = _split(args.indicator)
    unknown = sorted(set(indicators) - set(Indicator.objects.filter(code__in=indicators).values_list("code", flat=True)))
    if unknown:
        print(say("unknown_indicator", args.lang, code=", ".join(unknown)), file=sys.stderr)
        return 2
    if args.group and not RegionGroup.objects.filter(code=args.group).exists():
        print(say("unknown_group", args.lang, code=args.group), file=sys.stderr)
        return 2
    resolver = region_resolver()
    try:
        regions = [resolver.resolve(text) for text in _split(args.region)]
    except RegionNotFound as exc:
        print(say("unknown_region", args.lang, text=exc.text), file=sys.stderr)
        return 2
    rows = export_rows(indicators=indicators, regions=regions, years=years, group=args.group, lang=args.lang)
    fmt = args.format or (os.path.splitext(args.output)[1].lstrip(".").lower() if args.output else "csv")
    if args.output:
        write_export(rows, fmt, args.output)
        print(say("exported", args.lang, n=len(rows), path=args.output), file=sys.stderr)
    elif fmt == "xlsx":
        write_export(rows, fmt, sys.stdout.buffer)
    else:
        write_export(rows, fmt, sys.stdout)
    return 0


def parse_thresholds(items: list[str] | None):
    """['on_track=0.9', …] → Thresholds with those values (the published defaults otherwise)."""
    from deltawatch.methods.progress import Thresholds

    values = {}
    names = {f.name for f in dataclasses.fields(Thresholds)}
    for item in items or []:
        name, _, number = item.partition("=")
        try:
            if name.strip() not in names:
                raise ValueError
            values[name.strip()] = float(number)
        except ValueError:
            raise ValueError(item) from None
    return Thresholds(**values)


def _resolve_group(text: str | None):
    from django.db.models import Q

    from deltawatch.regions.models import RegionGroup

    if not text:
        return None
    return RegionGroup.objects.filter(Q(code=text) | Q(name_zh=text) | Q(name_en__iexact=text)).first()


def cmd_progress(args) -> int:
    from django.utils import translation

    from deltawatch.evaluation import report
    from deltawatch.evaluation.services import run_progress
    from deltawatch.methods.progress import Thresholds
    from deltawatch.regions.services import region_resolver
    from deltawatch.regions.resolver import RegionNotFound

    translation.activate("en" if args.lang == "en" else "zh-hans")
    region = None
    if args.region:
        try:
            region = region_resolver().resolve(args.region)
        except RegionNotFound as exc:
            print(say("unknown_region", args.lang, text=exc.text), file=sys.stderr)
            return 2
    group = _resolve_group(args.group)
    if args.group and group is None:
        print(say("unknown_group", args.lang, code=args.group), file=sys.stderr)
        return 2
    try:
        thresholds = parse_thresholds(args.threshold)
    except ValueError as exc:
        names = ", ".join(f.name for f in dataclasses.fields(Thresholds))
        print(say("bad_threshold", args.lang, names=names, text=exc), file=sys.stderr)
        return 2
    outcome = run_progress(method=args.method, thresholds=thresholds, base_year=args.base_year,
                           default_base_year=args.default_base_year, fit_start=args.fit_start,
                           untargeted=args.untargeted, user=_acting_user(args.user), save=not args.no_save)
    frame = report.select(outcome.assessments, region=region, group=group.code if group else None,
                          target_year=args.target_year, untargeted=args.untargeted)
    vintage = outcome.assessments["data_revision"].max()
    print(say("progress_run", args.lang, method=args.method, n=len(outcome.assessments), changes=len(outcome.changes),
              vintage="-" if vintage != vintage else int(vintage), saved="" if not args.no_save else say("not_saved", args.lang)),
          file=sys.stderr)
    text = report.render(frame, fmt=args.format, lang=args.lang, by=args.by)
    if args.output:
        with open(args.output, "w", encoding="utf-8-sig" if args.format == "csv" else "utf-8", newline="") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["deltawatch manage", *args.arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deltawatch", description="长三角一体化发展监测评估系统 DeltaWatch")
    parser.add_argument("--lang", choices=["zh", "en"], default=os.environ.get("DELTAWATCH_LANG", "zh"),
                        help="消息语言 / language of messages (default zh)")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="创建数据库并载入长三角默认数据 / create the database and load the YRD default")
    init.add_argument("--no-data", action="store_true", help="只载入区域、指标和目标，不载入统计数据")
    init.set_defaults(handler=cmd_init)

    serve = commands.add_parser("serve", help="启动应用 / run the application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=4)
    serve.set_defaults(handler=cmd_serve)

    imp = commands.add_parser("import", help="导入统计数据 / import statistics (CSV, XLSX)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入 / validate only, write nothing")
    imp.add_argument("--layout", choices=["long", "wide_years", "wide_indicators"], help="表格格式 (默认自动识别)")
    imp.add_argument("--indicator", help="宽表(地区×年份)的指标代码")
    imp.add_argument("--year", type=int, help="宽表(地区×指标)的年份")
    imp.add_argument("--unit", help="文件中数值的单位 (未在表内注明时)")
    imp.add_argument("--source", help="数据来源 (文件未注明时)")
    imp.add_argument("--sheet", help="XLSX 工作表名称")
    imp.add_argument("--status", choices=["draft", "submitted", "approved"], default="submitted")
    imp.add_argument("--user", help="导入人账号 (默认: 当前系统用户)")
    imp.set_defaults(handler=cmd_import)

    exp = commands.add_parser("export", help="导出统计数据 / export statistics")
    exp.add_argument("--indicator", action="append", help="指标代码，可多个 (逗号分隔或重复)")
    exp.add_argument("--region", action="append", help="区域代码或名称，可多个")
    exp.add_argument("--year", help="年份: 2019, 2010-2020 或 2015,2020")
    exp.add_argument("--group", help="区域组代码, 如 central27")
    exp.add_argument("--format", choices=["csv", "xlsx", "json"], help="默认按输出文件扩展名, 否则 csv")
    exp.add_argument("--output", "-o", help="输出文件 (默认标准输出)")
    exp.set_defaults(handler=cmd_export)

    prog = commands.add_parser("progress", help="目标进展评估 / assess progress towards the targets")
    prog.add_argument("--region", help="区域代码或名称, 如 320000 或 江苏省")
    prog.add_argument("--group", help="区域组代码或名称, 如 yrd 或 长三角中心区")
    prog.add_argument("--target-year", type=int, help="只显示该目标年份的目标, 如 2025")
    prog.add_argument("--method", choices=["opensdg", "unsd", "escap"], default="opensdg",
                      help="评估方法 (默认 opensdg 固定比率法)")
    prog.add_argument("--base-year", type=int,
                      help="评估基期: 所有项均自该年起算 (默认: 目标或其来源文件所注的规划基期, 否则 --default-base-year)")
    prog.add_argument("--default-base-year", type=int, default=2015,
                      help="目标及其来源文件均未注明基期时的基期 (默认 2015, Open SDG)")
    prog.add_argument("--fit-start", type=int, default=2000,
                      help="ESCAP 预期进展: 时间加权回归自该年起的全部数据 (默认 2000)")
    prog.add_argument("--threshold", action="append", metavar="NAME=VALUE",
                      help="状态阈值, 可多个, 如 on_track=0.9 (默认为 Open SDG 公布值)")
    prog.add_argument("--by", choices=["dimension", "region", "indicator", "target_year"],
                      help="按领域/区域/指标/目标年份汇总 (Open SDG 平均得分)")
    prog.add_argument("--untargeted", action="store_true", help="同时评估、保存并显示无目标的指标序列 (按无目标规则) / also assess, store and show series without a target")
    prog.add_argument("--format", choices=["table", "csv", "json"], default="table")
    prog.add_argument("--output", "-o", help="输出文件 (默认标准输出)")
    prog.add_argument("--no-save", action="store_true", help="只计算和显示, 不保存评估结果")
    prog.add_argument("--user", help="运行人账号 (默认: 当前系统用户)")
    prog.set_defaults(handler=cmd_progress)

    from deltawatch.evaluation.parsers import add_index_parser, add_regional_parsers

    add_index_parser(commands)
    add_regional_parsers(commands)

    manage = commands.add_parser("manage", help="Django 管理命令 / a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


def _configuration_problem(error: Exception) -> bool:
    """A database or settings problem that is the user's to fix (a bad DATABASE_URL, a server
    that does not answer): worded, without a traceback. Django is looked at only if the command
    loaded it — an index build from a file never does."""
    if "django.core.exceptions" not in sys.modules:
        return False
    from django.core.exceptions import ImproperlyConfigured

    if isinstance(error, ImproperlyConfigured):  # settings refused before django.db is loaded too
        return True
    if "django.db" not in sys.modules:
        return False
    from django.db import OperationalError

    return isinstance(error, OperationalError)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if hasattr(signal, "SIGPIPE"):  # `deltawatch … | head` ends quietly, as other commands do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        if getattr(args, "needs_database", lambda args: True)(args):
            _setup_django()
        return args.handler(args)
    except UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:
        if not _configuration_problem(exc):
            raise
        print(f"deltawatch: {exc}", file=sys.stderr)
        return 2


def run() -> None:
    """The console entry point: ``main()``, then leave at once.

    Python's orderly teardown of the interpreter — every module and object freed one by one —
    takes 0.15–0.3 s once Django and pandas are loaded: longer than the work of most commands
    (measured in benchmarks/bench_startup.py). Everything a command makes is written and
    committed before ``main`` returns; the outputs are flushed and the database connections
    closed here, and the process ends without the teardown. An exception still ends the
    ordinary way, with its traceback.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    if "django.db" in sys.modules:
        from django.conf import settings
        from django.db import connections

        if settings.configured:  # not when the settings were refused: that was said already
            connections.close_all()
    os._exit(code)


if __name__ == "__main__":
    run()
