"""Load the embedded Yangtze River Delta default into the database.

Regions, groups, dimensions, indicators and targets are upserted by their codes (each
change audited); the statistics go through the same importer users use
(``observations.services.import_observations``). Loading twice changes nothing.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
from django.db import transaction

from deltawatch.defaults import data_dir
from deltawatch.indicators.models import Dimension, Indicator, Target
from deltawatch.observations.choices import Status
from deltawatch.observations.services import import_observations
from deltawatch.regions.models import Region, RegionGroup

LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2}


def _read(name: str) -> pd.DataFrame:
    frame = pd.read_csv(data_dir() / name, dtype=str, keep_default_na=False)
    return frame.apply(lambda column: column.str.strip())


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def _float(text):
    return float(text) if text not in ("", None) else None


def _int(text):
    return int(float(text)) if text not in ("", None) else None


def _bool(text):
    return str(text).strip().lower() in {"1", "true", "yes", "y", "是"}


def _upsert(model, lookup: dict, values: dict):
    """Create or update one row; save (and so audit) only when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save()
    return obj, bool(changed)


def load_regions() -> int:
    frame = _read("regions.csv")
    frame = frame.assign(_order=frame["level"].map(LEVEL_ORDER)).sort_values(["_order", "code"])
    by_code = {r.code: r for r in Region.objects.all()}
    changed = 0
    for row in frame.itertuples():
        obj, did = _upsert(Region, {"code": row.code}, {
            "level": row.level, "parent": by_code.get(row.parent_code) if row.parent_code else None,
            "name_zh": row.name_zh, "name_en": row.name_en,
            "valid_from": _date(row.valid_from), "valid_to": _date(row.valid_to), "note": row.note,
        })
        by_code[row.code] = obj
        changed += did
    return changed


def load_groups() -> int:
    regions = dict(Region.objects.values_list("code", "id"))
    changed = 0
    for row in _read("groups.csv").itertuples():
        group, did = _upsert(RegionGroup, {"code": row.code}, {
            "name_zh": row.name_zh, "name_en": row.name_en, "kind": row.kind,
            "description": row.description, "source": row.source,
        })
        wanted = {regions[c] for c in row.members.split(";") if c}
        if set(group.members.values_list("id", flat=True)) != wanted:
            group.members.set(wanted)
            did = True
        changed += did
    return changed


def load_indicators() -> int:
    changed = 0
    for row in _read("dimensions.csv").itertuples():
        changed += _upsert(Dimension, {"code": row.code},
                           {"name_zh": row.name_zh, "name_en": row.name_en, "order": int(row.order)})[1]
    dimensions = {d.code: d for d in Dimension.objects.all()}
    frame = _read("indicators.csv")
    for row in frame.itertuples():
        changed += _upsert(Indicator, {"code": row.code}, {
            "name_zh": row.name_zh, "name_en": row.name_en, "unit": row.unit, "direction": int(row.direction),
            "dimension": dimensions[row.dimension], "lower_bound": _float(row.lower_bound),
            "upper_bound": _float(row.upper_bound), "is_rate": _bool(row.is_rate),
            "aggregation": row.aggregation or "none", "formula": row.formula,
            "definition_zh": row.definition_zh, "definition_en": row.definition_en, "source": row.source,
        })[1]
    indicators = {i.code: i for i in Indicator.objects.all()}
    for row in frame[frame["weight"] != ""].itertuples():  # second pass: weights refer to other indicators
        changed += _upsert(Indicator, {"code": row.code}, {"weight": indicators[row.weight]})[1]
    return changed


def load_targets() -> int:
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    groups = {g.code: g for g in RegionGroup.objects.all()}
    changed = 0
    for row in _read("targets.csv").itertuples():
        lookup = {
            "indicator": indicators[row.indicator], "region": regions.get(row.region_code),
            "group": groups.get(row.group_code), "target_year": int(row.target_year), "document": row.document,
        }
        target, did = _upsert(Target, lookup, {
            "comparator": row.comparator, "value": _float(row.value), "low": _float(row.low), "high": _float(row.high),
            "tolerance": _float(row.tolerance), "value_text": row.value_text, "is_numeric": _bool(row.is_numeric),
            "binding": row.binding, "change_type": row.change_type or "level",
            "baseline_year": _int(row.baseline_year), "location": row.location, "sentence": row.sentence,
        })
        target.full_clean()
        changed += did
    return changed


def observation_files() -> list[Path]:
    return sorted((data_dir() / "observations").glob("*.csv"))


def load_default(user=None, *, with_observations: bool = True, progress=print) -> dict:
    """Load (or refresh) the whole embedded default; returns counts of what changed."""
    counts = {}
    with transaction.atomic():
        counts["regions"] = load_regions()
        counts["groups"] = load_groups()
        counts["indicators"] = load_indicators()
        counts["targets"] = load_targets()
    progress(f"区域 {Region.objects.count()}，区域组 {RegionGroup.objects.count()}，"
             f"指标 {Indicator.objects.count()}，目标 {Target.objects.count()}（本次变更 "
             f"{counts['regions'] + counts['groups'] + counts['indicators'] + counts['targets']} 项）")
    if with_observations:
        for path in observation_files():
            outcome = import_observations(path, user=user, status=Status.APPROVED, layout="long")
            counts[path.name] = outcome.created + outcome.revised
            progress(outcome.summary())
    return counts
