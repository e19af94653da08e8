"""Sub-annual reporting (issue 14): a quarterly cycle's form reads and writes the cells of its
quarter (``Observation.period``), never the annual value of the same year; its checks compare
the same quarter across years; its grid shows the same quarter of the years before.

The fixtures of ``conftest``: Nanjing and Suzhou report ``test-gdp`` (annual, 2030). Here the
same indicators are also a quarterly data set, ``test-q``, with a Q1 2030 cycle.
"""

import datetime as dt
import re

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from deltawatch.cli import main
from deltawatch.indicators.models import Indicator
from deltawatch.observations.models import Observation
from deltawatch.regions.models import Region
from deltawatch.reporting import services
from deltawatch.reporting.choices import FormAction, FormState
from deltawatch.reporting.models import DataSet, ReportingCycle, ValidationRule
from deltawatch.reporting.services import (
    completeness,
    cycle_report,
    enter_values,
    form_report,
    locked_cells,
    open_period_cycle,
    period_label,
    period_values,
)
from deltawatch.reporting.workflow import transition

from .conftest import GOOD, NANJING, SUZHOU, YEAR

pytestmark = pytest.mark.django_db

Q1_VALUES = {"gdp": 24.0, "va_primary": 0.5, "va_secondary": 8.5, "va_tertiary": 15.0}


@pytest.fixture
def quarterly(units):
    data_set = DataSet.objects.create(code="test-q", name_zh="测试季报", name_en="Test quarterly", period_type="quarter",
                                      due_days=20)
    data_set.indicators.set(Indicator.objects.filter(code__in=list(GOOD)))
    data_set.regions.set(Region.objects.filter(code__in=[NANJING, SUZHOU]))
    ValidationRule.objects.create(data_set=data_set, name="q-gdp-parts", kind="compare",
                                  expression="gdp >= va_primary + va_secondary + va_tertiary - 1")
    ValidationRule.objects.create(data_set=data_set, name="q-gdp-change", kind="change", indicator="gdp",
                                  max_change_pct=10, severity="warning")
    return data_set


@pytest.fixture
def q1(quarterly, people):
    cycle, made = open_period_cycle(quarterly, YEAR, "Q1", user=people["office"])
    assert made == 2
    # by hand: Q1 ends on 31 March; due 20 days later
    assert cycle.due_date == dt.date(YEAR, 3, 31) + dt.timedelta(days=20)
    return cycle


@pytest.fixture
def q1_form(q1):
    return q1.forms.get(region__code=NANJING)


def cells(region_code=NANJING, year=YEAR):
    """(period, indicator) → (value, status, revision) of the current rows of every period."""
    return {(o.period, o.indicator.code): (o.value, o.status, o.revision)
            for o in Observation.all_periods.filter(region__code=region_code, year=year, is_current=True)
            .select_related("indicator")}


def put(code, value, *, year, period="", region=NANJING, status="approved"):
    return Observation.all_periods.create(region=Region.objects.get(code=region), indicator=Indicator.objects.get(code=code),
                                          year=year, period=period, value=value, status=status,
                                          recorded_at=timezone.now())


def test_period_label():
    assert [period_label(2024), period_label(2024, "Q1"), period_label(2024, "M03"), period_label(2024, "M12")] == \
        ["2024", "2024 Q1", "2024-03", "2024-12"]


def test_entering_a_quarterly_form_writes_its_quarter_beside_the_annual_values(q1_form, nanjing_form, people):
    assert enter_values(nanjing_form.pk, people["reporter"], GOOD) == 4          # the annual form, 2030
    assert enter_values(q1_form.pk, people["reporter"], Q1_VALUES) == 4          # the Q1 form, 2030
    values = cells()
    assert {code: values[("", code)] for code in GOOD} == {c: (v, "draft", 1) for c, v in GOOD.items()}
    assert {code: values[("Q1", code)] for code in GOOD} == {c: (v, "draft", 1) for c, v in Q1_VALUES.items()}
    # a changed Q1 value is the Q1 cell's revision 2; the annual cell stays at revision 1
    assert enter_values(q1_form.pk, people["reporter"], {"gdp": 25.0}) == 1
    values = cells()
    assert values[("Q1", "gdp")] == (25.0, "draft", 2) and values[("", "gdp")] == (100.0, "draft", 1)
    # what annual code reads is untouched
    assert dict(Observation.objects.filter(region__code=NANJING, year=YEAR, is_current=True)
                .values_list("indicator__code", "value")) == GOOD
    assert {o.period for o in services.form_cells(q1_form)} == {"Q1"}
    assert {o.period for o in services.form_cells(nanjing_form)} == {""}


def test_submit_return_and_approve_change_only_the_quarters_cells(q1_form, nanjing_form, people):
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    put("gdp", 26.0, year=YEAR, period="Q2", status="draft")                    # another quarter, same year
    enter_values(q1_form.pk, people["reporter"], Q1_VALUES)

    def statuses():
        values = cells()
        return ({values[("Q1", c)][1] for c in GOOD}, {values[("", c)][1] for c in GOOD}, values[("Q2", "gdp")][1])

    form = transition(q1_form.pk, FormAction.SUBMIT, people["reporter"], version=q1_form.version)
    assert form.state == FormState.SUBMITTED and statuses() == ({"submitted"}, {"draft"}, "draft")
    form = transition(form.pk, FormAction.RETURN, people["office"], version=form.version, comment="请核实")
    assert form.state == FormState.RETURNED and statuses() == ({"draft"}, {"draft"}, "draft")
    form = transition(form.pk, FormAction.SUBMIT, people["reporter"], version=form.version)
    form = transition(form.pk, FormAction.APPROVE, people["office"], version=form.version)
    assert form.state == FormState.APPROVED and statuses() == ({"approved"}, {"draft"}, "draft")
    # the annual form is still open to its reporter: its cells were not locked by the quarter
    assert enter_values(nanjing_form.pk, people["reporter"], {"gdp": 101.0}) == 1


def test_a_year_on_year_rule_compares_q1_with_last_years_q1(q1_form, people):
    put("gdp", 400.0, year=YEAR - 1)                 # last year's annual GDP
    put("gdp", 90.0, year=YEAR - 1, period="Q1")     # last year's Q1
    enter_values(q1_form.pk, people["reporter"], {"gdp": 100.0, "va_primary": 1.0, "va_secondary": 30.0,
                                                  "va_tertiary": 60.0})
    # by hand: |100 / 90 - 1| = 11.11 % > 10 % → a warning; against the annual 400 it would be 75 %
    report = form_report(q1_form)
    assert report[["indicator", "year", "value", "check", "severity"]].values.tolist() == \
        [["gdp", YEAR, 100.0, "q-gdp-change", "warning"]]
    assert report["detail"].iloc[0].startswith("11.11% on 90.0")
    whole = cycle_report(q1_form.cycle)
    assert whole[["region_code", "check"]].values.tolist() == [[NANJING, "q-gdp-change"]]
    # by hand: |100 / 95 - 1| = 5.26 % ≤ 10 % → no warning
    Observation.all_periods.filter(year=YEAR - 1, period="Q1").update(value=95.0)
    assert form_report(q1_form).empty
    # the frame of the form is Q1 of both years only
    frame = services.form_frame(q1_form)
    assert sorted(frame.loc[frame["indicator"] == "gdp", ["year", "value"]].values.tolist()) == \
        [[YEAR - 1, 95.0], [YEAR, 100.0]]


def test_a_rule_error_on_the_quarter_blocks_its_submission_not_the_annual_forms(q1_form, nanjing_form, people):
    from deltawatch.reporting.workflow import WorkflowError

    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    enter_values(q1_form.pk, people["reporter"], {**Q1_VALUES, "gdp": 10.0})   # 10 < 0.5 + 8.5 + 15 - 1
    with pytest.raises(WorkflowError):
        transition(q1_form.pk, FormAction.SUBMIT, people["reporter"], version=q1_form.version)
    assert transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"],
                      version=nanjing_form.version).state == FormState.SUBMITTED


def test_the_grid_of_a_quarterly_form_shows_the_same_quarter_of_the_years_before(q1_form, people, client):
    put("gdp", 400.0, year=YEAR - 1)
    put("gdp", 90.0, year=YEAR - 1, period="Q1")
    put("gdp", 80.0, year=YEAR - 3, period="Q1")
    put("gdp", 77.0, year=YEAR - 1, period="Q2")
    enter_values(q1_form.pk, people["reporter"], {"gdp": 95.0})
    client.force_login(people["reporter"])
    html = client.get(reverse("reporting:form", args=[q1_form.pk])).content.decode()
    heads = re.findall(r'<th class="num col-(?:ref|entry)">([^<]+)<', html)
    assert heads == [f"{YEAR - 4} Q1", f"{YEAR - 3} Q1", f"{YEAR - 2} Q1", f"{YEAR - 1} Q1", f"{YEAR} Q1"]
    gdp_row = re.search(r'<tr data-code="gdp".*?</tr>', html, re.S).group(0)
    reference = re.findall(r'<td class="num col-ref[^"]*">(.*?)</td>', gdp_row, re.S)
    shown = [re.sub(r"<[^>]+>", "", c).strip().split()[0] for c in reference]
    assert shown == ["—", "80", "—", "90"]             # the Q1 values; not 400 (the year) nor 77 (Q2)
    assert 'value="95"' in gdp_row
    assert f"{YEAR} Q1" in re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    # a reference cell's history is the Q1 cell's
    history = client.get(reverse("reporting:form_history", args=[q1_form.pk, "gdp", YEAR - 1])).content.decode()
    values = re.findall(r'<span class="transition">([^<]+)</span>', history)  # the values the history shows
    assert values == ["90"] and f"{YEAR - 1} Q1" in history                    # Q1's, never the year's 400


def test_the_history_of_a_quarterly_cell_lists_only_its_revisions(q1_form, nanjing_form, people):
    enter_values(nanjing_form.pk, people["reporter"], {"gdp": 100.0})
    enter_values(q1_form.pk, people["reporter"], {"gdp": 24.0})
    enter_values(q1_form.pk, people["reporter"], {"gdp": 25.0})
    gdp = Indicator.objects.get(code="gdp")
    entered = [(e["old"], e["new"]) for e in services.cell_history(q1_form, gdp, YEAR) if e["kind"] == "entered"]
    assert entered == [(None, 24.0), (24.0, 25.0)]
    entered = [(e["old"], e["new"]) for e in services.cell_history(nanjing_form, gdp, YEAR) if e["kind"] == "entered"]
    assert entered == [(None, 100.0)]


def test_completeness_of_the_quarterly_cycle(q1, q1_form, nanjing_form, people):
    enter_values(nanjing_form.pk, people["reporter"], GOOD)                      # annual: 4 cells
    enter_values(q1_form.pk, people["reporter"], {"gdp": 24.0, "va_tertiary": 15.0})  # Q1: 2 of 4 cells
    put("gdp", 30.0, year=YEAR, period="Q1", region=SUZHOU, status="draft")      # Suzhou Q1: 1 cell
    put("va_primary", 2.0, year=YEAR, region=SUZHOU, status="draft")             # Suzhou annual: not counted
    table = completeness(q1, today=dt.date(YEAR, 4, 1)).set_index("region_code")
    assert table.loc[NANJING, ["filled", "expected", "share"]].tolist() == [2, 4, 0.5]
    assert table.loc[SUZHOU, ["filled", "expected", "share"]].tolist() == [1, 4, 0.25]
    summary = services.summarise(completeness(q1, today=dt.date(YEAR, 4, 1)))
    assert (summary["filled"], summary["expected"]) == (3, 8)
    # the forms list counts the quarter's cells too
    from django.test import Client

    client = Client()
    client.force_login(people["office"])
    html = client.get(reverse("reporting:forms"), {"cycle": q1.pk}).content.decode()
    assert "2 / 4" in html and "1 / 4" in html and f"{YEAR} Q1" in html


def test_the_importer_is_locked_by_annual_forms_only(q1_form, nanjing_form, people):
    enter_values(q1_form.pk, people["reporter"], Q1_VALUES)
    transition(q1_form.pk, FormAction.SUBMIT, people["reporter"], version=q1_form.version)
    frame = pd.DataFrame({"region_code": [NANJING], "indicator": ["gdp"], "year": [YEAR], "value": [1.0]})
    assert locked_cells(frame).empty                   # a submitted Q1 form does not lock the year's value
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=nanjing_form.version)
    assert len(locked_cells(frame)) == 1


def test_period_values_reads_one_period(q1_form, people):
    put("gdp", 400.0, year=YEAR - 1)
    put("gdp", 90.0, year=YEAR - 1, period="Q1")
    put("gdp", 99.0, year=YEAR - 1, period="M01")
    annual = period_values(["gdp"], [NANJING], [YEAR - 1])
    quarter = period_values(["gdp"], [NANJING], [YEAR - 1], "Q1")
    assert annual["value"].tolist() == [400.0] and quarter["value"].tolist() == [90.0]
    assert list(quarter.columns) == ["region_code", "indicator", "year", "value"]


def test_the_cli_opens_and_reports_a_quarterly_cycle(quarterly, people, capsys):
    assert main(["cycle", "open", "test-q", str(YEAR), "--period", "q2"]) == 0
    cycle = ReportingCycle.objects.get(data_set=quarterly, year=YEAR, period="Q2")
    assert cycle.due_date == dt.date(YEAR, 6, 30) + dt.timedelta(days=20) and cycle.forms.count() == 2
    assert f"{YEAR} Q2" in capsys.readouterr().out
    assert main(["cycle", "status", "test-q", str(YEAR), "--period", "Q2", "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") == 3     # header + 2 forms
    assert main(["cycle", "open", "test-q", str(YEAR)]) == 2            # a quarterly report needs a quarter
    assert main(["cycle", "status", "test-q", str(YEAR), "--period", "Q3"]) == 2   # not opened
    assert not ReportingCycle.objects.filter(data_set=quarterly, period__in=["", "Q3"]).exists()


def test_the_office_pages_label_the_quarter(q1, q1_form, people, client):
    enter_values(q1_form.pk, people["reporter"], Q1_VALUES)
    client.force_login(people["office"])
    page = client.get(reverse("reporting:cycle", args=[q1.pk])).content.decode()
    nanjing = re.search(rf'<tr data-region="{NANJING}">(.*?)</tr>', page, re.S).group(1)
    assert "4/4" in nanjing
    cycles = client.get(reverse("reporting:cycles")).content.decode()
    row = re.search(rf'<tr data-cycle="{q1.pk}">(.*?)</tr>', cycles, re.S).group(1)
    assert "Q1" in row and "4/8" in row


def test_the_cli_validates_one_period_across_years(quarterly, people, capsys):
    put("gdp", 400.0, year=YEAR - 1)
    put("gdp", 90.0, year=YEAR - 1, period="Q1")
    for code, value in {"gdp": 100.0, "va_primary": 1.0, "va_secondary": 30.0, "va_tertiary": 60.0}.items():
        put(code, value, year=YEAR, period="Q1")
    args = ["validate", "--indicator", "gdp,va_primary,va_secondary,va_tertiary", "--region", NANJING,
            "--year", f"{YEAR - 1}-{YEAR}", "--rules", "--format", "csv"]
    assert main([*args, "--period", "Q1"]) == 0              # a warning only
    out = capsys.readouterr().out
    # by hand: Q1 2030 on Q1 2029 = |100 / 90 - 1| = 11.11 % > 10 %
    assert f"{NANJING},gdp,{YEAR},100.0,q-gdp-change,warning,11.11% on 90.0" in out
    assert out.count("\n") == 2                              # header and that one row
    assert main(args) == 0                                   # annual: 2030 has no annual value
    assert "q-gdp-change" not in capsys.readouterr().out
    assert main([*args, "--period", "Q5"]) == 2


def test_reminders_of_a_quarterly_form_name_the_quarter(q1, people):
    from deltawatch.plans.models import Notification

    assert services.remind(today=q1.due_date - dt.timedelta(days=3)) == 2   # Nanjing's and Suzhou's bureaus
    messages = list(Notification.objects.values_list("message", flat=True))
    assert len(messages) == 2 and all(f"{YEAR} Q1" in m and "测试季报" in m for m in messages)
