"""Task lists in and out of spreadsheets, in the layout offices keep:
序号 / 任务 / 牵头单位 / 参与单位 / 完成时限 / 进展情况.

Reading reuses the statistics importer's grid reader (``observations.reader.grid.load_grid``:
what the file really is, its encoding, its bounds — a ZIP bomb or a renamed executable is
refused with the same words). Importing is all or nothing, like the statistics importer: every
problem is collected with its row (as the spreadsheet numbers it) and column, and nothing is
written unless there are none. Exports use the statistics exports' neutralisation (a text cell
that a spreadsheet would run as a formula gets a leading apostrophe in CSV; XLSX text cells are
typed as text). Exporting a selection and importing it again changes nothing.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .choices import UnitRole

COLUMNS = ["序号", "任务", "牵头单位", "参与单位", "完成时限", "进展情况"]
REQUIRED = ["序号", "任务", "牵头单位", "完成时限"]
ONGOING = ("长期坚持", "持续推进", "长期", "常态化")
UNIT_SEPARATORS = r"[、，,；;/\n]+"
_HEADER_ALIASES = {"编号": "序号", "任务名称": "任务", "工作任务": "任务", "责任单位": "牵头单位", "牵头部门": "牵头单位",
                   "配合单位": "参与单位", "参与部门": "参与单位", "时间节点": "完成时限", "完成时间": "完成时限",
                   "进展": "进展情况"}


class Unparseable(ValueError):
    pass


def _month_end(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise Unparseable(month)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str, default_year: int) -> dt.date | None:
    """完成时限 as written in task lists → a due date, or None for 长期坚持 (no date).

    2025年6月底 / 2025年6月 / 2025-06 / 2025.6 → 30 June 2025; 2025年6月15日 / 2025-06-15 → that day;
    2025年 / 2025年底前 / 年底前 (this year) → 31 December; 2025年上半年 → 30 June; 2025年第三季度 →
    30 September; 6月底 → 30 June of ``default_year``. Anything else raises :class:`Unparseable`.
    """
    t = re.sub(r"\s+", "", str(text or "")).replace("末", "底")
    if not t:
        raise Unparseable(text)
    if t in ONGOING:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:前)?(?:00:00:00)?", t)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise Unparseable(text) from None
    year_part = r"(?:(\d{4})年?)?"
    m = re.fullmatch(r"(\d{4})(?:[-/.]|年)(\d{1,2})月?(?:底|份)?(?:前)?", t)
    if m:
        return _month_end(int(m[1]), int(m[2]))
    m = re.fullmatch(year_part + r"(\d{1,2})月(?:底|份)?(?:前)?", t)
    if m:
        return _month_end(int(m[1] or default_year), int(m[2]))
    m = re.fullmatch(year_part + r"(上半年|下半年|年底|年内|底|全年)?(?:前|内)?", t)
    if m and (m[1] or m[2]):
        year = int(m[1] or default_year)
        return dt.date(year, 6, 30) if m[2] == "上半年" else dt.date(year, 12, 31)
    m = re.fullmatch(year_part + r"(?:第)?([一二三四1-4])季度(?:底|前)?", t)
    if m:
        quarter = "一二三四".find(m[2]) + 1 if m[2] in "一二三四" else int(m[2])
        return _month_end(int(m[1] or default_year), quarter * 3)
    raise Unparseable(text)


def split_units(text: str) -> list[str]:
    return [part.strip() for part in re.split(UNIT_SEPARATORS, str(text or "")) if part.strip()]


@dataclass
class RowProblem:
    row: int
    column: str | None
    value: str
    message: str

    def __str__(self):
        where = _("第 %(row)s 行") % {"row": self.row} + (f"「{self.column}」" if self.column else "")
        return f"{where}：{self.message}" + (f"（{self.value}）" if self.value else "")


class ImportRefused(Exception):
    """The list has problems; nothing was written."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems[:50]))


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    assignments_added: int = 0
    dry_run: bool = False
    codes: list = field(default_factory=list)


# ------------------------------------------------------------------------------ reading


def read_rows(path: Path) -> list[dict]:
    """The rows of a task list as dicts keyed by the six column names, each with ``_row`` (the
    spreadsheet's row number). Raises ImportRefused for a file that is no table or lacks columns."""
    from deltawatch.observations.reader.grid import Unreadable, load_grid

    try:
        grid = load_grid(Path(path))
    except Unreadable as exc:
        raise ImportRefused([RowProblem(0, None, "", exc.problem(Path(path).name).message("zh"))]) from None
    cells = grid.cells.fillna("").astype(str).map(str.strip).values.tolist()
    header_at, columns = _find_header(cells)
    if header_at is None:
        raise ImportRefused([RowProblem(1, None, "", _("找不到表头：应有 %(names)s 等列") % {"names": "、".join(COLUMNS)})])
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportRefused([RowProblem(header_at + 1, None, "", _("缺少列：%(names)s") % {"names": "、".join(missing)})])
    rows = []
    for i in range(header_at + 1, len(cells)):
        values = {name: cells[i][j] if j < len(cells[i]) else "" for name, j in columns.items()}
        if not any(values.values()):
            continue
        rows.append({**{name: values.get(name, "") for name in COLUMNS}, "_row": i + 1})
    return rows


def _find_header(cells) -> tuple[int | None, dict]:
    for i, row in enumerate(cells[:20]):
        names = {}
        for j, text in enumerate(row):
            name = _HEADER_ALIASES.get(text.replace(" ", ""), text.replace(" ", ""))
            if name in COLUMNS and name not in names:
                names[name] = j
        if "任务" in names and "牵头单位" in names:
            return i, names
    return None, {}


# ------------------------------------------------------------------------------ import


def _unit_lookup() -> dict:
    from deltawatch.accounts.models import Organisation

    lookup = {}
    for unit in Organisation.objects.all():
        for key in (unit.name_zh, unit.code):
            lookup[key] = unit
    return lookup


def import_tasks(path, plan, user, *, dry_run: bool = False, default_year: int | None = None,
                 is_example: bool = False) -> ImportOutcome:
    """Import a task list into ``plan``: new 序号 become tasks with their assignments (交办),
    known ones are updated where they differ. All or nothing (ImportRefused lists the problems)."""
    from .models import Task

    default_year = default_year or dt.date.today().year
    rows = read_rows(path)
    units = _unit_lookup()
    problems, parsed = [], []
    seen_codes = {}
    for row in rows:
        item = _parse_row(row, units, default_year, problems)
        if item is None:
            continue
        if item["code"] in seen_codes:
            problems.append(RowProblem(row["_row"], "序号", item["code"],
                                       _("序号重复（第 %(row)s 行已有）") % {"row": seen_codes[item["code"]]}))
            continue
        seen_codes[item["code"]] = row["_row"]
        parsed.append(item)
    existing = {t.code: t for t in Task.objects.filter(plan=plan, code__in=list(seen_codes)).prefetch_related("assignments")}
    for item in parsed:
        task = existing.get(item["code"])
        if task is not None:
            _check_update(task, item, problems)
    if problems:
        raise ImportRefused(problems)
    outcome = ImportOutcome(dry_run=dry_run)
    with transaction.atomic():
        for item in parsed:
            _apply(plan, existing.get(item["code"]), item, user, outcome, is_example)
        if dry_run:
            transaction.set_rollback(True)
    return outcome


def _parse_row(row, units, default_year, problems) -> dict | None:
    n = row["_row"]
    before = len(problems)
    code, title = row["序号"], row["任务"]
    if not code:
        problems.append(RowProblem(n, "序号", "", _("序号为空")))
    if not title:
        problems.append(RowProblem(n, "任务", "", _("任务为空")))
    lead_names = split_units(row["牵头单位"])
    if len(lead_names) != 1:
        problems.append(RowProblem(n, "牵头单位", row["牵头单位"], _("应有且只有一个牵头单位")))
    lead = None
    for name in lead_names[:1]:
        lead = units.get(name)
        if lead is None:
            problems.append(RowProblem(n, "牵头单位", name, _("找不到该单位（请写单位全称或代码）")))
    participants = []
    for name in split_units(row["参与单位"]):
        unit = units.get(name)
        if unit is None:
            problems.append(RowProblem(n, "参与单位", name, _("找不到该单位（请写单位全称或代码）")))
        elif lead is not None and unit.pk == lead.pk:
            problems.append(RowProblem(n, "参与单位", name, _("该单位已是牵头单位，不能同时作为参与单位")))
        elif unit in participants:
            problems.append(RowProblem(n, "参与单位", name, _("参与单位重复")))
        else:
            participants.append(unit)
    due = None
    try:
        due = parse_deadline(row["完成时限"], default_year)
    except Unparseable:
        problems.append(RowProblem(n, "完成时限", row["完成时限"],
                                   _("无法识别的时限；可写 2025年6月底、2025-06、2025-06-30、年底前、长期坚持")))
    if len(problems) > before:
        return None
    text = re.sub(r"\s+", "", row["完成时限"])
    deadline_text = "" if (due is not None and text == due.isoformat()) else row["完成时限"].strip()
    return {"code": code, "title": title, "lead": lead, "participants": participants, "due": due,
            "deadline_text": deadline_text, "progress_note": row["进展情况"], "row": n}


def _participants_of(task) -> dict:
    return {a.unit_id: a for a in task.assignments.all() if a.role == UnitRole.PARTICIPANT}


def _check_update(task, item, problems) -> None:
    n = item["row"]
    if task.lead_unit_id != item["lead"].pk:
        problems.append(RowProblem(n, "牵头单位", item["lead"].name_zh,
                                   _("任务 %(code)s 已交办给 %(unit)s；更换牵头单位请由长三角办“调整”")
                                   % {"code": task.code, "unit": task.lead_unit}))
    dropped = set(_participants_of(task)) - {u.pk for u in item["participants"]}
    if dropped:
        problems.append(RowProblem(n, "参与单位", "", _("不能通过导入移除已交办的参与单位；请由长三角办“调整”或“终止”")))
    if task.start_date and item["due"] and item["due"] < task.start_date:
        problems.append(RowProblem(n, "完成时限", str(item["due"]), _("完成时限不能早于开始日期 %(start)s") % {"start": task.start_date}))


def _apply(plan, task, item, user, outcome: ImportOutcome, is_example: bool) -> None:
    from .services import NewTask, add_assignment, create_task

    if task is None:
        create_task(plan, NewTask(code=item["code"], title=item["title"], lead=item["lead"],
                                  participants=item["participants"], due_date=item["due"],
                                  deadline_text=item["deadline_text"], progress_note=item["progress_note"],
                                  is_example=is_example), user)
        outcome.created += 1
        outcome.codes.append(item["code"])
        return
    values = {"title": item["title"], "due_date": item["due"], "deadline_text": item["deadline_text"],
              "progress_note": item["progress_note"]}
    changed = [name for name, value in values.items() if getattr(task, name) != value]
    new_units = [u for u in item["participants"] if u.pk not in _participants_of(task)]
    if changed:
        for name in changed:
            setattr(task, name, values[name])
        task.save()
        if "due_date" in changed:
            task.assignments.filter(role=UnitRole.LEAD).update(due_date=task.due_date)
    for unit in new_units:
        add_assignment(task, unit, UnitRole.PARTICIPANT, user)
        outcome.assignments_added += 1
    if changed or new_units:
        outcome.updated += 1
        outcome.codes.append(item["code"])
    else:
        outcome.unchanged += 1


# ------------------------------------------------------------------------------ export


def natural_order(code: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def export_rows(*, plan=None, unit=None) -> list[list[str]]:
    """The selected tasks in the list layout, 序号 in natural order (2 before 10); two queries."""
    from .models import Assignment, Task

    tasks = Task.objects.select_related("lead_unit").order_by("plan_id", "code")
    if plan is not None:
        tasks = tasks.filter(plan=plan)
    if unit is not None:
        tasks = tasks.filter(assignments__unit=unit).distinct()
    tasks = list(tasks)
    participants: dict[int, list[str]] = {}
    for task_id, name in (Assignment.objects.filter(task__in=tasks, role=UnitRole.PARTICIPANT)
                          .order_by("task_id", "id").values_list("task_id", "unit__name_zh")):
        participants.setdefault(task_id, []).append(name)
    tasks.sort(key=lambda t: (t.plan_id, natural_order(t.code)))
    return [[t.code, t.title, t.lead_unit.name_zh, "、".join(participants.get(t.pk, [])),
             t.deadline_text or (t.due_date.isoformat() if t.due_date else ONGOING[0]), t.progress_note]
            for t in tasks]


def write_rows(rows: list[list[str]], fmt: str, target) -> None:
    """CSV (UTF-8 with BOM, formula-like texts neutralised) or XLSX (text cells typed as text)."""
    from deltawatch.observations.exports import neutralise

    if fmt == "csv":
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows([neutralise(v) for v in row] for row in rows)
        return
    if fmt != "xlsx":
        raise ValueError(f"format must be csv or xlsx, got {fmt!r}")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("任务清单")
    sheet.append(COLUMNS)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    book.save(target)
