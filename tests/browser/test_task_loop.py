"""The task ledger's closed loop in a real browser (issue 13): a unit's user (js_kjt, 江苏省科学技术厅)
opens 我的待办, signs for a task, reports progress with an evidence file and applies for
closure; the office (js_office) returns it with a reason from its review queue; the unit sees
the return, reports again and applies again; the office closes it. The journal shows every
step, and no page has a console error or a failed request."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import create_sample_accounts
from deltawatch.plans.choices import State, UnitRole
from deltawatch.plans.models import Assignment, Evidence, JournalEntry, Plan, Task
from tests.browser.support import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Ledger-test-password-3"  # set by the test: sample passwords are generated
RETURN_REASON = "佐证材料不全，请补充平台运行情况"


@pytest.fixture
def ledger(yrd_default, settings, tmp_path):
    """The embedded ledger (loaded here: the default's loader leaves it to ``deltawatch init``),
    with known passwords for the office and the science department."""
    from deltawatch.plans.defaults import load_plans_default

    settings.DATA_DIR = tmp_path / "data"  # evidence files land here
    ensure_roles()
    create_sample_accounts()
    if not Plan.objects.exists():
        load_plans_default(None, progress=lambda *args: None)
    users = {}
    for name in ("js_kjt", "js_office"):
        users[name] = get_user_model().objects.get(username=name)
        users[name].set_password(PASSWORD)
        users[name].save()
    return users


def signed_in(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = watch(page)
    page.goto(f"{live_server.url}/accounts/login/?next=/tasks/", wait_until="networkidle")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("h1:has-text('我的待办')")
    page.wait_for_load_state("networkidle")
    return page


def act(page, assignment_pk, action, **fields):
    """Open the action's form on the assignment, fill it and submit; wait for the task page."""
    section = page.locator(f"#assignment-{assignment_pk}")
    details = section.locator(f"details:has(form[data-action={action}])")
    details.locator("summary").click()
    form = details.locator("form")
    for name, value in fields.items():
        if name == "files":
            form.locator("input[name=files]").set_input_files(value)
        else:
            form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_selector("h2:has-text('办理记录')")
    page.wait_for_load_state("networkidle")  # the favicon too: a next click must not cancel it


def test_inbox_report_return_and_close(browser, live_server, ledger, tmp_path):
    unit = signed_in(browser, live_server, "js_kjt")
    # 我的待办: the first task waiting to be signed for
    row = unit.locator("#box-to_accept tbody tr").first
    assignment = Assignment.objects.get(pk=int(row.get_attribute("data-assignment")))
    assert assignment.state == State.ASSIGNED and assignment.unit.code == "js-kjt"
    with unit.expect_navigation():
        row.locator("a").first.click()
    unit.wait_for_selector(f"#assignment-{assignment.pk}")
    unit.wait_for_load_state("networkidle")

    act(unit, assignment.pk, "accept")
    evidence = tmp_path / "平台运行情况.pdf"
    evidence.write_bytes(b"%PDF-1.4 platform report")
    act(unit, assignment.pk, "report", percent="80", text="平台已挂牌运行", files=str(evidence))
    assert "平台运行情况.pdf" in unit.locator("ol.journal").inner_text()
    act(unit, assignment.pk, "request_close", comment="申请办结")
    assert unit.locator(f"#assignment-{assignment.pk}").get_attribute("data-state") == State.CLOSE_REQUESTED

    # the office: its review queue lists the request; it returns it with a reason
    office = signed_in(browser, live_server, "js_office")
    office.goto(f"{live_server.url}/tasks/review/", wait_until="networkidle")
    queued = office.locator(f"tr[data-assignment='{assignment.pk}']")
    assert queued.count() == 1
    with office.expect_navigation():
        queued.locator("a").first.click()
    office.wait_for_load_state("networkidle")
    act(office, assignment.pk, "return", comment=RETURN_REASON)
    assert office.locator(f"#assignment-{assignment.pk}").get_attribute("data-state") == State.IN_PROGRESS

    # the unit sees the return (the bell, the inbox, the journal) and reports again
    unit.goto(f"{live_server.url}/tasks/", wait_until="networkidle")
    assert int(unit.locator(".bell-count").inner_text()) >= 1
    assert unit.locator(f"#box-in_progress tr[data-assignment='{assignment.pk}']").count() == 1
    unit.goto(f"{live_server.url}/tasks/notifications/", wait_until="networkidle")
    assert RETURN_REASON in unit.locator(".notice-list").inner_text()
    unit.goto(f"{live_server.url}/tasks/{assignment.task_id}/", wait_until="networkidle")
    assert RETURN_REASON in unit.locator("ol.journal").inner_text()
    act(unit, assignment.pk, "report", percent="100", text="已补充平台运行情况材料")
    act(unit, assignment.pk, "request_close")

    # the office closes it
    office.goto(f"{live_server.url}/tasks/{assignment.task_id}/", wait_until="networkidle")
    act(office, assignment.pk, "approve", comment="同意办结销号")
    assert office.locator(f"#assignment-{assignment.pk}").get_attribute("data-state") == State.CLOSED

    entries = office.locator(f"ol.journal li.journal-entry[data-assignment='{assignment.pk}']")
    shown = [entries.nth(k).get_attribute("data-action") for k in range(entries.count())]
    stored = [e.action for e in JournalEntry.objects.filter(assignment=assignment).order_by("at", "id")]
    expected = ["assign", "accept", "report", "request_close", "return", "report", "request_close", "approve"]
    assert shown == stored == expected
    assert RETURN_REASON in office.locator("ol.journal").inner_text()
    assert Assignment.objects.get(pk=assignment.pk).returns == 1
    assert Evidence.objects.filter(journal__assignment=assignment).count() == 1
    if assignment.role == UnitRole.LEAD:  # the lead's part closed closes the task
        assert Task.objects.get(pk=assignment.task_id).status == State.CLOSED
    assert unit.problems == [] and office.problems == []
    unit.context.close()
    office.context.close()


def test_plan_pages_draw_without_errors(browser, live_server, ledger):
    """The plan tree, its schedule (the chart drawn), the calendar and the league table open
    for the office with no console error and no failed request."""
    from tests.browser.support import assert_drawn

    office = signed_in(browser, live_server, "js_office")
    plan = Plan.objects.get(code="js-implementation")
    office.goto(f"{live_server.url}/plans/", wait_until="networkidle")
    with office.expect_navigation():
        office.locator(f"a[href='/plans/{plan.pk}/']").click()
    office.wait_for_load_state("networkidle")
    assert office.locator("tr.tree-task").count() == plan.tasks.count()
    office.select_option("select[name=light]", "red")  # site.js submits the form on change; HTMX swaps the tree
    expect(office.locator("tr.tree-task")).to_have_count(1)
    office.wait_for_url("**light=red**")  # the filtered tree has its own address
    office.wait_for_load_state("networkidle")
    with office.expect_navigation():
        office.click("nav.plan-views a:has-text('进度图')")
    assert "light=red" in office.url  # the filters travel with the view
    assert_drawn(office, "gantt-option")
    office.goto(f"{live_server.url}/plans/{plan.pk}/calendar/", wait_until="networkidle")
    office.goto(f"{live_server.url}/plans/units/", wait_until="networkidle")
    assert office.locator("table.league tbody tr").count() >= 10
    assert office.problems == []
    office.context.close()
