"""Performance assessment (绩效考核) and benchmarking (对照学习) of units: pure pandas/NumPy, no Django.

An assessment combines, for each assessed unit (a city, a county, a department), several
*component* scores on a 0–100 scale — the level of its indicators (a composite index built by
the index engine), the progress of its own targets (Open SDG scores), how it carries out its
tasks (on-time and closure rates from the ledger) — into one score with the scheme's weights,
adds the office's bonus and deduction points (加分 / 扣分, each with its reason), and ranks
the units overall and within their peer groups (分类考核).

**Through the index engine.** The combination is an index spec of its own (:func:`scheme_spec`):
a root whose children are the components, normalised and aggregated by the engine, so that the
rank intervals come from the engine's uncertainty analysis of the scheme's choices — the
weights (±25 % by default), the normalisation and the aggregation. The bonus is added to every
run's score before ranking, as it is to the nominal score. A component a unit lacks is left
out of its weighted mean (the weights of the others renormalised) and listed in ``missing``;
a unit with fewer than ``min_share`` of the components is not scored, never zero-filled.

**Default alternatives.** Geometric and harmonic means are undefined for a zero score (a unit
that closed none of its tasks), so the default aggregation alternatives are the arithmetic
mean and the power mean with p = 2; the normalisation alternatives are the scores as they are
(already 0–100) and min–max over the assessed units. A scheme may declare other factors
in the engine's format (``uncertainty.factors``).

**Peer groups** (:func:`cluster_peer_groups`): k-means or Ward clustering of standardised
indicators (z-scores), the number of groups chosen by the mean silhouette width over a range
of k (Rousseeuw 1987), groups numbered by their mean standardised level (1 = highest).

**Benchmarking** (:func:`benchmark_gaps`): per indicator the gap between a unit and a
benchmark unit in the indicator's unit, and the years the unit would need at its own recent
compound growth rate to close it with the benchmark standing still:
n = ln(b / v) / ln(1 + g); a unit not moving towards the benchmark never closes (∞).

References: Saisana, Saltelli & Tarantola (2005), *J. R. Stat. Soc. A* 168(2) (uncertainty of
composite rankings); Rousseeuw (1987), *J. Comput. Appl. Math.* 20, 53–65 (silhouettes).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import InputError
from .index import load_spec
from .index.table import rank_desc
from .index.uncertainty import uncertainty

__all__ = [
    "COMPONENT_KINDS",
    "DEFAULT_FACTORS",
    "AssessmentResult",
    "assess",
    "benchmark_gaps",
    "cluster_peer_groups",
    "grade",
    "nearest_better",
    "scheme_spec",
]

COMPONENT_KINDS = ("index", "progress", "tasks")
ROOT = "assessment"
DEFAULT_FACTORS = [
    {"name": "weights", "noise": {1: 0.25}},
    {"name": "normalisation", "step": "normalise",
     "alternatives": [{"method": "none"}, {"method": "minmax", "params": {"low": 0, "high": 100}}]},
    {"name": "aggregation", "step": "aggregate",
     "alternatives": [{"method": "arithmetic"}, {"method": "generalised", "params": {"p": 2}}]},
]
GRADES = ("优秀", "良好", "一般", "较差")
# the share of runs in which two neighbours may swap before their order is "not meaningful"
SWAP_SHARE = 0.10


# ------------------------------------------------------------------------------ the score

def scheme_spec(weights: dict[str, float], *, min_share: float = 0.5, factors=None):
    """The index spec that combines the component columns ``weights`` names (nominal: the
    scores as they are, weighted arithmetic mean)."""
    if not weights:
        raise InputError("assessment_no_components")
    bad = {code: w for code, w in weights.items() if not (isinstance(w, (int, float)) and w > 0)}
    if bad:
        raise InputError("assessment_weight", code=next(iter(bad)), weight=next(iter(bad.values())))
    return load_spec({
        "name": "assessment",
        "nodes": [{"code": ROOT}] + [{"code": code, "parent": ROOT, "weight": float(w), "direction": 1}
                                     for code, w in weights.items()],
        "pipeline": [{"step": "normalise", "method": "none"},
                     {"step": "aggregate", "method": "arithmetic", "params": {"min_availability": min_share}}],
        "uncertainty": {"target": ROOT, "factors": factors or DEFAULT_FACTORS},
    })


@dataclass
class AssessmentResult:
    """One assessment: per unit its components, score, ranks with their intervals, grade.

    ``table`` columns: unit_code, peer_group, the component columns, bonus, missing (the
    components the unit lacks, comma-separated), score, rank, group_rank, q05_rank, q95_rank,
    group_q05_rank, group_q95_rank, grade, swaps_with (the neighbour in its group whose order
    with it reverses in more than 10 % of the runs, if any), swap_share.
    ``scores`` units × runs (bonus included); ``failures`` the engine's runs that could not
    be computed; ``runs`` and ``seed`` as given.
    """

    table: pd.DataFrame
    scores: pd.DataFrame
    failures: pd.DataFrame
    runs: int
    seed: int | None
    weights: dict = field(default_factory=dict)


def _group_ranks(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Ranks (1 = highest, ties the best rank) within each group, along the last axis."""
    out = np.full(values.shape, np.nan)
    for group in pd.unique(groups):
        members = groups == group
        out[..., members] = rank_desc(values[..., members], axis=-1)
    return out


def assess(components: pd.DataFrame, weights: dict[str, float], *, bonus: pd.Series | None = None,
           groups: pd.Series | None = None, runs: int = 1000, seed: int | None = 0, min_share: float = 0.5,
           factors=None, grading: dict | None = None) -> AssessmentResult:
    """Scores, ranks, intervals and grades of the units of ``components``.

    Parameters
    ----------
    components : DataFrame
        Indexed by unit code, one column per component (0–100, NaN where the unit lacks it).
    weights : dict
        Component column → positive weight; every column weighted must be present.
    bonus : Series, optional
        Points added to (negative: taken from) a unit's score, by unit code.
    groups : Series, optional
        Peer group of each unit (default: one group of all).
    runs, seed : the uncertainty analysis (the same seed gives the same result).
    min_share : float
        The share of the components (by count) a unit needs to be scored.
    grading : dict, optional
        See :func:`grade` (default: shares 20 / 30 / 40 / 10 % within each group).
    """
    absent = [code for code in weights if code not in components.columns]
    if absent:
        raise InputError("assessment_missing_component", code=absent[0])
    units = components.index.astype(str)
    data = components[list(weights)].astype(float).copy()
    data.index = units
    spec = scheme_spec(weights, min_share=min_share, factors=factors)
    frame = data.reset_index(names="unit_code")
    analysis = uncertainty(spec, frame, runs=runs, seed=seed)
    added = np.zeros(len(units)) if bonus is None else bonus.reindex(units).fillna(0.0).to_numpy(dtype=float)
    added_by_unit = pd.Series(added, index=units)
    nominal = analysis.rank_stats.set_index("unit_code")["nominal_score"].reindex(units).to_numpy() + added
    run_scores = analysis.scores.reindex(units).to_numpy() + added[:, None]  # units × runs
    good = ~np.isin(np.arange(run_scores.shape[1]), [int(r.split("_")[1]) - 1 for r in analysis.failures["run"]])
    group_of = (pd.Series("1", index=units) if groups is None else groups.reindex(units).astype("string")
                .fillna("—")).to_numpy(dtype=object)

    rank = rank_desc(nominal)
    group_rank = _group_ranks(nominal, group_of)
    run_ranks = rank_desc(run_scores[:, good].T, axis=-1)            # runs × units
    run_group_ranks = _group_ranks(run_scores[:, good].T, group_of)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an unscored unit: NaN, said by its row
        q = {name: np.nanquantile(r, p, axis=0) if r.size else np.full(len(units), np.nan)
             for name, r, p in (("q05_rank", run_ranks, 0.05), ("q95_rank", run_ranks, 0.95),
                                ("group_q05_rank", run_group_ranks, 0.05), ("group_q95_rank", run_group_ranks, 0.95))}
    table = pd.DataFrame({"unit_code": units, "peer_group": group_of})
    for code in weights:
        table[code] = data[code].to_numpy()
    table["bonus"] = added_by_unit.to_numpy()
    table["missing"] = [", ".join(c for c in weights if np.isnan(data.at[u, c])) for u in units]
    table["score"] = nominal
    table["rank"] = rank
    table["group_rank"] = group_rank
    for name, values in q.items():
        table[name] = np.where(np.isnan(nominal), np.nan, values)
    table["grade"] = grade(table, **(grading or {}))
    swaps = _swaps(nominal, run_scores[:, good], group_of)
    table["swaps_with"] = [swaps.get(u, ("", np.nan))[0] for u in range(len(units))]
    table["swaps_with"] = [units[i] if i != "" else "" for i in table["swaps_with"]]
    table["swap_share"] = [swaps.get(u, ("", np.nan))[1] for u in range(len(units))]
    table = table.sort_values(["rank", "unit_code"], na_position="last").reset_index(drop=True)
    return AssessmentResult(table=table, scores=pd.DataFrame(run_scores, index=units, columns=analysis.scores.columns),
                            failures=analysis.failures, runs=runs, seed=seed, weights=dict(weights))


def _swaps(nominal: np.ndarray, run_scores: np.ndarray, groups: np.ndarray) -> dict[int, tuple[int, float]]:
    """For each scored unit, its next unit in its group's nominal order when the two swap
    places in more than ``SWAP_SHARE`` of the runs: {unit position: (neighbour position, share)}."""
    out = {}
    for group in pd.unique(groups):
        members = np.flatnonzero((groups == group) & ~np.isnan(nominal))
        ordered = members[np.argsort(-nominal[members], kind="stable")]
        for upper, lower in zip(ordered[:-1], ordered[1:]):
            a, b = run_scores[upper], run_scores[lower]
            known = ~np.isnan(a) & ~np.isnan(b)
            if not known.any():
                continue
            share = float(np.mean(b[known] >= a[known]))
            if share > SWAP_SHARE:
                out[int(upper)] = (int(lower), share)
    return out


# ------------------------------------------------------------------------------ grades

def grade(table: pd.DataFrame, *, cutoffs: dict | None = None, shares: dict | None = None,
          within: str = "group") -> list[str]:
    """优秀 / 良好 / 一般 / 较差 of each row of ``table`` (columns score, rank, group_rank, peer_group).

    ``cutoffs``: the lowest score of each grade but the last, e.g. {"优秀": 90, "良好": 80, "一般": 60}.
    ``shares`` (default {"优秀": 0.2, "良好": 0.3, "一般": 0.4}): the share of the units of each
    grade but the last, taken from the top by rank ``within`` each peer group ("group") or over
    all ("all"); a share's count is rounded half up (at least one unit when the share is > 0).
    An unscored unit has no grade ("").
    """
    if cutoffs is not None and shares is not None:
        raise InputError("assessment_grading")
    scores = table["score"].to_numpy(dtype=float)
    out = np.full(len(table), "", dtype=object)
    if cutoffs is not None:
        limits = [cutoffs.get(name) for name in GRADES[:-1]]
        if any(v is None for v in limits) or any(a < b for a, b in zip(limits, limits[1:])):
            raise InputError("assessment_cutoffs", cutoffs=cutoffs)
        for i, s in enumerate(scores):
            if not np.isnan(s):
                out[i] = next((g for g, low in zip(GRADES, limits) if s >= low), GRADES[-1])
        return list(out)
    shares = shares or {"优秀": 0.2, "良好": 0.3, "一般": 0.4}
    quota = [float(shares.get(name, 0.0)) for name in GRADES[:-1]]
    if any(q < 0 for q in quota) or sum(quota) > 1 + 1e-9:
        raise InputError("assessment_shares", shares=shares)
    rank_column = "group_rank" if within == "group" else "rank"
    keys = table["peer_group"].to_numpy() if within == "group" else np.zeros(len(table))
    for key in pd.unique(keys):
        members = np.flatnonzero((keys == key) & ~np.isnan(scores))
        n = len(members)
        bounds = np.cumsum([max(1, math.floor(q * n + 0.5)) if q > 0 else 0 for q in quota])
        ranks = table[rank_column].to_numpy(dtype=float)[members]
        for member, r in zip(members, ranks):
            out[member] = next((g for g, b in zip(GRADES, bounds) if r <= b), GRADES[-1])
    return list(out)


# ------------------------------------------------------------------------------ peer groups

def cluster_peer_groups(features: pd.DataFrame, *, method: str = "ward", k: int | None = None,
                        k_range: tuple[int, int] = (2, 6), seed: int = 0) -> tuple[pd.Series, pd.DataFrame]:
    """Peer groups from the units' indicators (rows units, columns indicators).

    The columns are standardised (z-scores, population sd); a unit with a missing value is not
    grouped (its group is NA, to be set by the office). k-means (scikit-learn, 20 starts) or
    Ward's hierarchical clustering (SciPy). Without ``k``, the k in ``k_range`` with the
    largest mean silhouette width. Groups are numbered 1… by their mean standardised level,
    highest first. Returns the groups (Series of Int64 by unit) and the criterion per k.
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    if method not in ("kmeans", "ward"):
        raise InputError("one_of", name="method", choices="kmeans, ward", got=method)
    complete = features.dropna()
    sd = complete.std(ddof=0).replace(0, np.nan)
    z = ((complete - complete.mean()) / sd).dropna(axis=1)
    n = len(z) if z.shape[1] else 0  # no indicator with a spread: nothing to cluster on
    low, high = (k, k) if k is not None else k_range
    if n < 3 or z.shape[1] == 0 or low < 2 or high >= n:
        raise InputError("assessment_too_few_to_cluster", n=n, k=low)

    def labels_for(count: int) -> np.ndarray:
        if method == "kmeans":
            return KMeans(n_clusters=count, n_init=20, random_state=seed).fit_predict(z.to_numpy())
        return fcluster(linkage(z.to_numpy(), method="ward"), t=count, criterion="maxclust") - 1

    rows, best = [], None
    for count in range(low, high + 1):
        labels = labels_for(count)
        width = silhouette_score(z.to_numpy(), labels) if len(set(labels)) > 1 else np.nan
        rows.append({"k": count, "silhouette": width})
        if best is None or (not np.isnan(width) and width > best[1]):
            best = (labels, width)
    labels = best[0]
    level = pd.Series(z.mean(axis=1).to_numpy()).groupby(labels).mean().sort_values(ascending=False)
    number = {label: i + 1 for i, label in enumerate(level.index)}
    groups = pd.Series([number[x] for x in labels], index=z.index, dtype="Int64").reindex(features.index)
    return groups, pd.DataFrame(rows)


# ------------------------------------------------------------------------------ 对照学习

def nearest_better(scores: pd.Series, features: pd.DataFrame, groups: pd.Series | None = None,
                   n: int = 3) -> dict[str, list[str]]:
    """For each unit, the ``n`` units of its peer group with a higher score that are nearest
    to it in standardised indicators (Euclidean distance): whom to learn from."""
    z = (features - features.mean()) / features.std(ddof=0).replace(0, np.nan)
    z = z.fillna(0.0)  # a missing indicator counts as the mean: distance from the others only
    group = pd.Series("1", index=scores.index) if groups is None else groups.reindex(scores.index)
    out = {}
    for unit, score in scores.dropna().items():
        better = [u for u, s in scores.dropna().items() if s > score and group.get(u) == group.get(unit) and u in z.index]
        if unit not in z.index or not better:
            out[unit] = []
            continue
        distance = np.sqrt(((z.loc[better] - z.loc[unit]) ** 2).sum(axis=1))
        out[unit] = list(distance.sort_values(kind="stable").index[:n])
    return out


def _growth(series: pd.Series, year: int, span: int) -> float:
    """The compound yearly growth of ``series`` (indexed by year) over the ``span`` years to
    ``year`` (from the earliest available year in that window); NaN without two positive values."""
    window = series[(series.index <= year) & (series.index >= year - span)].dropna()
    if len(window) < 2 or window.index[-1] == window.index[0] or (window.iloc[[0, -1]] <= 0).any():
        return np.nan
    years = window.index[-1] - window.index[0]
    return (window.iloc[-1] / window.iloc[0]) ** (1 / years) - 1


def benchmark_gaps(panel: pd.DataFrame, unit: str, benchmarks: list[str], directions: dict[str, int], *,
                   year: int, span: int = 5) -> pd.DataFrame:
    """The gaps of ``unit`` to each benchmark unit, per indicator.

    ``panel``: long table unit_code, indicator, year, value; ``directions``: indicator → +1
    (higher is better) or −1. For each (benchmark, indicator) with a value of both in ``year``
    (else their latest year ≤ ``year``): the unit's and the benchmark's value, the gap
    (benchmark − unit, in the indicator's unit), the relative gap (gap / |unit|), whether the
    unit is behind, the unit's compound growth over ``span`` years, and the years that growth
    needs to reach the benchmark's value (0 when not behind, ∞ when the unit is not moving
    towards it). Sorted by benchmark, then the largest relative gap behind first.
    """
    codes = panel["unit_code"].astype(str)
    rows = []
    for indicator, direction in directions.items():
        if direction not in (1, -1):
            raise InputError("assessment_direction", indicator=indicator, direction=direction)
        series = panel[panel["indicator"] == indicator]
        own = series[codes.loc[series.index] == unit].set_index("year")["value"].sort_index()
        own_now = own[own.index <= year].dropna()
        if own_now.empty:
            continue
        v, v_year = float(own_now.iloc[-1]), int(own_now.index[-1])
        g = _growth(own, v_year, span)
        for bench in benchmarks:
            theirs = series[codes.loc[series.index] == bench].set_index("year")["value"].sort_index()
            theirs = theirs[theirs.index <= year].dropna()
            if theirs.empty:
                continue
            b = float(theirs.iloc[-1])
            gap = b - v
            behind = gap * direction > 0
            rows.append({"benchmark": bench, "indicator": indicator, "direction": direction, "unit_value": v,
                         "unit_year": v_year, "benchmark_value": b, "benchmark_year": int(theirs.index[-1]),
                         "gap": gap, "relative_gap": gap / abs(v) if v else np.nan, "behind": bool(behind),
                         "growth": g, "years_to_close": _years_to_close(v, b, g, behind)})
    out = pd.DataFrame(rows, columns=["benchmark", "indicator", "direction", "unit_value", "unit_year",
                                      "benchmark_value", "benchmark_year", "gap", "relative_gap", "behind",
                                      "growth", "years_to_close"])
    if out.empty:
        return out
    out["_order"] = np.where(out["behind"], -(out["relative_gap"] * out["direction"]).abs(), np.inf)
    return out.sort_values(["benchmark", "_order", "indicator"], kind="stable").drop(columns="_order").reset_index(drop=True)


def _years_to_close(v: float, b: float, g: float, behind: bool) -> float:
    """ln(b / v) / ln(1 + g): the years at growth g from v to b (0 when not behind; ∞ when g
    moves away from b, or the two values have different signs)."""
    if not behind:
        return 0.0
    if np.isnan(g) or v <= 0 or b <= 0 or g <= -1 or g == 0:
        return math.inf
    years = math.log(b / v) / math.log1p(g)
    return years if years > 0 else math.inf
