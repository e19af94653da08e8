"""Weights and aggregation: hand computations, and the same numbers as pymcdm where its
method is the same one."""

import numpy as np
import pandas as pd
import pytest
from pymcdm import normalizations
from pymcdm import weights as pymcdm_weights
from pymcdm.methods import TOPSIS

from deltawatch.methods.index import IndexSpecError, build, load_spec
from deltawatch.methods.index import aggregate as agg
from deltawatch.methods.index.weights import (
    RANDOM_INDEX,
    ahp_weights,
    critic,
    cv,
    effective_weights,
    entropy,
    pca,
    pca_first,
)

RNG = np.random.default_rng(11)
MATRIX = RNG.uniform(1, 10, (12, 4))


# ---- weights ------------------------------------------------------------------------------------------
def test_entropy_by_hand():
    # column 1: min-max (0, .5, 1) → p (0, 1/3, 2/3) → e = −(1/3 ln 1/3 + 2/3 ln 2/3)/ln 3 = 0.5794;
    # column 2: (0, 0, 1) → p (0, 0, 1) → e = 0 (0 ln 0 = 0); w ∝ (1 − e) = (0.4206, 1)
    e1 = -(1 / 3 * np.log(1 / 3) + 2 / 3 * np.log(2 / 3)) / np.log(3)
    np.testing.assert_allclose(entropy(np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 3.0]])),
                               [(1 - e1) / (2 - e1), 1 / (2 - e1)], rtol=1e-12)


def test_entropy_equals_pymcdm_on_the_same_proportions():
    # pymcdm takes p = x / Σx of the matrix it is given: give it our shifted min-max values
    lo, hi = MATRIX.min(axis=0), MATRIX.max(axis=0)
    np.testing.assert_allclose(entropy(MATRIX, shift=0.1),
                               pymcdm_weights.entropy_weights((MATRIX - lo) / (hi - lo) + 0.1), rtol=1e-12)


def test_critic_equals_pymcdm():
    np.testing.assert_allclose(critic(MATRIX), pymcdm_weights.critic_weights(MATRIX), rtol=1e-12)


def test_cv_by_hand():
    # sd (n − 1) / mean: (√2/2, √2/21·…) — column 1: mean 2, sd √2; column 2: mean 10.5, sd √0.5
    v = np.array([np.sqrt(2) / 2, np.sqrt(0.5) / 10.5])
    np.testing.assert_allclose(cv(np.array([[1.0, 10.0], [3.0, 11.0]])), v / v.sum(), rtol=1e-12)


def test_pca_by_hand():
    # a = b (r = 1), c uncorrelated: eigenvalues 2, 1, 0 with vectors (1,1,0)/√2, (0,0,1), (1,−1,0)/√2
    X = np.array([[1.0, 1.0, 1.0], [2.0, 2.0, -1.0], [3.0, 3.0, -1.0], [4.0, 4.0, 1.0]])
    np.testing.assert_allclose(pca(X), [0.5, 0.5, 0.0], atol=1e-12)  # Kaiser keeps λ = 2 only
    coef = np.array([np.sqrt(0.5) * 2, np.sqrt(0.5) * 2, 1.0]) / 3  # 85 %: λ = 2 and 1 kept
    np.testing.assert_allclose(pca(X, rule="variance", variance=0.85), coef / coef.sum(), atol=1e-12)


def test_first_component_weights_by_hand():
    # the same a = b, c uncorrelated: λ₁ = 2 with u₁ = (1, 1, 0)/√2 → squared (½, ½, 0), absolute (½, ½, 0)
    X = np.array([[1.0, 1.0, 1.0], [2.0, 2.0, -1.0], [3.0, 3.0, -1.0], [4.0, 4.0, 1.0]])
    np.testing.assert_allclose(pca_first(X), [0.5, 0.5, 0.0], atol=1e-12)
    np.testing.assert_allclose(pca_first(X, loadings="absolute"), [0.5, 0.5, 0.0], atol=1e-12)


def test_first_component_weights_equal_sklearn_loadings():
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    u = PCA().fit(StandardScaler().fit_transform(MATRIX)).components_[0]  # first eigenvector (any sign)
    np.testing.assert_allclose(pca_first(MATRIX), u ** 2 / np.sum(u ** 2), rtol=1e-9)  # OECD: squared, unit sum
    np.testing.assert_allclose(pca_first(MATRIX, loadings="absolute"), np.abs(u) / np.abs(u).sum(), rtol=1e-9)


def test_first_component_weights_in_a_build():
    spec = load_spec({"nodes": [{"code": "I"}] + [{"code": c, "parent": "I", "direction": 1} for c in "abc"],
                      "pipeline": [{"step": "normalise", "method": "none"},
                                   {"step": "weight", "method": "pca_first"}, {"step": "aggregate"}]})
    data = pd.DataFrame({"unit_code": list("pqrs"), "a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 4], "c": [1.0, -1, -1, 1]})
    result = build(spec, data)
    np.testing.assert_allclose(result.weights.set_index("node").loc[list("abc"), "share"], [0.5, 0.5, 0], atol=1e-12)
    np.testing.assert_allclose(result.scores["I"], [1, 2, 3, 4], atol=1e-12)  # the mean of a and b


def test_batched_weights_equal_one_at_a_time():
    stack = RNG.uniform(0, 1, (5, 20, 3))
    for method in (entropy, critic, cv, pca, pca_first):
        np.testing.assert_allclose(method(stack), np.stack([method(x) for x in stack]), rtol=1e-12)


def test_ahp_consistent_matrix_and_saatys_random_index():
    result = ahp_weights([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    np.testing.assert_allclose(result.weights, [4 / 7, 2 / 7, 1 / 7], rtol=1e-12)
    assert abs(result.lambda_max - 3) < 1e-12 and abs(result.cr) < 1e-12
    result = ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert result.cr == pytest.approx((result.lambda_max - 3) / 2 / 0.58, rel=1e-12)
    assert result.cr == pytest.approx(0.0332, abs=1e-4)  # the textbook value (Saaty 1980)
    assert RANDOM_INDEX[:5] == (0.0, 0.0, 0.58, 0.90, 1.12)


def ahp_spec(matrix):
    return load_spec({"nodes": [{"code": "I"}] + [{"code": c, "parent": "I", "direction": 1} for c in "xyz"],
                      "pipeline": [{"step": "normalise", "method": "none"},
                                   {"step": "weight", "method": "ahp", "params": {"matrices": {"I": matrix}}},
                                   {"step": "aggregate"}]})


def test_ahp_weights_in_a_build_and_an_inconsistent_matrix_refused():
    data = pd.DataFrame({"unit_code": ["u"], "x": [7.0], "y": [14.0], "z": [28.0]})
    result = build(ahp_spec([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]), data)
    assert result.scores.loc["u", "I"] == pytest.approx(7 * 4 / 7 + 14 * 2 / 7 + 28 / 7)
    with pytest.raises(IndexSpecError) as caught:
        build(ahp_spec([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]), data)
    assert caught.value.code == "ahp_inconsistent" and "CR" in caught.value.message("en")
    with pytest.raises(IndexSpecError, match="reciprocal"):
        build(ahp_spec([[1, 2, 4], [2, 1, 2], [1 / 4, 1 / 2, 1]]), data)


def test_effective_weights_multiply_down_the_tree():
    # root; two children with weights 1 and 3; the first has two equal children
    np.testing.assert_allclose(effective_weights(np.array([-1, 0, 0, 1, 1]), np.array([1.0, 1, 3, 1, 1])),
                               [1, 0.25, 0.75, 0.125, 0.125])


def entropy_build(params=None):
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "x", "parent": "I", "direction": 1},
                                {"code": "y", "parent": "I", "direction": 1}],
                      "pipeline": [{"step": "normalise"},
                                   {"step": "weight", "method": "entropy", "params": params or {}}, {"step": "aggregate"}]})
    return build(spec, pd.DataFrame({"unit_code": list("abc"), "x": [0.0, 1.0, 2.0], "y": [1.0, 1.0, 3.0]}))


def test_entropy_weights_of_indicators_in_a_build():
    # by hand, on the min-max scores x = (0, 50, 100), y = (0, 0, 100):
    # x: p = (0, 1/3, 2/3), e = −(1/3 ln 1/3 + 2/3 ln 2/3)/ln 3 = (0.366204 + 0.270310)/1.098612 = 0.579380
    # y: p = (0, 0, 1), e = 0 (0 ln 0 = 0); w ∝ (1 − e) = (0.420620, 1) → (0.296082, 0.703918)
    result = entropy_build()
    np.testing.assert_allclose(result.weights.set_index("node").loc[["x", "y"], "share"], [0.296082, 0.703918],
                               atol=1e-6)
    # I = 0.296082·x + 0.703918·y: a = 0, b = 0.296082·50 = 14.8041, c = 100
    np.testing.assert_allclose(result.scores["I"], [0, 14.8041, 100], atol=1e-4)


def test_shifted_entropy_weights_in_a_build_equal_pymcdm():
    # with shift 0.1 no proportion is 0, where pymcdm and the 0 ln 0 = 0 convention agree:
    # pymcdm gets the shifted min-max matrix of the normalised scores
    result = entropy_build({"shift": 0.1})
    expected = pymcdm_weights.entropy_weights(np.array([[0.0, 0.0], [0.5, 0.0], [1.0, 1.0]]) + 0.1)
    np.testing.assert_allclose(result.weights.set_index("node").loc[["x", "y"], "share"], expected, rtol=1e-12)


# ---- aggregation ---------------------------------------------------------------------------------------
X2 = np.array([[[60.0, 90.0], [40.0, 10.0]]])
W2 = np.array([[1.0, 3.0]])
G2 = np.ones((2, 1))


@pytest.mark.parametrize("method, params, expected", [
    ("arithmetic", {}, [(60 + 270) / 4, (40 + 30) / 4]),
    ("geometric", {}, [60 ** 0.25 * 90 ** 0.75, 40 ** 0.25 * 10 ** 0.75]),
    ("harmonic", {}, [4 / (1 / 60 + 3 / 90), 4 / (1 / 40 + 3 / 10)]),
    ("generalised", {"p": 2}, [np.sqrt((3600 + 3 * 8100) / 4), np.sqrt((1600 + 300) / 4)]),
    ("generalised", {"p": 0}, [60 ** 0.25 * 90 ** 0.75, 40 ** 0.25 * 10 ** 0.75]),
    ("sum", {}, [330, 70]),
])
def test_means_by_hand(method, params, expected):
    out = agg.METHODS[method].function(X2, W2, G2, **params)
    np.testing.assert_allclose(out[0, :, 0], expected, rtol=1e-12)


def test_missing_children_renormalise_the_weights_or_force_missing():
    X = np.array([[[60.0, np.nan], [40.0, 10.0]]])
    np.testing.assert_allclose(agg.arithmetic(X, W2, G2)[0, :, 0], [60, 17.5])
    np.testing.assert_allclose(agg.weighted_sum(X, W2, G2)[0, :, 0], [60 * 4, 70])  # Σw/Σw_available = 4
    out = agg.arithmetic(X, W2, G2, min_availability=0.6)[0, :, 0]
    assert np.isnan(out[0]) and out[1] == 17.5


def test_copeland_by_hand():
    X = np.array([[[3.0, 1.0], [2.0, 2.0], [1.0, 3.0], [3.0, 1.0]]])
    # weights 2:1 — the first child decides every duel; u1 and u4 are the same unit and draw
    out = agg.copeland(X, np.array([[2.0, 1.0]]))[0]
    np.testing.assert_array_equal(out, [2, -1, -3, 2])  # u2 beats u3 only; u3 beats nobody
    out = agg.copeland(X, np.array([[1.0, 1.0]]))[0]
    np.testing.assert_array_equal(out, [0, 0, 0, 0])  # equal weights: every duel is a draw


def test_copeland_counts_exact_draws_as_draws():
    # six children of weight 1/6 each (written out by hand):
    #        c1 c2 c3 c4 c5 c6
    #   u1:   2  1  0  2  1  0
    #   u2:   2  1  0  1  1  1
    #   u3:   0  0  0  0  0  0
    # u1–u2: u1 ahead on c4, u2 ahead on c6, equal elsewhere → 1/6 − 1/6 = 0: a draw
    # u1–u3: u1 ahead on c1, c2, c4, c5, equal on c3, c6 → u1 wins
    # u2–u3: u2 ahead on c1, c2, c4, c5, c6 → u2 wins
    # scores (wins − losses): u1 = 1 − 0, u2 = 1 − 0, u3 = 0 − 2
    X = np.array([[[2.0, 1, 0, 2, 1, 0], [2.0, 1, 0, 1, 1, 1], [0.0, 0, 0, 0, 0, 0]]])
    np.testing.assert_array_equal(agg.copeland(X, np.full((1, 6), 1 / 6))[0], [1, 1, -2])
    np.testing.assert_array_equal(agg.copeland(X, np.full((1, 6), 1.0))[0], [1, 1, -2])  # the scale does not matter


def test_copeland_draws_with_weights_that_are_not_binary_fractions():
    # weights 0.1, 0.2, 0.3: u1 ahead on c1 and c2 (0.1 + 0.2), u2 ahead on c3 (0.3) → a draw,
    # although 0.1 + 0.2 − 0.3 = 5.55e-17 in floating point
    X = np.array([[[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]])
    np.testing.assert_array_equal(agg.copeland(X, np.array([[0.1, 0.2, 0.3]]))[0], [0, 0])


def test_copeland_skips_a_child_missing_for_either_unit_of_a_pair():
    # u1 lacks c2. u1–u2 over c1 and c3 only: u2 ahead on c1, u1 ahead on c3 → a draw (the
    # heavy c2, where u2 has 9, does not count for either); u1–u3: u1 ahead on c1 and c3 → win;
    # u2–u3 over all three: u2 ahead on c1, c2, c3 → win. Scores: u1 1, u2 1, u3 −2
    X = np.array([[[1.0, np.nan, 3.0], [2.0, 9.0, 1.0], [0.0, 0.0, 0.0]]])
    np.testing.assert_array_equal(agg.copeland(X, np.array([[1.0, 5.0, 1.0]]))[0], [1, 1, -2])
    # the same with the rows swapped: the gap favours neither the first nor the second unit of a pair
    np.testing.assert_array_equal(agg.copeland(X[:, ::-1], np.array([[1.0, 5.0, 1.0]]))[0], [-2, 1, 1])


def test_topsis_by_hand_and_equal_to_pymcdm():
    out = agg.topsis(np.array([[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]]), np.array([[1.0, 1.0]]))[0]
    np.testing.assert_allclose(out, [0, 0.5, 1], atol=1e-12)  # anti-ideal, midway, ideal
    w = np.array([0.2, 0.3, 0.1, 0.4])
    expected = TOPSIS(normalization_function=normalizations.vector_normalization)(MATRIX, w, np.ones(4))
    np.testing.assert_allclose(agg.topsis(MATRIX[None], w[None])[0], expected, rtol=1e-12)


def test_grey_relational_grade_by_hand():
    X = np.array([[[1.0, 0.5], [0.5, 1.0], [0.0, 0.0]]])
    # reference (1, 1); Δ = [[0, .5], [.5, 0], [1, 1]]; Δmin 0, Δmax 1; ξ = 0.5 / (Δ + 0.5)
    np.testing.assert_allclose(agg.grey(X, np.array([[1.0, 1.0]]))[0], [0.75, 0.75, 1 / 3], rtol=1e-12)


def test_batched_aggregation_equals_one_run_at_a_time():
    X = RNG.uniform(1, 100, (6, 30, 5))
    W = RNG.uniform(0.5, 2, (6, 5))
    G = np.zeros((5, 2))
    G[:3, 0] = G[3:, 1] = 1
    for method in ("arithmetic", "geometric", "harmonic"):
        batched = agg.METHODS[method].function(X, W, G)
        single = np.concatenate([agg.METHODS[method].function(X[r:r + 1], W[r:r + 1], G) for r in range(6)])
        np.testing.assert_allclose(batched, single, rtol=1e-12)
    for method in ("copeland", "topsis", "grey"):
        batched = agg.METHODS[method].function(X, W)
        single = np.concatenate([agg.METHODS[method].function(X[r:r + 1], W[r:r + 1]) for r in range(6)])
        np.testing.assert_allclose(batched, single, rtol=1e-12)


def test_per_level_aggregation_in_a_build():
    spec = load_spec({"nodes": [{"code": "I"}, {"code": "P", "parent": "I"}, {"code": "Q", "parent": "I"},
                                {"code": "a", "parent": "P", "direction": 1}, {"code": "b", "parent": "P", "direction": 1},
                                {"code": "c", "parent": "Q", "direction": 1}],
                      "pipeline": [{"step": "normalise", "method": "none"},
                                   {"step": "aggregate", "levels": {3: {"method": "geometric"}}}]})
    result = build(spec, pd.DataFrame({"unit_code": ["u"], "a": [2.0], "b": [6.0], "c": [16.0]}))
    assert result.scores.loc["u", "P"] == 4 and result.scores.loc["u", "I"] == pytest.approx(8.0)  # √(4·16)
