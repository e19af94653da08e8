"""Uncertainty and sensitivity: reproducible, equal to one build per run, failures reported,
runs replayed from design tables.

No test replays the engine's private draws: a run's expected scores come from the plain
``build`` of the spec that run stands for, given through a design written out here."""

import io

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.index import IndexSpecError, build, load_spec
from deltawatch.methods.index.table import read_table
from deltawatch.methods.index.uncertainty import parse_factors, sensitivity, uncertainty

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


def _index_scores(spec, data):
    return build(spec, data).scores["Index"]


def test_every_run_of_a_design_equals_a_build_of_its_own_spec(asem_spec, asem_data):
    # four runs written as a user would, each the plain build of the spec it stands for
    design = pd.DataFrame({"winmax": [1, 5, 3, 3],
                           "normalisation": ["minmax(low=1)", "zscore", "minmax(low=1)", "zscore"],
                           "aggregation": ["arithmetic", "geometric", "geometric", "arithmetic"]})
    low1 = {"method": "minmax", "params": {"low": 1}}
    zscore = {"method": "zscore", "params": {"mean": 10, "sd": 2}}
    variants = [(1, low1, "arithmetic"), (5, zscore, "geometric"), (3, low1, "geometric"), (3, zscore, "arithmetic")]
    result = uncertainty(asem_spec, asem_data, factors=FACTORS, design=design)
    assert list(result.scores.columns) == ["run_1", "run_2", "run_3", "run_4"]
    for run, (winmax, normalise, aggregate) in enumerate(variants, start=1):
        variant = (asem_spec.replace_step("treat", params={"winmax": winmax})
                   .replace_step("normalise", **normalise).replace_step("aggregate", method=aggregate))
        expected = _index_scores(variant, asem_data)
        np.testing.assert_allclose(result.scores[f"run_{run}"].loc[expected.index], expected, rtol=1e-12)
        np.testing.assert_array_equal(result.ranks[f"run_{run}"].loc[expected.index],
                                      build(variant, asem_data).ranks["Index"])
    assert list(result.choices["normalisation"]) == ["minmax(low=1)", "zscore(mean=10;sd=2)"] * 2


def test_random_runs_equal_builds_of_the_specs_their_design_names(asem_spec, asem_data):
    result = uncertainty(asem_spec, asem_data, runs=40, seed=3, factors=FACTORS)
    assert len(set(result.choices.apply(tuple, axis=1))) > 5  # the runs differ
    normalisations = {"minmax(low=1)": {"method": "minmax", "params": {"low": 1}},
                      "zscore(mean=10;sd=2)": {"method": "zscore", "params": {"mean": 10, "sd": 2}}}
    for run in ("run_1", "run_8", "run_20", "run_34"):
        row = result.design.loc[run]
        variant = (asem_spec.replace_step("treat", params={"winmax": int(row["winmax"])})
                   .replace_step("normalise", **normalisations[row["normalisation"]])
                   .replace_step("aggregate", method=row["aggregation"]))
        expected = _index_scores(variant, asem_data)
        np.testing.assert_allclose(result.scores[run].loc[expected.index], expected, rtol=1e-12)


def test_design_weights_multiply_the_nominal_weights(asem_spec, asem_data):
    factors = [*FACTORS, {"name": "weights", "noise": {3: 0.25}}]
    design = pd.DataFrame({"winmax": [5, 5], "normalisation": ["minmax(low=1)"] * 2,
                           "aggregation": ["arithmetic"] * 2, "weight:Conn": [1.2, 1.0], "weight:Sust": [0.9, 1.0]})
    result = uncertainty(asem_spec, asem_data, factors=factors, design=design)
    low1 = asem_spec.replace_step("normalise", params={"low": 1})
    # ASEM's weights are all 1: a multiplier m makes the node's weight m
    for run, weights in ((1, {"Conn": 1.2, "Sust": 0.9}), (2, {})):
        expected = _index_scores(low1.with_weights(weights), asem_data)
        np.testing.assert_allclose(result.scores[f"run_{run}"].loc[expected.index], expected, rtol=1e-12)
    assert list(result.choices["weights"]) == ["perturbed", "nominal"]


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


def test_weight_noise_stays_within_its_share_at_its_levels(asem_spec, asem_data):
    factors = [{"name": "w", "noise": {2: 0.25}}, {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic"]}]
    design = uncertainty(asem_spec, asem_data, runs=300, seed=0, factors=factors).design
    pillars = [code for code, level in asem_spec.levels.items() if level == 2]
    assert sorted(c for c in design.columns if c.startswith("weight:")) == sorted(f"weight:{p}" for p in pillars)
    multipliers = design[[f"weight:{p}" for p in pillars]].to_numpy()
    assert multipliers.min() >= 0.75 and multipliers.max() <= 1.25
    assert multipliers.std() > 0.1  # U(0.75, 1.25) has sd 0.5/√12 ≈ 0.144
    assert set(design["aggregation"]) == {"arithmetic"}


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


# ---- designs -------------------------------------------------------------------------------------
MIXED = [{"name": "winmax", "step": "treat", "param": "winmax", "values": [3, 4, 5]},
         {"name": "low", "step": "normalise", "param": "low", "range": [1, 10]},
         {"name": "weights", "noise": {2: 0.25, 3: 0.25}},
         {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic", "geometric"]}]


def test_a_written_design_reads_back_to_identical_runs(asem_spec, asem_data):
    first = uncertainty(asem_spec, asem_data, runs=40, seed=11, factors=MIXED)
    text = first.design.to_csv(index=False)
    assert text.splitlines()[0].startswith("winmax,low,aggregation,weight:")
    again = uncertainty(asem_spec, asem_data, factors=MIXED,
                        design=pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
    pd.testing.assert_frame_equal(first.ranks, again.ranks)
    pd.testing.assert_frame_equal(first.scores, again.scores)  # bit for bit: floats written exactly
    pd.testing.assert_frame_equal(first.rank_stats, again.rank_stats)
    assert again.design.to_csv(index=False) == text and again.seed is None


def test_design_cells_are_read_as_users_write_them(asem_spec, asem_data):
    design = pd.DataFrame({"winmax": [3, "winmax=3", 3.0, " 3 "],
                           "normalisation": ["zscore", "ZScore", "zscore(mean=10, sd=2)", "ZSCORE(MEAN=10,SD=2)"],
                           "aggregation": ["geometric", "Geometric", " geometric", "geometric "]})
    result = uncertainty(asem_spec, asem_data, factors=FACTORS, design=design)
    assert (result.scores.nunique(axis=1) == 1).all()  # four spellings of one run
    assert result.design.iloc[0].to_dict() == {"winmax": "3", "normalisation": "zscore(mean=10;sd=2)",
                                               "aggregation": "geometric"}
    continuous = uncertainty(asem_spec, asem_data, factors=[MIXED[1], MIXED[3]],
                             design=pd.DataFrame({"low": ["low=2.5", 7], "aggregation": ["geometric"] * 2}))
    assert list(continuous.choices["low"]) == ["low=2.5", "low=7"]


def _design_error(spec, data, factors, design) -> IndexSpecError:
    with pytest.raises(IndexSpecError) as caught:
        uncertainty(spec, data, factors=factors, design=design)
    return caught.value


def test_a_bad_design_is_refused_naming_the_run_the_column_and_the_allowed_values(asem_spec, asem_data):
    good = {"winmax": [3, 4], "normalisation": ["zscore", "minmax(low=1)"], "aggregation": ["arithmetic"] * 2}
    error = _design_error(asem_spec, asem_data, FACTORS, pd.DataFrame({**good, "winmax": [3, 7]}))
    assert "winmax" in error.message("zh") and "第 2 次运行（文件第 3 行）" in error.message("zh")
    assert "'7'" in error.message("en") and "run 2 (line 3 of the file)" in error.message("en")
    assert "['1', '2', '3', '4', '5']" in error.message("en") and "可用值" in error.message("zh")
    error = _design_error(asem_spec, asem_data, FACTORS, pd.DataFrame({**good, "normalisation": ["zscore", "rank"]}))
    assert "['minmax(low=1)', 'zscore(mean=10;sd=2)']" in error.message("en")
    error = _design_error(asem_spec, asem_data, FACTORS, pd.DataFrame({**good, "aggregation": ["arithmetic", ""]}))
    assert "an empty cell in column aggregation, run 2" in error.message("en") and "空值" in error.message("zh")
    error = _design_error(asem_spec, asem_data, FACTORS, pd.DataFrame({**good, "winmx": [1, 1]}))
    assert "unknown column winmx" in error.message("en") and "未知的列 winmx" in error.message("zh")
    error = _design_error(asem_spec, asem_data, FACTORS, pd.DataFrame({"winmax": [3], "normalisation": ["zscore"]}))
    assert "lacks the column of factor aggregation" in error.message("en")
    error = _design_error(asem_spec, asem_data, FACTORS, pd.DataFrame({**good, "weight:Conn": [1, 1]}))
    assert "no weights (noise) factor" in error.message("en")
    mixed = {"winmax": [3, 3], "low": [2, 2], "aggregation": ["arithmetic"] * 2}
    error = _design_error(asem_spec, asem_data, MIXED, pd.DataFrame({**mixed, "weight:Conn": [1.1, -0.2]}))
    assert "weight:Conn" in error.message("en") and "run 2" in error.message("en") and "≥ 0" in error.message("en")
    error = _design_error(asem_spec, asem_data, MIXED, pd.DataFrame({**mixed, "weight:Nowhere": [1, 1]}))
    assert "names no node at the levels of a weights factor" in error.message("en")
    error = _design_error(asem_spec, asem_data, MIXED, pd.DataFrame({**mixed, "weight:LPI": [1, 1]}))  # level 1
    assert "'Physical'" in error.message("en") and "'LPI'" not in error.message("en").split("nodes:")[1]
    error = _design_error(asem_spec, asem_data, MIXED, pd.DataFrame({**mixed, "low": [2, 11]}))
    assert "1 ≤ low ≤ 10" in error.message("en") and "'11'" in error.message("en")
    assert _design_error(asem_spec, asem_data, FACTORS, pd.DataFrame(good).iloc[:0]).code == "factor"


SOBOL_FACTORS = [{"name": "winmax", "step": "treat", "param": "winmax", "values": [3, 5]},
                 {"name": "weights", "noise": {3: 0.5}},
                 {"name": "aggregation", "step": "aggregate",
                  "alternatives": ["arithmetic", {"method": "generalised", "params": {"p": 3}}]}]


def test_sensitivity_replays_its_saltelli_design(asem_spec, asem_data):
    first = sensitivity(asem_spec, asem_data, n=8, seed=5, factors=SOBOL_FACTORS)
    design = first.uncertainty.design
    assert len(design) == 8 * 5
    again = sensitivity(asem_spec, asem_data, seed=5, factors=SOBOL_FACTORS,
                        design=pd.read_csv(io.StringIO(design.to_csv(index=False)), dtype=str))
    pd.testing.assert_frame_equal(first.indices, again.indices)
    np.testing.assert_array_equal(first.output, again.output)
    assert again.n == 8


def test_sensitivity_refuses_a_design_that_is_not_a_saltelli_sample(asem_spec, asem_data):
    design = sensitivity(asem_spec, asem_data, n=4, seed=1, factors=SOBOL_FACTORS).uncertainty.design
    with pytest.raises(IndexSpecError, match="multiple of 5; it has 19"):
        sensitivity(asem_spec, asem_data, factors=SOBOL_FACTORS, design=design.iloc[:-1])
    broken = design.copy()
    a, ab1 = broken.iloc[0], broken.index[1]  # AB_1 (winmax from B) must keep A's aggregation
    other = "arithmetic" if a["aggregation"] != "arithmetic" else "generalised(p=3)"
    broken.loc[ab1, "aggregation"] = other
    with pytest.raises(IndexSpecError) as caught:
        sensitivity(asem_spec, asem_data, factors=SOBOL_FACTORS, design=broken)
    message = caught.value.message("en")
    assert "run 2 (line 3 of the file) should be AB_1" in message
    assert f"column aggregation should be {a['aggregation']!r} (run 1, row A), not {other!r}" in message
    assert "第 2 次运行" in caught.value.message("zh")
    broken = design.copy()
    broken.loc[broken.index[2], "weight:Sust"] = 2.0  # AB_2 (weights from B): must equal B (run 5)
    with pytest.raises(IndexSpecError, match=r"run 3 .* AB_2 .* column weight:Sust should be .* \(run 5, row B\)"):
        sensitivity(asem_spec, asem_data, factors=SOBOL_FACTORS, design=broken)


def test_sobol_indices_follow_salibs_convention(asem_spec, asem_data):
    """SALib 1.6 ``sobol.analyze``: outputs standardised over all runs; V = np.var (ddof 0) of
    the A and B outputs; S1 = mean(B (AB − A)) / V, ST = ½ mean((A − AB)²) / V; runs in blocks
    A, AB_1 … AB_d, B. Checked by hand here on the outputs, and COINr's ST (sample variance,
    no standardisation) is SALib's × (2N − 1)/2N, as docs/index-spec.md says."""
    n, d = 16, 3
    result = sensitivity(asem_spec, asem_data, n=n, seed=3, factors=SOBOL_FACTORS)
    y = result.output
    z = (y - y.mean()) / y.std()
    blocks = z.reshape(n, d + 2)
    A, B = blocks[:, 0], blocks[:, -1]
    V = np.var(np.r_[A, B])
    for i, row in enumerate(result.indices.itertuples()):
        AB = blocks[:, 1 + i]
        assert row.S1 == pytest.approx(np.mean(B * (AB - A)) / V, rel=1e-12, abs=1e-15)
        assert row.ST == pytest.approx(0.5 * np.mean((A - AB) ** 2) / V, rel=1e-12, abs=1e-15)
        raw = y.reshape(n, d + 2)
        coinr_st = np.sum((raw[:, 0] - raw[:, 1 + i]) ** 2) / (2 * n * np.var(np.r_[raw[:, 0], raw[:, -1]], ddof=1))
        assert coinr_st == pytest.approx(row.ST * (2 * n - 1) / (2 * n), rel=1e-12, abs=1e-15)
    assert result.indices["ST"].max() > 0.1  # the outputs vary: the check above is not 0 = 0


def test_bootstrap_intervals_are_reproducible_with_seed_zero(asem_spec, asem_data):
    # SALib seeds its bootstrap only for a truthy seed; seed 0 must still be reproducible
    first = sensitivity(asem_spec, asem_data, n=8, seed=0, factors=SOBOL_FACTORS)
    np.random.seed(12345)  # whatever NumPy's global state, the intervals are the same
    again = sensitivity(asem_spec, asem_data, n=8, seed=0, factors=SOBOL_FACTORS)
    pd.testing.assert_frame_equal(first.indices, again.indices)


def test_two_weights_factors_each_vary_their_own_levels(asem_spec, asem_data):
    # pillar weights and sub-index weights as two factors: each has its own Sobol index
    factors = [{"name": "pillar_weights", "noise": {2: 0.5}}, {"name": "subindex_weights", "noise": {3: 0.9}},
               {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic"]}]
    result = sensitivity(asem_spec, asem_data, n=16, seed=4, factors=factors)
    indices = result.indices.set_index("factor")
    assert indices.loc["pillar_weights", "ST"] > 0 and indices.loc["subindex_weights", "ST"] > 0
    assert indices.loc["aggregation", "ST"] == 0
    design = result.uncertainty.design
    assert design[["weight:Conn", "weight:Sust"]].stack().between(0.1, 1.9).all()
    assert design[["weight:Physical", "weight:Social"]].stack().between(0.5, 1.5).all()
    assert design["weight:Conn"].std() > 0.3 and design["weight:Physical"].std() > 0.15
    with pytest.raises(IndexSpecError, match="weights factors share levels"):
        parse_factors(asem_spec, [{"name": "a", "noise": {2: 0.1}}, {"name": "b", "noise": {2: 0.2, 3: 0.1}}])
