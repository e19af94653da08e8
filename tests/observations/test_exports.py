"""Exports that a spreadsheet opens safely (OWASP CSV injection) and that keep numbers numbers."""

import csv
import io

import openpyxl
import pytest

from deltawatch.cli import main
from deltawatch.observations.exports import EXPORT_COLUMNS, neutralise, write_export
from deltawatch.observations.services import import_observations

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"点此\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)",
           "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_made_inert(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-3.5, 0, 12, "上海市", "gdp", "", None, "a=b"])
def test_other_values_are_untouched(value):
    assert neutralise(value) is value


def _row(source):
    return ("320000", "江苏省", "energy_per_gdp_change", 2024, -3.5, "%", source, "", "")


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_export_neutralises_text_and_keeps_negative_numbers(text):
    buffer = io.StringIO()
    write_export([_row(text)], "csv", buffer)
    header, row = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert header == EXPORT_COLUMNS
    assert row[6] == "'" + text and row[4] == "-3.5"


@pytest.mark.parametrize("text", HOSTILE)
def test_xlsx_export_writes_text_cells_never_formulas(text):
    buffer = io.BytesIO()
    write_export([_row(text)], "xlsx", buffer)
    buffer.seek(0)
    sheet = openpyxl.load_workbook(buffer).active
    source, value = sheet.cell(row=2, column=7), sheet.cell(row=2, column=5)
    # openpyxl's own XML writer stores a carriage return as a line feed, its lxml writer (when
    # lxml is installed, as python-docx brings it) keeps it; what matters is a text cell, not a formula
    assert source.value in (text, text.replace("\r", "\n")) and source.data_type == "s"
    assert (value.value, value.data_type) == (-3.5, "n")


@pytest.mark.django_db
def test_a_hostile_source_imported_then_exported_stays_inert(write_csv, tmp_path):
    import_observations(write_csv('region,indicator,year,value,source\n上海,gdp,2045,1,"=cmd|\' /C calc\'!A0"\n'))
    out = tmp_path / "out.csv"
    assert main(["export", "--indicator", "gdp", "--region", "310000", "--year", "2045", "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows[0]["source"] == "'=cmd|' /C calc'!A0"
