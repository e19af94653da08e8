"""Progress assessment on the database: read once, compute with ``methods``, store, log changes.

Data flow: current observations (one query) → group values from their members
(``methods.aggregate``) → every target and every untargeted series assessed
(``methods.progress``, vectorised) → stored as the current assessment of each subject, with
a :class:`~.models.StatusChange` for every subject whose status differs from the last run of
the same method.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import models, transaction
from django.utils import timezone

from deltawatch.core.bulk import insert_rows
from deltawatch.indicators.models import Indicator, Target
from deltawatch.methods.aggregate import aggregate_groups
from deltawatch.methods.formula import parse_formula
from deltawatch.methods.progress import DEFAULT_BASE_YEAR, ESCAP_FIT_START, Thresholds, assess_frame, rollup
from deltawatch.observations.models import Observation, approved_values
from deltawatch.regions.models import Region, RegionGroup

from .choices import BaseYearSource
from .models import ProgressAssessment, ProgressRun, StatusChange

STORED_FIELDS = [
    "target_year", "comparator", "target_value", "plan_base_year", "base_year_source", "base_year", "base_value",
    "latest_year", "latest_value",
    "projected_value", "ratio", "current_status", "cagr_observed", "cagr_required", "growth_form", "rule",
    "status", "score", "note",
]


@dataclass
class ProgressOutcome:
    """A finished run: the assessments (one row per subject, with names) and what changed."""

    assessments: pd.DataFrame
    changes: pd.DataFrame
    run: ProgressRun | None


def indicator_frame() -> pd.DataFrame:
    rows = Indicator.objects.values_list(
        "id", "code", "name_zh", "name_en", "unit", "direction", "is_rate", "lower_bound", "upper_bound",
        "aggregation", "weight__code", "formula", "dimension__code", "dimension__name_zh", "dimension__name_en",
        "dimension__order")
    return pd.DataFrame(rows, columns=[
        "indicator_id", "code", "name_zh", "name_en", "unit", "direction", "is_rate", "lower_bound", "upper_bound",
        "aggregation", "weight", "formula", "dimension", "dimension_zh", "dimension_en", "dimension_order"])


def inputs_of(codes, indicators: pd.DataFrame) -> set[str]:
    """``codes`` and every indicator their group values need: the weight of a weighted mean
    and the inputs of a formula, followed to the end."""
    rules = indicators.set_index("code")
    needed, todo = set(), list(codes)
    while todo:
        code = todo.pop()
        if code in needed or code not in rules.index:
            continue
        needed.add(code)
        weight, formula = rules.at[code, "weight"], rules.at[code, "formula"]
        todo += ([weight] if isinstance(weight, str) and weight else []) + (parse_formula(formula) if formula else [])
    return needed


def series_values(indicators=None) -> pd.DataFrame:
    """Approved values of ``indicators`` (codes; all when None), for regions and (aggregated from
    members) region groups, with the id of the newest observation behind it as ``vintage``.

    Approved only (``observations.models.approved_values``): the stored assessments are shown
    to the public on the board and the overview, so a submitted or draft value must not move
    a status before it is approved."""
    rules = indicator_frame()
    query = approved_values()
    if indicators is not None:
        query = query.filter(indicator__code__in=sorted(inputs_of(indicators, rules)))
    rows = query.values_list("region__code", "indicator__code", "year", "value", "id")
    values = pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value", "vintage"])
    links = pd.DataFrame(RegionGroup.members.through.objects.values_list("regiongroup__code", "region__code"),
                         columns=["group_code", "region_code"])
    groups = aggregate_groups(values, links, rules)
    return pd.concat([values.assign(scope="region"), groups.drop(columns="members").assign(scope="group")],
                     ignore_index=True)


def target_frame() -> pd.DataFrame:
    rows = Target.objects.values_list(
        "id", "indicator__code", "region__code", "group__code", "comparator", "value", "low", "high", "tolerance",
        "target_year", "change_type", "baseline_year", "is_numeric", "value_text", "base_year", "document")
    frame = pd.DataFrame(rows, columns=[
        "target_id", "indicator", "region", "group", "comparator", "value", "low", "high", "tolerance",
        "target_year", "change_type", "baseline_year", "is_numeric", "value_text", "target_base_year", "document"])
    frame["scope"] = np.where(frame["region"].notna(), "region", "group")
    frame["region_code"] = frame["region"].fillna(frame["group"])
    frame["key"] = "T" + frame["target_id"].astype(str)
    return frame.drop(columns=["region", "group"])


def untargeted_frame(values: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One no-target row for every series that has no target (METHODS §1, "No target")."""
    series = values[["region_code", "indicator", "scope"]].drop_duplicates()
    targeted = pd.MultiIndex.from_frame(targets[["region_code", "indicator"]])
    series = series[~pd.MultiIndex.from_frame(series[["region_code", "indicator"]]).isin(targeted)]
    return series.assign(target_id=pd.NA, comparator=None, key="N:" + series["indicator"] + ":" + series["region_code"])


def document_base_years(targets: pd.DataFrame) -> pd.Series:
    """The base year each source document states, by document: the baseline year of its
    relative targets ("单位GDP能耗较2017年下降10%" → 2017) when they all name the same year.
    A document naming several different years states no single base year (absent here)."""
    stated = targets.dropna(subset=["baseline_year"])
    years = stated.groupby("document")["baseline_year"].agg(["min", "max"])
    return years.loc[years["min"] == years["max"], "min"].astype(float)


def plan_base_years(subjects: pd.DataFrame, *, base_year: int | None = None,
                    default_base_year: int | None = DEFAULT_BASE_YEAR) -> tuple[pd.Series, pd.Series]:
    """The base year from which each subject's progress is measured, and where it came from.

    In order: ``base_year`` given for the run (``option``); the plan base year stored on the
    target (``target``); a relative target's baseline year (``baseline``); the base year its
    source document states (``document``, see :func:`document_base_years`); else
    ``default_base_year`` (``default``; Open SDG's 2015), or with no default the first year
    with data (``first_year``, the year left missing). Series without a target take the
    run's or the default one. The assessment starts at the first year with data on or after
    the year returned."""
    if base_year is not None:
        return (pd.Series(float(base_year), index=subjects.index),
                pd.Series(BaseYearSource.OPTION.value, index=subjects.index, dtype=object))
    fallback = BaseYearSource.FIRST_YEAR if default_base_year is None else BaseYearSource.DEFAULT
    year = pd.Series(np.nan if default_base_year is None else float(default_base_year), index=subjects.index)
    source = pd.Series(fallback.value, index=subjects.index, dtype=object)
    documents = document_base_years(subjects[subjects["target_id"].notna()])
    # tried from the last to the first, so that the first one present wins
    for label, column in ((BaseYearSource.DOCUMENT, subjects["document"].map(documents)),
                          (BaseYearSource.BASELINE, subjects["baseline_year"]),
                          (BaseYearSource.TARGET, subjects["target_base_year"])):
        stated = pd.to_numeric(column, errors="coerce")
        year = year.mask(stated.notna(), stated)
        source = source.mask(stated.notna(), label.value)
    return year, source


def assess_all(*, method: str = "opensdg", thresholds: Thresholds = Thresholds(), base_year: int | None = None,
               default_base_year: int | None = DEFAULT_BASE_YEAR,
               fit_start: int | None = ESCAP_FIT_START, untargeted: bool = False,
               as_of: int | None = None) -> pd.DataFrame:
    """Every target — and with ``untargeted`` every series without a target — assessed, with
    names, dimension and vintage. Without ``untargeted`` only the indicators of targets (and
    what their group values need) are read. ``as_of``: only the values of that year and before
    (progress as it stood then: the performance assessment of a past year).

    Progress is measured from each subject's plan base year (see :func:`plan_base_years`;
    ``base_year`` overrides it for every subject) — from the first year with data on or after
    it. ``fit_start``: ESCAP's regression uses the values from that year on."""
    indicators = indicator_frame()
    targets = target_frame()
    values = series_values(None if untargeted else targets["indicator"].unique())
    if as_of is not None:
        values = values[values["year"] <= as_of]
    subjects = pd.concat([targets, untargeted_frame(values, targets)], ignore_index=True) if untargeted else targets
    subjects["base_year"], subjects["base_year_source"] = plan_base_years(
        subjects, base_year=base_year, default_base_year=default_base_year)
    result = assess_frame(values, subjects, indicators, method=method, thresholds=thresholds,
                          default_base_year=default_base_year, fit_start=fit_start)
    result["plan_base_year"] = subjects["base_year"].astype("Int64").to_numpy()
    result["base_year_source"] = subjects["base_year_source"].to_numpy()
    for column in ("key", "scope", "value_text"):
        result[column] = subjects[column].to_numpy() if column in subjects else None
    vintage = values.groupby(["region_code", "indicator"])["vintage"].max()
    result["data_revision"] = pd.MultiIndex.from_frame(result[["region_code", "indicator"]]).map(vintage)
    meta = indicators.set_index("code")
    for column in ("indicator_id", "name_zh", "name_en", "unit", "dimension", "dimension_zh", "dimension_en",
                   "dimension_order"):
        result[column] = result["indicator"].map(meta[column]).to_numpy()
    result["target_id"] = result["target_id"].astype("Int64")
    names = {**{code: (zh, en) for code, zh, en in RegionGroup.objects.values_list("code", "name_zh", "name_en")},
             **{code: (zh, en) for code, zh, en in Region.objects.values_list("code", "name_zh", "name_en")}}
    pairs = result["region_code"].map(names)
    result["region_zh"] = [p[0] if isinstance(p, tuple) else None for p in pairs]
    result["region_en"] = [p[1] if isinstance(p, tuple) else None for p in pairs]
    return result


def _previous(method: str) -> pd.DataFrame:
    rows = ProgressAssessment.objects.filter(method=method).values_list("key", "status", "ratio")
    return pd.DataFrame(rows, columns=["key", "old_status", "old_ratio"])


def status_changes(assessments: pd.DataFrame, method: str) -> pd.DataFrame:
    """Subjects whose status differs from the stored assessment of the same method."""
    merged = assessments.merge(_previous(method), on="key", how="inner")
    changed = merged[merged["status"] != merged["old_status"]]
    return changed.rename(columns={"status": "new_status", "ratio": "new_ratio"}).reset_index(drop=True)


INTEGER_FIELDS = {field.name for field in ProgressAssessment._meta.get_fields()
                  if isinstance(field, models.IntegerField) and field.name in STORED_FIELDS}


def _nullable(series: pd.Series) -> list:
    """Values as Python objects with None for missing (what both database drivers bind as NULL)."""
    return [None if pd.isna(x) else x for x in series.astype(object).tolist()]


def _subject_ids(frame: pd.DataFrame) -> dict[str, list]:
    region_ids = dict(Region.objects.values_list("code", "id"))
    group_ids = dict(RegionGroup.objects.values_list("code", "id"))
    is_region = (frame["scope"] == "region").to_numpy()
    codes = frame["region_code"].astype(str)
    return {
        "indicator_id": frame["indicator_id"].astype("int64").tolist(),
        "region_id": _nullable(codes.map(region_ids).where(is_region).astype("Int64")),
        "group_id": _nullable(codes.map(group_ids).where(~is_region).astype("Int64")),
        "target_id": _nullable(frame["target_id"].astype("Int64")),
        "data_revision_id": _nullable(frame["data_revision"].astype("Int64")),
    }


def _assessment_rows(run: ProgressRun, frame: pd.DataFrame) -> pd.DataFrame:
    # object columns: a list of ints with None would otherwise become floats ("3.0" for COPY)
    columns = {"run_id": run.id, "method": run.method, "key": frame["key"].to_numpy(),
               **{name: pd.Series(ids, dtype=object) for name, ids in _subject_ids(frame).items()}}
    for field in STORED_FIELDS:
        column = frame[field]
        if field in ("comparator", "growth_form", "rule", "note", "base_year_source"):
            columns[field] = column.fillna("").astype(str).to_numpy()
        elif field in INTEGER_FIELDS:  # years: a float 2017.0 would be refused by COPY into an integer
            columns[field] = pd.Series(_nullable(column.astype("Float64").round().astype("Int64")), dtype=object)
        else:
            columns[field] = pd.Series(_nullable(column), dtype=object)
    return pd.DataFrame(columns)


def _store_changes(run: ProgressRun, changes: pd.DataFrame, now) -> None:
    if changes.empty:
        return
    ids = _subject_ids(changes)
    batches = dict(Observation.objects.filter(id__in=[i for i in ids["data_revision_id"] if i is not None])
                   .values_list("id", "batch_id"))
    StatusChange.objects.bulk_create([
        StatusChange(run=run, method=run.method, key=row.key, target_id=ids["target_id"][k],
                     indicator_id=ids["indicator_id"][k], region_id=ids["region_id"][k], group_id=ids["group_id"][k],
                     data_revision_id=ids["data_revision_id"][k], batch_id=batches.get(ids["data_revision_id"][k]),
                     old_status=row.old_status, new_status=row.new_status,
                     old_ratio=None if pd.isna(row.old_ratio) else row.old_ratio,
                     new_ratio=None if pd.isna(row.new_ratio) else row.new_ratio, changed_at=now)
        for k, row in enumerate(changes.itertuples(index=False))
    ], batch_size=1000)


def run_progress(*, method: str = "opensdg", thresholds: Thresholds = Thresholds(), base_year: int | None = None,
                 default_base_year: int | None = DEFAULT_BASE_YEAR, fit_start: int | None = ESCAP_FIT_START,
                 untargeted: bool = False, user=None, save: bool = True) -> ProgressOutcome:
    """Assess every target (and with ``untargeted`` every series without one) with one method;
    with ``save``, store what was assessed as the current assessments of that method and log
    every status that changed since its last run. The run records ``base_year``,
    ``default_base_year`` and ``fit_start``; each assessment its plan base year, where that
    came from, and the base year actually used."""
    assessments = assess_all(method=method, thresholds=thresholds, base_year=base_year,
                             default_base_year=default_base_year, fit_start=fit_start, untargeted=untargeted)
    if not save:
        return ProgressOutcome(assessments, status_changes(assessments, method), None)
    now = timezone.now()
    with transaction.atomic():
        changes = status_changes(assessments, method)
        vintage = assessments["data_revision"].max()
        run = ProgressRun.objects.create(
            method=method, thresholds=dataclasses.asdict(thresholds), base_year=base_year,
            default_base_year=default_base_year, fit_start_year=fit_start, started_at=now, run_by=user,
            data_vintage=None if pd.isna(vintage) else int(vintage), assessed=len(assessments),
            changed=len(changes), status_counts={k: int(v) for k, v in assessments["status"].value_counts().items()})
        _store_changes(run, changes, now)
        ProgressAssessment.objects.filter(method=method).delete()
        insert_rows(ProgressAssessment._meta.db_table, _assessment_rows(run, assessments),
                    not_null_text=("comparator", "growth_form", "rule", "note", "base_year_source"))
    return ProgressOutcome(assessments, changes, run)


def stored_assessments(method: str = "opensdg") -> pd.DataFrame:
    """The current stored assessments of a method, one query, with names and dimension."""
    fields = {"key": "key", "indicator__code": "indicator", "region__code": "region", "group__code": "group",
              "target_id": "target_id", "indicator__dimension__code": "dimension", **{f: f for f in STORED_FIELDS}}
    rows = ProgressAssessment.objects.filter(method=method).values_list(*fields)
    frame = pd.DataFrame(rows, columns=list(fields.values()))
    frame["scope"] = np.where(frame["region"].notna(), "region", "group")
    frame["region_code"] = frame["region"].fillna(frame["group"])
    return frame.drop(columns=["region", "group"])


def progress_summary(by, *, method: str = "opensdg", region: str | None = None, group: str | None = None,
                     dimension: str | None = None, target_year: int | None = None,
                     untargeted: bool = False) -> pd.DataFrame:
    """Open SDG roll-up of the stored assessments, e.g. ``progress_summary("dimension",
    region="320000", dimension="ecology", target_year=2025)`` → one row: Jiangsu, 生态共保, 2025.

    ``by`` names columns of :func:`stored_assessments` (``dimension``, ``region_code``,
    ``indicator``, ``target_year``…). Only assessments against targets are rolled up unless
    ``untargeted`` (then series without a target count with their no-target score).
    """
    frame = stored_assessments(method)
    keep = frame["target_id"].notna() | untargeted
    if region is not None:
        keep &= (frame["region_code"] == str(region)) & (frame["scope"] == "region")
    if group is not None:
        keep &= (frame["region_code"] == str(group)) & (frame["scope"] == "group")
    if dimension is not None:
        keep &= frame["dimension"] == dimension
    if target_year is not None:
        keep &= frame["target_year"] == int(target_year)
    return rollup(frame[keep], by)


# ---- read helpers for the pages (progress board, roll-ups) ---------------------------------

ASSESSMENT_FRAME_FIELDS = {
    "key": "key", "indicator__code": "indicator", "region__code": "region", "group__code": "group",
    "target_id": "target_id", "indicator__dimension__code": "dimension", **{f: f for f in STORED_FIELDS},
}


def assessment_frame(queryset) -> pd.DataFrame:
    """The rows of a queryset of :class:`ProgressAssessment` as :func:`stored_assessments` gives
    them (same columns), so that a page can roll up exactly what a user may see — the queryset
    already narrowed by ``accounts.scoping.restrict`` and the page's filters."""
    rows = queryset.values_list(*ASSESSMENT_FRAME_FIELDS)
    frame = pd.DataFrame(list(rows), columns=list(ASSESSMENT_FRAME_FIELDS.values()))
    frame["scope"] = np.where(frame["region"].notna(), "region", "group")
    frame["region_code"] = frame["region"].fillna(frame["group"])
    return frame.drop(columns=["region", "group"])


def rollup_of(queryset, by) -> pd.DataFrame:
    """Open SDG roll-up (``methods.progress.rollup``: mean score and band per group) of the
    assessments against targets in ``queryset``; an empty frame with the roll-up's columns when
    there are none. :func:`progress_summary` is the same roll-up on every stored assessment of
    a method."""
    frame = assessment_frame(queryset.filter(target__isnull=False))
    if frame.empty:
        keys = [by] if isinstance(by, str) else list(by)
        return pd.DataFrame(columns=keys + ["assessed", "scored", "mean_score", "band"])
    return rollup(frame, by)
