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

Every text is a Chinese msgid of the one catalogue (:mod:`deltawatch.i18n`): the English is in
``locale/en/LC_MESSAGES/django.po``. A problem's ``code`` maps to its msgid here
(:data:`MESSAGES`, :data:`REASONS`); the English comes from the catalogue only.

Pure Python: no Django (the web views pass the user's language code, or None for the page's).
"""

from __future__ import annotations

import os
import string

from deltawatch.i18n import gettext_noop, language, nword, pgettext_noop, ptranslate, pword, translate, word

__all__ = ["FILE_KINDS", "HINTS", "MESSAGES", "REASONS", "ROLE_NAMES", "format_problem", "format_report"]

# A problem's code → its Chinese msgid.
MESSAGES = {
    "unknown_region": gettext_noop("找不到该地区"),
    "ambiguous_region": gettext_noop("地区名称有歧义，可能是：{candidates}；请写区划代码或带上级名称（如“南京市鼓楼区”）"),
    "region_not_valid": gettext_noop("该地区在{year}年不存在：{changes}"),
    "unknown_indicator": gettext_noop("未知指标"),
    "derived_indicator": gettext_noop("该指标由系统计算得出，不能导入"),
    "not_a_number": gettext_noop("不是有效的数字"),
    "blank_value": gettext_noop("单元格为空"),
    "bad_year": gettext_noop("年份不是整数"),
    "year_out_of_range": gettext_noop("年份超出允许范围（{min}–{max}）"),
    "unknown_unit": gettext_noop("无法识别的单位“{unit}”"),
    "incompatible_unit": gettext_noop("单位“{unit}”不能换算为该指标的单位“{expected}”"),
    "out_of_bounds": gettext_noop("数值 {converted}（{unit}）超出该指标的合理范围 [{lower}, {upper}]"),
    "duplicate_key": gettext_noop("与第{other_row}行重复（地区、指标、年份均相同）"),
    "unknown_qualifier": gettext_noop("无法识别的数值性质；可用：约（左右）、以上、以下、初步，准确值留空"),
    "empty_file": gettext_noop("文件为空或只有表头，没有数据"),
    "unknown_layout": gettext_noop("无法识别表格格式（表头：{headers}）；需要“地区、指标、年份、数值”四列，或第一列为地区、其余列为年份或指标"),
    "missing_year": gettext_noop("未指定年份：请在标题或第一列表头写明年份（如“2019年”），或导入时选择年份"),
    "missing_indicator": gettext_noop("未指定指标：请在标题中写明指标名称，或导入时选择指标"),
    "missing_column": gettext_noop("缺少必需的列“{name}”（可用表头：{accepted}）"),
    "unreadable_file": gettext_noop("无法读取文件：{reason}"),
    "not_finite": gettext_noop("不是有限的数值（NaN或无穷大，常由程序导出时写入）；缺失的数值请不要写入文件（宽表中可留空或写“—”）"),
    "value_overflow": gettext_noop("数值过大：换算为该指标的单位（{unit}）后超出计算机能表示的范围（约1.8e308）"),
    "implausible_value": gettext_noop("数值 {converted}（{unit}）的绝对值超过 {limit}，不可能是统计数据；请检查单位和小数点"),
    "cell_too_long": gettext_noop("单元格过长（{length}个字符，上限{limit}个）"),
    "formula_without_value": gettext_noop("是公式但没有计算结果：请在Excel中打开并保存，或粘贴为数值"),
    "locked_cell": gettext_noop("该数值所在的填报表已上报或审核通过，已锁定：须由长三角办解锁后才能修改"),
}

# Why a file cannot be read: the ``reason`` of an ``unreadable_file`` problem (reader.grid).
REASONS = {
    "cannot_open": gettext_noop("无法打开文件（{detail}）"),
    "wrong_file_kind": gettext_noop("文件名为“{suffix}”，应是{expected}，但内容是{found}。{hint}"),
    "xls_not_supported": gettext_noop("不支持Excel 97–2003格式（.xls）：请用Excel打开后另存为.xlsx"),
    "xlsx_damaged": gettext_noop("文件是ZIP格式，像是Excel工作簿（.xlsx），但已损坏或不完整（{detail}）；请用Excel打开后重新保存"),
    "xlsx_too_large": gettext_noop("Excel工作簿解压后共{size}，超过上限{limit}（文件过大，或是“压缩炸弹”）；请拆分为较小的文件或另存为CSV"),
    "xlsx_part_too_large": gettext_noop("Excel工作簿的部件“{part}”解压后为{size}，超过上限{limit}（文字单元格过多）；请拆分文件或另存为CSV"),
    "xlsx_ratio": gettext_noop("Excel工作簿的部件“{part}”压缩比为{ratio}:1（{compressed}解压为{size}），超过上限{limit}:1，疑为“压缩炸弹”，已拒绝读取"),
    "xlsx_too_many_parts": gettext_noop("Excel工作簿包含{parts}个部件，超过上限{limit}个"),
    "sheet_not_found": gettext_noop("找不到工作表“{sheet}”（工作簿中的工作表：{sheets}）"),
    "too_many_columns": gettext_noop("表格有{columns}列，超过上限{limit}列"),
    "too_many_rows": gettext_noop("工作表有{rows}行，超过Excel的上限{limit}行"),
    "too_many_cells": gettext_noop("表格有{rows}行×{columns}列，共{cells}个单元格，超过上限{limit}个；请拆分为较小的文件"),
    "file_too_large": gettext_noop("文件大小为{size}，超过上限{limit}；请拆分为较小的文件"),
    "undecodable_text": gettext_noop("无法识别文件的文字编码（已尝试UTF-8、GBK/GB18030和自动检测）；请在Excel中另存为“CSV UTF-8”"),
    "csv_malformed": gettext_noop("CSV格式错误，在第{line}行附近（{detail}）；常见原因是引号没有成对，或单元格过长"),
}

# What a file was expected to be and what it was found to be (reader.sniff's kinds).
FILE_KINDS = {
    "xlsx": gettext_noop("Excel工作簿（.xlsx）"),
    "xls": gettext_noop("Excel 97–2003工作簿（.xls）"),
    "csv": gettext_noop("文本表格（CSV、TSV或TXT）"),
    "text": gettext_noop("纯文本（如CSV）"),
    "html": gettext_noop("网页（HTML）"),
    "xml": gettext_noop("XML文件"),
    "xml_spreadsheet": gettext_noop("Excel 2003 XML表格"),
    "ole": gettext_noop("旧版Office文件（如Excel 97–2003的.xls）或加密的Office文件"),
    "pdf": gettext_noop("PDF文档"),
    "image": gettext_noop("图片"),
    "archive": gettext_noop("压缩包（gzip、RAR或7z）"),
    "zip": gettext_noop("ZIP压缩包（不是Excel工作簿）"),
    "docx": gettext_noop("Word文档（.docx）"),
    "pptx": gettext_noop("PowerPoint演示文稿（.pptx）"),
    "ods": gettext_noop("OpenDocument表格（.ods）"),
    "binary": gettext_noop("二进制数据（不是文本）"),
}
# How to fix a file, by what it was found to be.
_SAVE_AS_XLSX = gettext_noop("请用Excel打开后另存为.xlsx")
_USE_ORIGINAL = gettext_noop("其中的表格无法直接导入：请使用原始的Excel或CSV文件")
_EXTRACT = gettext_noop("请先解压，再导入其中的表格文件")
_COPY_TO_EXCEL = gettext_noop("请把表格复制到Excel中，另存为.xlsx后导入")
HINTS = {
    "text": gettext_noop("如果它是CSV文件，请把扩展名改为.csv"),
    "html": gettext_noop("网站的“导出Excel”常生成这种文件：请用Excel打开后另存为.xlsx"),
    "xml": _SAVE_AS_XLSX,
    "xml_spreadsheet": _SAVE_AS_XLSX,
    "ole": gettext_noop("请用Excel打开后另存为.xlsx（加密的文件请先取消密码）"),
    "pdf": _USE_ORIGINAL,
    "image": _USE_ORIGINAL,
    "archive": _EXTRACT,
    "zip": _EXTRACT,
    "xlsx": gettext_noop("请把扩展名改为.xlsx"),
    "docx": _COPY_TO_EXCEL,
    "pptx": _COPY_TO_EXCEL,
    "ods": gettext_noop("请在表格软件中另存为.xlsx"),
    "binary": gettext_noop("CSV应为文本文件：请在Excel中另存为“CSV UTF-8”（UTF-16文本也请另存为UTF-8）"),
}

# The columns a table needs, by role (``missing_column``'s ``required``): short labels that
# other pages word otherwise (地区 is "Region" in a page's header), hence their own context.
# Joiners of lists and of a line's parts have contexts too ("、" is "; " elsewhere).
ROLE_CONTEXT = "importer column"
ROLE_NAMES = {
    "region": pgettext_noop("importer column", "地区"),
    "indicator": pgettext_noop("importer column", "指标"),
    "year": pgettext_noop("importer column", "年份"),
    "value": pgettext_noop("importer column", "数值"),
    "unit": pgettext_noop("importer column", "单位"),
    "source": pgettext_noop("importer column", "来源"),
}


class _Params(dict):
    def __missing__(self, key):
        return ""


# Lists and texts in a message are cut so that one line stays readable whatever the file
# holds (a 10,000-column header, a 2,000-character cell).
MAX_LISTED = 10
MAX_TEXT_CHARS = 200
MAX_CELL_SHOWN = 60
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


def _join(items, lang: str) -> str:
    """Items as one list in ``lang`` (甲、乙 / a, b)."""
    return ptranslate("list separator", "、", lang).join(items)


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
        text = _join((_clip(str(v), MAX_CELL_SHOWN) for v in value[:MAX_LISTED]), lang)
        if len(value) > MAX_LISTED:
            text += pword("list separator", "……另有{n}个", lang, n=f"{len(value) - MAX_LISTED:,}")
        return text
    return _clip(str(value), MAX_TEXT_CHARS)


def _kind(kind, lang: str) -> str:
    return translate(FILE_KINDS[kind], lang) if kind in FILE_KINDS else _clip(str(kind), MAX_CELL_SHOWN)


def _changes(params: dict, lang: str) -> str:
    """What became of the regions a code or name stood for: when each ended and who took its
    territory, or since when it exists (``reader.validate.region_changes``)."""
    changes = params.get("changes")
    if not changes:
        return word("区划已变更：{candidates}", lang, candidates=_show(params.get("candidates", []), lang))
    return ptranslate("list separator", "；", lang).join(_change(c, lang) for c in changes)


def _change(change: dict, lang: str) -> str:
    name = word("{name}（{code}）", lang, name=change["name"], code=change["code"])
    successors = [word("{name}（{code}）", lang, name=n, code=c) for c, n in change.get("successors", ())]
    if "ended" in change:
        year, date = change["ended"][:4], change["ended"]
        text = word("{name}已于{year}年撤销（有效至{date}）", lang, name=name, year=year, date=date)
        if successors:
            text += word("，其辖区划归{successors}，请改填这些地区", lang, successors=_join(successors, lang))
        return text
    if "started" in change:
        year, date = change["started"][:4], change["started"]
        return word("{name}于{year}年才设立（有效自{date}）", lang, name=name, year=year, date=date)
    return name


def _template(code: str, lang: str) -> str | None:
    msgid = MESSAGES.get(code) or REASONS.get(code)
    return translate(msgid, lang) if msgid else None


def _reason(code: str, params: dict, lang: str) -> str:
    """The reason part of a message: ``code``'s template filled with ``params``."""
    shown = _Params({k: _show(v, lang, k, code) for k, v in params.items()})
    if code == "region_not_valid":
        shown["changes"] = _changes(params, lang)
    if code == "unreadable_file" and params.get("reason") in REASONS:
        shown["reason"] = _reason(params["reason"], {k: v for k, v in params.items() if k != "reason"}, lang)
    if code == "wrong_file_kind":
        shown["expected"], shown["found"] = _kind(params.get("expected"), lang), _kind(params.get("found"), lang)
        hint = HINTS.get(params.get("found"))
        shown["hint"] = translate(hint, lang) if hint else ""
    if code == "missing_column" and params.get("required") in ROLE_NAMES:
        shown["name"] = ptranslate(ROLE_CONTEXT, ROLE_NAMES[params["required"]], lang)
    template = _template(code, lang)
    return string.Formatter().vformat(template, (), shown).strip() if template else code


def _position(problem, lang: str) -> str:
    """Where a problem is: file, row, column and cell (data.csv 第5行 “数值”列 “abc” / data.csv
    row 5, column “value”, “abc”)."""
    name = os.path.basename(str(problem.file)) if problem.file else ""
    parts = [name] if name else []
    if problem.row is not None:
        row = word("第{row}行", lang, row=problem.row)
        parts[-1:] = [f"{parts[-1]} {row}"] if parts else [row]
    if problem.column:
        parts.append(word("“{column}”列", lang, column=_clip(str(problem.column), MAX_CELL_SHOWN)))
    if problem.value is not None:
        parts.append(f"“{_clip(problem.value, MAX_CELL_SHOWN)}”")
    return ptranslate("problem position", " ", lang).join(parts)


def format_problem(problem, lang: str | None = "zh") -> str:
    """One line: file, row, column, value and the reason, in ``lang`` ("zh" or "en"; None: the
    active language of the page)."""
    lang = language(lang)
    reason = _reason(problem.code, problem.params or {}, lang)
    where = _position(problem, lang)
    return word("{where}：{reason}", lang, where=where, reason=reason) if where else reason


def format_report(problems, lang: str | None = "zh", limit: int = 200, total: int | None = None) -> str:
    """A multi-line report: a header line, then one line per problem (at most ``limit``).

    ``total`` is the number of problems found when ``problems`` holds only the first
    ones (``ReadResult.problem_count``).
    """
    lang = language(lang)
    problems = list(problems)
    n = max(total or 0, len(problems))
    if n == 0:
        return translate("检查通过：未发现错误。", lang)
    lines = [nword("导入失败：发现 {n} 个错误，未写入任何数据。", "导入失败：发现 {n} 个错误，未写入任何数据。", n, lang)]
    lines += [f"  {format_problem(p, lang)}" for p in problems[:limit]]
    if n > min(limit, len(problems)):
        lines.append("  " + word("……另有 {n} 个错误未列出。", lang, n=n - min(limit, len(problems))))
    return "\n".join(lines)
