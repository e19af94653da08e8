"""Units of statistical values and their conversion.

Statistics yearbooks write units in Chinese (万元, 亿元, 万人, %, ‰), data files
republished by researchers in ASCII (``10k_yuan``, ``100m_yuan``, ``pct``). A value is
stored in its indicator's unit; an imported value is converted when its unit measures
the same quantity (万元 ↔ 亿元, 万人 ↔ 人, % ↔ ratio …) and refused otherwise.

Written here rather than with *pint*: the units that matter are a short, closed list of
Chinese statistical units, most of which pint does not know (万, 亿, 标准煤, 公里/百平方公里),
and the whole of what we need is a factor within a named quantity.

This module is pure Python: no Django.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["Unit", "UnitError", "UNITS", "parse_unit", "conversion_factor", "normalise_unit_text"]


@dataclass(frozen=True)
class Unit:
    """A unit: its canonical Chinese symbol, the quantity it measures, and its factor.

    ``factor`` converts one of this unit into the quantity's base unit, so that
    ``x [a] = x * a.factor / b.factor [b]``.
    """

    symbol: str
    quantity: str
    factor: float
    name_en: str


class UnitError(ValueError):
    """An unknown unit, or two units that measure different quantities.

    ``code`` is ``"unknown_unit"`` or ``"incompatible_unit"``; the importer turns it into a
    message in the user's language.
    """

    def __init__(self, code: str, unit: str, target: str | None = None):
        self.code, self.unit, self.target = code, unit, target
        super().__init__(f"{code}: {unit!r}" + (f" -> {target!r}" if target else ""))


def _u(symbol, quantity, factor, name_en, *aliases):
    return Unit(symbol, quantity, float(factor), name_en), aliases


_DEFINITIONS = [
    # money, Chinese yuan
    _u("元", "cny", 1, "yuan", "yuan", "rmb", "元/人", "yuan/person"),
    _u("万元", "cny", 1e4, "10,000 yuan", "10k_yuan", "10k yuan", "万元/人"),
    _u("百万元", "cny", 1e6, "million yuan", "1m_yuan", "million yuan"),
    _u("亿元", "cny", 1e8, "100 million yuan", "100m_yuan", "100m_yuan_current", "100m yuan"),
    # money, US dollars
    _u("美元", "usd", 1, "US dollars", "usd"),
    _u("万美元", "usd", 1e4, "10,000 US dollars", "10k_usd"),
    _u("亿美元", "usd", 1e8, "100 million US dollars", "100m_usd"),
    # people and households
    _u("人", "persons", 1, "persons", "persons", "person", "个人"),
    _u("万人", "persons", 1e4, "10,000 persons", "10k_persons"),
    _u("户", "households", 1, "households", "households"),
    _u("万户", "households", 1e4, "10,000 households", "10k_households"),
    _u("人/户", "persons_per_household", 1, "persons per household", "persons_per_household"),
    # shares and rates
    _u("比值", "ratio", 1, "ratio", "ratio", "fraction", "倍"),
    _u("%", "ratio", 1e-2, "percent", "pct", "percent", "百分比"),
    _u("‰", "ratio", 1e-3, "per mille", "permille", "千分比"),
    _u("女=100", "sex_ratio", 1, "males per 100 females", "female=100", "sex_ratio"),
    _u("指数", "index", 1, "index", "index", "上年=100", "2015=100"),
    # length, area, density
    _u("公里", "length", 1, "km", "km", "千米"),
    _u("米", "length", 1e-3, "m", "m"),
    _u("平方公里", "area", 1, "km²", "km2", "km²", "平方千米"),
    _u("万平方公里", "area", 1e4, "10,000 km²", "10k_km2"),
    _u("人/平方公里", "population_density", 1, "persons per km²", "persons_per_km2"),
    _u("公里/百平方公里", "network_density", 1, "km per 100 km²", "km_per_100km2"),
    _u("公里/万平方公里", "network_density", 1e-2, "km per 10,000 km²", "km_per_10k_km2"),
    # time
    _u("年", "years", 1, "years", "years", "year", "岁"),
    _u("天", "days", 1, "days", "days", "日"),
    # mass, energy, emissions, concentration
    _u("吨", "mass", 1, "tonnes", "t", "tonne", "tonnes"),
    _u("万吨", "mass", 1e4, "10,000 tonnes", "10k_t"),
    _u("百万吨", "mass", 1e6, "million tonnes", "mt", "mt_co2", "million tonnes"),
    _u("亿吨", "mass", 1e8, "100 million tonnes", "100m_t"),
    _u("吨/万元", "mass_per_output", 1, "tonnes per 10,000 yuan", "t_per_10k_yuan"),
    _u("吨标准煤/万元", "energy_per_output", 1, "tce per 10,000 yuan", "tce_per_10k_yuan"),
    _u("万吨标准煤", "energy", 1, "10,000 tce", "10k_tce"),
    _u("微克/立方米", "concentration", 1, "μg/m³", "ug/m3", "μg/m³", "µg/m3"),
    # counts
    _u("件", "items", 1, "items", "items", "个", "项"),
    _u("件/万人", "items_per_10k_persons", 1, "per 10,000 persons", "per_10k_persons"),
    _u("个/万人", "items_per_10k_persons", 1, "per 10,000 persons"),
    _u("张/千人", "per_1k_persons", 1, "per 1,000 persons", "per_1k_persons"),
    _u("人/千人", "per_1k_persons", 1, "per 1,000 persons"),
]


def normalise_unit_text(text: str) -> str:
    """Fold full-width forms (％ → %), spaces and ASCII case so that unit spellings compare."""
    folded = unicodedata.normalize("NFKC", str(text)).strip()
    return "".join(folded.split()).lower()


UNITS: dict[str, Unit] = {}
_LOOKUP: dict[str, Unit] = {}
for _unit, _aliases in _DEFINITIONS:
    UNITS[_unit.symbol] = _unit
    for _spelling in (_unit.symbol, *_aliases):
        _LOOKUP[normalise_unit_text(_spelling)] = _unit


def parse_unit(text: str) -> Unit:
    """Return the unit written as ``text`` (any accepted spelling); raise UnitError if unknown."""
    unit = _LOOKUP.get(normalise_unit_text(text))
    if unit is None:
        raise UnitError("unknown_unit", str(text))
    return unit


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Factor that turns a value in ``from_unit`` into ``to_unit``.

    >>> conversion_factor("亿元", "万元")
    10000.0
    >>> conversion_factor("%", "ratio")
    0.01
    """
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if source.quantity != target.quantity:
        raise UnitError("incompatible_unit", str(from_unit), str(to_unit))
    return source.factor / target.factor
