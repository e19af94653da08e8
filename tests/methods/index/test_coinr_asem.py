"""COINr's standard ASEM pipeline, step by step, against COINr 1.1.14's own outputs.

The spec shipped in examples/asem reproduces denominate → group-mean impute → screen 0.9 →
default treatment → min-max 0–100 → arithmetic mean. Every dataset must equal COINr's to
1e-9 relative (plus 1e-12 absolute for zeros); ranks exactly.
"""

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.index import build
from deltawatch.methods.index.coinr import read_coinr

from .conftest import ASEM, reference

STEPS = [("Raw", "main_1_Raw"), ("Denominated", "main_2_Denominated"), ("Imputed", "main_3_Imputed"),
         ("Screened", "main_4_Screened"), ("Treated", "main_5_Treated"), ("Normalised", "main_6_Normalised"),
         ("Aggregated", "main_7_Aggregated")]


def assert_close(got: pd.DataFrame, expected: pd.DataFrame):
    got = got.loc[expected.index, expected.columns].to_numpy(dtype=float)
    want = expected.to_numpy(dtype=float)
    both_missing = np.isnan(got) & np.isnan(want)
    close = np.abs(got - want) <= 1e-9 * np.maximum(np.abs(got), np.abs(want)) + 1e-12
    assert (both_missing | close).all(), np.argwhere(~(both_missing | close))[:5]


@pytest.fixture(scope="module")
def result(asem_spec, asem_data):
    return build(asem_spec, asem_data)


@pytest.mark.parametrize("dataset, name", STEPS)
def test_every_step_equals_coinr(result, dataset, name):
    assert_close(result.datasets[dataset], reference(name))


def test_ranks_of_every_node_equal_coinr(result):
    expected = reference("main_7_Aggregated_ranks")
    got = result.ranks.loc[expected.index, expected.columns]
    assert (got.to_numpy() == expected.to_numpy()).all()


def test_treatment_details_equal_coinr(result):
    expected = pd.read_csv(ASEM.parents[1] / "tests" / "fixtures" / "coinr_asem" / "main_treat_Dets_Table.csv")
    details = result.treatment.set_index("indicator").loc[expected["iCode"]]
    assert (details["pass_0"].to_numpy() == expected["check_SkewKurt0.Pass"].to_numpy()).all()
    np.testing.assert_allclose(details["skew_0"], expected["check_SkewKurt0.Skew"], rtol=1e-9)
    np.testing.assert_allclose(details["kurtosis_0"], expected["check_SkewKurt0.Kurt"], rtol=1e-9)
    failing = expected["check_SkewKurt0.Pass"].to_numpy() == False  # noqa: E712 — a column of booleans
    np.testing.assert_array_equal(details.loc[failing, "n_winsorised"], expected.loc[failing, "winsorise.nwin"])
    np.testing.assert_allclose(details.loc[failing, "skew_1"], expected.loc[failing, "check_SkewKurt1.Skew"], rtol=1e-9)
    np.testing.assert_allclose(details.loc[failing, "kurtosis_1"], expected.loc[failing, "check_SkewKurt1.Kurt"],
                               rtol=1e-9)


def test_treated_points_equal_coinr(result):
    expected = reference("main_treat_Treated_Points").stack().dropna()
    expected = {(u, i, mark) for (u, i), mark in expected.items() if mark}
    got = {(row.unit_code, row.indicator, row.treatment) for row in result.treated.itertuples()}
    assert got == expected and len(got) == 35


def test_screening_summary_equals_coinr(result):
    expected = reference("main_screen_DataSummary")
    got = result.screening.set_index("unit_code").loc[expected.index]
    np.testing.assert_array_equal(got["n_missing"], expected["N_missing"])
    np.testing.assert_array_equal(got["n_zero"], expected["N_zero"])
    np.testing.assert_allclose(got["nonzero"], expected["Non_Zero"], rtol=1e-12)
    np.testing.assert_array_equal(got["included"], expected["Included"])


def test_every_imputed_cell_is_recorded_with_its_value(result):
    raw, imputed = result.datasets["Denominated"], result.datasets["Imputed"]
    record = result.imputed
    assert len(record) == int(raw.isna().sum().sum()) == 65
    for row in record.itertuples():
        assert np.isnan(raw.loc[row.unit_code, row.indicator])
        assert imputed.loc[row.unit_code, row.indicator] == row.value
    assert set(record["method"]) == {"mean_group"}


def test_regenerated_result_is_identical(result, asem_data):
    again = result.regenerate(asem_data)
    assert again.data_hash == result.data_hash
    pd.testing.assert_frame_equal(again.scores, result.scores, check_exact=True)
    pd.testing.assert_frame_equal(again.ranks, result.ranks, check_exact=True)


def test_regenerate_refuses_other_data(result, asem_data):
    changed = asem_data.copy()
    changed.loc[0, "LPI"] += 0.001
    with pytest.raises(ValueError, match="数据与生成该结果的数据不同"):
        result.regenerate(changed)


def test_the_coinr_input_pair_gives_the_same_spec(asem_spec):
    spec, data = read_coinr(ASEM / "input_ASEM_iData.csv", ASEM / "input_ASEM_iMeta.csv",
                            pipeline=[s.to_dict() for s in asem_spec.pipeline])
    assert [n.to_dict() for n in spec.nodes] == [n.to_dict() for n in asem_spec.nodes]
    assert spec.data["denominators"] == ["Area", "Energy", "GDP", "Population"]
    assert len(data) == 51


def test_long_output_has_the_documented_columns(result):
    long = result.long()
    assert list(long.columns) == ["unit_code", "node", "level", "score", "rank"]
    assert len(long) == 51 * 60
    index = long[long["node"] == "Index"].set_index("unit_code")
    assert index.loc["CHE", "rank"] == 1 and index.loc["CHE", "level"] == 4


# ---- Copeland on ASEM: exact draws counted by hand ------------------------------------------------------
def wins_draws_losses(X: np.ndarray, row: int) -> tuple[int, int, int]:
    """Counted with integers: every ASEM weight is 1, so the margin of a pair is the number of
    children where the unit is ahead minus those where it is behind (children missing for
    either unit left out) — no floating-point sum."""
    ahead = np.sign(X[row][None, :] - X)  # NaN where either lacks the child
    margin = np.nansum(ahead, axis=1).astype(int)
    margin = np.delete(margin, row)
    return int((margin > 0).sum()), int((margin == 0).sum()), int((margin < 0).sum())


@pytest.fixture(scope="module")
def copeland_result(asem_spec, asem_data):
    return build(asem_spec.replace_step("aggregate", method="copeland"), asem_data)


def test_copeland_dnk_on_the_instit_pillar(copeland_result, asem_spec):
    children = asem_spec.children["Instit"]
    assert {asem_spec.node(c).weight for c in children} == {1.0}
    X = copeland_result.scores[children].to_numpy()
    row = list(copeland_result.scores.index).index("DNK")
    assert wins_draws_losses(X, row) == (26, 17, 7)  # 26 wins, 17 exact draws, 7 losses
    assert copeland_result.scores.loc["DNK", "Instit"] == 26 - 7  # 19; the float sum gave 30


def test_no_copeland_score_on_asem_differs_from_the_integer_count(copeland_result, asem_spec):
    # every aggregate recounted from its children's scores, level by level from the indicators:
    # the hand count propagates, so an error at a pillar would show at the sub-index and index
    expected = copeland_result.scores.copy()
    for parent in asem_spec.aggregates:  # in the order they are computed
        children = asem_spec.children[parent]
        assert {asem_spec.node(c).weight for c in children} == {1.0}
        X = expected[children].to_numpy()
        expected[parent] = [wins_draws_losses(X, row)[0] - wins_draws_losses(X, row)[2] for row in range(len(X))]
    wrong = (expected.to_numpy() != copeland_result.scores.to_numpy()).sum()
    assert expected.size == 3060 and wrong == 0
