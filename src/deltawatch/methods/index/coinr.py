"""Read COINr's input format: an iData table and an iMeta table (COINr ``new_coin``).

iMeta has one row per indicator, aggregate, group, denominator or other column: ``iCode``,
``iName``, ``Level``, ``Parent``, ``Direction``, ``Weight``, ``Type`` (Indicator, Aggregate,
Group, Denominator, Other), and optionally ``Unit``, ``Target`` and ``Denominator`` (the
denominator of an indicator). iData has one row per unit: ``uCode``, ``uName``, the group and
denominator columns, and one column per indicator.

:func:`spec_from_coinr` turns iMeta into an :class:`~deltawatch.methods.index.IndexSpec`;
the pipeline is COINr's standard one unless given (denominate if any indicator has a
denominator, then min-max 0–100, then the weighted arithmetic mean).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .spec import IndexSpec

__all__ = ["read_coinr", "spec_from_coinr"]

_TYPES = {"Indicator", "Aggregate", "Group", "Denominator", "Other"}


def _frame(source) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    return pd.read_csv(Path(source), encoding="utf-8-sig", dtype={"uCode": str})


def _text(value) -> str | None:
    return None if pd.isna(value) or str(value).strip() == "" else str(value).strip()


def spec_from_coinr(imeta, pipeline: list | None = None, name: str = "", name_en: str = "") -> IndexSpec:
    """An IndexSpec from a COINr iMeta table (a path or a DataFrame)."""
    meta = _frame(imeta)
    meta = meta[meta["Type"].isin(_TYPES)]
    nodes = []
    for _, row in meta[meta["Type"].isin(["Indicator", "Aggregate"])].iterrows():
        node = {"code": str(row["iCode"]), "name_en": _text(row.get("iName")) or ""}
        for key, column in (("parent", "Parent"), ("unit", "Unit"), ("denominator", "Denominator")):
            if _text(row.get(column)):
                node[key] = _text(row.get(column))
        if not pd.isna(row.get("Weight")):
            node["weight"] = float(row["Weight"])
        if row["Type"] == "Indicator":
            if not pd.isna(row.get("Direction")):
                node["direction"] = int(row["Direction"])
            if not pd.isna(row.get("Target", float("nan"))):
                node["target"] = float(row["Target"])
        nodes.append(node)
    denominators = meta.loc[meta["Type"] == "Denominator", "iCode"].astype(str).tolist()
    if pipeline is None:
        pipeline = ([{"step": "denominate"}] if any("denominator" in n for n in nodes) else []) + [
            {"step": "normalise", "method": "minmax", "params": {"low": 0, "high": 100}},
            {"step": "aggregate", "method": "arithmetic"}]
    return IndexSpec.from_dict({
        "name": name, "name_en": name_en,
        "data": {"unit": "uCode", "unit_name": "uName",
                 "groups": meta.loc[meta["Type"] == "Group", "iCode"].astype(str).tolist(),
                 "denominators": denominators},
        "nodes": nodes, "pipeline": pipeline})


def read_coinr(idata, imeta, pipeline: list | None = None) -> tuple[IndexSpec, pd.DataFrame]:
    """The spec (from iMeta) and the data (iData) of a COINr input pair."""
    return spec_from_coinr(imeta, pipeline), _frame(idata)
