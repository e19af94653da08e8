"""Diagnostics by hand; indices over time (fixed goalposts, fixed base, chained base year)."""

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.index import build, load_spec
from deltawatch.methods.index.diagnostics import correlations, cronbach_alpha, drop_one

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


def test_drop_one_by_hand():
    # I = mean(x, y): leaving x out ranks the units by y alone, and the other way round
    result = drop_one(spec([{"step": "normalise"}, {"step": "aggregate"}]), DATA).set_index("node")
    nominal = build(spec([{"step": "normalise"}, {"step": "aggregate"}]), DATA).ranks["I"].to_numpy()
    by_y = np.array([4, 3, 1, 2])  # ranks of −y
    by_x = np.array([4, 3, 1, 2])
    assert result.loc["x", "mean_abs_rank_change"] == pytest.approx(np.abs(by_y - nominal).mean())
    assert result.loc["y", "max_abs_rank_change"] == np.abs(by_x - nominal).max()


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
