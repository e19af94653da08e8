"""Declared parameters of the engine's methods, checked in one place with one error format.

Every step module lists its methods in a ``METHODS`` dict of :class:`Method`, each with its
parameters declared as :class:`Param`. :func:`resolve` fills the defaults and refuses unknown
names and wrong types, naming the step, the method, the parameter and the value received.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import IndexSpecError

__all__ = ["Param", "Method", "REQUIRED", "resolve", "columns_by_setting"]

REQUIRED = object()

_EXPECTED = {
    "number": ("数值", "a number"),
    "positive": ("正数", "a positive number"),
    "fraction": ("0 到 1 之间的数", "a number between 0 and 1"),
    "int": ("整数", "an integer"),
    "bool": ("true 或 false", "true or false"),
    "str": ("文本", "a text"),
    "list": ("列表", "a list"),
    "mapping": ("映射", "a mapping"),
    "any": ("任意值", "any value"),
}


@dataclass(frozen=True)
class Param:
    """One parameter: its kind ('number', 'positive', 'fraction', 'int', 'bool', 'str', 'list',
    'mapping', 'any'), default (``REQUIRED`` if none) and allowed values."""

    kind: str
    default: Any = REQUIRED
    choices: tuple | None = None
    nullable: bool = False


@dataclass(frozen=True)
class Method:
    """A named method of a step: the function and its declared parameters."""

    name: str
    function: Callable
    params: Mapping[str, Param] = field(default_factory=dict)
    label_zh: str = ""
    label_en: str = ""


def _valid(param: Param, value: Any) -> bool:
    if value is None:
        return param.nullable
    if param.choices is not None:
        return value in param.choices
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if param.kind == "number":
        return number and math.isfinite(value)
    if param.kind == "positive":
        return number and math.isfinite(value) and value > 0
    if param.kind == "fraction":
        return number and 0 <= value <= 1
    if param.kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) or (number and float(value).is_integer())
    if param.kind == "bool":
        return isinstance(value, bool)
    if param.kind == "str":
        return isinstance(value, str) and value != ""
    if param.kind == "list":
        return isinstance(value, (list, tuple))
    if param.kind == "mapping":
        return isinstance(value, Mapping)
    return True


def _coerce(param: Param, value: Any) -> Any:
    if param.kind == "int" and value is not None and param.choices is None:
        return int(value)
    if param.kind in ("number", "positive", "fraction") and value is not None and param.choices is None:
        return float(value)
    return value


def resolve(step: str, method: Method, given: Mapping | None) -> dict:
    """The method's parameters: ``given`` checked against the declaration, defaults filled in.

    Raises
    ------
    IndexSpecError
        An unknown parameter, a missing required one, or a value of the wrong kind.
    """
    given = dict(given or {})
    unknown = sorted(set(given) - set(method.params))
    if unknown:
        raise IndexSpecError("unknown_param", step=step, method=method.name, names=unknown,
                             allowed=sorted(method.params) or "—")
    out = {}
    for name, param in method.params.items():
        if name not in given:
            if param.default is REQUIRED:
                raise IndexSpecError("missing_param", step=step, method=method.name, name=name)
            out[name] = param.default
            continue
        value = given[name]
        if not _valid(param, value):
            zh, en = _EXPECTED[param.kind]
            if param.choices is not None:
                zh = en = " | ".join(map(str, param.choices))
            raise IndexSpecError("bad_param", step=step, method=method.name, name=name, expected=zh,
                                 expected_en=en, got=repr(value))
        out[name] = _coerce(param, value)
    return out


def columns_by_setting(step, columns) -> list[tuple]:
    """A step's columns grouped by their setting (per-indicator overrides apart), so that each
    method runs once on a block of columns: ``[(setting, column indices), …]``."""
    if not step.overrides:
        return [(step.setting, np.arange(len(columns)))]
    groups: dict[str, tuple] = {}
    for j, code in enumerate(columns):
        setting = step.setting_for(code)
        key = repr((setting.method, sorted(setting.params.items())))
        groups.setdefault(key, (setting, []))[1].append(j)
    return [(setting, np.array(cols, dtype=int)) for setting, cols in groups.values()]
