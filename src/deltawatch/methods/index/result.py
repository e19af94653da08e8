"""What a build returns: every step's output and record, scores and ranks of every node.

An :class:`IndexResult` keeps the spec and a hash of the data that made it, so it can be
regenerated (:meth:`IndexResult.regenerate`) and audited: which cells were imputed, which
points were winsorised or logged and how, which units were screened out, which weights were
used — at every level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["StepRecord", "IndexResult", "LazyFrames"]


class LazyFrames(Mapping):
    """DataFrames by name, made only when read. Each entry is a DataFrame, a
    :class:`~deltawatch.methods.index.table.Table`, a dict of columns or a callable returning a
    DataFrame: a build that nobody inspects step by step (an uncertainty run, a benchmark)
    pays for none of the conversions."""

    def __init__(self, entries: dict):
        self._entries = dict(entries)
        self._frames: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            entry = self._entries[name]
            if isinstance(entry, pd.DataFrame):
                frame = entry
            elif isinstance(entry, dict):
                frame = pd.DataFrame(entry)
            elif callable(entry):
                frame = entry()
            else:
                frame = entry.frame()
            self._frames[name] = frame
        return self._frames[name]

    def __iter__(self):
        return iter(self._entries)

    def entry(self, name: str):
        """What ``name`` is made from (a Table, a DataFrame, a dict or a callable), unconverted."""
        return self._entries[name]

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class StepRecord:
    """One executed step: its kind, method and parameters, the dataset it wrote and details."""

    kind: str
    method: str
    params: dict
    dataset: str
    details: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.details, LazyFrames):
            object.__setattr__(self, "details", LazyFrames(self.details))


@dataclass
class IndexResult:
    """Scores and ranks of every node, with the record of how they were made.

    Attributes
    ----------
    spec : IndexSpec
    data_hash : str
        SHA-256 of the input table (see :func:`~deltawatch.methods.index.table.data_hash`).
    datasets : dict of DataFrame
        ``Raw``, then one per step (``Denominated``, ``Imputed``, ``Screened``, ``Treated``,
        ``Normalised``) and ``Aggregated`` — indexed by unit (and year), as in COINr.
    steps : list of StepRecord
    scores : DataFrame
        The ``Aggregated`` dataset: normalised indicators and every aggregate.
    ranks : DataFrame
        Ranks of every column of ``scores`` within each year (highest = 1, ties share the
        best rank, missing stays missing).
    weights : DataFrame
        Per node: parent, level, the weight used, its share among its siblings and its
        effective weight (share of the index).
    warnings : list of str
    """

    spec: Any
    data_hash: str
    datasets: LazyFrames
    steps: list[StepRecord]
    tables: LazyFrames
    warnings: list[str] = field(default_factory=list)

    @property
    def scores(self) -> pd.DataFrame:
        return self.tables["scores"]

    @property
    def ranks(self) -> pd.DataFrame:
        return self.tables["ranks"]

    @property
    def weights(self) -> pd.DataFrame:
        return self.tables["weights"]

    def side(self, dataset: str = "Raw") -> pd.DataFrame:
        """The group and denominator columns of the rows of ``dataset``, indexed like it.

        The step datasets keep them (they are tables); ``Aggregated`` has the rows of the
        last step's table. Empty when the spec names no group or denominator column.
        """
        from .table import Table

        tables = [name for name in self.datasets if isinstance(self.datasets.entry(name), Table)]
        if not tables:
            return pd.DataFrame(index=self.datasets[dataset].index)
        table = self.datasets.entry(dataset if dataset in tables else tables[-1])
        return pd.DataFrame({k: v for k, v in table.side.items()}, index=table.index)

    def step(self, kind: str) -> StepRecord | None:
        return next((s for s in self.steps if s.kind == kind), None)

    def _detail(self, kind: str, name: str) -> pd.DataFrame:
        record = self.step(kind)
        return record.details.get(name, pd.DataFrame()) if record else pd.DataFrame()

    @property
    def imputed(self) -> pd.DataFrame:
        """Every imputed cell: unit, (year), indicator, value, method."""
        return self._detail("impute", "imputed")

    @property
    def treated(self) -> pd.DataFrame:
        """Every treated point: unit, (year), indicator, treatment (winhi, winlo, log), before, after."""
        return self._detail("treat", "points")

    @property
    def treatment(self) -> pd.DataFrame:
        """Per indicator (and year): skew and kurtosis before and after, points winsorised, log."""
        return self._detail("treat", "details")

    @property
    def screening(self) -> pd.DataFrame:
        """Per unit (and year): missing and zero counts, availability, included."""
        return self._detail("screen", "summary")

    @property
    def excluded(self) -> list:
        """Units (with their year in a panel) that screening left out."""
        summary = self.screening
        if summary.empty:
            return []
        out = summary.loc[~summary["included"]]
        return out["unit_code"].tolist() if "year" not in out else list(zip(out["unit_code"], out["year"]))

    def long(self, nodes=None) -> pd.DataFrame:
        """Scores and ranks as a long table: unit_code, (year), node, level, score, rank."""
        levels = self.spec.levels
        columns = list(self.scores.columns if nodes is None else nodes)
        scores = self.scores[columns].stack(future_stack=True).rename("score")
        ranks = self.ranks[columns].stack(future_stack=True).rename("rank")
        out = pd.concat([scores, ranks], axis=1).reset_index()
        out = out.rename(columns={out.columns[len(self.scores.index.names)]: "node"})
        out.insert(out.columns.get_loc("node") + 1, "level", out["node"].map(levels))
        out["rank"] = out["rank"].astype("Int64")
        return out

    def regenerate(self, data: pd.DataFrame, year: int | None = None, check: bool = True) -> IndexResult:
        """Build again from the recorded spec. With ``check``, refuse data that differ from the
        data this result was made from."""
        from .pipeline import build
        from .table import data_hash, read_table

        if check:
            got = data_hash(read_table(self.spec, data, year))
            if got != self.data_hash:
                from .errors import IndexSpecError

                raise IndexSpecError("data_changed", got=got[:12], expected=self.data_hash[:12])
        return build(self.spec, data, year=year)
