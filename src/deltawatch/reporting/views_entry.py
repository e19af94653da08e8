"""统计填报: a region's forms and the entry grid of one form (issue 14).

Every form is read through ``accounts.scoping.restrict`` (``reporting.scoping``: a reporter
reaches only its own region's forms; another region's form is a 404, as if it did not exist).
Writes go through ``services`` and ``workflow`` only, which refuse what the user may not do
(403 here) or what the form's state forbids (409), having written nothing.

The grid is a plain HTML form: without JavaScript one POST saves every changed cell and shows
the page again with the refused cells marked and their typed text kept. With JavaScript
(``static/deltawatch/reporting-grid.js``) each cell is saved as it is left (``save_cell``), a
block pasted from Excel is parsed all-or-nothing (``paste``), arrow keys and Enter move
between cells, and the validation report below the grid is refreshed after each save.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deltawatch.accounts.scoping import restrict
from deltawatch.indicators.services import format_number, localized
from deltawatch.observations.choices import Status
from deltawatch.observations.models import Observation

from . import services
from .choices import EDITABLE_STATES, FormAction, FormState
from .models import Explanation, Form, FormJournal, OutlierFlag, ReportingCycle
from .workflow import TRANSITIONS, StaleForm, WorkflowError, allowed_actions, may, transition

PAGE_SIZE = 100
STATUS_LABELS = dict(Status.choices)


# ------------------------------------------------------------------------------ helpers

def _forms_for(user):
    return restrict(Form.objects.select_related("cycle__data_set", "region"), user)


def _form_or_404(request, pk) -> Form:
    return get_object_or_404(_forms_for(request.user), pk=pk)


def plain_number(value) -> str:
    """A stored value as an input shows it: no thousands separator, no exponent, shortest
    text that reads back as the same float."""
    import numpy as np

    if value is None:
        return ""
    return np.format_float_positional(float(value), trim="-")


def _days(form: Form, today) -> dict:
    """Days left before the due date (open forms), or days late; when it was submitted."""
    due = form.cycle.due_date
    if form.state in EDITABLE_STATES:
        left = (due - today).days
        return {"left": left if left >= 0 else None, "late": -left if left < 0 else None}
    submitted = timezone.localdate(form.submitted_at) if form.submitted_at else None
    late = (submitted - due).days if submitted and submitted > due else None
    return {"left": None, "late": late, "submitted": submitted}


# ------------------------------------------------------------------------------ the list

@login_required
@require_GET
def forms_list(request):
    """The user's forms: a reporter's those of its region(s); the office and reviewers every
    form, filtered by cycle, state and region (the URL keeps the filters)."""
    user = request.user
    forms = _forms_for(user)
    cycles = list(ReportingCycle.objects.filter(forms__in=forms).distinct().select_related("data_set"))
    for cycle in cycles:
        cycle.label = localized(cycle.data_set)
    chosen = {"cycle": request.GET.get("cycle", ""), "state": request.GET.get("state", ""),
              "region": request.GET.get("region", "").strip()}
    if chosen["cycle"].isdigit():
        forms = forms.filter(cycle_id=int(chosen["cycle"]))
    if chosen["region"]:
        forms = forms.filter(region__code=chosen["region"]) | forms.filter(region__name_zh__contains=chosen["region"])
    counts = dict.fromkeys(FormState.values, 0)   # the state chips count the other filters' forms
    counts.update(forms.order_by().values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    if chosen["state"] in FormState.values:
        forms = forms.filter(state=chosen["state"])
    forms = forms.order_by("-cycle__year", "cycle__data_set__code", "region__code")
    total = forms.count()
    page = Paginator(forms, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _annotate(rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "rows": rows, "page": page, "total": total, "cycles": cycles, "chosen": chosen,
        "states": FormState.choices, "counts": [(s, label, counts[s]) for s, label in FormState.choices],
        "show_filters": total > 1 or any(chosen.values()) or len(cycles) > 1,
        "show_region": total > 1 or any(chosen.values()),
        "query": query.urlencode(),
    }
    return render(request, "reporting/forms_list.html", context)


def _annotate(rows: list[Form]) -> None:
    """Filled cells, errors and warnings of each form, a query and a rule run per cycle."""
    today = timezone.localdate()
    by_cycle = defaultdict(list)
    for form in rows:
        by_cycle[form.cycle_id].append(form)
    for forms in by_cycle.values():
        cycle = forms[0].cycle
        ids = list(cycle.data_set.indicators.values_list("id", flat=True))
        filled = dict(Observation.all_periods.filter(is_current=True, year=cycle.year, period=cycle.period,
                                                     indicator_id__in=ids, region_id__in=[f.region_id for f in forms])
                      .values("region_id").annotate(n=Count("id")).values_list("region_id", "n"))
        issues = services.cycle_issue_counts(cycle, [f.region.code for f in forms])
        for form in forms:
            form.region_label, form.data_set_label = localized(form.region), localized(cycle.data_set)
            form.filled = filled.get(form.region_id, 0)
            form.expected = len(ids)
            form.issues = issues.get(form.region.code, {"error": 0, "warning": 0})
            form.days = _days(form, today)


# ------------------------------------------------------------------------------ the grid

def _report_rows(form: Form):
    """The form's validation report as rows, each warning with its explanation."""
    report = services.form_report(form)
    explained = {(e.check_name, e.indicator, e.year): e for e in Explanation.objects.filter(form=form)}
    described = {r.name: r.description for r in services.rules_for(form.cycle.data_set)}
    names = {i.code: localized(i) for i in form.cycle.data_set.indicators.all()}
    rows = []
    for row in report.itertuples():
        rows.append({"check": row.check, "severity": row.severity, "indicator": row.indicator,
                     "indicator_name": names.get(row.indicator, row.indicator),
                     "description": described.get(row.check, ""), "year": int(row.year), "detail": row.detail,
                     "year_label": services.period_label(int(row.year), form.cycle.period),
                     "explanation": explained.get((row.check, row.indicator, int(row.year)))})
    return rows


def grid_context(request, form: Form, *, typed=None, cell_errors=None, notes_typed=None) -> dict:
    """What the form page shows: the grid (indicators × the reference years and the cycle's
    year, all in the cycle's period: a Q1 form shows the Q1 of the years before), each cell
    with its status, outlier flags and rule violations; the validation report; the actions the
    user may take now; the journal."""
    user = request.user
    year, period = form.cycle.year, form.cycle.period
    years = list(range(year - services.ENTRY_REFERENCE_YEARS, year + 1))
    indicators = services.entry_indicators(form)
    ids = [i.id for i in indicators]
    editable = form.state in EDITABLE_STATES and may(user, FormAction.SUBMIT, form)
    cells = {(o.indicator_id, o.year): o for o in services.form_cells(form, years=years).only(
        "indicator_id", "year", "value", "status", "note", "revision", "qualifier")}
    flags = defaultdict(list)
    if not period:  # outlier flags are stored for annual values only
        for flag in OutlierFlag.objects.filter(region_id=form.region_id, indicator_id__in=ids, year__in=years):
            flags[(flag.indicator_id, flag.year)].append(flag)
    report = _report_rows(form)
    violations = defaultdict(list)
    for row in report:
        violations[(row["indicator"], row["year"])].append(row)
    typed, cell_errors, notes_typed = typed or {}, cell_errors or {}, notes_typed or {}
    rows = []
    for k, indicator in enumerate(indicators):
        reference = []
        for y in years[:-1]:
            obs = cells.get((indicator.id, y))
            reference.append({"year": y, "label": services.period_label(y, period), "obs": obs, "shown": format_number(obs.value) if obs else "",
                              "unapproved": obs is not None and obs.status != Status.APPROVED,
                              "status_label": STATUS_LABELS.get(obs.status, "") if obs else "",
                              "flags": flags.get((indicator.id, y), []),
                              "violations": violations.get((indicator.code, y), [])})
        obs = cells.get((indicator.id, year))
        plain = plain_number(obs.value) if obs else ""
        rows.append({
            "index": k, "indicator": indicator, "label": localized(indicator), "reference": reference, "obs": obs,
            "shown": format_number(obs.value) if obs else "",
            "text": typed.get(indicator.code, plain), "plain": plain,
            "error": cell_errors.get(indicator.code, ""),
            "status": obs.status if obs else "", "status_label": STATUS_LABELS.get(obs.status, "") if obs else "",
            "note": notes_typed.get(indicator.code, obs.note if obs else ""),
            "flags": flags.get((indicator.id, year), []),
            "violations": violations.get((indicator.code, year), []),
        })
    actions = [{"code": a, "label": FormAction(a).label, "needs_comment": TRANSITIONS[a].needs_comment}
               for a in allowed_actions(user, form)]
    errors = [r for r in report if r["severity"] == "error"]
    warnings = [r for r in report if r["severity"] == "warning"]
    journal = list(restrict(FormJournal.objects.select_related("actor", "actor_unit"), user).filter(form=form)
                   .order_by("-at", "-id"))
    return {
        "form": form, "cycle": form.cycle, "data_set": form.cycle.data_set, "region": form.region,
        "region_label": localized(form.region), "data_set_label": localized(form.cycle.data_set),
        "years": years, "reference_years": years[:-1], "year": year, "rows": rows, "editable": editable,
        "period": period, "year_label": services.period_label(year, period),
        "reference_filled": any(c["obs"] is not None for r in rows for c in r["reference"]),
        "reference_heads": [(y, services.period_label(y, period)) for y in years[:-1]],
        "may_report": may(user, FormAction.SUBMIT, form), "report": report, "errors": errors,
        "warnings": warnings, "unexplained": [w for w in warnings if w["explanation"] is None],
        "actions": actions, "journal": journal, "days": _days(form, timezone.localdate()),
        "filled": sum(1 for r in rows if r["obs"] is not None), "cell_errors": cell_errors, "typed": typed,
        "state_label": FormState(form.state).label,
        "returned": next((e for e in journal if e.action == FormAction.RETURN), None)
        if form.state == FormState.RETURNED else None,
    }


def _render_form(request, form, *, status=200, **extra):
    context = grid_context(request, form, typed=extra.pop("typed", None),
                           cell_errors=extra.pop("cell_errors", None), notes_typed=extra.pop("notes_typed", None))
    context.update(extra)
    return render(request, "reporting/entry_form.html", context, status=status)


@login_required
def form_page(request, pk):
    """GET: the grid. POST (the grid without JavaScript): save every changed cell and comment;
    the refused cells come back marked, with what was typed."""
    form = _form_or_404(request, pk)
    if request.method != "POST":
        return _render_form(request, form)
    if not may(request.user, FormAction.SUBMIT, form):
        raise PermissionDenied(_("您无权填报%(region)s的数据。") % {"region": form.region.name_zh})
    saved = {o.indicator.code: o for o in services._form_observations(form).select_related("indicator")
             .only("value", "note", "indicator__code")}
    texts, notes = {}, {}
    for indicator in services.entry_indicators(form):
        code, obs = indicator.code, saved.get(indicator.code)
        text = request.POST.get(f"v-{code}")
        if text is not None and text.strip() != (plain_number(obs.value) if obs else ""):
            texts[code] = text
        note = request.POST.get(f"n-{code}")
        if note is not None and note.strip() != (obs.note if obs else ""):
            notes[code] = note
    try:
        written, errors = services.save_cells(form, request.user, texts, source="网页填报")
        for code, note in notes.items():
            if code not in errors:
                try:
                    services.set_cell_note(form, request.user, code, note)
                except WorkflowError as refused:
                    errors[code] = str(refused)
    except WorkflowError as refused:
        return _render_form(request, form, status=409, typed=texts, notes_typed=notes, action_error=str(refused))
    if errors:
        return _render_form(request, form, status=400, typed=texts, cell_errors=errors, notes_typed=notes,
                            action_error=_("%(n)s 个单元格未保存，请按单元格上的提示修改；其余已保存（%(w)s 个）。")
                            % {"n": len(errors), "w": written})
    messages.success(request, _("已保存 %(n)s 个单元格。") % {"n": written})
    return redirect("reporting:form", pk=form.pk)


def _cells_json(form: Form, codes) -> list[dict]:
    """The saved cells as the grid's script redraws them (one query)."""
    found = {code: obs for code, obs in ((o.indicator.code, o) for o in services._form_observations(form)
                                          .filter(indicator__code__in=list(codes)).select_related("indicator"))}
    out = []
    for code in codes:
        obs = found.get(code)
        if obs is None:
            out.append({"code": code, "shown": "", "plain": "", "status": "", "status_label": ""})
        else:
            out.append({"code": code, "shown": format_number(obs.value), "plain": plain_number(obs.value),
                        "status": obs.status, "status_label": STATUS_LABELS.get(obs.status, ""), "note": obs.note})
    return out


def _cell_json(form: Form, code: str) -> dict:
    return _cells_json(form, [code])[0]


def _refuse_json(request, form: Form):
    """403 JSON when the user may not report the form's region, 409 when the form is locked
    (the final check is ``enter_values``'s, under a row lock); None when allowed."""
    if not may(request.user, FormAction.SUBMIT, form):
        return JsonResponse({"ok": False, "message": _("您无权填报%(region)s的数据。") % {"region": form.region.name_zh}},
                            status=403)
    if form.state not in EDITABLE_STATES:
        return JsonResponse({"ok": False, "message": _("填报表为“%(state)s”，数值已锁定，不能修改。")
                             % {"state": FormState(form.state).label}}, status=409)
    return None


@login_required
@require_POST
def save_cell(request, pk):
    """One cell typed in the grid: parsed, checked and saved as a draft (JSON answer).
    400 with the message for a refused value (nothing written), 409 when the form is locked."""
    form = _form_or_404(request, pk)
    refused = _refuse_json(request, form)
    if refused:
        return refused
    code, text = request.POST.get("code", ""), request.POST.get("text", "")
    indicator = next((i for i in services.entry_indicators(form) if i.code == code), None)
    if indicator is None:
        raise Http404(_("指标不在此报表中：%(code)s") % {"code": code[:40]})
    try:
        value = services.parse_cell(text, indicator)
    except services.CellError as error:
        return JsonResponse({"ok": False, "code": code, "text": text, "message": str(error)}, status=400)
    if value is None:
        return JsonResponse({"ok": True, "code": code, "unchanged": True, **_cell_json(form, code),
                             "message": _("空白：原值未改（数值不能删除，只能改为新值）。")})
    try:
        written = services.enter_values(form.pk, request.user, {code: value}, source="网页填报")
    except WorkflowError as refused:
        return JsonResponse({"ok": False, "code": code, "text": text, "message": str(refused)}, status=409)
    answer = {"ok": True, "written": written, **_cell_json(form, code)}
    if _has_unit(text):
        answer["message"] = _("已换算为 %(value)s %(unit)s") % {"value": answer["plain"], "unit": indicator.unit}
    return JsonResponse(answer)


def _has_unit(text: str) -> bool:
    """Whether a typed text was more than a number (a unit or multiplier converted)."""
    import unicodedata

    from deltawatch.observations.reader.numbers import OK, parse_values

    folded = "".join(unicodedata.normalize("NFKC", text).split())
    return parse_values([folded], percent_ok=True)[1][0] != OK


@login_required
@require_POST
def paste(request, pk):
    """A block pasted from Excel, from the row of indicator ``start`` down: every cell parsed,
    all saved or none; each refused cell named by its row and column in the pasted block."""
    form = _form_or_404(request, pk)
    refused = _refuse_json(request, form)
    if refused:
        return refused
    try:
        parsed = services.parse_paste(form, request.POST.get("start", ""), request.POST.get("text", ""))
    except services.CellError as error:
        return JsonResponse({"ok": False, "errors": [], "message": str(error)}, status=400)
    notes = []
    if parsed["skipped_total"]:
        notes.append(_("已忽略合计行：%(rows)s") % {"rows": "；".join(t[:40] for t in parsed["skipped_total"])})
    if parsed["skipped_blank"]:
        notes.append(_("%(n)s 个空白单元格（可能来自合并单元格）未填，原值保留。") % {"n": parsed["skipped_blank"]})
    if parsed["errors"]:
        message = _("粘贴未保存：%(n)s 个单元格有误，请修改后重新粘贴。") % {"n": len(parsed["errors"])}
        return JsonResponse({"ok": False, "message": message, "errors": parsed["errors"], "texts": parsed["texts"],
                             "notes": notes}, status=400)
    try:
        written = services.enter_values(form.pk, request.user, parsed["values"], source="网页填报（粘贴）")
    except WorkflowError as refused:
        return JsonResponse({"ok": False, "message": str(refused), "errors": []}, status=409)
    return JsonResponse({"ok": True, "written": written, "notes": notes,
                         "cells": _cells_json(form, list(parsed["values"])),
                         "message": _("已粘贴 %(n)s 个数值。") % {"n": len(parsed["values"])}})


@login_required
@require_POST
def save_note(request, pk):
    """The comment of one cell (JSON answer)."""
    form = _form_or_404(request, pk)
    refused = _refuse_json(request, form)
    if refused:
        return refused
    code = request.POST.get("code", "")
    try:
        services.set_cell_note(form, request.user, code, request.POST.get("note", ""))
    except WorkflowError as error:
        return JsonResponse({"ok": False, "code": code, "message": str(error)}, status=409)
    return JsonResponse({"ok": True, "code": code, "message": _("说明已保存")})


@login_required
@require_GET
def history(request, pk, code, year):
    """The history of one cell: entered, submitted, approved, returned, unlocked, changed."""
    form = _form_or_404(request, pk)
    indicator = next((i for i in services.entry_indicators(form) if i.code == code), None)
    if indicator is None or not (form.cycle.year - services.ENTRY_REFERENCE_YEARS <= year <= form.cycle.year):
        raise Http404
    events = services.cell_history(form, indicator, year)
    for event in events:
        if event["kind"] == "entered":
            event["old_shown"] = format_number(event["old"]) if event["old"] is not None else ""
            event["new_shown"] = format_number(event["new"])
        elif event["kind"] == "status":
            event["old_shown"] = STATUS_LABELS.get(event["old"], event["old"] or "")
            event["new_shown"] = STATUS_LABELS.get(event["new"], event["new"] or "")
        elif event["kind"] == "unlock":
            event["old_shown"] = dict(FormState.choices).get(event["old"], event["old"])
            event["new_shown"] = dict(FormState.choices).get(event["new"], event["new"])
    context = {"form": form, "indicator": indicator, "label": localized(indicator), "year": year, "events": events,
               "year_label": services.period_label(year, form.cycle.period),
               "region_label": localized(form.region)}
    template = "reporting/entry_history.html" if request.htmx else "reporting/entry_history_page.html"
    return render(request, template, context)


@login_required
@require_GET
def report(request, pk):
    """The validation report of the form (the fragment under the grid, refreshed after a save)."""
    form = _form_or_404(request, pk)
    return render(request, "reporting/entry_report.html", grid_context(request, form))


@login_required
@require_POST
def explain(request, pk):
    """The reporter's explanation of one warning."""
    form = _form_or_404(request, pk)
    if not may(request.user, FormAction.SUBMIT, form):
        raise PermissionDenied(_("您无权说明此填报表的警告。"))
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise Http404 from None
    try:
        services.explain(form, request.user, check=request.POST.get("check", "")[:60],
                         indicator=request.POST.get("indicator", "")[:60], year=year,
                         text=request.POST.get("text", ""))
    except WorkflowError as refused:
        return _render_form(request, form, status=400, action_error=str(refused))
    messages.success(request, _("说明已保存。"))
    return redirect(reverse("reporting:form", args=[form.pk]) + "#form-report")


@login_required
@require_POST
def act(request, pk):
    """上报, 审核通过, 退回 or 解锁 from the version the page was loaded with: 403 when the user
    may not; 409 with the form's new state when someone changed it meanwhile; 400 with the
    reasons for any other refusal (errors, unexplained warnings, a missing reason)."""
    form = _form_or_404(request, pk)
    action = request.POST.get("action", "")
    if action not in TRANSITIONS:
        raise Http404
    if not may(request.user, action, form):
        raise PermissionDenied(_("您的角色或所在单位无权对此填报表执行“%(action)s”。") % {"action": FormAction(action).label})
    typed = {"action": action, "comment": request.POST.get("comment", "")}
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _render_form(request, form, status=400, action_error=_("表单缺少版本号，请刷新页面后再操作。"),
                            typed_action=typed)
    try:
        transition(form.pk, action, request.user, version=version, comment=typed["comment"])
    except StaleForm as stale:
        return _render_form(request, stale.current, status=409, action_error=str(stale), typed_action=typed)
    except WorkflowError as refused:
        return _render_form(request, form, status=400, action_error=str(refused), typed_action=typed)
    messages.success(request, _("已完成“%(action)s”。") % {"action": FormAction(action).label})
    return redirect("reporting:form", pk=form.pk)
