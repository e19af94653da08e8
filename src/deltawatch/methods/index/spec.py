"""The declared index: its tree, weights, directions and pipeline, as plain data.

An :class:`IndexSpec` is read from YAML or JSON (format in ``docs/index-spec.md``), validated
once, and never mutated: what-if analysis and the uncertainty engine derive new specs with
:meth:`IndexSpec.replace_step` and :meth:`IndexSpec.with_weights`. ``to_dict()`` writes every
method parameter explicitly (defaults included), so a stored spec rebuilds the same result
even if a default changes later.

Levels: indicators are level 1; an aggregate is one above its highest child, so trees of any
depth — and ragged ones — are allowed. In a step's ``levels`` settings, ``weight`` is keyed by
the level of the nodes being weighted (1 = indicator weights) and ``aggregate`` by the level
being computed (2 = pillars), as in COINr.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from . import aggregate, denominate, impute, normalise, screen, treat, weights
from .errors import Detail, IndexSpecError
from .params import Method, resolve

__all__ = ["Node", "Step", "IndexSpec", "STEP_METHODS", "DEFAULT_METHODS", "load_spec"]

STEP_METHODS: dict[str, dict[str, Method]] = {
    "denominate": denominate.METHODS,
    "screen": screen.METHODS,
    "impute": impute.METHODS,
    "treat": treat.METHODS,
    "normalise": normalise.METHODS,
    "weight": weights.METHODS,
    "aggregate": aggregate.METHODS,
}
DEFAULT_METHODS = {"denominate": "divide", "screen": "availability", "impute": "mean", "treat": "winsorise_log",
                   "normalise": "minmax", "weight": "given", "aggregate": "arithmetic"}
#: steps whose settings may differ per indicator, and those that differ per level
BY_INDICATOR = {"impute", "treat", "normalise"}
BY_LEVEL = {"weight", "aggregate"}

_SPEC_KEYS = {"name", "name_en", "description", "data", "nodes", "pipeline", "uncertainty"}
_DATA_KEYS = {"unit", "unit_name", "year", "groups", "denominators", "group"}
_NODE_KEYS = {"code", "name", "name_en", "parent", "weight", "direction", "denominator", "unit", "target",
              "goalposts", "description", "column"}
_STEP_KEYS = {"step", "method", "params", "indicators", "levels"}


@dataclass(frozen=True)
class Node:
    """One node of the tree: an indicator (no children, level 1) or an aggregate."""

    code: str
    parent: str | None = None
    weight: float | None = None
    direction: int = 1
    name: str = ""
    name_en: str = ""
    denominator: str | None = None
    unit: str | None = None
    target: float | None = None
    goalposts: tuple[float, float] | None = None
    description: str = ""
    column: str | None = None

    @property
    def source_column(self) -> str:
        """The data column an indicator reads (its code unless ``column`` says otherwise)."""
        return self.column or self.code

    def to_dict(self) -> dict:
        out = {"code": self.code}
        for key in ("name", "name_en", "parent", "weight", "direction", "column", "denominator", "unit", "target",
                    "description"):
            value = getattr(self, key)
            if value not in (None, ""):
                out[key] = value
        if self.goalposts is not None:
            out["goalposts"] = list(self.goalposts)
        return out


@dataclass(frozen=True)
class Setting:
    """A method and its resolved parameters."""

    method: str
    params: Mapping[str, Any]

    def to_dict(self) -> dict:
        return {"method": self.method, "params": copy.deepcopy(dict(self.params))}


@dataclass(frozen=True)
class Step:
    """One pipeline step: its kind, default setting, and settings per indicator or per level."""

    kind: str
    setting: Setting
    overrides: Mapping[Any, Setting] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return self.setting.method

    @property
    def params(self) -> Mapping[str, Any]:
        return self.setting.params

    def setting_for(self, key) -> Setting:
        """The setting of one indicator (code) or level (int)."""
        return self.overrides.get(key, self.setting)

    def to_dict(self) -> dict:
        out = {"step": self.kind, **self.setting.to_dict()}
        if self.overrides:
            out["levels" if self.kind in BY_LEVEL else "indicators"] = {
                key: value.to_dict() for key, value in self.overrides.items()}
        return out


def _check_keys(where: str, mapping: Mapping, allowed: set) -> None:
    unknown = sorted(set(map(str, mapping)) - allowed)
    if unknown:
        raise IndexSpecError("unknown_key", where=where, keys=unknown, allowed=sorted(allowed))


def _setting(kind: str, raw: Mapping | str | None, default_method: str) -> Setting:
    if isinstance(raw, str):
        raw = {"method": raw}
    raw = dict(raw or {})
    _check_keys(f"{kind}", raw, {"method", "params"})
    name = raw.get("method") or default_method
    methods = STEP_METHODS[kind]
    if name not in methods:
        raise IndexSpecError("unknown_method", step=kind, method=name, allowed=sorted(methods))
    return Setting(name, resolve(kind, methods[name], raw.get("params")))


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _node(raw: Any, index: int) -> Node:
    where = f"nodes[{index}]"
    if not isinstance(raw, Mapping):
        raise IndexSpecError("bad_spec", got=f"{where} = {raw!r}")
    _check_keys(where, raw, _NODE_KEYS)
    if not raw.get("code"):
        raise IndexSpecError("missing_key", where=where, key="code")
    code = str(raw["code"])
    weight = raw.get("weight")
    if weight is not None and (isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0
                               or weight != weight):
        raise IndexSpecError("bad_weight", code=code, got=repr(weight))
    goalposts = raw.get("goalposts")
    if goalposts is not None:
        if not isinstance(goalposts, (list, tuple)) or len(goalposts) != 2 or not all(map(_is_number, goalposts)):
            raise IndexSpecError("bad_node_value", code=code, key="goalposts", expected="[下限, 上限]",
                                 expected_en="[lower, upper]", got=repr(goalposts))
        goalposts = tuple(float(v) for v in goalposts)
    if raw.get("target") is not None and not _is_number(raw["target"]):
        raise IndexSpecError("bad_node_value", code=code, key="target", expected="数值", expected_en="a number",
                             got=repr(raw["target"]))
    return Node(
        code=code, parent=str(raw["parent"]) if raw.get("parent") not in (None, "") else None,
        weight=None if weight is None else float(weight), direction=raw.get("direction", 0),
        name=str(raw.get("name") or ""), name_en=str(raw.get("name_en") or ""),
        denominator=raw.get("denominator") or None, unit=raw.get("unit") or None,
        target=None if raw.get("target") is None else float(raw["target"]), goalposts=goalposts,
        description=str(raw.get("description") or ""), column=raw.get("column") or None)


@dataclass(frozen=True)
class IndexSpec:
    """A validated index definition. Build one with :meth:`from_dict` or :func:`load_spec`.

    Attributes
    ----------
    nodes : tuple of Node
        Indicators and aggregates, as declared.
    pipeline : tuple of Step
        The steps in order; the last is ``aggregate``.
    levels : dict
        Level of every node (indicators 1).
    """

    name: str
    nodes: tuple[Node, ...]
    pipeline: tuple[Step, ...]
    name_en: str = ""
    description: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    uncertainty: Mapping[str, Any] | None = None

    # ---- construction ------------------------------------------------------------------
    @classmethod
    def from_dict(cls, raw: Any) -> IndexSpec:
        """Validate a plain mapping (as read from YAML or JSON) into a spec."""
        if not isinstance(raw, Mapping):
            raise IndexSpecError("bad_spec", got=type(raw).__name__)
        _check_keys("spec", raw, _SPEC_KEYS)
        data = dict(raw.get("data") or {})
        _check_keys("data", data, _DATA_KEYS)
        data = {"unit": "unit_code", "unit_name": None, "year": None, "groups": [], "denominators": [], **data}
        data["groups"] = list(data["groups"] or [])
        data["denominators"] = list(data["denominators"] or [])
        nodes = tuple(_node(item, k) for k, item in enumerate(raw.get("nodes") or []))
        if not nodes:
            raise IndexSpecError("no_nodes")
        parents = {n.parent for n in nodes if n.parent}
        # Aggregates point in no direction of their own: only indicators need one.
        nodes = tuple(n if n.code not in parents or n.direction else replace(n, direction=1) for n in nodes)
        steps = tuple(cls._step(item, k) for k, item in enumerate(raw.get("pipeline") or []))
        spec = cls(name=str(raw.get("name") or ""), name_en=str(raw.get("name_en") or ""),
                   description=str(raw.get("description") or ""), nodes=nodes, pipeline=steps, data=data,
                   uncertainty=copy.deepcopy(raw.get("uncertainty")))
        spec._validate()
        return spec

    @staticmethod
    def _step(raw: Any, index: int) -> Step:
        where = f"pipeline[{index}]"
        if not isinstance(raw, Mapping):
            raise IndexSpecError("bad_spec", got=f"{where} = {raw!r}")
        _check_keys(where, raw, _STEP_KEYS)
        kind = raw.get("step")
        if kind not in STEP_METHODS:
            raise IndexSpecError("unknown_step", step=kind, allowed=list(STEP_METHODS))
        setting = _setting(kind, {k: raw[k] for k in ("method", "params") if k in raw}, DEFAULT_METHODS[kind])
        key = "levels" if kind in BY_LEVEL else "indicators"
        other = "indicators" if kind in BY_LEVEL else "levels"
        if raw.get(other):
            raise IndexSpecError("unknown_key", where=where, keys=[other], allowed=sorted(_STEP_KEYS - {other}))
        overrides = {}
        for target, value in (raw.get(key) or {}).items():
            target = int(target) if kind in BY_LEVEL else str(target)
            overrides[target] = _setting(kind, value, setting.method)
        return Step(kind, setting, overrides)

    def _validate(self) -> None:
        codes = [n.code for n in self.nodes]
        seen = set()
        for code in codes:
            if code in seen:
                raise IndexSpecError("duplicate_node", code=code)
            seen.add(code)
        for node in self.nodes:
            if node.parent is not None and node.parent not in seen:
                raise IndexSpecError("unknown_parent", code=node.code, parent=node.parent)
        self._check_cycles()
        roots = [n.code for n in self.nodes if n.parent is None]
        if len(roots) != 1:
            raise IndexSpecError("roots", n=len(roots), codes=roots)
        for code in self.indicators:
            direction = self.node(code).direction
            if direction not in (1, -1) or isinstance(direction, bool):
                raise IndexSpecError("bad_direction", code=code, got=repr(direction))
        for parent, children in self.children.items():
            given = [c for c in children if self.node(c).weight is not None]
            if given and len(given) != len(children):
                raise IndexSpecError("weights_partial", parent=parent,
                                     missing=[c for c in children if self.node(c).weight is None])
            if given and sum(self.node(c).weight for c in children) == 0:
                raise IndexSpecError("weights_zero", parent=parent)
        self._check_pipeline()
        if self.uncertainty is not None:
            self._check_uncertainty()

    def _check_uncertainty(self) -> None:
        """The uncertainty section is checked now, not when an analysis first runs."""
        from .uncertainty import _target, parse_factors

        if not isinstance(self.uncertainty, Mapping):
            raise IndexSpecError("bad_spec", got=f"uncertainty = {self.uncertainty!r}")
        _check_keys("uncertainty", self.uncertainty, {"target", "factors"})
        _target(self, None)
        parse_factors(self)

    def _check_cycles(self) -> None:
        parent = {n.code: n.parent for n in self.nodes}
        for start in parent:
            path, code = [start], parent[start]
            while code is not None:
                if code in path:
                    raise IndexSpecError("cycle", path=" → ".join(path[path.index(code):] + [code]))
                path.append(code)
                code = parent[code]

    def _check_pipeline(self) -> None:
        kinds = [s.kind for s in self.pipeline]
        if not kinds or kinds[-1] != "aggregate":
            raise IndexSpecError("no_aggregate")
        for kind in set(kinds):
            if kinds.count(kind) > 1:
                raise IndexSpecError("repeated_step", step=kind)
        for first, then in (("normalise", "weight"), ("denominate", "normalise"), ("treat", "normalise"),
                            ("impute", "normalise")):
            if first in kinds and then in kinds and kinds.index(first) > kinds.index(then):
                raise IndexSpecError("step_order", step=first, before=then)
        indicators, levels = set(self.indicators), set(self.levels.values())
        for step in self.pipeline:
            for key in step.overrides:
                if step.kind in BY_LEVEL and key not in levels:
                    raise IndexSpecError("unknown_override", step=step.kind, kind="层级", kind_en="level", key=key)
                if step.kind in BY_INDICATOR and key not in indicators:
                    raise IndexSpecError("unknown_override", step=step.kind, kind="指标", kind_en="indicator", key=key)
        self._check_positive_means()

    def _check_positive_means(self) -> None:
        """A geometric or harmonic mean over indicators normalised onto a range that reaches
        0 or below must fail: say so now rather than mid-run."""
        agg = self.step("aggregate")
        norm = self.step("normalise")
        for level in sorted(set(self.levels.values()) - {1}):
            setting = agg.setting_for(level)
            if not aggregate.needs_positive(setting):
                continue
            children = {c for p, cs in self.children.items() if self.levels[p] == level for c in cs}
            for child in sorted(children & set(self.indicators)):
                lowest = normalise.lowest_value(norm.setting_for(child)) if norm else None
                if lowest is not None and lowest <= 0:
                    method = norm.setting_for(child).method
                    raise IndexSpecError(
                        "positive_needed", where=Detail("at_level", level=level), method=aggregate.label(setting, "zh"),
                        method_en=aggregate.label(setting, "en"),
                        detail=Detail("normalise_floor", method=method, child=child, lowest=lowest))

    # ---- reading the tree -----------------------------------------------------------------
    def node(self, code: str) -> Node:
        return self._by_code[code]

    @cached_property
    def _by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.nodes}

    @cached_property
    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for n in self.nodes:
            if n.parent is not None:
                out.setdefault(n.parent, []).append(n.code)
        return out

    @cached_property
    def indicators(self) -> list[str]:
        parents = set(self.children)
        return [n.code for n in self.nodes if n.code not in parents]

    @cached_property
    def levels(self) -> dict[str, int]:
        children = self.children
        level: dict[str, int] = {}

        def of(code: str) -> int:
            if code not in level:
                level[code] = 1 + max((of(c) for c in children.get(code, ())), default=0)
            return level[code]

        for n in self.nodes:
            of(n.code)
        return level

    @cached_property
    def aggregates(self) -> list[str]:
        """Aggregates in the order they are computed: by level, then as declared."""
        levels = self.levels
        return sorted((n.code for n in self.nodes if levels[n.code] > 1), key=lambda c: levels[c])

    @cached_property
    def root(self) -> str:
        return next(n.code for n in self.nodes if n.parent is None)

    def step(self, kind: str) -> Step | None:
        return next((s for s in self.pipeline if s.kind == kind), None)

    # ---- deriving specs --------------------------------------------------------------------
    def replace_step(self, kind: str, method: str | None = None, params: Mapping | None = None,
                     merge: bool = True) -> IndexSpec:
        """A new spec with step ``kind`` set to ``method`` and ``params`` (merged into the
        current parameters when the method is unchanged and ``merge``)."""
        raw = self.to_dict()
        for item in raw["pipeline"]:
            if item["step"] == kind:
                same = method in (None, item["method"])
                item["params"] = {**(item["params"] if same and merge else {}), **dict(params or {})}
                item["method"] = method or item["method"]
                if not same:
                    item.pop("indicators", None)
                    item.pop("levels", None)
                break
        else:
            raise IndexSpecError("unknown_step", step=kind, allowed=[s.kind for s in self.pipeline])
        return IndexSpec.from_dict(raw)

    def with_weights(self, weights: Mapping[str, float]) -> IndexSpec:
        """A new spec with the given node weights (others kept)."""
        raw = self.to_dict()
        for node in raw["nodes"]:
            if node["code"] in weights:
                node["weight"] = float(weights[node["code"]])
        return IndexSpec.from_dict(raw)

    # ---- writing ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        out = {"name": self.name}
        if self.name_en:
            out["name_en"] = self.name_en
        if self.description:
            out["description"] = self.description
        out["data"] = {k: copy.deepcopy(v) for k, v in self.data.items() if v not in (None, [])}
        out["nodes"] = [n.to_dict() for n in self.nodes]
        out["pipeline"] = [s.to_dict() for s in self.pipeline]
        if self.uncertainty is not None:
            out["uncertainty"] = copy.deepcopy(self.uncertainty)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def digest(self) -> str:
        """SHA-256 of the canonical JSON of the spec (what a stored result records)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()

    def dump(self, path: str | Path) -> None:
        """Write the spec as YAML (``.yaml``/``.yml``) or JSON (any other extension)."""
        path = Path(path)
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            path.write_text(yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, default_flow_style=None),
                            encoding="utf-8")
        else:
            path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")


def load_spec(source: str | Path | Mapping) -> IndexSpec:
    """An :class:`IndexSpec` from a YAML or JSON file, or from a mapping.

    >>> spec = load_spec({"nodes": [{"code": "I"}, {"code": "a", "parent": "I", "direction": 1},
    ...                             {"code": "b", "parent": "I", "direction": -1}],
    ...                   "pipeline": [{"step": "normalise"}, {"step": "aggregate"}]})
    >>> spec.indicators, spec.root, spec.levels["I"]
    (['a', 'b'], 'I', 2)
    """
    if isinstance(source, Mapping):
        return IndexSpec.from_dict(source)
    import yaml

    path = Path(source)
    try:
        # YAML 1.1 reads JSON too; libyaml's loader, where PyYAML has it, is ten times faster
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise IndexSpecError("spec_file", path=str(path), reason=exc) from None
    return IndexSpec.from_dict(raw)
