"""The role × page × action matrix (issue 12.1): one declared table of what each role gets on
every page and action of the site apps, run with Django's test client.

Outcomes: ``200`` the page; ``302`` an action done (redirected to its result); ``LOGIN`` the
public sent to sign in; ``403`` a signed-in role without the right; ``404`` an object outside
the user's scope. Every refused POST is checked to have changed nothing in the database.
The roles are the real groups (``ensure_roles``) and the sample accounts
(``create_sample_accounts``); the system administrator is a superuser in the 系统管理员 group,
as ``deltawatch init`` makes it. A URL name of a site app that the table does not cover fails
``test_every_site_url_is_in_the_matrix``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver, reverse

from deltawatch.accounts.choices import Role
from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import create_sample_accounts
from deltawatch.audit.models import ChangeRecord
from deltawatch.indices.choices import IndexRunKind
from deltawatch.indices.commands import load
from deltawatch.indices.models import IndexRun
from deltawatch.jobs.handlers import INDEX_BUILD
from deltawatch.jobs.models import Job
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.plans.models import Assignment, Baseline, JournalEntry, Milestone, Notification, Plan
from deltawatch.plans.services import NewTask, create_task
from deltawatch.plans.workflow import transition
from deltawatch.reporting.models import Explanation, Form, FormJournal, OutlierFlag
from deltawatch.reports.models import Report, ReportEvent
from deltawatch.intake.models import SourceDocument, TargetDraft, TaskDraft
from deltawatch.progress.models import ProgressAssessment, ProgressRun, StatusChange
from deltawatch.site.models import Feedback

pytestmark = pytest.mark.django_db

# The apps whose pages the matrix covers (their URL namespaces).
SITE_APPS = ("site", "indicators", "regions", "progress", "indices", "regional", "observations", "plans",
             "reporting", "assessment", "reports", "intake")
# Column order of every row below.
ROLES = ("public", "admin", "office", "department", "reporter", "researcher")
USERNAMES = {"admin": "sys_admin", "office": "js_office", "department": "js_kjt", "reporter": "nj_stats",
             "researcher": "njnu_researcher"}
LOGIN = "login"
ALL_200 = (200,) * 6


@dataclass(frozen=True)
class Case:
    """One page or action: URL name, its arguments (names of fixture objects, or literals),
    method, posted data, the outcome per role (in ``ROLES`` order), and a query string."""

    name: str
    outcomes: tuple
    args: tuple = ()
    method: str = "get"
    data: dict = field(default_factory=dict)
    query: str = ""
    label: str = ""

    @property
    def id(self) -> str:
        return self.label or self.name


#          public  admin  office  department  reporter  researcher
MATRIX = [
    # ---- the public pages: everyone
    Case("site:overview", ALL_200),
    Case("site:overview_map_csv", ALL_200),
    Case("site:overview_status_csv", ALL_200),
    Case("site:geo_yrd41", ALL_200),
    Case("site:feedback", ALL_200),
    Case("site:feedback", (302,) * 6, method="post", label="site:feedback POST",
         data={"topic": "data", "text": "南京的数据何时更新？", "website": ""}),
    Case("indicators:catalogue", ALL_200),
    Case("indicators:detail", ALL_200, args=("gdp",)),
    Case("indicators:export", ALL_200, args=("gdp",), query="format=xlsx"),
    Case("regions:tree", ALL_200),
    Case("regions:detail", ALL_200, args=("320100",)),
    Case("progress:board", ALL_200),
    Case("progress:changes", ALL_200),
    Case("progress:export", ALL_200, query="format=csv"),
    Case("indices:list", ALL_200),
    Case("indices:run", ALL_200, args=("published_run",), label="indices:run published"),
    Case("regional:disparity", ALL_200),
    # ---- out of scope: an unpublished run is private; unknown objects are 404 for everyone
    Case("indices:run", (404, 200, 200, 200, 200, 200), args=("draft_run",), label="indices:run unpublished"),
    Case("indicators:detail", (404,) * 6, args=("no_such_indicator",), label="indicators:detail unknown"),
    Case("regions:detail", (404,) * 6, args=("999999",), label="regions:detail unknown"),
    Case("indices:run", (404,) * 6, args=(987654,), label="indices:run unknown"),
    # ---- the office's feedback inbox
    Case("site:feedback_inbox", (LOGIN, 200, 200, 403, 403, 403)),
    Case("site:feedback_answer", (LOGIN, 200, 200, 403, 403, 403), args=("feedback",)),
    Case("site:feedback_answer", (LOGIN, 302, 302, 403, 403, 403), args=("feedback",), method="post",
         data={"answer": "下月更新。", "status": "answered", "is_public": "on"}, label="site:feedback_answer POST"),
    # ---- data upload: the office and reporters (and the administrators)
    Case("observations:upload", (LOGIN, 200, 200, 403, 200, 403)),
    Case("observations:upload", (LOGIN, 200, 200, 403, 200, 403), method="post", data={"file": "nanjing_csv"},
         label="observations:upload POST (dry run)"),
    Case("observations:confirm", (LOGIN, 302, 302, 403, 302, 403), method="post",
         data={"token": "x" * 32, "decision": "import"}),
    Case("observations:history", (LOGIN, 200, 200, 403, 200, 403)),
    Case("observations:batch", (LOGIN, 200, 200, 403, 200, 403), args=("reporter_batch",),
         label="observations:batch the reporter's"),
    Case("observations:batch", (LOGIN, 200, 200, 403, 403, 403), args=("office_batch",),
         label="observations:batch the office's"),
    Case("observations:batch", (LOGIN, 404, 404, 403, 404, 403), args=(987654,), label="observations:batch unknown"),
    # ---- runs: the office, researchers and administrators start and publish them
    Case("progress:run", (LOGIN, 302, 302, 403, 403, 302), method="post", data={"method": "opensdg"}),
    Case("indices:start", (LOGIN, 302, 302, 403, 403, 302), method="post",
         data={"kind": "build", "spec": "yrd_hqd", "years": "2017", "seed": "0"}),
    Case("indices:publish", (LOGIN, 302, 302, 403, 403, 302), args=("draft_run",), method="post",
         data={"action": "publish"}),
    # a job is followed by whoever queued it (and the administrators); the office queued this one
    Case("indices:job", (LOGIN, 200, 200, 404, 404, 404), args=("office_job",)),
    # ---- the task ledger: units' inboxes (office, departments), the office's queue; the task of
    # the world is led by js_kjt's unit (the department) in the plan of js_office's unit
    Case("plans:inbox", (LOGIN, 200, 200, 200, 403, 403)),
    Case("plans:notifications", (LOGIN, 200, 200, 200, 403, 403)),
    Case("plans:mark_read", (LOGIN, 302, 302, 302, 403, 403), method="post"),
    Case("plans:review", (LOGIN, 200, 200, 403, 403, 403)),
    Case("plans:league", (LOGIN, 200, 200, 200, 403, 200)),
    Case("plans:task", (LOGIN, 200, 200, 200, 403, 200), args=("ledger_task",)),
    Case("plans:task", (LOGIN, 404, 404, 404, 403, 404), args=(987654,), label="plans:task unknown"),
    Case("plans:act", (LOGIN, 403, 403, 302, 403, 403), args=("ledger_task",), method="post",
         data={"assignment": "ledger_lead", "action": "request_close", "version": "3"}),
    Case("plans:instruct", (LOGIN, 403, 302, 403, 403, 403), args=("ledger_task",), method="post",
         data={"text": "抓紧推进。"}),
    Case("plans:milestone_add", (LOGIN, 403, 302, 302, 403, 403), args=("ledger_task",), method="post",
         data={"title": "方案印发", "due_date": "2025-06-30", "deliverable": "实施方案"}),
    Case("plans:milestone_done", (LOGIN, 403, 302, 302, 403, 403), args=("ledger_task", "ledger_milestone"),
         method="post", data={"done_on": "2025-01-06"}),
    Case("plans:evidence", (LOGIN, 200, 200, 200, 404, 404), args=("ledger_evidence",)),
    Case("plans:plans", (LOGIN, 200, 200, 200, 403, 200)),
    Case("plans:plan", (LOGIN, 200, 200, 200, 403, 200), args=("ledger_plan",)),
    Case("plans:plan", (LOGIN, 404, 404, 404, 403, 404), args=(987654,), label="plans:plan unknown"),
    Case("plans:plan_export", (LOGIN, 200, 200, 200, 403, 200), args=("ledger_plan",), query="format=csv"),
    Case("plans:schedule", (LOGIN, 200, 200, 200, 403, 200), args=("ledger_plan",)),
    Case("plans:calendar", (LOGIN, 200, 200, 200, 403, 200), args=("ledger_plan",)),
    Case("plans:freeze", (LOGIN, 403, 302, 403, 403, 403), args=("ledger_plan",), method="post",
         data={"name": "年初基线"}),
    # ---- statistics reporting: the reporter's own region's form; the office's review pages
    Case("reporting:forms", (LOGIN, 200, 200, 200, 200, 200)),
    Case("reporting:form", (LOGIN, 200, 200, 200, 200, 200), args=("nj_form",)),
    Case("reporting:form", (LOGIN, 200, 200, 200, 404, 200), args=("hz_form",), label="reporting:form other region"),
    Case("reporting:form_cell", (LOGIN, 403, 403, 403, 200, 403), args=("nj_form",), method="post",
         data={"code": "gdp", "text": "18,600"}),
    Case("reporting:form_cell", (LOGIN, 403, 403, 403, 404, 403), args=("hz_form",), method="post",
         data={"code": "gdp", "text": "20000"}, label="reporting:form_cell other region"),
    Case("reporting:form_paste", (LOGIN, 403, 403, 403, 200, 403), args=("nj_form",), method="post",
         data={"start": "gdp", "text": "18600"}),
    Case("reporting:form_note", (LOGIN, 403, 403, 403, 200, 403), args=("nj_form",), method="post",
         data={"code": "gdp", "note": "快报数"}),
    Case("reporting:form_history", (LOGIN, 200, 200, 200, 200, 200), args=("nj_form", "gdp", "form_year")),
    Case("reporting:form_report", (LOGIN, 200, 200, 200, 200, 200), args=("nj_form",)),
    Case("reporting:form_explain", (LOGIN, 403, 403, 403, 302, 403), args=("nj_form",), method="post",
         data={"check": "x", "indicator": "gdp", "year": "form_year", "text": "核实无误"}),
    Case("reporting:form_act", (LOGIN, 403, 403, 403, 302, 403), args=("nj_form",), method="post",
         data={"action": "submit", "version": "nj_form_version"}),
    Case("reporting:cycles", (LOGIN, 200, 200, 403, 403, 200)),
    Case("reporting:cycle", (LOGIN, 200, 200, 403, 403, 200), args=("cycle",)),
    Case("reporting:urge", (LOGIN, 302, 302, 403, 403, 403), args=("cycle",), method="post"),
    Case("reporting:review", (LOGIN, 200, 200, 403, 403, 403)),
    Case("reporting:validate", (LOGIN, 200, 200, 403, 403, 200)),
    Case("reporting:outliers", (LOGIN, 200, 200, 403, 403, 200)),
    Case("reporting:verify_flag", (LOGIN, 302, 302, 403, 403, 403), args=("flag",), method="post",
         data={"note": "经核实，系统计口径调整"}),
    # ---- 绩效考核: the office manages the schemes and runs; researchers read every run;
    # everyone reads the published runs and their scorecards (a scorecard shows no more than the
    # published ranking; the tasks on it are filtered by the reader's scope)
    Case("assessment:schemes", ALL_200),
    Case("assessment:scheme", ALL_200, args=("assess_scheme",)),
    Case("assessment:run", ALL_200, args=("assess_published",), label="assessment:run published"),
    Case("assessment:run", (404, 200, 200, 404, 404, 200), args=("assess_draft",),
         label="assessment:run unpublished"),
    Case("assessment:run", ALL_200, args=("assess_published",), query="format=xlsx", label="assessment:run xlsx"),
    Case("assessment:scorecard", ALL_200, args=("assess_published", "320100"),
         label="assessment:scorecard own region"),
    Case("assessment:scorecard", ALL_200, args=("assess_published", "340100"),
         label="assessment:scorecard other region"),
    Case("assessment:scorecard", (404, 200, 200, 404, 404, 200), args=("assess_draft", "320100"),
         label="assessment:scorecard unpublished"),
    Case("assessment:scheme_run", (LOGIN, 302, 302, 403, 403, 403), args=("assess_scheme",), method="post",
         data={"year": "2017", "runs": "20"}),
    Case("assessment:adjustment_add", (LOGIN, 302, 302, 403, 403, 403), args=("assess_scheme",), method="post",
         data={"region": "320100", "year": "2017", "points": "2", "reason": "示例：获国家级试点"}),
    Case("assessment:benchmark_add", (LOGIN, 302, 302, 403, 403, 403), args=("assess_scheme",), method="post",
         data={"region": "340100", "benchmark": "320500"}),
    Case("assessment:benchmark_delete", (LOGIN, 302, 302, 403, 403, 403), args=("assess_scheme", "assess_pair"),
         method="post"),
    Case("assessment:peer_set", (LOGIN, 302, 302, 403, 403, 403), args=("assess_scheme",), method="post",
         data={"region": "320100", "label": "中心城市"}),
    Case("assessment:recluster", (LOGIN, 302, 302, 403, 403, 403), args=("assess_scheme",), method="post"),
    Case("assessment:publish", (LOGIN, 302, 302, 403, 403, 403), args=("assess_draft",), method="post",
         data={"action": "publish"}),
    # ---- 通报与报告: the office drafts, writes, moves and publishes; everyone reads what is published
    # (the public: what the office made public); the office and researchers read the drafts
    Case("reports:list", ALL_200),
    Case("reports:css", ALL_200),
    Case("reports:detail", ALL_200, args=("report_public",), label="reports:detail public"),
    Case("reports:detail", (404, 200, 200, 200, 200, 200), args=("report_issued",), label="reports:detail issued"),
    Case("reports:detail", (404, 200, 200, 404, 404, 200), args=("report_draft",), label="reports:detail draft"),
    Case("reports:download", ALL_200, args=("report_public", "pdf"), label="reports:download public pdf"),
    Case("reports:download", (404, 200, 200, 404, 404, 200), args=("report_draft", "docx"),
         label="reports:download draft docx"),
    Case("reports:create", (LOGIN, 302, 302, 403, 403, 403), method="post",
         data={"kind": "tasks", "period": "2026-10", "language": "zh-hans"}),
    Case("reports:text", (LOGIN, 302, 302, 403, 403, 403), args=("report_draft",), method="post",
         data={"section": "overview", "above": "请各单位对照整改。", "below": ""}),
    Case("reports:move", (LOGIN, 302, 302, 403, 403, 403), args=("report_draft", "submit"), method="post"),
    Case("reports:check", (LOGIN, 302, 302, 403, 403, 302), args=("report_issued",), method="post"),
    # ---- 文件解析: the office reads documents in and decides; researchers look; others may not
    Case("intake:documents", (LOGIN, 200, 200, 403, 403, 200)),
    Case("intake:document", (LOGIN, 200, 200, 403, 403, 200), args=("intake_document",)),
    Case("intake:upload", (LOGIN, 302, 302, 403, 403, 403), method="post",
         data={"file": "plan_txt", "plan_period": "2021-2025", "region": "320000"}),
    Case("intake:decide_target", (LOGIN, 302, 302, 403, 403, 403), args=("intake_document", "intake_target"),
         method="post", data={"action": "reject", "reason": "与纲要重复"}),
    Case("intake:reject_section", (LOGIN, 302, 302, 403, 403, 403), args=("intake_document",), method="post",
         data={"section": "二", "reason": "本节措施已列入台账"}),
    Case("intake:decide_task", (LOGIN, 302, 302, 403, 403, 403), args=("intake_document", "intake_task"),
         method="post", data={"action": "reject", "reason": "已列入其他规划"}),
    # ---- accounts and language (Django's own views, listed for completeness)
    Case("login", ALL_200),
    Case("password_change", (LOGIN, 200, 200, 200, 200, 200)),
    Case("set_language", (302,) * 6, method="post", data={"language": "en", "next": "/"}),
]


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module", autouse=True)
def fresh_cache():
    """Analytics cached by an earlier module may carry ids a rolled-back test reused."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The accounts of every role, and one object of each kind the table names — made once for
    the module inside a transaction that is rolled back at its end (Django's setUpTestData
    habit): each case runs in a savepoint of it, so what one case changes the next never sees."""
    data_dir = tmp_path_factory.mktemp("matrix")
    with django_db_blocker.unblock(), override_settings(
            DATA_DIR=data_dir, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _make_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_world):
    # The feedback rate limit counts per address across tests; the page analytics stay cached
    # (by data version) between tests — who may open a page is decided outside the cache.
    cache.delete("dw:feedback-rate:127.0.0.1")
    return shared_world


def _make_world():
    ensure_roles()
    create_sample_accounts()
    users = {role: get_user_model().objects.get(username=name) for role, name in USERNAMES.items()
             if role != "admin"}
    admin = get_user_model().objects.create_superuser("sys_admin", password="x" * 16)
    admin.groups.add(Group.objects.get(name=Role.ADMIN.value))
    users["admin"] = admin
    spec = load("yrd_hqd")

    def run(published: bool, digest: str) -> IndexRun:
        return IndexRun.objects.create(kind=IndexRunKind.BUILD, name=spec.name, spec=spec.to_dict(),
                                       spec_digest=spec.digest(), data_hash=digest, data_source="database",
                                       years=[2017], target=spec.root, is_published=published)

    objects = {
        "published_run": run(True, "a" * 64).pk,
        "draft_run": run(False, "b" * 64).pk,
        "reporter_batch": ImportBatch.objects.create(file_name="nanjing.csv", sha256="0" * 64, layout="long",
                                                     user=users["reporter"]).pk,
        "office_batch": ImportBatch.objects.create(file_name="jiangsu.csv", sha256="1" * 64, layout="long",
                                                   user=users["office"]).pk,
        "feedback": Feedback.objects.create(topic="data", text="苏州的数据有误？").pk,
        "office_job": Job.objects.create(kind=INDEX_BUILD, parameters={"spec": "yrd_hqd", "years": [2017]},
                                         created_by=users["office"]).pk,
    }
    objects.update(ledger(users))
    objects.update(statistics())
    objects.update(assessment())
    objects.update(reports())
    objects.update(intake())
    return users, objects


def ledger(users) -> dict:
    """A task led by the department's unit in the office's plan, signed for and reported on
    with one evidence file (its assignment at version 3)."""
    from deltawatch.accounts.models import Organisation

    plan = Plan.objects.create(code="matrix-plan", name_zh="矩阵测试方案", kind="provincial_plan", period_start=2024,
                               period_end=2026, owner=users["office"].membership.organisation)
    task = create_task(plan, NewTask(code="1", title="共建产业创新大平台",
                                     lead=Organisation.objects.get(pk=users["department"].membership.organisation_id)),
                       users["office"])
    lead = task.assignments.get()
    transition(lead.pk, "accept", users["department"], version=1)
    transition(lead.pk, "report", users["department"], version=2, percent=50, text="已编制方案",
               files=[SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan")])
    node = Milestone.objects.create(task=task, title="方案编制", due_date=dt.date(2025, 1, 3))
    return {"ledger_plan": plan.pk, "ledger_task": task.pk, "ledger_lead": lead.pk, "ledger_milestone": node.pk,
            "ledger_evidence": JournalEntry.objects.get(action="report").attachments.get().pk}


def statistics() -> dict:
    """The demonstration reporting cycle (Nanjing's form a draft: the reporter's region) and
    one outlier flag to verify."""
    from deltawatch.indicators.models import Indicator
    from deltawatch.regions.models import Region
    from deltawatch.reporting.defaults import load_reporting_default
    from deltawatch.reporting.models import Form, OutlierFlag

    load_reporting_default()
    nanjing = Form.objects.select_related("cycle").get(cycle__data_set__code="demo-city-annual", region__code="320100")
    hangzhou = Form.objects.get(cycle=nanjing.cycle, region__code="330100")
    flag = OutlierFlag.objects.create(region=Region.objects.get(code="320100"), indicator=Indicator.objects.get(code="gdp"),
                                      year=2019, method="modz", value=1.0, detail="M = 4.2")
    return {"nj_form": nanjing.pk, "hz_form": hangzhou.pk, "cycle": nanjing.cycle_id, "flag": flag.pk,
            "form_year": nanjing.cycle.year, "nj_form_version": str(nanjing.version)}


def assessment() -> dict:
    """The demonstration scheme (its run published) and a second, unpublished run of 20
    simulations; one of its benchmark pairs to remove."""
    from deltawatch.assessment import services
    from deltawatch.assessment.defaults import CODE, load_assessment_default
    from deltawatch.assessment.models import Run, Scheme

    load_assessment_default()
    scheme = Scheme.objects.get(code=CODE)
    published = scheme.runs.get()
    Run.objects.filter(pk=published.pk).update(is_published=True)
    draft = services.run_scheme(scheme, runs=20)
    return {"assess_scheme": scheme.code, "assess_published": published.pk, "assess_draft": draft.pk,
            "assess_pair": scheme.benchmarks.order_by("pk").first().pk}


def reports() -> dict:
    """A task bulletin issued and made public, one issued only, and a draft."""
    from deltawatch.reports import services

    def issued(period: str, public: bool):
        report = services.create("tasks", period)
        for action in ("submit", "approve", "publish"):
            report = services.move(report, action)
        return services.set_public(report, public) if public else report

    return {"report_public": issued("2026-08", True).pk, "report_issued": issued("2026-09", False).pk,
            "report_draft": services.create("tasks", "2026-07").pk}


INTAKE_TEXT = "一、发展目标\n到2025年，研发投入强度达到3%以上。\n二、重点任务\n2025年底前建设长三角国家技术创新中心。\n"


def intake() -> dict:
    """A short plan read into drafts (a target and a task to decide on)."""
    from deltawatch.intake.services import ingest
    from deltawatch.regions.models import Region

    document = ingest(INTAKE_TEXT.encode(), "plan.txt", region=Region.objects.get(code="320000"))
    return {"intake_document": document.pk, "intake_target": document.targetdrafts.first().pk,
            "intake_task": document.taskdrafts.first().pk}


def client_for(users, role: str) -> Client:
    client = Client()
    if role != "public":
        client.force_login(users[role])
    return client


def posted(data: dict) -> dict:
    """The form data, with the file a case names made (a fresh one for every request)."""
    if data.get("file") == "plan_txt":
        return {**data, "file": SimpleUploadedFile("plan.txt", INTAKE_TEXT.encode(), content_type="text/plain")}
    if data.get("file") == "nanjing_csv":
        text = "region,indicator,year,value,unit\n320100,gdp,2024,18600,亿元\n"
        return {**data, "file": SimpleUploadedFile("nanjing.csv", text.encode(), content_type="text/csv")}
    return data


def snapshot() -> dict:
    """What a refused action must leave as it was."""
    return {
        "observations": list(Observation.objects.order_by("pk").values_list("pk", "status", "is_current")),
        "batches": ImportBatch.objects.count(),
        "progress_runs": ProgressRun.objects.count(),
        "assessments": ProgressAssessment.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "index_runs": list(IndexRun.objects.order_by("pk").values_list("pk", "is_published")),
        "jobs": Job.objects.count(),
        "feedback": list(Feedback.objects.order_by("pk").values_list("pk", "status", "answer", "is_public")),
        "change_records": ChangeRecord.objects.count(),
        "journal": JournalEntry.objects.count(),
        "assignments": list(Assignment.objects.order_by("pk").values_list("pk", "state", "version")),
        "baselines": Baseline.objects.count(),
        "milestones": list(Milestone.objects.order_by("pk").values_list("pk", "done_on")),
        "forms": list(Form.objects.order_by("pk").values_list("pk", "state", "version")),
        "form_journal": FormJournal.objects.count(),
        "flags": list(OutlierFlag.objects.order_by("pk").values_list("pk", "verified", "note")),
        "explanations": Explanation.objects.count(),
        "notifications": Notification.objects.count(),
        "notes": list(Observation.objects.exclude(note="").order_by("pk").values_list("pk", "note")),
        **assessment_snapshot(),
        "reports": list(Report.objects.order_by("pk").values_list("pk", "status", "is_public", "texts")),
        "report_events": ReportEvent.objects.count(),
        "intake": (SourceDocument.objects.count(), list(TargetDraft.objects.values_list("pk", "decision")),
                   list(TaskDraft.objects.values_list("pk", "decision"))),
    }


def assessment_snapshot() -> dict:
    from deltawatch.assessment.models import Adjustment, BenchmarkPair, PeerGroup, Run

    return {
        "assessment_runs": list(Run.objects.order_by("pk").values_list("pk", "is_published")),
        "assessment_adjustments": Adjustment.objects.count(),
        "assessment_pairs": list(BenchmarkPair.objects.order_by("pk").values_list("pk", "region_id", "benchmark_id")),
        "assessment_peers": list(PeerGroup.objects.order_by("pk").values_list("pk", "label", "source")),
    }


def outcome_of(response) -> object:
    """The response as a matrix outcome: LOGIN for a redirect to the sign-in page."""
    if response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
        return LOGIN
    return response.status_code


# ------------------------------------------------------------------------------ the matrix


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=lambda case: case.id)
def test_matrix(world, case, role):
    users, objects = world
    expected = case.outcomes[ROLES.index(role)]
    url = reverse(case.name, args=[objects.get(a, a) if isinstance(a, str) else a for a in case.args])
    if case.query:
        url = f"{url}?{case.query}"
    client = client_for(users, role)
    before = snapshot()
    if case.method == "post":
        response = client.post(url, posted({key: objects.get(value, value) if isinstance(value, str) else value
                                            for key, value in case.data.items()}))
    else:
        response = client.get(url)
    assert outcome_of(response) == expected, f"{role} {case.method.upper()} {url}: {response.status_code}"
    if case.method == "post" and expected in (LOGIN, 403, 404):
        assert snapshot() == before, f"{role}'s refused {case.id} changed the database"


def test_allowed_actions_did_what_they_say(world):
    """The actions the matrix expects to succeed really change something (so that "nothing
    changed" for the refused ones is a real difference): the office runs an assessment,
    queues a build, publishes a run and answers a feedback entry."""
    users, objects = world
    office = client_for(users, "office")
    runs, jobs = ProgressRun.objects.count(), Job.objects.count()
    office.post(reverse("progress:run"), {"method": "opensdg"})
    office.post(reverse("indices:start"), {"kind": "build", "spec": "yrd_hqd", "years": "2017", "seed": "0"})
    office.post(reverse("indices:publish", args=[objects["draft_run"]]), {"action": "publish"})
    office.post(reverse("site:feedback_answer", args=[objects["feedback"]]),
                {"answer": "下月更新。", "status": "answered", "is_public": "on"})
    assert ProgressRun.objects.count() == runs + 1 and Job.objects.count() == jobs + 1
    assert IndexRun.objects.get(pk=objects["draft_run"]).is_published
    assert Feedback.objects.get(pk=objects["feedback"]).answer == "下月更新。"
    client_for(users, "department").post(reverse("plans:act", args=[objects["ledger_task"]]),
                                         {"assignment": objects["ledger_lead"], "action": "request_close", "version": "3"})
    assert Assignment.objects.get(pk=objects["ledger_lead"]).state == "close_requested"
    office.post(reverse("plans:freeze", args=[objects["ledger_plan"]]), {"name": "年初基线"})
    assert Baseline.objects.get(plan=objects["ledger_plan"]).name == "年初基线"
    office.post(reverse("plans:milestone_done", args=[objects["ledger_task"], objects["ledger_milestone"]]),
                {"done_on": "2025-01-06"})
    assert Milestone.objects.get(pk=objects["ledger_milestone"]).done_on == dt.date(2025, 1, 6)


def test_assessment_actions_did_what_they_say(world):
    """The office's assessment actions the matrix expects to succeed change what they say."""
    from deltawatch.assessment.models import Adjustment, BenchmarkPair, PeerGroup, Run

    users, objects = world
    office = client_for(users, "office")
    runs = Run.objects.count()
    office.post(reverse("assessment:scheme_run", args=["yrd41-demo"]), {"year": "2017", "runs": "20"})
    assert Run.objects.count() == runs + 1
    office.post(reverse("assessment:adjustment_add", args=["yrd41-demo"]),
                {"region": "320100", "year": "2017", "points": "2", "reason": "示例：获国家级试点"})
    assert Adjustment.objects.get(region__code="320100").reason == "示例：获国家级试点"
    office.post(reverse("assessment:benchmark_add", args=["yrd41-demo"]), {"region": "340100", "benchmark": "320500"})
    assert BenchmarkPair.objects.filter(region__code="340100", benchmark__code="320500").exists()
    office.post(reverse("assessment:benchmark_delete", args=["yrd41-demo", objects["assess_pair"]]))
    assert not BenchmarkPair.objects.filter(pk=objects["assess_pair"]).exists()
    office.post(reverse("assessment:peer_set", args=["yrd41-demo"]), {"region": "320100", "label": "中心城市"})
    assert PeerGroup.objects.get(region__code="320100").label == "中心城市"
    office.post(reverse("assessment:publish", args=[objects["assess_draft"]]), {"action": "publish"})
    assert Run.objects.get(pk=objects["assess_draft"]).is_published


def test_report_actions_did_what_they_say(world):
    """The office's report actions the matrix expects to succeed change what they say."""
    users, objects = world
    office = client_for(users, "office")
    count = Report.objects.count()
    office.post(reverse("reports:create"), {"kind": "tasks", "period": "2026-10", "language": "zh-hans"})
    assert Report.objects.count() == count + 1
    draft = objects["report_draft"]
    office.post(reverse("reports:text", args=[draft]), {"section": "overview", "above": "请各单位对照整改。"})
    assert Report.objects.get(pk=draft).texts == {"overview": {"above": "请各单位对照整改。", "below": ""}}
    office.post(reverse("reports:move", args=[draft, "submit"]))
    assert Report.objects.get(pk=draft).status == "review"


# ------------------------------------------------------------------------------ coverage


def site_url_names() -> set[str]:
    """Every named URL pattern of the site apps, as ``namespace:name``."""
    names = set()
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        if namespace not in SITE_APPS:
            continue
        names |= {f"{namespace}:{p.name}" for p in resolver.url_patterns if getattr(p, "name", None)}
    return names


def test_every_site_url_is_in_the_matrix():
    names = site_url_names()
    assert set(SITE_APPS) <= {name.split(":")[0] for name in names}  # every app was found
    missing = names - {case.name for case in MATRIX}
    assert not missing, f"URL names the role matrix does not cover: {sorted(missing)}"


# Namespaces with pages that are not the site apps' (Django's admin has its own permission
# checks and tests), and apps whose pages are still being built (none now): each joins
# SITE_APPS and the table above when its pages land.
OTHER_NAMESPACES = {"admin", "api"}  # the REST API: every endpoint × role in tests/api/test_access.py
PAGES_IN_PROGRESS: set[str] = set()


def test_a_new_app_with_pages_must_join_the_matrix():
    """An app that adds a URL namespace fails here until the matrix covers it (or it is
    listed above, with the reason)."""
    namespaces = set(get_resolver().namespace_dict)
    unknown = namespaces - set(SITE_APPS) - OTHER_NAMESPACES - PAGES_IN_PROGRESS
    assert not unknown, f"URL namespaces the role matrix does not know: {sorted(unknown)}"


def test_every_post_action_is_in_the_matrix_as_a_post():
    """The views that only accept POST are exercised by POST (a GET would only show 405)."""
    posts = {case.name for case in MATRIX if case.method == "post"}
    for name in ("progress:run", "indices:start", "indices:publish", "observations:confirm"):
        assert name in posts
