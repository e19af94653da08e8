"""The intake pages: the documents read so far and an upload form; a document's review — its
text with every draft highlighted on one side, the drafts with accept / edit / reject on the
other. Only the office (长三角办 with the intake permission) or an administrator reads files in
and decides; researchers may look."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_POST

from deltawatch.accounts.roles import office_may
from deltawatch.audit.context import acting_as
from deltawatch.methods.extract import note_in

from . import services
from .models import Decision, SourceDocument, TargetDraft, TaskDraft

MAX_UPLOAD = 50 * 2 ** 20  # a 50 MB text is the largest plan the issue names


def is_office(user) -> bool:
    return office_may(user, "intake.change_sourcedocument")


def _may_read(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (is_office(request.user) or request.user.has_perm("intake.view_sourcedocument")):
        raise PermissionDenied(_("只有长三角办和研究人员可以查看文件解析。"))
    return None


def _must_decide(request, back: str):
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not is_office(request.user):
        raise PermissionDenied(_("只有长三角办可以解析文件并审核草稿。"))
    return None


class UploadForm(forms.Form):
    file = forms.FileField(label=_l("文件"), help_text=_l("纯文本、Word（.docx）或有文字层的 PDF；繁体自动转为简体"))
    plan_period = forms.CharField(label=_l("规划期"), initial="2021-2025", max_length=9,
                                  help_text=_l("如 2021-2025，“十四五”“今后五年”的目标年取其末年；年度报告或计划可只写一年，如 2024"))
    region = forms.CharField(label=_l("目标所属区域或区域组"), required=False, max_length=40,
                             help_text=_l("区划代码或名称，或区域组代码，如 320000、温州市 或 yrd；采纳目标前须指定"))
    plan = forms.ModelChoiceField(label=_l("任务纳入的规划"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        from deltawatch.plans.models import Plan

        kwargs.setdefault("auto_id", "upload-%s")
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.order_by("code")

    def clean_plan_period(self):
        from deltawatch.methods.extract import parse_plan_period

        try:
            return parse_plan_period(self.cleaned_data["plan_period"])
        except ValueError:
            raise forms.ValidationError(_("规划期应写作 2021-2025；年度报告或计划可只写一年，如 2024。")) from None

    def clean_region(self):
        try:
            return services.find_region(self.cleaned_data["region"], groups=True)
        except services.IntakeError:
            raise forms.ValidationError(_("未知的区域或区域组：%(text)s") % {
                "text": self.cleaned_data["region"].strip()}) from None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 50 MB。"))
        return upload


@require_GET
def documents(request):
    refused = _may_read(request)
    if refused:
        return refused
    return render(request, "intake/documents.html", _list_context(request))


def _list_context(request, form=None) -> dict:
    from django.db.models import Count, Q

    rows = SourceDocument.objects.annotate(
        n_targets=Count("targetdrafts", filter=Q(targetdrafts__possible=False), distinct=True),
        n_possible=Count("targetdrafts", filter=Q(targetdrafts__possible=True), distinct=True),
        n_tasks=Count("taskdrafts", distinct=True),
        pending_targets=Count("targetdrafts", filter=Q(targetdrafts__decision=Decision.PENDING,
                                                       targetdrafts__possible=False), distinct=True),
        pending_tasks=Count("taskdrafts", filter=Q(taskdrafts__decision=Decision.PENDING), distinct=True))
    office = is_office(request.user)
    return {"documents": rows, "is_office": office, "form": form or (UploadForm() if office else None)}


@require_POST
def upload(request):
    refused = _must_decide(request, reverse("intake:documents"))
    if refused:
        return refused
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        place = data["region"]
        from deltawatch.regions.models import Region

        region = place if isinstance(place, Region) else None
        group = place if place is not None and region is None else None
        try:
            with acting_as(request.user):
                document = services.ingest(data["file"].read(), data["file"].name, user=request.user,
                                           plan_period=data["plan_period"], region=region, group=group,
                                           plan=data["plan"])
        except services.IntakeError as error:
            form.add_error("file", str(error))
        else:
            counts = {"targets": document.targetdrafts.filter(possible=False).count(),
                      "possible": document.targetdrafts.filter(possible=True).count(),
                      "tasks": document.taskdrafts.count()}
            message = _("已解析：%(targets)s 条目标草稿（另有 %(possible)s 条可能的目标待核对），%(tasks)s 条任务草稿。"
                        "请逐条审核。") if counts["possible"] else _("已解析：%(targets)s 条目标草稿，%(tasks)s 条任务草稿。请逐条审核。")
            messages.success(request, message % counts)
            return redirect("intake:document", pk=document.pk)
    return render(request, "intake/documents.html", _list_context(request, form), status=400)


def highlighted(document: SourceDocument, targets, tasks) -> str:
    """The cleaned text as HTML with each task's words in a <span> and each target's in a
    <mark>, both linking to their draft; escaped piece by piece (runs of equal marking)."""
    n = len(document.text)
    task_at, target_at = np.full(n + 1, -1), np.full(n + 1, -1)
    for draft in tasks:
        task_at[draft.start:draft.end] = draft.pk
    for draft in targets:
        target_at[draft.start:draft.end] = draft.pk
    changes = np.flatnonzero((np.diff(task_at) != 0) | (np.diff(target_at) != 0)) + 1
    bounds = [0, *changes.tolist(), n]
    decisions = {("k", d.pk): d.decision for d in tasks} | {("t", d.pk): d.decision for d in targets}
    possible = {d.pk for d in targets if d.possible}
    pieces = []
    for start, end in zip(bounds[:-1], bounds[1:]):
        if start >= end:
            continue
        text = escape(document.text[start:end])
        target, task = int(target_at[start]), int(task_at[start])
        if target >= 0:
            kind = "x-target x-possible" if target in possible else "x-target"
            text = (f'<mark class="{kind} d-{decisions[("t", target)]}" data-draft="t-{target}">'
                    f'<a href="#t-{target}">{text}</a></mark>')
        if task >= 0:
            text = f'<span class="x-task d-{decisions[("k", task)]}" data-draft="k-{task}">{text}</span>'
        pieces.append(text)
    # blank lines between paragraphs are shown once (the offsets are of the text, not the page)
    return mark_safe(re.sub(r"\n\s*\n+", "\n", "".join(pieces)).replace("\n", "<br>"))


def existing_targets(document: SourceDocument, drafts) -> set[tuple[int | None, int | None, str, int]]:
    """(region, group, indicator, year) of the catalogue's targets for the document's region or
    group and for the regions of its per-place drafts: a draft that repeats one for its own
    scope is said to be there already."""
    from django.db.models import Q

    from deltawatch.indicators.models import Target

    scopes = Q(region_id__in={d.region_id for d in drafts if d.region_id})
    if document.region_id:
        scopes |= Q(region_id=document.region_id)
    elif document.group_id:
        scopes |= Q(group_id=document.group_id)
    return set(Target.objects.filter(scopes).values_list("region_id", "group_id", "indicator__code", "target_year"))


def _draft_scope(draft, document: SourceDocument) -> tuple[int | None, int | None]:
    """(region, group) a draft's target would be for: its place's region, else the document's."""
    return (draft.region_id, None) if draft.region_id else (document.region_id, document.group_id)


def _document_context(request, document: SourceDocument, errors: dict | None = None, typed: dict | None = None):
    from deltawatch.accounts.models import Organisation
    from deltawatch.indicators.models import Indicator

    targets = list(document.targetdrafts.select_related("region", "target__region", "target__group"))
    tasks = list(document.taskdrafts.all())
    units = list(Organisation.objects.order_by("code").values_list("pk", "name_zh"))
    unit_by_name = {name: pk for pk, name in units}
    for draft in tasks:
        draft.lead_guess = next((unit_by_name[n] for n in draft.lead_units if n in unit_by_name), None)
    known = existing_targets(document, targets)
    for draft in targets:
        draft.known = (*_draft_scope(draft, document), draft.indicator, draft.target_year) in known
    errors, typed = errors or {}, typed or {}
    for prefix, drafts in (("t", targets), ("k", tasks)):
        for draft in drafts:  # a refused decision: its message and what was typed, on its own form
            draft.error = errors.get(f"{prefix}-{draft.pk}", "")
            draft.typed = typed.get(f"{prefix}-{draft.pk}")
    possible = [d for d in targets if d.possible]
    drafted = [d for d in targets if not d.possible]
    return {
        "document": document, "text": highlighted(document, targets, tasks), "tasks": tasks,
        "targets": drafted, "possible_targets": possible,
        # (open when one of them was decided or refused just now, so the person sees the outcome)
        "possible_open": any(d.error or d.decision != Decision.PENDING for d in possible),
        "notes": [note_in(note, get_language() or "zh-hans") for note in document.notes or []],
        "is_office": is_office(request.user), "indicators": list(Indicator.objects.order_by("code")
                                                                   .values_list("code", "name_zh")),
        "units": units, "comparators": list(services.COMPARATORS), "regions": _region_choices(document, targets),
        "change_types": [("level", _("水平值")), ("increase", _("增长")), ("decrease", _("下降")),
                         ("cumulative", _("累计变化"))],
        "pending": sum(d.decision == Decision.PENDING for d in drafted + tasks),   # (possible targets: optional)
        "task_sections": sorted({d.location for d in tasks if d.decision == Decision.PENDING and d.location}),
    }


def _region_choices(document: SourceDocument, targets) -> list[tuple[str, str]]:
    """(name, code) of the regions a target draft may be given to — the list behind the 区域
    field, offered once per page; none when no draft is pending."""
    from deltawatch.regions.models import Region

    if not any(d.decision == Decision.PENDING for d in targets):
        return []
    return list(Region.objects.filter(valid_to__isnull=True).order_by("code").values_list("name_zh", "code"))


@require_GET
def document(request, pk: int):
    refused = _may_read(request)
    if refused:
        return refused
    return render(request, "intake/document.html", _document_context(request, get_object_or_404(SourceDocument, pk=pk)))


def _number(text: str):
    text = (text or "").strip()
    return float(text) if text else None


def _year(text: str):
    text = (text or "").strip()
    return int(text) if text else None


def _decide(request, pk: int, draft: int, model, prefix: str, accept, accepted: str, malformed: str):
    """One decision on a draft: 不采纳 with its reason, or ``accept(item, post)``; a refusal
    shows the page again with its message and what was typed, on the draft's own form."""
    document = get_object_or_404(SourceDocument, pk=pk)
    back = reverse("intake:document", args=[pk])
    refused = _must_decide(request, back)
    if refused:
        return refused
    item = get_object_or_404(model, pk=draft, document=document)
    post = request.POST
    try:
        with acting_as(request.user):
            if post.get("action") == "reject":
                services.reject(item, request.user, post.get("reason", ""))
                messages.success(request, _("已不采纳。"))
            else:
                accept(item, post)
                messages.success(request, accepted)
    except (services.IntakeError, ValueError) as error:
        key = f"{prefix}-{item.pk}"
        text = str(error) if isinstance(error, services.IntakeError) else malformed
        return render(request, "intake/document.html",
                      _document_context(request, document, errors={key: text}, typed={key: dict(post.items())}),
                      status=400)
    return redirect(back + f"#{prefix}-{item.pk}")


@require_POST
def reject_section(request, pk: int):
    """不采纳 the pending task drafts of one section at once, with one reason."""
    document = get_object_or_404(SourceDocument, pk=pk)
    back = reverse("intake:document", args=[pk])
    refused = _must_decide(request, back)
    if refused:
        return refused
    try:
        with acting_as(request.user):
            n = services.reject_section(document, request.user, section=request.POST.get("section", ""),
                                        reason=request.POST.get("reason", ""))
    except services.IntakeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已不采纳该节待审核的任务草稿 %(n)s 条。") % {"n": n})
    return redirect(back + "#tasks")


@require_POST
def decide_target(request, pk: int, draft: int):
    def accept(item, post):
        services.accept_target(item, request.user, indicator=post.get("indicator", "").strip(),
                               target_year=_year(post.get("target_year")), comparator=post.get("comparator"),
                               value=_number(post.get("value")), value_high=_number(post.get("value_high")),
                               change_type=post.get("change_type", "level"),
                               baseline_year=_year(post.get("baseline_year")),
                               region=services.find_region(post.get("region", "")))

    return _decide(request, pk, draft, TargetDraft, "t", accept, _("已采纳为目标。"), _("数字或年份格式不对。"))


@require_POST
def decide_task(request, pk: int, draft: int):
    from deltawatch.accounts.models import Organisation

    def accept(item, post):
        due = post.get("due_date", "").strip()
        services.accept_task(item, request.user, title=post.get("title", ""),
                             lead=Organisation.objects.filter(pk=post.get("lead") or None).first(),
                             due_date=dt.date.fromisoformat(due) if due else None)

    return _decide(request, pk, draft, TaskDraft, "k", accept, _("已采纳为任务并交办。"),
                   _("日期格式不对，应为 2025-12-31。"))
