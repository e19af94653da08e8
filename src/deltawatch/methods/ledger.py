"""Time and roll-up arithmetic of the task ledger: working days, 红黄绿 lights, rates.

Pure NumPy/pandas (no Django), so the pages, the CLI, the reminder sweep and the benchmark use
one implementation.

Working days follow China's public holidays *and* make-up working days (调休上班, e.g. Sunday
26 January and Saturday 8 February 2025) as published each year by the State Council's General
Office; they come from ``chinesecalendar`` (MIT, github.com/LKI/chinese-calendar), which is
updated every year when the notice appears — never a hand-typed list. For a year the library
does not know yet (the notice comes out in the autumn before), Monday–Friday is assumed and
:attr:`WorkCalendar.assumed_years` says so.

Why a cumulative count rather than ``numpy.busday_count``: NumPy's business-day functions take
holidays but cannot make a Saturday a working day; a table of working-day flags and its running
sum answers "how many working days between" for a million pairs in one vectorised lookup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["DONE", "GREEN", "RED", "YELLOW", "WorkCalendar", "lights", "rates", "warn_until"]

RED, YELLOW, GREEN, DONE = "red", "yellow", "green", "done"


def _is_workday_library():
    import chinese_calendar

    return chinese_calendar


@dataclass
class WorkCalendar:
    """Working days from ``start`` to ``end`` (inclusive).

    Parameters
    ----------
    start, end : datetime.date
        The span the calendar covers; dates outside it raise ``ValueError``.
    """

    start: dt.date
    end: dt.date
    flags_: np.ndarray = field(init=False, repr=False)
    assumed_years: set = field(init=False, default_factory=set)

    def __post_init__(self):
        library = _is_workday_library()
        days = pd.date_range(self.start, self.end, freq="D")
        flags = np.empty(len(days), dtype=bool)
        for i, day in enumerate(days.date):
            try:
                flags[i] = library.is_workday(day)
            except NotImplementedError:  # a year the library has no notice for yet
                flags[i] = day.weekday() < 5
                self.assumed_years.add(day.year)
        self.flags_ = flags
        # cum[i] = working days strictly before day i
        self._cum = np.concatenate([[0], np.cumsum(flags)])

    def _index(self, dates) -> np.ndarray:
        values = np.asarray(pd.to_datetime(pd.Series(dates)).values.astype("datetime64[D]"))
        index = (values - np.datetime64(self.start, "D")).astype(np.int64)
        if len(index) and (index.min() < 0 or index.max() >= len(self.flags_)):
            raise ValueError(f"dates must lie in {self.start}…{self.end}")
        return index

    def is_workday(self, day: dt.date) -> bool:
        return bool(self.flags_[self._index([day])[0]])

    def workdays_between(self, first, last) -> np.ndarray:
        """Working days in (first, last]: 0 when last == first, negative when last is earlier.
        ``first`` and ``last`` are dates or arrays of dates of the same length (or one scalar)."""
        a = self._index(np.atleast_1d(first))
        b = self._index(np.atleast_1d(last))
        return self._cum[b + 1] - self._cum[a + 1]

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``day`` (n ≥ 0; n = 0 gives ``day`` itself)."""
        if n == 0:
            return day
        i = self._index([day])[0]
        target = self._cum[i + 1] + n  # working days up to and including the answer
        j = int(np.searchsorted(self._cum, target, side="left")) - 1
        if j >= len(self.flags_):
            raise ValueError(f"{n} working days after {day} lie beyond {self.end}")
        return self.start + dt.timedelta(days=j)


def warn_until(today: dt.date, warn_workdays: int, calendar: WorkCalendar) -> dt.date:
    """The last due date that is "due soon" (黄) today: ``warn_workdays`` working days ahead."""
    return calendar.add_workdays(today, warn_workdays)


def lights(due, is_open, today: dt.date, warn_last: dt.date) -> np.ndarray:
    """红 / 黄 / 绿 / done for each item, vectorised.

    An open item is 红 when its due date is before ``today``, 黄 when it is due from today up to
    ``warn_last`` (inclusive), 绿 otherwise or when it has no due date (长期坚持); a closed or
    ended item is ``done``. ``due`` may hold NaT/None.
    """
    due = pd.to_datetime(pd.Series(due, dtype="object")).values.astype("datetime64[D]")
    is_open = np.asarray(is_open, dtype=bool)
    today64, warn64 = np.datetime64(today, "D"), np.datetime64(warn_last, "D")
    has_due = ~np.isnat(due)
    out = np.full(len(due), GREEN, dtype=object)
    out[has_due & (due <= warn64)] = YELLOW
    out[has_due & (due < today64)] = RED
    out[~is_open] = DONE
    return out


def rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the rates to a frame of counts (one row per group).

    Expects the columns ``total``, ``closed``, ``closed_on_time``, ``overdue_open``,
    ``terminated``; adds

    * ``closure_rate`` = closed / (total − terminated) — 办结率;
    * ``on_time_rate`` = closed on time / (closed + open overdue) — 按期完成率: of the work that
      should be finished by now, the share finished by its due date (open work not yet due is
      not counted either way);

    both NaN when their denominator is 0.
    """
    out = counts.copy()
    live = out["total"] - out["terminated"]
    due_now = out["closed"] + out["overdue_open"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["closure_rate"] = np.where(live > 0, out["closed"] / live.where(live > 0, 1), np.nan)
        out["on_time_rate"] = np.where(due_now > 0, out["closed_on_time"] / due_now.where(due_now > 0, 1), np.nan)
    return out
