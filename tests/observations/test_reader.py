"""Reading and validating statistics files (deltawatch.observations.reader).

Pure pandas, no database.
"""

from __future__ import annotations

import datetime

import pytest

import openpyxl
from hypothesis import given, settings, strategies as st

from deltawatch.observations.messages import format_problem, format_report
from deltawatch.observations.reader import (
    IndicatorInfo, Problem, parse_values, read_observations,
)
from deltawatch.regions.resolver import RegionRecord, RegionResolver

D = datetime.date

RECORDS = [
    RegionRecord("310000", "province", "上海市"),
    RegionRecord("320000", "province", "江苏省"),
    RegionRecord("320500", "prefecture", "苏州市", "320000"),
    RegionRecord("320100", "prefecture", "南京市", "320000"),
    RegionRecord("320300", "prefecture", "徐州市", "320000"),
    RegionRecord("320106", "county", "鼓楼区", "320100"),
    RegionRecord("320302", "county", "鼓楼区", "320300"),
    RegionRecord("340100", "prefecture", "合肥市"),
    RegionRecord("341400", "prefecture", "巢湖市", None, None, D(2011, 8, 21)),
    RegionRecord("340181", "county", "巢湖市", "340100", D(2011, 8, 22), None),
]

INDICATORS = {
    "gdp": IndicatorInfo("gdp", "地区生产总值", "GDP", "亿元"),
    "population_resident": IndicatorInfo("population_resident", "常住人口", "Resident population", "万人"),
    "urbanization_rate": IndicatorInfo("urbanization_rate", "城镇化率", "Urbanization rate", "%",
                                       derived=False, lower_bound=0, upper_bound=100),
    "co2_per_gdp": IndicatorInfo("co2_per_gdp", "单位GDP二氧化碳排放", "CO2 per GDP", "吨/万元",
                                 derived=True),
}


@pytest.fixture
def resolver():
    return RegionResolver(RECORDS)


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "data.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def read(resolver):
    def read(path, **kwargs):
        return read_observations(path, resolver=resolver, indicators=INDICATORS, **kwargs)

    return read


def only(result, code):
    """The single problem of ``result``, asserting its code."""
    assert [p.code for p in result.problems] == [code], [p.message() for p in result.problems]
    return result.problems[0]


LONG_HEADER = "region,indicator,year,value,unit\n"


# --- long layout --------------------------------------------------------------------------

def test_long_happy_path_region_spellings(read, write):
    path = write(LONG_HEADER + "上海,gdp,2019,38155.32,亿元\n"
                               "上海市,gdp,2020,38700.58,亿元\n"
                               "310000,gdp,2021,43214.85,亿元\n"
                               "3101,gdp,2022,44652.80,亿元\n"
                               "3205,gdp,2019,19235.8,亿元\n")
    result = read(path)
    assert result.ok, [p.message() for p in result.problems]
    assert result.layout == "long"
    f = result.frame
    assert list(f.columns) == ["region_code", "indicator", "year", "value", "value_supplied",
                               "unit_supplied", "source", "qualifier", "note", "row", "column"]
    assert list(f.region_code) == ["310000"] * 4 + ["320500"]
    assert list(f.row) == [2, 3, 4, 5, 6]
    assert str(f.year.dtype) == "int64" and str(f.value.dtype) == "float64"
    assert f.value.iloc[0] == 38155.32
    assert set(f.column) == {"value"}
    assert f.value_supplied.iloc[0] == "38155.32"


def test_long_chinese_headers_and_indicator_names(read, write):
    path = write("地区,指标,年份,数值,单位,来源\n"
                 "江苏省,地区生产总值,2019年,99631.52,亿元,江苏统计年鉴\n"
                 "江苏省,resident population,2019,8070,万人,\n", name="cn.csv")
    result = read(path, default_source="默认")
    assert result.ok, [p.message() for p in result.problems]
    assert list(result.frame.indicator) == ["gdp", "population_resident"]
    assert list(result.frame.source) == ["江苏统计年鉴", "默认"]
    assert list(result.frame.year) == [2019, 2019]


def test_conversion_wanyuan_to_yiyuan_exact(read, write):
    path = write(LONG_HEADER + "上海,gdp,2019,381553200,万元\n")
    result = read(path)
    assert result.ok
    assert result.frame.value.iloc[0] == 38155.32
    assert result.frame.unit_supplied.iloc[0] == "万元"


def test_conversion_ratio_to_percent(read, write):
    path = write(LONG_HEADER + "上海,urbanization_rate,2019,0.883,比值\n"
                               "江苏,urbanization_rate,2019,70.6,%\n"
                               "苏州,urbanization_rate,2019,77%,\n")
    result = read(path)
    assert result.ok, [p.message() for p in result.problems]
    assert result.frame.value.tolist() == pytest.approx([88.3, 70.6, 77.0])


def test_percent_sign_refused_when_unit_is_not_percent(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,12%,亿元\n"))
    p = only(result, "not_a_number")
    assert (p.row, p.column, p.value) == (2, "value", "12%")


def test_unknown_region(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,1,亿元\n火星市,gdp,2019,1,亿元\n"))
    p = only(result, "unknown_region")
    assert (p.row, p.column, p.value) == (3, "region", "火星市")
    assert len(result.frame) == 1


def test_unknown_indicator(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,1,亿元\n上海,happiness,2019,1,\n"))
    p = only(result, "unknown_indicator")
    assert (p.row, p.column, p.value) == (3, "indicator", "happiness")


def test_ambiguous_region_and_qualified_name(read, write):
    result = read(write(LONG_HEADER + "鼓楼区,gdp,2019,1,亿元\n南京市鼓楼区,gdp,2019,2,亿元\n"))
    p = only(result, "ambiguous_region")
    assert (p.row, p.column, p.value) == (2, "region", "鼓楼区")
    assert p.params["candidates"] == ["320106", "320302"]
    assert result.frame.region_code.tolist() == ["320106"]


def test_chaohu_by_year(read, write):
    result = read(write(LONG_HEADER + "巢湖市,gdp,2005,1,亿元\n巢湖市,gdp,2015,2,亿元\n"))
    assert result.ok
    assert result.frame.region_code.tolist() == ["341400", "340181"]


def test_full_width_digits_and_commas(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,２０１９,\"３８，１５５．３２\",亿元\n"
                                      "江苏,gdp,2019,\"99,631.52\",亿元\n"))
    assert result.ok, [p.message() for p in result.problems]
    assert result.frame.value.tolist() == [38155.32, 99631.52]
    assert result.frame.year.tolist() == [2019, 2019]
    assert result.frame.value_supplied.iloc[0] == "３８，１５５．３２"


def test_blank_value_in_long_layout_is_a_problem(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,,亿元\n江苏,gdp,2019,—,亿元\n"))
    assert [(p.code, p.row, p.column) for p in result.problems] == [
        ("blank_value", 2, "value"), ("blank_value", 3, "value")]


def test_text_in_number_cell(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,abc,亿元\n"))
    p = only(result, "not_a_number")
    assert (p.row, p.column, p.value) == (2, "value", "abc")
    assert p.message() == "data.csv 第2行 “value”列 “abc”：不是有效的数字"
    assert p.message("en") == "data.csv row 2, column “value”, “abc”: not a number"


def test_bad_thousands_grouping_is_not_a_number(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,\"1,23\",亿元\n"))
    assert only(result, "not_a_number").value == "1,23"


def test_duplicate_keys(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,1,亿元\n江苏,gdp,2019,2,亿元\n"
                                      "310000,gdp,2019,3,亿元\n"))
    p = only(result, "duplicate_key")
    assert (p.row, p.column, p.params) == (4, "value", {"other_row": 2})


def test_incompatible_unit(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,1,万人\n"))
    p = only(result, "incompatible_unit")
    assert (p.row, p.column, p.value) == (2, "unit", "万人")
    assert p.params == {"unit": "万人", "expected": "亿元"}


def test_unknown_unit(read, write):
    result = read(write(LONG_HEADER + "上海,gdp,2019,1,斤\n"))
    p = only(result, "unknown_unit")
    assert (p.row, p.column, p.value) == (2, "unit", "斤")


@pytest.mark.parametrize("year", ["1800", "2300"])
def test_year_out_of_range(read, write, year):
    result = read(write(LONG_HEADER + f"上海,gdp,{year},1,亿元\n"))
    p = only(result, "year_out_of_range")
    assert (p.row, p.column, p.value) == (2, "year", year)
    assert p.params == {"min": 1949, "max": 2100}


def test_bad_year(read, write):
    p = only(read(write(LONG_HEADER + "上海,gdp,2019.5,1,亿元\n")), "bad_year")
    assert (p.row, p.column) == (2, "year")


@pytest.mark.parametrize("text", ["", "\n\n", LONG_HEADER, "\ufeff" + LONG_HEADER])
def test_empty_file(read, write, text):
    result = read(write(text))
    assert only(result, "empty_file")
    assert not result.ok and result.frame.empty


def test_missing_column(read, write):
    result = read(write("region,indicator,value\n上海,gdp,1\n"), layout="long")
    p = only(result, "missing_column")
    assert p.params["required"] == "year"
    assert p.message() == ("data.csv 第1行：缺少必需的列“年份”（可用表头：year / 年份 / 年度 / 年）")


def test_unknown_layout(read, write):
    result = read(write("foo,bar,baz\n1,2,3\n"))
    p = only(result, "unknown_layout")
    assert p.params["headers"] == ["foo", "bar", "baz"]


def test_gbk_file_with_chinese_headers(read, write):
    text = "地区,指标,年份,数值,单位\n上海市,地区生产总值,2019,38155.32,亿元\n苏州市,常住人口,2019,1074.99,万人\n"
    result = read(write(text, encoding="gbk"))
    assert result.ok, [p.message() for p in result.problems]
    assert result.encoding in ("gbk", "gb2312", "gb18030")
    assert result.frame.region_code.tolist() == ["310000", "320500"]


def test_derived_indicator_refused(read, write):
    result = read(write(LONG_HEADER + "上海,co2_per_gdp,2019,0.5,吨/万元\n"))
    p = only(result, "derived_indicator")
    assert (p.row, p.column, p.value) == (2, "indicator", "co2_per_gdp")


def test_out_of_bounds(read, write):
    result = read(write(LONG_HEADER + "上海,urbanization_rate,2019,120,%\n"
                                      "江苏,urbanization_rate,2019,0.95,比值\n"))
    p = only(result, "out_of_bounds")
    assert (p.row, p.column, p.value) == (2, "value", "120")
    assert p.params["converted"] == 120
    assert "120" in p.message("en") and "[0, 100]" in p.message("en")


def test_every_problem_is_kept(read, write):
    body = "".join(f"火星{i},gdp,2019,x,亿元\n" for i in range(3))
    result = read(write(LONG_HEADER + body))
    assert [(p.code, p.row) for p in result.problems] == [
        ("unknown_region", 2), ("not_a_number", 2), ("unknown_region", 3),
        ("not_a_number", 3), ("unknown_region", 4), ("not_a_number", 4)]
    assert result.problem_count == 6


def test_problems_are_capped(read, write):
    keys = [(r, i, y) for r in ("上海", "江苏", "苏州", "南京", "徐州", "合肥")
            for i in ("gdp", "population_resident") for y in range(1960, 2090)][:1500]
    body = "".join(f"{r},{i},{y},x{y},\n" for r, i, y in keys)
    result = read(write(LONG_HEADER + body))
    assert len(result.problems) == 1000 and result.problem_count == 1500
    assert format_report(result.problems, total=result.problem_count).splitlines()[0] == \
        "导入失败：发现 1500 个错误，未写入任何数据。"


def test_tab_separated_txt(read, write):
    result = read(write(LONG_HEADER.replace(",", "\t") + "上海\tgdp\t2019\t1\t亿元\n", name="d.txt"))
    assert result.ok and result.frame.value.tolist() == [1.0]


# --- wide layouts -------------------------------------------------------------------------

def test_wide_years_csv_with_title_in_first_header(read, write):
    path = write("地区生产总值(亿元),2019,2020年,２０２１\n"
                 "上海,38155.32,38700.58,43214.85\n"
                 "江苏,99631.52,…,116364.2\n"
                 "注：2021年为初步核算数,,,\n")
    result = read(path)
    assert result.ok, [p.message() for p in result.problems]
    assert result.layout == "wide_years"
    f = result.frame
    assert len(f) == 5 and set(f.indicator) == {"gdp"}
    assert f.year.tolist() == [2019, 2019, 2020, 2021, 2021]
    assert result.skipped_blank == 1
    assert f[(f.region_code == "320000") & (f.year == 2021)].row.tolist() == [3]
    assert f[f.year == 2021].column.tolist() == ["２０２１", "２０２１"]


def test_wide_years_unit_from_title_is_converted(read, write):
    path = write("各市常住人口\n单位：人\n地区,2019,2020\n苏州,10749900,\n")
    result = read(path, indicator="population_resident")
    assert result.ok, [p.message() for p in result.problems]
    assert result.frame.value.tolist() == [1074.99]
    assert result.frame.unit_supplied.tolist() == ["人"]
    assert result.skipped_blank == 1


def test_wide_blank_cell_skipped_and_text_reported(read, write):
    path = write("地区,2019,2020\n上海,1,-\n江苏,abc,\n", name="w.csv")
    result = read(path, indicator="gdp")
    p = only(result, "not_a_number")
    assert (p.row, p.column, p.value) == (3, "2019", "abc")
    assert result.skipped_blank == 2


def test_wide_years_missing_indicator(read, write):
    result = read(write("地区,2019,2020\n上海,1,2\n"))
    assert only(result, "missing_indicator").row == 1


def test_wide_years_year_out_of_range_header(read, write):
    result = read(write("地区,1800,2019\n上海,1,2\n"), indicator="gdp")
    p = only(result, "year_out_of_range")
    assert (p.row, p.column, p.value) == (1, "1800", "1800")
    assert result.frame.year.tolist() == [2019]


def test_wide_indicators_csv_year_from_argument(read, write):
    path = write("地区,地区生产总值(亿元),常住人口（万人）,城镇化率\n"
                 "上海市,38155.32,2428.14,88.3\n"
                 "苏州,\"19,235.80\",1074.99,77.0\n")
    result = read(path, year=2019)
    assert result.ok, [p.message() for p in result.problems]
    assert result.layout == "wide_indicators"
    f = result.frame.sort_values(["row", "indicator"])
    assert f.indicator.tolist() == ["gdp", "population_resident", "urbanization_rate"] * 2
    assert set(f.year) == {2019}
    assert f[f.region_code == "320500"].value.tolist() == [19235.8, 1074.99, 77.0]
    assert f[f.indicator == "gdp"].column.tolist() == ["地区生产总值(亿元)"] * 2


def test_wide_indicators_year_from_title_and_missing_year(read, write):
    with_year = read(write("2019年,地区生产总值(万元)\n上海,381553200\n"))
    assert with_year.ok and with_year.frame.year.tolist() == [2019]
    assert with_year.frame.value.tolist() == [38155.32]
    without = read(write("地区,地区生产总值(亿元)\n上海,38155.32\n", name="b.csv"))
    assert only(without, "missing_year").row == 1


def test_wide_indicators_derived_and_unknown_header(read, write):
    result = read(write("地区,地区生产总值,单位GDP二氧化碳排放,幸福指数\n上海,1,2,3\n"), year=2019)
    assert [(p.code, p.row, p.column) for p in result.problems] == [
        ("derived_indicator", 1, "单位GDP二氧化碳排放"), ("unknown_indicator", 1, "幸福指数")]
    assert result.frame.indicator.tolist() == ["gdp"]


def test_xlsx_with_merged_header_cells(read, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "地区"
    ws["B1"] = "地区生产总值(亿元)"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:E1")
    for j, y in enumerate([2019, 2020, 2021, 2022]):
        ws.cell(row=2, column=2 + j, value=y)
    ws.append(["上海市", 38155.32, 38700.58, 43214.85, 44652.8])
    ws.append(["苏州市", 19235.8, 20170.5, None, "—"])
    path = tmp_path / "yearbook.xlsx"
    wb.save(path)
    result = read(path)
    assert result.ok, [p.message() for p in result.problems]
    assert result.layout == "wide_years" and result.encoding is None
    f = result.frame
    assert set(f.indicator) == {"gdp"} and len(f) == 6
    assert f[f.region_code == "310000"].year.tolist() == [2019, 2020, 2021, 2022]
    assert f[(f.region_code == "320500") & (f.year == 2020)].row.tolist() == [4]
    assert f[f.year == 2019].column.tolist() == ["2019", "2019"]
    assert result.skipped_blank == 2


def test_xlsx_title_row_and_sheet(read, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    ws = wb.create_sheet("数据")
    ws.append(["2020年各市主要指标"])
    ws.merge_cells("A1:C1")
    ws.append(["城市", "常住人口(万人)", "城镇化率(%)"])
    ws.append(["上海", 2487.09, 89.3])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    result = read(path, sheet="数据")
    assert result.ok, [p.message() for p in result.problems]
    assert result.layout == "wide_indicators"
    assert result.frame.year.tolist() == [2020, 2020]
    assert result.frame.row.tolist() == [3, 3]


def test_unreadable_xlsx(read, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file")
    problem = only(read(path), "unreadable_file")
    assert problem.row is None
    # what was expected and what was found, not an exception's name (BadZipFile)
    assert (problem.params["reason"], problem.params["expected"], problem.params["found"]) == (
        "wrong_file_kind", "xlsx", "text")
    assert problem.message("en") == (
        "broken.xlsx: cannot read the file: the file is named “.xlsx”, so an Excel workbook (.xlsx) was "
        "expected, but it contains plain text (such as a CSV). If it is a CSV file, rename it to .csv.")


# --- messages -----------------------------------------------------------------------------

def test_english_messages(read, write):
    result = read(write(LONG_HEADER + "鼓楼区,gdp,2019,1,亿元\n上海,gdp,2019,1,万人\n"))
    lines = [p.message("en") for p in result.problems]
    assert lines[0].startswith("data.csv row 2, column “region”, “鼓楼区”: ambiguous region name")
    assert format_problem(Problem("d.csv", None, None, None, "empty_file"), "en") == \
        "d.csv: the file is empty or has only a header, no data"
    assert "320106, 320302" in lines[0]
    assert lines[1] == ("data.csv row 3, column “unit”, “万人”: unit “万人” cannot be converted "
                        "to the indicator's unit “亿元”")
    assert result.problems[1].message().startswith("data.csv 第3行 “unit”列 “万人”：单位")


def test_format_report_header():
    problems = [Problem("data.csv", 5, "数值", "abc", "not_a_number"),
                Problem("data.csv", 6, "地区", "火星", "unknown_region"),
                Problem("data.csv", None, None, None, "empty_file")]
    zh = format_report(problems)
    assert zh.splitlines()[0] == "导入失败：发现 3 个错误，未写入任何数据。"
    assert "data.csv 第5行 “数值”列 “abc”：不是有效的数字" in zh
    en = format_report(problems, lang="en", limit=1)
    assert en.splitlines()[0] == "Import failed: 3 errors, nothing was written."
    assert en.splitlines()[-1].strip() == "… and 2 more not shown."
    assert format_problem(problems[2], "en").startswith("data.csv: ")
    assert format_problem(problems[1], "en") == "data.csv row 6, column “地区”, “火星”: unknown region"
    assert format_report([]) == "检查通过：未发现错误。"


# --- number parsing property ------------------------------------------------------------

_FULL = str.maketrans("0123456789,.-+e", "０１２３４５６７８９，．－＋ｅ")


@settings(max_examples=300, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False), full=st.booleans(),
       chinese_comma=st.booleans())
def test_thousands_separators_and_full_width_round_trip(x, full, chinese_comma):
    text = f"{x:,}"
    if full:
        text = text.translate(_FULL)
    elif chinese_comma:
        text = text.replace(",", "，")
    values, status = parse_values([text])
    assert status[0] == 0, text
    assert values[0] == x


def test_csv_exported_merged_header_and_long_title(read, write):
    path = write("2019—2021年各市地区生产总值（亿元）,,,\n"
                 "地区,地区生产总值(亿元),,\n"
                 ",2019,2020,2021\n"
                 "苏州市,19235.8,20170.5,22718.3\n", encoding="gbk")
    result = read(path)
    assert result.ok, [p.message() for p in result.problems]
    assert result.layout == "wide_years"
    assert result.frame.year.tolist() == [2019, 2020, 2021]
    assert result.frame.row.tolist() == [4, 4, 4]


def test_wide_header_unit_checked_once(read, write):
    result = read(write("地区,地区生产总值(万人),常住人口(万人)\n上海,1,2\n江苏,3,4\n"), year=2019)
    p = only(result, "incompatible_unit")
    assert (p.row, p.column, p.value, p.params) == (
        1, "地区生产总值(万人)", "万人", {"unit": "万人", "expected": "亿元"})
    assert result.frame.indicator.tolist() == ["population_resident"] * 2
