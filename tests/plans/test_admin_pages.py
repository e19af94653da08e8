"""The ledger's admin: every changelist opens on the default ledger; the journal is read-only."""

import datetime as dt

import pytest
from django.urls import reverse

from deltawatch.plans.defaults import load_plans_default
from deltawatch.plans.models import JournalEntry, Task

pytestmark = pytest.mark.django_db
MODELS = ["plan", "section", "measure", "task", "milestone", "assignment", "journalentry", "progressreport",
          "evidence", "extensionrequest", "baseline", "baselineitem", "notification"]


@pytest.fixture
def ledger(db):
    load_plans_default(None, today=dt.date(2026, 3, 2), progress=lambda *a: None)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_opens(admin_client, ledger, model):
    response = admin_client.get(reverse(f"admin:plans_{model}_changelist"))
    assert response.status_code == 200


def test_a_task_page_opens_and_a_journal_entry_cannot_be_changed(admin_client, ledger):
    task = Task.objects.get(plan__code="js-implementation", code="11")
    assert admin_client.get(reverse("admin:plans_task_change", args=[task.pk])).status_code == 200
    entry = JournalEntry.objects.filter(task=task).first()
    url = reverse("admin:plans_journalentry_change", args=[entry.pk])
    assert admin_client.post(url, {"comment": "改写"}).status_code == 403
    assert admin_client.post(reverse("admin:plans_journalentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert JournalEntry.objects.get(pk=entry.pk).comment == entry.comment
