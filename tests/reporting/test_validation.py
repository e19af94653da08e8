"""methods.validation against hand computations (the numbers are worked out in the comments)."""

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.errors import InputError
from deltawatch.methods.validation import (
    REPORT_COLUMNS,
    check_rule,
    check_rules,
    outliers,
    prepare,
)


def long(rows):
    return pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value"])


GDP = long([
    ("A", "gdp", 2023, 100.0), ("A", "p1", 2023, 10.0), ("A", "p2", 2023, 40.0), ("A", "p3", 2023, 50.5),
    ("B", "gdp", 2023, 100.0), ("B", "p1", 2023, 10.0), ("B", "p2", 2023, 40.0), ("B", "p3", 2023, 52.0),
    ("C", "gdp", 2023, 100.0), ("C", "p1", 2023, 10.0), ("C", "p2", 2023, 40.0),  # p3 missing: not checked
])


def test_compare_rule_flags_the_region_whose_parts_exceed_the_total():
    # A: 10 + 40 + 50.5 - 1 = 99.5 ≤ 100 holds; B: 10 + 40 + 52 - 1 = 101 > 100 fails
    report = check_rule(GDP, {"kind": "compare", "name": "parts", "expression": "gdp >= p1 + p2 + p3 - 1"})
    assert list(report.columns) == REPORT_COLUMNS
    assert report[["region_code", "indicator", "year", "value", "check", "severity"]].values.tolist() == [
        ["B", "gdp", 2023, 100.0, "parts", "error"]]
    assert "100 >= 101 fails" in report.loc[0, "detail"]


def test_equality_and_division_by_zero_in_the_data():
    frame = long([("A", "x", 2020, 1.0), ("A", "y", 2020, 0.0), ("B", "x", 2020, 3.0), ("B", "y", 2020, 1.5)])
    # A: y = 0 makes x / y undefined → reported; B: 3 / 1.5 = 2 == 2 holds
    report = check_rule(frame, {"kind": "compare", "expression": "x / y == 2", "severity": "warning"})
    assert report["region_code"].tolist() == ["A"]
    assert report.loc[0, "detail"].startswith("division by zero")
    assert report.loc[0, "severity"] == "warning"


def test_bounds_rule():
    frame = long([("A", "pop", 2020, -1.0), ("B", "pop", 2020, 0.0), ("A", "share", 2020, 100.5),
                  ("B", "share", 2020, 100.0)])
    report = check_rules(frame, [{"kind": "bounds", "indicator": "pop", "min": 0},
                                 {"kind": "bounds", "indicator": "share", "min": 0, "max": 100}])
    assert report[["region_code", "indicator", "value"]].values.tolist() == [["A", "pop", -1.0], ["A", "share", 100.5]]


def test_change_rule_needs_the_previous_year():
    frame = long([("A", "gdp", 2020, 100.0), ("A", "gdp", 2021, 125.0), ("A", "gdp", 2023, 500.0),
                  ("B", "gdp", 2020, 100.0), ("B", "gdp", 2021, 119.0)])
    # A 2021: 125/100 - 1 = 25 % > 20 → flagged; A 2023 has no 2022: not checked; B: 19 % ≤ 20
    report = check_rule(frame, {"kind": "change", "indicator": "gdp", "max_pct": 20})
    assert report[["region_code", "year", "value"]].values.tolist() == [["A", 2021, 125.0]]
    assert report.loc[0, "detail"].startswith("25.0%")


def test_required_cells():
    frame = long([("A", "x", 2020, 1.0), ("A", "y", 2020, np.nan), ("B", "x", 2020, 2.0)])
    report = check_rule(frame, {"kind": "required", "indicators": ["x", "y"], "regions": ["A", "B"],
                                "years": [2020]})
    assert sorted(zip(report["region_code"], report["indicator"])) == [("A", "y"), ("B", "y")]
    assert report["value"].isna().all()


def test_unknown_indicator_and_constant_zero_divisor_are_worded_errors():
    with pytest.raises(InputError) as unknown:
        check_rule(GDP, {"kind": "compare", "expression": "gdp >= nonsense + p1"})
    assert unknown.value.code == "rule_unknown_indicator"
    assert "nonsense" in unknown.value.message("en") and "unknown indicator" in unknown.value.message("en")
    assert "未知指标" in unknown.value.message("zh")
    with pytest.raises(InputError) as zero:
        check_rule(GDP, {"kind": "compare", "expression": "gdp >= p1 / (2 - 2)"})
    assert zero.value.code == "rule_division_by_zero" and "constant zero" in zero.value.message("en")
    with pytest.raises(InputError) as syntax:
        check_rule(GDP, {"kind": "compare", "expression": "gdp + p1"})
    assert syntax.value.code == "rule_syntax"
    with pytest.raises(InputError):
        check_rule(GDP, {"kind": "compare", "expression": "gdp >= __import__('os')"})


# Values 1, 2, 3, 4, 5, 100 of one indicator and year in six regions.
SIX = long([(r, "x", 2020, v) for r, v in zip("ABCDEF", [1.0, 2.0, 3.0, 4.0, 5.0, 100.0])])


def test_zscore_by_hand():
    # mean = 115/6 = 19.1667; Σd² = 7850.83; s = √(7850.83/5) = 39.625; z(100) = 80.833/39.625 = 2.040
    assert outliers(SIX, "zscore").empty  # 2.04 < 3
    report = outliers(SIX, "zscore", threshold=2.0)
    assert report["region_code"].tolist() == ["F"]
    assert report.loc[0, "detail"] == "z = 2.04 (|z| > 2)"


def test_modified_zscore_by_hand():
    # median 3.5; |d| = 2.5, 1.5, .5, .5, 1.5, 96.5 → MAD = 1.5; M(100) = 0.6745·96.5/1.5 = 43.393;
    # M(1) = 0.6745·(-2.5)/1.5 = -1.124
    report = outliers(SIX, "modz")
    assert report["region_code"].tolist() == ["F"]
    assert report.loc[0, "detail"] == "M = 43.393 (|M| > 3.5)"
    assert outliers(SIX, "modz", threshold=1.1)["region_code"].tolist() == ["A", "F"]


def test_iqr_by_hand():
    # sorted 1,2,3,4,5,100: Q1 at position 1.25 → 2.25, Q3 at 3.75 → 4.75, IQR 2.5;
    # fences 2.25 - 3.75 = -1.5 and 4.75 + 3.75 = 8.5 → 100 only; its distance (100-4.75)/2.5 = 38.1
    report = outliers(SIX, "iqr")
    assert report["region_code"].tolist() == ["F"]
    assert report.loc[0, "detail"].startswith("IQR distance = 38.1 ")


def test_history_groups_a_region_with_its_own_years_and_small_groups_flag_nothing():
    rows = [("A", "x", 2015 + i, v) for i, v in enumerate([10, 11, 10, 12, 11, 40.0])]
    rows += [("B", "x", 2015 + i, v) for i, v in enumerate([500, 510, 505, 495, 500, 502.0])]
    frame = long(rows)
    # A: median 11, |d| = 1,0,1,1,0,29 → MAD = 1; M(40) = 0.6745·29 = 19.56. B: nothing far.
    report = outliers(frame, "modz", across="history")
    assert report[["region_code", "year", "check"]].values.tolist() == [["A", 2020, "modz:history"]]
    assert outliers(frame.head(4), "modz", across="history").empty  # 4 values < min_count 5
    # across regions each year has two values only: nothing flagged
    assert outliers(frame, "modz").empty


def test_several_methods_at_once_equal_each_alone_and_prepare_changes_nothing():
    rng = np.random.default_rng(7)
    frame = long([(f"R{r}", f"i{i}", 2000 + y, rng.lognormal()) for r in range(30) for i in range(3)
                  for y in range(6)])
    together = outliers(prepare(frame), ["zscore", "modz", "iqr"])
    alone = pd.concat([outliers(frame, m) for m in ("zscore", "modz", "iqr")], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)


def test_bad_parameters_are_worded():
    with pytest.raises(InputError) as error:
        outliers(SIX, "grubbs")
    assert error.value.code == "one_of"
    with pytest.raises(InputError):
        outliers(SIX, "zscore", threshold=0)
