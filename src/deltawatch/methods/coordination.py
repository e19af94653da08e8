"""Coupling coordination degree (耦合协调度) of n subsystems, and its ten grades.

Implements ``docs/METHODS.md`` §3, "Coupling coordination". Each row of the input is one unit
(a city, or a city-year) and each column one subsystem (economy, ecology, society …); a value
is that subsystem's evaluation score, already normalised to [0, 1] (for instance a weighted sum
of min-max normalised indicators). From the scores U_1 … U_n of a row:

* C — the coupling degree (耦合度), by one of two models chosen by name
  (``model="traditional" | "wang2021"``);
* T — the comprehensive development index (综合发展指数) T = Σ β_i U_i, Σ β_i = 1;
* D — the coupling coordination degree (耦合协调度) D = √(C·T);
* the grade of D in ten 0.1-wide bands, 极度失调 … 优质协调 (:data:`BANDS`, :func:`grade`).

Only the normative forms are offered, by construction. About half of the published papers use
a wrong variant (刘春林 2017 counted 379 papers; Wang et al. 2021 sort the errors into writing
errors, lost coefficients, misused weights and failed models); none of them can be asked for
here:

* **the lost factor n** (C = [Π U_i / (Σ U_i)^n]^{1/n}, whose maximum is 1/n, not 1) and
  **the lost root 1/n** — there is no parameter that removes either;
* **the three-system form with maximum 1.5**, C = 3{U_1 U_2 U_3 / [(U_1 + U_2)(U_1 + U_3)
  (U_2 + U_3)]}^{1/3}, which extends the pairwise sums of the two-system form and reaches 1.5
  when the subsystems are equal: here the n-system form is the one formula for every n;
* **the "adjustment coefficient" k** raised on the bracket instead of the root 1/n
  (C = {…}^k, k ≥ 2): not offered, it only reshapes the scale;
* **weights that do not sum to 1** (T and then D above 1) or are negative: refused;
* **scores outside [0, 1]** (raw, unnormalised values, or values left negative by a z-score):
  refused, as are missing scores — C is meaningless on them and D could leave [0, 1].

Nothing here imports Django: ``deltawatch.methods`` is a plain library.

References
----------
.. [1] 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷. 国内耦合协调度模型的误区及修正. 自然资源学报,
   2021, 36(3): 793–810. doi:10.31497/zrzyxb.20210319
.. [2] 刘春林. 耦合度计算的常见错误分析. 2017 (a journal editor's count of 379 papers using
   the static coupling model, about half of them with a wrong formula).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["BANDS", "CLOSURES", "MODELS", "OUTPUT_COLUMNS", "Grade", "coupling_coordination", "grade"]

MODELS = ("traditional", "wang2021")
CLOSURES = ("left", "right")
OUTPUT_COLUMNS = ["C", "T", "D", "band", "grade_zh", "grade_en"]

#: The ten grades of D, band k covering D from k/10 to (k + 1)/10: (Chinese, English).
BANDS = (
    ("极度失调", "extreme imbalance"),
    ("严重失调", "serious imbalance"),
    ("中度失调", "moderate imbalance"),
    ("轻度失调", "mild imbalance"),
    ("濒临失调", "on the verge of imbalance"),
    ("勉强协调", "barely coordinated"),
    ("初级协调", "primary coordination"),
    ("中级协调", "intermediate coordination"),
    ("良好协调", "good coordination"),
    ("优质协调", "high-quality coordination"),
)
# inner edges 0.1 … 0.9, the very floats a user writes as 0.1 … 0.9
_EDGES = np.arange(1, 10) / 10
# D is rounded to this many decimals before it is graded, so that a D equal to an edge up to
# floating-point noise (0.49999999999999994) is graded as the edge itself
_GRADE_DECIMALS = 12
WEIGHT_TOLERANCE = 1e-9


class Grade(NamedTuple):
    """The grade of one D: band number (0 … 9) and its names."""

    band: int
    zh: str
    en: str


# --------------------------------------------------------------------------------------------
# checks


def _check_choice(name: str, value, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InputError("one_of", name=name, choices=choices, got=value)
    return value


def _scores(U) -> tuple[np.ndarray, pd.Index, list]:
    """The scores as a float array (rows, n), with the row labels and the subsystem names.

    A 1-D input is one unit. Every value must be a number in [0, 1]; the first offending cell
    is named by its row label and column name.
    """
    if isinstance(U, pd.DataFrame):
        frame = U
    else:
        array = np.asarray(U)
        if array.ndim == 1:
            array = array[None, :]
        if array.ndim != 2:
            raise InputError("u_shape", shape=array.shape)
        frame = pd.DataFrame(array)
    n = frame.shape[1]
    if n < 2:
        raise InputError("u_two_subsystems", n=n)
    values = np.empty(frame.shape, dtype=float)
    for position, column in enumerate(frame.columns):
        numbers = pd.to_numeric(frame.iloc[:, position], errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(numbers) | ~(numbers >= 0) | ~(numbers <= 1)
        if bad.any():
            row = int(np.argmax(bad))
            raise InputError("u_score", row=frame.index[row], column=column, got=frame.iloc[row, position])
        values[:, position] = numbers
    return values, frame.index, list(frame.columns)


def _weights(weights, columns: list) -> np.ndarray:
    n = len(columns)
    if weights is None:
        return np.full(n, 1.0 / n)
    if isinstance(weights, (Mapping, pd.Series)):
        given = dict(weights.items())
        missing = [c for c in columns if c not in given]
        extra = [k for k in given if k not in columns]
        if missing or extra:
            raise InputError("weights_names", columns=columns, missing=missing, extra=extra)
        w = np.array([given[c] for c in columns], dtype=float)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.size != n:
            raise InputError("weights_count", n=n, got=w.size)
    if not np.all(np.isfinite(w)) or (w < 0).any():
        raise InputError("weights_negative", got=w.tolist())
    if abs(w.sum() - 1.0) > WEIGHT_TOLERANCE:
        raise InputError("weights_sum", tolerance=WEIGHT_TOLERANCE, got=w.tolist(), total=float(w.sum()))
    return w


# --------------------------------------------------------------------------------------------
# the two coupling degrees, on arrays (rows, n) of checked scores


def _coupling_traditional(U: np.ndarray) -> np.ndarray:
    """C = n [Π U_i / (Σ U_i)^n]^{1/n} = (geometric mean) / (arithmetic mean); NaN where all are 0."""
    n = U.shape[1]
    total = U.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # the geometric mean through logs: Π U_i underflows long before its n-th root does
        geometric = np.where((U > 0).all(axis=1), np.exp(np.log(np.where(U > 0, U, 1.0)).mean(axis=1)), 0.0)
        C = n * geometric / total
    return np.where(total > 0, np.minimum(C, 1.0), np.nan)


def _coupling_wang2021(U: np.ndarray) -> np.ndarray:
    """C = √{[1 − Σ_{i>j} |U_i − U_j| / Σ_{m=1}^{n−1} m] · [Π_i (U_i / max U)]^{1/(n−1)}}; NaN where all are 0."""
    n = U.shape[1]
    pairs = n * (n - 1) / 2                      # Σ_{m=1}^{n−1} m, the number of pairs
    spread = np.abs(U[:, :, None] - U[:, None, :]).sum(axis=(1, 2)) / 2
    closeness = 1.0 - spread / pairs             # in [0, 1]: every |U_i − U_j| ≤ 1
    top = U.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = U / top[:, None]                # the largest subsystem's own ratio is 1
        level = np.prod(ratios, axis=1) ** (1.0 / (n - 1))
        C = np.sqrt(np.clip(closeness, 0.0, 1.0) * level)
    return np.where(top > 0, np.minimum(C, 1.0), np.nan)


_COUPLING = {"traditional": _coupling_traditional, "wang2021": _coupling_wang2021}


# --------------------------------------------------------------------------------------------
# grades


def _bands(D: np.ndarray, closed: str) -> np.ndarray:
    """Band numbers 0 … 9 of checked values of D in [0, 1]."""
    d = np.round(D, _GRADE_DECIMALS)
    # left-closed: an edge value opens the upper band; right-closed: it closes the lower one.
    # 0 and 1 fall in the bottom and top band either way (no edge at 0 or 1).
    return np.searchsorted(_EDGES, d, side="right" if closed == "left" else "left").astype(np.int64)


def _grade_frame(bands: np.ndarray, index) -> pd.DataFrame:
    zh = np.array([b[0] for b in BANDS], dtype=object)
    en = np.array([b[1] for b in BANDS], dtype=object)
    return pd.DataFrame({"band": bands, "grade_zh": zh[bands], "grade_en": en[bands]}, index=index)


def grade(D, closed: str = "left"):
    """Grade of a coupling coordination degree D in ten 0.1-wide bands.

    Parameters
    ----------
    D : float or array-like of float
        Values in [0, 1]. A Series keeps its index.
    closed : {"left", "right"}
        ``"left"``: [0, 0.1), [0.1, 0.2) … [0.8, 0.9), [0.9, 1.0] — a D on an edge opens the
        band above it. ``"right"``: [0, 0.1], (0.1, 0.2] … (0.9, 1.0] — a D on an edge closes
        the band below it. D = 0 is in the bottom band and D = 1 in the top band either way.

    Returns
    -------
    Grade or DataFrame
        For a scalar, a :class:`Grade` (band, zh, en); otherwise a DataFrame with columns
        ``band`` (0 … 9), ``grade_zh`` and ``grade_en``, one row per value.

    Notes
    -----
    D is rounded to 12 decimals before grading, so that a value which is an edge up to
    floating-point noise (0.49999999999999994 from √(C·T)) is graded as that edge. Values
    outside [0, 1] and missing values are refused. Band names: :data:`BANDS`.

    Examples
    --------
    >>> grade(0.65)
    Grade(band=6, zh='初级协调', en='primary coordination')
    >>> grade(0.5).zh, grade(0.5, closed="right").zh
    ('勉强协调', '濒临失调')
    >>> grade([0.0, 1.0], closed="right")["grade_zh"].tolist()
    ['极度失调', '优质协调']
    """
    _check_choice("closed", closed, CLOSURES)
    scalar = np.ndim(D) == 0
    index = D.index if isinstance(D, pd.Series) else None
    values = np.atleast_1d(np.asarray(D, dtype=float))
    if values.ndim != 1:
        raise InputError("d_shape", shape=values.shape)
    bad = np.isnan(values) | (values < 0) | (values > 1)
    if bad.any():
        raise InputError("d_range", got=float(values[bad][0]))
    bands = _bands(values, closed)
    if scalar:
        return Grade(int(bands[0]), *BANDS[bands[0]])
    return _grade_frame(bands, index)


# --------------------------------------------------------------------------------------------
# the method


def coupling_coordination(U, weights=None, model: str = "traditional", closed: str = "left") -> pd.DataFrame:
    r"""Coupling degree C, development index T, coupling coordination degree D and its grade.

    Parameters
    ----------
    U : DataFrame or array-like, shape (rows, n)
        Subsystem scores, rows = units (or unit-years), columns = the n ≥ 2 subsystems; every
        value a normalised evaluation score in [0, 1]. A 1-D array is one unit. Values outside
        [0, 1] or missing are refused (the error names the row and column).
    weights : array-like of n floats, or mapping subsystem → weight, optional
        β_i of T. Default equal weights 1/n. Must be non-negative and sum to 1 within 1e-9;
        they are never rescaled silently. A mapping (or Series) is matched to the columns of a
        DataFrame ``U`` by name.
    model : {"traditional", "wang2021"}
        The coupling degree C (below).
    closed : {"left", "right"}
        Which end of each 0.1-wide band of D is closed (see :func:`grade`).

    Returns
    -------
    DataFrame
        Index of ``U`` (a RangeIndex for arrays); columns ``C``, ``T``, ``D`` (floats),
        ``band`` (0 … 9), ``grade_zh``, ``grade_en``.

    Notes
    -----
    **Traditional model** (the normative form restated by Wang et al. [1]_):

    .. math:: C = n \left[\frac{\prod_{i=1}^n U_i}{\left(\sum_{i=1}^n U_i\right)^n}\right]^{1/n},
              \qquad T = \sum_i \beta_i U_i, \qquad D = \sqrt{C\,T}.

    C is the ratio of the geometric to the arithmetic mean of the U_i, so 0 ≤ C ≤ 1, with
    C = 1 exactly when all subsystems are equal (and not all 0), and C = 0 when one of them
    is 0. With equal weights D² is the geometric mean of the U_i.

    **Corrected model** of Wang et al. [1]_ (``"wang2021"``), their modified coupling degree:

    .. math:: C = \sqrt{\left[1 - \frac{\sum_{i>j} \sqrt{(U_i - U_j)^2}}{\sum_{m=1}^{n-1} m}\right]
              \times \left(\prod_{i=1}^n \frac{U_i}{\max_j U_j}\right)^{\frac{1}{n-1}}}

    which for n = 2 is C = √[(1 − |U_1 − U_2|) · min(U_1, U_2)/max(U_1, U_2)] — the form
    METHODS.md §3 gives. Σ_{m=1}^{n−1} m = n(n − 1)/2 is the number of pairs, so the first
    factor is 1 minus the mean absolute difference between subsystems, and the second the
    geometric mean of the n − 1 ratios U_i / max U (the largest subsystem's own ratio is 1);
    both lie in [0, 1], so does C. Unlike the traditional C, this one falls as the subsystems
    drift apart in absolute terms, not only in ratio, which spreads C over [0, 1] instead of
    crowding it near 1. *Provenance of the general-n form*: the n = 2 form is the one quoted
    in METHODS.md; the general-n form above is read as the product of the ratios U_i / max U
    — the reading that reduces to the n = 2 form and the one the R package ``coupling``
    (Lyu, CRAN, vignette "ccd") reproduces from the paper. The reading Π U_i / max U (the
    product divided once by the maximum) does not reduce to min/max for n = 2 and is not used.
    The equation number in the paper could not be checked against its text here.

    **All scores 0**: C is undefined in both models (0/0, and no limit exists: C is constant
    along every ray from the origin), so C is NaN; D = 0, its limit (0 ≤ C ≤ 1 and T = 0),
    and the grade is 极度失调. A zero in some but not all subsystems gives C = 0.

    References
    ----------
    .. [1] 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷. 国内耦合协调度模型的误区及修正. 自然资源学报,
       2021, 36(3): 793–810.

    Examples
    --------
    >>> out = coupling_coordination([[0.6, 0.3], [0.5, 0.5]])
    >>> out[["C", "T", "D"]].round(4).to_dict("list")
    {'C': [0.9428, 1.0], 'T': [0.45, 0.5], 'D': [0.6514, 0.7071]}
    >>> out["grade_zh"].tolist()
    ['初级协调', '中级协调']
    >>> coupling_coordination([0.6, 0.3], model="wang2021")[["C", "D", "grade_en"]].round(4).to_dict("records")
    [{'C': 0.5916, 'D': 0.516, 'grade_en': 'barely coordinated'}]
    """
    _check_choice("model", model, MODELS)
    _check_choice("closed", closed, CLOSURES)
    values, index, columns = _scores(U)
    w = _weights(weights, columns)
    C = _COUPLING[model](values)
    T = np.clip(values @ w, 0.0, 1.0)
    D = np.where(np.isnan(C), 0.0, np.sqrt(np.nan_to_num(C) * T))
    out = pd.DataFrame({"C": C, "T": T, "D": D}, index=index)
    return pd.concat([out, _grade_frame(_bands(D, closed), index)], axis=1)[OUTPUT_COLUMNS]
