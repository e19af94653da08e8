"""The statistics bulletin on a small cycle counted by hand, against the workflow's own reads.

The reporting tests' data set (four indicators, Nanjing and Suzhou, a rule gdp ≥ the sum of the
three sectors − 1 and a warning above 50 000) opened for 2030, due 31 March 2031; the bulletin
for the year 2030 is judged on 15 April 2031. Nanjing types good values and submits (now, before
the due date: on time); Suzhou types values that break the rule (gdp 50 < 99) and never submits
(past the due date on 15 April). Cells: 4 expected per form, 4 filled by each → 100.0 %. One
outlier flag on Suzhou's gdp is still to verify, another (verified) is not counted.
"""

import datetime as dt
import re

import pytest
from django.utils import translation

from deltawatch.indicators.models import Indicator
from deltawatch.regions.models import Region
from deltawatch.reporting import services
from deltawatch.reporting.choices import FormAction
from deltawatch.reporting.models import OutlierFlag
from deltawatch.reporting.services import enter_values
from deltawatch.reporting.workflow import transition
from deltawatch.reports import document, sections_statistics
from deltawatch.reports.periods import Period
from tests.reporting.conftest import (  # noqa: F401
    GOOD,
    NANJING,
    SUZHOU,
    YEAR,
    cycle,
    data_set,
    people,
    units,
)

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2031, 4, 15)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def world(cycle, people):  # noqa: F811
    nanjing = cycle.forms.get(region__code=NANJING)
    suzhou = cycle.forms.get(region__code=SUZHOU)
    enter_values(nanjing.pk, people["reporter"], GOOD)
    transition(nanjing.pk, FormAction.SUBMIT, people["reporter"], version=nanjing.version)
    enter_values(suzhou.pk, people["other_reporter"], {**GOOD, "gdp": 50.0})
    gdp, region = Indicator.objects.get(code="gdp"), Region.objects.get(code=SUZHOU)
    OutlierFlag.objects.create(region=region, indicator=gdp, year=YEAR, method="zscore", value=50.0)
    OutlierFlag.objects.create(region=region, indicator=gdp, year=YEAR, method="iqr", value=50.0, verified=True)
    return cycle


def by_code(content):
    return {s["code"]: s for s in content["sections"]}


YEAR_PERIOD = Period("year", YEAR)


def build(period=YEAR_PERIOD):
    return sections_statistics.build(period, as_of=AS_OF)


def test_completeness_and_timeliness_equal_hand_counts_and_summarise(world):
    section = by_code(build())["timeliness"]
    facts = section["facts"]
    assert facts == {"cycles": 1, "forms": 2, "submitted": 1, "on_time": 1, "late": 0, "approved": 0,
                     "missing": 1, "overdue": 1, "filled_share": 100.0}
    source = services.summarise(services.completeness(world, today=AS_OF))
    assert (source["forms"], source["on_time"], source["missing"], source["overdue"]) == (2, 1, 1, 1)
    text = section["blocks"][0]["text"]
    assert text == ("截至2031年4月15日，本期共有1个统计报告期，应报填报表2份，已上报1份（按时1份、逾期0份），"
                    "审核通过0份，未上报1份（其中已过截止日期1份）；数据项填报率100.0%。")
    assert [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)] == [2031, 4, 15, 1, 2, 1, 1, 0, 0, 1, 1, 100.0]
    cycles, regions, chart = section["blocks"][1:]
    assert [(r["forms"], r["submitted"], r["on_time"], r["missing"], r["share"]) for r in cycles["rows"]] == [
        (2, 1, 1, 1, 1.0)]
    assert cycles["rows"][0]["cycle"] == "测试报表 2030" and cycles["rows"][0]["due_date"] == "2031-03-31"
    assert [(r["region"], r["on_time"], r["missing"]) for r in regions["rows"]] == [("南京市", 1, 0), ("苏州市", 0, 1)]
    assert chart["option"]["xAxis"]["data"] == ["南京市", "苏州市"]
    assert chart["option"]["series"][0]["data"] == [100.0, 100.0] and chart["option"]["animation"] is False


def test_rule_violations_by_rule_and_region_and_unverified_flags(world):
    section = by_code(build())["violations"]
    assert section["facts"] == {"errors": 1, "warnings": 0, "regions": 1, "flags": 1}
    report = services.cycle_report(world)
    assert len(report[report["severity"] == "error"]) == 1
    by_rule, by_region, flags = [b for b in section["blocks"] if b["type"] == "table"]
    assert [(r["rule"], r["severity"], r["count"], r["regions"]) for r in by_rule["rows"]] == [("gdp-parts", "错误", 1, 1)]
    assert by_region["rows"] == [{"region": "苏州市", "errors": 1, "warnings": 0, "flags": 1}]
    assert [(r["region"], r["method"], r["value"]) for r in flags["rows"]] == [("苏州市", "zscore", 50.0)]


def test_regions_not_reported(world):
    section = by_code(build())["missing"]
    assert section["facts"] == {"forms": 1, "regions": 1, "overdue": 1}
    table = next(b for b in section["blocks"] if b["type"] == "table")
    assert table["rows"] == [{"cycle": "测试报表 2030", "region": "苏州市", "state": "填报中",
                              "due_date": "2031-03-31", "overdue": "是"}]
    # before the due date the same form is missing but not overdue
    early = by_code(sections_statistics.build(Period("year", YEAR), as_of=dt.date(2031, 3, 1)))["missing"]
    assert early["facts"] == {"forms": 1, "regions": 1, "overdue": 0}


def test_periods_hold_the_cycles_of_their_months_and_quarters():
    assert sections_statistics.cycle_periods(Period("quarter", 2030, 3)) == ["M07", "M08", "M09", "Q3"]
    assert sections_statistics.cycle_periods(Period("month", 2030, 11)) == ["M11"]
    year = sections_statistics.cycle_periods(Period("year", 2030))
    assert len(year) == 17 and "" in year and "Q4" in year


def test_a_period_without_cycles_says_so(world):
    for period in (Period("year", YEAR - 1), Period("quarter", YEAR, 1)):  # the annual cycle is in no quarter
        sections = by_code(build(period))
        assert {s["status"] for s in sections.values()} == {"empty"}
        assert sections["timeliness"]["blocks"][0]["text"] == f"{period.label()}没有统计报告期。"


def test_a_failing_check_fails_its_section_only(world, monkeypatch):
    def broken(*args):
        raise RuntimeError("rules unavailable")

    monkeypatch.setattr(services, "cycle_report", broken)
    sections = by_code(build())
    assert sections["violations"]["status"] == "failed"
    assert "rules unavailable" in sections["violations"]["blocks"][0]["text"]
    assert sections["timeliness"]["status"] == "ok" and sections["missing"]["status"] == "ok"


def test_the_english_bulletin_has_no_chinese_but_names(world):
    with translation.override("en"):
        content = build()
    texts = [content["title"]]
    for section in document.walk(content["sections"]):
        texts.append(section["title"])
        for block in section["blocks"]:
            if block["type"] == "paragraph":
                texts.append(block["text"])
            elif block["type"] == "table":
                texts += [block["caption"], block["note"]] + [c["label"] for c in block["columns"]]
                texts += [row.get("region", "") or "" for row in block["rows"]]
            elif block["type"] == "chart":
                texts += [block["title"]] + [s["name"] for s in block["option"]["series"]]
    assert [t for t in texts if CJK.search(t)] == []
    assert "Nanjing" in " ".join(texts) and "100.0%" in by_code(content)["timeliness"]["blocks"][0]["text"]
