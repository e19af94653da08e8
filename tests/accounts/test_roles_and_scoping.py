"""Roles, sample accounts and the one scoping helper, role by role."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError

from deltawatch.accounts.choices import Role
from deltawatch.accounts.models import Membership, Organisation
from deltawatch.accounts.roles import ensure_roles, roles_of
from deltawatch.accounts.scoping import restrict, user_region_ids
from deltawatch.accounts.services import SAMPLE_ACCOUNTS, create_sample_accounts
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    ensure_roles()
    create_sample_accounts()
    return {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in SAMPLE_ACCOUNTS])}


def test_roles_are_groups_and_ensuring_them_twice_changes_nothing():
    ensure_roles()
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
    assert ensure_roles() == []
    office = Group.objects.get(name="长三角办").permissions.values_list("codename", flat=True)
    assert {"change_target", "change_observation", "view_indexrun"} <= set(office)
    reporter = Group.objects.get(name="统计填报").permissions.values_list("codename", flat=True)
    assert "change_observation" in reporter and "change_target" not in reporter


def test_sample_accounts_once_each_with_a_generated_password(accounts):
    assert {roles_of(u).pop() for u in accounts.values()} == {"长三角办", "部门", "统计填报", "研究人员"}
    assert all(u.membership.is_sample and u.membership.organisation.is_sample for u in accounts.values())
    assert create_sample_accounts() == []  # the second time: nothing created, no password shown


def test_two_installations_get_different_passwords():
    ensure_roles()
    first = {a.username: a.password for a in create_sample_accounts()}
    get_user_model().objects.filter(username__in=first).delete()
    second = {a.username: a.password for a in create_sample_accounts()}
    assert first.keys() == second.keys() and all(first[k] != second[k] for k in first)
    user = get_user_model().objects.get(username="nj_stats")
    assert user.check_password(second["nj_stats"])


def test_a_reporter_reaches_its_city_and_the_counties_below_it(accounts):
    nanjing = Region.objects.get(code="320100")
    ids = user_region_ids(accounts["nj_stats"])
    assert nanjing.id in ids and Region.objects.get(code="320102").id in ids  # 玄武区
    assert Region.objects.get(code="320500").id not in ids  # 苏州市
    assert Region.objects.filter(parent=nanjing).count() + 1 == len(ids)


@pytest.mark.parametrize("username, action, region, allowed", [
    ("nj_stats", "change", "320100", True),
    ("nj_stats", "change", "320500", False),
    ("nj_stats", "view", "320500", True),
    ("js_office", "change", "320500", True),
    ("njnu_researcher", "view", "320500", True),
    ("njnu_researcher", "change", "320100", False),
    ("js_kjt", "change", "320100", False),
])
def test_observations_by_role(accounts, username, action, region, allowed):
    values = Observation.objects.filter(region__code=region, indicator__code="gdp", is_current=True)
    assert values.exists()
    assert restrict(values, accounts[username], action).exists() is allowed


def test_the_public_sees_approved_values_only_and_no_imports():
    value = Observation.objects.filter(region__code="320100", indicator__code="gdp", is_current=True).first()
    anonymous = AnonymousUser()
    assert restrict(Observation.objects.filter(pk=value.pk), anonymous).exists()
    Observation.objects.filter(pk=value.pk).update(status="draft")
    assert not restrict(Observation.objects.filter(pk=value.pk), anonymous).exists()
    assert not restrict(Observation.objects.all(), anonymous, "change").exists()
    assert not restrict(ImportBatch.objects.all(), anonymous).exists()


def test_an_organisation_cannot_be_its_own_ancestor():
    a = Organisation.objects.create(code="a", name_zh="甲", name_en="A", kind="office")
    b = Organisation.objects.create(code="b", name_zh="乙", name_en="B", kind="department", parent=a)
    a.parent = b
    with pytest.raises(ValidationError):
        a.full_clean()


def test_a_user_without_an_organisation_reaches_no_region():
    user = get_user_model().objects.create_user("loose")
    assert user_region_ids(user) == set()
    assert not Membership.objects.filter(user=user).exists()
