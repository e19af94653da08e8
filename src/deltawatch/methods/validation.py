"""Data quality checks over a long table of statistics: validation rules and outlier flags.

Pure pandas/NumPy (no Django): the reporting workflow, the importer and the ``deltawatch
validate`` command call the same functions on a frame with the columns ``region_code,
indicator, year, value``; every check answers a *report* frame with the columns
:data:`REPORT_COLUMNS` (one row per value that fails a check).

Rules are plain data (a dict), so they can be stored in the database and replayed:

``{"kind": "compare", "name": …, "expression": "gdp >= gdp_primary + gdp_secondary - 1"}``
    left side, operator (``>= <= > < == !=``), right side, each side an arithmetic formula over
    indicator codes in the syntax of the derived indicators (:mod:`deltawatch.methods.formula`).
    Checked for every region and year where all the codes have a value; ``==`` and ``!=``
    compare with a relative tolerance of 1e-9.
``{"kind": "bounds", "indicator": code, "min": a, "max": b}``
    a value outside [a, b] (either bound may be None).
``{"kind": "change", "indicator": code, "max_pct": p}``
    the change on the previous year, |v_t / v_{t-1} - 1| · 100, above p (previous year present
    and non-zero).
``{"kind": "required", "indicators": [codes], "regions": [codes], "years": [years]}``
    a missing cell of that grid (value NaN in the report).

Each rule may name a ``severity`` ("error" blocks a submission, "warning" needs an explanation;
default "error") and a ``name`` (the report's ``check``; default the kind).

Outliers (:func:`outliers`) compare a value with its peers — the other regions in the same
indicator and year (``across="regions"``) or the same region's other years
(``across="history"``):

* ``zscore``: :math:`|x - \\bar x| / s > t` (sample standard deviation, ddof = 1; t = 3);
* ``modz``: the modified z-score of Iglewicz and Hoaglin [1],
  :math:`M = 0.6745 (x - \\tilde x) / \\mathrm{MAD}`, :math:`|M| > t` (t = 3.5), MAD the median
  absolute deviation from the median; a group with MAD = 0 flags nothing;
* ``iqr``: Tukey's fences [2], below :math:`Q_1 - k\\,IQR` or above :math:`Q_3 + k\\,IQR`
  (k = 1.5; quartiles by linear interpolation, pandas' default).

A group with fewer than ``min_count`` (5) values flags nothing: with three values no point can
lie more than 1.15 standard deviations from their mean.

How it is computed
------------------
The checks must cover 6 million values in well under 2 seconds on two shared cores
(benchmarks/bench_validation.py), so the module works on integer codes and NumPy arrays
rather than pandas groupby and string columns. Every shortcut gives the same numbers, bit for
bit, as the plain computation it replaces, and tests/methods/test_validation_reference.py
checks each against it:

* :func:`prepare` factorises the region and indicator codes once, hashing only the first
  value of each run of equal codes (:func:`_category`);
* a rule reads the positions of its indicators' rows and builds a report only for the rows
  that fail (:class:`_Rows`); comparisons build their (region, year) × indicator table on
  integer codes (:func:`_wide`);
* the outlier methods share one sort of each group's values (:class:`_Groups`): means,
  quartiles and medians are read from it, the MAD of long groups too (a binary search over
  the two sorted runs of deviations instead of a second sort), and large sorts run on two
  threads; the report's texts are formatted once per distinct rounded statistic
  (:func:`_texts`).

References
----------
[1] B. Iglewicz and D. C. Hoaglin (1993), *How to Detect and Handle Outliers*, ASQC.
[2] J. W. Tukey (1977), *Exploratory Data Analysis*, Addison-Wesley.
"""

from __future__ import annotations

import operator
import os
import re
import threading

import numpy as np
import pandas as pd

from .errors import InputError
from .formula import FormulaError, evaluate_formula, parse_formula

__all__ = [
    "OUTLIER_METHODS",
    "REPORT_COLUMNS",
    "SEVERITIES",
    "check_rule",
    "check_rules",
    "empty_report",
    "outliers",
    "prepare",
    "rule_indicators",
]

REPORT_COLUMNS = ["region_code", "indicator", "year", "value", "check", "severity", "detail"]
SEVERITIES = ("error", "warning")
OUTLIER_METHODS = ("zscore", "modz", "iqr")
DEFAULT_THRESHOLDS = {"zscore": 3.0, "modz": 3.5, "iqr": 1.5}
MODZ_CONSTANT = 0.6745  # Φ⁻¹(0.75): makes the MAD of a normal sample estimate σ
_COMPARE = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
            "==": None, "!=": None}
_OPERATOR = re.compile(r"(>=|<=|==|!=|>|<)")
_KINDS = ("compare", "bounds", "change", "required")
_TOLERANCE = 1e-9
_THREADS = 2 if (os.cpu_count() or 1) > 1 else 1  # threads for the row sorts of large groupings
_BLOCK = 1 << 19  # values per block of the outlier methods' steps per value (4 MB a float array)


def empty_report() -> pd.DataFrame:
    """A report with no rows and the report's column types."""
    return pd.DataFrame({"region_code": pd.Series(dtype=str), "indicator": pd.Series(dtype=str),
                         "year": pd.Series(dtype="int64"), "value": pd.Series(dtype=float),
                         "check": pd.Series(dtype=str), "severity": pd.Series(dtype=str),
                         "detail": pd.Series(dtype=str)})


def _report(frame: pd.DataFrame, check: str, severity: str, detail) -> pd.DataFrame:
    out = frame[["region_code", "indicator", "year", "value"]].copy()
    out["check"], out["severity"], out["detail"] = check, severity, detail
    return out.reset_index(drop=True)


def _split(expression: str) -> tuple[str, str, str]:
    """(left, operator, right) of a comparison; InputError when there is not exactly one."""
    parts = _OPERATOR.split(expression or "")
    if len(parts) != 3 or not parts[0].strip() or not parts[2].strip():
        raise InputError("rule_syntax", rule=expression)
    return parts[0].strip(), parts[1], parts[2].strip()


def rule_indicators(rule: dict) -> list[str]:
    """The indicator codes a rule reads (InputError for a rule that is not well formed)."""
    kind = rule.get("kind")
    if kind not in _KINDS:
        raise InputError("one_of", name="kind", choices=", ".join(_KINDS), got=kind)
    if kind == "compare":
        left, _, right = _split(rule.get("expression", ""))
        try:
            return sorted(set(parse_formula(left)) | set(parse_formula(right)))
        except FormulaError as error:
            raise InputError("rule_syntax", rule=rule["expression"]) from error
    if kind == "required":
        return sorted(rule.get("indicators") or [])
    return [rule.get("indicator")]


def _check_known(rule: dict, known) -> list[str]:
    codes = rule_indicators(rule)
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InputError("rule_unknown_indicator", rule=rule.get("name") or rule.get("expression") or rule["kind"],
                         codes=", ".join(map(str, unknown)))
    return codes


def _constant_zero_divisor(expression: str) -> bool:
    """Whether a divisor of ``expression`` is zero whatever the data (``x / 0``, ``x / (1 - 1)``)."""
    import ast

    for node in ast.walk(ast.parse(expression, mode="eval")):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            names = {n.id for n in ast.walk(node.right) if isinstance(n, ast.Name)}
            if not names:
                value = evaluate_formula(ast.unparse(node.right), {})
                if np.asarray(value) == 0 or not np.isfinite(value):
                    return True
    return False


def _compare(wide: pd.DataFrame, rule: dict, severity: str, check: str) -> pd.DataFrame:
    left, op, right = _split(rule["expression"])
    codes = sorted(set(parse_formula(left)) | set(parse_formula(right)))
    if not set(codes) <= set(wide.columns):
        return empty_report()
    data = wide[codes].dropna()
    if data.empty:
        return empty_report()
    columns = {c: data[c].to_numpy() for c in codes}
    a = np.broadcast_to(np.asarray(evaluate_formula(left, columns), dtype=float), (len(data),))
    b = np.broadcast_to(np.asarray(evaluate_formula(right, columns), dtype=float), (len(data),))
    undefined = ~np.isfinite(a) | ~np.isfinite(b)  # a divisor that is zero in the data
    if op in ("==", "!="):
        equal = np.isclose(a, b, rtol=_TOLERANCE, atol=0.0)
        holds = equal if op == "==" else ~equal
    else:
        with np.errstate(invalid="ignore"):
            holds = _COMPARE[op](a, b)
    fails = undefined | ~holds
    if not fails.any():
        return empty_report()
    subject = parse_formula(left)[0] if parse_formula(left) else codes[0]
    keys = data.index[fails]
    out = pd.DataFrame({"region_code": keys.get_level_values(0).astype(str),
                        "indicator": subject, "year": keys.get_level_values(1).astype("int64"),
                        "value": data[subject].to_numpy()[fails]})
    details = np.where(undefined[fails], "division by zero: " + rule["expression"],
                       [f"{x:.6g} {op} {y:.6g} fails ({rule['expression']})" for x, y in zip(a[fails], b[fails])])
    return _report(out, check, severity, details)


class _Rows:
    """The rows of one indicator of a prepared frame: their positions in the frame (in frame
    order) and, read when a check asks, the region codes, years and values there.

    A check answers a :class:`_Flags` (the positions that fail, with their detail), not a
    frame: taking the 60,000 rows of an indicator out of the frame for every rule, and a
    report frame for each rule, cost more than the checks themselves."""

    def __init__(self, positions: np.ndarray, columns: dict):
        self.positions, self._columns = positions, columns

    def __len__(self) -> int:
        return len(self.positions)

    def __getattr__(self, name):  # region, year, value: gathered once, when first read
        if name not in ("region", "year", "value"):
            raise AttributeError(name)
        array = self._columns[name][self.positions]
        setattr(self, name, array)
        return array

    def flags(self, bad: np.ndarray, check: str, severity: str, detail) -> "_Flags":
        return _Flags(self.positions[bad], check, severity, detail)


class _Flags:
    """Rows of the frame a rule reports (``positions``), its check and severity, and the detail:
    one text for all or one per row."""

    def __init__(self, positions: np.ndarray, check: str, severity: str, detail):
        self.positions, self.check, self.severity, self.detail = positions, check, severity, detail
        self.empty = not len(positions)

    @staticmethod
    def frame(flags: list, frame: pd.DataFrame) -> pd.DataFrame:
        """One report frame of several rules' flags, in their order (as :func:`_report` of each)."""
        at = np.concatenate([f.positions for f in flags])
        sizes = [len(f.positions) for f in flags]

        def each(values):
            return np.repeat(np.array(values, dtype=object), sizes)

        detail = np.concatenate([np.full(len(f.positions), f.detail, dtype=object) if isinstance(f.detail, str)
                                 else np.asarray(f.detail, dtype=object) for f in flags])
        columns = {c: frame[c].array.take(at) for c in ("region_code", "indicator", "year", "value")}
        return pd.DataFrame({**columns, "check": each([f.check for f in flags]),
                             "severity": each([f.severity for f in flags]), "detail": detail})


def _bounds(rows: _Rows, rule: dict, severity: str, check: str) -> _Flags:
    low, high = rule.get("min"), rule.get("max")
    values = rows.value
    bad = np.zeros(len(rows), dtype=bool)
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    return rows.flags(bad, check, severity, f"outside [{'' if low is None else low}, {'' if high is None else high}]")


def _change(rows: _Rows, rule: dict, severity: str, check: str) -> _Flags:
    """Year-on-year change: each (region, year) looks up (region, year - 1) by a sorted key.

    Rows that come in (region, year) order — as the database returns them — need no sort, and
    when no (region, year) repeats, the previous year can only be the row just before; a
    repeated (region, year) finds its first row (the sort is stable)."""
    if len(rows) == 0:
        return rows.flags(np.zeros(0, dtype=bool), check, severity, "")
    region = rows.region.astype("int64")  # the region's category code, -1 for a missing code
    year = rows.year.astype("int64")
    span = int(year.max() - year.min()) + 2
    key = region * span + (year - year.min() + 1)
    values = rows.value
    step = key[1:] - key[:-1]
    if (step > 0).all():
        found = np.r_[False, step == 1]
        previous = np.where(found, np.r_[np.nan, values[:-1]], np.nan)
    else:
        if (step >= 0).all():
            order, sorted_key = None, key
        else:
            order = np.argsort(key, kind="stable")
            sorted_key = key[order]
        at = np.minimum(np.searchsorted(sorted_key, key - 1), len(key) - 1)
        found = sorted_key[at] == key - 1
        previous = np.where(found, values[at if order is None else order[at]], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.abs(values / previous - 1.0) * 100.0
    bad = found & (previous != 0) & (pct > float(rule["max_pct"]))
    # str() of a float is what pandas' astype(str) writes, and formatting in Python is faster
    # than pandas' string columns
    limit = f" (limit {rule['max_pct']}%)"
    detail = [f"{p}% on {q}{limit}" for p, q in zip(np.round(pct[bad], 2).tolist(), previous[bad].tolist())]
    return rows.flags(bad, check, severity, detail)


def _required(frame: pd.DataFrame, rule: dict, severity: str, check: str) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([list(map(str, rule.get("regions") or [])), list(rule.get("indicators") or []),
                                       [int(y) for y in rule.get("years") or []]],
                                      names=["region_code", "indicator", "year"]).to_frame(index=False)
    present = frame.dropna(subset=["value"])[["region_code", "indicator", "year"]].astype(
        {"region_code": str, "indicator": str}).drop_duplicates()
    merged = grid.merge(present.assign(_here=True), how="left", on=["region_code", "indicator", "year"])
    missing = merged[merged["_here"].isna()].assign(value=np.nan)
    return _report(missing, check, severity, "missing")


_CHECKS = {"bounds": _bounds, "change": _change}


def _category(column: pd.Series) -> pd.Series:
    """``column.astype("category")``, hashing only the first value of each run of equal values.

    Frames come in runs: the database returns values by indicator, region and year, a file
    lists a region's or an indicator's values together. Comparing each string with the one
    before costs a fifth of hashing it; when at most half the values start a run, only those
    are factorised and their codes repeated over the runs (every value that first appears
    starts a run); otherwise every value is (``pd.factorize`` of the Python strings, still
    faster than ``astype`` on a str column). The few distinct values are then sorted as
    ``astype`` sorts them, so the categories and codes are those of ``astype("category")``.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column
    if not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)) or len(column) < 2:
        return column.astype("category")
    values = column.to_numpy(dtype=object)
    starts = None
    try:
        starts = np.flatnonzero(np.r_[True, np.asarray(values[1:] != values[:-1], dtype=bool)])
    except (TypeError, ValueError):  # values that do not compare (pd.NA)
        pass
    if starts is not None and len(starts) > len(values) // 2:
        starts = None
    codes, uniques = pd.factorize(values if starts is None else values[starts])
    kinds = pd.Series(uniques, dtype=column.dtype).astype("category")
    codes = np.append(kinds.cat.codes.to_numpy(), -1)[codes]  # -1: a missing value
    if starts is not None:
        codes = np.repeat(codes, np.diff(np.r_[starts, len(values)]))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=kinds.dtype, validate=False), index=column.index,
                     name=column.name)


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The four columns with region_code and indicator as categories (factorised once: every
    check then groups by integer codes). Calling the checks on a prepared frame saves the
    factorising each of them would do; the results are the same."""
    absent = [c for c in ("region_code", "indicator", "year", "value") if c not in frame]
    if absent:
        raise InputError("frame_shape", unit="region_code", year="year", value="value", columns=list(frame.columns))
    out = frame[["region_code", "indicator", "year", "value"]]
    if not all(isinstance(out[c].dtype, pd.CategoricalDtype) for c in ("region_code", "indicator")) \
            or out["year"].dtype != "int64" or out["value"].dtype != float:
        # assign and astype share the year and value columns that need no change (copy on write)
        out = out.assign(region_code=_category(out["region_code"]), indicator=_category(out["indicator"])) \
            .astype({"year": "int64", "value": float})
    return out


def check_rule(frame: pd.DataFrame, rule: dict, *, known=None) -> pd.DataFrame:
    """The report of one rule over ``frame`` (see the module's docstring for the kinds).

    ``known``: the indicator codes that exist (default: those of ``frame``); a rule naming
    another code raises InputError ``rule_unknown_indicator``, as does a constant zero divisor
    (``rule_division_by_zero``). A divisor that is zero in the data fails the rule for that
    region and year ("division by zero" in the detail).
    """
    return check_rules(frame, [rule], known=known)


def _wide_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """(region_code, year) × indicator of a few indicators, the first value of a repeated cell."""
    rows = rows.astype({"region_code": str, "indicator": str}).drop_duplicates(["region_code", "year", "indicator"])
    return rows.set_index(["region_code", "year", "indicator"])["value"].unstack("indicator")


def _wide(frame: pd.DataFrame, rows: dict) -> pd.DataFrame:
    """What a comparison reads of the indicators of ``rows`` (code → positions in ``frame``):
    (region_code, year) × indicator, the first value of a repeated cell, only the rows where
    every indicator has a value, in (region_code, year) order — as :func:`_wide_frame` and
    ``dropna`` give it.

    Built on integer codes, not on the codes' text: a region's rank among the region codes
    as text orders the rows as sorting the text does. Regions without a code, or codes that
    read alike as text, take the path through the text.
    """
    codes = sorted(rows)
    if not codes or any(len(rows[c]) == 0 for c in codes):
        return pd.DataFrame()
    positions = np.concatenate([rows[c] for c in codes])
    names = pd.Index(frame["region_code"].cat.categories).astype(str)
    region = frame["region_code"].cat.codes.to_numpy()[positions].astype("int64")
    if not names.is_unique or (region < 0).any():
        return _wide_frame(frame.iloc[positions]).dropna()
    by_name = names.argsort()
    rank = np.empty(len(names), dtype="int64")
    rank[by_name] = np.arange(len(names))
    year = frame["year"].to_numpy()[positions]
    first_year = int(year.min())
    span = int(year.max()) - first_year + 1
    k = len(codes)
    cell = (rank[region] * span + (year - first_year)) * k + np.repeat(np.arange(k), [len(rows[c]) for c in codes])
    cell, first = np.unique(cell, return_index=True)  # the first row of each cell
    value = frame["value"].to_numpy()[positions[first]]
    row = cell // k
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    starts = starts[np.diff(np.r_[starts, len(row)]) == k]  # a cell for every indicator, in code order
    table = value[starts[:, None] + np.arange(k)]
    complete = ~np.isnan(table).any(axis=1)
    key = row[starts[complete]]
    index = pd.MultiIndex(levels=[names[by_name], np.arange(first_year, first_year + span, dtype="int64")],
                          codes=[key // span, key % span], names=["region_code", "year"])
    return pd.DataFrame(table[complete], index=index, columns=pd.Index(codes, name="indicator"))


def check_rules(frame: pd.DataFrame, rules, *, known=None) -> pd.DataFrame:
    """The report of every rule of ``rules`` over ``frame``, in the rules' order.

    Parameters
    ----------
    frame : DataFrame with columns region_code, indicator, year, value
    rules : iterable of dict
        Rules as described in the module's docstring.
    known : collection of str, optional
        Indicator codes that exist; default the codes of ``frame``.

    Returns
    -------
    DataFrame with :data:`REPORT_COLUMNS`. Every rule is checked before any is run, so a bad
    rule (InputError) stops the whole report.
    """
    rules = list(rules)
    if not rules:
        return empty_report()
    frame = prepare(frame)
    categories = frame["indicator"].cat.categories
    codes = frame["indicator"].cat.codes.to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(categories) + 1))
    # the indicators of the frame: the categories that occur
    known = set(categories[np.diff(bounds) > 0]) if known is None else set(known)
    for rule in rules:
        _check_known(rule, known)
        severity = rule.get("severity", "error")
        if severity not in SEVERITIES:
            raise InputError("one_of", name="severity", choices=", ".join(SEVERITIES), got=severity)
        if rule["kind"] == "compare":
            for side in _split(rule["expression"])[::2]:
                if _constant_zero_divisor(side):
                    raise InputError("rule_division_by_zero", rule=rule["expression"])
    position = {code: i for i, code in enumerate(categories)}
    columns = {"region": frame["region_code"].cat.codes.to_numpy(), "year": frame["year"].to_numpy(),
               "value": frame["value"].to_numpy()}

    def positions_of(*indicators) -> np.ndarray:
        """Rows of the indicators, each indicator's in frame order (the sort is stable)."""
        parts = [order[bounds[position[c]]:bounds[position[c] + 1]] for c in indicators if c in position]
        return np.concatenate(parts) if parts else np.empty(0, dtype="int64")

    def rows_of(*indicators) -> pd.DataFrame:
        return frame.iloc[positions_of(*indicators)]

    parts = []
    for rule in rules:
        severity, check = rule.get("severity", "error"), rule.get("name") or rule["kind"]
        if rule["kind"] == "compare":
            part = _compare(_wide(frame, {c: positions_of(c) for c in rule_indicators(rule) if c in position}),
                            rule, severity, check)
        elif rule["kind"] == "required":
            part = _required(rows_of(*rule.get("indicators") or []), rule, severity, check)
        else:
            part = _CHECKS[rule["kind"]](_Rows(positions_of(rule["indicator"]), columns), rule, severity, check)
        if part.empty:
            continue
        if isinstance(part, _Flags) and parts and isinstance(parts[-1], list):
            parts[-1].append(part)  # flags of consecutive rules make one frame
        else:
            parts.append([part] if isinstance(part, _Flags) else part)
    if not parts:
        return empty_report()
    out = pd.concat([_Flags.frame(p, frame) if isinstance(p, list) else p for p in parts], ignore_index=True)
    return out.astype({"region_code": str, "indicator": str, "year": "int64", "value": float})


def outliers(frame: pd.DataFrame, method="modz", *, across: str = "regions", threshold: float | None = None,
             min_count: int = 5, severity: str = "warning", by: str | None = None) -> pd.DataFrame:
    """Values far from their peers, by ``method`` ('zscore', 'modz' or 'iqr', or a list of them).

    Parameters
    ----------
    frame : DataFrame with columns region_code, indicator, year, value
    method : str or list of str
        See the module's docstring for the statistic of each. Several methods share one sort
        of the values.
    across : 'regions' or 'history'
        Peers are the regions of the same indicator and year, or the same region's years of
        the same indicator.
    threshold : float, optional
        t of zscore (default 3) and modz (3.5), k of iqr (1.5); with several methods, each
        takes its default.
    min_count : int
        Groups with fewer values flag nothing.
    by : str, optional
        A column of ``frame`` that splits the peers across regions further — the regions' level,
        so that a province is compared with provinces and a city with cities, never a province's
        total with its cities' values. Not used across history (a region's own years).

    Returns
    -------
    DataFrame with :data:`REPORT_COLUMNS`; ``check`` is the method (``method:history`` across
    history), ``detail`` the statistic and its threshold. Missing values are ignored.
    """
    methods = [method] if isinstance(method, str) else list(method)
    for name in methods:
        if name not in OUTLIER_METHODS:
            raise InputError("one_of", name="method", choices=", ".join(OUTLIER_METHODS), got=name)
    if across not in ("regions", "history"):
        raise InputError("one_of", name="across", choices="regions, history", got=across)
    if threshold is not None and not float(threshold) > 0:
        raise InputError("positive", name="threshold", got=threshold)
    if by is not None and across == "regions":
        if by not in frame:
            raise InputError("not_a_column", parameter="by", column=by, columns=", ".join(map(str, frame.columns)))
        parts = [outliers(part, methods, across=across, threshold=threshold, min_count=min_count, severity=severity)
                 for _, part in frame.groupby(by, sort=True, dropna=False)]
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else empty_report()
    frame = prepare(frame)
    present = frame["value"].notna().to_numpy()
    if not present.all():
        frame = frame[present]
    if frame.empty:
        return empty_report()
    groups = _Groups(frame, across)
    positions, checks, details = [], [], []
    for name in methods:
        limit = DEFAULT_THRESHOLDS[name] if threshold is None or len(methods) > 1 else float(threshold)
        flagged, statistic = getattr(groups, name)(limit)
        enough = groups.count[groups.codes[flagged]] >= min_count
        flagged, statistic = flagged[enough], statistic[enough]
        if not len(flagged):
            continue
        label = {"zscore": "z = ", "modz": "M = ", "iqr": "IQR distance = "}[name]
        rule = {"zscore": f" (|z| > {limit:g})", "modz": f" (|M| > {limit:g})",
                "iqr": f" (outside Q1 - {limit:g} IQR, Q3 + {limit:g} IQR)"}[name]
        positions.append(flagged)
        checks.append(np.full(len(flagged), name if across == "regions" else f"{name}:history", dtype=object))
        details.append(_texts(label, np.round(statistic, 3), rule))
    if not positions:
        return empty_report()
    at = np.concatenate(positions)
    out = pd.DataFrame({
        "region_code": pd.Categorical.from_codes(frame["region_code"].cat.codes.to_numpy()[at],
                                                 dtype=frame["region_code"].dtype, validate=False),
        "indicator": pd.Categorical.from_codes(frame["indicator"].cat.codes.to_numpy()[at],
                                               dtype=frame["indicator"].dtype, validate=False),
        "year": frame["year"].to_numpy()[at], "value": groups.values[at],
        "check": np.concatenate(checks), "severity": severity, "detail": np.concatenate(details)})
    return out.astype({"region_code": str, "indicator": str, "year": "int64", "value": float})


def _texts(label: str, numbers: np.ndarray, rule: str) -> np.ndarray:
    """``label + str(x) + rule`` for each x of ``numbers``, as an object array.

    Rounded statistics repeat (the benchmark's 456,673 flags across regions have 30,482
    distinct texts), so each distinct value of a method is formatted once; distinct by bit
    pattern, so that -0.0 stays apart from 0.0. ``str`` of a float is what pandas'
    ``astype(str)`` writes (the texts used to be built that way).
    """
    codes, uniques = pd.factorize(numbers.view("int64"))
    texts = np.array([f"{label}{x}{rule}" for x in uniques.view("float64").tolist()], dtype=object)
    return texts[codes]


def _sort_rows(matrix: np.ndarray) -> None:
    """Sort each row of ``matrix`` in place; a large one in two halves on two threads (NumPy's
    sort releases the GIL, and rows sort independently, so the result is the same)."""
    if matrix.size < 1_000_000 or _THREADS < 2 or len(matrix) < 2:
        matrix.sort(axis=1)
        return
    half = len(matrix) // 2
    other = threading.Thread(target=matrix[half:].sort, kwargs={"axis": 1})
    other.start()
    matrix[:half].sort(axis=1)
    other.join()


class _Groups:
    """The values of a frame laid out as a matrix, one row per group of peers, each row sorted
    (missing places NaN, sorted last): medians and quartiles are then read at positions, and
    the one sort serves every method. ``codes`` is each value's group, ``count`` each group's size.

    Each method answers the positions (in frame order) of the values it flags and their
    statistic. The statistics are a groupby's (mean, sample standard deviation, median, MAD,
    quartiles by linear interpolation) up to rounding in the last bits, which
    tests/methods/test_validation_reference.py checks against pandas.

    The steps per value run in blocks of :data:`_BLOCK` values (:meth:`_blocks`): a fresh array
    of millions of values costs more in page faults than the arithmetic on it, while the
    blocks' small arrays reuse the same memory. The sum of squares of the z-score adds block
    after block into one total in the order of the values, as one ``bincount`` would.
    """

    def __init__(self, frame: pd.DataFrame, across: str):
        indicator = frame["indicator"].cat.codes.to_numpy()
        if across == "regions":  # indicator · years + (year - first year), in place
            year = frame["year"].to_numpy()
            first = int(year.min())
            key = indicator.astype("int64")
            key *= int(year.max()) - first + 1
            key += year
            key -= first
        else:  # region · indicators + indicator
            key = frame["region_code"].cat.codes.to_numpy().astype("int64")
            key *= int(indicator.max()) + 1
            key += indicator
        if key.min() >= 0 and key.max() < 4 * len(key):  # dense keys (a full panel): the key is the group
            self.codes, n_groups = key, int(key.max()) + 1
        else:
            self.codes, uniques = pd.factorize(key)
            n_groups = len(uniques)
        self.values = frame["value"].to_numpy(dtype=float)
        self.count = np.bincount(self.codes, minlength=n_groups)
        self.shape = (n_groups, max(int(self.count.max()), 1))
        self.full = bool((self.count == self.shape[1]).all())  # no empty places
        self.finite = bool(np.isfinite(self.values).all())
        # Each group's values, in frame order: a stable sort of the group numbers (a radix sort
        # when they fit in 16 bits), none when the frame already comes group by group.
        if (self.codes[1:] >= self.codes[:-1]).all():
            grouped = self.values.copy()
        else:
            order = np.argsort(self.codes.astype("uint16") if n_groups <= 65536 else self.codes, kind="stable")
            grouped = self.values[order]
            del order
        if self.full:
            matrix = grouped.reshape(self.shape)
        else:  # group g's i-th value goes to place i of row g
            matrix = np.full(self.shape, np.nan)
            starts = np.cumsum(self.count) - self.count
            matrix.reshape(-1)[np.arange(len(grouped)) + np.repeat(np.arange(n_groups) * self.shape[1] - starts,
                                                                   self.count)] = grouped
        _sort_rows(matrix)
        self.sorted = matrix

    def _blocks(self):
        """(first position, values, group codes) of each block of the values."""
        for start in range(0, len(self.values), _BLOCK):
            yield start, self.values[start:start + _BLOCK], self.codes[start:start + _BLOCK]

    def _quantile(self, matrix, q):
        """Linear interpolation at position q·(n - 1) of each sorted row (NumPy's default)."""
        n = np.maximum(self.count, 1)  # an empty group reads NaN and holds no value
        position = q * (n - 1)
        below = np.floor(position).astype("int64")
        above = np.minimum(below + 1, n - 1)
        rows = np.arange(len(n))
        low, high = matrix[rows, below], matrix[rows, above]
        return low + (position - below) * (high - low)

    def _mad(self, median):
        """The median of |x - median| of each row, read from the sorted values, not sorted again.

        In a sorted row a[0 … n-1] the values below the median, read backwards, and those from
        the median on, read forwards, give two ascending runs of deviations. The k-th smallest
        deviation of the row is the k-th of the two runs merged, found by a binary search on how
        many come from the first run (the "k-th of two sorted arrays" search), all rows at
        once: log₂(n) steps over the rows instead of a second sort of every value. The
        deviations are |a - median| as a sort would read them, and the interpolation is
        :meth:`_quantile`'s, so the MAD is the same number to the last bit.
        """
        groups, width = self.shape
        rows = np.arange(groups)
        matrix = self.sorted
        n = self.count
        # p: how many values of each row lie below its median (a binary search on the row)
        low, high = np.zeros(groups, dtype="int64"), n.astype("int64")
        while (low < high).any():
            middle = (low + high) // 2
            active = low < high
            less = active & (matrix[rows, np.minimum(middle, width - 1)] < median)
            low = np.where(less, middle + 1, low)
            high = np.where(active & ~less, middle, high)
        below_count = low

        def first(i):  # the i-th smallest deviation of the values below the median
            return np.abs(matrix[rows, np.clip(below_count - 1 - i, 0, width - 1)] - median)

        def second(j):  # the j-th smallest of the others
            return np.abs(matrix[rows, np.clip(below_count + j, 0, width - 1)] - median)

        size = np.maximum(n, 1)
        position = 0.5 * (size - 1)
        k = np.floor(position).astype("int64")
        # the number i of values taken from the first run among the k + 1 smallest deviations
        # is the least i with first(i) >= second(k - i) (or i at its upper end)
        i_low = np.maximum(0, k + 1 - (n - below_count))
        i_high = np.minimum(k + 1, below_count)
        while (i_low < i_high).any():
            middle = (i_low + i_high) // 2
            active = i_low < i_high
            more = active & (first(middle) < second(k - middle))
            i_low = np.where(more, middle + 1, i_low)
            i_high = np.where(active & ~more, middle, i_high)
        i = i_low
        j = k + 1 - i
        inf = np.full(groups, np.inf)
        kth = np.maximum(np.where(i > 0, first(i - 1), -inf), np.where(j > 0, second(j - 1), -inf))
        following = np.minimum(np.where(i < below_count, first(i), inf), np.where(j < n - below_count, second(j), inf))
        above = np.where(k + 1 <= size - 1, following, kth)
        mad = kth + (position - k) * (above - kth)
        return np.where(n > 0, mad, np.nan)

    @staticmethod
    def _beyond(start, statistic, t):
        """Positions (from ``start``) where |statistic| > t, and the statistic there (one that
        is not finite — a group with no spread — counts as 0: t > 0 flags nothing)."""
        flagged = np.flatnonzero(np.abs(statistic) > t)
        value = statistic[flagged]
        finite = np.isfinite(value)
        return flagged[finite] + start, value[finite]

    @staticmethod
    def _joined(parts):
        if not parts:
            return np.empty(0, dtype="int64"), np.empty(0)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def zscore(self, t):
        if self.full:  # no empty places: the sum nanmean would take, without its copy
            mean = self.sorted.sum(axis=1) / self.count
        else:
            mean = np.nanmean(self.sorted, axis=1)
        squares = np.zeros(self.shape[0])
        for _, values, codes in self._blocks():
            deviation = values - mean[codes]
            np.add.at(squares, codes, deviation ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            sd = np.sqrt(squares / (self.count - 1))
            return self._joined([self._beyond(start, (values - mean[codes]) / sd[codes], t)
                                 for start, values, codes in self._blocks()])

    def modz(self, t):
        median = self._quantile(self.sorted, 0.5)
        if self.finite and self.shape[1] > 32:
            mad = self._mad(median)
        else:  # short rows sort faster than they are searched; an infinite value makes
            # deviations that are not numbers, which the sort places last as for any NaN
            deviations = np.abs(self.sorted - median[:, None])  # each row's |x - median|, in another order
            _sort_rows(deviations)
            mad = self._quantile(deviations, 0.5)
            del deviations
        with np.errstate(divide="ignore", invalid="ignore"):  # MAD = 0: every value equals the median, or most do
            return self._joined([self._beyond(start, MODZ_CONSTANT * (values - median[codes]) / mad[codes], t)
                                 for start, values, codes in self._blocks()])

    def iqr(self, k):
        q1, q3 = self._quantile(self.sorted, 0.25), self._quantile(self.sorted, 0.75)
        spread = q3 - q1
        low, high = q1 - k * spread, q3 + k * spread  # per group: the same operations as per value
        flagged = np.concatenate([np.flatnonzero((values < low[codes]) | (values > high[codes])) + start
                                  for start, values, codes in self._blocks()])
        values, group = self.values[flagged], self.codes[flagged]
        q1, q3, spread = q1[group], q3[group], spread[group]
        with np.errstate(divide="ignore", invalid="ignore"):
            distance = np.where(values < q1, (q1 - values) / spread, (values - q3) / spread)
        return flagged, np.where(np.isfinite(distance), distance, 0.0)
