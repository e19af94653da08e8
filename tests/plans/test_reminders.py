"""The reminder sweep: what it makes, once per event, and its scheduled job."""

import datetime as dt

import pytest

from deltawatch.jobs.handlers import HANDLERS
from deltawatch.jobs.models import Job
from deltawatch.plans.choices import Action
from deltawatch.plans.models import Notification
from deltawatch.plans.reminders import JOB_KIND, schedule_daily, sweep, sweep_job
from deltawatch.plans.services import NewTask, create_task
from deltawatch.plans.workflow import transition

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def due_tasks(plan, units, people):
    """Made on Monday 3 March 2025 (signing due within 3 working days: Thursday 6 March).
    S due Friday 7 March (inside the 5-working-day window), L due Monday 24 February (overdue
    5 working days on Monday 3 March), M due Thursday 27 February (overdue 2), F far away."""
    made = {}
    for code, due in (("S", D(2025, 3, 7)), ("L", D(2025, 2, 24)), ("M", D(2025, 2, 27)), ("F", D(2025, 9, 30))):
        made[code] = create_task(plan, NewTask(code=code, title=code, lead=units["js-kjt"], due_date=due),
                                 people["office"], today=D(2025, 3, 3))
    for code in ("S", "L", "M"):
        lead = made[code].assignments.get()
        transition(lead.pk, Action.ACCEPT, people["lead_dept"], version=lead.version, today=D(2025, 3, 3))
    return made


def test_one_notification_per_event_however_often_it_runs(due_tasks, units):
    first = sweep(D(2025, 3, 3))
    assert (first.reminders, first.overdue, first.escalations, first.acceptance) == (1, 2, 1, 0)
    assert sweep(D(2025, 3, 3)).total == 0
    escalated = Notification.objects.get(kind="escalation")
    assert escalated.unit == units["js-yrd-office"] and "5 个工作日" in escalated.message
    # Friday 7 March: F was never signed for (due Thursday 6 March); M is now 6 working days
    # late; S is due today (reminded already, not overdue); L was escalated already
    later = sweep(D(2025, 3, 7))
    assert (later.reminders, later.overdue, later.escalations, later.acceptance) == (0, 0, 1, 1)
    assert Notification.objects.filter(kind="overdue", task__code="S").count() == 0  # due today: a reminder


def test_a_new_due_date_is_a_new_event(due_tasks, people):
    sweep(D(2025, 3, 3))
    lead = due_tasks["L"].assignments.get()
    transition(lead.pk, Action.ADJUST, people["office"], version=lead.version, comment="调整", new_due=D(2025, 3, 5),
               today=D(2025, 3, 3))
    again = sweep(D(2025, 3, 3))
    assert (again.reminders, again.overdue, again.escalations) == (1, 0, 0)


def test_the_job_worker_runs_the_same_sweep_once_a_day(due_tasks):
    assert HANDLERS[JOB_KIND] is sweep_job
    job = schedule_daily()
    assert job is not None and job.kind == JOB_KIND
    assert schedule_daily() is None and Job.objects.filter(kind=JOB_KIND).count() == 1
    assert sweep_job({}, None, lambda progress, message="": None) == ""


def test_each_reader_sees_the_message_in_the_language_of_the_page(due_tasks, units, people, client):
    from django.utils import translation

    sweep(D(2025, 3, 3))
    escalated = Notification.objects.get(kind="escalation")
    # worded once per language when made: the unit's name in each, the task's title as written
    assert escalated.message == "逾期上报：江苏省科学技术厅 承办的 L L 已逾期 5 个工作日"
    assert escalated.message_en.startswith("Escalation:") and "5 working days" in escalated.message_en
    assert "Science and Technology" in escalated.message_en and "科学技术厅" not in escalated.message_en
    with translation.override("en"):
        assert escalated.text() == escalated.message_en
    with translation.override("zh-hans"):
        assert escalated.text() == escalated.message
    client.force_login(people["office"])
    page = client.get("/tasks/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert escalated.message_en in page and escalated.message not in page


def test_notifications_are_emailed_in_both_languages_when_a_server_is_named(due_tasks, units, people, settings,
                                                                              mailoutbox, django_capture_on_commit_callbacks):
    from deltawatch.plans.notify import Wording, send

    people["lead_dept"].email = "kjt@example.gov.cn"
    people["lead_dept"].save()
    settings.EMAIL_HOST_CONFIGURED = False
    with django_capture_on_commit_callbacks(execute=True):
        send("urge", units["js-kjt"], Wording("已逾期：%(task)s，完成时限 %(date)s", {"task": "T", "date": "2025-03-01"}))
    assert mailoutbox == []  # no e-mail server named: the inbox only
    settings.EMAIL_HOST_CONFIGURED = True
    with django_capture_on_commit_callbacks(execute=True):
        notice = send("urge", units["js-kjt"], Wording("已逾期：%(task)s，完成时限 %(date)s",
                                                         {"task": "T", "date": "2025-03-02"}))
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["kjt@example.gov.cn"] and mail.subject.startswith("[DeltaWatch] ")
    assert mail.body == f"{notice.message}\n\n{notice.message_en}" and "已逾期：T" in mail.body
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_a_failing_mail_server_keeps_the_inbox_entry(due_tasks, units, people, settings, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    from deltawatch.plans.notify import Wording, send

    people["lead_dept"].email = "kjt@example.gov.cn"
    people["lead_dept"].save()
    settings.EMAIL_HOST_CONFIGURED = True

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr("django.core.mail.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        notice = send("urge", units["js-kjt"], Wording("已逾期：%(task)s，完成时限 %(date)s", {"task": "T", "date": "x"}))
    notice.refresh_from_db()
    assert notice.emailed_at is None and Notification.objects.filter(pk=notice.pk).exists()
