"""`deltawatch index …` on files: the documented outputs, reproducibility, errors in both languages."""

from pathlib import Path

import numpy as np
import pandas as pd

import pytest

from deltawatch.cli import main
from deltawatch.methods.index import load_spec

ROOT = Path(__file__).resolve().parents[2]
ASEM = ROOT / "examples" / "asem"
SPEC, DATA = str(ASEM / "spec.yaml"), str(ASEM / "input_ASEM_iData.csv")
COINR = ROOT / "tests" / "fixtures" / "coinr_asem"

# A hand-sized index: Index ← P ← a (weight 2), b, c (direction −1); min-max 0–100, weighted mean.
TINY_SPEC = """\
nodes:
- {code: Index}
- {code: P, parent: Index}
- {code: a, parent: P, direction: 1, weight: 2}
- {code: b, parent: P, direction: 1, weight: 1}
- {code: c, parent: P, direction: -1, weight: 1}
pipeline: [{step: normalise, method: minmax}, {step: aggregate, method: arithmetic}]
uncertainty:
  factors: [{name: weights, noise: {1: 0.5}}]
"""
TINY_DATA = "unit_code,a,b,c\nu1,10,200,5\nu2,20,100,3\nu3,40,300,1\nu4,30,250,4\n"


@pytest.fixture
def tiny(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY_SPEC, encoding="utf-8")
    (tmp_path / "tiny.csv").write_text(TINY_DATA, encoding="utf-8")
    return str(tmp_path / "tiny.yaml"), str(tmp_path / "tiny.csv")


def _long(path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig").set_index(["node", "unit_code"])


def test_build_writes_the_long_table_with_hand_computed_scores(tmp_path, tiny):
    spec, data = tiny
    out = tmp_path / "scores.csv"
    assert main(["index", "build", spec, "--data", data, "--out", str(out)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert list(frame.columns) == ["unit_code", "node", "level", "score", "rank"]
    got = _long(out)
    units = ["u1", "u2", "u3", "u4"]
    # min-max: a 10…40 → 0, 33.3, 100, 66.7; b 100…300 → 50, 0, 100, 75; c reversed (1 best, 5 worst)
    normalised = {"a": [0, 100 / 3, 100, 200 / 3], "b": [50, 0, 100, 75], "c": [0, 50, 100, 25]}
    for code, values in normalised.items():
        np.testing.assert_allclose(got.loc[code].loc[units, "score"], values, rtol=1e-12, atol=1e-12)
    # P = (2a + b + c) / 4: u1 (0 + 50 + 0)/4 = 12.5; u2 (200/3 + 0 + 50)/4 = 175/6;
    # u3 400/4 = 100; u4 (400/3 + 75 + 25)/4 = 175/3; the Index has P alone
    expected = [12.5, 175 / 6, 100, 175 / 3]
    for node in ("P", "Index"):
        np.testing.assert_allclose(got.loc[node].loc[units, "score"], expected, rtol=1e-12)
        assert list(got.loc[node].loc[units, "rank"]) == [4, 3, 1, 2]
    assert set(got.loc["P", "level"]) == {2} and set(got.loc["Index", "level"]) == {3}


def test_build_of_the_asem_example_matches_coinrs_published_output(tmp_path):
    out = tmp_path / "scores.csv"
    assert main(["index", "build", SPEC, "--data", DATA, "--out", str(out)]) == 0
    got = _long(out)
    reference = pd.read_csv(COINR / "main_7_Aggregated.csv").set_index("uCode")  # COINr 1.1.14
    for node in ("Index", "Conn", "Sust", "Physical", "Social"):
        want = reference[node]
        np.testing.assert_allclose(got.loc[node].loc[want.index, "score"], want, rtol=1e-9)
    assert len(got.loc["Index"]) == len(reference)


def test_build_audit_workbook_has_every_step(tmp_path):
    audit = tmp_path / "audit.xlsx"
    assert main(["index", "build", SPEC, "--data", DATA, "--out", str(tmp_path / "s.csv"), "--audit", str(audit)]) == 0
    sheets = pd.read_excel(audit, sheet_name=None)
    for name in ("数据 Raw", "数据 Treated", "数据 Aggregated", "插补 imputed", "处理点 treated", "权重 weights",
                 "相关 correlations", "信度 alpha"):
        assert name in sheets
    assert len(sheets["插补 imputed"]) == 65 and len(sheets["处理点 treated"]) == 35


def test_uncertainty_columns_and_seed(tmp_path, capsys):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (first, second):
        assert main(["index", "uncertainty", SPEC, "--data", DATA, "--runs", "50", "--seed", "9", "--out", str(out)]) == 0
    a, b = pd.read_csv(first, encoding="utf-8-sig"), pd.read_csv(second, encoding="utf-8-sig")
    assert list(a.columns) == ["unit_code", "nominal_rank", "mean_rank", "median_rank", "q05_rank", "q95_rank"]
    pd.testing.assert_frame_equal(a, b)
    assert "50 次模拟" in capsys.readouterr().err


def test_an_uncertainty_design_written_then_read_gives_identical_ranks(tmp_path, capsys):
    design, first, second, again = (tmp_path / name for name in ("design.csv", "a.csv", "b.csv", "again.csv"))
    assert main(["index", "uncertainty", SPEC, "--data", DATA, "--runs", "30", "--seed", "4", "--out", str(first),
                 "--design-out", str(design)]) == 0
    written = pd.read_csv(design, encoding="utf-8-sig", dtype=str)
    assert len(written) == 30
    assert list(written.columns[:3]) == ["winmax", "normalisation", "aggregation"]
    assert set(written["normalisation"]) <= {"minmax(low=1)", "zscore(mean=10;sd=2)"}
    assert [c for c in written.columns if c.startswith("weight:")] == [
        "weight:Physical", "weight:ConEcFin", "weight:Political", "weight:Instit", "weight:P2P", "weight:Environ",
        "weight:Social", "weight:SusEcFin", "weight:Conn", "weight:Sust"]
    assert main(["index", "uncertainty", SPEC, "--data", DATA, "--design", str(design), "--seed", "99",
                 "--out", str(second), "--design-out", str(again)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(first), pd.read_csv(second))
    assert again.read_bytes() == design.read_bytes()
    assert "按设计表" in capsys.readouterr().err


def test_the_documented_design_example_runs(tmp_path, capsys):
    design, out = tmp_path / "design.csv", tmp_path / "stats.csv"
    design.write_text("winmax,normalisation,aggregation,weight:Conn,weight:Sust\n"
                      "3,zscore(mean=10;sd=2),geometric,1.2,0.9\n"
                      "5,\"zscore(mean=10, sd=2)\",arithmetic,1,1\n", encoding="gbk")
    assert main(["index", "uncertainty", SPEC, "--data", DATA, "--design", str(design), "--out", str(out)]) == 0
    assert len(pd.read_csv(out)) == 51 and "2 次模拟" in capsys.readouterr().err


def test_an_auditors_design_is_replayed(tmp_path, tiny, capsys):
    spec, data = tiny
    design, out = tmp_path / "design.csv", tmp_path / "stats.csv"
    # run 1 nominal; run 2 gives b four times its weight: P = (2a + 4b + c)/7 →
    # u1 200/7 = 28.6, u2 (200/3 + 50)/7 = 16.7, u3 100, u4 (400/3 + 300 + 25)/7 = 65.5 → ranks 3, 4, 1, 2
    design.write_text("weight:b\n1\n4\n", encoding="utf-8")
    assert main(["index", "uncertainty", spec, "--data", data, "--design", str(design), "--out", str(out)]) == 0
    stats = pd.read_csv(out, encoding="utf-8-sig").set_index("unit_code")
    assert list(stats["nominal_rank"]) == [4, 3, 1, 2]
    assert list(stats["mean_rank"]) == [3.5, 3.5, 1, 2]
    # R's type-7 quantiles of two ranks {3, 4}: 3 + 0.05 = 3.05 and 3 + 0.95 = 3.95
    np.testing.assert_allclose(stats["q05_rank"], [3.05, 3.05, 1, 2])
    np.testing.assert_allclose(stats["q95_rank"], [3.95, 3.95, 1, 2])
    assert "2 次模拟" in capsys.readouterr().err


def test_a_bad_design_file_is_worded_for_the_user(tmp_path, tiny, capsys):
    spec, data = tiny
    design = tmp_path / "design.csv"
    design.write_text("weight:b\n1\nfour\n", encoding="utf-8")
    assert main(["index", "uncertainty", spec, "--data", data, "--design", str(design)]) == 2
    assert "设计表第 2 次运行（文件第 3 行）weight:b 列为值 'four'" in capsys.readouterr().err
    assert main(["--lang", "en", "index", "uncertainty", spec, "--data", data, "--design", str(design)]) == 2
    assert "'four' in column weight:b, run 2 (line 3 of the file)" in capsys.readouterr().err
    design.write_text("weight:d\n1\n", encoding="utf-8")
    assert main(["--lang", "en", "index", "uncertainty", spec, "--data", data, "--design", str(design)]) == 2
    assert "weight column weight:d names no node at the levels of a weights factor; nodes: ['a', 'b', 'c']" in (
        capsys.readouterr().err)
    assert main(["index", "uncertainty", spec, "--data", data, "--design", str(tmp_path / "none.csv")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    # an unquoted comma: pandas would shift the cells under other factors; the line is refused
    design.write_text("winmax,normalisation,aggregation\n3,zscore(mean=10,sd=2),geometric\n", encoding="utf-8")
    assert main(["--lang", "en", "index", "uncertainty", SPEC, "--data", DATA, "--design", str(design)]) == 2
    assert "Line 2 of the design" in capsys.readouterr().err


def test_sensitivity_design_round_trip(tmp_path, capsys):
    design, first, second = tmp_path / "design.csv", tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["--lang", "en", "index", "sensitivity", SPEC, "--data", DATA, "-N", "4", "--out", str(first),
                 "--design-out", str(design)]) == 0
    assert len(pd.read_csv(design, encoding="utf-8-sig")) == 4 * 6
    assert main(["--lang", "en", "index", "sensitivity", SPEC, "--data", DATA, "--design", str(design),
                 "--out", str(second)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(first), pd.read_csv(second))
    assert "N = 4, 24 runs" in capsys.readouterr().err
    lines = design.read_text(encoding="utf-8-sig").splitlines()
    design.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one run short of N(d + 2)
    assert main(["--lang", "en", "index", "sensitivity", SPEC, "--data", DATA, "--design", str(design)]) == 2
    assert "a Sobol design must have N(d + 2) runs in SALib's order" in capsys.readouterr().err


def test_sensitivity_columns(tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert main(["--lang", "en", "index", "sensitivity", SPEC, "--data", DATA, "-N", "16", "--out", str(out)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert list(frame.columns) == ["factor", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(frame["factor"]) == ["winmax", "normalisation", "weights", "aggregation"]
    assert "96 runs" in capsys.readouterr().err


def test_from_coinr_writes_a_spec_that_loads(tmp_path):
    out = tmp_path / "spec.yaml"
    assert main(["index", "from-coinr", str(ASEM / "input_ASEM_iMeta.csv"), "--out", str(out)]) == 0
    spec = load_spec(out)
    assert len(spec.indicators) == 49 and spec.root == "Index" and spec.levels["Index"] == 4
    assert [s.kind for s in spec.pipeline] == ["denominate", "normalise", "aggregate"]


def test_errors_are_worded_for_the_user(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("nodes:\n- {code: I}\n- {code: x, parent: I}\npipeline: [{step: normalise}, {step: aggregate}]\n",
                   encoding="utf-8")
    assert main(["index", "build", str(bad), "--data", DATA]) == 2
    assert "指标 'x' 的方向应为 1" in capsys.readouterr().err
    assert main(["--lang", "en", "index", "build", str(bad), "--data", DATA]) == 2
    assert "The direction of indicator 'x' must be 1" in capsys.readouterr().err
    assert main(["index", "build", SPEC, "--data", str(tmp_path / "none.csv")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    assert main(["index", "uncertainty", SPEC, "--data", DATA, "--year", "2018-2019"]) == 2
    assert "只接受一个年份" in capsys.readouterr().err


def test_a_gbk_file_with_yearbook_numbers_reads_as_the_importer_reads_it(tmp_path, capsys):
    data = pd.read_csv(DATA, dtype={"uCode": str})
    ugly = data.astype({"Goods": object, "Research": object, "CO2": object})
    full_width = str.maketrans("0123456789.", "０１２３４５６７８９．")
    ugly.loc[0, "Goods"] = str(float(data.loc[0, "Goods"])).translate(full_width)  # as typed in Chinese
    ugly.loc[1, "Research"] = f"{data.loc[1, 'Research']:,.0f}"  # a thousands separator: 20,176
    assert ugly.loc[1, "Research"] == "20,176"
    ugly.insert(1, "地区", "亚欧")  # a Chinese column, so that the file is really GBK
    path = tmp_path / "gbk.csv"
    ugly.to_csv(path, index=False, encoding="gbk")
    out, expected = tmp_path / "gbk_scores.csv", tmp_path / "scores.csv"
    assert main(["index", "build", SPEC, "--data", str(path), "--out", str(out)]) == 0
    assert main(["index", "build", SPEC, "--data", DATA, "--out", str(expected)]) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out), pd.read_csv(expected))
    ugly.loc[2, "CO2"] = "约6.9吨"
    ugly.to_csv(path, index=False, encoding="gbk")
    capsys.readouterr()
    assert main(["index", "build", SPEC, "--data", str(path), "--out", str(tmp_path / "none.csv")]) == 2
    assert "指标 'CO2' 第 4 行的值 '约6.9吨' 不是数字" in capsys.readouterr().err
    assert not (tmp_path / "none.csv").exists()
