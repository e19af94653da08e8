"""The ledger's pages as each role sees them (Django's test client): 我的待办 and the bell, the
task page and its forms (the stale-version and the wrong-role posts write nothing), evidence
downloads (404 for anyone outside the task), the office's review queue and the league table.

The small ledger of ``conftest``: a task of the Jiangsu office's plan led by the science
department (``lead_dept``) with the environment department participating (``partner_dept``);
``other_dept`` is a department outside the task.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deltawatch.plans import services
from deltawatch.plans.choices import Action, State
from deltawatch.plans.models import (
    Assignment,
    Evidence,
    JournalEntry,
    Notification,
    ProgressReport,
)
from deltawatch.plans.workflow import transition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # evidence files land here, not in the user's data directory


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def written() -> tuple:
    """What a refused post must leave as it was."""
    return (JournalEntry.objects.count(), ProgressReport.objects.count(), Evidence.objects.count(),
            Notification.objects.count(),
            list(Assignment.objects.order_by("pk").values_list("pk", "state", "version", "percent", "returns")))


def box_count(html: str, key: str) -> int:
    match = re.search(rf'class="box-count box-{key}"><span class="n">(\d+)</span>', html)
    assert match, f"box {key} not on the page"
    return int(match.group(1))


# ------------------------------------------------------------------------------ 我的待办


def test_inbox_counts_are_the_services_counts(people, lead, partner):
    response = client_of(people["lead_dept"]).get(reverse("plans:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    expected = services.inbox(people["lead_dept"].membership.organisation)["counts"]
    assert expected["to_accept"] == 1  # the one task, not yet signed for
    for key in ("to_accept", "in_progress", "due_soon", "overdue"):
        assert box_count(html, key) == expected[key]
    assert "box-to_review" not in html  # a department reviews nothing
    assert f'data-assignment="{lead.pk}"' in html and f'data-assignment="{partner.pk}"' not in html


def test_the_office_sees_its_review_box(people, lead):
    transition(lead.pk, Action.ACCEPT, people["lead_dept"], version=1)
    transition(lead.pk, Action.REQUEST_CLOSE, people["lead_dept"], version=2)
    html = client_of(people["office"]).get(reverse("plans:inbox")).content.decode()
    assert box_count(html, "to_review") == 1
    assert f'data-assignment="{lead.pk}"' in html


@pytest.mark.parametrize("role, expected", [("reporter", 403), ("researcher", 403)])
def test_inbox_refused_to_roles_without_one(people, role, expected):
    assert client_of(people[role]).get(reverse("plans:inbox")).status_code == expected


@pytest.mark.parametrize("name", ["plans:inbox", "plans:review", "plans:notifications", "plans:league"])
def test_anonymous_visitors_are_sent_to_sign_in(name):
    response = client_of().get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_bell_counts_unread_and_marking_read_clears_it(people, task):
    user = people["lead_dept"]
    unread = Notification.objects.filter(unit=user.membership.organisation, read_at__isnull=True).count()
    assert unread == 1  # the 交办 notice
    client = client_of(user)
    assert re.search(rf'<span class="bell-count">{unread}</span>', client.get(reverse("plans:inbox")).content.decode())
    response = client.post(reverse("plans:mark_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(unit=user.membership.organisation, read_at__isnull=True).exists()
    assert 'class="bell-count"' not in client.get(reverse("plans:notifications")).content.decode()


def test_marking_another_units_notice_changes_nothing(people, task):
    theirs = Notification.objects.get(unit=people["partner_dept"].membership.organisation)
    client_of(people["other_dept"]).post(reverse("plans:mark_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


# ------------------------------------------------------------------------------ the task page


@pytest.mark.parametrize("role, expected", [
    ("office", 200), ("lead_dept", 200), ("partner_dept", 200), ("researcher", 200), ("admin", 200),
    ("other_dept", 404), ("reporter", 403)])
def test_task_page_per_role(people, task, role, expected):
    response = client_of(people[role]).get(reverse("plans:task", args=[task.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert task.title in response.content.decode()


def test_each_role_sees_only_its_own_forms(people, task, lead, partner):
    url = reverse("plans:task", args=[task.pk])
    lead_html = client_of(people["lead_dept"]).get(url).content.decode()
    assert lead_html.count('data-action="accept"') == 1
    assert f'name="assignment" value="{lead.pk}"' in lead_html and f'value="{partner.pk}"' not in lead_html
    office_html = client_of(people["office"]).get(url).content.decode()
    assert 'data-action="accept"' not in office_html and office_html.count('data-action="urge"') == 2
    assert 'data-action="approve_extension"' not in office_html  # no request to decide
    researcher_html = client_of(people["researcher"]).get(url).content.decode()
    assert "data-action=" not in researcher_html


def post_action(user, task, assignment, action, version, **fields):
    return client_of(user).post(reverse("plans:act", args=[task.pk]),
                                {"assignment": assignment.pk, "action": action, "version": version, **fields})


def test_accept_writes_one_journal_entry(people, task, lead):
    response = post_action(people["lead_dept"], task, lead, Action.ACCEPT, 1)
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.state, lead.version) == (State.IN_PROGRESS, 2)
    entry = JournalEntry.objects.filter(assignment=lead).latest("id")
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
        Action.ACCEPT, State.ASSIGNED, State.IN_PROGRESS, people["lead_dept"])


def test_a_stale_post_writes_nothing_and_keeps_what_was_typed(people, task, lead):
    transition(lead.pk, Action.ACCEPT, people["lead_dept"], version=1)  # someone else, first
    before = written()
    response = post_action(people["lead_dept"], task, lead, Action.REQUEST_EXTENSION, 1,
                           new_due="2025-09-30", comment="等待国家层面批复")
    assert response.status_code == 409
    html = response.content.decode()
    assert "已被他人更改" in html and "办理中" in html
    assert "等待国家层面批复" in html and 'value="2025-09-30"' in html
    assert written() == before


@pytest.mark.parametrize("role, action, on", [
    ("partner_dept", Action.ACCEPT, "lead"),     # another unit's part
    ("office", Action.ACCEPT, "lead"),           # the office does not sign for a unit
    ("lead_dept", Action.URGE, "partner"),       # only the office urges
    ("researcher", Action.ACCEPT, "lead"),
    ("other_dept", Action.ACCEPT, "lead"),       # outside the task: not even found
])
def test_a_wrong_role_post_writes_nothing(people, task, lead, partner, role, action, on):
    assignment = lead if on == "lead" else partner
    before = written()
    response = post_action(people[role], task, assignment, action, assignment.version, comment="x")
    assert response.status_code == (404 if role == "other_dept" else 403)
    assert written() == before


def test_an_assignment_of_another_task_is_404(people, task, plan, units):
    other = services.create_task(plan, services.NewTask(code="2", title="另一项任务", lead=units["js-kjt"]),
                                 people["office"])
    before = written()
    response = post_action(people["lead_dept"], task, other.assignments.get(), Action.ACCEPT, 1)
    assert response.status_code == 404 and written() == before


def test_a_return_without_reason_is_refused_with_words(people, task, lead):
    transition(lead.pk, Action.ACCEPT, people["lead_dept"], version=1)
    transition(lead.pk, Action.REQUEST_CLOSE, people["lead_dept"], version=2)
    before = written()
    response = post_action(people["office"], task, lead, Action.RETURN, 3, comment="  ")
    assert response.status_code == 400 and "须填写理由" in response.content.decode()
    assert written() == before


def report_with_file(user, task, assignment, version, name="进展.pdf", content=b"%PDF-1.4 evidence"):
    return client_of(user).post(reverse("plans:act", args=[task.pk]), {
        "assignment": assignment.pk, "action": Action.REPORT, "version": version, "percent": "40",
        "text": "已完成方案编制", "files": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_report_with_evidence_and_who_may_download_it(people, task, lead):
    transition(lead.pk, Action.ACCEPT, people["lead_dept"], version=1)
    content = b"%PDF-1.4 evidence of the platform"
    assert report_with_file(people["lead_dept"], task, lead, 2, content=content).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert ProgressReport.objects.get().percent == 40
    url = reverse("plans:evidence", args=[evidence.pk])
    for role in ("lead_dept", "partner_dept", "office", "admin"):
        response = client_of(people[role]).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-SHA256"] == evidence.sha256
    for role in ("other_dept", "researcher", "reporter", "other_office"):
        assert client_of(people[role]).get(url).status_code == 404, role
    assert client_of().get(url).status_code == 302  # anonymous: sign in first
    page = client_of(people["partner_dept"]).get(reverse("plans:task", args=[task.pk])).content.decode()
    assert url in page and "进展.pdf" in page
    assert url not in client_of(people["researcher"]).get(reverse("plans:task", args=[task.pk])).content.decode()


def test_an_executable_is_refused_and_nothing_written(people, task, lead):
    transition(lead.pk, Action.ACCEPT, people["lead_dept"], version=1)
    before = written()
    response = report_with_file(people["lead_dept"], task, lead, 2, name="报告.pdf", content=b"MZ\x90\x00binary")
    assert response.status_code == 400 and "可执行程序" in response.content.decode()
    assert written() == before


def test_unknown_evidence_and_task_are_404(people):
    assert client_of(people["office"]).get(reverse("plans:evidence", args=[987654])).status_code == 404
    assert client_of(people["office"]).get(reverse("plans:task", args=[987654])).status_code == 404


def test_instruction_by_the_office_only(people, task):
    url = reverse("plans:instruct", args=[task.pk])
    before = written()
    assert client_of(people["lead_dept"]).post(url, {"text": "抓紧推进"}).status_code == 403
    assert client_of(people["other_office"]).post(url, {"text": "抓紧推进"}).status_code == 403
    assert written() == before
    assert client_of(people["office"]).post(url, {"text": "抓紧推进", "leader": "省领导"}).status_code == 302
    entry = JournalEntry.objects.get(action=Action.INSTRUCT)
    assert entry.comment == "抓紧推进" and entry.detail == {"leader": "省领导"}


# ------------------------------------------------------------------------------ the office's queue


def test_review_queue_lists_close_and_extension_requests(people, task, lead, partner):
    transition(lead.pk, Action.ACCEPT, people["lead_dept"], version=1)
    transition(lead.pk, Action.REQUEST_CLOSE, people["lead_dept"], version=2)
    transition(partner.pk, Action.REQUEST_EXTENSION, people["partner_dept"], version=1,
               new_due=timezone.localdate().replace(year=timezone.localdate().year + 1), comment="需要协调用地")
    response = client_of(people["office"]).get(reverse("plans:review"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-assignment="{lead.pk}"' in html and "需要协调用地" in html
    assert "待复核 <span class=\"count\">（1）" in html and "延期申请 <span class=\"count\">（1）" in html
    page = client_of(people["office"]).get(reverse("plans:task", args=[task.pk])).content.decode()
    assert page.count('data-action="approve_extension"') == 1  # now there is a request to decide
    for role in ("lead_dept", "researcher", "reporter"):
        assert client_of(people[role]).get(reverse("plans:review")).status_code == 403


# ------------------------------------------------------------------------------ league table


def test_league_numbers_are_the_services_numbers(people, task, lead):
    transition(lead.pk, Action.ACCEPT, people["lead_dept"], version=1)
    transition(lead.pk, Action.REQUEST_CLOSE, people["lead_dept"], version=2)
    transition(lead.pk, Action.RETURN, people["office"], version=3, comment="材料不全")
    response = client_of(people["researcher"]).get(reverse("plans:league") + "?sort=returns")
    assert response.status_code == 200
    rows = response.context["rows"]
    frame = services.unit_league(None, timezone.localdate()).set_index("unit")
    assert {r["unit"] for r in rows} == set(frame.index)
    first = rows[0]  # sorted by returns, most first: the science department's one return
    assert first["unit"] == lead.unit.name_zh and first["returns"] == 1 == frame.loc[first["unit"], "returns"]
    assert client_of(people["reporter"]).get(reverse("plans:league")).status_code == 403
    assert client_of(people["office"]).get(reverse("plans:league") + "?sort=nonsense").status_code == 200


# ------------------------------------------------------------------------------ the plan tree


@pytest.fixture
def two_tasks(plan, units, people, task):
    """The conftest task (due 2025-06-30: overdue now) and one due in two years, led by the
    environment department, with a milestone."""
    import datetime as dt

    from deltawatch.plans.models import Milestone

    today = timezone.localdate()
    later = services.create_task(plan, services.NewTask(
        code="2", title="共保长江生态环境", lead=units["js-sthjt"], start_date=today,
        due_date=today + dt.timedelta(days=730), category="major_project"), people["office"])
    Milestone.objects.create(task=later, title="编制方案", due_date=today + dt.timedelta(days=60))
    return task, later


def test_plan_tree_numbers_are_the_rollup(people, plan, two_tasks):
    response = client_of(people["office"]).get(reverse("plans:plan", args=[plan.pk]))
    assert response.status_code == 200
    whole = services.plan_rollup(plan)["plan"].iloc[0]
    shown = response.context["whole"]
    assert (shown["total"], shown["red"], shown["green"], shown["closed"]) == (2, 1, 1, 0)
    assert (shown["total"], shown["red"], shown["green"]) == (whole["total"], whole["red"], whole["green"])
    assert response.context["shown"] == 2


def test_plan_tree_filters(people, plan, two_tasks):
    overdue, later = two_tasks
    client = client_of(people["office"])
    url = reverse("plans:plan", args=[plan.pk])
    html = client.get(url, {"light": "red"}).content.decode()
    assert f'data-task="{overdue.pk}"' in html and f'data-task="{later.pk}"' not in html
    html = client.get(url, {"unit": "js-sthjt"}).content.decode()  # both: it leads one and takes part in the other
    assert f'data-task="{overdue.pk}"' in html and f'data-task="{later.pk}"' in html
    html = client.get(url, {"category": "major_project"}).content.decode()
    assert f'data-task="{overdue.pk}"' not in html and f'data-task="{later.pk}"' in html
    response = client.get(url, {"light": "purple"})
    assert response.status_code == 200 and "purple" in response.content.decode()  # named as ignored
    assert response.context["shown"] == 2


def test_htmx_gets_the_tree_alone_with_the_views_links(people, plan, two_tasks):
    overdue, later = two_tasks
    response = client_of(people["office"]).get(reverse("plans:plan", args=[plan.pk]), {"light": "green"},
                                               HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'data-task="{later.pk}"' in html and f'data-task="{overdue.pk}"' not in html
    assert 'hx-swap-oob="true"' in html and "schedule/?light=green" in html  # the other views keep the filter


def test_a_unit_sees_only_its_tasks_and_no_rollup(people, plan, two_tasks):
    overdue, later = two_tasks
    response = client_of(people["lead_dept"]).get(reverse("plans:plan", args=[plan.pk]))
    html = response.content.decode()
    assert response.context["whole"] is None
    assert f'data-task="{overdue.pk}"' in html and f'data-task="{later.pk}"' not in html
    listing = client_of(people["lead_dept"]).get(reverse("plans:plans")).content.decode()
    assert "仅显示本单位承办的任务" in listing


def test_export_is_the_selection_in_the_list_layout(people, plan, two_tasks):
    import csv
    import io

    client = client_of(people["office"])
    url = reverse("plans:plan_export", args=[plan.pk])
    response = client.get(url, {"format": "csv", "light": "green"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["序号", "任务", "牵头单位", "参与单位", "完成时限", "进展情况"]
    assert [r[0] for r in rows[1:]] == ["2"] and rows[1][2] == "江苏省生态环境厅"
    everything = client.get(url, {"format": "xlsx"})
    assert everything.status_code == 200 and everything.content[:2] == b"PK"
    assert client.get(url, {"format": "pdf"}).status_code == 400
    mine = list(csv.reader(io.StringIO(client_of(people["lead_dept"]).get(url, {"format": "csv"})
                                       .content.decode("utf-8-sig"))))
    assert [r[0] for r in mine[1:]] == ["1"]  # a unit exports only what it may see


def test_schedule_draws_tasks_milestones_and_the_baseline(people, plan, two_tasks):
    import datetime as dt

    _overdue, later = two_tasks
    client = client_of(people["office"])
    url = reverse("plans:schedule", args=[plan.pk])
    option = client.get(url).context["option"]["baseOption"]
    names = [s["name"] for s in option["series"]]
    assert names == ["红灯·已逾期", "绿灯·按期推进", "节点"]
    assert len(option["yAxis"]["data"]) == 2
    red = option["series"][0]["data"]
    assert red[0]["value"][0] < red[1]["value"][0] and red[2] == "-"  # start before due, then a gap
    baseline = services.freeze_baseline(plan, "年初基线")
    later.due_date = later.due_date + dt.timedelta(days=30)
    later.save()
    response = client.get(url)
    assert "基线" in [s["name"] for s in response.context["option"]["baseOption"]["series"]]
    assert [(s["code"], s["days"]) for s in response.context["slipped"]] == [("2", 30)]
    assert baseline.name in response.content.decode()


def test_the_plans_office_freezes_a_baseline_from_the_schedule(people, plan, two_tasks):
    """The form is offered to the plan's office only; freezing records every task's dates, and
    anyone else's post is refused with nothing written."""
    url = reverse("plans:freeze", args=[plan.pk])
    schedule = reverse("plans:schedule", args=[plan.pk])
    assert client_of(people["office"]).get(schedule).context["may_freeze"] is True
    assert client_of(people["lead_dept"]).get(schedule).context["may_freeze"] is False
    assert client_of(people["lead_dept"]).post(url, {"name": "偷偷冻结"}).status_code == 403
    assert not plan.baselines.exists()
    response = client_of(people["office"]).post(url, {"name": "年初基线"})
    assert response.status_code == 302 and response["Location"] == schedule
    baseline = plan.baselines.get()
    assert baseline.name == "年初基线" and baseline.created_by == people["office"]
    assert sorted(baseline.items.values_list("task__code", "start_date", "due_date")) == sorted(
        plan.tasks.values_list("code", "start_date", "due_date"))


def test_calendar_lists_the_month_due_dates(people, plan, two_tasks):
    overdue, _later = two_tasks
    client = client_of(people["office"])
    url = reverse("plans:calendar", args=[plan.pk])
    response = client.get(url, {"month": "2025-06"})
    assert response.status_code == 200 and response.context["due_count"] == 1
    day = next(d for week in response.context["weeks"] for d in week if d["date"].isoformat() == "2025-06-30")
    assert [item.pk for kind, item in day["items"]] == [overdue.pk]
    # 2025-01-26 (a Sunday) was a make-up working day before the Spring Festival; 2025-01-29 a holiday
    january = {d["date"].isoformat(): d["off"] for week in client.get(url, {"month": "2025-01"}).context["weeks"]
               for d in week}
    assert january["2025-01-26"] is False and january["2025-01-29"] is True and january["2025-01-25"] is True
    response = client.get(url, {"month": "June"})
    assert response.status_code == 200 and "无法识别" in response.content.decode()


# ------------------------------------------------------------------------------ other pages


def test_overview_card_by_role(people, plan, two_tasks):
    html = client_of(people["office"]).get(reverse("site:overview")).content.decode()
    assert 'id="h-ledger"' in html
    card = html[html.index('id="h-ledger"'):]
    assert re.search(r'<span class="n">2</span><span>任务</span>', card)
    assert re.search(r'<span class="n">1</span><span>已逾期</span>', card)
    assert 'id="h-ledger"' not in client_of().get(reverse("site:overview")).content.decode()
    unit_html = client_of(people["lead_dept"]).get(reverse("site:overview")).content.decode()
    counts = services.inbox(people["lead_dept"].membership.organisation)["counts"]
    assert re.search(rf'<span class="n">{counts["to_accept"]}</span><span>待签收</span>', unit_html)


def test_indicator_page_lists_linked_tasks(people, task):
    from deltawatch.indicators.models import Indicator

    indicator = Indicator.objects.get(code="gdp")  # the catalogue comes with the migrations
    task.indicators.add(indicator)
    url = reverse("indicators:detail", args=[indicator.code])
    assert 'id="linked-tasks"' in client_of(people["office"]).get(url).content.decode()
    assert 'id="linked-tasks"' not in client_of().get(url).content.decode()
    assert 'id="linked-tasks"' not in client_of(people["other_dept"]).get(url).content.decode()
    page = client_of(people["office"]).get(reverse("plans:task", args=[task.pk])).content.decode()
    assert indicator.name_zh in page and "尚无进展评估" in page
