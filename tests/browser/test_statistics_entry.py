"""The statistics entry loop in a real browser (issue 14), on the demonstration cycle (示例):
Nanjing's reporter (nj_stats) opens its form from 统计填报, types a refused text (the message
shows on the cell, the text stays), a value in full-width digits with a thousands separator
(saved as a draft as the cell is left), moves with Enter, pastes a block from Excel and
submits; the office (js_office) returns it with a reason; the reporter sees the reason, fixes a
value and submits again; the office approves. The form's states follow, the journal shows
every step, the values end approved in the database, and no page has a console error or a
failed request (other than the deliberate refusal of the bad cell)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from django.contrib.auth import get_user_model

from deltawatch.observations.models import Observation
from deltawatch.reporting.choices import FormState
from deltawatch.reporting.defaults import CODE
from deltawatch.reporting.models import Form, FormJournal
from tests.browser.support import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Entry-test-password-7"
RETURN_REASON = "第一产业增加值与农业普查口径不一致，请核实"


@pytest.fixture
def demo(yrd_default):
    from deltawatch.reporting.defaults import load_reporting_default

    load_reporting_default(None)
    users = {}
    for name in ("nj_stats", "js_office"):
        users[name] = get_user_model().objects.get(username=name)
        users[name].set_password(PASSWORD)
        users[name].save()
    return Form.objects.select_related("cycle", "region").get(cycle__data_set__code=CODE, region__code="320100")


def signed_in(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.problems = watch(page)
    page.goto(f"{live_server.url}/accounts/login/?next=/statistics/forms/", wait_until="networkidle")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("h1:has-text('统计填报')")
    page.wait_for_load_state("networkidle")
    return page


def values(form):
    return {o.indicator.code: (o.value, o.status) for o in Observation.objects.filter(
        region_id=form.region_id, year=form.cycle.year, is_current=True).select_related("indicator")}


def type_cell(page, code, text):
    """Type into the cell and leave it (Tab): the draft is saved; returns the JSON answer."""
    cell = page.locator(f"input.cell-input[data-code='{code}']")
    cell.fill(text)
    with page.expect_response(lambda r: r.url.endswith("/cell/")) as answer:
        cell.press("Tab")
    page.wait_for_load_state("networkidle")  # the report under the grid is refreshed
    return answer.value


def act(page, action, comment=""):
    form = page.locator(f"form.entry-action[data-action={action}]")
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    return page.locator("#form-facts").get_attribute("data-state")


def test_enter_submit_return_fix_approve(browser, live_server, demo):
    form = demo
    before = values(form)
    reporter = signed_in(browser, live_server, "nj_stats")
    row = reporter.locator(f"tr[data-form='{form.pk}']")
    assert row.count() == 1 and "示例" in row.inner_text() and "填报中" in row.inner_text()
    mine = reporter.locator("table.entry-forms tbody tr").all_inner_texts()  # its own region only: the annual
    assert len(mine) == 2 and all("320100" in text for text in mine)   # and the quarterly demonstration forms
    with reporter.expect_navigation():
        row.locator("a").first.click()
    reporter.wait_for_load_state("networkidle")

    # a refused text: the message on the cell, the text kept, nothing written
    answer = type_cell(reporter, "va_primary", "约三百")
    assert answer.status == 400
    cell = reporter.locator("td.entry-cell[data-code='va_primary']")
    # the page marks the cell after the answer arrives: wait for it (no fixed sleep)
    expect(cell).to_have_class(re.compile(r"\bhas-error\b"))
    expect(cell.locator(".cell-msg")).to_contain_text("不是数字")
    assert cell.locator("input").input_value() == "约三百"
    assert values(form) == before
    reporter.problems.clear()  # the 400 of the refused cell is the point of this step

    # full-width digits with a thousands separator: saved as a draft, shown as the number
    primary = round(before["va_primary"][0] * 0.9, 1)
    typed = f"{primary:,.1f}".translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))
    assert type_cell(reporter, "va_primary", typed).status == 200
    # the page writes the saved number into the cell after the answer arrives: wait for it
    expect(cell.locator("input")).to_have_value(f"{primary:g}")
    expect(cell).not_to_have_class(re.compile(r"\b(has-error|saving)\b"))
    assert values(form)["va_primary"] == (pytest.approx(primary), "draft")

    # Enter moves down a row
    codes = reporter.locator("input.cell-input").evaluate_all("els => els.map(e => e.dataset.code)")
    first = reporter.locator(f"input.cell-input[data-code='{codes[0]}']")
    first.focus()
    first.press("Enter")
    assert reporter.evaluate("document.activeElement.dataset.code") == codes[1]

    # paste a block from Excel (a label column, a trailing 合计 row) from the second row down
    pasted = {code: round(before[code][0] * 0.97, 1) for code in codes[1:]}
    block = "".join(f"行{k}\t{pasted[code]:,}\r\n" for k, code in enumerate(codes[1:])) + "合计\t1\r\n"
    reporter.evaluate("""([code, text]) => {
        const input = document.querySelector(`input.cell-input[data-code='${code}']`);
        const data = new DataTransfer();
        data.setData('text/plain', text);
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", [codes[1], block])
    reporter.wait_for_selector("#paste-report.ok")
    assert "合计" in reporter.locator("#paste-report").inner_text()
    reporter.wait_for_load_state("networkidle")
    now = values(form)
    assert all(now[code] == (pytest.approx(v), "draft") for code, v in pasted.items())

    assert act(reporter, "submit") == FormState.SUBMITTED
    assert reporter.locator("ol.journal li[data-action=submit]").count() == 1

    # the office returns it with a reason
    office = signed_in(browser, live_server, "js_office")
    office.goto(f"{live_server.url}/statistics/forms/{form.pk}/", wait_until="networkidle")
    assert office.locator("input.cell-input").count() == 0  # the office reads, never types
    assert act(office, "return", RETURN_REASON) == FormState.RETURNED

    # the reporter sees the reason, fixes a value, submits again
    reporter.goto(f"{live_server.url}/statistics/forms/{form.pk}/", wait_until="networkidle")
    assert RETURN_REASON in reporter.locator("ol.journal").inner_text()
    fixed = round(primary * 0.9, 1)
    assert type_cell(reporter, "va_primary", str(fixed)).status == 200
    assert act(reporter, "submit") == FormState.SUBMITTED

    # the office approves: the values are approved in the database
    office.goto(f"{live_server.url}/statistics/forms/{form.pk}/", wait_until="networkidle")
    assert act(office, "approve") == FormState.APPROVED
    final = values(form)
    assert final["va_primary"] == (pytest.approx(fixed), "approved")
    assert {status for _value, status in final.values()} == {"approved"}
    shown = office.locator("ol.journal li.journal-entry").evaluate_all("els => els.map(e => e.dataset.action)")
    stored = list(FormJournal.objects.filter(form=form).order_by("-at", "-id").values_list("action", flat=True))
    assert shown == stored == ["approve", "submit", "return", "submit"]
    assert Form.objects.get(pk=form.pk).state == FormState.APPROVED

    # the cell's history: entered, changed, submitted, returned, approved
    office.locator("tr[data-code='va_primary'] a.history-link").click()
    office.wait_for_selector("#cell-history .history-card")
    history = office.locator("#cell-history").inner_text()
    assert "nj_stats" in history and "js_office" in history and "已审核" in history
    assert reporter.problems == [] and office.problems == []
    reporter.context.close()
    office.context.close()
