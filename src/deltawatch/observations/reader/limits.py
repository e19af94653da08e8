"""Bounds on what the reader will read, expand and accept — each with its reason.

A file is refused, with a message naming the bound, before the reader spends memory on
more than these (a hostile XLSX of 820 KB can declare 839 MB of shared strings; a CSV line
of a million commas is a million columns). The bounds are far above any statistics table
this application imports: the import benchmark's long CSV of 1,000,000 values has 6
columns (6 million cells) and 60 MB.
"""

from __future__ import annotations

MiB = 2 ** 20

# Any file, on disk: four times the million-row benchmark CSV.
MAX_FILE_BYTES = 256 * MiB

# XLSX is a ZIP of XML parts. Python's ``zipfile`` never inflates a part beyond the size its
# directory declares (it stops with a CRC error), so checking the declared sizes bounds the
# expansion. 512 MiB of XML is a sheet of some 1.7 million rows as openpyxl writes them.
MAX_ZIP_UNCOMPRESSED_BYTES = 512 * MiB
# The shared strings are held in memory whole (openpyxl); the sheet XML is streamed.
MAX_SHARED_STRINGS_BYTES = 64 * MiB
# Inflation ratio of one part. Spreadsheet XML deflates 5–20× (an openpyxl sheet of 100,000
# identical rows: 15×); Apache POI refuses beyond 100× (ZipSecureFile.MIN_INFLATE_RATIO = 0.01)
# and so do we, for parts of at least 1 MiB (tiny parts may deflate better and harm nothing).
MAX_ZIP_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1 * MiB
# A workbook has tens of parts; a ZIP directory of millions is itself an attack.
MAX_ZIP_MEMBERS = 10_000

# Columns of a table: Excel's own limit (XFD).
MAX_COLUMNS = 16_384
# Rows: Excel's own limit, for XLSX (a CSV is bounded by its cells).
MAX_XLSX_ROWS = 1_048_576
# Cells of the grid (rows × columns): the million-row benchmark file with all eight long-layout
# columns (region, indicator, year, value, unit, source, qualifier, note) is 8 million.
MAX_CELLS = 10_000_000
# Characters in one cell that is read: a source or note is a sentence or a citation, a value
# or a name is shorter still. Stored whole in the database (text columns) up to this.
MAX_CELL_CHARS = 2_000

# A value whose magnitude exceeds this in its indicator's unit is refused as implausible:
# ten times China's 2023 GDP counted in yuan (1.26e14 元); no regional statistic in any unit of
# the catalogue (元, 人, 吨, 万美元 …) comes near it, while a unit or decimal-point slip does.
MAX_PLAUSIBLE_MAGNITUDE = 1e15
