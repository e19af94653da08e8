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
code when the base value is already beyond the target), the no-target thresholds and the
score transformation. UNSD, *SDG Progress Chart Technical Note*: projection
ŷ_T = y_t(1 + CAGR_obs)^(T − t) and ratio (ŷ_T − y_t0)/(TV − y_t0). ESCAP, *Asia and the
Pacific SDG Progress Report*, technical note: current status and anticipated progress with a
time-weighted regression.

Nothing here imports Django: ``deltawatch.methods`` is a plain library.
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_left
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import pandas as pd

__all__ = [
    "STATUSES", "Thresholds", "TargetSpec", "Assessment", "assess", "score", "band", "assess_frame",
]

STATUSES = (
    "achieved", "on_track", "acceleration_needed", "limited_progress", "deteriorating",
    "insufficient_data", "not_assessable",
)
COMPARATORS = ("ge", "le", "approx", "range", "gt", "lt", "eq")
CHANGE_TYPES = ("level", "increase", "decrease", "annual_growth")
METHODS = ("opensdg", "unsd", "escap")

# A decrease target states the comparator on the size of the fall ("下降10%以上" = fall ≥ 10%),
# which on the level of the indicator is the opposite comparison.
_FLIP = {"ge": "le", "gt": "lt", "le": "ge", "lt": "gt", "eq": "eq", "approx": "approx", "range": "range"}

_NOTE_NONPOS = "CAGR undefined for non-positive values: linear form"
_NOTE_RATE = "rate indicator (is_rate): linear form"
_NOTE_BOUND = "bounded [0, 100] indicator within {m:g} of a bound: linear form"


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
        Year of the reference value of a relative target; also the default base year.
    is_numeric : bool
        False for textual targets ("完成国家下达目标任务"): never assessed.
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
# scoring


def _score(status, rule, ratio, th: Thresholds):
    if status == "achieved":
        return 5.0
    if status in ("insufficient_data", "not_assessable") or ratio is None:
        return None
    if rule == "no_target":
        # Open SDG figure 1: piecewise linear through (−max, −5), (0, −2.5), (acc, 0),
        # (on_track, 2.5), (max, 5).
        v, acc, ont, top = ratio, th.no_target_acceleration, th.no_target_on_track, th.no_target_score_max
        if v >= top:
            return 5.0
        if v >= ont:
            return 2.5 + 2.5 * (v - ont) / (top - ont)
        if v >= acc:
            return 2.5 * (v - acc) / (ont - acc)
        if v >= 0:
            return -2.5 + 2.5 * v / acc
        return max(-2.5 + 2.5 * v / top, -5.0)
    # Open SDG figure 2: through (−0.6, −5), (0.6, 0), (1.3, 5). The published coefficients
    # 7.1429 / 4.2857 / 4.1667 are these fractions rounded: 50/7, 30/7, 25/6.
    if ratio > 0.6:
        return min(50.0 / 7.0 * ratio - 30.0 / 7.0, 5.0)
    return max(25.0 / 6.0 * ratio - 2.5, -5.0)


def score(assessment: Assessment, thresholds: Thresholds = Thresholds()) -> float | None:
    """Open SDG progress score (−5 … 5) of an assessment, for roll-ups.

    Achieved → 5; with a target, R > 0.6 → min(7.1429 R − 4.2857, 5), else
    max(4.1667 R − 2.5, −5) (exact fractions 50/7, 30/7, 25/6); without a target, the
    piecewise-linear transformation of v = d·CAGR through −2 % → −5, 0 → −2.5, 0.5 % → 0,
    1.5 % → 2.5, 2 % → 5. ``None`` for insufficient data or not assessable. UNSD and ESCAP
    ratios are on the same scale (1 = exactly on course) and are scored the same way.

    References
    ----------
    Open SDG, *Progress Measurement Methodology*, "Aggregated progress status".
    """
    return _score(assessment.status, assessment.rule, assessment.ratio, thresholds)


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
# the computation, on sorted Python lists (cheap per target)


def _sign(x) -> int:
    return (x > 0) - (x < 0)


def _met(v, cmp, tv, lo, hi, tol):
    if cmp == "ge":
        return v >= tv
    if cmp == "le":
        return v <= tv
    if cmp == "gt":
        return v > tv
    if cmp == "lt":
        return v < tv
    if cmp == "approx":
        return abs(v - tv) <= tol
    return lo <= v <= hi  # range


def _towards(cmp, d, tv, lo, hi, p):
    """Target value and effective direction for an ≈ / range target, seen from value p."""
    if cmp == "range":
        tv = lo if p < lo else hi if p > hi else (hi if d > 0 else lo)
    return tv, (_sign(tv - p) or d)


def _no_target(v, th):
    if v >= th.no_target_on_track:
        return "on_track"
    if v >= th.no_target_acceleration:
        return "acceleration_needed"
    if v >= 0:
        return "limited_progress"
    return "deteriorating"


def _ratio_status(r, th):
    if r >= th.on_track:
        return "on_track"
    if r >= th.acceleration:
        return "acceleration_needed"
    if r >= th.limited:
        return "limited_progress"
    return "deteriorating"


def _short(status, method, note, t0=None, y0=None, t=None, y=None, tv=None):
    return (status, method, t0, y0, t, y, tv, None, None, None, None, None, None, note, None, None)


def _core(ys, vs, a, n, tgt, d, method, base_year, is_rate, lb, ub, th):
    """Assessment fields as a tuple. The series is ``ys[a:n]``/``vs[a:n]``: sorted, unique years
    and finite values (slices of long lists, so that a frame is never copied per target).
    ``tgt``: None or (comparator, value, low, high, tolerance, T, change_type, baseline_year,
    is_numeric)."""
    byear = None
    if tgt is not None:
        cmp, value, low, high, tol, T, ctype, byear, numeric = tgt
        if not numeric:
            return _short("not_assessable", method, "non-numeric target: not assessable")
        if cmp not in _FLIP:
            raise ValueError(f"comparator must be one of {COMPARATORS}, got {cmp!r}")
        if ctype not in CHANGE_TYPES:
            raise ValueError(f"change_type must be one of {CHANGE_TYPES}, got {ctype!r}")
        if (low is None or high is None) if cmp == "range" else value is None:
            return _short("not_assessable", method, "numeric target without a value: not assessable")
    start = base_year if base_year is not None else byear
    i0 = bisect_left(ys, start, a, n) if start is not None else a
    if n - i0 < 2:
        if n - i0 == 1:
            return _short("insufficient_data", method, "fewer than two values from the base year on",
                          ys[i0], vs[i0], ys[i0], vs[i0])
        return _short("insufficient_data", method, "no value from the base year on",
                      t=ys[n - 1] if n > a else None, y=vs[n - 1] if n > a else None)
    t0, y0, t, y = ys[i0], vs[i0], ys[n - 1], vs[n - 1]
    notes = []
    if tgt is None:
        return _core_no_target(ys, vs, i0, n, t0, y0, t, y, d, method, is_rate, lb, ub, th, notes)
    if ctype == "annual_growth":
        return _core_growth(tgt, t0, y0, t, y, d, method, th, notes)

    # ---- resolve the absolute target
    lo = hi = tv = None
    if ctype == "level":
        tv, lo, hi, tol_abs = value, low, high, tol
    else:
        if byear is None:
            ref = y0
            notes.append(f"relative target without baseline year: relative to the base year {t0}")
        else:
            j = bisect_left(ys, byear, a, n)
            if j == n or ys[j] != byear:
                return _short("insufficient_data", method, f"no value for the baseline year {byear} of a relative target",
                              t0, y0, t, y)
            ref = vs[j]
        s = 1.0 if ctype == "increase" else -1.0
        if cmp == "range":
            r1, r2 = ref * (1 + s * low / 100), ref * (1 + s * high / 100)
            lo, hi = (r1, r2) if r1 <= r2 else (r2, r1)
        else:
            tv = ref * (1 + s * value / 100)
        if ctype == "decrease":
            cmp = _FLIP[cmp]
        tol_abs = abs(ref) * tol / 100 if tol is not None else None
    if cmp == "eq":
        cmp = "ge" if d > 0 else "le"
    tolv = None
    if cmp == "approx":
        tolv = tol_abs if tol_abs is not None else th.approx_tolerance * abs(tv)

    m = th.bounded_margin
    bounded = lb == 0 and ub == 100
    achieved = _met(y, cmp, tv, lo, hi, tolv)
    if cmp == "approx" or cmp == "range":
        base_met = _met(y0, cmp, tv, lo, hi, tolv)
        tv, de = _towards(cmp, d, tv, lo, hi, y if base_met else y0)
    else:
        de = d
    if not achieved and bounded and (tv == 0 or tv == 100) and cmp != "range" and abs(y - tv) <= m:
        achieved = True
        notes.append(f"target {tv:g} of a [0, 100] indicator met within {m:g}")

    # ---- growth form
    window = vs[i0:n]
    linear = False
    if is_rate:
        linear = True
        notes.append(_NOTE_RATE)
    if min(window) <= 0 or tv <= 0:
        linear = True
        notes.append(_NOTE_NONPOS)
    if bounded and (tv <= m or tv >= 100 - m or y <= m or y >= 100 - m):
        linear = True
        notes.append(_NOTE_BOUND.format(m=m))
    dt = t - t0
    if linear:
        obs = (y - y0) / dt
        proj = y + obs * (T - t)
    else:
        obs = (y / y0) ** (1.0 / dt) - 1.0
        proj = y * (1.0 + obs) ** (T - t)
    form = "linear" if linear else "cagr"
    if T <= t0:
        note = "; ".join(notes + [f"target year {T} not after the base year {t0}"])
        if achieved:
            return ("achieved", method, t0, y0, t, y, tv, None, None, obs, None, form, 5.0, note, None, "target")
        return _short("not_assessable", method, note, t0, y0, t, y, tv)
    req = (tv - y0) / (T - t0) if linear else (tv / y0) ** (1.0 / (T - t0)) - 1.0

    # ---- ratio and status
    rule = "target"
    cs = None
    ratio = None
    if req == 0 or tv == y0:
        rule = "no_target"
        notes.append("base value equals the target (CAGR_req = 0): no-target rule")
        if linear:
            ratio = de * obs / abs(y0) if y0 != 0 else None
        else:
            ratio = de * obs
        if ratio is None and not achieved:
            return _short("not_assessable", method, "; ".join(notes + ["base value 0: relative growth undefined"]),
                          t0, y0, t, y, tv)
        status = _no_target(ratio, th) if ratio is not None else None
    elif method == "opensdg":
        ratio = de * obs / abs(req)
        status = _ratio_status(ratio, th)
    elif method == "unsd":
        ratio = de * (proj - y0) / abs(tv - y0)
        status = ("on_track" if ratio >= th.unsd_on_track else "acceleration_needed" if ratio >= th.unsd_acceleration
                  else "limited_progress" if ratio >= 0 else "deteriorating")
    else:  # escap
        gap = abs(tv - y0)
        cs = min(de * (y - y0) / gap, 1.0)
        if t >= T:
            proj = y
            notes.append("latest year not before the target year: anticipated progress = current status")
        else:
            proj = _weighted_prediction(ys, vs, i0, n, T)
        ratio = min(de * (proj - y0) / gap, 1.0)
        status = "on_track" if ratio > th.escap_maintain else "deteriorating" if ratio <= 0 else "acceleration_needed"
    if achieved:
        status = "achieved"
    return (status, method, t0, y0, t, y, tv, proj, ratio, obs, req, form,
            _score(status, rule, ratio, th), "; ".join(notes), cs, rule)


def _weighted_prediction(ys, vs, i0, n, T):
    """ESCAP anticipated value at T: least squares of y on t with weights
    w_i = (T − t_min)/(T − t_i), t_min the base year (all t_i < T). With u = t − t_min:
    slope b = (Σw·Σwuy − Σwu·Σwy)/(Σw·Σwu² − (Σwu)²), intercept a = (Σwy − b·Σwu)/Σw,
    prediction a + b·(T − t_min)."""
    t_min = ys[i0]
    span = T - t_min
    sw = swu = swuu = swy = swuy = 0.0
    for k in range(i0, n):
        u = ys[k] - t_min
        w = span / (span - u)
        wu = w * u
        sw += w
        swu += wu
        swuu += wu * u
        swy += w * vs[k]
        swuy += wu * vs[k]
    b = (sw * swuy - swu * swy) / (sw * swuu - swu * swu)
    return (swy - b * swu) / sw + b * span


def _core_no_target(ys, vs, i0, n, t0, y0, t, y, d, method, is_rate, lb, ub, th, notes):
    m = th.bounded_margin
    linear = False
    if is_rate:
        linear = True
        notes.append(_NOTE_RATE)
    if min(vs[i0:n]) <= 0:
        linear = True
        notes.append(_NOTE_NONPOS)
    if lb == 0 and ub == 100 and (y <= m or y >= 100 - m):
        linear = True
        notes.append(_NOTE_BOUND.format(m=m))
    dt = t - t0
    notes.append("no target: v = d·growth with the no-target thresholds")
    if linear:
        obs = (y - y0) / dt
        if y0 == 0:
            return _short("not_assessable", method, "; ".join(notes + ["base value 0: relative growth undefined"]),
                          t0, y0, t, y)
        notes.append("v = d·slope/|base value|")
        v = d * obs / abs(y0)
    else:
        obs = (y / y0) ** (1.0 / dt) - 1.0
        v = d * obs
    status = _no_target(v, th)
    return (status, method, t0, y0, t, y, None, None, v, obs, None, "linear" if linear else "cagr",
            _score(status, "no_target", v, th), "; ".join(notes), None, "no_target")


def _core_growth(tgt, t0, y0, t, y, d, method, th, notes):
    cmp, value, low, high, tol, T, _, _, _ = tgt
    if y0 <= 0 or y <= 0:
        return _short("not_assessable", method, "CAGR undefined for non-positive values: annual growth target "
                      "not assessable", t0, y0, t, y)
    obs = (y / y0) ** (1.0 / (t - t0)) - 1.0
    if cmp == "eq":
        cmp = "ge" if d > 0 else "le"
    r = value / 100 if value is not None else None
    lo = low / 100 if low is not None else None
    hi = high / 100 if high is not None else None
    tolv = (tol / 100 if tol is not None else th.approx_tolerance * abs(r)) if cmp == "approx" else None
    achieved = _met(obs, cmp, r, lo, hi, tolv)
    if cmp == "approx" or cmp == "range":
        r, de = _towards(cmp, d, r, lo, hi, obs)
    else:
        de = d
    notes.append("annual growth target: observed CAGR against the required rate (Open SDG thresholds)")
    if r == 0:
        rule, ratio = "no_target", de * obs
        status = _no_target(ratio, th)
    else:
        # = observed/required whenever the required rate has the desired sign
        rule, ratio = "target", 1.0 + de * (obs - r) / abs(r)
        status = _ratio_status(ratio, th)
    if achieved:
        status = "achieved"
    proj = y * (1.0 + obs) ** (T - t)
    return (status, method, t0, y0, t, y, r, proj, ratio, obs, r, "cagr",
            _score(status, rule, ratio, th), "; ".join(notes), None, rule)


# --------------------------------------------------------------------------------------------
# public API


def _opt_float(x):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def assess(years, values, target: TargetSpec | None, *, direction: int, method: str = "opensdg",
           base_year: int | None = None, is_rate: bool = False, lower_bound: float | None = None,
           upper_bound: float | None = None, thresholds: Thresholds = Thresholds()) -> Assessment:
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
        The base year t0 is the first year with data on or after ``base_year`` (default
        ``target.baseline_year``, else the first data year); the latest year is the last one.
    is_rate : bool
        The indicator is itself a rate of change: linear form instead of CAGR.
    lower_bound, upper_bound : float, optional
        Natural bounds; [0, 100] enables the 0 %/100 % rules (``bounded_margin``).
    thresholds : Thresholds

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
    time-weighted regression prediction for T. For ≈ and range targets that are not met the
    desired direction is towards the target. See ``docs/METHODS.md`` §1.

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
    order = np.argsort(y, kind="stable")
    y, v = y[order], v[order]
    if y.size > 1 and np.any(np.diff(y) == 0):
        raise ValueError("years must be unique")
    tgt = None
    if target is not None:
        tgt = (target.comparator, _opt_float(target.value), _opt_float(target.low), _opt_float(target.high),
               _opt_float(target.tolerance), int(target.target_year), target.change_type,
               None if target.baseline_year is None else int(target.baseline_year), bool(target.is_numeric))
    out = _core([int(a) for a in y], v.tolist(), 0, y.size, tgt, d, method,
                None if base_year is None else int(base_year), bool(is_rate),
                _opt_float(lower_bound), _opt_float(upper_bound), thresholds)
    return Assessment(*out)


OUTPUT_COLUMNS = [
    "region_code", "indicator", "target_year", "comparator", "target_value", "base_year", "base_value",
    "latest_year", "latest_value", "projected_value", "ratio", "status", "method", "score",
    "cagr_observed", "cagr_required", "note", "target_id",
]


def _norm_key(x):
    if x is None or x is pd.NA or (isinstance(x, (float, np.floating)) and math.isnan(x)):
        return None
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return str(int(x))
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return str(int(x))
    return str(x)


def _codes(values, uniques=None):
    """Integer codes of region or indicator keys, normalised to strings so that 320000,
    320000.0 and "320000" are one key; −1 for missing. With ``uniques``, codes into them
    (−1 where absent); without, the codes and the uniques found."""
    raw, raw_uniq = pd.factorize(np.asarray(values, dtype=object))
    norm = [_norm_key(u) for u in raw_uniq]
    if uniques is None:
        ncodes, uniques = pd.factorize(np.array(norm + [None], dtype=object)[:-1] if norm else np.array([], dtype=object))
        ncodes = np.asarray(ncodes, dtype=np.int64)
    else:
        ncodes = pd.Index(uniques).get_indexer(pd.Index(norm, dtype=object)) if norm else np.array([], dtype=np.int64)
        ncodes = np.where(np.array([x is None for x in norm], dtype=bool), -1, ncodes) if norm else ncodes
    ncodes = np.append(np.asarray(ncodes, dtype=np.int64), -1)  # raw code −1 (missing) → −1
    return ncodes[raw], uniques


def _float_or_none(df, name, m):
    if name not in df.columns:
        return [None] * m
    a = pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)
    out = a.astype(object)
    out[np.isnan(a)] = None
    return out.tolist()


def _truthy(x):
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return True
    if isinstance(x, str):
        return x.strip().lower() not in ("false", "0", "no", "f", "")
    return bool(x)


def assess_frame(observations: pd.DataFrame, targets: pd.DataFrame, indicators: pd.DataFrame, *,
                 method: str = "opensdg", thresholds: Thresholds = Thresholds()) -> pd.DataFrame:
    """Assess every target of a frame; one row per target.

    Parameters
    ----------
    observations : DataFrame
        Long: ``region_code, indicator, year, value`` (one value per region, indicator, year;
        missing values are ignored, duplicates raise ``ValueError``).
    targets : DataFrame
        ``target_id, indicator, region_code, comparator, value, low, high, tolerance,
        target_year, change_type, baseline_year, is_numeric``. Group targets carry the group's
        code in ``region_code``; aggregating the group's values is the caller's job. Region
        codes match whether stored as numbers or strings.
    indicators : DataFrame
        ``code, direction, is_rate, lower_bound, upper_bound``. A target whose indicator is
        missing or has no valid direction raises ``ValueError``.
    method : {"opensdg", "unsd", "escap"}
    thresholds : Thresholds

    Returns
    -------
    DataFrame
        Columns ``OUTPUT_COLUMNS``, one row per target in the order of ``targets``; each row
        equals :func:`assess` on that target's series.

    Notes
    -----
    The observations are sorted once and kept as two long lists; each target gets the bounds
    of its series in them (found with one vectorised search), so the per-target work is the
    scalar arithmetic of :func:`assess` only.
    """
    _check_method(method)
    # Millions of small objects (the series as lists, ~15 per target), none cyclic: the cyclic
    # garbage collector would only rescan them again and again (a third of the run time at
    # 300,000 targets), so it is paused for the call.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _assess_frame(observations, targets, indicators, method, thresholds)
    finally:
        if gc_was_enabled:
            gc.enable()


def _assess_frame(observations, targets, indicators, method, thresholds):
    # ---- series: sort once; group g is yl[starts[g]:ends[g]]
    val = pd.to_numeric(observations["value"], errors="coerce").to_numpy(dtype=float)
    yr = pd.to_numeric(observations["year"], errors="coerce").to_numpy(dtype=float)
    rc, reg_uniq = _codes(observations["region_code"])
    ic, ind_uniq = _codes(observations["indicator"])
    keep = np.isfinite(val) & np.isfinite(yr) & (rc >= 0) & (ic >= 0)
    val, yr, rc, ic = val[keep], yr[keep], rc[keep], ic[keep]
    n = len(val)
    n_ind = max(len(ind_uniq), 1)
    gkey = rc * n_ind + ic
    yi = yr.astype(np.int64)
    if n:
        # one int64 sort key (series, year); skipped when the frame is already in that order
        y_min = int(yi.min())
        key = gkey * (int(yi.max()) - y_min + 1) + (yi - y_min)
        if not (key[1:] >= key[:-1]).all():
            order = np.argsort(key)  # keys are unique (duplicates raise below)
            val, yr, yi, gkey = val[order], yr[order], yi[order], gkey[order]
            rc, ic = rc[order], ic[order]
    new = np.ones(n, dtype=bool)
    new[1:] = gkey[1:] != gkey[:-1]
    dup = ~new[1:] & (yr[1:] == yr[:-1])
    if dup.any():
        k = int(np.flatnonzero(dup)[0]) + 1
        raise ValueError(f"duplicate observation: region {reg_uniq[rc[k]]}, indicator {ind_uniq[ic[k]]}, "
                         f"year {int(yr[k])}")
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)
    gkeys = gkey[starts]
    yl = yi.tolist()
    vl = val.tolist()

    # ---- targets → bounds of their series
    m = len(targets)
    trc, _ = _codes(targets["region_code"], reg_uniq)
    tic, _ = _codes(targets["indicator"], ind_uniq)
    tkey = trc * n_ind + tic
    pos = np.searchsorted(gkeys, tkey)
    pos_c = np.minimum(pos, max(len(gkeys) - 1, 0))
    found = (trc >= 0) & (tic >= 0) & (pos < len(gkeys))
    if len(gkeys):
        found &= gkeys[pos_c] == tkey
    ta = np.where(found, starts[pos_c] if len(gkeys) else 0, 0).tolist()
    tb = np.where(found, ends[pos_c] if len(gkeys) else 0, 0).tolist()

    # ---- indicators, checked once per code used
    t_ind = targets["indicator"].astype(str)
    tcodes, used = pd.factorize(t_ind)
    meta = {}
    icode = indicators["code"].astype(str).tolist()
    for k, code in enumerate(icode):
        row = indicators.iloc[k]
        meta[code] = row
    per_code = []
    for code in used:
        if code not in meta:
            first = targets["target_id"].iloc[int(np.flatnonzero(t_ind.to_numpy() == code)[0])] \
                if "target_id" in targets.columns else None
            raise ValueError(f"indicator {code!r} of target {first!r} is not in indicators")
        row = meta[code]
        try:
            d = _check_direction(row.get("direction"))
        except ValueError as exc:
            raise ValueError(f"indicator {code!r}: {exc}") from None
        is_rate = row.get("is_rate", False)
        is_rate = False if is_rate is None or is_rate is pd.NA or (isinstance(is_rate, float) and math.isnan(is_rate)) \
            else _truthy(is_rate)
        lb, ub = _opt_float(row.get("lower_bound")), _opt_float(row.get("upper_bound"))
        per_code.append((d, is_rate, lb, ub))
    t_meta = [per_code[c] for c in tcodes.tolist()]

    # ---- target fields as Python lists (None for missing)
    cmp = targets["comparator"].tolist()
    value, low, high, tol = (_float_or_none(targets, c, m) for c in ("value", "low", "high", "tolerance"))
    tyear = pd.to_numeric(targets["target_year"]).astype(np.int64).tolist()
    ctype = (targets["change_type"].fillna("level").tolist() if "change_type" in targets.columns
             else ["level"] * m)
    by = _float_or_none(targets, "baseline_year", m)
    by = [None if x is None else int(x) for x in by]
    if "is_numeric" in targets.columns:
        isn = targets["is_numeric"]
        numeric = (isn.tolist() if isn.dtype == bool else [_truthy(x) for x in isn.tolist()])
    else:
        numeric = [True] * m

    th = thresholds
    rows = [
        _core(yl, vl, a, b, (c, v, lo, hi, tl, ty, ct, bb, nm), md[0], method, None, md[1], md[2], md[3], th)
        for a, b, c, v, lo, hi, tl, ty, ct, bb, nm, md in zip(
            ta, tb, cmp, value, low, high, tol, tyear, ctype, by, numeric, t_meta)
    ]
    field = {f: k for k, f in enumerate(Assessment.__dataclass_fields__)}

    def column(name):
        return list(map(itemgetter(field[name]), rows))

    out = {
        "region_code": targets["region_code"].to_numpy(),
        "indicator": t_ind.to_numpy(),
        "target_year": tyear,
        "comparator": cmp,
    }
    for c in ("target_value", "base_value", "latest_value", "projected_value", "ratio", "score",
              "cagr_observed", "cagr_required"):
        out[c] = np.array(column(c), dtype=float)
    for c in ("base_year", "latest_year"):
        f = np.array(column(c), dtype=float)
        missing = np.isnan(f)
        out[c] = pd.arrays.IntegerArray(np.where(missing, 0, f).astype(np.int64), missing)
    for c in ("status", "method", "note"):
        out[c] = column(c)
    del rows
    out["target_id"] = targets["target_id"].to_numpy() if "target_id" in targets.columns else np.arange(m)
    return pd.DataFrame(out, index=targets.index)[OUTPUT_COLUMNS]
