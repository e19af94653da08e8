"""The spec: validation with clear bilingual errors, round trips, derived specs."""

import json

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.index import IndexSpec, IndexSpecError, build, load_spec

from .conftest import SMALL, small_spec

NODES = [{"code": "I"}, {"code": "a", "parent": "I", "direction": 1}, {"code": "b", "parent": "I", "direction": -1}]
PIPELINE = [{"step": "normalise"}, {"step": "aggregate"}]


def error_of(raw) -> IndexSpecError:
    with pytest.raises(IndexSpecError) as caught:
        IndexSpec.from_dict(raw)
    return caught.value


def test_a_cycle_is_named():
    error = error_of({"nodes": [{"code": "I"}, {"code": "A", "parent": "B"}, {"code": "B", "parent": "A"},
                                {"code": "x", "parent": "A", "direction": 1}], "pipeline": PIPELINE})
    assert error.code == "cycle"
    assert "A → B → A" in error.message("zh") or "B → A → B" in error.message("zh")
    assert error.message("en").startswith("The index tree has a cycle")


def test_unknown_parent_and_duplicate_codes():
    assert error_of({"nodes": NODES + [{"code": "c", "parent": "Z", "direction": 1}], "pipeline": PIPELINE}).code == \
        "unknown_parent"
    assert error_of({"nodes": NODES + [{"code": "a", "parent": "I", "direction": 1}],
                     "pipeline": PIPELINE}).code == "duplicate_node"


def test_exactly_one_root():
    error = error_of({"nodes": NODES + [{"code": "J"}], "pipeline": PIPELINE})
    assert error.code == "roots" and error.params["n"] == 2


def test_direction_is_never_defaulted():
    error = error_of({"nodes": [{"code": "I"}, {"code": "a", "parent": "I"}], "pipeline": PIPELINE})
    assert error.code == "bad_direction"
    assert "方向从不默认" in error.message("zh") and "never defaulted" in error.message("en")


def test_weights_must_cover_a_level():
    nodes = [{"code": "I"}, {"code": "a", "parent": "I", "direction": 1, "weight": 2},
             {"code": "b", "parent": "I", "direction": 1}]
    error = error_of({"nodes": nodes, "pipeline": PIPELINE})
    assert error.code == "weights_partial" and error.params["missing"] == ["b"]
    nodes[2]["weight"] = -1
    assert error_of({"nodes": nodes, "pipeline": PIPELINE}).code == "bad_weight"
    nodes[1]["weight"] = nodes[2]["weight"] = 0
    assert error_of({"nodes": nodes, "pipeline": PIPELINE}).code == "weights_zero"


def test_a_geometric_mean_over_a_range_reaching_zero_is_refused_before_running():
    error = error_of({"nodes": NODES, "pipeline": [{"step": "normalise", "params": {"low": 0, "high": 100}},
                                                    {"step": "aggregate", "method": "geometric"}]})
    assert error.code == "positive_needed"
    assert "minmax low: 1" in error.message("zh")
    ok = IndexSpec.from_dict({"nodes": NODES, "pipeline": [{"step": "normalise", "params": {"low": 1, "high": 100}},
                                                           {"step": "aggregate", "method": "geometric"}]})
    assert ok.step("aggregate").method == "geometric"


def test_a_geometric_mean_meeting_a_negative_value_names_the_cell():
    spec = load_spec({"nodes": NODES, "pipeline": [{"step": "normalise", "method": "zscore"},
                                                   {"step": "aggregate", "method": "geometric"}]})
    data = pd.DataFrame({"unit_code": ["x", "y", "z"], "a": [1.0, 2.0, 3.0], "b": [1.0, 2.0, 3.0]})
    with pytest.raises(IndexSpecError) as caught:
        build(spec, data)
    assert caught.value.code == "positive_needed"
    assert "x · a = -1" in caught.value.message("en")


def test_unknown_step_method_and_parameter():
    assert error_of({"nodes": NODES, "pipeline": [{"step": "normalize"}, {"step": "aggregate"}]}).code == "unknown_step"
    error = error_of({"nodes": NODES, "pipeline": [{"step": "normalise", "method": "minimax"}, {"step": "aggregate"}]})
    assert error.code == "unknown_method" and "minmax" in error.params["allowed"]
    error = error_of({"nodes": NODES, "pipeline": [{"step": "normalise", "params": {"lo": 0}}, {"step": "aggregate"}]})
    assert error.code == "unknown_param" and error.params["allowed"] == ["high", "low", "pooled"]


def test_a_parameter_of_the_wrong_kind_names_it_and_the_value():
    error = error_of({"nodes": NODES, "pipeline": [{"step": "normalise", "params": {"low": "zero"}},
                                                   {"step": "aggregate"}]})
    assert error.code == "bad_param"
    assert error.message("en") == ("The 'low' parameter of method minmax (step normalise) must be a number, "
                                   "got 'zero' instead")
    assert "应为数值" in error.message("zh")


def test_pipeline_order_and_ending():
    assert error_of({"nodes": NODES, "pipeline": [{"step": "normalise"}]}).code == "no_aggregate"
    assert error_of({"nodes": NODES, "pipeline": [{"step": "normalise"}, {"step": "treat"},
                                                  {"step": "aggregate"}]}).code == "step_order"
    assert error_of({"nodes": NODES, "pipeline": [{"step": "normalise"}, {"step": "normalise"},
                                                  {"step": "aggregate"}]}).code == "repeated_step"


def test_overrides_must_name_indicators_or_levels():
    error = error_of({"nodes": NODES, "pipeline": [{"step": "normalise", "indicators": {"zz": {"method": "rank"}}},
                                                   {"step": "aggregate"}]})
    assert error.code == "unknown_override"
    error = error_of({"nodes": NODES, "pipeline": [{"step": "normalise"},
                                                   {"step": "aggregate", "levels": {7: {"method": "geometric"}}}]})
    assert error.code == "unknown_override"


def test_unknown_keys_are_refused():
    assert error_of({"nodes": NODES, "pipeline": PIPELINE, "nodez": []}).code == "unknown_key"
    assert error_of({"nodes": [{"code": "I", "colour": 1}], "pipeline": PIPELINE}).code == "unknown_key"


def test_an_indicator_missing_from_the_data_is_named():
    spec = small_spec()
    with pytest.raises(IndexSpecError) as caught:
        build(spec, SMALL.drop(columns="b"))
    assert caught.value.code == "missing_column" and caught.value.params["names"] == ["b"]


def test_a_non_numeric_cell_is_named_by_row():
    data = SMALL.astype({"a": object})
    data.loc[2, "a"] = "n/a?"
    with pytest.raises(IndexSpecError) as caught:
        build(small_spec(), data)
    assert caught.value.params == {"code": "a", "row": 4, "value": "n/a?"}


def test_round_trip_through_dict_yaml_and_json(tmp_path):
    spec = small_spec([{"step": "treat"}, {"step": "normalise", "indicators": {"c": {"method": "rank"}}},
                       {"step": "aggregate", "levels": {3: {"method": "geometric"}}}])
    assert IndexSpec.from_dict(spec.to_dict()) == spec
    for name in ("spec.yaml", "spec.json"):
        spec.dump(tmp_path / name)
        assert load_spec(tmp_path / name) == spec
    assert json.loads(spec.to_json())["pipeline"][0]["params"] == {"winmax": 5, "skew": 2.0, "kurtosis": 3.5}
    assert len(spec.digest()) == 64 and spec.digest() == IndexSpec.from_dict(spec.to_dict()).digest()


def test_tree_of_any_depth_and_ragged():
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "S", "parent": "I"}, {"code": "P", "parent": "S"},
                                {"code": "a", "parent": "P", "direction": 1}, {"code": "b", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "normalise"}, {"step": "aggregate"}]})
    assert spec.levels == {"I": 4, "S": 3, "P": 2, "a": 1, "b": 1}
    result = build(spec, pd.DataFrame({"unit_code": ["x", "y"], "a": [0.0, 1.0], "b": [1.0, 0.0]}))
    assert result.scores["I"].tolist() == [50.0, 50.0]  # I = mean(S, b); S = P = a


def test_replace_step_and_with_weights_derive_new_specs():
    spec = small_spec()
    other = spec.replace_step("normalise", params={"low": 1})
    assert other.step("normalise").params["low"] == 1.0 and spec.step("normalise").params["low"] == 0.0
    assert spec.with_weights({"P": 3, "Q": 1}).node("P").weight == 3.0 and spec.node("P").weight is None
    with pytest.raises(IndexSpecError, match="weights_partial|没有权重"):
        spec.with_weights({"P": 3})


def test_spec_file_errors_are_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes: [", encoding="utf-8")
    with pytest.raises(IndexSpecError) as caught:
        load_spec(bad)
    assert caught.value.code == "spec_file"


def test_two_indicators_may_read_one_column():
    spec = load_spec({"data": {"denominators": ["pop", "workers"]},
                      "nodes": [{"code": "I"},
                                {"code": "gdp_pc", "column": "gdp", "denominator": "pop", "parent": "I", "direction": 1},
                                {"code": "gdp_pw", "column": "gdp", "denominator": "workers", "parent": "I",
                                 "direction": 1}],
                      "pipeline": [{"step": "denominate"}, {"step": "normalise", "method": "none"},
                                   {"step": "aggregate"}]})
    data = pd.DataFrame({"unit_code": ["x"], "gdp": [100.0], "pop": [4.0], "workers": [2.0]})
    result = build(spec, data)
    assert result.scores.loc["x", ["gdp_pc", "gdp_pw", "I"]].tolist() == [25.0, 50.0, 37.5]
    assert np.isclose(result.weights.set_index("node").loc["gdp_pc", "effective"], 0.5)


def test_node_values_and_the_uncertainty_section_are_checked_on_loading():
    bad = [{"code": "I"}, {"code": "a", "parent": "I", "direction": 1, "goalposts": [0]}]
    assert error_of({"nodes": bad, "pipeline": PIPELINE}).message("en") == \
        "The goalposts of node 'a' must be [lower, upper], got [0] instead"
    bad[1] = {"code": "a", "parent": "I", "direction": 1, "target": "high"}
    assert error_of({"nodes": bad, "pipeline": PIPELINE}).code == "bad_node_value"
    error = error_of({"nodes": NODES, "pipeline": PIPELINE,
                      "uncertainty": {"factors": [{"name": "w", "step": "treat", "param": "winmax", "values": [1]}]}})
    assert error.code == "factor" and "treat" in error.message("en")
    assert error_of({"nodes": NODES, "pipeline": PIPELINE, "uncertainty": {"target": "Z"}}).code == "factor"
