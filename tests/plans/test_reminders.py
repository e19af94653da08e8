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
