"""Files that are not what they say, damaged, or built to exhaust memory (issue 11, items 4
and 5): each is refused with what was expected and what was found, or with the bound it
passes — never with a bare exception name, and before the reader expands it. The hostile
files are built on the fly and are small on disk. Pure pandas, no database.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from deltawatch.observations.messages import format_report
from deltawatch.observations.reader import IndicatorInfo, read_observations
from deltawatch.observations.reader import xlsx as xlsx_reader
from deltawatch.regions.resolver import RegionRecord, RegionResolver

from .hostile_inputs import cell_xml, column_letters, ratio_bomb_shared_strings, sheet_xml, xlsx_bytes

RECORDS = [RegionRecord("310000", "province", "上海市"), RegionRecord("320000", "province", "江苏省")]
INDICATORS = {"gdp": IndicatorInfo("gdp", "地区生产总值", "GDP", "亿元")}


@pytest.fixture
def read(tmp_path):
    def read(name: str, data: bytes, **kwargs):
        path = tmp_path / name
        path.write_bytes(data)
        return read_observations(path, resolver=RegionResolver(RECORDS), indicators=INDICATORS, **kwargs)

    return read


def refusal(result):
    """The single problem of a file that cannot be read: its reason and params."""
    assert [p.code for p in result.problems] == ["unreadable_file"], [p.message() for p in result.problems]
    return result.problems[0]


def workbook(rows, merges=()) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for rng in merges:
        book.active.merge_cells(rng)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook ``data`` with part ``name`` replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()


GOOD = workbook([["region", "indicator", "year", "value"], ["上海", "gdp", 2019, 1.5]])


# --- item 5: what was expected, what was found ----------------------------------------------

@pytest.mark.parametrize("name, data, found, words_zh, words_en", [
    ("t.xlsx", b"region,indicator,year,value\n", "text", "纯文本（如CSV）", "rename it to .csv"),
    ("t.xlsx", b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>", "html", "网页（HTML）",
     "a web page (HTML)"),
    ("t.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf", "PDF文档", "a PDF document"),
    ("t.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "ole", "Excel 97–2003", "an old-format Office file"),
    ("t.csv", GOOD, "xlsx", "Excel工作簿（.xlsx）", "Rename it to .xlsx"),
    ("t.csv", b"\x89PNG\r\n\x1a\n" + bytes(40), "image", "图片", "an image"),
    ("t.csv", b"region,value\n\x00\x01\x02\x03", "binary", "二进制数据", "binary data"),
    ("t.xls", b"<html><body><table></table></body></html>", "html", "网页（HTML）", "a web page (HTML)"),
])
def test_a_file_that_is_not_what_its_name_says(read, name, data, found, words_zh, words_en):
    problem = refusal(read(name, data))
    assert problem.params["reason"] == "wrong_file_kind" and problem.params["found"] == found
    zh, en = problem.message("zh"), problem.message("en")
    assert words_zh in zh and "但内容是" in zh
    assert words_en in en and "was expected" in en


def test_a_word_document_renamed_xlsx_is_named_as_such(read):
    docx = xlsx_bytes("<w/>", drop={"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml",
                                    "xl/sharedStrings.xml"},
                      extra={"word/document.xml": "<w:document/>"})
    problem = refusal(read("report.xlsx", docx))
    assert (problem.params["reason"], problem.params["found"]) == ("wrong_file_kind", "docx")
    assert "Word文档（.docx）" in problem.message("zh")


def test_an_old_xls_file_says_to_save_as_xlsx(read):
    problem = refusal(read("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)))
    assert problem.params["reason"] == "xls_not_supported"
    assert "另存为.xlsx" in problem.message("zh") and "save it as .xlsx" in problem.message("en")


@pytest.mark.parametrize("damage", ["truncated", "bad_xml"])
def test_a_damaged_workbook_says_so_and_how_to_fix_it(read, damage):
    if damage == "truncated":
        data = GOOD[: len(GOOD) * 2 // 3]                 # cut: the ZIP directory is lost
    else:
        data = replace_part(GOOD, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c>")
    problem = refusal(read("book.xlsx", data))
    assert problem.params["reason"] == "xlsx_damaged"
    zh, en = problem.message("zh"), problem.message("en")
    assert "已损坏或不完整" in zh and "重新保存" in zh
    assert "damaged or incomplete" in en and "save it again" in en


def test_an_undecodable_text_file_names_the_encodings_tried(read):
    # Bytes 0x80–0xFF in this order are neither UTF-8 nor GB18030 text.
    problem = refusal(read("data.csv", "地区,指标\n".encode() + bytes(range(128, 256)) * 10))
    assert problem.params["reason"] == "undecodable_text"
    assert "UTF-8、GBK/GB18030" in problem.message("zh") and "CSV UTF-8" in problem.message("en")


def test_a_missing_sheet_lists_the_sheets_there_are(read):
    problem = refusal(read("book.xlsx", GOOD, sheet="数据"))
    assert (problem.params["reason"], problem.params["sheets"]) == ("sheet_not_found", ["Sheet"])
    assert problem.message("zh").endswith("找不到工作表“数据”（工作簿中的工作表：Sheet）")


def test_a_formula_without_a_computed_value_is_named_with_the_fix(read):
    # openpyxl writes formulas without computing them: <c><f>B2*2</f><v/></c>.
    data = workbook([["地区", "2019", "2020"], ["上海", 100, "=B2*2"]])
    result = read("book.xlsx", data, indicator="gdp")
    assert [(p.code, p.row, p.column, p.value) for p in result.problems] == [
        ("formula_without_value", 2, "2020", "=B2*2")]
    assert result.problems[0].message("zh") == (
        "book.xlsx 第2行 “2020”列 “=B2*2”：是公式但没有计算结果：请在Excel中打开并保存，或粘贴为数值")
    assert "formula without a computed value" in result.problems[0].message("en")


def test_a_formula_with_its_computed_value_is_read_as_that_value(read):
    # As Excel saves it: the formula and its last result <v>200</v>; and a text formula whose
    # result is "" (t="str", empty <v>) is a blank, not a formula without a value.
    sheet = sheet_xml([(1, [cell_xml("A1", "inlineStr", "地区"), cell_xml("B1", "inlineStr", "2019"),
                            cell_xml("C1", "inlineStr", "2020")]),
                       (2, [cell_xml("A2", "inlineStr", "上海"), cell_xml("B2", "formula_value", "200"),
                            cell_xml("C2", "formula_text", "")])])
    result = read("book.xlsx", xlsx_bytes(sheet), indicator="gdp")
    assert result.ok, [p.message() for p in result.problems]
    assert (result.frame.value.tolist(), result.skipped_blank) == ([200.0], 1)


# --- item 4: bounds ---------------------------------------------------------------------------

def test_a_shared_strings_bomb_is_refused_before_openpyxl_expands_it(read, monkeypatch):
    # 8 MiB of "<si><t>x</t></si>" deflate to ~20 KB: a 400-fold part (the bomb is
    # 820 KB → 839 MB, 1,000-fold); the bound is 100-fold (Apache POI's).
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or 1 / 0)
    data = replace_part(GOOD, "xl/sharedStrings.xml", ratio_bomb_shared_strings(8))
    assert len(data) < 100_000
    problem = refusal(read("bomb.xlsx", data))
    assert problem.params["reason"] == "xlsx_ratio" and problem.params["part"] == "xl/sharedStrings.xml"
    assert problem.params["ratio"] > 100 and opened == []
    assert "压缩炸弹" in problem.message("zh") and "zip bomb" in problem.message("en")


def test_declared_sizes_are_bounded_in_total_and_for_the_shared_strings(read, monkeypatch):
    # The real bounds are 512 MiB in all and 64 MiB of shared strings; lowered here so that a
    # small file passes them at an ordinary (2–3-fold) inflation ratio.
    strings = "".join(f"<si><t>{i * 7919 % 100003:x}</t></si>" for i in range(60_000)).encode()
    data = replace_part(GOOD, "xl/sharedStrings.xml", b"<sst>" + strings + b"</sst>")
    monkeypatch.setattr(xlsx_reader, "MAX_SHARED_STRINGS_BYTES", 2 ** 20)
    assert refusal(read("a.xlsx", data)).params["reason"] == "xlsx_part_too_large"
    monkeypatch.setattr(xlsx_reader, "MAX_ZIP_UNCOMPRESSED_BYTES", 2 ** 20)
    problem = refusal(read("b.xlsx", data))
    assert problem.params["reason"] == "xlsx_too_large"
    assert "解压后共" in problem.message("zh") and "1.0 MiB" in problem.message("en")


def test_a_cell_past_excel_s_last_column_is_refused(read):
    sheet = sheet_xml([(1, [cell_xml("A1", "inlineStr", "region"), cell_xml("XFE1", "n", "1")])])
    problem = refusal(read("wide.xlsx", xlsx_bytes(sheet)))
    assert (problem.params["reason"], problem.params["columns"]) == ("too_many_columns", 16_385)


def test_two_cells_far_apart_are_refused_as_too_many_cells_not_padded(read):
    # A1 and XFD700: 16,384 columns × 700 rows = 11,468,800 cells > 10,000,000.
    sheet = sheet_xml([(1, [cell_xml("A1", "inlineStr", "region")]), (700, [cell_xml("XFD700", "n", "1")])])
    problem = refusal(read("sparse.xlsx", xlsx_bytes(sheet)))
    assert (problem.params["reason"], problem.params["cells"]) == ("too_many_cells", 11_468_800)
    assert "11,468,800个单元格" in problem.message("zh")


def test_a_row_past_excel_s_last_row_is_refused(read):
    sheet = sheet_xml([(1_048_577, [cell_xml("A1048577", "n", "1")])])
    assert refusal(read("tall.xlsx", xlsx_bytes(sheet))).params["reason"] == "too_many_rows"


def test_a_merged_range_beyond_the_sheet_is_clipped(read):
    sheet = sheet_xml([(1, [cell_xml("A1", "inlineStr", "地区"), cell_xml("B1", "inlineStr", "2019")]),
                       (2, [cell_xml("A2", "inlineStr", "上海"), cell_xml("B2", "n", "7")])],
                      merges=["C5:D9", "B2:B40"])
    result = read("m.xlsx", xlsx_bytes(sheet), indicator="gdp")
    assert result.ok and result.frame.value.tolist() == [7.0]


def test_a_csv_wider_than_excel_is_refused(read):
    header = ",".join(f"c{j}" for j in range(16_385)) + "\n上海,1\n"
    problem = refusal(read("wide.csv", header.encode()))
    assert (problem.params["reason"], problem.params["columns"]) == ("too_many_columns", 16_385)
    assert problem.message("en").endswith("the table has 16,385 columns, more than the limit of 16,384")


def test_a_csv_past_ten_million_cells_is_refused_before_pandas_reads_it(read):
    # A header of 1,000 columns over 10,000 short rows: 10,001 × 1,000 = 10,001,000 cells.
    text = ",".join(f"c{j}" for j in range(1000)) + "\n" + "上海,1\n" * 10_000
    problem = refusal(read("long.csv", text.encode()))
    assert (problem.params["reason"], problem.params["cells"]) == ("too_many_cells", 10_001_000)


def test_ten_thousand_columns_give_a_short_report(read):
    # Today's reader listed all 10,000 headers: one line of 79,000 characters.
    text = ",".join(f"column{j}" for j in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n"
    result = read("wide.csv", text.encode())
    assert [p.code for p in result.problems] == ["unknown_layout"]
    for lang, more in (("zh", "……另有9,990个"), ("en", " … and 9,990 more")):
        line = result.problems[0].message(lang)
        assert "column0" in line and "column9" in line and "column10" not in line and more in line
        assert len(line) < 400


def test_a_report_of_many_problems_lists_the_first_and_counts_the_rest(read):
    rows = "".join(f"火星{i},gdp,2019,1\n" for i in range(1500))      # 1,500 unknown regions
    result = read("many.csv", ("region,indicator,year,value\n" + rows).encode())
    assert (len(result.problems), result.problem_count) == (1000, 1500)
    report = format_report(result.problems, "en", total=result.problem_count).splitlines()
    assert report[0] == "Import failed: 1500 errors, nothing was written."
    assert len(report) == 202 and report[-1].strip() == "… and 1300 more not shown."
    assert max(len(line) for line in report) < 200


def test_a_long_header_cell_is_cut_in_the_message(read):
    header = "region,indicator,year," + "数" * 3000 + "\n上海,gdp,2019,1\n"
    line = read("h.csv", header.encode()).problems[0].message("zh")
    assert len(line) < 600


def test_column_letters_helper():
    # The helper that builds the hostile sheets: 1 → A, 26 → Z, 27 → AA, 16,384 → XFD.
    assert [column_letters(n) for n in (1, 26, 27, 16_384, 16_385)] == ["A", "Z", "AA", "XFD", "XFE"]


def test_a_csv_with_old_mac_line_endings_is_read(read):
    # Lines ended by "\r" alone: the csv module, given the text without newline="", refused it
    # with "new-line character seen in unquoted field".
    result = read("mac.csv", "region,indicator,year,value\r上海,gdp,2019,1.5\r江苏,gdp,2019,2\r".encode())
    assert result.ok, [p.message() for p in result.problems]
    assert result.frame.value.tolist() == [1.5, 2.0]
