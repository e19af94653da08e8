"""Disparity measures (METHODS.md §3): hand computations, PySAL where it defines the same
number, equivalences (integer weights = repeated units), and properties (hypothesis).

Tolerances: 1e-12 absolute for every comparison of computed indices (all are O(1) numbers
computed in a handful of floating-point operations per unit), unless a line says otherwise.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inequality.gini import Gini, Gini_Spatial
from inequality.theil import Theil, TheilD
from libpysal.weights import W

from deltawatch.methods.disparity import STATISTICS, cv, dagum, disparity_panel, gini, spatial_gini, theil

TOL = 1e-12
ln = math.log

# The small example used throughout: y = [1, 2, 3, 6], groups A = {1, 2}, B = {3, 6},
# populations w = [1, 1, 2, 4].
Y = [1.0, 2.0, 3.0, 6.0]
G = ["A", "A", "B", "B"]
WEIGHTS = [1.0, 1.0, 2.0, 4.0]


def close(a, b, tol=TOL):
    return abs(a - b) <= tol


def brute_gini(y, w=None):
    """ΣΣ p_i p_j |y_i − y_j| / (2 μ_w) with the n × n matrix (test-only, small n)."""
    y = np.asarray(y, dtype=float)
    p = np.ones(y.size) / y.size if w is None else np.asarray(w, dtype=float) / np.sum(w)
    return float((p[:, None] * p[None, :] * np.abs(y[:, None] - y[None, :])).sum() / (2 * (p @ y)))


def block_weights(groups):
    """libpysal W in which the neighbours of a unit are the other units of its group."""
    groups = list(groups)
    neighbours = {i: [j for j, h in enumerate(groups) if h == g and j != i] for i, g in enumerate(groups)}
    return W(neighbours, silence_warnings=True)


# --------------------------------------------------------------------------------------------
# hand computations


def test_cv_by_hand():
    # mean 3; deviations −2, −1, 0, 3; squares 4 + 1 + 0 + 9 = 14
    assert close(cv(Y), math.sqrt(14 / 4) / 3)             # ddof 0: divisor n = 4
    assert close(cv(Y, ddof=1), math.sqrt(14 / 3) / 3)     # ddof 1: divisor n − 1 = 3
    # p = [1, 1, 2, 4]/8; ȳ_w = (1 + 2 + 6 + 24)/8 = 33/8 = 4.125
    # Σ p y² − ȳ_w² = (1 + 4 + 18 + 144)/8 − 4.125² = 20.875 − 17.015625 = 3.859375
    assert close(cv(Y, weights=WEIGHTS), math.sqrt(3.859375) / 4.125)


def test_gini_by_hand():
    # unordered |differences|: 1, 2, 5, 1, 4, 3 → 16; ordered pairs 32; 2n²μ = 2·16·3 = 96
    assert close(gini(Y), 32 / 96)
    # weighted: 2 Σ_{i<j} p_i p_j |y_i − y_j| with p = [1, 1, 2, 4]/8:
    # (1·1·1 + 1·2·2 + 1·4·5 + 1·2·1 + 1·4·4 + 2·4·3)/64 = 67/64, doubled 134/64;
    # divided by 2 μ_w = 2 · 33/8 → 134/64 · 8/66 = 67/264
    assert close(gini(Y, weights=WEIGHTS), 67 / 264)


def test_theil_t_by_hand():
    # unweighted: s = y/12, p = 1/4, s/p = y/3
    total = (1 / 12) * ln(1 / 3) + (2 / 12) * ln(2 / 3) + (3 / 12) * ln(1) + (6 / 12) * ln(2)
    # S_A = 3/12 = 1/4, S_B = 3/4, P_A = P_B = 1/2
    between = (1 / 4) * ln((1 / 4) / (1 / 2)) + (3 / 4) * ln((3 / 4) / (1 / 2))
    # inside A: s/S_A = [1/3, 2/3], p/P_A = [1/2, 1/2]; inside B: [3/9, 6/9], the same shares
    t_a = (1 / 3) * ln((1 / 3) / (1 / 2)) + (2 / 3) * ln((2 / 3) / (1 / 2))
    result = theil(Y, groups=G)
    assert close(result.total, total)
    assert close(result.between, between)
    assert close(result.within, (1 / 4) * t_a + (3 / 4) * t_a)
    table = result.groups.set_index("group")
    assert close(table.loc["A", "index"], t_a) and close(table.loc["B", "index"], t_a)
    assert table["n"].tolist() == [2, 2]
    assert table["pop_share"].tolist() == [0.5, 0.5] and table["value_share"].tolist() == [0.25, 0.75]
    assert close(table.loc["B", "within"], 0.75 * t_a)
    assert close(table.loc["B", "between"], 0.75 * ln(1.5))


def test_theil_t_weighted_by_hand():
    # w·y = [1, 2, 6, 24], Σ = 33: s = [1, 2, 6, 24]/33; p = [1, 1, 2, 4]/8; s/p = [8, 16, 24, 48]/33
    total = (1 / 33) * ln(8 / 33) + (2 / 33) * ln(16 / 33) + (6 / 33) * ln(24 / 33) + (24 / 33) * ln(48 / 33)
    # S_A = 3/33 = 1/11, P_A = 2/8 = 1/4; S_B = 30/33 = 10/11, P_B = 3/4
    between = (1 / 11) * ln((1 / 11) / (1 / 4)) + (10 / 11) * ln((10 / 11) / (3 / 4))
    # inside A: s/S = [1/3, 2/3], p/P = [1/2, 1/2]; inside B: s/S = [6/30, 24/30] = [1/5, 4/5], p/P = [1/3, 2/3]
    t_a = (1 / 3) * ln(2 / 3) + (2 / 3) * ln(4 / 3)
    t_b = (1 / 5) * ln(3 / 5) + (4 / 5) * ln(6 / 5)
    result = theil(Y, weights=WEIGHTS, groups=G)
    assert close(result.total, total)
    assert close(result.between, between)
    assert close(result.within, (1 / 11) * t_a + (10 / 11) * t_b)
    table = result.groups.set_index("group")
    assert close(table.loc["A", "index"], t_a) and close(table.loc["B", "index"], t_b)
    assert close(table.loc["A", "mean"], 1.5) and close(table.loc["B", "mean"], 30 / 6)  # Σwy/Σw


def test_theil_l_by_hand():
    # unweighted: p = 1/4, p/s = 3/y → L = (1/4) ln(3 · 3/2 · 1 · 1/2) = (1/4) ln(9/4)
    result = theil(Y, groups=G, kind="L")
    assert close(result.total, 0.25 * ln(9 / 4))
    # between Σ P ln(P/S) = (1/2) ln((1/2)/(1/4)) + (1/2) ln((1/2)/(3/4))
    assert close(result.between, 0.5 * ln(2) + 0.5 * ln(2 / 3))
    # inside A: p/P = [1/2, 1/2], s/S = [1/3, 2/3]; B the same shares; within = ½ L_A + ½ L_B
    l_a = 0.5 * ln(1.5) + 0.5 * ln(0.75)
    assert close(result.within, l_a)
    # weighted: p/s = [33/8, 33/16, 33/24, 33/48]
    weighted = theil(Y, weights=WEIGHTS, groups=G, kind="L")
    assert close(weighted.total, (1 / 8) * ln(33 / 8) + (1 / 8) * ln(33 / 16) + (2 / 8) * ln(33 / 24)
                 + (4 / 8) * ln(33 / 48))
    # P_A = 1/4, S_A = 1/11; P_B = 3/4, S_B = 10/11
    assert close(weighted.between, 0.25 * ln(11 / 4) + 0.75 * ln(33 / 40))
    # inside B: p/P = [1/3, 2/3], s/S = [1/5, 4/5]
    l_b = (1 / 3) * ln(5 / 3) + (2 / 3) * ln(5 / 6)
    assert close(weighted.within, 0.25 * l_a + 0.75 * l_b)


def test_dagum_by_hand_without_overlap():
    # A = {1, 2}: μ 1.5; B = {3, 6}: μ 4.5; μ = 3; p_A = p_B = 1/2; s_A = 3/12, s_B = 9/12
    result = dagum(Y, G)
    # G_AA = 2·|1 − 2| / (2·2²·1.5) = 2/12; G_BB = 2·3 / (2·4·4.5) = 6/36
    assert close(result.matrix.loc["A", "A"], 1 / 6) and close(result.matrix.loc["B", "B"], 1 / 6)
    # G_BA = (2 + 1 + 5 + 4) / (2·2·(4.5 + 1.5)) = 12/24
    assert close(result.matrix.loc["B", "A"], 0.5) and close(result.matrix.loc["A", "B"], 0.5)
    # every B exceeds every A: d = 3, p = 0, D = 1
    assert close(result.D.loc["B", "A"], 1.0)
    # G_w = (1/6)(1/2)(1/4) + (1/6)(1/2)(3/4) = 1/12; G_nb = ½ (½·¼ + ½·¾) · 1 = 1/4; G_t = 0
    assert close(result.within, 1 / 12)
    assert close(result.net_between, 1 / 4)
    assert close(result.transvariation, 0.0)
    assert close(result.total, 1 / 3)
    assert close(result.within_share, 0.25) and close(result.net_between_share, 0.75)


def test_dagum_by_hand_with_transvariation():
    # A = {1, 4}: μ 2.5; B = {2, 6}: μ 4; n = 4, μ = 13/4; p = 1/2 each; s_A = 5/13, s_B = 8/13
    result = dagum([1.0, 4.0, 2.0, 6.0], G)
    # G_AA = 2·3/(2·4·2.5) = 3/10; G_BB = 2·4/(2·4·4) = 1/4
    assert close(result.matrix.loc["A", "A"], 3 / 10) and close(result.matrix.loc["B", "B"], 1 / 4)
    # B − A over the 4 pairs: 2−1 = 1, 2−4 = −2, 6−1 = 5, 6−4 = 2 → Σ|·| = 10; G_BA = 10/(2·2·6.5) = 5/13
    assert close(result.matrix.loc["B", "A"], 5 / 13)
    # d_BA = (1 + 5 + 2)/4 = 2, p_BA = 2/4 = 0.5 → D = 1.5/2.5 = 0.6; antisymmetric
    assert close(result.D.loc["B", "A"], 0.6) and close(result.D.loc["A", "B"], -0.6)
    assert np.isnan(result.D.loc["A", "A"])
    # G_w = (3/10)(1/2)(5/13) + (1/4)(1/2)(8/13) = 3/52 + 4/52 = 7/52
    assert close(result.within, 7 / 52)
    # G_b = (5/13)(½·5/13 + ½·8/13) = 5/26: net 0.6 · 5/26 = 3/26, transvariation 0.4 · 5/26 = 2/26
    assert close(result.net_between, 3 / 26) and close(result.transvariation, 2 / 26)
    # Gini of {1, 2, 4, 6}: unordered |differences| 1+3+5+2+4+2 = 17 → 34/(2·16·3.25) = 17/52
    assert close(result.total, 17 / 52)
    table = result.groups.set_index("group")
    assert close(table.loc["A", "value_share"], 5 / 13) and close(table.loc["B", "within"], 1 / 13)


def test_dagum_orders_groups_by_mean_and_one_unit_group_is_zero():
    # C = Shanghai, one unit, the highest mean; "Z" has the lowest mean despite its label
    y = [3.0, 6.0, 10.0, 1.0, 2.0]
    groups = ["B", "B", "C", "Z", "Z"]
    result = dagum(y, groups)
    assert list(result.matrix.index) == ["Z", "B", "C"] and list(result.groups["group"]) == ["Z", "B", "C"]
    assert result.matrix.loc["C", "C"] == 0.0 and result.groups.set_index("group").loc["C", "within"] == 0.0
    lower = np.tril(np.ones((3, 3), dtype=bool), -1)
    assert (result.D.to_numpy()[lower] >= 0).all()
    assert np.allclose(result.D.to_numpy(), -result.D.to_numpy().T, atol=TOL, equal_nan=True)
    assert close(result.within + result.net_between + result.transvariation, result.total)
    assert close(result.total, brute_gini(y))


def test_spatial_gini_by_hand():
    # neighbours {0, 1} and {2, 3}: ordered neighbour |differences| 2·1 + 2·3 = 8; den = 2·4²·3 = 96
    w = W({0: [1], 1: [0], 2: [3], 3: [2]}, silence_warnings=True)
    result = spatial_gini(Y, w, permutations=0)
    assert close(result.neighbour, 8 / 96)
    assert close(result.non_neighbour, 24 / 96)   # 32 − 8 = 24
    assert close(result.gini, 1 / 3)
    assert np.isnan(result.p_value) and result.permutations == 0


# --------------------------------------------------------------------------------------------
# decompositions add up, including a one-unit group


Y5 = [3.0, 7.0, 1.0, 12.0, 5.0, 9.0, 30.0, 2.0]
G5 = ["苏", "苏", "浙", "浙", "浙", "皖", "沪", "皖"]   # 沪 has one unit
W5 = [2.0, 1.5, 0.7, 3.1, 1.0, 2.2, 2.5, 0.4]


@pytest.mark.parametrize("kind", ["T", "L"])
@pytest.mark.parametrize("weights", [None, W5], ids=["plain", "weighted"])
def test_theil_decomposition_adds_up(kind, weights):
    result = theil(Y5, weights=weights, groups=G5, kind=kind)
    assert close(result.between + result.within, result.total)
    assert close(result.groups["within"].sum() + result.groups["between"].sum(), result.total)
    assert result.groups.set_index("group").loc["沪", "index"] == 0.0   # one unit: no inequality inside
    assert close(result.groups["pop_share"].sum(), 1.0) and close(result.groups["value_share"].sum(), 1.0)
    assert close(theil(Y5, weights=weights, kind=kind).total, result.total)


def test_dagum_decomposition_adds_up():
    result = dagum(Y5, G5)
    assert close(result.within + result.net_between + result.transvariation, result.total)
    assert close(result.within_share + result.net_between_share + result.transvariation_share, 1.0)
    assert close(result.total, gini(Y5))
    assert result.matrix.loc["沪", "沪"] == 0.0


# --------------------------------------------------------------------------------------------
# against PySAL


def test_theil_t_equals_pysal():
    rng = np.random.default_rng(3)
    y = rng.lognormal(0, 1, 60)
    groups = rng.integers(0, 5, 60)
    assert close(theil(y).total, float(Theil(y).T))
    pysal = TheilD(y, groups)
    # unweighted, P_g = n_g/n is the count share: PySAL's between term is the same number
    ours = theil(y, groups=groups)
    assert close(ours.between, float(pysal.bg[0]))
    assert close(ours.within, float(pysal.wg[0]))


def test_weighted_theil_between_is_not_pysals():
    rng = np.random.default_rng(4)
    y = rng.lognormal(0, 1, 40)
    groups = np.repeat([0, 1, 2, 3], 10)
    w = rng.integers(1, 9, 40)
    pysal_bg = float(TheilD(y, groups).bg[0])
    weighted = theil(y, weights=w, groups=groups)
    # populations differ, so P_g ≠ n_g/n and S_g ≠ Σ_g y/Σ y: a real difference, not rounding
    assert abs(weighted.between - pysal_bg) > 1e-3
    # PySAL's count-share between term on the data with each unit repeated w_i times is ours
    repeated = float(TheilD(np.repeat(y, w), np.repeat(groups, w)).bg[0])
    assert close(weighted.between, repeated)
    # equal populations: the weighted index is the unweighted one
    assert close(theil(y, weights=np.full(40, 7.0), groups=groups).between, pysal_bg)


def test_pysal_theil_case_two_regions():
    # PySAL's test: y = [0, 0, 0, 10, 10, 10] in two regions of three: between = ln 2, within = 0
    result = theil([0, 0, 0, 10, 10, 10], groups=[0, 0, 0, 1, 1, 1])
    assert close(result.between, ln(2)) and close(result.within, 0.0) and close(result.total, ln(2))
    table = result.groups.set_index("group")
    assert np.isnan(table.loc[0, "index"]) and table.loc[0, "within"] == 0.0  # T of a group of zeros
    assert close(table.loc[1, "index"], 0.0)


def test_gini_equals_pysal_and_the_methods_formula():
    rng = np.random.default_rng(5)
    y = rng.lognormal(0, 1, 80)
    y[:5] = y[5]   # ties
    ours = gini(y)
    # PySAL's Σ(2i − n − 1) y_(i)/(n Σ y) is ΣΣ|y_i − y_j|/(2n²μ): both equal ours
    assert close(ours, float(Gini(y).g))
    assert close(ours, brute_gini(y))
    # denominator n², not n(n − 1): one unit holding everything gives (n − 1)/n
    assert close(gini([0, 0, 0, 5]), 3 / 4)


def test_spatial_gini_parts_equal_pysal_divided_by_den():
    rng = np.random.default_rng(6)
    y = rng.lognormal(0, 1, 30)
    groups = rng.integers(0, 4, 30)
    w = block_weights(groups)
    pysal = Gini_Spatial(y, w, permutations=0)
    result = spatial_gini(y, w, permutations=0)
    assert close(result.gini, float(pysal.g))
    assert close(result.neighbour, float(pysal.wg / pysal.den))
    assert close(result.non_neighbour, float(pysal.wcg / pysal.den))
    assert close(result.neighbour + result.non_neighbour, result.gini)


def test_dagum_within_equals_spatial_gini_neighbour_part_for_block_neighbours():
    # G_w = Σ_j ΣΣ_j |·|/(2 n_j² μ_j) · (n_j/n)(n_j μ_j/(nμ)) = Σ_j ΣΣ_j |·|/(2n²μ): the same-group pairs
    result = spatial_gini(Y5, block_weights(G5), permutations=0)   # 沪 has no neighbour
    assert close(dagum(Y5, G5).within, result.neighbour)


def test_spatial_gini_ids_and_series_alignment():
    # string ids in an order that differs from the Series': the same numbers as integer ids
    ids = ["c3", "c1", "c0", "c2"]
    w = W({"c3": ["c1"], "c1": ["c3"], "c0": ["c2"], "c2": ["c0"]}, id_order=ids, silence_warnings=True)
    y = pd.Series({"c0": 3.0, "c1": 2.0, "c2": 6.0, "c3": 1.0})   # c3–c1 = 1, 2 ; c0–c2 = 3, 6
    result = spatial_gini(y, w, permutations=0)
    assert close(result.neighbour, 8 / 96) and close(result.gini, 1 / 3)


def test_spatial_gini_permutations():
    # three clusters far apart, neighbours inside a cluster: no relabelling keeps the
    # non-neighbour part as large, so c = 0 and p = 1/(m + 1)
    rng = np.random.default_rng(7)
    groups = np.repeat([0, 1, 2], 10)
    y = np.array([1.0, 100.0, 200.0])[groups] + rng.random(30)
    w = block_weights(groups)
    result = spatial_gini(y, w, permutations=99, seed=1)
    assert result.p_value == 1 / 100
    assert spatial_gini(y, w, permutations=99, seed=1) == result   # seeded: reproducible
    # E[neighbour sum] under relabelling = (ordered neighbour pairs) × mean |y_i − y_j| over i ≠ j,
    # so E[non-neighbour part] = gini · (1 − s0/(n(n − 1))); 999 permutations: within 2 %
    n, s0 = 30, w.s0
    expected = result.gini * (1 - s0 / (n * (n - 1)))
    many = spatial_gini(y, w, permutations=999, seed=2)
    assert abs(many.expected_non_neighbour / expected - 1) < 0.02
    # PySAL's own permutations (global random state) agree on the p-value here
    np.random.seed(0)
    assert float(Gini_Spatial(y, w, permutations=99).p_sim) == result.p_value


def test_spatial_gini_p_value_is_folded_as_pysals():
    # neighbours in pairs, each pair one low and one high value: the neighbour part is as large
    # as it can be, so nearly every relabelling has a *larger* non-neighbour part (c ≈ m);
    # PySAL folds c to m − c, so the p-value is small (unfolded it would be about 1)
    rng = np.random.default_rng(9)
    y = np.tile([1.0, 100.0], 20) + rng.random(40)
    w = W({i: [i + 1 if i % 2 == 0 else i - 1] for i in range(40)}, silence_warnings=True)
    result = spatial_gini(y, w, permutations=99, seed=3)
    assert result.p_value <= 0.05
    assert result.non_neighbour < result.expected_non_neighbour


def test_spatial_gini_refuses_asymmetric_weights():
    w = W({0: [1], 1: [], 2: [1]}, silence_warnings=True)
    with pytest.raises(ValueError, match="symmetric"):
        spatial_gini([1.0, 2.0, 3.0], w)


# --------------------------------------------------------------------------------------------
# integer weights = repeated units


def test_integer_weights_equal_repeated_units():
    rng = np.random.default_rng(8)
    y = rng.lognormal(0, 1, 25)
    w = rng.integers(1, 6, 25)
    groups = rng.integers(0, 3, 25)
    y_rep, g_rep = np.repeat(y, w), np.repeat(groups, w)
    assert close(gini(y, weights=w), gini(y_rep))
    assert close(cv(y, weights=w), cv(y_rep))   # Williamson has no ddof: ddof 0 on the repeats
    for kind in ("T", "L"):
        weighted, repeated = theil(y, w, groups, kind), theil(y_rep, groups=g_rep, kind=kind)
        assert close(weighted.total, repeated.total)
        assert close(weighted.between, repeated.between)
        assert np.allclose(weighted.groups["index"], repeated.groups["index"], rtol=0, atol=TOL)


# --------------------------------------------------------------------------------------------
# refusals


def test_theil_l_refuses_a_zero_and_names_the_unit():
    with pytest.raises(ValueError, match=r"Theil L is undefined.*position 2"):
        theil([1.0, 2.0, 0.0, 4.0], kind="L")
    with pytest.raises(ValueError, match=r"position 1 \(unit '南京'\)"):
        theil(pd.Series([1.0, 0.0], index=["上海", "南京"]), kind="L")
    assert theil([1.0, 2.0, 0.0, 4.0], kind="T").total > 0   # T accepts the zero


@pytest.mark.parametrize("call, message", [
    (lambda: gini([1.0, -1.0]), "must be ≥ 0"),
    (lambda: gini([1.0, np.nan]), "must be finite"),
    (lambda: gini([0.0, 0.0]), "must be > 0"),
    (lambda: gini([1.0, 2.0], weights=[1.0, 0.0]), "weights must be finite and > 0"),
    (lambda: gini([1.0, 2.0], weights=[1.0]), "one value per unit"),
    (lambda: cv([1.0, 2.0], weights=[1.0, 1.0], ddof=1), "ddof applies to the unweighted CV only"),
    (lambda: theil([1.0, 2.0], kind="X"), "kind must be one of"),
    (lambda: dagum([1.0, 2.0], ["a", None]), "must have a label for every unit"),
])
def test_refusals(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------------------------
# the panel


def panel_frame():
    return pd.DataFrame({
        "unit": ["a", "b", "c", "d", "sh"] * 2,
        "year": [2020] * 5 + [2021] * 5,
        "value": [1.0, 2.0, 3.0, 6.0, 10.0, 2.0, np.nan, 3.5, 6.0, 12.0],
        "pop": [1.0, 1.0, 2.0, 4.0, 3.0, 1.0, 1.0, np.nan, 4.0, 3.0],
        "prov": ["江苏省", "江苏省", "浙江省", "浙江省", "上海市"] * 2,
    })


def test_panel_format_components_and_n():
    out = disparity_panel(panel_frame(), weight="pop", group="prov")
    assert list(out.columns) == ["year", "statistic", "component", "value"]
    assert out["year"].dtype == np.int64 and out["value"].dtype == float
    assert list(out["statistic"].unique()) == list(STATISTICS)
    assert not out.duplicated(["year", "statistic", "component"]).any()
    provinces = {"江苏省", "浙江省", "上海市"}
    components = out.groupby("statistic")["component"].agg(set)
    for name in ("cv", "cv_w", "gini", "gini_w"):
        assert components[name] == {"total", "n"}
    for name in ("theil_t", "theil_t_w", "theil_l", "theil_l_w"):
        assert components[name] == {"total", "between", "within", "n"} | provinces
    assert components["dagum"] == {"total", "within", "net_between", "transvariation", "n"} | provinces
    n = out[out["component"] == "n"].set_index(["year", "statistic"])["value"]
    assert n[(2020, "gini")] == 5 and n[(2020, "gini_w")] == 5
    assert n[(2021, "gini")] == 4      # b has no value in 2021
    assert n[(2021, "gini_w")] == 3    # and c no population
    assert n[(2021, "dagum")] == 4


def test_panel_values_equal_single_year_functions():
    frame = panel_frame()
    out = disparity_panel(frame, weight="pop", group="prov").set_index(["year", "statistic", "component"])["value"]
    year = frame[(frame["year"] == 2021) & frame["value"].notna()]
    both = year[year["pop"].notna()]
    assert close(out[(2021, "cv", "total")], cv(year["value"]))
    assert close(out[(2021, "cv_w", "total")], cv(both["value"], weights=both["pop"]))
    assert close(out[(2021, "gini", "total")], gini(year["value"]))
    assert close(out[(2021, "gini_w", "total")], gini(both["value"], weights=both["pop"]))
    t = theil(both["value"], weights=both["pop"], groups=both["prov"])
    assert close(out[(2021, "theil_t_w", "between")], t.between)
    assert close(out[(2021, "theil_t_w", "浙江省")], t.groups.set_index("group").loc["浙江省", "index"])
    l = theil(year["value"], groups=year["prov"], kind="L")
    assert close(out[(2021, "theil_l", "within")], l.within)
    d = dagum(year["value"], year["prov"])
    for component in ("total", "within", "net_between", "transvariation"):
        assert close(out[(2021, "dagum", component)], getattr(d, component))
    assert close(out[(2021, "dagum", "江苏省")], 0.0)   # only a has a value: one unit
    assert close(out[(2020, "dagum", "江苏省")], dagum([1.0, 2.0], ["x", "x"]).matrix.iloc[0, 0])


def test_panel_default_statistics_follow_the_columns():
    out = disparity_panel(panel_frame())
    assert list(out["statistic"].unique()) == ["cv", "theil_t", "theil_l", "gini"]
    assert set(out["component"]) == {"total", "n"}
    out = disparity_panel(panel_frame(), weight="pop", statistics=["gini_w", "cv"])
    assert list(out["statistic"].unique()) == ["cv", "gini_w"]   # canonical order


def test_panel_empty_year_and_refusals():
    frame = panel_frame()
    frame.loc[frame["year"] == 2021, "value"] = np.nan
    out = disparity_panel(frame, statistics=["gini"]).set_index(["year", "component"])["value"]
    assert np.isnan(out[(2021, "total")]) and out[(2021, "n")] == 0
    with pytest.raises(ValueError, match="pass weight="):
        disparity_panel(panel_frame(), statistics=["cv_w"])
    with pytest.raises(ValueError, match="pass group="):
        disparity_panel(panel_frame(), statistics=["dagum"])
    with pytest.raises(ValueError, match="statistics must be among"):
        disparity_panel(panel_frame(), statistics=["atkinson"])
    with pytest.raises(ValueError, match="not a column"):
        disparity_panel(panel_frame(), weight="population")
    with pytest.raises(ValueError, match="one row per unit and year"):
        disparity_panel(pd.concat([panel_frame(), panel_frame().iloc[:1]]))
    zero = panel_frame()
    zero.loc[3, "value"] = 0.0
    with pytest.raises(ValueError, match="unit 'd' in year 2020"):
        disparity_panel(zero, statistics=["theil_l"])
    assert len(disparity_panel(zero, statistics=["theil_t"])) == 4   # T is fine with a zero


# --------------------------------------------------------------------------------------------
# properties


values = st.lists(st.floats(0.0, 1e4, allow_nan=False), min_size=2, max_size=40).filter(lambda v: sum(v) > 1e-3)
positive = st.lists(st.floats(0.01, 1e4, allow_nan=False), min_size=2, max_size=40)


@st.composite
def samples(draw, elements=values):
    y = draw(elements)
    n = len(y)
    w = draw(st.lists(st.floats(0.1, 100.0), min_size=n, max_size=n))
    groups = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return np.array(y), np.array(w), np.array(groups)


@settings(max_examples=150, deadline=None)
@given(samples())
def test_gini_range_and_theil_nonnegative(sample):
    y, w, _ = sample
    for g in (gini(y), gini(y, weights=w)):
        assert -TOL <= g < 1      # 0 up to rounding; < 1 strictly
    assert theil(y).total >= -TOL and theil(y, weights=w).total >= -TOL
    assert close(gini(y), brute_gini(y), 1e-10) and close(gini(y, w), brute_gini(y, w), 1e-10)


@settings(max_examples=150, deadline=None)
@given(samples(positive))
def test_decompositions_add_up(sample):
    y, w, groups = sample
    for weights in (None, w):
        for kind in ("T", "L"):
            result = theil(y, weights=weights, groups=groups, kind=kind)
            assert close(result.between + result.within, result.total)
    result = dagum(y, groups)
    assert close(result.within + result.net_between + result.transvariation, result.total)
    assert (np.nan_to_num(result.D.to_numpy()[np.tril_indices(len(result.D), -1)], nan=0.0) >= -TOL).all()


@settings(max_examples=100, deadline=None)
@given(samples(positive), st.floats(1e-3, 1e3))
def test_scale_invariance(sample, c):
    y, w, groups = sample
    # relative tolerance 1e-9: scaling changes each value by one rounding
    pairs = [(gini(y), gini(c * y)), (gini(y, w), gini(c * y, w)), (cv(y), cv(c * y)), (cv(y, w), cv(c * y, w)),
             (theil(y, w, groups).between, theil(c * y, w, groups).between),
             (theil(y, w, groups, "L").total, theil(c * y, w, groups, "L").total),
             (dagum(y, groups).transvariation, dagum(c * y, groups).transvariation)]
    for a, b in pairs:
        assert abs(a - b) <= 1e-9 * max(1.0, abs(a))


# --------------------------------------------------------------------------------------------

