"""The office's and reviewers' pages of the statistics workflow (Django's test client): who may
open each page and who is refused (a refused post writes nothing), completeness counted by
hand on the demonstration cycle, opening a cycle with bad input, 催报 sent once, the review
queue, validation on demand with its CSV, and the outlier flags' 已核实 follow-up.

The small data set of ``conftest``: Nanjing and Suzhou report gdp and its three parts for 2030
(due 2031-03-31); the Jiangsu office is the data set's reviewer where a test says so.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deltawatch.audit.models import ChangeRecord
from deltawatch.indicators.models import Indicator
from deltawatch.plans.models import Notification
from deltawatch.regions.models import Region
from deltawatch.reporting.choices import FormAction
from deltawatch.reporting.defaults import CODE, load_reporting_default
from deltawatch.reporting.models import Form, OutlierFlag, ReportingCycle
from deltawatch.reporting.services import enter_values
from deltawatch.reporting.views_office import completeness_part
from deltawatch.reporting.workflow import transition

from .conftest import GOOD, NANJING, SUZHOU, YEAR, make_user

pytestmark = pytest.mark.django_db

PAGES = ["reporting:cycles", "reporting:cycle", "reporting:review", "reporting:validate", "reporting:outliers"]
# role → the pages it may open (the others: 403; anonymous: to the login page)
ALLOWED = {
    "office": set(PAGES),
    "zj_office": set(PAGES),
    "researcher": set(PAGES) - {"reporting:review"},
    "reporter": set(),
    "department": set(),
}


@pytest.fixture
def zj_office(units):
    """An office that is not the test data set's reviewer once the Jiangsu office is named."""
    from deltawatch.accounts.choices import Role

    return make_user("zj", Role.OFFICE.value, units["zj-yrd-office"])


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name, cycle=None):
    return reverse(name, args=[cycle.pk]) if name == "reporting:cycle" else reverse(name)


def written() -> tuple:
    """What a refused request must leave as it was."""
    return (ReportingCycle.objects.count(), Form.objects.count(), Notification.objects.count(),
            OutlierFlag.objects.count(), list(OutlierFlag.objects.values_list("verified", "note")),
            ChangeRecord.objects.count())


def parse_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 with the byte-order mark
    return list(csv.reader(io.StringIO(text[1:])))


# ------------------------------------------------------------------------------ who may open what


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_every_page_per_role(role, cycle, people, zj_office):
    user = zj_office if role == "zj_office" else people[role]
    client = client_of(user)
    for name in PAGES:
        response = client.get(url(name, cycle))
        assert response.status_code == (200 if name in ALLOWED[role] else 403), (role, name)


def test_anonymous_is_sent_to_the_login_page(cycle):
    for name in PAGES:
        response = Client().get(url(name, cycle))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name


@pytest.mark.parametrize("role", ["researcher", "reporter", "department", None])
def test_refused_posts_write_nothing(role, cycle, people):
    flag = OutlierFlag.objects.create(region=Region.objects.get(code=NANJING), indicator=Indicator.objects.get(code="gdp"),
                                      year=YEAR, method="modz", value=1.0, detail="M = 9")
    client = client_of(people[role] if role else None)
    before = written()
    posts = [
        (reverse("reporting:cycles"), {"data_set": cycle.data_set.pk, "year": YEAR + 1, "period": "",
                                       "due_date": "2032-03-31"}),
        (reverse("reporting:urge", args=[cycle.pk]), {}),
        (reverse("reporting:verify_flag", args=[flag.pk]), {"note": "已核实"}),
        (reverse("reporting:validate"), {"run": "1", "methods": "modz", "indicator": "gdp", "year": "2020"}),
    ]
    for path, data in posts:
        response = client.post(path, data)
        assert response.status_code in (302, 403), path
        if role is None:
            assert response["Location"].startswith("/accounts/login/")
    assert written() == before


def test_the_review_tab_is_offered_to_the_office_only(cycle, people):
    review = reverse("reporting:review")
    assert review in client_of(people["office"]).get(reverse("reporting:cycles")).content.decode()
    assert review not in client_of(people["researcher"]).get(reverse("reporting:cycles")).content.decode()


# ------------------------------------------------------------------------------ completeness (the demonstration cycle)


def test_completeness_of_the_demonstration_cycle_by_hand(people):
    today = timezone.localdate()
    assert load_reporting_default(None, today=today)
    cycle = ReportingCycle.objects.get(data_set__code=CODE)
    # by hand: 41 cities; Suzhou was submitted (and returned) today, before the due date →
    # on time 1; nobody late; the 40 others never submitted → missing, none overdue (due in
    # 21 days). Cells: Nanjing, Wuxi, Hangzhou, Hefei and Suzhou typed 4 each = 20 of 41 × 4.
    html = client_of(people["office"]).get(reverse("reporting:cycles")).content.decode()
    row = re.search(rf'<tr data-cycle="{cycle.pk}">(.*?)</tr>', html, re.DOTALL).group(1)
    assert re.search(r'class="num t-on_time">1<', row) and re.search(r'class="num t-late">0<', row)
    assert re.search(r'class="num t-missing">40<', row) and "已逾期" not in row
    assert "20/164" in row and "12%" in row  # 20 / 164 = 12.2 %
    assert "示例" in row and '"chart-completeness"' in html
    page = client_of(people["office"]).get(reverse("reporting:cycle", args=[cycle.pk]))
    rows = re.findall(r'<tr data-region="(\d+)">', page.content.decode())
    assert len(rows) == 41
    # the filters: the one on-time form; the returned one; Hangzhou's broken rule is its one error
    on_time = client_of(people["office"]).get(reverse("reporting:cycle", args=[cycle.pk]), {"timeliness": "on_time"})
    assert re.findall(r'<tr data-region="(\d+)">', on_time.content.decode()) == ["320500"]
    returned = client_of(people["office"]).get(reverse("reporting:cycle", args=[cycle.pk]), {"state": "returned"})
    assert re.findall(r'<tr data-region="(\d+)">', returned.content.decode()) == ["320500"]
    hangzhou = re.search(r'<tr data-region="330100">(.*?)</tr>', page.content.decode(), re.DOTALL).group(1)
    assert re.search(r'<td class="num has-errors">1</td>', hangzhou)
    assert "4/4" in hangzhou and "0/4" in re.search(r'<tr data-region="320300">(.*?)</tr>',
                                                    page.content.decode(), re.DOTALL).group(1)


def test_the_overview_part_for_those_who_read_the_pages(cycle, people):
    from django.template.loader import render_to_string

    part = completeness_part(people["office"])
    html = render_to_string("reporting/_completeness.html", part)
    assert f'data-cycle="{cycle.pk}"' in html and "测试报表 2030" in html
    assert completeness_part(people["reporter"]) is None and completeness_part(people["department"]) is None


# ------------------------------------------------------------------------------ opening a cycle


def open_post(client, data_set, **fields):
    data = {"data_set": data_set.pk, "year": YEAR, "period": "", "due_date": "2031-03-31", **fields}
    return client.post(reverse("reporting:cycles"), data)


def test_opening_a_cycle_with_bad_input_keeps_what_was_typed(cycle, data_set, people):
    client = client_of(people["office"])
    before = written()
    duplicate = open_post(client, data_set)
    assert duplicate.status_code == 400
    assert "“测试报表”2030 的报告期已开启，不能重复开启。" in duplicate.content.decode()
    early = open_post(client, data_set, year=2031, due_date="2031-12-01")
    html = early.content.decode()
    assert early.status_code == 400 and "截止日期 2031-12-01 应晚于报告期结束日 2031-12-31。" in html
    assert 'value="2031"' in html and 'value="2031-12-01"' in html  # what was typed stays
    assert re.search(rf'<option value="{data_set.pk}" selected>', html)
    quarter = open_post(client, data_set, year=2031, period="Q1")
    assert quarter.status_code == 400 and "报告期应为：留空" in quarter.content.decode()
    for year in ("abc", "1800"):
        assert open_post(client, data_set, year=year).status_code == 400
    assert written() == before
    made = open_post(client, data_set, year=2031, due_date="2032-03-31")
    new = ReportingCycle.objects.get(data_set=data_set, year=2031)
    assert made.status_code == 302 and made["Location"] == reverse("reporting:cycle", args=[new.pk])
    assert (new.due_date, new.forms.count(), new.opened_by) == (dt.date(2032, 3, 31), 2, people["office"])


def test_a_quarterly_cycle_gets_its_default_due_date(data_set, people):
    data_set.period_type, data_set.due_days = "quarter", 30
    data_set.save()
    response = open_post(client_of(people["office"]), data_set, year=2031, period="Q2", due_date="")
    assert response.status_code == 302
    new = ReportingCycle.objects.get(data_set=data_set, year=2031, period="Q2")
    assert new.due_date == dt.date(2031, 6, 30) + dt.timedelta(days=30)


# ------------------------------------------------------------------------------ 催报


def test_urge_notifies_each_open_form_once(cycle, nanjing_form, people):
    client = client_of(people["office"])
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    before = set(Notification.objects.values_list("pk", flat=True))
    response = client.post(reverse("reporting:urge", args=[cycle.pk]), follow=True)
    # Nanjing submitted: only Suzhou's form is still to be reported, and Suzhou's bureau is its one unit
    new = Notification.objects.exclude(pk__in=before)
    assert list(new.values_list("unit__code", "kind")) == [("sz-tjj", "urge")]
    notice = new.get()
    assert "测试报表" in notice.message and "苏州市" in notice.message and "2031-03-31" in notice.message
    assert "Suzhou" in notice.message_en
    assert "已向填报单位发送 1 条催报通知。" in response.content.decode()
    again = client.post(reverse("reporting:urge", args=[cycle.pk]), follow=True)
    assert Notification.objects.exclude(pk__in=before).count() == 1
    assert "没有发出新的催报通知" in again.content.decode()


# ------------------------------------------------------------------------------ the review queue


def test_review_queue_oldest_first_with_days_waiting(cycle, people, zj_office, units):
    cycle.data_set.reviewers.set([units["js-yrd-office"]])
    now = timezone.now()
    for region, reporter, days in ((NANJING, "reporter", 3), (SUZHOU, "other_reporter", 5)):
        form = cycle.forms.get(region__code=region)
        enter_values(form.pk, people[reporter], GOOD)
        transition(form.pk, FormAction.SUBMIT, people[reporter], version=form.version,
                   when=now - dt.timedelta(days=days))
    html = client_of(people["office"]).get(reverse("reporting:review")).content.decode()
    forms = re.findall(r'<tr data-form="(\d+)">(.*?)</tr>', html, re.DOTALL)
    assert [cycle.forms.get(pk=pk).region.code for pk, _ in forms] == [SUZHOU, NANJING]
    days = [re.search(r'<td class="num">(\d+)</td>', body).group(1) for _, body in forms]
    assert days == ["5", "3"]
    # the Zhejiang office is not this data set's reviewer: nothing to review
    other = client_of(zj_office).get(reverse("reporting:review")).content.decode()
    assert "data-form=" not in other and "没有待审核的填报表" in other


# ------------------------------------------------------------------------------ the cycle page's export


def test_cycle_csv_and_xlsx_are_the_rows_shown(cycle, nanjing_form, people):
    from openpyxl import load_workbook

    enter_values(nanjing_form.pk, people["reporter"], {**GOOD, "va_tertiary": 70.0})  # 2 + 35 + 70 > 100 + 1
    client = client_of(people["researcher"])
    rows = parse_csv(client.get(reverse("reporting:cycle", args=[cycle.pk]), {"format": "csv"}))
    assert rows[0] == ["区划代码", "区域", "状态", "首次上报时间", "及时性", "已填", "应填", "错误", "警告", "异常值标记"]
    assert rows[1:] == [[NANJING, "南京市", "填报中", "", "未报", "4", "4", "1", "0", "0"],
                        [SUZHOU, "苏州市", "填报中", "", "未报", "0", "4", "0", "0", "0"]]
    filled = parse_csv(client.get(reverse("reporting:cycle", args=[cycle.pk]), {"format": "csv", "state": "filling",
                                                                                  "timeliness": "missing"}))
    assert len(filled) == 3
    response = client.get(reverse("reporting:cycle", args=[cycle.pk]), {"format": "xlsx", "state": "approved"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["区划代码", "区域", "状态"] and sheet.max_row == 1
    assert client.get(reverse("reporting:cycle", args=[cycle.pk]), {"format": "pdf"}).status_code == 400


# ------------------------------------------------------------------------------ validation on demand


def test_validation_report_csv_and_paging(cycle, nanjing_form, people):
    enter_values(nanjing_form.pk, people["reporter"], {**GOOD, "va_tertiary": 70.0})
    client = client_of(people["researcher"])
    query = {"run": "1", "rules": "on", "indicator": "gdp,va_primary,va_secondary,va_tertiary", "region": "南京市",
             "year": "2030"}
    page = client.get(reverse("reporting:validate"), query)
    html = page.content.decode()
    assert page.status_code == 200 and "4</strong>" in html  # 4 values checked
    assert html.count('<tr class="severity-error">') == 1 and "gdp-parts" in html
    rows = parse_csv(client.get(reverse("reporting:validate"), {**query, "format": "csv"}))
    assert rows[0] == ["region_code", "region", "indicator", "year", "value", "check", "severity", "detail"]
    assert rows[1][:7] == [NANJING, "南京市", "gdp", "2030", "100.0", "gdp-parts", "error"] and len(rows) == 2
    # outliers across the 41 cities' 2020 GDP: more than a page of 50 when three methods run?
    # whatever their number, the page shows at most 50 and says how many pages there are
    many = client.get(reverse("reporting:validate"), {"run": "1", "methods": ["zscore", "modz", "iqr"],
                                                      "iqr": "0.1", "level": "prefecture", "year": "2015-2020"})
    assert many.status_code == 200
    shown = many.content.decode().count('<tr class="severity-')
    total = len(parse_csv(client.get(reverse("reporting:validate"), {"run": "1", "methods": ["iqr"], "iqr": "0.1",
                                                                     "level": "prefecture", "year": "2015-2020",
                                                                     "format": "csv"}))) - 1
    assert total > 50 and shown == 50


def test_validation_refuses_bad_input_and_keeps_it(people):
    client = client_of(people["office"])
    response = client.get(reverse("reporting:validate"), {"run": "1", "rules": "on", "indicator": "gdp,no_such",
                                                          "year": "20x4"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "未知的指标：no_such" in html and "年份应写作 2019、2010-2020 或 2015,2020：20x4" in html
    assert 'value="gdp,no_such"' in html and 'value="20x4"' in html
    nothing = client.get(reverse("reporting:validate"), {"run": "1", "indicator": "gdp"})
    assert nothing.status_code == 400 and "请至少选择校验规则或一种异常值方法。" in nothing.content.decode()


def test_the_office_stores_the_outlier_flags_of_a_report(people):
    query = {"run": "1", "methods": "iqr", "indicator": "gdp", "level": "prefecture", "year": "2020"}
    report = parse_csv(client_of(people["office"]).get(reverse("reporting:validate"), {**query, "format": "csv"}))
    expected = {(r[0], r[2], int(r[3]), r[5]) for r in report[1:]}
    assert expected  # Shanghai-sized cities stand out among the 41 by IQR
    response = client_of(people["office"]).post(reverse("reporting:validate"), query)
    assert response.status_code == 302 and response["Location"].startswith(reverse("reporting:outliers"))
    stored = set(OutlierFlag.objects.values_list("region__code", "indicator__code", "year", "method"))
    assert stored == expected
    client_of(people["office"]).post(reverse("reporting:validate"), query)  # again: nothing new
    assert OutlierFlag.objects.count() == len(expected)


# ------------------------------------------------------------------------------ outlier flags


def test_verify_a_flag_with_a_note(people):
    gdp, nanjing = Indicator.objects.get(code="gdp"), Region.objects.get(code=NANJING)
    flag = OutlierFlag.objects.create(region=nanjing, indicator=gdp, year=2020, method="iqr", value=14817.95,
                                      detail="IQR distance = 1.9")
    other = OutlierFlag.objects.create(region=Region.objects.get(code=SUZHOU), indicator=gdp, year=2020, method="modz",
                                       value=20170.5, detail="M = 4.1")
    client = client_of(people["office"])
    empty = client.post(reverse("reporting:verify_flag", args=[flag.pk]), {"note": "  "}, follow=True)
    assert "请填写核实说明。" in empty.content.decode()
    flag.refresh_from_db()
    assert not flag.verified
    client.post(reverse("reporting:verify_flag", args=[flag.pk]), {"note": "已与南京市统计局核实，数值无误"})
    flag.refresh_from_db()
    assert (flag.verified, flag.note, flag.verified_by) == (True, "已与南京市统计局核实，数值无误", people["office"])
    page = client_of(people["researcher"]).get(reverse("reporting:outliers"))
    html = page.content.decode()
    assert "已与南京市统计局核实，数值无误" in html and "14,817.95" in html
    assert "/verify/" not in html  # the researcher reads, without the 已核实 form
    # the filters
    def shown(**query):
        text = client.get(reverse("reporting:outliers"), query).content.decode()
        return sorted(int(pk) for pk in re.findall(r'data-flag="(\d+)"', text))

    assert shown() == sorted([flag.pk, other.pk])
    assert shown(verified="no") == [other.pk] and shown(verified="yes") == [flag.pk]
    assert shown(method="modz") == [other.pk] and shown(region="南京市") == [flag.pk]
    assert shown(region=SUZHOU, indicator="gdp") == [other.pk] and shown(indicator="pop_density") == []
