"""Finding a table's header among the first rows, and what each header names.

A yearbook sheet starts with titles ("表1-2 各市地区生产总值", "单位：亿元"), then a header
of one to three rows: merged cells above the years ("地区生产总值(亿元)" over 2019…2021),
"地区" spanning two rows. The header's bottom row names the columns; an upper cell that
spans several columns is a title, one over a single column qualifies it
("常住人口" over "(万人)" → "常住人口(万人)").
"""

from __future__ import annotations

from dataclasses import dataclass

from deltawatch.observations.units import UnitError, parse_unit

from .text import fold, split_unit

TOP_ROWS = 30          # rows examined to find titles and the header
MAX_HEADER_ROWS = 3


@dataclass
class Header:
    start: int                 # grid index of the first header row
    end: int                   # grid index of the last header row
    names: list[str]           # one header per column
    titles: list[str]          # title rows, spanning upper header cells, notes


def find_header(top: list[list[str]], width: int) -> Header | None:
    """The header in ``top`` (the grid's first rows, as text), or None when all are blank."""
    top = [[str(c).strip() for c in r] + [""] * (width - len(r)) for r in top]
    start, titles = _header_start(top)
    if start is None:
        return None
    used = max((j + 1 for r in top for j in range(width) if r[j]), default=1)
    end = _header_end(top, start, used)
    block = top[start:end + 1]
    names = _bottom_names(block, width)
    for upper in block[:-1]:
        _merge_upper_row(upper, names, titles, width)
    return Header(start, end, names, titles)


def _header_start(top: list[list[str]]) -> tuple[int | None, list[str]]:
    """Index of the header's first row, and the title texts above it."""
    titles: list[str] = []
    for i, row in enumerate(top):
        filled = [c for c in row if c]
        if not filled:
            continue
        if len(set(filled)) == 1:
            titles.append(filled[0])     # one text, maybe merged across: a title
            continue
        if _is_title_above(row, filled, top[i + 1] if i + 1 < len(top) else None):
            titles.extend(filled)        # e.g. "表1-2 …, 单位：亿元" above the real header
            continue
        return i, titles
    return None, titles


def _is_title_above(row, filled, nxt) -> bool:
    """A sparse row followed by a row more than twice as full, with another first cell."""
    return nxt is not None and bool(nxt[0]) and nxt[0] != row[0] \
        and 2 * len(filled) < sum(1 for c in nxt if c)


def _incomplete(block, used: int) -> bool:
    """Blank or repeated cells across the value columns: merged cells above a header."""
    bottom = [next((r[j] for r in reversed(block) if r[j]), "") for j in range(used)]
    rest = bottom[1:]
    return any(not c for c in rest) or len(set(rest)) < len(rest)


def _header_end(top, start: int, used: int) -> int:
    """Index of the header's last row: rows are added while the header above is incomplete
    and the next row continues it (same or blank first cell, something in the others)."""
    end = start
    while end + 1 < len(top) and end - start + 1 < MAX_HEADER_ROWS:
        nxt = top[end + 1]
        if not _incomplete(top[start:end + 1], used):
            break
        if nxt[0] and nxt[0] != top[start][0]:
            break
        if not any(nxt[1:]):
            break
        end += 1
    return end


def _bottom_names(block, width: int) -> list[str]:
    """Per column, the lowest non-blank header cell."""
    names = []
    for j in range(width):
        name = next((block[k][j] for k in range(len(block) - 1, -1, -1) if block[k][j]), "")
        names.append(name)
    return names


def _merge_upper_row(upper: list[str], names: list[str], titles: list[str], width: int) -> None:
    """Fold an upper header row into ``names`` (qualifiers) and ``titles`` (spanning cells)."""
    filled = list(upper)
    for j in range(2, width):       # Excel's CSV export leaves the cells of a merge blank
        if not filled[j] and filled[j - 1]:
            filled[j] = filled[j - 1]
    for j in range(1, width):
        v = filled[j]
        if not v or v == names[j]:
            continue
        spanning = (j - 1 >= 1 and filled[j - 1] == v) or (j + 1 < width and filled[j + 1] == v)
        if spanning:
            if v not in titles:
                titles.append(v)
        elif upper[j]:
            names[j] = _qualified(v, names[j])


def _qualified(upper: str, lower: str) -> str:
    """``常住人口`` over ``(万人)`` → ``常住人口(万人)``; over anything else → both, spaced."""
    inner = split_unit(lower)[1] if lower.startswith(("(", "（")) else lower
    try:
        parse_unit(inner)
        return f"{upper}({inner})"
    except UnitError:
        return f"{upper} {lower}".strip()


# ---------------------------------------------------------------------------
# long-layout header roles

ROLE_SYNONYMS = {
    "region": ("region", "region_code", "regioncode", "region_name", "地区", "区域", "城市",
               "地区代码", "区划代码", "代码", "地区名称", "行政区划代码"),
    "indicator": ("indicator", "indicator_code", "indicatorcode", "指标", "指标代码", "指标名称"),
    "year": ("year", "年份", "年度", "年"),
    "value": ("value", "数值", "值", "数据"),
    "unit": ("unit", "单位", "计量单位"),
    "source": ("source", "来源", "数据来源"),
    "qualifier": ("qualifier", "flag", "数值性质", "数据标注", "标注"),
    "note": ("note", "notes", "备注", "说明", "注释"),
}
_ROLE_LOOKUP = {fold(s): role for role, syns in ROLE_SYNONYMS.items() for s in syns}


def roles(names: list[str]) -> tuple[dict[str, int], dict[str, str | None]]:
    """Column index per role (first header naming it), and a unit written in a role's
    header ("数值(亿元)")."""
    found: dict[str, int] = {}
    units: dict[str, str | None] = {}
    for j, name in enumerate(names):
        base, unit = split_unit(name)
        exact = _ROLE_LOOKUP.get(fold(name))
        role = exact or _ROLE_LOOKUP.get(fold(base))
        if role and role not in found:
            found[role] = j
            units[role] = unit if exact is None else None
    return found, units
