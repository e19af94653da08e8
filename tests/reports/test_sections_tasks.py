"""The task progress bulletin on a small ledger counted by hand, against the ledger's own reads.

Plan js-test: chapter 三 with parts 三(一) (measure m1) and 三(二) (m2); five tasks started on
2 January 2025. The bulletin is for March 2025 (as of 31 March; the previous period ended on
28 February; the warning window on 31 March ends after 31 March + 5 working days).

task  area       lead        due         what happened                          light on 31 March
A     三(一)     科技厅      2025-03-10  closed 5 March (on time)               grey (closed)
B     三(一)     科技厅      2025-03-20  closed 25 March (late)                 grey (closed)
C     三(二)     科技厅      2025-03-15  in progress, milestone done 8 March    red (16 days overdue)
D     三(二)     生态环境厅  2025-04-03  returned on 12 March; 发改委 takes part  yellow
E     no measure 生态环境厅  2025-02-20  in progress                            red (39 days; red on 28 Feb too)

Hand counts on 31 March: 5 tasks, 2 closed → closure 40.0%; on time 1 of (2 closed + 2 overdue)
→ 25.0%; 2 overdue, 1 on 28 February → one more than the previous period.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from deltawatch.plans import services
from deltawatch.plans.choices import Action
from deltawatch.plans.models import JournalEntry, Measure, Milestone, Section
from deltawatch.plans.services import NewTask, create_task
from deltawatch.plans.workflow import transition
from deltawatch.reports import document, sections_tasks
from deltawatch.reports.periods import Period
from tests.plans.conftest import people, plan, units  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db
D = dt.date
MARCH = Period("month", 2025, 3)
CJK = re.compile(r"[\u4e00-\u9fff]")


def moment(day: dt.date):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10, 0))


def act(assignment, action, user, day, **kwargs):
    assignment.refresh_from_db()
    return transition(assignment.pk, action, user, version=assignment.version, today=day, when=moment(day), **kwargs)


def close(assignment, unit_user, office, day):
    act(assignment, Action.ACCEPT, unit_user, D(2025, 1, 3))
    act(assignment, Action.REQUEST_CLOSE, unit_user, day)
    act(assignment, Action.APPROVE, office, day)


@pytest.fixture
def world(plan, units, people):  # noqa: F811
    chapter = Section.objects.create(plan=plan, number="三", title="聚力高质量", order=1)
    part1 = Section.objects.create(plan=plan, number="三(一)", title="协同创新", parent=chapter, order=2)
    part2 = Section.objects.create(plan=plan, number="三(二)", title="基础设施", parent=chapter, order=3)
    m1 = Measure.objects.create(section=part1, code="m1", title="原始创新")
    m2 = Measure.objects.create(section=part2, code="m2", title="轨道交通")
    office, kjt, sthjt = people["office"], people["lead_dept"], people["partner_dept"]
    spec = [("A", m1, "js-kjt", [], D(2025, 3, 10)), ("B", m1, "js-kjt", [], D(2025, 3, 20)),
            ("C", m2, "js-kjt", [], D(2025, 3, 15)), ("D", m2, "js-sthjt", ["js-drc"], D(2025, 4, 3)),
            ("E", None, "js-sthjt", [], D(2025, 2, 20))]
    tasks = {code: create_task(plan, NewTask(code=code, title=f"任务{code}", lead=units[lead], measure=measure,
                                             participants=[units[o] for o in others], start_date=D(2025, 1, 2),
                                             due_date=due), office, today=D(2025, 1, 2), when=moment(D(2025, 1, 2)))
             for code, measure, lead, others, due in spec}
    lead = {code: task.assignments.get(role="lead") for code, task in tasks.items()}
    close(lead["A"], kjt, office, D(2025, 3, 5))
    close(lead["B"], kjt, office, D(2025, 3, 25))
    act(lead["C"], Action.ACCEPT, kjt, D(2025, 1, 3))
    act(lead["E"], Action.ACCEPT, sthjt, D(2025, 1, 3))
    act(lead["D"], Action.ACCEPT, sthjt, D(2025, 1, 3))
    act(lead["D"], Action.REQUEST_CLOSE, sthjt, D(2025, 3, 10))
    act(lead["D"], Action.RETURN, office, D(2025, 3, 12), comment="材料不全")
    Milestone.objects.create(task=tasks["C"], title="方案报审", due_date=D(2025, 3, 8), done_on=D(2025, 3, 8))
    Milestone.objects.create(task=tasks["C"], title="开工", due_date=D(2025, 4, 8))  # not done
    JournalEntry.objects.create(task=tasks["C"], action=Action.INSTRUCT, comment="加快推进", at=moment(D(2025, 3, 20)),
                                detail={"leader": "分管领导"})
    JournalEntry.objects.create(task=tasks["C"], action=Action.INSTRUCT, comment="上月批示", at=moment(D(2025, 2, 20)))
    return {"tasks": tasks, "lead": lead}


def by_code(content):
    return {s["code"]: s for s in content["sections"]}


def numbers(text):
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


def test_overview_sentence_and_facts_equal_hand_counts_and_the_rollup(plan, world):  # noqa: F811
    overview = by_code(sections_tasks.build(MARCH))["overview"]
    assert overview["status"] == "ok"
    facts = overview["facts"]
    assert {k: facts[k] for k in ("tasks", "closed", "closure_rate", "on_time_rate", "overdue",
                                  "overdue_previous", "overdue_change")} == {
        "tasks": 5, "closed": 2, "closure_rate": 40.0, "on_time_rate": 25.0, "overdue": 2,
        "overdue_previous": 1, "overdue_change": 1}
    text = overview["blocks"][0]["text"]
    assert text == ("截至2025年3月31日，纳入台账的重点任务共5项，已办结2项，办结率40.0%，按期完成率25.0%；"
                    "逾期未办结2项，较上期增加1项。")
    # every number of the sentence, in order: the date, then the facts
    assert numbers(text) == [2025, 3, 31, 5, 2, 40.0, 25.0, 2, 1]
    # … and the ledger's own roll-up of the plan says the same
    row = services.plan_rollup(plan, today=D(2025, 3, 31))["plan"].iloc[0]
    assert [int(row["total"]), int(row["closed"]), int(row["overdue_open"])] == [5, 2, 2]
    assert round(100 * row["closure_rate"], 1) == facts["closure_rate"]
    assert round(100 * row["on_time_rate"], 1) == facts["on_time_rate"]
    before = services.plan_rollup(plan, today=D(2025, 2, 28))["plan"].iloc[0]
    assert int(before["overdue_open"]) == facts["overdue_previous"]


def test_units_table_is_the_league_best_first(plan, world):  # noqa: F811
    section = by_code(sections_tasks.build(MARCH))["units"]
    table = next(b for b in section["blocks"] if b["type"] == "table")
    assert [c["format"] for c in table["columns"] if c["key"].endswith("_rate")] == ["percent", "percent"]
    rows = {r["unit"]: r for r in table["rows"]}
    assert [r["unit"] for r in table["rows"]] == ["江苏省科学技术厅", "江苏省生态环境厅", "江苏省发展和改革委员会"]
    kjt, sthjt, drc = (rows[name] for name in rows)
    assert (kjt["total"], kjt["closed"], kjt["overdue_open"]) == (3, 2, 1)
    assert kjt["on_time_rate"] == pytest.approx(1 / 3) and kjt["closure_rate"] == pytest.approx(2 / 3)
    assert (sthjt["total"], sthjt["returns"], sthjt["on_time_rate"], sthjt["closure_rate"]) == (2, 1, 0.0, 0.0)
    assert drc["on_time_rate"] is None and drc["total"] == 1
    league = services.unit_league(plan, today=D(2025, 3, 31)).set_index("unit")
    for name, row in rows.items():
        assert row["total"] == league.at[name, "total"] and row["closed"] == league.at[name, "closed"]
        assert row["returns"] == league.at[name, "returns"]


def test_overdue_and_returned_tables(world):
    section = by_code(sections_tasks.build(MARCH))["overdue"]
    assert section["facts"] == {"overdue": 2, "returned": 1}
    overdue, returned = [b for b in section["blocks"] if b["type"] == "table"]
    assert [(r["code"], r["unit"], r["due_date"], r["days_overdue"]) for r in overdue["rows"]] == [
        ("E", "江苏省生态环境厅", "2025-02-20", 39), ("C", "江苏省科学技术厅", "2025-03-15", 16)]
    assert [(r["code"], r["returned_on"], r["reason"]) for r in returned["rows"]] == [("D", "2025-03-12", "材料不全")]
    # in April the return is not in the period any more
    april = by_code(sections_tasks.build(Period("month", 2025, 4)))["overdue"]
    assert april["facts"]["returned"] == 0


def test_lights_by_area_table_and_chart(world):
    section = by_code(sections_tasks.build(MARCH))["lights"]
    table = next(b for b in section["blocks"] if b["type"] == "table")
    assert [(r["area"], r["green"], r["yellow"], r["red"], r["grey"], r["total"]) for r in table["rows"]] == [
        ("三(一) 协同创新", 0, 0, 0, 2, 2), ("三(二) 基础设施", 0, 1, 1, 0, 2), ("未归入章节", 0, 0, 1, 0, 1)]
    assert section["facts"] == {"areas": 3, "green": 0, "yellow": 1, "red": 2, "grey": 2, "total": 5}
    chart = next(b for b in section["blocks"] if b["type"] == "chart")
    option = chart["option"]
    assert option["animation"] is False
    assert option["yAxis"]["data"] == [r["area"] for r in table["rows"]]
    assert [(s["itemStyle"]["color"], s["data"]) for s in option["series"]] == [
        ("#2e7d32", [0, 0, 0]), ("#f9a825", [0, 1, 0]), ("#c62828", [0, 1, 1]), ("#9e9e9e", [2, 0, 0])]
    assert {s["stack"] for s in option["series"]} == {"lights"}


def test_highlights_of_the_period_only(world):
    section = by_code(sections_tasks.build(MARCH))["highlights"]
    assert section["facts"] == {"closed": 2, "milestones": 1, "instructions": 1}
    items = [i for b in section["blocks"] if b["type"] == "list" for i in b["items"]]
    assert items == ["A 任务A（江苏省科学技术厅，2025年3月5日办结）", "B 任务B（江苏省科学技术厅，2025年3月25日办结）",
                     "C 任务C：完成节点“方案报审”（2025年3月8日）",
                     "2025年3月20日，分管领导对C 任务C作出批示：加快推进"]


def test_sources_name_the_period_end_and_the_last_journal_entry(world):
    content = sections_tasks.build(MARCH)
    assert content["title"] == "长三角一体化发展重点任务进展通报（2025年3月）"
    last = JournalEntry.objects.filter(at__date__lte=D(2025, 3, 31)).order_by("-id").first()
    assert content["sources"]["as_of"] == "2025-03-31" and content["sources"]["ledger_journal_last"] == last.pk
    assert content["sources"]["data_version"]


def test_a_period_without_tasks_says_so(world):
    content = sections_tasks.build(Period("month", 2024, 6))
    sections = by_code(content)
    assert {code: s["status"] for code, s in sections.items()} == {
        "overview": "empty", "units": "empty", "overdue": "empty", "lights": "empty", "highlights": "empty"}
    assert sections["overview"]["blocks"][0]["text"] == "截至2024年6月30日，台账中尚无任务。"


def test_a_failing_computation_fails_its_sections_only(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("roll-up unavailable")

    monkeypatch.setattr(services, "plan_rollup", broken)
    sections = by_code(sections_tasks.build(MARCH))
    assert sections["overview"]["status"] == "failed" and sections["lights"]["status"] == "failed"
    assert "roll-up unavailable" in sections["overview"]["blocks"][0]["text"]
    assert sections["units"]["status"] == "ok" and sections["overdue"]["status"] == "ok"


def test_the_english_bulletin_has_no_chinese_but_names(world):
    with translation.override("en"):
        content = sections_tasks.build(MARCH)
    names = ["Jiangsu Department of Science and Technology"]
    texts = [content["title"]]
    for section in document.walk(content["sections"]):
        texts.append(section["title"])
        for block in section["blocks"]:
            if block["type"] == "paragraph":
                texts.append(block["text"])
            elif block["type"] == "table":
                texts += [block["caption"], block["note"]] + [c["label"] for c in block["columns"]]
            elif block["type"] == "chart":
                texts += [block["title"]] + [s["name"] for s in block["option"]["series"]]
    chinese = [t for t in texts if CJK.search(t)]
    assert chinese == [], chinese
    overview = by_code(content)["overview"]["blocks"][0]["text"]
    assert "40.0%" in overview and "25.0%" in overview and "up 1 on the previous period" in overview
    assert any(name in t for t in texts for name in names)
