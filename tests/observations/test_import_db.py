"""Imports into the database: revisions, all-or-nothing, derived values, idempotence."""

import pytest

from deltawatch.audit.context import acting_as
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.observations.services import ImportFailed, import_observations

pytestmark = pytest.mark.django_db


def current(region, indicator, year):
    return Observation.objects.get(region__code=region, indicator__code=indicator, year=year, is_current=True)


def snapshot():
    return Observation.objects.count(), ImportBatch.objects.count()


def test_new_values_then_same_file_changes_nothing(write_csv, django_user_model):
    user = django_user_model.objects.create(username="nj_stats")
    path = write_csv("region,indicator,year,value,unit,source\n南京,gdp,2030,2000000,万元,test\n苏州市,gdp,2030,300,亿元,test\n")
    outcome = import_observations(path, user=user)
    assert (outcome.created, outcome.revised, outcome.unchanged) == (2, 0, 0)
    nanjing = current("320100", "gdp", 2030)
    assert nanjing.value == pytest.approx(200.0, rel=1e-12)  # 2,000,000 万元 = 200 亿元
    assert (nanjing.value_supplied, nanjing.unit_supplied, nanjing.recorded_by) == ("2000000", "万元", user)
    before = snapshot()
    again = import_observations(path, user=user)
    assert (again.created, again.revised, again.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_changed_value_becomes_a_revision_and_keeps_the_old(write_csv):
    import_observations(write_csv("region,indicator,year,value\n310000,gdp,2031,100\n"))
    outcome = import_observations(write_csv("region,indicator,year,value\n上海市,gdp,2031,101.5\n", "v2.csv"))
    assert outcome.revised == 1
    rows = list(Observation.objects.filter(region__code="310000", indicator__code="gdp", year=2031).order_by("revision"))
    assert [(r.revision, r.value, r.is_current) for r in rows] == [(1, 100.0, False), (2, 101.5, True)]
    assert rows[0].batch != rows[1].batch


def test_any_error_writes_nothing_and_names_row_and_column(write_csv):
    before = snapshot()
    path = write_csv("region,indicator,year,value\n上海,gdp,2032,1\n南京,gdp,2032,abc\n")
    with pytest.raises(ImportFailed) as caught:
        import_observations(path)
    assert snapshot() == before
    zh, en = caught.value.report("zh"), caught.value.report("en")
    assert "第3行" in zh and "abc" in zh and "未写入" in zh
    assert "row 3" in en and "abc" in en


def test_dry_run_counts_but_writes_nothing(write_csv):
    before = snapshot()
    outcome = import_observations(write_csv("region,indicator,year,value\n上海,gdp,2033,1\n"), dry_run=True)
    assert outcome.created == 1 and outcome.dry_run
    assert snapshot() == before


def test_derived_indicator_follows_its_inputs(write_csv):
    import_observations(write_csv(
        "region,indicator,year,value,unit\n上海,population_urban,2035,2000,万人\n上海,population_resident,2035,2500,万人\n"
    ))
    assert current("310000", "urbanization_rate", 2035).value == pytest.approx(80.0, rel=1e-12)
    import_observations(write_csv("region,indicator,year,value,unit\n上海,population_urban,2035,2250,万人\n", "b.csv"))
    rate = current("310000", "urbanization_rate", 2035)
    assert rate.value == pytest.approx(90.0, rel=1e-12) and rate.revision == 2
    assert rate.source.startswith("派生")


def test_derived_indicator_cannot_be_imported(write_csv):
    with pytest.raises(ImportFailed) as caught:
        import_observations(write_csv("region,indicator,year,value\n上海,urbanization_rate,2034,80\n"))
    assert [p.code for p in caught.value.result.problems] == ["derived_indicator"]


def test_change_records_name_the_user_and_the_old_value(django_user_model):
    from deltawatch.audit.models import ChangeRecord
    from deltawatch.indicators.models import Indicator

    user = django_user_model.objects.create(username="catalogue_editor")
    indicator = Indicator.objects.get(code="gdp")
    old_name = indicator.name_en
    with acting_as(user):
        indicator.name_en = "Gross regional product"
        indicator.save()
    record = ChangeRecord.objects.filter(object_id=str(indicator.pk), content_type__model="indicator").first()
    assert record.user == user and record.action == "update"
    assert record.changes == {"name_en": [old_name, "Gross regional product"]}


BAD_FILES = {
    "unknown_region": "region,indicator,year,value\n上海,gdp,2030,1\n火星市,gdp,2030,2\n",
    "unknown_indicator": "region,indicator,year,value\n上海,gdp,2030,1\n上海,gpd,2031,2\n",
    "blank_value": "region,indicator,year,value\n上海,gdp,2030,1\n南京,gdp,2030,\n",
    "not_a_number": "region,indicator,year,value\n上海,gdp,2030,1\n南京,gdp,2030,约100\n",
    "duplicate_key": "region,indicator,year,value\n上海,gdp,2030,1\n310000,gdp,2030,2\n",
    "incompatible_unit": "region,indicator,year,value,unit\n上海,gdp,2030,1,亿元\n南京,gdp,2030,2,万人\n",
    "year_out_of_range": "region,indicator,year,value\n上海,gdp,2030,1\n南京,gdp,2300,2\n",
    "empty_file": "",
    "region_not_valid": "region,indicator,year,value\n上海,gdp,2030,1\n341400,gdp,2030,2\n",
}


@pytest.mark.parametrize("expected", sorted(BAD_FILES))
def test_bad_csv_writes_nothing(write_csv, expected):
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        import_observations(write_csv(BAD_FILES[expected]))
    assert expected in {p.code for p in caught.value.result.problems}
    assert snapshot() == before


def test_bad_gbk_file_writes_nothing_and_reports_in_chinese(write_csv):
    before = snapshot()
    path = write_csv("地区,指标,年份,数值\n上海市,地区生产总值,2030,\"３８，１５５．３２\"\n南京市,地区生产总值,2030,缺失\n",
                     encoding="gbk")
    with pytest.raises(ImportFailed) as caught:
        import_observations(path)
    assert [(p.code, p.row, p.column) for p in caught.value.result.problems] == [("not_a_number", 3, "数值")]
    assert snapshot() == before


def test_merged_header_xlsx_with_one_bad_cell_writes_nothing(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["地区", "地区生产总值(亿元)", None])
    sheet.append([None, "2030", "2031"])
    sheet.append(["苏州市", "30000", "31000"])
    sheet.append(["无锡市", "15000", "一万六"])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:C1")
    path = tmp_path / "yearbook.xlsx"
    book.save(path)
    before = snapshot()
    with pytest.raises(ImportFailed) as caught:
        import_observations(path)
    assert [(p.code, p.row, p.column, p.value) for p in caught.value.result.problems] == [
        ("not_a_number", 4, "2031", "一万六")]
    assert snapshot() == before
    sheet["C4"] = "16000"
    book.save(path)
    outcome = import_observations(path)
    assert (outcome.layout, outcome.created) == ("wide_years", 4)
    assert current("320200", "gdp", 2031).value == 16000.0


def test_same_key_written_two_ways_is_a_duplicate(write_csv):
    path = write_csv("地区,指标,年份,数值\n上海,地区生产总值,2030,1\n310000,gdp,2030,3\n")
    with pytest.raises(ImportFailed) as caught:
        import_observations(path)
    [problem] = caught.value.result.problems
    assert (problem.code, problem.row, problem.params["other_row"]) == ("duplicate_key", 3, 2)


def test_qualifier_and_note_are_stored_and_a_changed_qualifier_is_a_revision(write_csv):
    header = "地区,指标,年份,数值,单位,数值性质,备注\n"
    import_observations(write_csv(header + "江苏,rd_intensity,2040,3.2,%,左右,原文：3.2%左右\n"))
    first = current("320000", "rd_intensity", 2040)
    assert (first.value, first.qualifier, first.note) == (3.2, "approx", "原文：3.2%左右")
    # the final figure: same number, now exact — a new revision, the approximate one kept
    outcome = import_observations(write_csv(header + "江苏,rd_intensity,2040,3.2,%,,统计公报\n", "final.csv"))
    assert outcome.revised == 1
    rows = Observation.objects.filter(region__code="320000", indicator__code="rd_intensity", year=2040)
    assert sorted(rows.values_list("revision", "qualifier", "is_current")) == [(1, "approx", False), (2, "", True)]


def test_a_file_without_a_note_column_keeps_the_notes(write_csv):
    import_observations(write_csv("region,indicator,year,value,note\n上海,gdp,2041,5,初步核算\n"))
    outcome = import_observations(write_csv("region,indicator,year,value\n上海,gdp,2041,5\n", "plain.csv"))
    assert (outcome.revised, outcome.unchanged) == (0, 1)
    assert current("310000", "gdp", 2041).note == "初步核算"


def test_an_unknown_qualifier_is_refused_with_its_row(write_csv):
    before = snapshot()
    path = write_csv("region,indicator,year,value,qualifier\n上海,gdp,2042,5,约\n上海,gdp,2043,6,大概吧\n")
    with pytest.raises(ImportFailed) as caught:
        import_observations(path)
    assert snapshot() == before
    report = caught.value.report("zh")
    assert "第3行" in report and "大概吧" in report and "数值性质" in report
