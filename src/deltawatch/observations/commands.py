"""``deltawatch import`` and ``export``: statistics in and out of the database."""

from __future__ import annotations

import os
import sys

from deltawatch.core.commandline import acting_user, split_list, years_or_error
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

MESSAGES = {
    "import_failed": gettext_noop("导入失败，未写入任何数据。"),
    "exported": gettext_noop("已导出 {n} 行到 {path}"),
}


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


def cmd_import(args) -> int:
    from deltawatch.audit.context import acting_as
    from deltawatch.observations.services import DatabaseBusy, ImportFailed, import_observations

    if not os.path.isfile(args.file):
        print(say("no_file", args.lang, path=args.file), file=sys.stderr)
        return 2
    user = acting_user(args.user)
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

    years = years_or_error(args.year, args.lang)
    indicators = split_list(args.indicator)
    unknown = sorted(set(indicators) - set(Indicator.objects.filter(code__in=indicators).values_list("code", flat=True)))
    if unknown:
        print(say("unknown_indicator", args.lang, code=", ".join(unknown)), file=sys.stderr)
        return 2
    if args.group and not RegionGroup.objects.filter(code=args.group).exists():
        print(say("unknown_group", args.lang, code=args.group), file=sys.stderr)
        return 2
    resolver = region_resolver()
    try:
        regions = [resolver.resolve(text) for text in split_list(args.region)]
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


def add_parsers(commands) -> None:
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
