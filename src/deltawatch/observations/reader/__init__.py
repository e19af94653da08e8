"""Read and validate a statistics file (CSV/TSV/TXT or XLSX) into observations.

Three table layouts are understood:

``long``
    one observation per row, columns region / indicator / year / value, optionally
    unit and source (English or Chinese headers: 地区, 指标, 年份, 数值, 单位, 来源 …);
``wide_years``
    a yearbook table of one indicator: regions down the first column, years across
    (``2019``, ``2019年``, ``２０１９``); the indicator and unit come from the arguments or
    from a title such as ``地区生产总值(亿元)``;
``wide_indicators``
    one year: regions down the first column, indicators across (``地区生产总值(亿元)``);
    the year comes from the argument or from a title such as ``2019年``.

Every problem is kept (up to :data:`MAX_PROBLEMS`, with the total in
``ReadResult.problem_count``), each naming the file, the row as the user sees it, the
column header and the cell value; :mod:`..messages` words them in Chinese or English.

A file is refused, with what was expected and what was found, when it is not what its name
says (:mod:`.sniff`), cannot be decoded, or would take more than the bounds of
:mod:`.limits` to read (a ZIP bomb, a million columns); an XLSX formula saved without its
computed value is named as such.

The modules, by concern: :mod:`.grid` and :mod:`.xlsx` (a file → a grid of strings),
:mod:`.header` (titles, header rows, column roles), :mod:`.layouts` (a grid → one row per
value), :mod:`.numbers` (cells → floats), :mod:`.validate` (resolution and checks),
:mod:`.results` (what is returned).

Region, indicator, year and unit are resolved once per distinct text and mapped back,
and numbers are parsed with vectorised pandas operations, so that a file of a million
rows is read in a few seconds.

Pure pandas: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .grid import Grid, Unreadable, decode_text, load_grid
from .header import TOP_ROWS, Header, find_header, roles as header_roles
from .layouts import (
    Ctx, detect_layout, indicator_lookup, long_cells, wide_indicators_cells, wide_years_cells,
)
from .limits import MAX_CELL_CHARS
from .numbers import BLANK, NOT_A_NUMBER, NOT_FINITE, OK, PERCENT_NOT_ALLOWED, TOO_LARGE, parse_values
from .results import (
    FRAME_COLUMNS, LAYOUTS, MAX_PROBLEMS, Collector, IndicatorInfo, Problem, ReadResult, empty_frame,
)
from .validate import QUALIFIER_WORDS, validate

__all__ = [
    "IndicatorInfo", "Problem", "ReadResult", "read_observations", "parse_values", "decode_text",
    "MAX_PROBLEMS", "LAYOUTS", "FRAME_COLUMNS", "QUALIFIER_WORDS", "NOT_A_NUMBER", "Unreadable",
    "OK", "BLANK", "PERCENT_NOT_ALLOWED", "NOT_FINITE", "TOO_LARGE",
]


def read_observations(path, *, resolver, indicators: dict[str, IndicatorInfo], layout=None,
                      indicator=None, year=None, unit=None, source=None, sheet=None,
                      year_range=(1949, 2100), default_source="") -> ReadResult:
    """Read ``path`` (CSV/TSV/TXT or XLSX) and validate every observation in it.

    ``frame`` holds the observations without problems, values converted into their
    indicator's unit; ``problems`` lists what is wrong (the import must be refused
    unless ``ok``). Arguments ``indicator``, ``year``, ``unit`` and ``source`` supply
    what the file does not say (a cell in the file wins over them); ``layout`` forces a
    layout instead of detecting it.
    """
    path = Path(path)
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    reading = _Reading(Collector(path.name), layout or "")
    if not _arguments_fit(reading.out, source, default_source):
        return reading.result()
    table = _table(path, sheet, reading)
    if table is None:
        return reading.result()
    header, data = table
    lookup = indicator_lookup(indicators)
    roles, role_units = header_roles(header.names)
    reading.layout = layout or detect_layout(header.names, roles, lookup, indicator, year) or ""
    if not reading.layout:
        reading.out.add(header.start + 1, None, None, "unknown_layout", headers=[n for n in header.names if n])
        return reading.result()
    ctx = Ctx(reading.out, resolver, indicators, lookup, year_range, header, data, unit, source, default_source)
    rows = _layout_cells(ctx, reading.layout, roles, role_units, indicator, year)
    reading.skipped = ctx.skipped
    if rows is None:
        return reading.result()
    metadata = frozenset(roles.keys() & {"qualifier", "note"}) if reading.layout == "long" else frozenset()
    return reading.result(validate(ctx, rows), metadata)


@dataclass
class _Reading:
    """What is learnt along the way, for the result whenever the reading stops."""

    out: Collector
    layout: str
    encoding: str | None = None
    skipped: int = 0

    def result(self, frame=None, metadata=frozenset()) -> ReadResult:
        return ReadResult(frame if frame is not None else empty_frame(), self.out.problems(), self.layout,
                          self.encoding, self.skipped, self.out.count, metadata)


def _arguments_fit(out: Collector, source, default_source) -> bool:
    """A source given as an argument is bound like a source cell."""
    for text in (source, default_source):
        if text is not None and len(str(text)) > MAX_CELL_CHARS:
            out.add(None, "source", str(text), "cell_too_long", length=len(str(text)), limit=MAX_CELL_CHARS)
            return False
    return True


def _table(path: Path, sheet, reading: _Reading) -> tuple[Header, pd.DataFrame] | None:
    """The header and the data rows below it; None (with the problem) when there are none,
    or when formulas without values leave the values unknown."""
    grid = _load(path, sheet, reading.out)
    if grid is None:
        return None
    reading.encoding, cells = grid.encoding, grid.cells
    header = find_header(cells.iloc[:TOP_ROWS].astype(object).values.tolist(), cells.shape[1]) if len(cells) else None
    if grid.formulas:
        _report_formulas(reading.out, grid.formulas, header)
        return None
    if header is None:
        reading.out.add(None, None, None, "empty_file")
        return None
    data = cells.iloc[header.end + 1:]
    if not len(data) or not (data.astype(object) != "").to_numpy().any():
        reading.out.add(header.start + 1, None, None, "empty_file")
        return None
    return header, data


def _layout_cells(ctx: Ctx, layout: str, roles, role_units, indicator, year):
    if layout == "long":
        return long_cells(ctx, roles, role_units, indicator, year)
    if layout == "wide_years":
        return wide_years_cells(ctx, indicator)
    return wide_indicators_cells(ctx, year)


def _load(path: Path, sheet, out: Collector) -> Grid | None:
    """The file's grid, or None with the reason it cannot be read added to ``out``."""
    try:
        return load_grid(path, sheet)
    except Unreadable as exc:
        out.add(None, None, None, "unreadable_file", reason=exc.code, **exc.params)
    except OSError as exc:
        out.add(None, None, None, "unreadable_file", reason="cannot_open", detail=exc.strerror or type(exc).__name__)
    return None


def _report_formulas(out: Collector, formulas: dict, header: Header | None) -> None:
    """Every formula saved without a computed value, by row and column: its value is
    unknown, so nothing else in the sheet can be checked against it."""
    from openpyxl.utils import get_column_letter

    positions = sorted(formulas)
    rows = np.array([r + 1 for r, _ in positions], dtype="int64")
    columns = np.array([_column_name(header, r, c) or get_column_letter(c + 1) for r, c in positions],
                       dtype=object)
    texts = np.array([formulas[p] for p in positions], dtype=object)
    out.add_rows(np.ones(len(positions), dtype=bool), "formula_without_value", rows, columns, texts)


def _column_name(header: Header | None, row: int, column: int) -> str | None:
    if header is None or row <= header.end or column >= len(header.names):
        return None
    return header.names[column] or None
