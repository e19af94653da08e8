"""What the reader returns: indicators it is told about, problems it finds, and the result.

Problems are collected as vectorised chunks (a million-row file with an error in every row
must not build a million objects); only the first :data:`MAX_PROBLEMS` become
:class:`Problem` objects, the total is kept in ``ReadResult.problem_count``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

LAYOUTS = ("long", "wide_years", "wide_indicators")
MAX_PROBLEMS = 1000

FRAME_COLUMNS = {
    "region_code": "str", "indicator": "str", "year": "int64", "value": "float64",
    "value_supplied": "str", "unit_supplied": "str", "source": "str", "qualifier": "str",
    "note": "str", "row": "int64", "column": "str",
}


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name_zh: str
    name_en: str
    unit: str
    derived: bool = False
    lower_bound: float | None = None
    upper_bound: float | None = None


@dataclass
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        from deltawatch.observations.messages import format_problem

        return format_problem(self, lang)


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in FRAME_COLUMNS.items()})


@dataclass
class ReadResult:
    frame: pd.DataFrame
    problems: list[Problem]
    layout: str
    encoding: str | None
    skipped_blank: int = 0
    problem_count: int = 0       # every problem found; ``problems`` holds the first MAX_PROBLEMS
    # "qualifier" and/or "note" when the file has those columns: only then do they replace
    # what the database holds (a file without a note column must not erase notes).
    metadata_columns: frozenset = frozenset()

    @property
    def ok(self) -> bool:
        return not self.problems and self.problem_count == 0


class Collector:
    """Problems as vectorised chunks; only the first MAX_PROBLEMS become objects."""

    def __init__(self, file: str):
        self.file = file
        self.fixed: list[Problem] = []
        self.chunks: list[dict] = []

    def add(self, row, column, value, code, **params):
        self.fixed.append(Problem(self.file, row, column, value, code, params))

    def add_rows(self, mask, code, rows, columns, values, params=None, order=0):
        """``mask`` selects cells; ``columns``/``params`` are scalars or aligned arrays."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return

        def take(a):
            if isinstance(a, (np.ndarray, pd.Series, list)):
                return np.asarray(a, dtype=object)[idx]
            return np.full(len(idx), a, dtype=object)

        self.chunks.append({
            "row": np.asarray(rows)[idx].astype("int64"),
            "column": take(columns), "value": take(values),
            "params": take(params) if params is not None else np.full(len(idx), None, dtype=object),
            "code": code, "order": order,
        })

    @property
    def count(self) -> int:
        return len(self.fixed) + sum(len(c["row"]) for c in self.chunks)

    def problems(self) -> list[Problem]:
        """The first MAX_PROBLEMS: whole-file problems, then cells by row and check order."""
        out = list(self.fixed[:MAX_PROBLEMS])
        room = MAX_PROBLEMS - len(out)
        if room <= 0 or not self.chunks:
            return out
        rows = np.concatenate([c["row"] for c in self.chunks])
        order = np.concatenate([np.full(len(c["row"]), c["order"]) for c in self.chunks])
        chunk = np.concatenate([np.full(len(c["row"]), i) for i, c in enumerate(self.chunks)])
        pos = np.concatenate([np.arange(len(c["row"])) for c in self.chunks])
        for k in np.lexsort((order, rows))[:room]:
            c = self.chunks[chunk[k]]
            params, value = c["params"][pos[k]], c["value"][pos[k]]
            out.append(Problem(self.file, int(rows[k]), c["column"][pos[k]],
                               None if value is None else str(value), c["code"],
                               dict(params) if params else {}))
        return out
