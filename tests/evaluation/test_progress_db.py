"""Progress assessment on the embedded default: hand-checked values, group targets, the
change log and roll-ups (runs on SQLite and PostgreSQL)."""

import io
import json

import pandas as pd
import pytest

from deltawatch.cli import main
from deltawatch.evaluation.models import ProgressAssessment, ProgressRun, StatusChange
from deltawatch.evaluation.services import progress_summary, run_progress
from deltawatch.indicators.models import Indicator, Target
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.observations.services import import_observations
from deltawatch.regions.models import Region, RegionGroup

pytestmark = pytest.mark.django_db
REL = 1e-12


def value(region, indicator, year):
    return Observation.objects.get(region__code=region, indicator__code=indicator, year=year, is_current=True).value


def stored(target):
    return ProgressAssessment.objects.get(method="opensdg", key=f"T{target.pk}")


def target(indicator, *, region=None, group=None):
    return Target.objects.get(indicator__code=indicator, region__code=region, group__code=group)


def test_every_target_is_assessed_once_and_textual_targets_are_not_assessable():
    outcome = run_progress()
    assert ProgressAssessment.objects.filter(method="opensdg", target__isnull=False).count() == Target.objects.count()
    for t in Target.objects.filter(is_numeric=False):
        assert stored(t).status == "not_assessable"
    assert outcome.run.assessed == len(outcome.assessments) == ProgressAssessment.objects.filter(method="opensdg").count()
    assert outcome.run.data_vintage == Observation.objects.filter(is_current=True).latest("id").id


def test_jiangsu_urbanisation_against_a_hand_computation():
    run_progress()
    a = stored(target("urbanization_rate", region="320000"))
    y0, y = value("320000", "urbanization_rate", 2005), value("320000", "urbanization_rate", 2021)
    assert (a.base_year, a.latest_year) == (2005, 2021)
    observed = (y / y0) ** (1 / 16) - 1
    required = (75 / y0) ** (1 / 20) - 1
    assert a.ratio == pytest.approx(observed / abs(required), rel=REL)
    assert a.projected_value == pytest.approx(y * (1 + observed) ** 4, rel=REL)
    assert a.status == "on_track"  # R ≈ 1.21 ≥ 0.95, 73.9 % not yet 75 %


def test_outline_target_on_the_whole_delta_uses_the_members_totals():
    run_progress(base_year=2015)
    a = stored(target("urbanization_rate", group="yrd"))
    provinces = ["310000", "320000", "330000", "340000"]
    urban = sum(value(p, "population_urban", 2021) for p in provinces)
    resident = sum(value(p, "population_resident", 2021) for p in provinces)
    assert a.latest_value == pytest.approx(urban * 100 / resident, rel=REL)
    assert a.base_year == 2015 and a.status == "achieved"


def test_group_target_on_a_sum_indicator(django_user_model):
    group = RegionGroup.objects.create(code="sh_js", name_zh="沪苏", name_en="Shanghai and Jiangsu", kind="other")
    group.members.set(Region.objects.filter(code__in=["310000", "320000"]))
    t = Target.objects.create(indicator=Indicator.objects.get(code="gdp"), group=group, target_year=2030,
                              comparator="ge", value=300000, document="test")
    run_progress(base_year=2015)
    a = stored(t)
    assert a.latest_year == 2022
    assert a.latest_value == pytest.approx(value("310000", "gdp", 2022) + value("320000", "gdp", 2022), rel=REL)
    base = value("310000", "gdp", 2015) + value("320000", "gdp", 2015)
    observed = (a.latest_value / base) ** (1 / 7) - 1
    required = (300000 / base) ** (1 / 15) - 1
    assert a.ratio == pytest.approx(observed / required, rel=REL)


def test_a_new_value_that_changes_a_status_is_logged_with_its_revision(write_csv, django_user_model):
    first = run_progress()
    assert stored(target("urbanization_rate", region="320000")).status == "on_track"
    user = django_user_model.objects.create(username="统计员")
    import_observations(write_csv("region,indicator,year,value,unit\n"
                                  "江苏省,population_urban,2022,4000,万人\n江苏省,population_resident,2022,8500,万人\n"),
                        user=user)
    batch = ImportBatch.objects.latest("id")
    second = run_progress()
    change = StatusChange.objects.get(run=second.run, key=f"T{target('urbanization_rate', region='320000').pk}")
    assert (change.old_status, change.new_status) == ("on_track", "deteriorating")  # 47 % < the 2005 base
    assert change.batch == batch
    assert change.data_revision.indicator.code == "urbanization_rate" and change.data_revision.year == 2022
    assert change.data_revision.batch == batch
    assert change.old_ratio == pytest.approx(first.assessments.set_index("key").loc[change.key, "ratio"], rel=REL)
    assert second.run.changed == len(second.changes) >= 1
    third = run_progress()
    assert third.run.changed == 0 and not StatusChange.objects.filter(run=third.run).exists()


def test_runs_of_different_methods_are_kept_apart():
    run_progress(method="opensdg")
    run_progress(method="escap", base_year=2015)
    assert ProgressAssessment.objects.filter(method="escap").count() == \
        ProgressAssessment.objects.filter(method="opensdg").count()
    assert StatusChange.objects.count() == 0
    escap = ProgressAssessment.objects.get(method="escap", key=f"T{target('urbanization_rate', region='320000').pk}")
    assert escap.current_status is not None and escap.ratio <= 1


def test_jiangsu_regional_coordination_2025_is_one_query():
    run_progress()
    row = progress_summary("dimension", region="320000", dimension="regional_coordination", target_year=2025)
    assert len(row) == 1
    row = row.iloc[0]
    # urbanisation (on track, scored) and the income ratio (no data for a group of Jiangsu's)
    assert (row["assessed"], row["scored"], row["on_track"], row["insufficient_data"]) == (2, 1, 1, 1)
    a = stored(target("urbanization_rate", region="320000"))
    assert row["mean_score"] == pytest.approx(a.score, rel=REL) and row["band"] == "on_track"


# ---- the command ---------------------------------------------------------------------------

CSV_HEADER = ("region_code,indicator,target_year,comparator,target_value,base_year,base_value,latest_year,"
              "latest_value,projected_value,ratio,status,method")


def test_progress_csv_has_the_documented_columns(tmp_path, capsys):
    out = tmp_path / "progress.csv"
    assert main(["progress", "--target-year", "2025", "--format", "csv", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == CSV_HEADER
    frame = pd.read_csv(io.StringIO(text), dtype={"region_code": str})
    assert len(frame) == Target.objects.filter(target_year=2025).count()
    js = frame[(frame["region_code"] == "320000") & (frame["indicator"] == "urbanization_rate")].iloc[0]
    assert js["status"] == "on_track" and js["target_value"] == 75 and js["method"] == "opensdg"


def test_progress_table_is_chinese_by_default_and_english_on_request(capsys):
    assert main(["progress", "--region", "江苏省"]) == 0
    out = capsys.readouterr().out
    assert "江苏省" in out and "按进度推进" in out and "无法量化评估" in out and "完成国家下达目标任务" in out
    assert main(["--lang", "en", "progress", "--group", "长三角全域"]) == 0
    out = capsys.readouterr().out
    assert "Yangtze River Delta" in out and "Insufficient data" in out and "江苏" not in out


def test_progress_json_rollup_and_bad_selection(capsys):
    assert main(["progress", "--group", "yrd", "--format", "json", "--no-save"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["region_code"] for r in rows} == {"yrd"} and all(r["method"] == "opensdg" for r in rows)
    assert not ProgressRun.objects.exists()  # --no-save stores nothing
    assert main(["progress", "--by", "dimension", "--region", "320000", "--format", "csv"]) == 0
    rollup = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(rollup["dimension"]) == set(Target.objects.filter(region__code="320000")
                                           .values_list("indicator__dimension__code", flat=True))
    assert main(["progress", "--region", "火星"]) == 2
    assert "未知的区域" in capsys.readouterr().err


def test_thresholds_are_configuration(capsys):
    # Jiangsu's urbanisation ratio is ≈ 1.21: on track by default, needs acceleration at 1.5
    assert main(["progress", "--region", "320000", "--format", "csv", "--threshold", "on_track=1.5"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"region_code": str})
    assert frame.set_index("indicator").loc["urbanization_rate", "status"] == "acceleration_needed"
    assert ProgressRun.objects.latest("id").thresholds["on_track"] == 1.5
    assert main(["progress", "--threshold", "ontrack=0.9"]) == 2
    assert "on_track" in capsys.readouterr().err


def test_group_per_capita_value_is_population_weighted():
    from deltawatch.evaluation.services import series_values

    values = series_values().set_index(["region_code", "indicator", "year"])["value"]
    provinces = ["310000", "320000", "330000", "340000"]
    weights = [value(p, "population_resident", 2019) for p in provinces]
    expected = sum(w * value(p, "gdp_per_capita", 2019) for p, w in zip(provinces, weights)) / sum(weights)
    assert values[("yrd", "gdp_per_capita", 2019)] == pytest.approx(expected, rel=REL)
