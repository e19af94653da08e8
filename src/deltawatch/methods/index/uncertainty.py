"""Uncertainty and sensitivity analysis: how much do the ranks owe to the builder's choices?

Each *factor* is one uncertain choice of the pipeline — the number of points winsorised, the
normalisation, the weights (perturbed by ±25 % at some levels), the aggregation, the
imputation — with its alternatives. An uncertainty analysis draws every factor at random for
``runs`` replications and reports each unit's nominal, mean, median, 5th and 95th percentile
rank; a sensitivity analysis draws them on a Saltelli design (SALib) and estimates first- and
total-order Sobol indices of the mean absolute rank change, with bootstrap intervals.

The runs are not rebuilt one by one. Runs that share the steps before aggregation share their
computation (a cache keyed by those steps' settings: 1,000 runs over 5 winsorisation limits
× 2 normalisations compute 10 treated-and-normalised tables), and the aggregation of all runs
that share a table is one stack of matrix products, each run with its own weights.

Factors are plain data (the ``uncertainty`` section of a spec, or ``factors=``)::

    uncertainty:
      target: Index                 # node whose ranks are analysed (default: the root)
      factors:
        - name: winmax
          step: treat
          param: winmax
          values: [1, 2, 3, 4, 5]
        - name: normalisation
          step: normalise
          alternatives:
            - {method: minmax, params: {low: 1, high: 100}}
            - {method: zscore, params: {mean: 10, sd: 2}}
        - name: weights
          noise: {2: 0.25, 3: 0.25}   # level → ± share of each nominal weight
        - name: aggregation
          step: aggregate
          alternatives: [{method: arithmetic}, {method: geometric}]

A factor may also draw a continuous parameter: ``{name: ..., step: ..., param: ..., range:
[low, high]}``. :data:`DEFAULT_FACTORS` are these four (COINr's example of ``get_sensitivity``),
each kept only if the spec has the step it varies.

A run that cannot be computed — a geometric mean meeting a value ≤ 0 — is reported with its
reason and left out of the rank statistics, never silently dropped; the Sobol estimator needs
every run and refuses to estimate when any failed.

References: Saisana, Saltelli & Tarantola (2005), *J. R. Stat. Soc. A* 168(2), 307–323;
Saltelli et al. (2010), *Comput. Phys. Commun.* 181, 259–270 (estimators, via SALib); COINr
``get_sensitivity``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .aggregate import Tree
from .errors import IndexSpecError
from .params import resolve
from .pipeline import base_weights, failure, run_prefix, score_runs
from .spec import STEP_METHODS, IndexSpec, Setting
from .table import Table, rank_desc, read_table

__all__ = ["Factor", "parse_factors", "default_factors", "uncertainty", "sensitivity", "UncertaintyResult",
           "SensitivityResult", "DEFAULT_FACTORS"]

DEFAULT_FACTORS = [
    {"name": "winmax", "step": "treat", "param": "winmax", "values": [1, 2, 3, 4, 5]},
    {"name": "normalisation", "step": "normalise", "alternatives": [
        {"method": "minmax", "params": {"low": 1, "high": 100}},
        {"method": "zscore", "params": {"mean": 10, "sd": 2}}]},
    {"name": "weights", "noise": 0.25},
    {"name": "aggregation", "step": "aggregate", "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}]},
]


@dataclass(frozen=True)
class Factor:
    """One uncertain choice. ``settings`` are the discrete alternatives of a step (resolved);
    ``span`` a continuous parameter range; ``noise`` the ± share per level of the weights."""

    name: str
    step: str | None = None
    settings: tuple[Setting, ...] = ()
    param: str | None = None
    span: tuple[float, float] | None = None
    noise: Mapping[int, float] = field(default_factory=dict)

    def pick(self, u: np.ndarray, sets: int = 1):
        """Map uniform draws in [0, 1) to alternatives (indices), parameter values, or one of
        ``sets`` pre-drawn weight perturbations."""
        if self.span is not None:
            return self.span[0] + u * (self.span[1] - self.span[0])
        n = sets if self.noise else len(self.settings)
        return np.minimum((u * n).astype(int), n - 1)

    def describe(self, choice) -> str:
        if self.noise:
            return f"weights #{int(choice)}"
        if self.span is not None:
            return f"{self.param}={float(choice):g}"
        setting = self.settings[int(choice)]
        if self.param is not None:
            return f"{self.param}={setting.params[self.param]}"
        declared = STEP_METHODS[self.step][setting.method].params
        shown = {k: v for k, v in setting.params.items() if v != declared[k].default}  # what differs from defaults
        params = ",".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items())
        return f"{setting.method}({params})" if params else setting.method


def _factor_error(name, zh: str, en: str) -> IndexSpecError:
    return IndexSpecError("factor", name=name, problem=zh, problem_en=en)


def _parse_factor(spec: IndexSpec, raw: Mapping) -> Factor | None:
    if not isinstance(raw, Mapping) or not raw.get("name"):
        raise _factor_error(raw, "应为带 name 的映射", "must be a mapping with a name")
    name = str(raw["name"])
    unknown = set(raw) - {"name", "step", "alternatives", "param", "values", "range", "noise"}
    if unknown:
        raise IndexSpecError("unknown_key", where=f"factor {name}", keys=sorted(unknown),
                             allowed=["name", "step", "alternatives", "param", "values", "range", "noise"])
    if "noise" in raw:
        noise = raw["noise"]
        levels = sorted(set(spec.levels.values()))
        if not isinstance(noise, Mapping):  # one share for every level but the root's
            top = max(levels)
            noise = {level: float(noise) for level in levels if level < top and level > 1} or {1: float(noise)}
        noise = {int(k): float(v) for k, v in noise.items()}
        if any(not 0 <= v < 1 for v in noise.values()) or set(noise) - set(levels):
            raise _factor_error(name, f"权重扰动应为 层级: 0–1 之间的比例，收到 {noise}",
                                f"weight noise must map levels to shares in [0, 1), got {noise}")
        return Factor(name, noise=noise)
    kind = raw.get("step")
    step = spec.step(kind) if kind in STEP_METHODS else None
    if step is None:
        raise _factor_error(name, f"流程中没有步骤 {kind}", f"the pipeline has no step {kind}")
    methods = STEP_METHODS[kind]
    if "alternatives" in raw:
        settings = []
        for alt in raw["alternatives"]:
            alt = {"method": alt} if isinstance(alt, str) else dict(alt)
            if set(alt) - {"method", "params"}:
                raise IndexSpecError("unknown_key", where=f"factor {name}", keys=sorted(set(alt) - {"method", "params"}),
                                     allowed=["method", "params"])
            method = alt.get("method", step.method)
            if method not in methods:
                raise IndexSpecError("unknown_method", step=kind, method=method, allowed=sorted(methods))
            base = dict(step.params) if method == step.method else {}
            settings.append(Setting(method, resolve(kind, methods[method], {**base, **dict(alt.get("params") or {})})))
        return Factor(name, kind, tuple(settings))
    param = raw.get("param")
    if param not in methods[step.method].params:
        raise IndexSpecError("unknown_param", step=kind, method=step.method, names=[param],
                             allowed=sorted(methods[step.method].params))
    if "values" in raw:
        settings = tuple(Setting(step.method, resolve(kind, methods[step.method], {**step.params, param: v}))
                         for v in raw["values"])
        return Factor(name, kind, settings, param=param)
    if "range" in raw:
        low, high = (float(v) for v in raw["range"])
        if not high > low:
            raise _factor_error(name, f"取值范围应为 [下限, 上限]，收到 {raw['range']}",
                                f"range must be [low, high], got {raw['range']}")
        return Factor(name, kind, (step.setting,), param=param, span=(low, high))
    raise _factor_error(name, "需要 alternatives、values、range 或 noise 之一",
                        "needs one of alternatives, values, range or noise")


def default_factors(spec: IndexSpec) -> list[dict]:
    """COINr's standard factors, keeping those whose step is in the spec."""
    kinds = {s.kind for s in spec.pipeline}
    out = []
    for raw in DEFAULT_FACTORS:
        if raw.get("step") == "treat" and (spec.step("treat") is None
                                           or spec.step("treat").method not in ("winsorise", "winsorise_log")):
            continue
        if raw.get("step") in (None, *kinds):
            out.append(raw)
    return out


def parse_factors(spec: IndexSpec, factors: Sequence[Mapping] | None = None) -> list[Factor]:
    """The factors given, else the spec's ``uncertainty.factors``, else :func:`default_factors`."""
    if factors is None:
        factors = (spec.uncertainty or {}).get("factors") or default_factors(spec)
    parsed = [_parse_factor(spec, raw) for raw in factors]
    names = [f.name for f in parsed]
    if len(set(names)) != len(names):
        raise _factor_error(names, "名称重复", "names repeat")
    return parsed


# ---- the engine ----------------------------------------------------------------------------------
def _noise_sets(spec: IndexSpec, tree: Tree, factor: Factor, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` weight multipliers (count, nodes): 1 + U(−f, f) for nodes at a noisy level
    (COINr ``get_noisy_weights``); a run draws one of them."""
    share = np.array([factor.noise.get(int(level), 0.0) for level in tree.level])
    return 1 + (rng.random((count, len(tree.codes))) * 2 - 1) * share


def _variant(spec: IndexSpec, settings: dict[str, Setting]) -> IndexSpec:
    """The spec with some steps' default settings replaced (per-indicator or per-level
    overrides are dropped when the method changes, as :meth:`IndexSpec.replace_step` does)."""
    steps = []
    for step in spec.pipeline:
        setting = settings.get(step.kind)
        if setting is None:
            steps.append(step)
        else:
            keep = setting.method == step.method
            steps.append(replace(step, setting=setting, overrides=step.overrides if keep else {}))
    return replace(spec, pipeline=tuple(steps))


@dataclass
class _Plan:
    settings: list[dict[str, Setting]]
    noise_index: np.ndarray | None
    labels: pd.DataFrame


def _plan(spec: IndexSpec, factors: list[Factor], U: np.ndarray) -> _Plan:
    runs = len(U)
    settings: list[dict[str, Setting]] = [{} for _ in range(runs)]
    labels = {}
    noise_index = None
    for k, factor in enumerate(factors):
        choices = factor.pick(U[:, k], sets=runs)
        labels[factor.name] = [factor.describe(c) for c in choices]
        if factor.noise:
            noise_index = choices
            continue
        for r, choice in enumerate(choices):
            if factor.span is not None:
                base = settings[r].get(factor.step) or spec.step(factor.step).setting
                setting = Setting(base.method, {**base.params, factor.param: float(choice)})
            else:
                setting = factor.settings[int(choice)]
                base = settings[r].get(factor.step)
                if base is not None and base.method == setting.method and factor.param:
                    setting = Setting(base.method, {**base.params, factor.param: setting.params[factor.param]})
            settings[r][factor.step] = setting
    return _Plan(settings, noise_index, pd.DataFrame(labels))


def _run(spec: IndexSpec, table: Table, factors: list[Factor], U: np.ndarray, target: str, seed) -> tuple:
    """Scores of ``target`` per (run, unit), the failures, and the per-run choices."""
    plan = _plan(spec, factors, U)
    units = pd.Index(pd.unique(table.units.astype(str)))
    runs = len(U)
    scores = np.full((runs, len(units)), np.nan)
    failures: dict[int, str] = {}
    cache: dict = {}
    rng = np.random.default_rng(seed)
    noise_factor = next((f for f in factors if f.noise), None)
    noise = None
    groups: dict[str, list[int]] = {}  # runs with the same settings; run_prefix's cache shares the steps
    for r, settings in enumerate(plan.settings):  # before aggregation between groups that differ only after
        key = json.dumps({k: v.to_dict() for k, v in settings.items()}, sort_keys=True, default=str)
        groups.setdefault(key, []).append(r)
    for members in groups.values():
        variant = _variant(spec, plan.settings[members[0]])
        prefix = run_prefix(variant, table, cache, keep=False)
        tree = Tree.from_spec(variant, prefix.table.columns)
        if noise_factor is not None and noise is None:
            noise = _noise_sets(spec, tree, noise_factor, runs, rng)
        target_column = tree.codes.index(target)
        base = base_weights(variant, tree)
        columns = units.get_indexer(prefix.table.units.astype(str))
        chunk = max(1, int(2e7 // max(prefix.table.n_rows * len(tree.codes), 1)))
        for start in range(0, len(members), chunk):
            batch = np.array(members[start:start + chunk])
            batch_noise = None if noise is None else noise[plan.noise_index[batch]]
            result, failed, _ = score_runs(variant, prefix.table, tree, np.repeat(base[None], len(batch), axis=0),
                                           noise=batch_noise)
            scores[np.ix_(batch, columns)] = result[:, :, target_column]
            for local, detail in failed.items():
                run = int(batch[local])
                error = failure(variant, tree, prefix.table, detail)
                failures[run] = f"{error.params['method_en']} at {error.params['where']}: {error.params['detail']}"
                scores[run] = np.nan
    return units, scores, failures, plan.labels


def _one_year(spec: IndexSpec, data, year) -> Table:
    table = data if isinstance(data, Table) else read_table(spec, data, year)
    if table.years is not None and len(np.unique(table.years)) > 1:
        raise IndexSpecError("one_year", n=len(np.unique(table.years)))
    return table


def _target(spec: IndexSpec, target: str | None) -> str:
    target = target or (spec.uncertainty or {}).get("target") or spec.root
    if target not in spec.levels:
        raise _factor_error("target", f"目标节点 {target} 不在指数结构中", f"the target node {target} is not in the tree")
    return target


def _rank_stats(units, nominal_scores, ranks: np.ndarray) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a unit ranked in no run: NaN, said by its row
        return pd.DataFrame({
            "unit_code": units,
            "nominal_score": nominal_scores,
            "nominal_rank": rank_desc(nominal_scores),
            "mean_rank": np.nanmean(ranks, axis=0),
            "median_rank": np.nanmedian(ranks, axis=0),
            "q05_rank": np.nanquantile(ranks, 0.05, axis=0),
            "q95_rank": np.nanquantile(ranks, 0.95, axis=0),
        })


@dataclass
class UncertaintyResult:
    """Ranks of the target under every run.

    Attributes
    ----------
    target : str
    rank_stats : DataFrame
        Per unit: nominal score and rank; mean, median, 5th and 95th percentile rank over the
        runs that could be computed (percentiles as R's default, type 7).
    scores, ranks : DataFrame
        Units × runs.
    choices : DataFrame
        The alternative each factor took in each run.
    failures : DataFrame
        Runs that could not be computed, and why.
    """

    target: str
    factors: list[Factor]
    rank_stats: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    choices: pd.DataFrame
    failures: pd.DataFrame
    seed: int | None = None


def _nominal(spec: IndexSpec, table: Table, units: pd.Index, target: str) -> np.ndarray:
    from .pipeline import build

    result = build(spec, table)
    series = result.scores[target]
    if isinstance(series.index, pd.MultiIndex):
        series = series.droplevel("year")
    return series.reindex(units).to_numpy()


def _result(spec, table, factors, U, target, seed) -> UncertaintyResult:
    units, scores, failures, labels = _run(spec, table, factors, U, target, seed)
    ranks = rank_desc(scores, axis=1)
    nominal = _nominal(spec, table, units, target)
    good = np.setdiff1d(np.arange(len(U)), list(failures))
    stats = _rank_stats(units, nominal, ranks[good])
    run_names = [f"run_{k + 1}" for k in range(len(U))]
    return UncertaintyResult(
        target=target, factors=factors, rank_stats=stats,
        scores=pd.DataFrame(scores.T, index=units, columns=run_names),
        ranks=pd.DataFrame(ranks.T, index=units, columns=run_names),
        choices=labels.set_axis(run_names),
        failures=pd.DataFrame({"run": [run_names[r] for r in failures], "reason": list(failures.values())}),
        seed=seed)


def uncertainty(spec: IndexSpec, data, runs: int = 1000, seed: int | None = 0, factors=None,
                target: str | None = None, year: int | None = None) -> UncertaintyResult:
    """Monte Carlo uncertainty analysis of the ranks of ``target``.

    Parameters
    ----------
    spec : IndexSpec
    data : DataFrame
        As for :func:`~deltawatch.methods.index.build`; one year (``year`` chooses it).
    runs : int
        Replications (default 1,000).
    seed : int
        Seed of the random draws: the same seed gives the same result.
    factors : list of mappings, optional
        The uncertain choices (see the module docstring); default: the spec's, else COINr's.
    target : str, optional
        The node whose ranks are analysed (default: the spec's, else the root).
    """
    table = _one_year(spec, data, year)
    factors = parse_factors(spec, factors)
    U = np.random.default_rng(seed).random((runs, len(factors)))
    return _result(spec, table, factors, U, _target(spec, target), None if seed is None else seed + 1)


@dataclass
class SensitivityResult:
    """First- and total-order Sobol indices of the mean absolute rank change, per factor.

    Attributes
    ----------
    indices : DataFrame
        factor, S1, S1_conf, ST, ST_conf (half-widths of the bootstrap intervals at
        ``conf_level``).
    uncertainty : UncertaintyResult
        The runs; rank statistics from the 2N independent runs (matrices A and B).
    output : ndarray
        Mean absolute rank change of each run (the model output analysed).
    """

    indices: pd.DataFrame
    uncertainty: UncertaintyResult
    output: np.ndarray
    n: int
    conf_level: float


def sensitivity(spec: IndexSpec, data, n: int = 100, seed: int | None = 0, factors=None,
                target: str | None = None, year: int | None = None, bootstrap: int = 100,
                conf_level: float = 0.95) -> SensitivityResult:
    """Variance-based sensitivity analysis: N(d + 2) runs on a Saltelli design (SALib), Sobol
    first- and total-order indices of the mean absolute change of the target's ranks from the
    nominal ranks, with ``bootstrap`` resamples for their intervals.

    SALib's Sobol sequence balances best when ``n`` is a power of 2; other values are used as
    given (COINr's example uses N = 100).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    table = _one_year(spec, data, year)
    factors = parse_factors(spec, factors)
    if len(factors) < 2:
        raise _factor_error([f.name for f in factors], "敏感性分析至少需要两个因素", "sensitivity analysis needs two factors or more")
    problem = {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "N should be a power of 2": said in the docstring
        U = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    U = np.clip(U, 0.0, np.nextafter(1.0, 0.0))
    target = _target(spec, target)
    result = _result(spec, table, factors, U, target, seed)
    if len(result.failures):
        raise IndexSpecError("failed_runs_sobol", n=len(result.failures), example=result.failures["reason"].iloc[0])
    ranks = result.ranks.to_numpy().T
    nominal = result.rank_stats["nominal_rank"].to_numpy()
    output = np.nanmean(np.abs(ranks - nominal[None, :]), axis=1)
    step = len(factors) + 2
    independent = np.r_[np.arange(0, len(U), step), np.arange(step - 1, len(U), step)]
    result.rank_stats = _rank_stats(result.rank_stats["unit_code"].to_numpy(), result.rank_stats["nominal_score"].to_numpy(),
                                    ranks[np.sort(independent)])
    indices = sobol_analyze.analyze(problem, output, calc_second_order=False, num_resamples=bootstrap,
                                    conf_level=conf_level, seed=seed)
    frame = pd.DataFrame({"factor": problem["names"], "S1": indices["S1"], "S1_conf": indices["S1_conf"],
                          "ST": indices["ST"], "ST_conf": indices["ST_conf"]})
    return SensitivityResult(frame, result, output, n, conf_level)
