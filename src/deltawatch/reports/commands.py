"""``deltawatch report build KIND | list | schedule | check ID`` — bulletins and the annual report."""

from __future__ import annotations

import sys

from deltawatch.core.commandline import UserError, acting_user
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

KINDS = ("tasks", "statistics", "progress", "annual")
# key → Chinese msgid; the English is in the catalogue (locale/en/LC_MESSAGES/django.po)
MESSAGES = {
    "written": gettext_noop("已写出 {path}（{kind}，{period}，{format}）"),
    "saved": gettext_noop("已保存为草稿 #{id}：{title}"),
    "list_header": gettext_noop("编号\t类型\t期间\t状态\t期号\t公开\t标题"),
    "drafted": gettext_noop("已起草 {n} 份定期通报"),
    "unknown_report": gettext_noop("没有编号为 {id} 的报告"),
    "identical": gettext_noop("报告 #{id} 重新生成的内容与印发时一致（SHA-256 {digest}）"),
    "different": gettext_noop("报告 #{id} 重新生成的内容与印发时不同：数据或计算已变（印发时 {old}，现在 {new}）"),
    "binary_to_terminal": gettext_noop("{format} 是二进制文件：请用 --out 指定文件名"),
}


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


def default_period(kind: str):
    """Tasks: the last month that has ended; statistics: this year; progress and the annual
    report: the latest year with approved values."""
    from django.utils import timezone

    from deltawatch.observations.models import approved_values

    from .periods import Period

    today = timezone.localdate()
    if kind == "tasks":
        return Period.containing(today, "month").previous()
    if kind == "statistics":
        return Period("year", today.year)
    latest = approved_values().order_by("-year").values_list("year", flat=True).first()
    return Period("year", latest or today.year)


def cmd_build(args) -> int:
    from . import services
    from .models import Report
    from .periods import Period, PeriodError

    try:
        period = Period.parse(args.period) if args.period else default_period(args.kind)
    except PeriodError as error:
        raise UserError(str(error)) from None  # worded by Period.parse in the active language
    language = "en" if args.lang == "en" else "zh-hans"
    if args.save:
        report = services.create(args.kind, period, language=language, user=acting_user(args.user))
        print(say("saved", args.lang, id=report.pk, title=report.title), file=sys.stderr)
        data = services.render(report, args.format)
    else:  # a draft rendered as the pages render one, never stored
        content = services.build_content(args.kind, period, language=language)
        report = Report(kind=args.kind, period=period.code(), language=language, content=content,
                        office=services.DEFAULT_OFFICE)
        data = services.render(report, args.format)
    if args.out:
        with open(args.out, "wb") as handle:
            handle.write(data)
        print(say("written", args.lang, path=args.out, kind=args.kind, period=period.code(), format=args.format),
              file=sys.stderr)
    elif args.format == "html":
        sys.stdout.write(data.decode("utf-8"))
    else:
        raise UserError(say("binary_to_terminal", args.lang, format=args.format))
    return 0


def cmd_list(args) -> int:
    from .models import Report
    from .services import issue_label

    print(say("list_header", args.lang))
    for report in Report.objects.order_by("-period", "kind", "-id"):
        print(f"{report.pk}\t{report.kind}\t{report.period}\t{report.status}\t{issue_label(report) or '—'}\t"
              f"{'✓' if report.is_public else '—'}\t{report.title}")
    return 0


def cmd_schedule(args) -> int:
    from .schedule import draft_due

    made = draft_due(user=acting_user(args.user))
    print(say("drafted", args.lang, n=len(made)))
    for report in made:
        print(f"#{report.pk}\t{report.title}")
    return 0


def cmd_check(args) -> int:
    from .models import Report
    from .services import check_regenerated

    report = Report.objects.filter(pk=args.id).first()
    if report is None:
        raise UserError(say("unknown_report", args.lang, id=args.id))
    same, digest = check_regenerated(report)
    if same:
        print(say("identical", args.lang, id=report.pk, digest=digest[:16]))
        return 0
    print(say("different", args.lang, id=report.pk, old=(report.digest or "")[:16], new=digest[:16]))
    return 1


def add_parsers(commands) -> None:
    report = commands.add_parser("report", help="通报与评估报告 / bulletins and the annual report")
    sub = report.add_subparsers(dest="report_command", required=True)
    build = sub.add_parser("build", help="生成报告 / build a report")
    build.add_argument("kind", choices=KINDS, help="tasks 任务进展通报 | statistics 统计工作通报 | "
                                                   "progress 目标进展通报 | annual 年度评估报告")
    build.add_argument("--period", help="期间：2026、2026Q3 或 2026-11（默认：最近一期）")
    build.add_argument("--format", choices=["html", "pdf", "docx"], default="html")
    build.add_argument("--out", "-o", help="输出文件（html 默认标准输出）")
    build.add_argument("--save", action="store_true", help="同时保存为草稿，供审核印发 / also store it as a draft")
    build.add_argument("--user", help="操作人账号（默认 deltawatch）")
    build.set_defaults(handler=cmd_build)
    listing = sub.add_parser("list", help="列出报告 / list the reports")
    listing.set_defaults(handler=cmd_list)
    schedule = sub.add_parser("schedule", help="起草到期的定期通报（可反复运行）/ draft the periodic bulletins due")
    schedule.add_argument("--user", help="操作人账号（默认 deltawatch）")
    schedule.set_defaults(handler=cmd_schedule)
    check = sub.add_parser("check", help="重新生成并核对是否与印发时一致 / regenerate and compare")
    check.add_argument("id", type=int, help="报告编号")
    check.set_defaults(handler=cmd_check)
