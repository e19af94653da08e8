"""Screen: drop units with too little data (COINr ``Screen``, ``unit_screen = "byNA"``).

For a row with k indicators, m of them missing and z zeros (COINr ``get_data_avail``)::

    availability = 1 − m / k                 (share of the indicators it has a value for)
    nonzero      = 1 − z / (k − m)           (share of non-zero values among those it has)

Rows below ``min_availability`` (COINr's example: 0.9) are dropped; ``min_nonzero`` also drops
rows whose non-zero share is below it. The non-zero share counts only available values, as
COINr does ("percentage zero values as a percentage of non-NA values"): a unit missing half
its indicators and with one zero among the rest has a non-zero share of 1 − 1/(k/2), not
1 − 1/k. A row without any value has no non-zero share (NaN) and is screened by availability
alone. ``include`` and ``exclude`` force units in or out. Each row of a panel (a unit in a
year) is screened on its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import IndexSpecError
from .params import Method, Param
from .table import Table

__all__ = ["METHODS", "apply", "data_summary"]


def data_summary(values: np.ndarray, min_availability: float = 0.9, min_nonzero: float | None = None,
                 include=(), exclude=(), units=None) -> dict[str, np.ndarray]:
    """Per row: missing and zero counts, availability, non-zero share and whether it is kept.

    >>> summary = data_summary(np.array([[1.0, np.nan], [0.0, 2.0], [0.0, np.nan]]), min_availability=0.5)
    >>> summary["availability"].tolist(), summary["nonzero"].tolist(), summary["included"].tolist()
    ([0.5, 1.0, 0.5], [1.0, 0.5, 0.0], [True, True, True])
    """
    n = values.shape[1]
    missing = np.isnan(values).sum(axis=1)
    zero = (values == 0).sum(axis=1)
    available = n - missing
    availability = 1 - missing / n if n else np.ones(len(values))  # as COINr writes it, to the last bit
    with np.errstate(invalid="ignore", divide="ignore"):
        nonzero = np.where(available > 0, 1 - zero / available, np.nan)
    low_data = availability < min_availability
    with np.errstate(invalid="ignore"):  # NaN (no value at all) is never "low non-zero"
        low_nonzero = nonzero < min_nonzero if min_nonzero is not None else np.zeros(len(values), bool)
    included = ~(low_data | low_nonzero)
    if units is not None:
        included = (included | np.isin(units, list(include))) & ~np.isin(units, list(exclude))
    return {"n_missing": missing, "n_zero": zero, "n_missing_or_zero": missing + zero,
            "availability": availability, "nonzero": nonzero, "low_data": low_data,
            "low_nonzero": low_nonzero, "included": included}


METHODS = {"availability": Method("availability", data_summary, {
    "min_availability": Param("fraction", 0.9),
    "min_nonzero": Param("fraction", None, nullable=True),
    "include": Param("list", []),
    "exclude": Param("list", []),
}, "按数据可得率筛选", "by data availability")}


def apply(table: Table, step, spec) -> tuple[Table, dict[str, pd.DataFrame]]:
    """Keep the rows whose data suffice; the summary names every row and why."""
    p = step.params
    summary = data_summary(table.values, p["min_availability"], p["min_nonzero"], [str(u) for u in p["include"]],
                           [str(u) for u in p["exclude"]], units=table.units.astype(str))
    keep = summary["included"]
    if not keep.any():
        raise IndexSpecError("no_units_left", threshold=p["min_availability"])
    keys = {"unit_code": table.units} if table.years is None else {"unit_code": table.units, "year": table.years}
    return table.take(keep), {"summary": {**keys, **summary}}
