"""Progress assessment (docs/METHODS.md §1), every expected number worked out by hand here.

Notation: y0 = base value in t0, y = latest value in t, TV target value for year T,
d desired direction, CAGR_obs = (y/y0)^(1/(t − t0)) − 1, CAGR_req = (TV/y0)^(1/(T − t0)) − 1,
Open SDG R = d·CAGR_obs/|CAGR_req|.
"""

import math

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.progress import (
    OUTPUT_COLUMNS, Assessment, TargetSpec, Thresholds, assess, assess_frame, band, score,
)

REL = 1e-12


def close(a, b, rel=REL):
    return a == pytest.approx(b, rel=rel, abs=0 if b != 0 else 1e-12)


def cagr(a, b, years):
    return (b / a) ** (1 / years) - 1


# ---------------------------------------------------------------------------- direction, inputs

@pytest.mark.parametrize("bad", [None, 0, 2, -2, 0.5, True, float("nan")])
def test_direction_is_never_defaulted(bad):
    with pytest.raises(ValueError, match="direction"):
        assess([2015, 2020], [1, 2], TargetSpec("ge", 3), direction=bad)


def test_direction_is_keyword_only_and_required():
    with pytest.raises(TypeError):
        assess([2015, 2020], [1, 2], TargetSpec("ge", 3))


def test_unknown_method_comparator_change_type_raise():
    with pytest.raises(ValueError, match="method"):
        assess([2015, 2020], [1, 2], TargetSpec("ge", 3), direction=1, method="sdgbuild")
    with pytest.raises(ValueError, match="comparator"):
        assess([2015, 2020], [1, 2], TargetSpec(">=", 3), direction=1)
    with pytest.raises(ValueError, match="change_type"):
        assess([2015, 2020], [1, 2], TargetSpec("ge", 3, change_type="double"), direction=1)


# ---------------------------------------------------------------------------- one case per status

def test_achieved_ge_higher_is_better():
    # rd_intensity "3%以上": latest 3.1 ≥ 3 → achieved, score 5
    a = assess([2015, 2018, 2020], [2.5, 2.8, 3.1], TargetSpec("ge", 3), direction=1)
    assert a.status == "achieved" and a.score == 5.0 and score(a) == 5.0
    assert (a.base_year, a.base_value, a.latest_year, a.latest_value, a.target_value) == (2015, 2.5, 2020, 3.1, 3)


def test_on_track():
    # y0 = 50 (2015), y = 65 (2020), TV = 80 in 2025, d = +1
    # CAGR_obs = 1.3^(1/5) − 1 = 0.053874; CAGR_req = 1.6^(1/10) − 1 = 0.048122; R = 1.11953 ≥ 0.95
    a = assess([2015, 2020], [50, 65], TargetSpec("ge", 80, target_year=2025), direction=1)
    obs, req = 1.3 ** (1 / 5) - 1, 1.6 ** (1 / 10) - 1
    assert a.status == "on_track" and a.growth_form == "cagr" and a.rule == "target"
    assert close(a.cagr_observed, obs) and close(a.cagr_required, req)
    assert close(a.ratio, obs / req)
    # projection y·(1 + CAGR_obs)^(T − t) = 65 · 1.3 = 84.5
    assert close(a.projected_value, 65 * 1.3)
    # score: R > 0.6 → 50/7·R − 30/7
    assert close(a.score, 50 / 7 * (obs / req) - 30 / 7)


def test_acceleration_needed():
    # y 50 → 60: CAGR_obs = 1.2^(1/5) − 1 = 0.037137; R = 0.037137/0.048122 = 0.77173 ∈ [0.6, 0.95)
    a = assess([2015, 2020], [50, 60], TargetSpec("ge", 80, target_year=2025), direction=1)
    assert a.status == "acceleration_needed"
    assert close(a.ratio, (1.2 ** 0.2 - 1) / (1.6 ** 0.1 - 1))


def test_limited_progress():
    # y 50 → 52: CAGR_obs = 1.04^(1/5) − 1 = 0.0078749; R = 0.16364 ∈ [0, 0.6)
    a = assess([2015, 2020], [50, 52], TargetSpec("ge", 80, target_year=2025), direction=1)
    assert a.status == "limited_progress"
    r = (1.04 ** 0.2 - 1) / (1.6 ** 0.1 - 1)
    assert close(a.ratio, r)
    # score: R ≤ 0.6 → 25/6·R − 2.5
    assert close(a.score, 25 / 6 * r - 2.5)


def test_deteriorating():
    # y 50 → 45: CAGR_obs = 0.9^(1/5) − 1 < 0 → R < 0
    a = assess([2015, 2020], [50, 45], TargetSpec("ge", 80, target_year=2025), direction=1)
    assert a.status == "deteriorating"
    assert close(a.ratio, (0.9 ** 0.2 - 1) / (1.6 ** 0.1 - 1))


def test_insufficient_data_single_point():
    a = assess([2020], [3.0], TargetSpec("ge", 3.5), direction=1)
    assert a.status == "insufficient_data" and a.score is None and score(a) is None
    assert (a.base_year, a.latest_year, a.latest_value) == (2020, 2020, 3.0)


def test_insufficient_data_counts_only_from_the_base_year():
    # two values, but only one (2020) on or after the base year 2016; NaN is no value
    a = assess([2015, 2018, 2020], [1.0, np.nan, 2.0], TargetSpec("ge", 3), direction=1, base_year=2016)
    assert a.status == "insufficient_data" and a.base_year == 2020
    a = assess([], [], None, direction=-1)
    assert a.status == "insufficient_data" and a.latest_year is None


def test_not_assessable_for_a_textual_target():
    # pm25_concentration, 江苏: "完成国家下达目标任务", is_numeric false
    a = assess([2015, 2020], [50, 38], TargetSpec("eq", is_numeric=False), direction=-1)
    assert a.status == "not_assessable" and a.ratio is None and a.score is None


# ---------------------------------------------------------------------------- comparators

def test_le_lower_is_better():
    # PM2.5 ≤ 35, d = −1: 45 (2015) → 38 (2020), T = 2025
    # CAGR_obs = (38/45)^(1/5) − 1 = −0.033250; CAGR_req = (35/45)^(1/10) − 1 = −0.024818
    # R = −1·(−0.033250)/0.024818 = 1.3397 → on track
    a = assess([2015, 2020], [45, 38], TargetSpec("le", 35), direction=-1)
    obs, req = cagr(45, 38, 5), cagr(45, 35, 10)
    assert a.status == "on_track" and close(a.ratio, -obs / abs(req))
    assert assess([2015, 2020], [45, 34], TargetSpec("le", 35), direction=-1).status == "achieved"
    assert assess([2015, 2020], [45, 35], TargetSpec("le", 35), direction=-1).status == "achieved"


def test_gt_is_strict_and_ge_is_not():
    # latest exactly 3: ≥ 3 met, > 3 not met
    assert assess([2015, 2020], [2.5, 3.0], TargetSpec("ge", 3), direction=1).status == "achieved"
    a = assess([2015, 2020], [2.5, 3.0], TargetSpec("gt", 3), direction=1)
    # CAGR_obs = 1.2^(1/5) − 1, CAGR_req = 1.2^(1/10) − 1, R = 2.0184 → on track
    assert a.status == "on_track" and close(a.ratio, (1.2 ** 0.2 - 1) / (1.2 ** 0.1 - 1))


def test_lt_is_strict_and_le_is_not():
    # urban/rural income ratio < 2.2 (d = −1): latest exactly 2.2
    assert assess([2015, 2020], [2.6, 2.2], TargetSpec("le", 2.2), direction=-1).status == "achieved"
    a = assess([2015, 2020], [2.6, 2.2], TargetSpec("lt", 2.2), direction=-1)
    # CAGR_obs = (2.2/2.6)^(1/5) − 1 = CAGR over 5 years; CAGR_req over 10 years; R = −obs/|req|
    obs, req = cagr(2.6, 2.2, 5), cagr(2.6, 2.2, 10)
    assert a.status == "on_track" and close(a.ratio, -obs / abs(req))


def test_eq_reaches_in_the_indicator_direction():
    # "科技进步贡献率达到65%", d = +1: eq acts as ≥ → 66 achieves it
    assert assess([2015, 2020], [60, 66], TargetSpec("eq", 65), direction=1).status == "achieved"
    # same numbers, d = −1: eq acts as ≤ → 66 does not; the base 60 was already ≤ 65 and the
    # value moved away: CAGR_obs = 1.1^(1/5) − 1 > 0, CAGR_req = (65/60)^(1/10) − 1 > 0,
    # R = −CAGR_obs/|CAGR_req| < 0 → deteriorating
    a = assess([2015, 2020], [60, 66], TargetSpec("eq", 65), direction=-1)
    assert a.status == "deteriorating"
    assert close(a.ratio, -cagr(60, 66, 5) / abs(cagr(60, 65, 10)))


def test_base_already_past_the_target_sign_trap():
    # d = +1, ≥ 80: base 85 already meets it, latest 78 does not.
    # CAGR_obs = (78/85)^(1/5) − 1 = −0.017042, CAGR_req = (80/85)^(1/10) − 1 = −0.006044.
    # old sdg-build: obs/req = +2.82 → "on track" (wrong); fixed: d·obs/|req| = −2.8195 → deteriorating
    a = assess([2015, 2020], [85, 78], TargetSpec("ge", 80, target_year=2025), direction=1)
    obs, req = cagr(85, 78, 5), cagr(85, 80, 10)
    assert obs / req > 0.95  # what the unfixed formula would say
    assert a.status == "deteriorating" and close(a.ratio, obs / abs(req))
    assert a.score == -5.0  # 25/6·(−2.82) − 2.5 < −5 → capped


def test_base_equal_to_target_uses_the_no_target_rule():
    # base 80 = TV, latest 78: CAGR_req = 0 → v = d·CAGR_obs = (78/80)^(1/5) − 1 < 0
    a = assess([2015, 2020], [80, 78], TargetSpec("ge", 80), direction=1)
    assert a.rule == "no_target" and a.status == "deteriorating" and close(a.ratio, cagr(80, 78, 5))


def test_approx_inside_and_outside_its_tolerance():
    # 江苏 urban/rural income ratio "2:1左右" (approx 2), d = −1, default tolerance 5 %·2 = 0.1
    inside = assess([2015, 2020], [2.3, 2.05], TargetSpec("approx", 2), direction=-1)
    assert inside.status == "achieved"  # |2.05 − 2| = 0.05 ≤ 0.1
    out = assess([2015, 2020], [2.3, 2.2], TargetSpec("approx", 2), direction=-1)
    # |2.2 − 2| = 0.2 > 0.1; towards the target: d_eff = sign(2 − 2.3) = −1
    # R = −CAGR_obs/|CAGR_req| = −((2.2/2.3)^(1/5) − 1)/|(2/2.3)^(1/10) − 1| = 0.63772
    assert out.status == "acceleration_needed"
    assert close(out.ratio, -cagr(2.3, 2.2, 5) / abs(cagr(2.3, 2, 10)))
    # an absolute tolerance of 0.25 takes 2.2 in
    assert assess([2015, 2020], [2.3, 2.2], TargetSpec("approx", 2, tolerance=0.25), direction=-1).status == "achieved"
    # configurable relative tolerance: 11 % of 2 = 0.22 ≥ |2.2 − 2| (exactly 10 % would be a
    # floating-point tie: 2.2 − 2 = 0.2000000000000002)
    th = Thresholds(approx_tolerance=0.11)
    assert assess([2015, 2020], [2.3, 2.2], TargetSpec("approx", 2), direction=-1, thresholds=th).status == "achieved"


def test_approx_from_below_in_the_higher_is_better_direction():
    # life expectancy "80岁左右", d = +1, tolerance 5 % · 80 = 4: 70 → 74, |74 − 80| = 6 > 4
    # d_eff = sign(80 − 70) = +1, R = CAGR_obs/|CAGR_req| = ((74/70)^(1/5) − 1)/((80/70)^(1/10) − 1)
    #   = 0.011175/0.013442 = 0.83133 → acceleration needed
    a = assess([2015, 2020], [70, 74], TargetSpec("approx", 80), direction=1)
    assert a.status == "acceleration_needed" and close(a.ratio, cagr(70, 74, 5) / cagr(70, 80, 10))


def test_approx_moving_away_after_meeting_it_is_deteriorating():
    # base 2.02 within ±0.1 of 2, latest 2.3 outside: the direction is back towards 2 from the
    # latest value, d_eff = sign(2 − 2.3) = −1; CAGR_obs > 0 → R = −((2.3/2.02)^(1/5) − 1)/|(2/2.02)^(1/10) − 1|
    a = assess([2015, 2020], [2.02, 2.3], TargetSpec("approx", 2), direction=-1)
    assert a.status == "deteriorating"
    assert close(a.ratio, -cagr(2.02, 2.3, 5) / abs(cagr(2.02, 2, 10)))


def test_range_target_level():
    # range 3–4, d = +1
    assert assess([2015, 2020], [2.0, 3.5], TargetSpec("range", low=3, high=4), direction=1).status == "achieved"
    # below the interval: move towards low = 3; R = ((2.5/2)^(1/5) − 1)/((3/2)^(1/10) − 1) = 1.1029
    a = assess([2015, 2020], [2.0, 2.5], TargetSpec("range", low=3, high=4), direction=1)
    assert a.target_value == 3 and a.status == "on_track"
    assert close(a.ratio, cagr(2, 2.5, 5) / cagr(2, 3, 10))
    # base inside (3.5), latest above (4.5): towards high = 4, d_eff = −1,
    # R = −((4.5/3.5)^(1/5) − 1)/|(4/3.5)^(1/10) − 1| < 0
    b = assess([2015, 2020], [3.5, 4.5], TargetSpec("range", low=3, high=4), direction=1)
    assert b.target_value == 4 and b.status == "deteriorating"
    assert close(b.ratio, -cagr(3.5, 4.5, 5) / cagr(3.5, 4, 10))


# ---------------------------------------------------------------------------- relative targets

def test_decrease_ten_percent_against_2017():
    # energy_per_gdp "较2017年下降10%": stored ge 10, change decrease, baseline 2017, d = −1
    # TV = y_2017 × (1 − 0.10) = 0.5 × 0.9 = 0.45; base year = 2017 (the baseline year)
    spec = TargetSpec("ge", 10, change_type="decrease", baseline_year=2017, target_year=2025)
    a = assess([2015, 2017, 2020], [0.6, 0.5, 0.47], spec, direction=-1)
    tv = 0.5 * (1 - 10 / 100)
    assert close(a.target_value, tv) and a.base_year == 2017 and a.base_value == 0.5
    # CAGR_obs = (0.47/0.5)^(1/3) − 1 = −0.020410, CAGR_req = 0.9^(1/8) − 1 = −0.013084, R = 1.5603
    assert a.status == "on_track"
    assert close(a.ratio, -cagr(0.5, 0.47, 3) / abs(cagr(0.5, tv, 8)))
    # a fall of 11 % (0.445 ≤ 0.45) achieves it
    assert assess([2017, 2020], [0.5, 0.445], spec, direction=-1).status == "achieved"


def test_decrease_range_ten_to_eleven_percent():
    # 江苏 "单位GDP能耗较2017年下降10-11%": TV interval 0.5×(1 − 0.11) … 0.5×(1 − 0.10) = 0.445 … 0.45
    spec = TargetSpec("range", low=10, high=11, change_type="decrease", baseline_year=2017)
    assert assess([2017, 2020], [0.5, 0.448], spec, direction=-1).status == "achieved"
    a = assess([2017, 2020], [0.5, 0.47], spec, direction=-1)
    # from the base 0.5 above the interval the bound to reach is 0.45, d_eff = −1
    assert close(a.target_value, 0.5 * (1 - 10 / 100))
    assert close(a.ratio, -cagr(0.5, 0.47, 3) / abs(cagr(0.5, 0.5 * 0.9, 8)))


def test_relative_target_without_the_baseline_value():
    spec = TargetSpec("ge", 10, change_type="decrease", baseline_year=2017)
    a = assess([2015, 2016, 2018, 2020], [0.6, 0.55, 0.5, 0.47], spec, direction=-1)
    assert a.status == "insufficient_data" and "2017" in a.note


def test_doubling_against_2010():
    # "翻一番": increase 100 % against 2010 → TV = 2 × 40 = 80; base year 2010
    spec = TargetSpec("ge", 100, change_type="increase", baseline_year=2010, target_year=2025)
    a = assess([2010, 2015, 2020], [40, 55, 70], spec, direction=1)
    assert close(a.target_value, 80)
    # CAGR_obs = 1.75^(1/10) − 1 = 0.057557, CAGR_req = 2^(1/15) − 1 = 0.047294, R = 1.2170
    assert a.status == "on_track" and close(a.ratio, (1.75 ** 0.1 - 1) / (2 ** (1 / 15) - 1))


def test_annual_growth_target():
    # "年均增长7%": observed CAGR 2020→2023 of 100 → 120 is 1.2^(1/3) − 1 = 0.062659 < 0.07
    # R = observed/required = 0.89513 → acceleration needed
    spec = TargetSpec("ge", 7, change_type="annual_growth", target_year=2025)
    a = assess([2020, 2021, 2023], [100, 103, 120], spec, direction=1)
    assert a.status == "acceleration_needed"
    assert close(a.cagr_observed, 1.2 ** (1 / 3) - 1) and close(a.cagr_required, 0.07)
    assert close(a.ratio, (1.2 ** (1 / 3) - 1) / 0.07)
    # 100 → 125: 1.25^(1/3) − 1 = 0.077217 ≥ 0.07 → achieved
    assert assess([2020, 2023], [100, 125], spec, direction=1).status == "achieved"


# ---------------------------------------------------------------------------- linear form

def test_negative_values_use_the_linear_form():
    # −2 (2015) → 1 (2020), ≥ 5 in 2025: slope_obs = 3/5 = 0.6, slope_req = 7/10 = 0.7, R = 0.857143
    a = assess([2015, 2020], [-2, 1], TargetSpec("ge", 5), direction=1)
    assert a.growth_form == "linear" and "non-positive" in a.note
    assert close(a.cagr_observed, 0.6) and close(a.cagr_required, 0.7) and close(a.ratio, 0.6 / 0.7)
    assert a.status == "acceleration_needed"
    # projection y + slope·(T − t) = 1 + 0.6·5 = 4
    assert close(a.projected_value, 4.0)


def test_zero_value_uses_the_linear_form():
    # 0 → 2: slope 0.4, required (5 − 0)/10 = 0.5, R = 0.8
    a = assess([2015, 2020], [0, 2], TargetSpec("ge", 5), direction=1)
    assert a.growth_form == "linear" and close(a.ratio, 0.8) and a.status == "acceleration_needed"


def test_rate_indicator_uses_the_linear_form():
    # GDP growth rate (is_rate) 7.0 % → 6.0 %, target ≥ 6.5 by 2025, base already above it:
    # slope_obs = (6 − 7)/5 = −0.2, slope_req = (6.5 − 7)/10 = −0.05, R = −0.2/0.05 = −4
    a = assess([2015, 2020], [7.0, 6.0], TargetSpec("ge", 6.5), direction=1, is_rate=True)
    assert a.growth_form == "linear" and "is_rate" in a.note
    assert close(a.ratio, -4.0) and a.status == "deteriorating"


def test_bounded_percentage_near_100():
    # 5G coverage (bounded 0–100), ≥ 100 by 2025: 90 (2020) → 98.5 (2023), 1.5 points short
    # the target is within 1 point of the bound → linear: slope_obs = 8.5/3, slope_req = 10/5 = 2,
    # R = 1.416667 → on track
    a = assess([2020, 2023], [90, 98.5], TargetSpec("ge", 100), direction=1, lower_bound=0, upper_bound=100)
    assert a.growth_form == "linear" and "bounded" in a.note
    assert close(a.ratio, (8.5 / 3) / 2) and a.status == "on_track"
    # 99.5 is within 1 point of a 100 % target → achieved
    b = assess([2020, 2023], [90, 99.5], TargetSpec("ge", 100), direction=1, lower_bound=0, upper_bound=100)
    assert b.status == "achieved" and "met within" in b.note
    # without the bounds it is neither linear nor achieved
    c = assess([2020, 2023], [90, 99.5], TargetSpec("ge", 100), direction=1)
    assert c.status != "achieved" and c.growth_form == "cagr"


# ---------------------------------------------------------------------------- no target

def test_no_target_rule():
    # v = d·CAGR_obs = 1.1^(1/5) − 1 = 0.019245 ≥ 1.5 % → on track
    a = assess([2015, 2020], [100, 110], None, direction=1)
    v = 1.1 ** 0.2 - 1
    assert a.status == "on_track" and a.rule == "no_target" and close(a.ratio, v)
    # score: between 1.5 % (2.5) and 2 % (5): 2.5 + 2.5·(v − 0.015)/0.005
    assert close(a.score, 2.5 + 2.5 * (v - 0.015) / 0.005)
    # same values, d = −1: v = −0.019245 → deteriorating; score −2.5 + 2.5·v/0.02
    b = assess([2015, 2020], [100, 110], None, direction=-1)
    assert b.status == "deteriorating" and close(b.score, -2.5 + 2.5 * (-v) / 0.02)
    # 100 → 102: v = 1.02^(1/5) − 1 = 0.0039683 → limited; 100 → 105: 0.0098 → acceleration
    assert assess([2015, 2020], [100, 102], None, direction=1).status == "limited_progress"
    assert assess([2015, 2020], [100, 105], None, direction=1).status == "acceleration_needed"


# ---------------------------------------------------------------------------- UNSD, ESCAP

def test_unsd_progress_chart():
    # 50 (2015) → 60 (2020), ≥ 80 in 2025: ŷ_T = 60·(1.2^(1/5))^5 = 72,
    # ratio = (72 − 50)/(80 − 50) = 22/30 = 0.733333 ∈ [0.10, 0.95) → acceleration needed
    a = assess([2015, 2020], [50, 60], TargetSpec("ge", 80), direction=1, method="unsd")
    assert a.method == "unsd" and close(a.projected_value, 72) and close(a.ratio, 22 / 30)
    assert a.status == "acceleration_needed"
    # T = 2030: ŷ_T = 60·1.2² = 86.4, ratio = 36.4/30 = 1.213333 → on track
    b = assess([2015, 2020], [50, 60], TargetSpec("ge", 80, target_year=2030), direction=1, method="unsd")
    assert close(b.ratio, 36.4 / 30) and b.status == "on_track"
    # 50 → 51: ŷ_T = 51·1.02 = 52.02, ratio = 2.02/30 = 0.067333 < 0.10, ≥ 0 → limited progress
    c = assess([2015, 2020], [50, 51], TargetSpec("ge", 80), direction=1, method="unsd")
    assert close(c.ratio, 2.02 / 30) and c.status == "limited_progress"


def test_escap_time_weighted_regression():
    # 50 (2015), 56 (2017), 60 (2020); ≥ 80 in 2025; d = +1.
    # weights w_i = (T − t_min)/(T − t_i) = 10/10, 10/8, 10/5 = 1, 1.25, 2; u = t − 2015 = 0, 2, 5
    # Σw = 4.25, Σwu = 12.5, Σwu² = 5 + 50 = 55, Σwy = 50 + 70 + 120 = 240,
    # Σwuy = 1.25·2·56 + 2·5·60 = 740
    # slope b = (Σw·Σwuy − Σwu·Σwy)/(Σw·Σwu² − (Σwu)²) = (3145 − 3000)/(233.75 − 156.25) = 58/31
    # intercept a = (Σwy − b·Σwu)/Σw = (240 − 725/31)/4.25 = 26860/527
    # ŷ(2025) = a + 10·b = 26860/527 + 9860/527 = 36720/527 = 69.677419
    # AP = (ŷ − 50)/|80 − 50| = 10370/15810 = 0.655914 → accelerate; CS = (60 − 50)/30 = 1/3
    a = assess([2015, 2017, 2020], [50, 56, 60], TargetSpec("ge", 80), direction=1, method="escap")
    assert close(a.projected_value, 36720 / 527)
    assert close(a.ratio, (36720 / 527 - 50) / 30)
    assert close(a.current_status, 1 / 3)
    assert a.status == "acceleration_needed"
    # a falling series: AP ≤ 0 → deteriorating ("reverse the trend")
    b = assess([2015, 2017, 2020], [50, 49, 47], TargetSpec("ge", 80), direction=1, method="escap")
    assert b.status == "deteriorating" and b.ratio <= 0
    # CS is capped at 1: ≤ 40 with d = −1, 50 → 20 overshoots the target: CS = −(20 − 50)/|40 − 50| = 3 → 1
    c = assess([2015, 2020], [50, 20], TargetSpec("le", 40), direction=-1, method="escap")
    assert c.status == "achieved" and c.current_status == 1.0


# ---------------------------------------------------------------------------- scores, bands

@pytest.mark.parametrize("r, expected", [
    (0.6, 0.0),               # R ≤ 0.6: 25/6·0.6 − 2.5 = 2.5 − 2.5 = 0
    (1.0, 20 / 7),            # R > 0.6: 50/7·1 − 30/7 = 20/7 = 2.857143 (7.1429 − 4.2857 rounded)
    (-1.0, -5.0),             # 25/6·(−1) − 2.5 = −6.6667 → capped at −5
    (2.0, 5.0),               # 50/7·2 − 30/7 = 70/7 = 10 → capped at 5
    (0.0, -2.5),              # 25/6·0 − 2.5
])
def test_open_sdg_scores(r, expected):
    a = Assessment(status="limited_progress", method="opensdg", ratio=r, rule="target")
    assert close(score(a), expected)


def test_score_of_achieved_and_unassessed():
    assert score(Assessment(status="achieved", method="opensdg", ratio=-3.0, rule="target")) == 5.0
    assert score(Assessment(status="insufficient_data", method="opensdg")) is None
    assert score(Assessment(status="not_assessable", method="opensdg")) is None


@pytest.mark.parametrize("s, expected", [
    (5, "on_track"), (2.5, "on_track"), (2.4999, "acceleration_needed"), (0, "acceleration_needed"),
    (-0.01, "limited_progress"), (-2.5, "limited_progress"), (-2.51, "deteriorating"), (-5, "deteriorating"),
    (None, "insufficient_data"), (float("nan"), "insufficient_data"),
])
def test_band(s, expected):
    assert band(s) == expected


# ---------------------------------------------------------------------------- frames

def _toy():
    obs = pd.DataFrame({
        "region_code": ["320000", "320000", "320000", "320000", "320000", "yrd", "yrd", "yrd"],
        "indicator": ["rd_intensity", "rd_intensity", "energy_per_gdp", "energy_per_gdp", "energy_per_gdp",
                      "pm25_concentration", "pm25_concentration", "pm25_concentration"],
        "year": [2015, 2020, 2015, 2017, 2020, 2015, 2018, 2020],
        "value": [2.5, 2.9, 0.6, 0.5, 0.47, 45.0, np.nan, 38.0],
    }).sample(frac=1, random_state=1)  # order must not matter
    targets = pd.DataFrame({
        "target_id": [1, 2, 3],
        "indicator": ["rd_intensity", "energy_per_gdp", "pm25_concentration"],
        "region_code": [320000, 320000, "yrd"],  # int codes match the string codes of observations
        "comparator": ["ge", "range", "le"],
        "value": [3.0, np.nan, 35.0],
        "low": [np.nan, 10.0, np.nan],
        "high": [np.nan, 11.0, np.nan],
        "tolerance": [np.nan] * 3,
        "target_year": [2025] * 3,
        "change_type": ["level", "decrease", "level"],
        "baseline_year": [np.nan, 2017, np.nan],
        "is_numeric": [True] * 3,
    })
    indicators = pd.DataFrame({
        "code": ["rd_intensity", "energy_per_gdp", "pm25_concentration"],
        "direction": [1, -1, -1], "is_rate": [False] * 3,
        "lower_bound": [0.0, 0.0, 0.0], "upper_bound": [np.nan] * 3,
    })
    specs = [
        ("320000", "rd_intensity", TargetSpec("ge", 3.0), 1),
        ("320000", "energy_per_gdp", TargetSpec("range", low=10, high=11, change_type="decrease",
                                                baseline_year=2017), -1),
        ("yrd", "pm25_concentration", TargetSpec("le", 35.0), -1),
    ]
    return obs, targets, indicators, specs


@pytest.mark.parametrize("method", ["opensdg", "unsd", "escap"])
def test_assess_frame_equals_assess_per_target(method):
    obs, targets, indicators, specs = _toy()
    out = assess_frame(obs, targets, indicators, method=method)
    assert list(out.columns) == OUTPUT_COLUMNS and len(out) == 3
    assert out["target_id"].tolist() == [1, 2, 3]
    for row, (region, code, spec, d) in zip(out.itertuples(index=False), specs):
        sel = obs[(obs.region_code == region) & (obs.indicator == code)]
        a = assess(sel.year, sel.value, spec, direction=d, method=method, lower_bound=0.0)
        assert row.status == a.status and row.method == method and row.note == a.note
        assert (row.base_year, row.latest_year) == (a.base_year, a.latest_year)
        for f in ("target_value", "base_value", "latest_value", "projected_value", "ratio", "score",
                  "cagr_observed", "cagr_required"):
            got, want = getattr(row, f), getattr(a, f)
            assert (want is None and math.isnan(got)) or got == want, f


def test_assess_frame_refuses_an_indicator_without_direction():
    obs, targets, indicators, _ = _toy()
    indicators.loc[0, "direction"] = np.nan
    with pytest.raises(ValueError, match="rd_intensity.*direction"):
        assess_frame(obs, targets, indicators)


def test_assess_frame_missing_series_is_insufficient():
    obs, targets, indicators, _ = _toy()
    out = assess_frame(obs[obs.indicator != "rd_intensity"], targets, indicators)
    assert out.loc[0, "status"] == "insufficient_data"


def test_assess_frame_reads_flags_written_as_text():
    # CSV-style flags: is_numeric "false" → not assessable; is_rate "true" → linear form
    obs, targets, indicators, _ = _toy()
    targets["is_numeric"] = ["true", "false", "true"]
    indicators["is_rate"] = ["false", "false", "true"]
    out = assess_frame(obs, targets, indicators)
    assert out.loc[1, "status"] == "not_assessable"
    assert "is_rate" in out.loc[2, "note"]
    # pm25 45 → 38 as a rate: slope −7/5 = −1.4, required (35 − 45)/10 = −1, R = −(−1.4)/1 = 1.4
    assert close(out.loc[2, "ratio"], 1.4)


# ---- roll-ups -------------------------------------------------------------------------------

def test_rollup_mean_score_band_and_counts():
    from deltawatch.methods.progress import rollup

    frame = pd.DataFrame({
        "region": ["js", "js", "js", "js", "zj"],
        "dimension": ["eco", "eco", "eco", "inno", "eco"],
        "status": ["achieved", "limited_progress", "insufficient_data", "on_track", "deteriorating"],
        "score": [5.0, -1.0, None, 3.0, -5.0],
    })
    out = rollup(frame, ["region", "dimension"]).set_index(["region", "dimension"])
    js_eco = out.loc[("js", "eco")]
    assert js_eco["assessed"] == 3 and js_eco["scored"] == 2
    assert js_eco["mean_score"] == 2.0  # (5 − 1) / 2: insufficient data carries no score
    assert js_eco["band"] == "acceleration_needed"
    assert (js_eco["achieved"], js_eco["limited_progress"], js_eco["insufficient_data"]) == (1, 1, 1)
    assert out.loc[("js", "inno"), "band"] == "on_track"
    assert out.loc[("zj", "eco"), "band"] == "deteriorating"
    whole = rollup(frame, [])
    assert len(whole) == 1 and whole["mean_score"].item() == pytest.approx(0.5)


def test_rollup_without_scores_is_insufficient_data():
    from deltawatch.methods.progress import rollup

    frame = pd.DataFrame({"dimension": ["eco"], "status": ["not_assessable"], "score": [None]})
    out = rollup(frame, "dimension")
    assert out["band"].item() == "insufficient_data" and out["not_assessable"].item() == 1


def test_frame_base_year_column_moves_the_base():
    obs = pd.DataFrame({"region_code": "r", "indicator": "x", "year": [2010, 2015, 2020], "value": [10.0, 20.0, 40.0]})
    targets = pd.DataFrame({"target_id": [1, 2], "region_code": "r", "indicator": "x", "comparator": "ge",
                            "value": 100.0, "target_year": 2030, "base_year": [None, 2013]})
    indicators = pd.DataFrame({"code": ["x"], "direction": [1]})
    out = assess_frame(obs, targets, indicators, default_base_year=None)
    assert list(out["base_year"]) == [2010, 2015]  # 2013 → first year with data on or after it
    assert close(out["cagr_observed"].iloc[1], 2 ** (1 / 5) - 1)
    # without a base year of its own, a row takes the default base year (2015), not 2010
    out = assess_frame(obs, targets.assign(base_year=[None, 2010]), indicators)
    assert list(out["base_year"]) == [2015, 2010]


# ---------------------------------------------------------------------------- base year (issue 10, item 8)

SERIES = ([2010, 2015, 2020], [10.0, 20.0, 40.0])


def test_default_base_year_is_2015_not_the_first_year():
    # Open SDG: "t0 is the base year, 2015, unless otherwise specified".
    # 10 (2010), 20 (2015), 40 (2020), ≥ 100 in 2030, measured from 2015:
    # CAGR_obs = (40/20)^(1/5) − 1 = 0.148698, CAGR_req = (100/20)^(1/15) − 1 = 0.113264,
    # R = 1.31285; from the first year (2010) CAGR_req would be (100/10)^(1/20) − 1 = 0.122018.
    a = assess(*SERIES, TargetSpec("ge", 100, target_year=2030), direction=1)
    assert (a.base_year, a.base_value) == (2015, 20.0)
    assert close(a.cagr_required, 5 ** (1 / 15) - 1)
    assert close(a.ratio, (2 ** 0.2 - 1) / (5 ** (1 / 15) - 1))
    # the default is configurable; None goes back to the first year with data
    assert assess(*SERIES, None, direction=1, default_base_year=2012).base_year == 2015
    assert assess(*SERIES, None, direction=1, default_base_year=None).base_year == 2010
    # a series that starts after the default base year starts where its data start
    assert assess([2018, 2020], [1.0, 2.0], None, direction=1).base_year == 2018


def test_plan_base_year_of_the_target_comes_before_the_default():
    # the plan's base year (TargetSpec.base_year) 2010 → t0 = 2010: CAGR_req = (100/10)^(1/20) − 1
    spec = TargetSpec("ge", 100, target_year=2030, base_year=2010)
    a = assess(*SERIES, spec, direction=1)
    assert a.base_year == 2010 and close(a.cagr_required, 10 ** (1 / 20) - 1)
    # the plan's base year also comes before a relative target's baseline year …
    both = TargetSpec("ge", 100, change_type="increase", baseline_year=2015, target_year=2030, base_year=2010)
    b = assess(*SERIES, both, direction=1)
    assert b.base_year == 2010 and close(b.target_value, 40.0)  # TV = 2·y_2015 still
    # … and the caller's base year before both
    assert assess(*SERIES, spec, direction=1, base_year=2014).base_year == 2015


def test_frame_default_base_year_and_baseline_year():
    # frame rows: no base year → default 2015; baseline 2010 → 2010; default None → first year
    obs = pd.DataFrame({"region_code": "r", "indicator": "x", "year": SERIES[0], "value": SERIES[1]})
    targets = pd.DataFrame({"target_id": [1, 2], "region_code": "r", "indicator": "x",
                            "comparator": ["ge", "ge"], "value": [100.0, 100.0], "target_year": 2030,
                            "change_type": ["level", "increase"], "baseline_year": [np.nan, 2010]})
    indicators = pd.DataFrame({"code": ["x"], "direction": [1]})
    assert list(assess_frame(obs, targets, indicators)["base_year"]) == [2015, 2010]
    assert list(assess_frame(obs, targets, indicators, default_base_year=2020)["base_year"]) == [2020, 2010]


# ---------------------------------------------------------------------------- ESCAP fit window

def test_escap_fits_on_all_data_since_2000_but_measures_from_the_base_year():
    # 40 (2000), 50 (2015), 60 (2020); ≥ 80 in 2025; base year 2015; fit from 2000.
    # weights w = (T − t_min)/(T − t) = 25/25, 25/10, 25/5 = 1, 2.5, 5; u = t − 2000 = 0, 15, 20
    # Σw = 8.5, Σwu = 137.5, Σwu² = 2.5·225 + 5·400 = 2562.5,
    # Σwy = 40 + 125 + 300 = 465, Σwuy = 2.5·15·50 + 5·20·60 = 7875
    # b = (8.5·7875 − 137.5·465)/(8.5·2562.5 − 137.5²) = (66937.5 − 63937.5)/(21781.25 − 18906.25)
    #   = 3000/2875 = 24/23
    # a = (465 − 24/23·137.5)/8.5 = (7395/23)/8.5 = 14790/391
    # ŷ(2025) = a + 25·b = 14790/391 + 10200/391 = 24990/391 = 63.913043
    # AP = (ŷ − 50)/(80 − 50) = 5440/(391·30) = 544/1173 = 0.463768 → accelerate
    # CS = (60 − 50)/30 = 1/3. Fitting from the base year only (the old rule) would put the
    # line through (2015, 50) and (2020, 60): ŷ = 70, AP = 2/3.
    years, values = [2000, 2015, 2020], [40, 50, 60]
    spec = TargetSpec("ge", 80, target_year=2025)
    a = assess(years, values, spec, direction=1, method="escap", base_year=2015)
    assert (a.base_year, a.base_value) == (2015, 50.0)
    assert close(a.projected_value, 24990 / 391)
    assert close(a.ratio, 544 / 1173)
    assert close(a.current_status, 1 / 3)
    assert a.status == "acceleration_needed" and "before the base year" in a.note
    # the fit start is configurable: None (or a year with no data before the base year) fits
    # from the base year only
    old = assess(years, values, spec, direction=1, method="escap", base_year=2015, fit_start=None)
    assert close(old.projected_value, 70.0) and close(old.ratio, 2 / 3) and "before the base year" not in old.note
    late = assess(years, values, spec, direction=1, method="escap", base_year=2015, fit_start=2010)
    assert close(late.ratio, 2 / 3)
    # a base year before the fit start still fits from the base year: base 2000 → u and w as
    # above, same line, AP = (24990/391 − 40)/(80 − 40) = 9350/15640 = 0.597826
    early = assess(years, values, spec, direction=1, method="escap", base_year=2000, fit_start=2010)
    assert early.base_year == 2000 and close(early.ratio, (24990 / 391 - 40) / 40)


def test_escap_ap_is_capped_at_one():
    # 50 (2015) → 70 (2020), ≥ 80 in 2025: the fitted line reaches 90 in 2025 (two points, exact),
    # AP = (90 − 50)/30 = 4/3 → capped at 1 (no anticipated gap), maintain → on track
    a = assess([2015, 2020], [50, 70], TargetSpec("ge", 80), direction=1, method="escap")
    assert close(a.projected_value, 90.0) and a.ratio == 1.0 and a.status == "on_track"


def test_escap_frame_equals_assess_with_a_fit_window():
    obs = pd.DataFrame({"region_code": "r", "indicator": "x", "year": [2000, 2015, 2020], "value": [40.0, 50.0, 60.0]})
    targets = pd.DataFrame({"target_id": [1], "region_code": "r", "indicator": "x", "comparator": "ge",
                            "value": 80.0, "target_year": 2025, "base_year": 2015})
    indicators = pd.DataFrame({"code": ["x"], "direction": [1]})
    out = assess_frame(obs, targets, indicators, method="escap")
    assert close(out["projected_value"].iloc[0], 24990 / 391) and close(out["ratio"].iloc[0], 544 / 1173)


# ---------------------------------------------------------------------------- UNSD without a target

def test_unsd_no_target_uses_unsds_thresholds():
    # UNSD Progress Chart, no target: d·CAGR ≥ 2 % on track, ≥ 0.5 % acceleration needed.
    # 100 → 110 in 5 years: v = 1.1^(1/5) − 1 = 0.019245: Open SDG on track (≥ 1.5 %),
    # UNSD only "fair progress, acceleration needed" (< 2 %)
    v = 1.1 ** 0.2 - 1
    assert assess([2015, 2020], [100, 110], None, direction=1).status == "on_track"
    a = assess([2015, 2020], [100, 110], None, direction=1, method="unsd")
    assert a.status == "acceleration_needed" and a.rule == "no_target" and close(a.ratio, v)
    # 100 → 112: v = 1.12^(1/5) − 1 = 0.022924 ≥ 2 % → on track
    assert assess([2015, 2020], [100, 112], None, direction=1, method="unsd").status == "on_track"
    # d = −1, 100 → 90: v = −(0.9^(1/5) − 1) = 0.020852 ≥ 2 % → on track
    assert assess([2015, 2020], [100, 90], None, direction=-1, method="unsd").status == "on_track"
    # 100 → 102: v = 0.0039683 < 0.5 % → stagnation (limited); 100 → 99: v < 0 → regression
    assert assess([2015, 2020], [100, 102], None, direction=1, method="unsd").status == "limited_progress"
    assert assess([2015, 2020], [100, 99], None, direction=1, method="unsd").status == "deteriorating"
    # the UNSD thresholds are configuration too
    th = Thresholds(unsd_no_target_on_track=0.019)
    assert assess([2015, 2020], [100, 110], None, direction=1, method="unsd", thresholds=th).status == "on_track"


def test_unsd_no_target_in_a_frame():
    obs = pd.DataFrame({"region_code": "r", "indicator": "x", "year": [2015, 2020], "value": [100.0, 110.0]})
    targets = pd.DataFrame({"target_id": [1], "region_code": "r", "indicator": "x", "comparator": [None]})
    indicators = pd.DataFrame({"code": ["x"], "direction": [1]})
    assert assess_frame(obs, targets, indicators, method="unsd")["status"].item() == "acceleration_needed"
    assert assess_frame(obs, targets, indicators, method="opensdg")["status"].item() == "on_track"
