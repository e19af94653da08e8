"""The demonstration cycle (示例) that ``deltawatch init`` loads, so every page of the statistics
workflow shows something: the 41 cities' annual report for the year after the latest the
shipped data has for them (the year being collected), due three weeks after loading, with a few
drafts, one form returned with its reason and one draft that breaks a rule.

The shipped statistics stay as they are: approved. The demonstration values are new cells of a
year the shipped data lacks, drafts (never read by a run), their source and note saying 示例,
derived as 1.05 × the city's previous year — not statistics. Loading again changes nothing.

A second, quarterly data set (城市季度经济快报, 示例) shows sub-annual reporting: its cycle for
Q1 of the same year is open for the 41 cities, due a week after the annual one, with two
drafts. Its values are quarterly cells (``Observation.period`` 'Q1'), never read as annual
values; they are derived as 22 % of the city's previous annual value (China's first quarter
is about 22 % of its annual GDP: 2023 28.5 of 126.1, 2024 29.6 of 134.9 万亿元) — not statistics.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .choices import FormAction
from .models import DataSet, Form, ValidationRule

CODE = "demo-city-annual"
INDICATORS = ("gdp", "va_primary", "va_secondary", "va_tertiary")
DRAFTS = ("320100", "320200", "330100", "340100")     # Nanjing, Wuxi, Hangzhou, Hefei: drafts
RETURNED = "320500"                                   # Suzhou: submitted, then returned
VIOLATION = "330100"                                  # Hangzhou: GDP typed below the sum of its parts
SOURCE = "示例（演示用，非统计数据）"

QUARTERLY_CODE = "demo-city-quarterly"
QUARTERLY_INDICATORS = ("gdp", "va_secondary", "va_tertiary")
QUARTERLY_PERIOD = "Q1"
QUARTERLY_DRAFTS = ("320100", "340100")               # Nanjing, Hefei: drafts of Q1
Q1_SHARE = 0.22
QUARTERLY_NOTE = "示例估算：上年全年值×22%"   # short: the grid's note column shows about 14 characters


def load_reporting_default(user=None, *, today: dt.date | None = None) -> bool:
    """Load the demonstration data sets, rules and cycles once (the annual one, then the
    quarterly one, each when it is missing); False when both are there already (or the database
    has no city data to derive them from)."""
    today = today or timezone.localdate()
    annual = _load_annual(user, today)
    quarterly = _load_quarterly(user, today)
    return annual or quarterly


def _latest_city_year():
    """The latest year of the cities' approved annual GDP: the shipped statistics (the
    demonstration's own drafts are neither approved nor a base for the other demonstration)."""
    from deltawatch.observations.models import Observation

    return Observation.objects.filter(region__level="prefecture", indicator__code="gdp",
                                      status="approved").aggregate(y=Max("year"))["y"]


def _load_annual(user, today: dt.date) -> bool:
    from deltawatch.indicators.models import Indicator
    from deltawatch.observations.models import Observation

    if DataSet.objects.filter(code=CODE).exists():
        return False
    latest = _latest_city_year()
    if latest is None or Indicator.objects.filter(code__in=INDICATORS).count() != len(INDICATORS):
        return False
    with transaction.atomic():
        cycle = _data_set_and_cycle(latest + 1, today, user)
        previous = {(r, i): v for r, i, v in Observation.objects.filter(
            is_current=True, year=latest, region__level="prefecture", indicator__code__in=INDICATORS)
            .values_list("region__code", "indicator__code", "value")}
        forms = {f.region.code: f for f in cycle.forms.select_related("region")}
        for code in (*DRAFTS, RETURNED):
            values = {i: round(previous[(code, i)] * 1.05, 2) for i in INDICATORS if (code, i) in previous}
            if code == VIOLATION and "gdp" in values:
                values["gdp"] = round(values["gdp"] * 0.9, 2)  # the parts now exceed GDP by about 10 %
            _write_drafts(forms[code], values, user)
        _return_one(forms[RETURNED], user)
    return True


def _data_set_and_cycle(year: int, today: dt.date, user):
    from deltawatch.accounts.models import Organisation
    from deltawatch.indicators.models import Indicator

    from .services import open_cycle

    data_set = DataSet.objects.create(code=CODE, name_zh="示例：城市国民经济年报", name_en="Example: city economy annual report",
                                      level="prefecture", due_days=90, is_sample=True)
    data_set.indicators.set(Indicator.objects.filter(code__in=INDICATORS))
    data_set.reviewers.set(Organisation.objects.filter(code__endswith="-yrd-office"))
    ValidationRule.objects.get_or_create(name="demo-gdp-parts", defaults={
        "data_set": data_set, "kind": "compare", "severity": "error",
        "expression": "gdp >= va_primary + va_secondary + va_tertiary - 1",
        "description": "示例：地区生产总值不小于三次产业增加值之和（容差 1 亿元）"})
    ValidationRule.objects.get_or_create(name="demo-gdp-change", defaults={
        "data_set": data_set, "kind": "change", "indicator": "gdp", "max_change_pct": 30, "severity": "warning",
        "description": "示例：地区生产总值同比变动不超过 30%"})
    cycle, _made = open_cycle(data_set, year, due_date=today + dt.timedelta(days=21), user=user, is_sample=True)
    return cycle


def _write_drafts(form: Form, values: dict[str, float], user) -> None:
    from deltawatch.indicators.models import Indicator
    from deltawatch.observations.models import Observation

    ids = dict(Indicator.objects.filter(code__in=list(values)).values_list("code", "id"))
    now = timezone.now()
    Observation.objects.bulk_create([
        Observation(region_id=form.region_id, indicator_id=ids[code], year=form.cycle.year, value=value,
                    value_supplied=str(value), source=SOURCE, note="示例", status="draft", recorded_by=user,
                    recorded_at=now)
        for code, value in values.items()])


def _return_one(form: Form, user) -> None:
    from deltawatch.accounts.models import Organisation
    from deltawatch.accounts.services import load_sample_organisations

    from .workflow import transition

    load_sample_organisations()  # idempotent: the sample bureaus and offices act in the example
    bureau = Organisation.objects.filter(region=form.region).first()
    office = Organisation.objects.filter(code="js-yrd-office").first()
    form = transition(form.pk, FormAction.SUBMIT, user, version=form.version, on_behalf_of=bureau or office,
                      comment="示例：按期上报")
    transition(form.pk, FormAction.RETURN, user, version=form.version, on_behalf_of=office,
               comment="示例：第三产业增加值增速明显高于全省，请核实口径后重新上报")


def _load_quarterly(user, today: dt.date) -> bool:
    """The quarterly demonstration: data set, a year-on-year rule, the Q1 cycle of the year the
    annual demonstration collects (due 28 days from today) and two drafts."""
    from deltawatch.accounts.models import Organisation
    from deltawatch.indicators.models import Indicator
    from deltawatch.observations.models import Observation, approved_values

    from .services import open_period_cycle

    if DataSet.objects.filter(code=QUARTERLY_CODE).exists():
        return False
    latest = _latest_city_year()
    indicators = Indicator.objects.filter(code__in=QUARTERLY_INDICATORS)
    if latest is None or indicators.count() != len(QUARTERLY_INDICATORS):
        return False
    with transaction.atomic():
        data_set = DataSet.objects.create(
            code=QUARTERLY_CODE, name_zh="示例：城市季度经济快报", name_en="Example: city quarterly economic bulletin",
            level="prefecture", period_type="quarter", due_days=20, is_sample=True)
        data_set.indicators.set(indicators)
        data_set.reviewers.set(Organisation.objects.filter(code__endswith="-yrd-office"))
        ValidationRule.objects.get_or_create(name="demo-q-gdp-change", defaults={
            "data_set": data_set, "kind": "change", "indicator": "gdp", "max_change_pct": 30, "severity": "warning",
            "description": "示例：季度地区生产总值与上年同季相比变动不超过 30%"})
        cycle, _made = open_period_cycle(data_set, latest + 1, QUARTERLY_PERIOD, due_date=today + dt.timedelta(days=28),
                                         user=user)
        previous = {(r, i): v for r, i, v in approved_values().filter(
            year=latest, region__code__in=QUARTERLY_DRAFTS, indicator__code__in=QUARTERLY_INDICATORS)
            .values_list("region__code", "indicator__code", "value")}
        ids = dict(indicators.values_list("code", "id"))
        now = timezone.now()
        rows = []
        for form in cycle.forms.select_related("region").filter(region__code__in=QUARTERLY_DRAFTS):
            for code in QUARTERLY_INDICATORS:
                if (form.region.code, code) in previous:
                    value = round(previous[(form.region.code, code)] * Q1_SHARE, 2)
                    rows.append(Observation(region_id=form.region_id, indicator_id=ids[code], year=cycle.year,
                                            period=cycle.period, value=value, value_supplied=str(value), source=SOURCE,
                                            note=QUARTERLY_NOTE, status="draft", recorded_by=user, recorded_at=now))
        Observation.all_periods.bulk_create(rows)
    return True
