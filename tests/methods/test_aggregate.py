"""Group values from members: each rule against a hand computation."""

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.aggregate import aggregate_groups

RULES = pd.DataFrame([
    ("pop", "sum", None, None),
    ("urban", "sum", None, None),
    ("pm25", "mean", None, None),
    ("gdp_pc", "weighted_mean", "pop", None),
    ("urbanization", "formula", None, "urban * 100 / pop"),
    ("urban_share_ratio", "formula", None, "urbanization / 100"),
    ("index", "none", None, None),
], columns=["code", "aggregation", "weight", "formula"])

LINKS = pd.DataFrame({"group_code": ["g", "g", "h"], "region_code": ["a", "b", "b"]})


def frame(rows):
    return pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value"])


def value(out, group, indicator, year):
    hit = out[(out["region_code"] == group) & (out["indicator"] == indicator) & (out["year"] == year)]
    return hit["value"].item() if len(hit) else None


def test_sum_needs_every_member():
    out = aggregate_groups(frame([("a", "pop", 2020, 1.0), ("b", "pop", 2020, 2.0), ("a", "pop", 2021, 1.1)]),
                           LINKS, RULES)
    assert value(out, "g", "pop", 2020) == 3.0
    assert value(out, "g", "pop", 2021) is None  # b missing: no partial sum
    assert value(out, "h", "pop", 2020) == 2.0  # a region may belong to several groups
    assert out.loc[(out["region_code"] == "g") & (out["year"] == 2020), "members"].item() == 2


def test_mean_and_coverage():
    obs = frame([("a", "pm25", 2020, 30.0), ("b", "pm25", 2020, 50.0), ("a", "pm25", 2021, 28.0)])
    out = aggregate_groups(obs, LINKS, RULES)
    assert value(out, "g", "pm25", 2020) == 40.0
    assert value(out, "g", "pm25", 2021) is None
    relaxed = aggregate_groups(obs, LINKS, RULES, min_coverage=0.5)
    assert value(relaxed, "g", "pm25", 2021) == 28.0


def test_population_weighted_mean():
    # a: 100 per head × 1 person, b: 50 per head × 3 persons → 250 / 4
    obs = frame([("a", "gdp_pc", 2020, 100.0), ("b", "gdp_pc", 2020, 50.0),
                 ("a", "pop", 2020, 1.0), ("b", "pop", 2020, 3.0)])
    out = aggregate_groups(obs, LINKS, RULES)
    assert value(out, "g", "gdp_pc", 2020) == pytest.approx(62.5, rel=1e-15)


def test_weighted_mean_without_the_weight_is_missing():
    obs = frame([("a", "gdp_pc", 2020, 100.0), ("b", "gdp_pc", 2020, 50.0), ("a", "pop", 2020, 1.0)])
    assert value(aggregate_groups(obs, LINKS, RULES), "g", "gdp_pc", 2020) is None


def test_formula_on_group_totals_not_mean_of_rates():
    # a: 0.5 of 1 urban (50 %), b: 2.7 of 3 (90 %) → group 3.2 / 4 = 80 %, not (50 + 90) / 2 = 70 %
    obs = frame([("a", "urban", 2020, 0.5), ("a", "pop", 2020, 1.0), ("b", "urban", 2020, 2.7),
                 ("b", "pop", 2020, 3.0),
                 ("a", "urbanization", 2020, 50.0), ("b", "urbanization", 2020, 90.0)])
    out = aggregate_groups(obs, LINKS, RULES)
    assert value(out, "g", "urbanization", 2020) == pytest.approx(80.0, rel=1e-14)
    assert value(out, "g", "urban_share_ratio", 2020) == pytest.approx(0.8, rel=1e-14)  # formula of a formula


def test_none_is_never_aggregated_and_vintage_is_the_newest_input():
    obs = frame([("a", "index", 2020, 1.0), ("b", "index", 2020, 2.0),
                 ("a", "gdp_pc", 2020, 100.0), ("b", "gdp_pc", 2020, 50.0),
                 ("a", "pop", 2020, 1.0), ("b", "pop", 2020, 3.0)])
    obs["vintage"] = [1, 2, 3, 4, 5, 9]
    out = aggregate_groups(obs, LINKS, RULES)
    assert "index" not in set(out["indicator"])
    assert out.loc[(out["region_code"] == "g") & (out["indicator"] == "gdp_pc"), "vintage"].item() == 9
    assert out.loc[(out["region_code"] == "g") & (out["indicator"] == "pop"), "vintage"].item() == 9


@pytest.mark.parametrize("rules, message", [
    (pd.DataFrame([("x", "median", None, None)], columns=RULES.columns), "aggregation must be one of"),
    (pd.DataFrame([("x", "weighted_mean", None, None)], columns=RULES.columns), "needs a weight"),
    (pd.DataFrame([("x", "formula", None, "")], columns=RULES.columns), "needs a formula"),
])
def test_bad_rules_are_refused(rules, message):
    with pytest.raises(ValueError, match=message):
        aggregate_groups(frame([("a", "x", 2020, 1.0)]), LINKS, rules)


def test_empty_input_gives_empty_typed_frame():
    out = aggregate_groups(frame([]), LINKS, RULES)
    assert out.empty and list(out.columns) == ["region_code", "indicator", "year", "value", "members"]
    assert np.issubdtype(out["value"].dtype, np.floating)


def test_weighted_mean_among_many_indicators_and_groups():
    # other indicators and overlapping groups around the weighted one (a regression: cell keys
    # of values and of weights must be built on one scale)
    obs = frame([("a", "gdp_pc", 2020, 100.0), ("b", "gdp_pc", 2020, 50.0), ("a", "pop", 2020, 1.0),
                 ("b", "pop", 2020, 3.0), ("a", "pm25", 2020, 30.0), ("b", "pm25", 2020, 50.0),
                 ("a", "urban", 2020, 0.5), ("b", "urban", 2020, 2.7), ("b", "gdp_pc", 2021, 60.0),
                 ("b", "pop", 2021, 3.1)])
    out = aggregate_groups(obs, LINKS, RULES)
    assert value(out, "g", "gdp_pc", 2020) == pytest.approx(62.5, rel=1e-15)
    assert value(out, "h", "gdp_pc", 2020) == 50.0 and value(out, "h", "gdp_pc", 2021) == 60.0
    assert value(out, "g", "gdp_pc", 2021) is None
