"""Coupling coordination degree (docs/METHODS.md §3), every expected number worked out by hand.

Notation: U_i subsystem scores in [0, 1], n subsystems, β_i weights (Σβ = 1), T = Σ β_i U_i,
D = √(C·T). Traditional C = n [Π U_i / (Σ U_i)^n]^{1/n}; Wang et al. (2021)
C = √{[1 − Σ_{i>j}|U_i − U_j| / Σ_{m=1}^{n−1} m] · [Π_i (U_i / max U)]^{1/(n−1)}}.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deltawatch.methods import coordination
from deltawatch.methods.coordination import BANDS, OUTPUT_COLUMNS, Grade, coupling_coordination, grade

REL = 1e-12



def row(U, **kwargs):
    return coupling_coordination([U], **kwargs).iloc[0]


# ---------------------------------------------------------------------------- hand computations

def test_traditional_two_subsystems_by_hand():
    # U = (0.6, 0.3): Π = 0.18, Σ = 0.9, C = 2·√0.18/0.9 = 2·0.424264…/0.9 = 0.942809…
    # (= 2√r/(1 + r) with r = 0.3/0.6 = 0.5: 2·0.707107/1.5); T = (0.6 + 0.3)/2 = 0.45;
    # D = √(0.942809·0.45) = √0.424264 = 0.651356 → [0.6, 0.7) → band 6, 初级协调
    out = row([0.6, 0.3])
    assert out["C"] == pytest.approx(2 * math.sqrt(0.18) / 0.9, rel=REL)
    assert out["C"] == pytest.approx(2 * math.sqrt(2) / 3, rel=REL)
    assert out["T"] == pytest.approx(0.45, rel=REL)
    assert out["D"] == pytest.approx(math.sqrt(2 * math.sqrt(2) / 3 * 0.45), rel=REL)
    assert out["D"] == pytest.approx(0.651356, abs=1e-6)
    assert (out["band"], out["grade_zh"], out["grade_en"]) == (6, "初级协调", "primary coordination")


def test_traditional_three_subsystems_by_hand():
    # U = (0.5, 0.4, 0.2): Π = 0.04, Σ = 1.1, C = 3·0.04^{1/3}/1.1 = 3·0.341995/1.1 = 0.932714
    # T = 1.1/3 = 0.366667; D = √(0.932714·0.366667) = √0.341995 = 0.584803 → band 5, 勉强协调
    # (with equal weights C·T = (Π U)^{1/n}: D² is the geometric mean, 0.04^{1/3})
    out = row([0.5, 0.4, 0.2])
    assert out["C"] == pytest.approx(3 * 0.04 ** (1 / 3) / 1.1, rel=REL)
    assert out["C"] == pytest.approx(0.932714, abs=1e-6)
    assert out["T"] == pytest.approx(1.1 / 3, rel=REL)
    assert out["D"] ** 2 == pytest.approx(0.04 ** (1 / 3), rel=REL)
    assert out["D"] == pytest.approx(0.584803, abs=1e-6)
    assert (out["band"], out["grade_zh"]) == (5, "勉强协调")


def test_traditional_with_weights_by_hand():
    # U = (0.5, 0.4, 0.2), β = (0.5, 0.3, 0.2): T = 0.25 + 0.12 + 0.04 = 0.41; C as before,
    # unaffected by weights; D = √(0.932714·0.41) = √0.382413 = 0.618396 → band 6
    out = row([0.5, 0.4, 0.2], weights=[0.5, 0.3, 0.2])
    assert out["T"] == pytest.approx(0.41, rel=REL)
    assert out["D"] == pytest.approx(math.sqrt(3 * 0.04 ** (1 / 3) / 1.1 * 0.41), rel=REL)
    assert out["band"] == 6


def test_wang2021_two_subsystems_by_hand():
    # U = (0.6, 0.3): |U1 − U2| = 0.3, min/max = 0.5, C = √[(1 − 0.3)·0.5] = √0.35 = 0.591608
    # T = 0.45, D = √(0.591608·0.45) = √0.266224 = 0.515969 → [0.5, 0.6) → band 5, 勉强协调
    out = row([0.6, 0.3], model="wang2021")
    assert out["C"] == pytest.approx(math.sqrt(0.35), rel=REL)
    assert out["D"] == pytest.approx(math.sqrt(math.sqrt(0.35) * 0.45), rel=REL)
    assert out["D"] == pytest.approx(0.515969, abs=1e-6)
    assert (out["band"], out["grade_zh"]) == (5, "勉强协调")


def test_wang2021_three_subsystems_by_hand():
    # U = (0.5, 0.4, 0.2): pairwise |differences| 0.1, 0.3, 0.2, sum 0.6; Σ_{m=1}^{2} m = 3
    # → first factor 1 − 0.6/3 = 0.8. Ratios to the maximum 1, 0.8, 0.4, product 0.32,
    # (0.32)^{1/2} = 0.565685. C = √(0.8·0.565685) = √0.452548 = 0.672717
    # T = 0.366667, D = √(0.672717·0.366667) = √0.246663 = 0.496652 → band 4, 濒临失调
    out = row([0.5, 0.4, 0.2], model="wang2021")
    assert out["C"] == pytest.approx(math.sqrt(0.8 * math.sqrt(0.32)), rel=REL)
    assert out["C"] == pytest.approx(0.672717, abs=1e-6)
    assert out["D"] == pytest.approx(0.496652, abs=1e-6)
    assert (out["band"], out["grade_zh"]) == (4, "濒临失调")


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0).filter(lambda x: x > 0))
def test_wang2021_general_form_reduces_to_the_two_subsystem_form(a, b):
    # the n-system formula with n = 2, written out: √[(1 − |a − b|)·min/max]
    expected = math.sqrt((1 - abs(a - b)) * min(a, b) / max(a, b))
    assert row([a, b], model="wang2021")["C"] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_wang2021_does_not_read_the_product_divided_once_by_the_maximum():
    # the other reading, (Π U_i / max U)^{1/(n−1)} = (0.04/0.5)^{1/2} = 0.282843, would give
    # C = √(0.8·0.282843) = 0.475683; the product of ratios gives 0.672717 (see above)
    assert row([0.5, 0.4, 0.2], model="wang2021")["C"] != pytest.approx(math.sqrt(0.8 * math.sqrt(0.08)))


def test_equal_subsystems_give_c_equal_to_one():
    for u in (0.05, 0.3, 0.5, 1.0):
        for n in (2, 3, 5):
            assert row([u] * n)["C"] == pytest.approx(1.0, rel=REL)
            assert row([u] * n, model="wang2021")["C"] == pytest.approx(1.0, rel=REL)
            # and then D = √T = √u
            assert row([u] * n)["D"] == pytest.approx(math.sqrt(u), rel=REL)


def test_one_zero_subsystem_gives_c_zero_and_all_zero_gives_undefined_c_and_d_zero():
    for model in ("traditional", "wang2021"):
        out = coupling_coordination([[0.0, 0.5, 1.0], [0.0, 0.0, 0.0]], model=model)
        assert out["C"].iloc[0] == 0.0 and out["D"].iloc[0] == 0.0
        assert np.isnan(out["C"].iloc[1])
        assert out["T"].iloc[1] == 0.0 and out["D"].iloc[1] == 0.0
        assert out["band"].tolist() == [0, 0] and out["grade_zh"].tolist() == ["极度失调"] * 2


def test_output_keeps_the_index_and_has_the_documented_columns():
    U = pd.DataFrame({"economy": [0.6, 0.5], "ecology": [0.3, 0.4]},
                     index=pd.MultiIndex.from_tuples([("310000", 2020), ("320100", 2020)], names=["city", "year"]))
    out = coupling_coordination(U)
    assert list(out.columns) == OUTPUT_COLUMNS
    assert out.index.equals(U.index)
    assert out["band"].dtype == np.int64


def test_array_and_frame_inputs_agree_and_weights_can_be_named():
    U = np.array([[0.6, 0.3, 0.9], [0.2, 0.7, 0.4]])
    frame = pd.DataFrame(U, columns=["eco", "soc", "env"])
    a = coupling_coordination(U, weights=[0.2, 0.3, 0.5], model="wang2021")
    b = coupling_coordination(frame, weights={"env": 0.5, "eco": 0.2, "soc": 0.3}, model="wang2021")
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------------------- bounds (hypothesis)

scores = arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(2, 6)), elements=st.floats(0.0, 1.0))


@settings(max_examples=200)
@given(scores, st.sampled_from(["traditional", "wang2021"]), st.sampled_from(["left", "right"]))
def test_c_and_d_stay_within_zero_and_one(U, model, closed):
    out = coupling_coordination(U, model=model, closed=closed)
    all_zero = (U == 0).all(axis=1)
    C = out["C"].to_numpy()
    assert np.isnan(C[all_zero]).all()
    assert ((C[~all_zero] >= 0) & (C[~all_zero] <= 1)).all()
    assert ((out["D"] >= 0) & (out["D"] <= 1)).all()
    assert ((out["T"] >= U.min(axis=1) - 1e-12) & (out["T"] <= U.max(axis=1) + 1e-12)).all()
    # D ≤ √T since C ≤ 1, and the band is the one of D
    assert (out["D"] <= np.sqrt(out["T"]) + 1e-12).all()
    assert (out["band"] == grade(out["D"], closed=closed)["band"]).all()


@settings(max_examples=200)
@given(scores)
def test_the_corrected_coupling_is_never_above_the_traditional_one_for_two_subsystems(U):
    # for n = 2: wang2021 C² = (1 − |Δ|)·r ≤ r ≤ 4r/(1 + r)² = traditional C², r = min/max
    U = U[:, :2]
    traditional = coupling_coordination(U)["C"]
    corrected = coupling_coordination(U, model="wang2021")["C"]
    ok = ~np.isnan(traditional)
    assert (corrected[ok] <= traditional[ok] + 1e-12).all()


# ---------------------------------------------------------------------------- bands

EDGES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


@pytest.mark.parametrize("k", range(1, 10))
def test_band_edges_left_closed(k):
    edge = EDGES[k - 1]
    assert grade(edge).band == k                       # [k/10, (k+1)/10)
    assert grade(edge - 1e-9).band == k - 1
    assert grade(edge, closed="left") == Grade(k, *BANDS[k])


@pytest.mark.parametrize("k", range(1, 10))
def test_band_edges_right_closed(k):
    edge = EDGES[k - 1]
    assert grade(edge, closed="right").band == k - 1   # ((k−1)/10, k/10]
    assert grade(edge + 1e-9, closed="right").band == k


@pytest.mark.parametrize("closed", ["left", "right"])
def test_zero_and_one_are_in_the_bottom_and_top_bands(closed):
    assert grade(0.0, closed=closed) == Grade(0, "极度失调", "extreme imbalance")
    assert grade(1.0, closed=closed) == Grade(9, "优质协调", "high-quality coordination")
    out = coupling_coordination([[1.0, 1.0], [0.0, 1.0]], closed=closed)
    assert out["band"].tolist() == [9, 0]


@pytest.mark.parametrize("edge", EDGES)
def test_edge_up_to_floating_point_noise_is_the_edge(edge):
    # √(C·T) can land a hair off an edge; D is graded after rounding to 12 decimals
    assert grade(np.nextafter(edge, 0)).band == grade(edge).band
    assert grade(np.nextafter(edge, 1), closed="right").band == grade(edge, closed="right").band


def test_an_edge_reached_by_computation_is_the_edge():
    # a D that is an edge exactly: U = (0.25, 0.25) → C = 1, T = 0.25, D = 0.5
    assert row([0.25, 0.25])["D"] == 0.5 and row([0.25, 0.25])["band"] == 5
    assert row([0.25, 0.25], closed="right")["band"] == 4


def test_grade_of_an_array_keeps_a_series_index_and_names_every_band():
    D = pd.Series([0.05 + k / 10 for k in range(10)], index=list("abcdefghij"))
    out = grade(D)
    assert out.index.tolist() == list("abcdefghij")
    assert out["band"].tolist() == list(range(10))
    assert out["grade_zh"].tolist() == [zh for zh, _ in BANDS]
    assert out["grade_en"].tolist() == [en for _, en in BANDS]
    assert len(set(out["grade_en"])) == 10


@pytest.mark.parametrize("bad", [-0.01, 1.01, float("nan")])
def test_grade_refuses_values_outside_zero_and_one(bad):
    with pytest.raises(ValueError, match=r"'D'.*\[0, 1\]"):
        grade(bad)


# ---------------------------------------------------------------------------- refused inputs

@pytest.mark.parametrize("bad", [1.2, -0.1, float("nan"), float("inf"), "high"])
def test_scores_outside_zero_one_or_missing_are_refused_naming_row_and_column(bad):
    U = pd.DataFrame({"economy": [0.5, 0.4], "ecology": [0.3, bad]}, index=["上海", "南京"])
    with pytest.raises(ValueError, match=r"U\['南京', 'ecology'\].*\[0, 1\]"):
        coupling_coordination(U)


def test_scores_in_an_array_are_named_by_position():
    with pytest.raises(ValueError, match=r"U\[1, 0\]"):
        coupling_coordination([[0.5, 0.4], [3.0, 0.2]])


@pytest.mark.parametrize("U", [[[0.5]], [[0.5], [0.3]], pd.DataFrame({"only": [0.4]})])
def test_one_subsystem_is_refused(U):
    with pytest.raises(ValueError, match="at least two subsystems"):
        coupling_coordination(U)


@pytest.mark.parametrize("weights", [[0.5, 0.4], [0.6, 0.6], [1 / 3, 1 / 3], [0.5, 0.5 + 2e-9]])
def test_weights_not_summing_to_one_are_refused(weights):
    with pytest.raises(ValueError, match="sum to 1"):
        coupling_coordination([[0.6, 0.3]], weights=weights)


def test_weights_summing_to_one_within_the_tolerance_are_accepted():
    out = row([0.6, 0.3], weights=[0.7, 0.3 + 5e-10])
    assert out["T"] == pytest.approx(0.7 * 0.6 + 0.3 * 0.3, rel=1e-9)


@pytest.mark.parametrize("weights", [[1.2, -0.2], [float("nan"), 1.0], [0.5, 0.3, 0.2],
                                     {"a": 0.5, "c": 0.5}])
def test_negative_missing_or_misfitting_weights_are_refused(weights):
    U = pd.DataFrame({"a": [0.6], "b": [0.3]})
    with pytest.raises(ValueError, match="'weights'"):
        coupling_coordination(U, weights=weights)


@pytest.mark.parametrize("kwargs", [{"model": "three_system"}, {"model": "wang"}, {"closed": "both"},
                                    {"model": None}])
def test_unknown_models_and_closures_are_refused(kwargs):
    with pytest.raises(ValueError, match="must be one of"):
        coupling_coordination([[0.6, 0.3]], **kwargs)


def test_no_parameter_lets_the_wrong_variants_through():
    # the only knobs are weights, model and closed: no factor, root or exponent to change
    import inspect

    assert list(inspect.signature(coupling_coordination).parameters) == ["U", "weights", "model", "closed"]
    assert coordination.MODELS == ("traditional", "wang2021")
    # the three-system form with maximum 1.5 would give 1.5 for equal subsystems; this gives 1
    assert row([0.4, 0.4, 0.4])["C"] == pytest.approx(1.0, rel=REL)
    # the form with the factor n dropped would give 1/n; this gives 1
    assert row([0.4, 0.4, 0.4, 0.4])["C"] == pytest.approx(1.0, rel=REL)
