"""What an assessment reads from the database and what it stores (issue 15).

The components of a unit, each on a 0–100 scale, for the scheme's year:

``index``     the root score of a composite index spec (``indices``) built on the approved values
              of the scheme's region group for that year (the engine's scale: 0–100 after min–max);
``progress``  the mean Open SDG progress score of the unit's own series — its targets, and its
              indicators without a target by their trend (``progress.services.assess_all`` with the
              values up to that year) — mapped from −5…5 to 0…100 by (s + 5) × 10;
``tasks``     the ledger's assignments of the unit's own organisations (a city government's for
              its city; a department's own), as they stood at the end of the year (or today, for
              a component whose ``year`` is "current"): 100 × the mean of the on-time rate (of the
              work due by then, the share closed by its date), the first-pass rate of the office's
              review (close requests approved without a return) and the mean completion
              (percent) — ``plans.services.performance_as_of``. Not the closure rate, which would
              count work not yet due against the unit.

A scheme of departments (``Scheme.unit_kind``) has only the ``tasks`` component: indicators and
targets are the regions'.

A unit without a component has NaN there (said in ``missing``), never 0. The combination,
ranks, intervals and grades are ``methods.assessment.assess``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from deltawatch.methods import assessment as method
from deltawatch.methods.errors import InputError

from .models import Adjustment, BenchmarkPair, PeerGroup, PeerSource, Result, Run, Scheme

KINDS = method.COMPONENT_KINDS
# the parts of the task score: on-time rate, review passed at first request, mean completion
TASK_PARTS = ("on_time_rate", "first_pass_rate", "progress_share")


class SchemeError(ValueError):
    """A scheme that cannot be run as written, worded for the user."""


@dataclass(frozen=True)
class Component:
    code: str
    kind: str
    weight: float
    name_zh: str = ""
    name_en: str = ""
    spec: str = ""          # index: the spec's code (indices.commands.load)
    part: str = ""          # tasks: one part of the task score alone (TASK_PARTS), e.g. on_time_rate
    # index: a year other than the scheme's (e.g. the last year with data); tasks: the same, or
    # "current" — the ledger as it stands today (a demonstration ledger has no past years)
    year: int | str | None = None


@dataclass(frozen=True)
class Definition:
    """A scheme's definition (``Scheme.definition``), checked."""

    components: tuple[Component, ...]
    min_share: float = 0.5
    grading: dict = field(default_factory=dict)
    runs: int = 1000
    seed: int = 0
    factors: list | None = None
    peer_grouping: dict = field(default_factory=dict)

    @classmethod
    def read(cls, raw: dict) -> Definition:
        components = []
        for item in raw.get("components") or []:
            kind = item.get("kind")
            if kind not in KINDS:
                raise SchemeError(_("考核内容“%(code)s”的类型应为 %(kinds)s 之一，收到“%(kind)s”。")
                                  % {"code": item.get("code"), "kinds": "、".join(KINDS), "kind": kind})
            if kind == "index" and not item.get("spec"):
                raise SchemeError(_("考核内容“%(code)s”（指标水平）须指明指数方案。") % {"code": item.get("code")})
            if kind == "tasks" and item.get("part") and item["part"] not in TASK_PARTS:
                raise SchemeError(_("考核内容“%(code)s”的任务指标应为 %(parts)s 之一，收到“%(part)s”。")
                                  % {"code": item.get("code"), "parts": "、".join(TASK_PARTS), "part": item["part"]})
            year = item.get("year")
            if year is not None and not isinstance(year, int) and not (kind == "tasks" and year == "current"):
                raise SchemeError(_("考核内容“%(code)s”的年份应为整数（任务落实也可为 current，即截至当日），收到“%(year)s”。")
                                  % {"code": item.get("code"), "year": year})
            components.append(Component(code=item["code"], kind=kind, weight=item.get("weight"),
                                        name_zh=item.get("name_zh", ""), name_en=item.get("name_en", ""),
                                        spec=item.get("spec", ""), part=item.get("part", ""), year=item.get("year")))
        if not components:
            raise SchemeError(_("考核方案没有考核内容。"))
        weights = [c.weight for c in components]
        if any(not isinstance(w, (int, float)) or w <= 0 for w in weights):
            raise SchemeError(_("每项考核内容都须有正的权重，收到：%(weights)s。")
                              % {"weights": "、".join(f"{c.code}={c.weight}" for c in components)})
        return cls(components=tuple(components), min_share=float(raw.get("min_share", 0.5)),
                   grading=raw.get("grading") or {}, runs=int(raw.get("runs", 1000)), seed=int(raw.get("seed", 0)),
                   factors=raw.get("factors"), peer_grouping=raw.get("peer_grouping") or {})

    @property
    def weights(self) -> dict[str, float]:
        return {c.code: float(c.weight) for c in self.components}


# ------------------------------------------------------------------------------ components

def index_component(scheme: Scheme, component: Component, year: int, units: list[str]) -> pd.Series:
    """The index's root score of each unit (NaN where it has none)."""
    from deltawatch.indices.commands import load
    from deltawatch.indices.services import frame_from_database
    from deltawatch.methods.index import build

    spec = load(component.spec)
    frame, _vintage = frame_from_database(spec, years=[year], group=scheme.group.code)
    unit_column = spec.data["unit"]
    frame = frame[frame[unit_column].astype(str).isin(units)]
    if frame.empty:
        return pd.Series(np.nan, index=units)
    scores = build(spec, frame).scores[spec.root]
    if isinstance(scores.index, pd.MultiIndex):
        scores = scores.droplevel(-1)
    scores.index = scores.index.astype(str)
    return scores.reindex(units)


def progress_component(year: int, units: list[str]) -> pd.Series:
    """The mean Open SDG score of each unit's assessed series, as 0–100."""
    from deltawatch.progress.services import assess_all

    assessed = assess_all(untargeted=True, as_of=year)
    assessed = assessed[assessed["region_code"].astype(str).isin(units) & assessed["score"].notna()]
    mean = assessed.groupby(assessed["region_code"].astype(str))["score"].mean()
    return ((mean + 5.0) * 10.0).reindex(units)


def task_as_of(year: int | str | None) -> dt.date:
    """The day the task component reads the ledger at: the end of ``year``, never after today."""
    from django.utils import timezone

    today = timezone.localdate()
    if year == "current" or year is None:
        return today
    return min(dt.date(int(year), 12, 31), today)


def task_performance(as_of: dt.date, *, departments: bool = False) -> pd.DataFrame:
    """Per region (of the assigned organisations) or per department (organisation code): the
    ledger's counts and rates as of ``as_of`` and the parts of the task score (0–1)."""
    from deltawatch.accounts.models import Organisation
    from deltawatch.plans.services import performance_as_of, performance_rates

    frame = performance_as_of(as_of)
    if departments:
        codes = dict(Organisation.objects.filter(pk__in=frame["unit_id"].tolist()).values_list("pk", "code"))
        frame["unit_code"] = frame["unit_id"].map(codes)
    else:
        frame = frame[frame["region"] != ""].assign(unit_code=lambda f: f["region"])
    counts = ["total", "closed", "closed_on_time", "overdue_open", "terminated", "percent_sum", "requests", "returns"]
    by_unit = performance_rates(frame.groupby("unit_code")[counts].sum())
    by_unit["progress_share"] = by_unit["progress"] / 100.0
    by_unit.index = by_unit.index.astype(str)
    return by_unit


def tasks_component(units: list[str], as_of: dt.date, *, departments: bool = False, part: str = "") -> pd.Series:
    """100 × the mean of the on-time rate, the first-pass rate and the mean completion of each
    unit's assignments as of ``as_of`` (a part a unit lacks — no work due yet, no close request
    yet — is left out of its mean; NaN for a unit without assignments), or 100 × one ``part``."""
    parts = task_performance(as_of, departments=departments)
    chosen = [part] if part else list(TASK_PARTS)
    score = 100.0 * parts[chosen].astype(float).mean(axis=1, skipna=True)
    return score.reindex(units)


def component_scores(scheme: Scheme, definition: Definition, year: int) -> pd.DataFrame:
    """Units (region codes) × components, 0–100, NaN where a unit has none."""
    units = list(scheme.units().values_list("code", flat=True))
    columns = {}
    for component in definition.components:
        if scheme.assesses_departments and component.kind != "tasks":
            raise SchemeError(_("部门考核方案只能包含任务落实（tasks）和加减分：考核内容“%(code)s”是%(kind)s。")
                              % {"code": component.code, "kind": component.kind})
        if component.kind == "index":
            columns[component.code] = index_component(scheme, component, component.year or year, units)
        elif component.kind == "progress":
            columns[component.code] = progress_component(year, units)
        else:
            columns[component.code] = tasks_component(units, task_as_of(component.year or year),
                                                      departments=scheme.assesses_departments, part=component.part)
    return pd.DataFrame(columns, index=pd.Index(units, name="unit_code"))


# ------------------------------------------------------------------------------ a run

def peer_groups(scheme: Scheme) -> pd.Series | None:
    rows = list(scheme.peers.values_list(f"{scheme.unit_field}__code", "label"))
    return pd.Series(dict(rows)) if rows else None


def adjustments(scheme: Scheme, year: int) -> pd.Series:
    rows = scheme.adjustments.filter(year=year).values_list(f"{scheme.unit_field}__code", "points")
    frame = pd.DataFrame(list(rows), columns=["unit", "points"])
    return frame.groupby("unit")["points"].sum()


def run_scheme(scheme: Scheme, *, year: int | None = None, runs: int | None = None, seed: int | None = None,
               user=None) -> Run:
    """Compute and store one assessment run of ``scheme`` (its definition kept with the run)."""
    from deltawatch.site.cache import data_version

    definition = Definition.read(scheme.definition)
    year = year or scheme.year
    runs = runs if runs is not None else definition.runs
    seed = definition.seed if seed is None else seed
    components = component_scores(scheme, definition, year)
    try:
        result = method.assess(components, definition.weights, bonus=adjustments(scheme, year),
                               groups=peer_groups(scheme), runs=runs, seed=seed, min_share=definition.min_share,
                               factors=definition.factors, grading=definition.grading)
    except InputError as error:
        raise SchemeError(error.message()) from None
    notes = _notes(components, result)
    unit_ids = dict(scheme.units().values_list("code", "id"))
    with transaction.atomic():
        run = Run.objects.create(scheme=scheme, year=year, definition=scheme.definition, runs=runs, seed=seed,
                                 data_version=data_version(), notes=notes, created_by=user)
        Result.objects.bulk_create([_result_row(run, scheme.unit_field, unit_ids, row, definition) for row in
                                    result.table.to_dict("records")])
    return run


def _number(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def _result_row(run: Run, unit_field: str, unit_ids: dict, row: dict, definition: Definition) -> Result:
    return Result(run=run, **{f"{unit_field}_id": unit_ids[row["unit_code"]]}, peer_group=str(row["peer_group"] or ""),
                  components={c.code: _number(row[c.code]) for c in definition.components},
                  bonus=float(row["bonus"]), missing=row["missing"], score=_number(row["score"]),
                  rank=_number(row["rank"]), group_rank=_number(row["group_rank"]),
                  q05_rank=_number(row["q05_rank"]), q95_rank=_number(row["q95_rank"]),
                  group_q05_rank=_number(row["group_q05_rank"]), group_q95_rank=_number(row["group_q95_rank"]),
                  grade=row["grade"], swaps_with=row["swaps_with"] or "", swap_share=_number(row["swap_share"]))


def _notes(components: pd.DataFrame, result) -> list[dict]:
    """What a reader of the run must know: components some units lack, peer groups too small
    for a rank within them to mean much (fewer than three scored units), failed runs."""
    notes = []
    for code in components.columns:
        lacking = components.index[components[code].isna()].tolist()
        if lacking:
            notes.append({"kind": "missing_component", "component": code, "units": lacking})
    sizes = result.table.dropna(subset=["score"]).groupby("peer_group").size()
    for label, n in sizes[sizes < 3].items():
        notes.append({"kind": "small_group", "group": str(label), "n": int(n)})
    if len(result.failures):
        notes.append({"kind": "failed_runs", "n": len(result.failures),
                      "reasons": sorted(set(result.failures["reason"]))[:5]})
    return notes


def results_frame(run: Run) -> pd.DataFrame:
    """A run's results with the units' names, best rank first (the ranking page and exports)."""
    rows = run.results.select_related("region", "organisation").order_by("rank", "region__code", "organisation__code")
    return pd.DataFrame([{
        "unit_code": r.unit.code, "unit_name": r.unit.name_zh, "unit_name_en": r.unit.name_en,
        "peer_group": r.peer_group, "score": r.score, "rank": r.rank, "group_rank": r.group_rank,
        "q05_rank": r.q05_rank, "q95_rank": r.q95_rank, "group_q05_rank": r.group_q05_rank,
        "group_q95_rank": r.group_q95_rank, "grade": r.grade, "bonus": r.bonus, "missing": r.missing,
        "swaps_with": r.swaps_with, "swap_share": r.swap_share, **{f"c:{k}": v for k, v in r.components.items()},
    } for r in rows])


def regenerate(run: Run) -> pd.DataFrame:
    """The run computed again from its stored definition, runs and seed (on today's data):
    equal to the stored results when the data have not changed."""
    definition = Definition.read(run.definition)
    components = component_scores(run.scheme, definition, run.year)
    return method.assess(components, definition.weights, bonus=adjustments(run.scheme, run.year),
                         groups=peer_groups(run.scheme), runs=run.runs, seed=run.seed,
                         min_share=definition.min_share, factors=definition.factors,
                         grading=definition.grading).table


# ------------------------------------------------------------------------------ peer groups, benchmarks

def cluster_scheme(scheme: Scheme, *, indicators: list[str], year: int, method_name: str = "ward",
                   k: int | None = None, k_range=(2, 5)) -> pd.DataFrame:
    """Peer groups of the scheme's units by clustering ``indicators`` (approved values of
    ``year``); stored as 聚类生成 (the office's own assignments are kept). Returns the criterion."""
    from deltawatch.observations.models import approved_values

    if scheme.assesses_departments:
        raise SchemeError(_("部门考核方案不能按指标聚类（指标是区域的）：请由长三角办指定分类。"))
    units = list(scheme.units().values_list("code", flat=True))
    rows = approved_values().filter(indicator__code__in=indicators, region__code__in=units, year=year)
    long = pd.DataFrame(list(rows.values_list("region__code", "indicator__code", "value")),
                        columns=["unit", "indicator", "value"])
    features = long.pivot_table(index="unit", columns="indicator", values="value", aggfunc="first").reindex(units)
    try:
        groups, criterion = method.cluster_peer_groups(features, method=method_name, k=k, k_range=tuple(k_range))
    except InputError as error:
        raise SchemeError(error.message()) from None
    regions = dict(scheme.units().values_list("code", "id"))
    kept = set(scheme.peers.filter(source=PeerSource.OFFICE).values_list("region__code", flat=True))
    with transaction.atomic():
        scheme.peers.filter(source=PeerSource.CLUSTER).delete()
        PeerGroup.objects.bulk_create([
            PeerGroup(scheme=scheme, region_id=regions[code], label=str(int(label)), source=PeerSource.CLUSTER)
            for code, label in groups.dropna().items() if code not in kept])
    return criterion


def benchmark_indicators(scheme: Scheme) -> dict[str, int]:
    """The catalogue indicators of the scheme's index components, with their direction."""
    from deltawatch.indicators.models import Indicator
    from deltawatch.indices.commands import load

    codes = {}
    for component in Definition.read(scheme.definition).components:
        if component.kind == "index":
            spec = load(component.spec)
            for code in spec.indicators:
                node = spec.node(code)
                if node.denominator is None:  # a ratio built by the spec is not a catalogue value
                    codes[node.source_column] = int(node.direction or 1)
    known = set(Indicator.objects.filter(code__in=list(codes)).values_list("code", flat=True))
    return {c: d for c, d in codes.items() if c in known}


def benchmark(scheme: Scheme, region_code: str, year: int, *, span: int = 5) -> pd.DataFrame:
    """对照学习: the unit's gaps to each of its benchmark units, per indicator (see
    ``methods.assessment.benchmark_gaps``), with the indicators' names and units."""
    from deltawatch.indicators.models import Indicator
    from deltawatch.observations.models import approved_values

    pairs = list(scheme.benchmarks.filter(region__code=region_code).values_list("benchmark__code", flat=True))
    directions = benchmark_indicators(scheme)
    if not pairs or not directions:
        return pd.DataFrame()
    rows = approved_values().filter(indicator__code__in=list(directions), region__code__in=[region_code, *pairs],
                                     year__lte=year, year__gte=year - span - 1)
    panel = pd.DataFrame(list(rows.values_list("region__code", "indicator__code", "year", "value")),
                         columns=["unit_code", "indicator", "year", "value"])
    gaps = method.benchmark_gaps(panel, region_code, pairs, directions, year=year, span=span)
    meta = {i.code: i for i in Indicator.objects.filter(code__in=list(directions))}
    gaps["indicator_name"] = gaps["indicator"].map(lambda c: meta[c].name_zh)
    gaps["indicator_name_en"] = gaps["indicator"].map(lambda c: meta[c].name_en)
    gaps["unit"] = gaps["indicator"].map(lambda c: meta[c].unit)
    return gaps


def choose_benchmarks(scheme: Scheme, run: Run, members: list[str], candidates: list[str], n: int = 3) -> int:
    """For each of ``members``, the ``n`` nearest better performers among ``candidates`` in the
    run (Euclidean distance over the components), stored as 聚类生成 benchmark pairs."""
    table = results_frame(run).set_index("unit_code")
    component_columns = [c for c in table.columns if c.startswith("c:")]
    pool = table.loc[[u for u in members + candidates if u in table.index]]
    scores = pool["score"].astype(float)
    features = pool[component_columns].astype(float)
    regions = dict(scheme.units().values_list("code", "id"))
    made = 0
    with transaction.atomic():
        scheme.benchmarks.filter(source=PeerSource.CLUSTER).delete()
        for unit in members:
            if unit not in scores.index or np.isnan(scores[unit]):
                continue
            others = scores.drop([m for m in members if m != unit], errors="ignore")  # learn from the candidates
            chosen = method.nearest_better(others, features.loc[others.index], None, n=n).get(unit, [])
            for bench in chosen:
                BenchmarkPair.objects.get_or_create(scheme=scheme, region_id=regions[unit], benchmark_id=regions[bench],
                                                    defaults={"source": PeerSource.CLUSTER})
                made += 1
    return made


def add_adjustment(scheme: Scheme, *, unit, year: int, points, reason: str, user=None) -> Adjustment:
    """A bonus or deduction for one of the scheme's units (a region or a department) with its
    reason (refused without one)."""
    from django.core.exceptions import ValidationError

    item = Adjustment(scheme=scheme, **{scheme.unit_field: unit}, year=year, points=points,
                      reason=(reason or "").strip(), entered_by=user)
    try:
        item.full_clean()
    except ValidationError as error:
        raise SchemeError("；".join(m for messages in error.message_dict.values() for m in messages)) from None
    item.save()
    return item
