"""Comparing what people write in headers and titles: folding, units in parentheses, years."""

from __future__ import annotations

import re
import unicodedata

PAREN_RE = re.compile(r"^(.*?)\(([^()]*)\)$")
UNIT_NOTE_RE = re.compile(r"单位[:]?(.+)$")
YEAR_HEADER_RE = re.compile(r"^(\d{4})(?:\.0+)?(?:年度|年)?$")
YEAR_IN_TEXT_RE = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")


def fold(text) -> str:
    """NFKC, trimmed, internal whitespace removed, lower case: for comparing headers/names."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def squeeze(text) -> str:
    """NFKC with every whitespace removed, case kept (full-width parentheses become ASCII)."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def split_unit(header) -> tuple[str, str | None]:
    """``地区生产总值(亿元)`` → (``地区生产总值``, ``亿元``); full-width parentheses too."""
    text = squeeze(header)
    m = PAREN_RE.match(text)
    if m and m.group(1):
        return m.group(1), m.group(2)
    return text, None


def header_year(header) -> int | None:
    """The year a column header stands for (``2019``, ``2019年``, ``２０１９``), or None."""
    m = YEAR_HEADER_RE.match(fold(header))
    return int(m.group(1)) if m else None
