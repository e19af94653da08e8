"""The three table layouts: which one a header shows, and its cells as one row per value.

Each layout turns the data rows into a *cells* frame — one row per value, with the texts of
its region, indicator, year, unit, source, qualifier and note — that :mod:`.validate`
checks the same way whatever the layout.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from deltawatch.observations.units import UnitError, conversion_factor, parse_unit

from .header import ROLE_SYNONYMS, Header
from .numbers import BLANK, parse_values
from .results import Collector, IndicatorInfo
from .text import UNIT_NOTE_RE, YEAR_IN_TEXT_RE, fold, header_year, split_unit


@dataclass
class Ctx:
    out: Collector
    resolver: object
    indicators: dict
    lookup: dict
    year_range: tuple
    header: Header
    data: pd.DataFrame
    unit: str | None
    source: str | None
    default_source: str
    skipped: int = 0
    # column header per role, or None where the value's own column is meant
    colnames: dict = field(default_factory=dict)

    @property
    def rows(self) -> np.ndarray:
        return (self.data.index.to_numpy() + 1).astype("int64")


def indicator_lookup(indicators: dict[str, IndicatorInfo]) -> dict[str, str]:
    """Folded names and codes → indicator code."""
    lookup: dict[str, str] = {}
    for code, info in indicators.items():
        for text in (info.name_en, info.name_zh, code, info.code):
            if text:
                lookup[fold(text)] = code
    return lookup


def detect_layout(names: list[str], roles: dict, lookup: dict, indicator_arg, year_arg) -> str | None:
    """``long`` when the roles are there, ``wide_years`` when most other headers are years,
    ``wide_indicators`` when most are indicators; None otherwise."""
    others = [n for n in names[1:] if n]
    if {"region", "value"} <= roles.keys() and ("indicator" in roles or indicator_arg) \
            and ("year" in roles or year_arg is not None):
        return "long"
    if others and sum(header_year(n) is not None for n in others) * 2 > len(others):
        return "wide_years"
    if others and sum(split_unit(n)[0].lower() in lookup or fold(n) in lookup for n in others) * 2 > len(others):
        return "wide_indicators"
    return None


def resolve_indicator(ctx: Ctx, text) -> str | None:
    if text is None:
        return None
    folded = fold(text)
    if folded in ctx.lookup:
        return ctx.lookup[folded]
    base, _ = split_unit(text)
    return ctx.lookup.get(fold(base))


def _title_candidates(ctx: Ctx) -> list[str]:
    first = ctx.header.names[0] if ctx.header.names else ""
    return [t for t in [*ctx.header.titles, first] if t]


def _title_unit(candidates: list[str]) -> str | None:
    for text in candidates:
        folded = "".join(unicodedata.normalize("NFKC", text).split())
        m = UNIT_NOTE_RE.search(folded)
        unit = m.group(1) if m else split_unit(text)[1]
        if unit:
            try:
                parse_unit(unit)
                return unit
            except UnitError:
                continue
    return None


def is_blank(values) -> np.ndarray:
    """Blank or whitespace-only cells, tested once per distinct text."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    blank = np.array([u is None or not str(u).strip() for u in uniques], dtype=bool)
    return blank[codes] if len(codes) else np.zeros(0, dtype=bool)


def _cells_frame(rows, value_col, region, ind, year, value, unit, unit_from_cell, source,
                 col_pos, qualifier="", note="") -> pd.DataFrame:
    return pd.DataFrame({
        "row": rows, "value_col": value_col, "region": region, "ind": ind, "year": year,
        "value": value, "unit": unit, "unit_from_cell": unit_from_cell, "source": source,
        "col_pos": col_pos, "qualifier": qualifier, "note": note,
    })


# ---------------------------------------------------------------------------
# long

def long_cells(ctx: Ctx, roles, role_units, indicator_arg, year_arg):
    """One row per data row; arguments fill what the file has no column (or a blank) for."""
    if not _has_required_columns(ctx, roles, indicator_arg, year_arg):
        return None
    names = ctx.header.names
    _drop_blank_rows(ctx, [roles[r] for r in roles])
    data, n = ctx.data, len(ctx.data)

    def column(role, default):
        """The role's column, blanks filled with ``default``; or ``default`` everywhere."""
        if role in roles:
            s = data[roles[role]].reset_index(drop=True)
            if default is not None and default != "":
                s = s.where(~is_blank(s), str(default))
            return s
        return pd.Series(np.full(n, "" if default is None else str(default), dtype=object))

    ctx.colnames = {r: (names[roles[r]] if r in roles else None)
                    for r in ("region", "indicator", "year", "unit", "qualifier", "source", "note")}
    unit_s, from_cell = _long_units(ctx, roles, role_units, n)
    src_default = ctx.source if ctx.source is not None else ctx.default_source
    src = column("source", src_default) if "source" in roles else src_default
    return _cells_frame(ctx.rows, names[roles["value"]], column("region", None),
                        column("indicator", indicator_arg), column("year", year_arg),
                        data[roles["value"]].reset_index(drop=True), unit_s, from_cell, src,
                        roles["value"], column("qualifier", ""), column("note", ""))


def _has_required_columns(ctx: Ctx, roles, indicator_arg, year_arg) -> bool:
    required = ["region", "value"] + (["indicator"] if indicator_arg is None else []) + \
        (["year"] if year_arg is None else [])
    missing = [r for r in required if r not in roles]
    for role in missing:  # the message names the column in the reader's language
        ctx.out.add(ctx.header.start + 1, None, None, "missing_column", required=role,
                    accepted=" / ".join(ROLE_SYNONYMS[role]))
    return not missing


def _drop_blank_rows(ctx: Ctx, used: list[int]) -> None:
    """Rows blank in every column the layout reads are not data rows."""
    blank_row = np.ones(len(ctx.data), dtype=bool)
    for j in used:
        blank_row &= (ctx.data[j] == "").to_numpy(dtype=bool)
    if blank_row.any():
        ctx.data = ctx.data[~blank_row]


def _long_units(ctx: Ctx, roles, role_units, n: int):
    """Unit text per row (its cell, else the argument or the value header's), and whether it
    came from the cell."""
    if "unit" in roles:
        unit_s = ctx.data[roles["unit"]].reset_index(drop=True)
        from_cell = ~is_blank(unit_s)
    else:
        unit_s = pd.Series(np.full(n, "", dtype=object))
        from_cell = np.zeros(n, dtype=bool)
    default_unit = ctx.unit or role_units.get("value") or ""
    if default_unit:
        unit_s = unit_s.where(from_cell, default_unit)
    return unit_s, from_cell


# ---------------------------------------------------------------------------
# wide

def _wide_melt(ctx: Ctx, specs) -> pd.DataFrame | None:
    """``specs``: list of (column index, indicator code, year, unit text) per value column.

    Blank cells ("", "-", "—", "…") are skipped and counted; rows without any value (notes,
    headings, regions left empty) are not data rows.
    """
    data, names = ctx.data, ctx.header.names
    cols = [s[0] for s in specs]
    blank_vals = data[cols].astype(str).apply(lambda s: s.str.strip()) == "" if cols else None
    keep_rows = ~blank_vals.to_numpy(dtype=bool).all(axis=1) if cols else np.zeros(len(data), dtype=bool)
    region = data[0].reset_index(drop=True)
    source = ctx.source if ctx.source is not None else ctx.default_source
    frames = []
    for (j, ind, yr, unit_text) in specs:
        s = data[j].reset_index(drop=True)
        take = keep_rows & ~_blank_cells(ctx, s, blank_vals[j].to_numpy(dtype=bool), keep_rows)
        if not take.any():
            continue
        m = int(take.sum())
        frames.append(_cells_frame(
            ctx.rows[take], names[j], region[take].to_numpy(dtype=object),
            np.full(m, ind, dtype=object), np.full(m, str(yr), dtype=object),
            s[take].to_numpy(dtype=object), np.full(m, unit_text or "", dtype=object),
            np.zeros(m, dtype=bool), source, j))
    if not frames:
        if not ctx.out.count:
            ctx.out.add(ctx.header.start + 1, None, None, "empty_file")
        return None
    return pd.concat(frames, ignore_index=True)


def _blank_cells(ctx: Ctx, s: pd.Series, empty: np.ndarray, keep_rows: np.ndarray) -> np.ndarray:
    """Empty cells and blank marks ("-", "—", "…") of one value column; those in data rows
    are counted as skipped. "NaN" is not a blank here: the validation refuses it by name."""
    _, status = parse_values(s[~empty & keep_rows], percent_ok=True, nan_is_blank=False)
    blank = empty.copy()
    blank[np.flatnonzero(~empty & keep_rows)[status == BLANK]] = True
    ctx.skipped += int((blank & keep_rows).sum())
    return blank


def _unit_ok(ctx: Ctx, row, column, unit_text: str, info: IndicatorInfo) -> bool:
    """A unit given once for a whole column or table is checked once, not per cell."""
    try:
        conversion_factor(unit_text, info.unit)
        return True
    except UnitError as exc:
        ctx.out.add(row, column, unit_text, exc.code, unit=unit_text, expected=info.unit)
        return False


def wide_years_cells(ctx: Ctx, indicator_arg):
    """Regions down, years across, one indicator (argument or title)."""
    names = ctx.header.names
    ctx.colnames = {"region": names[0], "indicator": None, "year": None, "unit": None}
    found = _wide_years_indicator(ctx, indicator_arg)
    if found is None:
        return None
    code, unit_from_title = found
    info = ctx.indicators[code]
    if info.derived:
        ctx.out.add(ctx.header.start + 1, None, indicator_arg or info.name_zh, "derived_indicator")
        return None
    unit_text = ctx.unit or unit_from_title or _title_unit(_title_candidates(ctx)) or info.unit
    if not _unit_ok(ctx, ctx.header.start + 1, None, unit_text, info):
        return None
    return _wide_melt(ctx, _year_columns(ctx, code, unit_text))


def _wide_years_indicator(ctx: Ctx, indicator_arg) -> tuple[str, str | None] | None:
    """The table's indicator and the unit its title gives: from the argument, a title that is
    an indicator's name, or the longest indicator name inside a title."""
    if indicator_arg is not None:
        code = resolve_indicator(ctx, indicator_arg)
        if code is None:
            ctx.out.add(None, None, str(indicator_arg), "unknown_indicator")
            return None
        return code, None
    candidates = _title_candidates(ctx)
    for text in candidates:
        code = resolve_indicator(ctx, text)
        if code is not None:
            return code, split_unit(text)[1]
    best = None                 # a longer title: "2015—2020年各市地区生产总值（亿元）"
    for text in candidates:
        folded = fold(text)
        for key, code in ctx.lookup.items():
            if len(key) >= 2 and key in folded and (best is None or len(key) > len(best[0])):
                best = (key, code, text)
    if best is not None:
        return best[1], split_unit(best[2])[1]
    ctx.out.add(ctx.header.start + 1, ctx.header.names[0] or None, None, "missing_indicator",
                titles=candidates)
    return None


def _year_columns(ctx: Ctx, code: str, unit_text: str) -> list[tuple]:
    """Specs of the year columns; a header that is not a year (or out of range) over data is
    a problem."""
    names, hrow = ctx.header.names, ctx.header.end + 1
    lo, hi = ctx.year_range
    specs = []
    for j in range(1, len(names)):
        name = names[j]
        yr = header_year(name) if name else None
        if yr is None:
            if _has_data(ctx, j):
                ctx.out.add(hrow, name or None, name, "bad_year")
        elif not lo <= yr <= hi:
            ctx.out.add(hrow, name, name, "year_out_of_range", min=lo, max=hi)
        else:
            specs.append((j, code, yr, unit_text))
    return specs


def _has_data(ctx: Ctx, j: int) -> bool:
    return bool((ctx.data[j].astype(str).str.strip() != "").any())


def wide_indicators_cells(ctx: Ctx, year_arg):
    """Regions down, indicators across, one year (argument or title)."""
    names, hrow = ctx.header.names, ctx.header.end + 1
    ctx.colnames = {"region": names[0], "indicator": None, "year": None, "unit": None}
    yr_text = str(year_arg) if year_arg is not None else _title_year(ctx)
    if yr_text is None:
        ctx.out.add(ctx.header.start + 1, names[0] or None, None, "missing_year")
        return None
    specs = []
    for j in range(1, len(names)):
        spec = _indicator_column(ctx, j, hrow)
        if spec is not None:
            code, unit_text = spec
            specs.append((j, code, yr_text, unit_text))
    return _wide_melt(ctx, specs)


def _title_year(ctx: Ctx) -> str | None:
    for text in _title_candidates(ctx):
        m = YEAR_IN_TEXT_RE.search(unicodedata.normalize("NFKC", text))
        if m:
            return m.group(1)
    return None


def _indicator_column(ctx: Ctx, j: int, hrow: int) -> tuple[str, str] | None:
    """(indicator code, unit text) of column ``j``, or None (reported if it has data)."""
    name = ctx.header.names[j]
    if not name:
        if _has_data(ctx, j):
            ctx.out.add(hrow, None, None, "missing_indicator")
        return None
    code = resolve_indicator(ctx, name)
    if code is None:
        ctx.out.add(hrow, name, name, "unknown_indicator")
        return None
    info = ctx.indicators[code]
    if info.derived:
        ctx.out.add(hrow, name, name, "derived_indicator")
        return None
    unit_text = split_unit(name)[1] or ctx.unit or info.unit
    if not _unit_ok(ctx, hrow, name, unit_text, info):
        return None
    return code, unit_text
