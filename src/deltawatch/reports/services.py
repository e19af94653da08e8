"""Making, moving and freezing reports (issue 16).

**Templates** (``TEMPLATES``): each kind names the module that computes its document
(``sections_*.build``) and the period it usually covers. Content is generated in the report's
language under ``translation.override``.

**Workflow:** 草稿 draft (regenerate at any time, the office writes its text) → 审核中 review →
已审定 approved → 已印发 published. Publishing gives the report its number (〔2026〕第3期: the
kind's next number in the year of publication), records the content's SHA-256, and stores the
HTML, PDF and Word files as issued; from then on nothing about it changes except whether the
public view shows it (``set_public``). ``check_regenerated`` builds it again from its stored
sources and says whether the content is identical.

Every change is a ``ReportEvent`` (who, when, from, to, why) besides the audit record of the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from importlib import import_module

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Report, ReportEvent, ReportFile, ReportKind, Status
from .periods import Period

DEFAULT_OFFICE = "长三角一体化发展领导小组办公室"
FORMATS = ("html", "pdf", "docx")
CONTENT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass(frozen=True)
class Template:
    module: str
    period_kind: str  # the period a bulletin of this kind usually covers (the schedule's)


TEMPLATES = {
    ReportKind.TASKS: Template("deltawatch.reports.sections_tasks", "month"),
    ReportKind.STATISTICS: Template("deltawatch.reports.sections_statistics", "year"),
    ReportKind.PROGRESS: Template("deltawatch.reports.sections_progress", "year"),
    ReportKind.ANNUAL: Template("deltawatch.reports.sections_annual", "year"),
}

# the moves of the workflow: action → (from states, to state)
MOVES = {
    "submit": ((Status.DRAFT,), Status.REVIEW),
    "return": ((Status.REVIEW, Status.APPROVED), Status.DRAFT),
    "approve": ((Status.REVIEW,), Status.APPROVED),
    "publish": ((Status.APPROVED,), Status.PUBLISHED),
}


class ReportError(ValueError):
    """A request the report cannot take, worded for the user."""


class ReportFrozen(ReportError):
    """A change asked of a published report."""


def language_code(language: str | None) -> str:
    return "en" if (language or "").lower().startswith("en") else "zh-hans"


def build_content(kind: str, period: Period, *, language: str = "zh-hans", as_of: dt.date | None = None) -> dict:
    """The document of ``kind`` for ``period`` in ``language``, from the data as they are."""
    if kind not in TEMPLATES:
        raise ReportError(_("未知的报告类型：%(kind)s（可选 %(kinds)s）") % {"kind": kind, "kinds": "、".join(TEMPLATES)})
    from .document import plain

    module = import_module(TEMPLATES[kind].module)
    with translation.override(language_code(language)):
        if kind == ReportKind.STATISTICS:  # "late" needs a day: the one the report was first made on
            return plain(module.build(period, as_of=as_of))
        return plain(module.build(period))


def digest(content: dict) -> str:
    """SHA-256 of the content as canonical JSON (sorted keys): equal contents, equal digests.
    The data version stamp is left out: it counts every change record, the report's own
    workflow included, so it moves without the figures moving."""
    sources = {k: v for k, v in (content.get("sources") or {}).items() if k != "data_version"}
    text = json.dumps({**content, "sources": sources}, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def list_title(content: dict) -> str:
    """The title a list shows: the document's, with its subtitle (the period) when it has one."""
    title, subtitle = content.get("title", ""), content.get("subtitle", "")
    return _("%(title)s（%(subtitle)s）") % {"title": title, "subtitle": subtitle} if subtitle else title


def _generated(kind: str, period: Period, language: str) -> dict:
    """The fields of a report made from the data now: its content, title and data version."""
    with translation.override(language):
        content = build_content(kind, period, language=language)
        title = list_title(content)
    return {"content": content, "title": title, "generated_at": timezone.now(),
            "data_version": str((content.get("sources") or {}).get("data_version", ""))}


def _stored_as_of(report: Report) -> dt.date | None:
    text = (report.content.get("sources") or {}).get("as_of")
    return dt.date.fromisoformat(text) if text else None


def _event(report: Report, action: str, user, before: str, comment: str = "") -> None:
    ReportEvent.objects.create(report=report, action=action, from_status=before, to_status=report.status,
                               actor=user if user is not None and user.is_authenticated else None, comment=comment)


def create(kind: str, period: Period | str, *, language: str = "zh-hans", user=None, office: str = "",
           is_sample: bool = False) -> Report:
    """A new draft of ``kind`` for ``period``, generated now."""
    period = period if isinstance(period, Period) else Period.parse(period)
    fields = _generated(kind, period, language_code(language))
    with transaction.atomic():
        report = Report.objects.create(kind=kind, period=period.code(), language=language_code(language),
                                       office=office or DEFAULT_OFFICE, is_sample=is_sample, **fields)
        _event(report, "create", user, "")
    return report


def _hold(report: Report, statuses) -> None:
    """Take the report's row for a change, if it is still in one of ``statuses``, and read it
    again. The condition is in the update, not in an earlier read: of two people changing a
    report at once, the second waits for the first, then is refused (the report moved on) or
    works on what the first saved (another section's text is kept)."""
    if not Report.objects.filter(pk=report.pk, status__in=statuses).update(updated_at=timezone.now()):
        report.refresh_from_db()
        _refuse_if_frozen(report)
        raise ReportError(_("报告当前为“%(status)s”，不能执行此操作。") % {"status": Status(report.status).label})
    report.refresh_from_db()


def _refuse_if_frozen(report: Report) -> None:
    if report.is_frozen:
        raise ReportFrozen(_("报告“%(title)s”已印发，内容不能再修改；如需更正，请另起一期。") % {"title": report.title})


def regenerate(report: Report, user=None) -> Report:
    """A draft computed again from today's data (the office's text is kept)."""
    _refuse_if_frozen(report)
    if report.status != Status.DRAFT:
        raise ReportError(_("只有草稿可以重新生成：请先退回。"))
    fields = _generated(report.kind, Period.parse(report.period), report.language)
    with transaction.atomic():
        _hold(report, (Status.DRAFT,))
        for name, value in fields.items():
            setattr(report, name, value)
        report.save()
        _event(report, "regenerate", user, report.status)
    return report


def set_text(report: Report, section: str, *, above: str = "", below: str = "", user=None) -> Report:
    """The office's own text above and below a section (plain text: every renderer escapes it)."""
    _refuse_if_frozen(report)
    if report.status == Status.APPROVED:
        raise ReportError(_("报告已审定，修改文字前请先退回。"))
    codes = {s["code"] for s in _sections(report.content)} | {"_front"}
    if section not in codes:
        raise ReportError(_("报告中没有“%(section)s”这一节。") % {"section": section})
    above, below = (above or "").strip(), (below or "").strip()
    with transaction.atomic():
        _hold(report, (Status.DRAFT, Status.REVIEW))
        texts = dict(report.texts or {})
        if above or below:
            texts[section] = {"above": above, "below": below}
        else:
            texts.pop(section, None)
        report.texts = texts
        report.save()
        _event(report, "text", user, report.status, comment=section)
    return report


def _sections(content: dict):
    from .document import walk

    return walk(content.get("sections") or [])


def move(report: Report, action: str, user=None, comment: str = "") -> Report:
    """A step of the workflow (submit, return, approve, publish)."""
    _refuse_if_frozen(report)
    if action not in MOVES:
        raise ReportError(_("未知的操作：%(action)s") % {"action": action})
    sources, target = MOVES[action]
    if report.status not in sources:
        raise ReportError(_("报告当前为“%(status)s”，不能执行此操作。") % {"status": Status(report.status).label})
    if action == "return" and not (comment or "").strip():
        raise ReportError(_("退回须写明理由。"))
    if action == "publish":
        return publish(report, user, comment)
    before = report.status
    with transaction.atomic():
        _hold(report, sources)
        report.status = target
        report.save()
        _event(report, action, user, before, comment)
    return report


def next_number(kind: str, year: int) -> int:
    top = Report.objects.filter(kind=kind, issue_year=year).aggregate(top=Max("issue_number"))["top"]
    return (top or 0) + 1


def issue_label(report: Report) -> str:
    """〔2026〕第3期, or nothing before publication."""
    if not report.issue_number:
        return ""
    return _("〔%(year)s〕第%(n)s期") % {"year": report.issue_year, "n": report.issue_number}


def render_context(report: Report, *, public: bool = False) -> dict:
    """What the renderers (``render.to_html`` / ``to_pdf`` / ``to_docx``) read."""
    day = timezone.localtime(report.published_at).date() if report.published_at else timezone.localdate()
    return {"content": report.content, "number": issue_label(report), "office": report.office, "date": day,
            "kind_label": str(ReportKind(report.kind).label), "texts": report.texts or {},
            "language": report.language, "draft": report.status in (Status.DRAFT, Status.REVIEW),
            "public": public, "sample": report.is_sample}


def _render_now(report: Report, format: str, *, public: bool = False) -> bytes:
    from . import render as renderer

    with translation.override(report.language):
        context = render_context(report, public=public)
        if format == "html":
            return renderer.to_html(context).encode("utf-8")
        return renderer.to_pdf(context) if format == "pdf" else renderer.to_docx(context)


def render(report: Report, format: str, *, public: bool = False) -> bytes:
    """The report as a file: a published report's file as issued, a draft's rendered now."""
    if format not in FORMATS:
        raise ReportError(_("不支持的格式：%(format)s（可选 html、pdf、docx）") % {"format": format})
    if report.is_frozen:
        stored = report.files.filter(format=format).first()
        if stored is not None:
            return bytes(stored.data)
    return _render_now(report, format, public=public)


def publish(report: Report, user=None, comment: str = "") -> Report:
    """Number, freeze and file the report (its content as approved)."""
    before = report.status
    with transaction.atomic():
        locked = Report.objects.get(pk=report.pk)
        _hold(locked, (Status.APPROVED,))
        now = timezone.now()
        year = timezone.localtime(now).year
        locked.issue_year, locked.issue_number = year, next_number(locked.kind, year)
        locked.status, locked.published_at, locked.published_by = Status.PUBLISHED, now, user
        locked.digest = digest(locked.content)
        files = {format: _render_now(locked, format) for format in FORMATS}  # as issued
        locked.save()
        ReportFile.objects.bulk_create([ReportFile(report=locked, format=f, data=data,
                                                   sha256=hashlib.sha256(data).hexdigest())
                                        for f, data in files.items()])
        _event(locked, "publish", user, before, comment)
    return locked


def set_public(report: Report, public: bool, user=None) -> Report:
    """Show a published report in the public view, or take it out (the only change a published
    report takes)."""
    if public and not report.is_frozen:
        raise ReportError(_("只有已印发的报告可以公开。"))
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(is_public=public)
        report.is_public = public
        _event(report, "public" if public else "unpublic", user, report.status)
    return report


def check_regenerated(report: Report) -> tuple[bool, str]:
    """Build the report again from its period, language and recorded day; (identical?, digest).
    A published report compares with the digest it was issued with."""
    content = build_content(report.kind, Period.parse(report.period), language=report.language,
                            as_of=_stored_as_of(report))
    again = digest(content)
    return again == (report.digest or digest(report.content)), again


def latest(kind: str, *, public_only: bool = False):
    reports = Report.objects.filter(kind=kind)
    if public_only:
        reports = reports.filter(status=Status.PUBLISHED, is_public=True)
    return reports.order_by("-period", "-id").first()
