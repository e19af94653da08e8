"""Observations as SDMX-CSV: the CSV data message of SDMX, the statistical data and metadata
exchange standard (sdmx.org; the field guide at github.com/sdmx-twg/sdmx-csv).

Written: **SDMX-CSV 2.0** (the CSV message of SDMX 3.0), "exchange" flavour — component and
code IDs, ``TIME_PERIOD`` as it is, comma-separated, UTF-8, RFC 4180 (CRLF)::

    STRUCTURE,STRUCTURE_ID,ACTION,FREQ,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,QUALIFIER,COMMENT_OBS,SOURCE_DETAIL
    dataflow,DELTAWATCH:DF_OBSERVATIONS(1.0),I,A,gdp,310000,2019,38155.32,亿元,A,,,上海统计年鉴2020

* dimensions ``FREQ`` (always ``A``, annual), ``INDICATOR`` (the catalogue's code),
  ``REF_AREA`` (the region's code, GB/T 2260) and ``TIME_PERIOD``; the measure ``OBS_VALUE``
  in the indicator's unit;
* attributes from SDMX's cross-domain concepts: ``UNIT_MEASURE``, ``OBS_STATUS`` (code list
  CL_OBS_STATUS: ``A`` normal, ``E`` estimated — our approximate values and bounds —, ``P``
  provisional), ``COMMENT_OBS`` (the note), ``SOURCE_DETAIL`` (the source);
* one custom column (the 2.0 guide allows them), ``QUALIFIER``, with DeltaWatch's own code
  of what kind of number a value is: CL_OBS_STATUS has no lower or upper bound, and a
  bound read back as an estimate would be a different statement.

Read: SDMX-CSV 2.0 (``STRUCTURE``, ``STRUCTURE_ID``, optional ``ACTION``) and 1.0 (the CSV of
SDMX 2.1: a first column ``DATAFLOW``), with any separator (the character after the first
header term), ``labels=both`` headers and codes (``INDICATOR: 指标`` → ``INDICATOR``), extra
columns ignored. Rows become the importer's long layout (region_code, indicator, year, value,
unit, source, qualifier, note), indexed by their row in the file (the header is row 1), so
the importer's problems name the row a user sees. Actions ``I``, ``A``, ``M`` and ``R`` add or
revise values; ``D`` (delete) is refused: a value here is never deleted, only revised.

Pure: no Django.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from deltawatch.i18n import gettext_noop, word

AGENCY = "DELTAWATCH"
DATAFLOW_ID = f"{AGENCY}:DF_OBSERVATIONS(1.0)"
DIMENSIONS = ["FREQ", "INDICATOR", "REF_AREA", "TIME_PERIOD"]
ATTRIBUTES = ["UNIT_MEASURE", "OBS_STATUS", "QUALIFIER", "COMMENT_OBS", "SOURCE_DETAIL"]
HEADER = ["STRUCTURE", "STRUCTURE_ID", "ACTION", *DIMENSIONS, "OBS_VALUE", *ATTRIBUTES]
REQUIRED = ("INDICATOR", "REF_AREA", "TIME_PERIOD", "OBS_VALUE")
MEDIA_TYPE = "application/vnd.sdmx.data+csv; version=2.0.0"

# Our qualifier → CL_OBS_STATUS, and back (bounds are estimates in SDMX's words; QUALIFIER says which).
STATUS_OF_QUALIFIER = {"": "A", "approx": "E", "lower_bound": "E", "upper_bound": "E", "preliminary": "P"}
QUALIFIER_OF_STATUS = {"A": "", "E": "approx", "P": "preliminary"}
ACTIONS_WRITTEN = {"I", "A", "M", "R"}
CODED = {"STRUCTURE", "ACTION", "FREQ", "INDICATOR", "REF_AREA", "OBS_STATUS", "QUALIFIER"}
LONG_COLUMNS = ["region_code", "indicator", "year", "value", "unit", "source", "qualifier", "note"]

MESSAGES = {
    "not_sdmx": gettext_noop("{file} 不是 SDMX-CSV 文件：第一列的列名应为 STRUCTURE（SDMX-CSV 2.0）或 DATAFLOW（1.0），实为 {found!r}。"),
    "missing_columns": gettext_noop("{file} 缺少 SDMX-CSV 列：{columns}。"),
    "delete_action": gettext_noop("{file} 第 {rows} 行的 ACTION 为 D（删除）：本系统不删除数值，只修订；请去掉这些行。"),
    "not_annual": gettext_noop("{file} 第 {rows} 行的 FREQ 不是 A（年度）：只能导入年度数值。"),
}


class SdmxError(ValueError):
    """A file that cannot be read as SDMX-CSV observations, worded by :meth:`message`."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = "zh") -> str:
        return word(MESSAGES[self.key], lang, **self.params)


def _number(value) -> str:
    """A float as the shortest text that reads back as the same float (Python's repr)."""
    return "" if value is None or pd.isna(value) else repr(float(value))


def _write(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF, fields quoted when they need it
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def export_sdmx(frame: pd.DataFrame, dataflow: str = DATAFLOW_ID) -> str:
    """SDMX-CSV 2.0 text of an export frame (``observations.exports.export_frame``: region_code,
    indicator, year, value, unit, source, qualifier, note), one row per observation, in the
    frame's order."""
    def row(r):
        qualifier = r.qualifier or ""
        return ["dataflow", dataflow, "I", "A", r.indicator, r.region_code, str(int(r.year)), _number(r.value),
                r.unit or "", STATUS_OF_QUALIFIER.get(qualifier, "A"), qualifier, r.note or "", r.source or ""]

    return _write(HEADER, (row(r) for r in frame.itertuples(index=False)))


def indicator_codelist(indicators) -> str:
    """The indicator code list (CL_INDICATOR) as CSV: id, name_zh, name_en, unit. ``indicators``
    are objects or tuples with code, name_zh, name_en and unit."""
    return _write(["id", "name_zh", "name_en", "unit"], ([*_fields(i, ("code", "name_zh", "name_en", "unit"))]
                                                        for i in indicators))


def region_codelist(regions) -> str:
    """The region code list (CL_REF_AREA) as CSV: id, name_zh, name_en, level, parent."""
    return _write(["id", "name_zh", "name_en", "level", "parent"],
                  ([*_fields(r, ("code", "name_zh", "name_en", "level", "parent"))] for r in regions))


def _fields(item, names):
    if isinstance(item, (tuple, list)):
        return ["" if v is None else str(v) for v in item]
    return ["" if getattr(item, n, None) is None else str(getattr(item, n)) for n in names]


# --------------------------------------------------------------------------------- reading

_FIRST = re.compile(r"^(STRUCTURE|DATAFLOW)(\[[^\]]*\])?", re.IGNORECASE)


def _separator(first_line: str, file: str) -> str:
    """The field separator: the character after the first header term (the 2.0 guide's rule)."""
    match = _FIRST.match(first_line)
    if not match:
        raise SdmxError("not_sdmx", file=file, found=first_line.split(",")[0][:40])
    rest = first_line[match.end():]
    return rest[0] if rest else ","


def _component(header: str) -> str:
    """``ID`` of a header written ``ID`` or ``ID: name`` (labels=both)."""
    return header.split(": ", 1)[0].strip().upper()


def _code(value: str) -> str:
    """A coded value written ``CODE`` or ``CODE: name``."""
    return value.split(": ", 1)[0].strip()


def _year(period: str) -> str:
    """``2019`` and ``2019-A1`` (SDMX 3.0's annual reporting period) → ``2019``; anything else is
    left for the importer to name as a wrong year."""
    match = re.fullmatch(r"(\d{4})(?:-A1)?", period.strip())
    return match[1] if match else period


def _rows_text(rows) -> str:
    rows = list(rows)
    return ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")


def read_sdmx(text: str, file: str = "sdmx.csv") -> pd.DataFrame:
    """Observations of an SDMX-CSV text in the importer's long layout (``LONG_COLUMNS``),
    indexed by their row in the file. Raises :class:`SdmxError` for a text that is not
    SDMX-CSV, lacks a required column, or asks to delete or gives non-annual values."""
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first_line, file))
    header = [_component(h) for h in next(reader)]
    header[0] = "STRUCTURE"  # STRUCTURE[;] or DATAFLOW: the first column is the structure's
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SdmxError("missing_columns", file=file, columns=", ".join(missing))
    position = {name: i for i, name in reversed(list(enumerate(header)))}  # the first of a repeated name
    records, numbers = [], []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        records.append({name: (_code(cells[i]) if name in CODED else cells[i]) for name, i in position.items()})
        numbers.append(number)
    table = pd.DataFrame(records, index=pd.Index(numbers, name="row"), columns=list(position), dtype=object).fillna("")
    _refuse_rows(table, "ACTION", lambda v: v.upper() == "D", "delete_action", file)
    _refuse_rows(table, "FREQ", lambda v: v.upper() not in ("", "A"), "not_annual", file)
    return _long(table)


def _refuse_rows(table: pd.DataFrame, column: str, wrong, key: str, file: str) -> None:
    if column in table:
        bad = table.index[table[column].map(wrong)]
        if len(bad):
            raise SdmxError(key, file=file, rows=_rows_text(bad))


def _long(table: pd.DataFrame) -> pd.DataFrame:
    def column(name):
        return table[name] if name in table else pd.Series("", index=table.index, dtype=object)

    status = column("OBS_STATUS").str.upper()
    # QUALIFIER, when given, says exactly; else the status, and a status with no equivalent
    # here (F forecast, B break …) is passed on as it is, for the importer to name at its row.
    from_status = status.map(lambda s: QUALIFIER_OF_STATUS.get(s, s))
    qualifier = column("QUALIFIER").where(column("QUALIFIER") != "", from_status)
    return pd.DataFrame({
        "region_code": column("REF_AREA"), "indicator": column("INDICATOR"),
        "year": column("TIME_PERIOD").map(_year), "value": column("OBS_VALUE"), "unit": column("UNIT_MEASURE"),
        "source": column("SOURCE_DETAIL"), "qualifier": qualifier, "note": column("COMMENT_OBS"),
    }, index=table.index)[LONG_COLUMNS]
