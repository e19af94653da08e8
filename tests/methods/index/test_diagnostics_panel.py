"""Diagnostics by hand; indices over time (fixed goalposts, fixed base, chained base year)."""

import numpy as np
import pandas as pd
import pytest

from scipy import stats

from deltawatch.methods.index import build, load_spec
from deltawatch.methods.index.diagnostics import (
    correlate,
    correlations,
    cronbach_alpha,
    denominator_correlations,
    drop_one,
    pca,
    statistics,
)

TWO = [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}, {"code": "y", "parent": "I", "direction": -1}]
DATA = pd.DataFrame({"unit_code": list("abcd"), "x": [1.0, 2.0, 4.0, 3.0], "y": [4.0, 3.0, 1.0, 2.0]})


def spec(pipeline, nodes=TWO, **data):
    return load_spec({"data": data, "nodes": nodes, "pipeline": pipeline})


def test_cronbach_alpha_by_hand():
    result = build(spec([{"step": "normalise", "method": "none"}, {"step": "aggregate"}]),
                   pd.DataFrame({"unit_code": list("abc"), "x": [1.0, 2.0, 3.0], "y": [-2.0, -1.0, -4.0]}))
    # oriented scores: x = (1, 2, 3), y = −y = (2, 1, 4); var x = 1, var y = 7/3, var(x + y) = var(3, 3, 7) = 16/3
    alpha = 2 * (1 - (1 + 7 / 3) / (16 / 3))
    row = cronbach_alpha(result).set_index("node").loc["I"]
    assert row["alpha"] == pytest.approx(alpha) and row["k"] == 2 and row["n"] == 3


def test_correlation_flags():
    nodes = [{"code": "I"}] + [{"code": c, "parent": "I", "direction": 1} for c in "xyz"]
    data = pd.DataFrame({"unit_code": list("abcd"), "x": [1.0, 2, 3, 4], "y": [2.0, 4, 6, 8.1], "z": [4.0, 1, 3, 2]})
    table = correlations(build(spec([{"step": "normalise"}, {"step": "aggregate"}], nodes), data))
    pairs = table[table["relation"] == "siblings"].set_index(["node_a", "node_b"])
    assert pairs.loc[("x", "y"), "flag"] == "collinear" and pairs.loc[("x", "y"), "r"] > 0.99
    assert pairs.loc[("x", "z"), "flag"] == "negative"
    assert set(table["relation"]) == {"siblings", "parent", "index"}
    assert table[table["relation"] == "index"]["node_a"].tolist() == ["x", "y", "z"]


def test_cronbach_alpha_with_a_missing_cell_pairwise_and_complete():
    # x = (1, 2, 3, 4), y = (2, 1, 4, NaN); normalise none, both direction 1.
    # pairwise (COINr get_cronbach, use = "pairwise.complete.obs"):
    #   var x over 4 units = 5/3; var y over 3 units: mean 7/3, Σd² = 1/9 + 16/9 + 25/9 = 42/9 → 7/3;
    #   cov(x, y) over the 3 units with both: x − 2 = (−1, 0, 1), y − 7/3 = (−1/3, −4/3, 5/3) → 2/2 = 1
    #   α = 2·(1 − (5/3 + 7/3)/(5/3 + 7/3 + 2·1)) = 2·(1 − 4/6) = 2/3
    # complete units only (the first 3): var x = 1, var y = 7/3, cov = 1 → α = 2·(1 − (10/3)/(16/3)) = 3/4
    nodes = [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}, {"code": "y", "parent": "I", "direction": 1}]
    result = build(spec([{"step": "normalise", "method": "none"}, {"step": "aggregate"}], nodes),
                   pd.DataFrame({"unit_code": list("abcd"), "x": [1.0, 2.0, 3.0, 4.0], "y": [2.0, 1.0, 4.0, np.nan]}))
    pairwise = cronbach_alpha(result).set_index("node").loc["I"]
    assert pairwise["alpha"] == pytest.approx(2 / 3, rel=1e-12) and pairwise["n"] == 4
    complete = cronbach_alpha(result, missing="complete").set_index("node").loc["I"]
    assert complete["alpha"] == pytest.approx(3 / 4, rel=1e-12) and complete["n"] == 3


def test_drop_one_by_hand():
    # x = (1, 2, 3, 4), y = (3, 1, 4, 2), both higher is better; min-max 0–100:
    #   x → (0, 1/3, 2/3, 1)·100, y → (2/3, 0, 1, 1/3)·100, I = (1/3, 1/6, 5/6, 2/3)·100
    #   nominal ranks of I: a 3, b 4, c 1, d 2
    # leave x out → I ranks the units by y: (2, 4, 1, 3): |change| = (1, 0, 0, 1): mean 0.5, max 1;
    #   rank correlation with (3, 4, 1, 2): Σd² = 2 → 1 − 6·2/(4·15) = 0.8
    # leave y out → by x: (4, 3, 2, 1): |change| = (1, 1, 1, 1): mean 1, max 1; Σd² = 4 → 0.6
    nodes = [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}, {"code": "y", "parent": "I", "direction": 1}]
    data = pd.DataFrame({"unit_code": list("abcd"), "x": [1.0, 2.0, 3.0, 4.0], "y": [3.0, 1.0, 4.0, 2.0]})
    pipeline = [{"step": "normalise"}, {"step": "aggregate"}]
    assert build(spec(pipeline, nodes), data).ranks["I"].tolist() == [3, 4, 1, 2]
    result = drop_one(spec(pipeline, nodes), data).set_index("node")
    assert result.loc["x", "mean_abs_rank_change"] == 0.5 and result.loc["x", "max_abs_rank_change"] == 1
    assert result.loc["y", "mean_abs_rank_change"] == 1 and result.loc["y", "max_abs_rank_change"] == 1
    assert result.loc["x", "spearman"] == pytest.approx(0.8) and result.loc["y", "spearman"] == pytest.approx(0.6)
    assert result["parent"].tolist() == ["I", "I"]


# ---- correlations between levels, denominators, statistics, PCA --------------------------------------
TREE = [{"code": "I"}, {"code": "P", "parent": "I"}, {"code": "Q", "parent": "I"},
        {"code": "a", "parent": "P", "direction": 1}, {"code": "b", "parent": "P", "direction": 1},
        {"code": "c", "parent": "Q", "direction": 1}, {"code": "d", "parent": "Q", "direction": 1}]
FIVE = pd.DataFrame({"unit_code": list("pqrst"), "a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5],
                     "c": [5.0, 3, 4, 1, 2], "d": [1.0, 1, 2, 2, 9], "pop": [10.0, 20, 30, 40, 55]})


def five():
    return build(spec([{"step": "normalise", "method": "none"}, {"step": "aggregate"}], TREE, denominators=["pop"]),
                 FIVE)


def test_correlations_between_two_levels_with_p_values():
    result = five()
    table = correlate(result, 1, 2).set_index(["node_a", "node_b"])
    assert len(table) == 8  # every indicator against every pillar
    # P = (a + b)/2 = (1.5, 1.5, 3.5, 3.5, 5); r(a, P) and its p-value as scipy gives them
    P = (FIVE["a"] + FIVE["b"]) / 2
    expected = stats.pearsonr(FIVE["a"], P)
    assert table.loc[("a", "P"), "r"] == pytest.approx(expected[0], rel=1e-12)
    assert table.loc[("a", "P"), "p"] == pytest.approx(expected[1], rel=1e-9) and table.loc[("a", "P"), "n"] == 5
    # by hand: a − 3 = (−2, −1, 0, 1, 2), P − 3 = (−1.5, −1.5, 0.5, 0.5, 2): Σ = 3 + 1.5 + 0 + 0.5 + 4 = 9,
    # Σ(a − 3)² = 10, Σ(P − 3)² = 2.25 + 2.25 + 0.25 + 0.25 + 4 = 9 → r = 9/√90 = 0.948683
    assert table.loc[("a", "P"), "r"] == pytest.approx(9 / np.sqrt(90), rel=1e-12)
    spearman = correlate(result, 1, 2, method="spearman").set_index(["node_a", "node_b"])
    assert spearman.loc[("c", "P"), "r"] == pytest.approx(stats.spearmanr(FIVE["c"], P)[0], rel=1e-12)
    family = correlate(result, 1, 3, relation="ancestors")
    assert family["node_b"].tolist() == ["I"] * 4
    parents = correlate(result, 1, 2, relation="ancestors")
    assert list(zip(parents["node_a"], parents["node_b"])) == [("a", "P"), ("b", "P"), ("c", "Q"), ("d", "Q")]
    within = correlate(result, 1, relation="siblings")
    assert list(zip(within["node_a"], within["node_b"])) == [("a", "b"), ("c", "d")]


def test_insignificant_correlations_can_be_hidden_and_negative_ones_flagged():
    result = five()
    everything = correlate(result, 1).set_index(["node_a", "node_b"])
    # r(a, c): a − 3 = (−2, −1, 0, 1, 2), c − 3 = (2, 0, 1, −2, −1): Σ = −4 + 0 + 0 − 2 − 2 = −8, Σ² = 10, 10 → −0.8
    assert everything.loc[("a", "c"), "r"] == pytest.approx(-0.8, rel=1e-12)
    p_ac = stats.pearsonr(FIVE["a"], FIVE["c"])[1]  # 0.104 with n = 5: not significant at 5 %
    assert p_ac > 0.05
    hidden = correlate(result, 1, alpha=0.05, negative=-0.5).set_index(["node_a", "node_b"])
    assert np.isnan(hidden.loc[("a", "c"), "r"]) and hidden.loc[("a", "c"), "hidden"]
    assert hidden.loc[("a", "c"), "p"] == pytest.approx(p_ac, rel=1e-9)
    shown = correlate(result, 1, alpha=0.2, negative=-0.5).set_index(["node_a", "node_b"])
    assert shown.loc[("a", "c"), "negative"] and not shown.loc[("a", "c"), "hidden"]
    strict = correlate(result, 1, alpha=0.2, negative=-0.9).set_index(["node_a", "node_b"])
    assert not strict.loc[("a", "c"), "negative"]


def test_the_negative_flag_of_siblings_has_a_threshold():
    result = five()
    # siblings c, d: c − 3 = (2, 0, 1, −2, −1), d − 3 = (−2, −2, −1, −1, 6): Σ = −4 + 0 − 1 + 2 − 6 = −9,
    # Σ(c − 3)² = 10, Σ(d − 3)² = 4 + 4 + 1 + 1 + 36 = 46 → r = −9/√460 = −0.4196
    default = correlations(result).set_index(["node_a", "node_b"])
    assert default.loc[("c", "d"), "r"] == pytest.approx(-9 / np.sqrt(460), rel=1e-12)
    assert default.loc[("c", "d"), "flag"] == "negative"  # below 0
    assert correlations(result, negative=-0.5).set_index(["node_a", "node_b"]).loc[("c", "d"), "flag"] == ""
    assert default.loc[("c", "d"), "p"] == pytest.approx(stats.pearsonr(FIVE["c"], FIVE["d"])[1], rel=1e-9)


def test_indicator_denominator_correlations():
    table = denominator_correlations(five(), threshold=0.9).set_index("indicator")
    assert table["denominator"].unique().tolist() == ["pop"] and len(table) == 4
    # a − 3 = (−2, −1, 0, 1, 2), pop − 31 = (−21, −11, −1, 9, 24): Σ = 42 + 11 + 0 + 9 + 48 = 110,
    # Σ(a − 3)² = 10, Σ(pop − 31)² = 441 + 121 + 1 + 81 + 576 = 1220 → r = 110/√12200 = 0.99589
    assert table.loc["a", "r"] == pytest.approx(110 / np.sqrt(12200), rel=1e-12) and table.loc["a", "high"]
    assert table.loc["c", "r"] == pytest.approx(stats.pearsonr(FIVE["c"], FIVE["pop"])[0], rel=1e-12)
    assert not table.loc["c", "high"]  # |r| = 0.77 < 0.9
    assert denominator_correlations(build(spec([{"step": "normalise"}, {"step": "aggregate"}]), DATA)).empty


def test_statistics_table_by_hand_and_against_scipy():
    x = np.array([1.0, 2, 2, 3, 4, 5, 6, 7, 8, 40, 0, np.nan])
    data = pd.DataFrame({"unit_code": [f"u{k}" for k in range(12)], "x": x, "y": np.arange(12.0)})
    nodes = [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1}, {"code": "y", "parent": "I", "direction": 1}]
    table = statistics(build(spec([{"step": "normalise"}, {"step": "aggregate"}], nodes), data)).set_index("column")
    row = table.loc["x"]
    present = x[~np.isnan(x)]  # 0 1 2 2 3 4 5 6 7 8 40: n = 11
    assert (row["min"], row["max"], row["median"], row["n"], row["n_available"]) == (0, 40, 4, 12, 11)
    assert row["mean"] == pytest.approx(78 / 11) and row["availability"] == pytest.approx(11 / 12)
    assert row["sd"] == pytest.approx(present.std(ddof=1)) and row["n_zero"] == 1 and row["n_unique"] == 10
    assert row["nonzero"] == pytest.approx(10 / 11)
    assert row["skew"] == pytest.approx(stats.skew(present, bias=False), rel=1e-12)
    assert row["kurtosis"] == pytest.approx(stats.kurtosis(present, bias=False), rel=1e-12)
    # R's type-7 quartiles of the 11 values: positions 1 + 0.25·10 = 3.5 and 8.5 (1-based):
    # Q1 = (2 + 2)/2 = 2, Q3 = (6 + 7)/2 = 6.5, IQR 4.5; fences 2 − 6.75 = −4.75 and 6.5 + 6.75 = 13.25 →
    # one high outlier (40), no low one
    assert (row["q25"], row["q75"], row["iqr"]) == (2, 6.5, 4.5)
    assert (row["n_low_outliers"], row["n_high_outliers"]) == (0, 1)
    assert row["skew_kurtosis_outlier"]  # skew 3.02 > 2 and kurtosis 9.55 > 3.5
    assert not table.loc["y", "skew_kurtosis_outlier"] and table.loc["y", "n_high_outliers"] == 0


def test_pca_tables_equal_sklearn():
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(5)
    values = rng.normal(size=(30, 3)) @ np.array([[1.0, 0.6, 0.2], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]])
    nodes = [{"code": "I"}] + [{"code": c, "parent": "I", "direction": 1} for c in "abc"]
    data = pd.DataFrame({"unit_code": [f"u{k}" for k in range(30)], **dict(zip("abc", values.T))})
    result = pca(build(spec([{"step": "normalise", "method": "none"}, {"step": "aggregate"}], nodes), data))
    reference = PCA().fit(StandardScaler().fit_transform(values))
    np.testing.assert_allclose(result.variance["share"], reference.explained_variance_ratio_, rtol=1e-9)
    np.testing.assert_allclose(result.variance["cumulative"].iloc[-1], 1.0)
    # correlation-matrix eigenvalues = sklearn's variances of the (ddof 0) z-scores × (n − 1)/n
    np.testing.assert_allclose(result.variance["eigenvalue"], reference.explained_variance_ * 29 / 30, rtol=1e-9)
    first = result.loadings[result.loadings["component"] == 1]
    u = reference.components_[0]
    np.testing.assert_allclose(np.abs(first["eigenvector"]), np.abs(u), rtol=1e-9)
    np.testing.assert_allclose(np.abs(first["loading"]), np.abs(u) * np.sqrt(result.variance["eigenvalue"].iloc[0]),
                               rtol=1e-9)
    np.testing.assert_allclose(result.weights["squared"], u ** 2, rtol=1e-9)
    np.testing.assert_allclose(result.weights["absolute"], np.abs(u) / np.abs(u).sum(), rtol=1e-9)


def test_the_audit_workbook_has_the_diagnostics_sheets(tmp_path):
    from deltawatch.indices.commands import write_audit

    path = tmp_path / "audit.xlsx"
    write_audit(five(), str(path))
    sheets = pd.read_excel(path, sheet_name=None)
    for name in ("层级相关 level correlations", "分母相关 denominator corr", "统计 stats Raw", "统计 stats Aggregated",
                 "主成分 PCA loadings", "主成分 PCA variance", "主成分 PCA weights", "信度 alpha", "相关 correlations"):
        assert name in sheets
    between = sheets["层级相关 level correlations"].set_index(["node_a", "node_b"])
    assert between.loc[("a", "c"), "r"] == pytest.approx(-0.8)
    assert sheets["分母相关 denominator corr"].set_index("indicator").loc["a", "r"] == pytest.approx(110 / np.sqrt(12200))
    assert sheets["统计 stats Raw"].set_index("column").loc["d", "max"] == 9


PANEL = pd.DataFrame({"unit_code": ["a"] * 3 + ["b"] * 3, "year": [2015, 2016, 2017] * 2,
                      "x": [10.0, 11.0, 12.1, 20.0, 20.0, 22.0], "y": [5.0, 4.0, 4.0, 2.0, 2.0, 1.0]})


def test_fixed_base_year_index():
    result = build(spec([{"step": "normalise", "method": "base_year", "params": {"base_year": 2015}},
                         {"step": "aggregate"}], year="year"), PANEL)
    scores = result.scores
    assert scores.loc[("a", 2015)].tolist() == [100, 100, 100]
    assert scores.loc[("a", 2016), "y"] == 125  # lower is better: 5 / 4 · 100
    assert scores.loc[("b", 2017), "I"] == pytest.approx((110 + 200) / 2)


def test_chained_base_year_index():
    result = build(spec([{"step": "normalise", "method": "link_relative"},
                         {"step": "aggregate", "params": {"chain": True}}], year="year"), PANEL)
    # a: links 2016 = (110 + 125)/2 = 117.5, 2017 = (110 + 100)/2 = 105 → 117.5 · 1.05 = 123.375
    assert result.scores.loc[("a", 2016), "I"] == pytest.approx(117.5)
    assert result.scores.loc[("a", 2017), "I"] == pytest.approx(123.375)
    assert result.scores.loc[("a", 2017), "x"] == pytest.approx(121.0)  # the chained link of x is its fixed base
    assert (result.scores.xs(2015, level="year") == 100).all().all()


def test_fixed_goalposts_keep_a_year_comparable_when_years_are_added():
    nodes = [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1, "goalposts": [0, 40]},
             {"code": "y", "parent": "I", "direction": -1, "goalposts": [0, 10]}]
    fixed = spec([{"step": "normalise", "method": "goalposts"}, {"step": "aggregate"}], nodes, year="year")
    alone = build(fixed, PANEL[PANEL["year"] == 2015]).scores
    within = build(fixed, PANEL).scores.xs(2015, level="year", drop_level=False)
    pd.testing.assert_frame_equal(alone, within)
    assert build(fixed, PANEL).scores.loc[("a", 2017), "x"] == pytest.approx(12.1 / 40 * 100)


def test_pooled_bounds_and_ranks_within_each_year():
    result = build(spec([{"step": "normalise", "params": {"pooled": True}}, {"step": "aggregate"}], year="year"), PANEL)
    assert result.scores.loc[("a", 2016), "x"] == pytest.approx((11 - 10) / 12 * 100)  # bounds 10–22 over all years
    assert result.ranks.xs(2016, level="year")["I"].tolist() == [2, 1]
    long = result.long()
    assert list(long.columns) == ["unit_code", "year", "node", "level", "score", "rank"]
