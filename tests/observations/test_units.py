import pytest

from deltawatch.observations.units import UnitError, conversion_factor, parse_unit


@pytest.mark.parametrize("source, target, factor", [
    ("亿元", "万元", 1e4),
    ("万元", "亿元", 1e-4),
    ("100m_yuan_current", "亿元", 1.0),
    ("10k_yuan", "亿元", 1e-4),
    ("万人", "人", 1e4),
    ("10k_persons", "万人", 1.0),
    ("%", "比值", 0.01),
    ("ratio", "%", 100.0),
    ("‰", "%", 0.1),
    ("公里/万平方公里", "公里/百平方公里", 0.01),
    ("mt", "万吨", 100.0),
])
def test_conversion_factors(source, target, factor):
    assert conversion_factor(source, target) == pytest.approx(factor, rel=1e-15)


def test_full_width_and_spaces_are_folded():
    assert parse_unit("％").symbol == "%"
    assert parse_unit(" 万 元 ").symbol == "万元"
    assert parse_unit("PCT").symbol == "%"


def test_incompatible_units_are_refused():
    with pytest.raises(UnitError) as caught:
        conversion_factor("万人", "亿元")
    assert caught.value.code == "incompatible_unit"


def test_unknown_unit():
    with pytest.raises(UnitError) as caught:
        parse_unit("斤")
    assert caught.value.code == "unknown_unit"
