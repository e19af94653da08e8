"""Convergence: is the region closing its gaps? σ-, β- and Phillips–Sul club convergence.

Implements ``docs/METHODS.md`` §3 ("σ-convergence", "β-convergence", "Club convergence").
Every function takes one indicator (usually per-capita GDP or income) for many units over many
years, as a long DataFrame (columns ``unit``, ``year``, ``value``; other names by keyword) or a
wide one (one row per unit, one column per year); both give the same result.

================================  ================================================================
:func:`sigma_convergence`         σ_t = sd(ln y_t) each year and its trend, with Newey–West (HAC)
                                  standard errors → :class:`SigmaResult`
:func:`beta_convergence`          cross-section (1/T) ln(y_T/y_0) = α + β ln y_0 (+ γ'X) + ε,
                                  HC1 standard errors → :class:`BetaResult`
:func:`panel_beta_convergence`    g_it = (1/τ) ln(y_it/y_i,t−τ) on ln y_i,t−τ with unit and year
                                  fixed effects (``linearmodels`` PanelOLS), errors clustered by
                                  unit with the G/(G−1)·(N−1)/(N−K) correction → :class:`BetaResult`
:func:`log_t_test`                Phillips–Sul log t test of one group → :class:`LogTResult`
:func:`club_convergence`          Phillips–Sul clustering into convergence clubs (one club when
                                  the whole panel converges), with club merging → :class:`ClubResult`
================================  ================================================================

Helpers: :func:`newey_west_lags` (the lag rule), :func:`convergence_speed` (λ and half-life),
:func:`hp_trends` (log and Hodrick–Prescott trend, the input of the log t test) and
:func:`relative_transition` (h_it).

The Phillips–Sul procedure is written here from the papers [3]_ [4]_; the reference
implementations in R and Stata [7]_ [8]_ were read for their behaviour (no code is taken from
them). The only Python package that implements it is GPL-3.0, and it is neither used nor
consulted.

References
----------
.. [1] Barro, R. J. & Sala-i-Martin, X. (1992). Convergence. *Journal of Political Economy*
   100(2), 223–251.
.. [2] Newey, W. K. & West, K. D. (1994). Automatic lag selection in covariance matrix
   estimation. *Review of Economic Studies* 61(4), 631–653.
.. [3] Phillips, P. C. B. & Sul, D. (2007). Transition modeling and econometric convergence
   tests. *Econometrica* 75(6), 1771–1855.
.. [4] Phillips, P. C. B. & Sul, D. (2009). Economic transition and growth. *Journal of
   Applied Econometrics* 24(7), 1153–1185.
.. [5] Schnurbus, J., Haupt, H. & Meier, V. (2017). Economic transition and growth: a
   replication. *Journal of Applied Econometrics* 32(5), 1039–1042.
.. [6] Nickell, S. (1981). Biases in dynamic models with fixed effects. *Econometrica* 49(6),
   1417–1426.
.. [7] Sichera, R. & Pizzuto, P. (2019). ConvergenceClubs: a package for performing the
   Phillips and Sul's club convergence clustering procedure. *The R Journal* 11(2) (R package
   ConvergenceClubs: ``findClubs``, ``estimateMod``, ``mergeClubs``).
.. [8] Du, K. (2017). Econometric convergence test and club clustering using Stata. *The Stata
   Journal* 17(4), 882–900 (Stata package psecta: ``logtreg``, ``psecta``, ``imergeclub``).
.. [9] von Lyncker, K. & Thoennessen, R. (2017). Regional club convergence in the EU: evidence
   from a panel data analysis. *Empirical Economics* 52(2), doi:10.1007/s00181-016-1096-2.
.. [10] Andrews, D. W. K. (1991). Heteroskedasticity and autocorrelation consistent covariance
   matrix estimation. *Econometrica* 59(3), 817–858.
.. [11] Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
   inference. *Journal of Human Resources* 50(2), 317–372.

Nothing here imports Django: ``deltawatch.methods`` is a plain library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tsa.filters.hp_filter import hpfilter

from .errors import InputError, Phrase

__all__ = [
    "SigmaResult", "BetaResult", "LogTResult", "ClubResult",
    "sigma_convergence", "beta_convergence", "panel_beta_convergence", "log_t_test", "club_convergence",
    "newey_west_lags", "convergence_speed", "hp_trends", "relative_transition",
    "ORDER_BY", "MERGES", "PANEL_COV_TYPE",
]

ORDER_BY = ("last", "last_third")
PANEL_COV_TYPE = "clustered by unit, G/(G−1)·(N−1)/(N−K)"
MERGES = ("ps2009", "vlt", None)


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class SigmaResult:
    """The result of :func:`sigma_convergence`.

    ``series`` has one row per year: ``year``, ``sigma`` (NaN where fewer than ddof + 1 units
    have a value) and ``n`` (units with a value). ``slope`` is the OLS trend of σ_t per year,
    with its HAC standard error ``se``, ``t`` = slope/se and two-sided ``p`` (normal);
    ``converging`` is slope < 0 and p < ``significance``. ``intercept`` is the fitted σ in the
    first year of the regression (the year is counted from there). ``maxlags`` is the Bartlett-kernel
    truncation lag used, ``n_years`` the years in the regression.
    """

    series: pd.DataFrame
    slope: float
    se: float
    t: float
    p: float
    converging: bool
    intercept: float
    maxlags: int
    n_years: int
    ddof: int
    log: bool


@dataclass(frozen=True)
class BetaResult:
    """The result of :func:`beta_convergence` and :func:`panel_beta_convergence`.

    ``alpha`` is the constant (in the panel form, linearmodels' constant: the mean of the
    fixed effects), ``beta`` the coefficient of the initial log level, with its robust ``se``,
    ``t`` and two-sided ``p``; ``r2`` the R² (in the panel form, of the regression after the
    fixed effects are removed); ``n`` the observations used and ``n_units`` the units among
    them. ``horizon`` is T (cross-section) or τ (panel). ``speed`` λ = −ln(1 + β·horizon)/horizon
    and ``half_life`` = ln 2/λ are NaN when undefined, ``note`` says why. ``converging`` is
    β < 0 and p < ``significance``. ``params`` and ``bse`` hold every coefficient (controls
    included); ``cov_type`` names the standard errors.
    """

    alpha: float
    beta: float
    se: float
    t: float
    p: float
    r2: float
    n: int
    speed: float
    half_life: float
    converging: bool
    horizon: int
    n_units: int
    params: pd.Series
    bse: pd.Series
    cov_type: str
    note: str = ""


@dataclass(frozen=True)
class LogTResult:
    """The result of :func:`log_t_test`.

    ``b`` is the coefficient of log t (b = 2α, α the speed at which the transition distances
    shrink), ``se`` its HAC standard error and ``t`` = b/se; ``converges`` is t ≥ ``critical``
    (−1.65: the one-sided 5 % test rejects convergence when t < −1.65). ``a`` is the constant,
    ``n_units`` the units, ``first_period`` the first t = [rT] of the regression (t = 1 … T),
    ``periods`` its observations and ``maxlags`` the HAC truncation lag.
    """

    b: float
    se: float
    t: float
    converges: bool
    a: float
    n_units: int
    first_period: int
    periods: int
    maxlags: int


@dataclass(frozen=True)
class ClubResult:
    """The result of :func:`club_convergence`.

    ``clubs`` are tuples of units, club 1 first (the highest), each in the order of the sorted
    frame; ``divergent`` the units in no club. ``tests`` has one row per final club: ``club``
    (1, 2, …), ``n``, ``b``, ``se``, ``t`` and ``converges`` — every club re-tested as it
    stands after merging. ``overall`` is the log t test of the whole sample: when it passes,
    the whole sample is the only club and ``tests`` repeats it. ``membership``
    maps every unit to its club (``<NA>`` when divergent). ``initial_clubs`` are the clubs
    before merging, ``trends`` the series X tested (the HP trends of the logs, units × years).
    """

    clubs: tuple
    divergent: tuple
    tests: pd.DataFrame
    overall: LogTResult
    membership: pd.Series
    initial_clubs: tuple
    trends: pd.DataFrame


# --------------------------------------------------------------------------------------------
# inputs


def _as_year(label) -> int:
    if isinstance(label, (bool, np.bool_)):
        raise InputError("not_a_year", got=label)
    number = float(label)
    if not number.is_integer():
        raise InputError("not_a_year", got=label)
    return int(number)


def _to_wide(frame, unit: str, year: str, value: str) -> pd.DataFrame:
    """Units × years (float, sorted both ways) from a long or a wide DataFrame."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, long (columns {unit!r}, {year!r}, {value!r}) or wide "
                        f"(units × years), got {type(frame).__name__}")
    if {unit, year, value} <= set(frame.columns):
        long = frame[[unit, year, value]]
        duplicated = long.duplicated([unit, year])
        if duplicated.any():
            first = tuple(long.loc[duplicated, [unit, year]].iloc[0])
            raise InputError("repeated_rows", n=int(duplicated.sum()), unit=unit, year=year, first=first)
        wide = long.pivot(index=unit, columns=year, values=value)
    else:
        wide = frame
        if wide.index.has_duplicates:
            raise InputError("wide_repeated_units", units=list(wide.index[wide.index.duplicated()][:5]))
    try:
        years = [_as_year(c) for c in wide.columns]
    except (TypeError, ValueError):
        raise InputError("frame_shape", unit=unit, year=year, value=value, columns=list(frame.columns)[:6]) from None
    if len(set(years)) != len(years):
        raise InputError("wide_repeated_years", columns=list(wide.columns))
    try:
        values = wide.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise InputError("not_numbers", name="frame", types=sorted(set(map(str, wide.dtypes)))) from None
    out = pd.DataFrame(values, index=wide.index.rename(wide.index.name or unit), columns=pd.Index(years, name=year))
    return out.sort_index().sort_index(axis=1)


def _logs(wide: pd.DataFrame, log: bool) -> pd.DataFrame:
    if not log:
        return wide
    if (wide <= 0).any().any():
        bad = wide.stack()[lambda s: s <= 0].index[0]
        raise InputError("log_positive", got=float(wide.loc[bad[0], bad[1]]), unit=bad[0], year=bad[1])
    return np.log(wide)


def _balanced(wide: pd.DataFrame, what: Phrase) -> None:
    gaps = wide.index[wide.isna().any(axis=1)]
    if len(gaps):
        raise InputError("unbalanced", what=what, units=list(gaps[:5]))
    years = np.asarray(wide.columns)
    if len(years) > 1 and not (np.diff(years) == 1).all():
        raise InputError("consecutive_years", what=what, years=list(years))


def _check_significance(significance) -> float:
    if not 0 < significance < 1:
        raise InputError("open_unit_interval", name="significance", got=significance)
    return float(significance)


# --------------------------------------------------------------------------------------------
# shared pieces


def newey_west_lags(nobs: int) -> int:
    """Truncation lag of the Bartlett (Newey–West) kernel: floor(4 (n/100)^(2/9)) [2]_.

    >>> newey_west_lags(20), newey_west_lags(100), newey_west_lags(3)
    (2, 4, 1)
    """
    return math.floor(4.0 * (nobs / 100.0) ** (2.0 / 9.0))


def _lags(maxlags, nobs: int) -> int:
    if maxlags is None:
        return newey_west_lags(nobs)
    if isinstance(maxlags, (bool, np.bool_)) or int(maxlags) != maxlags or maxlags < 0:
        raise InputError("maxlags", got=maxlags)
    return int(maxlags)


def _ols_hac(y: np.ndarray, x: np.ndarray, maxlags: int):
    """OLS of y on (1, x) with Bartlett-kernel HAC covariance, no small-sample correction."""
    design = np.column_stack([np.ones(len(x)), x])
    return OLS(np.asarray(y, dtype=float), design).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})


def convergence_speed(beta: float, horizon: float) -> tuple[float, float, str]:
    r"""Speed of convergence and half-life implied by a β over ``horizon`` years [1]_.

    .. math:: \lambda = -\frac{\ln(1 + \beta T)}{T}, \qquad t_{1/2} = \frac{\ln 2}{\lambda}

    Returns ``(speed, half_life, note)``; both are NaN, with a note, when β ≥ 0 (no
    convergence) or βT ≤ −1 (the logarithm is undefined: growth more than closes the gap).

    >>> speed, half_life, note = convergence_speed(-0.02, 20)
    >>> round(speed, 6), round(half_life, 2), note
    (0.025541, 27.14, '')
    >>> convergence_speed(-0.06, 20)[2]
    'βT = -1.2 ≤ −1: ln(1 + βT) undefined, no speed or half-life'
    """
    if not np.isfinite(beta):
        return math.nan, math.nan, "β is not finite: no speed or half-life"
    if beta >= 0:
        return math.nan, math.nan, f"β = {beta:.4g} ≥ 0: no convergence, no speed or half-life"
    if beta * horizon <= -1:
        return math.nan, math.nan, f"βT = {beta * horizon:.4g} ≤ −1: ln(1 + βT) undefined, no speed or half-life"
    speed = -math.log1p(beta * horizon) / horizon
    return speed, math.log(2.0) / speed, ""


def _beta_result(params: pd.Series, bse: pd.Series, tvalues, pvalues, regressor: str, r2, n, n_units, horizon,
                 significance, cov_type, notes) -> BetaResult:
    beta = float(params[regressor])
    p = float(pvalues[regressor])
    speed, half_life, note = convergence_speed(beta, horizon)
    return BetaResult(
        alpha=float(params["const"]), beta=beta, se=float(bse[regressor]), t=float(tvalues[regressor]), p=p,
        r2=float(r2), n=int(n), speed=speed, half_life=half_life, converging=bool(beta < 0 and p < significance),
        horizon=int(horizon), n_units=int(n_units), params=params.astype(float), bse=bse.astype(float),
        cov_type=cov_type, note="; ".join(x for x in [*notes, note] if x))


# --------------------------------------------------------------------------------------------
# σ-convergence


def sigma_convergence(frame: pd.DataFrame, *, unit: str = "unit", year: str = "year", value: str = "value",
                      log: bool = True, ddof: int = 1, maxlags: int | None = None,
                      significance: float = 0.05) -> SigmaResult:
    r"""σ-convergence: the cross-section dispersion of log levels and its trend.

    .. math:: \sigma_t = \sqrt{\frac{1}{n_t - \text{ddof}} \sum_i (\ln y_{it} - \overline{\ln y_t})^2},
              \qquad \sigma_t = a + b\,(\text{year}_t - \text{year}_0) + u_t

    The trend b is estimated by OLS over the years with a σ (year_0 the first of them, so
    that a is the fitted σ in that year and the design stays well conditioned); its standard error is
    Newey–West (HAC, Bartlett kernel, statsmodels ``cov_type="HAC"``, no small-sample
    correction) with truncation lag ``maxlags``, by default floor(4 (T/100)^(2/9)) for T years
    [2]_. The region σ-converges when b < 0 and p < ``significance`` (two-sided p from the
    normal distribution, statsmodels' default for robust covariances).

    Parameters
    ----------
    frame : DataFrame
        Long (``unit``, ``year``, ``value``) or wide (units × years). Missing values are
        skipped year by year (``n`` counts the units with a value).
    log : bool
        Dispersion of ln y (True, the usual σ) or of y itself.
    ddof : int
        σ divides by n_t − ddof (1: the sample standard deviation).
    maxlags : int, optional
        HAC truncation lag; None applies the rule above.

    Notes
    -----
    With the 15–25 years of a regional panel the HAC standard error rests on few
    autocovariances; read p as indicative.

    Examples
    --------
    >>> import math
    >>> wide = pd.DataFrame(np.exp([[0.0, 0.5, 0.8], [1.0, 1.0, 1.0], [2.0, 1.5, 1.2]]),
    ...                     index=["a", "b", "c"], columns=[2000, 2001, 2002])
    >>> result = sigma_convergence(wide)
    >>> result.series.sigma.round(10).tolist(), round(result.slope, 10)
    ([1.0, 0.5, 0.2], -0.4)
    """
    significance = _check_significance(significance)
    wide = _logs(_to_wide(frame, unit, year, value), log)
    n = wide.notna().sum(axis=0)
    sigma = wide.std(axis=0, ddof=ddof)
    series = pd.DataFrame({"year": wide.columns.to_numpy(), "sigma": sigma.to_numpy(), "n": n.to_numpy()})
    used = series[series["sigma"].notna()]
    if len(used) < 3:
        raise InputError("sigma_few_years", n=len(used), ddof=ddof)
    lags = _lags(maxlags, len(used))
    years = used["year"].to_numpy(dtype=float)
    fit = _ols_hac(used["sigma"].to_numpy(), years - years[0], lags)
    slope, p = float(fit.params[1]), float(fit.pvalues[1])
    return SigmaResult(series=series, slope=slope, se=float(fit.bse[1]), t=float(fit.tvalues[1]), p=p,
                       converging=bool(slope < 0 and p < significance), intercept=float(fit.params[0]),
                       maxlags=lags, n_years=len(used), ddof=ddof, log=log)


# --------------------------------------------------------------------------------------------
# β-convergence


def _numeric_controls(controls, names_taken) -> pd.DataFrame:
    if not isinstance(controls, pd.DataFrame):
        raise TypeError(f"controls must be a DataFrame (one column per control), got {type(controls).__name__}")
    clash = sorted(set(map(str, controls.columns)) & set(names_taken))
    if clash:
        raise InputError("controls_clash", names=clash)
    try:
        return controls.astype(float)
    except (TypeError, ValueError):
        raise InputError("not_numbers", name="controls", types=sorted(set(map(str, controls.dtypes)))) from None


def beta_convergence(frame: pd.DataFrame, start: int, end: int, controls: pd.DataFrame | None = None, *,
                     unit: str = "unit", year: str = "year", value: str = "value",
                     significance: float = 0.05) -> BetaResult:
    r"""Absolute (no controls) or conditional β-convergence across units [1]_.

    .. math:: \frac{1}{T}\ln\frac{y_{iT}}{y_{i0}} = \alpha + \beta \ln y_{i0} + \gamma' X_i
              + \varepsilon_i, \qquad T = \text{end} - \text{start}

    OLS (statsmodels) with heteroskedasticity-robust HC1 standard errors (White's with the
    n/(n − k) correction); two-sided p from the normal distribution. β < 0 significant at
    ``significance`` means convergence; the speed λ = −ln(1 + βT)/T and half-life ln 2/λ are
    given by :func:`convergence_speed` (NaN, with a note, when β ≥ 0 or βT ≤ −1).

    Parameters
    ----------
    frame : DataFrame
        Long or wide panel of positive levels.
    start, end : int
        The initial and final years (columns of the wide form).
    controls : DataFrame, optional
        Indexed by unit, one numeric column per control X (conditional convergence). Units
        without a value for every control, or without both years, are left out (``n`` and
        ``note`` say how many).

    Examples
    --------
    Growth exactly on the line 0.1 − 0.02 ln y0 over 20 years:

    >>> ln_y0 = np.array([0.0, 1.0, 2.0])
    >>> wide = pd.DataFrame({2000: np.exp(ln_y0), 2020: np.exp(ln_y0 + 20 * (0.1 - 0.02 * ln_y0))},
    ...                     index=["a", "b", "c"])
    >>> result = beta_convergence(wide, 2000, 2020)
    >>> round(result.alpha, 10), round(result.beta, 10), round(result.speed, 6), round(result.half_life, 2)
    (0.1, -0.02, 0.025541, 27.14)
    """
    significance = _check_significance(significance)
    wide = _to_wide(frame, unit, year, value)
    for name, y in (("start", start), ("end", end)):
        if y not in wide.columns:
            raise InputError("not_a_panel_year", name=name, got=y, first=wide.columns.min(), last=wide.columns.max())
    horizon = int(end) - int(start)
    if horizon <= 0:
        raise InputError("end_before_start", start=start, end=end)
    pair = _logs(wide[[start, end]].dropna(), True)
    data = pd.DataFrame({"growth": (pair[end] - pair[start]) / horizon, "ln_y0": pair[start]})
    notes = []
    if len(pair) < len(wide):
        notes.append(f"{len(wide) - len(pair)} units without both {start} and {end} left out")
    regressors = ["const", "ln_y0"]
    if controls is not None:
        X = _numeric_controls(controls, ["const", "ln_y0", "growth"])
        before = len(data)
        data = data.join(X, how="inner").dropna()
        if len(data) < before:
            notes.append(f"{before - len(data)} units without every control left out")
        regressors += [str(c) for c in X.columns]
        data.columns = ["growth", "ln_y0", *regressors[2:]]
    data.insert(1, "const", 1.0)
    if len(data) <= len(regressors):
        raise InputError("beta_few_units", k=len(regressors), n=len(data))
    fit = OLS(data["growth"], data[regressors]).fit(cov_type="HC1")
    return _beta_result(fit.params, fit.bse, fit.tvalues, fit.pvalues, "ln_y0", fit.rsquared, len(data), len(data),
                        horizon, significance, "HC1", notes)


def panel_beta_convergence(frame: pd.DataFrame, interval: int = 1, entity_effects: bool = True,
                           time_effects: bool = True, controls: pd.DataFrame | None = None, *,
                           unit: str = "unit", year: str = "year", value: str = "value",
                           significance: float = 0.05) -> BetaResult:
    r"""Panel β-convergence with unit and year fixed effects (``linearmodels`` PanelOLS).

    .. math:: g_{it} = \frac{1}{\tau}\ln\frac{y_{it}}{y_{i,t-\tau}} = \alpha + \beta \ln y_{i,t-\tau}
              + \gamma' X_{i,t-\tau} + \mu_i + \eta_t + \varepsilon_{it}

    The years are cut into consecutive non-overlapping intervals of τ = ``interval`` years
    starting at the first year (t − τ, t), (t, t + τ), …; an interval is used for a unit when
    both its ends have a value. With unit effects β measures conditional convergence, each unit
    to its own steady state; the speed λ = −ln(1 + βτ)/τ and the half-life ln 2/λ follow as in
    :func:`convergence_speed`.

    Standard errors are clustered by unit with the usual small-sample correction [11]_:

    .. math:: \hat V = \frac{G}{G-1}\,\frac{N-1}{N-K}\,(\tilde X'\tilde X)^{-1}
              \Big(\sum_{g=1}^{G} \tilde X_g'\hat u_g \hat u_g'\tilde X_g\Big)(\tilde X'\tilde X)^{-1}

    with G units (clusters), N observations, X̃ the regressors after the fixed effects are
    removed and K the coefficients estimated, fixed effects included (linearmodels PanelOLS
    ``cov_type="clustered"``, ``cluster_entity=True``, ``debiased=True``,
    ``group_debias=True``). With unit and year effects (the default) K = regressors + (units − 1)
    + (years − 1), which is statsmodels' OLS with unit and year dummies and
    ``cov_type="cluster"`` (its default correction) and Stata's ``regress … i.unit i.year,
    vce(cluster unit)``. With unit effects alone linearmodels does not count them (they are
    nested in the clusters), so K = regressors as in Stata's ``xtreg, fe vce(cluster unit)``.
    p is two-sided from Student's t with N − K degrees of freedom (linearmodels' ``debiased``
    inference; Stata uses G − 1, statsmodels the normal distribution).

    Parameters
    ----------
    interval : int
        τ, years per interval.
    entity_effects, time_effects : bool
        Unit (μ_i) and year (η_t, by the interval's end year) fixed effects.
    controls : DataFrame, optional
        Indexed by (unit, year), one numeric column per control; the value at the start year
        of each interval (t − τ) is used, so that controls are predetermined.

    Notes
    -----
    ln y_i,t−τ is a lagged dependent variable: with unit effects and few intervals the
    within estimator is biased towards faster convergence (Nickell bias [6]_, of order 1/T).
    Read β from short panels with that in mind.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> steady = rng.normal(0, 0.5, 8)
    >>> ln_y = [steady + rng.normal(0, 1, 8)]
    >>> for _ in range(20):
    ...     ln_y.append(ln_y[-1] - 0.1 * (ln_y[-1] - steady))
    >>> wide = pd.DataFrame(np.exp(np.array(ln_y).T), columns=range(2000, 2021))
    >>> round(panel_beta_convergence(wide).beta, 10)
    -0.1
    """
    significance = _check_significance(significance)
    if isinstance(interval, (bool, np.bool_)) or int(interval) != interval or interval < 1:
        raise InputError("interval", got=interval)
    interval = int(interval)
    ln_y = _logs(_to_wide(frame, unit, year, value), True)
    columns = set(ln_y.columns)
    pieces = []
    for first in range(int(ln_y.columns.min()), int(ln_y.columns.max()) - interval + 1, interval):
        last = first + interval
        if first in columns and last in columns:
            pieces.append(pd.DataFrame({"unit": ln_y.index, "year": last, "start": first,
                                        "growth": (ln_y[last] - ln_y[first]).to_numpy() / interval,
                                        "ln_y_lag": ln_y[first].to_numpy()}))
    if not pieces:
        raise InputError("no_interval_fits", interval=interval, years=list(ln_y.columns))
    data = pd.concat(pieces, ignore_index=True).dropna()
    regressors = ["const", "ln_y_lag"]
    if controls is not None:
        X = _numeric_controls(controls, ["const", "ln_y_lag", "growth", "unit", "year", "start"])
        if not isinstance(X.index, pd.MultiIndex) or X.index.nlevels != 2:
            raise InputError("controls_index")
        names = [str(c) for c in X.columns]
        X = X.set_axis(names, axis=1).set_axis(X.index.set_names(["unit", "start"]), axis=0)
        data = data.join(X, on=["unit", "start"], how="inner").dropna()
        regressors += names
    data.insert(0, "const", 1.0)
    data = data.set_index(["unit", "year"])
    if data.index.get_level_values("year").nunique() < 2 and time_effects:
        raise InputError("time_effects", interval=interval)
    from linearmodels.panel import PanelOLS  # imported here: only this function needs it

    model = PanelOLS(data["growth"], data[regressors], entity_effects=entity_effects, time_effects=time_effects)
    # group_debias: the G/(G − 1)·(N − 1)/N factor, which with debiased's N/(N − K) gives Stata's and
    # statsmodels' G/(G − 1)·(N − 1)/(N − K); linearmodels applies neither G factor by default
    fit = model.fit(cov_type="clustered", cluster_entity=True, debiased=True, group_debias=True)
    n_units = data.index.get_level_values("unit").nunique()
    return _beta_result(fit.params, fit.std_errors, fit.tstats, fit.pvalues, "ln_y_lag", fit.rsquared, fit.nobs,
                        n_units, interval, significance, PANEL_COV_TYPE, [])


# --------------------------------------------------------------------------------------------
# Phillips–Sul: log t test


def hp_trends(frame: pd.DataFrame, *, unit: str = "unit", year: str = "year", value: str = "value",
              log: bool = True, lamb: float | None = 400.0) -> pd.DataFrame:
    r"""The series X_it of the log t test: ln y_it (``log``), smoothed by the Hodrick–Prescott
    filter with smoothing ``lamb`` (statsmodels ``hpfilter``; 400 for annual data, as in [4]_;
    None: no smoothing). Returns units × years. Needs a balanced panel of consecutive years.

    >>> wide = pd.DataFrame([[1.0, 2.0, 3.0, 4.0]], columns=[2000, 2001, 2002, 2003])
    >>> hp_trends(wide, log=False).round(10).to_numpy().tolist()  # a line is its own trend
    [[1.0, 2.0, 3.0, 4.0]]
    """
    wide = _to_wide(frame, unit, year, value)
    _balanced(wide, Phrase("log_t_test"))
    X = _logs(wide, log)
    if lamb is None:
        return X
    if wide.shape[1] < 3:
        raise InputError("hp_few_years", n=wide.shape[1])
    trends = np.vstack([np.asarray(hpfilter(row, lamb=lamb)[1]) for row in X.to_numpy()])
    return pd.DataFrame(trends, index=X.index, columns=X.columns)


def relative_transition(X) -> np.ndarray:
    r"""Relative transition paths h_it = X_it / (N⁻¹ Σ_j X_jt) of an (N, T) array [3]_.

    >>> relative_transition([[1.0, 3.0], [3.0, 3.0]]).tolist()
    [[0.5, 1.0], [1.5, 1.0]]
    """
    X = np.asarray(X, dtype=float)
    return X / X.mean(axis=0)


def _matrix(X) -> np.ndarray:
    A = np.asarray(X.to_numpy() if isinstance(X, pd.DataFrame) else X, dtype=float)
    if A.ndim != 2 or A.shape[0] < 2:
        raise InputError("logt_shape", shape=A.shape)
    if not np.isfinite(A).all():
        raise InputError("logt_missing")
    if (A <= 0).any():
        raise InputError("logt_positive")
    return A


def _log_t(A: np.ndarray, r: float, maxlags, critical: float) -> LogTResult:
    T = A.shape[1]
    first = max(math.floor(r * T + 1e-9), 2)  # [rT]; log log t needs t ≥ 2
    if T - first + 1 < 3:
        raise InputError("logt_few_periods", first=first, T=T)
    H = ((relative_transition(A) - 1.0) ** 2).mean(axis=0)
    if (H <= 0).any():
        raise InputError("logt_no_dispersion")
    t = np.arange(first, T + 1, dtype=float)
    y = np.log(H[0] / H[first - 1:]) - 2.0 * np.log(np.log(t))
    lags = _lags(maxlags, len(t))
    fit = _ols_hac(y, np.log(t), lags)
    b, se = float(fit.params[1]), float(fit.bse[1])
    tb = float(fit.tvalues[1])
    return LogTResult(b=b, se=se, t=tb, converges=bool(tb >= critical), a=float(fit.params[0]), n_units=A.shape[0],
                      first_period=first, periods=len(t), maxlags=lags)


def _check_r(r) -> float:
    if not 0 < r < 1:
        raise InputError("r_share", got=r)
    return float(r)


def log_t_test(X, *, r: float = 1 / 3, maxlags: int | None = None, critical: float = -1.65) -> LogTResult:
    r"""Phillips–Sul log t convergence test of one group [3]_.

    With X_it > 0 (units × periods, t = 1 … T; usually :func:`hp_trends` of a panel):

    .. math:: h_{it} = \frac{X_{it}}{N^{-1}\sum_j X_{jt}}, \qquad
              H_t = \frac{1}{N}\sum_i (h_{it} - 1)^2, \\
              \ln\frac{H_1}{H_t} - 2\ln(\ln t) = a + b \ln t + u_t,
              \quad t = [rT], [rT] + 1, \dots, T

    L(t) = ln t is the slowly varying function of the regression (the choice of [3]_, used by
    ConvergenceClubs and psecta too). The test is one-sided: convergence is rejected at 5 % when
    t_b = b/se < ``critical`` = −1.65. b ≥ 2 points to convergence in levels, 0 ≤ b < 2 to
    convergence in growth rates (relative convergence).

    **Start of the regression.** The first period is t₀ = [rT] = ⌊rT⌋ (at least 2, where
    ln ln t is defined), as [3]_ write the regression, t = [rT], [rT] + 1, …, T; with the
    default r = 1/3 and T = 21 years it runs over t = 7 … 21. The reference packages drop the
    first round(rT) periods instead and start one period later (t₀ = round(rT) + 1:
    ConvergenceClubs ``estimateMod`` [7]_, psecta ``logtreg`` [8]_).

    **r.** The default 1/3 discards the first third of the periods, as Phillips and Sul's
    application [4]_ and ConvergenceClubs' default (``time_trim = 1/3``; its documentation: "Phillips
    and Sul (2007, 2009) suggest to discard the first third of the period"); psecta's default
    is ``kq = 0.3``. [3]_ choose r by simulation and recommend values between 0.2 and 0.3,
    0.3 for small and moderate samples (T ≤ 50).

    **Standard error.** b is estimated by OLS and its standard error is Newey–West HAC:
    Bartlett kernel, truncation lag floor(4 (n/100)^(2/9)) for the n = T − t₀ + 1 periods of the
    regression [2]_ (2 for n = 15) unless ``maxlags``, no small-sample correction (statsmodels
    ``cov_type="HAC"``). Phillips and Sul's own GAUSS code, which ConvergenceClubs (``HACmethod
    = "FQSB"``, its default) and psecta translate, estimates the long-run variance of the
    residuals with the Quadratic Spectral kernel and Andrews' AR(1) plug-in bandwidth
    1.3221 (α̂ n)^(1/5) [10]_ and scales (X'X)⁻¹ by it; ConvergenceClubs' ``"AQSB"`` uses R's
    ``sandwich::vcovHAC`` (Quadratic Spectral kernel, Andrews bandwidth). The t statistics of
    the three therefore differ in the decimals, and a t near −1.65 may be read differently.

    Parameters
    ----------
    X : array_like or DataFrame, shape (N, T)
        Positive, balanced, periods in order.
    r : float
        Share of the periods discarded at the start ([rT]), see above.
    maxlags : int, optional
        Bartlett truncation lag; None applies the Newey–West rule above.
    critical : float
        The one-sided 5 % critical value.

    Examples
    --------
    Distances to the common path shrinking like 1/(ln(t + 1) t^(1/2)), so that H_t falls like
    1/(L(t)² t^(2α)) with α = 1/2 and b ≈ 2α = 1 (L(t) = ln(t + 1) in the data, ln t in the
    regression):

    >>> t = np.arange(1, 31)
    >>> X = 10 + np.outer([-1.0, 0.0, 1.0], 1 / (np.log(t + 1) * t ** 0.5))
    >>> result = log_t_test(X)
    >>> result.converges, round(result.b, 2)
    (True, 0.95)

    Distances that do not shrink: convergence rejected.

    >>> log_t_test(10 + np.outer([-1.0, 0.0, 1.0], np.ones(30))).converges
    False
    """
    return _log_t(_matrix(X), _check_r(r), maxlags, critical)


# --------------------------------------------------------------------------------------------
# Phillips–Sul: clustering


class _Clustering:
    """The clustering of [3]_ (steps 1–4) and [4]_ (step 5), on the rows of X already sorted
    from the highest to the lowest ordering value; groups are lists of row numbers in that order.
    Test results are memoised by group."""

    def __init__(self, X: np.ndarray, r, maxlags, critical, cstar, cstar_step):
        self.X, self.r, self.maxlags, self.critical = X, r, maxlags, critical
        self.cstar, self.cstar_step = cstar, cstar_step
        self._cache: dict[tuple, LogTResult] = {}

    def test(self, group) -> LogTResult:
        key = tuple(sorted(group))
        if key not in self._cache:
            self._cache[key] = _log_t(self.X[list(key)], self.r, self.maxlags, self.critical)
        return self._cache[key]

    def core(self, group: list) -> list | None:
        """Step 2: the first pair (from the top) whose t > critical starts the core; it grows
        by the next units while t_k stays above critical, and keeps the size k* = argmax t_k.
        None when no adjacent pair passes."""
        for start in range(len(group) - 1):
            ts = []
            for k in range(2, len(group) - start + 1):
                t = self.test(group[start:start + k]).t
                if not t > self.critical:
                    break
                ts.append(t)
            if ts:
                k_star = int(np.argmax(ts)) + 2
                return group[start:start + k_star]
        return None

    def sieve(self, core: list, others: list) -> list:
        """Step 3: each other unit joins when t(core + unit) > c*; c* rises by ``cstar_step``
        until the club as a whole passes the test (the core alone always does)."""
        ts = np.array([self.test(core + [u]).t for u in others])
        ts = np.where(np.isnan(ts), -np.inf, ts)
        cstar = self.cstar
        while True:
            joined = [u for u, t in zip(others, ts) if t > cstar]
            club = sorted(core + joined)
            if not joined or self.test(club).converges:
                return club
            # the next c* on the grid c*₀ + k·step that drops the weakest unit joined
            lowest = min(t for t in ts if t > cstar)
            if not np.isfinite(lowest):
                return sorted(core)
            cstar += max(1, math.ceil((lowest - cstar) / self.cstar_step)) * self.cstar_step

    def clubs(self, group: list) -> tuple[list, list]:
        """Steps 1–4 on ``group``: the clubs (highest first) and the divergent units.

        Each round first tests the units still unclustered as one group: when they pass they form
        one club and clustering stops, so a panel that converges as a whole is one club (the core
        search would otherwise split off units that the whole group accommodates) [3]_ [7]_ [8]_.
        Only when they fail does the core search (step 2) and the sieve (step 3) begin."""
        found = []
        while len(group) >= 2:
            if self.test(group).converges:
                found.append(group)
                return found, []
            core = self.core(group)
            if core is None:
                break
            club = self.sieve(core, [u for u in group if u not in core])
            found.append(club)
            group = [u for u in group if u not in club]
        return found, group


def _merge_ps2009(clustering: _Clustering, clubs: list) -> list:
    """Club 1 with club 2; when they pass, the union with club 3, and so on; when they fail,
    start again from the club that failed to join [4]_ (ConvergenceClubs ``mergeClubs(mergeMethod
    = "PS")`` [7]_, psecta ``imergeclub`` [8]_)."""
    out = []
    for club in clubs:
        if out and clustering.test(out[-1] + list(club)).converges:
            out[-1] = sorted(out[-1] + list(club))
        else:
            out.append(list(club))
    return out


def _merge_vlt(clustering: _Clustering, clubs: list) -> list:
    """von Lyncker and Thoennessen's rule [9]_, as ConvergenceClubs documents it [7]_: test every
    pair of adjacent clubs (t_1 … t_M); from the top, merge the first pair m that passes and
    beats the next pair (t_m > t_{m+1}; the last pair needs only to pass); test the new list of
    clubs again; stop when no pair is merged."""
    clubs = [list(c) for c in clubs]
    while len(clubs) > 1:
        tests = [clustering.test(clubs[m] + clubs[m + 1]) for m in range(len(clubs) - 1)]
        chosen = next((m for m, x in enumerate(tests)
                       if x.converges and (m == len(tests) - 1 or x.t > tests[m + 1].t)), None)
        if chosen is None:
            break
        clubs[chosen:chosen + 2] = [sorted(clubs[chosen] + clubs[chosen + 1])]
    return clubs


_MERGE = {"ps2009": _merge_ps2009, "vlt": _merge_vlt, None: lambda clustering, clubs: list(clubs)}


def club_convergence(frame: pd.DataFrame, *, unit: str = "unit", year: str = "year", value: str = "value",
                     log: bool = True, hp_lambda: float | None = 400.0, r: float = 1 / 3,
                     order_by: str = "last", cstar: float = 0.0, cstar_step: float = 0.05,
                     critical: float = -1.65, merge: str | None = "ps2009",
                     maxlags: int | None = None) -> ClubResult:
    r"""Phillips–Sul convergence clubs [3]_ [4]_, with club merging [4]_ [9]_.

    X = :func:`hp_trends` (ln y smoothed by the HP filter, λ = ``hp_lambda``); every test is
    the log t test of :func:`log_t_test` (L(t) = ln t, regression from t = [rT], Bartlett HAC
    standard error: see there). Then, as ConvergenceClubs ``findClubs`` [7]_ and psecta [8]_:

    0. **The whole panel.** All units are tested together (``overall``). When they pass
       (t_b ≥ ``critical``) they form one club and clustering stops: the core search below
       is only for panels that do not converge as a whole, and would otherwise split off units
       that the whole panel accommodates.
    1. **Ordering.** Units are sorted from the highest to the lowest last value of X
       (``order_by="last"``) or mean of X over the last third of the years
       (``"last_third"``, for volatile series).
    2. **Core group.** Starting from the top, the first adjacent pair with t > ``critical``
       starts the core; the next units are added one by one while t_k > ``critical``, and the
       core is the k* highest units with the largest t_k (k* = argmax t_k subject to
       min t_k > −1.65). When the first pair fails the top unit is dropped and the next pair is
       tried; when no pair passes, the units left are divergent.
    3. **Sieve.** Every other unit is added to the core alone and joins the club when that
       test gives t > c* (``cstar``, 0 as recommended for small T); when the club formed fails
       the joint test, c* is raised in steps of ``cstar_step`` (straight to the first step
       that drops a unit) until it passes.
    4. **Recursion.** The units left are tested together; they form a club when they pass,
       otherwise steps 2–3 are repeated on them.
    5. **Merging.** ``merge="ps2009"`` (the default, as in ConvergenceClubs ``mergeClubs`` and
       psecta ``imergeclub``): club 1 with club 2, their union with club 3, …, restarting at a
       club that fails to join [4]_; ``"vlt"``: von Lyncker and Thoennessen's rule [9]_ — all
       pairs of adjacent clubs are tested and, from the top, the first pair that passes with a
       t above the next pair's is merged, then all pairs are tested again (ConvergenceClubs
       ``mergeMethod="vLT"``); None: no merging.

    Every final club is re-tested (``tests``).

    Parameters
    ----------
    frame : DataFrame
        Long or wide; balanced, consecutive years, positive X.
    log, hp_lambda : see :func:`hp_trends`.
    r, maxlags, critical : see :func:`log_t_test`.
    order_by : {"last", "last_third"}
    cstar, cstar_step : float
        Initial sieve criterion c* and its increment.
    merge : {"ps2009", "vlt", None}

    Notes
    -----
    Ties in the ordering keep the order of the units in the (sorted) frame. A unit dropped
    at the top in step 2 may still join the club in step 3 or a later club in step 4. The
    clusters depend on the choices above; report them with the result.

    Schnurbus, Haupt and Meier [5]_ replicate [4]_; psecta cites them for a different step 3
    (its ``adjust`` option: when the club fails, units are added one at a time, the best first,
    instead of raising c*), which is not implemented here. Earlier versions of this function
    offered a merge rule named after them (merge the adjacent pair with the highest t, repeat);
    no reference implementation attributes such a rule to them, and it is replaced by
    ``"vlt"``, the published rule closest to it.

    Examples
    --------
    Two groups heading to two different levels:

    >>> t = np.arange(1, 31)
    >>> rows = [m + d * t ** -0.5 for m in (11.0, 10.0) for d in (-0.3, -0.1, 0.1, 0.3)]
    >>> wide = pd.DataFrame(np.exp(rows), index=list("abcdefgh"), columns=range(1991, 2021))
    >>> result = club_convergence(wide)
    >>> result.clubs, result.divergent
    ((('a', 'b', 'c', 'd'), ('e', 'f', 'g', 'h')), ())
    """
    r = _check_r(r)
    if order_by not in ORDER_BY:
        raise InputError("one_of", name="order_by", choices=ORDER_BY, got=order_by)
    if merge not in _MERGE:
        raise InputError("one_of", name="merge", choices=MERGES, got=merge)
    if not cstar_step > 0:
        raise InputError("positive", name="cstar_step", got=cstar_step)
    trends = hp_trends(frame, unit=unit, year=year, value=value, log=log, lamb=hp_lambda)
    A = _matrix(trends)
    overall = _log_t(A, r, maxlags, critical)
    T = A.shape[1]
    key = A[:, -1] if order_by == "last" else A[:, T - math.ceil(T / 3):].mean(axis=1)
    order = np.argsort(-key, kind="stable")
    clustering = _Clustering(A[order], r, maxlags, critical, float(cstar), float(cstar_step))
    initial, divergent = clustering.clubs(list(range(len(order))))
    final = _MERGE[merge](clustering, initial)
    units = trends.index

    def named(groups):
        return tuple(tuple(units[sorted(order[group])]) for group in groups)

    rows = []
    for number, club in enumerate(final, start=1):
        x = clustering.test(club)
        rows.append({"club": number, "n": len(club), "b": x.b, "se": x.se, "t": x.t, "converges": x.converges})
    tests = pd.DataFrame(rows, columns=["club", "n", "b", "se", "t", "converges"])
    membership = pd.Series(pd.NA, index=trends.index, dtype="Int64", name="club")
    for number, club in enumerate(final, start=1):
        membership.iloc[order[club]] = number
    return ClubResult(clubs=named(final), divergent=tuple(units[sorted(order[divergent])]), tests=tests,
                      overall=overall, membership=membership, initial_clubs=named(initial), trends=trends)
