"""Resolving and checking every cell, the same way whatever the layout.

Region, indicator, year and unit are resolved once per distinct text (or text and year)
and mapped back to the rows, so that a million rows cost their few distinct names. Each
check reports the rows it refuses to the collector, with the cell's row, column and text.

Values are refused when they are not numbers, not finite ("NaN", "inf"), too large for a
float once converted into the indicator's unit (``1e308`` 亿元 into 万元), larger in
magnitude than any statistic can be (:data:`.limits.MAX_PLAUSIBLE_MAGNITUDE`), or outside
the indicator's own bounds.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deltawatch.observations.units import UnitError, conversion_factor, parse_unit
from deltawatch.regions.resolver import RegionNotFound

from .layouts import Ctx, is_blank, resolve_indicator
from .limits import MAX_CELL_CHARS, MAX_PLAUSIBLE_MAGNITUDE
from .numbers import BLANK, NOT_A_NUMBER, NOT_FINITE, PERCENT_NOT_ALLOWED, TOO_LARGE, parse_values
from .text import fold

# Words a file may use for each value qualifier (``choices.Qualifier``), compared folded.
QUALIFIER_WORDS = {
    "": ("", "exact", "准确值", "准确"),
    "approx": ("approx", "approximate", "about", "约", "约数", "左右", "约数（约、左右）"),
    "lower_bound": ("lower_bound", "lower bound", "at least", "以上", "超过", "不低于", "下限",
                    "下限（以上、超过）"),
    "upper_bound": ("upper_bound", "upper bound", "at most", "以下", "以内", "不超过", "上限",
                    "上限（以下、以内）"),
    "preliminary": ("preliminary", "provisional", "初步", "初步数", "快报", "初步数（快报）"),
}
_QUALIFIER_LOOKUP = {fold(word): str(code) for code, words in QUALIFIER_WORDS.items() for word in words}
# The cells' texts checked for length, and the role whose column names them.
_TEXT_ROLES = {"region": "region", "ind": "indicator", "year": "year", "value": "value", "unit": "unit",
               "qualifier": "qualifier", "source": "source", "note": "note"}
_YEAR_RE = re.compile(r"(\d+)(?:\.0+)?(?:年度|年)?")


def str_column(values) -> pd.arrays.StringArray:
    """A str column built from its distinct values (cheap for repetitive columns)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    return pd.array(np.asarray(uniques, dtype=object).astype(str).astype(object),
                    dtype="str").take(codes)


def _distinct(series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(pd.Series(series).astype(object), use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def as_array(column, n: int) -> np.ndarray:
    """A cells column that may be one string for every row, as a stripped object array."""
    if isinstance(column, str):
        return np.full(n, column, dtype=object)
    return column.fillna("").astype(str).str.strip().to_numpy(dtype=object)


@dataclass
class _Resolved:
    """Per-row results of one check: the value found, and the problem code (or None)."""

    value: np.ndarray
    error: np.ndarray
    codes: np.ndarray          # row → index of its distinct text
    distinct: np.ndarray       # the distinct texts' resolved values


@dataclass
class _Checked:
    """The rows being checked: their numbers, value columns, over-long cells, and which rows
    have a problem so far (``bad``)."""

    ctx: Ctx
    rows: np.ndarray
    value_col: np.ndarray
    texts: dict                # cells key → texts per row
    too_long: dict             # cells key → bool per row
    long_params: dict          # cells key → params per row (length, limit) where too long
    bad: np.ndarray
    unit_column: object = None  # per row: the unit's column where the unit came from a cell

    @classmethod
    def of(cls, ctx: Ctx, cells: pd.DataFrame) -> _Checked:
        too_long, long_params = _length_checks(cells)
        value_col = cells["value_col"].to_numpy(dtype=object) if len(cells) else np.array([], dtype=object)
        return cls(ctx, cells["row"].to_numpy(dtype="int64"), value_col,
                   {"value": cells["value"].to_numpy(dtype=object)}, too_long, long_params,
                   np.zeros(len(cells), dtype=bool))

    def column_of(self, role):
        """The role's own column in the long layout, else the value's column."""
        return self.ctx.colnames.get(role) or self.value_col

    def report(self, error, codes, key, texts, params=None, order=0) -> np.ndarray:
        """Report every row whose ``error`` is one of ``codes`` (a too-long cell first); return
        the rows in error. ``params``: code → a dict or an array aligned with the rows."""
        if self.long_params[key] is not None:
            error = np.where(self.too_long[key], "cell_too_long", error)
            params = {**(params or {}), "cell_too_long": self.long_params[key]}
            codes = ("cell_too_long", *codes)
        params = params or {}
        bad = np.zeros(len(self.rows), dtype=bool)
        column = self.column_of(_TEXT_ROLES[key]) if key != "unit" else self.unit_column
        for code in codes:
            mask = error == code
            self.ctx.out.add_rows(mask, code, self.rows, column, texts, params=params.get(code), order=order)
            bad |= mask
        self.bad |= bad
        return bad


def _lengths(values) -> np.ndarray:
    """Characters per cell (cells are texts; anything else is counted as its text)."""
    values = np.asarray(values, dtype=object)
    try:
        return np.fromiter(map(len, values), dtype="int64", count=len(values))
    except TypeError:
        return np.fromiter((len("" if v is None else str(v)) for v in values), dtype="int64", count=len(values))


def _length_checks(cells: pd.DataFrame) -> tuple[dict, dict]:
    """Per cells key: which rows' texts are longer than MAX_CELL_CHARS, and their params."""
    too_long, params = {}, {}
    for key in _TEXT_ROLES:
        lengths = _lengths(cells[key])
        too_long[key] = lengths > MAX_CELL_CHARS
        params[key] = None
        if too_long[key].any():
            params[key] = np.full(len(cells), None, dtype=object)
            for i in np.flatnonzero(too_long[key]):
                params[key][i] = {"length": int(lengths[i]), "limit": MAX_CELL_CHARS}
    return too_long, params


# ---------------------------------------------------------------------------
# resolution of distinct texts

def _resolve_indicators(ctx: Ctx, texts) -> _Resolved:
    codes, distinct = _distinct(texts)
    found = np.empty(len(distinct), dtype=object)
    error = np.full(len(distinct), None, dtype=object)
    for k, text in enumerate(distinct):
        text = "" if text is None else str(text)
        code = resolve_indicator(ctx, text) if text.strip() else None
        if not text.strip():
            error[k] = "blank_value"
        elif code is None:
            error[k] = "unknown_indicator"
        elif ctx.indicators[code].derived:
            error[k] = "derived_indicator"
        else:
            found[k] = code
    return _Resolved(found[codes], error[codes], codes, found)


def _resolve_years(ctx: Ctx, texts) -> _Resolved:
    codes, distinct = _distinct(texts)
    lo, hi = ctx.year_range
    found = np.full(len(distinct), -1, dtype="int64")
    error = np.full(len(distinct), None, dtype=object)
    for k, text in enumerate(distinct):
        folded = fold("" if text is None else text)
        m = _YEAR_RE.fullmatch(folded)
        if not folded:
            error[k] = "blank_value"
        elif not m:
            error[k] = "bad_year"
        elif len(m.group(1).lstrip("0")) > 6 or not lo <= int(m.group(1)) <= hi:
            error[k] = "year_out_of_range"      # (no int() of a thousand digits)
        else:
            found[k] = int(m.group(1))
    return _Resolved(found[codes], error[codes], codes, found)


def _resolve_regions(ctx: Ctx, texts, years: _Resolved) -> tuple[_Resolved, np.ndarray]:
    """Regions per distinct (text, year): a name can mean another region in another year."""
    text_codes, texts_distinct = _distinct(texts)
    stride = len(years.distinct) + 1
    codes, pairs = pd.factorize(text_codes.astype("int64") * stride + years.codes)
    found = np.full(len(pairs), "", dtype=object)
    error = np.full(len(pairs), None, dtype=object)
    params = np.full(len(pairs), None, dtype=object)
    for k, pair in enumerate(pairs):
        text = texts_distinct[pair // stride]
        year = int(years.distinct[pair % stride])
        text = "" if text is None else str(text)
        if not text.strip():
            error[k] = "blank_value"
            continue
        try:
            found[k] = ctx.resolver.resolve(text.strip(), year if year >= 0 else None)
        except RegionNotFound as exc:
            error[k], params[k] = exc.code, _region_params(ctx.resolver, exc, year)
    return _Resolved(found[codes], error[codes], codes, found), params[codes]


def _region_params(resolver, exc: RegionNotFound, year: int) -> dict | None:
    if exc.code == "region_not_valid":
        return {"candidates": list(exc.candidates), "year": year,
                "changes": region_changes(resolver, exc.candidates, year)}
    return {"candidates": list(exc.candidates)} if exc.candidates else None


def region_changes(resolver, codes, year: int) -> list[dict]:
    """What happened to each region ``codes`` names, seen from ``year``: ended (when, and the
    regions that took its territory) or not yet established (since when)."""
    records = getattr(resolver, "records", None) or {}
    changes = []
    for code in codes:
        record = records.get(code)
        if record is None:
            continue
        change = {"code": code, "name": record.name_zh}
        if record.valid_to and record.valid_to < datetime.date(year, 1, 1):
            change["ended"] = record.valid_to.isoformat()
            change["successors"] = [(c, records[c].name_zh) for c in getattr(record, "successors", ())
                                    if c in records]
        elif record.valid_from and record.valid_from > datetime.date(year, 12, 31):
            change["started"] = record.valid_from.isoformat()
        changes.append(change)
    return changes


def _conversion_factors(ctx: Ctx, unit_texts, indicators: _Resolved):
    """Factor into the indicator's unit per row, per distinct (unit, indicator).

    Returns (unit actually meant per row, factor, is-% per row, error per row, params per row).
    """
    catalogue_units = np.array([ctx.indicators[c].unit if c else "" for c in indicators.distinct], dtype=object)
    meant = np.where(is_blank(unit_texts), catalogue_units[indicators.codes], unit_texts)
    unit_codes, units_distinct = _distinct(meant)
    stride = len(indicators.distinct) + 1
    codes, pairs = pd.factorize(unit_codes.astype("int64") * stride + indicators.codes)
    factor = np.full(len(pairs), np.nan)
    error = np.full(len(pairs), None, dtype=object)
    params = np.full(len(pairs), None, dtype=object)
    is_percent = np.zeros(len(pairs), dtype=bool)
    for k, pair in enumerate(pairs):
        unit = str(units_distinct[pair // stride]).strip()
        code = indicators.distinct[pair % stride]
        if code is None:
            continue
        target = ctx.indicators[code].unit
        try:
            factor[k] = conversion_factor(unit, target)
            is_percent[k] = parse_unit(unit).symbol == "%"
        except UnitError as exc:
            error[k], params[k] = exc.code, {"unit": unit, "expected": target}
    return meant, factor[codes], is_percent[codes], error[codes], params[codes]


def _resolve_qualifiers(texts) -> tuple[np.ndarray, np.ndarray]:
    """Qualifier words (约, 以上, lower_bound …) to their codes; an unknown word is an error."""
    rows, distinct = _distinct(as_array(texts, len(texts)))
    codes = np.array([_QUALIFIER_LOOKUP.get(fold(t)) for t in distinct], dtype=object)[rows] \
        if len(rows) else np.array([], dtype=object)
    error = np.where(pd.isna(codes), "unknown_qualifier", None).astype(object)
    return np.where(pd.isna(codes), "", codes).astype(object), error


# ---------------------------------------------------------------------------
# values

def _value_errors(status, values, converted, units) -> tuple[np.ndarray, dict]:
    """Problem code per row of the value cells (None where the value is usable) and params."""
    overflow = (status == TOO_LARGE) | (np.isfinite(values) & np.isinf(converted))
    implausible = np.isfinite(converted) & (np.abs(converted) > MAX_PLAUSIBLE_MAGNITUDE)
    error = np.select(
        [status == BLANK, status == NOT_FINITE, overflow,
         (status == NOT_A_NUMBER) | (status == PERCENT_NOT_ALLOWED), implausible],
        ["blank_value", "not_finite", "value_overflow", "not_a_number", "implausible_value"], default=None,
    ).astype(object)
    overflow_params = np.full(len(error), None, dtype=object)
    for i in np.flatnonzero(error == "value_overflow"):
        overflow_params[i] = {"unit": units[i]}
    implausible_params = np.full(len(error), None, dtype=object)
    for i in np.flatnonzero(error == "implausible_value"):
        implausible_params[i] = {"converted": float(converted[i]), "unit": units[i],
                                 "limit": MAX_PLAUSIBLE_MAGNITUDE}
    return error, {"value_overflow": overflow_params, "implausible_value": implausible_params}


def _out_of_bounds(ctx: Ctx, converted, indicators: _Resolved, usable):
    """Usable rows outside their indicator's natural bounds (after conversion), with params."""
    def bound(name, default):
        return np.array([getattr(ctx.indicators[c], name) if c and getattr(ctx.indicators[c], name) is not None
                         else default for c in indicators.distinct], dtype=float)[indicators.codes]

    oob = usable & np.isfinite(converted) & \
        ((converted < bound("lower_bound", -np.inf)) | (converted > bound("upper_bound", np.inf)))
    params = np.full(len(converted), None, dtype=object)
    for i in np.flatnonzero(oob):
        info = ctx.indicators[indicators.value[i]]
        params[i] = {"converted": float(converted[i]), "unit": info.unit,
                     "lower": "-∞" if info.lower_bound is None else info.lower_bound,
                     "upper": "∞" if info.upper_bound is None else info.upper_bound}
    return oob, params


def _duplicates(rows, valid_key, regions: _Resolved, indicators: _Resolved, years: _Resolved):
    """Rows repeating an earlier row's (region, indicator, year), with that row in params.

    Compared after resolution: 上海 and 310000 are the same region, 地区生产总值 and gdp the
    same indicator.
    """
    n = len(rows)
    duplicate = np.zeros(n, dtype=bool)
    params = np.full(n, None, dtype=object)
    if not valid_key.any():
        return duplicate, params
    idx = np.flatnonzero(valid_key)
    keys = pd.DataFrame({"r": pd.factorize(regions.value[idx])[0], "i": pd.factorize(indicators.value[idx])[0],
                         "y": years.value[idx]})
    repeated = keys.duplicated(keep="first").to_numpy()
    if repeated.any():
        first_row = pd.Series(rows[idx]).groupby([keys["r"], keys["i"], keys["y"]]).transform("first").to_numpy()
        duplicate[idx[repeated]] = True
        for i, other in zip(idx[repeated], first_row[repeated]):
            params[i] = {"other_row": int(other)}
    return duplicate, params


# ---------------------------------------------------------------------------
# all checks

def validate(ctx: Ctx, cells: pd.DataFrame) -> pd.DataFrame:
    """Resolve and check every cell; problems go to ``ctx.out``; return the rows without one."""
    check = _Checked.of(ctx, cells)
    keys = _check_keys(check, cells)
    units = _check_units(check, cells, keys.indicators)
    converted = _check_values(check, cells, keys.indicators, units)
    _check_duplicates(check, keys)
    qualifiers = _check_annotations(check, cells)
    good = ~check.bad
    return pd.DataFrame({
        "region_code": str_column(keys.regions.value[good]),
        "indicator": str_column(keys.indicators.value[good]),
        "year": keys.years.value[good].astype("int64"),
        "value": converted[good].astype("float64"),
        "value_supplied": pd.array(cells["value"].to_numpy(dtype=object)[good], dtype="str"),
        "unit_supplied": str_column(np.asarray(units.meant, dtype=object)[good]),
        "source": str_column(cells["source"].to_numpy(dtype=object)[good]),
        "qualifier": str_column(qualifiers[good]),
        "note": str_column(as_array(cells["note"], len(cells))[good]),
        "row": check.rows[good].astype("int64"),
        "column": str_column(np.asarray(check.value_col, dtype=object)[good]),
    })


@dataclass
class _Keys:
    indicators: _Resolved
    years: _Resolved
    regions: _Resolved


@dataclass
class _Units:
    meant: np.ndarray          # the unit each value is in (its cell's, else the argument's or catalogue's)
    factor: np.ndarray         # into the indicator's unit
    is_percent: np.ndarray


def _check_keys(check: _Checked, cells) -> _Keys:
    """Indicator, year and region of every row (the region's meaning can depend on the year)."""
    ctx = check.ctx
    indicators = _resolve_indicators(ctx, cells["ind"])
    check.report(indicators.error, ("blank_value", "unknown_indicator", "derived_indicator"), "ind",
                 cells["ind"].to_numpy(dtype=object), order=2)
    years = _resolve_years(ctx, cells["year"])
    lo, hi = ctx.year_range
    check.report(years.error, ("blank_value", "bad_year", "year_out_of_range"), "year",
                 cells["year"].to_numpy(dtype=object), params={"year_out_of_range": {"min": lo, "max": hi}}, order=1)
    regions, region_params = _resolve_regions(ctx, cells["region"], years)
    check.report(regions.error, ("blank_value", "unknown_region", "ambiguous_region", "region_not_valid"), "region",
                 cells["region"].to_numpy(dtype=object),
                 params=dict.fromkeys(("unknown_region", "ambiguous_region", "region_not_valid"), region_params), order=0)
    return _Keys(indicators, years, regions)


def _check_units(check: _Checked, cells, indicators: _Resolved) -> _Units:
    """Each value's unit and its factor into the indicator's unit; a unit from a cell is
    reported in the unit column, one from a header or argument in the value's."""
    meant, factor, is_percent, error, params = _conversion_factors(
        check.ctx, cells["unit"].astype(object).to_numpy(dtype=object), indicators)
    unit_name = check.ctx.colnames.get("unit")
    check.unit_column = np.where(cells["unit_from_cell"].to_numpy(dtype=bool), unit_name, check.value_col) \
        if unit_name else check.value_col
    check.report(error, ("unknown_unit", "incompatible_unit"), "unit", meant,
                 params=dict.fromkeys(("unknown_unit", "incompatible_unit"), params), order=4)
    return _Units(meant, factor, is_percent)


def _check_values(check: _Checked, cells, indicators: _Resolved, units: _Units) -> np.ndarray:
    """The values in their indicator's unit; the unusable, implausible and out-of-bounds ones
    reported."""
    ctx, texts = check.ctx, cells["value"].to_numpy(dtype=object)
    values, status = parse_values(cells["value"], percent_ok=units.is_percent, nan_is_blank=False)
    with np.errstate(over="ignore", invalid="ignore"):
        converted = values * units.factor
    unit_of = np.array([ctx.indicators[c].unit if c else "" for c in indicators.distinct], dtype=object)
    error, params = _value_errors(status, values, converted, unit_of[indicators.codes])
    check.report(error, ("blank_value", "not_finite", "value_overflow", "not_a_number", "implausible_value"),
                 "value", texts, params=params, order=3)
    usable = (error == None) & ~check.too_long["value"]  # noqa: E711
    oob, oob_params = _out_of_bounds(ctx, converted, indicators, usable)
    ctx.out.add_rows(oob, "out_of_bounds", check.rows, check.value_col, texts, params=oob_params, order=5)
    check.bad |= oob
    return converted


def _check_duplicates(check: _Checked, keys: _Keys) -> None:
    valid = (keys.regions.error == None) & (keys.indicators.error == None) & (keys.years.error == None)  # noqa: E711
    valid &= ~(check.too_long["region"] | check.too_long["ind"] | check.too_long["year"])
    duplicate, params = _duplicates(check.rows, valid, keys.regions, keys.indicators, keys.years)
    check.ctx.out.add_rows(duplicate, "duplicate_key", check.rows, check.value_col, check.texts["value"],
                           params=params, order=6)
    check.bad |= duplicate


def _check_annotations(check: _Checked, cells) -> np.ndarray:
    """Qualifier codes per row; source and note are only bounded in length."""
    qualifiers, error = _resolve_qualifiers(cells["qualifier"])
    check.report(error, ("unknown_qualifier",), "qualifier", cells["qualifier"].to_numpy(dtype=object), order=7)
    for key, order in (("source", 8), ("note", 9)):
        check.report(np.full(len(cells), None, dtype=object), (), key, cells[key].to_numpy(dtype=object), order=order)
    return qualifiers
