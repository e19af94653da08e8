"""Each step's methods against hand computations on small examples."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from deltawatch.methods.index import IndexSpecError, build, load_spec
from deltawatch.methods.index.treat import kurtosis, log_ct, skewness, winsorise

X = [2.0, 4.0, 6.0, 10.0]


def one_indicator(method, params=None, direction=1, x=X, **node):
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": direction, **node}],
                      "pipeline": [{"step": "normalise", "method": method, "params": params or {}},
                                   {"step": "aggregate"}]})
    data = pd.DataFrame({"unit_code": [f"u{k + 1}" for k in range(len(x))], "x": x})
    return build(spec, data).datasets["Normalised"]["x"].to_numpy()


# ---- normalise ---------------------------------------------------------------------------------
@pytest.mark.parametrize("method, params, direction, node, expected", [
    ("minmax", {}, 1, {}, [0, 25, 50, 100]),                       # (x − 2)/8 · 100
    ("minmax", {"low": 1, "high": 100}, 1, {}, [1, 25.75, 50.5, 100]),
    ("minmax", {}, -1, {}, [100, 75, 50, 0]),                      # on −x
    ("zscore", {}, 1, {}, np.array([-3.5, -1.5, 0.5, 4.5]) / np.sqrt(35 / 3)),  # sd with n − 1
    ("zscore", {"mean": 10, "sd": 2}, 1, {}, 10 + 2 * np.array([-3.5, -1.5, 0.5, 4.5]) / np.sqrt(35 / 3)),
    ("goalposts", {}, 1, {"goalposts": [0, 20]}, [10, 20, 30, 50]),
    ("goalposts", {}, -1, {"goalposts": [0, 20]}, [90, 80, 70, 50]),  # (20 − x)/20 · 100
    ("goalposts", {}, 1, {"goalposts": [3, 8]}, [0, 20, 60, 100]),    # censored to [0, 100]
    ("goalposts", {"censor": False}, 1, {"goalposts": [3, 8]}, [-20, 20, 60, 140]),
    ("dist2max", {}, 1, {}, [0, 0.25, 0.5, 1]),
    ("dist2ref", {"unit": "u2"}, 1, {}, [0, 1, 2, 4]),              # 1 − (4 − x)/(4 − 2)
    ("dist2ref", {"unit": "u2", "cap": True}, 1, {}, [0, 1, 1, 1]),
    ("dist2target", {}, 1, {"target": 8}, [0, 1 / 3, 2 / 3, 4 / 3]),  # 1 − (8 − x)/(8 − 2)
    ("dist2target", {"cap": True}, 1, {"target": 8}, [0, 1 / 3, 2 / 3, 1]),
    ("fracmax", {}, 1, {}, [0.2, 0.4, 0.6, 1]),
    ("rank", {}, 1, {}, [1, 2, 3, 4]),
    ("sdsn", {"top": 2, "lower_percentile": 25, "use_target": False}, 1, {},  # upper (10 + 6)/2, lower 3.5
     np.clip((np.array(X) - 3.5) / 4.5, 0, 1) * 100),
    ("sdsn", {"top": 2, "lower_percentile": 25}, 1, {"target": 9}, np.clip((np.array(X) - 3.5) / 5.5, 0, 1) * 100),
    ("none", {}, -1, {}, [-2, -4, -6, -10]),
])
def test_normalisers(method, params, direction, node, expected):
    np.testing.assert_allclose(one_indicator(method, params, direction, **node), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method, expected", [("rank", [1, 2, 2, 4]), ("percentile_rank", [0, 1 / 3, 1 / 3, 1]),
                                              ("borda", [0, 1, 1, 3])])
def test_rank_normalisers_share_the_lowest_rank_on_ties(method, expected):
    np.testing.assert_allclose(one_indicator(method, x=[2.0, 4.0, 4.0, 10.0]), expected)


def test_goalposts_of_a_lower_is_better_indicator_by_hand():
    # lower = 0, upper = 50 in natural units, direction −1: the best value is the lower bound,
    # y = (upper − x)/(upper − lower)·100; x = 10 → (50 − 10)/50·100 = 80, x = 40 → 20,
    # x = 60 → −20, censored to 0; x = 0 → 100
    x = [10.0, 40.0, 60.0, 0.0]
    np.testing.assert_allclose(one_indicator("goalposts", {}, -1, x=x, goalposts=[0, 50]), [80, 20, 0, 100])
    np.testing.assert_allclose(one_indicator("goalposts", {"censor": False}, -1, x=x, goalposts=[0, 50]),
                               [80, 20, -20, 100])
    # direction +1 with the same bounds: (x − 0)/50·100 = 20, 80, 120 → 100, 0
    np.testing.assert_allclose(one_indicator("goalposts", {}, 1, x=x, goalposts=[0, 50]), [20, 80, 100, 0])


def test_goalposts_from_the_steps_lower_and_upper():
    # docs/index-spec.md: `goalposts` (`lower`/`upper` or the node's): no node needs goalposts
    x = [10.0, 40.0, 60.0, 0.0]
    np.testing.assert_allclose(one_indicator("goalposts", {"lower": 0, "upper": 50}, -1, x=x), [80, 20, 0, 100])
    np.testing.assert_allclose(one_indicator("goalposts", {"lower": 0, "upper": 50}, 1, x=x), [20, 80, 100, 0])
    # the step's bounds take precedence over the node's ([0, 200]: 10 would give 95)
    np.testing.assert_allclose(one_indicator("goalposts", {"lower": 0, "upper": 50}, -1, x=x, goalposts=[0, 200]),
                               [80, 20, 0, 100])
    # one bound from the step, the other from the node: lower 0 (node), upper 50 (step)
    np.testing.assert_allclose(one_indicator("goalposts", {"upper": 50}, -1, x=x, goalposts=[0, 200]),
                               [80, 20, 0, 100])


def test_goalposts_set_for_one_indicator_of_a_step():
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "co2", "parent": "I", "direction": -1},
                                {"code": "gdp", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "normalise", "method": "minmax", "indicators": {
                                        "co2": {"method": "goalposts", "params": {"lower": 0, "upper": 50}}}},
                                   {"step": "aggregate"}]})
    result = build(spec, pd.DataFrame({"unit_code": ["a", "b"], "co2": [10.0, 40.0], "gdp": [1.0, 3.0]}))
    # co2: (50 − 10)/50·100 = 80, (50 − 40)/50·100 = 20; gdp min-max: 0, 100
    assert result.scores["co2"].tolist() == [80, 20] and result.scores["I"].tolist() == [40, 60]


def test_goalposts_and_targets_are_required_where_used():
    with pytest.raises(IndexSpecError, match="goalposts"):
        one_indicator("goalposts")
    with pytest.raises(IndexSpecError, match="goalposts"):
        one_indicator("goalposts", {"lower": 0})  # no upper bound anywhere
    with pytest.raises(IndexSpecError, match="target"):
        one_indicator("dist2target")
    with pytest.raises(IndexSpecError, match="u9"):
        one_indicator("dist2ref", {"unit": "u9"})


def test_a_constant_indicator_is_reported_not_hidden():
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1},
                                {"code": "y", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "normalise"}, {"step": "aggregate"}]})
    result = build(spec, pd.DataFrame({"unit_code": ["a", "b"], "x": [1.0, 1.0], "y": [0.0, 1.0]}))
    assert result.scores["x"].isna().all() and result.scores["I"].tolist() == [0.0, 100.0]
    assert any("['x']" in w for w in result.warnings)


def test_per_indicator_normalisation():
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1},
                                {"code": "y", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "normalise", "indicators": {"y": {"method": "rank"}}},
                                   {"step": "aggregate"}]})
    result = build(spec, pd.DataFrame({"unit_code": ["a", "b", "c"], "x": [0.0, 5.0, 10.0], "y": [7.0, 9.0, 8.0]}))
    assert result.scores["x"].tolist() == [0, 50, 100] and result.scores["y"].tolist() == [1, 3, 2]
    assert result.step("normalise").details["settings"].set_index("indicator").loc["y", "method"] == "rank"


# ---- impute -----------------------------------------------------------------------------------------
def impute(method, params=None, x=(1.0, np.nan, 3.0, np.nan), groups=("A", "A", "B", "B")):
    spec = load_spec({"data": {"groups": ["g"]}, "nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "impute", "method": method, "params": params or {}},
                                   {"step": "normalise", "method": "none"}, {"step": "aggregate"}]})
    data = pd.DataFrame({"unit_code": list("abcd"), "g": list(groups), "x": list(x)})
    return build(spec, data)


def test_mean_median_and_group_imputation():
    assert impute("mean").datasets["Imputed"]["x"].tolist() == [1, 2, 3, 2]
    assert impute("median", x=(1, np.nan, 3, 8)).datasets["Imputed"]["x"].tolist() == [1, 3, 3, 8]
    assert impute("mean_group", {"group": "g"}).datasets["Imputed"]["x"].tolist() == [1, 1, 3, 3]
    assert impute("median_group", {"group": "g"}, x=(1, np.nan, 3, 5), groups="AABA").datasets["Imputed"]["x"].tolist() \
        == [1, 3, 3, 5]  # median of group A = median(1, 5) = 3


def test_a_group_without_data_stays_missing_unless_a_fallback_is_asked():
    x = (1.0, np.nan, np.nan, np.nan)
    assert np.isnan(impute("mean_group", {"group": "g"}, x=x).datasets["Imputed"]["x"].iloc[2])
    result = impute("mean_group", {"group": "g", "fallback": "mean"}, x=x)
    assert result.datasets["Imputed"]["x"].tolist() == [1, 1, 1, 1]
    assert len(result.imputed) == 3


def test_the_imputation_record_names_every_cell():
    record = impute("mean").imputed
    assert record[["unit_code", "indicator", "value", "method"]].values.tolist() == [
        ["b", "x", 2.0, "mean"], ["d", "x", 2.0, "mean"]]


def panel_impute(method, params=None):
    spec = load_spec({"data": {"year": "year"}, "nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "impute", "method": method, "params": params or {}},
                                   {"step": "normalise", "method": "none"}, {"step": "aggregate"}]})
    data = pd.DataFrame({"unit_code": ["a"] * 5 + ["b"] * 2, "year": [2014, 2015, 2016, 2018, 2019, 2015, 2016],
                         "x": [np.nan, 1.0, np.nan, 4.0, np.nan, np.nan, 7.0]})
    return build(spec, data).datasets["Imputed"]["x"]


def test_interpolation_in_time_uses_the_years():
    x = panel_impute("interpolate")
    assert x.loc[("a", 2016)] == 2.0  # 1 + (4 − 1)·(2016 − 2015)/(2018 − 2015)
    assert np.isnan(x.loc[("a", 2014)]) and np.isnan(x.loc[("a", 2019)]) and np.isnan(x.loc[("b", 2015)])


def test_last_value_carried_forward_and_back():
    x = panel_impute("locf")
    assert x.loc[("a", 2016)] == 1.0 and x.loc[("a", 2019)] == 4.0 and np.isnan(x.loc[("a", 2014)])
    x = panel_impute("locf", {"backward": True})
    assert x.loc[("a", 2014)] == 1.0 and x.loc[("b", 2015)] == 7.0


def test_imputation_in_time_needs_years():
    with pytest.raises(IndexSpecError, match="interpolate"):
        impute("interpolate")


# ---- treat ------------------------------------------------------------------------------------------
def test_skew_and_kurtosis_are_the_type_2_estimators():
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=50)
    assert np.isclose(skewness(x), stats.skew(x, bias=False), rtol=1e-12)
    assert np.isclose(kurtosis(x), stats.kurtosis(x, bias=False), rtol=1e-12)
    x[[3, 17]] = np.nan
    assert np.isclose(skewness(x), stats.skew(x[~np.isnan(x)], bias=False), rtol=1e-12)
    assert np.isnan(skewness(np.array([1.0, 2.0]))) and np.isnan(kurtosis(np.array([1.0, 2.0, 3.0])))


def test_each_round_replaces_every_point_tied_at_the_extreme():
    x = np.r_[np.arange(1.0, 21.0), 40, 60, 100]
    treated, n, high, low, passes = winsorise(x, winmax=5)
    # round 1: 100 → 60 (one point); round 2: the two 60s → 40; then it passes
    assert treated[-3:].tolist() == [40, 40, 40] and passes
    assert n == 2 and high.tolist() == [21, 22]  # the latest round's points, not a running total (3)


def test_winmax_counts_the_latest_round():
    x = np.r_[np.arange(1.0, 31.0), 150, 300, 300]
    treated, n, high, _, passes = winsorise(x, winmax=2)
    assert n == 2 and treated[-3:].tolist() == [150, 150, 150] and not passes  # stopped at 2 points
    treated, n, _, _, passes = winsorise(x, winmax=3)
    assert n == 3 and treated[-3:].tolist() == [30, 30, 30] and passes


def test_negative_skew_winsorises_the_low_end():
    x = -np.r_[np.arange(1.0, 21.0), 40, 60, 100]
    treated, n, high, low, _ = winsorise(x)
    assert len(high) == 0 and low.tolist() == [21, 22] and treated.min() == -40


def treat_spec(method="winsorise_log", params=None):
    return load_spec({"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "treat", "method": method, "params": params or {}},
                                   {"step": "normalise", "method": "none"}, {"step": "aggregate"}]})


def test_log_replaces_winsorisation_that_does_not_pass():
    x = np.r_[np.arange(1.0, 31.0), 150, 300, 300]
    data = pd.DataFrame({"unit_code": [f"u{k}" for k in range(len(x))], "x": x})
    result = build(treat_spec(params={"winmax": 2}), data)
    # log_CT on the original values: min 1, max 300, so log(x − 1 + 0.01·299) = log(x + 1.99)
    np.testing.assert_allclose(result.datasets["Treated"]["x"], np.log(x + 1.99), rtol=1e-14)
    np.testing.assert_allclose(result.datasets["Treated"]["x"].iloc[[0, 31]], [np.log(2.99), np.log(301.99)],
                               rtol=1e-14)
    np.testing.assert_allclose(log_ct(np.array([0.0, 100.0])), [np.log(1.0), np.log(101.0)], rtol=1e-14)
    details = result.treatment.iloc[0]
    assert details["n_winsorised"] == 2 and not details["pass_1"] and details["log"] and details["pass_2"]
    assert set(result.treated["treatment"]) == {"log"} and len(result.treated) == len(x)
    only_winsorised = build(treat_spec("winsorise", {"winmax": 2}), data).datasets["Treated"]["x"]
    assert only_winsorised.iloc[-1] == 150


def test_missing_values_are_left_out_of_the_treatment():
    x = np.r_[np.arange(1.0, 21.0), 40, 60, 100, np.nan]
    data = pd.DataFrame({"unit_code": [f"u{k}" for k in range(len(x))], "x": x})
    treated = build(treat_spec(), data).datasets["Treated"]["x"].to_numpy()
    assert np.isnan(treated[-1]) and treated[-2] == 40


# ---- denominate and screen ---------------------------------------------------------------------------
def test_denominate_divides_and_scales():
    spec = load_spec({"data": {"denominators": ["pop"]},
                      "nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1, "denominator": "pop"},
                                {"code": "y", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "denominate", "params": {"scale": 10000}},
                                   {"step": "normalise", "method": "none"}, {"step": "aggregate"}]})
    result = build(spec, pd.DataFrame({"unit_code": ["a", "b"], "x": [3.0, 5.0], "y": [1.0, 2.0],
                                       "pop": [20000.0, 0.0]}))
    assert result.datasets["Denominated"]["x"].iloc[0] == pytest.approx(1.5, rel=1e-15) and np.isnan(result.datasets["Denominated"]["x"].iloc[1])
    assert result.datasets["Denominated"]["y"].tolist() == [1.0, 2.0]


def test_screening_drops_units_below_the_availability_and_keeps_forced_ones():
    spec = load_spec({"nodes": [{"code": "I"}] + [{"code": c, "parent": "I", "direction": 1} for c in "xyz"],
                      "pipeline": [{"step": "screen", "params": {"min_availability": 0.6, "include": ["c"]}},
                                   {"step": "normalise"}, {"step": "aggregate"}]})
    data = pd.DataFrame({"unit_code": list("abcd"), "x": [1, 2, np.nan, 4.0], "y": [1, np.nan, np.nan, 0.0],
                         "z": [1, 2, 3, np.nan]})
    result = build(spec, data)
    assert list(result.scores.index) == ["a", "b", "c", "d"]  # b, d: 2/3 ≥ 0.6; c forced in at 1/3
    spec = spec.replace_step("screen", params={"min_availability": 0.7, "include": []})
    result = build(spec, data)
    assert list(result.scores.index) == ["a"] and result.excluded == ["b", "c", "d"]
    np.testing.assert_allclose(result.screening["availability"], [1, 2 / 3, 1 / 3, 2 / 3])


def test_the_non_zero_share_counts_the_available_values_only():
    # COINr get_data_avail: Non_Zero = 1 − zeros / (indicators − missing). Counted by hand:
    #   a: 1, 0, 2, 3      → 1 zero of 4 available → 3/4
    #   b: 0, NaN, NaN, 5  → 1 zero of 2 available → 1/2   (dividing by all 4 would give 3/4)
    #   c: 0, 0, 4, NaN    → 2 zeros of 3 available → 1/3
    spec = load_spec({"nodes": [{"code": "I"}] + [{"code": c, "parent": "I", "direction": 1} for c in "wxyz"],
                      "pipeline": [{"step": "screen", "params": {"min_availability": 0.5, "min_nonzero": 0.6}},
                                   {"step": "normalise", "method": "none"}, {"step": "aggregate"}]})
    data = pd.DataFrame({"unit_code": list("abc"), "w": [1.0, 0.0, 0.0], "x": [0.0, np.nan, 0.0],
                         "y": [2.0, np.nan, 4.0], "z": [3.0, 5.0, np.nan]})
    result = build(spec, data)
    np.testing.assert_allclose(result.screening["nonzero"], [3 / 4, 1 / 2, 1 / 3])
    assert result.screening["n_zero"].tolist() == [1, 1, 2]
    assert result.excluded == ["b", "c"]  # b: 1/2 < 0.6 (kept at 3/4 by the old share of all indicators)
