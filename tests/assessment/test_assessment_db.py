"""The assessment app on the database: a run of a scheme stores every unit with its interval and
what it lacks; it regenerates the same; bonus items need a reason; benchmarks stay within the
scheme's units; the CLI's CSV has the columns the issue names."""

import io
import json
from contextlib import redirect_stdout

import pytest

from deltawatch.assessment import services
from deltawatch.assessment.commands import CSV_COLUMNS
from deltawatch.assessment.models import Adjustment, BenchmarkPair, PeerGroup, Scheme
from deltawatch.cli import main
from deltawatch.regions.models import Region, RegionGroup

pytestmark = pytest.mark.django_db

DEFINITION = {
    "components": [{"code": "level", "kind": "index", "spec": "yrd_hqd", "weight": 0.6},
                   {"code": "progress", "kind": "progress", "weight": 0.2},
                   {"code": "tasks", "kind": "tasks", "weight": 0.2}],
    "runs": 60, "seed": 3,
}


@pytest.fixture
def scheme():
    return Scheme.objects.create(code="t41", name_zh="测试方案", group=RegionGroup.objects.get(code="yrd41"),
                                 level="", year=2017, definition=DEFINITION)


def test_a_run_stores_every_unit_with_its_interval_and_what_it_lacks(scheme):
    run = services.run_scheme(scheme)
    results = list(run.results.select_related("region"))
    assert len(results) == 41 and run.runs == 60 and run.seed == 3 and run.definition == DEFINITION
    scored = [r for r in results if r.score is not None]
    assert len(scored) == 41
    assert all(1 <= r.q05_rank <= r.q95_rank <= 41 for r in scored)
    assert sorted(r.rank for r in scored) == list(range(1, 42))
    # no ledger in this database: every unit lacks the task component, and the run says so
    assert all(r.missing == "tasks" for r in results)
    lacking = next(n for n in run.notes if n["kind"] == "missing_component")
    assert lacking["component"] == "tasks" and len(lacking["units"]) == 41


def test_the_stored_definition_regenerates_the_same_result(scheme):
    run = services.run_scheme(scheme)
    again = services.regenerate(run).set_index("unit_code")
    for r in run.results.select_related("region"):
        row = again.loc[r.region.code]
        assert row["score"] == pytest.approx(r.score, abs=1e-12)
        assert (row["rank"], row["q05_rank"], row["q95_rank"]) == (r.rank, r.q05_rank, r.q95_rank)


def test_a_bonus_moves_the_score_by_its_points_and_needs_a_reason(scheme):
    hefei = Region.objects.get(code="340100")
    with pytest.raises(services.SchemeError, match="理由"):
        services.add_adjustment(scheme, unit=hefei, year=2017, points=2, reason="  ")
    with pytest.raises(services.SchemeError, match="不能为 0"):
        services.add_adjustment(scheme, unit=hefei, year=2017, points=0, reason="无")
    assert not Adjustment.objects.exists()
    before = services.run_scheme(scheme).results.get(region=hefei).score
    services.add_adjustment(scheme, unit=hefei, year=2017, points=2.5, reason="示例：获国家级试点")
    after = services.run_scheme(scheme).results.get(region=hefei).score
    assert after == pytest.approx(before + 2.5, abs=1e-12)


def test_a_benchmark_outside_the_schemes_units_is_refused(scheme):
    from django.core.exceptions import ValidationError

    hefei, jiangsu, nanjing = (Region.objects.get(code=c) for c in ("340100", "320000", "320100"))
    with pytest.raises(ValidationError, match="不是考核方案"):
        BenchmarkPair(scheme=scheme, region=hefei, benchmark=jiangsu).full_clean()  # a province: not one of the 41
    with pytest.raises(ValidationError, match="不能是本单位"):
        BenchmarkPair(scheme=scheme, region=hefei, benchmark=hefei).full_clean()
    BenchmarkPair(scheme=scheme, region=hefei, benchmark=nanjing).full_clean()


def test_a_peer_group_of_one_is_noted(scheme):
    hefei = Region.objects.get(code="340100")
    PeerGroup.objects.create(scheme=scheme, region=hefei, label="单列")
    for region in scheme.units().exclude(pk=hefei.pk):
        PeerGroup.objects.create(scheme=scheme, region=region, label="其他")
    run = services.run_scheme(scheme)
    assert {"kind": "small_group", "group": "单列", "n": 1} in run.notes
    row = run.results.get(region=hefei)
    assert (row.group_rank, row.group_q05_rank, row.group_q95_rank) == (1, 1, 1)


@pytest.mark.parametrize("definition, words", [
    ({"components": []}, "没有考核内容"),
    ({"components": [{"code": "a", "kind": "level", "weight": 1}]}, "类型应为"),
    ({"components": [{"code": "a", "kind": "tasks"}]}, "正的权重"),
    ({"components": [{"code": "a", "kind": "index", "weight": 1}]}, "须指明指数方案"),
])
def test_a_scheme_that_cannot_run_says_why(scheme, definition, words):
    scheme.definition = definition
    with pytest.raises(services.SchemeError, match=words):
        services.run_scheme(scheme)
    assert not scheme.runs.exists()


def test_clustering_the_41_cities_keeps_the_offices_own_groups(scheme):
    shanghai = Region.objects.get(code="310000")
    PeerGroup.objects.create(scheme=scheme, region=shanghai, label="直辖市")
    criterion = services.cluster_scheme(scheme, indicators=["gdp_per_capita", "co2_per_gdp"], year=2017,
                                        k_range=(2, 4))
    assert list(criterion["k"]) == [2, 3, 4]
    assert PeerGroup.objects.get(scheme=scheme, region=shanghai).label == "直辖市"
    assert scheme.peers.filter(source="cluster").count() == 40


def test_the_cli_csv_has_the_columns_of_the_issue(scheme):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["assess", "run", "t41", "--format", "csv", "--runs", "20"]) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].split(",") == CSV_COLUMNS and len(lines) == 42
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["assess", "run", "t41", "--format", "json", "--runs", "20"]) == 0
    assert len(json.loads(out.getvalue())["results"]) == 41


def test_the_benchmark_command_lists_the_gaps_and_refuses_a_unit_without_benchmarks(scheme, capsys):
    hefei, hangzhou = Region.objects.get(code="340100"), Region.objects.get(code="330100")
    assert main(["assess", "benchmark", "340100", "--scheme", "t41"]) == 2
    assert "没有对照学习单位" in capsys.readouterr().err
    BenchmarkPair.objects.create(scheme=scheme, region=hefei, benchmark=hangzhou)
    gaps = services.benchmark(scheme, "340100", 2017)
    row = gaps.set_index("indicator").loc["gdp_per_capita"]
    assert row["gap"] == pytest.approx(row["benchmark_value"] - row["unit_value"]) and row["unit"] == "元"
    assert main(["assess", "benchmark", "合肥市", "--scheme", "t41"]) == 0
    assert "杭州市" in capsys.readouterr().out
