"""Imports of hostile files into the database (issue 11, items 2, 3 and 5).

What a file said is stored whole (a long source, a long value text, a spaced unit), the same
on SQLite and PostgreSQL (CI re-runs these on PostgreSQL); what the reader refuses writes
nothing and names its row.
"""

import pytest

from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.observations.services import ImportFailed, import_observations
from deltawatch.regions.services import region_resolver

pytestmark = pytest.mark.django_db


def snapshot():
    return Observation.objects.count(), ImportBatch.objects.count()


def current(region, indicator, year):
    return Observation.objects.get(region__code=region, indicator__code=indicator, year=year, is_current=True)


def test_long_texts_are_stored_whole(write_csv):
    # Before: cut to 300 (source), 64 (value text) and 30 (unit text) characters, exit status 0.
    source = "国家统计局《中国城市统计年鉴》" * 100                       # 1,500 characters
    value = "38155.32" + "0" * 72                                        # 80 characters
    unit = "亿" + " " * 38 + "元"                                        # 40 characters, means 亿元
    path = write_csv(f"region,indicator,year,value,unit,source\n上海,gdp,2050,{value},{unit},{source}\n")
    assert import_observations(path).created == 1
    stored = current("310000", "gdp", 2050)
    assert (len(stored.source), len(stored.value_supplied), len(stored.unit_supplied)) == (1500, 80, 40)
    assert (stored.source, stored.value_supplied, stored.unit_supplied) == (source, value, unit)
    assert stored.value == 38155.32


def test_a_cell_over_the_bound_is_refused_with_its_row_and_nothing_written(write_csv):
    before = snapshot()
    path = write_csv("region,indicator,year,value,source\n上海,gdp,2051,1,ok\n上海,gdp,2052,2," + "长" * 2001 + "\n")
    with pytest.raises(ImportFailed) as caught:
        import_observations(path)
    assert snapshot() == before
    assert "第3行 “source”列" in caught.value.report("zh") and "2,001个字符" in caught.value.report("zh")
    assert "row 3, column “source”" in caught.value.report("en")


@pytest.mark.parametrize("value, code", [("1e308", "value_overflow"), ("NaN", "not_finite"), ("-inf", "not_finite"),
                                         ("1e20", "implausible_value")])
def test_values_that_cannot_be_statistics_write_nothing(write_csv, value, code):
    # total_wages is kept in 万元: 1e308 亿元 = 1e312 万元 overflows a float (+inf if stored).
    before = snapshot()
    path = write_csv(f"region,indicator,year,value,unit\n上海,total_wages,2053,1,亿元\n南京,total_wages,2053,{value},亿元\n")
    with pytest.raises(ImportFailed) as caught:
        import_observations(path)
    assert [(p.code, p.row) for p in caught.value.result.problems] == [(code, 3)]
    assert snapshot() == before


def test_the_loaded_regions_know_where_chaohu_went():
    # regions.csv: 341400's note names 合肥, 芜湖, 马鞍山 (国函〔2011〕84号).
    assert region_resolver().records["341400"].successors == ("340100", "340200", "340500")


def test_a_dissolved_region_code_is_refused_naming_its_successors(write_csv):
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        import_observations(write_csv("region,indicator,year,value\n上海,gdp,2054,1\n341400,gdp,2054,2\n"))
    assert snapshot() == before
    zh, en = caught.value.report("zh"), caught.value.report("en")
    assert "巢湖市（341400）已于2011年撤销" in zh and "合肥市（340100）、芜湖市（340200）、马鞍山市（340500）" in zh
    assert "was dissolved in 2011" in en and "合肥市 (340100), 芜湖市 (340200), 马鞍山市 (340500)" in en


def test_a_misnamed_file_writes_nothing_and_says_what_it_is(tmp_path):
    before = snapshot()
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"<html><head><meta charset='utf-8'></head><body><table><tr><td>1</td></tr></table></body></html>")
    with pytest.raises(ImportFailed) as caught:
        import_observations(path)
    assert snapshot() == before
    assert "网页（HTML）" in caught.value.report("zh") and "a web page (HTML)" in caught.value.report("en")
