"""σ-, β- and club convergence (docs/METHODS.md §3): hand computations, equivalences with
statsmodels / linearmodels, planted parameters and planted clubs, long = wide.

Tolerances: hand arithmetic and equivalences 1e-10 relative (floating point only); planted
panel β within 0.003 (the estimate's clustered se is about 0.0006); simulations use fixed
seeds (numpy Generator) and assert exact club membership.
"""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import OLS

from deltawatch.methods import convergence
from deltawatch.methods.convergence import (
    BetaResult, ClubResult, LogTResult, SigmaResult, beta_convergence, club_convergence, convergence_speed,
    hp_trends, log_t_test, newey_west_lags, panel_beta_convergence, relative_transition, sigma_convergence,
)

REL = 1e-10
YEARS3 = [2000, 2001, 2002]


def to_long(wide, unit="unit", year="year", value="value"):
    """Long form of a units × years frame, rows shuffled so that order cannot matter."""
    long = wide.rename_axis(index=unit, columns=year).stack().rename(value).reset_index()
    return long.sample(frac=1.0, random_state=3).reset_index(drop=True)


def tiny_panel():
    # ln y:        2000  2001  2002
    #   a           0.0   0.5   0.8
    #   b           1.0   1.0   1.0
    #   c           2.0   1.5   1.2
    return pd.DataFrame(np.exp([[0.0, 0.5, 0.8], [1.0, 1.0, 1.0], [2.0, 1.5, 1.2]]), index=["a", "b", "c"],
                        columns=YEARS3)


# ---------------------------------------------------------------------------------- σ-convergence

def test_sigma_by_hand_on_three_units():
    # 2000: ln y = 0, 1, 2      mean 1, squares 1 + 0 + 1 = 2, /(3 − 1) → σ = 1
    # 2001: 0.5, 1, 1.5         squares 0.25 + 0 + 0.25 = 0.5, /2 → σ = 0.5
    # 2002: 0.8, 1, 1.2         squares 0.04 + 0 + 0.04 = 0.08, /2 → σ = 0.2
    # trend: x − x̄ = −1, 0, 1; σ − σ̄ = 0.4333, −0.0667, −0.3667 (σ̄ = 1.7/3)
    # slope = ((−1)(0.4333) + 0 + (1)(−0.3667)) / 2 = −0.8/2 = −0.4
    # intercept (year counted from 2000, x̄ = 1) = σ̄ − slope·x̄ = 1.7/3 + 0.4 = 0.9667
    result = sigma_convergence(tiny_panel())
    assert isinstance(result, SigmaResult)
    assert result.series["year"].tolist() == YEARS3
    assert result.series["sigma"].to_numpy() == pytest.approx([1.0, 0.5, 0.2], rel=REL)
    assert result.series["n"].tolist() == [3, 3, 3]
    assert result.slope == pytest.approx(-0.4, rel=REL)
    assert result.intercept == pytest.approx(1.7 / 3 + 0.4, rel=REL)
    # lag rule: floor(4 · (3/100)^(2/9)) = floor(4 · 0.4588) = 1
    assert result.maxlags == 1 and result.n_years == 3
    assert result.t == pytest.approx(result.slope / result.se, rel=REL)


def test_sigma_ddof_zero_and_missing_values():
    wide = tiny_panel()
    wide.loc["c", 2001] = np.nan
    result = sigma_convergence(wide, ddof=0)
    # 2000 with ddof = 0: sqrt(2/3); 2001 without c: ln y = 0.5, 1 → sd = 0.25; 2002: sqrt(0.08/3)
    assert result.series["sigma"].to_numpy() == pytest.approx([math.sqrt(2 / 3), 0.25, math.sqrt(0.08 / 3)],
                                                                rel=REL)
    assert result.series["n"].tolist() == [3, 2, 3]


def test_sigma_hac_equals_statsmodels():
    result = sigma_convergence(tiny_panel())
    x = np.column_stack([np.ones(3), [0.0, 1.0, 2.0]])  # years counted from the first
    direct = OLS(np.array([1.0, 0.5, 0.2]), x).fit(cov_type="HAC", cov_kwds={"maxlags": 1})
    assert result.se == pytest.approx(direct.bse[1], rel=REL)
    assert result.t == pytest.approx(direct.tvalues[1], rel=REL)
    assert result.p == pytest.approx(direct.pvalues[1], rel=REL)


def sigma_panel(growth, seed=1, n=30, years=12):
    rng = np.random.default_rng(seed)
    deviation = rng.normal(0, 0.5, n)
    t = np.arange(years)
    ln_y = 10 + np.outer(deviation, growth ** t) + rng.normal(0, 0.02, (n, years))
    return pd.DataFrame(np.exp(ln_y), columns=range(2010, 2010 + years))


def test_sigma_hac_by_hand_newey_west():
    # V = (X'X)⁻¹ S (X'X)⁻¹,
    # S = Σ u_t² x_t x_t' + Σ_{l=1}^{L} (1 − l/(L + 1)) Σ_t u_t u_{t−l} (x_t x_{t−l}' + x_{t−l} x_t'),
    # Bartlett weights, no small-sample factor; L = floor(4 (12/100)^(2/9)) = floor(2.497) = 2.
    result = sigma_convergence(sigma_panel(0.93))
    assert result.maxlags == 2 == newey_west_lags(12)
    sigma = result.series["sigma"].to_numpy()
    X = np.column_stack([np.ones(12), np.arange(12.0)])  # years counted from 2010
    coef = np.linalg.lstsq(X, sigma, rcond=None)[0]
    u = sigma - X @ coef
    scores = X * u[:, None]
    S = scores.T @ scores
    for lag in (1, 2):
        gamma = scores[lag:].T @ scores[:-lag]
        S += (1 - lag / 3) * (gamma + gamma.T)
    bread = np.linalg.inv(X.T @ X)
    se = math.sqrt((bread @ S @ bread)[1, 1])
    assert result.slope == pytest.approx(coef[1], rel=REL)
    assert result.se == pytest.approx(se, rel=1e-8)


def test_sigma_converging_flag():
    shrinking = sigma_convergence(sigma_panel(0.93))
    growing = sigma_convergence(sigma_panel(1.05))
    assert shrinking.slope < 0 and shrinking.p < 0.05 and shrinking.converging
    assert growing.slope > 0 and not growing.converging


def test_sigma_maxlags_is_used():
    wide = sigma_panel(0.93)
    assert sigma_convergence(wide, maxlags=0).se != pytest.approx(sigma_convergence(wide).se, rel=1e-6)
    x = np.column_stack([np.ones(12), np.arange(12.0)])
    sigma = sigma_convergence(wide).series["sigma"].to_numpy()
    plain = OLS(sigma, x).fit(cov_type="HAC", cov_kwds={"maxlags": 0})
    assert sigma_convergence(wide, maxlags=0).se == pytest.approx(plain.bse[1], rel=REL)


# ---------------------------------------------------------------------------------- β-convergence

def test_speed_and_half_life_by_hand():
    # β = −0.02, T = 20: 1 + βT = 0.6, λ = −ln 0.6 / 20 = 0.5108256/20 = 0.0255413,
    # half-life = ln 2 / λ = 0.6931472/0.0255413 = 27.1383 years
    speed, half_life, note = convergence_speed(-0.02, 20)
    assert speed == pytest.approx(0.5108256237659907 / 20, rel=REL)
    assert half_life == pytest.approx(0.6931471805599453 / (0.5108256237659907 / 20), rel=REL)
    assert half_life == pytest.approx(27.1383, abs=1e-4)
    assert note == ""


@pytest.mark.parametrize("beta, horizon, fragment", [(0.01, 20, "≥ 0"), (0.0, 20, "≥ 0"), (-0.05, 20, "≤ −1"),
                                                     (-0.06, 20, "≤ −1")])
def test_speed_undefined(beta, horizon, fragment):
    speed, half_life, note = convergence_speed(beta, horizon)
    assert math.isnan(speed) and math.isnan(half_life) and fragment in note


def exact_line_panel():
    # ln y0 = 0, 1, 2; growth = 0.1 − 0.02 ln y0 = 0.10, 0.08, 0.06; ln y20 = ln y0 + 20·growth = 2, 2.6, 3.2
    return pd.DataFrame({2000: np.exp([0.0, 1.0, 2.0]), 2020: np.exp([2.0, 2.6, 3.2])}, index=["a", "b", "c"])


def test_beta_exact_line():
    result = beta_convergence(exact_line_panel(), 2000, 2020)
    assert isinstance(result, BetaResult)
    assert result.alpha == pytest.approx(0.1, rel=REL)
    assert result.beta == pytest.approx(-0.02, rel=REL)
    assert result.r2 == pytest.approx(1.0, rel=REL)
    assert result.se == pytest.approx(0.0, abs=1e-12)
    assert (result.n, result.n_units, result.horizon, result.cov_type) == (3, 3, 20, "HC1")
    assert result.speed == pytest.approx(-math.log(0.6) / 20, rel=REL)
    assert result.half_life == pytest.approx(20 * math.log(2) / -math.log(0.6), rel=REL)


def test_beta_by_hand_with_hc1():
    # ln y0 = 0, 1, 2; growth over 10 years = 0.10, 0.09, 0.05
    # x̄ = 1, ȳ = 0.08; Sxy = (−1)(0.02) + 0 + (1)(−0.03) = −0.05; Sxx = 2 → β = −0.025, α = 0.08 + 0.025 = 0.105
    # fitted 0.105, 0.080, 0.055 → e = −0.005, 0.010, −0.005
    # HC0 var β = Σ (x − x̄)² e² / Sxx² = (25e-6 + 0 + 25e-6)/4 = 12.5e-6; HC1 = n/(n − k) = 3/1 times → 37.5e-6
    growth = np.array([0.10, 0.09, 0.05])
    wide = pd.DataFrame({2000: np.exp([0.0, 1.0, 2.0]), 2010: np.exp([0.0, 1.0, 2.0] + 10 * growth)},
                        index=["a", "b", "c"])
    result = beta_convergence(wide, 2000, 2010)
    assert result.beta == pytest.approx(-0.025, rel=REL)
    assert result.alpha == pytest.approx(0.105, rel=REL)
    assert result.se == pytest.approx(math.sqrt(37.5e-6), rel=1e-8)
    direct = OLS(growth, np.column_stack([np.ones(3), [0.0, 1.0, 2.0]])).fit(cov_type="HC1")
    assert result.se == pytest.approx(direct.bse[1], rel=REL)
    assert result.p == pytest.approx(direct.pvalues[1], rel=REL)
    assert result.r2 == pytest.approx(direct.rsquared, rel=REL)
    # β·T = −0.25: λ = −ln(0.75)/10
    assert result.speed == pytest.approx(-math.log(0.75) / 10, rel=REL)


def cross_section(seed=5, n=41):
    rng = np.random.default_rng(seed)
    ln_y0 = rng.normal(10, 0.6, n)
    openness = rng.normal(0, 1, n)
    growth = 0.5 - 0.04 * ln_y0 + 0.01 * openness + rng.normal(0, 0.005, n)
    units = [f"city{k:02d}" for k in range(n)]
    wide = pd.DataFrame({2005: np.exp(ln_y0), 2015: np.exp(ln_y0 + 10 * growth)}, index=units)
    return wide, pd.DataFrame({"openness": openness}, index=units)


def test_conditional_beta_equals_statsmodels_and_drops_units_without_controls():
    wide, controls = cross_section()
    controls = controls.iloc[:-2]  # the last two cities have no control
    result = beta_convergence(wide, 2005, 2015, controls=controls)
    ln_y0 = np.log(wide[2005].to_numpy()[:-2])
    growth = np.log(wide[2015] / wide[2005]).to_numpy()[:-2] / 10
    direct = OLS(growth, np.column_stack([np.ones(39), ln_y0, controls["openness"]])).fit(cov_type="HC1")
    assert result.n == 39 and "2 units without every control" in result.note
    assert result.beta == pytest.approx(direct.params[1], rel=REL)
    assert result.params["openness"] == pytest.approx(direct.params[2], rel=REL)
    assert result.bse.to_numpy() == pytest.approx(direct.bse, rel=REL)
    assert result.beta == pytest.approx(-0.04, abs=0.003) and result.converging


def test_absolute_beta_is_not_significant_without_the_gap():
    # growth unrelated to the initial level: β ≈ 0, not converging
    rng = np.random.default_rng(11)
    ln_y0 = rng.normal(10, 0.6, 41)
    wide = pd.DataFrame({2005: np.exp(ln_y0), 2015: np.exp(ln_y0 + 10 * rng.normal(0.08, 0.01, 41))})
    result = beta_convergence(wide, 2005, 2015)
    assert abs(result.beta) < 0.01 and not result.converging


# ---------------------------------------------------------------------------------- panel β

def planted_panel(seed=0, beta=-0.05, n=40, years=25, noise=0.003):
    """ln y_it = ln y_i,t−1 + a_i + d_t + β ln y_i,t−1 + e_it: unit effects a_i = −β(10 + s_i) (steady
    states 10 + s_i), year effects d_t, starting 0.8 (sd) away from the steady state and small noise,
    so that the Nickell bias of the within estimator stays far below the tolerance."""
    rng = np.random.default_rng(seed)
    s = rng.normal(0, 0.3, n)
    a = -beta * (10 + s)
    d = 0.05 + rng.normal(0, 0.01, years)
    ln_y = np.empty((n, years))
    ln_y[:, 0] = 10 + s + rng.normal(0, 0.8, n)
    for t in range(1, years):
        ln_y[:, t] = ln_y[:, t - 1] + a + d[t] + beta * ln_y[:, t - 1] + rng.normal(0, noise, n)
    return pd.DataFrame(np.exp(ln_y), index=[f"c{k:02d}" for k in range(n)], columns=range(2000, 2000 + years))


def test_panel_recovers_planted_beta():
    wide = planted_panel()
    annual = panel_beta_convergence(wide)
    assert annual.beta == pytest.approx(-0.05, abs=0.003)
    assert annual.speed == pytest.approx(-math.log(0.95), abs=0.003)
    assert (annual.n, annual.n_units, annual.horizon) == (40 * 24, 40, 1) and annual.converging
    # five-year intervals 2000–05, …, 2015–20: β₅ = (0.95⁵ − 1)/5, the same speed −ln 0.95
    five = panel_beta_convergence(wide, interval=5)
    assert five.n == 40 * 4
    assert five.beta == pytest.approx((0.95 ** 5 - 1) / 5, abs=0.003)
    assert five.speed == pytest.approx(-math.log(0.95), abs=0.003)


def interval_rows(wide, controls, starts, interval=2):
    """The regression data of panel_beta_convergence written out: one row per unit and interval."""
    rows = []
    for start in starts:
        for unit in wide.index:
            rows.append({"unit": unit, "year": start + interval, "const": 1.0,
                         "growth": math.log(wide.loc[unit, start + interval] / wide.loc[unit, start]) / interval,
                         "lag": math.log(wide.loc[unit, start]), "z": controls.loc[(unit, start), "z"]})
    return pd.DataFrame(rows)


def panel_with_control():
    wide = planted_panel(seed=2, n=15, years=8)
    rng = np.random.default_rng(4)
    controls = pd.DataFrame({"z": rng.normal(0, 1, 15 * 8)},
                            index=pd.MultiIndex.from_product([wide.index, wide.columns]))
    return wide, controls


def test_panel_equals_linearmodels_and_uses_controls_at_the_interval_start():
    from linearmodels.panel import PanelOLS

    wide, controls = panel_with_control()
    result = panel_beta_convergence(wide, interval=2, controls=controls)
    # 2006–08 is incomplete (the last year is 2007)
    data = interval_rows(wide, controls, (2000, 2002, 2004)).set_index(["unit", "year"])
    direct = PanelOLS(data["growth"], data[["const", "lag", "z"]], entity_effects=True, time_effects=True).fit(
        cov_type="clustered", cluster_entity=True, group_debias=True)
    assert result.n == 45
    assert result.beta == pytest.approx(direct.params["lag"], rel=REL)
    assert result.params["z"] == pytest.approx(direct.params["z"], rel=REL)
    assert result.se == pytest.approx(direct.std_errors["lag"], rel=REL)
    assert result.p == pytest.approx(direct.pvalues["lag"], rel=REL)
    assert result.cov_type == "clustered by unit, G/(G−1)·(N−1)/(N−K)"


def test_panel_clustered_se_equals_statsmodels_dummies_and_the_formula():
    # Reference: statsmodels OLS on unit and year dummies, cov_type="cluster" (groups = units),
    # whose default correction is G/(G − 1)·(N − 1)/(N − K) — Stata's regress …, vce(cluster).
    # Here G = 15 units, N = 45 (3 intervals), K = const + lag + z + 14 unit + 2 year dummies = 19.
    wide, controls = panel_with_control()
    result = panel_beta_convergence(wide, interval=2, controls=controls)
    data = interval_rows(wide, controls, (2000, 2002, 2004))
    dummies = pd.get_dummies(data[["unit", "year"]].astype(str), drop_first=True, dtype=float)
    X = pd.concat([data[["const", "lag", "z"]], dummies], axis=1)
    assert X.shape == (45, 19)
    groups = pd.factorize(data["unit"])[0]
    lsdv = OLS(data["growth"], X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    assert result.beta == pytest.approx(lsdv.params["lag"], rel=1e-9)
    assert result.se == pytest.approx(lsdv.bse["lag"], rel=1e-9)
    # the same by hand: V = c (X'X)⁻¹ (Σ_g X_g'u_g u_g'X_g) (X'X)⁻¹, c = 15/14 · 44/26
    x = X.to_numpy()
    u = lsdv.resid.to_numpy()
    bread = np.linalg.inv(x.T @ x)
    meat = sum(np.outer(x[groups == g].T @ u[groups == g], x[groups == g].T @ u[groups == g]) for g in range(15))
    V = (15 / 14) * (44 / 26) * bread @ meat @ bread
    assert result.se == pytest.approx(math.sqrt(V[1, 1]), rel=1e-9)
    # without the G/(G − 1)(N − 1)/N part (linearmodels' default) the se would be smaller by
    # sqrt(15/14 · 44/45) = 1.0235: the correction is applied
    assert result.se / math.sqrt(V[1, 1] * 14 / 15 * 45 / 44) == pytest.approx(math.sqrt(15 / 14 * 44 / 45), rel=1e-9)
    # p: two-sided Student t with N − K = 26 degrees of freedom
    from scipy import stats

    assert result.p == pytest.approx(2 * stats.t.sf(abs(result.beta / result.se), 26), rel=1e-9)


def test_panel_clustered_se_with_unit_effects_only_by_hand():
    # With unit effects alone they are nested in the unit clusters and not counted (Stata's
    # xtreg, fe vce(cluster unit)): c = G/(G − 1)·(N − 1)/(N − k), k = const + lag + z = 3,
    # on the within-transformed data (each unit's means removed, the grand mean added back)
    wide, controls = panel_with_control()
    result = panel_beta_convergence(wide, interval=2, controls=controls, time_effects=False)
    data = interval_rows(wide, controls, (2000, 2002, 2004))
    cols = ["growth", "lag", "z"]
    within = data[cols] - data.groupby("unit")[cols].transform("mean") + data[cols].mean()
    x = np.column_stack([np.ones(45), within[["lag", "z"]]])
    y = within["growth"].to_numpy()
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    u = y - x @ coef
    groups = pd.factorize(data["unit"])[0]
    bread = np.linalg.inv(x.T @ x)
    meat = sum(np.outer(x[groups == g].T @ u[groups == g], x[groups == g].T @ u[groups == g]) for g in range(15))
    V = (15 / 14) * (44 / 42) * bread @ meat @ bread
    assert result.beta == pytest.approx(coef[1], rel=1e-9)
    assert result.se == pytest.approx(math.sqrt(V[1, 1]), rel=1e-9)


# ---------------------------------------------------------------------------------- log t test

def test_log_t_regression_by_hand():
    rng = np.random.default_rng(8)
    X = 10 + rng.normal(0, 1, (4, 1)) * np.linspace(1.0, 0.2, 9) + rng.normal(0, 0.05, (4, 9))
    result = log_t_test(X)
    # h = X / column mean; H_t = mean_i (h − 1)²; [rT] = [9/3] = 3, so t = 3 … 9 (7 periods)
    h = X / X.mean(axis=0)
    H = ((h - 1) ** 2).mean(axis=0)
    t = np.arange(3, 10)
    y = np.log(H[0] / H[2:]) - 2 * np.log(np.log(t))
    b, a = np.polyfit(np.log(t), y, 1)
    assert result.b == pytest.approx(b, rel=1e-9) and result.a == pytest.approx(a, rel=1e-9)
    # lag rule floor(4 (7/100)^(2/9)) = floor(2.215) = 2
    assert (result.first_period, result.periods, result.maxlags, result.n_units) == (3, 7, 2, 4)
    direct = OLS(y, np.column_stack([np.ones(7), np.log(t)])).fit(cov_type="HAC", cov_kwds={"maxlags": 2})
    assert result.se == pytest.approx(direct.bse[1], rel=1e-9)
    assert result.t == pytest.approx(result.b / result.se, rel=REL)
    assert relative_transition(X) == pytest.approx(h, rel=REL)


def test_log_t_r_sets_the_first_period():
    X = 10 + np.outer([-1.0, 0.5, 1.0], np.arange(1, 31) ** -0.5)
    assert log_t_test(X, r=0.2).first_period == 6 and log_t_test(X, r=0.2).periods == 25
    assert log_t_test(X).first_period == 10  # [30/3]
    assert log_t_test(X[:, :10]).first_period == 3  # [10/3] = [3.33] = 3: the integer part


def test_log_t_critical_value_decides():
    X = 10 + np.outer([-1.0, 0.5, 1.0], np.arange(1, 31) ** -0.5)
    t = log_t_test(X).t
    assert log_t_test(X, critical=t - 0.01).converges
    assert not log_t_test(X, critical=t + 0.01).converges


def logt_panel(seed, growth_spread):
    """ln y_it = ln 30000 + 0.06 t + d_i 0.88^t + g_i t + noise; g_i = 0 converges, g_i spread diverges."""
    rng = np.random.default_rng(seed)
    t = np.arange(25)
    d = rng.uniform(-0.4, 0.4, 30)
    g = rng.uniform(-growth_spread, growth_spread, 30)
    ln_y = np.log(30000) + 0.06 * t + np.outer(d, 0.88 ** t) + np.outer(g, t) + rng.normal(0, 0.01, (30, 25))
    return pd.DataFrame(np.exp(ln_y), columns=range(1999, 2024))


def test_log_t_convergent_panel_passes():
    result = log_t_test(hp_trends(logt_panel(21, 0.0)))
    assert isinstance(result, LogTResult)
    assert result.t > -1.65 and result.converges and result.b > 0


def test_log_t_divergent_panel_fails():
    result = log_t_test(hp_trends(logt_panel(21, 0.02)))
    assert result.t < -1.65 and not result.converges


# ---------------------------------------------------------------------------------- clubs

def planted_clubs(seed, sizes=(10, 15, 12), offsets=(0.5, 0.0, -0.5), years=25):
    """Three clubs converging to steady-state paths 0.5 apart in logs (common growth 6 % a
    year): ln y_it = ln 30000 + 0.06 t + s_c + d_i 0.88^t + e_it, d_i ~ U(−0.2, 0.2) (the
    clubs do not overlap at the start), e_it ~ N(0, 0.01²). Units are shuffled."""
    rng = np.random.default_rng(seed)
    t = np.arange(years)
    rows, labels = [], []
    for club, (size, offset) in enumerate(zip(sizes, offsets)):
        for d in rng.uniform(-0.2, 0.2, size):
            rows.append(np.log(30000) + 0.06 * t + offset + d * 0.88 ** t + rng.normal(0, 0.01, years))
            labels.append(club)
    units = [f"u{k:02d}" for k in range(len(rows))]
    shuffle = rng.permutation(len(rows))
    wide = pd.DataFrame(np.exp(np.array(rows)[shuffle]), index=[units[k] for k in shuffle],
                        columns=range(1999, 1999 + years))
    planted = tuple(tuple(sorted(u for u, c in zip(units, labels) if c == club)) for club in range(len(sizes)))
    return wide, planted


@pytest.mark.parametrize("seed", range(5))
def test_clubs_recover_planted_membership(seed):
    wide, planted = planted_clubs(seed)
    result = club_convergence(wide)
    assert isinstance(result, ClubResult)
    assert result.clubs == planted  # exact: no unit misplaced
    assert result.divergent == ()
    assert result.membership.loc[list(planted[1])].tolist() == [2] * 15
    # every reported club passes its own re-test, and the table is that re-test
    assert result.tests["club"].tolist() == [1, 2, 3] and result.tests["n"].tolist() == [10, 15, 12]
    assert result.tests["converges"].all() and (result.tests["t"] >= -1.65).all()
    for number, club in enumerate(result.clubs, start=1):
        direct = log_t_test(result.trends.loc[list(club)])
        assert result.tests.loc[number - 1, "t"] == pytest.approx(direct.t, rel=REL)
        assert result.tests.loc[number - 1, "b"] == pytest.approx(direct.b, rel=REL)
    # the three clubs together do not converge
    assert not result.overall.converges and result.overall.n_units == 37


def test_clubs_with_last_third_ordering_and_other_merges():
    wide, planted = planted_clubs(7)
    for options in ({"order_by": "last_third"}, {"merge": "ps2009"}, {"merge": None}):
        assert club_convergence(wide, **options).clubs == planted


def test_divergent_units_are_reported():
    wide, planted = planted_clubs(3)
    t = np.arange(wide.shape[1])
    centre = np.log(wide).mean().to_numpy()
    # one city pulling away upwards, one falling behind: in no club
    runaways = pd.DataFrame(np.exp([centre + 0.3 + 0.04 * t, centre - 0.3 - 0.04 * t]), index=["up", "down"],
                            columns=wide.columns)
    result = club_convergence(pd.concat([wide, runaways]))
    assert result.clubs == planted
    assert result.divergent == ("down", "up")
    assert result.membership[["down", "up"]].isna().all()


def hp_by_hand(wide, lamb=400.0):
    """ln y smoothed by statsmodels' HP filter, row by row (independent of hp_trends)."""
    from statsmodels.tsa.filters.hp_filter import hpfilter

    return np.vstack([np.asarray(hpfilter(np.log(row), lamb=lamb)[1]) for row in wide.to_numpy(dtype=float)])


def log_t_by_hand(X, r=1 / 3):
    """The log t statistic written out from Phillips & Sul (2007), independent of the module:
    h = X / column mean, H_t = mean_i (h − 1)², regress ln(H_1/H_t) − 2 ln ln t on (1, ln t)
    for t = ⌊rT⌋ … T, Newey–West HAC with lag floor(4 (n/100)^(2/9)) (statsmodels, Bartlett)."""
    X = np.asarray(X, dtype=float)
    T = X.shape[1]
    h = X / X.mean(axis=0)
    H = ((h - 1) ** 2).mean(axis=0)
    t = np.arange(max(math.floor(r * T + 1e-9), 2), T + 1)
    y = np.log(H[0] / H[t - 1]) - 2 * np.log(np.log(t))
    lags = math.floor(4 * (len(t) / 100) ** (2 / 9))
    fit = OLS(y, np.column_stack([np.ones(len(t)), np.log(t)])).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return float(fit.tvalues[1])


def test_core_is_the_size_with_the_largest_t():
    # seed 0: t_k recomputed in the test (statsmodels HP filter and OLS + HAC, not the module)
    # for the k highest units, k = 2 …: 4.33, 6.98, 9.13, 9.09, 11.46, 12.08, 8.62, 8.73, 9.56
    # (the 10 units of club 1), then far below −1.65: the core is k* = 7, not 10
    wide, planted = planted_clubs(0)
    X = hp_by_hand(wide)
    X = X[np.argsort(-X[:, -1], kind="stable")]
    ts = [log_t_by_hand(X[:k]) for k in range(2, 12)]
    assert ts[:9] == pytest.approx([4.33, 6.98, 9.13, 9.09, 11.46, 12.08, 8.62, 8.73, 9.56], abs=0.005)
    assert ts[9] < -1.65
    clustering = convergence._Clustering(X, 1 / 3, None, -1.65, 0.0, 0.05)
    assert clustering.core(list(range(len(X)))) == list(range(7))  # k* = 7 = argmax of the list above


def one_club_with_a_straggler(seed=0, years=25):
    """A panel that converges as a whole (t ≈ 6.9) although the core search would drop a unit:
    6 leaders at +0.5 converging among themselves (0.7^t), 20 catching up from 0.5–1.5 below
    (0.95^t), and a straggler 0.1 below the leaders from the start, with no transition of its
    own (ln y_it = ln 30000 + 0.06 t + level + deviation + e_it, e_it ~ N(0, 0.003²))."""
    rng = np.random.default_rng(seed)
    t = np.arange(years)
    base = np.log(30000) + 0.06 * t
    rows = [base + 0.5 + d * 0.7 ** t + rng.normal(0, 0.003, years) for d in rng.uniform(-0.05, 0.05, 6)]
    rows += [base + 0.5 + d * 0.95 ** t + rng.normal(0, 0.003, years) for d in rng.uniform(-1.5, -0.5, 20)]
    rows.append(base + 0.4 + rng.normal(0, 0.003, years))
    units = [f"lead{k}" for k in range(6)] + [f"catch{k:02d}" for k in range(20)] + ["straggler"]
    return pd.DataFrame(np.exp(rows), index=units, columns=range(1999, 1999 + years))


def test_a_panel_that_converges_as_a_whole_is_one_club():
    wide = one_club_with_a_straggler()
    X = hp_by_hand(wide)
    # the whole panel passes the log t test by far (recomputed here: t ≈ 6.87 > −1.65) ...
    assert log_t_by_hand(X) == pytest.approx(6.87, abs=0.01)
    # ... while the core search alone (steps 2–3) leaves the straggler out: ordered by the last
    # value, the core is the top pair, and the core + straggler has t far below c* = 0
    order = np.argsort(-X[:, -1], kind="stable")
    straggler = int(np.flatnonzero(order == 26)[0])
    clustering = convergence._Clustering(X[order], 1 / 3, None, -1.65, 0.0, 0.05)
    group = list(range(27))
    core = clustering.core(group)
    assert core == [0, 1]
    assert log_t_by_hand(X[order][core + [straggler]]) < 0
    club = clustering.sieve(core, [u for u in group if u not in core])
    assert len(club) == 26 and straggler not in club
    # Phillips–Sul test the whole panel first: one club of all 27, no divergent unit
    result = club_convergence(wide)
    assert result.overall.converges and result.overall.t == pytest.approx(6.87, abs=0.01)
    assert result.clubs == (tuple(sorted(wide.index)),) and result.divergent == ()
    assert result.initial_clubs == result.clubs
    assert result.membership.eq(1).all()
    assert result.tests[["club", "n"]].to_numpy().tolist() == [[1, 27]]
    assert result.tests.loc[0, "t"] == pytest.approx(result.overall.t, rel=REL)


def test_a_remainder_that_converges_is_one_club():
    # club A (8 units, fast transition 0.88^t) above club B (8 units, slow transition 0.98^t):
    # B as a whole passes (t ≈ 0.27) although core + sieve at c* = 0 alone would split it;
    # step 4 keeps it whole (no merging here, to see step 4 alone)
    rng = np.random.default_rng(0)
    t = np.arange(25)
    rows = [np.log(30000) + 0.06 * t + 0.5 + d * 0.88 ** t + rng.normal(0, 0.01, 25) for d in rng.uniform(-0.2, 0.2, 8)]
    rows += [np.log(30000) + 0.06 * t + d * 0.98 ** t + rng.normal(0, 0.01, 25) for d in rng.uniform(-0.2, 0.2, 8)]
    wide = pd.DataFrame(np.exp(rows), index=[f"u{k:02d}" for k in range(16)], columns=range(25))
    result = club_convergence(wide, merge=None)
    assert -1.65 < log_t_test(result.trends.iloc[8:]).t < 1
    assert result.clubs == (tuple(wide.index[:8]), tuple(wide.index[8:]))


def test_sieve_raises_cstar_until_the_club_passes():
    # Overlapping clubs (d_i ~ U(−0.35, 0.35), seed 2): at c* = 0 the top club takes in units
    # that make it fail the joint test; raising c* must end with a club that passes.
    rng = np.random.default_rng(2)
    t = np.arange(25)
    rows = [np.log(30000) + 0.06 * t + offset + d * 0.88 ** t + rng.normal(0, 0.01, 25)
            for offset in (0.5, 0.0, -0.5) for d in rng.uniform(-0.35, 0.35, 12)]
    X = hp_trends(pd.DataFrame(np.exp(rows), columns=range(25))).to_numpy()
    X = X[np.argsort(-X[:, -1], kind="stable")]
    found = None
    for cut in range(len(X) - 2):  # the first subgroup (from some unit down) where c* has to rise
        clustering = convergence._Clustering(X[cut:], 1 / 3, None, -1.65, 0.0, 0.05)
        group = list(range(len(X) - cut))
        core = clustering.core(group)
        if core is None:
            continue
        others = [u for u in group if u not in core]
        naive = sorted(core + [u for u in others if clustering.test(core + [u]).t > 0.0])
        if not clustering.test(naive).converges:
            found = clustering, core, others, naive
            break
    assert found is not None, "the fixture must exercise a raised c*"
    clustering, core, others, naive = found
    club = clustering.sieve(core, others)
    assert set(core) <= set(club) < set(naive)
    assert clustering.test(club).converges


def test_merging_joins_adjacent_clubs_that_converge_together():
    wide, planted = planted_clubs(4)
    X = hp_trends(wide)
    rows = {u: k for k, u in enumerate(X.index)}
    clustering = convergence._Clustering(X.to_numpy(), 1 / 3, None, -1.65, 0.0, 0.05)
    first = sorted(rows[u] for u in planted[0])
    split = [first[:5], first[5:], sorted(rows[u] for u in planted[1]), sorted(rows[u] for u in planted[2])]
    expected = [first, split[2], split[3]]
    assert convergence._merge_vlt(clustering, split) == expected
    assert convergence._merge_ps2009(clustering, split) == expected
    # clubs that do not converge together stay apart
    assert convergence._merge_vlt(clustering, expected) == expected
    assert convergence._merge_ps2009(clustering, expected) == expected


class ScriptedTests:
    """A stand-in for the clustering whose log t statistic of each union of clubs is written
    by hand, so that a merge rule can be followed step by step."""

    def __init__(self, t_of):
        self.t_of = {frozenset(k): v for k, v in t_of.items()}

    def test(self, group):
        t = self.t_of[frozenset(group)]
        return LogTResult(b=0.0, se=1.0, t=t, converges=t >= -1.65, a=0.0, n_units=len(group), first_period=2,
                          periods=3, maxlags=0)


def test_merge_rules_by_hand():
    # Four clubs A = [0], B = [1], C = [2], D = [3], highest first; t of the unions:
    #   A+B = 3, B+C = 1, C+D = 5, A+B+C = −2, B+C+D = 4, A+B+C+D = −3
    t_of = {(0, 1): 3.0, (1, 2): 1.0, (2, 3): 5.0, (0, 1, 2): -2.0, (1, 2, 3): 4.0, (0, 1, 2, 3): -3.0}
    clubs = [[0], [1], [2], [3]]
    # von Lyncker–Thoennessen: pairs (3, 1, 5); A+B passes and 3 > 1 → merge; pairs (AB+C = −2,
    # C+D = 5): AB+C fails, C+D is the last pair and passes → merge; AB+CD = −3 fails → stop
    assert convergence._merge_vlt(ScriptedTests(t_of), clubs) == [[0, 1], [2, 3]]
    # Phillips–Sul 2009: A+B = 3 passes; AB+C = −2 fails, restart at C; C+D = 5 passes
    assert convergence._merge_ps2009(ScriptedTests(t_of), clubs) == [[0, 1], [2, 3]]
    # the pair with the highest t first (the rule formerly named after Schnurbus et al.) would
    # merge C+D (5), then B+CD (4): [[0], [1, 2, 3]]; von Lyncker–Thoennessen does not look ahead
    t_of2 = {(0, 1): 1.0, (1, 2): 3.0, (2, 3): 2.0, (0, 1, 2): 6.0, (1, 2, 3): -2.0, (0, 1, 2, 3): -3.0}
    # vLT: pairs (1, 3, 2): A+B passes but 1 < 3; B+C passes and 3 > 2 → merge; pairs
    # (A+BC = 6, BC+D = −2): 6 > −2 → merge; ABC+D = −3 → stop
    assert convergence._merge_vlt(ScriptedTests(t_of2), clubs) == [[0, 1, 2], [3]]
    # PS 2009: A+B = 1 passes, AB+C = 6 passes, ABC+D = −3 fails: the same clubs
    assert convergence._merge_ps2009(ScriptedTests(t_of2), clubs) == [[0, 1, 2], [3]]
    # t = −1 passes (≥ −1.65) and beats the next pair's −2: merged, although both are negative
    t_of3 = {(0, 1): -1.0, (1, 2): -2.0, (0, 1, 2): -5.0}
    assert convergence._merge_vlt(ScriptedTests(t_of3), [[0], [1], [2]]) == [[0, 1], [2]]


# ---------------------------------------------------------------------------------- long = wide

def assert_same(a, b):
    for name, x in vars(a).items():
        y = getattr(b, name)
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x.reset_index(drop=True), y.reset_index(drop=True), check_names=False)
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, check_names=False, check_index_type=False)
        elif isinstance(x, float) and math.isnan(x):
            assert math.isnan(y), name
        else:
            assert x == y, name


@pytest.mark.parametrize("method", ["sigma", "beta", "panel", "clubs"])
def test_long_and_wide_give_the_same_result(method):
    calls = {
        "sigma": (sigma_panel(0.93), lambda f, **k: sigma_convergence(f, **k)),
        "beta": (cross_section()[0], lambda f, **k: beta_convergence(f, 2005, 2015, **k)),
        "panel": (planted_panel(n=12, years=10), lambda f, **k: panel_beta_convergence(f, **k)),
        "clubs": (planted_clubs(0)[0], lambda f, **k: club_convergence(f, **k)),
    }
    wide, call = calls[method]
    from_wide = call(wide)
    from_long = call(to_long(wide))
    from_named = call(to_long(wide, "城市", "年份", "人均GDP"), unit="城市", year="年份", value="人均GDP")
    assert_same(from_wide, from_long)
    assert_same(from_wide, from_named)


def test_year_columns_may_be_strings():
    wide = tiny_panel()
    assert sigma_convergence(wide.set_axis(["2000", "2001", "2002"], axis=1)).slope == pytest.approx(-0.4, rel=REL)


# ---------------------------------------------------------------------------------- bad inputs

def test_bad_inputs_raise_with_the_parameter_named():
    wide = tiny_panel()
    negative = wide.copy()
    negative.loc["a", 2001] = -1.0
    with pytest.raises(ValueError, match="log=True needs positive values, got -1.0 for unit 'a' in 2001"):
        sigma_convergence(negative)
    long = to_long(wide)
    with pytest.raises(ValueError, match="repeated"):
        sigma_convergence(pd.concat([long, long.iloc[:1]]))
    with pytest.raises(ValueError, match="long, with columns"):
        sigma_convergence(long.rename(columns={"value": "gdp"}))
    with pytest.raises(TypeError, match="DataFrame"):
        sigma_convergence(wide.to_numpy())
    with pytest.raises(ValueError, match="start = 1999"):
        beta_convergence(wide, 1999, 2002)
    with pytest.raises(ValueError, match="end must come after start"):
        beta_convergence(wide, 2002, 2000)
    with pytest.raises(ValueError, match="interval"):
        panel_beta_convergence(wide, interval=0)
    with pytest.raises(ValueError, match="maxlags"):
        sigma_convergence(wide, maxlags=-1)
    clubs, _ = planted_clubs(0)
    with pytest.raises(ValueError, match="order_by"):
        club_convergence(clubs, order_by="first")
    with pytest.raises(ValueError, match="merge"):
        club_convergence(clubs, merge="always")
    gap = clubs.copy()
    gap.iloc[0, 3] = np.nan
    with pytest.raises(ValueError, match="balanced panel; units \\['u"):
        club_convergence(gap)
    with pytest.raises(ValueError, match="consecutive"):
        club_convergence(clubs.drop(columns=2005))
    with pytest.raises(ValueError, match="positive"):
        log_t_test(-np.ones((3, 10)))
    with pytest.raises(ValueError, match="r "):
        log_t_test(np.ones((3, 10)), r=1.0)

