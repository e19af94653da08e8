"""The Open SDG data layout: files written, files refused, and the round trip through the importer."""

import zipfile

import pandas as pd
import pytest

from deltawatch.exchange.opensdg import (
    OpenSdgError,
    export_opensdg,
    read_opensdg,
    write_files,
)
from deltawatch.observations.exports import EXPORT_COLUMNS

CODES = ["gdp", "rd_intensity", "land_area", "expressway_length"]


def _frame(rows):
    return pd.DataFrame(rows, columns=EXPORT_COLUMNS)


def test_one_data_and_one_metadata_file_per_indicator():
    frame = _frame([("310000", "上海市", "gdp", 2019, 38155.32, "亿元", "年鉴", "", ""),
                    ("320000", "江苏省", "gdp", 2019, 99631.52, "亿元", "年鉴", "", ""),
                    ("320000", "江苏省", "rd_intensity", 2022, 3.1, "%", "公报", "approx", "约3.1%")])
    files = export_opensdg(frame, {"gdp": {"name_zh": "地区生产总值", "name_en": "GDP", "unit": "亿元"}})
    assert sorted(files) == ["data/indicator_gdp.csv", "data/indicator_rd_intensity.csv", "meta/gdp.md",
                             "meta/rd_intensity.md"]
    assert files["data/indicator_gdp.csv"] == ("Year,Units,Region,GeoCode,Value\n"
                                               "2019,亿元,上海市,310000,38155.32\n2019,亿元,江苏省,320000,99631.52\n")
    # the observation attributes only where a value has one
    assert files["data/indicator_rd_intensity.csv"] == ("Year,Units,Region,GeoCode,OBS_STATUS,COMMENT_OBS,Value\n"
                                                        "2022,%,江苏省,320000,approx,约3.1%,3.1\n")
    meta = files["meta/gdp.md"]
    assert meta.startswith("---\n") and 'indicator_name: "地区生产总值"' in meta
    assert 'computation_units: "亿元"' in meta and 'source_organisation_1: "年鉴"' in meta


def test_read_a_folder_with_another_system_s_columns(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "indicator_gdp.csv").write_text(
        "Year,Region,GeoCode,Units,Value\n2019,上海市,310000,亿元,1\n2020,苏州,,亿元,2\n", encoding="utf-8")
    frame, files, rows = read_opensdg(tmp_path)
    assert frame["region_code"].tolist() == ["310000", "苏州"]  # no GeoCode: the name, resolved by the importer
    assert frame["indicator"].tolist() == ["gdp", "gdp"] and frame["unit"].tolist() == ["亿元", "亿元"]
    assert files == ["data/indicator_gdp.csv"] * 2 and rows == [2, 3]


def test_read_refuses_other_breakdowns_and_headline_rows(tmp_path):
    (tmp_path / "indicator_gdp.csv").write_text(
        "Year,Sex,GeoCode,Value\n2019,,310000,1\n2019,female,310000,2\n2019,,,3\n", encoding="utf-8")
    with pytest.raises(OpenSdgError) as caught:
        read_opensdg(tmp_path)
    assert [key for key, _ in caught.value.lines] == ["other_breakdown", "no_region"]
    message = caught.value.message("en")
    assert "row 3" in message and "Sex" in message and "row 4" in message
    with pytest.raises(OpenSdgError) as nothing:
        read_opensdg(tmp_path / "nothing-here")
    assert nothing.value.lines[0][0] == "no_files"


def _current(codes):
    from deltawatch.observations.exports import export_frame

    return export_frame(indicators=codes).drop(columns=["region_name"]).reset_index(drop=True)


@pytest.mark.django_db
def test_round_trip_through_a_zip(tmp_path):
    from deltawatch.exchange.importing import Origin, import_long
    from deltawatch.exchange.opensdg import OPENSDG_COLUMNS
    from deltawatch.indicators.models import Indicator
    from deltawatch.observations.exports import export_frame
    from deltawatch.observations.models import Observation

    before = _current(CODES)
    assert (before["qualifier"] != "").any() and (before["note"] != "").any()
    info = {i.code: {"name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit} for i in Indicator.objects.all()}
    write_files(export_opensdg(export_frame(indicators=CODES), info), tmp_path / "osdg.zip")
    assert len(zipfile.ZipFile(tmp_path / "osdg.zip").namelist()) == 2 * len(CODES)
    Observation.all_periods.filter(indicator__code__in=CODES).delete()

    frame, files, rows = read_opensdg(tmp_path / "osdg.zip")
    outcome, derived = import_long(frame, Origin(files, rows, OPENSDG_COLUMNS), name="osdg.zip", status="approved")

    assert (outcome.created, outcome.revised, derived) == (len(before), 0, 0)
    after = _current(CODES)
    for column in ["region_code", "indicator", "year", "value", "unit", "qualifier", "note"]:
        assert after[column].tolist() == before[column].tolist(), column
    # a value's source comes back where its indicator has one source (gdp has three)
    sources = before.groupby("indicator")["source"].nunique()
    single = before["indicator"].map(sources) == 1
    assert single.any() and (~single).any()
    assert after.loc[single, "source"].tolist() == before.loc[single, "source"].tolist()
    assert (after.loc[~single, "source"] == "").all()


@pytest.mark.django_db
def test_a_bad_value_is_named_by_its_file_and_row(tmp_path):
    from deltawatch.exchange.importing import Origin, import_long
    from deltawatch.exchange.opensdg import OPENSDG_COLUMNS
    from deltawatch.observations.models import Observation
    from deltawatch.observations.services import ImportFailed

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "indicator_gdp.csv").write_text("Year,GeoCode,Value\n2040,310000,1\n", encoding="utf-8")
    (folder / "indicator_land_area.csv").write_text("Year,GeoCode,Value\n2040,310000,1\n2041,310000,x\n",
                                                     encoding="utf-8")
    frame, files, rows = read_opensdg(tmp_path)
    with pytest.raises(ImportFailed) as caught:
        import_long(frame, Origin(files, rows, OPENSDG_COLUMNS), name="data")
    problems = caught.value.result.problems
    assert [(p.file, p.row, p.column, p.code) for p in problems] == [("data/indicator_land_area.csv", 3, "Value", "not_a_number")]
    assert not Observation.all_periods.filter(year=2040).exists()
