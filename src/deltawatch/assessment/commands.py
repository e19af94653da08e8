"""``deltawatch assess list | run SCHEME | benchmark UNIT`` — performance assessment (绩效考核)."""

from __future__ import annotations

import json
import math
import sys

from deltawatch.core.commandline import UserError, acting_user
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

# key → Chinese msgid; the English is in the catalogue (locale/en/LC_MESSAGES/django.po)
MESSAGES = {
    "unknown_scheme": gettext_noop("未知的考核方案：{code}（可用：{codes}）"),
    "unknown_unit": gettext_noop("未知的单位：{text}（请写区划代码或名称）"),
    "no_benchmarks": gettext_noop("{unit} 在方案 {scheme} 中没有对照学习单位。"),
    "refused": gettext_noop("考核未运行：{reason}"),
    "saved": gettext_noop("已保存考核运行 #{run}（{scheme}，{year} 年，{n} 个单位，{runs} 次不确定性模拟）"),
    "list_header": gettext_noop("方案\t年度\t单位数\t最近运行\t名称"),
    "never": gettext_noop("未运行"),
    "rank_interval": gettext_noop("排名区间"),
    "missing": gettext_noop("缺失：{what}"),
    "swaps": gettext_noop("与 {unit} 的先后在 {share}% 的模拟中互换：次序不可靠"),
    "bench_header": gettext_noop("对照单位\t指标\t本单位\t对照单位值\t差距\t相对差距\t按自身增速需年数"),
    "never_closes": gettext_noop("按近年趋势无法赶上"),
    "ahead": gettext_noop("已领先"),
}
CSV_COLUMNS = ["unit_code", "unit_name", "peer_group", "score", "rank", "group_rank", "q05_rank", "q95_rank", "grade"]


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


def _scheme(code: str, lang: str):
    from .models import Scheme

    scheme = Scheme.objects.filter(code=code).select_related("group").first()
    if scheme is None:
        raise UserError(say("unknown_scheme", lang, code=code,
                            codes=", ".join(Scheme.objects.values_list("code", flat=True)) or "—"))
    return scheme


def cmd_list(args) -> int:
    from .models import Scheme

    print(say("list_header", args.lang))
    for scheme in Scheme.objects.select_related("group").order_by("code"):
        last = scheme.runs.order_by("-created_at").first()
        when = f"#{last.pk} {last.year} {last.created_at:%Y-%m-%d}" if last else say("never", args.lang)
        name = scheme.name_en if args.lang == "en" and scheme.name_en else scheme.name_zh
        print(f"{scheme.code}\t{scheme.year}\t{scheme.units().count()}\t{when}\t{name}")
    return 0


def _text_rows(frame, lang: str) -> list[str]:
    """The ranking as aligned text: rank [q05–q95], score, grade, unit, notes."""
    lines = []
    for row in frame.to_dict("records"):
        if row["score"] is None or math.isnan(row["score"]):
            lines.append(f"  —  {row['unit_code']} {row['unit_name']}  " + say("missing", lang, what=row["missing"]))
            continue
        interval = f"[{row['q05_rank']:.0f}–{row['q95_rank']:.0f}]"
        note = say("missing", lang, what=row["missing"]) if row["missing"] else ""
        if row["swaps_with"]:
            note += ("；" if note else "") + say("swaps", lang, unit=row["swaps_with"], share=f"{100 * row['swap_share']:.0f}")
        lines.append(f"{row['rank']:>4.0f} {interval:>9} {row['score']:7.2f}  {row['grade'] or '—':4} "
                     f"{row['peer_group']:>3}  {row['unit_code']} {row['unit_name']}  {note}".rstrip())
    return lines


def cmd_run(args) -> int:
    from . import services

    scheme = _scheme(args.scheme, args.lang)
    try:
        run = services.run_scheme(scheme, year=args.year, runs=args.runs, seed=args.seed, user=acting_user(args.user))
    except services.SchemeError as error:
        raise UserError(say("refused", args.lang, reason=error)) from None
    frame = services.results_frame(run)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        if args.format == "csv":
            frame[CSV_COLUMNS].to_csv(out, index=False, lineterminator="\n")
        elif args.format == "json":
            json.dump({"run": run.pk, "scheme": scheme.code, "year": run.year, "runs": run.runs, "seed": run.seed,
                       "notes": run.notes, "results": json.loads(frame.to_json(orient="records", force_ascii=False))},
                      out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            out.write("\n".join(_text_rows(frame, args.lang)) + "\n")
    finally:
        if args.output:
            out.close()
    print(say("saved", args.lang, run=run.pk, scheme=scheme.code, year=run.year, n=len(frame), runs=run.runs),
          file=sys.stderr)
    return 0


def _num(x: float) -> str:
    """A value as the bulletins write it: thousands grouped, at most four significant digits
    before rounding to units."""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def cmd_benchmark(args) -> int:
    from deltawatch.regions.models import Region

    from . import services

    scheme = _scheme(args.scheme, args.lang)
    if scheme.assesses_departments:  # benchmarking compares indicators: the regions'
        raise UserError(say("no_benchmarks", args.lang, unit=args.unit, scheme=scheme.code))
    region = Region.objects.filter(code=args.unit).first() or Region.objects.filter(name_zh=args.unit).first()
    if region is None:
        raise UserError(say("unknown_unit", args.lang, text=args.unit))
    gaps = services.benchmark(scheme, region.code, args.year or scheme.year)
    if gaps.empty:
        raise UserError(say("no_benchmarks", args.lang, unit=region.name_zh, scheme=scheme.code))
    if args.format == "csv":
        gaps.to_csv(sys.stdout, index=False, lineterminator="\n")
        return 0
    names = dict(Region.objects.filter(code__in=gaps["benchmark"].unique().tolist()).values_list("code", "name_zh"))
    print(say("bench_header", args.lang))
    for row in gaps.to_dict("records"):
        years = (say("ahead", args.lang) if not row["behind"] else say("never_closes", args.lang)
                 if math.isinf(row["years_to_close"]) else f"{row['years_to_close']:.1f}")
        name = row["indicator_name_en"] if args.lang == "en" and row["indicator_name_en"] else row["indicator_name"]
        gap = ("+" if row["gap"] > 0 else "") + _num(row["gap"])
        print(f"{names.get(row['benchmark'], row['benchmark'])}\t{name}\t{_num(row['unit_value'])}\t"
              f"{_num(row['benchmark_value'])}\t{gap} {row['unit']}\t{100 * row['relative_gap']:+.1f}%\t{years}")
    return 0


def add_parsers(commands) -> None:
    assess = commands.add_parser("assess", help="绩效考核：方案、运行、对照学习 / performance assessment")
    sub = assess.add_subparsers(dest="assess_command", required=True)
    listing = sub.add_parser("list", help="列出考核方案 / list the schemes")
    listing.set_defaults(handler=cmd_list)
    run = sub.add_parser("run", help="运行考核方案并保存结果 / run a scheme and store its results")
    run.add_argument("scheme", help="方案代码，如 yrd41-demo")
    run.add_argument("--year", type=int, help="考核年度（默认方案的年度）")
    run.add_argument("--runs", type=int, help="不确定性模拟次数（默认方案所定，通常 1000）")
    run.add_argument("--seed", type=int, help="随机种子（默认方案所定）")
    run.add_argument("--format", choices=["table", "csv", "json"], default="table")
    run.add_argument("--output", "-o", help="输出文件（默认标准输出）")
    run.add_argument("--user", help="运行人账号（默认 deltawatch）")
    run.set_defaults(handler=cmd_run)
    bench = sub.add_parser("benchmark", help="对照学习：与对照单位的差距 / gaps to the benchmark units")
    bench.add_argument("unit", help="区划代码或名称，如 340100 或 合肥市")
    bench.add_argument("--scheme", default="yrd41-demo", help="考核方案代码（默认 yrd41-demo）")
    bench.add_argument("--year", type=int, help="年度（默认方案的年度）")
    bench.add_argument("--format", choices=["table", "csv"], default="table")
    bench.set_defaults(handler=cmd_benchmark)
