"""Aggregate: score every node of the tree from its children, level by level.

Everything here works on a stack of runs at once — scores of shape (runs, rows, nodes) and
weights of shape (runs, nodes) — so the nominal build (one run) and an uncertainty analysis
(a thousand runs) go through the same code; the means are one matrix product per level.

Means over the available children, with the weights re-normalised over them (a unit missing
one indicator of four is scored on the other three; ``min_availability`` sets the share of
children below which the score is missing instead):

================  ============================================================================
``arithmetic``    Σ w x / Σ w
``geometric``     exp(Σ w ln x / Σ w) — needs x > 0
``harmonic``      Σ w / Σ (w / x) — needs x > 0
``generalised``   (Σ w x^p / Σ w)^{1/p} (``p``: 1 arithmetic, −1 harmonic; 0 is geometric) —
                  needs x > 0
``sum``           Σ w x (weights as given, not re-normalised; a missing child scales the sum
                  by Σ w / Σ w_available) — the "weighted total score" of many Chinese indices
``copeland``      Copeland: unit a beats b when the weight of children where a > b exceeds that
                  where b > a (compared with a tolerance of 1e-9 of the total weight, so an
                  exact draw stays a draw); a child missing for either unit is left out of that
                  pair; score = wins − losses over all other units
``topsis``        TOPSIS with vector normalisation x / √Σx², weighted; closeness
                  D⁻ / (D⁺ + D⁻) to the ideal (best value of each child) and anti-ideal
``grey``          grey relational grade: reference = best value of each child,
                  ξ = (Δmin + ρΔmax) / (Δ + ρΔmax) with the global Δmin, Δmax; grade = Σ w ξ / Σ w
================  ============================================================================

The last three compare units with each other, so they are computed within each year.
``chain: true`` multiplies each unit's scores through the years (I_t = I_{t−1}·s_t / 100, the
first year = 100): with ``link_relative`` normalisation this is a chained base-year index.

A geometric, harmonic or generalised mean that meets a value ≤ 0 fails with a message naming
the node, the unit, the child and the value (in an uncertainty analysis that run is reported as
failed; the others go on).

References: OECD/JRC, *Handbook on Constructing Composite Indicators* (2008), §6; Hwang & Yoon
(1981) for TOPSIS; Deng (1982) for grey relational analysis; Munda & Nardo (2009) for Copeland;
COINr ``a_amean``, ``a_gmean``, ``a_hmean``, ``a_genmean`` (COINr's ``a_copeland`` scores
otherwise: see :func:`copeland`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import Method, Param

__all__ = ["METHODS", "Tree", "aggregate_tree", "needs_positive", "label", "chain"]

_COMMON = {"min_availability": Param("fraction", 0.0), "chain": Param("bool", False)}


@dataclass(frozen=True)
class Tree:
    """The tree as index arrays: indicators first (in the data's column order), then the
    aggregates in the order they are computed."""

    codes: tuple[str, ...]
    n_indicators: int
    level: np.ndarray
    children: tuple[np.ndarray, ...]

    @classmethod
    def from_spec(cls, spec, indicator_columns) -> Tree:
        codes = tuple(indicator_columns) + tuple(spec.aggregates)
        position = {c: k for k, c in enumerate(codes)}
        kids = spec.children
        levels = spec.levels
        return cls(codes, len(indicator_columns), np.array([levels[c] for c in codes]),
                   tuple(np.array([position[k] for k in kids.get(c, ())], dtype=int) for c in codes))

    def nodes_at(self, level: int) -> np.ndarray:
        return np.flatnonzero(self.level == level)


def needs_positive(setting) -> bool:
    """Whether a setting's mean is undefined for values ≤ 0."""
    return setting.method in ("geometric", "harmonic") or (
        setting.method == "generalised" and (setting.params.get("p", 1) <= 0 or
                                             not float(setting.params.get("p", 1)).is_integer()))


def label(setting, lang: str) -> str:
    method = METHODS[setting.method]
    return method.label_en if lang == "en" else method.label_zh


# ---- the means: one transform, one weighted mean, one inverse -----------------------------------
def _weighted_mean(X, W, G, transform, inverse, min_availability: float):
    """Per parent (columns of the membership matrix G): inverse(Σ w f(x) / Σ w) over the
    available children of each row, for every run. X (R, n, k), W (R, k), G (k, p)."""
    mask = ~np.isnan(X)
    complete = mask.all()
    with np.errstate(invalid="ignore", divide="ignore"):
        if complete:  # no gaps: one product, the same denominator for every row
            numerator = (transform(X) * W[:, None, :]) @ G
            denominator = (W @ G)[:, None, :]
        else:
            T = np.where(mask, transform(np.where(mask, X, 1.0)), 0.0)
            numerator = (T * W[:, None, :]) @ G
            denominator = (mask * W[:, None, :]) @ G
        out = inverse(numerator / denominator)
    if complete:
        out[np.broadcast_to(denominator == 0, out.shape)] = np.nan
        return out
    available = (mask @ G) / G.sum(axis=0)
    out[(denominator == 0) | (available < min_availability - 1e-12)] = np.nan
    return out


def _positive_problem(X, W):
    """(runs that meet a value ≤ 0 with a positive weight, and for each the first such cell)."""
    bad = (X <= 0) & (W[:, None, :] > 0)
    runs = bad.any(axis=(1, 2))
    cells = {int(r): tuple(int(i) for i in np.argwhere(bad[r])[0]) for r in np.flatnonzero(runs)}
    return runs, cells


def arithmetic(X, W, G, min_availability=0.0, **_):
    return _weighted_mean(X, W, G, lambda x: x, lambda m: m, min_availability)


def geometric(X, W, G, min_availability=0.0, **_):
    return _weighted_mean(X, W, G, np.log, np.exp, min_availability)


def harmonic(X, W, G, min_availability=0.0, **_):
    return _weighted_mean(X, W, G, lambda x: 1 / x, lambda m: 1 / m, min_availability)


def generalised(X, W, G, p: float = 1.0, min_availability=0.0, **_):
    if p == 0:
        return geometric(X, W, G, min_availability)
    return _weighted_mean(X, W, G, lambda x: x ** p, lambda m: m ** (1 / p), min_availability)


def weighted_sum(X, W, G, min_availability=0.0, **_):
    # the weighted mean times the total weight: a missing child scales the sum by Σw / Σw_available
    return arithmetic(X, W, G, min_availability) * (W @ G)[:, None, :]


# ---- methods that compare units: one parent at a time, within one year -----------------------
COPELAND_RTOL = 1e-9


def copeland(X, W, **_):
    """Copeland scores of the rows of X (R, n, k) under weights W (R, k): (R, n).

    For each pair of units a, b the weighted margin is

        m_ab = Σ_c w_c · sign(x_ac − x_bc)

    over the children that **both** units have (a child missing for either unit is left out of
    that pair, so a gap favours neither side). a beats b when m_ab > τ, loses when m_ab < −τ and
    draws otherwise, with τ = 1e-9 · Σ_c w_c. The score is wins − losses over all other units
    (the classic Copeland rule of the non-compensatory aggregation in Munda & Nardo 2009, Applied
    Economics 41(12), and the OECD/JRC Handbook 2008, §6).

    Why a tolerance: the margin is a floating-point sum, so an exact draw such as three wins
    and three losses at weight 1/6 each can come out as ±1e-17 and be scored as a win or a
    loss. Any real margin is at least the smallest weight (≫ τ) unless the weights themselves
    differ by nine orders of magnitude.

    COINr's ``a_copeland`` returns another score — the row sums of its outranking matrix
    (Σ_b weight where a > b plus half the weight of ties) — and is not reproduced here.

    >>> X = np.array([[[2.0, 1, 0, 2, 1, 0], [2.0, 1, 0, 1, 1, 1], [0.0, 0, 0, 0, 0, 0]]])
    >>> copeland(X, np.full((1, 6), 1 / 6)).tolist()  # u1–u2 draw (1/6 − 1/6); both beat u3
    [[1.0, 1.0, -2.0]]
    """
    R, n, k = X.shape
    W = np.asarray(W, dtype=float)
    tolerance = COPELAND_RTOL * np.abs(W).sum(axis=1)
    out = np.empty((R, n))
    chunk = max(1, int(2e7 // max(n * n, 1)))
    for start in range(0, R, chunk):
        x, w = X[start:start + chunk], W[start:start + chunk]
        margin = np.zeros((len(x), n, n))
        for c in range(k):
            with np.errstate(invalid="ignore"):
                duel = np.sign(x[:, :, None, c] - x[:, None, :, c])  # NaN where either unit lacks c
            margin += w[:, None, None, c] * np.nan_to_num(duel, nan=0.0)
        tau = tolerance[start:start + chunk, None, None]
        out[start:start + chunk] = (margin > tau).sum(axis=2) - (margin < -tau).sum(axis=2)
    out[np.isnan(X).all(axis=2)] = np.nan
    return out


def topsis(X, W, **_):
    """TOPSIS closeness of the rows of X (R, n, k), vector normalisation, weights W (R, k)."""
    W = W / W.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        V = X / np.sqrt(np.nansum(X * X, axis=1, keepdims=True)) * W[:, None, :]
        best, worst = np.nanmax(V, axis=1, keepdims=True), np.nanmin(V, axis=1, keepdims=True)
        d_best = np.sqrt(np.nansum((V - best) ** 2, axis=2))
        d_worst = np.sqrt(np.nansum((V - worst) ** 2, axis=2))
        out = d_worst / (d_best + d_worst)
    out[np.isnan(X).all(axis=2)] = np.nan
    return out


def grey(X, W, rho: float = 0.5, **_):
    """Grey relational grade of the rows of X (R, n, k) against the best value of each column."""
    with np.errstate(invalid="ignore"):
        delta = np.abs(np.nanmax(X, axis=1, keepdims=True) - X)
        lo = np.nanmin(delta, axis=(1, 2), keepdims=True)
        hi = np.nanmax(delta, axis=(1, 2), keepdims=True)
        xi = (lo + rho * hi) / (delta + rho * hi)
    mask = ~np.isnan(xi)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.nansum(xi * W[:, None, :], axis=2) / (mask * W[:, None, :]).sum(axis=2)
    out[~mask.any(axis=2)] = np.nan
    return out


METHODS = {
    "arithmetic": Method("arithmetic", arithmetic, dict(_COMMON), "加权算术平均", "weighted arithmetic mean"),
    "geometric": Method("geometric", geometric, dict(_COMMON), "加权几何平均", "weighted geometric mean"),
    "harmonic": Method("harmonic", harmonic, dict(_COMMON), "加权调和平均", "weighted harmonic mean"),
    "generalised": Method("generalised", generalised, {"p": Param("number", 1.0), **_COMMON},
                          "广义加权平均", "generalised weighted mean"),
    "sum": Method("sum", weighted_sum, dict(_COMMON), "加权求和", "weighted sum"),
    "copeland": Method("copeland", copeland, dict(_COMMON), "Copeland 投票法", "Copeland"),
    "topsis": Method("topsis", topsis, dict(_COMMON), "TOPSIS 法", "TOPSIS"),
    "grey": Method("grey", grey, {"rho": Param("fraction", 0.5), **_COMMON}, "灰色关联度", "grey relational grade"),
}
_MEANS = {"arithmetic", "geometric", "harmonic", "generalised", "sum"}


def _membership(tree: Tree, parents: np.ndarray):
    kids = np.concatenate([tree.children[p] for p in parents])
    G = np.zeros((len(kids), len(parents)))
    start = 0
    for j, p in enumerate(parents):
        G[start:start + len(tree.children[p]), j] = 1
        start += len(tree.children[p])
    return kids, G


def aggregate_tree(indicator_scores: np.ndarray, tree: Tree, weights: np.ndarray, setting_for_level,
                   year_slices, weigh=None, noise=None):
    """Scores of every node for every run.

    Parameters
    ----------
    indicator_scores : ndarray, shape (runs or 1, rows, indicators)
        Normalised indicator values (one table shared by every run, or one per run).
    weights : ndarray, shape (runs, nodes)
        Each node's weight relative to its siblings (the nominal weights, perturbed per run).
    setting_for_level : callable
        level → Setting of the aggregation that computes that level.
    year_slices : list of ndarray
        Rows of each year, for the methods that compare units.
    weigh : callable, optional
        ``weigh(level, X)`` → weights (runs, k) of the children (at ``level``) of one parent,
        computed from their scores X (runs, rows, k), or None to keep ``weights``.
    noise : ndarray, shape (runs, nodes), optional
        Multipliers applied to the weights ``weigh`` computes (``weights`` already carry theirs).

    Returns
    -------
    scores : ndarray, shape (runs, rows, nodes)
    failures : dict
        run → (level, parent node, row, child node, value) of a mean that met a value ≤ 0.
    weights : ndarray, shape (runs, nodes)
        The weights used (data-driven ones filled in).
    """
    R, n = len(weights), indicator_scores.shape[1]
    S = np.full((R, n, len(tree.codes)), np.nan)
    S[:, :, :tree.n_indicators] = indicator_scores
    W = np.array(weights, dtype=float, copy=True)
    failures: dict[int, tuple] = {}
    for level in sorted(set(tree.level.tolist()) - {1}):
        parents = tree.nodes_at(level)
        setting = setting_for_level(level)
        params = {k: v for k, v in setting.params.items() if k != "chain"}
        if weigh is not None:
            for p in parents:
                kids = tree.children[p]
                computed = weigh(level - 1, S[:, :, kids])
                if computed is not None:
                    W[:, kids] = computed if noise is None else computed * noise[:, kids]
        kids, G = _membership(tree, parents)
        X = S[:, :, kids]
        Wk = W[:, kids]
        if needs_positive(setting):
            bad_runs, cells = _positive_problem(X, Wk)
            for r, (row, child) in cells.items():
                failures.setdefault(r, (level, int(parents[np.argmax(G[child])]), row, int(kids[child]),
                                        float(X[r, row, child])))
            X = np.where(bad_runs[:, None, None], np.nan, X)
        if setting.method in _MEANS:
            S[:, :, parents] = METHODS[setting.method].function(X, Wk, G, **params)
            continue
        for j, p in enumerate(parents):
            columns = np.flatnonzero(G[:, j])
            for rows in year_slices:
                S[:, rows, p] = METHODS[setting.method].function(X[:, rows][:, :, columns], Wk[:, columns], **params)
    for r in failures:
        S[r, :, tree.n_indicators:] = np.nan
    return S, failures, W


def chain(scores: np.ndarray, units: np.ndarray, years: np.ndarray, scale: float = 100.0) -> np.ndarray:
    """Chain link relatives through the years within each unit: I_first = scale,
    I_t = I_{t−1}·s_t/scale. ``scores`` (runs, rows, nodes).

    >>> chain(np.array([[[100.0], [110.0], [90.0]]]), np.array(["a", "a", "a"]), np.array([2015, 2016, 2017]))[0, :, 0]
    array([100., 110.,  99.])
    """
    order = np.lexsort((years, units.astype(str)))
    ordered = scores[:, order] / scale
    u = units[order].astype(str)
    first = np.r_[True, u[1:] != u[:-1]]
    ordered[:, first] = 1.0
    group = np.cumsum(first) - 1
    logs = np.log(ordered)
    cumulative = np.cumsum(logs, axis=1)
    start = np.flatnonzero(first)
    offset = cumulative[:, start] - logs[:, start]
    out = np.empty_like(scores)
    out[:, order] = np.exp(cumulative - offset[:, group]) * scale
    return out
