"""Diagnostics of a built index: correlations, flags, Cronbach's alpha, drop-one audit.

* :func:`correlations` — Pearson or Spearman correlation between nodes: siblings, each node
  and its parent, and every node and the index (across levels), with the JRC flags: siblings
  correlated above ``high`` (0.75 — redundant: one may be measuring the other) or below 0
  (pulling against each other), a node weakly or negatively correlated with its own parent
  (below ``weak``, 0.2), and a node moving against the index.
* :func:`cronbach_alpha` — internal consistency of each aggregate's children,
  α = k/(k − 1)·(1 − Σ var_i / var(Σ x_i)) over units with every child (variances with n − 1).
* :func:`drop_one` — rebuild with each node of a level left out in turn (its siblings share its
  weight) and report how far the target's ranks move: the mean and largest absolute rank
  change. All the variants are one stacked aggregation, as in the uncertainty engine.

Reference: OECD/JRC, *Handbook on Constructing Composite Indicators* (2008), §4 and §7;
COINr ``get_corr_flags``, ``get_cronbach``, ``remove_elements``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aggregate import Tree
from .pipeline import base_weights, ranks_by_year, run_prefix, score_runs
from .table import Table, read_table

__all__ = ["correlations", "cronbach_alpha", "drop_one"]


def correlations(result, method: str = "pearson", high: float = 0.75, weak: float = 0.2) -> pd.DataFrame:
    """Correlations of siblings and of each node with its parent, with flags.

    Returns
    -------
    DataFrame
        node_a, node_b, relation ('siblings', 'parent' or 'index': every node against the
        root, across all levels), parent, r, flag ('collinear', 'negative', 'weak' or '').
    """
    spec = result.spec
    scores = result.scores
    corr = scores.corr(method=method)
    rows = [(code, spec.root, "index", spec.node(code).parent, corr.loc[code, spec.root],
             "negative" if corr.loc[code, spec.root] < 0 else "")
            for code in scores.columns if code != spec.root]
    for parent, children in spec.children.items():
        for i, a in enumerate(children):
            r_parent = corr.loc[a, parent]
            flag = "weak" if r_parent < weak else ""
            rows.append((a, parent, "parent", parent, r_parent, flag))
            for b in children[i + 1:]:
                r = corr.loc[a, b]
                flag = "collinear" if r > high else "negative" if r < 0 else ""
                rows.append((a, b, "siblings", parent, r, flag))
    return pd.DataFrame(rows, columns=["node_a", "node_b", "relation", "parent", "r", "flag"])


def cronbach_alpha(result) -> pd.DataFrame:
    """Cronbach's alpha of each aggregate's children (units with all children only).

    Returns
    -------
    DataFrame
        node, level, k (children), n (units used), alpha.
    """
    spec = result.spec
    rows = []
    for parent, children in spec.children.items():
        x = result.scores[children].dropna()
        k, n = len(children), len(x)
        if k < 2 or n < 2:
            alpha = np.nan
        else:
            total = x.sum(axis=1).var(ddof=1)
            alpha = k / (k - 1) * (1 - x.var(ddof=1).sum() / total) if total > 0 else np.nan
        rows.append((parent, spec.levels[parent], k, n, alpha))
    return pd.DataFrame(rows, columns=["node", "level", "k", "n", "alpha"])


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

