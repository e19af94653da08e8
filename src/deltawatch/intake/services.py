"""Reading a document into drafts, and the decisions on them (issue 17).

``ingest`` runs ``methods.extract`` on the file with the catalogue, the regions and the units
of the database, and stores the document and its drafts — nothing else. ``accept_target``
makes a catalogue ``Target`` (the document and sentence recorded as its source), ``accept_task``
a ledger task of the document's plan (交办 to its lead unit, journalled as every new task is);
``reject`` records the reason. Each decision names who made it and when.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deltawatch.methods.extract import ExtractError, draft_targets, draft_tasks, read

from .models import Decision, SourceDocument, TargetDraft, TaskDraft

COMPARATORS = {"=": "eq", "≈": "approx", "≥": "ge", "≤": "le", ">": "gt", "<": "lt", "range": "range"}
DECREASE_WORDS = ("下降", "降低", "减少", "压减", "削减")


class IntakeError(ValueError):
    """A file or a decision refused, worded for the user."""


def catalogue_frame() -> pd.DataFrame:
    from deltawatch.indicators.models import Indicator

    return pd.DataFrame(list(Indicator.objects.values("code", "name_zh", "name_en", "unit")),
                        columns=["code", "name_zh", "name_en", "unit"])


def region_frame() -> pd.DataFrame:
    from deltawatch.regions.models import Region

    return pd.DataFrame(list(Region.objects.values("id", "code", "name_zh", "level")),
                        columns=["id", "code", "name_zh", "level"])


def unit_names() -> list[str]:
    from deltawatch.accounts.models import Organisation

    return list(Organisation.objects.values_list("name_zh", flat=True))


def _title(doc) -> str:
    """The document's first line; none when that line is a table's row (序号 | 重点工作任务 | …)
    or a table's first cell alone (序号 of a table scraped one cell per line), and the page
    shows the file's name instead."""
    lines = [line.strip() for line in doc.text[:2000].splitlines()[:12] if line.strip()][:4]   # (not all of a 50 MB text)
    first = lines[0] if lines else ""
    header_cell = len(first) <= 6 and any(line.strip("| ") in ("序号", "编号") for line in lines)   # (类别⏎|⏎序号)
    return "" if "|" in first or "\t" in first or header_cell else first[:300]


def ingest(data: bytes, name: str, *, user=None, plan_period: tuple[int, int] = (2021, 2025), region=None,
           group=None, plan=None) -> SourceDocument:
    """Read ``data`` and store the document with its draft targets and tasks (all pending)."""
    try:
        doc = read(data, name=name)
    except ExtractError as error:
        raise IntakeError(str(error)) from None
    regions = region_frame()
    targets = draft_targets(doc, plan_period=plan_period, catalogue=catalogue_frame(), regions=regions, possible=True)
    tasks = draft_tasks(doc, regions=regions, units=unit_names(), plan_period=plan_period)
    region_ids = {code: int(pk) for code, pk in zip(regions["code"], regions["id"])}   # (a draft's region, by code)
    with transaction.atomic():
        document = SourceDocument.objects.create(
            name=name[:200], title=_title(doc), source_format=doc.source_format,
            sha256=hashlib.sha256(data).hexdigest(), original=doc.original, text=doc.text,
            offsets=list(map(int, doc.offsets)), sections=[asdict(s) for s in doc.sections], notes=list(doc.notes),
            converted=doc.converted, plan_period_start=plan_period[0], plan_period_end=plan_period[1],
            region=region, group=group, plan=plan, uploaded_by=user)
        TargetDraft.objects.bulk_create([TargetDraft(
            document=document, sentence=t.sentence, location=t.location[:100], start=t.start, end=t.end,
            confidence=t.confidence, indicator_text=t.indicator_text[:200], numeric=t.numeric,
            target_year=t.target_year, comparator=t.comparator, value=t.value, value_high=t.value_high,
            value_text=t.value_text[:100], unit=t.unit[:30], change_type=t.change_type, baseline_year=t.baseline_year,
            indicator=t.indicator or "", candidates=[asdict(c) for c in t.candidates], place=t.place[:30],
            region_id=region_ids.get(t.region), possible=t.possible) for t in targets])
        TaskDraft.objects.bulk_create([TaskDraft(
            document=document, sentence=t.sentence, location=t.location[:100], start=t.start, end=t.end,
            confidence=t.confidence, title=t.title[:500], verb=t.verb, lead_units=t.lead_units,
            participants=t.participants, regions=t.regions, projects=t.projects, deadline=t.deadline,
            deadline_text=t.deadline_text[:60]) for t in tasks])
    return document


def find_region(text: str, *, groups: bool = False):
    """The region a person typed or picked — its code (330302), its name (鹿城区), or both as
    the review page's list offers them ("鹿城区 330302") — or, with ``groups``, a region group
    by code or name (yrd, 长三角); None for an empty field. The upload form and the review page
    both look regions up here, so they take the same spellings."""
    from deltawatch.regions.models import Region, RegionGroup

    text = (text or "").strip()
    if not text:
        return None
    code, name = text.split()[-1], text.split()[0]
    found = (Region.objects.filter(code=code).first() if code.isdigit() else None) \
        or Region.objects.filter(name_zh=name).order_by("valid_to").first()
    if found is None and groups:
        found = RegionGroup.objects.filter(code=text).first() or RegionGroup.objects.filter(name_zh=text).first()
    if found is None:
        raise IntakeError(_("区域“%(text)s”不在区域库中：请从列表中选择，或留空以采用文件所指定的区域。") % {"text": text})
    return found


def _decide(draft, user, decision: str, reason: str = "", **links) -> None:
    """Record the decision on a draft still pending. The condition is in the update, not in an
    earlier read: of two people deciding at once, the first wins and the second is told (and
    what it was writing, inside the same transaction, is rolled back)."""
    fields = {"decision": decision, "decided_by": user, "decided_at": timezone.now(), "reason": reason, **links}
    if not type(draft).objects.filter(pk=draft.pk, decision=Decision.PENDING).update(**fields):
        draft.refresh_from_db()
        _pending(draft)
    for name, value in fields.items():
        setattr(draft, name, value)


def _pending(draft) -> None:
    if draft.decision != Decision.PENDING:
        raise IntakeError(_("这一条已审核（%(decision)s），不能再次审核。") % {"decision": Decision(draft.decision).label})


def reject(draft, user, reason: str = "") -> None:
    _pending(draft)
    _decide(draft, user, Decision.REJECTED, (reason or "").strip()[:300])


def reject_section(document: SourceDocument, user, *, section: str, reason: str) -> int:
    """不采纳 every draft task still pending in a section (its path, and its sub-sections'), with
    one reason — a plan's chapter of principles or of measures the ledger does not follow; the
    drafts already decided are left as they are. Returns how many were rejected."""
    reason = (reason or "").strip()[:300]
    if not reason:
        raise IntakeError(_("批量不采纳须写明理由。"))
    pending = document.taskdrafts.filter(decision=Decision.PENDING, location__startswith=section)
    return pending.update(decision=Decision.REJECTED, decided_by=user, decided_at=timezone.now(), reason=reason)


def target_change_type(change_type: str, sentence: str) -> str:
    """The catalogue's change type of a drafted one: 年均 increase is annual growth, a
    cumulative change is an increase or decrease over the base year by its words."""
    if change_type == "increase" and "年均" in sentence:
        return "annual_growth"
    if change_type == "cumulative":
        return "decrease" if any(word in sentence for word in DECREASE_WORDS) else "increase"
    return change_type


def accept_target(draft: TargetDraft, user, *, indicator: str, target_year: int, comparator: str,
                  value: float | None, value_high: float | None = None, change_type: str = "level",
                  baseline_year: int | None = None, region=None):
    """A catalogue target from the draft, as accepted or edited; refused with the catalogue's
    own rules (a known indicator, a region or group for the document, a value when numeric).
    The target is for ``region`` when given (a county's target in a city's report), else for
    the document's region or group."""
    from django.core.exceptions import ValidationError

    from deltawatch.indicators.models import Indicator, Target

    _pending(draft)
    document = draft.document
    found = Indicator.objects.filter(code=indicator).first()
    if found is None:
        raise IntakeError(_("指标“%(code)s”不在指标库中：请先在指标库中新建该指标，再采纳此目标。") % {"code": indicator})
    if region is None and document.region_id is None and document.group_id is None:
        raise IntakeError(_("请先为文件指定目标所属的区域或区域组。"))
    scope = {"region": region, "group": None} if region is not None else {
        "region": document.region, "group": document.group}
    code = COMPARATORS.get(comparator, comparator)
    target = Target(indicator=found, **scope, target_year=target_year,
                    comparator=code, value=None if code == "range" else value,
                    low=value if code == "range" else None, high=value_high if code == "range" else None,
                    value_text=draft.value_text, is_numeric=draft.numeric,
                    change_type=target_change_type(change_type, draft.sentence), baseline_year=baseline_year,
                    document=(document.title or document.name)[:200], location=draft.location, sentence=draft.sentence)
    try:
        target.full_clean()
    except ValidationError as error:
        raise IntakeError("；".join(m for messages in error.message_dict.values() for m in messages)) from None
    edited = (indicator != draft.indicator or target_year != draft.target_year or comparator != draft.comparator
              or value != draft.value or value_high != draft.value_high or change_type != draft.change_type
              or baseline_year != draft.baseline_year or (region.pk if region is not None else None) != draft.region_id)
    with transaction.atomic():
        _decide(draft, user, Decision.EDITED if edited else Decision.ACCEPTED)
        target.save()
        type(draft).objects.filter(pk=draft.pk).update(target=target)
        draft.target = target
    return target


def accept_task(draft: TaskDraft, user, *, title: str, lead, participants=(), due_date: dt.date | None = None):
    """A ledger task of the document's plan from the draft, assigned to ``lead`` (交办)."""
    from deltawatch.plans.services import NewTask, create_task
    from deltawatch.plans.workflow import WorkflowError

    _pending(draft)
    document = draft.document
    if document.plan is None:
        raise IntakeError(_("请先为文件指定任务纳入的规划。"))
    if lead is None:
        raise IntakeError(_("请指定牵头单位。"))
    title = (title or "").strip()
    if not title:
        raise IntakeError(_("任务名称不能为空。"))
    item = NewTask(code=f"D{document.pk}-{draft.pk}", title=title[:300], lead=lead, participants=list(participants),
                   due_date=due_date, deadline_text=draft.deadline_text,
                   description=_("来自《%(document)s》%(location)s：%(sentence)s") % {
                       "document": document.title or document.name, "location": draft.location,
                       "sentence": draft.sentence})
    edited = title != draft.title or due_date != draft.deadline or bool(participants) != bool(draft.participants)
    try:
        with transaction.atomic():
            _decide(draft, user, Decision.EDITED if edited else Decision.ACCEPTED)
            task = create_task(document.plan, item, user)
            type(draft).objects.filter(pk=draft.pk).update(task=task)
            draft.task = task
    except WorkflowError as error:
        raise IntakeError(str(error)) from None
    return task
