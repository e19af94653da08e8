"""Find a region from what people write in a statistics table.

Yearbooks and reports name a region by its 6-digit code (310000), a 4-digit prefecture
code (3205), its full name (苏州市) or its name without the suffix (苏州), sometimes
qualified by its city (南京市鼓楼区). A name can be ambiguous (鼓楼区 is in Nanjing and in
Xuzhou; 巢湖市 was a prefecture until 2011 and is now a county-level city): the year of
the value decides between regions that did not exist at the same time, and the higher
level wins over a county-level namesake; what is still ambiguous is refused with the
candidates named.

Pure Python: the caller passes plain records, so the importer can resolve a million
rows by resolving their few distinct (text, year) pairs.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["RegionRecord", "RegionResolver", "RegionNotFound", "short_name", "with_successors"]

_LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
# Longest first, so that 自治县 is stripped before 县.
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "特别行政区",
             "新区", "地区", "林区", "省", "市", "区", "县", "旗", "盟")


@dataclass(frozen=True)
class RegionRecord:
    code: str
    level: str
    name_zh: str
    parent_code: str | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    # Codes of the regions that took an ended region's territory (see ``with_successors``).
    successors: tuple[str, ...] = ()

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return True
        if self.valid_from and self.valid_from > datetime.date(year, 12, 31):
            return False
        return not (self.valid_to and self.valid_to < datetime.date(year, 1, 1))

    def valid_on(self, day: datetime.date) -> bool:
        return not (self.valid_from and self.valid_from > day) and not (self.valid_to and self.valid_to < day)


def with_successors(records, notes: dict[str, str]) -> list[RegionRecord]:
    """``records`` with the successors of every ended region named in its note.

    The regions data record a dissolution in the region's note, in words: 巢湖市 341400's
    note says its districts went to 合肥, 芜湖 and 马鞍山 (State Council 国函〔2011〕84号;
    event PL-2011-001 of the prefecture crosswalk, whose successor column is blank for this
    split). A successor is a region of the same level, existing the day after the ended one,
    whose full or short name (合肥市 or 合肥) the note contains.
    """
    records = list(records)
    out = []
    for record in records:
        note = notes.get(record.code) or ""
        if record.valid_to and note:
            record = dataclasses.replace(record, successors=_named_successors(record, records, fold(note)))
        out.append(record)
    return out


def _named_successors(ended: RegionRecord, records, note: str) -> tuple[str, ...]:
    day_after = ended.valid_to + datetime.timedelta(days=1)
    return tuple(sorted(
        r.code for r in records
        if r.code != ended.code and r.level == ended.level and r.valid_on(day_after)
        and (fold(r.name_zh) in note or fold(short_name(r.name_zh)) in note)
    ))


class RegionNotFound(LookupError):
    """``code`` is ``unknown_region``, ``ambiguous_region`` or ``region_not_valid``."""

    def __init__(self, code: str, text: str, candidates: tuple[str, ...] = ()):
        self.code, self.text, self.candidates = code, text, candidates
        super().__init__(f"{code}: {text!r} {', '.join(candidates)}")


def fold(text) -> str:
    """NFKC (full-width digits → ASCII), no spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def short_name(name_zh: str) -> str:
    """苏州市 → 苏州, 江苏省 → 江苏, 嘉善县 → 嘉善; a name that would become one character stays."""
    for suffix in _SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) - len(suffix) >= 2:
            return name_zh[: -len(suffix)]
    return name_zh


class RegionResolver:
    """Resolve region texts against a fixed list of regions.

    Parameters
    ----------
    records : iterable of RegionRecord
        Every region that may be named, including ended ones.
    """

    def __init__(self, records):
        self.records = {r.code: r for r in records}
        self._by_name: dict[str, list[RegionRecord]] = {}
        for record in self.records.values():
            for key in self._name_keys(record):
                self._by_name.setdefault(key, []).append(record)
        self._cache: dict[tuple[str, int | None], str] = {}

    def _name_keys(self, record: RegionRecord) -> set[str]:
        names = {record.name_zh, short_name(record.name_zh)}
        parent = self.records.get(record.parent_code or "")
        if parent is not None and record.level == "county":
            for parent_name in (parent.name_zh, short_name(parent.name_zh)):
                names |= {parent_name + n for n in (record.name_zh, short_name(record.name_zh))}
        return {fold(n) for n in names}

    def resolve(self, text, year: int | None = None) -> str:
        """The 6-digit code of the region written ``text``, valid in ``year``; or RegionNotFound."""
        key = (str(text), year)
        if key not in self._cache:
            self._cache[key] = self._resolve(fold(text), year)
        return self._cache[key]

    def _resolve(self, text: str, year: int | None) -> str:
        if re.fullmatch(r"\d+(\.0+)?", text):
            return self._resolve_code(text.split(".")[0], year)
        candidates = self._by_name.get(text, [])
        if not candidates:
            raise RegionNotFound("unknown_region", text)
        current = [r for r in candidates if r.valid_in(year)]
        if not current:
            raise RegionNotFound("region_not_valid", text, tuple(r.code for r in candidates))
        top = min(_LEVEL_RANK[r.level] for r in current)
        best = [r for r in current if _LEVEL_RANK[r.level] == top]
        if len(best) > 1:
            raise RegionNotFound("ambiguous_region", text, tuple(sorted(r.code for r in best)))
        return best[0].code

    def _resolve_code(self, digits: str, year: int | None) -> str:
        if len(digits) == 2:
            digits += "0000"
        elif len(digits) == 4:
            digits += "00"
        record = self.records.get(digits)
        if record is None and digits.endswith("0100"):
            # Municipalities: 3101 (上海市市辖区) and 310100 stand for 310000 in many files.
            record = self.records.get(digits[:2] + "0000")
        if record is None:
            raise RegionNotFound("unknown_region", digits)
        if not record.valid_in(year):
            raise RegionNotFound("region_not_valid", digits, (record.code,))
        return record.code
