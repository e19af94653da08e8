"""Progress assessment on the embedded default: hand-checked values, group targets, the
change log and roll-ups (runs on SQLite and PostgreSQL)."""

import io
import json

import numpy as np
import pandas as pd
import pytest

from deltawatch.cli import main
from deltawatch.progress.models import ProgressAssessment, ProgressRun, StatusChange
from deltawatch.progress.services import document_base_years, progress_summary, run_progress
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


def latest_year(region, indicator):
    return Observation.objects.filter(region__code=region, indicator__code=indicator, is_current=True) \
        .order_by("-year").values_list("year", flat=True).first()


def test_jiangsu_urbanisation_against_a_hand_computation():
    # Jiangsu's plan states one base year, "单位GDP能耗较2017年下降10-11%": its other targets are
    # measured from 2017 too (not from 2005, the first year of the series).
    run_progress()
    a = stored(target("urbanization_rate", region="320000"))
    t = latest_year("320000", "urbanization_rate")
    y0, y = value("320000", "urbanization_rate", 2017), value("320000", "urbanization_rate", t)
    assert (a.plan_base_year, a.base_year_source, a.base_year, a.latest_year) == (2017, "document", 2017, t)
    observed = (y / y0) ** (1 / (t - 2017)) - 1
    required = (75 / y0) ** (1 / (2025 - 2017)) - 1
    assert a.ratio == pytest.approx(observed / abs(required), rel=REL)
    assert a.projected_value == pytest.approx(y * (1 + observed) ** (2025 - t), rel=REL)
    assert a.status == "on_track"  # 68.8 % (2017) → 73.9 % (2021): R ≈ 1.68 ≥ 0.95, not yet 75 %


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
                        user=user, status="approved")  # runs read approved values only
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
    # the roll-up is the mean of the stored scores of Jiangsu's 2025 targets in the dimension
    rows = ProgressAssessment.objects.filter(method="opensdg", region__code="320000", target__isnull=False,
                                             target_year=2025, indicator__dimension__code="regional_coordination")
    scores = [r.score for r in rows if r.score is not None]
    assert row["assessed"] == rows.count() >= 2 and row["scored"] == len(scores) >= 1
    assert row["on_track"] == rows.filter(status="on_track").count() >= 1  # urbanisation
    assert row["mean_score"] == pytest.approx(sum(scores) / len(scores), rel=REL)


# ---- the command ---------------------------------------------------------------------------

CSV_HEADER = ("region_code,indicator,target_year,comparator,target_value,plan_base_year,base_year_source,base_year,"
              "base_value,latest_year,latest_value,projected_value,ratio,status,method")


def test_progress_csv_has_the_documented_columns(tmp_path, capsys):
    out = tmp_path / "progress.csv"
    assert main(["progress", "--target-year", "2025", "--format", "csv", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == CSV_HEADER
    frame = pd.read_csv(io.StringIO(text), dtype={"region_code": str})
    assert len(frame) == Target.objects.filter(target_year=2025).count()
    js = frame[(frame["region_code"] == "320000") & (frame["indicator"] == "urbanization_rate")].iloc[0]
    assert js["status"] == "on_track" and js["target_value"] == 75 and js["method"] == "opensdg"
    assert (js["plan_base_year"], js["base_year_source"], js["base_year"]) == (2017, "document", 2017)


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
    # Jiangsu's urbanisation is on track by default (R ≥ 0.95); with on_track just above its R
    # it needs acceleration (R ≥ 0.60)
    ratio = run_progress(save=False).assessments.set_index("key").loc[
        f"T{target('urbanization_rate', region='320000').pk}", "ratio"]
    assert 0.95 <= ratio
    on_track = round(ratio + 0.05, 2)
    assert main(["progress", "--region", "320000", "--format", "csv", "--threshold", f"on_track={on_track}"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"region_code": str})
    assert frame.set_index("indicator").loc["urbanization_rate", "status"] == "acceleration_needed"
    assert ProgressRun.objects.latest("id").thresholds["on_track"] == on_track
    assert main(["progress", "--threshold", "ontrack=0.9"]) == 2
    assert "on_track" in capsys.readouterr().err


def test_group_per_capita_value_is_population_weighted():
    from deltawatch.progress.services import series_values

    values = series_values().set_index(["region_code", "indicator", "year"])["value"]
    provinces = ["310000", "320000", "330000", "340000"]
    weights = [value(p, "population_resident", 2019) for p in provinces]
    expected = sum(w * value(p, "gdp_per_capita", 2019) for p, w in zip(provinces, weights)) / sum(weights)
    assert values[("yrd", "gdp_per_capita", 2019)] == pytest.approx(expected, rel=REL)


# ---- base year and ESCAP fit window (issue 10, item 8) ---------------------------------------

def test_document_base_years_are_the_single_year_a_document_states():
    targets = pd.DataFrame({"document": ["outline", "outline", "outline", "mixed", "mixed", "none"],
                            "baseline_year": [2017, None, 2017, 2015, 2017, None]})
    # outline: 2017 twice → 2017; mixed names two years → no single base year; none → none
    assert document_base_years(targets).to_dict() == {"outline": 2017.0}


def test_each_row_records_its_base_year_and_where_it_came_from(django_user_model):
    own = Target.objects.create(indicator=Indicator.objects.get(code="gdp"), region=Region.objects.get(code="310000"),
                                target_year=2030, comparator="ge", value=80000, base_year=2010, document="test plan")
    outcome = run_progress(untargeted=True)
    assert (outcome.run.base_year, outcome.run.default_base_year, outcome.run.fit_start_year) == (None, 2015, 2000)
    # the target's own plan base year
    a = stored(own)
    assert (a.plan_base_year, a.base_year_source, a.base_year) == (2010, "target", 2010)
    y0, t = value("310000", "gdp", 2010), latest_year("310000", "gdp")
    observed = (value("310000", "gdp", t) / y0) ** (1 / (t - 2010)) - 1
    required = (80000 / y0) ** (1 / 20) - 1
    assert a.ratio == pytest.approx(observed / required, rel=REL)
    # a relative target's baseline year ("较2017年下降10%")
    energy = stored(target("energy_per_gdp", group="yrd"))
    assert (energy.plan_base_year, energy.base_year_source) == (2017, "baseline")
    # the outline names 2017 for its energy target: its other targets take 2017 too
    yrd = stored(target("urbanization_rate", group="yrd"))
    assert (yrd.plan_base_year, yrd.base_year_source, yrd.base_year) == (2017, "document", 2017)
    # a series without a target: the default base year 2015
    free = ProgressAssessment.objects.get(method="opensdg", key="N:gdp:320000")
    assert (free.plan_base_year, free.base_year_source, free.base_year) == (2015, "default", 2015)
    # no default: the first year with data
    run_progress(default_base_year=None, untargeted=True)
    free = ProgressAssessment.objects.get(method="opensdg", key="N:gdp:320000")
    first = Observation.objects.filter(region__code="320000", indicator__code="gdp", is_current=True) \
        .order_by("year").values_list("year", flat=True).first()
    assert (free.plan_base_year, free.base_year_source, free.base_year) == (None, "first_year", first)
    assert ProgressRun.objects.latest("id").default_base_year is None
    # a base year for the run overrides every other
    run_progress(base_year=2012)
    assert set(ProgressAssessment.objects.filter(method="opensdg").values_list("base_year_source", flat=True)) == \
        {"option"}
    assert stored(own).plan_base_year == 2012


def test_escap_fits_since_2000_and_measures_from_the_plan_base_year():
    # Jiangsu's urbanisation, ≥ 75 % in 2025, base year 2017 (the plan's). The anticipated value
    # is a weighted least-squares line through every value since 2000 (the series starts in
    # 2005), weights (T − t_min)/(T − t), fitted here with numpy.polyfit (whose weights multiply
    # the residuals, hence the square root).
    outcome = run_progress(method="escap")
    assert outcome.run.fit_start_year == 2000
    a = ProgressAssessment.objects.get(method="escap", key=f"T{target('urbanization_rate', region='320000').pk}")
    years, values = zip(*Observation.objects.filter(region__code="320000", indicator__code="urbanization_rate",
                                                    is_current=True, year__gte=2000).order_by("year")
                        .values_list("year", "value"))
    years, values = np.array(years, dtype=float), np.array(values)
    assert years[0] < 2017 and years[-1] < 2025
    weights = (2025 - years[0]) / (2025 - years)
    predicted = np.polyval(np.polyfit(years, values, 1, w=np.sqrt(weights)), 2025)
    y0 = value("320000", "urbanization_rate", 2017)
    assert a.base_year == 2017 and a.projected_value == pytest.approx(predicted, rel=1e-9)
    assert a.ratio == pytest.approx(min((predicted - y0) / (75 - y0), 1.0), rel=1e-9)
    assert a.current_status == pytest.approx((values[-1] - y0) / (75 - y0), rel=REL)
    # fitted from the base year only (the old rule) the prediction differs
    run_progress(method="escap", fit_start=None)
    b = ProgressAssessment.objects.get(method="escap", key=a.key)
    assert ProgressRun.objects.latest("id").fit_start_year is None
    late = years >= 2017
    w = (2025 - 2017) / (2025 - years[late])
    assert b.projected_value == pytest.approx(np.polyval(np.polyfit(years[late], values[late], 1, w=np.sqrt(w)), 2025),
                                              rel=1e-9)
    assert abs(b.projected_value - a.projected_value) > 0.01


def test_unsd_untargeted_series_use_unsds_thresholds():
    # UNSD without a target: v = d·CAGR ≥ 2 % on track, ≥ 0.5 % acceleration, ≥ 0 limited, < 0 deteriorating
    run_progress(method="unsd", untargeted=True)
    rows = pd.DataFrame(ProgressAssessment.objects.filter(method="unsd", rule="no_target", target__isnull=True)
                        .values("ratio", "status"))
    assert len(rows) > 100
    expected = np.select([rows["ratio"] >= 0.02, rows["ratio"] >= 0.005, rows["ratio"] >= 0],
                         ["on_track", "acceleration_needed", "limited_progress"], "deteriorating")
    assert (rows["status"] == expected).all()
    # series that Open SDG's 1.5 % would call on track and UNSD does not
    assert ((rows["ratio"] >= 0.015) & (rows["ratio"] < 0.02)).any()


def test_progress_table_and_run_show_the_base_year(capsys):
    assert main(["progress", "--region", "320000", "--target-year", "2025", "--fit-start", "2005",
                 "--default-base-year", "2016", "--method", "escap"]) == 0
    out = capsys.readouterr().out
    assert "评估基期" in out and "2017（文件所注基年）" in out and "2017（目标基年）" in out
    run = ProgressRun.objects.latest("id")
    assert (run.fit_start_year, run.default_base_year) == (2005, 2016)
    assert main(["--lang", "en", "progress", "--region", "320000", "--target-year", "2025", "--no-save"]) == 0
    out = capsys.readouterr().out
    assert "Base year" in out and "2017 (year the document states)" in out


def test_a_run_stores_what_was_asked():
    """Without --untargeted only the targets are assessed and stored; with it, every series too."""
    outcome = run_progress()
    assert outcome.run.assessed == Target.objects.count() == ProgressAssessment.objects.filter(method="opensdg").count()
    assert not ProgressAssessment.objects.filter(method="opensdg", target__isnull=True).exists()
    run_progress(untargeted=True)
    untargeted = ProgressAssessment.objects.filter(method="opensdg", target__isnull=True).count()
    assert untargeted > 100 and ProgressRun.objects.latest("id").assessed == Target.objects.count() + untargeted
