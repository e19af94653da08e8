"""Hostile statistics files, generated: hypothesis strategies for the reader's fuzz test
(test_reader_fuzz.py) and its benchmark (benchmarks/bench_fuzz_reader.py).

Each strategy draws ``(file name, bytes)``. The files are what a careless program or a hostile
user hands the importer: cells that spell NaN, infinity, numbers beyond a float, formulas,
2,000-character texts, NUL bytes and broken quotes; tables in every layout, delimiter, line
ending and encoding, some of them valid so that acceptance is exercised too; files whose name
lies about their content; headers of 16,385 columns; and XLSX workbooks written by hand, part
by part, so that their XML can hold what no spreadsheet program writes (rows numbered 0, cells
in column XFE, shared-string indexes past the end, merged ranges beyond the sheet, entity
bombs, parts that inflate 400-fold, truncated archives).
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from hypothesis import strategies as st

# Cells that broke or fooled the reader, or could: non-finite and overflowing numbers,
# formulas (CSV injection too), quotes and line breaks, full-width forms, bounds of length.
NASTY_CELLS = [
    "", " ", "NaN", "nan", "-NaN", "inf", "-inf", "Infinity", "-Infinity", "INF", "1e308", "-1e308", "1e309",
    "1e400", "-1e400", "1.7976931348623157e308", "1e15", "1e16", "-1e16", "5e-324", "0", "-0", "1,23",
    "1,234,567.5", "３８，１５５．３２", "12%", "%", "—", "…", "-", "/", "NA", "null", "None", "TRUE",
    "=1+1", "=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "\t1", "\r1", '"', '""', '"a', "a\"b", "\n", "\x00",
    "\ufeff", "\u202e1", "\u2028", "𠀀", "🙂", "9" * 5000, "0" * 3000 + "1", "x" * 1999, "x" * 2000, "x" * 2001,
    "99999999999999999999", "2019.5", "２０１９", "2019年", "0x1F", "1_000", "١٢٣",
]
REGIONS = ["上海", "上海市", "310000", "3101", "江苏", "南京市", "苏州", "3205", "鼓楼区", "南京市鼓楼区",
           "巢湖市", "341400", "340181", "火星市", "合肥", "杭州市", "330100"]
INDICATORS = ["gdp", "地区生产总值", "population_resident", "常住人口", "urbanization_rate", "城镇化率",
              "total_wages", "gpd", "幸福指数", "GDP"]
YEARS = ["2019", "2020年", "２０２１", "1800", "2300", "2019.5", "", "0", "99999999999999999999999"]
UNITS = ["", "亿元", "万元", "元", "万人", "人", "%", "比值", "斤", "亿 元", "100m_yuan"]
CLEAN_REGIONS = ["上海", "江苏省", "320500", "南京市鼓楼区", "合肥市"]
CLEAN_INDICATORS = ["gdp", "常住人口"]
HEADER_WORDS = ["region", "indicator", "year", "value", "unit", "source", "qualifier", "note", "地区", "指标",
                "年份", "数值", "单位", "来源", "数值性质", "备注", "2019", "2020年", "地区生产总值(亿元)",
                "常住人口（万人）", "城镇化率(%)", "", "region"]
TITLES = ["2019年各市主要指标", "地区生产总值(亿元)", "单位：万元", "表1-2 各市地区生产总值", "注：初步核算数"]

_ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16"]
_TEXT_NAMES = ["data.csv"] * 6 + ["data.txt", "data.tsv", "data.xlsx", "data.xls", "data"]

cells = st.one_of(
    st.sampled_from(NASTY_CELLS), st.text(max_size=12), st.floats().map(repr),
    st.integers(-10 ** 20, 10 ** 20).map(str), st.sampled_from(REGIONS + INDICATORS + YEARS + UNITS),
)


def _number_cells():
    return st.one_of(st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.2f}"), st.sampled_from(NASTY_CELLS))


# ---------------------------------------------------------------------------
# text files

def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


def _join(rows, sep: str, newline: str, quoted: bool) -> str:
    if not quoted:           # no quoting at all: stray quotes and separators stay as they are
        return newline.join(sep.join(r) for r in rows) + newline
    import csv

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


@st.composite
def long_tables(draw, clean=None):
    """Long layout: mostly resolvable keys, hostile values, units and extra columns; one in
    three tables (or every one, ``clean=True``) clean: known regions and indicators, plain
    numbers, to be accepted."""
    clean = draw(st.integers(0, 2)) == 0 if clean is None else clean
    header = ["region", "indicator", "year", "value"] + draw(st.lists(
        st.sampled_from(["unit", "source", "qualifier", "note", "地区", "数值"]), max_size=3, unique=True))
    rows = [header]
    for _ in range(draw(st.integers(1 if clean else 0, 8))):
        if clean:
            row = [draw(st.sampled_from(CLEAN_REGIONS)), draw(st.sampled_from(CLEAN_INDICATORS)),
                   str(draw(st.integers(1990, 2030))), f"{draw(st.floats(0, 1e5)):.2f}"]
            row += ["" for _ in header[4:]]
        else:
            row = [draw(st.sampled_from(REGIONS)), draw(st.sampled_from(INDICATORS)),
                   draw(st.sampled_from(YEARS[:3])), draw(_number_cells())]
            row += [draw(st.sampled_from(UNITS) | cells) for _ in header[4:]]
        rows.append(row)
    return rows


@st.composite
def wide_tables(draw):
    """Wide layouts: years or indicators across, titles above, blank marks in cells."""
    across = draw(st.sampled_from([["2019", "2020年", "２０２１"], ["地区生产总值(亿元)", "常住人口（万人）"],
                                   ["1800", "2019", ""]]))
    rows = [[t] for t in draw(st.lists(st.sampled_from(TITLES), max_size=2))]
    rows.append([draw(st.sampled_from(["地区", "城市", "", "地区生产总值(亿元)"]))] + across)
    for _ in range(draw(st.integers(0, 6))):
        rows.append([draw(st.sampled_from(REGIONS))] + [draw(_number_cells()) for _ in across])
    return rows


@st.composite
def random_grids(draw):
    """Anything: headers and cells drawn from everything above."""
    width = draw(st.integers(1, 7))
    rows = [draw(st.lists(st.sampled_from(HEADER_WORDS) | cells, min_size=width, max_size=width))]
    rows += draw(st.lists(st.lists(cells, max_size=width + 2), max_size=8))
    return rows


@st.composite
def text_files(draw):
    """A delimited table, in some encoding, maybe mutated, named .csv/.txt/.tsv (or lying);
    one in four a clean long table in UTF-8, to be accepted."""
    if draw(st.integers(0, 3)) == 0:
        return "clean.csv", _join(draw(long_tables(clean=True)), ",", "\n", True).encode()
    rows = draw(st.one_of(long_tables(), wide_tables(), random_grids()))
    text = _join(rows, draw(st.sampled_from([",", ",", "\t", ";", "|"])),
                 draw(st.sampled_from(["\n", "\r\n", "\r"])), draw(st.booleans()))
    data = _encode(text, draw(st.sampled_from(_ENCODINGS)))
    if draw(st.integers(0, 9)) == 0:              # a few raw bytes somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return draw(st.sampled_from(_TEXT_NAMES)), data


@st.composite
def raw_files(draw):
    """Bytes that are no table, or a known signature followed by junk."""
    head = draw(st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-1.4\n",
                                 b"\x89PNG\r\n\x1a\n", b"<html><table>", b"<?xml version='1.0'?>",
                                 b"\xef\xbb\xbf", b"\xff\xfe", b"\x1f\x8b"]))
    return draw(st.sampled_from(_TEXT_NAMES)), head + draw(st.binary(max_size=300))


@st.composite
def oversized_text_files(draw):
    """Past the bounds but small on disk: more columns than Excel's 16,384, or a wide header over
    enough short rows to pass ten million cells; now and then 16,384 columns exactly (read)."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        width, rows = 16_384, 1
    elif choice < 5:
        width, rows = 16_385 + draw(st.integers(0, 200_000)), 1
    else:
        width = draw(st.integers(1_000, 16_384))
        rows = 10_000_000 // width + draw(st.integers(0, 50))      # (rows + header) × width > 10M
    header = ",".join(f"c{j}" for j in range(width))
    return "wide.csv", (header + "\n" + "上海,1\n" * rows).encode()


# ---------------------------------------------------------------------------
# XLSX, part by part

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
    'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '</Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
           + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefgh", "bcdefghi")) + "]>")


def column_letters(index: int) -> str:
    """1 → A, 27 → AA, 16384 → XFD."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(ref: str | None, kind: str, text: str, shared_index: int = 0) -> str:
    """One ``<c>`` element: ``kind`` is n, s, inlineStr, str, b, e, formula, formula_value or
    formula_text (a text formula whose value is "")."""
    r = f' r="{ref}"' if ref is not None else ""
    t = escape(text)
    return {
        "n": f"<c{r}><v>{t}</v></c>",
        "s": f'<c{r} t="s"><v>{shared_index}</v></c>',
        "inlineStr": f'<c{r} t="inlineStr"><is><t>{t}</t></is></c>',
        "str": f'<c{r} t="str"><v>{t}</v></c>',
        "b": f'<c{r} t="b"><v>{t}</v></c>',
        "e": f'<c{r} t="e"><v>#N/A</v></c>',
        "formula": f"<c{r}><f>{t}</f><v/></c>",
        "formula_value": f"<c{r}><f>SUM(A1)</f><v>{t}</v></c>",
        "formula_text": f'<c{r} t="str"><f>IF(1,"","")</f><v></v></c>',
    }[kind]


def sheet_xml(rows: list[tuple[int | None, list[str]]], merges=(), doctype: str = "") -> str:
    body = "".join((f'<row r="{n}">' if n is not None else "<row>") + "".join(cs) + "</row>" for n, cs in rows)
    merged = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
              + "</mergeCells>") if merges else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{_MAIN}"><sheetData>{body}' \
           f"</sheetData>{merged}</worksheet>"


def shared_strings_xml(strings: list[str]) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{len(strings)}">{items}</sst>'


def xlsx_bytes(sheet: str, shared: str | bytes | None = None, *, drop=(), extra=None) -> bytes:
    """A minimal workbook of one sheet, written part by part (no spreadsheet program)."""
    parts = {"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _ROOT_RELS, "xl/workbook.xml": _WORKBOOK,
             "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS, "xl/worksheets/sheet1.xml": sheet,
             "xl/sharedStrings.xml": shared if shared is not None else shared_strings_xml([])}
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if name not in drop:
                archive.writestr(name, content)
    return buffer.getvalue()


def ratio_bomb_shared_strings(megabytes: int) -> bytes:
    """Shared strings of ``megabytes`` MiB that deflate some 400-fold."""
    unit = b"<si><t>x</t></si>"
    return b'<sst xmlns="' + _MAIN.encode() + b'">' + unit * (megabytes * 2 ** 20 // len(unit)) + b"</sst>"


_REFS = ["ok", "ok", "ok", "ok", "missing", "XFE1", "A0", "ZZZZ9", "1A", "XFD1048577"]
_ROW_NUMBERS = ["ok", "ok", "ok", "ok", "missing", 0, -1, 2 ** 31, 1_048_577, 5]
_KINDS = ["n", "s", "inlineStr", "inlineStr", "str", "b", "e", "formula", "formula_value", "formula_text"]
_MERGES = ["A1:B1", "A1:A2", "C5:D9", "E100:F200", "B2:A1", "foo", "A1:XFD1048576", "A1:A1"]
_CORRUPTIONS = ["none"] * 12 + ["truncate", "flip", "laughs", "bad_xml", "no_workbook", "docx", "bomb",
                                 "big_shared_index"]


@st.composite
def xlsx_files(draw):
    """A workbook written by hand: a long or wide table, hostile references, cell types,
    merges and corruptions; named .xlsx mostly."""
    hostile = draw(st.integers(0, 2)) > 0          # one workbook in three is well formed
    table = draw(st.one_of(long_tables(), wide_tables(), random_grids()) if hostile else long_tables(clean=True))
    shared = [c for row in table for c in row][:20]
    rows = []
    for i, values in enumerate(table, start=1):
        number = draw(st.sampled_from(_ROW_NUMBERS)) if hostile else "ok"
        number = i if number == "ok" else (None if number == "missing" else number)
        cells_xml = []
        for j, text in enumerate(values, start=1):
            ref = draw(st.sampled_from(_REFS)) if hostile else "ok"
            ref = f"{column_letters(j)}{number if isinstance(number, int) and number > 0 else i}" if ref == "ok" \
                else (None if ref == "missing" else ref)
            kind = draw(st.sampled_from(_KINDS)) if hostile and draw(st.integers(0, 3)) == 0 else "inlineStr"
            cells_xml.append(cell_xml(ref, kind, text, shared.index(text) if text in shared else 0))
        rows.append((number, cells_xml))
    merges = draw(st.lists(st.sampled_from(_MERGES), max_size=3)) if hostile else []
    corruption = draw(st.sampled_from(_CORRUPTIONS)) if hostile else "none"
    sheet = sheet_xml(rows, merges, _LAUGHS if corruption == "laughs" else "")
    if corruption == "laughs":
        sheet = sheet.replace("</sheetData>", '<row r="999"><c r="A999" t="inlineStr"><is><t>&i;</t></is></c>'
                                              "</row></sheetData>")
    shared_part = shared_strings_xml(shared)
    if corruption == "bad_xml":
        sheet = sheet[: len(sheet) // 2]
    if corruption == "big_shared_index":
        sheet = sheet.replace("<row", '<row><c t="s"><v>99999</v></c></row><row', 1)
    if corruption == "bomb":
        shared_part = ratio_bomb_shared_strings(2)
    data = xlsx_bytes(sheet, shared_part, drop={"xl/workbook.xml"} if corruption == "no_workbook" else (),
                      extra={"word/document.xml": "<w/>"} if corruption == "docx" else None)
    if corruption == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    if corruption == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
    names = ["book.xlsx"] * 6 + ["book.xlsm", "book.csv", "book.xls"] if hostile else ["book.xlsx"]
    return draw(st.sampled_from(names)), data


def hostile_files():
    """Every kind above, text files most often (they are most of what is imported), files past
    the bounds seldom (each is the same few refusals)."""
    return st.integers(0, 19).flatmap(
        lambda k: text_files() if k < 10 else xlsx_files() if k < 16 else raw_files() if k < 19
        else oversized_text_files())
