"""Weights: given, equal, or computed from the data (objective weighting) or from judgements.

Every data-driven method takes the children's values as an array of shape (runs, rows, k) —
oriented so that higher is better — and returns weights of shape (runs, k) summing to 1, so
that an uncertainty analysis computes a thousand weight sets in one call:

=============  ===============================================================================
``given``      the weights declared on the nodes (1 each when none is declared)
``equal``      1 each
``entropy``    熵权法: y = (x − min)/(max − min) (+ ``shift``); p = y / Σ y; e = −Σ p ln p / ln m
               (0 ln 0 = 0, m = rows with a value); w ∝ 1 − e. A panel pools its unit-years
               (one set of bounds), so the weights do not change from year to year.
``critic``     CRITIC (Diakoulaki et al. 1995): on min-max values, w ∝ σ_j Σ_k (1 − r_jk),
               σ with n − 1, r Pearson over pairwise-complete rows
``cv``         coefficient of variation: w ∝ sd / |mean| (sd with n − 1)
``pca``        principal components of the z-scores (correlation matrix): keep the components
               with eigenvalue > 1 (``rule: kaiser``) or the fewest reaching ``variance`` of the
               total (``rule: variance``); coefficient_j = Σ_k |u_jk| λ_k / Σ_k λ_k over the kept
               components, u the unit eigenvectors (the 线性组合系数 = loading / √λ; the absolute
               value removes the arbitrary sign of an eigenvector); w ∝ coefficient
``pca_first``  the first principal component's loadings (OECD/JRC Handbook 2008, Table 17):
               w_j = u_1j² (``loadings: squared``, the squared loadings scaled to unit sum)
               or |u_1j| / Σ|u_1| (``loadings: absolute``)
``ahp``        AHP (Saaty): the principal eigenvector of each parent's pairwise-comparison
               matrix; refused when CR = CI / RI ≥ ``max_cr`` (0.1), CI = (λmax − n)/(n − 1),
               RI = 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 for n = 1 … 10
=============  ===============================================================================

:func:`effective_weights` gives each node's share of the index once the tree is applied.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import Detail, IndexSpecError
from .params import Method, Param

__all__ = ["METHODS", "entropy", "critic", "cv", "pca", "pca_first", "principal_components", "ahp_weights",
           "AHPResult", "effective_weights", "RANDOM_INDEX"]

RANDOM_INDEX = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)


def _normalised(w: np.ndarray) -> np.ndarray:
    total = w.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = w / total
    # nothing to tell the children apart (all constant): equal weights
    return np.where(total > 0, out, 1.0 / w.shape[-1])


def _minmax(X: np.ndarray) -> np.ndarray:
    lo, hi = np.nanmin(X, axis=-2, keepdims=True), np.nanmax(X, axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(hi > lo, (X - lo) / (hi - lo), np.nan)


def entropy(X: np.ndarray, shift: float = 0.0) -> np.ndarray:
    """Entropy weights of the columns of X (..., rows, k).

    >>> entropy(np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 3.0]])).round(4).tolist()
    [0.2961, 0.7039]
    """
    X = np.asarray(X, dtype=float)
    Y = _minmax(X) + shift
    m = np.sum(~np.isnan(Y), axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        P = Y / np.nansum(Y, axis=-2, keepdims=True)
        plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0)
        e = -np.nansum(plogp, axis=-2) / np.log(m)
    d = np.where(np.isfinite(e), 1 - e, 0.0)
    return _normalised(d)


def _pairwise_corr(Y: np.ndarray) -> np.ndarray:
    """Pearson correlation of the columns of Y (rows, k) over pairwise-complete rows."""
    import pandas as pd

    return pd.DataFrame(Y).corr().to_numpy()


def critic(X: np.ndarray) -> np.ndarray:
    """CRITIC weights of the columns of X (..., rows, k).

    >>> critic(np.array([[0.0, 0.0, 1.0], [1.0, 2.0, 0.0], [2.0, 1.0, 1.0]])).round(4).tolist()
    [0.209, 0.3297, 0.4612]
    """
    X = np.asarray(X, dtype=float)
    batch = X.reshape((-1,) + X.shape[-2:])
    out = np.empty((len(batch), X.shape[-1]))
    for r, x in enumerate(batch):
        Y = _minmax(x)
        with warnings.catch_warnings():  # a constant column has no spread: NaN, then weight 0
            warnings.simplefilter("ignore", RuntimeWarning)
            sd = np.nanstd(Y, axis=0, ddof=1)
        r_matrix = np.nan_to_num(_pairwise_corr(Y), nan=0.0)
        out[r] = np.nan_to_num(sd * (1 - r_matrix).sum(axis=1))
    return _normalised(out).reshape(X.shape[:-2] + (X.shape[-1],))


def cv(X: np.ndarray) -> np.ndarray:
    """Coefficient-of-variation weights of the columns of X (..., rows, k).

    >>> cv(np.array([[1.0, 10.0], [3.0, 11.0]])).round(4).tolist()
    [0.913, 0.087]
    """
    X = np.asarray(X, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.nanstd(X, axis=-2, ddof=1) / np.abs(np.nanmean(X, axis=-2))
    return _normalised(np.nan_to_num(v, nan=0.0, posinf=0.0))


def principal_components(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """PCA of the z-scores of the complete rows of x (rows, k), as R's
    ``prcomp(x, center = TRUE, scale. = TRUE)``: the eigenvalues of the correlation matrix in
    decreasing order (clipped at 0), its unit eigenvectors as columns, and the rows used.

    An eigenvector's sign is arbitrary; each is turned so that its entries sum to ≥ 0 (the
    first component then points "up" when the children move together). A constant column
    has z-scores 0 and loads on no component. Fewer than two complete rows give zeros.
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    if len(x) < 2:
        return np.zeros(k), np.zeros((k, k)), len(x)
    sd = x.std(axis=0, ddof=1)
    z = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1)
    eigenvalues, vectors = np.linalg.eigh(np.cov(z, rowvar=False, ddof=1).reshape(k, k))
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, vectors = np.clip(eigenvalues[order], 0, None), vectors[:, order]
    vectors = vectors * np.where(vectors.sum(axis=0) < 0, -1.0, 1.0)
    return eigenvalues, vectors, len(x)


def pca(X: np.ndarray, rule: str = "kaiser", variance: float = 0.85) -> np.ndarray:
    """PCA weights of the columns of X (..., rows, k); rows with a missing value are left out."""
    X = np.asarray(X, dtype=float)
    batch = X.reshape((-1,) + X.shape[-2:])
    out = np.empty((len(batch), X.shape[-1]))
    for r, x in enumerate(batch):
        eigenvalues, vectors, _ = principal_components(x)
        if rule == "kaiser":
            keep = max(1, int(np.sum(eigenvalues > 1)))
        else:
            share = np.cumsum(eigenvalues) / eigenvalues.sum() if eigenvalues.sum() > 0 else np.ones(len(eigenvalues))
            keep = int(np.searchsorted(share, variance - 1e-12) + 1)
        kept = eigenvalues[:keep]
        out[r] = np.abs(vectors[:, :keep]) @ kept / kept.sum() if kept.sum() > 0 else 0.0
    return _normalised(out).reshape(X.shape[:-2] + (X.shape[-1],))


def pca_first(X: np.ndarray, loadings: str = "squared") -> np.ndarray:
    """Weights from the loadings of the first principal component of the columns of X
    (..., rows, k); rows with a missing value are left out.

    The loading of child j on the first component is l_j = u_j √λ₁ (u the unit eigenvector of
    the correlation matrix, λ₁ its eigenvalue). ``squared`` (default): w_j = l_j² / Σ l² = u_j²,
    the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), Part 2 §6 (weights from
    principal components or factor analysis), Table 17
    ("squared factor loading, scaled to unity sum": the share of the component's variance
    that the child carries). ``absolute``: w_j = |u_j| / Σ|u| — COINr ``get_PCA`` takes the
    raw loadings u_j, which can be negative; their absolute value keeps every weight ≥ 0.

    >>> X = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, -1.0], [3.0, 6.0, -1.0], [4.0, 8.0, 1.0]])
    >>> pca_first(X).round(12).tolist()  # a and b move together (λ₁ = 2, u = (1, 1, 0)/√2)
    [0.5, 0.5, 0.0]
    """
    X = np.asarray(X, dtype=float)
    batch = X.reshape((-1,) + X.shape[-2:])
    out = np.empty((len(batch), X.shape[-1]))
    for r, x in enumerate(batch):
        _, vectors, _ = principal_components(x)
        first = vectors[:, 0]
        out[r] = first ** 2 if loadings == "squared" else np.abs(first)
    return _normalised(out).reshape(X.shape[:-2] + (X.shape[-1],))


@dataclass(frozen=True)
class AHPResult:
    """Weights of an AHP comparison matrix, with λmax, CI and CR."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float


def ahp_weights(matrix) -> AHPResult:
    """Principal-eigenvector weights of a pairwise comparison matrix and its consistency.

    >>> result = ahp_weights([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> result.weights.round(4).tolist(), round(result.cr, 4)
    ([0.637, 0.2583, 0.1047], 0.0332)
    """
    A = np.asarray(matrix, dtype=float)
    n = A.shape[0]
    if A.ndim != 2 or A.shape[1] != n or n == 0:
        raise IndexSpecError("ahp_matrix", parent="?", problem=Detail("ahp_not_square", shape=A.shape))
    if (A <= 0).any() or not np.allclose(A * A.T, 1, rtol=1e-3):
        raise IndexSpecError("ahp_matrix", parent="?", problem=Detail("ahp_not_reciprocal"))
    eigenvalues, vectors = np.linalg.eig(A)
    k = int(np.argmax(eigenvalues.real))
    w = np.abs(vectors[:, k].real)
    lambda_max = float(eigenvalues[k].real)
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX[n - 1] if n <= len(RANDOM_INDEX) else RANDOM_INDEX[-1]
    return AHPResult(w / w.sum(), lambda_max, ci, ci / ri if ri > 0 else 0.0)


def _ahp_matrix_for(matrices: Mapping, parent: str, children: list[str]) -> np.ndarray:
    entry = matrices.get(parent)
    if entry is None:
        raise IndexSpecError("ahp_matrix", parent=parent, problem=Detail("ahp_missing"))
    if isinstance(entry, Mapping):
        order = [str(c) for c in entry.get("order", children)]
        if sorted(order) != sorted(children):
            raise IndexSpecError("ahp_matrix", parent=parent,
                                 problem=Detail("ahp_order", order=order, children=children))
        A = np.asarray(entry["matrix"], dtype=float)
        position = [order.index(c) for c in children]
        return A[np.ix_(position, position)]
    return np.asarray(entry, dtype=float)


def ahp_for_parent(matrices: Mapping, parent: str, children: list[str], max_cr: float = 0.1) -> AHPResult:
    """The AHP weights of one parent's children, refusing an inconsistent matrix."""
    try:
        result = ahp_weights(_ahp_matrix_for(matrices, parent, children))
    except IndexSpecError as exc:
        raise IndexSpecError(exc.code, **{**exc.params, "parent": parent}) from None
    if len(result.weights) != len(children):
        raise IndexSpecError("ahp_matrix", parent=parent, problem=Detail("ahp_size", n=len(children)))
    if result.cr >= max_cr:
        raise IndexSpecError("ahp_inconsistent", parent=parent, cr=result.cr, limit=max_cr)
    return result


def effective_weights(parent_index: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each node's share of the root: its weight normalised among its siblings, times its
    parent's share. ``parent_index`` is −1 for the root.

    >>> effective_weights(np.array([-1, 0, 0, 1, 1, 2]), np.array([1.0, 1, 3, 1, 1, 1])).tolist()
    [1.0, 0.25, 0.75, 0.125, 0.125, 0.75]
    """
    n = len(parent_index)
    share = np.ones(n)
    sibling_total = np.zeros(n)
    np.add.at(sibling_total, parent_index[parent_index >= 0], weights[parent_index >= 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        local = np.where(parent_index >= 0, weights / sibling_total[np.maximum(parent_index, 0)], 1.0)
    out = np.full(n, np.nan)

    def of(i: int) -> float:
        if np.isnan(out[i]):
            out[i] = 1.0 if parent_index[i] < 0 else local[i] * of(parent_index[i])
        return out[i]

    for i in range(n):
        share[i] = of(i)
    return share


METHODS = {
    "given": Method("given", None, {}, "给定权重", "given weights"),
    "equal": Method("equal", None, {}, "等权", "equal weights"),
    "entropy": Method("entropy", entropy, {"shift": Param("number", 0.0)}, "熵权法", "entropy weights"),
    "critic": Method("critic", critic, {}, "CRITIC 法", "CRITIC"),
    "cv": Method("cv", cv, {}, "变异系数法", "coefficient of variation"),
    "pca": Method("pca", pca, {"rule": Param("str", "kaiser", choices=("kaiser", "variance")),
                               "variance": Param("fraction", 0.85)}, "主成分分析法", "principal components"),
    "pca_first": Method("pca_first", pca_first, {"loadings": Param("str", "squared", choices=("squared", "absolute"))},
                        "第一主成分载荷法", "first principal component's loadings"),
    "ahp": Method("ahp", None, {"matrices": Param("mapping"), "max_cr": Param("positive", 0.1)},
                  "层次分析法", "analytic hierarchy process"),
}
DATA_DRIVEN = {"entropy", "critic", "cv", "pca", "pca_first"}
