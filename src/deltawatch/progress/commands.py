"""``deltawatch progress``: assess every target, store the run, show or export it."""

from __future__ import annotations

import dataclasses
import sys

from deltawatch.core.commandline import acting_user, resolve_group
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

MESSAGES = {
    "progress_run": gettext_noop("评估完成（{method}）：{n} 项，状态变化 {changes} 项，数据版本 #{vintage}{saved}"),
    "not_saved": gettext_noop("（未保存）"),
    "bad_threshold": gettext_noop("阈值应写作 名称=数值，名称为 {names} 之一：{text}"),
}


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


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


def cmd_progress(args) -> int:
    from django.utils import translation

    from deltawatch.methods.progress import Thresholds
    from deltawatch.progress import report
    from deltawatch.progress.services import run_progress
    from deltawatch.regions.resolver import RegionNotFound
    from deltawatch.regions.services import region_resolver

    translation.activate("en" if args.lang == "en" else "zh-hans")
    region = None
    if args.region:
        try:
            region = region_resolver().resolve(args.region)
        except RegionNotFound as exc:
            print(say("unknown_region", args.lang, text=exc.text), file=sys.stderr)
            return 2
    group = resolve_group(args.group)
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
                           untargeted=args.untargeted, user=acting_user(args.user), save=not args.no_save)
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


def add_parsers(commands) -> None:
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
