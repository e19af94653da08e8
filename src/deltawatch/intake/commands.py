"""``deltawatch intake FILE`` — the draft targets (or with ``--tasks`` the draft tasks) of a plan
document, printed; nothing is stored (the review pages store and accept). Needs no database:
the indicator catalogue and the regions are the shipped ones (the embedded default's files)."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict
from pathlib import Path

from deltawatch.core.commandline import UserError
from deltawatch.core.commandline import say as _say
from deltawatch.i18n import gettext_noop

# key → Chinese msgid; the English is in the catalogue (locale/en/LC_MESSAGES/django.po)
MESSAGES = {
    "bad_period": gettext_noop("规划期应写作 2021-2025（年度文件可只写一年，如 2024），收到：{text}"),
}

TARGET_COLUMNS = ["indicator_text", "indicator", "target_year", "comparator", "value", "unit", "change_type",
                  "baseline_year", "sentence", "location", "confidence", "region"]
TASK_COLUMNS = ["title", "verb", "lead_units", "participants", "regions", "projects", "deadline", "deadline_text",
                "sentence", "location", "confidence"]


def _shipped(name: str):
    import pandas as pd

    return pd.read_csv(Path(__file__).resolve().parents[1] / "defaults" / "data" / name, dtype=str)


def _period(text: str, lang: str) -> tuple[int, int]:
    from deltawatch.methods.extract import parse_plan_period

    try:
        return parse_plan_period(text)
    except ValueError:
        raise UserError(_say("bad_period", lang, catalogue=MESSAGES, text=text)) from None


def _cell(value):
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def cmd_intake(args) -> int:
    from deltawatch.methods.extract import (
        ExtractError,
        draft_targets,
        draft_tasks,
        note_in,
        read,
    )

    period = _period(args.plan_period, args.lang)
    try:
        doc = read(Path(args.file), name=Path(args.file).name)
    except ExtractError as error:                        # (worded in the language asked for)
        raise UserError(error.english if args.lang == "en" else str(error)) from None
    except OSError as error:
        raise UserError(str(error)) from None
    regions = _shipped("regions.csv")[["code", "name_zh", "level"]]
    if args.tasks:
        drafts, columns = draft_tasks(doc, regions=regions, plan_period=period), TASK_COLUMNS
    else:
        catalogue = _shipped("indicators.csv")[["code", "name_zh", "name_en", "unit"]]
        drafts = draft_targets(doc, plan_period=period, catalogue=catalogue, regions=regions, possible=args.possible)
        columns = TARGET_COLUMNS + (["possible"] if args.possible else [])
    rows = [{column: asdict(d)[column] for column in columns} for d in drafts]
    for note in doc.notes:
        print(note_in(note, args.lang), file=sys.stderr)
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        sys.stdout.write("\n")
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    else:
        for row in rows:
            print("\t".join(_cell(row[c]) for c in columns if c != "sentence"))
    return 0


def add_parsers(commands) -> None:
    intake = commands.add_parser("intake", help="从规划文件起草目标和任务 / draft targets and tasks from a plan document")
    intake.add_argument("file", help="纯文本、.docx 或有文字层的 PDF")
    intake.add_argument("--plan-period", default="2021-2025", help="规划期（默认 2021-2025）：“十四五”目标年取其末年")
    intake.add_argument("--format", choices=["table", "csv", "json"], default="table")
    intake.add_argument("--tasks", action="store_true", help="列出任务草稿（默认列出目标草稿）")
    intake.add_argument("--possible", action="store_true",
                        help="也列出可能的目标（置信度低于草稿线者，possible 列为 True） / also the possible targets")
    intake.set_defaults(handler=cmd_intake, needs_database=lambda args: False)
