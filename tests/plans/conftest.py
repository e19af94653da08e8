"""A small ledger: the Jiangsu office's plan, a task led by the science department with the
environment department participating, and one user per role (and one of another unit)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from deltawatch.accounts.choices import Role
from deltawatch.accounts.models import Membership, Organisation
from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import load_sample_organisations
from deltawatch.plans.models import Plan
from deltawatch.plans.services import NewTask, create_task

TODAY = dt.date(2025, 3, 3)  # a Monday


@pytest.fixture
def units(db):
    ensure_roles()
    load_sample_organisations()
    return {o.code: o for o in Organisation.objects.all()}


def make_user(username, role, unit):
    user = get_user_model().objects.create_user(username)  # no password: hashing one costs 0.3 s
    if role:
        user.groups.add(Group.objects.get(name=role))
    if unit:
        Membership.objects.create(user=user, organisation=unit)
    return user


@pytest.fixture
def people(units):
    """role name → user. ``lead_dept`` belongs to the lead unit, ``partner_dept`` to the
    participating unit, ``other_dept`` to a unit outside the task."""
    admin = get_user_model().objects.create_superuser("root", "", None)
    return {
        "office": make_user("office", Role.OFFICE.value, units["js-yrd-office"]),
        "other_office": make_user("sh_office", Role.OFFICE.value, units["sh-yrd-office"]),
        "lead_dept": make_user("kjt", Role.DEPARTMENT.value, units["js-kjt"]),
        "partner_dept": make_user("sthjt", Role.DEPARTMENT.value, units["js-sthjt"]),
        "other_dept": make_user("drc", Role.DEPARTMENT.value, units["js-drc"]),
        "reporter": make_user("stats", Role.REPORTER.value, units["nj-tjj"]),
        "researcher": make_user("res", Role.RESEARCHER.value, units["njnu"]),
        "admin": admin,
    }


@pytest.fixture
def plan(units):
    return Plan.objects.create(code="js-test", name_zh="测试方案", kind="provincial_plan", period_start=2024,
                               period_end=2026, owner=units["js-yrd-office"])


@pytest.fixture
def task(plan, units, people):
    return create_task(plan, NewTask(code="1", title="共建产业创新大平台", lead=units["js-kjt"],
                                     participants=[units["js-sthjt"]], start_date=dt.date(2025, 1, 1),
                                     due_date=dt.date(2025, 6, 30)), people["office"], today=TODAY)


@pytest.fixture
def lead(task):
    return task.assignments.get(role="lead")


@pytest.fixture
def partner(task):
    return task.assignments.get(role="participant")
