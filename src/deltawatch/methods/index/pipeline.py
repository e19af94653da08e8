"""Run a spec on data: the steps in order, then aggregation of every level.

:func:`build` is the whole thing for one spec. The uncertainty engine uses its two halves:
:func:`run_prefix` (the steps before aggregation, cached by their settings, so a thousand runs
that share a normalisation share its computation) and :func:`score_runs` (aggregation of many
runs at once, each with its own weights).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import denominate, impute, normalise, screen, treat
from . import weights as weighting
from .aggregate import Tree, aggregate_tree, chain, label
from .errors import IndexSpecError
from .result import IndexResult, LazyFrames, StepRecord
from .table import Table, data_hash, rank_desc, read_table

__all__ = ["build", "run_prefix", "score_runs", "base_weights", "ranks_by_year", "failure", "Prefix"]

MODULES = {"denominate": denominate, "screen": screen, "impute": impute, "treat": treat, "normalise": normalise}
DATASETS = {"denominate": "Denominated", "screen": "Screened", "impute": "Imputed", "treat": "Treated",
            "normalise": "Normalised"}


@dataclass
class Prefix:
    """The outcome of the steps before aggregation: the table of normalised values, the
    datasets and the step records."""

    table: Table
    datasets: dict
    records: list


def step_key(step) -> str:
    return json.dumps(step.to_dict(), sort_keys=True, default=str)


def run_prefix(spec, table: Table, cache: dict | None = None, keep: bool = True) -> Prefix:
    """Run every step but the weights and the aggregation.

    ``cache`` maps the settings of the steps so far to their outcome: runs that differ only in
    later steps reuse the earlier ones. ``keep=False`` skips the DataFrame copies of each
    dataset (the uncertainty engine needs only the final table).
    """
    datasets = {"Raw": table} if keep else {}
    records: list[StepRecord] = []
    key = ""
    for step in spec.pipeline:
        if step.kind not in MODULES:
            continue
        key += step_key(step)
        if cache is not None and key in cache:
            table, record = cache[key]
        else:
            table, details = MODULES[step.kind].apply(table, step, spec)
            record = StepRecord(step.kind, step.method, dict(step.params), DATASETS[step.kind], details)
            if cache is not None:
                cache[key] = (table, record)
        records.append(record)
        if keep:
            datasets[DATASETS[step.kind]] = table
    return Prefix(table, datasets, records)


def weight_setting(spec, level: int):
    """The weight setting for the children of the nodes at ``level + 1`` (weights are keyed by
    the level of the nodes weighted)."""
    step = spec.step("weight")
    return None if step is None else step.setting_for(level)


def base_weights(spec, tree: Tree) -> np.ndarray:
    """Each node's weight before any data-driven method: given (1 when none is declared),
    equal, or from AHP — per the weight step's setting for the node's level."""
    out = np.array([1.0 if spec.node(c).weight is None else spec.node(c).weight for c in tree.codes])
    position = {c: k for k, c in enumerate(tree.codes)}
    for parent, children in spec.children.items():
        setting = weight_setting(spec, spec.levels[parent] - 1)
        if setting is None or setting.method == "given":
            continue
        kids = [position[c] for c in children]
        if setting.method == "equal":
            out[kids] = 1.0
        elif setting.method == "ahp":
            out[kids] = weighting.ahp_for_parent(setting.params["matrices"], parent, children,
                                                 setting.params["max_cr"]).weights
    return out


def _weigh(spec):
    """The callable aggregate_tree uses for data-driven weights (None when there are none)."""
    step = spec.step("weight")
    if step is None or not ({step.method} | {s.method for s in step.overrides.values()}) & weighting.DATA_DRIVEN:
        return None

    def weigh(level: int, X: np.ndarray):
        setting = step.setting_for(level)
        if setting.method not in weighting.DATA_DRIVEN:
            return None
        return getattr(weighting, setting.method)(X, **setting.params)

    return weigh


def score_runs(spec, table: Table, tree: Tree, weights: np.ndarray, noise=None):
    """Scores of every node for a stack of runs sharing one prefix.

    ``weights`` (runs, nodes) are each run's base weights; ``noise`` (runs, nodes), when given,
    multiplies them and the data-driven weights. Returns scores (runs, rows, nodes), failures
    (run → detail) and the weights used.
    """
    step = spec.step("aggregate")
    if noise is not None:
        weights = weights * noise
    scores, failures, used = aggregate_tree(table.values[None], tree, weights, step.setting_for,
                                            table.year_slices(), _weigh(spec), noise)
    if step.params.get("chain"):
        if table.years is None:
            raise IndexSpecError("no_years", method="chain", column=spec.data.get("year") or "year")
        scores = chain(scores, table.units, table.years)
    return scores, failures, used


def failure(spec, tree: Tree, table: Table, detail) -> IndexSpecError:
    """The error of a mean that met a value ≤ 0 (a failure reported by ``aggregate_tree``),
    naming the node, the method, the unit, the child and the value."""
    level, parent, row, child, value = detail
    setting = spec.step("aggregate").setting_for(level)
    unit = table.row_keys()[row]
    return IndexSpecError("positive_needed", where=tree.codes[parent], method=label(setting, "zh"),
                          method_en=label(setting, "en"),
                          detail=f"{'/'.join(map(str, unit))} · {tree.codes[child]} = {value:g}")


def ranks_by_year(scores: np.ndarray, table: Table) -> np.ndarray:
    """Ranks of each column of ``scores`` (rows, columns) within each year."""
    out = np.full_like(scores, np.nan)
    for rows in table.year_slices():
        out[rows] = rank_desc(scores[rows], axis=0)
    return out


def weight_table(spec, tree: Tree, used: np.ndarray) -> pd.DataFrame:
    """Per node: parent, level, weight used, share among its siblings, effective weight."""
    position = {c: k for k, c in enumerate(tree.codes)}
    parents = [spec.node(c).parent for c in tree.codes]
    parent = np.array([position.get(p, -1) for p in parents])
    sibling_total = np.zeros(len(parent))
    np.add.at(sibling_total, parent[parent >= 0], used[parent >= 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(parent >= 0, used / sibling_total[np.maximum(parent, 0)], 1.0)
    return pd.DataFrame({"node": tree.codes, "parent": parents, "level": tree.level, "weight": used, "share": share,
                         "effective": weighting.effective_weights(parent, used)})


def build(spec, data: pd.DataFrame | Table, year: int | None = None) -> IndexResult:
    """Build the index: every step of the spec on the data, then scores and ranks of every node.

    Parameters
    ----------
    spec : IndexSpec
    data : DataFrame
        One row per unit (and year): the unit column named in ``spec.data['unit']`` (or the
        index), the indicators, and the group and denominator columns the spec names.
    year : int, optional
        Keep this year only.

    Returns
    -------
    IndexResult
    """
    table = data if isinstance(data, Table) else read_table(spec, data, year)
    digest = data_hash(table)
    prefix = run_prefix(spec, table)
    table = prefix.table
    tree = Tree.from_spec(spec, table.columns)
    base = base_weights(spec, tree)
    scores, failures, used = score_runs(spec, table, tree, base[None])
    if failures:
        raise failure(spec, tree, table, failures[0])
    scores = scores[0]
    prefix.datasets["Aggregated"] = lambda: table.frame(scores, tree.codes)
    aggregate_step = spec.step("aggregate")
    records = prefix.records + [StepRecord("aggregate", aggregate_step.method, dict(aggregate_step.params),
                                           "Aggregated", {})]
    datasets = LazyFrames(prefix.datasets)
    tables = LazyFrames({"scores": lambda: datasets["Aggregated"],
                         "ranks": lambda: table.frame(ranks_by_year(scores, table), tree.codes),
                         "weights": lambda: weight_table(spec, tree, used[0])})
    return IndexResult(spec=spec, data_hash=digest, datasets=datasets, steps=records, tables=tables,
                       warnings=_warnings(prefix))


def _warnings(prefix: Prefix) -> list[str]:
    out = []
    for record in prefix.records:
        settings = record.details.get("settings")
        if record.kind == "normalise" and settings is not None and settings["values_lost"].any():
            lost = settings.loc[settings["values_lost"], "indicator"].tolist()
            out.append(f"标准化后出现缺失（取值全同或缺少分母）：{lost} / values lost in normalisation "
                       f"(constant column or zero range): {lost}")
    return out
