"""Observations in the Open SDG data layout (open-sdg.org; files as sdg-build reads them).

One CSV per indicator, ``data/indicator_<code>.csv``, with the columns::

    Year,Units,Region,GeoCode[,OBS_STATUS][,COMMENT_OBS],Value
    2019,亿元,上海市,310000,38155.32

* ``Year`` and ``Value`` are Open SDG's required columns; the columns between them are
  breakdowns (disaggregations). Here the one breakdown is the region: ``Region`` its name
  (Chinese) and ``GeoCode`` its code (GB/T 2260), the column Open SDG's maps join on.
* ``Units`` is the indicator's unit (Open SDG's units column).
* ``OBS_STATUS`` (what kind of number: approx, lower_bound, upper_bound, preliminary) and
  ``COMMENT_OBS`` (the note) are written only in the files where a value has one; list them
  as ``observation_attributes`` in the Open SDG site configuration so they are not shown as
  breakdowns.
* ``meta/<code>.md``: the indicator's metadata as Open SDG's front matter — its name, unit and
  the sources of its values (``source_organisation_N``). A value's source is not a column of
  the data file, so an import reads it back only where the indicator has a single source.

Read back: a folder or a ZIP holding ``indicator_<code>.csv`` files (anywhere in it), the
indicator from the file name. A row with a value in another breakdown (Sex, Age, Series …) is
refused — DeltaWatch keeps one value per region, indicator and year — as is a row with
neither ``GeoCode`` nor ``Region``: an Open SDG headline row has no region to store it under.

Pure: no Django.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd

from deltawatch.i18n import gettext_noop, word

from .sdmx import LONG_COLUMNS, _number

DATA_PATTERN = re.compile(r"(?:^|/)indicator_([^/]+)\.csv$", re.IGNORECASE)
KNOWN = {"year", "value", "units", "unit", "geocode", "region", "obs_status", "comment_obs", "source"}
MAX_LISTED = 20

MESSAGES = {
    "no_files": gettext_noop("{path} 中没有 Open SDG 数据文件（indicator_<指标代码>.csv）。"),
    "missing_columns": gettext_noop("{file} 缺少 Open SDG 列：{columns}。"),
    "other_breakdown": gettext_noop("{file} 第 {row} 行：列“{column}”有值 {value!r}，本系统的数值只按地区细分，无法存放其他细分。"),
    "no_region": gettext_noop("{file} 第 {row} 行既无 GeoCode 也无 Region（Open SDG 的汇总行）：无法确定地区。"),
    "problems": gettext_noop("Open SDG 数据有 {n} 处问题，未导入任何数据："),
}


class OpenSdgError(ValueError):
    """Files that cannot be read as Open SDG observations: ``lines`` are (key, params) pairs."""

    def __init__(self, lines: list[tuple[str, dict]], total: int | None = None):
        self.lines, self.total = lines, total or len(lines)
        super().__init__(self.message("en"))

    def message(self, lang: str | None = "zh") -> str:
        words = [word(MESSAGES[key], lang, **params) for key, params in self.lines[:MAX_LISTED]]
        if len(self.lines) == 1 and self.total == 1:
            return words[0]
        return "\n  ".join([word(MESSAGES["problems"], lang, n=self.total), *words])


def _csv(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # sdg-build's own files end lines with LF
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def export_opensdg(frame: pd.DataFrame, indicators: dict[str, dict]) -> dict[str, str]:
    """Open SDG files of an export frame (``observations.exports.export_frame``): relative path →
    text, a data file and a metadata file per indicator. ``indicators`` maps a code to its
    ``name_zh``, ``name_en`` and ``unit``."""
    files = {}
    for code, rows in frame.groupby("indicator", sort=True):
        attributes = [name for name, column in (("OBS_STATUS", "qualifier"), ("COMMENT_OBS", "note"))
                      if rows[column].fillna("").astype(str).ne("").any()]
        header = ["Year", "Units", "Region", "GeoCode", *attributes, "Value"]
        lines = ([str(int(r.year)), r.unit or "", r.region_name or "", r.region_code,
                  *([r.qualifier or ""] if "OBS_STATUS" in attributes else []),
                  *([r.note or ""] if "COMMENT_OBS" in attributes else []), _number(r.value)]
                 for r in rows.itertuples(index=False))
        files[f"data/indicator_{code}.csv"] = _csv(header, lines)
        sources = sorted({s for s in rows["source"].fillna("").astype(str) if s})
        files[f"meta/{code}.md"] = _meta(code, indicators.get(code, {}), sources)
    return files


def _meta(code: str, info: dict, sources: list[str]) -> str:
    """Open SDG metadata: YAML front matter (JSON strings are YAML strings) and no body."""
    fields = {"indicator_number": code, "indicator_name": info.get("name_zh", code),
              "indicator_name_en": info.get("name_en", ""), "computation_units": info.get("unit", ""),
              "reporting_status": "complete", "data_non_statistical": False}
    for n, source in enumerate(sources, start=1):
        fields[f"source_active_{n}"] = True
        fields[f"source_organisation_{n}"] = source
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def write_files(files: dict[str, str], output) -> None:
    """Write ``files`` into a folder, or into a ZIP when ``output`` ends with ``.zip`` or is an
    open binary file (standard output: zipfile writes a stream it cannot seek)."""
    output = output if hasattr(output, "write") else Path(output)
    if hasattr(output, "write") or output.suffix.lower() == ".zip":
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in sorted(files.items()):
                archive.writestr(name, text.encode("utf-8"))
        return
    for name, text in files.items():
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")


META_PATTERN = re.compile(r"(?:^|/)meta/([^/]+)\.md$", re.IGNORECASE)


def _members(path: Path) -> dict[str, str]:
    """name → text of the data and metadata files in a folder, a ZIP or one data file, decoded
    as the importer decodes a statistics file (UTF-8, GBK/GB18030 as Excel saves it, a guess);
    raises the importer's ``Unreadable`` for a file it cannot decode."""
    from deltawatch.observations.reader.grid import decode_text

    wanted = lambda name: DATA_PATTERN.search(name) or META_PATTERN.search(name)
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {n: decode_text(archive.read(n))[0] for n in archive.namelist() if wanted(n)}
    if path.is_file():
        return {path.name: decode_text(path.read_bytes())[0]} if DATA_PATTERN.search(path.name) else {}
    return {p.relative_to(path).as_posix(): decode_text(p.read_bytes())[0]
            for p in path.rglob("*") if p.is_file() and wanted(p.relative_to(path).as_posix())}


def _single_sources(members: dict[str, str]) -> dict[str, str]:
    """Indicator code → its source, for metadata files that name exactly one."""
    single = {}
    for name, text in members.items():
        match = META_PATTERN.search(name)
        if not match:
            continue
        sources = re.findall(r"^source_organisation_\d+:\s*(.+)$", text, re.MULTILINE)
        if len(sources) == 1:
            value = sources[0].strip()
            try:
                value = json.loads(value) if value.startswith('"') else value
            except ValueError:
                pass
            single[match[1]] = str(value)
    return single


def read_opensdg(path) -> tuple[pd.DataFrame, list[str], list[int]]:
    """Observations of the Open SDG files in a folder, a ZIP or one file, in the importer's long
    layout, with the file and row (header = 1) of each. Raises :class:`OpenSdgError`."""
    path = Path(path)
    members = _members(path)
    files = sorted((name, text) for name, text in members.items() if DATA_PATTERN.search(name))
    if not files:
        raise OpenSdgError([("no_files", {"path": str(path)})])
    sources = _single_sources(members)
    frames, names, rows, problems = [], [], [], []
    for name, text in files:
        frame, numbers = _read_one(name, text, problems)
        code = DATA_PATTERN.search(name)[1]
        if code in sources:  # the indicator's one source, where the rows name none
            frame["source"] = frame["source"].where(frame["source"] != "", sources[code])
        frames.append(frame)
        names += [name] * len(frame)
        rows += numbers
    if problems:
        raise OpenSdgError(problems[:MAX_LISTED], total=len(problems))
    return pd.concat(frames, ignore_index=True)[LONG_COLUMNS], names, rows


def _read_one(name: str, text: str, problems: list) -> tuple[pd.DataFrame, list[int]]:
    code = DATA_PATTERN.search(name)[1]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    lower = [h.lower() for h in header]
    missing = [c for c in ("Year", "Value") if c.lower() not in lower]
    if missing:
        problems.append(("missing_columns", {"file": name, "columns": ", ".join(missing)}))
        return pd.DataFrame(columns=LONG_COLUMNS), []
    at = {h: i for i, h in reversed(list(enumerate(lower)))}
    others = [(i, header[i]) for i, h in enumerate(lower) if h not in KNOWN]
    records, numbers = [], []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        cell = _cell_reader(cells, at)
        for i, column in others:
            if cells[i].strip():
                problems.append(("other_breakdown", {"file": name, "row": number, "column": column,
                                                     "value": cells[i].strip()}))
        region = cell("geocode") or cell("region")
        if not region:
            problems.append(("no_region", {"file": name, "row": number}))
        records.append([region, code, cell("year"), cell("value"), cell("units") or cell("unit"), cell("source"),
                        cell("obs_status"), cell("comment_obs")])
        numbers.append(number)
    return pd.DataFrame(records, columns=LONG_COLUMNS, dtype=object), numbers


def _cell_reader(cells: list[str], at: dict[str, int]):
    """The stripped cell of a row under a (lower-case) column name; "" when there is no such column."""
    return lambda column: cells[at[column]].strip() if column in at else ""


OPENSDG_COLUMNS = {"region_code": "GeoCode", "indicator": "indicator_<code>", "year": "Year", "value": "Value",
                   "unit": "Units", "source": "Source", "qualifier": "OBS_STATUS", "note": "COMMENT_OBS"}
