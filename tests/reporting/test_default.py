"""The demonstration cycle loaded by ``deltawatch init``: 41 forms, drafts, a returned form, a
rule violation; idempotent; the shipped statistics stay approved."""

import datetime as dt

import pytest

from deltawatch.observations.models import Observation
from deltawatch.reporting.defaults import (
    CODE,
    DRAFTS,
    RETURNED,
    VIOLATION,
    load_reporting_default,
)
from deltawatch.reporting.models import DataSet
from deltawatch.reporting.services import completeness, form_report

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def test_the_demonstration_cycle(db):
    shipped = set(Observation.objects.values_list("status", flat=True))
    assert load_reporting_default(None, today=TODAY) is True
    data_set = DataSet.objects.get(code=CODE)
    cycle = data_set.cycles.get()
    assert (cycle.is_sample, data_set.is_sample, cycle.due_date) == (True, True, TODAY + dt.timedelta(days=21))
    assert cycle.forms.count() == 41
    states = dict(cycle.forms.values_list("region__code", "state"))
    assert states[RETURNED] == "returned"
    assert {states[code] for code in DRAFTS} == {"filling"}
    returned = cycle.forms.get(region__code=RETURNED)
    assert returned.journal.get(action="return").comment.startswith("示例")
    violation = form_report(cycle.forms.get(region__code=VIOLATION))
    assert violation[["indicator", "check", "severity"]].values.tolist() == [["gdp", "demo-gdp-parts", "error"]]
    assert form_report(cycle.forms.get(region__code="320100")).empty
    drafts = Observation.objects.filter(year=cycle.year, source__startswith="示例")
    assert set(drafts.values_list("status", flat=True)) == {"draft"}
    assert drafts.count() == 4 * (len(DRAFTS) + 1)
    assert shipped == {"approved"}  # the shipped statistics were approved before and still are
    assert set(Observation.objects.exclude(source__startswith="示例").values_list("status", flat=True)) == {"approved"}
    table = completeness(cycle, today=TODAY).set_index("region_code")
    assert table.loc[RETURNED, ["timeliness", "filled", "share"]].tolist() == ["on_time", 4, 1.0]
    assert (table["filled"] == 0).sum() == 41 - 5
    assert load_reporting_default(None, today=TODAY) is False
    assert cycle.forms.count() == 41 and drafts.count() == 20


def test_the_quarterly_demonstration_cycle(db):
    from deltawatch.reporting.defaults import (
        Q1_SHARE,
        QUARTERLY_CODE,
        QUARTERLY_DRAFTS,
        QUARTERLY_INDICATORS,
    )

    assert load_reporting_default(None, today=TODAY) is True
    annual = DataSet.objects.get(code=CODE).cycles.get()
    data_set = DataSet.objects.get(code=QUARTERLY_CODE)
    cycle = data_set.cycles.get()
    assert (data_set.period_type, data_set.is_sample, cycle.is_sample) == ("quarter", True, True)
    # the Q1 of the year the annual demonstration collects, due a week after it
    assert (cycle.year, cycle.period, cycle.due_date) == (annual.year, "Q1", TODAY + dt.timedelta(days=28))
    assert cycle.forms.count() == 41 and set(cycle.forms.values_list("state", flat=True)) == {"filling"}
    q1 = Observation.all_periods.filter(period="Q1")
    assert q1.count() == len(QUARTERLY_DRAFTS) * len(QUARTERLY_INDICATORS) == 6
    assert set(q1.values_list("status", "source", "year")) == {("draft", "示例（演示用，非统计数据）", cycle.year)}
    # each is 22 % of the city's shipped annual value of the year before: Nanjing's GDP, by hand
    shipped = Observation.objects.get(region__code="320100", indicator__code="gdp", year=cycle.year - 1,
                                      is_current=True)
    assert shipped.status == "approved"
    assert q1.get(region__code="320100", indicator__code="gdp").value == round(shipped.value * Q1_SHARE, 2)
    assert not Observation.objects.filter(period="Q1").exists()        # annual readers never see them
    table = completeness(cycle, today=TODAY).set_index("region_code")
    assert table.loc["320100", ["filled", "expected"]].tolist() == [3, 3] and table["filled"].sum() == 6
    assert form_report(cycle.forms.get(region__code="320100")).empty  # no Q1 of the year before to compare
    assert load_reporting_default(None, today=TODAY) is False
    assert q1.count() == 6 and cycle.forms.count() == 41


def test_an_older_database_gets_the_quarterly_demonstration_once(db):
    """A database initialised before the quarterly demonstration existed gets it on the next init."""
    from deltawatch.reporting.defaults import QUARTERLY_CODE, _load_annual

    assert _load_annual(None, TODAY) is True
    assert not DataSet.objects.filter(code=QUARTERLY_CODE).exists()
    assert load_reporting_default(None, today=TODAY) is True
    assert DataSet.objects.get(code=QUARTERLY_CODE).cycles.get().forms.count() == 41
    assert DataSet.objects.get(code=CODE).cycles.get().forms.count() == 41
    assert load_reporting_default(None, today=TODAY) is False
