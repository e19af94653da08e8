"""Panels of the system's statistics for the disparity, convergence, coordination and spatial
analyses (``deltawatch disparity | convergence | coordination | moran``).

Which units: the 41 cities by default (Shanghai counts as one of them, as in the plan), or the
county units, the four provincial units, or the members of any region group. Each unit comes
with its provincial unit (for decompositions "by province") and its names. Values are read in
one query; the computing is done by ``deltawatch.methods``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from django.db.models import Q

from deltawatch.indicators.models import Indicator
from deltawatch.observations.exports import export_frame
from deltawatch.regions.models import Region, RegionGroup

__all__ = ["units", "indicator_panel", "population_weights", "grouping", "city_weights", "balanced",
           "PER_CAPITA_TOTALS", "GEOJSON"]

DEFAULT_GROUP = "yrd41"
GEOJSON = Path(__file__).resolve().parents[1] / "defaults" / "data" / "geo" / "yrd41_cities.geojson"
PROVINCES = ("310000", "320000", "330000", "340000")

# The numerator total of a per-capita indicator, for the population it implies (total ÷ per capita).
# The catalogue has no field for it, and a formula does not help: a derived per-capita indicator is
# computed from its denominator, so it exists only where the population itself does.
PER_CAPITA_TOTALS = {"gdp_per_capita": "gdp"}
DEFAULT_POPULATION = "population_resident"
LAST_RESORT_POPULATION = "population_registered"


class UnknownSelection(ValueError):
    """A level, group or indicator that does not exist; the message names it."""


def find_group(text: str) -> RegionGroup | None:
    return RegionGroup.objects.filter(Q(code=text) | Q(name_zh=text) | Q(name_en__iexact=text)).first()


def units(level: str | None = None, group: str | None = None) -> pd.DataFrame:
    """The units of an analysis: code, name_zh, name_en, province (Chinese name of the
    provincial unit), province_en, province_code; one row each, ordered by code."""
    regions = pd.DataFrame(list(Region.objects.values_list("code", "name_zh", "name_en", "level", "parent__code",
                                                           "valid_to")),
                           columns=["code", "name_zh", "name_en", "level", "parent", "valid_to"])
    if group:
        found = find_group(group)
        if found is None:
            raise UnknownSelection(group)
        chosen = regions[regions["code"].isin(list(found.members.values_list("code", flat=True)))]
    elif (level or "prefecture") == "prefecture":
        chosen = regions[regions["code"].isin(list(RegionGroup.objects.get(code=DEFAULT_GROUP).members
                                                   .values_list("code", flat=True)))]
    elif level == "province":
        chosen = regions[regions["code"].isin(PROVINCES)]
    elif level == "county":
        chosen = regions[(regions["level"] == "county") & regions["valid_to"].isna()]
    else:
        raise UnknownSelection(level)
    parent = dict(zip(regions["code"], regions["parent"]))
    names = dict(zip(regions["code"], regions["name_zh"]))
    names_en = dict(zip(regions["code"], regions["name_en"]))

    def province_of(code: str) -> str:
        while code not in PROVINCES and parent.get(code):
            code = parent[code]
        return code

    out = chosen[["code", "name_zh", "name_en"]].copy()
    out["province_code"] = out["code"].map(province_of)
    out["province"] = out["province_code"].map(names)
    out["province_en"] = out["province_code"].map(names_en)
    return out.sort_values("code").reset_index(drop=True)


def indicator_panel(indicator: str, codes, years=None) -> pd.DataFrame:
    """Current values of one indicator: long frame unit, year, value."""
    if not Indicator.objects.filter(code=indicator).exists():
        raise UnknownSelection(indicator)
    frame = export_frame(indicators=[indicator], regions=list(codes), years=years)
    return frame[["region_code", "year", "value"]].rename(columns={"region_code": "unit"})


def population_weights(indicator: str, codes, years) -> pd.DataFrame:
    """The population that weights ``indicator`` (``--weight population``), unit by unit and
    year by year: columns unit, year, weight (in the population indicator's unit, 万人) and
    source, the indicator code the weight comes from or ``TOTAL/INDICATOR`` when implied.

    In order of preference, for each unit and year:

    1. the population the indicator is per (its catalogue weight when that counts persons, e.g.
       gdp_per_capita → population_resident; else the resident population);
    2. for a per-capita indicator whose numerator total is known (:data:`PER_CAPITA_TOTALS`),
       the population it implies, total ÷ per-capita value, in the population's unit:
       gdp [亿元] × 10⁸ / gdp_per_capita [元] = persons, ÷ 10⁴ = 万人. This is the denominator
       the statistics bureau divided by, so the weighted mean is total GDP ÷ total population;
    3. the registered (户籍) population, which the city yearbooks give every year — another scope,
       named as such in ``source``.

    Weighting a per-resident value by the registered population would mix scopes: in 2020
    Suzhou's resident population was 1.7 times its registered one. The implied population is the
    registered one where the yearbooks divided by it (most cities until the late 2000s). For the
    cities the embedded default has the resident population of the 2010 and 2020 censuses only;
    in 2010 it differs from the implied one by more than 5 % for 18 of the 41 (e.g. Tongling,
    whose boundaries changed), so that year's weights come from another source than its
    neighbours' — ``source`` says which, row by row.
    """
    codes = list(codes)
    population = _population_of(indicator)
    found = indicator_panel(population, codes, years).assign(source=population)
    implied = _implied_population(indicator, population, codes, years)
    fallback = indicator_panel(LAST_RESORT_POPULATION, codes, years).assign(source=LAST_RESORT_POPULATION)
    frames = [frame for frame in (found, implied, fallback) if len(frame)]
    if not frames:
        return pd.DataFrame(columns=["unit", "year", "weight", "source"])
    weights = pd.concat(frames, ignore_index=True)
    usable = np.isfinite(weights["value"].astype(float)) & (weights["value"] > 0)
    weights = weights[usable].drop_duplicates(["unit", "year"], keep="first")  # the first is the preferred
    return weights.rename(columns={"value": "weight"}).sort_values(["unit", "year"]).reset_index(drop=True)


def _population_of(indicator: str) -> str:
    """The population a per-capita indicator is per: its catalogue weight when that counts persons."""
    from deltawatch.observations.units import UnitError, parse_unit

    found = Indicator.objects.filter(code=indicator).select_related("weight").first()
    if found is None or found.weight is None:
        return DEFAULT_POPULATION
    try:
        return found.weight.code if parse_unit(found.weight.unit).quantity == "persons" else DEFAULT_POPULATION
    except UnitError:
        return DEFAULT_POPULATION


def _implied_population(indicator: str, population: str, codes, years) -> pd.DataFrame:
    """total × f_total / (per-capita value × f_value) / f_population (the f the units' factors to
    their base unit) for the units and years with both values; empty when no total is known or
    the units do not measure the same quantity."""
    from deltawatch.observations.units import UnitError, parse_unit

    total = PER_CAPITA_TOTALS.get(indicator)
    empty = pd.DataFrame(columns=["unit", "year", "value", "source"])
    if total is None:
        return empty
    catalogue = dict(Indicator.objects.filter(code__in=[indicator, total, population]).values_list("code", "unit"))
    try:
        money, per_head, persons = (parse_unit(catalogue[c]) for c in (total, indicator, population))
    except (KeyError, UnitError):
        return empty
    if money.quantity != per_head.quantity or persons.quantity != "persons":
        return empty
    pair = indicator_panel(total, codes, years).merge(indicator_panel(indicator, codes, years), on=["unit", "year"],
                                                     suffixes=("_total", "_per_capita"))
    value = pair["value_total"] * money.factor / (pair["value_per_capita"] * per_head.factor) / persons.factor
    return pd.DataFrame({"unit": pair["unit"], "year": pair["year"], "value": value, "source": f"{total}/{indicator}"})


def grouping(table: pd.DataFrame, by: str | None, lang: str = "zh") -> pd.Series | None:
    """Each unit's group for decompositions: its province (``by='province'``) or the region
    group among a comma-separated list that contains it (others: 其他 / other), named in the
    user's language."""
    if not by:
        return None
    english = lang == "en"
    if by == "province":
        return pd.Series(table["province_en" if english else "province"].to_numpy(), index=table["code"])
    other = "other" if english else "其他"
    labels = pd.Series(other, index=table["code"], dtype=object)
    for text in [t.strip() for t in by.replace("，", ",").split(",") if t.strip()]:
        found = find_group(text)
        if found is None:
            raise UnknownSelection(text)
        members = set(found.members.values_list("code", flat=True))
        labels[labels.index.isin(members) & (labels == other)] = found.name_en if english else found.name_zh
    return labels


def city_weights(codes, contiguity: str = "queen", k: int | None = None):
    """Spatial weights of the 41 cities from their (schematic) polygons: queen or rook
    contiguity, or the ``k`` nearest centroids."""
    from deltawatch.methods.spatial import knn_weights, polygon_weights

    codes = [str(c) for c in codes]
    if k:
        import json

        import geopandas as gpd

        frame = gpd.GeoDataFrame.from_features(json.loads(GEOJSON.read_text(encoding="utf-8"))["features"])
        frame = frame.set_index(frame["adcode"].astype(str)).loc[codes]
        points = frame.geometry.representative_point()
        return knn_weights(pd.DataFrame({"x": points.x, "y": points.y}, index=codes), k=k, arc=True)
    return polygon_weights(GEOJSON, ids=codes, contiguity=contiguity)


def balanced(panel: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the units with a value in every year of a long panel (unit, year, value),
    and the units left out: a series over a changing set of units mixes the change of the gaps
    with the change of the sample, and β and club tests need complete series."""
    present = panel.dropna(subset=["value"])
    counts = present.groupby("unit")["year"].nunique()
    keep = counts.index[counts == panel["year"].nunique()]
    dropped = sorted(set(panel["unit"]) - set(keep))
    return present[present["unit"].isin(keep)], dropped
