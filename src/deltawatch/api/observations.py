"""Observations: read any selection as ``deltawatch export`` does (long, or wide by year), and
write rows through the importer — its validation, all or nothing, its row-level errors as JSON.

Reading: the current values the caller may see (``restrict``: the public, approved values only),
filtered by indicator, region, group and year, ordered by indicator, region and year, in pages
of at most 1,000 (a larger page is refused, 422). ``?since=`` keeps the values recorded after a
data version (every new or revised value is a new row, so "after version v" is "row id above
v's first part") or after a time.

Writing: JSON rows (``POST /observations``) or a CSV file (``POST /observations/csv``, the
importer's long, wide_years or wide_indicators layouts) are imported by
``observations.services.import_observations`` with status 已报送 as the caller, exactly as the
upload page does: a reporter only into its own regions; any problem in any row → nothing is
written and the answer (422) lists the problems with their row, column, value and message.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from deltawatch.audit.context import acting_as
from deltawatch.core.commandline import parse_years
from deltawatch.observations.choices import Status as ValueStatus
from deltawatch.observations.models import Observation
from deltawatch.observations.services import DatabaseBusy, ImportFailed, import_observations
from deltawatch.site.cache import data_version

from .auth import require_login
from .core import ERRORS, READ_ERRORS, RESPONSE_SECONDS, respond, scoped, version_key, versioned
from .schemas import DEFAULT_PAGE, MAX_PAGE, Error, ObservationPage, ObservationWrite, WriteOutcome

router = Router(tags=["observations 统计数据"])
IMPORT_PERMISSION = "observations.add_observation"
VERSION = re.compile(r"^\d+(-\d+){3}$")
COLUMNS = ("region", "indicator", "year", "value", "unit", "source", "qualifier", "note")
OPTIONAL = COLUMNS[4:]
# A CSV posted to the API may be as large as an upload (the upload page's limit).
MAX_CSV_BYTES = getattr(settings, "API_MAX_CSV_BYTES", 200 * 2 ** 20)


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _selection(request, indicator, region, group, year, since):
    """The current values the caller may see, narrowed by the filters (422 on a bad filter)."""
    values = scoped(request, Observation.objects.filter(is_current=True))
    if indicator:
        values = values.filter(indicator__code__in=[c.strip() for c in indicator.split(",") if c.strip()])
    if region:
        names = [c.strip() for c in region.split(",") if c.strip()]
        values = values.filter(Q(region__code__in=names) | Q(region__name_zh__in=names))
    if group:
        values = values.filter(region__groups__code=group)
    if year:
        try:
            years = parse_years(year)
        except ValueError:
            raise HttpError(422, _("年份应写作 2019、2010-2020 或 2015,2020，收到：%(text)s") % {"text": year}) from None
        if len(years) > 500:
            raise HttpError(422, _("年份范围过大（%(n)s 年）。") % {"n": len(years)})
        values = values.filter(year__in=years)
    if since:
        values = values.filter(_since(since))
    return values


def _since(text: str) -> Q:
    if VERSION.match(text):
        return Q(id__gt=int(text.split("-")[0]))
    moment = parse_datetime(text)
    if moment is None:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        except ValueError:
            raise HttpError(422, _("since 应为数据版本（如 120-5-3-2）或时间（如 2026-11-01T08:00:00+08:00），"
                                   "收到：%(text)s") % {"text": text}) from None
    if moment.tzinfo is None:
        from django.utils import timezone

        moment = timezone.make_aware(moment)
    return Q(recorded_at__gt=moment)


def _ordered(request, values, pairs: bool, selection) -> list:
    """The ids of ``values`` ordered by indicator, region and year — or, with ``pairs``, their
    (indicator id, region id) pairs in order — kept in the cache for this data version, caller
    and selection: page after page of one selection then costs one query of the page's rows
    instead of a count and a deep OFFSET each."""
    key = "dw:api:obs-order:" + version_key(request, pairs, *selection)
    kept = cache.get(key)
    if kept is None:
        if pairs:
            kept = [tuple(p) for p in values.order_by("indicator_id", "region_id")
                    .values_list("indicator_id", "region_id").distinct()]
        else:
            kept = list(values.order_by("indicator_id", "region_id", "year").values_list("id", flat=True))
        cache.set(key, kept, RESPONSE_SECONDS)
    return kept


def _long_page(request, values, limit, offset, name_field, selection):
    ids = _ordered(request, values, False, selection)
    chunk = ids[offset:offset + limit]
    found = {row[0]: row[1:] for row in Observation.objects.filter(id__in=chunk).values_list(
        "id", "region__code", name_field, "indicator__code", "year", "value", "indicator__unit", "source", "qualifier",
        "note")}
    keys = ("region_code", "region_name", "indicator", "year", "value", "unit", "source", "qualifier", "note")
    return len(ids), [dict(zip(keys, found[i])) for i in chunk if i in found]


def _wide_page(request, values, limit, offset, name_field, selection):
    """Rows of (region, indicator) with their values by year; the page is of such rows."""
    pairs = _ordered(request, values, True, selection)
    chosen = pairs[offset:offset + limit]
    if not chosen:
        return len(pairs), []
    first, last = chosen[0], chosen[-1]
    # the rows between the page's first and last pair, in (indicator, region) order
    span = values.filter(
        (Q(indicator_id__gt=first[0]) | Q(indicator_id=first[0], region_id__gte=first[1]))
        & (Q(indicator_id__lt=last[0]) | Q(indicator_id=last[0], region_id__lte=last[1])))
    rows = {}
    for ind, reg, code, name, indicator, unit, year, value in span.order_by("indicator_id", "region_id", "year") \
            .values_list("indicator_id", "region_id", "region__code", name_field, "indicator__code",
                         "indicator__unit", "year", "value"):
        row = rows.get((ind, reg))
        if row is None:
            row = rows[(ind, reg)] = {"region_code": code, "region_name": name, "indicator": indicator, "unit": unit,
                                      "values": {}}
        row["values"][str(year)] = value
    return len(pairs), [rows[pair] for pair in chosen if pair in rows]


@router.get("/observations", response={200: ObservationPage, **READ_ERRORS},
            summary="读取统计数据 read observations (long or wide)")
@versioned
def list_observations(request, indicator: str | None = Query(None, description="指标代码，逗号分隔"),
                      region: str | None = Query(None, description="区划代码或名称，逗号分隔"),
                      group: str | None = Query(None, description="地区组代码"),
                      year: str | None = Query(None, description="2019、2010-2020 或 2015,2020"),
                      since: str | None = Query(None, description="数据版本或时间：只取其后录入的数值"),
                      form: str = Query("long", pattern="^(long|wide)$"),
                      limit: int = Query(DEFAULT_PAGE, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)):
    version = request._dw_data_version
    values = _selection(request, indicator, region, group, year, since)
    name_field = "region__name_en" if _lang() == "en" else "region__name_zh"
    selection = (indicator, region, group, year, since)
    count, results = (_wide_page if form == "wide" else _long_page)(request, values, limit, offset, name_field,
                                                                    selection)
    following = offset + limit
    return respond(request, {"count": count, "limit": limit, "offset": offset,
                             "next_offset": following if following < count else None, "data_version": version,
                             "form": form, "results": results})


# ---------------------------------------------------------------- writing

def _write_csv(rows, path: Path) -> None:
    """The posted rows as a long-layout CSV the importer reads (optional columns only when some
    row gives them: a file without qualifier or note leaves the stored ones alone)."""
    present = [c for c in OPTIONAL if any(getattr(r, c) is not None for r in rows)]
    header = list(COLUMNS[:4]) + present
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for r in rows:
            writer.writerow([r.region, r.indicator, r.year, r.value, *[getattr(r, c) or "" for c in present]])


def _problems(result, json_rows: bool) -> list[dict]:
    """The importer's problems as (row, column, value, message); rows of posted JSON are
    numbered from 1 in the order posted (the CSV's line 2 is row 1)."""
    import dataclasses

    out = []
    for problem in result.problems:
        bare = dataclasses.replace(problem, file="", row=None, column=None, value=None)
        row = problem.row - 1 if (json_rows and problem.row is not None) else problem.row
        out.append({"row": row, "column": problem.column, "value": problem.value, "message": bare.message(_lang())})
    return out


def _import(request, path: Path, dry_run: bool, json_rows: bool, **options):
    user = require_login(request)
    if not user.has_perm(IMPORT_PERMISSION):
        raise HttpError(403, _("您的角色无权写入统计数据。"))
    from deltawatch.observations.views import read_frame, reporter_region_ids, rows_outside

    allowed = reporter_region_ids(user)
    try:
        with acting_as(user):
            if allowed is not None:  # a reporter: its own regions only (as the upload page)
                frame = read_frame(path, options)
                outside, total = rows_outside(frame, allowed, _lang())
                if total:
                    errors = [{"row": r["row"] - 1 if json_rows else r["row"], "column": r["column"],
                               "value": r["region"], "message": _("不在您所在单位的地区范围内")} for r in outside]
                    return Status(403, {"detail": _("有 %(n)s 行的地区不在您的填报范围内，未写入任何数据。") % {"n": total},
                                 "errors": errors, "total": total})
            outcome = import_observations(path, user=user, dry_run=dry_run, status=ValueStatus.SUBMITTED, **options)
    except ImportFailed as failure:
        total = max(failure.result.problem_count, len(failure.result.problems))
        return Status(422, {"detail": _("发现 %(n)s 个错误，未写入任何数据。") % {"n": total},
                     "errors": _problems(failure.result, json_rows), "total": total})
    except DatabaseBusy as busy:
        raise HttpError(503, busy.report(_lang())) from None
    return Status(200 if dry_run else 201, {
        "dry_run": dry_run, "rows_read": outcome.rows_read, "created": outcome.created, "revised": outcome.revised,
        "unchanged": outcome.unchanged, "derived_created": outcome.derived_created,
        "derived_revised": outcome.derived_revised, "batch": outcome.batch.pk if outcome.batch else None,
        "data_version": data_version(), "summary": outcome.summary(_lang())})


WRITE_RESPONSES = {200: WriteOutcome, 201: WriteOutcome, 413: Error, 503: Error, **ERRORS}


@router.post("/observations", response=WRITE_RESPONSES, summary="写入统计数据 write observations (JSON rows)")
def write_observations(request, payload: ObservationWrite):
    if not payload.rows:
        raise HttpError(422, _("没有数据行。"))
    directory = Path(tempfile.mkdtemp(prefix="dw-api-"))
    try:
        path = directory / "api.csv"
        _write_csv(payload.rows, path)
        return _import(request, path, payload.dry_run, json_rows=True, layout="long")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@router.post("/observations/csv", response=WRITE_RESPONSES, summary="写入统计数据 write observations (a CSV file)",
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}})
def write_observations_csv(request, dry_run: bool = False, layout: str | None = Query(
        None, pattern="^(long|wide_years|wide_indicators)$"), indicator: str | None = None, year: int | None = None,
        unit: str | None = None):
    user = require_login(request)
    if not user.has_perm(IMPORT_PERMISSION):
        raise HttpError(403, _("您的角色无权写入统计数据。"))
    directory = Path(tempfile.mkdtemp(prefix="dw-api-"))
    try:
        path = directory / "api.csv"
        size = 0
        with open(path, "wb") as out:
            while chunk := request.read(1 << 20):
                size += len(chunk)
                if size > MAX_CSV_BYTES:
                    raise HttpError(413, _("文件超过上限 %(mb)s MB。") % {"mb": MAX_CSV_BYTES // 2 ** 20})
                out.write(chunk)
        options = {k: v for k, v in {"layout": layout, "indicator": indicator, "year": year, "unit": unit}.items()
                   if v is not None}
        return _import(request, path, dry_run, json_rows=False, **options)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
