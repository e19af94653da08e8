"""Composite indices on the system's own data: the shipped YRD example, stored runs."""

import numpy as np
import pandas as pd
import pytest

from deltawatch.cli import main
from deltawatch.indices.commands import load
from deltawatch.indices.commands import packaged_specs
from deltawatch.indices.services import frame_from_database, save_build
from deltawatch.indices.models import IndexRankInterval, IndexRun, IndexScore, IndexSensitivity
from deltawatch.methods.index import build
from deltawatch.observations.models import Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def hqd():
    return load("yrd_hqd")


def value(region, indicator, year=2017):
    return Observation.objects.get(region__code=region, indicator__code=indicator, year=year, is_current=True).value


def test_the_yrd_example_is_shipped(hqd):
    assert "yrd_hqd" in packaged_specs()
    assert [hqd.node(c).name for c in hqd.children["HQD"]] == ["创新发展", "协调发展", "绿色发展", "开放发展", "共享发展"]


def test_the_database_frame_has_every_city_and_the_spec_columns(hqd):
    frame, vintage = frame_from_database(hqd, years=[2017])
    assert len(frame) == 41 and frame["region_code"].is_unique
    assert {"region_code", "region_name", "year", "province", "gdp", "co2_emissions", "employed_persons_units"} <= \
        set(frame.columns)
    assert frame.set_index("region_code").loc["310000", "province"] == "上海市"
    assert frame.set_index("region_code").loc["320500", "province"] == "江苏省"
    assert vintage == Observation.objects.filter(
        is_current=True, year=2017, indicator__code__in=frame.columns, region__groups__code="yrd41"
    ).order_by("-id").values_list("id", flat=True).first()


def test_the_example_builds_on_2017_with_hand_checked_values(hqd):
    frame, _ = frame_from_database(hqd, years=[2017])
    result = build(hqd, frame)
    assert len(result.scores) == 41 and not result.excluded
    denominated = result.datasets["Denominated"].xs(2017, level="year")
    # labour productivity = GDP (亿元) / employed persons in units (万人) = 万元 per person
    assert denominated.loc["320500", "labour_productivity"] == pytest.approx(
        value("320500", "gdp") / value("320500", "employed_persons_units"), rel=1e-12)
    # Zhejiang's cities lack the tertiary share in 2017: no province mean, so the all-city mean
    imputed = result.imputed
    zhejiang = imputed[(imputed["indicator"] == "share_tertiary_gdp")]
    assert len(zhejiang) == 11 and zhejiang["unit_code"].str.startswith("33").all()
    assert result.weights.set_index("node").loc["innovation", "share"] == pytest.approx(0.2)
    ranks = result.ranks.xs(2017, level="year")["HQD"]
    assert ranks.loc["310000"] == 1 and ranks.max() <= 41


def test_database_and_file_inputs_give_one_result(hqd, tmp_path):
    frame, _ = frame_from_database(hqd, years=[2017])
    path = tmp_path / "hqd2017.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    out_db, out_file = tmp_path / "db.csv", tmp_path / "file.csv"
    assert main(["index", "build", "yrd_hqd", "--year", "2017", "--out", str(out_db)]) == 0
    assert main(["index", "build", "yrd_hqd", "--data", str(path), "--out", str(out_file)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out_db, dtype={"unit_code": str}),
                                  pd.read_csv(out_file, dtype={"unit_code": str}))


def test_a_saved_build_keeps_its_spec_data_hash_and_scores(hqd, django_user_model):
    frame, vintage = frame_from_database(hqd, years=[2017])
    result = build(hqd, frame)
    user = django_user_model.objects.create(username="analyst")
    run = save_build(result, source="database", vintage=vintage, user=user)
    assert run.spec_digest == hqd.digest() and run.data_hash == result.data_hash and run.data_vintage == vintage
    assert run.years == [2017] and run.run_by == user and run.kind == "build"
    assert IndexScore.objects.filter(run=run).count() == 41 * 16
    shanghai = IndexScore.objects.get(run=run, unit_code="310000", node="HQD")
    assert shanghai.rank == 1 and shanghai.region.name_zh == "上海市" and shanghai.level == 3
    assert shanghai.score == pytest.approx(result.scores.loc[("310000", 2017), "HQD"])
    again = build(hqd.__class__.from_dict(run.spec), frame)  # the stored spec rebuilds the stored scores
    assert again.data_hash == run.data_hash
    np.testing.assert_allclose(again.scores["HQD"], result.scores["HQD"], rtol=0)


def test_uncertainty_and_sensitivity_are_saved_from_the_command_line(capsys):
    assert main(["index", "uncertainty", "yrd_hqd", "--year", "2017", "--runs", "60", "--save"]) == 0
    run = IndexRun.objects.filter(kind="uncertainty").latest("id")
    assert run.runs == 60 and run.target == "HQD" and run.summary["failed_runs"] == 0
    intervals = IndexRankInterval.objects.filter(run=run)
    assert intervals.count() == 41
    first = intervals.get(unit_code="310000")
    assert first.nominal_rank == 1 and first.q05_rank <= first.median_rank <= first.q95_rank
    assert main(["index", "sensitivity", "yrd_hqd", "--year", "2017", "-N", "8", "--save"]) == 0
    run = IndexRun.objects.filter(kind="sensitivity").latest("id")
    assert set(IndexSensitivity.objects.filter(run=run).values_list("factor", flat=True)) == {
        "winmax", "normalisation", "indicator_weights", "dimension_weights", "aggregation"}
    assert "已保存为指数运行" in capsys.readouterr().err
