"""数据导入: upload a statistics file, see the dry-run report, confirm; the import history.

The same importer as ``deltawatch import`` (``services.import_observations``): the upload page
runs it with ``dry_run=True`` and shows what would be created, revised and unchanged, or the
problems (row, column, value, reason) when the file has any. A checked file waits server-side
in a per-user directory under the data directory, named by a random token kept in the user's
session (never by a path from the client), until the user confirms — then the importer runs
again on the very same bytes (SHA-256 checked) and writes with status 已报送 (submitted),
attributed to the user — or discards it; a file left waiting is deleted after a day.

Who may import: the roles with the ``add_observation`` permission (系统管理员, 长三角办, 统计填报).
A 统计填报 account imports only values of its organisation's region and the regions below it:
every row's region is checked, and a file with any row outside is refused whole, rows named.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from deltawatch.accounts.choices import Role
from deltawatch.accounts.roles import roles_of
from deltawatch.accounts.scoping import restrict, user_region_ids
from deltawatch.audit.context import acting_as
from deltawatch.regions.models import Region
from deltawatch.site.cache import cached_page

from .choices import Status
from .exports import neutralise, write_export
from .forms import LAYOUT_CHOICES, ConfirmForm, UploadForm, UploadSizeLimit
from .models import ImportBatch, Observation
from .services import DatabaseBusy, ImportFailed, file_sha256, import_observations

# The upload, the history and the batches are pages of those who import (issue 12: for the
# office and reporters); which batches each sees is restrict()'s business.
IMPORT_PERMISSION = "observations.add_observation"
# A checked upload waits this long for its confirmation, then it is deleted.
UPLOAD_TTL = timedelta(days=1)
SESSION_KEY = "observations.pending_uploads"
# At most this many checked uploads wait per session; older ones are dropped.
MAX_PENDING = 5
# Rows of the problem table and of the out-of-region table: the importer keeps the first
# 1,000 problems; a page lists the first 200 and says how many more there are.
MAX_ROWS_SHOWN = 200
PAGE_SIZE = 50


def _lang() -> str:
    return "en" if (get_language() or "zh").startswith("en") else "zh"


def _grouped(number) -> str:
    """A count with thousands separators (Django's zh-hans format has none)."""
    return f"{number:,}"


def _value_text(value: float) -> str:
    """A value with thousands separators and up to 12 significant digits (no float noise)."""
    return f"{value:,.12g}"


def layout_label(layout: str) -> str:
    """The words for a layout code (long, wide_years, wide_indicators)."""
    return str(dict(LAYOUT_CHOICES).get(layout, layout))


def layout_short(layout: str) -> str:
    """A layout code in two or three words, for a table column."""
    names = {"long": _("长表"), "wide_years": _("宽表（地区×年份）"), "wide_indicators": _("宽表（地区×指标）")}
    return names.get(layout, layout)


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


# --------------------------------------------------------------------- waiting uploads

def upload_root() -> Path:
    """Where checked uploads wait: ``<data directory>/uploads/user-<id>/<token>/<file>``."""
    return Path(settings.DATA_DIR) / "uploads"


@dataclass
class PendingUpload:
    """A checked upload waiting for its confirmation, as kept in the session."""

    token: str
    name: str
    sha256: str
    size: int
    options: dict
    created: float  # time.time() when it was stored

    def directory(self, user) -> Path:
        return upload_root() / f"user-{user.pk}" / self.token

    def path(self, user) -> Path:
        return self.directory(user) / self.name


def _safe_name(name: str) -> str:
    """The uploaded file's name, made safe to store (no directories, no odd characters, at most
    100 characters, the extension kept): it names the batch in the history."""
    path = Path(Path(name or "").name)
    suffix = path.suffix.lower()
    try:
        stem = get_valid_filename(path.stem)
    except SuspiciousFileOperation:
        stem = ""
    return (stem[: 100 - len(suffix)] or "upload") + suffix


def store_upload(user, upload) -> PendingUpload:
    """Save ``upload`` under a new random token in the user's directory."""
    token = secrets.token_urlsafe(24)
    pending = PendingUpload(token, _safe_name(upload.name), "", upload.size, {}, time.time())
    directory = pending.directory(user)
    directory.mkdir(mode=0o700, parents=True)
    with open(pending.path(user), "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    pending.sha256 = file_sha256(pending.path(user))
    return pending


def _pending(request) -> dict[str, dict]:
    """The session's waiting uploads that have not expired."""
    oldest = time.time() - UPLOAD_TTL.total_seconds()
    return {token: entry for token, entry in request.session.get(SESSION_KEY, {}).items()
            if entry.get("created", 0) >= oldest}


def remember(request, pending: PendingUpload) -> None:
    waiting = _pending(request)
    waiting[pending.token] = dataclasses.asdict(pending)
    for token in sorted(waiting, key=lambda t: waiting[t]["created"])[:-MAX_PENDING]:
        shutil.rmtree(PendingUpload(**waiting.pop(token)).directory(request.user), ignore_errors=True)
    request.session[SESSION_KEY] = waiting


def claim(request, token: str) -> tuple[PendingUpload, Path] | None:
    """Take the waiting upload ``token`` out of the session and out of reach of a second
    confirmation: its directory is renamed (atomic), so that of two confirmations of the same
    token — a double click, two tabs — only one finds it. None when it is not waiting."""
    waiting = _pending(request)
    entry = waiting.pop(token, None)
    request.session[SESSION_KEY] = waiting
    if entry is None:
        return None
    pending = PendingUpload(**entry)
    claimed = pending.directory(request.user).with_name(f"{token}.claimed-{secrets.token_hex(4)}")
    try:
        pending.directory(request.user).rename(claimed)
    except FileNotFoundError:
        return None
    os.utime(claimed)  # fresh: sweep_expired must not remove it while it is being imported
    return pending, claimed


def give_back(request, pending: PendingUpload, claimed: Path) -> None:
    """Undo ``claim`` (the database was busy: the user may confirm again)."""
    claimed.rename(pending.directory(request.user))
    remember(request, pending)


def sweep_expired(now: float | None = None) -> int:
    """Delete waiting uploads (and claimed leftovers) older than ``UPLOAD_TTL``, of every
    user; returns how many. Run on each visit of the upload page: no scheduler needed."""
    root = upload_root()
    if not root.is_dir():
        return 0
    oldest = (now or time.time()) - UPLOAD_TTL.total_seconds()
    removed = 0
    for directory in root.glob("user-*/*"):
        try:
            if directory.is_dir() and directory.stat().st_mtime < oldest:
                shutil.rmtree(directory, ignore_errors=True)
                removed += 1
        except FileNotFoundError:  # another request removed it meanwhile
            continue
    return removed


# --------------------------------------------------------------------- what a report shows

def problem_rows(problems, lang: str) -> list[dict]:
    """The importer's problems as table rows: row, column, value, and the reason alone (the
    message without the position, which the table shows in its own columns)."""
    rows = []
    for problem in list(problems)[:MAX_ROWS_SHOWN]:
        bare = dataclasses.replace(problem, file="", row=None, column=None, value=None) \
            if dataclasses.is_dataclass(problem) else problem
        rows.append({"row": problem.row, "column": problem.column, "value": problem.value,
                     "reason": bare.message(lang)})
    return rows


def reporter_region_ids(user) -> set[int] | None:
    """The regions a user may import into; None for no limit. Mirrors the row rule of
    ``accounts.scoping`` for observations: only a user whose every role is 统计填报 is bound to
    its organisation's region and the regions below it."""
    roles = roles_of(user)
    if not roles or roles - {Role.REPORTER.value}:
        return None
    return user_region_ids(user)


def read_frame(path: Path, options: dict):
    """The observations the importer reads from ``path`` (rows without problems), with the
    row and column each came from — to check their regions."""
    from deltawatch.regions.services import region_resolver

    from .reader import read_observations
    from .services import indicator_infos

    return read_observations(path, resolver=region_resolver(), indicators=indicator_infos(), **options).frame


def rows_outside(frame, allowed_ids: set[int], lang: str) -> tuple[list[dict], int]:
    """Rows of ``frame`` whose region is not among ``allowed_ids``: the first
    ``MAX_ROWS_SHOWN`` as table rows (row, column, region) and how many there are."""
    codes = frame["region_code"].unique().tolist()
    regions = {code: (pk, name_zh, name_en) for code, pk, name_zh, name_en in
               Region.objects.filter(code__in=codes).values_list("code", "id", "name_zh", "name_en")}
    outside_codes = {code for code in codes if regions.get(code, (None,))[0] not in allowed_ids}
    outside = frame[frame["region_code"].isin(outside_codes)].sort_values("row", kind="stable")
    rows = []
    for row, column, code in outside[["row", "column", "region_code"]].head(MAX_ROWS_SHOWN).itertuples(index=False):
        _pk, name_zh, name_en = regions.get(code, (None, code, code))
        rows.append({"row": int(row), "column": column, "region": f"{name_en if lang == 'en' else name_zh} ({code})"})
    return rows, len(outside)


def _region_name(user) -> str:
    membership = getattr(user, "membership", None)
    region = membership.organisation.region if membership else None
    if region is None:
        return ""
    return region.name_en if _lang() == "en" else region.name_zh


def scope_refusal(user, frame) -> dict | None:
    """The refusal of a reporter's file with rows outside its regions, or None when every row
    is inside (or the user imports anything)."""
    allowed = reporter_region_ids(user)
    if allowed is None or frame is None or frame.empty:
        return None
    rows, total = rows_outside(frame, allowed, _lang())
    if not total:
        return None
    return {"rows": rows, "total": _grouped(total), "more": _grouped(total - len(rows)) if total > len(rows) else "",
            "region": _region_name(user)}


# --------------------------------------------------------------------- the pages

def _upload_page(request, form, status: int = 200, **context):
    """The upload page: the form and, when given, the report of a checked file."""
    if reporter_region_ids(request.user) is not None:
        context["scope_region"] = _region_name(request.user) or "—"
    return render(request, "observations/upload.html", {"form": form, **context}, status=status)


def _facts(pending: PendingUpload) -> dict:
    return {"file_name": pending.name, "sha256": pending.sha256, "size": _grouped(pending.size)}


def _problem_report(result, lang: str) -> dict:
    """The report of a refused file: its problems (the first ``MAX_ROWS_SHOWN``), how many
    there are in all (the importer counts beyond those it keeps) and how many are not listed."""
    problems = problem_rows(result.problems, lang)
    total = max(result.problem_count, len(result.problems))
    return {"problems": problems, "problem_total": _grouped(total),
            "problems_more": _grouped(total - len(problems)) if total > len(problems) else ""}


def _outcome_report(outcome) -> dict:
    counts = {key: _grouped(getattr(outcome, key)) for key in
              ("rows_read", "created", "revised", "unchanged", "skipped_blank")}
    return {"outcome": outcome, "counts": counts, "layout_label": layout_label(outcome.layout)}


def _check_upload(request, form):
    """Store the file, run the dry run and the region check; the page to show. The file is
    kept for the confirmation only when it passed both and would change something."""
    user, lang = request.user, _lang()
    pending = store_upload(user, form.cleaned_data["file"])
    pending.options = form.import_options()
    path, facts, keep = pending.path(user), _facts(pending), False
    try:
        with acting_as(user):
            outcome = import_observations(path, user=user, dry_run=True, **pending.options)
        if reporter_region_ids(user) is not None:
            refusal = scope_refusal(user, read_frame(path, pending.options))
            if refusal:
                return _upload_page(request, form, facts=facts, refusal=refusal)
        keep = outcome.created + outcome.revised > 0
        if keep:
            remember(request, pending)
        return _upload_page(request, form, facts=facts, **_outcome_report(outcome),
                            confirm=ConfirmForm(initial={"token": pending.token}) if keep else None)
    except ImportFailed as failure:
        return _upload_page(request, form, facts=facts, **_problem_report(failure.result, lang),
                            refusal=scope_refusal(user, failure.result.frame))
    except DatabaseBusy as busy:
        return _upload_page(request, form, facts=facts, busy=busy.report(lang), status=503)
    finally:
        if not keep:
            shutil.rmtree(pending.directory(user), ignore_errors=True)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@cached_page  # the empty form, per account (a POST is never cached)
def upload(request):
    """The upload form and, after a POST, its dry-run report.

    CSRF is checked by ``_upload`` (csrf_protect), after the size-limiting upload handler is
    installed: Django's CSRF middleware would parse the upload before the view could add it
    (Django docs, "Modifying upload handlers on the fly").
    """
    if request.method == "POST":
        request.upload_handlers.insert(0, UploadSizeLimit(request))
    return _upload(request)


@csrf_protect
@login_required
def _upload(request):
    _require(request.user, IMPORT_PERMISSION)
    sweep_expired()
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES, too_large=getattr(request, "upload_too_large", False))
    if not form.is_valid():
        return _upload_page(request, form)
    return _check_upload(request, form)


@require_POST
@login_required
def confirm(request):
    """Import (or discard) a checked upload, once: the token is consumed either way."""
    _require(request.user, IMPORT_PERMISSION)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("确认请求无效，未导入任何数据。请重新上传文件。"))
        return redirect("observations:upload")
    claimed = claim(request, form.cleaned_data["token"])
    if claimed is None:
        messages.warning(request, _("该文件已经导入、已放弃或已过期，未再次导入。如需导入，请重新上传。"))
        return redirect("observations:upload")
    pending, directory = claimed
    try:
        if form.cleaned_data["decision"] == "discard":
            messages.info(request, _("已放弃导入“%(name)s”，文件已删除。") % {"name": pending.name})
            return redirect("observations:upload")
        return _import(request, pending, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)  # a no-op when give_back moved it back


def _import(request, pending: PendingUpload, directory: Path):
    """Import the claimed file for real: the region check again (the account's organisation may
    have changed since the dry run), then the importer, with status 已报送, as the user."""
    user, lang = request.user, _lang()
    path, facts = directory / pending.name, _facts(pending)
    form = UploadForm(initial=_initial(pending.options))
    if file_sha256(path) != pending.sha256:  # never expected: the file is ours; refuse rather than guess
        messages.error(request, _("文件校验值不符，未导入任何数据。请重新上传。"))
        return redirect("observations:upload")
    if reporter_region_ids(user) is not None:
        refusal = scope_refusal(user, read_frame(path, pending.options))
        if refusal:
            return _upload_page(request, form, facts=facts, refusal=refusal)
    try:
        with acting_as(user):
            outcome = import_observations(path, user=user, dry_run=False, status=Status.SUBMITTED, **pending.options)
    except ImportFailed as failure:
        return _upload_page(request, form, facts=facts, **_problem_report(failure.result, lang))
    except DatabaseBusy as busy:
        give_back(request, pending, directory)
        return _upload_page(request, form, facts=facts, busy=busy.report(lang),
                            confirm=ConfirmForm(initial={"token": pending.token}), status=503)
    messages.success(request, outcome.summary(lang))
    if outcome.batch is None:  # someone imported the same values meanwhile: nothing changed
        return redirect("observations:history")
    return redirect("observations:batch", pk=outcome.batch.pk)


def _initial(options: dict) -> dict:
    initial = dict(options)
    initial["layout"] = options.get("layout") or "auto"
    return initial


# --------------------------------------------------------------------- history and batches

HISTORY_SORTS = {
    "time": "created_at", "file": "file_name", "user": "user__username", "read": "rows_read",
    "created": "rows_created", "revised": "rows_revised", "unchanged": "rows_unchanged",
}
BATCH_SORTS = {
    "indicator": ("indicator__code", "region__code", "year"), "region": ("region__code", "indicator__code", "year"),
    "year": ("year", "indicator__code", "region__code"), "value": ("value",), "revision": ("revision",),
    "status": ("status", "indicator__code", "region__code", "year"),
}


def _sort(request, sorts: dict, default: str) -> tuple[str, list[str]]:
    """The ``?sort=`` key (a key of ``sorts``, "-" for descending) and its order_by fields."""
    key = request.GET.get("sort", default)
    name = key.lstrip("-")
    if name not in sorts:
        key, name = default, default.lstrip("-")
    fields = sorts[name] if isinstance(sorts[name], tuple) else (sorts[name],)
    descending = key.startswith("-")
    return key, [("-" if descending else "") + field for field in fields] + ["-pk" if descending else "pk"]


def _headers(columns, current: str) -> list[dict]:
    """Table headers with the ``?sort=`` each links to (a second click reverses)."""
    headers = []
    for key, label, numeric, *secondary in columns:
        active = current.lstrip("-") == key if key else False
        descending = current.startswith("-")
        toggled = (key if descending else f"-{key}") if active else key
        headers.append({"key": key, "label": label, "num": numeric, "active": active, "secondary": bool(secondary),
                        "sort": toggled if key else None, "arrow": ("▼" if descending else "▲") if active else ""})
    return headers


@login_required
def history(request):
    """Every import the user may see (a reporter: its own), newest first; CSV of the list."""
    _require(request.user, IMPORT_PERMISSION)
    key, order = _sort(request, HISTORY_SORTS, "-time")
    batches = restrict(ImportBatch.objects.select_related("user"), request.user, "view").order_by(*order)
    if request.GET.get("format") == "csv":
        return _history_csv(batches)
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"batch": b, "layout": layout_short(b.layout), "read": _grouped(b.rows_read),
             "created": _grouped(b.rows_created), "revised": _grouped(b.rows_revised),
             "unchanged": _grouped(b.rows_unchanged)} for b in page]
    # A fourth item marks a column hidden on a phone (site.css: .phone-hide).
    columns = [("file", _("文件"), False), ("user", _("导入人"), False), ("time", _("导入时间"), False),
               (None, _("表格格式"), False, "secondary"), ("read", _("读取"), True), ("created", _("新增"), True),
               ("revised", _("修订"), True), ("unchanged", _("未变"), True),
               (None, _("文件校验值（SHA-256）"), False, "secondary")]
    context = {"page": page, "rows": rows, "headers": _headers(columns, key), "sort": key,
               "total": _grouped(page.paginator.count), "can_import": request.user.has_perm(IMPORT_PERMISSION)}
    template = "observations/_history_table.html" if request.htmx else "observations/history.html"
    return render(request, template, context)


def _history_csv(batches) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "file_name", "user", "created_at", "layout", "rows_read", "rows_created",
                     "rows_revised", "rows_unchanged", "sha256"])
    for b in batches:
        writer.writerow([neutralise(v) for v in (
            b.pk, b.file_name, b.user.get_username() if b.user else "",
            timezone.localtime(b.created_at).isoformat(timespec="seconds"), b.layout, b.rows_read,
            b.rows_created, b.rows_revised, b.rows_unchanged, b.sha256)])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="imports.csv"'
    return response


@login_required
def batch(request, pk: int):
    """One import: its file, who, when, the counts, and the values it wrote (paged)."""
    _require(request.user, IMPORT_PERMISSION)
    found = get_object_or_404(ImportBatch.objects.select_related("user"), pk=pk)
    if not restrict(ImportBatch.objects.filter(pk=pk), request.user, "view").exists():
        raise PermissionDenied  # another reporter's import (issue 12: 403, not a hidden 404)
    key, order = _sort(request, BATCH_SORTS, "indicator")
    values = restrict(Observation.objects.filter(batch=found), request.user, "view") \
        .select_related("region", "indicator").order_by(*order)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _batch_export(found, values, fmt)
    page = Paginator(values, PAGE_SIZE).get_page(request.GET.get("page"))
    en = _lang() == "en"
    rows = [{"obs": o, "region": o.region.name_en if en else o.region.name_zh,
             "indicator": o.indicator.name_en if en else o.indicator.name_zh,
             "value": _value_text(o.value), "status": o.get_status_display()} for o in page]
    columns = [("indicator", _("指标"), False), ("region", _("地区"), False), ("year", _("年份"), True),
               ("value", _("数值"), True), (None, _("单位"), False), (None, _("原始数值与单位"), False, "secondary"),
               (None, _("来源"), False, "secondary"), ("revision", _("修订号"), True), ("status", _("状态"), False)]
    counts = {k: _grouped(getattr(found, f"rows_{k}")) for k in ("read", "created", "revised", "unchanged")}
    context = {"batch": found, "layout": layout_label(found.layout), "counts": counts, "page": page, "rows": rows,
               "headers": _headers(columns, key), "sort": key, "total": _grouped(page.paginator.count)}
    template = "observations/_batch_table.html" if request.htmx else "observations/batch.html"
    return render(request, template, context)


def _batch_export(found: ImportBatch, values, fmt: str) -> HttpResponse:
    """The batch's values in the export format of ``deltawatch export`` (which the importer
    reads back), via ``exports.write_export``."""
    name_field = "region__name_en" if _lang() == "en" else "region__name_zh"
    rows = list(values.values_list("region__code", name_field, "indicator__code", "year", "value",
                                   "indicator__unit", "source", "qualifier", "note"))
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_export(rows, "xlsx", buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        buffer = io.StringIO()
        write_export(rows, "csv", buffer)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{found.pk}.{fmt}"'
    return response
