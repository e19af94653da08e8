"""Reporting periods of bulletins: a month (2026-11), a quarter (2026Q3) or a year (2026).

A bulletin describes the state at the end of its period (``end``) and the changes since the
end of the previous one (``previous().end``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

KINDS = ("month", "quarter", "year")
_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})$"), "year"),
)


class PeriodError(ValueError):
    """A period the user typed that is not one, worded for the user."""


@dataclass(frozen=True, order=True)
class Period:
    kind: str
    year: int
    number: int = 1  # the month or the quarter; 1 for a year

    @classmethod
    def parse(cls, text: str) -> Period:
        text = (text or "").strip()
        for pattern, kind in _PATTERNS:
            match = pattern.match(text)
            if match:
                year = int(match.group(1))
                number = int(match.group(2)) if kind != "year" else 1
                if kind == "month" and not 1 <= number <= 12:
                    break
                return cls(kind, year, number)
        raise PeriodError(_("无法识别的期间“%(text)s”：应为年份（2026）、季度（2026Q3）或月份（2026-11）。")
                          % {"text": text})

    @classmethod
    def containing(cls, day: dt.date, kind: str) -> Period:
        if kind == "month":
            return cls("month", day.year, day.month)
        if kind == "quarter":
            return cls("quarter", day.year, (day.month - 1) // 3 + 1)
        return cls("year", day.year)

    @property
    def first_month(self) -> int:
        return {"month": self.number, "quarter": 3 * self.number - 2, "year": 1}[self.kind]

    @property
    def last_month(self) -> int:
        return {"month": self.number, "quarter": 3 * self.number, "year": 12}[self.kind]

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    def previous(self) -> Period:
        if self.kind == "year":
            return Period("year", self.year - 1)
        last = {"month": 12, "quarter": 4}[self.kind]
        return Period(self.kind, self.year, self.number - 1) if self.number > 1 else Period(self.kind, self.year - 1, last)

    def next(self) -> Period:
        if self.kind == "year":
            return Period("year", self.year + 1)
        last = {"month": 12, "quarter": 4}[self.kind]
        return Period(self.kind, self.year, self.number + 1) if self.number < last else Period(self.kind, self.year + 1, 1)

    def code(self) -> str:
        """The form ``parse`` reads: 2026-11, 2026Q3, 2026."""
        return {"month": f"{self.year}-{self.number:02d}", "quarter": f"{self.year}Q{self.number}",
                "year": f"{self.year}"}[self.kind]

    def label(self) -> str:
        """2026年11月 / 2026年第三季度 / 2026年 (English: November 2026, 2026 Q3, 2026)."""
        if self.kind == "month":
            return _("%(year)s年%(month)s月") % {"year": self.year, "month": self.number}
        if self.kind == "quarter":
            # Chinese writes the quarter in words (第三季度), English in digits (2026 Q3)
            chinese = (get_language() or "zh").startswith("zh")
            quarter = "一二三四"[self.number - 1] if chinese else str(self.number)
            return _("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": quarter}
        return pgettext("period", "%(year)s年") % {"year": self.year}

    def __str__(self) -> str:
        return self.code()
