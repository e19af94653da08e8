"""A data set of three indicators reported by Nanjing and Suzhou for 2030, a rule and a warning
rule, and one user per role: the Jiangsu office, Nanjing's and Suzhou's statistics bureaus."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from deltawatch.accounts.choices import Role
from deltawatch.accounts.models import Membership, Organisation
from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import load_sample_organisations
from deltawatch.indicators.models import Indicator
from deltawatch.regions.models import Region
from deltawatch.reporting.models import DataSet, ValidationRule
from deltawatch.reporting.services import open_cycle

YEAR = 2030
DUE = dt.date(2031, 3, 31)
NANJING, SUZHOU = "320100", "320500"


def make_user(username, role, unit):
    user = get_user_model().objects.create_user(username)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if unit:
        Membership.objects.create(user=user, organisation=unit)
    return user


@pytest.fixture
def units(db):
    ensure_roles()
    load_sample_organisations()
    return {o.code: o for o in Organisation.objects.all()}


@pytest.fixture
def people(units):
    return {
        "office": make_user("office", Role.OFFICE.value, units["js-yrd-office"]),
        "office2": make_user("office2", Role.OFFICE.value, units["js-yrd-office"]),
        "reporter": make_user("nj", Role.REPORTER.value, units["nj-tjj"]),
        "other_reporter": make_user("sz", Role.REPORTER.value, units["sz-tjj"]),
        "department": make_user("kjt", Role.DEPARTMENT.value, units["js-kjt"]),
        "researcher": make_user("res", Role.RESEARCHER.value, units["njnu"]),
    }


@pytest.fixture
def data_set(units):
    data_set = DataSet.objects.create(code="test-gdp", name_zh="测试报表", name_en="Test report")
    data_set.indicators.set(Indicator.objects.filter(code__in=["gdp", "va_primary", "va_secondary", "va_tertiary"]))
    data_set.regions.set(Region.objects.filter(code__in=[NANJING, SUZHOU]))
    ValidationRule.objects.create(data_set=data_set, name="gdp-parts", kind="compare",
                                  expression="gdp >= va_primary + va_secondary + va_tertiary - 1")
    ValidationRule.objects.create(data_set=data_set, name="gdp-positive", kind="bounds", indicator="gdp", minimum=0,
                                  severity="warning", maximum=50000)
    return data_set


@pytest.fixture
def cycle(data_set, people):
    cycle, made = open_cycle(data_set, YEAR, due_date=DUE, user=people["office"])
    assert made == 2
    return cycle


@pytest.fixture
def nanjing_form(cycle):
    return cycle.forms.get(region__code=NANJING)


GOOD = {"gdp": 100.0, "va_primary": 2.0, "va_secondary": 35.0, "va_tertiary": 63.0}
