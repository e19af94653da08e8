"""``deltawatch validate …`` and ``deltawatch cycle open | status | remind``.

    deltawatch validate [--indicator CODE,…] [--region CODE|名称,…] [--year Y|Y1-Y2] [--period Q1…|M01…]
                        [--rules] [--outliers zscore|modz|iqr|history …] [--format table|csv|json] [--file F]
    deltawatch cycle open DATASET YEAR [--period Q1…Q4|M01…M12] [--due YYYY-MM-DD]
    deltawatch cycle status DATASET YEAR [--period …] [--format table|csv|json]
    deltawatch cycle remind [--today YYYY-MM-DD]

``validate`` checks the database's current values (or, with ``--file``, a file before it is
imported, read by the importer's reader) with the active validation rules (``--rules``) and
the outlier methods asked for; without either, both the rules and ``modz`` run. The report's
columns: region_code, indicator, year, value, check, severity, detail. Exit status 1 when a
check of severity error fails, so a script can stop an import.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys

from deltawatch.core.commandline import (
    UserError,
    acting_user,
    split_list,
    years_or_error,
)
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop, pgettext_noop

MESSAGES = {
    "checked": gettext_noop("已检查 {values} 个数值：{errors} 个错误，{warnings} 个警告"),
    "opened": gettext_noop("已开启报告期“{data_set}”{year} 年（截止 {due}），新建 {forms} 张填报表"),
    "unknown_data_set": gettext_noop("未知的报表：{code}"),
    "bad_date": gettext_noop("日期应写作 YYYY-MM-DD：{text}"),
    "no_cycle": gettext_noop("报表“{data_set}”没有 {year} 年的报告期：请先用 deltawatch cycle open 开启"),
    "opened_period": gettext_noop("已开启报告期“{data_set}”{period}（截止 {due}），新建 {forms} 张填报表"),
    "no_period_cycle": gettext_noop("报表“{data_set}”没有 {period} 的报告期：请先用 deltawatch cycle open 开启"),
    "bad_period_code": gettext_noop("未知的报告期：{period}（应为 {choices}）"),
    "bad_period": gettext_noop("报告期“{period}”不适用于报表“{data_set}”，应为：{choices}"),
    "reminded": gettext_noop("已发送 {n} 条填报提醒"),
    "file_problems": gettext_noop("文件有问题，未检查："),
    "status_summary": gettext_noop(
        "{cycle}（截止 {due}）：{forms} 张填报表，按时 {on_time}，逾期 {late}，未报 {missing}（已过截止日期 {overdue}），已填单元格 {filled}/{expected}"),
    "yes": gettext_noop("是"),
    "no": gettext_noop("否"),
}
# ``cycle status`` in a table: the columns in the user's language (csv and json keep the
# column names and state codes above, for scripts).
STATUS_COLUMNS = {
    "region_code": pgettext_noop("cycle status", "区划代码"),
    "region": pgettext_noop("cycle status", "区域"),
    "state": pgettext_noop("cycle status", "状态"),
    "timeliness": pgettext_noop("cycle status", "及时性"),
    "overdue": pgettext_noop("cycle status", "已过截止日期"),
    "filled": pgettext_noop("cycle status", "已填"),
    "expected": pgettext_noop("cycle status", "应填"),
    "share": pgettext_noop("cycle status", "已填比例"),
}
FORMATS = ("table", "csv", "json")


def say(key: str, lang: str, **params) -> str:
    return _say(key, lang, catalogue=MESSAGES, **params)


def _input_errors_worded(handler):
    """A rule the library refuses (``InputError``: an unknown indicator, a constant zero
    divisor) is the user's to fix: its message in the user's language, exit status 2."""

    @functools.wraps(handler)
    def run(args) -> int:
        from deltawatch.methods.errors import InputError

        try:
            return handler(args)
        except InputError as error:
            print(error.message(args.lang), file=sys.stderr)
            return 2

    return run


def _date(text: str | None, lang: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(say("bad_date", lang, text=text)) from None


def _regions(texts: list[str], lang: str) -> list[str] | None:
    from django.db.models import Q

    from deltawatch.regions.models import Region

    codes = []
    for text in texts:
        code = Region.objects.filter(Q(code=text) | Q(name_zh=text)).values_list("code", flat=True).first()
        if code is None:
            raise UserError(say("unknown_region", lang, text=text))
        codes.append(code)
    return codes or None


def _indicators(texts: list[str], lang: str) -> list[str] | None:
    from deltawatch.indicators.models import Indicator

    known = set(Indicator.objects.filter(code__in=texts).values_list("code", flat=True))
    for code in texts:
        if code not in known:
            raise UserError(say("unknown_indicator", lang, code=code))
    return texts or None


def _print(frame, fmt: str) -> None:
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    elif not frame.empty:
        sys.stdout.write(frame.to_string(index=False) + "\n")


@_input_errors_worded
def cmd_validate(args) -> int:
    from .services import selection_frame, validate

    indicators = _indicators(split_list(args.indicator), args.lang)
    regions = _regions(split_list(args.region), args.lang)
    years = years_or_error(args.year, args.lang)
    if args.file:
        frame = _file_frame(args.file, args.lang)
        if indicators:
            frame = frame[frame["indicator"].isin(indicators)]
        if regions:
            frame = frame[frame["region_code"].isin(regions)]
        if years:
            frame = frame[frame["year"].isin(years)]
    else:  # one period across the years (default: annual values); a year-on-year rule compares Q1 with Q1
        frame = selection_frame(indicators, regions, years, _period_code(args.period, args.lang))
    methods = split_list(args.outliers)
    rules = args.rules or not methods
    report = validate(frame, rules=rules, outliers=methods or (() if args.rules else ("modz",)))
    _print(report, args.format)
    errors = int((report["severity"] == "error").sum())
    print(say("checked", args.lang, values=len(frame), errors=errors, warnings=len(report) - errors), file=sys.stderr)
    return 1 if errors else 0


def _file_frame(path_text: str, lang: str):
    from pathlib import Path

    from deltawatch.observations.messages import format_report
    from deltawatch.observations.reader import read_observations
    from deltawatch.observations.services import indicator_infos
    from deltawatch.regions.services import region_resolver

    path = Path(path_text)
    if not path.is_file():
        raise UserError(say("no_file", lang, path=path_text))
    result = read_observations(path, resolver=region_resolver(), indicators=indicator_infos())
    if not result.ok:
        raise UserError(say("file_problems", lang) + "\n"
                        + format_report(result.problems, lang, total=result.problem_count))
    return result.frame[["region_code", "indicator", "year", "value"]]


def _data_set(code: str, lang: str):
    from .models import DataSet

    data_set = DataSet.objects.filter(code=code).first()
    if data_set is None:
        raise UserError(say("unknown_data_set", lang, code=code))
    return data_set


def _period_code(text: str | None, lang: str) -> str:
    """``--period`` of ``validate``: '' (annual), Q1–Q4 or M01–M12."""
    from .services import PERIOD_CHOICES

    period = (text or "").strip().upper()
    known = [p for codes in PERIOD_CHOICES.values() for p in codes]
    if period not in known:
        raise UserError(say("bad_period_code", lang, period=period, choices="Q1–Q4, M01–M12"))
    return period


def _period(data_set, text: str | None, lang: str) -> str:
    """``--period`` checked against the data set's period type ('' for an annual report)."""
    from .services import PERIOD_CHOICES

    period = (text or "").strip().upper()
    wanted = PERIOD_CHOICES.get(data_set.period_type, ("",))
    if period not in wanted:
        raise UserError(say("bad_period", lang, period=period or "—", data_set=data_set.name_zh,
                            choices=", ".join(p or "—" for p in wanted)))
    return period


def cmd_cycle_open(args) -> int:
    from deltawatch.audit.context import acting_as

    from .services import open_period_cycle, period_label

    data_set = _data_set(args.data_set, args.lang)
    period = _period(data_set, args.period, args.lang)
    user = acting_user(None)
    with acting_as(user):
        cycle, made = open_period_cycle(data_set, args.year, period, due_date=_date(args.due, args.lang), user=user)
    if cycle.period:
        print(say("opened_period", args.lang, data_set=data_set.name_zh, period=period_label(cycle.year, cycle.period),
                  due=cycle.due_date, forms=made))
    else:
        print(say("opened", args.lang, data_set=data_set.name_zh, year=cycle.year, due=cycle.due_date, forms=made))
    return 0


def cmd_cycle_status(args) -> int:
    from .models import ReportingCycle
    from .services import completeness

    from .services import period_label

    data_set = _data_set(args.data_set, args.lang)
    period = _period(data_set, args.period, args.lang)
    cycle = ReportingCycle.objects.filter(data_set=data_set, year=args.year, period=period).first()
    if cycle is None:
        if period:
            raise UserError(say("no_period_cycle", args.lang, data_set=data_set.name_zh,
                                period=period_label(args.year, period)))
        raise UserError(say("no_cycle", args.lang, data_set=data_set.name_zh, year=args.year))
    table = completeness(cycle)
    table["share"] = table["share"].round(3)
    if args.format != "table":
        _print(table, args.format)
        return 0
    import pandas as pd

    from .services import summarise

    with pd.option_context("display.unicode.east_asian_width", True):  # 中文 columns line up
        _print(_status_worded(table, args.lang), "table")
    counts = summarise(table)
    name = data_set.name_en if args.lang == "en" and data_set.name_en else data_set.name_zh
    print(say("status_summary", args.lang, cycle=f"{name} {period_label(cycle.year, cycle.period)}", due=cycle.due_date,
              forms=counts["forms"], on_time=counts["on_time"], late=counts["late"], missing=counts["missing"],
              overdue=counts["overdue"], filled=counts["filled"], expected=counts["expected"]))
    return 0


def _status_worded(table, lang: str):
    """The completeness table for people: state and timeliness labels, the region's name and
    the column names in ``lang``; the share as a percentage."""
    import pandas as pd
    from django.utils import translation

    from deltawatch.i18n import ptranslate
    from deltawatch.regions.models import Region

    from .choices import FormState, Timeliness

    table = table.copy()
    with translation.override("en" if lang == "en" else "zh-hans"):
        table["state"] = [str(FormState(s).label) for s in table["state"]]
        table["timeliness"] = [str(Timeliness(t).label) for t in table["timeliness"]]
    if lang == "en":
        names = dict(Region.objects.filter(code__in=list(table["region_code"])).values_list("code", "name_en"))
        table["region"] = [names.get(c) or n for c, n in zip(table["region_code"], table["region"])]
    table["overdue"] = [say("yes" if o else "no", lang) for o in table["overdue"]]
    table["share"] = [f"{s:.1%}" if pd.notna(s) else "—" for s in table["share"]]
    return table.rename(columns={key: ptranslate("cycle status", msgid, lang) for key, msgid in STATUS_COLUMNS.items()})


def cmd_cycle_remind(args) -> int:
    from .services import remind

    print(say("reminded", args.lang, n=remind(today=_date(args.today, args.lang))))
    return 0


def add_parsers(commands) -> None:
    validate = commands.add_parser("validate", help="校验规则与异常值检查 / check validation rules and outliers")
    validate.add_argument("--indicator", action="append", help="指标代码，可用逗号分隔 / indicator codes")
    validate.add_argument("--region", action="append", help="区域代码或名称 / region codes or names")
    validate.add_argument("--year", help="年份：2024、2020-2024 / years")
    validate.add_argument("--period", help="季度 Q1–Q4 或月份 M01–M12；默认年度值 / quarter or month (default: annual)")
    validate.add_argument("--rules", action="store_true", help="运行校验规则 / run the validation rules")
    validate.add_argument("--outliers", action="append", help="zscore, modz, iqr, history")
    validate.add_argument("--format", choices=FORMATS, default="table")
    validate.add_argument("--file", help="导入前检查文件 / check a file before importing it")
    validate.set_defaults(handler=cmd_validate)

    cycle = commands.add_parser("cycle", help="报告期：开启、进度、提醒 / reporting cycles")
    actions = cycle.add_subparsers(dest="cycle_command", required=True)
    opening = actions.add_parser("open", help="开启报告期 / open a cycle")
    opening.add_argument("data_set", help="报表代码 / data set code")
    opening.add_argument("year", type=int)
    opening.add_argument("--period", help="季报 Q1–Q4，月报 M01–M12；年报不填 / quarter or month (not for annual reports)")
    opening.add_argument("--due", help="截止日期 YYYY-MM-DD / due date")
    opening.set_defaults(handler=cmd_cycle_open)
    status = actions.add_parser("status", help="完整性与及时性 / completeness and timeliness")
    status.add_argument("data_set")
    status.add_argument("year", type=int)
    status.add_argument("--period", help="Q1–Q4, M01–M12")
    status.add_argument("--format", choices=FORMATS, default="table")
    status.set_defaults(handler=cmd_cycle_status)
    reminding = actions.add_parser("remind", help="发送到期提醒（可重复运行）/ send due-date reminders (idempotent)")
    reminding.add_argument("--today", help="YYYY-MM-DD")
    reminding.set_defaults(handler=cmd_cycle_remind)
