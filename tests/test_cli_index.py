"""`deltawatch index …` on files: the documented outputs, reproducibility, errors in both languages."""

from pathlib import Path

import numpy as np
import pandas as pd

from deltawatch.cli import main
from deltawatch.methods.index import build, load_spec

ASEM = Path(__file__).resolve().parents[1] / "examples" / "asem"
SPEC, DATA = str(ASEM / "spec.yaml"), str(ASEM / "input_ASEM_iData.csv")


def test_build_writes_the_long_table(tmp_path):
    out = tmp_path / "scores.csv"
    assert main(["index", "build", SPEC, "--data", DATA, "--out", str(out)]) == 0
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert list(frame.columns) == ["unit_code", "node", "level", "score", "rank"]
    expected = build(load_spec(SPEC), pd.read_csv(DATA)).scores["Index"]
    got = frame[frame["node"] == "Index"].set_index("unit_code")["score"]
    np.testing.assert_allclose(got.loc[expected.index], expected, rtol=1e-12)


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
