"""Tables of scraped plan documents (issue 17): the readers that find rows and cells — indicator
tables split by spaces or one cell per line, progress tables in their layouts — and the values of
a table cell. ``targets`` turns what they find into drafts. Hand-written: scraped pages keep no
column marks, so rows are recognised by their shape (see each reader). Pure, no Django."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .types import Document, DraftTarget
from .vocabulary import CJK, COMPARATOR_WORDS, LEVEL_VERBS, SUFFIX_COMPARATORS, UNITS

# ---------------------------------------------------------------------------------------------
# Progress tables: the year's goals in one column, what was done in the next
# ---------------------------------------------------------------------------------------------

# A report of progress (重点工作一季度进展情况表, 计划执行情况 表1) scraped with each cell on a
# line of its own: a header (序号 | 内容与要求 | 进展情况 | 责任单位, or 类别 | 指标名称 | 年度目标 |
# 完成情况 | 责任部门), then rows opened by serial numbers (1 / 1、地区生产总值增长率). The goal column
# holds the year's targets; the progress column holds results, which are no targets.
GOAL_COLUMN = re.compile(r"(?:重点)?(?:内容与|目标|工作|年度|计划|主要)?(?:要求|目标|任务)(?:内容|值)?|(?:19|20)\d{2}年(?:度)?目标|重点工作(?:事项)?")
PROGRESS_COLUMN = re.compile(r"(?:[^\s]{0,6})?(?:进展|完成|执行|推进|落实)(?:情况|进度|值)?")
SERIAL_LINE = re.compile(r"(?P<serial>\d{1,3})(?:[、.．]\s*(?P<name>\S.*))?")
NAME_HEADER = re.compile(r"指标(?:名称)?|项目(?:名称)?")
SERIAL_HEADER = re.compile(r"序号|编号")
BENCHMARK_CELL = re.compile(r"同步|平均水平|下达|衔接|相匹配|一致")
# words a text must hold to have a progress table at all (a cheap test before the readers)
PROGRESS_WORDS = re.compile(r"进展|完成情况|执行情况|推进情况|落实情况")
PROGRESS_TABLE_LINES = 600        # how far below its header a progress table's rows are looked for


@dataclass
class _ProgressTable:
    start: int
    end: int
    goal_cells: list          # (name, goal text, start, end) of each row
    sentence_cells: bool      # the goal column holds sentences (内容与要求), not values under a name


def _progress_tables(doc: Document) -> list[_ProgressTable]:
    """The progress tables of a scraped text (one cell per line, see GOAL_COLUMN)."""
    if not PROGRESS_WORDS.search(doc.text):
        return []
    lines = [(m.group().strip(), m.start() + len(m.group()) - len(m.group().lstrip()), m.end())
             for m in re.finditer(r"[^\n]+", doc.text) if m.group().strip()]
    tables, index = [], 0
    while index < len(lines):
        header = _progress_header(lines, index)
        if header is None:
            index += 1
            continue
        table, index = _progress_rows(lines, index, header)
        if table is not None:
            tables.append(table)
    return tables


# a task table printed as lines, titled as a progress report (…一季度完成情况): each row "1地区生产总值
# 增长6%以上。县发改委一季度地区生产总值增长6.8%" ends in the responsible unit and the progress cell
PROGRESS_TITLE = re.compile(r"完成情况|进展情况|推进情况|落实情况")
RESPONSIBLE_UNIT = r"[县市区省][\u4e00-\u9fff]{1,10}?(?:委|局|办|厅|院|中心|政府|部|室|处)"
TASK_ROW_WITH_UNIT = re.compile(rf"(?m)^[ \t]*\d{{1,3}}[ \t、.]*[^\n]*?[。；;][ \t]*(?={RESPONSIBLE_UNIT}(?:[、,，]{RESPONSIBLE_UNIT})*)")


def _progress_line_cells(doc: Document) -> list[tuple[int, int]]:
    """(start, end) of the progress cells of a task table printed as lines under a progress
    title: what follows a row's task cell (closed by 。) on its line — the responsible unit, then
    what was done so far, which is no target."""
    if not PROGRESS_TITLE.search(doc.text[:300]):
        return []
    cells = []
    for row in TASK_ROW_WITH_UNIT.finditer(doc.text):
        line_end = doc.text.find("\n", row.end())
        cells.append((row.end(), line_end if line_end >= 0 else len(doc.text)))
    return cells


def _progress_paragraphs(doc: Document) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs of a progress report (titled …进展情况) that follow a
    numbered task line without a number of their own: the task's progress (2.新增2个社区长者食堂 ⏎
    已选定宜川路街道…长者食堂，目前项目建设推进顺利。), which is no target."""
    if not PROGRESS_TITLE.search(doc.text[:300]):
        return []
    spans, after_item = [], False
    for line in re.finditer(r"[^\n]+", doc.text):
        text = line.group().strip()
        if not text:
            continue
        numbered = bool(re.match(r"\d{1,2}[.．、]", text))
        if after_item and not numbered and "|" not in text:   # (a table row's next line goes on with it)
            spans.append(line.span())
        after_item = numbered and "|" not in text
    return spans


def _pipe_progress_cells(doc: Document) -> list[tuple[int, int]]:
    """(start, end) of the progress cells of a pipe table whose header names a progress column
    after the task (序号 | 项目内容 | 进展情况 | 责任单位 |): each from the mark before it to the
    next. A row without its serial (a task's second line: 新增托位500个。 | 新增托位600个。 | ||)
    has its cells one place to the left. What was done is no target."""
    if "|" not in doc.text or not PROGRESS_WORDS.search(doc.text):
        return []
    spans, header_column, serial_first = [], None, False
    for line in re.finditer(r"[^\n]+", doc.text):
        row = line.group()
        if "|" not in row:
            header_column = None
            continue
        cells, _ = row_cells(row)
        names = [name for name, _ in cells]
        column = next((i for i, name in enumerate(names) if i > 0 and PROGRESS_COLUMN.fullmatch(name)), None)
        if column is not None and all(len(name) <= 8 and not re.search(r"\d", name) for name in names):
            header_column, serial_first = column, bool(SERIAL_HEADER.fullmatch(names[0]))
            continue
        if header_column is None:
            continue
        # (an empty first cell keeps the serial column's place; only a row without it shifts)
        index = header_column if re.fullmatch(r"\d{0,3}", names[0]) or not serial_first else header_column - 1
        if not 1 <= index < len(cells):
            continue
        # (from the mark before the cell to the row's end: 累计进展 after 三季度进展 is progress too)
        spans.append((line.start() + row.rfind("|", 0, cells[index][1]), line.end()))
    return spans


def row_cells(line: str) -> tuple[list[tuple[str, int]], bool]:
    """(cell text, offset in the line) of a table row, and whether its cells are parted by
    spaces: by "|" or a tab when the line has one, else by runs of spaces. A row's closing
    "|" gives no cell. The progress tables here and the task tables of ``tasks`` read rows so."""
    if "|" in line or "\t" in line:
        cells, position = [], 0
        for part in re.split(r"[|\t]", line):
            stripped = part.strip()
            cells.append((stripped, position + (len(part) - len(part.lstrip())) if stripped else position))
            position += len(part) + 1
        while cells and not cells[-1][0]:
            cells.pop()
        return cells, False
    return [(m.group(), m.start()) for m in re.finditer(r"\S+", line)], True


def _progress_header(lines, index):
    """(columns, goal column, serial column, where the rows begin) when a header of short cells
    with a goal column and a progress column after it begins at ``index``, else None."""
    columns = []
    for text, _, _ in lines[index:index + 8]:
        if len(text) > 8 or re.search(r"\d", text):
            break
        columns.append(re.sub(r"\s", "", text))
    found = _progress_columns(columns)
    return None if found is None else (columns, *found, index + len(columns))


def _progress_columns(columns: list[str]):
    """(goal column, serial or name column) of a progress table's header cells, else None: a goal
    column with a progress column after it, and a serial or a name column."""
    goal = next((i for i, c in enumerate(columns) if GOAL_COLUMN.fullmatch(c)), None)
    if goal is None or not any(PROGRESS_COLUMN.fullmatch(c) for c in columns[goal + 1:]):
        return None
    serial = next((i for i, c in enumerate(columns) if SERIAL_HEADER.fullmatch(c)), None)
    named = next((i for i, c in enumerate(columns) if NAME_HEADER.fullmatch(c)), None)
    if serial is None and named is None:
        return None
    return goal, serial if serial is not None else named


# a row of a progress table whose cells are parted by spaces: its serial number, then cells
SPACED_ROW = re.compile(r"(?m)^[ \t]*(\d{1,3})[、.．]?[ \t]+(\S[^\n]*)$")


def _spaced_progress_tables(doc: Document) -> list[_ProgressTable]:
    """Progress tables scraped with a row per line and the cells parted by spaces (序号 重点工作任务
    牵头责任单位 一季度完成情况 ⏎ 1 地区生产总值增长6%左右 市发展改革委 一季度增长5.8%): the cell under
    the goal column of each numbered row, when the row has as many cells as the header. Only a
    row of the header's width is read, since a cell holding a space would shift the columns."""
    if not PROGRESS_WORDS.search(doc.text):
        return []
    tables = []
    for header_line in re.finditer(r"(?m)^[ \t]*(?:序号|编号|指标)[ \t]+[^\n]+$", doc.text):
        columns = header_line.group().split()
        found = _progress_columns(columns)
        if found is None or any(len(c) > 8 or re.search(r"\d", c) for c in columns):
            continue
        goal, serial = found
        cells, position, end = [], header_line.end() + 1, header_line.end()
        for row in SPACED_ROW.finditer(doc.text, position):
            if doc.text[position:row.start()].strip():
                break                                    # (the rows run on without other lines)
            parts = list(re.finditer(r"\S+", row.group()))
            if len(parts) != len(columns):
                break
            cell = parts[goal]
            cells.append(("", cell.group(), row.start() + cell.start(), row.start() + cell.end()))
            position = end = row.end()
        if cells:
            tables.append(_ProgressTable(start=header_line.start(), end=end, goal_cells=cells,
                                         sentence_cells=not NAME_HEADER.fullmatch(columns[serial])))
    return tables


def _progress_rows(lines, index, header):
    """The table's rows, from serial 1 on while the serial numbers run 1, 2, 3 …; (table or None,
    the index of the first line after it)."""
    columns, goal, serial_column, first = header
    # (the serial numbers run on from the first one under the header: a report that repeats the
    # header for each leader's part numbers its tables 1, then 2 …; such a table may hold one row)
    opening = SERIAL_LINE.fullmatch(lines[first][0]) if first < len(lines) else None
    starts, expected = [], int(opening.group("serial")) if opening else 1
    bare = opening is not None and opening.group("name") is None   # (1⏎任务 — then 1.… 2.… in a cell are no rows)
    for at in range(first, min(len(lines), first + PROGRESS_TABLE_LINES)):
        match = SERIAL_LINE.fullmatch(lines[at][0])
        if match and int(match.group("serial")) == expected and not (bare and match.group("name")):
            starts.append(at)
            expected += 1
    if not starts or len(starts) < 2 and starts[0] != first:
        return None, first
    width = max(2, min(b - a for a, b in itertools.pairwise(starts))) if len(starts) > 1 else len(columns) - serial_column
    bounds = list(itertools.pairwise(starts)) + [(starts[-1], min(len(lines), starts[-1] + width + 2))]
    sentence_cells = not NAME_HEADER.fullmatch(columns[serial_column])
    cells = []
    for a, b in bounds:
        row = lines[a:b]
        name = SERIAL_LINE.fullmatch(row[0][0]).group("name") or ""
        found = _goal_cell(row, goal - serial_column, sentence_cells)
        if found is not None:
            tail, text, start, end = found
            cells.append((name + tail, text, start, end))
    return _ProgressTable(start=lines[starts[0]][1], end=lines[bounds[-1][1] - 1][2], goal_cells=cells,
                          sentence_cells=sentence_cells), bounds[-1][1]


def _goal_cell(row, offset: int, sentence_cells: bool):
    """(the tail of the row's name, goal text, start, end) of a row: the cell ``offset`` lines after
    the serial. A value cell broken by the page over lines is joined: a name's tail without a digit
    before it (…占区级税收 / 比重) goes back to the name, a verb before the value (控制在 / 10410人内)
    and a unit after it (提升4个 / 百分点) are taken in."""
    at = offset
    if at >= len(row) or at < 1:
        return None
    if sentence_cells:
        text, start, end = row[at]
        return "", text, start, end
    if not re.search(r"\d", row[at][0]) and BENCHMARK_CELL.search(row[at][0]):
        return "", row[at][0], row[at][1], row[at][2]     # a target in words: 与市保持同步
    verbs = tuple(COMPARATOR_WORDS) + LEVEL_VERBS + ("提升", "增长", "提高", "下降")
    while at < len(row) - 1 and not re.search(r"\d", row[at][0]) and len(row[at][0]) <= 3 \
            and not row[at][0].endswith(verbs):
        at += 1                                          # the tail of a name broken over two lines
    tail, first = "".join(text for text, _, _ in row[offset:at]), at
    if at < len(row) - 1 and not re.search(r"\d", row[at][0]) and len(row[at][0]) <= 4 \
            and row[at][0].endswith(verbs):
        at += 1                                          # a verb standing above its value
    if re.fullmatch(r"(?:个)?百分点", row[min(at + 1, len(row) - 1)][0]):
        at += 1
    if not re.search(r"\d", "".join(text for text, _, _ in row[first:at + 1])):
        return None
    return tail, "".join(text for text, _, _ in row[first:at + 1]), row[first][1], row[at][2]


# ---------------------------------------------------------------------------------------------
# Tables: a row per indicator, a column per year
# ---------------------------------------------------------------------------------------------


# the cells of a government page's metadata table (索引号 | 000330185/2022-86781 | 公开方式 | 主动公开)
PAGE_META_CELL = re.compile(r"索引号|公开方式|公开范围|公开时限|公开类别|发布单位|发布机构|发文日期|发布日期|发布时间|"
                            r"文件编号|文号|主题分类|成文日期|发文机关|组配分类")


UNIT_ENDINGS = ("克", "米", "吨", "元", "瓦", "时", "人", "次", "个", "户", "亩", "箱")


def _names_a_unit(text: str) -> bool:
    """(亿元), (%), (万人次), (吨/万元) name units; (区属), (累计) do not."""
    text = re.sub(r"\s", "", text).replace("％", "%")
    return text in UNITS or "/" in text or "%" in text or text in ("比值", "ratio") or text.endswith(UNIT_ENDINGS)


def _cell_name(cell: str) -> str:
    """A name or unit cell without the breaks of the scraped page ("占全市 生产总值比重",
    "万平 方米") and without a footnote mark at its end ("拥有量[1]")."""
    cell = re.sub(rf"(?<=[{CJK}])\s+(?=[{CJK}])", "", cell.strip())
    return re.sub(r"\s*[\[［〔(（]\d{1,2}[\]］〕)）]$|[*＊]+$", "", cell).strip()


# names of what is already a ratio: a % beside them is the ratio's level, not a growth
RATE_NAME = re.compile(r"率|比重|比例|占比|占|份额|指数|强度|覆盖|达标|满意|程度|水平|贡献|系数|%")


def _cell_targets(cell, name, unit, year, row_text, location, position, row_end, *, growth=False) -> list[DraftTarget]:
    drafts = []
    for sub, value, high, comparator, hint, cell_unit in _table_values(cell):
        # (增加值 | 5.5%以上 in a year's goal column: a quantity's goal in % is its growth)
        # (and 规模以上工业总产值 | % | 4: a unit column of % beside a quantity)
        quantity_in_percent = (cell_unit == "%" and not unit or unit in ("%", "％") and not cell_unit) \
            and not RATE_NAME.search(name)
        change = hint if hint in ("cumulative", "increase", "decrease") else (
            "increase" if re.search(r"增长|增速|提高", name) or (growth and not cell_unit) or quantity_in_percent
            else "decrease" if re.search(r"下降|降低|减少", name) else "level")
        unit = cell_unit or unit
        indicator = name
        if change != "level":
            indicator = re.sub(r"(?:年均)?(?:增长|增速|降低|下降|提高|减少)(?:率)?$", "", indicator) or indicator
        indicator = re.sub(r"[〔\[【]?累计[〕\]】]?", "", indicator) + (f"({sub})" if sub else "")
        drafts.append(DraftTarget(
            indicator_text=indicator, sentence=row_text, location=location, start=position, end=row_end,
            target_year=year, comparator=comparator, value=value, value_high=high, value_text=cell,
            unit=unit.replace("％", "%"), change_type=change, confidence=0.75))
    if not drafts and _words_target(cell):
        drafts.append(DraftTarget(
            indicator_text=name, sentence=row_text, location=location, start=position, end=row_end,
            numeric=False, target_year=year, value=None, value_text=cell.strip("[]〔〕【】 "),
            unit=unit, change_type="level", confidence=0.5))
    return drafts


def _words_target(cell: str) -> bool:
    """A target cell in words: Chinese text without a number (not a dash for "no target")."""
    core = cell.strip("[]〔〕【】()（） ")
    return len(re.findall(rf"[{CJK}]", core)) >= 4 and not re.search(r"\d", core)


@dataclass
class _TextTable:
    rows: list
    start: int
    end: int
    location: str
    right_aligned: bool = True
    row_spans: tuple = ()


HEADER_LINE = re.compile(r"(?m)^[^\n]{0,40}?(?:19|20)\d{2}年?[^\n]{0,20}?(?:19|20)\d{2}年?[^\n]{0,40}$")


def _space_tables(doc: Document) -> list[_TextTable]:
    """Indicator tables of scraped text: a header line naming two years, rows of cells split by
    spaces below it (aligned on the right, as a spanning category cell drops out on the left).
    A line holding one short name without a digit is a group heading (学前教育, 高等教育): the
    rows under it keep their place in the table, and a short row name (在校生, 毛入学率) takes the
    group's name before it. A header whose name cell stands on the line above (指 标 / 单位
    2015年 2020年) is one cell shorter than its rows and takes a name column first."""
    tables = []
    for match in HEADER_LINE.finditer(doc.text):
        header = match.group().split()
        if len(header) < 3 or "\t" in match.group() or sum(bool(re.fullmatch(r"(?:19|20)\d{2}年?", c))
                                                            for c in header) < 2:
            continue
        rows, spans, group = [header], [], ""
        base = match.end() + 1
        for line in re.finditer(r"[^\n]*(?:\n|$)", doc.text[base:]):
            cells = line.group().split()
            if len(cells) == 1 and len(cells[0]) <= 12 and not re.search(r"\d", cells[0]):
                group = cells[0]                              # a group heading inside the table
                continue
            if len(rows) == 1 and len(cells) == len(header) + 1 and not re.search(r"\d", cells[0]):
                header.insert(0, "指标")                        # the name column's header was the line above
            if len(cells) < 3 or len(cells) > len(header) or not re.search(r"\d", line.group()):
                break
            if group and len(cells) == len(header) and len(re.sub(r"^其中[:：]", "", cells[0])) <= 5:
                cells[0] = group + re.sub(r"^其中[:：]", "", cells[0])
            rows.append(cells)
            spans.append((base + line.start(), base + line.start() + len(line.group().rstrip("\n"))))
        if len(rows) > 1:
            location = doc.location(match.start()) if len(doc.sections) < 2000 else ""
            tables.append(_TextTable(rows=rows, start=match.start(), end=spans[-1][1], location=location,
                                     row_spans=tuple(spans)))
    return tables


# the year cells of a table scraped one cell per line (2017年⏎⏎2020年⏎⏎2022年), blank lines between
# (2010年实绩 / 2015年目标 / 2020年现状值 / 2025年规划值: a year cell with what it holds)
YEAR_CELL = r"(?:19|20)\d{2}年(?:目标值?|实绩|实际值?|现状值?|基数|基期值?|规划值?|预期值?|预计)?"
YEAR_CELL_RUN = re.compile(rf"(?m)^[ \t]*{YEAR_CELL}[ \t]*\n(?:[ \t]*\n)*[ \t]*{YEAR_CELL}[ \t]*$")
EMPTY_CELL = re.compile(r"[—–\-－/／]{1,2}")


def cell_lines(doc: Document, start: int) -> list[tuple[str, int, int]]:
    """The non-blank lines of the 20,000 characters from ``start``, one table cell each: (cell,
    where its text starts, where its line ends), relative to ``start``."""
    return [(m.group().strip(), m.start() + len(m.group()) - len(m.group().lstrip()), m.end())
            for m in re.finditer(r"[^\n]+", doc.text[start:start + 20000]) if m.group().strip()]


def _line_tables(doc: Document) -> list[_TextTable]:
    """Indicator tables of scraped text with every cell on a line of its own (类别⏎指标⏎2017年⏎
    2020年⏎2022年⏎总体规模⏎数字经济增加值(亿元)⏎20658⏎30000⏎40000 …): a header of two or more
    year cells, then rows of a name line (and a unit line under a 单位 header) followed by one
    value line per year. A short line without a digit that opens no row is a category cell
    spanning rows (总体规模) and is passed over. Hand-written: the page keeps no column marks, so
    rows are recognised by their shape — a name, then as many values as the header has years."""
    tables = []
    for run in YEAR_CELL_RUN.finditer(doc.text):
        lines = cell_lines(doc, run.start())
        years = list(itertools.takewhile(lambda line: re.fullmatch(YEAR_CELL, line[0]), lines))
        names_before = [cell for cell, _, _ in _header_cells_before(doc, run.start())]
        unit = "单位" in names_before
        header = ["指标"] + (["单位"] if unit else []) + [cell for cell, _, _ in years]
        rows, spans, at, skipped = [header], [], len(years), 0
        shift = run.start()
        width = 1 + unit + len(years)
        # (three cells passed over in a row at most: a 指标类型 column, a category cell split as 基础⏎设施)
        while at + width <= len(lines) and skipped <= 3:
            cells = [cell for cell, _, _ in lines[at:at + width]]
            values = cells[1 + unit:]
            if not re.search(r"\d", cells[0]) and len(cells[0]) <= 60 and all(
                    EMPTY_CELL.fullmatch(v) or _table_values(v) for v in values) and any(_table_values(v) for v in values):
                rows.append(cells)
                spans.append((shift + lines[at][1], shift + lines[at + width - 1][2]))
                at, skipped = at + width, 0
            elif not re.search(r"\d", cells[0]) and len(cells[0]) <= 12:
                at, skipped = at + 1, skipped + 1          # a category cell spanning rows (总体规模)
            else:
                break
        if len(rows) > 2:
            location = doc.location(run.start()) if len(doc.sections) < 2000 else ""
            tables.append(_TextTable(rows=rows, start=run.start(), end=spans[-1][1], location=location,
                                     row_spans=tuple(spans)))
    return tables


# a header one cell per line naming the goal column (指标⏎单位⏎2017年主要预期目标⏎绝对值(亿元)⏎…)
GOAL_HEADER_CELL = re.compile(r"(?:(?:19|20)\d{2}年)?[^\n]{0,6}?(?:预期目标|目标值|计划目标|年度目标|计划数|目标)")
SERIAL_ROW = re.compile(rf"^(?:\d{{1,2}}[.．、]\s*|[#＃]\s*)[{CJK}]")


def _serial_line_tables(doc: Document) -> list[_TextTable]:
    """Tables of scraped text with every cell on a line of its own, a header that names its goal
    column with at most one year (指标⏎单位⏎2017年主要预期目标⏎绝对值(亿元)⏎增长(%)⏎进度(%)), and
    rows that open with a serial or a sub-item mark (1.增加值增长⏎%⏎7左右⏎1024.6⏎… / #增加值(属地)
    增长⏎…). Rows may be shorter than the header (a ratio cell spanning the last columns), so a
    row runs to the next serial line. A row whose unit cell is no unit (城镇登记失业人数⏎控制在…)
    has its cells shifted and is left out. Hand-written for the same reason as ``_line_tables``."""
    tables = []
    for name_cell in re.finditer(r"(?m)^[ \t]*(?:指标|指标名称|项目)[ \t]*$", doc.text):
        lines = cell_lines(doc, name_cell.start())
        # (a 序号 column of its own, 序号⏎指标名称⏎单位⏎2021年目标⏎指标属性⏎1⏎地区生产总值增长⏎%⏎7⏎…:
        # a row opens at its serial and runs to the next one, a row without a value being shorter)
        numbered = doc.text[max(0, name_cell.start() - 40):name_cell.start()].split()[-1:] == ["序号"]
        header = list(itertools.takewhile(
            lambda line: not (line[0] == "1" if numbered else SERIAL_ROW.match(line[0])) and len(line[0]) <= 16,
            lines[:9]))
        cells = [cell for cell, _, _ in header]
        if not 3 <= len(cells) <= 8 or not any(GOAL_HEADER_CELL.fullmatch(c) for c in cells) \
                or sum(bool(re.search(r"(?:19|20)\d{2}", c)) for c in cells) > 1 \
                or any(PROGRESS_WORDS.search(c) for c in cells):
            continue                                     # (a 完成情况 column: the progress readers' table)
        # (the table's title names the year of its goals: 1:2024年…主要指标完成情况)
        title = doc.text[max(0, name_cell.start() - 120):name_cell.start()].strip().rsplit("\n", 1)[-1]
        title_year = re.search(r"(?:19|20)\d{2}年", title)
        if title_year:
            cells = [title_year.group() + c if GOAL_HEADER_CELL.fullmatch(c) and not re.search(r"(?:19|20)\d{2}", c)
                     else c for c in cells]
        unit_column = next((i for i, c in enumerate(cells) if c == "单位"), None)
        rows, spans, at, shift = [cells], [], len(header), name_cell.start()
        if numbered:
            cells, unit_column = ["序号", *cells], None if unit_column is None else unit_column + 1
            rows = [cells]
        while at < len(lines) and (lines[at][0] == str(len(rows)) if numbered else SERIAL_ROW.match(lines[at][0])):
            end = at + 1
            while end < len(lines) and end - at < len(cells) and len(lines[end][0]) <= 30 and (
                    lines[end][0] != str(len(rows) + 1) if numbered else not SERIAL_ROW.match(lines[end][0])):
                end += 1
            row = [cell for cell, _, _ in lines[at:end]]
            if unit_column is None or unit_column < len(row) and _names_a_unit(row[unit_column]):
                rows.append(row)
                spans.append((shift + lines[at][1], shift + lines[end - 1][2]))
            at = end
        if len(rows) > 2:
            location = doc.location(name_cell.start()) if len(doc.sections) < 2000 else ""
            tables.append(_TextTable(rows=rows, start=name_cell.start(), end=spans[-1][1], location=location,
                                     right_aligned=False, row_spans=tuple(spans)))
    return tables


def _header_cells_before(doc: Document, position: int) -> list[tuple[str, int, int]]:
    """The up to three short cell lines right above a header's first year cell (类别⏎指标⏎单位)."""
    before = [m for m in re.finditer(r"[^\n]+", doc.text[max(0, position - 200):position]) if m.group().strip()]
    cells = []
    for match in reversed(before[-3:]):
        cell = match.group().strip()
        if len(cell) > 8 or re.search(r"\d", cell):
            break
        cells.insert(0, (re.sub(r"\s", "", cell), match.start(), match.end()))
    return cells


def _target_columns(header: list[str], plan_period) -> list[tuple[int, int]]:
    """(column, year) of the values to read: each year of the plan period, a milestone (2020年 in
    a plan to 2022) as well as the last (else a column
    named 目标 / 规划值 / 预期 without a year), and a 年均 / 累计 column without a year of its own
    (the annual or five-year figure of the 十四五 tables, for the plan period's last year)."""
    years, goals, period = [], [], []
    for index, cell in enumerate(header):
        match = re.search(r"((?:19|20)\d{2})", cell)
        leaf = cell.rsplit("/", 1)[-1]
        if match:
            if int(match.group(1)) >= plan_period[0] and "基" not in cell:
                years.append((index, int(match.group(1))))
        elif re.search(r"年均|累计", leaf):
            period.append((index, plan_period[1]))
        elif re.search(r"目标|规划值|预期", cell) and not re.search(r"名称|内容", cell):   # (not 目标名称)
            goals.append((index, plan_period[1]))
    columns = sorted(years, key=lambda c: c[0]) if years else goals[-1:]
    return columns + period


# comparator signs of table cells (≥65, >60, <5.5, 约110)
CELL_SIGNS = {">=": "≥", "≥": "≥", ">": ">", "＞": ">", "<=": "≤", "≤": "≤", "<": "<", "＜": "<", "约": "≈"}
CELL_VALUE = re.compile(r"^(>=|≥|>|＞|<=|≤|<|＜|约)?(\d+(?:\.\d+)?)(?:[-－—~～](\d+(?:\.\d+)?))?(以上|以内|左右|以下)?$")


CELL_UNIT = re.compile(r"(?<=\d)(" + "|".join(map(re.escape, UNITS)) + r")(?=以上|以内|左右|以下|$)")


def _table_values(cell: str) -> list[tuple]:
    """(sub-label, value, upper value, comparator, change hint, unit written in the cell) of each
    value of a table cell:
    '75' / '>3' / '≥65' / '3以上' / '6左右' / '10-11'; a cell in square brackets '[13.5]' is a
    five-year cumulative figure (the note of every 十四五 table: "[]内为五年累计数"), except
    '[累计达到1000]', a total to reach (a level); '[成片:五年累计约110 零星:五年累计约20]' holds
    two values, one per sub-label."""
    cell = cell.replace("％", "%").strip()
    bracketed = bool(re.match(r"^[〔\[【(（].*[〕\]】)）]$", cell))
    inner = re.sub(r"^[〔\[【(（]|[〕\]】)）]$", "", cell) if bracketed else cell
    parts = re.findall(rf"([{CJK}A-Za-z]{{1,8}})[:：]\s*([^\s:：]+)", inner) or [("", inner)]
    values = []
    for sub, text in parts:
        total = bool(re.search(r"达到|达", text))              # 累计达到1000: the total, a level
        # (增长6%以上 / 下降3%: a change written in the cell, in %, whatever the unit column says)
        change = re.match(r"\s*(?:年均)?(增长|提高|下降|降低)", text)
        text = text[change.end():] if change else text
        core = re.sub(r"五年|累计|年均|达到|达|[%\s]", "", text)
        cell_unit = CELL_UNIT.search(core)                    # 2.7万人以上: a unit in the cell
        if cell_unit:
            core = core[:cell_unit.start()] + core[cell_unit.end():]
        cell_unit = cell_unit.group(1) if cell_unit else ("%" if "%" in text else "")
        match = CELL_VALUE.match(core)
        if not match:
            continue
        sign, first, second, suffix = match.groups()
        comparator = CELL_SIGNS.get(sign or "", "=")
        if suffix:
            comparator = dict(SUFFIX_COMPARATORS)[suffix]
        hint = "cumulative" if bracketed and not total else None
        if change:
            hint = "increase" if change.group(1) in ("增长", "提高") else "decrease"
            cell_unit = cell_unit or ("%" if "%" in text else "")
        if second:
            values.append((sub, float(first), float(second), "range", hint, cell_unit))
        else:
            values.append((sub, float(first), None, comparator, hint, cell_unit))
    return values
