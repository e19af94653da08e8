"""Performance assessment: scores and ranks by hand, intervals equal the index engine's, grades,
peer groups recovering planted groups, benchmarking gaps and years to close by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.assessment import (assess, benchmark_gaps, cluster_peer_groups, grade, nearest_better,
                                           scheme_spec)
from deltawatch.methods.errors import InputError
from deltawatch.methods.index.uncertainty import uncertainty

WEIGHTS = {"level": 2.0, "tasks": 1.0}


def small() -> pd.DataFrame:
    return pd.DataFrame({"level": [80.0, 50.0, 70.0, np.nan], "tasks": [60.0, 90.0, np.nan, np.nan]},
                        index=["u1", "u2", "u3", "u4"])


def test_scores_and_ranks_by_hand_with_a_bonus_and_a_missing_component():
    result = assess(small(), WEIGHTS, bonus=pd.Series({"u2": 12.0}), runs=50, seed=1)
    t = result.table.set_index("unit_code")
    # u1 (2·80 + 60)/3; u2 (2·50 + 90)/3 + 12; u3 has tasks missing: its level alone; u4 nothing
    assert t.loc["u1", "score"] == pytest.approx(220 / 3, abs=1e-12)
    assert t.loc["u2", "score"] == pytest.approx(190 / 3 + 12, abs=1e-12)
    assert t.loc["u3", "score"] == pytest.approx(70.0, abs=1e-12)
    assert math.isnan(t.loc["u4", "score"]) and t.loc["u4", "grade"] == ""
    assert t.loc["u3", "missing"] == "tasks" and t.loc["u4", "missing"] == "level, tasks"
    assert t["rank"].tolist()[:3] == [1.0, 2.0, 3.0] and list(t.index[:3]) == ["u2", "u1", "u3"]


def test_without_a_bonus_the_intervals_are_the_index_engines():
    rng = np.random.default_rng(7)
    components = pd.DataFrame(rng.uniform(10, 95, size=(30, 3)), columns=["level", "progress", "tasks"],
                              index=[f"c{i:02d}" for i in range(30)])
    weights = {"level": 0.5, "progress": 0.3, "tasks": 0.2}
    result = assess(components, weights, runs=300, seed=11)
    engine = uncertainty(scheme_spec(weights), components.reset_index(names="unit_code"), runs=300, seed=11)
    ours = result.table.set_index("unit_code").sort_index()
    theirs = engine.rank_stats.set_index("unit_code").sort_index()
    np.testing.assert_allclose(ours["q05_rank"], theirs["q05_rank"], atol=1e-12)
    np.testing.assert_allclose(ours["q95_rank"], theirs["q95_rank"], atol=1e-12)
    np.testing.assert_allclose(ours["rank"], theirs["nominal_rank"], atol=1e-12)


def test_the_same_seed_gives_the_same_result_and_group_ranks_stay_in_their_group():
    rng = np.random.default_rng(3)
    components = pd.DataFrame(rng.uniform(0, 100, size=(12, 2)), columns=["level", "tasks"],
                              index=[f"u{i}" for i in range(12)])
    groups = pd.Series(["A"] * 6 + ["B"] * 6, index=components.index)
    first = assess(components, WEIGHTS, groups=groups, runs=200, seed=5).table
    again = assess(components, WEIGHTS, groups=groups, runs=200, seed=5).table
    pd.testing.assert_frame_equal(first, again)
    for _, members in first.groupby("peer_group"):
        assert sorted(members["group_rank"]) == [1, 2, 3, 4, 5, 6]
        assert (members["group_q95_rank"] <= 6).all() and (members["group_q05_rank"] >= 1).all()


def test_two_neighbours_that_swap_often_are_noted():
    # u2 (60, 81) is half a point above u1 (80, 60): u1 overtakes it whenever the level's weight
    # exceeds the tasks' by 5 % (20·w1 > 21·w2), which ±25 % noise often does; u3 is far below
    components = pd.DataFrame({"level": [80.0, 60.0, 10.0], "tasks": [60.0, 81.0, 10.0]}, index=["u1", "u2", "u3"])
    t = assess(components, {"level": 1.0, "tasks": 1.0}, runs=400, seed=2).table.set_index("unit_code")
    assert t.loc["u2", "swaps_with"] == "u1" and t.loc["u2", "swap_share"] > 0.1
    assert t.loc["u1", "swaps_with"] == ""  # u3 never overtakes u1


def test_grades_by_cutoffs_and_by_shares():
    table = pd.DataFrame({"score": [95, 85, 70, 40, np.nan], "rank": [1, 2, 3, 4, np.nan],
                          "group_rank": [1, 2, 3, 4, np.nan], "peer_group": ["1"] * 5})
    assert grade(table, cutoffs={"优秀": 90, "良好": 80, "一般": 60}) == ["优秀", "良好", "一般", "较差", ""]
    # 4 scored units: 优秀 round(0.8) = 1, 良好 round(1.2) = 1, 一般 round(1.6) = 2 → none 较差
    assert grade(table) == ["优秀", "良好", "一般", "一般", ""]
    assert grade(table, shares={"优秀": 0.25, "良好": 0.25, "一般": 0.25}) == ["优秀", "良好", "一般", "较差", ""]
    with pytest.raises(InputError):
        grade(table, cutoffs={"优秀": 80, "良好": 90, "一般": 60})
    with pytest.raises(InputError):
        grade(table, shares={"优秀": 0.6, "良好": 0.6})


def test_clustering_recovers_planted_groups_numbered_by_level():
    rng = np.random.default_rng(0)
    centres = {1: 3.0, 2: 0.0, 3: -3.0}
    planted = np.repeat([2, 1, 3], 10)
    values = np.array([centres[g] for g in planted])[:, None] + rng.normal(0, 0.3, size=(30, 4))
    features = pd.DataFrame(values, columns=list("abcd"), index=[f"u{i}" for i in range(30)])
    features.iloc[0, 0] = np.nan  # one unit without complete data: not grouped
    for method in ("ward", "kmeans"):
        groups, criterion = cluster_peer_groups(features, method=method)
        assert criterion.loc[criterion["silhouette"].idxmax(), "k"] == 3
        assert pd.isna(groups.iloc[0])
        assert (groups.iloc[1:].to_numpy() == planted[1:]).all()


def test_a_peer_group_too_small_to_cluster_is_refused():
    with pytest.raises(InputError) as error:
        cluster_peer_groups(pd.DataFrame({"a": [1.0, 2.0]}, index=["x", "y"]))
    assert error.value.code == "assessment_too_few_to_cluster"
    # an indicator without spread (or none at all) gives nothing to cluster on
    with pytest.raises(InputError) as error:
        cluster_peer_groups(pd.DataFrame({"a": [1.0] * 10}, index=list("abcdefghij")))
    assert error.value.params["n"] == 0


def test_gaps_and_years_to_close_by_hand():
    panel = pd.DataFrame([
        # higher is better: the unit grew 100 → 121 in two years (10 % a year); the benchmark is at
        # 177.1561 = 121 · 1.1⁴: four more such years
        ("hf", "gdp_pc", 2015, 100.0), ("hf", "gdp_pc", 2016, 110.0), ("hf", "gdp_pc", 2017, 121.0),
        ("sz", "gdp_pc", 2017, 177.1561),
        # lower is better: energy use fell 62.5 → 50 (−10.56 % a year); the benchmark uses 40
        ("hf", "energy", 2015, 62.5), ("hf", "energy", 2017, 50.0), ("sz", "energy", 2016, 40.0),
        # ahead already
        ("hf", "green", 2017, 45.0), ("sz", "green", 2017, 40.0),
    ], columns=["unit_code", "indicator", "year", "value"])
    gaps = benchmark_gaps(panel, "hf", ["sz"], {"gdp_pc": 1, "energy": -1, "green": 1}, year=2017, span=5)
    g = gaps.set_index("indicator")
    assert g.loc["gdp_pc", "gap"] == pytest.approx(56.1561) and g.loc["gdp_pc", "relative_gap"] == pytest.approx(0.4641)
    assert g.loc["gdp_pc", "growth"] == pytest.approx(0.1) and g.loc["gdp_pc", "years_to_close"] == pytest.approx(4.0)
    assert g.loc["energy", "benchmark_year"] == 2016 and g.loc["energy", "behind"]
    assert g.loc["energy", "years_to_close"] == pytest.approx(2.0)   # ln(0.8) / ln(0.8^½)
    assert not g.loc["green", "behind"] and g.loc["green", "years_to_close"] == 0.0
    # the largest relative gap behind first (gdp_pc 46 %, energy 20 %), then those ahead
    assert gaps["indicator"].tolist() == ["gdp_pc", "energy", "green"]


def test_a_unit_moving_away_never_closes():
    panel = pd.DataFrame([("a", "x", 2015, 100.0), ("a", "x", 2017, 90.0), ("b", "x", 2017, 120.0)],
                         columns=["unit_code", "indicator", "year", "value"])
    assert math.isinf(benchmark_gaps(panel, "a", ["b"], {"x": 1}, year=2017)["years_to_close"].iloc[0])


def test_the_nearest_better_performers_of_the_same_group():
    scores = pd.Series({"a": 50.0, "b": 60.0, "c": 90.0, "d": 70.0})
    features = pd.DataFrame({"x": [0.0, 0.1, 5.0, 0.2], "y": [0.0, 0.0, 5.0, 0.1]}, index=list("abcd"))
    groups = pd.Series({"a": 1, "b": 1, "c": 1, "d": 2})
    found = nearest_better(scores, features, groups, n=2)
    assert found["a"] == ["b", "c"] and found["c"] == [] and found["d"] == []


def test_a_scheme_needs_positive_weights_and_its_components():
    with pytest.raises(InputError):
        scheme_spec({})
    with pytest.raises(InputError):
        scheme_spec({"level": 0})
    with pytest.raises(InputError) as error:
        assess(small(), {"level": 1.0, "progress": 1.0}, runs=10)
    assert error.value.code == "assessment_missing_component"
