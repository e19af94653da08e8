"""Working days, lights and their boundaries.

The 2025 dates are checked by hand against the State Council General Office's notice on the
2025 holidays (国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 12 November
2024): 春节 "1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日
（周日）、2月8日（周六）上班。"
"""

import datetime as dt

import numpy as np
import pytest

from deltawatch.methods.ledger import DONE, GREEN, RED, YELLOW, WorkCalendar, lights, warn_until

D = dt.date


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar(D(2024, 1, 1), D(2026, 12, 31))


def test_the_2025_spring_festival_and_its_make_up_days(cal):
    holiday = [D(2025, 1, 28) + dt.timedelta(days=i) for i in range(8)]  # 28 Jan … 4 Feb
    assert not any(cal.is_workday(day) for day in holiday)
    assert cal.is_workday(D(2025, 1, 26))      # Sunday, worked
    assert cal.is_workday(D(2025, 2, 8))       # Saturday, worked
    assert not cal.is_workday(D(2025, 2, 9))   # an ordinary Sunday
    assert cal.is_workday(D(2025, 2, 5))


def test_working_days_across_the_spring_festival(cal):
    # (Fri 24 Jan, Mon 10 Feb]: Sun 26, Mon 27, Wed 5, Thu 6, Fri 7, Sat 8 (make-up), Mon 10 = 7
    assert cal.workdays_between(D(2025, 1, 24), D(2025, 2, 10))[0] == 7
    # Monday to Friday alone would count 11 (27–31 Jan, 3–7 Feb, 10 Feb): the holidays and
    # make-up days change the answer, which is why a plain weekday count is not used
    assert np.busday_count(D(2025, 1, 25), D(2025, 2, 11)) == 11
    assert cal.add_workdays(D(2025, 1, 27), 1) == D(2025, 2, 5)   # the day after Monday 27 Jan
    assert cal.add_workdays(D(2025, 2, 7), 1) == D(2025, 2, 8)    # the make-up Saturday
    assert cal.add_workdays(D(2025, 2, 8), 1) == D(2025, 2, 10)
    assert cal.add_workdays(D(2025, 3, 3), 0) == D(2025, 3, 3)
    assert cal.workdays_between(D(2025, 2, 10), D(2025, 1, 24))[0] == -7


def test_vectorised_counts_equal_one_by_one(cal):
    firsts = [D(2025, 1, 20), D(2025, 9, 28), D(2024, 12, 31)]
    lasts = [D(2025, 2, 14), D(2025, 10, 12), D(2025, 1, 2)]
    many = cal.workdays_between(firsts, lasts)
    assert list(many) == [cal.workdays_between(a, b)[0] for a, b in zip(firsts, lasts)]
    # National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked;
    # (28 Sep, 12 Oct]: Mon 29, Tue 30 Sep, Thu 9, Fri 10, Sat 11 Oct = 5
    assert many[1] == 5


def test_years_the_library_does_not_know_are_monday_to_friday_and_said_so():
    cal = WorkCalendar(D(2031, 1, 1), D(2031, 1, 31))
    assert 2031 in cal.assumed_years
    assert cal.workdays_between(D(2031, 1, 3), D(2031, 1, 10))[0] == 5


def test_dates_outside_the_calendar_are_refused(cal):
    with pytest.raises(ValueError):
        cal.workdays_between(D(2023, 12, 31), D(2024, 1, 3))


def test_lights_at_their_boundaries(cal):
    today = D(2025, 3, 3)                                     # Monday
    last = warn_until(today, 5, cal)
    assert last == D(2025, 3, 10)                             # five working days ahead
    due = [D(2025, 3, 2), D(2025, 3, 3), D(2025, 3, 10), D(2025, 3, 11), None, D(2025, 1, 1)]
    is_open = [True, True, True, True, True, False]
    assert list(lights(due, is_open, today, last)) == [RED, YELLOW, YELLOW, GREEN, GREEN, DONE]


def test_the_warning_window_counts_working_days_over_a_holiday(cal):
    # Friday 24 Jan 2025 + 5 working days: Sun 26, Mon 27, Wed 5 Feb, Thu 6, Fri 7
    assert warn_until(D(2025, 1, 24), 5, cal) == D(2025, 2, 7)
