"""The three renderers of a report (HTML, PDF, Word) on a small hand-made document: the office's
text is escaped, the tables hold the same texts everywhere, the PDF embeds its font, extracts in
Chinese and renders page by page, the Word file opens and holds the tables."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from deltawatch.reports import document as doc
from deltawatch.reports.render import (
    chinese_number,
    format_cell,
    heading_number,
    prepare,
    to_docx,
    to_html,
    to_pdf,
)

TITLE = "长三角一体化发展重点任务进展通报（2026年11月）"
SCRIPT = "<script>alert(1)</script>"
CITIES = ["上海市", "南京市", "杭州市", "合肥市"]


def sample_content() -> dict:
    """Two chapters (one with a sub-section), a paragraph, a list, a table with every format, a
    bar chart, a map chart on yrd41, an empty and a failed section."""
    table = doc.table("各城市任务完成情况", [
        doc.column("city", "城市"),
        doc.column("tasks", "任务数", "int"),
        doc.column("score", "得分", "number"),
        doc.column("rate", "按期完成率", "percent"),
        doc.column("light", "灯号", "light"),
        doc.column("rank", "排名", "rank"),
    ], [
        {"city": "上海市", "tasks": 12345, "score": 87.456, "rate": 0.9351, "light": "green", "rank": [1, 1, 2]},
        {"city": "南京市", "tasks": 980, "score": 1234.5, "rate": 0.5, "light": "yellow", "rank": [3, [2, 5]]},
        {"city": "杭州市", "tasks": 7, "score": None, "rate": 1.0, "light": "red", "rank": {"rank": 2, "low": 1, "high": 4}},
        {"city": "合肥市", "tasks": 0, "score": 0.0, "rate": None, "light": "grey", "rank": None},
    ], note="注：排名括号内为90%区间。")
    bar = doc.chart("各城市按期完成率", {
        "xAxis": {"type": "category", "data": CITIES},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar", "data": [93.5, 50, 100, 0]}],
    }, height=300)
    import json

    from deltawatch.regional.services import GEOJSON

    names = [f["properties"]["name"] for f in json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]]
    area = doc.chart("各城市综合指数", {
        "visualMap": {"min": 0, "max": 40, "calculable": False},
        "series": [{"type": "map", "roam": False, "data": [{"name": n, "value": k} for k, n in enumerate(names)]}],
    }, height=420, map="yrd41", note="审图号：示意图，不作为边界依据。")
    sections = [
        doc.section("overview", "总体情况", [
            doc.paragraph("截至2026年11月30日，纳入台账的重点任务共12,345项，按期完成率为93.5%。"),
            doc.bullet_list(["上海市任务最多。", "合肥市尚无完成任务。"]),
            table, bar,
        ], sections=[doc.section("overview:map", "分城市情况", [area])]),
        doc.section("lights", "分领域红黄绿灯", [doc.paragraph("本期各领域灯号如下。")], sections=[
            doc.empty("lights:empty", "生态环境领域", "本期无数据。"),
            doc.section("lights:failed", "公共服务领域", [doc.paragraph("本节未能生成：计算中断。")], status="failed"),
        ]),
    ]
    return doc.document(TITLE, sections, sources={"data_version": "v42", "as_of": "2026-11-30"})


def sample_context(**changes) -> dict:
    context = {"content": sample_content(), "number": "〔2026〕第3期", "office": "长三角一体化发展领导小组办公室（示例）",
               "date": dt.date(2026, 12, 1), "kind_label": "任务进展通报",
               "texts": {"overview": {"above": f"请各地认真研究。{SCRIPT}", "below": "特此通报。"}},
               "language": "zh-hans", "draft": True, "public": False}
    context.update(changes)
    return context


class Tables(HTMLParser):
    """The cell texts of every <table> of an HTML page (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(html: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture(scope="module")
def context():
    return sample_context()


@pytest.fixture(scope="module")
def html(context):
    return to_html(context)


@pytest.fixture(scope="module")
def pdf(context):
    return to_pdf(context)


def need(tool: str):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is missing (poppler-utils; ./dev can install it)")


# ------------------------------------------------------------------------------ formats


@pytest.mark.parametrize(("value", "format", "zh", "en"), [
    (12345, "int", "12,345", "12,345"),
    (12344.6, "int", "12,345", "12,345"),
    (1234.5, "number", "1,234.50", "1,234.50"),
    (87.456, "number", "87.46", "87.46"),
    (0.9351, "percent", "93.5%", "93.5%"),
    (1, "percent", "100.0%", "100.0%"),
    ("green", "light", "● 绿", "● Green"),
    ("red", "light", "● 红", "● Red"),
    ([3, 2, 5], "rank", "3（2–5）", "3 (2–5)"),
    ([3, [2, 5]], "rank", "3（2–5）", "3 (2–5)"),
    ({"rank": 3, "low": 2, "high": 5}, "rank", "3（2–5）", "3 (2–5)"),
    (4, "rank", "4", "4"),
    (None, "int", "—", "—"),
    (float("nan"), "number", "—", "—"),
    ("上海市", "text", "上海市", "上海市"),
])
def test_format_cell(value, format, zh, en):
    assert format_cell(value, format, "zh-hans") == zh
    assert format_cell(value, format, "en") == en


def test_heading_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 35)] == ["一", "九", "十", "十一", "二十", "三十五"]
    assert heading_number([2], True) == "二、"
    assert heading_number([2, 3], True) == "（三）"
    assert heading_number([2, 3], False) == "2.3"
    assert heading_number([4], False) == "4."


def test_prepare_does_not_change_the_content(context):
    before = sample_content()
    prepared = prepare(context)
    assert context["content"] == before
    charts = [b for s in prepared["items"] for b in s["blocks"] if b["type"] == "chart"]
    assert len(charts) == 2 and all(b["svg"].startswith("<svg") for b in charts)
    assert [s["number"] for s in prepared["items"]] == ["一、", "（一）", "二、", "（一）", "（二）"]


# ------------------------------------------------------------------------------ HTML


def test_html_escapes_the_office_text(html):
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "特此通报。" in html


def test_html_has_the_official_head(html):
    for text in (TITLE, "〔2026〕第3期", "2026年12月1日", "长三角一体化发展领导小组办公室（示例）", "目录", "草稿"):
        assert text in html
    assert "一、总体情况" in html.replace('<span class="report-number">', "").replace("</span>", "")


def test_html_table_cells(html):
    (table,) = html_tables(html)
    assert table[0] == ["城市", "任务数", "得分", "按期完成率", "灯号", "排名"]
    assert table[1] == ["上海市", "12,345", "87.46", "93.5%", "● 绿", "1（1–2）"]
    assert table[2] == ["南京市", "980", "1,234.50", "50.0%", "● 黄", "3（2–5）"]
    assert table[4] == ["合肥市", "0", "0.00", "—", "● 灰", "—"]


def test_html_charts_and_map_caption(html):
    assert html.count("<svg") == 2
    assert "各城市综合指数（示意图）" in html
    assert "本期无数据。" in html and "status-message-empty" in html
    assert "本节未能生成：计算中断。" in html and "status-message-failed" in html
    assert "cdn" not in html.lower() and "http://" not in html.replace("http://www.w3.org", "")


def test_html_in_english():
    html = to_html(sample_context(language="en"))
    assert "各城市综合指数 (schematic map)" in html
    assert '<span class="report-number">1.</span> 总体情况' in html
    assert '<span class="report-number">2.2</span> 公共服务领域' in html
    assert "Contents" in html and "1 December 2026" in html


# ------------------------------------------------------------------------------ PDF


def test_pdf_embeds_the_font(pdf, tmp_path):
    need("pdffonts")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    ours = [line for line in lines if "Noto-Sans-CJK-SC" in line]
    assert ours, lines
    # columns: name type encoding emb sub uni object ID — every font of ours embedded
    assert all(line.split()[-5] == "yes" for line in ours), ours


def test_pdf_text_extracts_in_chinese(pdf, tmp_path):
    need("pdftotext")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "".join(TITLE.split()) in flat
    assert "1（1–2）" in flat and "12,345" in flat
    assert "&lt;script" not in text and "<script>alert(1)</script>" in flat  # escaped in HTML, shown as text
    assert "-2-" in flat  # page numbers in the footer


def test_pdf_pages_render(pdf, tmp_path):
    need("pdftoppm")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 2
    Image = pytest.importorskip("PIL.Image")
    for page in pages:
        with Image.open(page) as image:
            low, _ = image.convert("L").getextrema()
            assert low < 128, f"{page.name} is blank"


# ------------------------------------------------------------------------------ Word


def test_docx_holds_the_same_tables(context, html):
    docx = pytest.importorskip("docx")
    document = docx.Document(io.BytesIO(to_docx(context)))
    (expected,) = html_tables(html)
    assert len(document.tables) == 1
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cells == expected
    text = "\n".join(p.text for p in document.paragraphs)
    assert TITLE in text and "〔2026〕第3期" in text and SCRIPT in text
    assert "一、总体情况" in text and "（二）公共服务领域" in text
    assert len(document.inline_shapes) == 2  # the bar chart and the map, as pictures
    assert "图2　各城市综合指数（示意图）" in text


def test_docx_east_asian_font(context):
    docx = pytest.importorskip("docx")
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(to_docx(context)))
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"
