"""Load the embedded Yangtze River Delta default into the database.

Regions, groups, dimensions, indicators and targets are upserted by their codes (each
change audited); the statistics go through the same importer users use
(``observations.services.import_observations``). Loading twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from types import SimpleNamespace

from django.db import transaction

from deltawatch.defaults import data_dir
from deltawatch.indicators.models import Dimension, Indicator, Target
from deltawatch.observations.choices import Status
from deltawatch.regions.models import Region, RegionGroup

LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2}


def _read(name: str) -> list[SimpleNamespace]:
    """The rows of a catalogue file, every cell a stripped string (the csv module: these files
    are small, and pandas would add a fifth of a second to every ``init``)."""
    with open(data_dir() / name, encoding="utf-8", newline="") as handle:
        return [SimpleNamespace(**{k: (v or "").strip() for k, v in row.items()}) for row in csv.DictReader(handle)]


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def _float(text):
    return float(text) if text not in ("", None) else None


def _int(text):
    return int(float(text)) if text not in ("", None) else None


def _bool(text):
    return str(text).strip().lower() in {"1", "true", "yes", "y", "是"}


def _key(lookup: dict) -> tuple:
    """A lookup as a hashable key: related objects by their primary key."""
    return tuple(getattr(value, "pk", value) for _, value in sorted(lookup.items()))


def _existing(model, *fields: str) -> dict:
    """Every row of ``model`` by the key of ``fields`` (as ``_key`` builds it), in one query."""
    attnames = {name: model._meta.get_field(name).attname for name in fields}
    return {tuple(getattr(obj, attnames[name]) for name in sorted(fields)): obj for obj in model.objects.all()}


def _changed_fields(obj, values: dict) -> list[str]:
    """Fields whose value differs; related objects compared by key, since reading them would
    cost one query per row."""
    changed = []
    for name, wanted in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:
            current, wanted = getattr(obj, field.attname), getattr(wanted, "pk", wanted)
        else:
            current = getattr(obj, name)
        if current != wanted:
            changed.append(name)
    return changed


def _upsert(model, lookup: dict, values: dict, existing: dict):
    """Create or update one row; save (and so audit) only when something differs.

    ``existing`` holds the model's rows by the key of ``lookup`` (see ``_existing``); a
    created row is added to it.
    """
    obj = existing.get(_key(lookup))
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        existing[_key(lookup)] = obj
        return obj, True
    changed = _changed_fields(obj, values)
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, bool(changed)


def load_regions() -> int:
    rows = sorted(_read("regions.csv"), key=lambda row: (LEVEL_ORDER[row.level], row.code))
    existing = _existing(Region, "code")
    changed = 0
    for row in rows:
        parent = existing.get((row.parent_code,)) if row.parent_code else None
        changed += _upsert(Region, {"code": row.code}, {
            "level": row.level, "parent": parent,
            "name_zh": row.name_zh, "name_en": row.name_en,
            "valid_from": _date(row.valid_from), "valid_to": _date(row.valid_to), "note": row.note,
        }, existing)[1]
    return changed


def load_groups() -> int:
    regions = dict(Region.objects.values_list("code", "id"))
    existing = _existing(RegionGroup, "code")
    members = {}
    for group_id, region_id in RegionGroup.members.through.objects.values_list("regiongroup_id", "region_id"):
        members.setdefault(group_id, set()).add(region_id)
    changed = 0
    for row in _read("groups.csv"):
        group, did = _upsert(RegionGroup, {"code": row.code}, {
            "name_zh": row.name_zh, "name_en": row.name_en, "kind": row.kind,
            "description": row.description, "source": row.source,
        }, existing)
        wanted = {regions[c] for c in row.members.split(";") if c}
        if members.get(group.pk, set()) != wanted:
            group.members.set(wanted)
            did = True
        changed += did
    return changed


def load_indicators() -> int:
    changed = 0
    existing_dimensions = _existing(Dimension, "code")
    for row in _read("dimensions.csv"):
        changed += _upsert(Dimension, {"code": row.code},
                           {"name_zh": row.name_zh, "name_en": row.name_en, "order": int(row.order)},
                           existing_dimensions)[1]
    dimensions = {code: d for (code,), d in existing_dimensions.items()}
    existing = _existing(Indicator, "code")
    rows = _read("indicators.csv")
    for row in rows:
        changed += _upsert(Indicator, {"code": row.code}, {
            "name_zh": row.name_zh, "name_en": row.name_en, "unit": row.unit, "direction": int(row.direction),
            "dimension": dimensions[row.dimension], "lower_bound": _float(row.lower_bound),
            "upper_bound": _float(row.upper_bound), "is_rate": _bool(row.is_rate),
            "aggregation": row.aggregation or "none", "formula": row.formula,
            "definition_zh": row.definition_zh, "definition_en": row.definition_en, "source": row.source,
        }, existing)[1]
    for row in (row for row in rows if row.weight):  # second pass: weights refer to other indicators
        changed += _upsert(Indicator, {"code": row.code}, {"weight": existing[(row.weight,)]}, existing)[1]
    return changed


def load_targets() -> int:
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    groups = {g.code: g for g in RegionGroup.objects.all()}
    existing = _existing(Target, "indicator", "region", "group", "target_year", "document")
    changed = 0
    for row in _read("targets.csv"):
        lookup = {
            "indicator": indicators[row.indicator], "region": regions.get(row.region_code),
            "group": groups.get(row.group_code), "target_year": int(row.target_year), "document": row.document,
        }
        target, did = _upsert(Target, lookup, {
            "comparator": row.comparator, "value": _float(row.value), "low": _float(row.low), "high": _float(row.high),
            "tolerance": _float(row.tolerance), "value_text": row.value_text, "is_numeric": _bool(row.is_numeric),
            "binding": row.binding, "change_type": row.change_type or "level",
            "baseline_year": _int(row.baseline_year), "location": row.location, "sentence": row.sentence,
        }, existing)
        if did:
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
        from deltawatch.observations.services import import_observations

        for path in observation_files():
            outcome = import_observations(path, user=user, status=Status.APPROVED, layout="long")
            counts[path.name] = outcome.created + outcome.revised
            progress(outcome.summary())
    return counts
