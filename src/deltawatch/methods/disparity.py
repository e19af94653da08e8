"""Regional disparity: CV, Theil T and L, Gini, the Dagum decomposition and the spatial Gini.

Implements ``docs/METHODS.md`` §3 (disparity). Notation: unit i (a county or city) with value
y_i ≥ 0 (a per-capita value such as GDP per head) and weight w_i > 0 (its population);
p_i = w_i / Σ w its population share, s_i = w_i y_i / Σ w y its share of the total (GDP);
without weights w_i = 1, so p_i = 1/n and s_i = y_i / Σ y.

* :func:`cv` — coefficient of variation, plain (sd/mean, ``ddof`` stated) or
  population-weighted (Williamson);
* :func:`theil` — Theil T or L, plain or weighted, with the exact decomposition by group
  (:class:`TheilResult`);
* :func:`gini` — Gini, plain or weighted, in O(n log n) by sorting;
* :func:`dagum` — Dagum's decomposition of the Gini into within, net between and
  transvariation (:class:`DagumResult`), every sum of |differences| by sorting;
* :func:`spatial_gini` — Rey & Smith's spatial Gini (neighbour and non-neighbour parts) from
  PySAL, with a seeded permutation test (:class:`SpatialGiniResult`);
* :func:`disparity_panel` — every statistic for every year of a long panel, as one long table
  ``year, statistic, component, value``.

What is written here and why
----------------------------
PySAL ``inequality`` has only the *unweighted* Theil T (``Theil``, ``TheilD``): its between
term uses count shares n_g/n, which is the right P_g for the unweighted index but not the
population share a per-capita comparison needs, and it has neither Theil L nor a weighted
Gini nor the Dagum decomposition (no Python library has it). Those are written here and
tested against hand computations and against PySAL where both define the same number. PySAL's
``Gini`` is Σ(2i − n − 1) y_(i) / (n Σ y), which *is* ΣΣ|y_i − y_j| / (2n²μ) (denominator n²,
not n(n − 1)): the plain Gini here equals it. The spatial Gini's observed value is PySAL's
``Gini_Spatial``; its permutation test is redone here because PySAL shuffles with the global
NumPy random state (no seed can be passed without changing the caller's state) and loops over
the units in Python for every permutation.

Nothing here imports Django.

References
----------
.. [1] Theil, H. (1967). *Economics and Information Theory*. North-Holland.
.. [2] Shorrocks, A. F. (1980). The class of additively decomposable inequality measures.
   *Econometrica* 48(3), 613–625.
.. [3] Williamson, J. G. (1965). Regional inequality and the process of national
   development. *Economic Development and Cultural Change* 13(4), 1–84.
.. [4] Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality
   ratio. *Empirical Economics* 22(4), 515–531.
.. [5] Rey, S. J. & Smith, R. J. (2013). A spatial decomposition of the Gini coefficient.
   *Letters in Spatial and Resource Sciences* 6, 55–70.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import InputError, Phrase

__all__ = ["STATISTICS", "cv", "theil", "TheilResult", "gini", "dagum", "DagumResult", "spatial_gini",
           "SpatialGiniResult", "disparity_panel"]

#: statistic names of :func:`disparity_panel`, in output order
STATISTICS = ("cv", "cv_w", "theil_t", "theil_t_w", "theil_l", "theil_l_w", "gini", "gini_w", "dagum")
#: components that are not group names
RESERVED_COMPONENTS = ("total", "between", "within", "net_between", "transvariation", "n")


# --------------------------------------------------------------------------------------------
# checks


def _where(y, i: int) -> Phrase:
    """Position i of the caller's y, with its label when y is a Series."""
    if isinstance(y, pd.Series):
        return Phrase("at_position_unit", i=i, unit=_plain(y.index[i]))
    return Phrase("at_position", i=i)


def _plain(x):
    """A NumPy scalar as the Python value (so messages read 2020, not np.int64(2020))."""
    return x.item() if isinstance(x, np.generic) else x


def _values(y, name: str = "y", nonnegative: bool = True) -> np.ndarray:
    a = np.asarray(y, dtype=float)
    if a.ndim != 1:
        raise InputError("one_dimensional", name=name, shape=a.shape)
    if a.size == 0:
        raise InputError("empty", name=name)
    bad = np.flatnonzero(~np.isfinite(a))
    if bad.size:
        raise InputError("not_finite", name=name, got=a[bad[0]], at=_where(y, bad[0]))
    if nonnegative:
        negative = np.flatnonzero(a < 0)
        if negative.size:
            raise InputError("negative", name=name, got=a[negative[0]], at=_where(y, negative[0]))
    return a


def _weights(weights, n: int) -> np.ndarray | None:
    if weights is None:
        return None
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise InputError("weights_shape", n=n, shape=w.shape)
    bad = np.flatnonzero(~(np.isfinite(w) & (w > 0)))
    if bad.size:
        raise InputError("weights_positive", name="weights", got=w[bad[0]], at=_where(weights, bad[0]))
    return w


def _groups(groups, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Group codes 0 … k − 1 in sorted order of the labels, and the labels."""
    labels = groups.reset_index(drop=True) if isinstance(groups, pd.Series) else pd.Series(list(groups), dtype=object)
    if len(labels) != n:
        raise InputError("groups_length", n=n, got=len(labels))
    codes, uniques = pd.factorize(labels, sort=True)
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        raise InputError("groups_missing", name="groups", at=_where(groups, missing[0]))
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _positive_total(total: float, what: str) -> None:
    """Refuse a total (a code of ``errors.MESSAGES``: 'total_of_y' …) that is not > 0."""
    if not total > 0:
        raise InputError("total_not_positive", what=Phrase(what), total=total)


# --------------------------------------------------------------------------------------------
# CV


def _cv(y: np.ndarray, w: np.ndarray | None, ddof: int = 0) -> float:
    if w is None:
        mean = y.mean()
        _positive_total(mean, "mean_of_y")
        return float(y.std(ddof=ddof) / mean) if y.size > ddof else float("nan")
    p = w / w.sum()
    mean = p @ y
    _positive_total(mean, "weighted_mean_of_y")
    return float(np.sqrt(p @ (y - mean) ** 2) / mean)


def cv(y, weights=None, ddof: int = 0) -> float:
    r"""Coefficient of variation, plain or population-weighted (Williamson).

    .. math::

        CV = \frac{1}{\bar y}\sqrt{\frac{1}{n - \mathrm{ddof}}\sum_i (y_i - \bar y)^2},
        \qquad
        CV_w = \frac{1}{\bar y_w}\sqrt{\sum_i p_i (y_i - \bar y_w)^2},\quad
        p_i = \frac{w_i}{\sum w},\ \bar y_w = \sum_i p_i y_i .

    Parameters
    ----------
    y : array-like of shape (n,)
        Values; finite, with a positive (weighted) mean. Negative values are accepted.
    weights : array-like of shape (n,), optional
        Populations (> 0). With per-capita values y_i = Y_i/P_i and w = P,
        ȳ_w = Y/P is the aggregate per-capita value, as Williamson defines it.
    ddof : int, default 0
        Delta degrees of freedom of the plain sd (0: population sd, divisor n; 1: sample sd,
        divisor n − 1). The weighted form has no such correction: ``ddof`` must be 0 with
        ``weights``. With n ≤ ddof the result is NaN.

    Returns
    -------
    float

    Notes
    -----
    CV_w with integer weights equals the plain CV (ddof = 0) of the data with each unit
    repeated w_i times. Williamson's ȳ_w is written Y/P; it equals Σ p_i y_i only when y and
    w come from the same source (GDP per head computed on the same population).

    References
    ----------
    Williamson (1965) [3]_.

    Examples
    --------
    >>> round(cv([1, 2, 3, 6]), 5)                       # sqrt(14/4) / 3
    0.62361
    >>> round(cv([1, 2, 3, 6], weights=[1, 1, 2, 4]), 5)  # sqrt(3.859375) / 4.125
    0.47625
    """
    values = _values(y, nonnegative=False)
    w = _weights(weights, values.size)
    if w is not None and ddof != 0:
        raise InputError("ddof_weighted", ddof=ddof)
    if w is None and (isinstance(ddof, bool) or not isinstance(ddof, (int, np.integer)) or ddof < 0):
        raise InputError("non_negative_integer", name="ddof", got=ddof)
    return _cv(values, w, ddof)


# --------------------------------------------------------------------------------------------
# Theil


def _alog(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a ln(a/b) elementwise, with 0 ln(0/b) = 0."""
    positive = a > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(positive, a * np.log(np.where(positive, a, 1.0) / np.where(positive, b, 1.0)), 0.0)


# T = Σ s ln(s/p), L = Σ p ln(p/s): both are Σ a ln(a/b) with (a, b) = (s, p) or (p, s).
_THEIL_KINDS = {"T": lambda s, p: (s, p), "L": lambda s, p: (p, s)}


def _theil_kind(kind) -> str:
    if kind not in _THEIL_KINDS:
        raise InputError("one_of", name="kind", choices=tuple(_THEIL_KINDS), got=kind)
    return kind


def _zero_for_l(y: np.ndarray, caller_y) -> None:
    zero = np.flatnonzero(y == 0)
    if zero.size:
        raise InputError("theil_l_zero", at=_where(caller_y, zero[0]))


def _theil_core(y, w, codes, k, kind):
    """Total index and, with groups, per-group arrays (n, P_g, S_g, mean, index, within, between)."""
    w = np.ones(y.size) if w is None else w
    wy = w * y
    _positive_total(wy.sum(), "total_wy")
    p, s = w / w.sum(), wy / wy.sum()
    a, b = _THEIL_KINDS[kind](s, p)
    total = float(_alog(a, b).sum())
    if codes is None:
        return total, None
    n_g = np.bincount(codes, minlength=k)
    P, S = np.bincount(codes, p, k), np.bincount(codes, s, k)
    A, B = _THEIL_KINDS[kind](S, P)
    with np.errstate(divide="ignore", invalid="ignore"):
        # index of group g: Σ_{i∈g} (a_i/A_g) ln((a_i/A_g)/(b_i/B_g)); A_g = 0 only for T in a group of zeros
        share_a = np.where(A[codes] > 0, a / A[codes], 0.0)
        index = np.bincount(codes, _alog(share_a, b / B[codes]), k)
        mean = np.bincount(codes, wy, k) / np.bincount(codes, w, k)
    index = np.where(A > 0, index, np.nan)
    table = {"n": n_g, "pop_share": P, "value_share": S, "mean": mean, "index": index,
             "within": np.where(A > 0, A * np.nan_to_num(index), 0.0), "between": _alog(A, B)}
    return total, table


@dataclass(frozen=True)
class TheilResult:
    """The result of :func:`theil`.

    Attributes
    ----------
    kind : {"T", "L"}
    total : float
        The index over all units.
    between, within : float
        Between-group and within-group parts (between + within = total); NaN without groups.
    groups : DataFrame
        One row per group, in sorted order of the labels: ``group``, ``n`` (units),
        ``pop_share`` P_g, ``value_share`` S_g, ``mean`` (the weighted mean of y in the group),
        ``index`` (T_g or L_g; NaN for a T_g of a group whose values are all 0), ``within``
        (the group's within contribution S_g T_g or P_g L_g) and ``between`` (its between
        contribution S_g ln(S_g/P_g) or P_g ln(P_g/S_g)). Empty without groups.
    """

    kind: str
    total: float
    between: float
    within: float
    groups: pd.DataFrame


_THEIL_COLUMNS = ["group", "n", "pop_share", "value_share", "mean", "index", "within", "between"]


def theil(y, weights=None, groups=None, kind: str = "T") -> TheilResult:
    r"""Theil T or L, plain or population-weighted, with its exact decomposition by group.

    .. math::

        T = \sum_i s_i \ln\frac{s_i}{p_i}, \qquad L = \sum_i p_i \ln\frac{p_i}{s_i},
        \qquad s_i = \frac{w_i y_i}{\sum_j w_j y_j},\ p_i = \frac{w_i}{\sum_j w_j}

    (w_i = 1 without weights). With groups g (provinces), S_g = Σ_{i∈g} s_i, P_g = Σ_{i∈g} p_i
    and T_g, L_g the same indices computed inside g on the shares s_i/S_g and p_i/P_g:

    .. math::

        T = \underbrace{\sum_g S_g T_g}_{\text{within}}
            + \underbrace{\sum_g S_g \ln\frac{S_g}{P_g}}_{\text{between}}, \qquad
        L = \sum_g P_g L_g + \sum_g P_g \ln\frac{P_g}{S_g}.

    Parameters
    ----------
    y : array-like of shape (n,)
        Values ≥ 0 with a positive total (per-capita values when ``weights`` are populations).
    weights : array-like of shape (n,), optional
        Populations (> 0). Without them every unit weighs 1.
    groups : array-like of shape (n,), optional
        Group label of each unit (no missing label). A one-unit group (Shanghai) has index 0.
    kind : {"T", "L"}
        Theil T (GE(1), weights by value share) or Theil L (GE(0), the mean log deviation,
        weights by population share).

    Returns
    -------
    TheilResult

    Raises
    ------
    ValueError
        For ``kind="L"`` when a value is 0 (L is undefined there; the message gives the unit's
        position), for negative or missing values and for non-positive weights.

    Notes
    -----
    0 ln 0 = 0 in T (a unit with value 0 contributes nothing); PySAL's ``Theil`` instead adds
    the smallest float to zeros, which changes T by less than 1e-300. The unweighted T and
    its between part equal PySAL's ``Theil(y).T`` and ``TheilD(y, groups).bg``; PySAL has no
    weighted form — its between term weights groups by their count share n_g/n, whereas a
    per-capita comparison needs the population share P_g, which is what ``weights`` gives.
    With integer weights, the weighted T and L equal the plain indices of the data with each
    unit repeated w_i times.

    References
    ----------
    Theil (1967) [1]_; Shorrocks (1980) [2]_.

    Examples
    --------
    >>> result = theil([1, 2, 3, 6], groups=["A", "A", "B", "B"])
    >>> round(result.total, 6), round(result.between, 6), round(result.within, 6)
    (0.187445, 0.130812, 0.056633)
    >>> result.groups[["group", "n", "pop_share", "value_share"]].to_dict("list")
    {'group': ['A', 'B'], 'n': [2, 2], 'pop_share': [0.5, 0.5], 'value_share': [0.25, 0.75]}
    >>> round(theil([1, 2, 3, 6], weights=[1, 1, 2, 4], kind="L").total, 6)
    0.15989
    """
    kind = _theil_kind(kind)
    values = _values(y)
    w = _weights(weights, values.size)
    if kind == "L":
        _zero_for_l(values, y)
    codes, labels = _groups(groups, values.size) if groups is not None else (None, np.array([], dtype=object))
    total, table = _theil_core(values, w, codes, len(labels), kind)
    if table is None:
        return TheilResult(kind, total, float("nan"), float("nan"), pd.DataFrame(columns=_THEIL_COLUMNS))
    frame = pd.DataFrame({"group": labels, **table})[_THEIL_COLUMNS]
    return TheilResult(kind, total, float(table["between"].sum()), float(table["within"].sum()), frame)


# --------------------------------------------------------------------------------------------
# Gini


def _gini(y: np.ndarray, w: np.ndarray | None = None) -> float:
    """ΣΣ w_i w_j |y_i − y_j| / (2 W Σ w y) by sorting: with y ascending and W_<i the weight
    of the units before i, ΣΣ w_i w_j |y_i − y_j| = 2 Σ_i w_i y_i (2 W_<i + w_i − W)."""
    order = np.argsort(y, kind="stable")
    ys = y[order]
    if w is None:
        n = ys.size
        total = ys.sum()
        _positive_total(total, "total_of_y")
        return float((np.arange(1 - n, n, 2, dtype=float) @ ys) / (n * total))  # Σ (2i − n − 1) y_(i)
    ws = w[order]
    W = ws.sum()
    before = np.concatenate(([0.0], np.cumsum(ws)[:-1]))
    wy = ws * ys
    total = wy.sum()
    _positive_total(total, "total_wy")
    return float((wy @ (2 * before + ws - W)) / (W * total))


def gini(y, weights=None) -> float:
    r"""Gini coefficient, plain or population-weighted, in O(n log n).

    .. math::

        G = \frac{\sum_i\sum_j |y_i - y_j|}{2 n^2 \mu}, \qquad
        G_w = \frac{\sum_i\sum_j p_i p_j |y_i - y_j|}{2 \mu_w},\quad
        p_i = \frac{w_i}{\sum w},\ \mu_w = \sum_i p_i y_i .

    Computed by sorting, never with the n × n differences: with y ascending and
    P_{<i} the population share of the units before i,
    G_w = Σ_i p_i y_i (2 P_{<i} + p_i − 1) / μ_w, and G = Σ_i (2i − n − 1) y_(i) / (n Σ y).

    Parameters
    ----------
    y : array-like of shape (n,)
        Values ≥ 0 with a positive total.
    weights : array-like of shape (n,), optional
        Populations (> 0).

    Returns
    -------
    float
        In [0, 1); the plain Gini is at most (n − 1)/n (denominator n², not n(n − 1)).

    Notes
    -----
    The plain Gini equals PySAL's ``inequality.gini.Gini(y).g``. With integer weights G_w
    equals the plain Gini of the data with each unit repeated w_i times.

    Examples
    --------
    >>> round(gini([1, 2, 3, 6]), 6)                       # 32 / (2 · 16 · 3)
    0.333333
    >>> round(gini([1, 2, 3, 6], weights=[1, 1, 2, 4]), 6)  # 67/264
    0.253788
    """
    values = _values(y)
    return _gini(values, _weights(weights, values.size))


# --------------------------------------------------------------------------------------------
# Dagum


def _dagum_core(y: np.ndarray, codes: np.ndarray, k: int) -> dict:
    """Dagum's terms for groups 0 … k − 1 (all non-empty), in the order of the codes.

    ``excess[j, h]`` = Σ_{i∈j} Σ_{r∈h} max(y_ji − y_hr, 0), for each h by one searchsorted of
    all values in the sorted values of h and a cumulative sum: with c_i the number of values of
    h ≤ y_i and C_h(c) the sum of the c smallest, Σ_r max(y_i − y_hr, 0) = c_i y_i − C_h(c_i).
    """
    n_g = np.bincount(codes, minlength=k)
    order = np.lexsort((y, codes))
    ys = y[order]
    ends = np.cumsum(n_g)
    starts = ends - n_g
    excess = np.empty((k, k))
    for h in range(k):
        values = ys[starts[h]:ends[h]]
        cumulative = np.concatenate(([0.0], np.cumsum(values)))
        c = np.searchsorted(values, y, side="right")
        excess[:, h] = np.bincount(codes, np.maximum(c * y - cumulative[c], 0.0), k)
    absolute = excess + excess.T  # Σ_i Σ_r |y_ji − y_hr|; on the diagonal 2 · excess[j, j]
    totals = np.bincount(codes, y, k)
    mean = totals / n_g
    n, grand = y.size, totals.sum()
    _positive_total(grand, "total_of_y")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.outer(n_g, n_g) * (mean[:, None] + mean[None, :])  # on the diagonal 2 n_j² μ_j
        G = np.where(scale > 0, absolute / scale, 0.0)
        D = np.where(absolute > 0, (excess - excess.T) / absolute, 0.0)
    np.fill_diagonal(D, np.nan)
    p, s = n_g / n, totals / grand
    lower = np.tril(np.ones((k, k), dtype=bool), -1)  # pairs j > h
    pair = G * (np.outer(p, s) + np.outer(s, p))
    return {"n": n_g, "mean": mean, "p": p, "s": s, "G": G, "D": D, "total": _gini(y),
            "within_g": np.diag(G) * p * s,
            "net_between": float((pair * np.where(lower, D, 0.0)).sum()),
            "transvariation": float((pair * np.where(lower, 1.0 - D, 0.0)).sum())}


def _ordered_by_mean(y, codes, labels):
    """Recode the groups so that code order is ascending mean (ties: label order)."""
    k = len(labels)
    mean = np.bincount(codes, y, k) / np.bincount(codes, minlength=k)
    rank = np.lexsort((np.arange(k), mean))  # group codes by ascending mean
    new = np.empty(k, dtype=np.int64)
    new[rank] = np.arange(k)
    return new[codes], labels[rank]


@dataclass(frozen=True)
class DagumResult:
    """The result of :func:`dagum`; groups are in ascending order of their mean.

    Attributes
    ----------
    total : float
        The Gini over all units (= within + net_between + transvariation).
    within, net_between, transvariation : float
        G_w, G_nb and G_t.
    within_share, net_between_share, transvariation_share : float
        Each part divided by ``total`` (NaN when the total is 0).
    matrix : DataFrame
        Groups × groups: G_jj on the diagonal (within-group Gini), G_jh off it.
    D : DataFrame
        Groups × groups relative economic affluence D_jh = (d_jh − p_jh)/(d_jh + p_jh) of row
        group j over column group h (≥ 0 below the diagonal, antisymmetric; NaN on it; 0
        when both groups hold one and the same value).
    groups : DataFrame
        ``group``, ``n``, ``mean``, ``pop_share`` p_j = n_j/n, ``value_share``
        s_j = n_j μ_j/(n μ), ``gini`` G_jj and ``within`` (its contribution G_jj p_j s_j).
    """

    total: float
    within: float
    net_between: float
    transvariation: float
    within_share: float
    net_between_share: float
    transvariation_share: float
    matrix: pd.DataFrame
    D: pd.DataFrame
    groups: pd.DataFrame


def dagum(y, groups) -> DagumResult:
    r"""Dagum's decomposition of the Gini by group: G = G_w + G_nb + G_t.

    With groups j = 1 … k ordered by ascending mean μ_j, n_j units each, n = Σ n_j, μ the
    overall mean:

    .. math::

        G_{jj} = \frac{\sum_i\sum_r |y_{ji} - y_{jr}|}{2 n_j^2 \mu_j}, \qquad
        G_{jh} = \frac{\sum_i\sum_r |y_{ji} - y_{hr}|}{n_j n_h (\mu_j + \mu_h)},

        p_j = \frac{n_j}{n},\quad s_j = \frac{n_j \mu_j}{n \mu},\qquad
        G_w = \sum_j G_{jj} p_j s_j,

        G_{nb} = \sum_{j>h} G_{jh} (p_j s_h + p_h s_j) D_{jh}, \qquad
        G_t = \sum_{j>h} G_{jh} (p_j s_h + p_h s_j) (1 - D_{jh}),

        D_{jh} = \frac{d_{jh} - p_{jh}}{d_{jh} + p_{jh}},

    d_jh the mean over all pairs (i, r) of max(y_ji − y_hr, 0) and p_jh the mean of
    max(y_hr − y_ji, 0) (the transvariation); with the groups ordered by mean, D_jh ≥ 0
    because d_jh − p_jh = μ_j − μ_h.

    Parameters
    ----------
    y : array-like of shape (n,)
        Values ≥ 0 with a positive total.
    groups : array-like of shape (n,)
        Group label of each unit (no missing label).

    Returns
    -------
    DagumResult

    Notes
    -----
    Every sum of |differences| comes from sorting each group once and one ``searchsorted`` of
    all n values per group (O(k n log n) time, O(n + k²) memory) — never an n × n matrix. A
    one-unit group (Shanghai among provinces) has G_jj = 0 and so no within contribution.
    G_w equals the neighbour part of the spatial Gini when the neighbours of a unit are the
    other units of its group. The decomposition is unweighted, as Dagum's.

    References
    ----------
    Dagum (1997) [4]_.

    Examples
    --------
    >>> result = dagum([1, 4, 2, 6], groups=["A", "A", "B", "B"])
    >>> [round(v * 52, 6) for v in (result.total, result.within, result.net_between, result.transvariation)]
    [17.0, 7.0, 6.0, 4.0]
    >>> result.matrix.round(4).to_dict()
    {'A': {'A': 0.3, 'B': 0.3846}, 'B': {'A': 0.3846, 'B': 0.25}}
    """
    values = _values(y)
    codes, labels = _groups(groups, values.size)
    codes, labels = _ordered_by_mean(values, codes, labels)
    parts = _dagum_core(values, codes, len(labels))
    total = parts["total"]
    within = float(parts["within_g"].sum())
    shares = [v / total if total > 0 else float("nan")
              for v in (within, parts["net_between"], parts["transvariation"])]
    index = pd.Index(labels, name="group")
    table = pd.DataFrame({"group": labels, "n": parts["n"], "mean": parts["mean"], "pop_share": parts["p"],
                          "value_share": parts["s"], "gini": np.diag(parts["G"]), "within": parts["within_g"]})
    return DagumResult(total, within, parts["net_between"], parts["transvariation"], *shares,
                       pd.DataFrame(parts["G"], index=index, columns=index),
                       pd.DataFrame(parts["D"], index=index, columns=index), table)


# --------------------------------------------------------------------------------------------
# spatial Gini


@dataclass(frozen=True)
class SpatialGiniResult:
    """The result of :func:`spatial_gini`.

    Attributes
    ----------
    gini : float
        The Gini (as :func:`gini`).
    neighbour, non_neighbour : float
        The parts of ``gini`` from pairs of neighbours and of non-neighbours
        (PySAL's ``wg / den`` and ``wcg / den``); they add up to ``gini``.
    p_value : float
        Permutation pseudo p-value of the non-neighbour part (NaN without permutations).
    expected_non_neighbour : float
        Mean non-neighbour part over the permutations (NaN without permutations).
    permutations : int
    """

    gini: float
    neighbour: float
    non_neighbour: float
    p_value: float
    expected_non_neighbour: float
    permutations: int


def _neighbour_pairs(w) -> tuple[np.ndarray, np.ndarray]:
    """Ordered neighbour pairs (i, j) as positions in ``w.id_order``; refuses an asymmetric W."""
    position = {unit: k for k, unit in enumerate(w.id_order)}
    counts = np.array([len(w.neighbors[unit]) for unit in w.id_order], dtype=np.int64)
    rows = np.repeat(np.arange(w.n), counts)
    cols = np.array([position[j] for unit in w.id_order for j in w.neighbors[unit]], dtype=np.int64)
    forward, backward = np.sort(rows * w.n + cols), np.sort(cols * w.n + rows)
    if not np.array_equal(forward, backward):
        raise InputError("w_symmetric")
    return rows, cols


def spatial_gini(y, w, permutations: int = 99, seed=None) -> SpatialGiniResult:
    r"""Spatial Gini (Rey & Smith): the Gini split into neighbour and non-neighbour pairs.

    .. math::

        G = \frac{\sum_i\sum_j \omega_{ij} |y_i - y_j|}{2 n^2 \mu}
          + \frac{\sum_i\sum_j (1 - \omega_{ij}) |y_i - y_j|}{2 n^2 \mu}

    with ω_ij = 1 for neighbours (binary: the values of the weights are ignored). The
    observed parts are PySAL's ``inequality.gini.Gini_Spatial``, whose ``wg`` and ``wcg`` are
    raw sums of absolute differences: they are divided here by its ``den`` = 2n²μ.

    Parameters
    ----------
    y : array-like of shape (n,)
        Values ≥ 0 in the order of ``w.id_order``; a Series is aligned on its index to
        ``w.id_order``.
    w : libpysal.weights.W
        Symmetric spatial weights (contiguity, block, distance band); any ids.
    permutations : int, default 99
        Random relabellings of the units for the pseudo p-value; 0 for none.
    seed : int or numpy.random.Generator, optional
        Seed of the permutations.

    Returns
    -------
    SpatialGiniResult

    Notes
    -----
    The p-value follows PySAL's definition: with m permutations and c of them giving a
    non-neighbour part ≥ the observed one, c is replaced by m − c when that is smaller, and
    p = (c + 1)/(m + 1) (a folded, two-sided pseudo p-value). The permutations are drawn here
    from ``numpy.random.default_rng(seed)`` and computed in one vectorised pass, because
    PySAL draws from the global NumPy random state and loops over units in Python for each
    permutation. PySAL also indexes y by the ids of ``w``; ``w`` is relabelled to positions
    0 … n − 1 first, so string ids (city codes) work.

    References
    ----------
    Rey & Smith (2013) [5]_.
    """
    from inequality.gini import Gini_Spatial
    from libpysal.weights import W

    if isinstance(y, pd.Series):
        missing = [unit for unit in w.id_order if unit not in y.index]
        if missing:
            raise InputError("y_missing_units", units=missing[:5])
        y = y.loc[list(w.id_order)]
    values = _values(y)
    if values.size != w.n:
        raise InputError("y_length", n=w.n, got=values.size)
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)) or permutations < 0:
        raise InputError("non_negative_integer", name="permutations", got=permutations)
    rows, cols = _neighbour_pairs(w)
    bounds = np.searchsorted(rows, np.arange(1, w.n))  # rows ascend: unit i's neighbours are one slice of cols
    relabelled = W({i: part.tolist() for i, part in enumerate(np.split(cols, bounds))}, silence_warnings=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = Gini_Spatial(values, relabelled, permutations=0)
    den = float(observed.den)
    _positive_total(den, "total_of_y")
    p_value = expected = float("nan")
    if permutations:
        rng = np.random.default_rng(seed)
        d = float(observed.dtotal)
        chunk = max(1, 4_000_000 // max(rows.size, w.n))
        sums = []
        for start in range(0, permutations, chunk):
            ids = rng.permuted(np.tile(np.arange(w.n), (min(chunk, permutations - start), 1)), axis=1)
            x = values[ids]
            sums.append(np.abs(x[:, rows] - x[:, cols]).sum(axis=1))
        wcgp = d - np.concatenate(sums)
        larger = int((wcgp >= observed.wcg).sum())
        larger = min(larger, permutations - larger)
        p_value = (larger + 1.0) / (permutations + 1.0)
        expected = float(wcgp.mean() / den)
    return SpatialGiniResult(float(observed.g), float(observed.wg) / den, float(observed.wcg) / den, p_value,
                             expected, int(permutations))


# --------------------------------------------------------------------------------------------
# panel


def _panel_cv(y, w, codes, labels):
    return [("total", _cv(y, w))]


def _panel_gini(y, w, codes, labels):
    return [("total", _gini(y, w))]


def _panel_theil(kind):
    def compute(y, w, codes, labels):
        total, table = _theil_core(y, w, codes, len(labels), kind)
        if table is None:
            return [("total", total)]
        return ([("total", total), ("between", float(table["between"].sum())),
                 ("within", float(table["within"].sum()))] + list(zip(labels, table["index"].tolist())))
    return compute


def _panel_dagum(y, w, codes, labels):
    codes, labels = _ordered_by_mean(y, codes, labels)
    parts = _dagum_core(y, codes, len(labels))
    return ([("total", parts["total"]), ("within", float(parts["within_g"].sum())),
             ("net_between", parts["net_between"]), ("transvariation", parts["transvariation"])]
            + list(zip(labels, np.diag(parts["G"]).tolist())))


# name → (function of (y, w, codes, labels), weighted, needs groups)
_PANEL = {
    "cv": (_panel_cv, False, False), "cv_w": (_panel_cv, True, False),
    "theil_t": (_panel_theil("T"), False, False), "theil_t_w": (_panel_theil("T"), True, False),
    "theil_l": (_panel_theil("L"), False, False), "theil_l_w": (_panel_theil("L"), True, False),
    "gini": (_panel_gini, False, False), "gini_w": (_panel_gini, True, False),
    "dagum": (_panel_dagum, False, True),
}


def _panel_statistics(statistics, weight, group) -> list[str]:
    if statistics is None:
        return [name for name in STATISTICS
                if (weight is not None or not _PANEL[name][1]) and (group is not None or not _PANEL[name][2])]
    names = [statistics] if isinstance(statistics, str) else list(statistics)
    unknown = [name for name in names if name not in _PANEL]
    if unknown:
        raise InputError("unknown_statistics", allowed=STATISTICS, got=unknown)
    for name in names:
        if _PANEL[name][1] and weight is None:
            raise InputError("needs_weight", name=name)
        if _PANEL[name][2] and group is None:
            raise InputError("needs_group", name=name)
    return [name for name in STATISTICS if name in names]


def _numeric(frame, column) -> np.ndarray:
    return pd.to_numeric(frame[column]).to_numpy(dtype=float, na_value=np.nan)


def disparity_panel(frame: pd.DataFrame, *, value: str = "value", unit: str = "unit", year: str = "year",
                    weight: str | None = None, group: str | None = None, statistics=None) -> pd.DataFrame:
    """Disparity statistics for every year of a long panel, as one long table.

    Parameters
    ----------
    frame : DataFrame
        One row per unit and year (a repeated (unit, year) is an error).
    value, unit, year : str
        Column names of the values (≥ 0), the unit codes and the years.
    weight : str, optional
        Column of populations (> 0) for the weighted statistics.
    group : str, optional
        Column of group labels (provinces; none missing) for the decompositions.
    statistics : sequence of str, optional
        Among ``STATISTICS``: ``cv`` (ddof 0), ``cv_w``, ``theil_t``, ``theil_t_w``,
        ``theil_l``, ``theil_l_w``, ``gini``, ``gini_w``, ``dagum``. Default: all that the
        columns allow (``*_w`` need ``weight``, ``dagum`` needs ``group``).

    Returns
    -------
    DataFrame
        Columns ``year, statistic, component, value``, sorted by year and statistic (in the
        order above). Components: ``total`` for every statistic; with ``group``, Theil adds
        ``between``, ``within`` and one row per group named after it holding that group's own
        index T_g or L_g, and ``dagum`` gives ``total``, ``within``, ``net_between``,
        ``transvariation`` and one row per group with its G_jj; last, ``n``, the units used.
        Group labels become text.

    Notes
    -----
    Each year uses the rows with a value (and, for weighted statistics, a weight); the others
    are left out of that year, and ``n`` says how many were used. A year with no usable row
    gives a NaN ``total`` and ``n`` = 0. Theil L refuses a 0 value (naming unit and year):
    leave it out of ``statistics`` or drop the unit. The work inside a year is vectorised over
    the units; years (and groups, for Dagum) are a Python loop.

    Examples
    --------
    >>> frame = pd.DataFrame({"unit": ["a", "b", "c", "d"], "year": 2020, "value": [1.0, 2.0, 3.0, 6.0],
    ...                       "province": ["A", "A", "B", "B"]})
    >>> out = disparity_panel(frame, group="province", statistics=["gini", "dagum"])
    >>> print(out.round(4).to_string(index=False))
     year statistic      component  value
     2020      gini          total 0.3333
     2020      gini              n 4.0000
     2020     dagum          total 0.3333
     2020     dagum         within 0.0833
     2020     dagum    net_between 0.2500
     2020     dagum transvariation 0.0000
     2020     dagum              A 0.1667
     2020     dagum              B 0.1667
     2020     dagum              n 4.0000
    """
    names = _panel_statistics(statistics, weight, group)
    for parameter, column in (("value", value), ("unit", unit), ("year", year), ("weight", weight),
                              ("group", group)):
        if column is not None and column not in frame.columns:
            raise InputError("not_a_column", parameter=parameter, column=column, columns=list(frame.columns))
    if frame[year].isna().any():
        raise InputError("missing_years", year=year)
    repeated = frame.duplicated([unit, year], keep=False)
    if repeated.any():
        first = frame.loc[repeated, [unit, year]].iloc[0].tolist()
        raise InputError("panel_repeats", n=int(repeated.sum()), unit=_plain(first[0]), year=_plain(first[1]))
    units = frame[unit].to_numpy()
    years = frame[year].to_numpy()
    y = _numeric(frame, value)

    def where(i):
        return Phrase("at_unit_year", unit=_plain(units[i]), year=_plain(years[i]))

    negative = np.flatnonzero(y < 0)
    if negative.size:
        raise InputError("negative", name=repr(value), got=y[negative[0]], at=where(negative[0]))
    w = None
    if weight is not None:
        w = _numeric(frame, weight)
        bad = np.flatnonzero(~np.isnan(w) & ~(np.isfinite(w) & (w > 0)))
        if bad.size:
            raise InputError("weights_positive", name=repr(weight), got=w[bad[0]], at=where(bad[0]))
    codes = labels = None
    if group is not None:
        if frame[group].isna().any():
            i = int(np.flatnonzero(frame[group].isna().to_numpy())[0])
            raise InputError("groups_missing", name=repr(group), at=where(i))
        codes, uniques = pd.factorize(frame[group], sort=True)
        labels = np.array([str(label) for label in uniques], dtype=object)
        clash = sorted(set(labels) & set(RESERVED_COMPONENTS))
        if clash:
            raise InputError("group_clash", clash=clash, reserved=RESERVED_COMPONENTS)

    order = np.argsort(years, kind="stable")
    distinct, starts = np.unique(years[order], return_index=True)
    ends = np.append(starts[1:], order.size)
    has_value = ~np.isnan(y)
    usable = {False: has_value, True: has_value & ~np.isnan(w) if w is not None else has_value}
    out_year, out_statistic, out_component, out_value = [], [], [], []
    for year_value, lo, hi in zip(distinct, starts, ends):
        rows_of_year = order[lo:hi]
        for name in names:
            function, weighted, _ = _PANEL[name]
            rows = rows_of_year[usable[weighted][rows_of_year]]
            if rows.size == 0:
                components = [("total", float("nan"))]
            else:
                if name.startswith("theil_l") and (zero := np.flatnonzero(y[rows] == 0)).size:
                    raise InputError("theil_l_zero_panel", name=name, at=where(rows[zero[0]]))
                year_codes, year_labels = None, None
                if codes is not None:
                    present, year_codes = np.unique(codes[rows], return_inverse=True)
                    year_labels = labels[present]
                try:
                    components = function(y[rows], w[rows] if weighted else None, year_codes,
                                          year_labels if year_labels is not None else np.array([], dtype=object))
                except ValueError as error:
                    raise InputError("in_year", name=name, year=_plain(year_value),
                                     reason=error if isinstance(error, Phrase) else str(error)) from None
            components.append(("n", float(rows.size)))
            out_year.extend([year_value] * len(components))
            out_statistic.extend([name] * len(components))
            out_component.extend(component for component, _ in components)
            out_value.extend(float(v) for _, v in components)
    return pd.DataFrame({"year": np.asarray(out_year, dtype=distinct.dtype), "statistic": out_statistic,
                         "component": out_component, "value": np.asarray(out_value, dtype=float)})
