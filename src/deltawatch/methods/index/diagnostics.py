"""Diagnostics of a built index: correlations, statistics, reliability, PCA, drop-one audit.

* :func:`correlations` — Pearson or Spearman correlation between nodes: siblings, each node
  and its parent, and every node and the index (across levels), with p-values and the JRC
  flags: siblings correlated above ``high`` (0.75 — redundant: one may be measuring the other)
  or below ``negative`` (0 by default — pulling against each other), a node weakly correlated
  with its own parent (below ``weak``, 0.2), and a node moving against the index.
* :func:`correlate` — correlations between any two levels (indicators against pillars,
  pillars against the index, a level against itself), every pair or only the pairs the tree
  links (a node and its ancestors, or siblings), with p-values; ``alpha`` hides (sets to NaN)
  the correlations whose p-value exceeds it, as COINr ``get_corr(pval = …)``; ``negative``
  flags those below a threshold.
* :func:`denominator_correlations` — each indicator against each denominator column (COINr
  ``get_denom_corr``): a strong correlation suggests the indicator measures size and may need
  denominating.
* :func:`statistics` — per column of a dataset: min, max, mean, median, SD (n − 1), skew and
  kurtosis (the e1071 type-2 estimators of :mod:`.treat`), availability, zeros, unique values,
  quartiles (R's default type 7), the points outside Q1 − 1.5·IQR and Q3 + 1.5·IQR, and the
  skew-kurtosis outlier flag |skew| > 2 and kurtosis > 3.5 (COINr ``get_stats``; the IQR
  counts as in COINr < 1.0 ``getStats``).
* :func:`cronbach_alpha` — internal consistency of each aggregate's children,
  α = k/(k − 1)·(1 − Σ_i s_ii / Σ_ij s_ij), s the covariance matrix (n − 1). With
  ``missing="pairwise"`` (default, as COINr ``get_cronbach``, ``use = "pairwise.complete.obs"``,
  and R ``psych::alpha``) each variance uses every unit that has that child and each
  covariance every unit that has both; with ``missing="complete"`` only units with every child
  are used (then Σ_ij s_ij = var(Σ_i x_i) and this is the textbook formula).
* :func:`pca` — principal components of each parent's children (the z-scores, i.e. the
  correlation matrix; units with every child): the loadings, the explained variance and the
  weights the first component gives (OECD/JRC Handbook 2008, Table 17: squared loadings scaled to
  unit sum; or absolute loadings), beside the engine's ``pca`` weights.
* :func:`drop_one` — rebuild with each node of a level left out in turn (its siblings share its
  weight) and report how far the target's ranks move: the mean and largest absolute rank
  change. All the variants are one stacked aggregation, as in the uncertainty engine.

In a panel the rows of every year are pooled unless ``year`` picks one.

Correlations use pairwise-complete rows; p-values are those of ``scipy.stats.pearsonr`` /
``spearmanr`` (two-sided; R's ``cor.test``), NaN with fewer than three pairs or a constant column.

References: OECD/JRC, *Handbook on Constructing Composite Indicators* (2008), §4, §6 (Table 17) and §7;
COINr ``get_corr``, ``get_corr_flags``, ``get_denom_corr``, ``get_stats``, ``get_cronbach``,
``get_PCA``, ``remove_elements``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aggregate import Tree
from .errors import IndexSpecError
from .pipeline import base_weights, ranks_by_year, run_prefix, score_runs
from .table import Table, read_table
from .treat import kurtosis as type2_kurtosis
from .treat import skewness as type2_skewness
from .weights import pca as pca_weights
from .weights import principal_components

__all__ = ["correlations", "correlate", "denominator_correlations", "statistics", "cronbach_alpha", "pca",
           "PCAResult", "drop_one", "pair_correlation"]

_METHODS = ("pearson", "spearman")


# ---- correlations ------------------------------------------------------------------------------
def pair_correlation(x, y, method: str = "pearson") -> tuple[float, float, int]:
    """(r, two-sided p-value, n) of two columns over the rows where both have a value.

    >>> r, p, n = pair_correlation([1.0, 2.0, 3.0, np.nan], [2.0, 4.0, 7.0, 1.0])
    >>> round(r, 6), n
    (0.993399, 3)
    """
    if method not in _METHODS:
        raise IndexSpecError("bad_param", step="diagnostics", method="correlation", name="method",
                             expected=" | ".join(_METHODS), got=repr(method))
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    both = ~np.isnan(x) & ~np.isnan(y)
    n = int(both.sum())
    x, y = x[both], y[both]
    if n < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.nan, np.nan, n
    with warnings.catch_warnings():  # scipy warns of near-constant input; the NaN says enough
        warnings.simplefilter("ignore")
        from scipy import stats as scipy_stats  # here: scipy.stats costs 0.3–0.6 s to import

        result = scipy_stats.pearsonr(x, y) if method == "pearson" else scipy_stats.spearmanr(x, y)
    return float(result[0]), float(result[1]), n


def _frame(result, dataset: str = "Aggregated", year: int | None = None) -> pd.DataFrame:
    """A dataset of the result, one year of a panel when ``year`` is given."""
    frame = result.datasets[dataset]
    if year is not None and isinstance(frame.index, pd.MultiIndex):
        frame = frame.xs(year, level="year")
    return frame


def correlations(result, method: str = "pearson", high: float = 0.75, weak: float = 0.2,
                 negative: float = 0.0) -> pd.DataFrame:
    """Correlations of siblings, of each node with its parent and of each node with the index,
    with flags.

    Returns
    -------
    DataFrame
        node_a, node_b, relation ('siblings', 'parent' or 'index': every node against the
        root, across all levels), parent, r, flag ('collinear' above ``high``, 'negative' below
        ``negative``, 'weak' below ``weak`` with the parent, or ''), p (two-sided), n (pairs).
    """
    spec = result.spec
    scores = result.scores
    rows = []
    for code in scores.columns:
        if code != spec.root:
            r, p, n = pair_correlation(scores[code], scores[spec.root], method)
            rows.append((code, spec.root, "index", spec.node(code).parent, r, "negative" if r < negative else "", p, n))
    for parent, children in spec.children.items():
        for i, a in enumerate(children):
            r, p, n = pair_correlation(scores[a], scores[parent], method)
            rows.append((a, parent, "parent", parent, r, "weak" if r < weak else "", p, n))
            for b in children[i + 1:]:
                r, p, n = pair_correlation(scores[a], scores[b], method)
                flag = "collinear" if r > high else "negative" if r < negative else ""
                rows.append((a, b, "siblings", parent, r, flag, p, n))
    return pd.DataFrame(rows, columns=["node_a", "node_b", "relation", "parent", "r", "flag", "p", "n"])


def _ancestors(spec, code: str) -> list[str]:
    out, parent = [], spec.node(code).parent
    while parent:
        out.append(parent)
        parent = spec.node(parent).parent
    return out


def _nodes_at(spec, level: int) -> list[str]:
    nodes = [n.code for n in spec.nodes if spec.levels[n.code] == level]
    if not nodes:
        raise IndexSpecError("no_level", level=level, levels=sorted(set(spec.levels.values())))
    return nodes


def correlate(result, level_a: int = 1, level_b: int | None = None, method: str = "pearson",
              alpha: float | None = None, relation: str = "all", negative: float | None = None,
              dataset: str = "Aggregated", year: int | None = None) -> pd.DataFrame:
    """Correlations between the nodes of two levels, with p-values.

    Parameters
    ----------
    level_a, level_b : int
        Levels (1 = indicators). ``level_b`` defaults to ``level_a``: the pairs within a level.
    alpha : float, optional
        Hide the correlations that are not significant: r is set to NaN where p > alpha
        (``hidden`` is True there; p stays, to show why).
    relation : {'all', 'ancestors', 'siblings'}
        Every pair; only a node with its ancestors on the other level (its parent, the
        parent's parent …, as COINr ``withparent = "family"``); or only siblings (same parent).
    negative : float, optional
        Flag (``negative`` True) the correlations below this threshold.
    dataset, year
        Which dataset (default the scores) and, in a panel, which year (default all pooled).

    Returns
    -------
    DataFrame
        node_a, level_a, node_b, level_b, r, p, n, hidden, negative.
    """
    spec = result.spec
    level_b = level_a if level_b is None else level_b
    if relation not in ("all", "ancestors", "siblings"):
        raise IndexSpecError("bad_param", step="diagnostics", method="correlate", name="relation",
                             expected="all | ancestors | siblings", got=repr(relation))
    frame = _frame(result, dataset, year)
    nodes_a, nodes_b = _nodes_at(spec, level_a), _nodes_at(spec, level_b)
    rows = []
    for i, a in enumerate(nodes_a):
        family = set(_ancestors(spec, a))
        for j, b in enumerate(nodes_b):
            if (level_a == level_b and j <= i) or (relation == "ancestors" and b not in family) or \
                    (relation == "siblings" and spec.node(a).parent != spec.node(b).parent):
                continue
            r, p, n = pair_correlation(frame[a], frame[b], method)
            hidden = alpha is not None and not (p <= alpha)
            rows.append((a, level_a, b, level_b, np.nan if hidden else r, p, n, hidden,
                         negative is not None and not hidden and r < negative))
    return pd.DataFrame(rows, columns=["node_a", "level_a", "node_b", "level_b", "r", "p", "n", "hidden", "negative"])


def denominator_correlations(result, dataset: str = "Raw", method: str = "pearson", threshold: float = 0.6,
                             alpha: float | None = None, year: int | None = None) -> pd.DataFrame:
    """Each indicator against each denominator column named in the spec (COINr
    ``get_denom_corr``, which reports |r| > 0.6 by default; here every pair, ``high`` marks those).

    Returns
    -------
    DataFrame
        indicator, denominator, r, p, n, high (|r| > ``threshold``), hidden (p > ``alpha``);
        empty when the spec names no denominator.
    """
    spec = result.spec
    frame = _frame(result, dataset, year)
    side = result.side(dataset)
    if year is not None and isinstance(side.index, pd.MultiIndex):
        side = side.xs(year, level="year")
    side = side.reindex(frame.index)
    rows = []
    for denominator in [d for d in spec.data.get("denominators") or [] if d in side.columns]:
        for code in [c for c in spec.indicators if c in frame.columns]:
            r, p, n = pair_correlation(frame[code], side[denominator].astype(float), method)
            hidden = alpha is not None and not (p <= alpha)
            rows.append((code, denominator, np.nan if hidden else r, p, n, not hidden and abs(r) > threshold, hidden))
    return pd.DataFrame(rows, columns=["indicator", "denominator", "r", "p", "n", "high", "hidden"])


# ---- statistics --------------------------------------------------------------------------------
def _column_statistics(x: np.ndarray, skew_limit: float, kurtosis_limit: float, iqr_coefficient: float) -> dict:
    present = x[~np.isnan(x)]
    n, available = len(x), len(present)
    if available:
        q25, q75 = np.percentile(present, [25, 75])  # numpy's default "linear" is R's type 7
        iqr = q75 - q25
        sd = float(np.std(present, ddof=1)) if available > 1 else np.nan
        basic = dict(min=present.min(), max=present.max(), mean=present.mean(), median=np.median(present), sd=sd)
    else:
        q25 = q75 = iqr = np.nan
        basic = dict(min=np.nan, max=np.nan, mean=np.nan, median=np.nan, sd=np.nan)
    skew, kurt = (float(type2_skewness(present)), float(type2_kurtosis(present))) if available else (np.nan, np.nan)
    n_zero = int((present == 0).sum())
    return {**basic, "skew": skew, "kurtosis": kurt, "n": n, "n_available": available,
            "availability": available / n if n else np.nan, "n_zero": n_zero,
            "nonzero": 1 - n_zero / available if available else np.nan,
            "n_unique": len(np.unique(present)), "q25": q25, "q75": q75, "iqr": iqr,
            "n_low_outliers": int((present < q25 - iqr_coefficient * iqr).sum()) if available else 0,
            "n_high_outliers": int((present > q75 + iqr_coefficient * iqr).sum()) if available else 0,
            "skew_kurtosis_outlier": bool(abs(skew) > skew_limit and kurt > kurtosis_limit)}


def statistics(result, dataset: str = "Raw", skew: float = 2.0, kurtosis: float = 3.5, iqr: float = 1.5,
               year: int | None = None) -> pd.DataFrame:
    """Per column of a dataset (per year in a panel): the statistics a reviewer checks first.

    Returns
    -------
    DataFrame
        column, (year), min, max, mean, median, sd (n − 1), skew, kurtosis (type 2), n (rows),
        n_available, availability (n_available / n), n_zero, nonzero (share among the
        available values), n_unique, q25, q75, iqr, n_low_outliers (< q25 − ``iqr``·IQR),
        n_high_outliers (> q75 + ``iqr``·IQR), skew_kurtosis_outlier (|skew| > ``skew`` and
        kurtosis > ``kurtosis``).
    """
    frame = _frame(result, dataset, year)
    panel = isinstance(frame.index, pd.MultiIndex)
    groups = frame.groupby(level="year", sort=True) if panel else [(None, frame)]
    rows = []
    for y, part in groups:
        for column in part.columns:
            values = part[column].to_numpy(dtype=float)
            rows.append({"column": column, **({"year": y} if panel else {}),
                         **_column_statistics(values, skew, kurtosis, iqr)})
    return pd.DataFrame(rows)


# ---- reliability -------------------------------------------------------------------------------
def _alpha(x: pd.DataFrame, missing: str) -> tuple[float, int]:
    """Cronbach's alpha of the columns of x and the number of units it used."""
    k = x.shape[1]
    x = x.dropna() if missing == "complete" else x.dropna(how="all")
    if k < 2 or len(x) < 2:
        return np.nan, len(x)
    covariance = x.cov(ddof=1).to_numpy()  # pandas: pairwise-complete, as R's use = "pairwise.complete.obs"
    total = covariance.sum()
    if np.isnan(covariance).any() or not total > 0:
        return np.nan, len(x)
    return k / (k - 1) * (1 - np.trace(covariance) / total), len(x)


def cronbach_alpha(result, missing: str = "pairwise", year: int | None = None) -> pd.DataFrame:
    """Cronbach's alpha of each aggregate's children.

    ``missing``: 'pairwise' (default; each covariance over the units that have both children)
    or 'complete' (units with every child only).

    Returns
    -------
    DataFrame
        node, level, k (children), n (units used: with at least one child, or with all of
        them for 'complete'), alpha, missing (the rule).
    """
    if missing not in ("pairwise", "complete"):
        raise IndexSpecError("bad_param", step="diagnostics", method="cronbach_alpha", name="missing",
                             expected="pairwise | complete", got=repr(missing))
    spec = result.spec
    scores = _frame(result, "Aggregated", year)
    rows = []
    for parent, children in spec.children.items():
        alpha, n = _alpha(scores[children], missing)
        rows.append((parent, spec.levels[parent], len(children), n, alpha, missing))
    return pd.DataFrame(rows, columns=["node", "level", "k", "n", "alpha", "missing"])


# ---- principal components ----------------------------------------------------------------------
@dataclass(frozen=True)
class PCAResult:
    """Tables of :func:`pca`.

    loadings : parent, node, component, eigenvector (u), loading (u·√λ)
    variance : parent, component, eigenvalue, share, cumulative, n (units used)
    weights  : parent, node, squared (u₁² — OECD/JRC), absolute (|u₁| / Σ|u₁|), pca (the
               engine's ``pca`` weight rule, Kaiser)
    """

    loadings: pd.DataFrame
    variance: pd.DataFrame
    weights: pd.DataFrame


def pca(result, level: int | None = 1, dataset: str = "Aggregated", year: int | None = None) -> PCAResult:
    """PCA of the children of every parent whose children are at ``level`` (all parents when
    ``level`` is None), on the given dataset (by default the scores: normalised indicators and
    aggregates). Each eigenvector is signed so that its entries sum to ≥ 0."""
    spec = result.spec
    frame = _frame(result, dataset, year)
    loadings, variance, weights = [], [], []
    for parent, children in spec.children.items():
        if len(children) < 2 or (level is not None and spec.levels[parent] != level + 1):
            continue
        x = frame[children].to_numpy(dtype=float)
        eigenvalues, vectors, n = principal_components(x)
        total = eigenvalues.sum()
        for c in range(len(children)):
            share = eigenvalues[c] / total if total > 0 else np.nan
            variance.append((parent, c + 1, eigenvalues[c], share, eigenvalues[:c + 1].sum() / total if total > 0
                             else np.nan, n))
            for j, child in enumerate(children):
                loadings.append((parent, child, c + 1, vectors[j, c], vectors[j, c] * np.sqrt(eigenvalues[c])))
        first = vectors[:, 0]
        absolute = np.abs(first) / np.abs(first).sum() if np.abs(first).sum() > 0 else np.full(len(first), np.nan)
        kaiser = pca_weights(x)
        weights += [(parent, child, first[j] ** 2 if total > 0 else np.nan, absolute[j], kaiser[j])
                    for j, child in enumerate(children)]
    return PCAResult(
        pd.DataFrame(loadings, columns=["parent", "node", "component", "eigenvector", "loading"]),
        pd.DataFrame(variance, columns=["parent", "component", "eigenvalue", "share", "cumulative", "n"]),
        pd.DataFrame(weights, columns=["parent", "node", "squared", "absolute", "pca"]))


# ---- drop one ----------------------------------------------------------------------------------
def drop_one(spec, data, level: int = 1, target: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Leave out each node of ``level`` in turn; how far do the target's ranks move?

    Returns
    -------
    DataFrame
        node, parent, mean_abs_rank_change, max_abs_rank_change, spearman (rank correlation of
        the target with its nominal values), one row per node left out.
    """
    table = data if isinstance(data, Table) else read_table(spec, data, year)
    target = target or spec.root
    prefix = run_prefix(spec, table, keep=False)
    tree = Tree.from_spec(spec, prefix.table.columns)
    base = base_weights(spec, tree)
    dropped = [k for k, code in enumerate(tree.codes) if tree.level[k] == level and spec.node(code).parent]
    weights = np.repeat(base[None], len(dropped) + 1, axis=0)
    for run, node in enumerate(dropped, start=1):
        weights[run, node] = 0.0
    scores, _, _ = score_runs(spec, prefix.table, tree, weights)
    column = tree.codes.index(target)
    values = scores[:, :, column]
    ranks = np.stack([ranks_by_year(v[:, None], prefix.table)[:, 0] for v in values])
    change = np.abs(ranks[1:] - ranks[0][None])
    with np.errstate(invalid="ignore"):
        spearman = [pd.Series(ranks[0]).corr(pd.Series(r)) for r in ranks[1:]]
    return pd.DataFrame({"node": [tree.codes[k] for k in dropped],
                         "parent": [spec.node(tree.codes[k]).parent for k in dropped],
                         "mean_abs_rank_change": np.nanmean(change, axis=1),
                         "max_abs_rank_change": np.nanmax(change, axis=1),
                         "spearman": spearman})
