"""Impute: fill missing values, and record every filled cell.

Across units, within each year: ``mean`` and ``median`` of the indicator; ``mean_group`` and
``median_group`` of the indicator within the unit's group (COINr ``i_mean_grp``: the group
column is named by ``group``, e.g. ``EurAsia_group``). In time, within each unit:
``interpolate`` (linear between the nearest known years before and after; no extrapolation)
and ``locf`` (last value carried forward; ``backward: true`` also carries the first value
back). ``none`` leaves gaps, which aggregation then skips by re-normalising the weights.
A value that cannot be imputed (a whole group missing, no earlier year) stays missing.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import IndexSpecError
from .params import Method, Param, columns_by_setting
from .table import Table

__all__ = ["METHODS", "apply"]


def _group_codes(keys: list[np.ndarray], n: int) -> np.ndarray:
    if not keys:
        return np.zeros(n, dtype=np.int64)
    return pd.MultiIndex.from_arrays(keys).factorize()[0] if len(keys) > 1 else pd.factorize(keys[0])[0]


def _fill_by_keys(values: np.ndarray, keys: list[np.ndarray], how: str) -> np.ndarray:
    """Missing cells ← the mean or median of their column over the rows sharing the keys."""
    if not keys:  # a cross-section: one group, NumPy's own NaN-aware column statistics
        with warnings.catch_warnings():  # a column without any value stays missing
            warnings.simplefilter("ignore", RuntimeWarning)
            fill = np.nanmedian(values, axis=0) if how == "median" else np.nanmean(values, axis=0)
        return np.where(np.isnan(values), fill, values)
    codes = _group_codes(keys, len(values))
    if how == "median":
        filled = pd.DataFrame(values).groupby(codes, sort=False).transform("median").to_numpy(dtype=float)
    else:  # sums and counts per group with one sorted reduceat: no pandas group machinery
        order = np.argsort(codes, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
        present = ~np.isnan(values[order])
        sums = np.add.reduceat(np.where(present, values[order], 0.0), starts, axis=0)
        counts = np.add.reduceat(present.astype(float), starts, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / counts, np.nan)
        group_of_sorted = np.cumsum(np.r_[True, np.diff(codes[order]) != 0]) - 1
        filled = np.empty_like(values)
        filled[order] = means[group_of_sorted]
    return np.where(np.isnan(values), filled, values)


def fill_mean(values, table: Table) -> np.ndarray:
    return _fill_by_keys(values, _year_keys(table), "mean")


def fill_median(values, table: Table) -> np.ndarray:
    return _fill_by_keys(values, _year_keys(table), "median")


def fill_mean_group(values, table: Table, group: str, fallback: str = "none") -> np.ndarray:
    filled = _fill_by_keys(values, _year_keys(table) + [_group(table, group)], "mean")
    return filled if fallback == "none" else _fill_by_keys(filled, _year_keys(table), fallback)


def fill_median_group(values, table: Table, group: str, fallback: str = "none") -> np.ndarray:
    filled = _fill_by_keys(values, _year_keys(table) + [_group(table, group)], "median")
    return filled if fallback == "none" else _fill_by_keys(filled, _year_keys(table), fallback)


def _year_keys(table: Table) -> list[np.ndarray]:
    return [] if table.years is None else [table.years]


def _group(table: Table, group: str) -> np.ndarray:
    if group not in table.side:
        raise IndexSpecError("missing_column", kind="分组", kind_en="group", names=[group],
                             available=sorted(table.side))
    return np.asarray(table.side[group], dtype=object)


def _time_order(table: Table, method: str) -> np.ndarray:
    if table.years is None:
        raise IndexSpecError("no_years", method=method, column="year")
    return np.lexsort((table.years, table.units.astype(str)))


def fill_locf(values, table: Table, backward: bool = False) -> np.ndarray:
    """Last value carried forward within each unit (and the first one back if ``backward``)."""
    order = _time_order(table, "locf")
    frame = pd.DataFrame(values[order])
    units = table.units[order]
    filled = frame.groupby(units, sort=False).ffill()
    if backward:
        filled = filled.fillna(frame.groupby(units, sort=False).bfill())
    out = np.empty_like(values)
    out[order] = filled.to_numpy(dtype=float)
    return out


def fill_interpolate(values, table: Table) -> np.ndarray:
    """Linear interpolation in time between a unit's nearest known years (inside only).

    Vectorised: the row of the previous and next known value of every cell comes from a
    grouped forward/backward fill of row positions, so no Python loop runs over units.
    """
    order = _time_order(table, "interpolate")
    v = values[order]
    years = table.years[order].astype(float)
    units = table.units[order]
    position = np.where(np.isnan(v), np.nan, np.arange(len(v))[:, None].astype(float))
    grouped = pd.DataFrame(position).groupby(units, sort=False)
    before = grouped.ffill().to_numpy()
    after = grouped.bfill().to_numpy()
    gap = np.isnan(v) & ~np.isnan(before) & ~np.isnan(after)
    rows, cols = np.nonzero(gap)
    b, a = before[gap].astype(int), after[gap].astype(int)
    share = (years[rows] - years[b]) / (years[a] - years[b])
    out_sorted = v.copy()
    out_sorted[rows, cols] = v[b, cols] + (v[a, cols] - v[b, cols]) * share
    out = np.empty_like(values)
    out[order] = out_sorted
    return out


def fill_none(values, table: Table) -> np.ndarray:
    return values


_FALLBACK = Param("str", "none", choices=("none", "mean", "median"))
METHODS = {
    "none": Method("none", fill_none, {}, "不插补", "no imputation"),
    "mean": Method("mean", fill_mean, {}, "均值插补", "mean of the indicator"),
    "median": Method("median", fill_median, {}, "中位数插补", "median of the indicator"),
    "mean_group": Method("mean_group", fill_mean_group, {"group": Param("str"), "fallback": _FALLBACK},
                         "组内均值插补", "mean within the group"),
    "median_group": Method("median_group", fill_median_group, {"group": Param("str"), "fallback": _FALLBACK},
                           "组内中位数插补", "median within the group"),
    "interpolate": Method("interpolate", fill_interpolate, {}, "时间线性插值", "linear interpolation in time"),
    "locf": Method("locf", fill_locf, {"backward": Param("bool", False)}, "沿用上年值", "last value carried forward"),
}


def apply(table: Table, step, spec) -> tuple[Table, dict[str, pd.DataFrame]]:
    """Impute each indicator by its setting; the record lists every filled cell."""
    values = table.values.copy()
    method_of = np.empty(len(table.columns), dtype=object)
    for setting, columns in columns_by_setting(step, table.columns):
        values[:, columns] = METHODS[setting.method].function(table.values[:, columns], table, **setting.params)
        method_of[columns] = setting.method
    filled = np.isnan(table.values) & ~np.isnan(values)
    rows, cols = np.nonzero(filled)
    record = {"unit_code": table.units[rows]}
    if table.years is not None:
        record["year"] = table.years[rows]
    record.update(indicator=np.asarray(table.columns, dtype=object)[cols], value=values[rows, cols],
                  method=method_of[cols])
    return table.with_values(values), {"imputed": record}

