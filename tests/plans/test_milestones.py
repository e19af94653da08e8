"""Nodes (节点) of a task: who sets and completes them, inside the task's dates, in the journal,
with lights on the task page and the schedule; the default's demonstration nodes."""

import datetime as dt

import pytest

from deltawatch.plans import services
from deltawatch.plans.choices import Action, Light
from deltawatch.plans.defaults import load_plans_default
from deltawatch.plans.models import JournalEntry, Milestone, Task
from deltawatch.plans.views import gantt_option
from deltawatch.plans.workflow import WorkflowError

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_office_and_the_lead_set_nodes_inside_the_task_dates(task, people):
    node = services.add_milestone(task, people["office"], title="方案印发", due_date=D(2025, 3, 31), deliverable="实施方案")
    services.add_milestone(task, people["lead_dept"], title="平台挂牌", due_date=D(2025, 6, 30))
    assert [m.title for m in task.milestones.all()] == ["方案印发", "平台挂牌"]
    entry = JournalEntry.objects.filter(task=task, action=Action.MILESTONE).order_by("id").first()
    assert entry.actor == people["office"] and entry.detail == {"milestone": node.pk, "due": "2025-03-31",
                                                               "deliverable": "实施方案"}


@pytest.mark.parametrize("who", ["partner_dept", "other_dept", "other_office", "reporter", "researcher"])
def test_others_may_not_set_nodes_and_nothing_is_written(task, people, who):
    journal = JournalEntry.objects.count()
    with pytest.raises(WorkflowError):
        services.add_milestone(task, people[who], title="x", due_date=D(2025, 3, 31))
    assert not task.milestones.exists() and JournalEntry.objects.count() == journal


@pytest.mark.parametrize("due, words", [(D(2024, 12, 31), "不能早于"), (D(2025, 7, 1), "不能晚于"), (None, "节点时间")])
def test_a_node_outside_the_task_or_undated_is_refused(task, people, due, words):
    with pytest.raises(WorkflowError, match=words):
        services.add_milestone(task, people["office"], title="x", due_date=due)
    assert not task.milestones.exists()


def test_completing_a_node_records_when_and_how_late(task, people):
    node = services.add_milestone(task, people["lead_dept"], title="方案印发", due_date=D(2025, 3, 31))
    entry = services.complete_milestone(node, people["lead_dept"], done_on=D(2025, 4, 3), comment="已印发",
                                        today=D(2025, 4, 7))
    node.refresh_from_db()
    assert node.done_on == D(2025, 4, 3)
    assert entry.action == Action.MILESTONE_DONE and entry.detail["days_late"] == 3 and entry.comment == "已印发"
    with pytest.raises(WorkflowError, match="已于"):
        services.complete_milestone(node, people["office"], done_on=D(2025, 4, 4), today=D(2025, 4, 7))


def test_a_node_cannot_be_done_in_the_future(task, people):
    node = services.add_milestone(task, people["office"], title="x", due_date=D(2025, 3, 31))
    with pytest.raises(WorkflowError, match="不能晚于今天"):
        services.complete_milestone(node, people["office"], done_on=D(2025, 4, 8), today=D(2025, 4, 7))
    node.refresh_from_db()
    assert node.done_on is None


def test_node_lights_at_their_boundaries():
    today, warn_last = D(2025, 3, 3), D(2025, 3, 10)
    light = services.milestone_light
    assert light(Milestone(due_date=D(2025, 3, 2)), today, warn_last) == Light.RED      # yesterday
    assert light(Milestone(due_date=today), today, warn_last) == Light.YELLOW           # today
    assert light(Milestone(due_date=warn_last), today, warn_last) == Light.YELLOW       # last day of the window
    assert light(Milestone(due_date=D(2025, 3, 11)), today, warn_last) == Light.GREEN
    assert light(Milestone(due_date=D(2025, 3, 2), done_on=D(2025, 3, 1)), today, warn_last) == Light.DONE


def test_the_schedule_colours_nodes_by_their_light(task, people):
    late = Milestone.objects.create(task=task, title="late", due_date=D(2000, 1, 1))
    done = Milestone.objects.create(task=task, title="done", due_date=D(2000, 1, 1), done_on=D(2000, 1, 1))
    task.light = Light.GREEN  # as the schedule view annotates it
    option = gantt_option([task], [late, done], [], D(2025, 3, 3))
    nodes = next(s for s in option["baseOption"]["series"] if s["type"] == "scatter")["data"]
    assert [n["itemStyle"]["color"] for n in nodes] == ["#c0392b", "#2e7d32"]
    assert "完成于 2000-01-01" in nodes[1]["tooltip"]["formatter"]


def test_the_task_page_form_keeps_what_was_typed_when_refused(task, people, client):
    client.force_login(people["lead_dept"])
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "新增节点" in page
    answer = client.post(f"/tasks/{task.pk}/milestones/", {"title": "平台挂牌运行", "due_date": "2025-09-30",
                                                          "deliverable": "挂牌文件"})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "不能晚于任务完成时限" in body and 'value="平台挂牌运行"' in body and 'value="挂牌文件"' in body
    assert not task.milestones.exists()
    answer = client.post(f"/tasks/{task.pk}/milestones/", {"title": "平台挂牌运行", "due_date": "2025-05-30"})
    assert answer.status_code == 302 and task.milestones.get().title == "平台挂牌运行"


def test_a_unit_outside_the_task_gets_no_form_and_a_403(task, people, client):
    client.force_login(people["partner_dept"])
    assert "新增节点" not in client.get(f"/tasks/{task.pk}/").content.decode()
    assert client.post(f"/tasks/{task.pk}/milestones/", {"title": "x", "due_date": "2025-05-30"}).status_code == 403
    node = Milestone.objects.create(task=task, title="n", due_date=D(2025, 5, 30))
    assert client.post(f"/tasks/{task.pk}/milestones/{node.pk}/done/", {"done_on": "2025-03-01"}).status_code == 403
    node.refresh_from_db()
    assert node.done_on is None


def test_the_default_ledger_has_demonstration_nodes_and_an_instruction():
    today = D(2026, 3, 2)
    load_plans_default(None, today=today, progress=lambda *a: None)
    nodes = Milestone.objects.filter(task__is_example=True)
    assert nodes.count() == 10 and nodes.filter(done_on__isnull=False).count() == 4
    assert nodes.filter(done_on__isnull=True, due_date__lt=today).count() == 2  # red on the pages
    assert nodes.get(title="专项中期检查").done_on == today - dt.timedelta(days=30)
    instruction = JournalEntry.objects.get(action=Action.INSTRUCT, task__code="13")
    assert instruction.detail["example"] is True and instruction.comment.startswith("示例")
    assert Task.objects.get(code="13", plan__code="js-implementation").milestones.count() == 2
