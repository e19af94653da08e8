"""Reading one worksheet of an XLSX workbook, bounded, into a grid of strings.

Before openpyxl inflates anything, the ZIP directory is checked: the parts' declared sizes,
their inflation ratios and the number of parts (:mod:`.limits`). Python's ``zipfile`` never
inflates a part beyond its declared size (it stops with a CRC error), so a bomb that lies in
its directory is caught too, as a damaged file.

The sheet is then streamed row by row (openpyxl's read-only parser) rather than loaded as
one Python object per cell (openpyxl's default, some 300 bytes a cell): rows, columns and
cells are counted as they come and the file refused as soon as a bound is passed. The
read-only worksheet of openpyxl's public API has neither the merged ranges (yearbook titles
span their columns) nor a way to tell a formula that was saved without its computed value
from a blank cell; both come from the same parser, ``openpyxl.worksheet._reader.
WorkSheetParser``, which the read-only worksheet itself uses — hence its direct use here,
kept to :func:`_sheet_parser`.
"""

from __future__ import annotations

import datetime
import warnings
import zipfile
import zlib

import pandas as pd

from .grid import Grid, Unreadable
from .limits import (
    MAX_CELLS, MAX_COLUMNS, MAX_SHARED_STRINGS_BYTES, MAX_XLSX_ROWS, MAX_ZIP_MEMBERS, MAX_ZIP_RATIO,
    MAX_ZIP_UNCOMPRESSED_BYTES, RATIO_CHECKED_FROM_BYTES,
)
from .sniff import zip_kind

_DETAIL_CHARS = 200


class FormulaText(str):
    """The text of a formula whose cell holds no computed value."""


def read_xlsx_grid(path, sheet, kind: str) -> Grid:
    """The cells of one worksheet of the workbook at ``path`` (``kind``: what its first bytes
    are, see :func:`.sniff.sniff`). Raises :class:`.grid.Unreadable`."""
    if kind != "zip":
        raise Unreadable("wrong_file_kind", suffix=path.suffix, expected="xlsx", found=kind)
    check_archive(path)
    workbook = _open_workbook(path)
    try:
        return _read_sheet(workbook, _pick_sheet(workbook, sheet))
    finally:
        workbook.close()


# ---------------------------------------------------------------------------
# the ZIP container

def check_archive(path) -> None:
    """Refuse a ZIP that is not a workbook or would inflate beyond the bounds."""
    try:
        with zipfile.ZipFile(path) as archive:
            found = zip_kind(archive)
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
            zlib.error) as exc:
        raise Unreadable("xlsx_damaged", detail=_detail(exc)) from exc
    if found != "xlsx":
        raise Unreadable("wrong_file_kind", suffix=path.suffix, expected="xlsx", found=found)
    check_members(members)


def check_members(members: list[zipfile.ZipInfo]) -> None:
    """Declared sizes and ratios of a workbook's parts (see :mod:`.limits` for the bounds)."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise Unreadable("xlsx_too_many_parts", parts=len(members), limit=MAX_ZIP_MEMBERS)
    total = sum(m.file_size for m in members)
    if total > MAX_ZIP_UNCOMPRESSED_BYTES:
        raise Unreadable("xlsx_too_large", size=total, limit=MAX_ZIP_UNCOMPRESSED_BYTES)
    for member in members:
        if "sharedstrings" in member.filename.lower() and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise Unreadable("xlsx_part_too_large", part=member.filename, size=member.file_size,
                             limit=MAX_SHARED_STRINGS_BYTES)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM_BYTES and ratio > MAX_ZIP_RATIO:
            raise Unreadable("xlsx_ratio", part=member.filename, size=member.file_size,
                             compressed=member.compress_size, ratio=round(ratio), limit=MAX_ZIP_RATIO)


def _detail(exc: BaseException) -> str:
    """The library's own words for what it failed on (its exception's name if it has none)."""
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= _DETAIL_CHARS else text[:_DETAIL_CHARS - 1] + "…"


# ---------------------------------------------------------------------------
# the workbook and the sheet

def _open_workbook(path):
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # openpyxl's notes on styles it ignores
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - whatever the library fails on is a damaged workbook
            raise Unreadable("xlsx_damaged", detail=_detail(exc)) from exc


def _pick_sheet(workbook, sheet):
    names = workbook.sheetnames
    if not workbook.worksheets:
        raise Unreadable("sheet_not_found", sheet=sheet if sheet is not None else 1, sheets=names)
    if sheet is None:
        return workbook.worksheets[0]
    if isinstance(sheet, int) and -len(workbook.worksheets) <= sheet < len(workbook.worksheets):
        return workbook.worksheets[sheet]
    if isinstance(sheet, str) and sheet in names and sheet in [ws.title for ws in workbook.worksheets]:
        return workbook[sheet]
    raise Unreadable("sheet_not_found", sheet=sheet, sheets=names)


def _sheet_parser(workbook, worksheet, source):
    """openpyxl's streaming parser of one sheet, as its read-only worksheet builds it, that
    marks a formula saved without a computed value (``<c><f>…</f></c>`` with no ``<v>``)."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class ValueParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            formula = element.find(FORMULA_TAG) if cell["value"] is None else None
            if formula is not None and not _cached_empty_text(element):
                cell["value"] = FormulaText("=" + (formula.text or ""))
            return cell

    def _cached_empty_text(element) -> bool:
        """A text formula whose result is "" (``t="str"``, an empty ``<v>``) has its value; a
        number formula with no or an empty ``<v>`` (as openpyxl writes them) has none."""
        return element.get("t") == "str" and element.find(VALUE_TAG) is not None

    return ValueParser(source, worksheet._shared_strings, data_only=True, epoch=workbook.epoch,
                       date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)


def _library_rows(parser):
    """The parser's rows; whatever the library fails on mid-sheet is a damaged workbook."""
    rows = parser.parse()
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - see above: the library's failure, not ours
            raise Unreadable("xlsx_damaged", detail=_detail(exc)) from exc
        yield item


class _SheetBuilder:
    """Rows of text cells, grown as the parser yields them, refused beyond the bounds."""

    def __init__(self):
        self.rows: list[list[str]] = []
        self.width = 0
        self.formulas: dict[tuple[int, int], str] = {}

    def add_row(self, number: int, cells: list[dict]) -> None:
        if number < 1:
            raise Unreadable("xlsx_damaged", detail=f"row number {number}")
        if number > MAX_XLSX_ROWS:
            raise Unreadable("too_many_rows", rows=number, limit=MAX_XLSX_ROWS)
        if not cells:
            return
        last = max(cell["column"] for cell in cells)
        self._grow(number, last)
        line = self.rows[number - 1]
        if len(line) < last:
            line.extend([""] * (last - len(line)))
        for cell in cells:
            column, value = cell["column"], cell["value"]
            if column < 1:
                raise Unreadable("xlsx_damaged", detail=f"column number {column}")
            if isinstance(value, FormulaText):
                self.formulas[(number - 1, column - 1)] = str(value)
                value = None
            line[column - 1] = cell_text(value)

    def _grow(self, height: int, width: int) -> None:
        self.width = max(self.width, width)
        height = max(height, len(self.rows))
        if self.width > MAX_COLUMNS:
            raise Unreadable("too_many_columns", columns=self.width, limit=MAX_COLUMNS)
        if height * self.width > MAX_CELLS:
            raise Unreadable("too_many_cells", rows=height, columns=self.width, cells=height * self.width,
                             limit=MAX_CELLS)
        while len(self.rows) < height:
            self.rows.append([])

    def fill_merged(self, ranges) -> None:
        """Fill merged ranges with their top-left value (titles spanning years, 地区 over two
        rows). Ranges are clipped to the sheet; overlapping ones (Excel never writes them)
        may not fill more than the sheet's cells in all."""
        from openpyxl.utils import range_boundaries

        height, width, filled = len(self.rows), self.width, 0
        for ref in ranges:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(str(ref))
            except (ValueError, TypeError) as exc:
                raise Unreadable("xlsx_damaged", detail=f"merged range {str(ref)[:40]!r}") from exc
            if None in (min_col, min_row, max_col, max_row) or min_row > height or min_col > width:
                continue
            max_row, max_col = min(max_row, height), min(max_col, width)
            filled += (max_row - min_row + 1) * (max_col - min_col + 1)
            if filled > max(height * width, 1):
                raise Unreadable("xlsx_damaged", detail="overlapping merged ranges")
            top = self._at(min_row - 1, min_col - 1)
            for r in range(min_row - 1, max_row):
                line = self.rows[r]
                if len(line) < max_col:
                    line.extend([""] * (max_col - len(line)))
                line[min_col - 1:max_col] = [top] * (max_col - min_col + 1)

    def _at(self, r: int, c: int) -> str:
        line = self.rows[r]
        return line[c] if c < len(line) else ""

    def frame(self) -> pd.DataFrame:
        width = max(self.width, 1)
        rows = [line + [""] * (width - len(line)) for line in self.rows]
        return pd.DataFrame(rows, columns=range(width), dtype=object) if rows else \
            pd.DataFrame(columns=range(width), dtype=object)


def _read_sheet(workbook, worksheet) -> Grid:
    builder = _SheetBuilder()
    try:
        source = workbook._archive.open(worksheet._worksheet_path)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, zlib.error) as exc:
        raise Unreadable("xlsx_damaged", detail=_detail(exc)) from exc
    with source:
        parser = _sheet_parser(workbook, worksheet, source)
        for number, cells in _library_rows(parser):
            builder.add_row(number, cells)
    merged = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
    builder.fill_merged(m.ref for m in merged)
    return Grid(builder.frame(), None, builder.formulas)


def cell_text(value) -> str:
    """A cell's value as the text a CSV of the sheet would hold."""
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
