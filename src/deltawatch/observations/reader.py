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
column header and the cell value; :mod:`.messages` words them in Chinese or English.

Region, indicator, year and unit are resolved once per distinct text and mapped back,
and numbers are parsed with vectorised pandas operations, so that a file of a million
rows is read in a few seconds.

Pure pandas: no Django.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from deltawatch.observations.units import UnitError, conversion_factor, parse_unit
from deltawatch.regions.resolver import RegionNotFound

__all__ = [
    "IndicatorInfo", "Problem", "ReadResult", "read_observations", "parse_values", "decode_text",
    "MAX_PROBLEMS", "LAYOUTS",
]

LAYOUTS = ("long", "wide_years", "wide_indicators")
MAX_PROBLEMS = 1000
_TOP_ROWS = 30          # rows examined to find titles and the header
_MAX_HEADER_ROWS = 3


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name_zh: str
    name_en: str
    unit: str
    derived: bool = False
    lower_bound: float | None = None
    upper_bound: float | None = None


@dataclass
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        from deltawatch.observations.messages import format_problem

        return format_problem(self, lang)


FRAME_COLUMNS = {
    "region_code": "str", "indicator": "str", "year": "int64", "value": "float64",
    "value_supplied": "str", "unit_supplied": "str", "source": "str", "qualifier": "str",
    "note": "str", "row": "int64", "column": "str",
}


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in FRAME_COLUMNS.items()})


@dataclass
class ReadResult:
    frame: pd.DataFrame
    problems: list[Problem]
    layout: str
    encoding: str | None
    skipped_blank: int = 0
    problem_count: int = 0       # every problem found; ``problems`` holds the first MAX_PROBLEMS
    # "qualifier" and/or "note" when the file has those columns: only then do they replace
    # what the database holds (a file without a note column must not erase notes).
    metadata_columns: frozenset = frozenset()

    @property
    def ok(self) -> bool:
        return not self.problems and self.problem_count == 0


class _Unreadable(ValueError):
    pass


# ---------------------------------------------------------------------------
# text helpers

def _fold(text) -> str:
    """NFKC, trimmed, internal whitespace removed, lower case: for comparing headers/names."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


_PAREN_RE = re.compile(r"^(.*?)\(([^()]*)\)$")
_UNIT_NOTE_RE = re.compile(r"单位[:]?(.+)$")
_YEAR_HEADER_RE = re.compile(r"^(\d{4})(?:\.0+)?(?:年度|年)?$")
_YEAR_IN_TEXT_RE = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")


def _split_unit(header: str) -> tuple[str, str | None]:
    """``地区生产总值(亿元)`` → (``地区生产总值``, ``亿元``); full-width parentheses too."""
    text = "".join(unicodedata.normalize("NFKC", str(header)).split())
    m = _PAREN_RE.match(text)
    if m and m.group(1):
        return m.group(1), m.group(2)
    return text, None


def _header_year(header: str) -> int | None:
    m = _YEAR_HEADER_RE.match(_fold(header))
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------------------
# loading a file into a grid of strings

def decode_text(raw: bytes) -> tuple[str, str]:
    """The text of a statistics file and its encoding: BOM, UTF-8, then GBK/GB18030 (as Excel on
    Chinese Windows saves CSV), then charset-normalizer's guess."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(enc), enc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = None
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:1_000_000]).best()
        guess = best.encoding if best is not None else None
    except Exception:  # noqa: BLE001 - detection is a best effort, gb18030 is tried next
        guess = None
    chinese = {"gbk", "gb2312", "gb18030", "hz", "cp936", "euc_cn"}
    if guess and guess.lower().replace("-", "_") in chinese:
        try:
            return raw.decode("gb18030"), guess.lower()
        except UnicodeDecodeError:
            pass
    # Yearbook CSVs saved by Excel on Chinese Windows are GBK: try GB18030 (a superset)
    # before an unlikely single-byte guess.
    try:
        text = raw.decode("gb18030")
        if _looks_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    if guess:
        try:
            return raw.decode(guess), guess
        except (UnicodeDecodeError, LookupError):
            pass
    raise _Unreadable("encoding")


def _looks_chinese(text: str) -> bool:
    sample = [c for c in text[:20000] if ord(c) > 127]
    if not sample:
        return True
    cjk = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
              or "\uff00" <= c <= "\uffef" or c in "“”‘’…—·")
    return cjk >= 0.9 * len(sample)


def _sniff_delimiter(text: str, suffix: str) -> str:
    sample = text[:65536]
    if "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    if suffix == ".csv" and ("," in sample or not any(d in sample for d in "\t;|")):
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return "\t" if suffix in (".tsv", ".txt") and "\t" in sample else ","


def _read_text_grid(raw: bytes, suffix: str) -> tuple[pd.DataFrame, str]:
    text, encoding = decode_text(raw)
    sep = _sniff_delimiter(text, suffix)
    head = list(csv.reader(io.StringIO(text[:200_000]), delimiter=sep))[:200]
    width = max((len(r) for r in head), default=1) or 1
    try:
        grid = pd.read_csv(io.StringIO(text), sep=sep, header=None, names=range(width),
                           dtype=str, keep_default_na=False, na_filter=False,
                           skip_blank_lines=False, engine="c", quotechar='"')
    except (pd.errors.ParserError, ValueError):
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
        width = max((len(r) for r in rows), default=1) or 1
        rows = [r + [""] * (width - len(r)) for r in rows]
        grid = pd.DataFrame(rows, columns=range(width), dtype=str)
    grid = grid.fillna("")
    return grid.reset_index(drop=True), encoding


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _read_xlsx_grid(path: Path, sheet) -> pd.DataFrame:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure is an unreadable file
        raise _Unreadable(type(exc).__name__) from exc
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        else:
            ws = wb[sheet]
    except (KeyError, IndexError) as exc:
        raise _Unreadable(f"sheet {sheet!r}") from exc
    max_row, max_col = ws.max_row or 0, ws.max_column or 0
    rows = [[_cell_text(v) for v in r]
            for r in ws.iter_rows(min_row=1, min_col=1, max_row=max_row, max_col=max_col,
                                  values_only=True)]
    # Fill merged ranges with their top-left value (titles spanning years, 地区 over two rows).
    for rng in ws.merged_cells.ranges:
        top = rows[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, min(rng.max_col, max_col)):
                rows[r][c] = top
    wb.close()
    width = max_col or 1
    return pd.DataFrame(rows, columns=range(width), dtype=object) if rows else \
        pd.DataFrame(columns=range(width), dtype=object)


# ---------------------------------------------------------------------------
# header analysis

@dataclass
class _Header:
    start: int                 # grid index of the first header row
    end: int                   # grid index of the last header row
    names: list[str]           # one header per column
    titles: list[str]          # title rows, spanning upper header cells, notes


def _find_header(top: list[list[str]], width: int) -> _Header | None:
    top = [[str(c).strip() for c in r] + [""] * (width - len(r)) for r in top]
    titles: list[str] = []
    start = None
    for i, row in enumerate(top):
        filled = [c for c in row if c]
        if not filled:
            continue
        if len(set(filled)) == 1:
            titles.append(filled[0])
            continue
        nxt = top[i + 1] if i + 1 < len(top) else None
        if nxt is not None and nxt[0] and nxt[0] != row[0] \
                and 2 * len(filled) < sum(1 for c in nxt if c):
            titles.extend(filled)        # e.g. "表1-2 …, 单位：亿元" above the real header
            continue
        start = i
        break
    if start is None:
        return None

    used = max((j + 1 for r in top for j in range(width) if r[j]), default=1)

    def incomplete(block):
        """Blank or repeated cells across the value columns: merged cells above a header."""
        bottom = [next((r[j] for r in reversed(block) if r[j]), "") for j in range(used)]
        rest = bottom[1:]
        return any(not c for c in rest) or len(set(rest)) < len(rest)

    end = start
    while end + 1 < len(top) and end - start + 1 < _MAX_HEADER_ROWS:
        block = top[start:end + 1]
        nxt = top[end + 1]
        if not incomplete(block):
            break
        if nxt[0] and nxt[0] != top[start][0]:
            break
        if not any(nxt[1:]):
            break
        end += 1

    block = top[start:end + 1]
    names = []
    for j in range(width):
        bottom_i = next((k for k in range(len(block) - 1, -1, -1) if block[k][j]), None)
        names.append(block[bottom_i][j] if bottom_i is not None else "")
    if len(block) > 1:
        for k in range(len(block) - 1):
            filled = list(block[k])
            for j in range(2, width):       # Excel CSV export leaves merged cells blank
                if not filled[j] and filled[j - 1]:
                    filled[j] = filled[j - 1]
            for j in range(1, width):
                v = filled[j]
                if not v or v == names[j]:
                    continue
                spanning = (j - 1 >= 1 and filled[j - 1] == v) or \
                    (j + 1 < width and filled[j + 1] == v)
                if spanning:
                    if v not in titles:
                        titles.append(v)
                elif block[k][j]:
                    lower = names[j]
                    inner = _split_unit(lower)[1] if lower.startswith(("(", "（")) else lower
                    try:
                        parse_unit(inner)
                        names[j] = f"{v}({inner})"
                    except UnitError:
                        names[j] = f"{v} {lower}".strip()
    return _Header(start, end, names, titles)


# ---------------------------------------------------------------------------
# long-layout header roles

_ROLE_SYNONYMS = {
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
_ROLE_LOOKUP = {_fold(s): role for role, syns in _ROLE_SYNONYMS.items() for s in syns}


def _roles(names: list[str]) -> tuple[dict[str, int], dict[str, str | None]]:
    roles: dict[str, int] = {}
    units: dict[str, str | None] = {}
    for j, name in enumerate(names):
        base, unit = _split_unit(name)
        role = _ROLE_LOOKUP.get(_fold(name)) or _ROLE_LOOKUP.get(_fold(base))
        if role and role not in roles:
            roles[role] = j
            units[role] = unit if _ROLE_LOOKUP.get(_fold(name)) is None else None
    return roles, units


# ---------------------------------------------------------------------------
# number parsing

_BLANK_RE = r"(?i)^(?:[-‐‑‒–—―−.…·/]*|n/?a|nan|null|none)$"
_GROUPED_RE = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?$"

OK, BLANK, NOT_A_NUMBER, PERCENT_NOT_ALLOWED = 0, 1, 2, 3


def parse_values(texts: pd.Series, percent_ok=False) -> tuple[np.ndarray, np.ndarray]:
    """Parse statistics cells into floats.

    Returns ``(values, status)``: ``status`` is 0 (a number), 1 (blank: "", "-", "—",
    "…", "NA"), 2 (not a number) or 3 (a trailing "%" where the unit is not %).
    Full-width digits and punctuation (NFKC), thousands separators ("38,155.32",
    "３８，１５５．３２") and surrounding spaces are accepted. ``percent_ok`` is a bool or
    a boolean array aligned with ``texts``.
    """
    texts = pd.Series(texts).reset_index(drop=True)
    n = len(texts)
    values = pd.to_numeric(texts, errors="coerce")
    values = np.asarray(values, dtype="float64").copy()
    status = np.zeros(n, dtype="int8")
    slow = ~np.isfinite(values)
    if not slow.any():
        return values, status
    idx = np.flatnonzero(slow)
    sub = texts.iloc[idx].astype(object).fillna("").astype(str)
    # The slow path works on distinct texts only.
    codes, uniques = pd.factorize(sub)
    u = pd.Series(uniques, dtype=object).astype(str)
    norm = u.str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.replace("−", "-")
    blank = norm.str.match(_BLANK_RE).to_numpy(dtype=bool)
    pct = norm.str.endswith("%").to_numpy(dtype=bool)
    body = norm.where(~pct, norm.str[:-1])
    has_comma = body.str.contains(",", regex=False).to_numpy(dtype=bool)
    grouped = body.str.match(_GROUPED_RE).to_numpy(dtype=bool)
    body = body.where(~(has_comma & grouped), body.str.replace(",", "", regex=False))
    num = np.asarray(pd.to_numeric(body, errors="coerce"), dtype="float64")
    bad = ~np.isfinite(num) | (has_comma & ~grouped)
    ustatus = np.where(blank, BLANK, np.where(bad, NOT_A_NUMBER, OK)).astype("int8")
    upct = pct & (ustatus == OK)
    num = np.where(ustatus == OK, num, np.nan)
    values[idx] = num[codes]
    status[idx] = ustatus[codes]
    pct_rows = np.zeros(n, dtype=bool)
    pct_rows[idx] = upct[codes]
    if pct_rows.any():
        allowed = np.broadcast_to(np.asarray(percent_ok, dtype=bool), (n,))
        refuse = pct_rows & ~allowed
        status[refuse] = PERCENT_NOT_ALLOWED
        values[refuse] = np.nan
    return values, status


# ---------------------------------------------------------------------------
# problem collection

class _Collector:
    """Problems as vectorised chunks; only the first MAX_PROBLEMS become objects."""

    def __init__(self, file: str):
        self.file = file
        self.fixed: list[Problem] = []
        self.chunks: list[dict] = []

    def add(self, row, column, value, code, **params):
        self.fixed.append(Problem(self.file, row, column, value, code, params))

    def add_rows(self, mask, code, rows, columns, values, params=None, order=0):
        """``mask`` selects cells; ``columns``/``params`` are scalars or aligned arrays."""
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        take = lambda a: np.asarray(a, dtype=object)[idx] if isinstance(a, (np.ndarray, pd.Series, list)) \
            else np.full(len(idx), a, dtype=object)  # noqa: E731
        self.chunks.append({
            "row": np.asarray(rows)[idx].astype("int64"),
            "column": take(columns), "value": take(values),
            "params": take(params) if params is not None else np.full(len(idx), None, dtype=object),
            "code": code, "order": order,
        })

    @property
    def count(self) -> int:
        return len(self.fixed) + sum(len(c["row"]) for c in self.chunks)

    def problems(self) -> list[Problem]:
        out = list(self.fixed[:MAX_PROBLEMS])
        room = MAX_PROBLEMS - len(out)
        if room <= 0 or not self.chunks:
            return out
        rows = np.concatenate([c["row"] for c in self.chunks])
        order = np.concatenate([np.full(len(c["row"]), c["order"]) for c in self.chunks])
        chunk = np.concatenate([np.full(len(c["row"]), i) for i, c in enumerate(self.chunks)])
        pos = np.concatenate([np.arange(len(c["row"])) for c in self.chunks])
        sel = np.lexsort((order, rows))[:room]
        for k in sel:
            c = self.chunks[chunk[k]]
            p = pos[k]
            params = c["params"][p]
            value = c["value"][p]
            out.append(Problem(self.file, int(rows[k]), c["column"][p],
                               None if value is None else str(value), c["code"],
                               dict(params) if params else {}))
        return out


# ---------------------------------------------------------------------------
# the reader

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
    out = _Collector(path.name)
    if layout is not None and layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")

    def result(frame=None, lay=None, enc=None, skipped=0, metadata=frozenset()):
        return ReadResult(frame if frame is not None else _empty_frame(), out.problems(),
                          lay or layout or "", enc, skipped, out.count, metadata)

    suffix = path.suffix.lower()
    encoding = None
    try:
        if suffix in (".xlsx", ".xlsm"):
            grid = _read_xlsx_grid(path, sheet)
        elif suffix == ".xls":
            raise _Unreadable(".xls (Excel 97–2003) is not supported; save as .xlsx")
        else:
            raw = path.read_bytes()
            if not raw.strip():
                out.add(None, None, None, "empty_file")
                return result()
            grid, encoding = _read_text_grid(raw, suffix)
    except _Unreadable as exc:
        out.add(None, None, None, "unreadable_file", reason=str(exc))
        return result()
    except (OSError, UnicodeError, csv.Error) as exc:
        out.add(None, None, None, "unreadable_file", reason=str(exc))
        return result()

    width = grid.shape[1]
    top = grid.iloc[:_TOP_ROWS].astype(object).values.tolist()
    header = _find_header(top, width) if len(grid) else None
    if header is None:
        out.add(None, None, None, "empty_file")
        return result(enc=encoding)
    data = grid.iloc[header.end + 1:]
    if not len(data) or not (data.astype(object) != "").to_numpy().any():
        out.add(header.start + 1, None, None, "empty_file")
        return result(enc=encoding)

    lookup = _indicator_lookup(indicators)
    names = header.names
    roles, role_units = _roles(names)
    others = [n for n in names[1:] if n]
    if layout is None:
        if {"region", "value"} <= roles.keys() and ("indicator" in roles or indicator) \
                and ("year" in roles or year is not None):
            layout = "long"
        elif others and sum(_header_year(n) is not None for n in others) * 2 > len(others):
            layout = "wide_years"
        elif others and sum(_split_unit(n)[0].lower() in lookup or _fold(n) in lookup
                            for n in others) * 2 > len(others):
            layout = "wide_indicators"
        else:
            out.add(header.start + 1, None, None, "unknown_layout",
                    headers=[n for n in names if n])
            return result(lay="", enc=encoding)

    ctx = _Ctx(out, resolver, indicators, lookup, year_range, header, data, unit, source,
               default_source)
    if layout == "long":
        cells = _long_cells(ctx, roles, role_units, indicator, year)
    elif layout == "wide_years":
        cells = _wide_years_cells(ctx, indicator)
    else:
        cells = _wide_indicators_cells(ctx, year)
    if cells is None:
        return result(lay=layout, enc=encoding, skipped=ctx.skipped)
    frame = _validate(ctx, cells)
    metadata = frozenset(roles.keys() & {"qualifier", "note"}) if layout == "long" else frozenset()
    return result(frame, layout, encoding, ctx.skipped, metadata)


@dataclass
class _Ctx:
    out: _Collector
    resolver: object
    indicators: dict
    lookup: dict
    year_range: tuple
    header: _Header
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


def _indicator_lookup(indicators: dict[str, IndicatorInfo]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, info in indicators.items():
        for text in (info.name_en, info.name_zh, code, info.code):
            if text:
                lookup[_fold(text)] = code
    return lookup


def _resolve_indicator(ctx: _Ctx, text) -> str | None:
    if text is None:
        return None
    folded = _fold(text)
    if folded in ctx.lookup:
        return ctx.lookup[folded]
    base, _ = _split_unit(text)
    return ctx.lookup.get(_fold(base))


def _title_candidates(ctx: _Ctx) -> list[str]:
    first = ctx.header.names[0] if ctx.header.names else ""
    return [t for t in [*ctx.header.titles, first] if t]


def _title_unit(candidates: list[str]) -> str | None:
    for text in candidates:
        folded = "".join(unicodedata.normalize("NFKC", text).split())
        m = _UNIT_NOTE_RE.search(folded)
        unit = m.group(1) if m else _split_unit(text)[1]
        if unit:
            try:
                parse_unit(unit)
                return unit
            except UnitError:
                continue
    return None


def _cells_frame(rows, value_col, region, ind, year, value, unit, unit_from_cell, source,
                 col_pos, qualifier="", note="") -> pd.DataFrame:
    return pd.DataFrame({
        "row": rows, "value_col": value_col, "region": region, "ind": ind, "year": year,
        "value": value, "unit": unit, "unit_from_cell": unit_from_cell, "source": source,
        "col_pos": col_pos, "qualifier": qualifier, "note": note,
    })


def _long_cells(ctx: _Ctx, roles, role_units, indicator_arg, year_arg):
    out, names, data = ctx.out, ctx.header.names, ctx.data
    required = ["region", "value"] + (["indicator"] if indicator_arg is None else []) + \
        (["year"] if year_arg is None else [])
    missing = [r for r in required if r not in roles]
    if missing:
        from deltawatch.observations.messages import ROLE_NAMES

        for role in missing:
            out.add(ctx.header.start + 1, None, None, "missing_column", required=role,
                    name_zh=ROLE_NAMES[role][0], name_en=ROLE_NAMES[role][1],
                    accepted=" / ".join(_ROLE_SYNONYMS[role]))
        return None
    used = [roles[r] for r in roles]
    blank_row = np.ones(len(data), dtype=bool)
    for j in used:
        blank_row &= (data[j] == "").to_numpy(dtype=bool)
    if blank_row.any():
        data = data[~blank_row]
        ctx.data = data
    n = len(data)

    def column(role, default):
        """The role's column, blanks filled with ``default``; or ``default`` everywhere."""
        if role in roles:
            s = data[roles[role]].reset_index(drop=True)
            if default is not None and default != "":
                s = s.where(~_is_blank(s), str(default))
            return s
        return pd.Series(np.full(n, "" if default is None else str(default), dtype=object))

    ctx.colnames = {r: (names[roles[r]] if r in roles else None)
                    for r in ("region", "indicator", "year", "unit", "qualifier")}
    value_col = names[roles["value"]]
    if "unit" in roles:
        unit_s = data[roles["unit"]].reset_index(drop=True)
        from_cell = ~_is_blank(unit_s)
    else:
        unit_s = pd.Series(np.full(n, "", dtype=object))
        from_cell = np.zeros(n, dtype=bool)
    default_unit = ctx.unit or role_units.get("value") or ""
    if default_unit:
        unit_s = unit_s.where(from_cell, default_unit)
    src_default = ctx.source if ctx.source is not None else ctx.default_source
    src = column("source", src_default) if "source" in roles else src_default
    return _cells_frame(ctx.rows, value_col, column("region", None),
                        column("indicator", indicator_arg), column("year", year_arg),
                        data[roles["value"]].reset_index(drop=True), unit_s, from_cell, src,
                        roles["value"], column("qualifier", ""), column("note", ""))


def _wide_melt(ctx: _Ctx, specs) -> pd.DataFrame | None:
    """``specs``: list of (column index, indicator code, year, unit text) per value column."""
    data, names = ctx.data, ctx.header.names
    region = data[0]
    cols = [s[0] for s in specs]
    values = data[cols] if cols else data.iloc[:, :0]
    blank_vals = (values.astype(str).apply(lambda s: s.str.strip()) == "") if cols else values
    if cols:
        all_blank_row = blank_vals.to_numpy(dtype=bool).all(axis=1)
    else:
        all_blank_row = np.ones(len(data), dtype=bool)
    # Rows without any value (notes, headings, regions left empty) are not data rows.
    keep_rows = ~all_blank_row
    rows_all = ctx.rows
    frames = []
    source = ctx.source if ctx.source is not None else ctx.default_source
    for (j, ind, yr, unit_text) in specs:
        s = data[j].reset_index(drop=True)
        parsed_blank = blank_vals[j].to_numpy(dtype=bool)
        # "-", "—", "…" are blank too: counted as skipped, not as errors, in wide layouts.
        _, st = parse_values(s[~parsed_blank & keep_rows], percent_ok=True)
        is_blank = parsed_blank.copy()
        is_blank[np.flatnonzero(~parsed_blank & keep_rows)[st == BLANK]] = True
        ctx.skipped += int((is_blank & keep_rows).sum())
        take = keep_rows & ~is_blank
        if not take.any():
            continue
        m = int(take.sum())
        frames.append(_cells_frame(
            rows_all[take], names[j], region.reset_index(drop=True)[take].to_numpy(dtype=object),
            np.full(m, ind, dtype=object), np.full(m, str(yr), dtype=object),
            s[take].to_numpy(dtype=object), np.full(m, unit_text or "", dtype=object),
            np.zeros(m, dtype=bool), source, j))
    if not frames:
        if not ctx.out.count:
            ctx.out.add(ctx.header.start + 1, None, None, "empty_file")
        return None
    return pd.concat(frames, ignore_index=True)


def _unit_ok(ctx: _Ctx, row, column, unit_text: str, info: IndicatorInfo) -> bool:
    """A unit given once for a whole column or table is checked once, not per cell."""
    try:
        conversion_factor(unit_text, info.unit)
        return True
    except UnitError as exc:
        ctx.out.add(row, column, unit_text, exc.code, unit=unit_text, expected=info.unit)
        return False


def _wide_years_cells(ctx: _Ctx, indicator_arg):
    out, names, hrow = ctx.out, ctx.header.names, ctx.header.end + 1
    ctx.colnames = {"region": names[0], "indicator": None, "year": None, "unit": None}
    candidates = _title_candidates(ctx)
    code = None
    unit_from_title = None
    if indicator_arg is not None:
        code = _resolve_indicator(ctx, indicator_arg)
        if code is None:
            out.add(None, None, str(indicator_arg), "unknown_indicator")
            return None
    else:
        for text in candidates:
            code = _resolve_indicator(ctx, text)
            if code is not None:
                unit_from_title = _split_unit(text)[1]
                break
        if code is None:       # a longer title: "2015—2020年各市地区生产总值（亿元）"
            best = None
            for text in candidates:
                folded = _fold(text)
                for key, c in ctx.lookup.items():
                    if len(key) >= 2 and key in folded and (best is None or len(key) > len(best[0])):
                        best = (key, c, text)
            if best is not None:
                code, unit_from_title = best[1], _split_unit(best[2])[1]
        if code is None:
            out.add(ctx.header.start + 1, names[0] or None, None, "missing_indicator",
                    titles=candidates)
            return None
    info = ctx.indicators[code]
    if info.derived:
        out.add(ctx.header.start + 1, None, indicator_arg or info.name_zh, "derived_indicator")
        return None
    unit_text = ctx.unit or unit_from_title or _title_unit(candidates) or info.unit
    if not _unit_ok(ctx, ctx.header.start + 1, None, unit_text, info):
        return None
    lo, hi = ctx.year_range
    specs = []
    for j in range(1, len(names)):
        name = names[j]
        has_data = (ctx.data[j].astype(str).str.strip() != "").any()
        yr = _header_year(name) if name else None
        if yr is None:
            if has_data:
                out.add(hrow, name or None, name, "bad_year")
            continue
        if not lo <= yr <= hi:
            out.add(hrow, name, name, "year_out_of_range", min=lo, max=hi)
            continue
        specs.append((j, code, yr, unit_text))
    return _wide_melt(ctx, specs)


def _wide_indicators_cells(ctx: _Ctx, year_arg):
    out, names, hrow = ctx.out, ctx.header.names, ctx.header.end + 1
    ctx.colnames = {"region": names[0], "indicator": None, "year": None, "unit": None}
    if year_arg is not None:
        yr_text = str(year_arg)
    else:
        yr_text = None
        for text in _title_candidates(ctx):
            m = _YEAR_IN_TEXT_RE.search(unicodedata.normalize("NFKC", text))
            if m:
                yr_text = m.group(1)
                break
        if yr_text is None:
            out.add(ctx.header.start + 1, names[0] or None, None, "missing_year")
            return None
    title_unit = ctx.unit
    specs = []
    for j in range(1, len(names)):
        name = names[j]
        has_data = (ctx.data[j].astype(str).str.strip() != "").any()
        if not name:
            if has_data:
                out.add(hrow, None, None, "missing_indicator")
            continue
        code = _resolve_indicator(ctx, name)
        if code is None:
            out.add(hrow, name, name, "unknown_indicator")
            continue
        info = ctx.indicators[code]
        if info.derived:
            out.add(hrow, name, name, "derived_indicator")
            continue
        unit_text = _split_unit(name)[1] or title_unit or info.unit
        if not _unit_ok(ctx, hrow, name, unit_text, info):
            continue
        specs.append((j, code, yr_text, unit_text))
    return _wide_melt(ctx, specs)


# ---------------------------------------------------------------------------
# validation, common to all layouts

def _is_blank(values) -> np.ndarray:
    """Blank or whitespace-only cells, tested once per distinct text."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    blank = np.array([u is None or not str(u).strip() for u in uniques], dtype=bool)
    return blank[codes] if len(codes) else np.zeros(0, dtype=bool)


def _str_column(values) -> pd.arrays.StringArray:
    """A str column built from its distinct values (cheap for repetitive columns)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    return pd.array(np.asarray(uniques, dtype=object).astype(str).astype(object),
                    dtype="str").take(codes)


def _distinct(series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(pd.Series(series).astype(object), use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


@dataclass
class _Resolved:
    """Per-row results of one check: the value found, and the problem code (or None)."""

    value: np.ndarray
    error: np.ndarray
    codes: np.ndarray          # row → index of its distinct text
    distinct: np.ndarray       # the distinct texts' resolved values


def _report(out: _Collector, resolved_error, codes, rows, columns, texts, params=None, order=0) -> np.ndarray:
    """Add a problem per row whose error is one of ``codes``; return the rows in error."""
    bad = np.zeros(len(rows), dtype=bool)
    for code in codes:
        mask = resolved_error == code
        out.add_rows(mask, code, rows, columns, texts, params=params(code) if callable(params) else params,
                     order=order)
        bad |= mask
    return bad


def _resolve_indicators(ctx: _Ctx, texts) -> _Resolved:
    codes, distinct = _distinct(texts)
    found = np.empty(len(distinct), dtype=object)
    error = np.full(len(distinct), None, dtype=object)
    for k, text in enumerate(distinct):
        text = "" if text is None else str(text)
        code = _resolve_indicator(ctx, text) if text.strip() else None
        if not text.strip():
            error[k] = "blank_value"
        elif code is None:
            error[k] = "unknown_indicator"
        elif ctx.indicators[code].derived:
            error[k] = "derived_indicator"
        else:
            found[k] = code
    return _Resolved(found[codes], error[codes], codes, found)


def _resolve_years(ctx: _Ctx, texts) -> _Resolved:
    codes, distinct = _distinct(texts)
    lo, hi = ctx.year_range
    found = np.full(len(distinct), -1, dtype="int64")
    error = np.full(len(distinct), None, dtype=object)
    for k, text in enumerate(distinct):
        folded = _fold("" if text is None else text)
        m = re.fullmatch(r"(\d+)(?:\.0+)?(?:年度|年)?", folded)
        if not folded:
            error[k] = "blank_value"
        elif not m:
            error[k] = "bad_year"
        elif not lo <= int(m.group(1)) <= hi:
            error[k] = "year_out_of_range"
        else:
            found[k] = int(m.group(1))
    return _Resolved(found[codes], error[codes], codes, found)


def _resolve_regions(ctx: _Ctx, texts, years: _Resolved) -> tuple[_Resolved, np.ndarray]:
    """Regions per distinct (text, year): a name can mean another region in another year."""
    text_codes, texts_distinct = _distinct(texts)
    stride = len(years.distinct) + 1
    codes, pairs = pd.factorize(text_codes.astype("int64") * stride + years.codes)
    found = np.full(len(pairs), "", dtype=object)
    error = np.full(len(pairs), None, dtype=object)
    params = np.full(len(pairs), None, dtype=object)
    for k, pair in enumerate(pairs):
        text = texts_distinct[pair // stride]
        year = int(years.distinct[pair % stride])
        text = "" if text is None else str(text)
        if not text.strip():
            error[k] = "blank_value"
            continue
        try:
            found[k] = ctx.resolver.resolve(text.strip(), year if year >= 0 else None)
        except RegionNotFound as exc:
            error[k] = exc.code
            if exc.candidates:
                params[k] = {"candidates": list(exc.candidates)}
            if exc.code == "region_not_valid":
                params[k] = {"candidates": list(exc.candidates), "year": year}
    return _Resolved(found[codes], error[codes], codes, found), params[codes]


def _conversion_factors(ctx: _Ctx, unit_texts, indicators: _Resolved):
    """Factor into the indicator's unit per row, per distinct (unit, indicator).

    Returns (unit actually meant per row, factor, is-% per row, error per row, params per row).
    """
    catalogue_units = np.array([ctx.indicators[c].unit if c else "" for c in indicators.distinct], dtype=object)
    meant = np.where(_is_blank(unit_texts), catalogue_units[indicators.codes], unit_texts)
    unit_codes, units_distinct = _distinct(meant)
    stride = len(indicators.distinct) + 1
    codes, pairs = pd.factorize(unit_codes.astype("int64") * stride + indicators.codes)
    factor = np.full(len(pairs), np.nan)
    error = np.full(len(pairs), None, dtype=object)
    params = np.full(len(pairs), None, dtype=object)
    is_percent = np.zeros(len(pairs), dtype=bool)
    for k, pair in enumerate(pairs):
        unit = str(units_distinct[pair // stride]).strip()
        code = indicators.distinct[pair % stride]
        if code is None:
            continue
        target = ctx.indicators[code].unit
        try:
            factor[k] = conversion_factor(unit, target)
            is_percent[k] = parse_unit(unit).symbol == "%"
        except UnitError as exc:
            error[k], params[k] = exc.code, {"unit": unit, "expected": target}
    return meant, factor[codes], is_percent[codes], error[codes], params[codes]


def _out_of_bounds(ctx: _Ctx, converted, indicators: _Resolved):
    """Rows outside their indicator's natural bounds (after conversion), with message params."""
    def bound(name, default):
        return np.array([getattr(ctx.indicators[c], name) if c and getattr(ctx.indicators[c], name) is not None
                         else default for c in indicators.distinct], dtype=float)[indicators.codes]

    oob = np.isfinite(converted) & ((converted < bound("lower_bound", -np.inf)) | (converted > bound("upper_bound", np.inf)))
    params = np.full(len(converted), None, dtype=object)
    for i in np.flatnonzero(oob):
        info = ctx.indicators[indicators.value[i]]
        params[i] = {"converted": float(converted[i]), "unit": info.unit,
                     "lower": "-∞" if info.lower_bound is None else info.lower_bound,
                     "upper": "∞" if info.upper_bound is None else info.upper_bound}
    return oob, params


def _duplicates(rows, valid_key, regions: _Resolved, indicators: _Resolved, years: _Resolved):
    """Rows repeating an earlier row's (region, indicator, year), with that row in params.

    Compared after resolution: 上海 and 310000 are the same region, 地区生产总值 and gdp the
    same indicator.
    """
    n = len(rows)
    duplicate = np.zeros(n, dtype=bool)
    params = np.full(n, None, dtype=object)
    if not valid_key.any():
        return duplicate, params
    idx = np.flatnonzero(valid_key)
    keys = pd.DataFrame({"r": pd.factorize(regions.value[idx])[0], "i": pd.factorize(indicators.value[idx])[0],
                         "y": years.value[idx]})
    repeated = keys.duplicated(keep="first").to_numpy()
    if repeated.any():
        first_row = pd.Series(rows[idx]).groupby([keys["r"], keys["i"], keys["y"]]).transform("first").to_numpy()
        duplicate[idx[repeated]] = True
        for i, other in zip(idx[repeated], first_row[repeated]):
            params[i] = {"other_row": int(other)}
    return duplicate, params


# Words a file may use for each value qualifier (``choices.Qualifier``), compared folded.
QUALIFIER_WORDS = {
    "": ("", "exact", "准确值", "准确"),
    "approx": ("approx", "approximate", "about", "约", "约数", "左右", "约数（约、左右）"),
    "lower_bound": ("lower_bound", "lower bound", "at least", "以上", "超过", "不低于", "下限",
                    "下限（以上、超过）"),
    "upper_bound": ("upper_bound", "upper bound", "at most", "以下", "以内", "不超过", "上限",
                    "上限（以下、以内）"),
    "preliminary": ("preliminary", "provisional", "初步", "初步数", "快报", "初步数（快报）"),
}


def _as_array(column, n: int) -> np.ndarray:
    """A cells column that may be one string for every row, as an object array."""
    if isinstance(column, str):
        return np.full(n, column, dtype=object)
    return column.fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _resolve_qualifiers(texts) -> tuple[np.ndarray, np.ndarray]:
    """Qualifier words (约, 以上, lower_bound …) to their codes; an unknown word is an error."""
    lookup = {_fold(word): str(code) for code, words in QUALIFIER_WORDS.items() for word in words}
    raw = _as_array(texts, len(texts))
    codes = np.array([lookup.get(_fold(t)) for t in raw], dtype=object)
    error = np.where(pd.isna(codes), "unknown_qualifier", None).astype(object)
    return np.where(pd.isna(codes), "", codes).astype(object), error


def _validate(ctx: _Ctx, cells: pd.DataFrame) -> pd.DataFrame:
    """Resolve and check every cell; problems go to ``ctx.out``; return the rows without one."""
    out, names = ctx.out, ctx.colnames
    n = len(cells)
    rows = cells["row"].to_numpy(dtype="int64")
    value_col = cells["value_col"].to_numpy(dtype=object) if n else np.array([], dtype=object)

    def column_of(role):  # the role's own column in the long layout, else the value's column
        return names.get(role) or value_col

    indicators = _resolve_indicators(ctx, cells["ind"])
    bad = _report(out, indicators.error, ("blank_value", "unknown_indicator", "derived_indicator"), rows,
                  column_of("indicator"), cells["ind"].to_numpy(dtype=object), order=2)
    years = _resolve_years(ctx, cells["year"])
    lo, hi = ctx.year_range
    bad |= _report(out, years.error, ("blank_value", "bad_year", "year_out_of_range"), rows,
                   column_of("year"), cells["year"].to_numpy(dtype=object), order=1,
                   params=lambda code: np.full(n, {"min": lo, "max": hi}, dtype=object)
                   if code == "year_out_of_range" else None)
    regions, region_params = _resolve_regions(ctx, cells["region"], years)
    bad |= _report(out, regions.error, ("blank_value", "unknown_region", "ambiguous_region", "region_not_valid"),
                   rows, column_of("region"), cells["region"].to_numpy(dtype=object), params=region_params, order=0)

    unit_texts = cells["unit"].astype(object).to_numpy(dtype=object)
    unit_meant, factor, is_percent, unit_error, unit_params = _conversion_factors(ctx, unit_texts, indicators)
    from_cell = cells["unit_from_cell"].to_numpy(dtype=bool)
    unit_column = np.where(from_cell, names["unit"], value_col) if names.get("unit") else value_col
    bad |= _report(out, unit_error, ("unknown_unit", "incompatible_unit"), rows, unit_column, unit_meant,
                   params=unit_params, order=4)

    texts = cells["value"].to_numpy(dtype=object)
    values, status = parse_values(cells["value"], percent_ok=is_percent)
    value_error = np.select([status == BLANK, (status == NOT_A_NUMBER) | (status == PERCENT_NOT_ALLOWED)],
                            ["blank_value", "not_a_number"], default=None).astype(object)
    bad |= _report(out, value_error, ("blank_value", "not_a_number"), rows, value_col, texts, order=3)
    converted = values * factor
    oob, oob_params = _out_of_bounds(ctx, converted, indicators)
    out.add_rows(oob, "out_of_bounds", rows, value_col, texts, params=oob_params, order=5)
    bad |= oob

    valid_key = (regions.error == None) & (indicators.error == None) & (years.error == None)  # noqa: E711
    duplicate, duplicate_params = _duplicates(rows, valid_key, regions, indicators, years)
    out.add_rows(duplicate, "duplicate_key", rows, value_col, texts, params=duplicate_params, order=6)
    bad |= duplicate

    qualifiers, qualifier_error = _resolve_qualifiers(cells["qualifier"])
    bad |= _report(out, qualifier_error, ("unknown_qualifier",), rows, column_of("qualifier"),
                   cells["qualifier"].to_numpy(dtype=object), order=7)

    good = ~bad
    source = cells["source"]
    source = np.full(n, source, dtype=object) if isinstance(source, str) else source.to_numpy(dtype=object)
    return pd.DataFrame({
        "region_code": _str_column(regions.value[good]),
        "indicator": _str_column(indicators.value[good]),
        "year": years.value[good].astype("int64"),
        "value": converted[good].astype("float64"),
        "value_supplied": pd.array(texts[good], dtype="str"),
        "unit_supplied": _str_column(np.asarray(unit_meant, dtype=object)[good]),
        "source": _str_column(source[good]),
        "qualifier": _str_column(qualifiers[good]),
        "note": _str_column(_as_array(cells["note"], n)[good]),
        "row": rows[good].astype("int64"),
        "column": _str_column(np.asarray(value_col, dtype=object)[good]),
    })
