"""``deltawatch tasks list | show ID | import FILE | export | remind`` — the task ledger."""

from __future__ import annotations

import sys

from deltawatch.core.commandline import UserError, acting_user
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

# key → Chinese msgid; the English is in the catalogue (locale/en/LC_MESSAGES/django.po)
MESSAGES = {
    "unknown_plan": gettext_noop('未知的规划：{code}（可用：{codes}）'),
    "unknown_unit": gettext_noop('未知的单位：{text}（请写单位全称或代码）'),
    "unknown_task": gettext_noop('找不到任务：{text}'),
    "plan_needed": gettext_noop('请用 --plan 指定导入到哪个规划（可用：{codes}）'),
    "refused": gettext_noop('导入未执行，清单有 {n} 处问题（未写入任何内容）：'),
    "imported": gettext_noop('{mode}新增任务 {created} 项，更新 {updated} 项，未变 {unchanged} 项，新增参与单位 {added} 个'),
    "dry_run": gettext_noop('（试导入，未保存）'),
    "reminded": gettext_noop('已生成通知：到期提醒 {reminders}，逾期 {overdue}，上报长三角办 {escalations}，签收催告 {acceptance}'),
    "header": gettext_noop('序号\t状态\t灯\t完成时限\t牵头单位\t任务'),
    "ongoing": gettext_noop('长期坚持'),
    "example": gettext_noop('【示例】'),
}


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


def _in_language(handler):
    """Run a handler in the user's language (``--lang``), restored afterwards: the labels of
    states and lights come from Django's catalogue."""
    import functools

    @functools.wraps(handler)
    def run(args):
        from django.utils import translation

        with translation.override("en" if args.lang == "en" else "zh-hans"):
            return handler(args)

    return run


def _plan(code: str | None, lang: str, required: bool = False):
    from .models import Plan

    codes = ", ".join(Plan.objects.values_list("code", flat=True))
    if not code:
        if required:
            raise UserError(say("plan_needed", lang, codes=codes))
        return None
    plan = Plan.objects.filter(code=code).first() or Plan.objects.filter(name_zh=code).first()
    if plan is None:
        raise UserError(say("unknown_plan", lang, code=code, codes=codes))
    return plan


def _unit(text: str | None, lang: str):
    from deltawatch.accounts.models import Organisation

    if not text:
        return None
    unit = Organisation.objects.filter(code=text).first() or Organisation.objects.filter(name_zh=text).first()
    if unit is None:
        raise UserError(say("unknown_unit", lang, text=text))
    return unit


@_in_language
def cmd_list(args) -> int:
    from django.utils import timezone

    from deltawatch.methods.ledger import lights

    from .choices import Light, OPEN_STATES
    from .models import Task
    from .services import warn_boundary

    tasks = Task.objects.select_related("lead_unit").order_by("plan_id", "code")
    plan, unit = _plan(args.plan, args.lang), _unit(args.unit, args.lang)
    if plan:
        tasks = tasks.filter(plan=plan)
    if unit:
        tasks = tasks.filter(assignments__unit=unit).distinct()
    if args.status:
        tasks = tasks.filter(status=args.status)
    tasks = list(tasks)
    today = timezone.localdate()
    marks = lights([t.due_date for t in tasks], [t.status in OPEN_STATES for t in tasks], today, warn_boundary(today))
    print(say("header", args.lang))
    for task, mark in zip(tasks, marks):
        due = task.due_date.isoformat() if task.due_date else say("ongoing", args.lang)
        example = say("example", args.lang) if task.is_example else ""
        print(f"{task.code}\t{task.get_status_display()}\t{Light(mark).label}\t{due}\t{task.lead_unit}\t{example}{task.title}")
    return 0


@_in_language
def cmd_show(args) -> int:
    from .models import Task

    plan = _plan(args.plan, args.lang)
    tasks = Task.objects.select_related("plan", "lead_unit", "measure")
    if args.id.isdigit() and plan is None:
        task = tasks.filter(pk=int(args.id)).first()
    else:
        task = tasks.filter(code=args.id, **({"plan": plan} if plan else {})).first()
    if task is None:
        raise UserError(say("unknown_task", args.lang, text=args.id))
    en = args.lang == "en"
    example = say("example", args.lang) if task.is_example else ""
    print(f"{example}{task.code} {task.title}  [{task.get_status_display()}]")
    print(f"{'Plan' if en else '规划'}: {task.plan}   {'Measure' if en else '举措'}: {task.measure or '-'}")
    print(f"{'Due' if en else '完成时限'}: {task.due_date or say('ongoing', args.lang)}   "
          f"{'Start' if en else '开始'}: {task.start_date or '-'}")
    for a in task.assignments.select_related("unit").order_by("role", "id"):
        print(f"  {a.get_role_display()} {a.unit}: {a.get_state_display()} {a.percent}% "
              f"{'due' if en else '时限'} {a.due_date or '-'} {'returns' if en else '退回'} {a.returns} (v{a.version})")
    print("—" * 20)
    for e in task.journal.select_related("actor", "actor_unit", "assignment__unit").order_by("at", "id"):
        states = f"{e.get_from_state_display()} → {e.get_to_state_display()}" if e.to_state and e.from_state != e.to_state else ""
        part = f"[{e.assignment.unit}]" if e.assignment_id else ""
        print(f"{e.at:%Y-%m-%d %H:%M}  {e.actor_unit or e.actor or '-'}  {e.get_action_display()} {part}  {states}  "
              f"{e.comment[:80]}")
    return 0


@_in_language
def cmd_import(args) -> int:
    import os

    from deltawatch.audit.context import acting_as

    from .excel import ImportRefused, import_tasks

    if not os.path.exists(args.file):
        raise UserError(_say("no_file", args.lang, path=args.file))
    plan = _plan(args.plan, args.lang, required=True)
    user = acting_user(args.user)
    try:
        with acting_as(user):
            outcome = import_tasks(args.file, plan, user, dry_run=args.dry_run, default_year=args.year)
    except ImportRefused as exc:
        lines = [say("refused", args.lang, n=len(exc.problems))] + [f"  {p}" for p in exc.problems[:100]]
        raise UserError("\n".join(lines)) from None
    print(say("imported", args.lang, mode=say("dry_run", args.lang) if args.dry_run else "", created=outcome.created,
              updated=outcome.updated, unchanged=outcome.unchanged, added=outcome.assignments_added))
    return 0


@_in_language
def cmd_export(args) -> int:
    from .excel import export_rows, write_rows

    rows = export_rows(plan=_plan(args.plan, args.lang), unit=_unit(args.unit, args.lang))
    fmt = args.format or ("xlsx" if (args.output or "").lower().endswith(".xlsx") else "csv")
    if not args.output:
        if fmt == "xlsx":
            raise UserError("XLSX needs --output FILE" if args.lang == "en" else "XLSX 格式须用 --output 指定文件")
        import csv

        from deltawatch.observations.exports import neutralise

        from .excel import COLUMNS

        writer = csv.writer(sys.stdout)
        writer.writerow(COLUMNS)
        writer.writerows([neutralise(v) for v in row] for row in rows)
        return 0
    write_rows(rows, fmt, args.output)
    print(_say("written", args.lang, path=args.output, rows=len(rows)), file=sys.stderr)
    return 0


@_in_language
def cmd_remind(args) -> int:
    import datetime as dt

    from .reminders import sweep

    today = dt.date.fromisoformat(args.date) if args.date else None
    result = sweep(today)
    print(say("reminded", args.lang, reminders=result.reminders, overdue=result.overdue,
              escalations=result.escalations, acceptance=result.acceptance))
    return 0


def add_parsers(commands) -> None:
    tasks = commands.add_parser("tasks", help="任务清单：列表、详情、导入、导出、提醒 / the task ledger")
    sub = tasks.add_subparsers(dest="tasks_command", required=True)
    listing = sub.add_parser("list", help="列出任务 / list tasks")
    listing.add_argument("--plan", help="规划代码，如 js-implementation")
    listing.add_argument("--unit", help="单位代码或全称（牵头或参与）")
    listing.add_argument("--status", choices=["assigned", "in_progress", "close_requested", "closed", "terminated"])
    listing.set_defaults(handler=cmd_list)
    show = sub.add_parser("show", help="任务详情与办理记录 / a task with its journal")
    show.add_argument("id", help="任务编号（数据库 ID），或与 --plan 一起用序号")
    show.add_argument("--plan")
    show.set_defaults(handler=cmd_show)
    imp = sub.add_parser("import", help="导入任务清单（CSV/XLSX：序号/任务/牵头单位/参与单位/完成时限/进展情况）")
    imp.add_argument("file")
    imp.add_argument("--plan", help="导入到的规划代码")
    imp.add_argument("--dry-run", action="store_true", help="只检查不保存")
    imp.add_argument("--year", type=int, help="“年底前”“6月底”等未写年份的时限所指年份（默认今年）")
    imp.add_argument("--user", help="操作人账号（默认当前系统用户）")
    imp.set_defaults(handler=cmd_import)
    exp = sub.add_parser("export", help="按清单格式导出任务 / export tasks in the list layout")
    exp.add_argument("--plan")
    exp.add_argument("--unit")
    exp.add_argument("--format", choices=["xlsx", "csv"])
    exp.add_argument("--output", "-o", help="输出文件（默认标准输出，CSV）")
    exp.set_defaults(handler=cmd_export)
    remind = sub.add_parser("remind", help="生成到期提醒、逾期通知与上报（可反复运行，不重复）/ reminder sweep")
    remind.add_argument("--date", help="按该日期检查（YYYY-MM-DD，默认今天）")
    remind.set_defaults(handler=cmd_remind)
