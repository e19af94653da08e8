"""A report's life on the database: drafted from the data, written in by the office, reviewed,
approved, published (numbered, frozen, filed), made public; the numbers of the HTML equal the
source query; a published report regenerates identically; bad requests are refused with words."""

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from docx import Document

from deltawatch.reports import schedule, services
from deltawatch.reports.models import Report, ReportEvent, ReportFile, Status
from deltawatch.reports.periods import Period, PeriodError
from tests.plans.conftest import people, plan, units  # noqa: F401 — fixtures
from tests.reports.test_sections_tasks import MARCH, world  # noqa: F401 — the small dated ledger

pytestmark = pytest.mark.django_db


class Text(HTMLParser):
    """The visible text of each <section data-code=…> of the report content, and the tables' cells."""

    def __init__(self):
        super().__init__()
        self.sections, self.current, self.tables, self.cell = {}, None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-code" in attrs:
            self.current = attrs["data-code"]
            self.sections.setdefault(self.current, "")
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.current:
            self.sections[self.current] += data
        if self.cell is not None:
            self.cell += data


def parsed(html: str) -> Text:
    parser = Text()
    parser.feed(html)
    return parser


def test_the_bulletins_numbers_in_html_equal_the_ledgers(world):  # noqa: F811
    report = services.create("tasks", MARCH)
    text = parsed(services.render(report, "html").decode("utf-8"))
    overview = re.sub(r"\s+", "", text.sections["overview"])
    totals = services.build_content("tasks", MARCH)["sections"][0]["facts"]
    # the sentence states the ledger's figures: 5 tasks, 2 closed, 40.0 % closed, 25.0 % on time, 2 overdue
    assert f"共{totals['tasks']}项" in overview and f"已办结{totals['closed']}项" in overview
    assert (totals["tasks"], totals["closed"], totals["overdue"]) == (5, 2, 2)
    assert "办结率40.0%" in overview and "按期完成率25.0%" in overview


def test_the_workflow_numbers_freezes_and_files_a_report(world, people):  # noqa: F811
    office = people["office"]
    report = services.create("tasks", MARCH, user=office)
    assert report.status == Status.DRAFT and report.issue_number is None and "2025年3月" in report.title
    services.set_text(report, "overview", above="<script>alert(1)</script> 请各单位对照整改。", user=office)
    with pytest.raises(services.ReportError, match="不能执行此操作"):
        services.move(report, "publish", office)  # not approved yet
    with pytest.raises(services.ReportError, match="理由"):
        services.move(services.move(report, "submit", office), "return", office)
    report = services.move(report, "approve", office)
    report = services.move(report, "publish", office)
    assert report.status == Status.PUBLISHED and report.issue_number == 1
    assert services.issue_label(report) == f"〔{report.issue_year}〕第1期"
    assert set(report.files.values_list("format", flat=True)) == {"html", "pdf", "docx"}
    html = services.render(report, "html").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 请各单位对照整改。" in html and "<script>alert" not in html
    assert services.issue_label(report) in html
    # the files are the ones filed at publication, byte for byte
    stored = ReportFile.objects.get(report=report, format="pdf")
    assert services.render(report, "pdf") == bytes(stored.data)
    # frozen: no regeneration, no text, no move
    for change in (lambda: services.regenerate(report), lambda: services.set_text(report, "overview", above="x"),
                   lambda: services.move(report, "return", office, "改")):
        with pytest.raises(services.ReportFrozen, match="已印发"):
            change()
    # the next bulletin of the kind in the year takes the next number
    second = services.create("tasks", Period("month", 2025, 4))
    for action in ("submit", "approve", "publish"):
        second = services.move(second, action, office)
    assert second.issue_number == 2
    actions = list(ReportEvent.objects.filter(report=report).values_list("action", flat=True))
    assert actions == ["create", "text", "submit", "approve", "publish"]  # the return without a reason: nothing


def test_a_published_report_regenerates_identically_until_the_data_change(world, people):  # noqa: F811
    report = services.create("tasks", MARCH)
    for action in ("submit", "approve", "publish"):
        report = services.move(report, action, people["office"])
    same, digest = services.check_regenerated(report)
    assert same and digest == report.digest
    from deltawatch.plans.models import Assignment

    Assignment.objects.filter(task__code="C").update(state="closed", closed_on=dt.date(2025, 3, 20))  # data change
    assert not services.check_regenerated(report)[0]
    assert services.render(report, "html") == bytes(report.files.get(format="html").data)  # the issue stands


def test_the_docx_holds_the_same_tables_as_the_html(world):  # noqa: F811
    report = services.create("tasks", MARCH)
    html_tables = [t for t in parsed(services.render(report, "html").decode("utf-8")).tables if t]
    document = Document(io.BytesIO(services.render(report, "docx")))
    word_tables = [[[cell.text.strip() for cell in row.cells] for row in table.rows] for table in document.tables]
    assert len(word_tables) == len(html_tables) > 0
    for ours, theirs in zip(word_tables, html_tables):
        assert [r for r in ours if any(r)] == [r for r in theirs if r]


def test_bad_requests_are_refused_with_words(db):
    with pytest.raises(PeriodError, match="无法识别的期间"):
        Period.parse("2025-13")
    with pytest.raises(services.ReportError, match="未知的报告类型"):
        services.build_content("weekly", Period("year", 2025))
    report = services.create("tasks", Period("month", 2016, 1))  # a period with no data: it says so
    assert all(s["status"] == "empty" for s in report.content["sections"])
    assert "尚无任务" in services.render(report, "html").decode("utf-8")
    with pytest.raises(services.ReportError, match="没有“nowhere”这一节"):
        services.set_text(report, "nowhere", above="x")
    with pytest.raises(services.ReportError, match="只有已印发的报告可以公开"):
        services.set_public(report, True)


def test_the_schedule_drafts_each_due_bulletin_once(world):  # noqa: F811
    today = dt.date(2025, 4, 2)
    made = schedule.draft_due(today)
    assert {(r.kind, r.period) for r in made} == {("tasks", "2025-03"), ("statistics", "2024"), ("progress", "2024")}
    assert schedule.draft_due(today) == [] and Report.objects.count() == 3
    assert schedule.draft_due(dt.date(2025, 5, 1))[0].period == "2025-04"


def test_two_people_at_once_lose_nothing_and_publish_once(world, people):  # noqa: F811
    """Two pages showing the same report: texts written on two sections are both kept; a step
    made from a page read before the other's step is refused; a second publication too."""
    office = people["office"]
    report = services.create("tasks", MARCH, user=office)
    first, second = Report.objects.get(pk=report.pk), Report.objects.get(pk=report.pk)
    services.set_text(first, "overview", above="请各单位对照整改。", user=office)
    services.set_text(second, "units", below="下月通报整改情况。", user=office)
    assert set(Report.objects.get(pk=report.pk).texts) == {"overview", "units"}
    first, second = Report.objects.get(pk=report.pk), Report.objects.get(pk=report.pk)
    services.move(first, "submit", office)
    with pytest.raises(services.ReportError, match="审核中"):
        services.move(second, "submit", office)  # its page still showed a draft
    services.move(first, "approve", office)
    first, second = Report.objects.get(pk=report.pk), Report.objects.get(pk=report.pk)
    services.move(first, "publish", office)
    with pytest.raises(services.ReportFrozen):
        services.move(second, "publish", office)
    assert Report.objects.filter(issue_number__isnull=False).count() == 1
    assert ReportEvent.objects.filter(report=report, action="publish").count() == 1
