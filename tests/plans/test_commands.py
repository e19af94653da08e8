"""``deltawatch tasks …`` in Chinese and English."""

import datetime as dt

import pytest

from deltawatch.cli import main
from deltawatch.plans.defaults import load_plans_default
from deltawatch.plans.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(db):
    load_plans_default(None, today=dt.date.today(), progress=lambda *a: None)


def test_list_and_show(ledger, capsys):
    assert main(["tasks", "list", "--unit", "js-kjt"]) == 0
    out = capsys.readouterr().out
    assert "营造协同创新生态环境" in out and "红灯·已逾期" in out and "【示例】" in out
    assert main(["--lang", "en", "tasks", "show", "11", "--plan", "js-implementation"]) == 0
    out = capsys.readouterr().out
    assert "[example]" in out and "Returned" in out or "退回" in out


def test_export_import_round_trip_and_a_refused_list(ledger, tmp_path, capsys):
    path = tmp_path / "list.xlsx"
    assert main(["tasks", "export", "--plan", "js-implementation", "--output", str(path)]) == 0
    assert main(["tasks", "import", str(path), "--plan", "js-implementation"]) == 0
    assert "新增任务 0 项，更新 0 项，未变 58 项" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("序号,任务,牵头单位,参与单位,完成时限,进展情况\n99,新任务,无此单位,,2025年6月底,\n", encoding="utf-8")
    assert main(["tasks", "import", str(bad), "--plan", "js-implementation"]) == 2
    err = capsys.readouterr().err
    assert "第 2 行「牵头单位」" in err and "无此单位" in err
    assert not Task.objects.filter(code="99").exists()
    assert main(["tasks", "import", str(bad)]) == 2
    assert "--plan" in capsys.readouterr().err


def test_remind_is_idempotent(ledger, capsys):
    assert main(["tasks", "remind"]) == 0
    first = capsys.readouterr().out
    assert main(["--lang", "en", "tasks", "remind"]) == 0
    assert "逾期 1" in first and "0 reminders, 0 overdue" in capsys.readouterr().out
