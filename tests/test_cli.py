"""The deltawatch command: import and export through main(), and init in a fresh process."""

import json
import os
import subprocess
import signal
import sys

import pandas as pd
import pytest

from deltawatch.cli import main
from deltawatch.core.commandline import parse_years
from deltawatch.observations.exports import EXPORT_COLUMNS


def test_parse_years():
    assert parse_years("2019") == [2019]
    assert parse_years("2018-2020") == [2018, 2019, 2020]
    assert parse_years("2015，2020") == [2015, 2020]
    with pytest.raises(ValueError):
        parse_years("19")


@pytest.mark.django_db
def test_export_selection_as_csv(tmp_path):
    out = tmp_path / "gdp.csv"
    assert main(["export", "--indicator", "gdp", "--group", "central27", "--year", "2019", "-o", str(out)]) == 0
    frame = pd.read_csv(out, dtype={"region_code": str}, encoding="utf-8-sig")
    assert list(frame.columns) == EXPORT_COLUMNS
    assert len(frame) == 27 and set(frame["year"]) == {2019}
    shanghai = frame.set_index("region_code").loc["310000"]
    assert (shanghai["region_name"], shanghai["unit"]) == ("上海市", "亿元")
    assert shanghai["value"] == pytest.approx(38155.32, rel=1e-9)


@pytest.mark.django_db
def test_export_json_and_xlsx_in_english(tmp_path):
    assert main(["--lang", "en", "export", "--indicator", "gdp", "--region", "上海,苏州", "--year", "2019",
                 "-o", str(tmp_path / "x.json")]) == 0
    records = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert {r["region_name"] for r in records} == {"Shanghai", "Suzhou"}
    assert main(["export", "--indicator", "gdp", "--region", "310000", "-o", str(tmp_path / "x.xlsx")]) == 0
    sheet = pd.read_excel(tmp_path / "x.xlsx", dtype={"region_code": str})
    assert list(sheet.columns) == EXPORT_COLUMNS and (sheet["region_code"] == "310000").all()
    assert len(sheet) >= 30  # Shanghai GDP 1990–2021


@pytest.mark.django_db
def test_export_refuses_unknown_selection(capsys):
    assert main(["export", "--indicator", "gpd"]) == 2
    assert "未知的指标" in capsys.readouterr().err
    assert main(["export", "--year", "nineteen"]) == 2
    assert main(["export", "--group", "nowhere"]) == 2


@pytest.mark.django_db
def test_import_failure_exit_status_and_report(write_csv, capsys):
    from deltawatch.observations.models import Observation

    before = Observation.objects.count()
    path = write_csv("地区,指标,年份,数值\n上海,gdp,2019,1\n火星,gdp,2019,2\n")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "第3行" in err and "火星" in err
    assert main(["--lang", "en", "import", str(path)]) == 1
    assert "row 3" in capsys.readouterr().err
    assert Observation.objects.count() == before


@pytest.mark.django_db
def test_import_dry_run_then_real(write_csv, capsys):
    path = write_csv("region,indicator,year,value\n上海,gdp,2040,1\n")
    assert main(["import", "--dry-run", str(path), "--user", "tester"]) == 0
    assert "未写入" in capsys.readouterr().out
    assert main(["import", str(path), "--user", "tester"]) == 0
    assert "新增 1" in capsys.readouterr().out


def test_init_in_a_fresh_process_is_idempotent(tmp_path):
    """`deltawatch init` on an empty SQLite file, twice; the second run changes nothing."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "DELTAWATCH_ADMIN_PASSWORD": "x"}
    exe = [sys.executable, "-m", "deltawatch.cli"]
    first = subprocess.run([*exe, "init"], env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "导入完成" in first.stdout and "admin" in first.stdout
    second = subprocess.run([*exe, "init"], env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert "新增 0，修订 0" in second.stdout and "本次变更 0 项" in second.stdout
    assert "admin" not in second.stdout  # the administrator is created once


def test_bad_database_url_says_how_to_fix_it():
    env = {**os.environ, "DATABASE_URL": "mysqlx://nowhere"}
    done = subprocess.run([sys.executable, "-m", "deltawatch.cli", "export"], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "sqlite:////absolute/path.db" in done.stderr


def test_building_the_command_line_imports_no_heavy_module():
    """Every `deltawatch` start builds the parser: it must not import pandas or the methods (a
    third of a second) nor touch Django's models (they are not ready before setup)."""
    code = ("import sys; from deltawatch.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('pandas', 'numpy', 'deltawatch.methods.index', 'django.db.models') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE on this platform")
@pytest.mark.parametrize("argv, dies", [(["export", "--indicator", "gdp"], True), (["serve"], False),
                                        (["jobs", "run"], False)])
def test_only_one_shot_commands_end_on_a_closed_pipe(argv, dies):
    """A server that took SIGPIPE's default would die when a browser closes a connection while
    it writes (it did: exit 141 under Playwright)."""
    from deltawatch.cli import build_parser, end_quietly_on_closed_pipe

    before = signal.getsignal(signal.SIGPIPE)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        end_quietly_on_closed_pipe(build_parser().parse_args(argv))
        assert (signal.getsignal(signal.SIGPIPE) == signal.SIG_DFL) is dies
    finally:
        signal.signal(signal.SIGPIPE, before)


@pytest.mark.skipif(not hasattr(signal, "SIGPIPE"), reason="no SIGPIPE on this platform")
def test_main_called_in_a_process_of_its_hosts_leaves_sigpipe_alone(tmp_path, capsys):
    """Tests call ``main`` in pytest's process, beside the live server of the browser tests: a
    one-shot command there must not give that process SIGPIPE's default (it did, and a browser
    closing a connection mid-answer then ended the whole test run without a word)."""
    before = signal.getsignal(signal.SIGPIPE)
    try:
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        plan = tmp_path / "plan.txt"
        plan.write_text("到2025年，常住人口城镇化率达到75%。\n", encoding="utf-8")
        assert main(["intake", str(plan), "--format", "csv"]) == 0      # (a one-shot command, no database)
        assert "75" in capsys.readouterr().out
        assert signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGPIPE, before)
