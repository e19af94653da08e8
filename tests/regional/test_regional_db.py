"""`deltawatch disparity | coordination | moran` on the embedded default: the commands give
what the methods give on the same panel, in the documented formats."""

import numpy as np
import pandas as pd
import pytest

from deltawatch.cli import main
from deltawatch.regional.services import grouping, indicator_panel, units
from deltawatch.methods.coordination import coupling_coordination
from deltawatch.methods.disparity import theil
from deltawatch.methods.spatial import moran, polygon_weights
from deltawatch.regional.services import GEOJSON

pytestmark = pytest.mark.django_db


def test_units_by_level_and_group():
    cities = units()
    assert len(cities) == 41 and cities.set_index("code").loc["310000", "province"] == "上海市"
    assert cities.set_index("code").loc["341500", "province"] == "安徽省"
    assert list(units(level="province")["code"]) == ["310000", "320000", "330000", "340000"]
    assert len(units(group="central27")) == 27 and len(units(group="长三角中心区")) == 27
    counties = units(level="county")
    assert len(counties) > 300 and counties["province_code"].isin(["310000", "320000", "330000", "340000"]).all()
    labels = grouping(cities, "sunan,subei")
    assert labels["320500"] == "苏南" and labels["320300"] == "苏北" and labels["330100"] == "其他"


def hand_population_weights(cities, year):
    """The population weights of GDP per capita written out from the DB values: the resident
    population where the DB has it, else GDP [亿元] × 10⁸ / GDP per capita [元] = persons, in 万人."""
    codes = cities["code"]
    resident = indicator_panel("population_resident", codes, [year]).set_index("unit")["value"]
    gdp = indicator_panel("gdp", codes, [year]).set_index("unit")["value"]
    per_capita = indicator_panel("gdp_per_capita", codes, [year]).set_index("unit")["value"]
    implied = gdp * 1e8 / per_capita / 1e4
    return resident.combine_first(implied), set(resident.index)


def test_disparity_csv_equals_the_method_on_the_same_panel(tmp_path):
    out = tmp_path / "d.csv"
    assert main(["disparity", "--indicator", "gdp_per_capita", "--by", "province", "--weight", "population",
                 "--from", "2015", "--to", "2019", "--format", "csv", "-o", str(out)]) == 0
    got = pd.read_csv(out, encoding="utf-8-sig")
    assert list(got.columns) == ["year", "statistic", "component", "value"]
    assert {"cv", "cv_w", "theil_t", "theil_t_w", "theil_l", "theil_l_w", "gini", "gini_w", "dagum",
            "weight_source"} == set(got["statistic"])
    cities = units()
    panel = indicator_panel("gdp_per_capita", cities["code"], [2019]).set_index("unit")["value"]
    weights, resident = hand_population_weights(cities, 2019)
    provinces = cities.set_index("code")["province"]
    expected = theil(panel.to_numpy(), weights=weights.loc[panel.index].to_numpy(),
                     groups=provinces.loc[panel.index].to_numpy())
    row = got[(got["year"] == 2019) & (got["statistic"] == "theil_t_w")].set_index("component")["value"]
    assert row["total"] == pytest.approx(expected.total, rel=1e-12)
    assert row["between"] == pytest.approx(expected.between, rel=1e-12)
    assert row["between"] + row["within"] == pytest.approx(row["total"], rel=1e-12)
    assert set(row.index) >= {"上海市", "江苏省", "浙江省", "安徽省"}
    # the output names where the weights of each year come from, with the number of cities
    sources = got[(got["year"] == 2019) & (got["statistic"] == "weight_source")].set_index("component")["value"]
    assert sources.to_dict() == {"gdp/gdp_per_capita": 41 - len(resident), "population_resident": len(resident)}


def test_population_weights_are_resident_else_implied_by_gdp(capsys):
    from deltawatch.regional.services import population_weights

    cities = units()
    weights = population_weights("gdp_per_capita", cities["code"], [2019, 2020]).set_index(["unit", "year"])
    # Suzhou 2019: no resident population in the DB, so GDP × 10⁸ / GDP per capita (persons) / 10⁴
    gdp = indicator_panel("gdp", ["320500"], [2019])["value"].item()
    per_capita = indicator_panel("gdp_per_capita", ["320500"], [2019])["value"].item()
    assert indicator_panel("population_resident", ["320500"], [2019]).empty
    assert weights.loc[("320500", 2019), "weight"] == pytest.approx(gdp * 1e8 / per_capita / 1e4, rel=1e-12)
    assert weights.loc[("320500", 2019), "source"] == "gdp/gdp_per_capita"
    # not the registered population (the yearbook's 户籍 figure), which is 40 % smaller there
    registered = indicator_panel("population_registered", ["320500"], [2019])["value"].item()
    assert weights.loc[("320500", 2019), "weight"] > 1.3 * registered
    # 2020 (census) and Shanghai every year: the resident population itself
    for key in (("320500", 2020), ("310000", 2019)):
        resident = indicator_panel("population_resident", [key[0]], [key[1]])["value"].item()
        assert weights.loc[key, "weight"] == resident and weights.loc[key, "source"] == "population_resident"
    assert len(weights) == 82
    # an indicator that is not per capita of a known total falls back to the registered population
    other = population_weights("share_tertiary_gdp", ["320500"], [2019])
    assert other["source"].tolist() == ["population_registered"] and other["weight"].item() == registered
    # the command says which populations it used
    assert main(["disparity", "--indicator", "gdp_per_capita", "--weight", "population", "--from", "2019",
                 "--to", "2020"]) == 0
    assert "按人口加权：population_resident 42 个单元年、gdp ÷ gdp_per_capita 推算 40 个单元年" in capsys.readouterr().err
    assert main(["--lang", "en", "disparity", "--indicator", "gdp_per_capita", "--weight", "population",
                 "--from", "2019", "--to", "2019"]) == 0
    assert "weighted by population: population_resident for 1 unit-years; implied by gdp ÷ gdp_per_capita " \
           "for 40 unit-years" in capsys.readouterr().err


def test_disparity_table_and_a_balanced_panel(capsys):
    assert main(["disparity", "--indicator", "gdp_per_capita", "--by", "province", "--from", "1995", "--to", "2000",
                 "--balanced"]) == 0
    captured = capsys.readouterr()
    assert "变异系数" in captured.out and "泰尔T组间占比" in captured.out
    assert "数据不全而未纳入的单元" in captured.err
    counts = [int(line.split()[1]) for line in captured.out.splitlines()[1:]]
    assert len(set(counts)) == 1  # the same units every year


def test_disparity_refuses_unknown_names(capsys):
    assert main(["disparity", "--indicator", "gdp_pc"]) == 2
    assert "未知的指标：gdp_pc" in capsys.readouterr().err
    assert main(["--lang", "en", "disparity", "--indicator", "gdp_per_capita", "--group", "atlantis"]) == 2
    assert "Unknown region group: atlantis" in capsys.readouterr().err


def coordination_frame(path):
    long = pd.read_csv(path, encoding="utf-8-sig", dtype={"component": str})
    assert list(long.columns) == ["year", "statistic", "component", "value"]
    return long.pivot(index="component", columns="statistic", values="value")


def test_coordination_by_hand_for_one_city(tmp_path, capsys):
    out = tmp_path / "c.csv"
    assert main(["coordination", "--subsystems", "经济=gdp_per_capita,生态=co2_per_gdp", "--year", "2017",
                 "--format", "csv", "-o", str(out)]) == 0
    got = coordination_frame(out)
    cities = units()
    gdp = indicator_panel("gdp_per_capita", cities["code"], [2017]).set_index("unit")["value"]
    co2 = indicator_panel("co2_per_gdp", cities["code"], [2017]).set_index("unit")["value"]
    u1 = (gdp - gdp.min()) / (gdp.max() - gdp.min())
    u2 = 1 - (co2 - co2.min()) / (co2.max() - co2.min())  # lower is better
    c = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    d = np.sqrt(c * (u1 + u2) / 2)
    assert got.loc["320500", "D"] == pytest.approx(d["320500"], rel=1e-12)
    assert got.loc["320500", "经济"] == pytest.approx(u1["320500"], rel=1e-12)
    assert set(got.columns) == {"经济", "生态", "C", "T", "D", "band"}
    expected = coupling_coordination(pd.DataFrame({"a": u1, "b": u2}), model="wang2021")
    assert main(["coordination", "--subsystems", "gdp_per_capita,co2_per_gdp", "--year", "2017", "--model",
                 "wang2021", "--format", "csv", "-o", str(out)]) == 0
    got = coordination_frame(out)
    np.testing.assert_allclose(got["C"], expected.loc[got.index, "C"], rtol=1e-12)
    capsys.readouterr()
    assert main(["coordination", "--subsystems", "gdp_per_capita,co2_per_gdp", "--year", "2017"]) == 0
    table = capsys.readouterr().out
    assert "苏州市" in table and "grade_zh" in table and "grade_en" not in table


def test_coordination_errors(capsys):
    assert main(["coordination", "--subsystems", "gdp_per_capita", "--year", "2017"]) == 2
    assert "子系统应写作" in capsys.readouterr().err
    assert main(["coordination", "--subsystems", "gdp_per_capita,nothing", "--year", "2017"]) == 2
    assert "未知的指标：nothing" in capsys.readouterr().err
    assert main(["coordination", "--subsystems", "gdp_per_capita,co2_per_gdp", "--year", "2017",
                 "--weights", "0.7,0.7"]) == 2
    assert "参数 weights 之和应为 1" in capsys.readouterr().err  # the method's refusal, in the command's language
    assert main(["--lang", "en", "coordination", "--subsystems", "gdp_per_capita,co2_per_gdp", "--year", "2017",
                 "--weights", "0.7,0.7"]) == 2
    assert "The 'weights' parameter must sum to 1" in capsys.readouterr().err


def test_moran_equals_the_method_and_lisa_has_every_city(tmp_path, capsys):
    out = tmp_path / "m.csv"
    assert main(["moran", "--indicator", "gdp_per_capita", "--year", "2019", "--format", "csv", "-o", str(out)]) == 0
    long = pd.read_csv(out, encoding="utf-8-sig")
    assert list(long.columns) == ["year", "statistic", "component", "value"]
    got = long.set_index("component")["value"]
    values = indicator_panel("gdp_per_capita", units()["code"], [2019]).set_index("unit")["value"]
    expected = moran(values, polygon_weights(GEOJSON, ids=values.index), permutations=999, seed=0)
    assert got["I"] == pytest.approx(expected.I, rel=1e-12) and got["n"] == 41
    assert got["I"] > 0.3 and got["p_sim"] < 0.01  # rich cities cluster around Shanghai and south Jiangsu
    assert main(["moran", "--indicator", "gdp_per_capita", "--year", "2019", "--local", "--format", "csv",
                 "-o", str(out)]) == 0
    long = pd.read_csv(out, encoding="utf-8-sig", dtype={"component": str})
    quadrants = long[long["statistic"] == "lisa_quadrant"].set_index("component")["value"]
    assert len(quadrants) == 41 and quadrants["310000"] == "HH"
    assert main(["moran", "--indicator", "gdp_per_capita", "--year", "2019", "--weights", "knn:4"]) == 0
    assert "knn:4" in capsys.readouterr().out
    assert main(["moran", "--indicator", "gdp_per_capita", "--year", "2019", "--local"]) == 0
    assert "高-高集聚" in capsys.readouterr().out


def test_convergence_long_output_equals_the_methods(tmp_path, capsys):
    from deltawatch.methods.convergence import beta_convergence, sigma_convergence

    out = tmp_path / "conv.csv"
    assert main(["convergence", "--indicator", "gdp_per_capita", "--from", "2005", "--to", "2019", "--tests",
                 "sigma,beta,club", "--format", "csv", "-o", str(out)]) == 0
    got = pd.read_csv(out, encoding="utf-8-sig", dtype={"year": str, "component": str})
    assert list(got.columns) == ["year", "statistic", "component", "value"]
    panel = indicator_panel("gdp_per_capita", units()["code"], list(range(2005, 2020)))
    sigma = sigma_convergence(panel)
    assert got[got["statistic"] == "sigma"].set_index("year").loc["2019", "value"] == pytest.approx(
        sigma.series.set_index("year").loc[2019, "sigma"], rel=1e-12)
    trend = got[got["statistic"] == "sigma_trend"].set_index("component")["value"]
    assert trend["slope"] == pytest.approx(sigma.slope, rel=1e-12) and trend["slope"] < 0
    beta = beta_convergence(panel, 2005, 2019)
    row = got[got["statistic"] == "beta"].set_index("component")["value"]
    assert row["beta"] == pytest.approx(beta.beta, rel=1e-12) and row["half_life"] == pytest.approx(beta.half_life)
    assert set(got.loc[got["statistic"] == "beta", "year"]) == {"2005-2019"}
    clubs = got[got["statistic"] == "club"]
    assert len(clubs) == 41 and clubs["component"].is_unique
    assert main(["convergence", "--indicator", "gdp_per_capita", "--from", "2005", "--to", "2019"]) == 0
    report = capsys.readouterr().out
    assert "【β 收敛（横截面；有控制变量时为条件收敛）】" in report and "上海市" in report


def whole_panel_log_t(panel):
    """Phillips–Sul log t statistic of all units together, written out with statsmodels: HP trend
    (λ = 400) of ln y, H_t = mean (h − 1)², ln(H_1/H_t) − 2 ln ln t on (1, ln t) for t = ⌊T/3⌋ … T,
    Newey–West HAC with lag floor(4 (n/100)^(2/9))."""
    import math

    from statsmodels.regression.linear_model import OLS
    from statsmodels.tsa.filters.hp_filter import hpfilter

    wide = panel.pivot(index="unit", columns="year", values="value").sort_index(axis=1)
    X = np.vstack([np.asarray(hpfilter(np.log(row), lamb=400.0)[1]) for row in wide.to_numpy(dtype=float)])
    H = ((X / X.mean(axis=0) - 1) ** 2).mean(axis=0)
    t = np.arange(X.shape[1] // 3, X.shape[1] + 1)
    y = np.log(H[0] / H[t - 1]) - 2 * np.log(np.log(t))
    lags = math.floor(4 * (len(t) / 100) ** (2 / 9))
    fit = OLS(y, np.column_stack([np.ones(len(t)), np.log(t)])).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return fit.tvalues[1]


def test_gdp_per_capita_2001_2021_is_one_convergence_club(tmp_path, capsys):
    # the 41 cities pass the log t test together (t ≈ 1.84 > −1.65): one club, no divergent city
    panel = indicator_panel("gdp_per_capita", units()["code"], list(range(2001, 2022)))
    assert panel.groupby("unit")["year"].nunique().eq(21).all() and panel["unit"].nunique() == 41
    t = whole_panel_log_t(panel)
    assert t == pytest.approx(1.84, abs=0.01)
    out = tmp_path / "clubs.csv"
    assert main(["convergence", "--indicator", "gdp_per_capita", "--from", "2001", "--to", "2021", "--tests", "club",
                 "--format", "csv", "-o", str(out)]) == 0
    got = pd.read_csv(out, encoding="utf-8-sig", dtype={"component": str})
    clubs = got[got["statistic"] == "club"].set_index("component")["value"]
    assert len(clubs) == 41 and (clubs == 1).all()
    tests = got[got["statistic"] == "club_test"].set_index("component")["value"]
    assert tests["1:n"] == 41 and tests["1:t"] == pytest.approx(t, rel=1e-9)
    assert main(["convergence", "--indicator", "gdp_per_capita", "--from", "2001", "--to", "2021", "--tests",
                 "club"]) == 0
    report = capsys.readouterr().out
    assert "俱乐部 1 (41)" in report and "发散单元" not in report


def test_conditional_convergence_with_a_control(tmp_path):
    from deltawatch.methods.convergence import beta_convergence

    out = tmp_path / "cond.csv"
    assert main(["convergence", "--indicator", "gdp_per_capita", "--from", "2005", "--to", "2019", "--tests", "beta",
                 "--controls", "share_tertiary_gdp", "--format", "csv", "-o", str(out)]) == 0
    long = pd.read_csv(out, encoding="utf-8-sig")
    got = long[long["statistic"] == "beta"].set_index("component")["value"]
    cities = units()["code"]
    panel = indicator_panel("gdp_per_capita", cities, list(range(2005, 2020)))
    control = indicator_panel("share_tertiary_gdp", cities, [2005]).set_index("unit")[["value"]]
    expected = beta_convergence(panel, 2005, 2019, controls=control.rename(columns={"value": "share_tertiary_gdp"}))
    assert got["beta"] == pytest.approx(expected.beta, rel=1e-12) and got["n"] == expected.n
    assert got["beta"] != pytest.approx(beta_convergence(panel, 2005, 2019).beta, rel=1e-3)  # the control enters


def test_coordination_of_the_dimensions_of_an_index(tmp_path):
    from deltawatch.indices.commands import load
    from deltawatch.indices.services import frame_from_database
    from deltawatch.methods.index import build

    out = tmp_path / "hqd.csv"
    assert main(["coordination", "--spec", "yrd_hqd", "--year", "2017", "--format", "csv", "-o", str(out)]) == 0
    got = coordination_frame(out)
    spec = load("yrd_hqd")
    scores = build(spec, frame_from_database(spec, years=[2017])[0]).scores.xs(2017, level="year")
    dimensions = ["innovation", "coordination", "green", "openness", "sharing"]
    np.testing.assert_allclose(got.loc[scores.index, dimensions], scores[dimensions] / 100, rtol=1e-12)
    expected = coupling_coordination(scores[dimensions] / 100)
    np.testing.assert_allclose(got.loc[scores.index, "D"], expected["D"], rtol=1e-12)
