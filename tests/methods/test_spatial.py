"""Spatial weights, Moran's I and LISA, Markov chains, densities."""

from pathlib import Path

import esda
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import W

from deltawatch.methods.spatial import (conditional_randomisation, distance_weights, kde_evolution, knn_weights,
                                        local_moran, markov, moran, polygon_weights, spatial_markov)

GEOJSON = Path(__file__).resolve().parents[2] / "src" / "deltawatch" / "defaults" / "data" / "geo" / "yrd41_cities.geojson"
LINE = W({"a": ["b"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c"]})


def square(x, y, code):
    ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
    return {"type": "Feature", "properties": {"adcode": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture(scope="module")
def cities():
    return polygon_weights(GEOJSON)


def test_city_contiguity_from_the_shipped_polygons(cities):
    assert cities.n == 41 and not cities.islands
    assert {"320500", "330400"} <= set(cities.neighbors["310000"])  # Shanghai borders Suzhou and Jiaxing
    assert {"321100", "340500", "341100"} <= set(cities.neighbors["320100"])  # Nanjing: Zhenjiang, Ma'anshan, Chuzhou
    rook = polygon_weights(GEOJSON, contiguity="rook")
    assert all(set(rook.neighbors[u]) <= set(cities.neighbors[u]) for u in cities.id_order)


def test_an_island_is_attached_to_its_nearest_polygon():
    features = [square(0, 0, "A"), square(1, 0, "B"), square(5, 0, "C")]  # C touches nobody
    w = polygon_weights({"features": features})
    assert w.neighbors["C"] == ["B"] and "C" in w.neighbors["B"]
    assert polygon_weights({"features": features}, attach_islands=False).islands == ["C"]


def test_moran_by_hand_and_equal_to_esda():
    y = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    # z = (−1.5, −0.5, 0.5, 1.5), Σz² = 5; binary: S0 = 6, Σ w z z = 2(0.75 − 0.25 + 0.75) = 2.5 → I = 4/6 · 2.5/5
    result = moran(y, LINE, transform="b", permutations=0)
    assert result.I == pytest.approx(1 / 3, rel=1e-12) and result.EI == pytest.approx(-1 / 3, rel=1e-12)
    # row-standardised: a → b (1), b → a, c (½ each), c → b, d (½ each), d → c (1):
    # Σ w z z = 0.75 + (−0.5)(−0.5) + 0.5·0.5 + 0.75 = 2; S0 = 4 → I = 4/4 · 2/5
    assert moran(y, LINE, permutations=0).I == pytest.approx(0.4, rel=1e-12)
    direct = esda.Moran(y.to_numpy(), W(LINE.neighbors), transformation="r", permutations=0)
    assert (result.n, moran(y, LINE, permutations=0).z_norm) == (4, pytest.approx(direct.z_norm, rel=1e-12))


def test_moran_does_not_change_the_callers_weights_nor_depend_on_row_order(cities):
    rng = np.random.default_rng(1)
    y = pd.Series(rng.lognormal(size=41), index=cities.id_order)
    first = moran(y, cities, permutations=99, seed=3)
    assert cities.transform == "O"
    shuffled = y.sample(frac=1, random_state=2)
    reordered = W({u: cities.neighbors[u] for u in reversed(cities.id_order)})
    again = moran(shuffled, reordered, permutations=99, seed=3)
    assert (again.I, again.EI, again.z_norm) == pytest.approx((first.I, first.EI, first.z_norm), rel=1e-12)
    state = np.random.get_state()[1].copy()
    moran(y, cities, permutations=9, seed=5)
    assert (np.random.get_state()[1] == state).all()  # the global generator is left as it was


def test_local_moran_statistic_equals_esdas_and_quadrants_are_right(cities):
    rng = np.random.default_rng(7)
    y = pd.Series(rng.lognormal(size=41), index=cities.id_order)
    ours = local_moran(y, cities, permutations=0)
    theirs = esda.Moran_Local(y.to_numpy(), W(cities.neighbors, id_order=cities.id_order), transformation="r",
                              permutations=0)
    np.testing.assert_allclose(ours["Ii"], theirs.Is, rtol=1e-12)
    assert ours["quadrant"].tolist() == [{1: "HH", 2: "LH", 3: "LL", 4: "HL"}[q] for q in theirs.q]
    w = W({"a": ["b"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c", "e"], "e": ["d"]})
    local = local_moran(pd.Series([10.0, 9.0, 5.0, 1.0, 0.0], index=list("abcde")), w, permutations=99)
    assert local.loc["a", "quadrant"] == "HH" and local.loc["e", "quadrant"] == "LL" and local.loc["a", "Ii"] > 0


def test_conditional_randomisation_equals_a_plain_loop():
    rng = np.random.default_rng(8)
    z = rng.normal(size=9)
    neighbours = [np.array([1, 2]), np.array([0]), np.array([0, 3, 4]), np.array([2]), np.array([2, 5]),
                  np.array([4, 6]), np.array([5, 7]), np.array([6, 8]), np.array([7])]
    weights = [np.full(len(k), 1 / len(k)) for k in neighbours]
    scale = 8 / (z @ z)
    observed = np.array([scale * z[i] * (z[k] @ v) for i, (k, v) in enumerate(zip(neighbours, weights))])
    p, simulated = conditional_randomisation(z, neighbours, weights, observed, 200, seed=3)
    draws = np.argsort(np.random.default_rng(3).random((200, 8)), axis=1)
    for i, (k, v) in enumerate(zip(neighbours, weights)):
        others = np.delete(np.arange(9), i)
        expected = [scale * z[i] * (z[others[d[:len(k)]]] @ v) for d in draws]
        np.testing.assert_allclose(simulated[:, i], expected, rtol=1e-12)
        larger = (np.array(expected) >= observed[i]).sum()
        assert p[i] == (min(larger, 200 - larger) + 1) / 201


def test_a_hot_spot_is_significant_and_noise_is_not(cities):
    rng = np.random.default_rng(9)
    y = pd.Series(rng.normal(size=41), index=cities.id_order)
    hot = ["310000", *cities.neighbors["310000"]]
    y[hot] += 6
    local = local_moran(y, cities, permutations=999, seed=1)
    assert local.loc["310000", "quadrant"] == "HH" and local.loc["310000", "significant"]
    assert local.loc["310000", "cluster_zh"] == "高-高集聚"
    noise = local_moran(pd.Series(rng.normal(size=41), index=cities.id_order), cities, permutations=999, seed=1)
    assert noise["significant"].mean() < 0.2  # about 5 % by chance


def test_knn_and_distance_bands():
    coords = pd.DataFrame({"x": [0.0, 1.0, 2.0, 10.0], "y": [0.0, 0.0, 0.0, 0.0]}, index=list("pqrs"))
    w = knn_weights(coords, k=1)
    assert w.neighbors["p"] == ["q"] and w.neighbors["s"] == ["r"]
    band = distance_weights(coords, threshold=1.5)
    assert sorted(band.neighbors["q"]) == ["p", "r"] and band.neighbors["s"] == []
    arc = knn_weights(pd.DataFrame({"lon": [121.47, 120.62, 118.80], "lat": [31.23, 31.30, 32.06]},
                                   index=["sh", "sz", "nj"]), k=1, arc=True)
    assert arc.neighbors["sh"] == ["sz"] and arc.neighbors["nj"] == ["sz"]


def test_markov_counts_and_probabilities_by_hand():
    # two classes split at the median of all twelve values (3): a and d stay low, b stays high,
    # c moves up once — counts low→low 4, low→high 1, high→high 3
    panel = pd.DataFrame({2019: [1.0, 9.0, 2.0, 3.0], 2020: [1.0, 9.0, 8.5, 3.0], 2021: [1.0, 9.0, 8.5, 3.0]},
                         index=["a", "b", "c", "d"])
    chain = markov(panel, k=2)
    np.testing.assert_array_equal(chain["counts"].to_numpy(), [[4, 1], [0, 3]])
    np.testing.assert_allclose(chain["probabilities"].to_numpy(), [[0.8, 0.2], [0, 1]])
    np.testing.assert_allclose(chain["probabilities"].sum(axis=1), 1)
    with pytest.raises(ValueError, match="k must be"):
        markov(panel, k=6)


def test_spatial_markov_has_one_matrix_per_lag_class(cities):
    rng = np.random.default_rng(4)
    panel = pd.DataFrame(rng.lognormal(size=(41, 8)), index=cities.id_order, columns=range(2010, 2018))
    result = spatial_markov(panel, cities, k=3)
    assert list(result["by_lag"]) == ["L1", "L2", "L3"] and result["probabilities"].shape == (3, 3)
    for matrix in result["by_lag"].values():
        rows = matrix.sum(axis=1)
        assert np.all(np.isclose(rows, 1) | np.isclose(rows, 0))
    assert 0 <= result["p_value"] <= 1
    with pytest.raises(ValueError, match="missing years"):
        spatial_markov(panel.mask(panel > 3), cities, k=3)


def test_kde_evolution_densities_integrate_to_one():
    rng = np.random.default_rng(5)
    panel = pd.DataFrame({year: rng.normal(10 + k, 1 + k / 5, 60) for k, year in enumerate((2015, 2016, 2017))})
    out = kde_evolution(panel, points=400)
    for _, year in out.groupby("year"):
        assert np.trapezoid(year["density"], year["x"]) == pytest.approx(1, abs=0.02)
    assert out.groupby("year")["x"].apply(lambda x: x.iloc[out["x"].nunique() // 2]).nunique() == 1  # one grid
