"""``deltawatch validate`` and ``deltawatch cycle …``."""

import json

import pytest

from deltawatch.cli import main
from deltawatch.plans.models import Notification
from deltawatch.reporting.models import ValidationRule

from .conftest import NANJING, SUZHOU, YEAR

pytestmark = pytest.mark.django_db


def test_validate_a_file_before_import_csv_and_exit_status(data_set, write_csv, capsys):
    # Nanjing's parts sum to 2 + 35 + 70 = 107 > 100 + 1; Suzhou's hold (105 - 1 = 104 ≤ 110)
    path = write_csv("region,indicator,year,value\n" + "".join(
        f"{region},{code},{YEAR},{value}\n" for region, values in
        ((NANJING, (100, 2, 35, 70)), (SUZHOU, (110, 5, 40, 60)))
        for code, value in zip(("gdp", "va_primary", "va_secondary", "va_tertiary"), values)))
    assert main(["validate", "--file", str(path), "--rules", "--format", "csv"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert lines[0] == "region_code,indicator,year,value,check,severity,detail"
    assert len(lines) == 2 and lines[1].startswith(f"{NANJING},gdp,{YEAR},100.0,gdp-parts,error,")
    assert "已检查 8 个数值：1 个错误，0 个警告" in captured.err


def test_validate_the_database_as_json_with_outliers(data_set, capsys):
    assert main(["validate", "--indicator", "gdp", "--year", "2020", "--outliers", "iqr", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["check"] for r in rows} == {"iqr"} and {r["indicator"] for r in rows} == {"gdp"}
    assert all(r["year"] == 2020 and r["severity"] == "warning" for r in rows)


def test_a_rule_naming_an_unknown_indicator_is_told_in_english(data_set, capsys):
    ValidationRule.objects.create(name="broken", kind="compare", expression="gdp >= no_such_code")
    assert main(["--lang", "en", "validate", "--rules"]) == 2
    assert "refers to unknown indicators no_such_code" in capsys.readouterr().err


def test_unknown_region_and_bad_years_are_user_errors(capsys):
    assert main(["validate", "--region", "亚特兰蒂斯"]) == 2
    assert "未知的区域：亚特兰蒂斯" in capsys.readouterr().err
    assert main(["validate", "--year", "20x4"]) == 2


def test_cycle_open_status_remind(data_set, units, capsys):
    assert main(["cycle", "open", "test-gdp", str(YEAR), "--due", "2031-03-31"]) == 0
    assert "新建 2 张填报表" in capsys.readouterr().out
    assert main(["cycle", "open", "test-gdp", str(YEAR)]) == 0
    assert "新建 0 张填报表" in capsys.readouterr().out
    assert main(["cycle", "status", "test-gdp", str(YEAR), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "region_code,region,state,timeliness,overdue,filled,expected,share"
    assert out[1].startswith(f"{NANJING},南京市,filling,missing,")
    assert main(["cycle", "remind", "--today", "2031-03-30"]) == 0
    assert "已发送 2 条填报提醒" in capsys.readouterr().out
    assert main(["cycle", "remind", "--today", "2031-03-30"]) == 0
    assert "已发送 0 条填报提醒" in capsys.readouterr().out
    assert Notification.objects.count() == 2
    assert main(["cycle", "status", "nope", "2030"]) == 2
    assert main(["cycle", "remind", "--today", "31/03/2031"]) == 2
