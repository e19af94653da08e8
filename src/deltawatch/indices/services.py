"""Composite indices on the system's own statistics, and the runs kept in the database.

The engine is ``deltawatch.methods.index`` (no Django); this module only reads its input out of
the ORM — one query — and stores what it returns with the spec, the data hash and the newest
observation it used, so a stored index can always be traced to its data version.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db import transaction

from deltawatch.indicators.models import Indicator
from deltawatch.methods.index import IndexSpecError
from deltawatch.methods.index.table import data_hash, read_table
from deltawatch.observations.models import approved_values
from deltawatch.regions.models import Region

from .choices import IndexRunKind
from .models import IndexRankInterval, IndexRun, IndexScore, IndexSensitivity

__all__ = ["frame_from_database", "save_build", "save_uncertainty", "save_sensitivity", "DEFAULT_GROUP"]

DEFAULT_GROUP = "yrd41"
PROVINCE = "province"  # a group column the database frame always offers: each unit's provincial unit


def _columns(spec) -> list[str]:
    return sorted({spec.node(c).source_column for c in spec.indicators} | set(spec.data["denominators"]))


def frame_from_database(spec, years: list[int] | None = None, group: str | None = None) -> tuple[pd.DataFrame, int | None]:
    """The spec's indicators for the members of a region group, one row per region and year.

    The columns are named as the spec expects: its unit column (region code), unit-name column
    (Chinese name), year column, ``province`` (the provincial unit, for group-wise imputation),
    and one column per catalogue indicator the spec reads (its indicators' columns and
    denominators). Returns the frame and the newest observation id it contains (the data
    vintage).
    """
    columns = _columns(spec)
    known = set(Indicator.objects.filter(code__in=columns).values_list("code", flat=True))
    missing = [c for c in columns if c not in known]
    if missing:
        raise IndexSpecError("missing_column", kind="指标", kind_en="indicator", names=missing,
                             available="指标目录 / the indicator catalogue")
    unknown_groups = [g for g in spec.data["groups"] if g != PROVINCE]
    if unknown_groups:
        raise IndexSpecError("missing_column", kind="分组", kind_en="group", names=unknown_groups, available=[PROVINCE])
    group = group or spec.data.get("group") or DEFAULT_GROUP
    # approved values only (observations.models.approved_values): a run may be published, and
    # what the public sees is built on approved data
    query = approved_values().filter(indicator__code__in=columns, region__groups__code=group)
    if years:
        query = query.filter(year__in=list(years))
    rows = pd.DataFrame(list(query.values_list("region__code", "indicator__code", "year", "value", "id")),
                        columns=["region", "indicator", "year", "value", "id"])
    vintage = int(rows["id"].max()) if len(rows) else None
    wide = rows.pivot_table(index=["region", "year"], columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(columns=columns).reset_index()
    regions = pd.DataFrame(list(Region.objects.filter(groups__code=group).values_list(
        "code", "name_zh", "level", "parent__code", "parent__name_zh")),
        columns=["region", "name", "level", "parent", "parent_name"])
    regions["province"] = np.where(regions["level"] == "province", regions["name"], regions["parent_name"])
    if years:  # every member appears in every year asked for, with or without data
        grid = pd.MultiIndex.from_product([regions["region"], years], names=["region", "year"]).to_frame(index=False)
        wide = grid.merge(wide, on=["region", "year"], how="left")
    wide = wide.merge(regions[["region", "name", "province"]], on="region", how="left")
    unit, name, year = spec.data["unit"], spec.data.get("unit_name") or "unit_name", spec.data.get("year") or "year"
    wide = wide.rename(columns={"region": unit, "name": name, "year": year, "province": PROVINCE})
    return wide.sort_values([unit, year]).reset_index(drop=True), vintage


def _regions(codes) -> dict[str, int]:
    return dict(Region.objects.filter(code__in=[str(c) for c in set(codes)]).values_list("code", "id"))


def _run(kind: str, spec, *, digest: str, source: str, vintage, years, user, **fields) -> IndexRun:
    return IndexRun.objects.create(kind=kind, name=spec.name, spec=spec.to_dict(), spec_digest=spec.digest(),
                                   data_hash=digest, data_source=source, data_vintage=vintage,
                                   years=sorted({int(y) for y in years or []}), run_by=user, **fields)


@transaction.atomic
def save_build(result, *, source: str, vintage=None, user=None) -> IndexRun:
    """Store a build: the run and the score and rank of every node for every unit (and year)."""
    long = result.long()
    years = long["year"].unique().tolist() if "year" in long else []
    run = _run(IndexRunKind.BUILD, result.spec, digest=result.data_hash, source=source, vintage=vintage,
               years=years, user=user, target=result.spec.root,
               summary={"warnings": result.warnings, "excluded": [str(u) for u in result.excluded],
                        "imputed": len(result.imputed), "treated": len(result.treated)})
    region_ids = _regions(long["unit_code"])
    has_year = "year" in long
    IndexScore.objects.bulk_create([
        IndexScore(run=run, unit_code=row.unit_code, region_id=region_ids.get(str(row.unit_code)),
                   year=int(row.year) if has_year else None, node=row.node, level=int(row.level),
                   score=None if pd.isna(row.score) else float(row.score),
                   rank=None if pd.isna(row.rank) else int(row.rank))
        for row in long.itertuples(index=False)], batch_size=2000)
    return run


def _float(value):
    return None if pd.isna(value) else float(value)


@transaction.atomic
def save_uncertainty(result, spec, data, *, year=None, runs: int, source: str, vintage=None, user=None,
                     kind: str = IndexRunKind.UNCERTAINTY, sensitivity=None) -> IndexRun:
    """Store an uncertainty (or sensitivity) analysis: each unit's rank interval, the Sobol
    indices when given, and the failed runs in the summary."""
    digest = data_hash(read_table(spec, data, year))
    run = _run(kind, spec, digest=digest, source=source, vintage=vintage, years=[year] if year else [], user=user,
               target=result.target, runs=runs, seed=result.seed,
               summary={"factors": [f.name for f in result.factors], "failed_runs": len(result.failures),
                        "failures": result.failures.head(20).to_dict("records")})
    stats = result.rank_stats
    region_ids = _regions(stats["unit_code"])
    IndexRankInterval.objects.bulk_create([
        IndexRankInterval(run=run, unit_code=row.unit_code, region_id=region_ids.get(str(row.unit_code)),
                          nominal_rank=_float(row.nominal_rank), mean_rank=_float(row.mean_rank),
                          median_rank=_float(row.median_rank), q05_rank=_float(row.q05_rank),
                          q95_rank=_float(row.q95_rank))
        for row in stats.itertuples(index=False)], batch_size=2000)
    if sensitivity is not None:
        IndexSensitivity.objects.bulk_create([
            IndexSensitivity(run=run, factor=row.factor, s1=_float(row.S1), s1_conf=_float(row.S1_conf),
                             st=_float(row.ST), st_conf=_float(row.ST_conf))
            for row in sensitivity.indices.itertuples(index=False)])
    return run


def save_sensitivity(result, spec, data, **options) -> IndexRun:
    """Store a sensitivity analysis (its rank intervals and Sobol indices)."""
    return save_uncertainty(result.uncertainty, spec, data, kind=IndexRunKind.SENSITIVITY, sensitivity=result,
                            **options)
