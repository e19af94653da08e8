"""Fixtures of the API tests: the accounts of every role, a small ledger, tokens, clients.

The world is made once per module inside a transaction rolled back at its end (the role
matrix's habit); each test runs in a savepoint of it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

ROLES = ("public", "admin", "office", "department", "reporter", "researcher")
USERNAMES = {"admin": "api_admin", "office": "js_office", "department": "js_kjt", "reporter": "nj_stats",
             "researcher": "njnu_researcher"}
HOST = "localhost"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("api")
    with django_db_blocker.unblock(), override_settings(DATA_DIR=data_dir):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _make_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    cache.clear()
    yield
    cache.clear()


def _make_world() -> dict:
    from deltawatch.accounts.choices import Role
    from deltawatch.accounts.models import Organisation
    from deltawatch.accounts.roles import ensure_roles
    from deltawatch.accounts.services import create_sample_accounts
    from deltawatch.plans.models import Plan
    from deltawatch.plans.services import NewTask, create_task

    ensure_roles()
    create_sample_accounts()
    users = {role: get_user_model().objects.get(username=name) for role, name in USERNAMES.items() if role != "admin"}
    admin = get_user_model().objects.create_superuser("api_admin", password="x" * 16)
    admin.groups.add(Group.objects.get(name=Role.ADMIN.value))
    users["admin"] = admin
    plan = Plan.objects.create(code="api-plan", name_zh="接口测试方案", kind="provincial_plan", period_start=2024,
                               period_end=2026, owner=users["office"].membership.organisation)
    lead = Organisation.objects.get(pk=users["department"].membership.organisation_id)
    task = create_task(plan, NewTask(code="1", title="共建产业创新大平台", lead=lead), users["office"])
    return {"users": users, "plan": plan.pk, "task": task.pk, "assignment": task.assignments.get().pk}


def client_for(world, role: str, **headers) -> Client:
    client = Client(HTTP_HOST=HOST, **headers)
    if role != "public":
        client.force_login(world["users"][role])
    return client


def token_client(text: str) -> Client:
    return Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {text}")
