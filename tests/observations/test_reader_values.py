"""Values the reader must refuse, by name, with their row (issue 11, items 2 and 3).

Non-finite text, numbers that overflow once converted into the indicator's unit, magnitudes
no statistic has, and cells longer than the reader stores. Pure pandas, no database.
"""

from __future__ import annotations

import pytest

from deltawatch.observations.reader import IndicatorInfo, parse_values, read_observations
from deltawatch.regions.resolver import RegionRecord, RegionResolver

RECORDS = [RegionRecord("310000", "province", "上海市"), RegionRecord("320000", "province", "江苏省")]
INDICATORS = {
    "gdp": IndicatorInfo("gdp", "地区生产总值", "GDP", "亿元"),
    "total_wages": IndicatorInfo("total_wages", "工资总额", "Total wages", "万元"),
}
HEADER = "region,indicator,year,value,unit\n"


@pytest.fixture
def read(tmp_path):
    def read(text: str, name: str = "data.csv", **kwargs):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return read_observations(path, resolver=RegionResolver(RECORDS), indicators=INDICATORS, **kwargs)

    return read


def codes(result):
    return [(p.code, p.row, p.column, p.value) for p in result.problems]


# --- item 2: overflow, NaN and infinity, implausible magnitudes ---------------------------

def test_overflow_after_unit_conversion_is_refused_with_its_row(read):
    # 1e308 亿元 = 1e308 × 1e4 万元 = 1e312 万元 > 1.797e308, the largest float: +inf if stored.
    result = read(HEADER + "上海,total_wages,2019,1e308,亿元\n江苏,total_wages,2019,1,亿元\n")
    assert codes(result) == [("value_overflow", 2, "value", "1e308")]
    assert result.problems[0].params == {"unit": "万元"}
    assert "超出计算机能表示的范围" in result.problems[0].message("zh")
    assert "too large" in result.problems[0].message("en")
    assert result.frame.value.tolist() == [10000.0]        # 1 亿元 = 10,000 万元


def test_a_numeral_beyond_the_largest_float_is_an_overflow_not_a_non_number(read):
    result = read(HEADER + "上海,gdp,2019,1e400,亿元\n")
    assert codes(result) == [("value_overflow", 2, "value", "1e400")]


@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-inf", "Infinity", "-Infinity", "INF"])
def test_nan_and_infinity_written_as_text_have_their_own_message(read, text):
    result = read(HEADER + f"上海,gdp,2019,{text},亿元\n")
    assert codes(result) == [("not_finite", 2, "value", text)]
    zh, en = result.problems[0].message("zh"), result.problems[0].message("en")
    assert "NaN或无穷大" in zh and "单元格为空" not in zh
    assert "not a finite number" in en and "cell is blank" not in en


def test_nan_in_a_wide_table_is_refused_not_skipped_as_blank(read):
    result = read("地区,2019,2020\n上海,NaN,1\n江苏,—,2\n", indicator="gdp")
    assert codes(result) == [("not_finite", 2, "2019", "NaN")]
    assert result.skipped_blank == 1                      # "—" is a blank mark, NaN is not
    assert sorted(result.frame.value.tolist()) == [1.0, 2.0]


def test_parse_values_keeps_nan_blank_for_the_index_engine_unless_asked():
    # The index CLI reads NaN as a missing value; the importer asks for it to be refused.
    _, lenient = parse_values(["NaN", "inf", "1e400", "1"])
    _, strict = parse_values(["NaN", "inf", "1e400", "1"], nan_is_blank=False)
    assert lenient.tolist() == [1, 4, 5, 0]               # BLANK, NOT_FINITE, TOO_LARGE, OK
    assert strict.tolist() == [4, 4, 5, 0]


def test_implausible_magnitude_is_refused_at_the_documented_bound(read):
    # The bound is |value| ≤ 1e15 in the indicator's unit (reader.limits.MAX_PLAUSIBLE_MAGNITUDE).
    result = read(HEADER + "上海,gdp,2019,1e15,亿元\n"          # exactly the bound: kept
                           "上海,gdp,2020,-1.0000001e15,亿元\n"  # just past it, negative
                           "上海,gdp,2021,1e308,亿元\n")         # the GDP of 1e308 亿元
    assert [(c, r) for c, r, _, _ in codes(result)] == [("implausible_value", 3), ("implausible_value", 4)]
    assert result.problems[1].params == {"converted": 1e308, "unit": "亿元", "limit": 1e15}
    assert result.frame.value.tolist() == [1e15]
    assert "1e+308（亿元）的绝对值超过 1e+15" in result.problems[1].message("zh")


def test_implausible_after_conversion_shows_the_converted_value(read):
    # 2e11 亿元 into 万元: 2e11 × 1e4 = 2e15 万元 > 1e15.
    result = read(HEADER + "上海,total_wages,2019,2e11,亿元\n")
    [problem] = result.problems
    assert (problem.code, problem.params["converted"], problem.params["unit"]) == ("implausible_value", 2e15, "万元")


# --- item 3 (reader side): cells longer than what is stored ---------------------------------

def test_a_source_of_2000_characters_is_kept_whole_and_2001_refused(read):
    ok, long = "来" * 2000, "源" * 2001
    result = read("region,indicator,year,value,source\n"
                  f"上海,gdp,2019,1,{ok}\n上海,gdp,2020,1,{long}\n")
    assert [(p.code, p.row, p.column) for p in result.problems] == [("cell_too_long", 3, "source")]
    assert result.problems[0].params == {"length": 2001, "limit": 2000}
    assert result.frame.source.tolist() == [ok]
    message = result.problems[0].message("zh")
    assert "单元格过长（2,001个字符，上限2,000个）" in message and len(message) < 200


def test_a_long_value_cell_is_one_problem_not_several(read):
    result = read(HEADER + "上海,gdp,2019," + "1" * 2500 + ",亿元\n")
    assert [(p.code, p.row, p.column) for p in result.problems] == [("cell_too_long", 2, "value")]


def test_a_long_source_argument_is_refused_once(read):
    result = read(HEADER + "上海,gdp,2019,1,亿元\n", source="x" * 2001)
    assert [(p.code, p.row, p.column) for p in result.problems] == [("cell_too_long", None, "source")]


def test_a_year_of_five_thousand_digits_is_refused_not_a_crash(read):
    # int() of more than 4,300 digits raises ValueError in Python ≥ 3.11.
    result = read(HEADER + "上海,gdp," + "9" * 5000 + ",1,亿元\n")
    assert [(p.code, p.row, p.column) for p in result.problems] == [("cell_too_long", 2, "year")]
