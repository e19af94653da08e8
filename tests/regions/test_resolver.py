import datetime

import pytest

from deltawatch.regions.resolver import RegionNotFound, RegionRecord, RegionResolver, short_name, with_successors

RECORDS = [
    RegionRecord("310000", "province", "上海市"),
    RegionRecord("310118", "county", "青浦区", "310000"),
    RegionRecord("320000", "province", "江苏省"),
    RegionRecord("320100", "prefecture", "南京市", "320000"),
    RegionRecord("320106", "county", "鼓楼区", "320100"),
    RegionRecord("320300", "prefecture", "徐州市", "320000"),
    RegionRecord("320302", "county", "鼓楼区", "320300"),
    RegionRecord("320500", "prefecture", "苏州市", "320000"),
    RegionRecord("340100", "prefecture", "合肥市", "340000"),
    RegionRecord("341400", "prefecture", "巢湖市", "340000", None, datetime.date(2011, 8, 21)),
    RegionRecord("340181", "county", "巢湖市", "340100", datetime.date(2011, 8, 22)),
]


@pytest.fixture(scope="module")
def resolver():
    return RegionResolver(RECORDS)


@pytest.mark.parametrize("text", ["上海", "上海市", "310000", "3101", "310100", "31", "３１００００", " 上海 市 "])
def test_shanghai_by_every_spelling(resolver, text):
    assert resolver.resolve(text, 2019) == "310000"


def test_prefecture_by_four_digits_and_short_name(resolver):
    assert resolver.resolve("3205") == "320500"
    assert resolver.resolve("苏州") == "320500"
    assert resolver.resolve(320500.0) == "320500"


def test_ambiguous_county_name_names_the_candidates(resolver):
    with pytest.raises(RegionNotFound) as caught:
        resolver.resolve("鼓楼区", 2019)
    assert caught.value.code == "ambiguous_region"
    assert caught.value.candidates == ("320106", "320302")
    assert resolver.resolve("南京市鼓楼区") == "320106"
    assert resolver.resolve("徐州鼓楼区") == "320302"


def test_year_decides_between_successive_namesakes(resolver):
    assert resolver.resolve("巢湖市", 2005) == "341400"
    assert resolver.resolve("巢湖", 2015) == "340181"
    with pytest.raises(RegionNotFound) as caught:
        resolver.resolve("341400", 2015)
    assert caught.value.code == "region_not_valid"


def test_unknown(resolver):
    with pytest.raises(RegionNotFound) as caught:
        resolver.resolve("北京市", 2019)
    assert caught.value.code == "unknown_region"


@pytest.mark.parametrize("name, short", [("苏州市", "苏州"), ("江苏省", "江苏"), ("嘉善县", "嘉善"), ("景宁畲族自治县", "景宁畲族"), ("城区", "城区")])
def test_short_name(name, short):
    assert short_name(name) == short


# The note of 巢湖市 341400 in src/deltawatch/defaults/data/regions.csv, as loaded.
CHAOHU_NOTE = (
    "地级巢湖市 (1999-07-09 由巢湖地区 342600 撤地设市, 国函〔1999〕80号) 于2011-08-22 撤销 (国函〔2011〕84号, "
    "2011-07-14 批复; crosswalk event PL-2011-001): 居巢区改设县级巢湖市、与庐江县划归合肥, 无为县划归芜湖, "
    "和县、含山县划归马鞍山 (和县沈巷镇划归芜湖)。本数据集中1999年以前的数值为巢湖地区口径。 / Prefecture-level "
    "Chaohu was dissolved on 2011-08-22 and split between Hefei, Wuhu and Ma'anshan (State Council 国函〔2011〕84号; "
    "crosswalk event PL-2011-001)."
)


def test_successors_of_an_ended_region_are_the_same_level_regions_its_note_names():
    records = RECORDS + [
        RegionRecord("340200", "prefecture", "芜湖市", "340000"),
        RegionRecord("340500", "prefecture", "马鞍山市", "340000"),
        RegionRecord("340522", "county", "含山县", "340500"),     # named too, but a county
    ]
    by_code = {r.code: r for r in with_successors(records, {"341400": CHAOHU_NOTE, "340100": "合肥 芜湖"})}
    # The note names 合肥, 芜湖 and 马鞍山 as where the counties went (国函〔2011〕84号).
    assert by_code["341400"].successors == ("340100", "340200", "340500")
    assert by_code["340100"].successors == ()          # a current region has none, whatever its note
    assert by_code["340181"].successors == ()
