"""``deltawatch cycle status`` for people: the table's columns, states and timeliness in Chinese by
default and in English with ``--lang en``, a summary line counted by hand; csv and json keep
the column names and codes scripts read."""

import json

import pytest

from deltawatch.cli import main
from deltawatch.reporting.choices import FormAction
from deltawatch.reporting.services import enter_values
from deltawatch.reporting.workflow import transition

from .conftest import GOOD, NANJING, SUZHOU

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(cycle, nanjing_form, people):
    """Nanjing typed its four values and submitted them; Suzhou typed nothing."""
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    return cycle


def lines(capsys) -> list[str]:
    return capsys.readouterr().out.strip().splitlines()


def test_status_table_in_chinese_by_default(submitted, capsys):
    assert main(["cycle", "status", "test-gdp", "2030"]) == 0
    out = lines(capsys)
    assert out[0].split() == ["区划代码", "区域", "状态", "及时性", "已过截止日期", "已填", "应填", "已填比例"]
    assert out[1].split() == [NANJING, "南京市", "已上报", "按时", "否", "4", "4", "100.0%"]
    assert out[2].split() == [SUZHOU, "苏州市", "填报中", "未报", "否", "0", "4", "0.0%"]
    # by hand: 2 forms, Nanjing on time, Suzhou missing (due 2031-03-31, not yet past), 4 of 8 cells
    assert out[3] == ("测试报表 2030（截止 2031-03-31）：2 张填报表，按时 1，逾期 0，未报 1（已过截止日期 0），"
                      "已填单元格 4/8")


def test_status_table_in_english(submitted, capsys):
    assert main(["--lang", "en", "cycle", "status", "test-gdp", "2030"]) == 0
    out = lines(capsys)
    assert out[0].split() == ["region_code", "region", "state", "timeliness", "overdue", "filled", "expected",
                              "share"]
    assert out[1].split() == [NANJING, "Nanjing", "Submitted", "On", "time", "no", "4", "4", "100.0%"]
    assert out[2].split() == [SUZHOU, "Suzhou", "Being", "filled", "in", "Missing", "no", "0", "4", "0.0%"]
    assert out[3] == ("Test report 2030 (due 2031-03-31): 2 forms, on time 1, late 0, missing 1 "
                      "(past the due date 0), cells filled 4/8")
    assert not any("\u4e00" <= ch <= "\u9fff" for line in out for ch in line)  # no Chinese left


def test_status_csv_and_json_keep_the_codes_in_either_language(submitted, capsys):
    for lang in ("zh", "en"):
        assert main(["--lang", lang, "cycle", "status", "test-gdp", "2030", "--format", "csv"]) == 0
        out = lines(capsys)
        assert out[0] == "region_code,region,state,timeliness,overdue,filled,expected,share"
        assert out[1] == f"{NANJING},南京市,submitted,on_time,False,4,4,1.0"
    assert main(["--lang", "en", "cycle", "status", "test-gdp", "2030", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["region_code"], r["state"], r["timeliness"], r["filled"]) for r in rows] == [
        (NANJING, "submitted", "on_time", 4), (SUZHOU, "filling", "missing", 0)]


def test_unknown_cycle_is_told_in_the_users_language(data_set, capsys):
    assert main(["cycle", "status", "test-gdp", "2030"]) == 2
    assert "没有 2030 年的报告期" in capsys.readouterr().err
    assert main(["--lang", "en", "cycle", "status", "test-gdp", "2030"]) == 2
    assert "has no cycle for 2030" in capsys.readouterr().err
