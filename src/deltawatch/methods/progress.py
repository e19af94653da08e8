"""Progress against a target: Open SDG, UNSD Progress Chart and ESCAP assessments.

Implements ``docs/METHODS.md`` §1. One series (the values of one indicator in one region,
or in one region group the caller has already aggregated) is compared with one target:

* :func:`assess` — one series, one :class:`TargetSpec` (or ``None``: the no-target rule),
  returns an :class:`Assessment`;
* :func:`assess_frame` — many targets at once from long DataFrames, one row per target;
* :func:`score` and :func:`band` — the Open SDG score (−5 … 5) and the band of a mean score,
  for roll-ups by dimension or region.

Sources
-------
Open SDG / Statistics Canada, *Progress Measurement Methodology*
(open-sdg/open-sdg ``docs/progress-methodology.md``): CAGR, the ratio
R = d·CAGR_obs/|CAGR_req| (the absolute value fixes the sign error of the older sdg-build
code when the base value is already beyond the target), the no-target thresholds, the score
transformation, and the base year "2015, unless otherwise specified".

UNSD, *SDG Progress Chart Technical Note* (2023; as applied by EUSTAT, EUSTAT-DES/site
``_pages/en/metodologia.md``): projection ŷ_T = y_t(1 + CAGR_obs)^(T − t), ratio
(ŷ_T − y_t0)/(TV − y_t0) with 0.95 and 0.10; without a target, d·CAGR_obs ≥ 2 % "on track",
0.5 %–2 % "fair progress but acceleration needed", < 0.5 % "stagnation or regression" (split
here at 0 into limited progress and deteriorating, as for the ratio) — not Open SDG's 1.5 % /
0.5 %.

ESCAP, *Asia and the Pacific SDG Progress Report*, Annex 1 technical notes
(data.unescap.org, "Progress assessment methodology"), and the UNECE notes that apply it
(w3.unece.org/sdg2022, sdg2023, sdg2026 "Technical notes"): the current status index measures
the progress made since 2015; the anticipated value for the target year comes from a
"time-weighted linear regression" on the available data since 2000 that weights recent years
more; the anticipated progress index reports, for targets that will not be met, the gap
between target and anticipated value relative to the progress required since 2015. Hence
here: the regression is fitted on every value from ``fit_start`` (2000) on, progress is
measured from the base-year value, and AP (like CS) is capped at 1 — a target anticipated to
be met has no gap. Not checked, because the stored copies of these notes show only the
opening of each page and not its formulas: the exact weights (we keep
w_i = (T − t_min)/(T − t_i) of ``docs/METHODS.md``, i.e. ∝ 1/(T − t_i); a constant factor
does not change a weighted least-squares fit), whether the regression is on levels or logs
("linear regression" is all the notes say; levels kept) and ESCAP's 0.9 cut-off for "maintain
progress" (kept, configurable as ``escap_maintain``).

Nothing here imports Django: ``deltawatch.methods`` is a plain library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "STATUSES", "Thresholds", "TargetSpec", "Assessment", "assess", "score", "band", "assess_frame", "rollup",
    "DEFAULT_BASE_YEAR", "ESCAP_FIT_START",
]

STATUSES = (
    "achieved", "on_track", "acceleration_needed", "limited_progress", "deteriorating",
    "insufficient_data", "not_assessable",
)
COMPARATORS = ("ge", "le", "approx", "range", "gt", "lt", "eq")
CHANGE_TYPES = ("level", "increase", "decrease", "annual_growth")
METHODS = ("opensdg", "unsd", "escap")
# Open SDG: "t0 is the base year, 2015, unless otherwise specified" — used when neither the
# caller, the target nor its plan names a base year.
DEFAULT_BASE_YEAR = 2015
# ESCAP / UNECE: the anticipated value is fitted on "the available data between 2000 and" now.
ESCAP_FIT_START = 2000

@dataclass(frozen=True)
class Thresholds:
    """Status thresholds; the defaults are the published ones.

    Parameters
    ----------
    on_track, acceleration, limited : float
        Open SDG ratio R: R ≥ on_track on track, R ≥ acceleration acceleration needed,
        R ≥ limited limited progress, else deteriorating (0.95, 0.60, 0).
    no_target_on_track, no_target_acceleration : float
        Open SDG no-target rule on v = d·CAGR_obs: 1.5 % and 0.5 % a year; v ≥ 0 is limited.
    no_target_score_max : float
        |v| at which the no-target score reaches ±5 (Open SDG: 2 %).
    unsd_on_track, unsd_acceleration : float
        UNSD Progress Chart ratio: ≥ 0.95 on track, 0.10–0.95 acceleration needed.
    unsd_no_target_on_track, unsd_no_target_acceleration : float
        UNSD Progress Chart without a target, on v = d·CAGR_obs: ≥ 2 % on track, ≥ 0.5 %
        acceleration needed ("fair progress"), below that stagnation (v ≥ 0: limited
        progress) or regression (v < 0: deteriorating). Used by ``method="unsd"`` wherever
        the no-target rule applies; the other methods use Open SDG's.
    escap_maintain : float
        ESCAP anticipated progress above which the trend is to be maintained (0.9).
    approx_tolerance : float
        Relative tolerance of an ≈ target that states none (5 % of the target value).
    bounded_margin : float
        Targets of 0 or 100 on an indicator bounded in [0, 100] count as met within this many
        points; within it of a bound the linear form replaces CAGR (1 percentage point).
    """

    on_track: float = 0.95
    acceleration: float = 0.60
    limited: float = 0.0
    no_target_on_track: float = 0.015
    no_target_acceleration: float = 0.005
    no_target_score_max: float = 0.02
    unsd_on_track: float = 0.95
    unsd_acceleration: float = 0.10
    unsd_no_target_on_track: float = 0.02
    unsd_no_target_acceleration: float = 0.005
    escap_maintain: float = 0.9
    approx_tolerance: float = 0.05
    bounded_margin: float = 1.0


@dataclass(frozen=True)
class TargetSpec:
    """One numeric (or textual) target, as stored in ``targets.csv``.

    Parameters
    ----------
    comparator : {"ge", "le", "approx", "range", "gt", "lt", "eq"}
        ``eq`` is how "达到 X" is stored and is read as "reach X in the indicator's direction"
        (≥ for d = +1, ≤ for d = −1).
    value, low, high : float, optional
        Target value, or the interval of a ``range``. For ``increase``/``decrease`` they are
        percentages of the baseline-year value; for ``annual_growth`` a rate in percent a year.
    tolerance : float, optional
        Absolute tolerance of ``approx`` (in percentage points of the baseline value for
        relative targets, of the rate for ``annual_growth``); default ``approx_tolerance``·|TV|.
    target_year : int
    change_type : {"level", "increase", "decrease", "annual_growth"}
    baseline_year : int, optional
        Year of the reference value of a relative target; the base year when ``base_year``
        is not given.
    is_numeric : bool
        False for textual targets ("完成国家下达目标任务"): never assessed.
    base_year : int, optional
        The plan's base year, from which progress is measured (the first year with data on
        or after it). Without it: ``baseline_year``, else the ``default_base_year`` of
        :func:`assess`.
    """

    comparator: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    tolerance: float | None = None
    target_year: int = 2025
    change_type: str = "level"
    baseline_year: int | None = None
    is_numeric: bool = True
    base_year: int | None = None


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`.

    ``target_value`` is the resolved absolute target (for a range, the bound to move towards,
    or when inside it the bound in the desired direction; for ``annual_growth`` the required
    rate as a fraction). ``cagr_observed`` and ``cagr_required`` are the growth rates used:
    compound rates when ``growth_form == "cagr"``, slopes in units per year when ``"linear"``.
    ``ratio`` is the method's ratio (Open SDG R, UNSD ratio, ESCAP anticipated progress), or
    v = d·growth when ``rule == "no_target"``. ``current_status`` is ESCAP's CS.
    """

    status: str
    method: str
    base_year: int | None = None
    base_value: float | None = None
    latest_year: int | None = None
    latest_value: float | None = None
    target_value: float | None = None
    projected_value: float | None = None
    ratio: float | None = None
    cagr_observed: float | None = None
    cagr_required: float | None = None
    growth_form: str | None = None
    score: float | None = None
    note: str = ""
    current_status: float | None = None
    rule: str | None = None


# --------------------------------------------------------------------------------------------
# checks


def _check_direction(direction) -> int:
    if isinstance(direction, (bool, np.bool_)) or direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1 (never defaulted), got {direction!r}")
    return 1 if direction > 0 else -1


def _check_method(method) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method


# --------------------------------------------------------------------------------------------
# coded choices: the engine works on small integers, one array per field

GE, LE, GT, LT, APPROX, RANGE, EQ, NO_TARGET = 0, 1, 2, 3, 4, 5, 6, -1
_CMP_CODE = {"ge": GE, "le": LE, "gt": GT, "lt": LT, "approx": APPROX, "range": RANGE, "eq": EQ}
# A decrease target states the comparator on the size of the fall ("下降10%以上" = fall ≥ 10%),
# which on the level of the indicator is the opposite comparison.
_FLIP = np.array([LE, GE, LT, GT, APPROX, RANGE, EQ])
LEVEL, INCREASE, DECREASE, ANNUAL_GROWTH = range(4)
_CTYPE_CODE = {c: k for k, c in enumerate(CHANGE_TYPES)}
_STATUS = {s: k for k, s in enumerate(STATUSES)}
ACHIEVED, ON_TRACK, ACCELERATION, LIMITED, DETERIORATING, INSUFFICIENT, NOT_ASSESSABLE = range(7)
UNDECIDED = -1
_RULES = np.array([None, "target", "no_target"], dtype=object)
_FORMS = np.array([None, "cagr", "linear"], dtype=object)

# Notes are bit flags while computing, turned into text once per distinct combination.
_NOTES = (
    "non-numeric target: not assessable",
    "numeric target without a value: not assessable",
    "no value from the base year on",
    "fewer than two values from the base year on",
    "no value for the baseline year of a relative target: {baseline_year}",
    "relative target without baseline year: relative to the base year",
    "target of 0 or 100 on a [0, 100] indicator met within {margin:g}",
    "CAGR undefined for non-positive values: annual growth target not assessable",
    "annual growth target: observed CAGR against the required rate (Open SDG thresholds)",
    "rate indicator (is_rate): linear form",
    "CAGR undefined for non-positive values: linear form",
    "bounded [0, 100] indicator within {margin:g} of a bound: linear form",
    "no target: v = d·growth with the no-target thresholds",
    "v = d·slope/|base value|",
    "base value 0: relative growth undefined",
    "target year not after the base year",
    "base value equals the target (CAGR_req = 0): no-target rule",
    "latest year not before the target year: anticipated progress = current status",
    "anticipated value fitted on the values from the fit start year on, before the base year too",
)
(N_NON_NUMERIC, N_NO_VALUE, N_NO_DATA, N_ONE_VALUE, N_NO_BASELINE_VALUE, N_REL_BASE, N_MET_WITHIN,
 N_GROWTH_NONPOS, N_GROWTH, N_RATE, N_NONPOS, N_BOUND, N_NO_TARGET, N_SLOPE, N_BASE_ZERO, N_LATE_TARGET,
 N_EQUAL, N_ESCAP_LATE, N_ESCAP_EARLY) = (1 << k for k in range(len(_NOTES)))


# --------------------------------------------------------------------------------------------
# scoring


def _scores(status, rule, ratio, th: Thresholds) -> np.ndarray:
    """Open SDG scores of coded statuses; NaN where there is none."""
    with np.errstate(invalid="ignore"):
        # figure 2: through (−0.6, −5), (0.6, 0), (1.3, 5); the published coefficients
        # 7.1429 / 4.2857 / 4.1667 are these fractions rounded: 50/7, 30/7, 25/6.
        target = np.where(ratio > 0.6, np.minimum(50.0 / 7.0 * ratio - 30.0 / 7.0, 5.0),
                          np.maximum(25.0 / 6.0 * ratio - 2.5, -5.0))
        # figure 1: piecewise linear through (−max, −5), (0, −2.5), (acc, 0), (on_track, 2.5), (max, 5)
        top = th.no_target_score_max
        no_target = np.interp(ratio, [-top, 0.0, th.no_target_acceleration, th.no_target_on_track, top],
                              [-5.0, -2.5, 0.0, 2.5, 5.0])
    out = np.where(rule == 2, no_target, target)
    out = np.where((status == INSUFFICIENT) | (status == NOT_ASSESSABLE) | np.isnan(ratio), np.nan, out)
    return np.where(status == ACHIEVED, 5.0, out)


def score(assessment: Assessment, thresholds: Thresholds = Thresholds()) -> float | None:
    """Open SDG progress score (−5 … 5) of an assessment, for roll-ups.

    Achieved → 5; with a target, R > 0.6 → min(7.1429 R − 4.2857, 5), else
    max(4.1667 R − 2.5, −5) (exact fractions 50/7, 30/7, 25/6); without a target, the
    piecewise-linear transformation of v = d·CAGR through −2 % → −5, 0 → −2.5, 0.5 % → 0,
    1.5 % → 2.5, 2 % → 5. ``None`` for insufficient data or not assessable. UNSD and ESCAP
    ratios are on the same scale (1 = exactly on course) and are scored the same way; so is
    v under UNSD's no-target rule, whose status uses UNSD's thresholds (2 %, 0.5 %) — a
    roll-up is an Open SDG score whatever the method.

    References
    ----------
    Open SDG, *Progress Measurement Methodology*, "Aggregated progress status".
    """
    ratio = np.nan if assessment.ratio is None else float(assessment.ratio)
    rule = {"target": 1, "no_target": 2}.get(assessment.rule, 0)
    out = _scores(np.array([_STATUS[assessment.status]]), np.array([rule]), np.array([ratio]), thresholds)[0]
    return None if np.isnan(out) else float(out)


def band(mean_score) -> str:
    """Band of a mean Open SDG score: ≥ 2.5 on track, ≥ 0 acceleration needed,
    ≥ −2.5 limited progress, else deteriorating; no score (None/NaN) → insufficient data."""
    if mean_score is None or (isinstance(mean_score, float) and math.isnan(mean_score)):
        return "insufficient_data"
    if mean_score >= 2.5:
        return "on_track"
    if mean_score >= 0:
        return "acceleration_needed"
    if mean_score >= -2.5:
        return "limited_progress"
    return "deteriorating"


# --------------------------------------------------------------------------------------------
# the engine: every target at once, on arrays


@dataclass(frozen=True)
class _Series:
    """Observations sorted by (series, year). Series ``g`` holds the rows whose ``key`` lies in
    [g·span, (g + 1)·span); ``key = g·span + (year − year_min)``."""

    years: np.ndarray
    values: np.ndarray
    key: np.ndarray
    span: int
    year_min: int
    nonpositive_before: np.ndarray  # nonpositive_before[k] = number of values ≤ 0 in rows < k
    year_at: np.ndarray   # years as floats and values, each with a NaN at index −1 / n, so that
    value_at: np.ndarray  # "no such row" (index n or −1) reads as missing

    @classmethod
    def build(cls, series, years, values):
        years = np.asarray(years, dtype=np.int64)
        values = np.asarray(values, dtype=float)
        year_min = int(years.min()) if years.size else 0
        span = int(years.max()) - year_min + 1 if years.size else 1
        key = np.asarray(series, dtype=np.int64) * span + (years - year_min)
        if not (key[1:] >= key[:-1]).all():
            order = np.argsort(key, kind="stable")
            key, years, values = key[order], years[order], values[order]
        nonpos = np.zeros(values.size + 1, dtype=np.int64)
        np.cumsum(values <= 0, out=nonpos[1:])
        return cls(years, values, key, span, year_min, nonpos,
                   np.append(years.astype(float), np.nan), np.append(values, np.nan))

    def locate(self, series, year, lo, hi):
        """First row of ``series`` with a year ≥ ``year`` (NaN: the first row), within [lo, hi]."""
        offset = np.clip(np.nan_to_num(np.asarray(year, dtype=float) - self.year_min, nan=0.0), 0, self.span)
        pos = np.searchsorted(self.key, series * self.span + offset.astype(np.int64))
        return np.clip(pos, lo, hi)


@dataclass(frozen=True)
class _Targets:
    """One entry per target, as arrays: where its series lies, its target and its indicator."""

    first: np.ndarray        # series rows are [first, end)
    end: np.ndarray
    series: np.ndarray       # series number (for Series.locate)
    comparator: np.ndarray   # coded; NO_TARGET for the no-target rule
    value: np.ndarray
    low: np.ndarray
    high: np.ndarray
    tolerance: np.ndarray
    target_year: np.ndarray
    change_type: np.ndarray  # coded
    baseline_year: np.ndarray  # float, NaN when none
    is_numeric: np.ndarray
    direction: np.ndarray
    is_rate: np.ndarray
    lower_bound: np.ndarray
    upper_bound: np.ndarray
    base_year: np.ndarray    # the requested base year (NaN: baseline year, else the default base year)


class _Result:
    """The engine's output arrays (coded status, rule and form; NaN for missing numbers)."""

    FIELDS = ("base_year", "base_value", "latest_year", "latest_value", "target_value", "projected_value",
              "ratio", "cagr_observed", "cagr_required", "current_status")

    def __init__(self, m):
        self.status = np.full(m, UNDECIDED, dtype=np.int64)
        self.rule = np.zeros(m, dtype=np.int64)
        self.form = np.zeros(m, dtype=np.int64)
        self.flags = np.zeros(m, dtype=np.int64)
        for name in self.FIELDS:
            setattr(self, name, np.full(m, np.nan))

    def decide(self, mask, status, flag=0, **fields):
        """Set the status (and flag and fields) of the undecided rows in ``mask``; returns them."""
        rows = mask & (self.status == UNDECIDED)
        self.status[rows] = status
        self.flags[rows] |= flag[rows] if np.ndim(flag) else flag
        for name, values in fields.items():
            current = getattr(self, name)
            current[rows] = values[rows] if np.ndim(values) else values
        return rows


def _met(v, cmp, tv, lo, hi, tol):
    with np.errstate(invalid="ignore"):
        return np.select(
            [cmp == GE, cmp == LE, cmp == GT, cmp == LT, cmp == APPROX, cmp == RANGE],
            [v >= tv, v <= tv, v > tv, v < tv, np.abs(v - tv) <= tol, (lo <= v) & (v <= hi)], False)


def _towards(cmp, d, tv, lo, hi, p):
    """Target and effective direction of ≈ / range targets seen from value p: a range not yet
    reached is approached at its near bound; once inside, the bound in the desired direction."""
    inside = np.where(d > 0, hi, lo)
    tv = np.where(cmp == RANGE, np.where(p < lo, lo, np.where(p > hi, hi, inside)), tv)
    de = np.sign(tv - p)
    moving = (cmp == APPROX) | (cmp == RANGE)
    return tv, np.where(moving & (de != 0), de, d)


def _ratio_status(r, th):
    return np.select([r >= th.on_track, r >= th.acceleration, r >= th.limited], [ON_TRACK, ACCELERATION, LIMITED],
                     DETERIORATING)


def _no_target_status(v, th, method):
    """Status of v = d·growth without a target: UNSD's thresholds (2 %, 0.5 %) for ``unsd``,
    Open SDG's (1.5 %, 0.5 %) otherwise; v ≥ 0 below them is limited progress."""
    if method == "unsd":
        on_track, acceleration = th.unsd_no_target_on_track, th.unsd_no_target_acceleration
    else:
        on_track, acceleration = th.no_target_on_track, th.no_target_acceleration
    return np.select([v >= on_track, v >= acceleration, v >= 0], [ON_TRACK, ACCELERATION, LIMITED], DETERIORATING)


def _growth(linear, y0, y, t0, t):
    """Observed growth: slope (y − y0)/(t − t0) in the linear form, else CAGR."""
    dt = t - t0
    with np.errstate(all="ignore"):
        return np.where(linear, (y - y0) / dt, (y / y0) ** (1.0 / dt) - 1.0)


def _projection(linear, y, rate, t, T):
    with np.errstate(all="ignore"):
        return np.where(linear, y + rate * (T - t), y * (1.0 + rate) ** (T - t))


def _weighted_prediction(s: _Series, rows, start, end, T):
    """ESCAP anticipated values at T: least squares of y on t over the rows [start, end) of
    each series with weights w_i = (T − t_min)/(T − t_i), t_min the first year of the window
    (all t_i < T). With u = t − t_min: slope b = (Σw·Σwuy − Σwu·Σwy)/(Σw·Σwu² − (Σwu)²),
    intercept a = (Σwy − b·Σwu)/Σw, prediction a + b·(T − t_min). Written out rather than
    calling ``numpy.polyfit`` per series because every window is expanded into one flat
    array and summed with ``bincount``: one pass for all targets."""
    idx = np.flatnonzero(rows)
    out = np.full(rows.size, np.nan)
    if not idx.size:
        return out
    counts = end[idx] - start[idx]
    owner = np.repeat(np.arange(idx.size), counts)
    starts = np.cumsum(counts) - counts
    pos = start[idx][owner] + (np.arange(owner.size) - starts[owner])
    t_min = s.years[start[idx]]
    span = (T[idx] - t_min).astype(float)
    u = s.years[pos] - t_min[owner]
    w = span[owner] / (span[owner] - u)
    y = s.values[pos]
    n = idx.size
    sw, swu = np.bincount(owner, w, n), np.bincount(owner, w * u, n)
    swuu, swy, swuy = np.bincount(owner, w * u * u, n), np.bincount(owner, w * y, n), np.bincount(owner, w * u * y, n)
    with np.errstate(all="ignore"):
        b = (sw * swuy - swu * swy) / (sw * swuu - swu * swu)
        out[idx] = (swy - b * swu) / sw + b * span
    return out


def _requested_base_year(tg: _Targets, default_base_year) -> np.ndarray:
    """The base year asked for: the target's own (the plan's), else its baseline year, else
    ``default_base_year``; NaN (no default) means the first year with data."""
    start = np.where(np.isnan(tg.base_year), tg.baseline_year, tg.base_year)
    default = np.nan if default_base_year is None else float(default_base_year)
    return np.where(np.isnan(start), default, start)


def _evaluate(s: _Series, tg: _Targets, method: str, th: Thresholds, *, default_base_year=DEFAULT_BASE_YEAR,
              fit_start=ESCAP_FIT_START) -> _Result:
    m = tg.first.size
    res = _Result(m)
    has_target = tg.comparator != NO_TARGET
    res.decide(has_target & ~tg.is_numeric, NOT_ASSESSABLE, N_NON_NUMERIC)
    without_value = np.where(tg.comparator == RANGE, np.isnan(tg.low) | np.isnan(tg.high), np.isnan(tg.value))
    res.decide(has_target & without_value, NOT_ASSESSABLE, N_NO_VALUE)

    # A level target's value is known before any data (relative ones are resolved below).
    res.target_value[:] = np.where(has_target & (tg.change_type == LEVEL), tg.value, np.nan)

    # ---- base and latest values
    i0 = s.locate(tg.series, _requested_base_year(tg, default_base_year), tg.first, tg.end)
    count = tg.end - i0
    series_exists = tg.end > tg.first
    last = np.where(series_exists, tg.end - 1, -1)
    t0, y0 = s.year_at[i0], s.value_at[i0]
    t, y = s.year_at[last], s.value_at[last]
    res.decide(count == 1, INSUFFICIENT, N_ONE_VALUE, base_year=t0, base_value=y0, latest_year=t0, latest_value=y0)
    res.decide(count <= 0, INSUFFICIENT, N_NO_DATA, latest_year=np.where(series_exists, t, np.nan),
               latest_value=np.where(series_exists, y, np.nan))
    live = res.status == UNDECIDED
    for name, v in (("base_year", t0), ("base_value", y0), ("latest_year", t), ("latest_value", y)):
        getattr(res, name)[live] = v[live]

    # ESCAP's regression window opens at the fit start year, or at the base year if earlier.
    fit_from = t0 if fit_start is None else np.fmin(float(fit_start), t0)
    ends = _Ends(i0, t0, y0, t, y, T=tg.target_year.astype(float),
                 nonpositive=(s.nonpositive_before[tg.end] - s.nonpositive_before[np.minimum(i0, tg.end)]) > 0,
                 i_fit=s.locate(tg.series, fit_from, tg.first, tg.end))
    _evaluate_no_target(res, live & ~has_target, tg, ends, method, th)
    _evaluate_growth_target(res, live & has_target & (tg.change_type == ANNUAL_GROWTH), tg, ends, method, th)
    _evaluate_level_target(res, live & has_target & (tg.change_type != ANNUAL_GROWTH), s, tg, ends, method, th)
    return res


class _Ends(NamedTuple):
    """Per target: first row of the window, base year and value, latest year and value, target
    year, whether the window holds a value ≤ 0, and the first row of ESCAP's regression."""

    i0: np.ndarray
    t0: np.ndarray
    y0: np.ndarray
    t: np.ndarray
    y: np.ndarray
    T: np.ndarray
    nonpositive: np.ndarray
    i_fit: np.ndarray


def _bounded(tg: _Targets) -> np.ndarray:
    return (tg.lower_bound == 0) & (tg.upper_bound == 100)


def _evaluate_no_target(res, rows, tg: _Targets, ends: _Ends, method, th):
    i0, t0, y0, t, y, T, nonpos, _ = ends
    d, is_rate, m_ = tg.direction, tg.is_rate, th.bounded_margin
    near_bound = _bounded(tg) & ((y <= m_) | (y >= 100 - m_))
    linear = is_rate | nonpos | near_bound
    flags = (N_RATE * is_rate) | (N_NONPOS * nonpos) | (N_BOUND * near_bound) | N_NO_TARGET
    rate = _growth(linear, y0, y, t0, t)
    res.flags[rows] |= flags[rows]
    res.decide(rows & linear & (y0 == 0), NOT_ASSESSABLE, N_BASE_ZERO)
    with np.errstate(all="ignore"):
        v = np.where(linear, d * rate / np.abs(y0), d * rate)
    done = res.decide(rows, UNDECIDED, N_SLOPE * linear, ratio=v, cagr_observed=rate)
    res.status[done] = _no_target_status(v, th, method)[done]
    res.rule[done] = 2
    res.form[done] = np.where(linear, 2, 1)[done]


def _evaluate_growth_target(res, rows, tg: _Targets, ends: _Ends, method, th):
    i0, t0, y0, t, y, T, _, _ = ends
    d = tg.direction
    res.decide(rows & ((y0 <= 0) | (y <= 0)), NOT_ASSESSABLE, N_GROWTH_NONPOS)
    rows = rows & (res.status == UNDECIDED)
    rate = _growth(np.zeros(rows.size, dtype=bool), y0, y, t0, t)
    cmp = np.where(tg.comparator == EQ, np.where(d > 0, GE, LE), tg.comparator)
    r, lo, hi = tg.value / 100, tg.low / 100, tg.high / 100
    tol = np.where(cmp == APPROX, np.where(np.isnan(tg.tolerance), th.approx_tolerance * np.abs(r), tg.tolerance / 100),
                   np.nan)
    achieved = _met(rate, cmp, r, lo, hi, tol)
    r, de = _towards(cmp, d, r, lo, hi, rate)
    zero = r == 0
    with np.errstate(all="ignore"):
        # = observed/required whenever the required rate has the desired sign
        ratio = np.where(zero, de * rate, 1.0 + de * (rate - r) / np.abs(r))
    status = np.where(zero, _no_target_status(ratio, th, method), _ratio_status(ratio, th))
    status = np.where(achieved, ACHIEVED, status)
    res.decide(rows, UNDECIDED, N_GROWTH, target_value=r, projected_value=_projection(False, y, rate, t, T),
               ratio=ratio, cagr_observed=rate, cagr_required=r)
    res.status[rows] = status[rows]
    res.rule[rows] = np.where(zero, 2, 1)[rows]
    res.form[rows] = 1


def _resolve_relative(res, rows, s, tg, y0):
    """Absolute target, interval and tolerance of relative targets ("较2017年下降10%" → y_2017 × 0.9)."""
    relative = rows & ((tg.change_type == INCREASE) | (tg.change_type == DECREASE))
    no_baseline = relative & np.isnan(tg.baseline_year)
    at = s.locate(tg.series, tg.baseline_year, tg.first, tg.end)
    found = (at < tg.end) & (s.year_at[at] == tg.baseline_year)
    res.decide(relative & ~no_baseline & ~found, INSUFFICIENT, N_NO_BASELINE_VALUE)
    res.flags[no_baseline] |= N_REL_BASE
    ref = np.where(no_baseline, y0, s.value_at[at])
    sign = np.where(tg.change_type == INCREASE, 1.0, -1.0)
    r1, r2 = ref * (1 + sign * tg.low / 100), ref * (1 + sign * tg.high / 100)
    tv = np.where(relative, ref * (1 + sign * tg.value / 100), tg.value)
    lo = np.where(relative, np.fmin(r1, r2), tg.low)
    hi = np.where(relative, np.fmax(r1, r2), tg.high)
    tol = np.where(relative, np.abs(ref) * tg.tolerance / 100, tg.tolerance)
    cmp = np.where(tg.change_type == DECREASE, _FLIP[np.maximum(tg.comparator, 0)], tg.comparator)
    return cmp, tv, lo, hi, tol


def _evaluate_level_target(res, rows, s: _Series, tg: _Targets, ends: _Ends, method: str, th):
    i0, t0, y0, t, y, T, nonpos, i_fit = ends
    d, bounded = tg.direction, _bounded(tg)
    cmp, tv, lo, hi, tol = _resolve_relative(res, rows, s, tg, y0)
    rows = rows & (res.status == UNDECIDED)
    cmp = np.where(cmp == EQ, np.where(d > 0, GE, LE), cmp)
    tol = np.where(cmp == APPROX, np.where(np.isnan(tol), th.approx_tolerance * np.abs(tv), tol), np.nan)
    achieved = _met(y, cmp, tv, lo, hi, tol)
    base_met = _met(y0, cmp, tv, lo, hi, tol)
    tv, de = _towards(cmp, d, tv, lo, hi, np.where(base_met, y, y0))
    m_ = th.bounded_margin
    with np.errstate(invalid="ignore"):
        met_within = ~achieved & bounded & ((tv == 0) | (tv == 100)) & (cmp != RANGE) & (np.abs(y - tv) <= m_)
        achieved |= met_within
        nonpos = nonpos | (tv <= 0)
        near_bound = bounded & ((tv <= m_) | (tv >= 100 - m_) | (y <= m_) | (y >= 100 - m_))
    linear = tg.is_rate | nonpos | near_bound
    res.flags[rows] |= ((N_MET_WITHIN * met_within) | (N_RATE * tg.is_rate) | (N_NONPOS * nonpos)
                        | (N_BOUND * near_bound))[rows]
    res.form[rows] = np.where(linear, 2, 1)[rows]
    res.target_value[rows] = tv[rows]
    rate = _growth(linear, y0, y, t0, t)
    proj = _projection(linear, y, rate, t, T)

    late = rows & (T <= t0)
    res.rule[res.decide(late & achieved, ACHIEVED, N_LATE_TARGET, cagr_observed=rate)] = 1
    res.form[res.decide(late, NOT_ASSESSABLE, N_LATE_TARGET)] = 0
    rows = rows & ~late
    with np.errstate(all="ignore"):
        req = np.where(linear, (tv - y0) / (T - t0), (tv / y0) ** (1.0 / (T - t0)) - 1.0)
        equal = rows & ((req == 0) | (tv == y0))
        ratio_equal = np.where(linear, np.where(y0 != 0, de * rate / np.abs(y0), np.nan), de * rate)
    res.flags[equal] |= N_EQUAL
    undefined = res.decide(equal & np.isnan(ratio_equal) & ~achieved, NOT_ASSESSABLE, N_BASE_ZERO)
    res.form[undefined] = 0
    rows = rows & ~undefined
    trend = rows & ~equal
    res.rule[rows] = np.where(equal, 2, 1)[rows]
    status = np.where(np.isnan(ratio_equal), UNDECIDED, _no_target_status(ratio_equal, th, method))
    ratio = ratio_equal
    current_status = np.full(rows.size, np.nan)
    with np.errstate(all="ignore"):
        gap = np.abs(tv - y0)
        if method == "opensdg":
            ratio = np.where(trend, de * rate / np.abs(req), ratio)
            status = np.where(trend, _ratio_status(ratio, th), status)
        elif method == "unsd":
            ratio = np.where(trend, de * (proj - y0) / gap, ratio)
            status = np.where(trend, np.select([ratio >= th.unsd_on_track, ratio >= th.unsd_acceleration, ratio >= 0],
                                               [ON_TRACK, ACCELERATION, LIMITED], DETERIORATING), status)
        else:  # escap
            current_status = np.minimum(de * (y - y0) / gap, 1.0)
            escap_late = trend & (t >= T)
            res.flags[escap_late] |= N_ESCAP_LATE
            fitted = trend & ~escap_late
            res.flags[fitted & (i_fit < i0)] |= N_ESCAP_EARLY
            predicted = _weighted_prediction(s, fitted, i_fit, tg.end, T)
            proj = np.where(trend, np.where(escap_late, y, predicted), proj)
            ratio = np.where(trend, np.minimum(de * (proj - y0) / gap, 1.0), ratio)
            status = np.where(trend, np.select([ratio > th.escap_maintain, ratio <= 0],
                                               [ON_TRACK, DETERIORATING], ACCELERATION), status)
    status = np.where(achieved, ACHIEVED, status)
    done = res.decide(rows, UNDECIDED, projected_value=proj, ratio=ratio, cagr_observed=rate,
                      cagr_required=req, current_status=np.where(trend, current_status, np.nan))
    res.status[done] = status[done]


def _notes(flags, baseline_year, th) -> np.ndarray:
    """Note text of each row: one join per distinct combination of flags."""
    uniques, inverse = np.unique(flags, return_inverse=True)
    texts = ["; ".join(_NOTES[k] for k in range(len(_NOTES)) if f >> k & 1) for f in uniques.tolist()]
    texts = np.array([t.format(margin=th.bounded_margin, baseline_year="{baseline_year}") for t in texts], dtype=object)
    notes = texts[inverse]
    for k in np.flatnonzero(flags & N_NO_BASELINE_VALUE):
        notes[k] = notes[k].format(baseline_year=int(baseline_year[k]))
    return notes


# --------------------------------------------------------------------------------------------
# public API

OUTPUT_COLUMNS = [
    "region_code", "indicator", "target_year", "comparator", "target_value", "base_year", "base_value",
    "latest_year", "latest_value", "projected_value", "ratio", "status", "method", "score",
    "cagr_observed", "cagr_required", "current_status", "growth_form", "rule", "note", "target_id",
]


def _optional(x) -> float:
    return np.nan if x is None else float(x)


def assess(years, values, target: TargetSpec | None, *, direction: int, method: str = "opensdg",
           base_year: int | None = None, is_rate: bool = False, lower_bound: float | None = None,
           upper_bound: float | None = None, thresholds: Thresholds = Thresholds(),
           default_base_year: int | None = DEFAULT_BASE_YEAR, fit_start: int | None = ESCAP_FIT_START) -> Assessment:
    """Assess the progress of one series towards one target.

    Parameters
    ----------
    years, values : array-like
        The series; missing values (NaN) are ignored. Years must be unique.
    target : TargetSpec or None
        ``None`` applies the no-target rule v = d·CAGR_obs.
    direction : {+1, -1}
        Desired direction; required, anything else raises ``ValueError``.
    method : {"opensdg", "unsd", "escap"}
    base_year : int, optional
        The base year t0 is the first year with data on or after ``base_year``; by default
        the plan's base year ``target.base_year``, else ``target.baseline_year``, else
        ``default_base_year``. The latest year is the last one.
    is_rate : bool
        The indicator is itself a rate of change: linear form instead of CAGR.
    lower_bound, upper_bound : float, optional
        Natural bounds; [0, 100] enables the 0 %/100 % rules (``bounded_margin``).
    thresholds : Thresholds
    default_base_year : int or None
        Base year when neither the caller nor the target names one (Open SDG: 2015); ``None``
        measures from the first year with data.
    fit_start : int or None
        ESCAP: the anticipated value is fitted on every value from this year (2000) — or from
        the base year if that is earlier — to the latest, while progress is still measured
        from the base-year value; ``None`` fits from the base year only.

    Returns
    -------
    Assessment

    Notes
    -----
    Achieved when the latest value meets the comparator. Growth is CAGR,
    (y_t/y_t0)^(1/(t − t0)) − 1 and (TV/y_t0)^(1/(T − t0)) − 1, or the linear form
    (y_t − y_t0)/(t − t0) and (TV − y_t0)/(T − t0) for non-positive values, rate indicators
    and [0, 100] indicators near a bound. Open SDG: R = d·CAGR_obs/|CAGR_req| (CAGR_req = 0:
    no-target rule). UNSD: d·(ŷ_T − y_t0)/|TV − y_t0| with ŷ_T = y_t(1 + CAGR_obs)^(T − t)
    (the sign fix of Open SDG applied; equal to the published ratio whenever the target lies in
    the desired direction). ESCAP: CS = d(y_t − y_t0)/|TV − y_t0| ≤ 1 and AP the same with the
    time-weighted regression prediction for T (fitted from ``fit_start``). For ≈ and range
    targets that are not met the desired direction is towards the target. See
    ``docs/METHODS.md`` §1 and the module's sources.

    Examples
    --------
    ESCAP measures from the base year (2015: 50) but fits on every value since 2000 — weights
    25/25, 25/10, 25/5 on 2000, 2015, 2020 give ŷ_2025 = 24990/391 ≈ 63.913, so
    AP = (63.913 − 50)/(80 − 50):

    >>> a = assess([2000, 2015, 2020], [40, 50, 60], TargetSpec("ge", 80, base_year=2015),
    ...            direction=1, method="escap")
    >>> a.base_year, round(a.projected_value, 3), round(a.ratio, 4), a.status
    (2015, 63.913, 0.4638, 'acceleration_needed')

    References
    ----------
    Open SDG / Statistics Canada, Progress Measurement Methodology; UNSD, SDG Progress Chart
    Technical Note; ESCAP, Asia and the Pacific SDG Progress Report technical note.
    """
    d = _check_direction(direction)
    _check_method(method)
    y = np.asarray(years, dtype=float).ravel()
    v = np.asarray(values, dtype=float).ravel()
    if y.shape != v.shape:
        raise ValueError("years and values must have the same length")
    keep = np.isfinite(v) & np.isfinite(y)
    y, v = y[keep], v[keep]
    if np.unique(y).size != y.size:
        raise ValueError("years must be unique")
    target = target or TargetSpec(comparator=None, target_year=0)
    series = _Series.build(np.zeros(y.size, dtype=np.int64), y.astype(np.int64), v)

    def one(x, dtype=float):
        return np.array([x], dtype=dtype)

    targets = _Targets(
        first=one(0, np.int64), end=one(y.size, np.int64), series=one(0, np.int64),
        comparator=one(_comparator_code(target.comparator), np.int64),
        value=one(_optional(target.value)), low=one(_optional(target.low)), high=one(_optional(target.high)),
        tolerance=one(_optional(target.tolerance)), target_year=one(target.target_year, np.int64),
        change_type=one(_change_type_code(target.change_type), np.int64),
        baseline_year=one(_optional(target.baseline_year)), is_numeric=one(bool(target.is_numeric), bool),
        direction=one(d, np.int64), is_rate=one(bool(is_rate), bool), lower_bound=one(_optional(lower_bound)),
        upper_bound=one(_optional(upper_bound)),
        base_year=one(_optional(base_year if base_year is not None else target.base_year)))
    result = _evaluate(series, targets, method, thresholds, default_base_year=default_base_year, fit_start=fit_start)
    row = _frame(result, targets, method, thresholds).iloc[0]
    fields = {}
    for name in Assessment.__dataclass_fields__:
        x = row[name]
        fields[name] = None if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) \
            else int(x) if name in ("base_year", "latest_year") else float(x) if isinstance(x, np.floating) else x
    return Assessment(**fields)


def _comparator_code(comparator) -> int:
    if comparator is None or comparator is pd.NA or (isinstance(comparator, float) and math.isnan(comparator)):
        return NO_TARGET
    if comparator not in _CMP_CODE:
        raise ValueError(f"comparator must be one of {COMPARATORS}, got {comparator!r}")
    return _CMP_CODE[comparator]


def _change_type_code(change_type) -> int:
    if change_type is None or (isinstance(change_type, float) and math.isnan(change_type)):
        return LEVEL
    if change_type not in _CTYPE_CODE:
        raise ValueError(f"change_type must be one of {CHANGE_TYPES}, got {change_type!r}")
    return _CTYPE_CODE[change_type]


def _frame(res: _Result, tg: _Targets, method: str, th: Thresholds) -> pd.DataFrame:
    """The engine's arrays as the columns of an assessment table (without the key columns)."""
    status = np.array(STATUSES, dtype=object)[res.status]
    out = {name: getattr(res, name) for name in _Result.FIELDS}
    for name in ("base_year", "latest_year"):
        values = out[name]
        out[name] = pd.arrays.IntegerArray(np.nan_to_num(values).astype(np.int64), np.isnan(values))
    out.update(status=status, method=method, score=_scores(res.status, res.rule, res.ratio, th),
               note=_notes(res.flags, tg.baseline_year, th), growth_form=_FORMS[res.form], rule=_RULES[res.rule])
    return pd.DataFrame(out)


def _key_codes(values, keys: pd.Index | None = None):
    """Integer codes of region or indicator keys, normalised to strings so that 320000,
    320000.0 and "320000" are one key; −1 for missing. Codes index ``keys`` (−1 where absent);
    without ``keys``, the keys found are returned with the codes. Only distinct values are
    normalised: a frame holds few regions and many rows."""
    codes, uniques = pd.factorize(values)
    norm = [str(int(u)) if isinstance(u, (float, np.floating)) and float(u).is_integer() else str(u)
            for u in uniques]
    if keys is None:
        keys = pd.Index(pd.unique(np.array(norm, dtype=object)))
    lookup = np.append(keys.get_indexer(pd.Index(norm, dtype=object)).astype(np.int64), -1)
    return lookup[codes], keys


def _series_codes(observations, targets):
    """Integer codes (region × indicator) of the observations' series and of the targets', the
    targets' indicator codes as strings, and a function naming a series."""
    obs_region, regions = _key_codes(observations["region_code"])
    obs_ind, indicators = _key_codes(observations["indicator"])
    tgt_region, _ = _key_codes(targets["region_code"], regions)
    tgt_ind, _ = _key_codes(targets["indicator"], indicators)
    n_ind = max(len(indicators), 1)

    def code(region, indicator):
        return np.where((region >= 0) & (indicator >= 0), region * n_ind + indicator, -1)

    def name(series_id):
        return regions[series_id // n_ind], indicators[series_id % n_ind]

    tgt_names = targets["indicator"].astype(str).to_numpy()
    return code(obs_region, obs_ind), code(tgt_region, tgt_ind), tgt_names, name


def _coded(column: pd.Series, to_code) -> np.ndarray:
    """``to_code`` applied to each distinct value of a column (missing → ``to_code(None)``)."""
    codes, uniques = pd.factorize(column)
    return np.append(np.array([to_code(u) for u in uniques], dtype=np.int64), to_code(None))[codes]


def _column(frame, name, default=np.nan) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)


def _truthy(x) -> bool:
    """Stored booleans as they come from CSV or a database: true/false, 1/0, yes/no."""
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return False
    if isinstance(x, str):
        return x.strip().lower() in ("true", "1", "yes", "t", "y")
    return bool(x)


def _indicator_fields(codes: np.ndarray, indicators: pd.DataFrame, targets: pd.DataFrame):
    """Direction, is_rate and bounds per target, each indicator checked once."""
    meta = indicators.assign(code=indicators["code"].astype(str)).drop_duplicates("code").set_index("code")
    used, inverse = np.unique(codes.astype(str), return_inverse=True)
    missing = [c for c in used if c not in meta.index]
    if missing:
        first = targets["target_id"].iloc[int(np.flatnonzero(codes.astype(str) == missing[0])[0])] \
            if "target_id" in targets.columns else None
        raise ValueError(f"indicator {missing[0]!r} of target {first!r} is not in indicators")
    rows = meta.loc[used]
    directions = []
    for code, direction in zip(used, rows["direction"].tolist()):
        try:
            directions.append(_check_direction(direction))
        except ValueError as exc:
            raise ValueError(f"indicator {code!r}: {exc}") from None
    is_rate = [_truthy(x) for x in rows["is_rate"].tolist()] if "is_rate" in rows.columns else [False] * len(used)
    lower, upper = _column(rows, "lower_bound"), _column(rows, "upper_bound")
    return (np.array(directions, dtype=np.int64)[inverse], np.array(is_rate, dtype=bool)[inverse],
            lower[inverse], upper[inverse])


def _numeric_flags(targets: pd.DataFrame) -> np.ndarray:
    """``is_numeric`` per target; a missing column or cell means numeric."""
    if "is_numeric" not in targets.columns:
        return np.ones(len(targets), dtype=bool)
    column = targets["is_numeric"]
    if column.dtype == bool:
        return column.to_numpy()
    return np.array([x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) or _truthy(x)
                     for x in column.tolist()], dtype=bool)


def assess_frame(observations: pd.DataFrame, targets: pd.DataFrame, indicators: pd.DataFrame, *,
                 method: str = "opensdg", thresholds: Thresholds = Thresholds(),
                 default_base_year: int | None = DEFAULT_BASE_YEAR,
                 fit_start: int | None = ESCAP_FIT_START) -> pd.DataFrame:
    """Assess every target of a frame; one row per target.

    Parameters
    ----------
    observations : DataFrame
        Long: ``region_code, indicator, year, value`` (one value per region, indicator, year;
        missing values are ignored, duplicates raise ``ValueError``).
    targets : DataFrame
        ``target_id, indicator, region_code, comparator, value, low, high, tolerance,
        target_year, change_type, baseline_year, is_numeric`` and optionally ``base_year`` (the
        year from which progress is measured, e.g. the plan's base year; where missing, the
        baseline year, else ``default_base_year``). A row whose ``comparator`` is
        missing asks for the no-target rule on its series. Group targets carry the group's code
        in ``region_code``; the group's values come from
        :func:`deltawatch.methods.aggregate.aggregate_groups`. Region codes match whether
        stored as numbers or strings.
    indicators : DataFrame
        ``code, direction, is_rate, lower_bound, upper_bound``. A target whose indicator is
        missing or has no valid direction raises ``ValueError``.
    method : {"opensdg", "unsd", "escap"}
    thresholds : Thresholds
    default_base_year, fit_start : int or None
        As in :func:`assess`.

    Returns
    -------
    DataFrame
        Columns ``OUTPUT_COLUMNS``, one row per target in the order of ``targets``; each row
        equals :func:`assess` on that target's series.

    Notes
    -----
    Vectorised over targets: the observations are sorted once by (series, year); each target
    finds its series and its base year with ``searchsorted``; every rule is then an array
    operation, and ESCAP's weighted regressions are summed with ``bincount`` over the expanded
    windows. No Python loop runs per target, so 300,000 targets take about as long as sorting
    their observations. :func:`assess` is this function on one target.
    """
    _check_method(method)
    value = pd.to_numeric(observations["value"], errors="coerce").to_numpy(dtype=float)
    year = pd.to_numeric(observations["year"], errors="coerce").to_numpy(dtype=float)
    obs_series, tgt_series, tgt_ind, series_name = _series_codes(observations, targets)
    keep = np.isfinite(value) & np.isfinite(year) & (obs_series >= 0)
    series = _Series.build(obs_series[keep], year[keep].astype(np.int64), value[keep])
    duplicate = np.flatnonzero(series.key[1:] == series.key[:-1])
    if duplicate.size:
        k = int(duplicate[0]) + 1
        region, indicator = series_name(int(series.key[k] // series.span))
        raise ValueError(f"duplicate observation: region {region}, indicator {indicator}, year {int(series.years[k])}")
    series_ids = series.key // series.span
    first = np.searchsorted(series_ids, tgt_series, side="left")
    end = np.searchsorted(series_ids, tgt_series, side="right")
    absent = tgt_series < 0
    first[absent] = end[absent] = 0

    m = len(targets)
    direction, is_rate, lower, upper = _indicator_fields(tgt_ind, indicators, targets)
    comparator = _coded(targets["comparator"], _comparator_code)
    change_type = (_coded(targets["change_type"], _change_type_code) if "change_type" in targets.columns
                   else np.full(m, LEVEL, dtype=np.int64))
    numeric = _numeric_flags(targets)
    tg = _Targets(
        first=first.astype(np.int64), end=end.astype(np.int64), series=np.maximum(tgt_series, 0),
        comparator=comparator, value=_column(targets, "value"), low=_column(targets, "low"),
        high=_column(targets, "high"), tolerance=_column(targets, "tolerance"),
        target_year=np.nan_to_num(_column(targets, "target_year", 0)).astype(np.int64), change_type=change_type,
        baseline_year=_column(targets, "baseline_year"), is_numeric=numeric, direction=direction,
        is_rate=is_rate, lower_bound=lower, upper_bound=upper, base_year=_column(targets, "base_year"))
    outcome = _evaluate(series, tg, method, thresholds, default_base_year=default_base_year, fit_start=fit_start)
    result = _frame(outcome, tg, method, thresholds)
    result.index = targets.index
    result["region_code"] = targets["region_code"].to_numpy()
    result["indicator"] = tgt_ind
    result["target_year"] = tg.target_year
    result["comparator"] = targets["comparator"].to_numpy()
    result["target_id"] = targets["target_id"].to_numpy() if "target_id" in targets.columns else np.arange(m)
    return result[OUTPUT_COLUMNS]


def rollup(assessments: pd.DataFrame, by) -> pd.DataFrame:
    """Open SDG roll-up: mean score and its band per group of assessments.

    Parameters
    ----------
    assessments : DataFrame
        Rows of :func:`assess_frame` (``status`` and ``score`` at least) with the columns named
        in ``by`` added by the caller (dimension, region, group…).
    by : str or list of str
        Columns to group by; ``[]`` rolls everything into one row.

    Returns
    -------
    DataFrame
        ``by`` columns, ``assessed`` (rows), ``scored`` (rows with a score), ``mean_score``
        (NaN when none is scored), ``band`` (see :func:`band`) and one count column per status
        in ``STATUSES``. Insufficient-data and not-assessable rows are counted but carry no
        score, so they never pull a mean towards either end.

    Examples
    --------
    >>> frame = pd.DataFrame({"dimension": ["eco", "eco"], "status": ["achieved", "deteriorating"],
    ...                       "score": [5.0, -5.0]})
    >>> rollup(frame, "dimension")[["dimension", "mean_score", "band"]].to_dict("records")
    [{'dimension': 'eco', 'mean_score': 0.0, 'band': 'acceleration_needed'}]
    """
    keys = [by] if isinstance(by, str) else list(by)
    statuses = pd.get_dummies(assessments["status"]).reindex(columns=list(STATUSES), fill_value=0).astype("int64")
    frame = pd.concat([assessments[keys], statuses], axis=1)
    frame["scored"] = assessments["score"].notna().astype("int64")
    frame["score"] = pd.to_numeric(assessments["score"], errors="coerce")
    frame["assessed"] = 1
    grouped = frame.groupby(keys or (lambda _: 0), sort=True, dropna=False)
    out = grouped[["assessed", "scored", *STATUSES]].sum()
    out["mean_score"] = grouped["score"].mean()
    out["band"] = [band(x) for x in out["mean_score"]]
    out = out.reset_index(drop=not keys)
    return out[keys + ["assessed", "scored", "mean_score", "band", *STATUSES]]
