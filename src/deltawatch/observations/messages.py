"""User-facing messages of the statistics-file importer, in Chinese and English.

A :class:`~deltawatch.observations.reader.Problem` carries a ``code`` and ``params``;
this module turns it into one line naming the file, the row, the column, the cell value
and the reason, e.g. ``data.csv 第5行 “数值”列 “abc”：不是有效的数字`` or
``data.csv row 5, column “value”, “abc”: not a number``.

A file that cannot be read at all is one ``unreadable_file`` problem whose ``reason`` is a key
of :data:`REASONS`: what was expected and what was found (:data:`FILE_KINDS`), the bound a
file passes, or what is damaged — with how to fix it. Whatever a file holds, a line stays
short: lists show their first :data:`MAX_LISTED` items and how many more, cells and texts are
cut with "…".

Pure Python: no Django (the web views pass the user's language code).
"""

from __future__ import annotations

import os
import string

__all__ = ["MESSAGES", "REASONS", "FILE_KINDS", "format_problem", "format_report", "ROLE_NAMES"]

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
        "zh": "该地区在{year}年不存在：{changes}",
        "en": "this region did not exist in {year}: {changes}",
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
    "not_finite": {
        "zh": "不是有限的数值（NaN或无穷大，常由程序导出时写入）；缺失的数值请不要写入文件"
              "（宽表中可留空或写“—”）",
        "en": "not a finite number (NaN or infinity, as programs write them); leave a missing value "
              "out (in a wide table, leave the cell blank or write “—”)",
    },
    "value_overflow": {
        "zh": "数值过大：换算为该指标的单位（{unit}）后超出计算机能表示的范围（约1.8e308）",
        "en": "number too large: in the indicator's unit ({unit}) it exceeds the largest number a "
              "computer can hold (about 1.8e308)",
    },
    "implausible_value": {
        "zh": "数值 {converted}（{unit}）的绝对值超过 {limit}，不可能是统计数据；请检查单位和小数点",
        "en": "value {converted} ({unit}) exceeds {limit} in magnitude, which no statistic does; "
              "check the unit and the decimal point",
    },
    "cell_too_long": {
        "zh": "单元格过长（{length}个字符，上限{limit}个）",
        "en": "cell too long ({length} characters, the limit is {limit})",
    },
    "formula_without_value": {
        "zh": "是公式但没有计算结果：请在Excel中打开并保存，或粘贴为数值",
        "en": "is a formula without a computed value: open the file in Excel and save it, or paste "
              "the cells as values",
    },
}

# Why a file cannot be read: the ``reason`` of an ``unreadable_file`` problem (reader.grid).
REASONS: dict[str, dict[str, str]] = {
    "cannot_open": {
        "zh": "无法打开文件（{detail}）",
        "en": "cannot open the file ({detail})",
    },
    "wrong_file_kind": {
        "zh": "文件名为“{suffix}”，应是{expected}，但内容是{found}。{hint}",
        "en": "the file is named “{suffix}”, so {expected} was expected, but it contains {found}. {hint}",
    },
    "xls_not_supported": {
        "zh": "不支持Excel 97–2003格式（.xls）：请用Excel打开后另存为.xlsx",
        "en": "Excel 97–2003 files (.xls) are not supported: open it in Excel and save it as .xlsx",
    },
    "xlsx_damaged": {
        "zh": "文件是ZIP格式，像是Excel工作簿（.xlsx），但已损坏或不完整（{detail}）；请用Excel打开后重新保存",
        "en": "the file looks like an Excel workbook (.xlsx, a ZIP archive) but is damaged or incomplete "
              "({detail}); open it in Excel and save it again",
    },
    "xlsx_too_large": {
        "zh": "Excel工作簿解压后共{size}，超过上限{limit}（文件过大，或是“压缩炸弹”）；请拆分为较小的文件或另存为CSV",
        "en": "the Excel workbook would expand to {size}, more than the limit of {limit} (too large, or a "
              "“zip bomb”); split it into smaller files or save it as CSV",
    },
    "xlsx_part_too_large": {
        "zh": "Excel工作簿的部件“{part}”解压后为{size}，超过上限{limit}（文字单元格过多）；请拆分文件或另存为CSV",
        "en": "part “{part}” of the workbook would expand to {size}, more than the limit of {limit} "
              "(too much text); split the file or save it as CSV",
    },
    "xlsx_ratio": {
        "zh": "Excel工作簿的部件“{part}”压缩比为{ratio}:1（{compressed}解压为{size}），超过上限{limit}:1，"
              "疑为“压缩炸弹”，已拒绝读取",
        "en": "part “{part}” of the workbook inflates {ratio}:1 ({compressed} to {size}), beyond the limit of "
              "{limit}:1: refused as a likely “zip bomb”",
    },
    "xlsx_too_many_parts": {
        "zh": "Excel工作簿包含{parts}个部件，超过上限{limit}个",
        "en": "the workbook has {parts} parts, more than the limit of {limit}",
    },
    "sheet_not_found": {
        "zh": "找不到工作表“{sheet}”（工作簿中的工作表：{sheets}）",
        "en": "no worksheet “{sheet}” (the workbook has: {sheets})",
    },
    "too_many_columns": {
        "zh": "表格有{columns}列，超过上限{limit}列",
        "en": "the table has {columns} columns, more than the limit of {limit}",
    },
    "too_many_rows": {
        "zh": "工作表有{rows}行，超过Excel的上限{limit}行",
        "en": "the worksheet has {rows} rows, more than Excel's limit of {limit}",
    },
    "too_many_cells": {
        "zh": "表格有{rows}行×{columns}列，共{cells}个单元格，超过上限{limit}个；请拆分为较小的文件",
        "en": "the table has {rows} rows × {columns} columns = {cells} cells, more than the limit of "
              "{limit}; split it into smaller files",
    },
    "file_too_large": {
        "zh": "文件大小为{size}，超过上限{limit}；请拆分为较小的文件",
        "en": "the file is {size}, more than the limit of {limit}; split it into smaller files",
    },
    "undecodable_text": {
        "zh": "无法识别文件的文字编码（已尝试UTF-8、GBK/GB18030和自动检测）；请在Excel中另存为“CSV UTF-8”",
        "en": "cannot tell the file's text encoding (tried UTF-8, GBK/GB18030 and detection); save it from "
              "Excel as “CSV UTF-8”",
    },
    "csv_malformed": {
        "zh": "CSV格式错误，在第{line}行附近（{detail}）；常见原因是引号没有成对，或单元格过长",
        "en": "malformed CSV near line {line} ({detail}); usually an unclosed quote or an overlong cell",
    },
}

# What a file was expected to be and what it was found to be (reader.sniff's kinds).
FILE_KINDS = {
    "xlsx": ("Excel工作簿（.xlsx）", "an Excel workbook (.xlsx)"),
    "xls": ("Excel 97–2003工作簿（.xls）", "an Excel 97–2003 workbook (.xls)"),
    "csv": ("文本表格（CSV、TSV或TXT）", "a text table (CSV, TSV or TXT)"),
    "text": ("纯文本（如CSV）", "plain text (such as a CSV)"),
    "html": ("网页（HTML）", "a web page (HTML)"),
    "xml": ("XML文件", "an XML file"),
    "xml_spreadsheet": ("Excel 2003 XML表格", "an Excel 2003 XML spreadsheet"),
    "ole": ("旧版Office文件（如Excel 97–2003的.xls）或加密的Office文件",
            "an old-format Office file (such as an Excel 97–2003 .xls) or an encrypted Office file"),
    "pdf": ("PDF文档", "a PDF document"),
    "image": ("图片", "an image"),
    "archive": ("压缩包（gzip、RAR或7z）", "a compressed archive (gzip, RAR or 7z)"),
    "zip": ("ZIP压缩包（不是Excel工作簿）", "a ZIP archive that is not an Excel workbook"),
    "docx": ("Word文档（.docx）", "a Word document (.docx)"),
    "pptx": ("PowerPoint演示文稿（.pptx）", "a PowerPoint presentation (.pptx)"),
    "ods": ("OpenDocument表格（.ods）", "an OpenDocument spreadsheet (.ods)"),
    "binary": ("二进制数据（不是文本）", "binary data, not text"),
}
# How to fix a file, by what it was found to be.
_HINTS = {
    "text": ("如果它是CSV文件，请把扩展名改为.csv", "If it is a CSV file, rename it to .csv."),
    "html": ("网站的“导出Excel”常生成这种文件：请用Excel打开后另存为.xlsx",
             "Websites' “export to Excel” buttons often make these: open it in Excel and save it as .xlsx."),
    "xml": ("请用Excel打开后另存为.xlsx", "Open it in Excel and save it as .xlsx."),
    "xml_spreadsheet": ("请用Excel打开后另存为.xlsx", "Open it in Excel and save it as .xlsx."),
    "ole": ("请用Excel打开后另存为.xlsx（加密的文件请先取消密码）",
            "Open it in Excel and save it as .xlsx (remove the password of an encrypted file first)."),
    "pdf": ("其中的表格无法直接导入：请使用原始的Excel或CSV文件",
            "A table in it cannot be imported: use the original Excel or CSV file."),
    "image": ("其中的表格无法直接导入：请使用原始的Excel或CSV文件",
              "A table in it cannot be imported: use the original Excel or CSV file."),
    "archive": ("请先解压，再导入其中的表格文件", "Extract it first and import the table file inside."),
    "zip": ("请先解压，再导入其中的表格文件", "Extract it first and import the table file inside."),
    "xlsx": ("请把扩展名改为.xlsx", "Rename it to .xlsx."),
    "docx": ("请把表格复制到Excel中，另存为.xlsx后导入", "Copy the table into Excel, save it as .xlsx and import that."),
    "pptx": ("请把表格复制到Excel中，另存为.xlsx后导入", "Copy the table into Excel, save it as .xlsx and import that."),
    "ods": ("请在表格软件中另存为.xlsx", "Save it as .xlsx in your spreadsheet program."),
    "binary": ("CSV应为文本文件：请在Excel中另存为“CSV UTF-8”（UTF-16文本也请另存为UTF-8）",
               "A CSV must be text: save it from Excel as “CSV UTF-8” (UTF-16 text too)."),
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


# Lists and texts in a message are cut so that one line stays readable whatever the file
# holds (a 10,000-column header, a 2,000-character cell).
MAX_LISTED = 10
MAX_TEXT_CHARS = 200
MAX_CELL_SHOWN = 60
_SEPARATOR = {"zh": "、", "en": ", "}
_MORE_ITEMS = {"zh": "……另有{n}个", "en": " … and {n} more"}
_COUNT_KEYS = {"columns", "rows", "cells", "length", "parts", "limit"}
_BYTE_KEYS = {"size", "compressed"}
_BYTE_LIMIT_CODES = {"file_too_large", "xlsx_too_large", "xlsx_part_too_large"}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _show_bytes(n: int) -> str:
    for unit, size in (("GiB", 2 ** 30), ("MiB", 2 ** 20), ("KiB", 2 ** 10)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,} B"


def _show(value, lang: str = "zh", key: str = "", code: str = "") -> str:
    """One parameter as text: numbers readable, lists and long texts cut."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int) and (key in _BYTE_KEYS or (key == "limit" and code in _BYTE_LIMIT_CODES)):
        return _show_bytes(value)
    if isinstance(value, int) and key in _COUNT_KEYS:
        return f"{value:,}"
    if isinstance(value, float):
        short = f"{value:g}"          # 120, 1e+15; up to 15 digits where 6 would round
        return short if float(short) == value else f"{value:.15g}"
    if isinstance(value, (list, tuple)):
        text = _SEPARATOR[lang].join(_clip(str(v), MAX_CELL_SHOWN) for v in value[:MAX_LISTED])
        if len(value) > MAX_LISTED:
            text += _MORE_ITEMS[lang].format(n=f"{len(value) - MAX_LISTED:,}")
        return text
    return _clip(str(value), MAX_TEXT_CHARS)


def _lang(lang: str | None) -> str:
    return "en" if (lang or "zh").lower().startswith("en") else "zh"


def _kind(kind, lang: str) -> str:
    names = FILE_KINDS.get(kind)
    return names[lang == "en"] if names else _clip(str(kind), MAX_CELL_SHOWN)


def _changes(params: dict, lang: str) -> str:
    """What became of the regions a code or name stood for: when each ended and who took its
    territory, or since when it exists (``reader.validate.region_changes``)."""
    changes = params.get("changes")
    if not changes:
        return ("区划已变更：" if lang == "zh" else "boundary change: ") + _show(params.get("candidates", []), lang)
    return ("；" if lang == "zh" else "; ").join(_change(c, lang) for c in changes)


def _change(change: dict, lang: str) -> str:
    name = f"{change['name']}（{change['code']}）" if lang == "zh" else f"{change['name']} ({change['code']})"
    successors = [f"{n}（{c}）" if lang == "zh" else f"{n} ({c})" for c, n in change.get("successors", ())]
    if "ended" in change:
        year, date = change["ended"][:4], change["ended"]
        if lang == "zh":
            text = f"{name}已于{year}年撤销（有效至{date}）"
            return text + (f"，其辖区划归{'、'.join(successors)}，请改填这些地区" if successors else "")
        text = f"{name} was dissolved in {year} (valid until {date})"
        return text + (f"; its territory went to {', '.join(successors)}: use those regions" if successors else "")
    if "started" in change:
        year, date = change["started"][:4], change["started"]
        return f"{name}于{year}年才设立（有效自{date}）" if lang == "zh" else \
            f"{name} was only established in {year} (valid from {date})"
    return name


def _template(code: str, lang: str) -> str | None:
    return (MESSAGES.get(code) or REASONS.get(code) or {}).get(lang)


def _reason(code: str, params: dict, lang: str) -> str:
    """The reason part of a message: ``code``'s template filled with ``params``."""
    shown = _Params({k: _show(v, lang, k, code) for k, v in params.items()})
    if code == "region_not_valid":
        shown["changes"] = _changes(params, lang)
    if code == "unreadable_file" and params.get("reason") in REASONS:
        shown["reason"] = _reason(params["reason"], {k: v for k, v in params.items() if k != "reason"}, lang)
    if code == "wrong_file_kind":
        shown["expected"], shown["found"] = _kind(params.get("expected"), lang), _kind(params.get("found"), lang)
        hint = _HINTS.get(params.get("found"))
        shown["hint"] = hint[lang == "en"] if hint else ""
    template = _template(code, lang)
    return string.Formatter().vformat(template, (), shown).strip() if template else code


def format_problem(problem, lang: str = "zh") -> str:
    """One line: file, row, column, value and the reason, in ``lang`` ("zh" or "en")."""
    lang = _lang(lang)
    reason = _reason(problem.code, problem.params or {}, lang)
    name = os.path.basename(str(problem.file)) if problem.file else ""
    value = None if problem.value is None else _clip(problem.value, MAX_CELL_SHOWN)
    column = _clip(str(problem.column), MAX_CELL_SHOWN) if problem.column else None
    if lang == "zh":
        where = name
        if problem.row is not None:
            where += f" 第{problem.row}行"
        if column:
            where += f" “{column}”列"
        if value is not None:
            where += f" “{value}”"
        return f"{where.strip()}：{reason}" if where.strip() else reason
    parts = [name] if name else []
    if problem.row is not None:
        if parts:
            parts[-1] += f" row {problem.row}"
        else:
            parts.append(f"row {problem.row}")
    if column:
        parts.append(f"column “{column}”")
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
