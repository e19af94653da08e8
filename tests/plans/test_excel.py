"""Task lists in and out: deadlines as offices write them, the round trip, bad lists."""

import datetime as dt

import pytest

from deltawatch.audit.models import ChangeRecord
from deltawatch.plans.excel import (ImportRefused, Unparseable, export_rows, import_tasks, parse_deadline, read_rows,
                                    split_units, write_rows)
from deltawatch.plans.models import Assignment, JournalEntry, Notification, Task

D = dt.date


@pytest.mark.parametrize("text, due", [
    ("2025年6月底", D(2025, 6, 30)), ("2025年6月", D(2025, 6, 30)), ("2025-06", D(2025, 6, 30)),
    ("2025.6", D(2025, 6, 30)), ("2024年2月底前", D(2024, 2, 29)), ("2025年6月15日", D(2025, 6, 15)),
    ("2025-06-15", D(2025, 6, 15)), ("2025/6/15", D(2025, 6, 15)), ("2025年", D(2025, 12, 31)),
    ("2025年底前", D(2025, 12, 31)), ("2025年年底前", D(2025, 12, 31)), ("年底前", D(2026, 12, 31)),
    ("2025年上半年", D(2025, 6, 30)), ("2025年第三季度", D(2025, 9, 30)), ("9月底", D(2026, 9, 30)),
    ("长期坚持", None), (" 持续推进 ", None), ("2025-06-30 00:00:00", D(2025, 6, 30)),
])
def test_deadlines_as_written_in_task_lists(text, due):
    assert parse_deadline(text, default_year=2026) == due


@pytest.mark.parametrize("text", ["尽快", "2025年13月", "2025-02-30", "明年", ""])
def test_unreadable_deadlines_are_refused(text):
    with pytest.raises(Unparseable):
        parse_deadline(text, default_year=2026)


def test_units_are_split_on_chinese_and_ascii_separators():
    assert split_units("南京市人民政府、苏州市人民政府，无锡市人民政府,江苏省商务厅") == [
        "南京市人民政府", "苏州市人民政府", "无锡市人民政府", "江苏省商务厅"]


LIST = """序号,任务,牵头单位,参与单位,完成时限,进展情况
1,共建产业创新大平台,江苏省科学技术厅,南京市统计局、苏州市统计局,2025年6月底,已印发方案
2,联合治理跨界水体,江苏省生态环境厅,"江苏省科学技术厅，江苏省发展和改革委员会",长期坚持,
3,完善统一市场制度,js-drc,,2025-09,
"""


@pytest.mark.django_db
def test_a_list_is_imported_with_its_assignments(plan, people, write_csv):
    outcome = import_tasks(write_csv(LIST), plan, people["office"], default_year=2025)
    assert (outcome.created, outcome.updated) == (3, 0)
    one = Task.objects.get(plan=plan, code="1")
    assert (one.due_date, one.deadline_text, one.progress_note) == (D(2025, 6, 30), "2025年6月底", "已印发方案")
    assert sorted(one.assignments.values_list("unit__code", "role")) == [
        ("js-kjt", "lead"), ("nj-tjj", "participant"), ("sz-tjj", "participant")]
    two = Task.objects.get(plan=plan, code="2")
    assert two.due_date is None and two.assignments.count() == 3
    assert JournalEntry.objects.filter(task__plan=plan, action="assign").count() == 7


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_changes_nothing(plan, people, write_csv, tmp_path, fmt):
    import_tasks(write_csv(LIST), plan, people["office"], default_year=2025)
    rows = export_rows(plan=plan)
    path = tmp_path / f"list.{fmt}"
    write_rows(rows, fmt, path)
    counts = (Task.objects.count(), Assignment.objects.count(), JournalEntry.objects.count(),
              Notification.objects.count(), ChangeRecord.objects.count())
    outcome = import_tasks(path, plan, people["office"], default_year=2030)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 3)
    assert (Task.objects.count(), Assignment.objects.count(), JournalEntry.objects.count(),
            Notification.objects.count(), ChangeRecord.objects.count()) == counts
    assert export_rows(plan=plan) == rows
    assert [r["序号"] for r in read_rows(path)] == ["1", "2", "3"]


@pytest.mark.django_db
def test_export_of_one_unit_and_formula_texts(plan, people, write_csv, tmp_path):
    import_tasks(write_csv(LIST.replace("完善统一市场制度", "=HYPERLINK(1)")), plan, people["office"], default_year=2025)
    rows = export_rows(plan=plan, unit=people["lead_dept"].membership.organisation)
    assert [r[0] for r in rows] == ["1", "2"]              # lead of 1, participant in 2
    write_rows(export_rows(plan=plan), "csv", tmp_path / "x.csv")
    assert "'=HYPERLINK(1)" in (tmp_path / "x.csv").read_text(encoding="utf-8-sig")


BAD = [
    ("1,任务,江苏省不存在厅,,2025年6月底,\n", "第 2 行「牵头单位」", "找不到该单位"),
    ("1,任务,江苏省科学技术厅,无此单位,2025年6月底,\n", "第 2 行「参与单位」", "找不到该单位"),
    ("1,任务,江苏省科学技术厅,,尽快,\n", "第 2 行「完成时限」", "无法识别的时限"),
    ("1,任务,江苏省科学技术厅,江苏省科学技术厅,2025-06,\n", "第 2 行「参与单位」", "已是牵头单位"),
    ("1,任务,江苏省科学技术厅,,2025-06,\n1,又一项,江苏省科学技术厅,,2025-06,\n", "第 3 行「序号」", "序号重复"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("body, where, words", BAD)
def test_a_bad_list_names_the_row_and_column_and_writes_nothing(plan, people, write_csv, body, where, words):
    good = "9,好的一行,江苏省科学技术厅,,2025-06,\n"
    path = write_csv("序号,任务,牵头单位,参与单位,完成时限,进展情况\n" + body + good)
    with pytest.raises(ImportRefused) as refused:
        import_tasks(path, plan, people["office"])
    text = str(refused.value)
    assert where in text and words in text
    assert not Task.objects.filter(plan=plan).exists() and not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_a_list_without_the_columns_or_not_a_table(plan, people, write_csv, tmp_path):
    with pytest.raises(ImportRefused, match="找不到表头"):
        import_tasks(write_csv("a,b\n1,2\n"), plan, people["office"])
    fake = tmp_path / "list.xlsx"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ImportRefused):
        import_tasks(fake, plan, people["office"])
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(plan, people, write_csv):
    outcome = import_tasks(write_csv(LIST), plan, people["office"], dry_run=True, default_year=2025)
    assert outcome.created == 3 and not Task.objects.exists() and not Notification.objects.exists()
