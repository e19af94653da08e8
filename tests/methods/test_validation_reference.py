"""methods.validation against straightforward pandas: the outlier statistics and flags against a
groupby reference, and each hand-written shortcut of the module (run-length factorising, the
wide table on integer codes, the MAD read from the sorted values, the previous-year lookup
without a sort, the two-thread row sort) against the plain computation it replaces.

The hand computations of each method and rule are in tests/reporting/test_validation.py.
"""

import re

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods import validation
from deltawatch.methods.validation import check_rules, outliers, prepare

KEYS = {"regions": ["indicator", "year"], "history": ["region_code", "indicator"]}


def random_frame(seed, *, regions=60, indicators=3, years=12, drop=0.2):
    """Lognormal values with a few ×10 typos; ``drop`` of the cells absent, a few values NaN,
    one group constant (no spread) and one with most values equal (MAD = 0), one region with
    only three years (a group below min_count across history)."""
    rng = np.random.default_rng(seed)
    rows = pd.MultiIndex.from_product([[f"R{r:03d}" for r in range(regions)], [f"i{i}" for i in range(indicators)],
                                       range(2000, 2000 + years)], names=["region_code", "indicator", "year"])
    frame = rows.to_frame(index=False)
    frame["value"] = rng.lognormal(3.0, 0.6, len(frame)).round(6)
    frame.loc[rng.random(len(frame)) < 0.02, "value"] *= 10
    frame.loc[rng.random(len(frame)) < 0.03, "value"] = np.nan
    constant = (frame["indicator"] == "i0") & (frame["year"] == 2001)
    frame.loc[constant, "value"] = 5.0
    mostly = (frame["indicator"] == "i1") & (frame["year"] == 2002)
    frame.loc[mostly, "value"] = np.where(rng.random(mostly.sum()) < 0.8, 7.0, rng.lognormal(3.0, 0.6, mostly.sum()))
    frame = frame[rng.random(len(frame)) >= drop]
    frame = frame[~((frame["region_code"] == "R001") & (frame["year"] > 2002))]
    return frame.reset_index(drop=True)


def reference(frame, across, min_count=5):
    """Every method's statistic and flag by pandas groupby: z with the sample standard deviation
    (ddof = 1), M = 0.6745 (x - median) / MAD, Tukey's fences at quartiles by linear
    interpolation; a statistic that is not finite counts as 0; groups below min_count flag nothing."""
    data = frame.dropna(subset=["value"]).copy()
    groups = data.groupby(KEYS[across])["value"]
    value = data["value"]
    n = groups.transform("count")
    z = (value - groups.transform("mean")) / groups.transform("std")
    median = groups.transform("median")
    mad = (value - median).abs().groupby([data[k] for k in KEYS[across]]).transform("median")
    m = 0.6745 * (value - median) / mad
    q1 = groups.transform(lambda s: s.quantile(0.25))
    q3 = groups.transform(lambda s: s.quantile(0.75))
    spread = q3 - q1
    distance = np.where(value < q1, (q1 - value) / spread, (value - q3) / spread)
    finite = {"zscore": z.where(np.isfinite(z), 0.0), "modz": m.where(np.isfinite(m), 0.0),
              "iqr": pd.Series(np.where(np.isfinite(distance), distance, 0.0), index=data.index)}
    flags = {"zscore": finite["zscore"].abs() > 3.0, "modz": finite["modz"].abs() > 3.5,
             "iqr": (value < q1 - 1.5 * spread) | (value > q3 + 1.5 * spread)}
    rows = []
    for name in ("zscore", "modz", "iqr"):
        chosen = data[flags[name] & (n >= min_count)]
        for (region, indicator, year, x), statistic in zip(chosen[["region_code", "indicator", "year", "value"]]
                                                           .itertuples(index=False), finite[name][chosen.index]):
            rows.append((region, indicator, year, x, name if across == "regions" else f"{name}:history", statistic))
    return rows


def statistic_of(detail):
    return float(re.match(r"(?:z|M|IQR distance) = (\S+) ", detail).group(1))


def shuffled(frame, seed=3):
    return frame.iloc[np.random.default_rng(seed).permutation(len(frame))].reset_index(drop=True)


@pytest.mark.parametrize("across", ["regions", "history"])
@pytest.mark.parametrize("shape", [dict(years=12), dict(years=40, regions=40), dict(drop=0.0)],
                         ids=["short-groups", "long-groups", "full-panel"])
@pytest.mark.parametrize("order", ["as made", "shuffled", "by indicator"])
def test_outliers_match_a_pandas_groupby_reference(across, shape, order):
    frame = random_frame(11, **shape)
    if order == "shuffled":
        frame = shuffled(frame)
    elif order == "by indicator":
        frame = frame.sort_values(["indicator", "region_code", "year"], kind="stable").reset_index(drop=True)
    expected = reference(frame, across)
    report = outliers(frame, ["zscore", "modz", "iqr"], across=across)
    assert len(expected) > 20  # every method flags something in these frames
    assert {e[4] for e in expected} == {f"{m}{'' if across == 'regions' else ':history'}" for m in
                                        ("zscore", "modz", "iqr")}
    got = list(report[["region_code", "indicator", "year", "value", "check"]].itertuples(index=False, name=None))
    assert got == [e[:5] for e in expected]  # the same rows, in the same order (method, then frame order)
    shown = np.array([statistic_of(d) for d in report["detail"]])
    assert np.allclose(shown, [e[5] for e in expected], rtol=0, atol=5.1e-4)  # rounded to 3 decimals


def test_groups_without_spread():
    frame = random_frame(11)
    constant = frame[(frame["indicator"] == "i0") & (frame["year"] == 2001)]
    assert len(constant) > 5 and constant["value"].dropna().eq(5.0).all()
    report = outliers(frame, ["zscore", "modz", "iqr"])
    # no spread: z and M are not finite, so nothing is flagged in that group, and IQR = 0
    # flags nothing either since every value sits on both quartiles
    flagged = report.merge(constant[["region_code", "indicator", "year"]])
    assert flagged.empty
    # MAD = 0 where most values are 7.0: modz flags nothing there; the quartiles are both 7.0,
    # so IQR flags every other value, its distance (x - Q3) / 0 shown as 0
    mostly = report[(report["indicator"] == "i1") & (report["year"] == 2002)]
    assert "modz" not in set(mostly["check"])
    iqr = mostly[mostly["check"] == "iqr"]
    others = frame[(frame["indicator"] == "i1") & (frame["year"] == 2002) & frame["value"].notna()
                   & (frame["value"] != 7.0)]
    assert len(iqr) == len(others) > 0
    assert set(iqr["detail"]) == {"IQR distance = 0.0 (outside Q1 - 1.5 IQR, Q3 + 1.5 IQR)"}


@pytest.mark.parametrize("column", [
    pd.Series(["b", "b", "a", "a", "a", "c", "b", "b"], dtype=str),  # runs
    pd.Series(["b", "a", "c", "a", "b", "c", "a", "b"], dtype=str),  # no runs: hashed whole
    pd.Series(["b", "b", np.nan, np.nan, "a", "a", "a"], dtype=str),
    pd.Series(["b", "b", None, "a", "a", "a"], dtype=object),
    pd.Series(["x", "x", pd.NA, "y", "y", "y"], dtype="string"),  # pd.NA does not compare
    pd.Series([3, 3, 1, 1, 1, 2]),
    pd.Series(["z"], dtype=str),
    pd.Series([], dtype=str),
])
def test_run_length_factorising_equals_astype_category(column):
    expected = column.astype("category")
    got = validation._category(column)
    pd.testing.assert_series_equal(got, expected)
    assert got.cat.codes.dtype == expected.cat.codes.dtype


def test_prepare_equals_astype_and_keeps_the_index():
    frame = shuffled(random_frame(5)).set_index(pd.Index(range(100, 100 + len(random_frame(5)))))
    expected = frame.astype({"region_code": "category", "indicator": "category", "year": "int64", "value": float})
    pd.testing.assert_frame_equal(prepare(frame), expected)
    sorted_frame = random_frame(5)
    pd.testing.assert_frame_equal(prepare(sorted_frame), sorted_frame.astype({"region_code": "category",
                                                                             "indicator": "category"}))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mad_read_from_the_sorted_rows_equals_sorting_the_deviations(seed):
    rng = np.random.default_rng(seed)
    # groups of 1 to 80 values (some empty places), many ties (values rounded to one decimal)
    sizes = rng.integers(1, 81, 300)
    frame = pd.DataFrame({"region_code": np.concatenate([np.arange(s) for s in sizes]).astype(str),
                          "indicator": np.repeat(np.arange(len(sizes)), sizes).astype(str), "year": 2020,
                          "value": rng.normal(10, 3, sizes.sum()).round(1)})
    data = prepare(shuffled(frame))
    groups = validation._Groups(data, "regions")
    median = groups._quantile(groups.sorted, 0.5)
    mad = groups._mad(median)
    checked = 0
    for group in np.unique(groups.codes):
        # the plain way: sort the group's |x - median| and interpolate at 0.5 (n - 1)
        deviations = np.sort(np.abs(groups.values[groups.codes == group] - median[group]))
        position = 0.5 * (len(deviations) - 1)
        below = int(np.floor(position))
        above = min(below + 1, len(deviations) - 1)
        expected = deviations[below] + (position - below) * (deviations[above] - deviations[below])
        assert mad[group] == expected  # to the last bit
        checked += 1
    assert checked == 300
    # and pandas for one group: the median of |x - median|
    values = frame.loc[frame["indicator"] == "0", "value"]
    group = groups.codes[(data["indicator"] == "0").to_numpy()][0]
    assert mad[group] == pytest.approx((values - values.median()).abs().median(), rel=1e-12)


def test_two_thread_row_sort_equals_numpy_sort():
    rng = np.random.default_rng(4)
    matrix = rng.normal(size=(1001, 1200))
    matrix[rng.random(matrix.shape) < 0.01] = np.nan
    expected = np.sort(matrix, axis=1)
    validation._sort_rows(matrix)  # 1.2 million values: on two threads
    np.testing.assert_array_equal(matrix, expected)


def wide_reference(frame, codes):
    data = prepare(frame)
    rows = data[data["indicator"].isin(codes)]
    return validation._wide_frame(rows).reindex(columns=pd.Index(codes, name="indicator")).dropna()


@pytest.mark.parametrize("custom_order", [False, True])
def test_wide_table_on_integer_codes_equals_the_text_path(custom_order):
    frame = random_frame(8, regions=30)
    # repeated cells (the first value counts) and a region code order that is not the text's
    repeats = frame.sample(40, random_state=1).assign(value=-1.0)
    frame = pd.concat([frame, repeats], ignore_index=True)
    if custom_order:
        names = sorted(frame["region_code"].unique(), reverse=True)
        frame["region_code"] = pd.Categorical(frame["region_code"], categories=names)
    data = prepare(frame)
    codes = ["i0", "i2"]
    positions = {c: np.flatnonzero((data["indicator"] == c).to_numpy()) for c in codes}
    got = validation._wide(data, positions)
    expected = wide_reference(frame, codes)
    assert len(got) > 100
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)
    assert (got.to_numpy() != -1.0).all()  # the repeats came later: the first value was kept


def test_compare_rule_is_the_same_in_any_row_order():
    frame = random_frame(9, regions=40)
    rule = {"kind": "compare", "name": "ratio", "expression": "i0 * 2 >= i1"}
    report = check_rules(frame, [rule])
    assert len(report) > 10
    # by hand on the pandas path: i0 · 2 < i1 where both have a value
    wide = wide_reference(frame, ["i0", "i1"])
    failing = wide[~(wide["i0"] * 2 >= wide["i1"])]
    assert list(zip(report["region_code"], report["year"])) == list(failing.index)
    assert report["value"].tolist() == failing["i0"].tolist()
    pd.testing.assert_frame_equal(check_rules(shuffled(frame), [rule]), report)


def change_reference(frame, code, max_pct):
    """For each row, the first row of the same region in the year before (pandas merge)."""
    rows = frame[frame["indicator"] == code].reset_index(drop=True)
    before = rows.drop_duplicates(["region_code", "year"])[["region_code", "year", "value"]]
    before = before.assign(year=before["year"] + 1).rename(columns={"value": "previous"})
    merged = rows.merge(before, on=["region_code", "year"], how="left")
    pct = (merged["value"] / merged["previous"] - 1).abs() * 100
    bad = merged["previous"].notna() & (merged["previous"] != 0) & (pct > max_pct)
    return merged[bad]


@pytest.mark.parametrize("order", ["as made", "shuffled", "repeats"])
def test_change_rule_equals_a_merge_with_the_previous_year(order):
    frame = random_frame(10, regions=50, drop=0.1)
    if order == "shuffled":
        frame = shuffled(frame)
    elif order == "repeats":  # a repeated (region, year): the first row is the previous year
        frame = pd.concat([frame, frame.sample(60, random_state=2).assign(value=1e6)], ignore_index=True)
    rule = {"kind": "change", "indicator": "i2", "max_pct": 40}
    report = check_rules(frame, [rule])
    expected = change_reference(frame, "i2", 40)
    assert len(expected) > 20
    assert list(zip(report["region_code"], report["year"], report["value"])) == \
        list(zip(expected["region_code"], expected["year"], expected["value"]))
    # detail: the change rounded to 2 decimals, on the previous value
    first = expected.iloc[0]
    pct = round(abs(first["value"] / first["previous"] - 1) * 100, 2)
    assert report.loc[0, "detail"] == f"{pct}% on {first['previous']} (limit 40%)"


@pytest.mark.parametrize("across", ["regions", "history"])
def test_blocks_give_the_bits_of_one_pass_over_all_values(across, monkeypatch):
    monkeypatch.setattr(validation, "_BLOCK", 97)  # many blocks, ending anywhere in a group
    data = prepare(shuffled(random_frame(12, years=15)).dropna(subset=["value"]))
    groups = validation._Groups(data, across)
    assert len(groups.values) > 10 * 97
    values, codes = groups.values, groups.codes
    # z in one pass: the deviations' squares summed by one bincount, in the order of the values
    mean = np.nanmean(groups.sorted, axis=1)
    deviation = values - mean[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(np.bincount(codes, weights=deviation ** 2, minlength=groups.shape[0]) / (groups.count - 1))
        z = deviation / sd[codes]
    flagged, statistic = groups.zscore(2.0)
    expected = np.flatnonzero(np.isfinite(z) & (np.abs(z) > 2.0))
    assert len(expected) > 10
    np.testing.assert_array_equal(flagged, expected)
    np.testing.assert_array_equal(statistic, z[expected])  # to the last bit
    # M in one pass
    median = groups._quantile(groups.sorted, 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = 0.6745 * (values - median[codes]) / groups._mad(median)[codes]
    flagged, statistic = groups.modz(2.0)
    expected = np.flatnonzero(np.isfinite(m) & (np.abs(m) > 2.0))
    np.testing.assert_array_equal(flagged, expected)
    np.testing.assert_array_equal(statistic, m[expected])
    # Tukey's fences in one pass
    q1, q3 = groups._quantile(groups.sorted, 0.25)[codes], groups._quantile(groups.sorted, 0.75)[codes]
    outside = np.flatnonzero((values < q1 - 1.5 * (q3 - q1)) | (values > q3 + 1.5 * (q3 - q1)))
    np.testing.assert_array_equal(groups.iqr(1.5)[0], outside)


def test_peers_split_by_a_column_never_compare_a_province_with_its_cities():
    """Six cities around 100 and their province at 600: across all seven the province stands out;
    by level it has no peers (fewer than min_count) and nothing is flagged."""
    from deltawatch.methods.validation import outliers

    frame = pd.DataFrame({"region_code": [f"c{i}" for i in range(6)] + ["p"], "indicator": "gdp", "year": 2020,
                          "value": [98.0, 99.0, 100.0, 101.0, 102.0, 100.0, 600.0],
                          "level": ["prefecture"] * 6 + ["province"]})
    assert outliers(frame, "modz")["region_code"].tolist() == ["p"]
    assert outliers(frame, "modz", by="level").empty
    with pytest.raises(Exception, match="by='nope'"):
        outliers(frame, "modz", by="nope")
