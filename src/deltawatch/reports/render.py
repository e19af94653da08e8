"""Reports as documents: HTML (standalone, and the content part for the application's page),
PDF (WeasyPrint) and Word (python-docx), all read from the document model of ``document.py``.

The three outputs share one preparation step (``prepare``): sections numbered as official
documents number them (一、 （一） 1. ; English 1., 1.1), table cells formatted once by
``format_cell``, charts rendered to SVG on the server (``charts.render_svg``), figures and
tables numbered, and the office's own text split into paragraphs — plain text, escaped by the
templates and written as text into Word. So the HTML, PDF and Word tables hold the same texts.

``context`` (what every entry point takes)::

    {"content": document, "number": "〔2026〕第3期" or "", "office": str, "date": datetime.date,
     "kind_label": "任务进展通报", "texts": {section_code: {"above": str, "below": str}},
     "language": "zh-hans" | "en", "draft": bool, "public": bool}
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import io
import math
import re
from functools import cache
from numbers import Number
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import charts

CHART_WIDTH = 680  # px of the server SVG; A4's text block (156 mm) at 96 dpi is about 590 px, scaled down
LIGHTS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "grey": "#9e9e9e", "done": "#9e9e9e"}
DOT = "●"
DASH = "—"
RED = "#c00000"  # the header's red (GB/T 9704 asks for red; this one prints well)


# ------------------------------------------------------------------------------ cells


def light_word(value) -> str:
    words = {"green": _("绿"), "yellow": _("黄"), "red": _("红"), "grey": _("灰"), "done": _("灰")}
    return words.get(str(value).lower(), str(value))


def _is_missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _rank_parts(value):
    """(rank, low, high) from the shapes a rank cell may take: 3, [3, 2, 5], [3, [2, 5]],
    {"rank"|"value": 3, "low": 2, "high": 5}."""
    if isinstance(value, dict):
        return value.get("rank", value.get("value")), value.get("low"), value.get("high")
    if isinstance(value, (list, tuple)):
        if len(value) == 2 and isinstance(value[1], (list, tuple)) and len(value[1]) == 2:
            return value[0], value[1][0], value[1][1]
        if len(value) == 3:
            return value[0], value[1], value[2]
        if len(value) == 1:
            return value[0], None, None
    return value, None, None


def _whole(value) -> str:
    return f"{round(float(value)):,}"


def format_cell(value, format: str, language: str | None = None) -> str:
    """The text of one table cell, the same in HTML, PDF and Word.

    int: 12,345 · year: 2025 · number: 1,234.57 · percent (a share 0–1): 93.5% · light: ● 绿 (English: ● green)
    · rank: 3（2–5）(English: 3 (2–5)) · text: as is · missing values: —."""
    with translation.override(language) if language else contextlib.nullcontext():
        if _is_missing(value):
            return DASH
        if format == "int" and isinstance(value, Number):
            return _whole(value)
        if format == "year" and isinstance(value, Number):
            return str(round(float(value)))  # 2025, never 2,025
        if format == "number" and isinstance(value, Number):
            return f"{float(value):,.2f}"
        if format == "percent" and isinstance(value, Number):
            return f"{float(value) * 100:,.1f}%"
        if format == "light":
            return f"{DOT} {light_word(value)}"
        if format == "rank":
            rank, low, high = _rank_parts(value)
            if _is_missing(rank):
                return DASH
            text = _whole(rank) if isinstance(rank, Number) else str(rank)
            if _is_missing(low) or _is_missing(high):
                return text
            interval = f"{_whole(low)}–{_whole(high)}"
            return f"{text}（{interval}）" if _chinese() else f"{text} ({interval})"
        return str(value)


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").lower().startswith("zh")


def light_colour(value) -> str | None:
    return LIGHTS.get(str(value).lower())


# ------------------------------------------------------------------------------ numbering

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (headings go no higher)."""
    if n < 10:
        return _DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")


def heading_number(path: list[int], chinese: bool) -> str:
    """The number a heading carries: 一、 （一） 1. （1） by depth; English 1. 1.1 1.1.1."""
    if not chinese:
        return ".".join(str(n) for n in path) + ("." if len(path) == 1 else "")
    n, depth = path[-1], len(path)
    return {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}."}.get(depth, f"（{n}）")


# ------------------------------------------------------------------------------ preparation


def paragraphs_of(text: str) -> list[str]:
    """The office's free text as paragraphs (one per non-empty line); plain text, never markup."""
    return [line.strip() for line in re.split(r"\r?\n", text or "") if line.strip()]


def prepare(context: dict, *, svg: bool = True) -> dict:
    """What the templates and the Word writer read: a deep copy of the content with the
    sections numbered and flattened (``items``, in reading order), tables with their formatted
    cells, charts with their SVG (``svg=False``: none, e.g. for Word, which renders PNGs), and
    the office's texts as paragraphs. The caller's content is not changed."""
    content = copy.deepcopy(context["content"])
    language = context.get("language") or "zh-hans"
    with translation.override(language):
        chinese = _chinese()
        counters = {"table": 0, "figure": 0}
        items = []
        texts = context.get("texts") or {}

        def visit(section: dict, path: list[int]) -> None:
            office = texts.get(section.get("code"), {}) or {}
            section["number"] = heading_number(path, chinese)
            section["level"] = len(path)
            section["anchor"] = "s-" + "-".join(str(n) for n in path)
            section["above"] = paragraphs_of(office.get("above", ""))
            section["below"] = paragraphs_of(office.get("below", ""))
            section["blocks"] = [_prepared_block(block, counters, chinese, svg) for block in section.get("blocks") or []]
            items.append(section)
            for k, child in enumerate(section.get("sections") or [], start=1):
                visit(child, path + [k])

        for k, top in enumerate(content.get("sections") or [], start=1):
            visit(top, [k])
        when = context.get("date") or dt.date.today()
        prepared = {
            "content": content,
            "items": items,
            "toc": [{"number": s["number"], "title": s["title"], "anchor": s["anchor"], "level": s["level"]}
                    for s in items if s["level"] <= 2],
            "number": context.get("number") or "",
            "office": context.get("office") or "",
            "office_size": office_size(context.get("office") or ""),
            "kind_label": context.get("kind_label") or "",
            "date": when,
            "date_text": date_text(when, chinese),
            "draft": bool(context.get("draft")),
            "public": bool(context.get("public")),
            "language": language,
            "chinese": chinese,
            "font_regular": charts.FONT_FILES["regular"].as_uri(),
            "font_bold": charts.FONT_FILES["bold"].as_uri(),
            "font_family": charts.FONT_FAMILY,
        }
        prepared["source_line"] = source_line(prepared)
        return prepared


def office_size(office: str) -> str:
    """The issuing office's name is set on one line: large when short, smaller when long
    (at 26 pt the A4 text block holds about 16 characters)."""
    return "l" if len(office) <= 16 else "m" if len(office) <= 20 else "s"


def date_text(day: dt.date, chinese: bool) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if chinese else day.strftime("%-d %B %Y")


def _prepared_block(block: dict, counters: dict, chinese: bool, svg: bool) -> dict:
    kind = block.get("type")
    if kind == "table":
        counters["table"] += 1
        columns = block.get("columns") or []
        block["label"] = (f"表{counters['table']}" if chinese else f"Table {counters['table']}")
        block["header"] = [c.get("label", c.get("key", "")) for c in columns]
        block["body"] = [[_cell(row.get(c["key"]), c.get("format", "text")) for c in columns]
                         for row in block.get("rows") or []]
    elif kind == "chart":
        counters["figure"] += 1
        block["label"] = (f"图{counters['figure']}" if chinese else f"Figure {counters['figure']}")
        title = block.get("title") or ""
        if block.get("map"):
            schematic = pgettext("map caption", "示意图")  # English "schematic map" (plain 示意图 is "schematic")
            title = f"{title}（{schematic}）" if chinese else f"{title} ({schematic})"
        block["caption"] = title
        block["height"] = int(block.get("height") or 360)
        if svg:
            block["svg"] = charts.render_svg(block.get("option") or {}, width=CHART_WIDTH, height=block["height"],
                                             map=block.get("map"))
    return block


def _cell(value, format: str) -> dict:
    """A formatted cell: its text and, for lights, the dot's colour and class."""
    cell = {"text": format_cell(value, format), "format": format, "light": None,
            "numeric": format in ("int", "year", "number", "percent", "rank")}
    if format == "light" and not _is_missing(value):
        cell["light"] = str(value).lower()
        cell["word"] = cell["text"][len(DOT) + 1:]
    return cell


# ------------------------------------------------------------------------------ HTML, PDF


def to_html(context: dict, *, for_pdf: bool = False) -> str:
    """A complete HTML document: inline CSS, charts as inline SVG, the vendored font by file:// URL."""
    prepared = prepare(context)
    prepared["for_pdf"] = for_pdf
    if for_pdf:
        # WeasyPrint reads an SVG image with its XML parser and no CSS cascade: several times
        # faster than the same SVG inline in the HTML (the annual report's 40 charts)
        for section in prepared["items"]:
            for block in section["blocks"]:
                if block.get("svg"):
                    block["svg_uri"] = "data:image/svg+xml;base64," + base64.b64encode(block["svg"].encode()).decode()
    with translation.override(prepared["language"]):
        return _engine().render_to_string("reports/document.html", prepared)


@cache
def _engine():
    """The documents' own template engine: it finds reports/*.html whether or not the reports
    app is installed (the application's page includes reports/_content.html through its own)."""
    from django.template import Engine

    return Engine(dirs=[str(Path(__file__).resolve().parent / "templates")], autoescape=True,
                  libraries={"i18n": "django.templatetags.i18n"})


def content_context(context: dict) -> dict:
    """What ``reports/_content.html`` needs when the application's page includes it."""
    return prepare(context)


def to_pdf(context: dict) -> bytes:
    """A4 PDF with the vendored font embedded, page numbers and a table of contents."""
    from weasyprint import HTML

    html = to_html(context, for_pdf=True)
    return HTML(string=html, base_url=str(charts.FONT_DIR)).write_pdf()


# ------------------------------------------------------------------------------ Word


def to_docx(context: dict) -> bytes:
    """The report as a Word document: header block, numbered headings, paragraphs, lists, real
    tables (the same header labels and cell texts as HTML and PDF) and charts as PNG pictures."""
    from docx import Document

    prepared = prepare(context, svg=False)
    with translation.override(prepared["language"]):
        document = Document()
        _docx_styles(document)
        _docx_page(document, prepared)
        _docx_header_block(document, prepared)
        for section in prepared["items"]:
            _docx_section(document, section, prepared)
        _docx_sources(document, prepared)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def _set_east_asian(element, name: str) -> None:
    """Give a run or style properties element the font for Latin and East Asian text (w:eastAsia)."""
    from docx.oxml.ns import qn

    r_pr = element if element.tag == qn("w:rPr") else element.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = element.makeelement(qn("w:rPr"), {})
        element.append(r_pr)
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for attribute in list(fonts.attrib):  # theme fonts (w:asciiTheme…) would win over the named ones
        if attribute.lower().endswith("theme"):
            del fonts.attrib[attribute]


def _docx_styles(document) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    family = charts.FONT_FAMILY
    # the document default (docDefaults) and every style we use
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr_default = defaults.find(qn("w:rPrDefault"))
        if r_pr_default is not None:
            _set_east_asian(r_pr_default, family)  # its w:rPr child, made when missing
            language = r_pr_default.find(qn("w:rPr")).find(qn("w:lang"))
            if language is not None:  # Word breaks and spaces East Asian text by this language
                language.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.name = family
    normal.font.size = Pt(12)
    _set_east_asian(normal.element, family)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
    normal.paragraph_format.space_after = Pt(3)
    for level, size in ((1, 15), (2, 13), (3, 12)):
        style = document.styles[f"Heading {level}"]
        style.font.name = family
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_east_asian(style.element, family)
        style.paragraph_format.space_before = Pt(12 if level == 1 else 8)
        style.paragraph_format.space_after = Pt(6)
    for name in ("Title", "Caption", "List Bullet", "Table Grid"):
        try:
            style = document.styles[name]
        except KeyError:
            continue
        _set_east_asian(style.element, family)


def _docx_page(document, prepared: dict) -> None:
    """A4, GB/T 9704 margins, page numbers "- N -" in the footer, 草稿 in the header of a draft."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    page = document.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin, page.bottom_margin, page.left_margin, page.right_margin = Mm(30), Mm(28), Mm(28), Mm(26)
    footer = page.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("- ")
    _docx_field(footer, "PAGE")
    footer.add_run(" -")
    if prepared["draft"]:
        header = page.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(_("草稿"))
        run.bold, run.font.size, run.font.color.rgb = True, Pt(14), RGBColor(0xC0, 0, 0)


def _docx_field(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _red_rule(paragraph, size: int = 18) -> None:
    """A red line under the paragraph (the 红线 of the header)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "4"), ("w:color", RED.lstrip("#"))):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _docx_header_block(document, prepared: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    red = RGBColor.from_string(RED.lstrip("#"))
    office = document.add_paragraph()
    office.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = office.add_run(prepared["office"] or prepared["kind_label"])
    run.bold, run.font.size, run.font.color.rgb = True, Pt(26), red
    if prepared["office"] and prepared["kind_label"]:
        kind = document.add_paragraph()
        kind.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = kind.add_run(prepared["kind_label"])
        run.bold, run.font.size, run.font.color.rgb = True, Pt(20), red
    line = document.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.add_run("　　".join(part for part in (prepared["number"], prepared["date_text"]) if part))
    _red_rule(line)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    run = title.add_run(prepared["content"].get("title", ""))
    run.bold, run.font.size = True, Pt(20)
    subtitle = prepared["content"].get("subtitle")
    if subtitle:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(subtitle).font.size = Pt(14)


def _docx_section(document, section: dict, prepared: dict) -> None:
    document.add_heading(f"{section['number']}{' ' if not prepared['chinese'] else ''}{section['title']}",
                         level=min(section["level"], 3))
    for text in section["above"]:
        _docx_office_text(document, text)
    status = section.get("status") or "ok"
    for block in section["blocks"]:
        if status != "ok" and block.get("type") == "paragraph":
            _docx_status_message(document, block.get("text", ""), status)
        else:
            _docx_block(document, block)
    for text in section["below"]:
        _docx_office_text(document, text)


def _docx_status_message(document, text: str, status: str) -> None:
    """The message of an empty or failed section, set apart (grey, or red when it failed)."""
    from docx.shared import RGBColor

    paragraph = document.add_paragraph()
    _shade(paragraph, "FDF0F0" if status == "failed" else "F3F3F3")
    run = paragraph.add_run(text)
    run.font.color.rgb = RGBColor(0xC0, 0, 0) if status == "failed" else RGBColor(0x66, 0x66, 0x66)


def _shade(paragraph, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    paragraph._p.get_or_add_pPr().append(shading)


def _docx_office_text(document, text: str) -> None:
    paragraph = document.add_paragraph(text)  # plain text: Word has no markup to inject
    paragraph.paragraph_format.first_line_indent = _two_characters()


def _two_characters():
    from docx.shared import Pt

    return Pt(24)


def _docx_block(document, block: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Pt, RGBColor

    kind = block.get("type")
    if kind == "paragraph":
        paragraph = document.add_paragraph(block.get("text", ""))
        paragraph.paragraph_format.first_line_indent = _two_characters()
    elif kind == "list":
        for item in block.get("items") or []:
            document.add_paragraph(str(item), style="List Bullet")
    elif kind == "table":
        caption = document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = caption.add_run(f"{block['label']}　{block.get('caption', '')}")
        run.bold, run.font.size = True, Pt(11)
        _docx_table(document, block)
        if block.get("note"):
            note = document.add_paragraph()
            note.add_run(block["note"]).font.size = Pt(9)
    elif kind == "chart":
        svg = charts.render_svg(block.get("option") or {}, width=CHART_WIDTH, height=block["height"],
                                map=block.get("map"))
        picture = document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(charts.svg_to_png(svg)), width=Inches(6.0))
        caption = document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = caption.add_run(f"{block['label']}　{block['caption']}")
        run.bold, run.font.size = True, Pt(11)
        if block.get("note"):
            note = document.add_paragraph()
            note.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = note.add_run(block["note"])
            run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x55, 0x55, 0x55)


def _docx_table(document, block: dict) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    table = document.add_table(rows=1 + len(block["body"]), cols=max(1, len(block["header"])))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, block["header"]):
        cell.text = ""
        run = cell.paragraphs[0].add_run(label)
        run.bold, run.font.size = True, Pt(10.5)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _repeat_header(table.rows[0])
    for row, values in zip(table.rows[1:], block["body"]):
        for cell, value in zip(row.cells, values):
            paragraph = cell.paragraphs[0]
            if value["light"]:
                dot = paragraph.add_run(DOT)
                dot.font.color.rgb = RGBColor.from_string(LIGHTS.get(value["light"], "#9e9e9e").lstrip("#"))
                dot.font.size = Pt(10.5)
                paragraph.add_run(" " + value["word"]).font.size = Pt(10.5)
            else:
                paragraph.add_run(value["text"]).font.size = Pt(10.5)
            if value["numeric"]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _docx_sources(document, prepared: dict) -> None:
    from docx.shared import Pt, RGBColor

    line = source_line(prepared)
    if line:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        run.font.size, run.font.color.rgb = Pt(9), RGBColor(0x66, 0x66, 0x66)


def source_line(prepared: dict) -> str:
    """The data version and date the report was computed from (printed at its end)."""
    sources = prepared["content"].get("sources") or {}
    parts = []
    if sources.get("data_version"):
        parts.append(_("数据版本：%(version)s") % {"version": sources["data_version"]})
    if sources.get("as_of"):
        parts.append(_("数据截至：%(date)s") % {"date": sources["as_of"]})
    return "；".join(parts) if prepared["chinese"] else "; ".join(parts)
