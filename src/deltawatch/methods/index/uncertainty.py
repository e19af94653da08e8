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

The runs can be computed elsewhere (``executor=``: local processes, a Dask cluster; module
:mod:`.executors`). The draws are made here, up front, from the seed; the runs are cut into
chunks of ``chunk_runs`` by a rule that ignores the executor, and put back in run order: a seed
gives the same result whichever executor computes it (docs/scaling.md).

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

**Designs.** The runs can also be given from outside (``design=``): a table with one row per
run, a column per factor holding its choice as a user writes it (``winmax`` = ``3``,
``normalisation`` = ``zscore`` or ``minmax(low=1)``, ``aggregation`` = ``geometric``, a
continuous parameter as its value) and, for the weights factor, one ``weight:<node>`` column
per perturbed node holding the multiplier of its nominal weight (1 = nominal; the multiplier,
not the weight, because data-driven weights only exist once the data are seen). Every result
carries the design it ran (``result.design``, same format), so an analysis designed by another
tool or an auditor is replayed exactly, and writing a design then reading it back gives
identical ranks. For :func:`sensitivity` a design replaces the Saltelli sample and must be one:
N(d + 2) rows in SALib's order (per block A, AB₁ … AB_d, B, where AB_i is A with factor i
taken from B); anything else is refused with the row and column that break the structure.

**Sobol convention** (SALib ``sobol.analyze``, read in SALib 1.6's source): the outputs are
first standardised over all N(d + 2) runs, y ← (y − ȳ)/sd(y), and each index is divided by the
*population* variance (``np.var``, ddof = 0) of the 2N outputs of A and B:
S_i = mean(y_B · (y_ABi − y_A)) / V (Saltelli et al. 2010),
ST_i = ½ mean((y_A − y_ABi)²) / V (Jansen 1999); intervals are ± z · sd of ``bootstrap``
resamples of the N blocks. COINr's ``SA_estimate`` uses the same two formulas without the
standardisation and with the sample variance (n − 1), so its ST is SALib's × (2N − 1)/2N and
its S1 differs further by the centring; see docs/index-spec.md.

References: Saisana, Saltelli & Tarantola (2005), *J. R. Stat. Soc. A* 168(2), 307–323;
Saltelli et al. (2010), *Comput. Phys. Commun.* 181, 259–270 (estimators, via SALib); Jansen
(1999), *Comput. Phys. Commun.* 117, 35–43; COINr ``get_sensitivity``, ``SA_estimate``.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .aggregate import Tree
from .errors import Detail, IndexSpecError
from .executors import Executor, SerialExecutor
from .params import resolve
from .pipeline import base_weights, failure, run_prefix, score_runs
from .spec import STEP_METHODS, IndexSpec, Setting
from .table import Table, rank_desc, read_table

__all__ = ["Factor", "parse_factors", "default_factors", "uncertainty", "sensitivity", "UncertaintyResult",
           "SensitivityResult", "DEFAULT_FACTORS", "WEIGHT_COLUMN"]

WEIGHT_COLUMN = "weight:"  # prefix of a design's weight-multiplier columns: weight:<node>

DEFAULT_FACTORS = [
    {"name": "winmax", "step": "treat", "param": "winmax", "values": [1, 2, 3, 4, 5]},
    {"name": "normalisation", "step": "normalise", "alternatives": [
        {"method": "minmax", "params": {"low": 1, "high": 100}},
        {"method": "zscore", "params": {"mean": 10, "sd": 2}}]},
    {"name": "weights", "noise": 0.25},
    {"name": "aggregation", "step": "aggregate", "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}]},
]


def _number(value) -> str:
    """A value as a design file writes it: a whole float without its ".0", another float in the
    shortest form that reads back to the same float (``repr``), so that a design written and
    read back gives identical runs; anything else as ``str``."""
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        value = float(value)
        return str(int(value)) if value.is_integer() and abs(value) < 2 ** 53 else repr(value)
    return str(value)


def _plain(text) -> str:
    """Text compared without case or white space, ``,`` and ``;`` alike (``ZScore``,
    ``zscore(mean = 10, sd = 2)`` for ``zscore(mean=10;sd=2)``)."""
    return re.sub(r"\s+", "", str(text)).replace(",", ";").casefold()


def _same_value(text: str, value) -> bool:
    """Whether a design cell names a parameter value: as numbers when both are, else as text."""
    try:
        return float(text) == float(value)
    except (TypeError, ValueError):
        return _plain(text) == _plain(_number(value))


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
        """The choice as shown in ``result.choices`` (``winmax=3``, ``zscore(mean=10;sd=2)``:
        parameters apart by ``;``, so that a label needs no quotes in a CSV design file)."""
        if self.span is not None:
            return f"{self.param}={_number(choice)}"
        setting = self.settings[int(choice)]
        if self.param is not None:
            return f"{self.param}={setting.params[self.param]}"
        declared = STEP_METHODS[self.step][setting.method].params
        shown = {k: v for k, v in setting.params.items() if v != declared[k].default}  # what differs from defaults
        params = ";".join(f"{k}={_number(v)}" for k, v in shown.items())
        return f"{setting.method}({params})" if params else setting.method

    def written(self, choice) -> str:
        """The choice as a design file writes it: a parameter's value (``3``), an alternative's
        label (``minmax(low=1)``)."""
        if self.span is not None:
            return _number(choice)
        if self.param is not None:
            return _number(self.settings[int(choice)].params[self.param])
        return self.describe(choice)

    def allowed(self) -> list[str]:
        """What a design cell of this factor may say (for the error that lists it)."""
        if self.span is not None:
            return [f"{_number(self.span[0])} ≤ {self.param} ≤ {_number(self.span[1])}"]
        return [self.written(k) for k in range(len(self.settings))]

    def read(self, text: str):
        """The choice a design cell names — an alternative's index, or a continuous value — or
        None when it names none. ``3`` and ``winmax=3`` are the same value; an alternative is
        named by its label or, when no other alternative has its method, by the method alone."""
        if self.param is not None and _plain(text).startswith(_plain(self.param) + "="):
            text = text.split("=", 1)[1]
        if self.span is not None:
            try:
                value = float(text)
            except ValueError:
                return None
            return value if self.span[0] <= value <= self.span[1] else None
        if self.param is not None:
            return next((k for k, s in enumerate(self.settings) if _same_value(text, s.params[self.param])), None)
        labels = [_plain(self.describe(k)) for k in range(len(self.settings))]
        if _plain(text) in labels:
            return labels.index(_plain(text))
        by_method = [k for k, s in enumerate(self.settings) if _plain(s.method) == _plain(text)]
        return by_method[0] if len(by_method) == 1 else None


def _factor_error(name, code: str, /, **params) -> IndexSpecError:
    """What is wrong with factor ``name``: a code of ``errors.DETAILS`` and its parameters."""
    return IndexSpecError("factor", name=name, problem=Detail(code, **params))


def _parse_factor(spec: IndexSpec, raw: Mapping) -> Factor | None:
    if not isinstance(raw, Mapping) or not raw.get("name"):
        raise _factor_error(raw, "factor_mapping")
    name = str(raw["name"])
    unknown = set(raw) - {"name", "step", "alternatives", "param", "values", "range", "noise"}
    if unknown:
        raise IndexSpecError("unknown_key", where=Detail("factor_where", name=name), keys=sorted(unknown),
                             allowed=["name", "step", "alternatives", "param", "values", "range", "noise"])
    if "noise" in raw:
        noise = raw["noise"]
        levels = sorted(set(spec.levels.values()))
        if not isinstance(noise, Mapping):  # one share for every level but the root's
            top = max(levels)
            noise = {level: float(noise) for level in levels if level < top and level > 1} or {1: float(noise)}
        noise = {int(k): float(v) for k, v in noise.items()}
        if any(not 0 <= v < 1 for v in noise.values()) or set(noise) - set(levels):
            raise _factor_error(name, "factor_noise", noise=noise)
        return Factor(name, noise=noise)
    kind = raw.get("step")
    step = spec.step(kind) if kind in STEP_METHODS else None
    if step is None:
        raise _factor_error(name, "factor_no_step", kind=kind)
    methods = STEP_METHODS[kind]
    if "alternatives" in raw:
        settings = []
        for alt in raw["alternatives"]:
            alt = {"method": alt} if isinstance(alt, str) else dict(alt)
            if set(alt) - {"method", "params"}:
                raise IndexSpecError("unknown_key", where=Detail("factor_where", name=name),
                                     keys=sorted(set(alt) - {"method", "params"}),
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
            raise _factor_error(name, "factor_range", got=raw["range"])
        return Factor(name, kind, (step.setting,), param=param, span=(low, high))
    raise _factor_error(name, "factor_kind")


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
        raise _factor_error(names, "factor_names_repeat")
    noisy = [level for f in parsed for level in f.noise]
    if len(set(noisy)) != len(noisy):  # a node's weight belongs to one factor (its design column, its Sobol index)
        raise _factor_error([f.name for f in parsed if f.noise], "factor_levels_shared", levels=sorted(noisy))
    return parsed


# ---- the runs: drawn at random, or read from a design ---------------------------------------------
@dataclass
class _Runs:
    """Every run's choice of every factor — what a design file says, resolved.

    ``picks`` maps a discrete factor to each run's alternative (index) and a continuous one to
    its value; ``multipliers`` (runs × ``tree.codes``) multiply the nominal weights (None: no
    weights factor); ``weight_nodes`` are the nodes a design writes a column for."""

    count: int
    picks: dict[str, np.ndarray]
    multipliers: np.ndarray | None
    tree: Tree
    weight_nodes: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return self.tree.codes

    def __len__(self) -> int:
        return self.count


def _owned(tree: Tree, factor: Factor) -> np.ndarray:
    """The nodes whose weight a weights factor varies: those at its levels, the root aside (its
    weight has no siblings to be shared with)."""
    return np.isin(tree.level, list(factor.noise)) & (tree.level < tree.level.max())


def _noise_sets(tree: Tree, factor: Factor, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` weight multipliers (count, nodes): 1 + U(−f, f) for nodes at a noisy level
    (COINr ``get_noisy_weights``); a run draws one of them."""
    share = np.array([factor.noise.get(int(level), 0.0) for level in tree.level])
    return 1 + (rng.random((count, len(tree.codes))) * 2 - 1) * share


def _drawn_runs(tree: Tree, factors: list[Factor], U: np.ndarray, seed) -> _Runs:
    """The runs of uniform draws ``U`` (runs × factors); the weight sets come from ``seed``.
    Each weights factor draws its own sets and its own column of ``U`` picks among them; the
    factors' levels do not overlap, so their multipliers combine by product."""
    picks, multipliers, written = {}, None, []
    rng = np.random.default_rng(seed)
    for k, factor in enumerate(factors):
        if factor.noise:
            sets = _noise_sets(tree, factor, len(U), rng)
            drawn = sets[factor.pick(U[:, k], sets=len(U))]
            multipliers = drawn if multipliers is None else multipliers * drawn
            written += [c for c, level in zip(tree.codes, tree.level) if factor.noise.get(int(level), 0.0) > 0]
        else:
            picks[factor.name] = factor.pick(U[:, k])
    return _Runs(len(U), picks, multipliers, tree, tuple(c for c in tree.codes if c in written))


def _bad_cell(column: str, row: int, text: str, allowed) -> IndexSpecError:
    """A cell that names no allowed choice; ``row`` counts runs from 0 (the file's line is
    row + 2, after the header)."""
    got = Detail("cell_value", text=text) if text else Detail("cell_empty")
    return _factor_error(column, "design_bad_cell", run=row + 1, line=row + 2, column=column, got=got, allowed=allowed)


def _cell_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _number(value).strip()


def _read_factor(factor: Factor, column: pd.Series) -> np.ndarray:
    """A design column as the factor's choices; each distinct text is read once."""
    texts = [_cell_text(v) for v in column]
    chosen = {text: factor.read(text) if text else None for text in set(texts)}
    for row, text in enumerate(texts):
        if chosen[text] is None:
            raise _bad_cell(factor.name, row, text, factor.allowed())
    values = [chosen[text] for text in texts]
    return np.array(values, dtype=float if factor.span is not None else int)


def _read_multipliers(name: str, column: pd.Series) -> np.ndarray:
    """A ``weight:<node>`` column: finite multipliers ≥ 0, read with Python's ``float`` (exact
    for the shortest repr a design is written with)."""
    out = np.empty(len(column))
    for row, value in enumerate(column):
        text = _cell_text(value)
        try:
            out[row] = float(text)
        except ValueError:
            out[row] = np.nan
        if not (math.isfinite(out[row]) and out[row] >= 0):
            raise _bad_cell(name, row, text, Detail("multiplier_allowed"))
    return out


def _design_columns(tree: Tree, factors: list[Factor], columns: list[str]) -> dict[str, str]:
    """Check a design's columns: one per factor, and ``weight:<node>`` only for a node whose
    weight a weights factor varies. Returns {weight column: node}."""
    named = [f.name for f in factors if not f.noise]
    noise = [f for f in factors if f.noise]
    weights = {c: c[len(WEIGHT_COLUMN):].strip() for c in columns if c.casefold().startswith(WEIGHT_COLUMN)}
    owned = np.logical_or.reduce([_owned(tree, f) for f in noise]) if noise else np.zeros(len(tree.codes), bool)
    nodes = [c for c, mine in zip(tree.codes, owned) if mine]
    allowed = named + ([f"{WEIGHT_COLUMN}<{'|'.join(nodes)}>"] if noise else [])
    for column in columns:
        if column in named:
            continue
        if column not in weights:
            raise _factor_error(column, "design_unknown_column", column=column, allowed=allowed)
        if not noise:
            raise _factor_error(column, "design_weight_without_noise", column=column)
        if weights[column] not in nodes:
            raise _factor_error(column, "design_weight_node", column=column, nodes=nodes)
    repeated = sorted({n for n in weights.values() if list(weights.values()).count(n) > 1})
    if repeated:
        raise _factor_error(f"{WEIGHT_COLUMN}{repeated[0]}", "design_weight_repeated", nodes=repeated)
    for name in named:
        if name not in columns:
            raise _factor_error(name, "design_lacks_column", name=name, columns=columns)
    return weights


def _design_runs(tree: Tree, factors: list[Factor], design: pd.DataFrame) -> _Runs:
    """The runs a design table names (see the module docstring); every problem names the run,
    the column and what is allowed."""
    if not isinstance(design, pd.DataFrame):
        raise _factor_error("design", "design_not_table", got=type(design).__name__)
    frame = design.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    weights = _design_columns(tree, factors, list(frame.columns))
    if frame.empty:
        raise _factor_error("design", "design_no_runs")
    picks = {f.name: _read_factor(f, frame[f.name]) for f in factors if not f.noise}
    multipliers = None
    if any(f.noise for f in factors):
        multipliers = np.ones((len(frame), len(tree.codes)))
        for column, node in weights.items():
            multipliers[:, tree.codes.index(node)] = _read_multipliers(column, frame[column])
    return _Runs(len(frame), picks, multipliers, tree, tuple(weights.values()))


def _design_frame(factors: list[Factor], runs: _Runs, run_names: list[str]) -> pd.DataFrame:
    """The runs as a design table — what :func:`_design_runs` reads back to the same runs."""
    out = {}
    for factor in factors:
        if factor.noise:
            continue
        picks = runs.picks[factor.name]
        if factor.span is not None:
            out[factor.name] = [_number(v) for v in picks]
        else:
            out[factor.name] = np.array([factor.written(k) for k in range(len(factor.settings))], dtype=object)[picks]
    for node in runs.weight_nodes:
        out[WEIGHT_COLUMN + node] = runs.multipliers[:, runs.codes.index(node)]
    return pd.DataFrame(out, index=run_names)


# ---- the engine ----------------------------------------------------------------------------------
def _owned_columns(runs: _Runs, factor: Factor) -> np.ndarray:
    """Positions in ``runs.codes`` of the nodes a weights factor varies."""
    return np.flatnonzero(_owned(runs.tree, factor))


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
    labels: pd.DataFrame


def _plan(spec: IndexSpec, factors: list[Factor], runs: _Runs) -> _Plan:
    """Each run's step settings, and the labels of its choices."""
    count = len(runs)
    settings: list[dict[str, Setting]] = [{} for _ in range(count)]
    labels = {}
    for factor in factors:
        if factor.noise:
            moved = (runs.multipliers[:, _owned_columns(runs, factor)] != 1).any(axis=1)
            labels[factor.name] = np.where(moved, "perturbed", "nominal")
            continue
        choices = runs.picks[factor.name]
        labels[factor.name] = [factor.describe(c) for c in choices]
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
    return _Plan(settings, pd.DataFrame(labels))


CHUNK_RUNS = 250  # runs per chunk of work: a few seconds of a 3,000-unit index, a few MB of results


@dataclass
class _Chunk:
    """A slice of the runs, as a worker computes it: each run's step settings and weight
    multipliers (columns in ``codes`` order; None: no weights factor)."""

    settings: list[dict[str, Setting]]
    multipliers: np.ndarray | None


@dataclass
class _Raised:
    """An :class:`IndexSpecError` raised in a worker, carried back as data (the exception
    itself does not survive pickling: its one positional argument is not its message)."""

    code: str
    params: dict


def _chunks(plan: _Plan, size: int | None) -> list[np.ndarray]:
    """The runs cut into chunks of ``size``, in a fixed order: runs with the same settings
    together (groups in the order they first appear, runs ascending within each), so that a
    chunk computes few treated-and-normalised tables. Depends only on the runs — never on the
    executor — so every executor computes the same chunks."""
    group_of: dict[str, int] = {}
    groups = np.array([group_of.setdefault(json.dumps({k: v.to_dict() for k, v in settings.items()},
                                                      sort_keys=True, default=str), len(group_of))
                       for settings in plan.settings], dtype=int)
    order = np.argsort(groups, kind="stable")
    size = max(1, int(size or len(order) or 1))
    return [order[start:start + size] for start in range(0, len(order), size)]


def _score_chunk(chunk: _Chunk, common) -> tuple:
    """Scores of the target per (run of the chunk, unit) and the chunk's failures (its run →
    reason), or a :class:`_Raised`. Runs on whichever worker the executor chose, from the
    chunk and ``common`` = (spec, table, units, target, weight codes) alone."""
    spec, table, units, target, codes = common
    try:
        return _score_runs(spec, table, units, target, codes, chunk)
    except IndexSpecError as exc:
        return _Raised(exc.code, exc.params)


def _score_runs(spec: IndexSpec, table: Table, units: pd.Index, target: str, codes, chunk: _Chunk) -> tuple:
    count = len(chunk.settings)
    scores = np.full((count, len(units)), np.nan)
    failures: dict[int, str] = {}
    cache: dict = {}
    groups: dict[str, list[int]] = {}  # runs with the same settings; run_prefix's cache shares the steps
    for r, settings in enumerate(chunk.settings):  # before aggregation between groups that differ only after
        key = json.dumps({k: v.to_dict() for k, v in settings.items()}, sort_keys=True, default=str)
        groups.setdefault(key, []).append(r)
    for members in groups.values():
        variant = _variant(spec, chunk.settings[members[0]])
        prefix = run_prefix(variant, table, cache, keep=False)
        tree = Tree.from_spec(variant, prefix.table.columns)
        noise = None if chunk.multipliers is None else chunk.multipliers[:, [codes.index(c) for c in tree.codes]]
        target_column = tree.codes.index(target)
        base = base_weights(variant, tree)
        columns = units.get_indexer(prefix.table.units.astype(str))
        batch_size = max(1, int(2e7 // max(prefix.table.n_rows * len(tree.codes), 1)))
        for start in range(0, len(members), batch_size):
            batch = np.array(members[start:start + batch_size])
            result, failed, _ = score_runs(variant, prefix.table, tree, np.repeat(base[None], len(batch), axis=0),
                                           noise=None if noise is None else noise[batch])
            scores[np.ix_(batch, columns)] = result[:, :, target_column]
            for local, detail in failed.items():
                run = int(batch[local])
                error = failure(variant, tree, prefix.table, detail)
                failures[run] = f"{error.params['method_en']} at {error.params['where']}: {error.params['detail']}"
                scores[run] = np.nan
    return scores, failures


def _run(spec: IndexSpec, table: Table, factors: list[Factor], runs: _Runs, target: str,
         executor: Executor | None = None, chunk_runs: int | None = CHUNK_RUNS) -> tuple:
    """Scores of ``target`` per (run, unit), the failures, and the per-run choices.

    The runs are cut into chunks (:func:`_chunks`), the executor computes each
    (:func:`_score_chunk`) and the results are put back in run order: the same numbers
    whichever executor computed them (module :mod:`.executors`)."""
    plan = _plan(spec, factors, runs)
    units = pd.Index(pd.unique(table.units.astype(str)))
    chunks = _chunks(plan, chunk_runs)
    items = [_Chunk([plan.settings[r] for r in rows], None if runs.multipliers is None else runs.multipliers[rows])
             for rows in chunks]
    results = (executor or SerialExecutor()).map(_score_chunk, items, common=(spec, table, units, target, runs.codes))
    scores = np.full((len(runs), len(units)), np.nan)
    failures: dict[int, str] = {}
    for rows, result in zip(chunks, results):
        if isinstance(result, _Raised):
            raise IndexSpecError(result.code, **result.params)
        chunk_scores, chunk_failures = result
        scores[rows] = chunk_scores
        failures.update({int(rows[local]): reason for local, reason in chunk_failures.items()})
    return units, scores, failures, plan.labels


def _one_year(spec: IndexSpec, data, year) -> Table:
    table = data if isinstance(data, Table) else read_table(spec, data, year)
    if table.years is not None and len(np.unique(table.years)) > 1:
        raise IndexSpecError("one_year", n=len(np.unique(table.years)))
    return table


def _target(spec: IndexSpec, target: str | None) -> str:
    target = target or (spec.uncertainty or {}).get("target") or spec.root
    if target not in spec.levels:
        raise _factor_error("target", "factor_target", target=target)
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
        The alternative each factor took in each run (the weights factor: ``nominal`` or
        ``perturbed``; the multipliers are in ``design``).
    failures : DataFrame
        Runs that could not be computed, and why.
    seed : int or None
        The seed given (None when the runs came from a design).
    design : DataFrame
        The runs as a design table (runs × factor columns and ``weight:<node>`` multipliers):
        ``uncertainty(spec, data, design=result.design)`` replays them exactly.
    """

    target: str
    factors: list[Factor]
    rank_stats: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    choices: pd.DataFrame
    failures: pd.DataFrame
    seed: int | None = None
    design: pd.DataFrame | None = None


def _nominal(spec: IndexSpec, table: Table, units: pd.Index, target: str) -> np.ndarray:
    from .pipeline import build

    result = build(spec, table)
    series = result.scores[target]
    if isinstance(series.index, pd.MultiIndex):
        series = series.droplevel("year")
    return series.reindex(units).to_numpy()


def _result(spec, table, factors, runs: _Runs, target, seed, executor=None,
            chunk_runs: int | None = CHUNK_RUNS) -> UncertaintyResult:
    units, scores, failures, labels = _run(spec, table, factors, runs, target, executor, chunk_runs)
    ranks = rank_desc(scores, axis=1)
    nominal = _nominal(spec, table, units, target)
    good = np.setdiff1d(np.arange(len(runs)), list(failures))
    stats = _rank_stats(units, nominal, ranks[good])
    run_names = [f"run_{k + 1}" for k in range(len(runs))]
    return UncertaintyResult(
        target=target, factors=factors, rank_stats=stats,
        scores=pd.DataFrame(scores.T, index=units, columns=run_names),
        ranks=pd.DataFrame(ranks.T, index=units, columns=run_names),
        choices=labels.set_axis(run_names),
        failures=pd.DataFrame({"run": [run_names[r] for r in failures], "reason": list(failures.values())}),
        seed=seed, design=_design_frame(factors, runs, run_names))


def _nominal_tree(spec: IndexSpec, table: Table) -> Tree:
    return Tree.from_spec(spec, table.columns)


def uncertainty(spec: IndexSpec, data, runs: int = 1000, seed: int | None = 0, factors=None,
                target: str | None = None, year: int | None = None,
                design: pd.DataFrame | None = None, executor: Executor | None = None,
                chunk_runs: int | None = CHUNK_RUNS) -> UncertaintyResult:
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
    design : DataFrame, optional
        The runs, one row each (see the module docstring): replaces the random draws, so
        ``runs`` and ``seed`` are not used. ``result.design`` is such a table.
    executor : Executor, optional
        Where the runs are computed (:mod:`.executors`): None (this process),
        ``LocalExecutor(processes=N)``, ``DaskExecutor(address)``. The draws are made here, up
        front, from ``seed``; the result is the same whichever executor computes it.
    chunk_runs : int
        Runs per chunk of work handed to the executor (default :data:`CHUNK_RUNS`).
    """
    table = _one_year(spec, data, year)
    factors = parse_factors(spec, factors)
    tree = _nominal_tree(spec, table)
    if design is not None:
        return _result(spec, table, factors, _design_runs(tree, factors, design), _target(spec, target), None,
                       executor, chunk_runs)
    U = np.random.default_rng(seed).random((runs, len(factors)))
    drawn = _drawn_runs(tree, factors, U, None if seed is None else seed + 1)
    return _result(spec, table, factors, drawn, _target(spec, target), seed, executor, chunk_runs)


@dataclass
class SensitivityResult:
    """First- and total-order Sobol indices of the mean absolute rank change, per factor.

    Attributes
    ----------
    indices : DataFrame
        factor, S1, S1_conf, ST, ST_conf (half-widths of the bootstrap intervals at
        ``conf_level``).
    uncertainty : UncertaintyResult
        The runs (``uncertainty.design``: the Saltelli design, in SALib's order); rank
        statistics from the 2N independent runs (matrices A and B).
    output : ndarray
        Mean absolute rank change of each run (the model output analysed).
    """

    indices: pd.DataFrame
    uncertainty: UncertaintyResult
    output: np.ndarray
    n: int
    conf_level: float


def _choice_columns(factors: list[Factor], runs: _Runs) -> list[tuple[str, np.ndarray]]:
    """Per factor, its design column(s) as (name, runs × k values): the factor's own column,
    or the weight multipliers of the weights factor."""
    out = []
    for factor in factors:
        if factor.noise:
            out.append((factor.name, runs.multipliers[:, _owned_columns(runs, factor)]))
        else:
            out.append((factor.name, runs.picks[factor.name][:, None]))
    return out


def _check_saltelli(factors: list[Factor], runs: _Runs) -> int:
    """N, when the runs are a Saltelli sample in SALib's order (``SALib.sample.sobol`` without
    second order): N blocks of d + 2 runs — A, then AB_i (A with factor i taken from B) for
    each factor i, then B. Otherwise an error naming the run and the column that break it."""
    names = [f.name for f in factors]
    step = len(factors) + 2
    if len(runs) % step:
        raise _factor_error(names, "sobol_runs", d=len(factors), step=step, runs=len(runs))
    blocks = np.arange(len(runs) // step) * step
    columns = _choice_columns(factors, runs)
    for i, (varied, _) in enumerate(columns):
        rows = blocks + 1 + i
        for name, values in columns:
            source = blocks + (step - 1 if name == varied else 0)
            wrong = ~(values[rows] == values[source]).all(axis=1)
            if wrong.any():
                raise _saltelli_error(factors, runs, names.index(name), varied, int(rows[wrong][0]),
                                      int(source[wrong][0]), i + 1)
    return len(runs) // step


def _saltelli_error(factors, runs: _Runs, k: int, varied: str, row: int, source: int, i: int) -> IndexSpecError:
    factor = factors[k]
    if factor.noise:
        node = next(runs.codes[c] for c in _owned_columns(runs, factor)
                    if runs.multipliers[row, c] != runs.multipliers[source, c])
        column = WEIGHT_COLUMN + node
        got, expected = (_number(runs.multipliers[r, runs.codes.index(node)]) for r in (row, source))
    else:
        column = factor.name
        got, expected = (factor.written(runs.picks[factor.name][r]) for r in (row, source))
    which = "B" if factor.name == varied else "A"
    return _factor_error(column, "design_saltelli", run=row + 1, line=row + 2, i=i, varied=varied, column=column,
                         expected=expected, source=source + 1, which=which, got=got)


def _sobol_runs(spec, table, factors, n, seed, design) -> tuple[_Runs, int]:
    """The runs of a sensitivity analysis: a checked design, or SALib's Saltelli sample."""
    from SALib.sample import sobol as sobol_sample

    tree = _nominal_tree(spec, table)
    if design is not None:
        runs = _design_runs(tree, factors, design)
        return runs, _check_saltelli(factors, runs)
    problem = {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "N should be a power of 2": said in the docstring
        U = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    U = np.clip(U, 0.0, np.nextafter(1.0, 0.0))
    return _drawn_runs(tree, factors, U, seed), n


def sensitivity(spec: IndexSpec, data, n: int = 100, seed: int | None = 0, factors=None,
                target: str | None = None, year: int | None = None, bootstrap: int = 100,
                conf_level: float = 0.95, design: pd.DataFrame | None = None, executor: Executor | None = None,
                chunk_runs: int | None = CHUNK_RUNS) -> SensitivityResult:
    """Variance-based sensitivity analysis: N(d + 2) runs on a Saltelli design (SALib), Sobol
    first- and total-order indices of the mean absolute change of the target's ranks from the
    nominal ranks, with ``bootstrap`` resamples for their intervals.

    SALib's Sobol sequence balances best when ``n`` is a power of 2; other values are used as
    given (COINr's example uses N = 100). ``design`` replaces the Saltelli sample (``n`` is
    then its rows / (d + 2)); it must be one, in SALib's order — ``result.uncertainty.design``
    is. The estimators are SALib's (module docstring): S_i = mean(y_B (y_ABi − y_A)) / V and
    ST_i = ½ mean((y_A − y_ABi)²) / V on outputs standardised over all runs, V the population
    variance of the A and B outputs.

    ``executor`` and ``chunk_runs`` are as for :func:`uncertainty`: the Saltelli sample is
    drawn here, the runs computed wherever the executor puts them, the estimates made here.
    """
    from SALib.analyze import sobol as sobol_analyze

    table = _one_year(spec, data, year)
    factors = parse_factors(spec, factors)
    if len(factors) < 2:
        raise _factor_error([f.name for f in factors], "factor_two")
    runs, n = _sobol_runs(spec, table, factors, n, seed, design)
    target = _target(spec, target)
    result = _result(spec, table, factors, runs, target, None if design is not None else seed, executor, chunk_runs)
    if len(result.failures):
        raise IndexSpecError("failed_runs_sobol", n=len(result.failures), example=result.failures["reason"].iloc[0])
    ranks = result.ranks.to_numpy().T
    nominal = result.rank_stats["nominal_rank"].to_numpy()
    output = np.nanmean(np.abs(ranks - nominal[None, :]), axis=1)
    step = len(factors) + 2
    independent = np.r_[np.arange(0, len(runs), step), np.arange(step - 1, len(runs), step)]
    result.rank_stats = _rank_stats(result.rank_stats["unit_code"].to_numpy(), result.rank_stats["nominal_score"].to_numpy(),
                                    ranks[np.sort(independent)])
    problem = {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[0.0, 1.0]] * len(factors)}
    # SALib seeds its bootstrap only when ``seed`` is truthy (``if seed:``): seed 0 would draw
    # from NumPy's global state and the intervals would change from call to call
    indices = sobol_analyze.analyze(problem, output, calc_second_order=False, num_resamples=bootstrap,
                                    conf_level=conf_level, seed=None if seed is None else seed + 1)
    frame = pd.DataFrame({"factor": problem["names"], "S1": indices["S1"], "S1_conf": indices["S1_conf"],
                          "ST": indices["ST"], "ST_conf": indices["ST_conf"]})
    return SensitivityResult(frame, result, output, n, conf_level)
