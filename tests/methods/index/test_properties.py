"""Properties that hold for any data (hypothesis): bounds, ranks, weights summing to 1."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deltawatch.methods.index import aggregate as agg
from deltawatch.methods.index import normalise
from deltawatch.methods.index.table import rank_desc, rank_min
from deltawatch.methods.index.weights import critic, cv, entropy, pca, pca_first

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
columns = arrays(np.float64, st.tuples(st.integers(3, 30), st.integers(1, 6)), elements=values)


@given(columns, st.floats(-100, 100), st.floats(1, 200))
def test_minmax_stays_within_its_bounds(x, low, span):
    y = normalise.minmax(x, low=low, high=low + span)
    constant = np.ptp(x, axis=0) == 0
    ok = y[:, ~constant]
    assert np.all(ok >= low - 1e-9 * span) and np.all(ok <= low + span + 1e-9 * span)
    assert np.isnan(y[:, constant]).all()


@given(arrays(np.float64, st.integers(1, 40), elements=st.integers(-5, 5).map(float)))
def test_ranks_are_one_plus_the_number_of_better_units(x):
    ranks = rank_desc(x)
    np.testing.assert_array_equal(ranks, 1 + (x[None, :] > x[:, None]).sum(axis=1))
    assert sorted(set(ranks)) == sorted(set(1 + np.searchsorted(np.sort(-x), -x)))


@given(arrays(np.float64, st.integers(1, 40), elements=st.floats(-10, 10)), st.integers(0, 39))
def test_ranks_keep_missing_values_missing(x, k):
    x[k % len(x)] = np.nan
    ranks = rank_desc(x)
    assert np.isnan(ranks[k % len(x)]) and set(ranks[~np.isnan(x)]) <= set(range(1, len(x)))


@given(arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 5)),
              elements=st.one_of(st.integers(-4, 4).map(float), st.just(np.nan))), st.integers(0, 1))
def test_min_ranks_equal_scipys_rankdata(x, axis):
    """Our NumPy ranking equals the reference, scipy.stats.rankdata(method="min", nan_policy="omit")."""
    from scipy.stats import rankdata

    expected = rankdata(x, method="min", axis=axis, nan_policy="omit")
    np.testing.assert_array_equal(rank_min(x, axis=axis), expected)


@settings(max_examples=50)
@given(arrays(np.float64, st.tuples(st.integers(4, 25), st.integers(2, 6)), elements=st.floats(0.01, 1e4)))
def test_data_driven_weights_sum_to_one_and_are_not_negative(x):
    for method in (entropy, critic, cv, pca, pca_first):
        w = method(x)
        assert np.all(w >= 0) and abs(w.sum() - 1) < 1e-9


@given(arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(1, 6)), elements=st.floats(0.1, 1e3)),
       st.lists(st.floats(0.1, 10), min_size=6, max_size=6))
def test_means_lie_between_the_smallest_and_largest_child(x, w):
    W = np.array(w[:x.shape[1]])[None]
    G = np.ones((x.shape[1], 1))
    for method in ("arithmetic", "geometric", "harmonic"):
        m = agg.METHODS[method].function(x[None], W, G)[0, :, 0]
        assert np.all(m >= x.min(axis=1) * (1 - 1e-12)) and np.all(m <= x.max(axis=1) * (1 + 1e-12))
    ordered = [agg.METHODS[m].function(x[None], W, G)[0, :, 0] for m in ("harmonic", "geometric", "arithmetic")]
    assert np.all(ordered[0] <= ordered[1] * (1 + 1e-12)) and np.all(ordered[1] <= ordered[2] * (1 + 1e-12))
