"""The ``deltawatch`` command.

    deltawatch init                      create the database and load the embedded YRD default
    deltawatch serve [--port 8000]       run the application (admin at /admin/)
    deltawatch import FILE [--dry-run]   import statistics (CSV/XLSX, long or yearbook layouts)
    deltawatch export [--indicator …]    export statistics as CSV, XLSX or JSON
    deltawatch manage ARGS…              any Django management command (createsuperuser, …)

``DATABASE_URL`` selects the database for every command; without it, a SQLite file in the
user's data directory. Messages are in Chinese; ``--lang en`` gives English.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import secrets
import sys

MESSAGES = {
    "import_failed": {"zh": "导入失败，未写入任何数据。", "en": "Import failed; nothing was written."},
    "no_file": {"zh": "文件不存在：{path}", "en": "No such file: {path}"},
    "exported": {"zh": "已导出 {n} 行到 {path}", "en": "Exported {n} rows to {path}"},
    "bad_years": {"zh": "年份应写作 2019、2010-2020 或 2015,2020：{text}",
                  "en": "Years are written 2019, 2010-2020 or 2015,2020: {text}"},
    "unknown_group": {"zh": "未知的区域组：{code}", "en": "Unknown region group: {code}"},
    "unknown_indicator": {"zh": "未知的指标：{code}", "en": "Unknown indicator: {code}"},
    "unknown_region": {"zh": "未知的区域：{text}", "en": "Unknown region: {text}"},
    "admin_created": {"zh": "已创建管理员账号 admin，初始密码：{password}（请登录后修改）",
                      "en": "Created the administrator account admin, initial password: {password} (change it after login)"},
    "database": {"zh": "数据库：{db}", "en": "Database: {db}"},
    "serving": {"zh": "DeltaWatch 已启动：http://{host}:{port}/ （管理后台 /admin/，按 Ctrl+C 停止）",
                "en": "DeltaWatch is running at http://{host}:{port}/ (admin at /admin/; Ctrl+C stops it)"},
    "not_initialised": {"zh": "数据库尚未初始化，请先运行 deltawatch init", "en": "The database is empty: run deltawatch init first"},
}


def say(key: str, lang: str, **params) -> str:
    return MESSAGES[key]["en" if lang == "en" else "zh"].format(**params)


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
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from deltawatch.audit.context import acting_as
    from deltawatch.defaults.loader import load_default

    print(say("database", args.lang, db=settings.DATABASES["default"]["NAME"]))
    call_command("migrate", interactive=False, verbosity=0)
    system = _acting_user("deltawatch")
    with acting_as(system):
        load_default(system, with_observations=not args.no_data)
    users = get_user_model().objects
    if not users.filter(is_superuser=True).exists():
        password = os.environ.get("DELTAWATCH_ADMIN_PASSWORD") or secrets.token_urlsafe(9)
        users.create_superuser("admin", "", password)
        print(say("admin_created", args.lang, password=password))
    return 0


def cmd_serve(args) -> int:
    from django.db import connection
    from waitress import serve

    from deltawatch.wsgi import application

    if "regions_region" not in connection.introspection.table_names():
        print(say("not_initialised", args.lang), file=sys.stderr)
        return 2
    print(say("serving", args.lang, host=args.host, port=args.port), flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, _quiet=True)
    return 0


def cmd_import(args) -> int:
    from deltawatch.audit.context import acting_as
    from deltawatch.observations.services import ImportFailed, import_observations

    if not os.path.isfile(args.file):
        print(say("no_file", args.lang, path=args.file), file=sys.stderr)
        return 2
    user = _acting_user(args.user)
    options = {k: getattr(args, k) for k in ("layout", "indicator", "year", "unit", "source", "sheet") if getattr(args, k)}
    try:
        with acting_as(user):
            outcome = import_observations(args.file, user=user, dry_run=args.dry_run, status=args.status, **options)
    except ImportFailed as failure:
        print(failure.report(args.lang), file=sys.stderr)
        return 1
    print(outcome.summary(args.lang))
    return 0


def cmd_export(args) -> int:
    from deltawatch.indicators.models import Indicator
    from deltawatch.observations.services import export_frame, region_resolver, write_export
    from deltawatch.regions.models import RegionGroup
    from deltawatch.regions.resolver import RegionNotFound

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
    frame = export_frame(indicators=indicators, regions=regions, years=years, group=args.group, lang=args.lang)
    fmt = args.format or (os.path.splitext(args.output)[1].lstrip(".").lower() if args.output else "csv")
    if args.output:
        write_export(frame, fmt, args.output)
        print(say("exported", args.lang, n=len(frame), path=args.output), file=sys.stderr)
    elif fmt == "xlsx":
        write_export(frame, fmt, sys.stdout.buffer)
    else:
        write_export(frame, fmt, sys.stdout)
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

    manage = commands.add_parser("manage", help="Django 管理命令 / a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    from django.core.exceptions import ImproperlyConfigured
    from django.db import OperationalError

    args = build_parser().parse_args(argv)
    try:
        _setup_django()
        return args.handler(args)
    except (ImproperlyConfigured, OperationalError) as exc:
        # Configuration and connection problems are the user's to fix: say how, without a traceback.
        print(f"deltawatch: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
