"""Normalise: bring indicators onto a common scale, with "higher is better" everywhere.

Cross-sectional methods first multiply each indicator by its direction (as COINr does), then
scale each column within each year — or over the pooled panel with ``pooled: true``, which
fixes the bounds across years:

==================  ===========================================================================
``minmax``          (x − min)/(max − min)·(high − low) + low (default 0–100)
``zscore``          (x − mean)/sd·sd_target + mean_target (sd with n − 1, as R's ``sd``)
``goalposts``       (x − lower)/(upper − lower)·scale, or (upper − x)/(upper − lower)·scale for
                    direction −1, censored to [0, scale] unless ``censor: false``; bounds in
                    natural units from the step's ``lower``/``upper`` when given (one pair for
                    every indicator of the setting), else the node's ``goalposts: [lower,
                    upper]`` — fixed, so comparable across years
``dist2max``        1 − (max − x)/(max − min)
``dist2ref``        1 − (x_ref − x)/(x_ref − min), x_ref the value of ``unit``; ``cap`` at 1
``dist2target``     1 − (target − x)/(target − min), target from the node; ``cap`` at 1
``fracmax``         x / max
``rank``            rank, lowest = 1, ties share the lowest rank
``percentile_rank`` (rank − 1)/(n − 1)
``borda``           rank − 1
``sdsn``            SDSN SDG Index: upper = the node's target (or the mean of the top
                    ``top`` values), lower = the ``lower_percentile``-th percentile;
                    (x − lower)/(upper − lower)·100 censored to 0–100
``base_year``       x_t / x_base · 100 per unit (x_base / x_t for direction −1): every unit is
                    100 in ``base_year``
``link_relative``   x_t / x_{t−1} · 100 per unit (inverted for direction −1); the first year of
                    each unit is 100. With ``aggregate`` ``chain: true`` this is a chained
                    index, base year = 100 (as the NBS 长三角发展指数, 2015 = 100)
``none``            x · direction
==================  ===========================================================================

References: COINr ``n_minmax``, ``n_zscore``, ``n_goalposts``, ``n_dist2ref``, ``n_dist2targ``,
``n_fracmax``, ``n_prank``, ``n_borda``; Sachs et al., *Sustainable Development Report*,
methodology (SDSN bounds).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import IndexSpecError
from .params import Method, Param, columns_by_setting
from .table import Table, rank_min

__all__ = ["METHODS", "apply", "lowest_value"]


# ---- cross-sectional methods: x is oriented (× direction), one year or the pooled panel --------
def minmax(x, low: float = 0.0, high: float = 100.0, **_):
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    y = x - lo  # in place from here: one temporary for a whole table
    with np.errstate(invalid="ignore", divide="ignore"):
        y /= hi - lo  # divide first: (high − low)/(hi − lo) overflows for a tiny range
    y *= high - low
    y += low
    return y


def zscore(x, mean: float = 0.0, sd: float = 1.0, **_):
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0, ddof=1) * sd + mean


def goalposts(x, meta, lower=None, upper=None, scale: float = 100.0, censor: bool = True, **_):
    """Fixed bounds in natural units, the best end at ``scale``.

    With x_nat = x · d (``x`` comes in oriented) and the bounds l < u in natural units — the
    step's ``lower``/``upper`` when given, else the node's ``goalposts`` (COINr ``n_goalposts``):

        direction +1:  y = (x_nat − l) / (u − l) · scale
        direction −1:  y = (u − x_nat) / (u − l) · scale     (the lower bound is the best value)

    censored to [0, scale] unless ``censor`` is false. E.g. l = 0, u = 50, x = 10 with
    direction −1 gives (50 − 10)/50 · 100 = 80.
    """
    direction = meta["direction"]
    lo = meta["lower"] if lower is None else np.full(x.shape[1], float(lower))
    hi = meta["upper"] if upper is None else np.full(x.shape[1], float(upper))
    lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)  # [50, 0] means the same bounds as [0, 50]
    natural = x * direction
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(direction > 0, natural - lo, hi - natural) / (hi - lo)
    if censor:
        y = np.clip(y, 0, 1)
    return y * scale


def dist2max(x, **_):
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - (hi - x) / (hi - lo)


def dist2ref(x, meta, unit: str, cap: bool = False, **_):
    hits = np.flatnonzero(meta["units"].astype(str) == str(unit))
    if not len(hits):
        raise IndexSpecError("unknown_unit", unit=unit)
    ref = x[hits[0]]
    with np.errstate(invalid="ignore", divide="ignore"):
        y = 1 - (ref - x) / (ref - np.nanmin(x, axis=0))
    return np.minimum(y, 1) if cap else y


def dist2target(x, meta, cap: bool = False, **_):
    target = meta["target"]
    with np.errstate(invalid="ignore", divide="ignore"):
        y = 1 - (target - x) / (target - np.nanmin(x, axis=0))
    return np.minimum(y, 1) if cap else y


def fracmax(x, **_):
    with np.errstate(invalid="ignore", divide="ignore"):
        return x / np.nanmax(x, axis=0)


def _rank_ascending(x):
    return rank_min(x, axis=0)


def rank(x, **_):
    return _rank_ascending(x)


def percentile_rank(x, **_):
    n = np.sum(~np.isnan(x), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (_rank_ascending(x) - 1) / (n - 1)


def borda(x, **_):
    return _rank_ascending(x) - 1


def sdsn(x, meta, top: int = 5, lower_percentile: float = 2.5, use_target: bool = True, **_):
    ordered = -np.sort(-np.where(np.isnan(x), -np.inf, x), axis=0)[:top]
    ordered = np.where(np.isinf(ordered), np.nan, ordered)
    upper = np.nanmean(ordered, axis=0)
    if use_target:
        upper = np.where(np.isnan(meta["target"]), upper, meta["target"])
    lower = np.nanpercentile(x, lower_percentile, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.clip((x - lower) / (upper - lower), 0, 1) * 100


def none(x, **_):
    return x


# ---- methods over time: x in natural units, the whole panel -----------------------------------
def _series_frame(x, table: Table, method: str):
    if table.years is None:
        raise IndexSpecError("no_years", method=method, column="year")
    return pd.DataFrame(x, index=pd.MultiIndex.from_arrays([table.units.astype(str), table.years]))


def base_year(x, table: Table, direction, base_year: int, scale: float = 100.0, **_):
    frame = _series_frame(x, table, "base_year")
    at_base = table.years == base_year
    if not at_base.any():
        raise IndexSpecError("base_year_missing", year=base_year)
    base = pd.DataFrame(x[at_base], index=table.units[at_base].astype(str)).reindex(table.units.astype(str))
    base = base.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(direction > 0, frame.to_numpy() / base, base / frame.to_numpy()) * scale
    return y


def link_relative(x, table: Table, direction, scale: float = 100.0, **_):
    frame = _series_frame(x, table, "link_relative")
    order = np.lexsort((table.years, table.units.astype(str)))
    ordered = frame.iloc[order]
    previous = ordered.groupby(level=0, sort=False).shift(1).to_numpy()
    current = ordered.to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.where(direction > 0, current / previous, previous / current) * scale
    first = ordered.groupby(level=0, sort=False).cumcount().to_numpy() == 0
    y[first] = scale
    out = np.empty_like(y)
    out[order] = y
    return out


_POOLED = {"pooled": Param("bool", False)}
METHODS = {
    "minmax": Method("minmax", minmax, {"low": Param("number", 0.0), "high": Param("number", 100.0), **_POOLED},
                     "极差标准化", "min-max"),
    "zscore": Method("zscore", zscore, {"mean": Param("number", 0.0), "sd": Param("positive", 1.0), **_POOLED},
                     "Z 分数标准化", "z-score"),
    "goalposts": Method("goalposts", goalposts, {
        "lower": Param("number", None, nullable=True), "upper": Param("number", None, nullable=True),
        "scale": Param("positive", 100.0), "censor": Param("bool", True)}, "目标柱法", "goalposts"),
    "dist2max": Method("dist2max", dist2max, dict(_POOLED), "距最大值", "distance to maximum"),
    "dist2ref": Method("dist2ref", dist2ref, {"unit": Param("any"), "cap": Param("bool", False)},
                       "距参照单元", "distance to a reference unit"),
    "dist2target": Method("dist2target", dist2target, {"cap": Param("bool", False), **_POOLED},
                          "距目标值", "distance to the target"),
    "fracmax": Method("fracmax", fracmax, dict(_POOLED), "最大值比例", "fraction of maximum"),
    "rank": Method("rank", rank, dict(_POOLED), "排序", "rank"),
    "percentile_rank": Method("percentile_rank", percentile_rank, dict(_POOLED), "百分位排序", "percentile rank"),
    "borda": Method("borda", borda, dict(_POOLED), "Borda 计分", "Borda score"),
    "sdsn": Method("sdsn", sdsn, {"top": Param("int", 5), "lower_percentile": Param("number", 2.5),
                                  "use_target": Param("bool", True), **_POOLED}, "SDSN 上下界", "SDSN bounds"),
    "base_year": Method("base_year", base_year, {"base_year": Param("int"), "scale": Param("positive", 100.0)},
                        "定基指数", "fixed base year = 100"),
    "link_relative": Method("link_relative", link_relative, {"scale": Param("positive", 100.0)},
                            "环比指数", "link relative (previous year = 100)"),
    "none": Method("none", none, {}, "不标准化", "none"),
}
TEMPORAL = {"base_year", "link_relative"}
_NEEDS_META = {"goalposts", "dist2ref", "dist2target", "sdsn"}


def lowest_value(setting) -> float | None:
    """The lowest value a method can give, when it is known without the data (for the check
    that a geometric mean will not meet a zero)."""
    p = setting.params
    return {"minmax": lambda: min(p["low"], p["high"]), "goalposts": lambda: 0.0 if p["censor"] else None,
            "dist2max": lambda: 0.0, "percentile_rank": lambda: 0.0, "borda": lambda: 0.0,
            "sdsn": lambda: 0.0, "rank": lambda: 1.0}.get(setting.method, lambda: None)()


def _meta(spec, table: Table, columns, rows) -> dict:
    nodes = [spec.node(c) for c in columns]
    direction = np.array([n.direction for n in nodes], dtype=float)
    posts = [n.goalposts or (np.nan, np.nan) for n in nodes]
    return {"direction": direction,
            "target": np.array([np.nan if n.target is None else n.target for n in nodes]) * direction,
            "lower": np.array([p[0] for p in posts]), "upper": np.array([p[1] for p in posts]),  # natural units
            "units": table.units[rows], "codes": columns}


def _check_meta(method: str, meta: dict, params: dict) -> None:
    if method == "goalposts":  # each bound from the step's parameter, else from the node
        for code, lo, hi in zip(meta["codes"], meta["lower"], meta["upper"]):
            if (params.get("lower") is None and np.isnan(lo)) or (params.get("upper") is None and np.isnan(hi)):
                raise IndexSpecError("no_goalposts", code=code)
    if method == "dist2target":
        for code, target in zip(meta["codes"], meta["target"]):
            if np.isnan(target):
                raise IndexSpecError("no_target", code=code, method=method)


def normalise_block(values: np.ndarray, setting, spec, table: Table, columns) -> np.ndarray:
    """Normalise the given columns (natural units) with one setting; returns oriented scores."""
    method = METHODS[setting.method]
    nodes_direction = np.array([spec.node(c).direction for c in columns], dtype=float)
    if setting.method in TEMPORAL:
        return method.function(values, table=table, direction=nodes_direction, **setting.params)
    params = {k: v for k, v in setting.params.items() if k != "pooled"}
    oriented = values * nodes_direction
    slices = table.year_slices(pooled=setting.params.get("pooled", False))
    if len(slices) == 1 and setting.method not in _NEEDS_META:  # a cross-section: the table at once
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return method.function(oriented, **params)
    out = np.full_like(values, np.nan)
    for rows in slices:
        if len(rows) == len(values):  # one slice of every row: plain slicing, no gather and scatter copies
            rows = slice(None)
        if setting.method in _NEEDS_META:
            params["meta"] = _meta(spec, table, columns, rows)
            _check_meta(setting.method, params["meta"], params)
        with warnings.catch_warnings():  # an indicator without any value in a year stays missing, said
            warnings.simplefilter("ignore", RuntimeWarning)  # once by the build's warnings, not by NumPy
            out[rows] = method.function(oriented[rows], **params)
    return out


def apply(table: Table, step, spec) -> tuple[Table, dict[str, pd.DataFrame]]:
    """Normalise every indicator by its setting; the record lists the settings and warns of
    indicators that cannot be normalised (a constant column gives no min-max scale)."""
    values = np.full_like(table.values, np.nan)
    rows = []
    for setting, cols in columns_by_setting(step, table.columns):
        codes = [table.columns[j] for j in cols]
        values[:, cols] = normalise_block(table.values[:, cols], setting, spec, table, codes)
        rows += [(code, setting.method, dict(setting.params)) for code in codes]
    lost = set(np.asarray(table.columns, dtype=object)[np.isnan(values).sum(axis=0) > np.isnan(table.values).sum(axis=0)])
    rows = [(*row, row[0] in lost) for row in rows]
    return table.with_values(values), {
        "settings": lambda: pd.DataFrame(rows, columns=["indicator", "method", "params", "values_lost"])}
