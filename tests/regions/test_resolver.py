import datetime

import pytest

from deltawatch.regions.resolver import RegionNotFound, RegionRecord, RegionResolver, short_name

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
