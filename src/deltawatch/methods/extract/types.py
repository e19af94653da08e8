"""What document intake reads and drafts (issue 17): plain dataclasses shared by the reader,
the target and task extractors, the intake app and the CLI. Pure Python, no Django.

Offsets: ``Document.text`` is the cleaned text the extractors read (simplified characters,
artefacts removed); ``Document.offsets[i]`` is the position in ``Document.original`` (the text
as read, for display) of ``text[i]``; ``Document.offsets[len(text)]`` is ``len(original)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A numbered part of the document: 一、 (level 1), (三) (level 2), 3. (level 3) …"""

    number: str        # as written, normalised: "一", "(三)", "3."
    title: str
    start: int         # offsets into Document.text
    end: int
    level: int
    path: str          # where it is, from the top: "一(三)" or "一(三)3."


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    location: str      # the path of the innermost section holding it ("" before the first)


@dataclass(frozen=True)
class Table:
    """A table of a .docx (or a text table), its rows of cell texts, where it stands."""

    rows: list[list[str]]
    start: int
    end: int
    location: str


@dataclass
class Document:
    text: str
    original: str
    offsets: list[int]
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    name: str = ""
    source_format: str = "text"      # text | docx | pdf
    converted: bool = False          # traditional characters were converted to simplified
    notes: list[str] = field(default_factory=list)  # what the reader removed or could not do
    sentences: list[Sentence] = field(default_factory=list)  # filled by reading.read (added for issue 17)

    def location(self, position: int) -> str:
        inner = [s for s in self.sections if s.start <= position < s.end]
        return max(inner, key=lambda s: s.level).path if inner else ""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end] if end < len(self.offsets) else len(self.original)


@dataclass
class Candidate:
    code: str
    name: str
    score: float       # 0–1


@dataclass
class DraftTarget:
    indicator_text: str
    sentence: str
    location: str
    start: int                       # of the target's own words in Document.text
    end: int
    numeric: bool = True
    target_year: int | None = None
    comparator: str = "="            # = ≈ ≥ ≤ > < range
    value: float | None = None
    value_high: float | None = None  # the upper end of a range
    value_text: str = ""             # as written: "2:1", "3%", "翻一番"
    unit: str = ""
    change_type: str = "level"       # level | increase | decrease | cumulative
    baseline_year: int | None = None
    indicator: str | None = None     # the catalogue's code when matched
    place: str = ""                  # the place a per-place row is for, as written (鹿城)
    region: str | None = None        # its region code, when the regions given resolve it
    candidates: list[Candidate] = field(default_factory=list)
    confidence: float = 0.0
    possible: bool = False           # below the ranker's cut, shown apart for review (ranker.rank)


@dataclass
class DraftTask:
    title: str                       # the action, e.g. 建设长三角国家技术创新中心
    sentence: str
    location: str
    start: int
    end: int
    verb: str = ""                   # 推进 / 建设 / 实施 / 完善 …
    lead_units: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)     # region codes
    projects: list[str] = field(default_factory=list)    # named projects and platforms
    deadline: dt.date | None = None
    deadline_text: str = ""          # as written: 2025年底前, 十四五期间
    confidence: float = 0.0
