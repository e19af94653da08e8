"""Treat outliers: COINr's default winsorisation with a log fallback, exactly.

An indicator passes when |skew| < ``skew`` **or** kurtosis < ``kurtosis`` (defaults 2 and
3.5), with the e1071 "type 2" estimators (missing values removed)::

    skew = √n Σd³ / (Σd²)^{3/2} · √(n(n−1)) / (n−2)
    kurt = ((n+1)(r−3) + 6)(n−1) / ((n−2)(n−3)),  r = n Σd⁴ / (Σd²)²,  d = x − mean

``winsorise_log`` (COINr's default ``Treat``): while the indicator fails and fewer than
``winmax`` points were changed in the latest round, every value equal to the maximum is set to
the largest remaining value if skew ≥ 0, else every value equal to the minimum to the smallest
remaining one. The count compared with ``winmax`` is the size of the latest high set plus the
latest low set (ties included) — not a running total — so each round on the same side replaces
one more tied point. If the indicator still fails, the winsorisation is discarded and
log(x − min + 0.01 (max − min)) is applied to the original values ("log_CT"). ``winsorise``
stops before the log; ``log`` always applies it; ``none`` does nothing.

Each year of a panel is treated on its own. Indicators with fewer than four values are left
untreated (the kurtosis needs four).

The estimators are written here, vectorised over columns and NaN-aware, because
``scipy.stats.skew(..., bias=False, nan_policy="omit")`` — the same "type 2" formulas, which
the tests check — goes through masked arrays and is many times slower on wide tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import Method, Param, columns_by_setting
from .table import Table

__all__ = ["METHODS", "apply", "skewness", "kurtosis", "winsorise", "winsorise_columns", "log_ct"]


def _moments(x: np.ndarray, axis: int = 0):
    mask = ~np.isnan(x)
    if mask.all():  # the common case, without the masking
        n = np.full(x.shape[1 - axis] if x.ndim == 2 else (), x.shape[axis], dtype=float)
        d = x - x.mean(axis=axis, keepdims=True)
    else:
        n = mask.sum(axis=axis).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(mask, x, 0.0).sum(axis=axis, keepdims=True) / np.expand_dims(n, axis)
            d = np.where(mask, x - mean, 0.0)
    d2 = d * d
    if x.ndim == 2 and axis == 0:  # einsum sums the products without building them
        return n, d2.sum(axis=0), np.einsum("ij,ij->j", d2, d), np.einsum("ij,ij->j", d2, d2)
    return n, d2.sum(axis=axis), (d2 * d).sum(axis=axis), (d2 * d2).sum(axis=axis)


def _skew(n, m2, m3):
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.sqrt(n) * m3 / m2 ** 1.5 * np.sqrt(n * (n - 1)) / (n - 2)
    return np.where((n >= 3) & (m2 > 0), out, np.nan)


def _kurt(n, m2, m4):
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * m4 / m2 ** 2
        out = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return np.where((n >= 4) & (m2 > 0), out, np.nan)


def _skew_kurt(X: np.ndarray):
    """Skewness and kurtosis of every column from one pass over the moments."""
    n, m2, m3, m4 = _moments(X, 0)
    return _skew(n, m2, m3), _kurt(n, m2, m4)


def skewness(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Sample skewness, e1071 type 2 (Excel's SKEW); NaN ignored, NaN if n < 3 or constant.

    >>> round(float(skewness(np.array([1.0, 2, 3, 10]))), 6)
    1.763633
    """
    n, m2, m3, _ = _moments(np.asarray(x, dtype=float), axis)
    return _skew(n, m2, m3)


def kurtosis(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Sample excess kurtosis, e1071 type 2 (Excel's KURT); NaN ignored, NaN if n < 4 or constant.

    >>> round(float(kurtosis(np.array([1.0, 2, 3, 10]))), 6)
    3.228
    """
    n, m2, _, m4 = _moments(np.asarray(x, dtype=float), axis)
    return _kurt(n, m2, m4)


def _passes(skew, kurt, skew_limit: float, kurt_limit: float):
    """COINr's check_SkewKurt: |skew| < limit or kurtosis < limit; NaN (too few points or a
    constant) counts as passing — there is nothing to treat."""
    skew, kurt = np.asarray(skew), np.asarray(kurt)
    return np.isnan(skew) | np.isnan(kurt) | (np.abs(skew) < skew_limit) | (kurt < kurt_limit)


def winsorise_columns(X: np.ndarray, winmax: int | None = 5, skew: float = 2.0, kurt: float = 3.5, start=None):
    """COINr's ``winsorise`` applied to every column of X at once.

    The failing columns advance in lockstep, one round per loop: each round replaces, in each
    column still failing, every value tied at the extreme on the side of its skew with the
    next value, then re-checks all of them with one vectorised skew/kurtosis. Returns the
    treated matrix, points winsorised per column (the latest high plus the latest low set, as
    COINr counts them), boolean masks of the latest high and low sets, and the skew, kurtosis
    and pass flag of each column after treatment. ``start`` = (skew, kurtosis) of X when the
    caller has them already.
    """
    X = np.array(X, dtype=float)
    k = X.shape[1]
    high = np.zeros(X.shape, dtype=bool)
    low = np.zeros(X.shape, dtype=bool)
    n_win = np.zeros(k, dtype=int)
    s, ku = (np.array(a, dtype=float) for a in start) if start is not None else _skew_kurt(X)
    passing = _passes(s, ku, skew, kurt)
    stuck = np.zeros(k, dtype=bool)
    limit = np.inf if winmax is None else winmax
    active = ~passing & (n_win < limit)
    while active.any():
        cols = np.flatnonzero(active)
        V = X[:, cols]
        up = s[cols] >= 0
        with np.errstate(invalid="ignore"):
            top, bottom = np.nanmax(V, axis=0), np.nanmin(V, axis=0)
            below_top = np.where(V < top, V, -np.inf).max(axis=0)
            above_bottom = np.where(V > bottom, V, np.inf).min(axis=0)
        nothing_left = np.where(up, np.isneginf(below_top), np.isposinf(above_bottom))
        at_top, at_bottom = (V == top) & ~nothing_left, (V == bottom) & ~nothing_left
        hit = np.where(up, at_top, at_bottom)
        X[:, cols] = np.where(hit, np.where(up, below_top, above_bottom), V)
        high[:, cols] = np.where(up & ~nothing_left, at_top, high[:, cols])
        low[:, cols] = np.where(~up & ~nothing_left, at_bottom, low[:, cols])
        n_win[cols] = high[:, cols].sum(axis=0) + low[:, cols].sum(axis=0)
        stuck[cols[nothing_left]] = True
        s[cols], ku[cols] = _skew_kurt(X[:, cols])
        passing[cols] = _passes(s[cols], ku[cols], skew, kurt)
        active = ~passing & (n_win < limit) & ~stuck
    return X, n_win, high, low, s, ku, passing


def winsorise(x: np.ndarray, winmax: int | None = 5, skew: float = 2.0, kurt: float = 3.5):
    """COINr's ``winsorise`` on one vector: ``(treated, n_winsorised, high_positions,
    low_positions, passes_after)``.

    >>> x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    >>> treated, n, high, low, passes = winsorise(x, winmax=2)
    >>> treated[-2:].tolist(), n, high.tolist(), passes
    ([30.0, 30.0], 1, [11], True)
    """
    X, n_win, high, low, _, _, passing = winsorise_columns(np.asarray(x, dtype=float)[:, None], winmax, skew, kurt)
    return X[:, 0], int(n_win[0]), np.flatnonzero(high[:, 0]), np.flatnonzero(low[:, 0]), bool(passing[0])


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT``: log(x − min + 0.01 (max − min)), column by column.

    >>> log_ct(np.array([0.0, 100.0])).round(4).tolist()
    [0.0, 4.6151]
    """
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


MARKS = np.array(["", "winhi", "winlo", "log"], dtype=object)


def _treat_block(block: np.ndarray, method: str, winmax, skew: float, kurtosis_limit: float):
    """Treat the columns of one year; returns the treated block, per-column details and a
    matrix of marks (0 untouched, 1 winsorised high, 2 winsorised low, 3 logged)."""
    out = block.copy()
    skew0, kurt0 = _skew_kurt(block)
    pass0 = _passes(skew0, kurt0, skew, kurtosis_limit)
    details = [{"skew_0": float(a), "kurtosis_0": float(b), "pass_0": bool(c)} for a, b, c in zip(skew0, kurt0, pass0)]
    marks = np.zeros(block.shape, dtype=np.int8)
    logged = np.full(block.shape[1], method == "log")
    failing = np.flatnonzero(~pass0) if method != "log" else np.array([], dtype=int)
    if len(failing):
        treated, n_win, high, low, s1, k1, pass1 = winsorise_columns(
            block[:, failing], winmax, skew, kurtosis_limit, start=(skew0[failing], kurt0[failing]))
        keep = pass1 | (method == "winsorise")
        out[:, failing[keep]] = treated[:, keep]
        marks[:, failing[keep]] = np.where(high[:, keep], 1, np.where(low[:, keep], 2, 0))
        for c, j in enumerate(failing):
            details[j].update(n_winsorised=int(n_win[c]), skew_1=float(s1[c]), kurtosis_1=float(k1[c]),
                              pass_1=bool(pass1[c]))
        logged[failing[~keep]] = True
    if logged.any():
        cols = np.flatnonzero(logged)
        out[:, cols] = log_ct(block[:, cols])
        marks[:, cols] = np.where(np.isnan(block[:, cols]), 0, 3)
        s2, k2 = _skew_kurt(out[:, cols])
        for c, j in enumerate(cols):
            details[j].update(log=True, skew_2=float(s2[c]), kurtosis_2=float(k2[c]),
                              pass_2=bool(_passes(s2[c], k2[c], skew, kurtosis_limit)))
    return out, details, marks


def _no_treatment(values, **_):
    return values


METHODS = {
    "winsorise_log": Method("winsorise_log", _no_treatment, {
        "winmax": Param("int", 5, nullable=True), "skew": Param("positive", 2.0), "kurtosis": Param("number", 3.5),
    }, "缩尾，仍不满足时取对数（COINr 默认）", "winsorise, then log if still failing (COINr default)"),
    "winsorise": Method("winsorise", _no_treatment, {
        "winmax": Param("int", 5, nullable=True), "skew": Param("positive", 2.0), "kurtosis": Param("number", 3.5),
    }, "缩尾", "winsorise only"),
    "log": Method("log", _no_treatment, {}, "对数变换", "log transform (log_CT)"),
    "none": Method("none", _no_treatment, {}, "不处理", "no treatment"),
}


def apply(table: Table, step, spec) -> tuple[Table, dict[str, pd.DataFrame]]:
    """Treat each indicator by its setting, year by year; records the per-indicator checks
    (skew, kurtosis, points winsorised, log applied) and every changed cell."""
    values = table.values.copy()
    marks = np.zeros(values.shape, dtype=np.int8)
    details = []
    columns = np.asarray(table.columns, dtype=object)
    for setting, cols in columns_by_setting(step, table.columns):
        if setting.method == "none":
            continue
        p = setting.params
        every_column = len(cols) == values.shape[1]
        for rows in table.year_slices():
            # one year and every column (the usual cross-section): no fancy-index copies
            cells = slice(None) if every_column and len(rows) == len(values) else np.ix_(rows, cols)
            treated, block_details, block_marks = _treat_block(table.values[cells], setting.method, p.get("winmax"),
                                                               p.get("skew", 2.0), p.get("kurtosis", 3.5))
            values[cells] = treated
            marks[cells] = block_marks
            year = {} if table.years is None else {"year": int(table.years[rows[0]])}
            details += [{"indicator": columns[j], **year, "method": setting.method, **row}
                        for j, row in zip(cols, block_details)]

    def points() -> pd.DataFrame:
        rows, cols = np.nonzero(marks)
        out = {"unit_code": table.units[rows]}
        if table.years is not None:
            out["year"] = table.years[rows]
        out.update(indicator=columns[cols], treatment=MARKS[marks[rows, cols]], before=table.values[rows, cols],
                   after=values[rows, cols])
        return pd.DataFrame(out)

    return table.with_values(values), {"details": lambda: pd.DataFrame(details), "points": points}
