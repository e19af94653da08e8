"""The closed loop: every action tried by every role, the journal, concurrency, bad input."""

import datetime as dt
import hashlib

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.test import RequestFactory

from deltawatch.plans.choices import Action, ExtensionState, State
from deltawatch.plans.models import (Assignment, Evidence, ExtensionRequest, JournalEntry, Notification, Plan,
                                     ProgressReport, Task)
from deltawatch.plans.services import NewTask, create_task, instruct, set_parent
from deltawatch.plans.workflow import TRANSITIONS, StaleAssignment, WorkflowError, allowed_actions, transition

from .conftest import TODAY

pytestmark = pytest.mark.django_db

# Written by hand from the issue (not read from TRANSITIONS): who may make each action on the
# lead unit's part. Units act on their own part; the plan's office reviews, decides, adjusts.
EXPECTED = {
    Action.ACCEPT: {"lead_dept"},
    Action.REPORT: {"lead_dept"},
    Action.REQUEST_CLOSE: {"lead_dept"},
    Action.REQUEST_EXTENSION: {"lead_dept"},
    Action.APPROVE: {"office"},
    Action.RETURN: {"office"},
    Action.APPROVE_EXTENSION: {"office"},
    Action.REFUSE_EXTENSION: {"office"},
    Action.ADJUST: {"office"},
    Action.TERMINATE: {"office"},
    Action.URGE: {"office"},
}
ROLES = ["office", "other_office", "lead_dept", "partner_dept", "other_dept", "reporter", "researcher", "admin"]


def act(assignment, action, user, **kwargs):
    assignment.refresh_from_db()
    return transition(assignment.pk, action, user, version=assignment.version, today=TODAY, **kwargs)


def arguments(action):
    return {
        Action.REPORT: {"percent": 50, "text": "已完成方案起草"},
        Action.RETURN: {"comment": "佐证材料不全"},
        Action.REQUEST_EXTENSION: {"comment": "受天气影响", "new_due": dt.date(2025, 9, 30)},
        Action.REFUSE_EXTENSION: {"comment": "理由不充分"},
        Action.ADJUST: {"comment": "按领导小组意见调整", "new_due": dt.date(2025, 8, 31)},
        Action.TERMINATE: {"comment": "任务已并入其他事项"},
    }.get(action, {})


def bring_to_source(lead, action, people):
    """Drive the lead's part (by the allowed path) into a state the action starts from."""
    source = TRANSITIONS[action].sources[0]
    if action in (Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION):
        act(lead, Action.ACCEPT, people["lead_dept"])
        act(lead, Action.REQUEST_EXTENSION, people["lead_dept"], **arguments(Action.REQUEST_EXTENSION))
        return
    if source in (State.IN_PROGRESS, State.CLOSE_REQUESTED):
        act(lead, Action.ACCEPT, people["lead_dept"])
    if source == State.CLOSE_REQUESTED:
        act(lead, Action.REQUEST_CLOSE, people["lead_dept"])


def test_the_table_declares_every_action_once():
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_every_action_by_every_role(action, role, lead, people):
    bring_to_source(lead, action, people)
    lead.refresh_from_db()
    before = (lead.version, lead.state, JournalEntry.objects.count(), Notification.objects.count(),
              ProgressReport.objects.count(), ExtensionRequest.objects.count())
    if role in EXPECTED[action]:
        assert action in allowed_actions(people[role], lead)
        after = act(lead, action, people[role], **arguments(action))
        assert after.version == before[0] + 1
        entry = JournalEntry.objects.latest("id")
        assert (entry.action, entry.actor, entry.from_state, entry.to_state) == (
            action, people[role], before[1], TRANSITIONS[action].target or before[1])
    else:
        assert action not in allowed_actions(people[role], lead)
        with pytest.raises(WorkflowError, match="无权"):
            act(lead, action, people[role], **arguments(action))
        lead.refresh_from_db()
        assert (lead.version, lead.state, JournalEntry.objects.count(), Notification.objects.count(),
                ProgressReport.objects.count(), ExtensionRequest.objects.count()) == before


def test_participants_act_on_their_own_part_only(lead, partner, people):
    act(partner, Action.ACCEPT, people["partner_dept"])
    with pytest.raises(WorkflowError):
        act(lead, Action.ACCEPT, people["partner_dept"])
    assert Assignment.objects.get(pk=partner.pk).state == State.IN_PROGRESS
    assert Assignment.objects.get(pk=lead.pk).state == State.ASSIGNED


def test_a_full_loop_is_journalled_in_order_and_closes_the_task(task, lead, partner, people):
    unit, office = people["lead_dept"], people["office"]
    act(lead, Action.ACCEPT, unit)
    act(lead, Action.REPORT, unit, percent=60, text="完成六成")
    act(lead, Action.REQUEST_CLOSE, unit)
    act(lead, Action.RETURN, office, comment="请补充验收材料")
    assert Task.objects.get(pk=task.pk).status == State.IN_PROGRESS
    act(lead, Action.REPORT, unit, percent=100, text="已补充验收材料")
    act(lead, Action.REQUEST_CLOSE, unit)
    assert Task.objects.get(pk=task.pk).status == State.CLOSE_REQUESTED
    act(lead, Action.APPROVE, office)
    entries = list(JournalEntry.objects.filter(assignment=lead).order_by("id"))
    assert [e.action for e in entries] == ["assign", "accept", "report", "request_close", "return", "report",
                                           "request_close", "approve"]
    assert [(e.from_state, e.to_state) for e in entries][1:] == [
        ("assigned", "in_progress"), ("in_progress", "in_progress"), ("in_progress", "close_requested"),
        ("close_requested", "in_progress"), ("in_progress", "in_progress"), ("in_progress", "close_requested"),
        ("close_requested", "closed")]
    assert [e.version for e in entries] == list(range(1, 9))
    assert [e.actor.username for e in entries] == ["office", "kjt", "kjt", "kjt", "office", "kjt", "kjt", "office"]
    assert entries[4].comment == "请补充验收材料"
    lead.refresh_from_db()
    assert (lead.state, lead.returns, lead.percent, lead.closed_on) == ("closed", 1, 100, TODAY)
    # the task is done when the lead's part is closed, whatever the participant's state
    assert Assignment.objects.get(pk=partner.pk).state == State.ASSIGNED
    assert Task.objects.get(pk=task.pk).status == State.CLOSED
    assert Notification.objects.filter(unit=lead.unit, kind="returned").count() == 1
    assert Notification.objects.filter(unit=task.plan.owner, kind="review").count() == 2


def test_the_journal_cannot_be_edited_or_deleted(lead, people):
    act(lead, Action.ACCEPT, people["lead_dept"])
    entry = JournalEntry.objects.latest("id")
    entry.comment = "改写历史"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        JournalEntry.objects.filter(pk=entry.pk).update(comment="改写")
    with pytest.raises(PermissionError):
        JournalEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(ProtectedError):
        Assignment.objects.filter(pk=lead.pk).delete()
    assert JournalEntry.objects.get(pk=entry.pk).comment == ""
    request = RequestFactory().get("/")
    request.user = people["admin"]
    admin = site._registry[JournalEntry]
    assert not admin.has_change_permission(request, entry) and not admin.has_delete_permission(request, entry)
    assert not admin.has_add_permission(request)


def test_two_reviews_at_once_one_wins_the_other_sees_the_new_state(lead, people):
    act(lead, Action.ACCEPT, people["lead_dept"])
    act(lead, Action.REQUEST_CLOSE, people["lead_dept"])
    lead.refresh_from_db()
    seen = lead.version  # both reviewers loaded the page at this version
    transition(lead.pk, Action.RETURN, people["office"], version=seen, comment="退回补充", today=TODAY)
    count = JournalEntry.objects.count()
    with pytest.raises(StaleAssignment) as refused:
        transition(lead.pk, Action.APPROVE, people["office"], version=seen, today=TODAY)
    assert "已被他人更新" in str(refused.value) and "办理中" in str(refused.value)
    assert refused.value.current.state == State.IN_PROGRESS and refused.value.current.version == seen + 1
    assert JournalEntry.objects.count() == count
    assert Assignment.objects.get(pk=lead.pk).state == State.IN_PROGRESS


def test_a_reason_is_required_to_return_adjust_or_terminate(lead, people):
    act(lead, Action.ACCEPT, people["lead_dept"])
    act(lead, Action.REQUEST_CLOSE, people["lead_dept"])
    with pytest.raises(WorkflowError, match="理由"):
        act(lead, Action.RETURN, people["office"], comment="  ")
    with pytest.raises(WorkflowError, match="理由"):
        act(lead, Action.TERMINATE, people["office"])
    assert Assignment.objects.get(pk=lead.pk).state == State.CLOSE_REQUESTED


def test_a_state_the_action_does_not_start_from_is_refused(lead, people):
    with pytest.raises(WorkflowError, match="待签收"):
        act(lead, Action.REQUEST_CLOSE, people["lead_dept"])
    with pytest.raises(WorkflowError, match="0 到 100"):
        act(lead, Action.ACCEPT, people["lead_dept"]) and None
        act(lead, Action.REPORT, people["lead_dept"], percent=120, text="超额")


def test_an_approved_extension_moves_the_date_and_keeps_the_old_one(task, lead, people):
    act(lead, Action.ACCEPT, people["lead_dept"])
    act(lead, Action.REQUEST_EXTENSION, people["lead_dept"], comment="征地未完成", new_due=dt.date(2025, 9, 30))
    with pytest.raises(WorkflowError, match="待审批"):
        act(lead, Action.REQUEST_EXTENSION, people["lead_dept"], comment="再次", new_due=dt.date(2025, 10, 31))
    act(lead, Action.APPROVE_EXTENSION, people["office"])
    request = ExtensionRequest.objects.get(assignment=lead)
    assert (request.old_due, request.new_due, request.state) == (dt.date(2025, 6, 30), dt.date(2025, 9, 30),
                                                                 ExtensionState.APPROVED)
    assert Assignment.objects.get(pk=lead.pk).due_date == dt.date(2025, 9, 30)
    assert Task.objects.get(pk=task.pk).due_date == dt.date(2025, 9, 30)
    assert JournalEntry.objects.latest("id").detail["old_due"] == "2025-06-30"


def test_a_refused_extension_keeps_the_date(task, lead, people):
    act(lead, Action.ACCEPT, people["lead_dept"])
    act(lead, Action.REQUEST_EXTENSION, people["lead_dept"], comment="征地未完成", new_due=dt.date(2025, 9, 30))
    act(lead, Action.REFUSE_EXTENSION, people["office"], comment="请按期完成")
    assert ExtensionRequest.objects.get(assignment=lead).state == ExtensionState.REFUSED
    assert Assignment.objects.get(pk=lead.pk).due_date == Task.objects.get(pk=task.pk).due_date == dt.date(2025, 6, 30)


def test_an_extension_before_the_start_is_refused(lead, people):
    act(lead, Action.ACCEPT, people["lead_dept"])
    with pytest.raises(WorkflowError, match="不能早于开始日期"):
        act(lead, Action.REQUEST_EXTENSION, people["lead_dept"], comment="x", new_due=dt.date(2024, 12, 1))
    assert not ExtensionRequest.objects.exists()


# ------------------------------------------------------------------------------ evidence


def test_evidence_is_kept_with_its_hash(lead, people, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    content = b"%PDF-1.4 report"
    act(lead, Action.ACCEPT, people["lead_dept"])
    act(lead, Action.REPORT, people["lead_dept"], percent=30, text="见附件",
        files=[SimpleUploadedFile("进展报告.pdf", content)])
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest() and evidence.size == len(content)
    assert evidence.journal.action == Action.REPORT
    with evidence.file.open("rb") as handle:
        assert handle.read() == content


@pytest.mark.parametrize("upload, words", [
    (SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 this is a PE"), "可执行程序"),
    (SimpleUploadedFile("setup.exe", b"hello"), "类型不允许"),
    (SimpleUploadedFile("run.sh", b"#!/bin/sh"), "类型不允许"),
])
def test_executables_are_refused_and_nothing_is_written(lead, people, upload, words):
    act(lead, Action.ACCEPT, people["lead_dept"])
    before = (JournalEntry.objects.count(), ProgressReport.objects.count(), Assignment.objects.get(pk=lead.pk).version)
    with pytest.raises(WorkflowError, match=words):
        act(lead, Action.REPORT, people["lead_dept"], percent=30, text="见附件", files=[upload])
    assert (JournalEntry.objects.count(), ProgressReport.objects.count(),
            Assignment.objects.get(pk=lead.pk).version) == before
    assert not Evidence.objects.exists()


def test_a_200_mb_file_is_refused_before_it_is_read(lead, people):
    act(lead, Action.ACCEPT, people["lead_dept"])
    upload = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4")
    upload.size = 200 * 2 ** 20  # declared by the upload handler; never read into memory
    with pytest.raises(WorkflowError, match="过大"):
        act(lead, Action.REPORT, people["lead_dept"], percent=30, text="见附件", files=[upload])
    assert not ProgressReport.objects.exists()


# ------------------------------------------------------------------------------ tasks and plans


def test_a_due_date_before_the_start_is_refused(plan, units, people):
    item = NewTask(code="9", title="x", lead=units["js-kjt"], start_date=dt.date(2025, 6, 1), due_date=dt.date(2025, 5, 1))
    with pytest.raises(WorkflowError, match="不能早于开始日期"):
        create_task(plan, item, people["office"])
    assert not Task.objects.filter(code="9").exists()
    task = Task(plan=plan, code="9", title="x", lead_unit=units["js-kjt"], start_date=dt.date(2025, 6, 1),
                due_date=dt.date(2025, 5, 1))
    with pytest.raises(ValidationError):
        task.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        task.save()  # the database refuses it too


def test_a_participant_that_is_also_the_lead_is_refused(plan, units, people):
    item = NewTask(code="9", title="x", lead=units["js-kjt"], participants=[units["js-kjt"]])
    with pytest.raises(WorkflowError, match="已是牵头单位"):
        create_task(plan, item, people["office"])
    assert not Task.objects.filter(code="9").exists() and not Assignment.objects.filter(task__code="9").exists()


def test_a_cycle_of_parent_plans_is_refused(plan, units):
    child = Plan.objects.create(code="city", name_zh="市行动计划", kind="city_action_plan", period_start=2024,
                                period_end=2026, owner=units["js-yrd-office"], parent=plan)
    grandchild = Plan.objects.create(code="annual", name_zh="年度计划", kind="annual_work_plan", period_start=2025,
                                     period_end=2025, owner=units["js-yrd-office"], parent=child)
    with pytest.raises(ValidationError, match="循环"):
        set_parent(plan, grandchild)
    plan.refresh_from_db()
    assert plan.parent is None
    plan.parent = plan
    with pytest.raises(ValidationError):
        plan.save()


def test_urge_and_instruction_notify_and_enter_the_journal(task, lead, partner, people):
    act(lead, Action.URGE, people["office"])
    assert Notification.objects.filter(unit=lead.unit, kind="urge").count() == 1
    instruct(task, people["office"], "请加快推进", leader="分管副省长")
    entry = JournalEntry.objects.latest("id")
    assert (entry.action, entry.detail["leader"]) == (Action.INSTRUCT, "分管副省长")
    assert set(Notification.objects.filter(kind="instruction").values_list("unit__code", flat=True)) == {"js-kjt", "js-sthjt"}
    with pytest.raises(WorkflowError):
        instruct(task, people["lead_dept"], "越权批示")
    assert JournalEntry.objects.filter(action=Action.INSTRUCT).count() == 1
