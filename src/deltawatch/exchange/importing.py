"""Write observations read from an exchange format (SDMX-CSV, Open SDG) through the importer.

The formats' readers give the importer's long layout (region_code, indicator, year, value,
unit, source, qualifier, note) with, for each row, the file and row it came from. Here the rows
are written to a temporary long CSV and imported by ``observations.services.import_observations``
— the same validation, unit conversion, revisions and derived values as any import, all or
nothing — and every problem it finds is named by the original file, row and column.

A qualifier, note, source or unit column that no row fills is left out, so that it changes
nothing (the importer reads a qualifier or note column as what the values now say).

Values of derived indicators (those with a formula: per-capita figures, shares …) are left out
and counted: the importer refuses them, and it recomputes them from their inputs.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pandas as pd

from deltawatch.observations.services import ImportFailed, import_observations

from .sdmx import LONG_COLUMNS


@dataclasses.dataclass
class Origin:
    """Where each row of a long frame came from: ``files[i]``, ``rows[i]``; and the name each
    long column has in those files (for the problems' column)."""

    files: list[str]
    rows: list[int]
    columns: dict[str, str]


def derived_codes() -> set[str]:
    from deltawatch.indicators.models import Indicator

    return set(Indicator.objects.exclude(formula="").values_list("code", flat=True))


def import_long(frame: pd.DataFrame, origin: Origin, *, name: str, user=None, dry_run: bool = False,
                status: str = "submitted"):
    """Import a long frame (``LONG_COLUMNS``, text cells) as the file ``name``.

    Returns ``(outcome, derived_skipped)``; raises ``ImportFailed`` (problems named by
    ``origin``) or ``DatabaseBusy`` as ``import_observations`` does.
    """
    derived = frame["indicator"].astype(str).str.strip().isin(derived_codes())
    keep = ~derived.to_numpy()
    frame = frame[keep]
    origin = Origin([f for f, k in zip(origin.files, keep) if k], [r for r, k in zip(origin.rows, keep) if k],
                    origin.columns)
    with tempfile.TemporaryDirectory(prefix="deltawatch-exchange-") as folder:
        # named after what was imported (the import batch keeps the name): obs.csv, site.zip.csv
        base = Path(name).name or "exchange"
        path = Path(folder) / (base if base.lower().endswith(".csv") else f"{base}.csv")
        frame[_columns(frame)].to_csv(path, index=False, encoding="utf-8")
        try:
            outcome = import_observations(path, user=user, dry_run=dry_run, status=status, layout="long")
        except ImportFailed as failure:
            raise ImportFailed(_renamed(failure.result, origin, path.name)) from None
    outcome.file_name = name
    return outcome, int(derived.sum())


# Optional columns left out of the file when no row fills them: the importer treats a qualifier
# or note column as what the values now say (a blank cell clears a note), and a format that had
# no such column must not clear what the database holds.
OPTIONAL = ("unit", "source", "qualifier", "note")


def _columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in LONG_COLUMNS
            if c not in OPTIONAL or frame[c].fillna("").astype(str).str.strip().ne("").any()]


def _renamed(result, origin: Origin, temporary_name: str):
    """The reader's result with each problem naming the original file, row and column: row n of
    the temporary file (its header is row 1) is row ``origin.rows[n - 2]`` of ``origin.files[n - 2]``."""
    problems = []
    for problem in result.problems:
        changes = {}
        if problem.row is not None and 2 <= problem.row < len(origin.rows) + 2:
            changes = {"file": origin.files[problem.row - 2], "row": origin.rows[problem.row - 2]}
        elif problem.file == temporary_name:
            changes = {"file": origin.files[0] if origin.files else problem.file}
        if problem.column in origin.columns:
            changes["column"] = origin.columns[problem.column]
        problems.append(dataclasses.replace(problem, **changes))
    return dataclasses.replace(result, problems=problems)
