"""Statistics cells to numbers: full-width digits, thousands separators, blanks, percentages.

Vectorised: pandas parses the plain numbers of a million cells at once, and only the distinct
texts it could not read take the slow path. Text that spells a non-finite float ("NaN",
"inf", "-Infinity", as programs write them) and numerals too large for a float ("1e400")
have their own statuses, so that the message says what is wrong instead of "blank" or
"not a number".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Blank cells of statistics tables: "", "-", "—", "…", "/", "NA", "n/a", "null", "none".
_BLANK_RE = r"(?i)^(?:[-‐‑‒–—―−.…·/]*|n/?a|null|none)$"
_NAN_RE = r"(?i)^nan$"
_INFINITY_RE = r"(?i)^[+-]?(?:inf|infinity)$"
_GROUPED_RE = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?$"

OK, BLANK, NOT_A_NUMBER, PERCENT_NOT_ALLOWED, NOT_FINITE, TOO_LARGE = 0, 1, 2, 3, 4, 5


def parse_values(texts, percent_ok=False, nan_is_blank: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Parse statistics cells into floats.

    Returns ``(values, status)``: ``status`` is 0 (a number), 1 (blank: "", "-", "—",
    "…", "NA"), 2 (not a number), 3 (a trailing "%" where the unit is not %), 4 (not finite:
    "inf", "Infinity", "-inf", and "NaN" unless ``nan_is_blank``) or 5 (a numeral beyond the
    largest float, about 1.8e308). Every status from 2 up is "not a usable number".
    Full-width digits and punctuation (NFKC), thousands separators ("38,155.32",
    "３８，１５５．３２") and surrounding spaces are accepted. ``percent_ok`` is a bool or
    a boolean array aligned with ``texts``. ``nan_is_blank`` keeps "NaN" a blank (a missing
    value to the index engine); the importer refuses it.
    """
    texts = pd.Series(texts).reset_index(drop=True)
    n = len(texts)
    values = np.asarray(pd.to_numeric(texts, errors="coerce"), dtype="float64").copy()
    status = np.zeros(n, dtype="int8")
    slow = ~np.isfinite(values)
    if not slow.any():
        return values, status
    idx = np.flatnonzero(slow)
    sub = texts.iloc[idx].astype(object).fillna("").astype(str)
    codes, uniques = pd.factorize(sub)     # the slow path works on distinct texts only
    num, ustatus, upct = _parse_distinct(pd.Series(uniques, dtype=object).astype(str), nan_is_blank)
    values[idx] = num[codes]
    status[idx] = ustatus[codes]
    pct_rows = np.zeros(n, dtype=bool)
    pct_rows[idx] = upct[codes]
    if pct_rows.any():
        allowed = np.broadcast_to(np.asarray(percent_ok, dtype=bool), (n,))
        refuse = pct_rows & ~allowed
        status[refuse] = PERCENT_NOT_ALLOWED
        values[refuse] = np.nan
    return values, status


def _parse_distinct(u: pd.Series, nan_is_blank: bool):
    """Values, statuses and "ends in %" of distinct texts pandas could not read as they are."""
    norm = u.str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.replace("−", "-")
    blank = norm.str.match(_BLANK_RE).to_numpy(dtype=bool)
    pct = norm.str.endswith("%").to_numpy(dtype=bool)
    body = norm.where(~pct, norm.str[:-1])
    nan = body.str.match(_NAN_RE).to_numpy(dtype=bool)
    infinite = body.str.match(_INFINITY_RE).to_numpy(dtype=bool)
    has_comma = body.str.contains(",", regex=False).to_numpy(dtype=bool)
    grouped = body.str.match(_GROUPED_RE).to_numpy(dtype=bool)
    body = body.where(~(has_comma & grouped), body.str.replace(",", "", regex=False))
    num = np.asarray(pd.to_numeric(body, errors="coerce"), dtype="float64")
    well_formed = ~has_comma | grouped
    status = np.select(
        [blank | (nan & nan_is_blank), nan | infinite, np.isinf(num) & well_formed,
         ~np.isfinite(num) | ~well_formed],
        [BLANK, NOT_FINITE, TOO_LARGE, NOT_A_NUMBER], default=OK,
    ).astype("int8")
    num = np.where(status == OK, num, np.nan)
    return num, status, pct & (status == OK)
