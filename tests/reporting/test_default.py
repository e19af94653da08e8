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
