import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.formula import FormulaError, compute_derived, dependency_order, evaluate_formula, parse_formula


def test_parse_lists_the_codes():
    assert parse_formula("co2_emissions * 100 / gdp") == ["co2_emissions", "gdp"]


@pytest.mark.parametrize("bad", ["__import__('os')", "gdp.real", "gdp ** 2", "gdp[0]", "lambda: 1", "gdp +", "'a'"])
def test_anything_but_arithmetic_is_refused(bad):
    with pytest.raises(FormulaError):
        parse_formula(bad)


def test_division_by_zero_is_no_value():
    out = evaluate_formula("a / b", {"a": np.array([1.0, 2.0]), "b": np.array([0.0, 4.0])})
    assert np.isnan(out[0]) and out[1] == 0.5


def test_cycle_is_named():
    with pytest.raises(FormulaError, match="a → b → a"):
        dependency_order({"a": "b + 1", "b": "a * 2"})


def test_compute_derived_by_hand():
    # Shanghai 2020 census: 22,209,395 urban of 24,870,895 residents → 89.2986...%
    obs = pd.DataFrame({
        "region_code": ["310000", "310000", "320100"],
        "indicator": ["population_urban", "population_resident", "population_urban"],
        "year": [2020, 2020, 2020],
        "value": [22209395.0, 24870895.0, 8085241.0],
    })
    formulas = {"urbanization_rate": "population_urban * 100 / population_resident",
                "urban_share_ratio": "urbanization_rate / 100"}
    out = compute_derived(obs, formulas).set_index(["region_code", "indicator"])["value"]
    assert out[("310000", "urbanization_rate")] == pytest.approx(22209395 / 24870895 * 100, rel=1e-15)
    assert out[("310000", "urban_share_ratio")] == pytest.approx(22209395 / 24870895, rel=1e-15)
    assert ("320100", "urbanization_rate") not in out.index  # Nanjing lacks the denominator
