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

References
----------
[1] B. Iglewicz and D. C. Hoaglin (1993), *How to Detect and Handle Outliers*, ASQC.
[2] J. W. Tukey (1977), *Exploratory Data Analysis*, Addison-Wesley.
"""

from __future__ import annotations

import operator
import re

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


def _bounds(rows: pd.DataFrame, rule: dict, severity: str, check: str) -> pd.DataFrame:
    low, high = rule.get("min"), rule.get("max")
    values = rows["value"].to_numpy(dtype=float)
    bad = np.zeros(len(rows), dtype=bool)
    if low is not None:
        bad |= values < low
    if high is not None:
        bad |= values > high
    return _report(rows[bad], check, severity, f"outside [{'' if low is None else low}, {'' if high is None else high}]")


def _change(rows: pd.DataFrame, rule: dict, severity: str, check: str) -> pd.DataFrame:
    """Year-on-year change: each (region, year) looks up (region, year - 1) by a sorted key."""
    if rows.empty:
        return empty_report()
    region = pd.factorize(rows["region_code"])[0].astype("int64")
    year = rows["year"].to_numpy(dtype="int64")
    span = int(year.max() - year.min()) + 2
    key = region * span + (year - year.min() + 1)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    at = np.searchsorted(sorted_key, key - 1)
    found = (at < len(key)) & (sorted_key[np.minimum(at, len(key) - 1)] == key - 1)
    values = rows["value"].to_numpy(dtype=float)
    previous = np.where(found, values[order[np.minimum(at, len(key) - 1)]], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.abs(values / previous - 1.0) * 100.0
    bad = found & (previous != 0) & (pct > float(rule["max_pct"]))
    detail = (pd.Series(pct[bad]).round(2).astype(str) + "% on " + pd.Series(previous[bad]).astype(str)
              + f" (limit {rule['max_pct']}%)")
    return _report(rows[bad], check, severity, detail.to_numpy())


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
        out = out.astype({"region_code": "category", "indicator": "category", "year": "int64", "value": float})
    return out


def check_rule(frame: pd.DataFrame, rule: dict, *, known=None) -> pd.DataFrame:
    """The report of one rule over ``frame`` (see the module's docstring for the kinds).

    ``known``: the indicator codes that exist (default: those of ``frame``); a rule naming
    another code raises InputError ``rule_unknown_indicator``, as does a constant zero divisor
    (``rule_division_by_zero``). A divisor that is zero in the data fails the rule for that
    region and year ("division by zero" in the detail).
    """
    return check_rules(frame, [rule], known=known)


def _wide(rows: pd.DataFrame) -> pd.DataFrame:
    """(region_code, year) × indicator of a few indicators, the first value of a repeated cell."""
    rows = rows.astype({"region_code": str, "indicator": str}).drop_duplicates(["region_code", "year", "indicator"])
    return rows.set_index(["region_code", "year", "indicator"])["value"].unstack("indicator")


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
    known = set(frame["indicator"].unique()) if known is None else set(known)
    rules = list(rules)
    for rule in rules:
        _check_known(rule, known)
        severity = rule.get("severity", "error")
        if severity not in SEVERITIES:
            raise InputError("one_of", name="severity", choices=", ".join(SEVERITIES), got=severity)
        if rule["kind"] == "compare":
            for side in _split(rule["expression"])[::2]:
                if _constant_zero_divisor(side):
                    raise InputError("rule_division_by_zero", rule=rule["expression"])
    codes = frame["indicator"].cat.codes.to_numpy()
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(categories) + 1))
    position = {code: i for i, code in enumerate(categories)}

    def rows_of(*indicators):
        parts = [order[bounds[position[c]]:bounds[position[c] + 1]] for c in indicators if c in position]
        return frame.iloc[np.concatenate(parts)] if parts else frame.iloc[0:0]  # in frame order (stable sort)

    parts = []
    for rule in rules:
        severity, check = rule.get("severity", "error"), rule.get("name") or rule["kind"]
        if rule["kind"] == "compare":
            codes_used = rule_indicators(rule)
            part = _compare(_wide(rows_of(*codes_used)), rule, severity, check)
        elif rule["kind"] == "required":
            part = _required(rows_of(*rule.get("indicators") or []), rule, severity, check)
        else:
            part = _CHECKS[rule["kind"]](rows_of(rule["indicator"]), rule, severity, check)
        if not part.empty:
            parts.append(part)
    if not parts:
        return empty_report()
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"region_code": str, "indicator": str, "year": "int64", "value": float})


def outliers(frame: pd.DataFrame, method="modz", *, across: str = "regions", threshold: float | None = None,
             min_count: int = 5, severity: str = "warning") -> pd.DataFrame:
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
    frame = prepare(frame)
    frame = frame[frame["value"].notna()]
    if frame.empty:
        return empty_report()
    groups = _Groups(frame, across)
    parts = []
    for name in methods:
        limit = DEFAULT_THRESHOLDS[name] if threshold is None or len(methods) > 1 else float(threshold)
        flagged, statistic = getattr(groups, name)(limit)
        flagged &= groups.count[groups.codes] >= min_count
        rows = frame[flagged]
        if rows.empty:
            continue
        label = {"zscore": "z = ", "modz": "M = ", "iqr": "IQR distance = "}[name]
        rule = {"zscore": f" (|z| > {limit:g})", "modz": f" (|M| > {limit:g})",
                "iqr": f" (outside Q1 - {limit:g} IQR, Q3 + {limit:g} IQR)"}[name]
        detail = label + pd.Series(statistic[flagged]).round(3).astype(str) + rule
        parts.append(_report(rows, name if across == "regions" else f"{name}:history", severity, detail.to_numpy()))
    if not parts:
        return empty_report()
    out = pd.concat(parts, ignore_index=True)
    return out.astype({"region_code": str, "indicator": str, "year": "int64", "value": float})


class _Groups:
    """The values of a frame laid out as a matrix, one row per group of peers, each row sorted
    (missing places NaN, sorted last): medians and quartiles are then read at positions, and
    the one sort serves every method. ``codes`` is each value's group, ``count`` each group's size."""

    def __init__(self, frame: pd.DataFrame, across: str):
        region = frame["region_code"].cat.codes.to_numpy().astype("int64")
        indicator = frame["indicator"].cat.codes.to_numpy().astype("int64")
        year = frame["year"].to_numpy() - int(frame["year"].min())
        if across == "regions":
            key = indicator * (int(year.max()) + 1) + year
        else:
            key = region * (int(indicator.max()) + 1) + indicator
        if key.max() < 4 * len(key):  # dense keys (a full panel): the key is the group, empty groups cost little
            self.codes, n_groups = key, int(key.max()) + 1
        else:
            self.codes, uniques = pd.factorize(key)
            n_groups = len(uniques)
        self.values = frame["value"].to_numpy(dtype=float)
        self.count = np.bincount(self.codes, minlength=n_groups)
        # a radix sort when the group numbers fit in 16 bits
        order = np.argsort(self.codes.astype("uint16") if n_groups <= 65536 else self.codes, kind="stable")
        starts = np.r_[0, np.cumsum(self.count)[:-1]]
        self.slot = np.empty(len(self.codes), dtype="int64")
        self.slot[order] = np.arange(len(order)) - starts[self.codes[order]]
        self.shape = (n_groups, max(int(self.count.max()), 1))
        self.sorted = self._sorted(self.values)

    def _sorted(self, values):
        matrix = np.full(self.shape, np.nan)
        matrix[self.codes, self.slot] = values
        matrix.sort(axis=1)
        return matrix

    def _quantile(self, matrix, q):
        """Linear interpolation at position q·(n - 1) of each sorted row (NumPy's default)."""
        n = np.maximum(self.count, 1)  # an empty group reads NaN and holds no value
        position = q * (n - 1)
        below = np.floor(position).astype("int64")
        above = np.minimum(below + 1, n - 1)
        rows = np.arange(len(n))
        low, high = matrix[rows, below], matrix[rows, above]
        return low + (position - below) * (high - low)

    def zscore(self, t):
        mean = np.nanmean(self.sorted, axis=1)
        deviation = self.values - mean[self.codes]
        squares = np.bincount(self.codes, weights=deviation ** 2, minlength=self.shape[0])
        with np.errstate(divide="ignore", invalid="ignore"):
            sd = np.sqrt(squares / (self.count - 1))
            z = deviation / sd[self.codes]
        z = np.where(np.isfinite(z), z, 0.0)
        return np.abs(z) > t, z

    def modz(self, t):
        median = self._quantile(self.sorted, 0.5)
        deviation = self.values - median[self.codes]
        mad = self._quantile(self._sorted(np.abs(deviation)), 0.5)
        with np.errstate(divide="ignore", invalid="ignore"):
            m = MODZ_CONSTANT * deviation / mad[self.codes]
        m = np.where(np.isfinite(m), m, 0.0)  # MAD = 0: every value equals the median, or most do
        return np.abs(m) > t, m

    def iqr(self, k):
        q1, q3 = self._quantile(self.sorted, 0.25)[self.codes], self._quantile(self.sorted, 0.75)[self.codes]
        spread = q3 - q1
        flagged = (self.values < q1 - k * spread) | (self.values > q3 + k * spread)
        with np.errstate(divide="ignore", invalid="ignore"):
            distance = np.where(self.values < q1, (q1 - self.values) / spread, (self.values - q3) / spread)
        return flagged, np.where(np.isfinite(distance), distance, 0.0)
