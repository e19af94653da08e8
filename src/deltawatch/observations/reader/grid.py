"""Loading a file into a grid of strings: what it really is, its encoding, its bounds.

Every way a file can fail to be a table ends in :class:`Unreadable`, whose ``code`` and
``params`` :mod:`..messages` words as what was expected and what was found ("the file is
named .xlsx but contains a web page (HTML) …"), never as a bare exception name.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .limits import MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES
from .sniff import HEAD_BYTES, sniff, zip_kind

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_HEAD_ROWS = 200              # rows read with the csv module to find the table's width
_ONE_BLOCK_FROM_COLUMNS = 64
_CHINESE_ENCODINGS = {"gbk", "gb2312", "gb18030", "hz", "cp936", "euc_cn"}


class Unreadable(ValueError):
    """The file cannot be read as a table. ``code`` (a key of ``messages.REASONS``) and
    ``params`` make the user's message, an ``unreadable_file`` problem; ``str()`` is the
    English one, for callers that only print the exception."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.problem("").message("en"))

    def problem(self, file: str):
        from .results import Problem

        return Problem(file, None, None, None, "unreadable_file", {"reason": self.code, **self.params})


@dataclass
class Grid:
    """A sheet as text cells (``cells``, columns 0…n-1) and what was learnt reading it."""

    cells: pd.DataFrame
    encoding: str | None = None
    # (row index, column index) → formula text, for formula cells saved without a value
    formulas: dict = field(default_factory=dict)


def empty_grid() -> Grid:
    return Grid(pd.DataFrame(columns=range(1), dtype=object))


def load_grid(path: Path, sheet=None) -> Grid:
    """The cells of ``path``: CSV/TSV/TXT by its text, XLSX/XLSM by its first (or ``sheet``)
    worksheet. Raises :class:`Unreadable`, or OSError when the file cannot be opened."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise Unreadable("file_too_large", size=size, limit=MAX_FILE_BYTES)
    with open(path, "rb") as handle:
        kind = sniff(handle.read(HEAD_BYTES))
    if kind == "empty":
        return empty_grid()
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        from .xlsx import read_xlsx_grid

        return read_xlsx_grid(path, sheet, kind)
    if suffix == ".xls":
        raise _wrong_kind(path, kind, expected="xls")
    if kind != "text":
        raise _wrong_kind(path, kind, expected="csv")
    text, encoding = decode_text(path.read_bytes())
    return Grid(read_text_cells(text, suffix), encoding)


def _wrong_kind(path: Path, kind: str, expected: str) -> Unreadable:
    """A refusal naming what the suffix promised and what the bytes are."""
    if kind == "zip":
        kind = zip_kind_of(path)
    if expected == "xls" and kind == "ole":
        return Unreadable("xls_not_supported")
    return Unreadable("wrong_file_kind", suffix=path.suffix or "—", expected=expected, found=kind)


def zip_kind_of(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            return zip_kind(archive)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "zip"


# ---------------------------------------------------------------------------
# text files

def decode_text(raw: bytes) -> tuple[str, str]:
    """The text of a statistics file and its encoding: BOM, UTF-8, then GBK/GB18030 (as Excel on
    Chinese Windows saves CSV), then charset-normalizer's guess. Raises :class:`Unreadable`."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decode(raw[len(codecs.BOM_UTF8):], "utf-8", "utf-8-sig")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(raw, "utf-16", "utf-16")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess_encoding(raw)
    if guess and guess.lower().replace("-", "_") in _CHINESE_ENCODINGS:
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
    raise Unreadable("undecodable_text")


def _decode(raw: bytes, codec: str, name: str) -> tuple[str, str]:
    try:
        return raw.decode(codec), name
    except UnicodeDecodeError as exc:
        raise Unreadable("undecodable_text", encoding=name, position=exc.start) from exc


def _guess_encoding(raw: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:1_000_000]).best()
        return best.encoding if best is not None else None
    except Exception:  # noqa: BLE001 - detection is a best effort, gb18030 is tried next
        return None


def _looks_chinese(text: str) -> bool:
    sample = [c for c in text[:20000] if ord(c) > 127]
    if not sample:
        return True
    cjk = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
              or "\uff00" <= c <= "\uffef" or c in "“”‘’…—·")
    return cjk >= 0.9 * len(sample)


def sniff_delimiter(text: str, suffix: str) -> str:
    sample = text[:65536]
    if "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    if suffix == ".csv" and ("," in sample or not any(d in sample for d in "\t;|")):
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return "\t" if suffix in (".tsv", ".txt") and "\t" in sample else ","


def read_text_cells(text: str, suffix: str) -> pd.DataFrame:
    """The cells of a delimited text, every one a string ("" when absent), bounded in columns
    and cells before pandas allocates them."""
    sep = sniff_delimiter(text, suffix)
    width = _head_width(text, sep)
    lines = max(text.count("\n"), text.count("\r")) + (not text.endswith(("\n", "\r")))
    _check_shape(lines, width)
    try:
        grid = pd.read_csv(io.StringIO(text), sep=sep, header=None, names=range(width),
                           dtype=str, keep_default_na=False, na_filter=False,
                           skip_blank_lines=False, engine="c", quotechar='"')
    except (pd.errors.ParserError, ValueError):
        grid = _read_rows_one_by_one(text, sep)   # ragged rows, or rows wider than the head
    _check_shape(*grid.shape)
    if grid.shape[1] > _ONE_BLOCK_FROM_COLUMNS:
        # One object block, as an XLSX grid is: pandas keeps a block per column of a CSV, and a
        # table of 16,000 columns then costs seconds in every whole-grid operation.
        return pd.DataFrame(grid.to_numpy(dtype=object, na_value=""), columns=range(grid.shape[1]), dtype=object)
    return grid.fillna("").reset_index(drop=True)


def _head_width(text: str, sep: str) -> int:
    reader = csv.reader(io.StringIO(text[:200_000], newline=""), delimiter=sep)
    width = 1
    try:
        for _, row in zip(range(_HEAD_ROWS), reader):
            width = max(width, len(row))
            if width > MAX_COLUMNS:
                break
    except csv.Error as exc:
        raise Unreadable("csv_malformed", line=reader.line_num, detail=str(exc)) from exc
    return width


def _read_rows_one_by_one(text: str, sep: str) -> pd.DataFrame:
    """Rows of unequal length, padded: the csv module, bounded as it goes."""
    rows: list[list[str]] = []
    width = 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for row in reader:
            rows.append(row)
            width = max(width, len(row))
            _check_shape(len(rows), width)
    except csv.Error as exc:
        raise Unreadable("csv_malformed", line=reader.line_num, detail=str(exc)) from exc
    rows = [r + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(rows, columns=range(width), dtype=object)


def _check_shape(rows: int, columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise Unreadable("too_many_columns", columns=columns, limit=MAX_COLUMNS)
    if rows * columns > MAX_CELLS:
        raise Unreadable("too_many_cells", rows=rows, columns=columns, cells=rows * columns, limit=MAX_CELLS)
