"""Who sees which tasks: the one scoping helper with the ledger's row rules."""

import pytest
from django.contrib.auth.models import AnonymousUser

from deltawatch.accounts.scoping import restrict
from deltawatch.plans.models import JournalEntry, Notification, Task
from deltawatch.plans.services import NewTask, create_task

pytestmark = pytest.mark.django_db


def test_units_see_their_tasks_the_office_all_the_public_none(plan, task, units, people):
    other = create_task(plan, NewTask(code="2", title="别的单位的任务", lead=units["js-drc"]), people["office"])
    assert set(restrict(Task.objects.all(), people["office"])) == {task, other}
    assert set(restrict(Task.objects.all(), people["lead_dept"])) == {task}
    assert set(restrict(Task.objects.all(), people["partner_dept"])) == {task}
    assert set(restrict(Task.objects.all(), people["other_dept"])) == {other}
    assert not restrict(Task.objects.all(), AnonymousUser()).exists()
    assert not restrict(Task.objects.all(), people["lead_dept"], "change").exists()
    assert set(restrict(JournalEntry.objects.all(), people["other_dept"]).values_list("task__code", flat=True)) == {"2"}
    mine = restrict(Notification.objects.all(), people["lead_dept"])
    assert mine.exists() and set(mine.values_list("unit__code", flat=True)) == {"js-kjt"}
