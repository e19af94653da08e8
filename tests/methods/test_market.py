"""Market integration by the relative price method (docs/METHODS.md §3), worked out by hand.

Notation: q = ln(I/100) for a chained index I (previous year = 100); the tests build indices as
I = 100·e^q so that the arithmetic can be done on q. ΔQ_ij = q_i − q_j; the deviation is
|ΔQ_ij| minus its mean over the pairs of the category-year; Var_ij is the variance of the
deviations over the categories (ddof = 1: with two categories, Var = (a − b)²/2).
"""


import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.market import CITY_COLUMNS, PAIR_COLUMNS, MarketIntegration, relative_price_integration

REL = 1e-9



def frame_from_q(q: dict) -> pd.DataFrame:
    """{(category, city, year): q} → the long layout, I = 100·e^q."""
    return pd.DataFrame([{"category": k, "city": c, "year": t, "index": 100 * np.exp(v)}
                         for (k, c, t), v in q.items()])


# 3 cities, 2 categories, 2 years
Q = {
    ("food", "A", 2020): 0.02, ("food", "B", 2020): 0.05, ("food", "C", 2020): 0.01,
    ("clothing", "A", 2020): 0.00, ("clothing", "B", 2020): 0.01, ("clothing", "C", 2020): 0.04,
    ("food", "A", 2021): 0.03, ("food", "B", 2021): 0.00, ("food", "C", 2021): 0.02,
    ("clothing", "A", 2021): 0.01, ("clothing", "B", 2021): 0.02, ("clothing", "C", 2021): 0.02,
}


def pair_values(result: MarketIntegration, column: str) -> dict:
    return {(r.city_i, r.city_j, r.year): getattr(r, column) for r in result.pairs.itertuples()}


def city_values(result: MarketIntegration, column: str) -> dict:
    return {(r.city, r.year): getattr(r, column) for r in result.cities.itertuples()}


def test_tiny_example_by_hand():
    # 2020, food:     |ΔQ| AB = |0.02 − 0.05| = 0.03, AC = 0.01, BC = 0.04; mean 0.08/3 = 0.026667
    #                 deviations AB +0.003333, AC −0.016667, BC +0.013333
    #       clothing: |ΔQ| AB = 0.01, AC = 0.04, BC = 0.03; mean 0.026667
    #                 deviations AB −0.016667, AC +0.013333, BC +0.003333
    #       Var (two categories, ddof 1: (a − b)²/2):
    #                 AB (0.003333 + 0.016667)²/2 = 0.02²/2 = 0.0002
    #                 AC (−0.016667 − 0.013333)²/2 = 0.03²/2 = 0.00045
    #                 BC (0.013333 − 0.003333)²/2 = 0.01²/2 = 0.00005
    #       cities:   A (0.0002 + 0.00045)/2 = 0.000325, B (0.0002 + 0.00005)/2 = 0.000125,
    #                 C (0.00045 + 0.00005)/2 = 0.00025
    # 2021, food:     |ΔQ| AB 0.03, AC 0.01, BC 0.02; mean 0.02; deviations +0.01, −0.01, 0
    #       clothing: |ΔQ| AB 0.01, AC 0.01, BC 0; mean 0.02/3; deviations +1/300, +1/300, −2/300
    #       Var:      AB (0.01 − 1/300)²/2 = (1/150)²/2 = 1/45000
    #                 AC (−0.01 − 1/300)²/2 = (1/75)²/2 = 1/11250
    #                 BC (0 + 2/300)²/2 = (1/150)²/2 = 1/45000
    #       cities:   A (1/45000 + 4/45000)/2 = 1/18000, B 1/45000, C 1/18000
    result = relative_price_integration(frame_from_q(Q))
    expected_pairs = {
        ("A", "B", 2020): 0.0002, ("A", "C", 2020): 0.00045, ("B", "C", 2020): 0.00005,
        ("A", "B", 2021): 1 / 45000, ("A", "C", 2021): 1 / 11250, ("B", "C", 2021): 1 / 45000,
    }
    variance = pair_values(result, "variance")
    assert variance.keys() == expected_pairs.keys()
    for key, value in expected_pairs.items():
        assert variance[key] == pytest.approx(value, rel=REL)
        assert pair_values(result, "integration")[key] == pytest.approx(np.sqrt(1 / value), rel=REL)
    assert set(pair_values(result, "n_categories").values()) == {2}

    expected_cities = {("A", 2020): 0.000325, ("B", 2020): 0.000125, ("C", 2020): 0.00025,
                       ("A", 2021): 1 / 18000, ("B", 2021): 1 / 45000, ("C", 2021): 1 / 18000}
    segmentation = city_values(result, "segmentation")
    assert segmentation.keys() == expected_cities.keys()
    for key, value in expected_cities.items():
        assert segmentation[key] == pytest.approx(value, rel=REL)
        assert city_values(result, "integration")[key] == pytest.approx(np.sqrt(1 / value), rel=REL)
    assert set(city_values(result, "n_partners").values()) == {2}

    # the working table: ΔQ keeps its sign (q_i − q_j, i < j), deviations as above
    dev = result.deviations.set_index(["category", "year", "city_i", "city_j"])
    assert dev.loc[("food", 2020, "A", "B"), "dq"] == pytest.approx(-0.03, rel=REL)
    assert dev.loc[("food", 2020, "A", "C"), "deviation"] == pytest.approx(-0.05 / 3, rel=REL)
    assert dev.loc[("clothing", 2021, "B", "C"), "deviation"] == pytest.approx(-2 / 300, rel=REL)
    assert (dev["n_pairs"] == 3).all()
    assert result.partner_set == "all" and result.ddof == 1
    assert result.partners == {"A": ("B", "C"), "B": ("A", "C"), "C": ("A", "B")}
    assert list(result.pairs.columns) == PAIR_COLUMNS and list(result.cities.columns) == CITY_COLUMNS


def test_population_variance_with_ddof_zero():
    # ddof 0 halves a two-category variance: (a − b)²/4; AB 2020 = 0.02²/4 = 0.0001
    result = relative_price_integration(frame_from_q(Q), ddof=0)
    assert pair_values(result, "variance")[("A", "B", 2020)] == pytest.approx(0.0001, rel=REL)
    assert result.ddof == 0


def test_given_partners_restrict_the_pairs_the_demeaning_and_the_city_means():
    # partners A–B and B–C (a chain; stated one way only, made symmetric)
    # 2020 food:     |ΔQ| AB 0.03, BC 0.04, mean 0.035 → deviations −0.005, +0.005
    #      clothing: |ΔQ| AB 0.01, BC 0.03, mean 0.02  → deviations −0.01, +0.01
    #      Var AB = (−0.005 + 0.01)²/2 = 0.0000125, BC = (0.005 − 0.01)²/2 = 0.0000125
    #      A: 0.0000125 (partner B only); B: mean(AB, BC) = 0.0000125; C: 0.0000125
    result = relative_price_integration(frame_from_q(Q), partners={"A": ["B"], "C": ["B"]})
    assert result.partner_set == "given"
    assert result.partners == {"A": ("B",), "B": ("A", "C"), "C": ("B",)}
    variance = pair_values(result, "variance")
    assert {k[:2] for k in variance} == {("A", "B"), ("B", "C")}
    assert variance[("A", "B", 2020)] == pytest.approx(0.0000125, rel=REL)
    assert variance[("B", "C", 2020)] == pytest.approx(0.0000125, rel=REL)
    n_partners = city_values(result, "n_partners")
    assert (n_partners[("A", 2020)], n_partners[("B", 2020)], n_partners[("C", 2020)]) == (1, 2, 1)
    for c in "ABC":
        assert city_values(result, "segmentation")[(c, 2020)] == pytest.approx(0.0000125, rel=REL)


def test_column_names_are_parameters():
    renamed = frame_from_q(Q).rename(columns={"category": "类别", "city": "城市", "year": "年份",
                                              "index": "上年=100"})
    a = relative_price_integration(frame_from_q(Q))
    b = relative_price_integration(renamed, category="类别", city="城市", year="年份", index="上年=100")
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.cities, b.cities)


def test_the_base_of_the_index_cancels():
    # ln(I_i/100) − ln(I_j/100) = ln I_i − ln I_j: indices as ratios (previous year = 1) agree
    prices = frame_from_q(Q)
    ratios = prices.assign(index=prices["index"] / 100)
    pd.testing.assert_frame_equal(relative_price_integration(prices).pairs,
                                  relative_price_integration(ratios).pairs)


# ---------------------------------------------------------------------------- planted barrier

def simulated_prices(seed: int, barrier: str = "F", years=range(2015, 2020), categories: int = 16):
    """Six cities share each category-year's price shock (plus small local noise); the barrier
    city draws its own, independent shocks."""
    rng = np.random.default_rng(seed)
    cities = list("ABCDEF")
    rows = []
    for t in years:
        common = rng.normal(0.03, 0.03, categories)
        for c in cities:
            own = rng.normal(0.03, 0.03, categories) if c == barrier else common
            q = own + rng.normal(0.0, 0.003, categories)
            rows += [{"category": f"k{k:02d}", "city": c, "year": t, "index": 100 * np.exp(q[k])}
                     for k in range(categories)]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("barrier", ["A", "D", "F"])
def test_a_planted_barrier_gives_the_most_segmented_city_and_pairs(seed, barrier):
    result = relative_price_integration(simulated_prices(seed, barrier))
    for year, cities in result.cities.groupby("year"):
        top = cities.sort_values("segmentation", ascending=False)
        assert top["city"].iloc[0] == barrier
        assert top["integration"].iloc[0] == cities["integration"].min()
    for year, pairs in result.pairs.groupby("year"):
        # the five pairs with the barrier city have the five largest variances
        largest = pairs.nlargest(5, "variance")
        assert ((largest["city_i"] == barrier) | (largest["city_j"] == barrier)).all()
        assert (pairs["n_categories"] == 16).all()


# ---------------------------------------------------------------------------- panels and order

def test_a_city_present_in_only_some_years():
    # D joins in 2021 only; 2020 must be exactly the three-city computation by hand above
    q = dict(Q)
    q.update({("food", "D", 2021): 0.06, ("clothing", "D", 2021): -0.01})
    result = relative_price_integration(frame_from_q(q))
    variance = pair_values(result, "variance")
    assert ("A", "D", 2020) not in variance and ("A", "D", 2021) in variance
    assert ("D", 2020) not in city_values(result, "segmentation")
    assert city_values(result, "n_partners")[("D", 2021)] == 3
    assert city_values(result, "n_partners")[("A", 2021)] == 3
    assert variance[("A", "B", 2020)] == pytest.approx(0.0002, rel=REL)
    # 2021 equals a run on 2021 alone (each year is computed on its own)
    alone = relative_price_integration(frame_from_q({k: v for k, v in q.items() if k[2] == 2021}))
    pd.testing.assert_frame_equal(result.pairs[result.pairs["year"] == 2021].reset_index(drop=True), alone.pairs)
    # and 2020 equals a run without D
    without = relative_price_integration(frame_from_q(Q))
    pd.testing.assert_frame_equal(result.pairs[result.pairs["year"] == 2020].reset_index(drop=True),
                                  without.pairs[without.pairs["year"] == 2020].reset_index(drop=True))


def test_a_city_missing_one_category_loses_only_that_category():
    # C without clothing in 2020: pairs AC and BC have only food (one category → NaN variance
    # with ddof 1), and the clothing cell has the single pair AB (no deviation), so AB has food
    # only too. Food 2020 deviations are unchanged (+0.003333, −0.016667, +0.013333).
    q = {k: v for k, v in Q.items() if k != ("clothing", "C", 2020)}
    result = relative_price_integration(frame_from_q(q))
    pairs_2020 = result.pairs[result.pairs["year"] == 2020]
    assert pairs_2020["n_categories"].tolist() == [1, 1, 1]
    assert pairs_2020["variance"].isna().all()
    assert not (result.cities["year"] == 2020).any()
    dev = result.deviations.set_index(["category", "year", "city_i", "city_j"])
    assert np.isnan(dev.loc[("clothing", 2020, "A", "B"), "deviation"])
    assert dev.loc[("clothing", 2020, "A", "B"), "n_pairs"] == 1


def test_invariant_to_the_order_of_rows():
    prices = simulated_prices(7)
    a = relative_price_integration(prices)
    shuffled = prices.sample(frac=1.0, random_state=11).reset_index(drop=True)
    b = relative_price_integration(shuffled)
    pd.testing.assert_frame_equal(a.pairs, b.pairs)
    pd.testing.assert_frame_equal(a.cities, b.cities)
    pd.testing.assert_frame_equal(a.deviations, b.deviations)


def test_missing_indices_are_dropped_like_absent_rows():
    prices = frame_from_q(Q)
    with_nan = pd.concat([prices, pd.DataFrame([{"category": "food", "city": "E", "year": 2020,
                                                 "index": np.nan}])], ignore_index=True)
    pd.testing.assert_frame_equal(relative_price_integration(with_nan).pairs,
                                  relative_price_integration(prices).pairs)


# ---------------------------------------------------------------------------- refused inputs

@pytest.mark.parametrize("bad", [0.0, -101.0, float("inf"), "n/a"])
def test_non_positive_or_non_numeric_indices_are_refused(bad):
    prices = frame_from_q(Q).astype({"index": object})
    prices.loc[3, "index"] = bad
    with pytest.raises(ValueError, match=r"prices\[3, 'index'\].*positive"):
        relative_price_integration(prices)


def test_duplicated_keys_are_refused():
    prices = frame_from_q(Q)
    prices = pd.concat([prices, prices.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="one row per"):
        relative_price_integration(prices)


def test_missing_columns_are_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"index='price'.*keyword"):
        relative_price_integration(frame_from_q(Q), index="price")


def test_missing_keys_are_refused():
    prices = frame_from_q(Q)
    prices.loc[2, "city"] = None
    with pytest.raises(ValueError, match=r"prices\[2, 'city'\]"):
        relative_price_integration(prices)


@pytest.mark.parametrize(("partners", "error"), [(["A", "B"], TypeError), ({"A": "B"}, TypeError),
                                                 ({"A": ["A"]}, ValueError)])
def test_malformed_partners_are_refused(partners, error):
    with pytest.raises(error, match="'partners'"):
        relative_price_integration(frame_from_q(Q), partners=partners)


def test_a_table_is_required():
    with pytest.raises(TypeError, match="'prices'"):
        relative_price_integration(Q)


@pytest.mark.parametrize("ddof", [-1, 1.5, True])
def test_bad_ddof_is_refused(ddof):
    with pytest.raises(ValueError, match="ddof must be a non-negative integer"):
        relative_price_integration(frame_from_q(Q), ddof=ddof)


def test_keyword_only():
    with pytest.raises(TypeError):
        relative_price_integration(frame_from_q(Q), "category")
