"""The entry pages of the statistics workflow (issue 14): the list of forms and the entry grid,
per role; every cell parse case against a hand computation; paste from Excel; locking; the
stale version; what was typed is kept on an error. Every refusal writes nothing."""

import json

import pytest
from django.urls import reverse

from deltawatch.audit.models import ChangeRecord
from deltawatch.indicators.models import Indicator
from deltawatch.observations.models import Observation
from deltawatch.regions.models import Region
from deltawatch.reporting import services
from deltawatch.reporting.choices import FormAction, FormState
from deltawatch.reporting.models import Form, FormJournal
from deltawatch.reporting.services import CellError, enter_values, parse_cell
from deltawatch.reporting.workflow import transition

from .conftest import GOOD, NANJING, SUZHOU, YEAR

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.force_login(user)
    return client


def written():
    return Observation.objects.count(), FormJournal.objects.count(), ChangeRecord.objects.count()


def current(form, code):
    return Observation.objects.filter(region_id=form.region_id, year=YEAR, indicator__code=code,
                                      is_current=True).first()


def cell(client, form, code, text):
    return client.post(reverse("reporting:form_cell", args=[form.pk]), {"code": code, "text": text})


@pytest.fixture
def suzhou_form(cycle):
    return cycle.forms.get(region__code=SUZHOU)


@pytest.fixture
def wider(data_set):
    """The data set with a population (万人, not negative) and a share (%, 0–100) too."""
    data_set.indicators.add(*Indicator.objects.filter(code__in=["population_resident", "urbanization_rate"]))
    return data_set


# ------------------------------------------------------------------------------ parse cases

@pytest.mark.parametrize("text, code, expected", [
    ("12345.6", "gdp", 12345.6),
    ("１２，３４５.６", "gdp", 12345.6),           # full-width digits and comma
    ("１２３４５．６", "gdp", 12345.6),             # full-width point
    ("12,345", "gdp", 12345.0),
    (" 12 345 ", "gdp", 12345.0),                 # spaces dropped
    ("5000万元", "gdp", 0.5),                     # 5000 × 10⁴ 元 = 5 × 10⁷ 元 = 0.5 亿元
    ("3亿元", "gdp", 3.0),
    ("1.2万亿元", "gdp", 12000.0),                 # 1.2 × 10¹² 元 / 10⁸ = 12,000 亿元
    ("1.2万", "gdp", 0.00012),                    # 1.2 × 10⁴ 元 / 10⁸ = 0.00012 亿元
    ("1.2万", "population_resident", 1.2),        # 12,000 人 = 1.2 万人
    ("850万人", "population_resident", 850.0),
    ("12000人", "population_resident", 1.2),
    ("65.5", "urbanization_rate", 65.5),
    ("65.5%", "urbanization_rate", 65.5),
    ("６５．５％", "urbanization_rate", 65.5),
    ("100", "urbanization_rate", 100.0),
    ("", "gdp", None),
    ("—", "gdp", None),
])
def test_parse_cell(text, code, expected):
    value = parse_cell(text, Indicator.objects.get(code=code))
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text, code, words", [
    ("abc", "gdp", "不是数字"),
    ("十二", "gdp", "不是数字"),
    ("-5", "population_resident", "不能小于 0"),
    ("-1.2万", "population_resident", "不能小于 0"),
    ("100.5", "urbanization_rate", "不能大于 100"),
    ("101%", "urbanization_rate", "不能大于 100"),
    ("12.5%", "gdp", "不是同一种量"),
    ("5万人", "gdp", "不是同一种量"),
    ("5斤", "gdp", "无法识别单位"),
    ("2e15", "gdp", "数值过大"),
])
def test_parse_cell_refuses(text, code, words):
    with pytest.raises(CellError) as refused:
        parse_cell(text, Indicator.objects.get(code=code))
    assert words in str(refused.value)


# ------------------------------------------------------------------------------ the list, per role

def test_reporter_sees_only_its_region(client, people, nanjing_form, suzhou_form):
    page = client_for(client, people["reporter"]).get(reverse("reporting:forms"))
    assert page.status_code == 200
    shown = {f.pk for f in page.context["rows"]}
    assert shown == {nanjing_form.pk}
    assert f'data-form="{suzhou_form.pk}"' not in page.content.decode()


def test_office_sees_every_form_and_filters(client, people, nanjing_form, suzhou_form):
    c = client_for(client, people["office"])
    page = c.get(reverse("reporting:forms"))
    assert {f.pk for f in page.context["rows"]} == {nanjing_form.pk, suzhou_form.pk}
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    page = c.get(reverse("reporting:forms"), {"state": "submitted", "cycle": nanjing_form.cycle_id})
    assert [f.pk for f in page.context["rows"]] == [nanjing_form.pk]
    row = page.context["rows"][0]
    assert (row.filled, row.expected) == (4, 4)
    counts = {code: n for code, _label, n in page.context["counts"]}
    assert counts == {"filling": 1, "submitted": 1, "approved": 0, "returned": 0}   # over the other filters
    page = c.get(reverse("reporting:forms"), {"region": "苏州"})
    assert [f.pk for f in page.context["rows"]] == [suzhou_form.pk]


def test_list_counts_errors_and_warnings(client, people, nanjing_form):
    # gdp 100 < 2 + 35 + 90 - 1 = 126: the error rule fails; gdp ≤ 50000, the warning does not
    enter_values(nanjing_form.pk, people["reporter"], {**GOOD, "va_tertiary": 90.0})
    page = client_for(client, people["reporter"]).get(reverse("reporting:forms"))
    row = page.context["rows"][0]
    assert row.issues == {"error": 1, "warning": 0}
    assert row.filled == 4


def test_anonymous_goes_to_login(client, nanjing_form):
    assert client.get(reverse("reporting:forms")).status_code == 302
    assert client.get(reverse("reporting:form", args=[nanjing_form.pk])).status_code == 302


# ------------------------------------------------------------------------------ who may open and write

def test_reporter_cannot_open_or_write_another_region(client, people, suzhou_form):
    c = client_for(client, people["reporter"])
    before = written()
    assert c.get(reverse("reporting:form", args=[suzhou_form.pk])).status_code == 404
    assert cell(c, suzhou_form, "gdp", "100").status_code == 404
    assert c.post(reverse("reporting:form", args=[suzhou_form.pk]), {"v-gdp": "100"}).status_code == 404
    assert c.post(reverse("reporting:form_paste", args=[suzhou_form.pk]),
                  {"start": "gdp", "text": "1\n2"}).status_code == 404
    assert c.post(reverse("reporting:form_act", args=[suzhou_form.pk]),
                  {"action": "submit", "version": "1"}).status_code == 404
    assert written() == before


def test_office_reads_but_cannot_type(client, people, nanjing_form):
    c = client_for(client, people["office"])
    page = c.get(reverse("reporting:form", args=[nanjing_form.pk]))
    assert page.status_code == 200 and page.context["editable"] is False
    assert 'class="cell-input"' not in page.content.decode()
    before = written()
    answer = cell(c, nanjing_form, "gdp", "100")
    assert answer.status_code == 403 and answer.json()["ok"] is False
    assert c.post(reverse("reporting:form", args=[nanjing_form.pk]), {"v-gdp": "100"}).status_code == 403
    assert written() == before


def test_reporter_cannot_change_a_locked_value(client, people, nanjing_form):
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    c = client_for(client, people["reporter"])
    page = c.get(reverse("reporting:form", args=[nanjing_form.pk]))
    assert page.context["editable"] is False and "数值已锁定" in page.content.decode()
    before = written()
    answer = cell(c, nanjing_form, "gdp", "999")
    assert answer.status_code == 409 and "锁定" in answer.json()["message"]
    assert c.post(reverse("reporting:form_paste", args=[nanjing_form.pk]),
                  {"start": "gdp", "text": "1\n2"}).status_code == 409
    assert written() == before
    assert current(nanjing_form, "gdp").value == 100.0


# ------------------------------------------------------------------------------ cells

def test_cell_saved_as_typed_and_converted(client, people, nanjing_form):
    c = client_for(client, people["reporter"])
    answer = cell(c, nanjing_form, "gdp", "１２，３４５.６")
    assert answer.status_code == 200
    data = answer.json()
    assert data["ok"] and data["plain"] == "12345.6" and data["shown"] == "12,345.6" and data["status"] == "draft"
    obs = current(nanjing_form, "gdp")
    assert (obs.value, obs.status, obs.value_supplied, obs.recorded_by) == (12345.6, "draft", "12345.6",
                                                                          people["reporter"])
    answer = cell(c, nanjing_form, "va_primary", "5000万元").json()   # 0.5 亿元
    assert answer["plain"] == "0.5" and "已换算" in answer["message"]
    assert current(nanjing_form, "va_primary").value == 0.5


def test_refused_cell_keeps_text_and_writes_nothing(client, people, nanjing_form, wider):
    c = client_for(client, people["reporter"])
    before = written()
    for code, text, words in [("gdp", "abc", "不是数字"), ("population_resident", "-3", "不能小于 0"),
                              ("urbanization_rate", "120", "不能大于 100")]:
        answer = cell(c, nanjing_form, code, text)
        assert answer.status_code == 400
        data = answer.json()
        assert data["ok"] is False and data["text"] == text and words in data["message"]
    assert written() == before


def test_full_post_saves_good_cells_and_marks_bad_ones(client, people, nanjing_form, wider):
    c = client_for(client, people["reporter"])
    page = c.post(reverse("reporting:form", args=[nanjing_form.pk]),
                  {"v-gdp": "1,234.5", "v-va_primary": "十二", "v-population_resident": "-8", "v-va_secondary": ""})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'value="十二"' in html and 'value="-8"' in html          # typed text kept on the cell
    assert page.context["cell_errors"].keys() == {"va_primary", "population_resident"}
    assert "不是数字" in html and "不能小于 0" in html
    assert current(nanjing_form, "gdp").value == 1234.5
    assert current(nanjing_form, "va_primary") is None and current(nanjing_form, "population_resident") is None
    again = c.post(reverse("reporting:form", args=[nanjing_form.pk]), {"v-gdp": "1234.5", "v-va_primary": "2"})
    assert again.status_code == 302
    assert current(nanjing_form, "gdp").revision == 1                # unchanged: no new revision


def test_note_on_a_cell(client, people, nanjing_form):
    c = client_for(client, people["reporter"])
    url = reverse("reporting:form_note", args=[nanjing_form.pk])
    answer = c.post(url, {"code": "gdp", "note": "快报数"})
    assert answer.status_code == 409 and "先填写数值" in answer.json()["message"]
    cell(c, nanjing_form, "gdp", "100")
    assert c.post(url, {"code": "gdp", "note": "快报数"}).json()["ok"]
    obs = current(nanjing_form, "gdp")
    assert obs.note == "快报数"
    record = ChangeRecord.objects.filter(object_id=str(obs.pk)).order_by("-id").first()
    assert record.changes["note"] == ["", "快报数"] and record.user == people["reporter"]


# ------------------------------------------------------------------------------ paste from Excel

def grid_codes(form):
    return [i.code for i in services.entry_indicators(form)]


def test_paste_with_total_row_and_merged_blanks(client, people, nanjing_form):
    codes = grid_codes(nanjing_form)
    assert sorted(codes) == ["gdp", "va_primary", "va_secondary", "va_tertiary"]
    values = {codes[0]: "1,000", codes[1]: "", codes[2]: "３５０", codes[3]: "600"}
    lines = [f"指标{k}\t{values[code]}" if values[code] else "\t" for k, code in enumerate(codes)]
    text = "\r\n".join(lines + ["合计\t1950", ""])
    c = client_for(client, people["reporter"])
    answer = c.post(reverse("reporting:form_paste", args=[nanjing_form.pk]), {"start": codes[0], "text": text})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["ok"] and data["written"] == 3
    assert any("合计" in n for n in data["notes"]) and any("1 个空白" in n for n in data["notes"])
    assert current(nanjing_form, codes[0]).value == 1000.0
    assert current(nanjing_form, codes[2]).value == 350.0 and current(nanjing_form, codes[3]).value == 600.0
    assert current(nanjing_form, codes[1]) is None                   # the merged blank left alone


def test_paste_is_all_or_nothing_with_row_and_column(client, people, nanjing_form):
    codes = grid_codes(nanjing_form)
    c = client_for(client, people["reporter"])
    before = written()
    answer = c.post(reverse("reporting:form_paste", args=[nanjing_form.pk]),
                    {"start": codes[1], "text": "10\n二十\n30\n40\n"})   # 4 lines from the 2nd row: one too many
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert [(e["row"], e["column"], e["text"]) for e in errors] == [(2, 1, "二十"), (4, 1, "40")]
    assert "不是数字" in errors[0]["message"] and "超出表格" in errors[1]["message"]
    assert written() == before


def test_paste_two_numbers_on_a_line_is_refused(client, people, nanjing_form):
    c = client_for(client, people["reporter"])
    start = grid_codes(nanjing_form)[0]
    answer = c.post(reverse("reporting:form_paste", args=[nanjing_form.pk]), {"start": start, "text": "100\t200\n"})
    assert answer.status_code == 400 and "只能粘贴一个" in answer.json()["errors"][0]["message"]


# ------------------------------------------------------------------------------ actions

def act(c, form, action, version, comment=""):
    return c.post(reverse("reporting:form_act", args=[form.pk]),
                  {"action": action, "version": str(version), "comment": comment})


def test_submit_refused_with_reasons_then_explained_and_submitted(client, people, nanjing_form):
    c = client_for(client, people["reporter"])
    enter_values(nanjing_form.pk, people["reporter"], {**GOOD, "va_tertiary": 90.0})
    page = act(c, nanjing_form, "submit", 1)
    assert page.status_code == 400 and "校验错误" in page.content.decode()
    assert Form.objects.get(pk=nanjing_form.pk).state == FormState.FILLING
    # fix the error; a GDP above 50,000 breaks the warning rule: it must be explained
    enter_values(nanjing_form.pk, people["reporter"], {"gdp": 60000.0, "va_tertiary": 63.0})
    page = act(c, nanjing_form, "submit", 1)
    assert page.status_code == 400 and "尚未说明" in page.content.decode()
    warning = page.context["warnings"][0]
    assert (warning["check"], warning["indicator"]) == ("gdp-positive", "gdp")
    answer = c.post(reverse("reporting:form_explain", args=[nanjing_form.pk]),
                    {"check": "gdp-positive", "indicator": "gdp", "year": str(YEAR), "text": "含新口径"})
    assert answer.status_code == 302
    assert act(c, nanjing_form, "submit", 1).status_code == 302
    assert Form.objects.get(pk=nanjing_form.pk).state == FormState.SUBMITTED
    assert current(nanjing_form, "gdp").status == "submitted"


def test_return_needs_reason_and_stale_version(client, people, nanjing_form):
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    office = client_for(client, people["office"])
    page = office.get(reverse("reporting:form", args=[nanjing_form.pk]))
    assert [a["code"] for a in page.context["actions"]] == ["approve", "return"]
    before = written()
    page = act(office, nanjing_form, "return", 2, "")
    assert page.status_code == 400 and "须填写理由" in page.content.decode() and written() == before
    # another reviewer approves meanwhile: the return from version 2 is stale
    transition(nanjing_form.pk, FormAction.APPROVE, people["office2"], version=2)
    page = act(office, nanjing_form, "return", 2, "口径不符")
    assert page.status_code == 409
    html = page.content.decode()
    assert "已被他人更新" in html and "审核通过" in html and "口径不符" in html   # the reason typed is kept
    assert page.context["form"].state == FormState.APPROVED and page.context["form"].version == 3
    assert Form.objects.get(pk=nanjing_form.pk).state == FormState.APPROVED
    assert {o.status for o in Observation.objects.filter(region__code=NANJING, year=YEAR, is_current=True)} \
        == {"approved"}


def test_reporter_may_not_approve_and_office_unlocks_with_reason(client, people, nanjing_form):
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    reporter = client_for(client, people["reporter"])
    before = written()
    assert act(reporter, nanjing_form, "approve", 2).status_code == 403
    assert written() == before
    transition(nanjing_form.pk, FormAction.APPROVE, people["office"], version=2)
    client.logout()
    office = client_for(client, people["office"])
    assert act(office, nanjing_form, "unlock", 3, "").status_code == 400
    assert act(office, nanjing_form, "unlock", 3, "更正口径").status_code == 302
    assert Form.objects.get(pk=nanjing_form.pk).state == FormState.FILLING


# ------------------------------------------------------------------------------ the grid's content

def test_grid_marks_unapproved_reference_values_and_violations(client, people, nanjing_form):
    region = Region.objects.get(code=NANJING)
    gdp = Indicator.objects.get(code="gdp")
    Observation.objects.create(region=region, indicator=gdp, year=YEAR - 1, value=95.0, status="submitted",
                               recorded_at="2030-01-01T00:00:00Z")
    enter_values(nanjing_form.pk, people["reporter"], {**GOOD, "va_tertiary": 90.0})
    page = client_for(client, people["reporter"]).get(reverse("reporting:form", args=[nanjing_form.pk]))
    assert page.context["years"] == [YEAR - 4, YEAR - 3, YEAR - 2, YEAR - 1, YEAR]
    row = next(r for r in page.context["rows"] if r["indicator"].code == "gdp")
    last = row["reference"][-1]
    assert last["shown"] == "95" and last["unapproved"] is True
    assert [v["check"] for v in row["violations"]] == ["gdp-parts"]
    html = page.content.decode()
    assert "未审核" in html and "gdp-parts" in html


def test_history_of_a_cell(client, people, nanjing_form):
    c = client_for(client, people["reporter"])
    cell(c, nanjing_form, "gdp", "90")
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    page = c.get(reverse("reporting:form_history", args=[nanjing_form.pk, "gdp", YEAR]), HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    kinds = [(e["kind"], e.get("old_shown"), e.get("new_shown")) for e in page.context["events"]]
    assert kinds == [("entered", "", "90"), ("entered", "90", "100"), ("status", "草稿", "已报送")]
    html = page.content.decode()
    assert "90 → 100" in html and "nj" in html
    full = c.get(reverse("reporting:form_history", args=[nanjing_form.pk, "gdp", YEAR]))
    assert "<html" in full.content.decode()


def test_report_fragment_and_json_answers_are_json(client, people, nanjing_form):
    c = client_for(client, people["reporter"])
    answer = cell(c, nanjing_form, "gdp", "100")
    assert json.loads(answer.content)["code"] == "gdp"
    page = c.get(reverse("reporting:form_report", args=[nanjing_form.pk]))
    assert page.status_code == 200 and "校验结果" in page.content.decode()


def test_parse_cells_equals_parse_cell():
    """The vectorised parse of a grid or a paste gives, cell by cell, what ``parse_cell`` gives."""
    texts = ["12,345.6", "１２，３４５", "1.2万", "abc", "-5", "", "65.5%", "101", "5000万元", "—"]
    codes = ["gdp", "gdp", "population_resident", "gdp", "population_resident", "gdp", "urbanization_rate",
             "urbanization_rate", "gdp", "gdp"]
    indicators = [Indicator.objects.get(code=c) for c in codes]
    expected = []
    for text, indicator in zip(texts, indicators):
        try:
            expected.append((parse_cell(text, indicator), None))
        except CellError as error:
            expected.append((None, str(error)))
    assert services.parse_cells(texts, indicators) == expected
    assert [v for v, _e in expected] == [12345.6, 12345.0, 1.2, None, None, None, 65.5, None, 0.5, None]


def test_returned_form_shows_the_reason_to_the_reporter(client, people, nanjing_form):
    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    transition(nanjing_form.pk, FormAction.RETURN, people["office"], version=2, comment="请核实第一产业")
    page = client_for(client, people["reporter"]).get(reverse("reporting:form", args=[nanjing_form.pk]))
    assert page.context["editable"] is True and page.context["returned"].comment == "请核实第一产业"
    html = page.content.decode()
    assert 'class="returned-reason"' in html and "请核实第一产业" in html
    assert [a["code"] for a in page.context["actions"]] == ["submit"]
    assert {r["status"] for r in page.context["rows"]} == {"draft"}      # a return sends the values back to draft


def test_a_new_value_keeps_the_cell_comment(client, people, nanjing_form):
    c = client_for(client, people["reporter"])
    cell(c, nanjing_form, "gdp", "100")
    c.post(reverse("reporting:form_note", args=[nanjing_form.pk]), {"code": "gdp", "note": "快报数"})
    cell(c, nanjing_form, "gdp", "101")
    obs = current(nanjing_form, "gdp")
    assert (obs.value, obs.revision, obs.note) == (101.0, 2, "快报数")


@pytest.mark.parametrize("who, status, editable, actions", [
    ("reporter", 200, True, ["submit"]),
    ("other_reporter", 404, None, None),
    ("office", 200, False, []),
    ("department", 200, False, []),
    ("researcher", 200, False, []),
])
def test_roles_on_an_open_form(client, people, nanjing_form, who, status, editable, actions):
    page = client_for(client, people[who]).get(reverse("reporting:form", args=[nanjing_form.pk]))
    assert page.status_code == status
    if status == 200:
        assert page.context["editable"] is editable
        assert [a["code"] for a in page.context["actions"]] == actions


def test_outlier_flag_on_the_cell_and_unlock_in_history(client, people, nanjing_form):
    from deltawatch.reporting.models import OutlierFlag

    enter_values(nanjing_form.pk, people["reporter"], GOOD)
    OutlierFlag.objects.create(region=nanjing_form.region, indicator=Indicator.objects.get(code="gdp"), year=YEAR,
                               method="modz", value=100.0, detail="M = 4.1")
    transition(nanjing_form.pk, FormAction.SUBMIT, people["reporter"], version=1)
    transition(nanjing_form.pk, FormAction.APPROVE, people["office"], version=2)
    transition(nanjing_form.pk, FormAction.UNLOCK, people["office"], version=3, comment="更正口径")
    c = client_for(client, people["reporter"])
    page = c.get(reverse("reporting:form", args=[nanjing_form.pk]))
    row = next(r for r in page.context["rows"] if r["indicator"].code == "gdp")
    assert [f.method for f in row["flags"]] == ["modz"]
    assert 'class="cell-flag"' in page.content.decode() and "M = 4.1" in page.content.decode()
    page = c.get(reverse("reporting:form_history", args=[nanjing_form.pk, "gdp", YEAR]), HTTP_HX_REQUEST="true")
    kinds = [(e["kind"], e.get("new_shown")) for e in page.context["events"]]
    assert kinds == [("entered", "100"), ("status", "已报送"), ("status", "已审核"), ("unlock", "填报中")]
    assert "更正口径" in page.content.decode()
