"""``deltawatch exchange export|import|index``, ``deltawatch backup`` and ``deltawatch restore``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from deltawatch.core.commandline import (
    UserError,
    acting_user,
    split_list,
    years_or_error,
)
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

MESSAGES = {
    "exported_sdmx": gettext_noop("已导出 {n} 个数值到 {path}（SDMX-CSV 2.0），代码表：{codelists}"),
    "exported_opensdg": gettext_noop("已导出 {indicators} 个指标的 {n} 个数值到 {path}（Open SDG）"),
    "derived_skipped": gettext_noop("另有 {n} 个派生指标数值未导入：它们由其输入指标重新计算。"),
    "no_run": gettext_noop("没有编号为 {id} 的指数运行。"),
    "backed_up": gettext_noop("已备份 {rows} 行（{tables} 个数据表）和 {files} 个文件到 {path}（{vendor}，{seconds:.1f} 秒）"),
    "restored": gettext_noop("已从 {path} 恢复 {rows} 行和 {files} 个文件（{source} → {target}，{seconds:.1f} 秒）"),
    "flushed": gettext_noop("已先清空数据库中原有的数据。"),
    "not_found": gettext_noop("找不到 {path}"),
}

SDMX_COLUMNS = {"region_code": "REF_AREA", "indicator": "INDICATOR", "year": "TIME_PERIOD", "value": "OBS_VALUE",
                "unit": "UNIT_MEASURE", "source": "SOURCE_DETAIL", "qualifier": "OBS_STATUS/QUALIFIER",
                "note": "COMMENT_OBS"}


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


# ---------------------------------------------------------------------------------- export

def _selection(args) -> dict:
    """The export's selection, each code checked (UserError naming the unknown one)."""
    from deltawatch.indicators.models import Indicator
    from deltawatch.regions.models import RegionGroup
    from deltawatch.regions.resolver import RegionNotFound
    from deltawatch.regions.services import region_resolver

    years = years_or_error(args.year, args.lang)
    indicators = split_list(args.indicator)
    unknown = sorted(set(indicators) - set(Indicator.objects.filter(code__in=indicators).values_list("code", flat=True)))
    if unknown:
        raise UserError(say("unknown_indicator", args.lang, code=", ".join(unknown)))
    if args.group and not RegionGroup.objects.filter(code=args.group).exists():
        raise UserError(say("unknown_group", args.lang, code=args.group))
    resolver = region_resolver()
    try:
        regions = [resolver.resolve(text) for text in split_list(args.region)]
    except RegionNotFound as exc:
        raise UserError(say("unknown_region", args.lang, text=exc.text)) from None
    return {"indicators": indicators, "regions": regions, "years": years, "group": args.group}


def cmd_export(args) -> int:
    from deltawatch.observations.exports import export_frame

    frame = export_frame(**_selection(args), lang="zh")
    if args.format == "sdmx":
        return _export_sdmx(frame, args)
    return _export_opensdg(frame, args)


def _export_sdmx(frame, args) -> int:
    from deltawatch.indicators.models import Indicator
    from deltawatch.regions.models import Region

    from .sdmx import export_sdmx, indicator_codelist, region_codelist

    text = export_sdmx(frame)
    if not args.output:
        sys.stdout.write(text)
        return 0
    output = Path(args.output)
    output.write_text(text, encoding="utf-8", newline="")
    # The code lists of what the data names, beside it: <name>.CL_INDICATOR.csv, <name>.CL_REF_AREA.csv
    indicators = Indicator.objects.filter(code__in=frame["indicator"].unique().tolist()).order_by("code")
    regions = (Region.objects.filter(code__in=frame["region_code"].unique().tolist()).order_by("code")
               .values_list("code", "name_zh", "name_en", "level", "parent__code"))
    lists = {output.with_name(f"{output.stem}.CL_INDICATOR.csv"): indicator_codelist(indicators),
             output.with_name(f"{output.stem}.CL_REF_AREA.csv"): region_codelist(regions)}
    for path, codelist in lists.items():
        path.write_text(codelist, encoding="utf-8", newline="")
    print(say("exported_sdmx", args.lang, n=len(frame), path=output,
              codelists=", ".join(p.name for p in lists)), file=sys.stderr)
    return 0


def _export_opensdg(frame, args) -> int:
    from deltawatch.indicators.models import Indicator

    from .opensdg import export_opensdg, write_files

    info = {code: {"name_zh": zh, "name_en": en, "unit": unit} for code, zh, en, unit in
            Indicator.objects.values_list("code", "name_zh", "name_en", "unit")}
    files = export_opensdg(frame, info)
    if not args.output:  # a ZIP on standard output, for a pipe
        write_files(files, sys.stdout.buffer)
        return 0
    write_files(files, args.output)
    print(say("exported_opensdg", args.lang, indicators=frame["indicator"].nunique(), n=len(frame),
              path=args.output), file=sys.stderr)
    return 0


# ---------------------------------------------------------------------------------- import

def cmd_import(args) -> int:
    from deltawatch.audit.context import acting_as
    from deltawatch.observations.services import DatabaseBusy, ImportFailed

    from deltawatch.observations.reader.grid import Unreadable, decode_text

    from .importing import Origin, import_long
    from .opensdg import OPENSDG_COLUMNS, OpenSdgError, read_opensdg
    from .sdmx import SdmxError, read_sdmx

    path = Path(args.path)
    if not path.exists():
        raise UserError(say("not_found", args.lang, path=args.path))
    try:
        if args.format == "sdmx":
            frame = read_sdmx(decode_text(path.read_bytes())[0], file=path.name)
            origin = Origin([path.name] * len(frame), list(frame.index), SDMX_COLUMNS)
        else:
            frame, files, rows = read_opensdg(path)
            origin = Origin(files, rows, OPENSDG_COLUMNS)
    except (SdmxError, OpenSdgError) as error:
        print(error.message(args.lang), file=sys.stderr)
        return 1
    except Unreadable as error:  # worded as the importer words a file it cannot decode
        print(error.problem(path.name).message(args.lang), file=sys.stderr)
        return 1
    user = acting_user(args.user)
    try:
        with acting_as(user):
            outcome, derived = import_long(frame.reset_index(drop=True), origin, name=path.name, user=user,
                                           dry_run=args.dry_run, status=args.status)
    except (ImportFailed, DatabaseBusy) as failure:
        print(failure.report(args.lang), file=sys.stderr)
        return 1
    print(outcome.summary(args.lang))
    if derived:
        print(say("derived_skipped", args.lang, n=derived))
    return 0


# ----------------------------------------------------------------------------------- index

def cmd_index(args) -> int:
    from deltawatch.indices.models import IndexRun

    from .indexjson import run_json

    run = IndexRun.objects.filter(id=args.run).first()
    if run is None:
        raise UserError(say("no_run", args.lang, id=args.run))
    text = run_json(run)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(say("written", args.lang, path=args.output, rows=run.scores.count() + run.intervals.count()),
              file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0


# -------------------------------------------------------------------------- backup/restore

def cmd_backup(args) -> int:
    from .backup import create_backup

    started = time.perf_counter()
    output = args.output or time.strftime("deltawatch-backup-%Y%m%d-%H%M%S.zip")
    outcome = create_backup(output)
    print(say("backed_up", args.lang, rows=outcome.rows, tables=outcome.tables, files=outcome.files,
              path=output, vendor=outcome.vendor, seconds=time.perf_counter() - started))
    return 0


def cmd_restore(args) -> int:
    from .backup import BackupError, restore_backup

    if not Path(args.file).is_file():
        raise UserError(say("no_file", args.lang, path=args.file))
    started = time.perf_counter()
    try:
        outcome = restore_backup(args.file, replace=args.yes)
    except BackupError as error:
        print(error.message(args.lang), file=sys.stderr)
        return 1
    if outcome.flushed:
        print(say("flushed", args.lang))
    print(say("restored", args.lang, path=args.file, rows=outcome.rows, files=outcome.files,
              source=outcome.vendor_from, target=outcome.vendor_to, seconds=time.perf_counter() - started))
    return 0


# ---------------------------------------------------------------------------------- parsers

def add_parsers(commands) -> None:
    exchange = commands.add_parser("exchange", help="交换格式：SDMX-CSV、Open SDG、指数 JSON / exchange formats")
    sub = exchange.add_subparsers(dest="exchange_command", required=True)

    exp = sub.add_parser("export", help="导出统计数据 (SDMX-CSV 2.0 或 Open SDG) / export observations")
    exp.add_argument("--format", choices=["sdmx", "opensdg"], required=True)
    exp.add_argument("--indicator", action="append", help="指标代码，可多个 (逗号分隔或重复)")
    exp.add_argument("--region", action="append", help="区域代码或名称，可多个")
    exp.add_argument("--year", help="年份: 2019, 2010-2020 或 2015,2020")
    exp.add_argument("--group", help="区域组代码, 如 central27")
    exp.add_argument("--output", "-o", help="SDMX: 输出文件 (默认标准输出)；Open SDG: 输出目录或 .zip (默认 ZIP 到标准输出)")
    exp.set_defaults(handler=cmd_export)

    imp = sub.add_parser("import", help="导入 SDMX-CSV 或 Open SDG 数据 / import observations")
    imp.add_argument("path", help="SDMX-CSV 文件；Open SDG 目录、.zip 或 indicator_*.csv")
    imp.add_argument("--format", choices=["sdmx", "opensdg"], required=True)
    imp.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入 / validate only, write nothing")
    imp.add_argument("--status", choices=["draft", "submitted", "approved"], default="submitted")
    imp.add_argument("--user", help="导入人账号 (默认: 当前系统用户)")
    imp.set_defaults(handler=cmd_import)

    index = sub.add_parser("index", help="已保存的指数运行导出为 JSON / a stored index run as JSON")
    index.add_argument("run", type=int, help="指数运行编号 / the run's id")
    index.add_argument("--output", "-o", help="输出文件 (默认标准输出)")
    index.set_defaults(handler=cmd_index)

    backup = commands.add_parser("backup", help="备份数据库和佐证材料到一个 ZIP / back up to one ZIP")
    backup.add_argument("--output", "-o", help="备份文件 (默认 deltawatch-backup-<时间>.zip)")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser("restore", help="从备份恢复到空数据库 / restore a backup into an empty database")
    restore.add_argument("file")
    restore.add_argument("--yes", action="store_true", help="数据库已有数据时先清空再恢复 / replace the data there")
    restore.set_defaults(handler=cmd_restore)
