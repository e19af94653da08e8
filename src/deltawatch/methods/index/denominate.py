"""Denominate: divide each indicator by its denominator (GDP, population, area …).

The denominator of an indicator is declared on its node (``denominator: population``) and
read from the data column of that name; ``scale`` multiplies the ratio (e.g. 10000 for "per
10,000 persons"). Indicators without a denominator pass unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import Method, Param
from .table import Table

__all__ = ["METHODS", "apply"]


def divide(values: np.ndarray, denominators: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``values / denominators * scale``, column by column; a zero denominator gives NaN.

    >>> divide(np.array([[10.0, 3.0]]), np.array([[2.0, 0.0]]))
    array([[ 5., nan]])
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = values / denominators * scale
    out[~np.isfinite(out)] = np.nan
    return out


METHODS = {"divide": Method("divide", divide, {"scale": Param("number", 1.0)}, "除以分母", "divide by the denominator")}


def apply(table: Table, step, spec) -> tuple[Table, dict[str, pd.DataFrame]]:
    """Denominate the indicators that declare a denominator."""
    values = table.values.copy()
    rows = []
    for j, code in enumerate(table.columns):
        denominator = spec.node(code).denominator
        if not denominator:
            continue
        values[:, j] = divide(values[:, j], table.side[denominator], step.params["scale"])
        rows.append((code, denominator, step.params["scale"]))
    return table.with_values(values), {"denominators": lambda: pd.DataFrame(rows, columns=["indicator", "denominator",
                                                                                        "scale"])}
