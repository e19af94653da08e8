"""Panels of the system's statistics for the disparity, convergence, coordination and spatial
analyses (``deltawatch disparity | convergence | coordination | moran``).

Which units: the 41 cities by default (Shanghai counts as one of them, as in the plan), or the
county units, the four provincial units, or the members of any region group. Each unit comes
with its provincial unit (for decompositions "by province") and its names. Values are read in
one query; the computing is done by ``deltawatch.methods``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.db.models import Q

from deltawatch.indicators.models import Indicator
from deltawatch.observations.services import export_frame
from deltawatch.regions.models import Region, RegionGroup

__all__ = ["units", "indicator_panel", "population_indicator", "grouping", "city_weights", "balanced",
           "GEOJSON"]

DEFAULT_GROUP = "yrd41"
GEOJSON = Path(__file__).resolve().parents[1] / "defaults" / "data" / "geo" / "yrd41_cities.geojson"
PROVINCES = ("310000", "320000", "330000", "340000")


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


def population_indicator(codes, years) -> str:
    """The population series to weight by: the resident (常住) population where it covers the
    units and years, else the registered (户籍) population the city yearbooks give every year."""
    resident = indicator_panel("population_resident", codes, years)
    wanted = len(list(codes)) * max(len(set(years or resident["year"])), 1)
    return "population_resident" if len(resident) >= 0.9 * wanted else "population_registered"


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
