"""Exports of current statistics: one query, written as CSV, XLSX or JSON.

Written with the standard library and openpyxl rather than pandas: an export of a few values
should not pay pandas' import (a fifth of a second) on every command, and the writers are a
few lines each. ``export_frame`` gives the same rows as a DataFrame for the analyses.
"""

from __future__ import annotations

import csv
import io
import json

from .models import Observation

# OWASP's CSV-injection rule: a text cell that begins with one of these is read by a
# spreadsheet as a formula (or the start of one). Numbers are never touched: -3.5 stays a number.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

EXPORT_COLUMNS = ["region_code", "region_name", "indicator", "year", "value", "unit", "source", "qualifier", "note"]
FORMATS = ("csv", "xlsx", "json")


def export_rows(*, indicators=None, regions=None, years=None, group=None, lang: str = "zh") -> list[tuple]:
    """Current observations of a selection as tuples in ``EXPORT_COLUMNS`` order, sorted by
    indicator, region and year.

    ``regions`` are region codes, ``group`` a region group code, ``years`` an iterable of years.
    """
    query = Observation.objects.filter(is_current=True)
    if indicators:
        query = query.filter(indicator__code__in=list(indicators))
    if regions:
        query = query.filter(region__code__in=list(regions))
    if group:
        query = query.filter(region__groups__code=group)
    if years:
        query = query.filter(year__in=list(years))
    name_field = "region__name_en" if lang == "en" else "region__name_zh"
    rows = query.values_list("region__code", name_field, "indicator__code", "year", "value", "indicator__unit",
                             "source", "qualifier", "note")
    return sorted(rows, key=lambda row: (row[2], row[0], row[3]))


def export_frame(**selection):
    """``export_rows`` as a DataFrame with the export columns."""
    import pandas as pd

    return pd.DataFrame(export_rows(**selection), columns=EXPORT_COLUMNS)


def write_export(rows: list[tuple], fmt: str, target) -> None:
    """Write export rows as csv (UTF-8 with BOM, so Excel opens Chinese correctly), xlsx or
    json to a path or an open file (binary for xlsx)."""
    writer = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json}.get(fmt)
    if writer is None:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    writer(rows, target)


def neutralise(value):
    """A text that a spreadsheet would run as a formula, made inert by a leading apostrophe
    (OWASP, "CSV Injection"); any other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write_csv(rows, target) -> None:
    if isinstance(target, (str, bytes)) or hasattr(target, "__fspath__"):
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            _write_csv(rows, handle)
        return
    writer = csv.writer(target)  # RFC 4180: CRLF, and a field with \r or \n is quoted
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([neutralise(value) for value in row] for row in rows)


def _write_json(rows, target) -> None:
    records = [dict(zip(EXPORT_COLUMNS, row)) for row in rows]
    text = json.dumps(records, ensure_ascii=False, indent=1)
    if isinstance(target, io.TextIOBase) or hasattr(target, "write"):
        target.write(text)
    else:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)


def _write_xlsx(rows, target) -> None:
    """Text cells are written as text cells: openpyxl would otherwise store a text that begins
    with "=" as a live formula. The text itself is kept as it is (Excel does not evaluate a
    text cell), so a round trip through the importer gives back the same source."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("observations")
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append([_text_cell(sheet, value, WriteOnlyCell) if isinstance(value, str) else value for value in row])
    book.save(target)


def _text_cell(sheet, text: str, cell_class):
    cell = cell_class(sheet, value=text)
    cell.data_type = "s"
    return cell


def table_response(header: list, rows, fmt: str, filename: str, sheet: str = "data"):
    """A table as an HTTP download, CSV (UTF-8 with BOM, for Excel) or XLSX (sheet ``sheet``),
    every text cell that a spreadsheet would run as a formula made inert (:func:`neutralise`):
    the one writer of the pages' table downloads."""
    from django.http import HttpResponse

    clean = [[neutralise(cell) for cell in row] for row in rows]
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(clean)
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        worksheet = book.create_sheet(sheet[:31])  # Excel's limit on a sheet's name
        worksheet.append(header)
        for row in clean:
            worksheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response

