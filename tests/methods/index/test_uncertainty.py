"""Uncertainty and sensitivity: reproducible, equal to one build per run, failures reported."""

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.index import IndexSpecError, build, load_spec
from deltawatch.methods.index.aggregate import Tree
from deltawatch.methods.index.table import read_table
from deltawatch.methods.index.uncertainty import (
    _noise_sets,
    _plan,
    _variant,
    parse_factors,
    sensitivity,
    uncertainty,
)

FACTORS = [
    {"name": "winmax", "step": "treat", "param": "winmax", "values": [1, 2, 3, 4, 5]},
    {"name": "normalisation", "step": "normalise", "alternatives": [
        {"method": "minmax", "params": {"low": 1, "high": 100}}, {"method": "zscore", "params": {"mean": 10, "sd": 2}}]},
    {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic", "geometric"]},
]


def test_the_same_seed_gives_the_same_result_and_another_seed_another(asem_spec, asem_data):
    first = uncertainty(asem_spec, asem_data, runs=60, seed=7)
    again = uncertainty(asem_spec, asem_data, runs=60, seed=7)
    other = uncertainty(asem_spec, asem_data, runs=60, seed=8)
    pd.testing.assert_frame_equal(first.rank_stats, again.rank_stats)
    pd.testing.assert_frame_equal(first.choices, again.choices)
    assert not first.choices.equals(other.choices)


def test_every_run_equals_a_build_of_its_own_spec(asem_spec, asem_data):
    factors = parse_factors(asem_spec, FACTORS)
    result = uncertainty(asem_spec, asem_data, runs=40, seed=3, factors=FACTORS)
    U = np.random.default_rng(3).random((40, len(factors)))
    plan = _plan(asem_spec, factors, U)
    assert len(set(result.choices.apply(tuple, axis=1))) > 5  # the runs differ
    for run in (0, 7, 19, 33):
        variant = _variant(asem_spec, plan.settings[run])
        expected = build(variant, asem_data).scores["Index"]
        np.testing.assert_allclose(result.scores[f"run_{run + 1}"].loc[expected.index], expected, rtol=1e-12)


def test_nominal_ranks_are_the_builds(asem_spec, asem_data):
    result = uncertainty(asem_spec, asem_data, runs=20, seed=1)
    nominal = build(asem_spec, asem_data).ranks["Index"]
    stats = result.rank_stats.set_index("unit_code")
    np.testing.assert_array_equal(stats.loc[nominal.index, "nominal_rank"], nominal)


def test_rank_statistics_are_those_of_the_rank_matrix(asem_spec, asem_data):
    result = uncertainty(asem_spec, asem_data, runs=50, seed=2)
    ranks = result.ranks.to_numpy()
    stats = result.rank_stats
    np.testing.assert_allclose(stats["mean_rank"], ranks.mean(axis=1))
    np.testing.assert_allclose(stats["median_rank"], np.median(ranks, axis=1))
    np.testing.assert_allclose(stats["q05_rank"], np.quantile(ranks, 0.05, axis=1))  # R's type 7
    np.testing.assert_allclose(stats["q95_rank"], np.quantile(ranks, 0.95, axis=1))
    for column in ranks.T:  # each run ranks every unit once, ties sharing the best rank
        assert column.min() == 1 and column.max() <= len(column)


def test_when_every_choice_is_the_nominal_one_nothing_moves(asem_spec, asem_data):
    factors = [{"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic"]},
               {"name": "winmax", "step": "treat", "param": "winmax", "values": [5]}]
    result = uncertainty(asem_spec, asem_data, runs=10, seed=0, factors=factors)
    stats = result.rank_stats
    assert (stats["q05_rank"] == stats["nominal_rank"]).all() and (stats["q95_rank"] == stats["nominal_rank"]).all()


def test_runs_that_cannot_be_computed_are_reported(asem_spec, asem_data):
    factors = [{"name": "normalisation", "step": "normalise", "alternatives": [
                   {"method": "minmax", "params": {"low": 0, "high": 100}},
                   {"method": "minmax", "params": {"low": 1, "high": 100}}]},
               {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic", "geometric"]}]
    result = uncertainty(asem_spec, asem_data, runs=80, seed=5, factors=factors)
    doomed = (result.choices["normalisation"] == "minmax") & (result.choices["aggregation"] == "geometric")
    assert set(result.choices["normalisation"]) == {"minmax", "minmax(low=1)"}
    assert doomed.sum() > 0
    assert sorted(result.failures["run"]) == sorted(result.choices.index[doomed])
    assert result.failures["reason"].str.contains("weighted geometric mean at").all()
    assert result.scores.loc[:, list(result.failures["run"])].isna().all().all()
    good = result.ranks.drop(columns=list(result.failures["run"]))
    np.testing.assert_allclose(result.rank_stats["mean_rank"], good.mean(axis=1))
    with pytest.raises(IndexSpecError) as caught:
        sensitivity(asem_spec, asem_data, n=16, factors=factors)
    assert caught.value.code == "failed_runs_sobol"


def test_weight_noise_stays_within_its_share_at_its_levels(asem_spec):
    factor = parse_factors(asem_spec, [{"name": "w", "noise": {2: 0.25}}])[0]
    tree = Tree.from_spec(asem_spec, asem_spec.indicators)
    sets = _noise_sets(asem_spec, tree, factor, 500, np.random.default_rng(0))
    noisy = tree.level == 2
    assert (sets[:, ~noisy] == 1).all()
    assert sets[:, noisy].min() >= 0.75 and sets[:, noisy].max() <= 1.25 and sets[:, noisy].std() > 0.1


def test_default_factors_are_coinrs_and_fit_the_spec(asem_spec):
    raw = asem_spec.to_dict()
    del raw["uncertainty"]
    spec = load_spec(raw)
    assert [f.name for f in parse_factors(spec)] == ["winmax", "normalisation", "weights", "aggregation"]
    assert parse_factors(spec)[2].noise == {2: 0.25, 3: 0.25}  # every level but the indicators' and the root's
    raw["pipeline"][3] = {"step": "treat", "method": "none"}
    assert [f.name for f in parse_factors(load_spec(raw))] == ["normalisation", "weights", "aggregation"]
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "normalise"}, {"step": "aggregate"}]})
    assert [f.name for f in parse_factors(spec)] == ["normalisation", "weights", "aggregation"]


def test_factor_errors_name_the_factor():
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "normalise"}, {"step": "aggregate"}]})
    with pytest.raises(IndexSpecError, match="winmax"):
        parse_factors(spec, [{"name": "winmax", "step": "treat", "param": "winmax", "values": [1]}])
    with pytest.raises(IndexSpecError, match="range"):
        parse_factors(spec, [{"name": "low", "step": "normalise", "param": "low", "range": [5, 1]}])


def test_a_continuous_factor_draws_within_its_range(asem_spec, asem_data):
    factors = [{"name": "low", "step": "normalise", "param": "low", "range": [1, 10]},
               {"name": "aggregation", "step": "aggregate", "alternatives": ["geometric"]}]
    result = uncertainty(asem_spec, asem_data, runs=30, seed=4, factors=factors)
    lows = result.choices["low"].str.replace("low=", "").astype(float)
    assert lows.between(1, 10).all() and lows.nunique() == 30 and not len(result.failures)


def test_sobol_indices_of_factors_without_effect_are_zero(asem_spec, asem_data):
    # winmax between 5 and 6 changes nothing here (no indicator needs more than 4 points);
    # the aggregation changes the ranks: it takes all the variance
    factors = [{"name": "winmax", "step": "treat", "param": "winmax", "values": [5, 6]},
               {"name": "aggregation", "step": "aggregate",
                "alternatives": ["arithmetic", {"method": "generalised", "params": {"p": 3}}]}]
    result = sensitivity(asem_spec, asem_data, n=64, seed=2, factors=factors)
    indices = result.indices.set_index("factor")
    assert indices.loc["winmax", "ST"] == 0 and indices.loc["winmax", "S1"] == 0
    assert indices.loc["aggregation", "ST"] > 0.5
    assert len(result.output) == 64 * 4 and (result.output >= 0).all()
    assert list(result.indices.columns) == ["factor", "S1", "S1_conf", "ST", "ST_conf"]


def test_uncertainty_takes_one_year():
    spec = load_spec({"data": {"year": "year"}, "nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "normalise"}, {"step": "aggregate"}]})
    data = pd.DataFrame({"unit_code": ["a", "b", "a", "b"], "year": [2015, 2015, 2016, 2016], "x": [1.0, 2, 3, 4]})
    with pytest.raises(IndexSpecError) as caught:
        uncertainty(spec, data, runs=5)
    assert caught.value.code == "one_year"
    assert len(uncertainty(spec, data, runs=5, year=2016).rank_stats) == 2
    assert read_table(spec, data, 2016).n_rows == 2


def test_imputation_can_be_an_uncertain_choice(asem_spec, asem_data):
    factors = [{"name": "imputation", "step": "impute", "alternatives": [
                   {"method": "mean_group", "params": {"group": "EurAsia_group"}},
                   {"method": "median_group", "params": {"group": "EurAsia_group"}}, {"method": "mean"}]},
               {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic"]}]
    result = uncertainty(asem_spec, asem_data, runs=30, seed=6, factors=factors)
    assert set(result.choices["imputation"]) == {"mean_group(group=EurAsia_group)", "median_group(group=EurAsia_group)",
                                                 "mean"}
    by_choice = result.scores.T.groupby(result.choices["imputation"].to_numpy())
    assert (by_choice.nunique() <= 1).all().all()  # a run is decided by its imputation alone
    expected = build(asem_spec.replace_step("impute", method="mean"), asem_data).scores["Index"]
    run = result.choices.index[result.choices["imputation"] == "mean"][0]
    np.testing.assert_allclose(result.scores[run].loc[expected.index], expected, rtol=1e-12)
