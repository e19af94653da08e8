"""Reading a plan document (issue 17): plain text, .docx or text-based PDF in, a cleaned
``Document`` out — simplified characters, scraping artefacts removed, numbered sections and
sentences found, and every character of the cleaned text mapped back to the text as read.

Pure Python (NumPy for the offset bookkeeping), no Django, nothing downloaded at run time.

Cleaning steps, in this order, each recorded in ``Document.notes`` when it changed something:

1. BOM and zero-width characters; ``\\r`` line ends.
2. Pinyin inserted after characters by some web sites: 一(yī)體(tǐ)化 → 一體化.
3. Full-width digits, letters and ％ → ASCII (０１２ → 012); ． and ： between digits.
4. Traditional → simplified characters (OpenCC dictionaries, ``opencc-python-reimplemented``),
   only when the text is mostly traditional; ``Document.original`` keeps the text as read.
5. Subscript markers of scraped formulas: PM_2.5 → PM2.5.
6. Web-page headers and footers: 来源：…, 责任编辑, 分享到, 打印本页, 关闭窗口, 【字体：大 中 小】,
   copyright and ICP lines, navigation menus at the top, a title repeated on the next line.
7. Page numbers a PDF's text leaves between words (… 下降 —2— 70%).
8. Line breaks inside a sentence (a break between two CJK characters that does not end a
   paragraph or a heading): 统筹推⏎进 → 统筹推进.
9. Spaces inside Chinese running text: PDF line ends turned into spaces (重大战 略决策) and the
   spaces news sites put around numbers (增长 5% 以上); not in table rows, not between numbers.

Sentences end at 。！？；, a line end, and at an ASCII "." after a Chinese character or % (PDF
text that has "." for 。), not after a heading numeral (一.) nor before a digit or letter.

Tables: a .docx table's rows; in plain text a block of tab-separated lines, and a table scraped
with one cell per line ending in "|" (rebuilt row by row from its serial-number column, see
``cell_tables``). Cell lines are neither taken for a page's menu nor joined to the line above.

Offsets: the cleaning works on ``(text, offsets)`` where ``offsets[i]`` is the position in the
original of ``text[i]``; deletions drop entries, one-for-one replacements keep them. Every step
is a regular-expression pass over the whole text (no per-character Python loop), so a 50 MB text
reads in seconds. For texts over ``COMPACT_OFFSETS`` characters ``Document.offsets`` is a compact
``array('q')`` (indexable like the list it is for smaller texts) to keep memory in bounds.
"""

from __future__ import annotations

import bisect
import io
import os
import re
import unicodedata
import zipfile
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .types import Document, Section, Sentence, Table


class ExtractError(ValueError):
    """A document that cannot be read, worded for the person who gave it: ``str(error)`` is
    the Chinese message, ``error.english`` the English one."""

    def __init__(self, message_zh: str, message_en: str = ""):
        super().__init__(message_zh)
        self.message_zh = message_zh
        self.english = message_en or message_zh


EMPTY_ZH, EMPTY_EN = "文件为空", "The file is empty"
BINARY_ZH = "无法读取：文件内容不是文字（可能是图片、压缩包或其他二进制文件），请上传 .txt、.docx 或带文字层的 PDF"
BINARY_EN = ("Cannot read this file: its content is not text (an image, an archive or another binary file); "
             "upload a .txt, a .docx or a PDF with a text layer")
SCANNED_ZH = "扫描件：没有可读取的文字层（请先做文字识别）"
SCANNED_EN = "Scanned document: there is no text layer to read (run text recognition (OCR) first)"

COMPACT_OFFSETS = 2_000_000     # above this many characters offsets are an array('q')
CJK = "\u4e00-\u9fff\u3400-\u4dbf"


# ---------------------------------------------------------------------------------------------
# Input: path, bytes or str → (raw text, format)
# ---------------------------------------------------------------------------------------------

def _mostly_control_characters(text: str) -> bool:
    """A binary file decoded as text: more than a tenth of its first 4,000 characters are control
    characters other than line breaks and tabs (a real text has next to none)."""
    sample = text[:4000]
    control = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    return control > len(sample) / 10


def read(source, *, name: str = "") -> Document:
    """Read ``source`` — a path (``str`` or ``PathLike`` of an existing file), ``bytes`` of a
    file, or a ``str`` holding the text itself — and return the cleaned ``Document``."""
    raw, fmt, tables, name = _load(source, name)
    if not raw.strip():
        raise ExtractError(EMPTY_ZH, EMPTY_EN)
    if _mostly_control_characters(raw):
        raise ExtractError(BINARY_ZH, BINARY_EN)
    return build_document(raw, name=name, source_format=fmt, raw_tables=tables)


def _load(source, name: str):
    if isinstance(source, os.PathLike) or (
            isinstance(source, str) and len(source) < 4096 and "\n" not in source and _is_file(source)):
        path = Path(source)
        data = path.read_bytes()
        name = name or path.name
        suffix = path.suffix.lower()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data, suffix = bytes(source), ""
    elif isinstance(source, str):
        return source, "text", [], name
    else:
        raise TypeError(f"read() takes a path, bytes or str, not {type(source).__name__}")
    if not data:
        raise ExtractError(EMPTY_ZH, EMPTY_EN)
    if suffix == ".docx" or (not suffix and data[:4] == b"PK\x03\x04" and _is_docx(data)):
        text, tables = _docx_text(data)
        return text, "docx", tables, name
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return _pdf_text(data), "pdf", [], name
    if suffix == ".doc" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ExtractError("不支持旧版 Word（.doc）文件，请另存为 .docx 后再上传",
                           "Old Word (.doc) files are not supported: save as .docx first")
    return _decode(data), "text", [], name


def _is_file(text: str) -> bool:
    try:
        return os.path.isfile(text)
    except (OSError, ValueError):
        return False


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _decode(data: bytes) -> str:
    """UTF-8 when it is (the fast path for big files), else what charset-normalizer finds."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 4:                 # a file cut inside its last character
            return data.decode("utf-8-sig", errors="replace")
    from charset_normalizer import from_bytes

    best = from_bytes(data[:400_000]).best()
    encoding = best.encoding if best is not None else "gb18030"
    if encoding.replace("_", "").lower() in ("gb2312", "gbk"):
        encoding = "gb18030"    # its superset: a rare character later in the file must not fail
    return data.decode(encoding, errors="replace")


def _docx_text(data: bytes) -> tuple[str, list[tuple[int, int, list[list[str]]]]]:
    """Paragraphs and tables in document order; each table row becomes a line of cells joined
    by tabs so the extractors see table text too; returns the text and (start, end, rows)."""
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a broken file
        raise ExtractError("无法读取该 .docx 文件（文件损坏或不是 Word 文档）",
                           "Cannot read this .docx file (damaged or not a Word document)") from error
    parts: list[str] = []
    length = 0
    tables = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            block = Paragraph(child, document).text + "\n"
            parts.append(block)
            length += len(block)
        elif tag == "tbl":
            rows = []
            for row in DocxTable(child, document).rows:
                cells = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:      # a merged cell repeats its text
                        cells.append(value)
                rows.append(cells)
            block = "".join("\t".join(cells) + "\n" for cells in rows)
            tables.append((length, length + len(block), rows))
            parts.append(block)
            length += len(block)
    return "".join(parts), tables


def _pdf_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        text = extract_text(io.BytesIO(data))
    except PDFSyntaxError as error:
        raise ExtractError("无法读取该 PDF 文件（文件损坏）", "Cannot read this PDF file (damaged)") from error
    readable = re.sub(r"\(cid:\d+\)|\s", "", text)
    if not readable:
        raise ExtractError(SCANNED_ZH, SCANNED_EN)
    return text.replace("\x0c", "\n")


# ---------------------------------------------------------------------------------------------
# Cleaning with offsets
# ---------------------------------------------------------------------------------------------

class _Cleaner:
    """The text being cleaned and, for each of its characters, the position in the original."""

    def __init__(self, text: str):
        self.text = text
        self.offsets = np.arange(len(text) + 1, dtype=np.int64)
        self.notes: list[str] = []

    def delete(self, spans: list[tuple[int, int]], note: str = "") -> int:
        """Remove the (sorted, non-overlapping) spans; returns how many."""
        spans = [(s, e) for s, e in spans if e > s]
        if not spans:
            return 0
        pieces, previous = [], 0
        marks = np.zeros(len(self.text) + 1, dtype=np.int32)
        for start, end in spans:
            pieces.append(self.text[previous:start])
            previous = end
            marks[start] += 1
            marks[end] -= 1
        pieces.append(self.text[previous:])
        keep = np.cumsum(marks) == 0          # the sentinel (len) is never deleted
        self.text = "".join(pieces)
        self.offsets = self.offsets[keep]
        if note:
            self.notes.append(note.format(n=len(spans)))
        return len(spans)

    def delete_pattern(self, pattern: re.Pattern, note: str = "", group: int = 0) -> int:
        return self.delete([m.span(group) for m in pattern.finditer(self.text)], note)

    def rewrite(self, pattern: re.Pattern, replace, note: str = "") -> int:
        """Each match replaced by ``replace(match)``, a text of the same length: offsets stay."""
        pieces, previous, count = [], 0, 0
        for match in pattern.finditer(self.text):
            new = replace(match)
            if len(new) != len(match.group()) or new == match.group():
                continue
            pieces += [self.text[previous:match.start()], new]
            previous, count = match.end(), count + 1
        if count:
            self.text = "".join(pieces) + self.text[previous:]
            if note:
                self.notes.append(note.format(n=count))
        return count

    def map_characters(self, table: dict, note: str = "") -> int:
        """One-for-one character replacement: offsets stay as they are."""
        present = re.compile("[" + "".join(re.escape(chr(code)) for code in table) + "]")
        if not present.search(self.text):
            return 0
        new = self.text.translate(table)
        changed = sum(1 for a, b in zip(self.text, new) if a != b) if len(new) < 5_000_000 else -1
        self.text = new
        if note:
            self.notes.append(note.format(n=changed if changed >= 0 else "多"))
        return changed


ZERO_WIDTH = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad\ufffe]")
PINYIN = re.compile(
    rf"(?<=[{CJK}])[(（]"
    r"(?:[bcdfghjklmnpqrstwxyz]{0,2}[aeiouüāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]{1,3}(?:ng|n|r)?){1,4}"   # (wànyuán): a word's
    r"[ \t]?[)）]")                                    # (會(huì ): a space before the bracket too)
FULL_WIDTH = {code: code - 0xFEE0 for code in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B))
              + list(range(0xFF41, 0xFF5B))}
FULL_WIDTH[0xFF05] = ord("%")
# Japanese forms that Chinese pages pick up from their input methods (GDP増长): the simplified
# character; OpenCC's t2s leaves them as they are
VARIANTS = {ord("増"): ord("增")}
# a year written in Chinese numerals (二〇二五年, 二○二五年): in digits, one for one
CN_YEAR = re.compile(r"(?<![零〇○0一二三四五六七八九十])[一二][零〇○0一二三四五六七八九]{3}(?=年)")   # (二0一二年: a 0 typed among them)
CN_YEAR_DIGITS = str.maketrans("零〇○一二三四五六七八九", "000123456789")


def year_in_digits(match: re.Match) -> str:
    """A CN_YEAR match written in digits (二〇二五 → 2025), for the reader and the scorer alike."""
    return match.group().translate(CN_YEAR_DIGITS)


DIGIT_PUNCT = re.compile(r"(?<=\d)[．：∶](?=\d)")      # 6．5 → 6.5, 2：1 and 2∶1 (U+2236) → 2:1
SUBSCRIPT = re.compile(r"(?<=[A-Za-z])_(?=\d)")

_META_WORDS = (
    "来源|稿源|信息来源|文章来源|新闻来源|责任编辑|责编|编辑|作者|记者|通讯员|发布时间|发布日期|发布者|"
    "发布机构|发文机关|浏览次数|点击数|点击量|阅读数|阅读量|访问量|浏览量|字号|字体|分享到|分享|打印本页|打印|"
    "关闭窗口|关闭本页|关闭|收藏本页|收藏|主办单位|主办|承办单位|承办|协办单位|协办|地址|电话|座机|手机|传真|"
    "邮箱|电子邮箱|邮编|网站标识码|网站地图|技术支持|扫一扫|当前位置|您当前的位置|您现在的位置|您现在所在的位置|当前所在位置|当前的位置|"
    "上一篇|下一篇|相关链接|相关新闻|相关阅读|友情链接|监制|主编|制图|审核|校对|供稿|终审|初审|复审|摄影|"
    "索引号|组配分类|主题分类|公开方式|公开时限|公开范围|生成日期|成文日期|文号")
# (a line of prose that opens with one of the words is text: 记者2月6日从…获悉，…。)
META_LINE = re.compile(
    r"(?m)^(?![^\n]*[。！？][^\n]*$)[ \t\u3000]*[\[【(（]?[ \t\u3000]*(?:" + _META_WORDS + r")[ \t\u3000]*"
    r"(?:[:：/】\]）)]|[ \t\u3000]*$|\d)[^\n]{0,120}$\n?")
FOOTER_LINE = re.compile(
    r"(?m)^[^\n]{0,120}(?:ICP备|ICP证|版权所有|Copyright|©|All Rights Reserved|公网安备|技术支持)"
    r"[^\n]{0,120}$\n?", re.IGNORECASE)
# the accessibility bar of a government site ("正文内容区域请使用tab按钮切换浏览", "无障碍浏览 长辈版")
ACCESS_LINE = re.compile(r"(?im)^[^\n。，,]{0,30}(?:tab按钮|tab键|无障碍浏览|长辈版|关怀版|读屏专用)[^\n。，,]{0,30}$\n?")
# a news page's reading-time note ("本篇文章1106字,读完约3分钟")
READING_TIME = re.compile(r"(?m)^[^\n]{0,10}本篇文章\d+字[^\n]{0,20}$\n?|(?:本文|全文)?(?:共\d+字[,，]?)?(?:阅读|读完)(?:需要|约|时长)\s*\d+分钟")
FOLLOW_LINE = re.compile(r"(?m)^[ \t\u3000]*关注[^\n]{0,24}(?:微信|公众号|微博|客户端)[^\n]{0,10}$\n?")
FONT_SIZE = re.compile(r"[【\[][ \t\u3000]*(?:字体|字号)[:：]?[ \t\u3000]*大[ \t\u3000]*中[ \t\u3000]*小[ \t\u3000]*[】\]]"
                       r"|[【\[][ \t\u3000]*(?:打印本页|关闭窗口|打印|关闭|收藏|返回顶部)[ \t\u3000]*[】\]]")
SENTENCE_PUNCT = "。！？；!?;，,、："

HEADING = re.compile(
    r"(?m)^[ \t\u3000]*(?:"
    r"(?P<chapter>第[一二三四五六七八九十百零〇\d]+(?:章|篇|编|部分))"
    r"|(?P<jie>第[一二三四五六七八九十百零〇\d]+节)"
    r"|(?P<cn>[一二三四五六七八九十]{1,3})[、.．]"
    r"|[(（](?P<pcn>[一二三四五六七八九十]{1,3})[)）]"
    r"|(?P<dot>\d{1,2})[.．](?![\d.．])"
    r"|(?P<comma>\d{1,2})、"
    r"|[(（](?P<parab>\d{1,2})[)）]"
    r")")
HEADING_RANK = {"chapter": 0, "jie": 1, "cn": 2, "pcn": 3, "dot": 4, "comma": 4, "parab": 5}
TOC_LINE = re.compile(r"(?m)^[ \t\u3000]*目[ \t\u3000]*录[ \t\u3000]*$")
# An ASCII full stop used for 。 (PDF text of some documents): a "." after a Chinese character
# (or a %) that is not a numeral of a heading (一.) and not before a digit or letter (方案.pdf) ends a
# sentence too.
TERM_DOT = rf"(?<=[{CJK}%])(?<![一二三四五六七八九十])\.(?![\dA-Za-z.])"    # (not the first dot of "...")
SENTENCE = re.compile(rf"(?:[^。！？；!?;\n\t.]+|(?!{TERM_DOT})\.)+(?:(?:[。！？；!?;]|{TERM_DOT})+[”’」』)）]*)?")
# A page number a PDF's text puts between words where a page ended: —2—, - 12 -, standing
# alone between spaces or line ends (a range such as 7%—7.5% has no spaces round it).
PAGE_NUMBER = re.compile(r"(?:(?<=[ \t\n])|^)[—–\-－]{1,2}[ \t]?\d{1,3}[ \t]?[—–\-－]{1,2}(?=[ \t\n]|$)", re.M)


# The reader's notes are kept as written, in Chinese; their English (the CLI's --lang en, the
# English pages), by template — {n} is a count, 多 ("many") on a text too long to count.
NOTES_EN = {
    "删除零宽字符和 BOM {n} 个": "zero-width characters and byte-order marks removed: {n}",
    "删除字后插入的拼音 {n} 处": "pinyin inserted after characters, removed: {n}",
    "全角数字和字母转为半角 {n} 个": "full-width digits and letters made half-width: {n}",
    "日文字形转为简体字 {n} 个": "Japanese character forms made simplified Chinese: {n}",
    "数字间的全角标点转为半角 {n} 个": "full-width marks between digits made half-width: {n}",
    "汉字年份转为数字 {n} 处（如 二〇二五年）": "years in Chinese numerals written in digits (e.g. 二〇二五年): {n}",
    "繁体字转为简体字 {n} 个（原文保留用于显示）":
        "traditional characters made simplified (the original is kept for display): {n}",
    "删除下标标记 {n} 处（如 PM_2.5 → PM2.5）": "subscript marks removed (e.g. PM_2.5 → PM2.5): {n}",
    "删除网页页眉页脚和导航 {n} 处（来源、编辑、版权、分享、打印等）":
        "web-page headers, footers and menus removed (source, editor, copyright, share, print …): {n}",
    "删除 PDF 页码 {n} 处（如 —2—）": "PDF page numbers removed (e.g. —2—): {n}",
    "合并句子中间的断行 {n} 处": "line breaks inside sentences joined: {n}",
    "删除正文中汉字和数字之间的空格 {n} 处": "spaces between characters and digits of running text removed: {n}",
    "文档不是中文（几乎没有汉字），可能提取不到目标":
        "The document is not in Chinese (almost no Chinese characters); targets may not be found",
}


def note_in(note: str, language: str) -> str:
    """A reader's note in ``language`` ("en" or else Chinese, as stored)."""
    if not language.startswith("en"):
        return note
    for chinese, english in NOTES_EN.items():
        before, _, after = chinese.partition("{n}")
        if note.startswith(before) and note.endswith(after) and len(note) >= len(before) + len(after):
            count = note[len(before):len(note) - len(after)] if "{n}" in chinese else ""
            if "{n}" not in chinese and note != chinese:
                continue
            return english.format(n="many" if count == "多" else count)
    return note


def build_document(raw: str, *, name: str = "", source_format: str = "text",
                   raw_tables: list | None = None) -> Document:
    """Clean ``raw`` and find its structure (``read`` without the file handling)."""
    cleaner = _Cleaner(raw)
    cleaner.delete_pattern(ZERO_WIDTH, "删除零宽字符和 BOM {n} 个")
    cleaner.delete_pattern(re.compile("\r(?=\n)"))
    cleaner.map_characters({ord("\r"): "\n", 0x3000: " ", 0xA0: " "})
    cleaner.delete_pattern(PINYIN, "删除字后插入的拼音 {n} 处")
    cleaner.map_characters(FULL_WIDTH, "全角数字和字母转为半角 {n} 个")
    cleaner.map_characters(VARIANTS, "日文字形转为简体字 {n} 个")
    _digit_punct(cleaner)
    cleaner.rewrite(CN_YEAR, year_in_digits, "汉字年份转为数字 {n} 处（如 二〇二五年）")
    converted = _to_simplified(cleaner)
    cleaner.delete_pattern(SUBSCRIPT, "删除下标标记 {n} 处（如 PM_2.5 → PM2.5）")
    _strip_web_chrome(cleaner)
    cleaner.delete_pattern(PAGE_NUMBER, "删除 PDF 页码 {n} 处（如 —2—）")
    _join_broken_lines(cleaner)
    _squeeze_running_spaces(cleaner)

    text = cleaner.text
    offsets = cleaner.offsets
    sections = _sections(text)
    document = Document(
        text=text, original=raw,
        offsets=offsets.tolist() if len(text) <= COMPACT_OFFSETS else array("q", offsets.tobytes()),
        sections=sections, name=name, source_format=source_format, converted=converted,
        notes=cleaner.notes)
    document.tables = _tables(document, raw_tables or [], offsets)
    document.sentences = split_sentences(document)
    _note_language(document)
    return document


def _digit_punct(cleaner: _Cleaner) -> None:
    spans = [m.start() for m in DIGIT_PUNCT.finditer(cleaner.text)]
    if spans:
        chars = list(cleaner.text) if len(spans) > 1000 else None
        text = cleaner.text
        if chars is None:
            for position in spans:
                text = text[:position] + ("." if text[position] == "．" else ":") + text[position + 1:]
        else:
            for position in spans:
                chars[position] = "." if chars[position] == "．" else ":"
            text = "".join(chars)
        cleaner.text = text
        cleaner.notes.append(f"数字间的全角标点转为半角 {len(spans)} 个")


_converter = None


def _opencc():
    global _converter
    if _converter is None:
        from opencc import OpenCC

        _converter = OpenCC("t2s")
    return _converter


def _to_simplified(cleaner: _Cleaner) -> bool:
    """Convert when a sample reads as traditional (≥ 3 % of its Han characters change)."""
    converter = _opencc()
    sample = "".join(re.findall(f"[{CJK}]", cleaner.text[:200_000]))[:20_000]
    if not sample:
        return False
    changed = sum(1 for a, b in zip(sample, converter.convert(sample)) if a != b)
    if changed < max(3, 0.03 * len(sample)):
        return False
    text = cleaner.text
    new = converter.convert(text)
    if len(new) != len(text):
        new = _convert_by_lines(text, cleaner)
    count = sum(1 for a, b in zip(text, new) if a != b) if len(text) < 5_000_000 else "多"
    cleaner.text = new
    cleaner.notes.append(f"繁体字转为简体字 {count} 个（原文保留用于显示）")
    return True


def _convert_by_lines(text: str, cleaner: _Cleaner) -> str:
    """Conversion that changed the length somewhere: line by line, a line whose length changed
    maps its characters proportionally onto the original line."""
    converter = _opencc()
    pieces, offsets = [], []
    position = 0
    for line in text.splitlines(keepends=True):
        new = converter.convert(line)
        source = cleaner.offsets[position:position + len(line)]
        if len(new) == len(line):
            offsets.append(source)
        else:
            index = np.floor(np.arange(len(new)) * len(line) / max(len(new), 1)).astype(np.int64)
            offsets.append(source[index])
        pieces.append(new)
        position += len(line)
    offsets.append(cleaner.offsets[-1:])
    cleaner.offsets = np.concatenate(offsets)
    return "".join(pieces)


def _line_spans(text: str, first: int = 0, last: int | None = None):
    """(start, end-with-newline) of each line."""
    return [m.span() for m in re.finditer(r"[^\n]*\n|[^\n]+$", text)][first:last]


def _strip_web_chrome(cleaner: _Cleaner) -> None:
    text = cleaner.text
    spans = [m.span() for m in META_LINE.finditer(text) if not HEADING.match(m.group())]
    spans += [m.span() for m in FOOTER_LINE.finditer(text)]
    spans += [m.span() for m in FOLLOW_LINE.finditer(text)]
    spans += [m.span() for m in ACCESS_LINE.finditer(text)]
    spans += [m.span() for m in READING_TIME.finditer(text)]
    spans += [m.span() for m in FONT_SIZE.finditer(text)]
    spans += _navigation(text)
    merged = _merge(spans)
    if merged:
        cleaner.delete(merged)
        cleaner.notes.append(f"删除网页页眉页脚和导航 {len(merged)} 处（来源、编辑、版权、分享、打印等）")


def _merge(spans):
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _navigation(text: str) -> list[tuple[int, int]]:
    """Menus at the top or bottom of a scraped page: a line of several short words split by
    spaces, a run of three or more short lines with no punctuation, a line naming 首页, and a
    title repeated on the next non-empty line."""
    lines = _line_spans(text)
    zones = list(range(min(40, len(lines)))) + list(range(max(40, len(lines) - 40), len(lines)))
    table_at = _cell_table_header(text, lines)
    found = []
    run: list[int] = []
    previous = None
    for index in zones:
        if index >= table_at:
            break                         # (a table one cell per line: its short cells are no menu)
        start, end = lines[index]
        line = text[start:end].strip()
        if not line:
            if len(run) >= 3:                             # a menu is a run without blank lines
                found += [lines[i] for i in run]
            run = []
            continue
        if re.fullmatch(r"[^|]{0,80}\||\|+", line):         # a cell of a scraped table (1 |, % |),
            if len(run) >= 3:                             # not a menu item: it ends a run
                found += [lines[i] for i in run]
            run, previous = [], None
            continue
        short = len(line) <= 8 and "\t" not in text[start:end] and not any(p in line for p in SENTENCE_PUNCT + "。") and not HEADING.match(line)
        words = line.split()
        menu = (len(words) >= 4 and all(len(w) <= 8 for w in words) and "\t" not in text[start:end]
                and not re.search(r"\d", line) and line.count("|") < 2     # (a table's header row)
                and not _names_table_columns(words)
                and not any(p in line for p in "。，,；;") and not HEADING.match(line))
        if menu or (("首页" in line or "当前位置" in line) and len(line) < 60 and "。" not in line) or previous is not None and line == previous and index < 40 and line.count("|") < 2:
            found.append((start, end))
        if short:
            run.append(index)
        else:
            if len(run) >= 3:
                found += [lines[i] for i in run]
            run = []
        previous = line
    if len(run) >= 3:
        found += [lines[i] for i in run]
    return found


# the words of a task table's header (重点工作, 牵头责任单位), besides COLUMN_WORD's
TASK_HEADER_WORD = re.compile(r"牵头|责任|工作|内容|名称|事项|措施")
# a table's 序号 cell on a line of its own, as a table scraped one cell per line opens
SERIAL_CELL_LINE = re.compile(r"(?m)^[ \t]*(?:序号|编号)[ \t]*\|?[ \t]*$")


def _cell_table_header(text: str, lines: list[tuple[int, int]]) -> int:
    """The index of the line that opens a table scraped one cell per line (序号⏎目标与任务⏎
    牵头责任单位⏎…: 序号 alone, then short cells naming columns), else past the end."""
    for match in SERIAL_CELL_LINE.finditer(text):
        following = [c.strip().rstrip("|").strip() for c in text[match.end():match.end() + 200].split("\n")]
        following = [c for c in following if c][:6]      # (a header's names may be broken: 牵头责任⏎单位)
        if len(following) >= 3 and sum(bool(COLUMN_WORD.search(c) or TASK_HEADER_WORD.search(c)) and len(c) <= 10
                                       for c in following) >= 2:
            return bisect.bisect_right([start for start, _ in lines], match.start()) - 1
    return len(lines)


# the words of a table's header row (序号 重点工作任务 牵头单位 完成情况), never of a site's menu
COLUMN_WORD = re.compile(r"序号|编号|指标|单位|目标|任务|完成|进展|情况|时限|属性|类别|备注|年度")


def _table_header(line: str) -> bool:
    """A line of three or more short cells parted by spaces that name a table's columns."""
    words = line.split()
    return len(words) >= 3 and all(len(w) <= 8 for w in words) and _names_table_columns(words)


def _names_table_columns(words: list[str]) -> bool:
    """A line of short words that is a table's header: it opens with 序号 / 编号, or half its
    words name columns."""
    return words[0] in ("序号", "编号") or 2 * sum(bool(COLUMN_WORD.search(w)) for w in words) >= len(words)


BROKEN_LINE = re.compile(rf"(?<=[{CJK}，,、“（(])[ \t]*\n(?P<blank>(?:[ \t]*\n)*)[ \t]*(?=[{CJK}“])")


def _next_line(text: str, position: int) -> str:
    end = text.find("\n", position)
    return text[position:end if end >= 0 else len(text)]


def _join_broken_lines(cleaner: _Cleaner) -> None:
    """A line break between two CJK characters inside a sentence: the line before is long
    enough to be running text (≥ 20 characters; when a blank line follows, as scraped pages
    split paragraphs that way, ≥ 10 with a full sentence inside it, else ≥ 60 — not a title), does not end a sentence, and neither line is a heading."""
    text = cleaner.text
    spans = []
    for match in BROKEN_LINE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        previous = text[line_start:match.start()].strip()
        if HEADING.match(previous) or HEADING.match(text, match.end()) or "\t" in previous \
                or len(previous.split()) >= 3 or _next_line(text, match.end()).rstrip().endswith("|") \
                or _table_header(_next_line(text, match.end())):
            continue                                      # (tabs, cells split by spaces or "|": a table)
        running = any(p in previous[:-1] for p in "。；;！？")     # running text, not a title
        limit = (10 if running else 60) if match.group("blank") else 20
        if len(previous) < limit:
            continue
        if match.group("blank") and previous[-1] in "，,、“（(":
            continue
        spans.append(match.span())
    if spans:
        cleaner.delete(spans)
        cleaner.notes.append(f"合并句子中间的断行 {len(spans)} 处")


# Spaces that are not word separators in Chinese running text: a PDF's line ends turned into
# spaces (重大战 略决策, 下 降14%) and the spaces news sites put around numbers (增长 5% 以上,
# 120 万人). Removed between Chinese characters, digits, % and Chinese punctuation — never
# between two digits (two numbers) nor next to a Latin letter (English words) — and only in a
# line of running text (with a comma or full stop, no tab or "|"), so table rows whose cells
# are split by spaces and menus keep theirs.
RUNNING_SPACE = re.compile(
    rf"(?<=[{CJK}\d%，。、；：！？“”（）《》«»,:;])[ \t]+(?=[{CJK}\d%，。、；：！？“”（）《》«»,])")
RUNNING_LINE = re.compile(r"[^\n]*[，。,][^\n]*")
ROW_SERIAL = re.compile(r"[ \t]*[★☆*]?\d{1,3}[ \t]+")
UNIT_CHARACTERS = "月日年号时万亿千百个项家人名座所条处公米吨元倍成%"


def _squeeze_running_spaces(cleaner: _Cleaner) -> None:
    text = cleaner.text
    if " " not in text and "\t" not in text:
        return
    spans = []
    for line in RUNNING_LINE.finditer(text):
        chunk = line.group()
        if "\t" in chunk or "|" in chunk or len(chunk) < 20 or " " not in chunk:
            continue
        for match in RUNNING_SPACE.finditer(text, line.start(), line.end()):
            left, right = text[match.start() - 1], text[match.end()]
            if right.isdigit() and (left.isdigit() or left in ",:;"):
                continue                                  # 2 3, "1, 200": two numbers, not one
            if ROW_SERIAL.fullmatch(text, line.start(), match.end()) and right not in UNIT_CHARACTERS:
                continue                                  # "1 地区生产总值…": a table row's serial number
            spans.append(match.span())
    if spans:
        cleaner.delete(spans)
        cleaner.notes.append(f"删除正文中汉字和数字之间的空格 {len(spans)} 处")


# ---------------------------------------------------------------------------------------------
# Structure: sections, sentences, tables
# ---------------------------------------------------------------------------------------------

def _toc_range(text: str) -> tuple[int, int]:
    """The table of contents (目录 and the heading lines after it): its headings are not sections."""
    match = TOC_LINE.search(text)
    if not match:
        return (0, 0)
    position = match.end()
    for start, end in _line_spans(text[match.end():]):
        line = text[match.end() + start:match.end() + end].strip()
        if line and not HEADING.match(line):
            break
        position = match.end() + end
    return (match.start(), position)


def _sections(text: str) -> list[Section]:
    toc_start, toc_end = _toc_range(text)
    found = []
    for match in HEADING.finditer(text):
        if toc_start <= match.start() < toc_end:
            continue
        kind = match.lastgroup
        value = match.group(kind)
        number = {"cn": value, "pcn": f"({value})", "dot": f"{value}.", "comma": f"{value}、",
                  "parab": f"({value})"}.get(kind, value)
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        rest = text[match.end():line_end].strip()
        title = re.split(r"[。：:；;!！?？]", rest, maxsplit=1)[0][:60].strip()
        found.append((match.start(), kind, number, title))
    if not found:
        return []
    ranks = sorted({HEADING_RANK[kind] for _, kind, _, _ in found})
    level_of = {rank: i + 1 for i, rank in enumerate(ranks)}
    sections: list[Section] = []
    stack: list[list] = []          # [start, level, number, title, path]

    def close(item, end):
        sections.append(Section(number=item[2], title=item[3], start=item[0], end=end,
                                level=item[1], path=item[4]))

    for start, kind, number, title in found:
        while text[start] in " \t":                   # the heading begins after its indent
            start += 1
        level = level_of[HEADING_RANK[kind]]
        while stack and stack[-1][1] >= level:
            close(stack.pop(), start)
        path = (stack[-1][4] if stack else "") + number
        stack.append([start, level, number, title, path])
    for item in reversed(stack):
        close(item, len(text))
    sections.sort(key=lambda s: (s.start, s.level))
    return sections


def split_sentences(document: Document) -> list[Sentence]:
    """Sentences to 。！？； (a ；-clause of a list is its own), and to each line end, so a
    heading line is a sentence of its own; tabs (table cells) end one too."""
    text = document.text
    starts = [s.start for s in document.sections]
    paths = [s.path for s in document.sections]
    result = []
    for match in SENTENCE.finditer(text):
        start, end = match.span()
        chunk = match.group()
        stripped = chunk.strip()
        if not stripped:
            continue
        start += len(chunk) - len(chunk.lstrip())
        end = start + len(stripped)
        index = bisect.bisect_right(starts, start) - 1
        result.append(Sentence(text=stripped, start=start, end=end, location=paths[index] if index >= 0 else ""))
    return result


def location_at(document: Document, position: int) -> str:
    """``Document.location`` in O(log n): the innermost section is the last one begun."""
    starts = [s.start for s in document.sections]
    index = bisect.bisect_right(starts, position) - 1
    return document.sections[index].path if index >= 0 else ""


def _tables(document: Document, raw_tables: list, offsets: np.ndarray) -> list[Table]:
    """A .docx table's span in the cleaned text (its raw span mapped through the offsets), and
    in plain text any block of two or more tab-separated lines."""
    tables = []
    for raw_start, raw_end, rows in raw_tables:
        start = int(np.searchsorted(offsets, raw_start))
        end = int(np.searchsorted(offsets, raw_end))
        tables.append(Table(rows=rows, start=start, end=end, location=location_at(document, start)))
    if not raw_tables and "\t" in document.text:
        for match in re.finditer(r"(?m)(?:^[^\n\t]*\t[^\n]*(?:\n|$)){2,}", document.text):
            rows = [line.split("\t") for line in match.group().splitlines() if line.strip()]
            tables.append(Table(rows=rows, start=match.start(), end=match.end(),
                                location=location_at(document, match.start())))
    tables += cell_tables(document) + inline_pipe_tables(document)
    return tables


# A table scraped with its cells on one line, joined by "|" ("序号 | 指标名称 | 单位 | 目标 | …"),
# or written as a Markdown table (| 指标 | 单位 | 2013年目标 | over | --- | --- |): two or more such
# lines in a row (two only under a header that names columns — a site's "首页 | 新闻 | 政务" is none).
PIPE_ROW = re.compile(r"[ \t]*\|?[^\n|]*[^\s|][^\n|]*(?:\|[^\n|]*){2,}")
# between two rows: a rule line ("|" alone) or a group heading closed by one "|" (一、发展目标 |)
PIPE_FILLER = re.compile(r"[\s|:：\-—－]*\|[\s|:：\-—－]*|[^\n|]{1,20}\|[ \t]*")
RULE_ROW = re.compile(r"[\s|:：\-—－]+")                 # a Markdown table's | --- | :---: |


def inline_pipe_tables(document: Document) -> list[CellTable]:
    """Tables whose rows stand one per line with "|" between cells. A row is aligned on its
    serial number under the header's 序号 (a category cell before it, 经济发展 | 1 | …, spans
    rows and is dropped; a row without it is moved right under the header); empty cells at the
    end of a line are the scraper's, rule lines and the header printed again (a table running
    over two pages) are no rows."""
    if "|" not in document.text:
        return []
    tables = []
    for lines in _pipe_blocks(document.text):
        start, end = lines[0][1], lines[-1][2]
        rows = [_pipe_cells(line) for line, _, _ in lines]
        # (a header of two rows, 指标 | 单位 | 2020年 | 2025年 over 类别 | 序号 | 指标名称 | …: the
        # row naming 序号 is the one the data rows line up under)
        below = next((i for i, row in enumerate(rows[:3]) if any(_is_serial_header(c) for c in row)), 0)
        rows, lines = rows[below:], lines[below:]
        kept = [i for i, row in enumerate(rows) if i == 0 or row != rows[0]]
        rows, lines = [rows[i] for i in kept], [lines[i] for i in kept]
        if len(rows) < 2 or len(rows) == 2 and not _names_table_columns([c for c in rows[0] if c]):
            continue
        header = rows[0]
        serial = next((i for i, c in enumerate(header) if _is_serial_header(c)), None)
        if serial is not None:
            for index, row in enumerate(rows[1:], start=1):
                at = next((i for i, c in enumerate(row) if SERIAL.fullmatch(c)), None)
                if at is not None and at > serial:
                    rows[index] = row[at - serial:]
                elif at is not None and at < serial:      # the category cell is the row above's
                    rows[index] = [""] * (serial - at) + row
        tables.append(CellTable(rows=rows, start=start, end=end, location=location_at(document, start),
                                row_spans=tuple((a, b) for _, a, b in lines[1:])))
    return tables


def _pipe_blocks(text: str):
    """Runs of lines that are rows with "|" between cells, each run a list of its rows as (line,
    start, end): at least two rows, with up to two rule lines or group headings between rows (a
    scraper's "|" line under each row, "一、发展目标 |" over a group), which are passed over.
    Hand-written: a regular expression for "rows, fillers between them, rows at both ends"
    backtracks badly on long texts."""
    rows, fillers = [], 0
    for match in re.finditer(r"(?m)^.*$", text):
        line = match.group()
        if "|" in line and PIPE_ROW.fullmatch(line) and not RULE_ROW.fullmatch(line):   # (| --- | :---: |: a rule)
            rows.append((line, match.start(), match.end()))
            fillers = 0
        elif rows and "|" in line and PIPE_FILLER.fullmatch(line) and fillers < 2:
            fillers += 1
        else:
            if len(rows) >= 2:
                yield rows
            rows, fillers = [], 0
    if len(rows) >= 2:
        yield rows


def _pipe_cells(line: str) -> list[str]:
    """A row's cells: a Markdown row's opening "|" opens no cell, the empty cells closing a
    scraped row are dropped."""
    cells = [cell.strip() for cell in line.strip().removeprefix("|").split("|")]
    return cells[:max((i for i, c in enumerate(cells) if c), default=0) + 1]


def _is_serial_header(cell: str) -> bool:
    return re.sub(r"\s", "", cell) in ("序号", "编号")


# ---------------------------------------------------------------------------------------------
# Scraped tables with one cell per line
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CellTable(Table):
    """A table rebuilt from scraped text that put each cell on a line of its own. ``rows[0]`` is
    the header (one name per column, a two-level header flattened to "parent/child");
    ``row_spans[i]`` is where data row ``rows[i + 1]`` stands in ``Document.text``."""

    row_spans: tuple = ()


# A cell line of a scraped table: the text of one cell closed by the "|" the scraper put
# between cells ("1 |", "全市生产总值年均增长率 |", "|" for an empty cell, "||||" a rule).
PIPE_CELL = re.compile(r"(?m)^[^\n|]{0,80}\|+[ \t]*$")
PIPE_BLOCK = re.compile(r"(?m)(?:^[^\n|]{0,80}\|+[ \t]*(?:\n|$)){8,}")
SERIAL = re.compile(r"\d{1,3}")


def cell_tables(document: Document) -> list[CellTable]:
    """Tables that web pages lose when copied: each cell on its own line ending in "|". Rows
    are found by the serial-number column every indicator table of a plan has (序号 1, 2, 3 …):
    a row runs from one serial number to the next. The cells before serial 1 are the header; when
    there are more of them than columns, the first ``width`` are the top header row and the rest
    name the sub-columns of its rightmost cells (“十四五”目标 over 2025年 | 年均[累计])."""
    if "|" not in document.text:
        return []
    tables = []
    for block in PIPE_BLOCK.finditer(document.text):
        table = _cell_table(document, block.start(), block.end())
        if table is not None:
            tables.append(table)
    return tables


def _cell_table(document: Document, start: int, end: int) -> CellTable | None:
    cells = []                        # (text, start, end); rule lines ("||||") dropped
    for match in PIPE_CELL.finditer(document.text, start, end):
        line = match.group()
        content = line.rstrip().rstrip("|").strip()
        if not content and line.count("|") > 1:
            continue
        cells.append((content, match.start(), match.end()))
    rows = _rows_by_serial([c[0] for c in cells]) or _rows_by_empty_cell([c[0] for c in cells])
    if rows is None:
        return None
    header_cells, row_ranges, width = rows
    header = _flatten_header(header_cells, width)
    data, spans = [header], []
    for first, last in row_ranges:
        data.append([cells[i][0] for i in range(first, last)])
        spans.append((cells[first][1], cells[last - 1][2]))
    return CellTable(rows=data, start=cells[0][1], end=cells[-1][2],
                     location=location_at(document, cells[0][1]), row_spans=tuple(spans))


def _rows_by_serial(texts: list[str]):
    """(header cells, [(first, last) cell index of each data row], width) or None when the
    cells hold no run of at least three serial numbers 1, 2, 3 … with rows of one width."""
    try:
        first = texts.index("1")
    except ValueError:
        return None
    starts = [first]
    expected = 2
    for index in range(first + 1, len(texts)):
        if texts[index] == str(expected) and index - starts[-1] >= 3:
            starts.append(index)
            expected += 1
    if len(starts) < 3:
        return None
    counts = Counter(b - a for a, b in zip(starts, starts[1:]))
    width = min(counts, key=lambda w: (-counts[w], w))     # the commonest row length (ties: shorter)
    # a category column left of 序号 (类别 | 序号 | 指标 …) has a cell only where its group
    # begins: that cell closes the row before (or the header), so rows are cut to ``width``
    ranges = [(a, min(b, a + width)) for a, b in zip(starts, starts[1:])]
    last_end = min(len(texts), starts[-1] + width)     # the last row: as wide as the others
    ranges.append((starts[-1], last_end))
    if sum(1 for a, b in ranges if b - a == width) < 0.6 * len(ranges):
        return None
    header = texts[:first]
    serial_column = next((i for i, cell in enumerate(header) if _is_serial_header(cell)), 0)
    if serial_column > 0:
        header = header[serial_column:-1] if len(header) > serial_column + width else header[serial_column:]
    return header, ranges, width


def _rows_by_empty_cell(texts: list[str]):
    """Rows of a table without serial numbers whose scraper closed every row with an empty cell
    ("|" alone on its line): the first run of cells is the header, and it gives the width. None
    unless at least two data rows have that width."""
    runs, first = [], None
    for index, text in enumerate(texts + [""]):
        if text and first is None:
            first = index
        elif not text and first is not None:
            runs.append((first, index))
            first = None
    if len(runs) < 3:
        return None
    (head_first, head_last), rows = runs[0], runs[1:]
    width = head_last - head_first
    same = [(a, b) for a, b in rows if b - a == width]
    if width < 2 or len(same) < 2 or len(same) < 0.6 * len(rows):
        return None
    return texts[head_first:head_last], same, width


def _flatten_header(cells: list[str], width: int) -> list[str]:
    """One name per column. Extra header cells beyond ``width`` are a second header row under
    the rightmost columns; each takes the name of the top cell above or left of it as parent."""
    top = cells[:width] + [""] * max(0, width - len(cells))
    below = [c for c in cells[width:] if c]
    if not below:
        return [" ".join(c.split()) for c in top]
    header = list(top)
    first = width - len(below)
    for offset, name in enumerate(below):
        column = first + offset
        if column < 0:
            continue
        parent = next((top[i] for i in range(column, -1, -1) if top[i]), "")
        header[column] = f"{parent}/{name}" if parent and parent != name else name
    return [" ".join(c.split()) for c in header]


def _note_language(document: Document) -> None:
    sample = document.text[:100_000]
    han = len(re.findall(f"[{CJK}]", sample))
    latin = len(re.findall(r"[A-Za-z]", sample))
    if han < 0.1 * max(latin, 1) or han < 10:
        document.notes.append("文档不是中文（几乎没有汉字），可能提取不到目标")
