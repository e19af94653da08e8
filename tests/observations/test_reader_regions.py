"""A region code used after the region ended: the message names the change (issue 11, item 5).

巢湖市 (prefecture, 341400) was dissolved on 2011-08-22 (国函〔2011〕84号) and its counties
went to 合肥 (340100), 芜湖 (340200) and 马鞍山 (340500); a value for 341400 in 2015 must say
so, not "区划已变更：341400". Pure pandas, no database.
"""

from __future__ import annotations

import datetime

from deltawatch.observations.reader import IndicatorInfo, read_observations
from deltawatch.regions.resolver import RegionRecord, RegionResolver

D = datetime.date
RECORDS = [
    RegionRecord("340100", "prefecture", "合肥市", "340000"),
    RegionRecord("340200", "prefecture", "芜湖市", "340000"),
    RegionRecord("340500", "prefecture", "马鞍山市", "340000"),
    RegionRecord("341400", "prefecture", "巢湖市", "340000", None, D(2011, 8, 21), ("340100", "340200", "340500")),
    RegionRecord("340181", "county", "巢湖市", "340100", D(2011, 8, 22), None),
    RegionRecord("340199", "county", "新区", "340100", D(2020, 1, 1), None),
]
INDICATORS = {"gdp": IndicatorInfo("gdp", "地区生产总值", "GDP", "亿元")}


def read(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return read_observations(path, resolver=RegionResolver(RECORDS), indicators=INDICATORS)


def test_a_dissolved_region_names_its_successors_and_the_year(tmp_path):
    result = read(tmp_path, "region,indicator,year,value\n341400,gdp,2015,1\n341400,gdp,2010,2\n")
    [problem] = result.problems
    assert (problem.code, problem.row, problem.value) == ("region_not_valid", 2, "341400")
    assert problem.message("zh") == (
        "data.csv 第2行 “region”列 “341400”：该地区在2015年不存在：巢湖市（341400）已于2011年撤销"
        "（有效至2011-08-21），其辖区划归合肥市（340100）、芜湖市（340200）、马鞍山市（340500），请改填这些地区")
    assert problem.message("en").endswith(
        "this region did not exist in 2015: 巢湖市 (341400) was dissolved in 2011 (valid until 2011-08-21); "
        "its territory went to 合肥市 (340100), 芜湖市 (340200), 马鞍山市 (340500): use those regions")
    assert result.frame.region_code.tolist() == ["341400"]        # 2010: still valid


def test_a_region_used_before_it_existed_says_since_when(tmp_path):
    [problem] = read(tmp_path, "region,indicator,year,value\n340199,gdp,2019,1\n").problems
    assert "新区（340199）于2020年才设立（有效自2020-01-01）" in problem.message("zh")
    assert "新区 (340199) was only established in 2020 (valid from 2020-01-01)" in problem.message("en")
