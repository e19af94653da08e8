"""SDMX-CSV: the text written, the variants read, and the round trip through the importer."""

import pytest

from deltawatch.exchange.sdmx import (
    HEADER,
    SdmxError,
    export_sdmx,
    indicator_codelist,
    read_sdmx,
)

# gdp (1,300 values, sources), rd_intensity (approximate values and notes), land_area (notes),
# population_resident (several sources), urbanization_rate (derived: recomputed, not imported)
CODES = ["gdp", "rd_intensity", "land_area", "population_resident", "urbanization_rate"]


def _frame(rows):
    import pandas as pd

    from deltawatch.observations.exports import EXPORT_COLUMNS

    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


def test_export_writes_sdmx_csv_2_0_rows():
    frame = _frame([("310000", "上海市", "gdp", 2019, 38155.32, "亿元", "统计年鉴", "", ""),
                    ("320000", "江苏省", "rd_intensity", 2022, 3.1, "%", "公报, 2023", "approx", "约3.1%")])
    lines = export_sdmx(frame).split("\r\n")
    assert lines[0] == ",".join(HEADER)
    assert lines[1] == "dataflow,DELTAWATCH:DF_OBSERVATIONS(1.0),I,A,gdp,310000,2019,38155.32,亿元,A,,,统计年鉴"
    # an approximate value is E (estimated) in CL_OBS_STATUS; the comma-bearing source is quoted
    assert lines[2] == 'dataflow,DELTAWATCH:DF_OBSERVATIONS(1.0),I,A,rd_intensity,320000,2022,3.1,%,E,approx,约3.1%,"公报, 2023"'
    assert lines[3] == ""  # RFC 4180: the last record ends with CRLF too


def test_read_gives_the_importer_long_layout_indexed_by_file_row():
    text = export_sdmx(_frame([("310000", "上海市", "gdp", 2019, 0.1 + 0.2, "亿元", "", "lower_bound", "注")]))
    frame = read_sdmx(text)
    assert list(frame.index) == [2]
    row = frame.loc[2]
    assert (row.region_code, row.indicator, row.year, row.unit, row.qualifier, row.note) == (
        "310000", "gdp", "2019", "亿元", "lower_bound", "注")
    assert float(row.value) == 0.1 + 0.2  # repr: the same float, to the last bit


def test_read_sdmx_csv_1_0_with_semicolons_and_labels():
    """SDMX-CSV 1.0 (SDMX 2.1: DATAFLOW first), ';' separated, labels=both headers and codes,
    a blank line skipped, the 3.0 annual period 2019-A1, and a status with no QUALIFIER column."""
    text = ("DATAFLOW;INDICATOR: 指标;REF_AREA: 地区;TIME_PERIOD: 时间;OBS_VALUE;OBS_STATUS\n"
            "ESTAT:X(1.0);gdp: 地区生产总值;310000: 上海市;2019;1,5;P\n"
            "\n"
            "ESTAT:X(1.0);gdp;320000;2019-A1;2;A\n")
    frame = read_sdmx(text)
    assert list(frame.index) == [2, 4]
    assert frame["indicator"].tolist() == ["gdp", "gdp"]
    assert frame["region_code"].tolist() == ["310000", "320000"]
    assert frame["year"].tolist() == ["2019", "2019"]
    assert frame["qualifier"].tolist() == ["preliminary", ""]
    assert frame["value"].tolist() == ["1,5", "2"]  # left for the importer to judge


@pytest.mark.parametrize("text, key, named", [
    ("region,indicator,year,value\n310000,gdp,2019,1\n", "not_sdmx", "region"),
    ("STRUCTURE,STRUCTURE_ID,INDICATOR,TIME_PERIOD,OBS_VALUE\n", "missing_columns", "REF_AREA"),
    (("STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\n"
      "dataflow,A:B(1.0),I,gdp,310000,2019,1\ndataflow,A:B(1.0),D,gdp,310000,2018,\n"), "delete_action", "3"),
    (("STRUCTURE,STRUCTURE_ID,FREQ,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\n"
      "dataflow,A:B(1.0),Q,gdp,310000,2019-Q1,1\n"), "not_annual", "2"),
])
def test_read_refuses_what_is_not_annual_sdmx_observations(text, key, named):
    with pytest.raises(SdmxError) as caught:
        read_sdmx(text, file="x.csv")
    assert caught.value.key == key
    assert named in caught.value.message("zh") and named in caught.value.message("en")
    assert "x.csv" in caught.value.message("en")


def test_indicator_codelist():
    assert indicator_codelist([("gdp", "地区生产总值", "GDP", "亿元")]) == "id,name_zh,name_en,unit\r\ngdp,地区生产总值,GDP,亿元\r\n"


def _current(codes):
    from deltawatch.observations.exports import export_frame

    return export_frame(indicators=codes).drop(columns=["region_name"]).reset_index(drop=True)


def _import_sdmx(text, name="obs.csv"):
    from deltawatch.exchange.commands import SDMX_COLUMNS
    from deltawatch.exchange.importing import Origin, import_long

    frame = read_sdmx(text, file=name)
    return import_long(frame.reset_index(drop=True), Origin([name] * len(frame), list(frame.index), SDMX_COLUMNS),
                       name=name, status="approved")


@pytest.mark.django_db
def test_round_trip_into_a_database_without_these_values():
    from deltawatch.observations.exports import export_frame
    from deltawatch.observations.models import Observation

    before = _current(CODES)
    assert len(before) > 1500 and (before["qualifier"] != "").any() and (before["note"] != "").any()
    text = export_sdmx(export_frame(indicators=CODES))
    Observation.all_periods.filter(indicator__code__in=CODES).delete()
    assert _current(CODES).empty

    outcome, derived = _import_sdmx(text)

    derived_rows = int((before["indicator"] == "urbanization_rate").sum())
    assert derived == derived_rows > 0  # left out: recomputed from the populations
    assert outcome.created == len(before) - derived_rows and outcome.revised == 0
    after = _current(CODES)
    for column in ["region_code", "indicator", "year", "value", "unit", "qualifier", "note"]:
        assert after[column].tolist() == before[column].tolist(), column
    plain = before["indicator"] != "urbanization_rate"  # a derived value's source names its formula
    assert after.loc[plain, "source"].tolist() == before.loc[plain, "source"].tolist()


@pytest.mark.django_db
def test_one_bad_row_writes_nothing_and_is_named_by_its_sdmx_row_and_column():
    from deltawatch.observations.exports import export_frame
    from deltawatch.observations.models import Observation
    from deltawatch.observations.services import ImportFailed

    text = export_sdmx(export_frame(indicators=["gdp"]))
    lines = text.split("\r\n")
    cells = lines[41].split(",")  # row 42 of the file
    cells[HEADER.index("OBS_VALUE")] = "abc"
    lines[41] = ",".join(cells)
    Observation.all_periods.filter(indicator__code="gdp").delete()
    with pytest.raises(ImportFailed) as caught:
        _import_sdmx("\r\n".join(lines), name="gdp.csv")
    problems = caught.value.result.problems
    assert [(p.file, p.row, p.column) for p in problems] == [("gdp.csv", 42, "OBS_VALUE")]
    assert "gdp.csv" in caught.value.report("en") and "42" in caught.value.report("en")
    assert not Observation.all_periods.filter(indicator__code="gdp").exists()


def _run(*argv):
    import argparse

    from deltawatch.exchange import commands

    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh")
    commands.add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


@pytest.mark.django_db
def test_the_commands_export_with_code_lists_and_import_dry_run(tmp_path, capsys):
    from deltawatch.observations.models import Observation

    out = tmp_path / "gdp.csv"
    assert _run("exchange", "export", "--format", "sdmx", "--indicator", "gdp", "--year", "2019", "-o", str(out)) == 0
    values = Observation.objects.filter(indicator__code="gdp", year=2019, is_current=True).count()
    assert values > 40 and out.read_bytes().decode("utf-8").count("\r\n") == 1 + values
    codelist = (tmp_path / "gdp.CL_INDICATOR.csv").read_text(encoding="utf-8")
    assert codelist.splitlines()[1] == "gdp,地区生产总值,Gross regional product (GDP),亿元"
    areas = (tmp_path / "gdp.CL_REF_AREA.csv").read_text(encoding="utf-8").splitlines()
    assert areas[0] == "id,name_zh,name_en,level,parent" and "320500,苏州市,Suzhou,prefecture,320000" in areas
    capsys.readouterr()
    assert _run("--lang", "en", "exchange", "import", str(out), "--format", "sdmx", "--dry-run") == 0
    said = capsys.readouterr().out
    assert f"gdp.csv (long), {values} values read: 0 new, 0 revised, {values} unchanged" in said

    bad = tmp_path / "bad.csv"
    bad.write_text("region,indicator\n", encoding="utf-8")
    assert _run("--lang", "en", "exchange", "import", str(bad), "--format", "sdmx") == 1
    assert "bad.csv is not an SDMX-CSV file" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_open_sdg_command_writes_a_folder(tmp_path):
    assert _run("exchange", "export", "--format", "opensdg", "--indicator", "gdp,land_area", "-o",
                str(tmp_path / "site")) == 0
    assert sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.*")) == [
        "data/indicator_gdp.csv", "data/indicator_land_area.csv", "meta/gdp.md", "meta/land_area.md"]
    assert _run("exchange", "import", str(tmp_path / "site"), "--format", "opensdg", "--dry-run") == 0


@pytest.mark.django_db
def test_a_gbk_file_is_read_as_the_importer_reads_one_and_bad_bytes_are_worded(tmp_path, capsys):
    """Excel on Chinese Windows saves GBK: the file is decoded (its full-width value read), and
    its wrong unit refused by row and column with nothing written; bytes in no encoding are
    refused with the importer's own words, not a traceback."""
    from deltawatch.observations.models import Observation

    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(("STRUCTURE,STRUCTURE_ID,ACTION,FREQ,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\n"
                     "dataflow,DELTAWATCH:DF_OBSERVATIONS(1.0),I,A,gdp,320100,2024,１８６００,亿吨\n").encode("gbk"))
    before = Observation.all_periods.count()
    capsys.readouterr()
    assert _run("exchange", "import", str(gbk), "--format", "sdmx") == 1
    said = capsys.readouterr()
    assert "gbk.csv 第2行" in said.out + said.err and "亿吨" in said.out + said.err
    assert Observation.all_periods.count() == before
    noise = tmp_path / "noise.csv"
    noise.write_bytes(bytes(range(128, 256)) * 3)
    assert _run("exchange", "import", str(noise), "--format", "sdmx") == 1
    assert "无法识别文件的文字编码" in capsys.readouterr().err
