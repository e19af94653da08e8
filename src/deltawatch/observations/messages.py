"""User-facing messages of the statistics-file importer, in Chinese and English.

A :class:`~deltawatch.observations.reader.Problem` carries a ``code`` and ``params``;
this module turns it into one line naming the file, the row, the column, the cell value
and the reason, e.g. ``data.csv 第5行 “数值”列 “abc”：不是有效的数字`` or
``data.csv row 5, column “value”, “abc”: not a number``.

Pure Python: no Django (the web views pass the user's language code).
"""

from __future__ import annotations

import os
import string

__all__ = ["MESSAGES", "format_problem", "format_report", "ROLE_NAMES"]

MESSAGES: dict[str, dict[str, str]] = {
    "unknown_region": {
        "zh": "找不到该地区",
        "en": "unknown region",
    },
    "ambiguous_region": {
        "zh": "地区名称有歧义，可能是：{candidates}；请写区划代码或带上级名称（如“南京市鼓楼区”）",
        "en": "ambiguous region name, could be: {candidates}; write the region code or "
              "qualify it with its city (e.g. “南京市鼓楼区”)",
    },
    "region_not_valid": {
        "zh": "该地区在{year}年不存在（区划已变更：{candidates}）",
        "en": "this region did not exist in {year} (boundary change: {candidates})",
    },
    "unknown_indicator": {
        "zh": "未知指标",
        "en": "unknown indicator",
    },
    "derived_indicator": {
        "zh": "该指标由系统计算得出，不能导入",
        "en": "this indicator is computed by the system and cannot be imported",
    },
    "not_a_number": {
        "zh": "不是有效的数字",
        "en": "not a number",
    },
    "blank_value": {
        "zh": "单元格为空",
        "en": "cell is blank",
    },
    "bad_year": {
        "zh": "年份不是整数",
        "en": "year is not an integer",
    },
    "year_out_of_range": {
        "zh": "年份超出允许范围（{min}–{max}）",
        "en": "year outside the allowed range ({min}–{max})",
    },
    "unknown_unit": {
        "zh": "无法识别的单位“{unit}”",
        "en": "unknown unit “{unit}”",
    },
    "incompatible_unit": {
        "zh": "单位“{unit}”不能换算为该指标的单位“{expected}”",
        "en": "unit “{unit}” cannot be converted to the indicator's unit “{expected}”",
    },
    "out_of_bounds": {
        "zh": "数值 {converted}（{unit}）超出该指标的合理范围 [{lower}, {upper}]",
        "en": "value {converted} ({unit}) is outside the indicator's range [{lower}, {upper}]",
    },
    "duplicate_key": {
        "zh": "与第{other_row}行重复（地区、指标、年份均相同）",
        "en": "duplicates row {other_row} (same region, indicator and year)",
    },
    "unknown_qualifier": {
        "zh": "无法识别的数值性质；可用：约（左右）、以上、以下、初步，准确值留空",
        "en": "unknown qualifier; use approx (约, 左右), lower_bound (以上), upper_bound (以下), "
              "preliminary (初步), or leave blank for an exact value",
    },
    "empty_file": {
        "zh": "文件为空或只有表头，没有数据",
        "en": "the file is empty or has only a header, no data",
    },
    "unknown_layout": {
        "zh": "无法识别表格格式（表头：{headers}）；需要“地区、指标、年份、数值”四列，"
              "或第一列为地区、其余列为年份或指标",
        "en": "cannot recognise the table layout (headers: {headers}); expected columns "
              "region, indicator, year, value, or regions in the first column and years or "
              "indicators in the others",
    },
    "missing_year": {
        "zh": "未指定年份：请在标题或第一列表头写明年份（如“2019年”），或导入时选择年份",
        "en": "no year given: write it in the title or first header (e.g. “2019”), "
              "or choose the year when importing",
    },
    "missing_indicator": {
        "zh": "未指定指标：请在标题中写明指标名称，或导入时选择指标",
        "en": "no indicator given: name it in the title, or choose the indicator when importing",
    },
    "missing_column": {
        "zh": "缺少必需的列“{name_zh}”（可用表头：{accepted}）",
        "en": "required column “{name_en}” is missing (accepted headers: {accepted})",
    },
    "unreadable_file": {
        "zh": "无法读取文件：{reason}",
        "en": "cannot read the file: {reason}",
    },
}

ROLE_NAMES = {
    "region": ("地区", "region"),
    "indicator": ("指标", "indicator"),
    "year": ("年份", "year"),
    "value": ("数值", "value"),
    "unit": ("单位", "unit"),
    "source": ("来源", "source"),
}

_HEADER = {
    "zh": "导入失败：发现 {n} 个错误，未写入任何数据。",
    "en": "Import failed: {n} error{s}, nothing was written.",
}
_OK = {"zh": "检查通过：未发现错误。", "en": "Check passed: no errors found."}
_MORE = {"zh": "……另有 {n} 个错误未列出。", "en": "… and {n} more not shown."}


class _Params(dict):
    def __missing__(self, key):
        return ""


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def _lang(lang: str | None) -> str:
    return "en" if (lang or "zh").lower().startswith("en") else "zh"


def format_problem(problem, lang: str = "zh") -> str:
    """One line: file, row, column, value and the reason, in ``lang`` ("zh" or "en")."""
    lang = _lang(lang)
    params = _Params({k: _show(v) for k, v in (problem.params or {}).items()})
    if lang == "en" and isinstance((problem.params or {}).get("candidates"), (list, tuple)):
        params["candidates"] = ", ".join(str(v) for v in problem.params["candidates"])
    template = MESSAGES.get(problem.code, {}).get(lang) or problem.code
    reason = string.Formatter().vformat(template, (), params)
    name = os.path.basename(str(problem.file)) if problem.file else ""
    value = problem.value
    if value is not None and len(value) > 60:
        value = value[:57] + "…"
    if lang == "zh":
        where = name
        if problem.row is not None:
            where += f" 第{problem.row}行"
        if problem.column:
            where += f" “{problem.column}”列"
        if value is not None:
            where += f" “{value}”"
        return f"{where.strip()}：{reason}" if where.strip() else reason
    parts = [name] if name else []
    if problem.row is not None:
        if parts:
            parts[-1] += f" row {problem.row}"
        else:
            parts.append(f"row {problem.row}")
    if problem.column:
        parts.append(f"column “{problem.column}”")
    if value is not None:
        parts.append(f"“{value}”")
    return f"{', '.join(parts)}: {reason}" if parts else reason


def format_report(problems, lang: str = "zh", limit: int = 200, total: int | None = None) -> str:
    """A multi-line report: a header line, then one line per problem (at most ``limit``).

    ``total`` is the number of problems found when ``problems`` holds only the first
    ones (``ReadResult.problem_count``).
    """
    lang = _lang(lang)
    problems = list(problems)
    n = max(total or 0, len(problems))
    if n == 0:
        return _OK[lang]
    lines = [_HEADER[lang].format(n=n, s="" if n == 1 else "s")]
    lines += [f"  {format_problem(p, lang)}" for p in problems[:limit]]
    if n > min(limit, len(problems)):
        lines.append("  " + _MORE[lang].format(n=n - min(limit, len(problems))))
    return "\n".join(lines)
