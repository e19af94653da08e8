"""Writes and reads of the statistics workflow that span models: opening a cycle, entering
values into a form, the validation report of a form or any selection, the status of a form's
values, completeness and timeliness, reminders. Transactions live here and in ``workflow``.

Computation is ``methods.validation`` (pure); this module only reads frames out of the ORM
(one query each) and writes what the workflow decides.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers

import pandas as pd
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from deltawatch.audit.context import acting_as
from deltawatch.audit.models import ChangeRecord
from deltawatch.audit.signals import record_as_revision
from deltawatch.indicators.models import Indicator
from deltawatch.methods import validation
from deltawatch.observations.choices import Status
from deltawatch.observations.models import Observation
from deltawatch.observations.services import current_values
from deltawatch.regions.models import Region

from .choices import EDITABLE_STATES, LOCKED_STATES, FormAction, FormState, Timeliness
from .models import DataSet, Explanation, Form, ReportingCycle, ValidationRule

REMINDER_DAYS = (7, 1)  # reminders this many days before the due date (and on it: 0 is not sent)


# ------------------------------------------------------------------------------ cycles

def default_due_date(data_set: DataSet, year: int) -> dt.date:
    """The period's end plus the data set's ``due_days`` (annual reports only, for now)."""
    return dt.date(year, 12, 31) + dt.timedelta(days=data_set.due_days)


def open_cycle(data_set: DataSet, year: int, *, due_date: dt.date | None = None, user=None,
               is_sample: bool = False) -> tuple[ReportingCycle, int]:
    """Open (or find) the cycle of ``data_set`` for ``year`` and make a form for every reporting
    region that has none. Idempotent. Returns the cycle and the number of forms made."""
    with transaction.atomic():
        cycle, _made = ReportingCycle.objects.get_or_create(
            data_set=data_set, year=year, period="",
            defaults={"due_date": due_date or default_due_date(data_set, year), "opened_by": user,
                      "is_sample": is_sample})
        have = set(cycle.forms.values_list("region_id", flat=True))
        new = [Form(cycle=cycle, region_id=pk) for pk in data_set.reporting_regions().values_list("id", flat=True)
               if pk not in have]
        for form in new:  # saved one by one: each creation is a change record
            form.save()
    return cycle, len(new)


# ------------------------------------------------------------------------------ the cells of a form

def form_indicators(form: Form) -> list[str]:
    return sorted(form.cycle.data_set.indicators.values_list("code", flat=True))


# ------------------------------------------------------------------------------ periods
# A cycle's period ('' the year, 'Q1'–'Q4', 'M01'–'M12') is its values' ``Observation.period``:
# every read and write of a form's cells names it (``Observation.all_periods``; ``objects`` reads
# annual values only). Checks across years compare the same period: Q1 with last year's Q1.

def period_label(year: int, period: str = "") -> str:
    """A period as the pages head it: '2024', '2024 Q1', '2024-03'."""
    if not period:
        return str(year)
    if period.startswith("Q"):
        return f"{year} {period}"
    return f"{year}-{int(period[1:]):02d}"


def form_cells(form: Form, *, years=None):
    """The current values of the form's region, data set's indicators and cycle's period, in the
    cycle's year (or ``years``): the cells of the form (and, with ``years``, its reference columns)."""
    cycle = form.cycle
    rows = Observation.all_periods.filter(is_current=True, region_id=form.region_id, period=cycle.period,
                                          indicator__in=cycle.data_set.indicators.all())
    return rows.filter(year__in=list(years)) if years is not None else rows.filter(year=cycle.year)


_form_observations = form_cells  # the name the views used first


def period_values(codes, region_codes=None, years=None, period: str = "") -> pd.DataFrame:
    """Current values of one period across ``years`` (region_code, indicator, year, value), one
    query: the annual ones through the importer's ``current_values``, a quarter's or month's
    the same way from ``Observation.all_periods``."""
    columns = ["region_code", "indicator", "year", "value"]
    if not period:
        return current_values(codes, region_codes, years)[columns]
    query = Observation.all_periods.filter(is_current=True, period=period, indicator__code__in=list(codes))
    if region_codes is not None:
        query = query.filter(region__code__in=list(region_codes))
    if years is not None:
        query = query.filter(year__gte=min(years), year__lte=max(years))
    frame = pd.DataFrame(list(query.values_list("region__code", "indicator__code", "year", "value")), columns=columns)
    return frame.astype({"region_code": str, "indicator": str, "year": "int64", "value": float})


def form_frame(form: Form, *, years_back: int = 1) -> pd.DataFrame:
    """The current values of the form's region and indicators in its period, its year and
    ``years_back`` before (the year-on-year rules need the same period of the previous year)."""
    year = form.cycle.year
    return period_values(form_indicators(form), [form.region.code], range(year - years_back, year + 1),
                         form.cycle.period)


def rules_for(data_set: DataSet | None = None) -> list[ValidationRule]:
    rules = ValidationRule.objects.filter(active=True)
    if data_set is not None:
        rules = rules.filter(data_set__isnull=True) | rules.filter(data_set=data_set)
    return list(rules.order_by("name"))


def catalogue_codes() -> set[str]:
    return set(Indicator.objects.values_list("code", flat=True))


def form_report(form: Form) -> pd.DataFrame:
    """Every failed rule on the form's cells (the form's region and year): rules of the data set
    and the general ones whose indicators the data set reports."""
    codes = set(form_indicators(form))
    rules = [r.as_rule(regions=[form.region.code], years=[form.cycle.year]) for r in rules_for(form.cycle.data_set)]
    rules = [r for r in rules if set(validation.rule_indicators(r)) <= codes]
    report = validation.check_rules(form_frame(form), rules, known=catalogue_codes())
    return report[report["year"] == form.cycle.year].reset_index(drop=True)


def unexplained_warnings(form: Form, report: pd.DataFrame) -> pd.DataFrame:
    warnings = report[report["severity"] == "warning"]
    explained = set(Explanation.objects.filter(form=form).values_list("check_name", "indicator", "year"))
    keep = [(c, i, int(y)) not in explained for c, i, y in zip(warnings["check"], warnings["indicator"], warnings["year"])]
    return warnings[keep]


def check_submittable(form: Form) -> None:
    """WorkflowError when an error rule fails on the form or a warning is not explained."""
    from .workflow import WorkflowError

    report = form_report(form)
    errors = report[report["severity"] == "error"]
    if not errors.empty:
        raise WorkflowError(_("有 %(n)s 处校验错误，不能上报：%(first)s")
                            % {"n": len(errors), "first": "；".join(
                                f"{row.indicator} {row.year}: {row.check} ({row.detail})"
                                for row in errors.head(3).itertuples())})
    missing = unexplained_warnings(form, report)
    if not missing.empty:
        raise WorkflowError(_("有 %(n)s 处警告尚未说明：%(first)s")
                            % {"n": len(missing), "first": "；".join(
                                f"{row.indicator} {row.year}: {row.check}" for row in missing.head(3).itertuples())})


def explain(form: Form, user, *, check: str, indicator: str, year: int, text: str) -> Explanation:
    """The reporter's explanation of a warning (replaces an earlier one)."""
    from .workflow import WorkflowError, may

    if not may(user, FormAction.SUBMIT, form):
        raise WorkflowError(_("您无权说明此填报表的警告。"))
    if not (text or "").strip():
        raise WorkflowError(_("请填写说明。"))
    with acting_as(user):
        explanation, _made = Explanation.objects.update_or_create(
            form=form, check_name=check, indicator=indicator, year=year,
            defaults={"text": text.strip(), "author": user})
    return explanation


# ------------------------------------------------------------------------------ values

def set_form_status(form: Form, status: str, user) -> int:
    """Set the status of the form's current values, one change record per value changed (the
    data version moves; the history of each value names who approved it). Returns the count."""
    rows = list(_form_observations(form).exclude(status=status).values_list("id", "status"))
    if not rows:
        return 0
    ids = [pk for pk, _old in rows]
    for start in range(0, len(ids), 900):
        Observation.all_periods.filter(id__in=ids[start:start + 900]).update(status=status)
    content_type = ContentType.objects.get_for_model(Observation)
    label = f"{form.region.name_zh} · {period_label(form.cycle.year, form.cycle.period)}"
    ChangeRecord.objects.bulk_create([
        ChangeRecord(content_type=content_type, object_id=str(pk), object_repr=label[:200],
                     action=ChangeRecord.Action.UPDATE, changes={"status": [old, status]}, user=user)
        for pk, old in rows])
    return len(rows)


def _number(code: str, value) -> float:
    from .workflow import WorkflowError

    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise WorkflowError(_("指标 %(code)s 的值不是有效的数字：%(value)s") % {"code": code, "value": value})
    return float(value)


def enter_values(form_id: int, user, values: dict[str, float], *, source: str = "") -> int:
    """Type values into a form: each changed value becomes a new draft revision of its cell.

    Refused (WorkflowError, nothing written) when the user may not report the form's region,
    the form is locked (已上报 or 审核通过: only an unlock by the office opens it), an
    indicator is not in the data set, or a value is not a number. Returns the number of
    revisions written.
    """
    from .workflow import WorkflowError, may

    form = Form.objects.select_related("cycle__data_set", "region").get(pk=form_id)
    if not may(user, FormAction.SUBMIT, form):
        raise WorkflowError(_("您无权填报%(region)s的数据。") % {"region": form.region.name_zh})
    codes = set(form_indicators(form))
    unknown = sorted(set(values) - codes)
    if unknown:
        raise WorkflowError(_("指标不在此报表中：%(codes)s") % {"codes": ", ".join(unknown)})
    numbers_ = {code: _number(code, value) for code, value in values.items()}
    catalogue = {i.code: i for i in Indicator.objects.filter(code__in=list(numbers_))}
    indicators = {code: indicator.id for code, indicator in catalogue.items()}
    written, now = 0, timezone.now()
    with transaction.atomic(), acting_as(user):
        locked = Form.objects.select_for_update().get(pk=form.pk)  # holds off a submission meanwhile
        if locked.state not in EDITABLE_STATES:
            raise WorkflowError(_("填报表为“%(state)s”，数值已锁定，不能修改。") % {"state": FormState(locked.state).label})
        current = {o.indicator_id: o for o in _form_observations(form).filter(indicator_id__in=indicators.values())}
        for code, value in sorted(numbers_.items()):
            old = current.get(indicators[code])
            if old is not None and old.value == value and old.status == Status.DRAFT:
                continue
            # the objects themselves (not ids): the change record's label reads them without a query;
            # the cell's comment stays with the cell across revisions
            new = Observation(region=form.region, indicator=catalogue[code], year=form.cycle.year,
                              period=form.cycle.period, value=value, value_supplied=str(values[code]), source=source, status=Status.DRAFT,
                              note=old.note if old is not None else "",
                              recorded_by=user, recorded_at=now, revision=1 if old is None else old.revision + 1)
            if old is not None:
                Observation.all_periods.filter(pk=old.pk).update(is_current=False)
                record_as_revision(new, old)
            new.save()
            written += 1
    return written


def locked_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (region_code, indicator, year, …) whose cell belongs to a form that is
    已上报 or 审核通过: an import may not change them. An import writes annual values: only the
    forms of annual cycles lock its cells (a locked Q1 form does not lock the year's value)."""
    if frame.empty:
        return frame
    forms = Form.objects.filter(state__in=LOCKED_STATES, cycle__period="", cycle__year__in=[int(y) for y in frame["year"].unique()],
                                region__code__in=list(frame["region_code"].unique()))
    rows = list(forms.values_list("region__code", "cycle__year", "cycle__data_set__indicators__code").distinct())
    if not rows:
        return frame.iloc[0:0]
    locked = pd.DataFrame(rows, columns=["region_code", "year", "indicator"]).astype({"year": "int64"})
    keyed = frame.reset_index().merge(locked, on=["region_code", "indicator", "year"])
    return frame.loc[keyed["index"]]


# ------------------------------------------------------------------------------ selections

def selection_frame(indicators=None, regions=None, years=None, period: str = "") -> pd.DataFrame:
    """Current values of a selection (None: everything) in one period (default: annual), in one query."""
    codes = indicators or list(Indicator.objects.values_list("code", flat=True))
    frame = period_values(codes, regions, years, period)
    if years:
        frame = frame[frame["year"].isin([int(y) for y in years])]
    return frame[["region_code", "indicator", "year", "value"]].reset_index(drop=True)


def validate(frame: pd.DataFrame, *, rules: bool = True, outliers=(), known=None) -> pd.DataFrame:
    """The report of the active rules and the outlier methods ('zscore', 'modz', 'iqr', or
    'history': modz across each region's own years) over ``frame`` — ``outliers`` names them, or
    maps them to a threshold (None: the method's default). Rules reading an indicator that the
    frame lacks are left out (a selection of indicators)."""
    parts = []
    if rules:
        present = set(frame["indicator"].unique())
        declared = [r.as_rule(regions=sorted(frame["region_code"].unique()), years=sorted(frame["year"].unique()))
                    for r in rules_for()]
        known = catalogue_codes() if known is None else known
        for rule in declared:  # a rule naming an unknown code is an error, whatever the selection
            validation.rule_indicators(rule)
        chosen = [r for r in declared
                  if all(c not in known or c in present for c in validation.rule_indicators(r))]
        parts.append(validation.check_rules(frame, chosen, known=known))
    thresholds = dict(outliers) if isinstance(outliers, dict) else dict.fromkeys(outliers)
    parts += _outlier_reports(frame, thresholds)
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else validation.empty_report()


def _outlier_reports(frame: pd.DataFrame, thresholds: dict) -> list[pd.DataFrame]:
    """One report per outlier method ('history': modz across each region's own years); across
    regions the peers are the regions of the same level (a province's total is never a city's
    peer), the levels read once for all the methods."""
    reports, with_level = [], None
    for method, threshold in thresholds.items():
        if method == "history":
            reports.append(validation.outliers(frame, "modz", across="history", threshold=threshold))
            continue
        if with_level is None:
            codes = frame["region_code"].astype(str)
            levels = dict(Region.objects.filter(code__in=codes.unique().tolist()).values_list("code", "level"))
            with_level = frame.assign(level=codes.map(levels).fillna(""))
        reports.append(validation.outliers(with_level, method, threshold=threshold, by="level"))
    return reports


# ------------------------------------------------------------------------------ completeness, reminders

def completeness(cycle: ReportingCycle, *, today: dt.date | None = None) -> pd.DataFrame:
    """Per form: state, timeliness (on time: first submitted by the due date; late: after it, or
    not yet and the date passed; missing: never submitted), cells filled of those expected."""
    today = today or timezone.localdate()
    forms = list(cycle.forms.select_related("region").order_by("region__code"))
    codes = cycle.data_set.indicators.values_list("id", flat=True)
    counts = pd.Series(Observation.all_periods.filter(is_current=True, year=cycle.year, period=cycle.period,
                                                      indicator_id__in=list(codes),
                                                      region_id__in=[f.region_id for f in forms])
                       .values_list("region_id", flat=True), dtype="int64").value_counts()
    filled = counts.to_dict()
    expected = len(codes)
    rows = []
    for form in forms:
        submitted = form.submitted_at
        if submitted is not None:
            timeliness = Timeliness.ON_TIME if timezone.localdate(submitted) <= cycle.due_date else Timeliness.LATE
        else:
            timeliness = Timeliness.MISSING
        n = int(filled.get(form.region_id, 0))
        rows.append({"region_code": form.region.code, "region": form.region.name_zh, "state": form.state,
                     "timeliness": timeliness.value, "overdue": submitted is None and today > cycle.due_date,
                     "filled": n, "expected": expected, "share": n / expected if expected else float("nan")})
    return pd.DataFrame(rows, columns=["region_code", "region", "state", "timeliness", "overdue", "filled",
                                       "expected", "share"])


def remind(*, today: dt.date | None = None, days=REMINDER_DAYS) -> int:
    """Notify the units of every region whose form is still open (填报中 or 退回) when the due
    date is ``days`` away or nearer: one notification per form, due date and tier, however often
    this runs (``plans.notify.send`` with an event key). Returns the number sent."""
    from deltawatch.accounts.models import Organisation
    from deltawatch.plans.choices import NoticeKind
    from deltawatch.plans.notify import Both, Wording, send

    today = today or timezone.localdate()
    sent = 0
    horizon = today + dt.timedelta(days=max(days))
    forms = Form.objects.filter(state__in=EDITABLE_STATES, cycle__due_date__gte=today,
                                cycle__due_date__lte=horizon).select_related("cycle__data_set", "region")
    for form in forms:
        left = (form.cycle.due_date - today).days
        tier = min(d for d in days if left <= d)
        units = Organisation.objects.filter(region_id=form.region_id)
        for unit in units:
            if form.cycle.period:
                wording = Wording(N_("“%(data_set)s”%(period)s %(region)s的填报将于 %(due)s 截止（还有 %(days)s 天）。"), {
                    "data_set": Both.of(form.cycle.data_set), "period": period_label(form.cycle.year, form.cycle.period),
                    "region": Both.of(form.region), "due": form.cycle.due_date, "days": left})
            else:
                wording = Wording(N_("“%(data_set)s”%(year)s 年%(region)s的填报将于 %(due)s 截止（还有 %(days)s 天）。"), {
                    "data_set": Both.of(form.cycle.data_set), "year": form.cycle.year, "region": Both.of(form.region),
                    "due": form.cycle.due_date, "days": left})
            key = f"reporting:{form.pk}:{form.cycle.due_date}:{tier}:{unit.pk}"
            if send(NoticeKind.REMINDER, unit, wording, event_key=key) is not None:
                sent += 1
    return sent


# ------------------------------------------------------------------------------ outlier flags

def store_outlier_flags(report: pd.DataFrame) -> int:
    """Keep the outlier rows of a report (``validate``) as flags a reviewer can follow up; a flag
    already stored keeps its 已核实 mark and note (its value and statistic are refreshed).
    Returns the number of new flags."""
    from deltawatch.regions.models import Region

    from .models import OutlierFlag

    rows = report[report["check"].str.split(":").str[0].isin(validation.OUTLIER_METHODS)]
    if rows.empty:
        return 0
    regions = dict(Region.objects.filter(code__in=rows["region_code"].unique().tolist()).values_list("code", "id"))
    indicators = dict(Indicator.objects.filter(code__in=rows["indicator"].unique().tolist()).values_list("code", "id"))
    made = 0
    with transaction.atomic():
        for row in rows.itertuples():
            _flag, created = OutlierFlag.objects.update_or_create(
                region_id=regions[row.region_code], indicator_id=indicators[row.indicator], year=int(row.year),
                method=row.check, defaults={"value": float(row.value), "detail": str(row.detail)[:200]})
            made += created
    return made


def verify_flag(flag_id: int, user, note: str):
    """Mark a flag 已核实 with the reviewer's note (required): the value was looked at and stands."""
    from .models import OutlierFlag
    from .workflow import WorkflowError

    if not (note or "").strip():
        raise WorkflowError(_("请填写核实说明。"))
    with acting_as(user):
        flag = OutlierFlag.objects.get(pk=flag_id)
        flag.verified, flag.note, flag.verified_by = True, note.strip(), user
        flag.save()
    return flag


# --- office pages (views_office)
# What the office's and reviewers' pages read: a cycle's forms with their completeness and
# checks in a few queries, the summaries of several cycles (the cycles page and the overview),
# opening a cycle of any period, the office's 催报 and a selection validated with thresholds.

PERIOD_CHOICES = {"year": ("",), "quarter": ("Q1", "Q2", "Q3", "Q4"),
                  "month": tuple(f"M{m:02d}" for m in range(1, 13))}


def period_end(year: int, period: str = "") -> dt.date:
    """The last day of a period: '' the year, 'Q1'–'Q4' a quarter, 'M01'–'M12' a month."""
    if not period:
        return dt.date(year, 12, 31)
    month = int(period[1:]) * 3 if period.startswith("Q") else int(period[1:])
    first_next = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return first_next - dt.timedelta(days=1)


def open_period_cycle(data_set: DataSet, year: int, period: str = "", *, due_date: dt.date | None = None,
                      user=None) -> tuple[ReportingCycle, int]:
    """``open_cycle`` for any period (a quarter, a month); a data set marked 示例 opens 示例 cycles."""
    if not period:
        return open_cycle(data_set, year, due_date=due_date, user=user, is_sample=data_set.is_sample)
    due = due_date or period_end(year, period) + dt.timedelta(days=data_set.due_days)
    with transaction.atomic():
        cycle, _made = ReportingCycle.objects.get_or_create(
            data_set=data_set, year=year, period=period,
            defaults={"due_date": due, "opened_by": user, "is_sample": data_set.is_sample})
        have = set(cycle.forms.values_list("region_id", flat=True))
        new = [Form(cycle=cycle, region_id=pk) for pk in data_set.reporting_regions().values_list("id", flat=True)
               if pk not in have]
        for form in new:
            form.save()
    return cycle, len(new)


def cycle_report(cycle: ReportingCycle) -> pd.DataFrame:
    """``form_report`` of every form of the cycle in one pass: one query for the values (the
    cycle's year and the one before, for the year-on-year rules), one check of the rules."""
    codes = sorted(cycle.data_set.indicators.values_list("code", flat=True))
    regions = list(cycle.forms.values_list("region__code", flat=True))
    if not codes or not regions:
        return validation.empty_report()
    frame = period_values(codes, regions, range(cycle.year - 1, cycle.year + 1), cycle.period)
    rules = [r.as_rule(regions=regions, years=[cycle.year]) for r in rules_for(cycle.data_set)]
    rules = [r for r in rules if set(validation.rule_indicators(r)) <= set(codes)]
    report = validation.check_rules(frame, rules, known=catalogue_codes())
    return report[report["year"] == cycle.year].reset_index(drop=True)


def cycle_forms(cycle: ReportingCycle, *, today: dt.date | None = None) -> list[dict]:
    """Every form of the cycle as the cycle page shows it: completeness (``completeness``),
    submission time, errors and warnings (``cycle_report``), outlier flags on its cells."""
    from .models import OutlierFlag

    table = completeness(cycle, today=today)
    report = cycle_report(cycle)
    checks = report.groupby(["region_code", "severity"]).size().to_dict() if not report.empty else {}
    forms = {f.region.code: f for f in cycle.forms.select_related("region")}
    flags: dict[int, list[int]] = {}
    stored = OutlierFlag.objects.filter(year=cycle.year, region_id__in=[f.region_id for f in forms.values()],
                                        indicator__in=cycle.data_set.indicators.all())
    if cycle.period:  # flags are stored for annual values only (the validate page checks annual data)
        stored = stored.none()
    for region_id, verified in stored.values_list("region_id", "verified"):
        flags.setdefault(region_id, [0, 0])[0] += 1
        flags[region_id][1] += 0 if verified else 1
    rows = []
    for row in table.to_dict("records"):
        form = forms[row["region_code"]]
        total, open_ = flags.get(form.region_id, (0, 0))
        rows.append({**row, "form": form, "submitted_at": form.submitted_at,
                     "errors": int(checks.get((row["region_code"], "error"), 0)),
                     "warnings": int(checks.get((row["region_code"], "warning"), 0)),
                     "flags": total, "flags_open": open_})
    return rows


def summarise(rows) -> dict:
    """Counts of a cycle's forms (rows of ``completeness`` or ``cycle_forms``): reported on time,
    late, missing (of which overdue), and the share of the cycle's cells filled."""
    rows = list(rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows)
    count = {t.value: sum(1 for r in rows if r["timeliness"] == t.value) for t in Timeliness}
    filled, expected = sum(r["filled"] for r in rows), sum(r["expected"] for r in rows)
    return {"forms": len(rows), "on_time": count["on_time"], "late": count["late"], "missing": count["missing"],
            "overdue": sum(1 for r in rows if r["overdue"]),
            "states": {s.value: sum(1 for r in rows if r["state"] == s.value) for s in FormState},
            "filled": filled, "expected": expected, "share": filled / expected if expected else None}


def cycle_summaries(cycles=None, *, today: dt.date | None = None) -> list[dict]:
    """``summarise`` of each cycle (default: every cycle, newest first) with the cycle itself."""
    if cycles is None:
        cycles = ReportingCycle.objects.select_related("data_set").order_by("-year", "-due_date", "data_set__code")
    return [{"cycle": c, **summarise(completeness(c, today=today))} for c in cycles]


def urge(cycle: ReportingCycle, user, *, today: dt.date | None = None) -> tuple[int, int]:
    """The office's 催报: notify the units of every region whose form of ``cycle`` is still to be
    reported (填报中, or 退回 to be reported again), through the task ledger's notifications.
    At most once a day per form and unit, however often the button is pressed. Returns the
    notifications sent and the number of such forms whose region has no unit to notify."""
    from deltawatch.accounts.models import Organisation
    from deltawatch.plans.choices import NoticeKind
    from deltawatch.plans.notify import Both, Wording, send

    today = today or timezone.localdate()
    forms = list(cycle.forms.filter(state__in=EDITABLE_STATES).select_related("region"))
    units: dict[int, list] = {}
    for unit in Organisation.objects.filter(region_id__in=[f.region_id for f in forms]):
        units.setdefault(unit.region_id, []).append(unit)
    sent = orphans = 0
    data_set = cycle.data_set
    for form in forms:
        if not units.get(form.region_id):
            orphans += 1
            continue
        late = today > cycle.due_date
        msgid = (N_("催报：“%(data_set)s”（%(year)s%(period)s）%(region)s的填报表已逾期（截止 %(due)s），请尽快上报。")
                 if late else N_("催报：“%(data_set)s”（%(year)s%(period)s）%(region)s的填报表尚未上报，截止 %(due)s。"))
        wording = Wording(msgid, {"data_set": Both.of(data_set),
                                  "year": cycle.year, "period": cycle.period, "region": Both.of(form.region),
                                  "due": cycle.due_date.isoformat()})
        for unit in units[form.region_id]:
            key = f"reporting-urge:{form.pk}:{today.isoformat()}:{unit.pk}"
            if send(NoticeKind.URGE, unit, wording, event_key=key) is not None:
                sent += 1
    return sent, orphans


# --- entry grid (views_entry)
# The cells of the entry grid: a typed or pasted text parsed with the importer's number parser
# (``observations.reader.numbers.parse_values``: full-width digits, thousands separators, blanks)
# and unit table (``observations.units``: 万元 ↔ 亿元, 万人 ↔ 人 …), checked against the
# indicator's natural bounds; the grid's values, flags and violations in a few queries; the
# history of one cell. The views (``views_entry``) only call these.

import re  # noqa: E402 — this block may only be appended to the module
import unicodedata  # noqa: E402

ENTRY_REFERENCE_YEARS = 4                         # years before the cycle's shown for reference
ENTRY_MULTIPLIERS = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4), ("千", 1e3), ("百", 1e2))
ENTRY_TOTAL_WORDS = ("合计", "总计", "小计", "总和", "total")
_ENTRY_NUMBER_RE = re.compile(r"^([+-]?(?:\d[\d,]*)?\.?\d*(?:[eE][+-]?\d+)?)(\D.*)?$")
_LOOKS_NUMERIC = re.compile(r"^[+\-−]?[\d.,]")  # a pasted cell that starts like a number, not a label


class CellError(ValueError):
    """A cell's text that is not a usable value of its indicator; ``str()`` is the message."""


def _suffix_factor(suffix: str, unit: str) -> float:
    """The factor that turns a number written with ``suffix`` (万, 亿元, 万亿元, 人, % …) into
    ``unit``; a bare multiplier (万, 亿) counts the unit's quantity in its base unit (元, 人)."""
    from deltawatch.observations.units import UnitError, conversion_factor, parse_unit

    target = parse_unit(unit)
    for word, multiplier in ENTRY_MULTIPLIERS:
        if suffix == word:
            return multiplier / target.factor
    try:
        return conversion_factor(suffix, unit)
    except UnitError as error:
        if error.code == "incompatible_unit":
            raise CellError(_("单位“%(suffix)s”与指标的计量单位“%(unit)s”不是同一种量。")
                            % {"suffix": suffix, "unit": unit}) from None
    for word, multiplier in ENTRY_MULTIPLIERS:
        if suffix.startswith(word) and len(suffix) > len(word):
            try:
                return multiplier * conversion_factor(suffix[len(word):], unit)
            except UnitError:
                break
    raise CellError(_("无法识别单位“%(suffix)s”：请只填数字（单位为%(unit)s），或写明单位，如 1.2万元、3.5亿元。")
                    % {"suffix": suffix, "unit": unit})


def parse_cell(text, indicator) -> float | None:
    """The value of a typed cell in ``indicator``'s unit; None for a blank cell ("", "-", "—").

    The importer's parser reads the number ("１２，３４５.６" = 12345.6); a unit written after it
    is converted into the indicator's unit ("1.2万" in a 人 cell = 12,000; "5000万元" in an 亿元
    cell = 0.5); the result must lie within the indicator's natural bounds (a population is not
    negative, a share not above 100 %). Raises :class:`CellError` with the message."""
    from deltawatch.observations.reader.limits import MAX_CELL_CHARS, MAX_PLAUSIBLE_MAGNITUDE
    from deltawatch.observations.reader.numbers import BLANK, OK, parse_values

    raw = "" if text is None else str(text)
    if len(raw) > MAX_CELL_CHARS:
        raise CellError(_("内容过长（%(n)s 个字符）。") % {"n": len(raw)})
    folded = "".join(unicodedata.normalize("NFKC", raw).split()).replace("−", "-")
    percent_unit = indicator.unit.strip() in ("%", "％")
    values, status = parse_values([folded], percent_ok=percent_unit, nan_is_blank=False)
    if status[0] == BLANK:
        return None
    if status[0] == OK:
        value = float(values[0])
    else:
        match = _ENTRY_NUMBER_RE.match(folded)
        number, suffix = (match.group(1), match.group(2)) if match else ("", None)
        parsed, number_status = parse_values([number], nan_is_blank=False) if number else (None, [BLANK])
        if not suffix or number_status[0] != OK:
            raise CellError(_("“%(text)s”不是数字。") % {"text": raw.strip()[:40]})
        value = float(parsed[0]) * _suffix_factor(suffix, indicator.unit)
    if not math.isfinite(value) or abs(value) > MAX_PLAUSIBLE_MAGNITUDE:
        raise CellError(_("数值过大，请检查单位（应为%(unit)s）。") % {"unit": indicator.unit})
    low, high = indicator.lower_bound, indicator.upper_bound
    if low is not None and value < low:
        raise CellError(_("%(name)s不能小于 %(low)g %(unit)s。")
                        % {"name": indicator.name_zh, "low": low, "unit": indicator.unit})
    if high is not None and value > high:
        raise CellError(_("%(name)s不能大于 %(high)g %(unit)s。")
                        % {"name": indicator.name_zh, "high": high, "unit": indicator.unit})
    return value


def parse_cells(texts: list, indicators: list) -> list[tuple[float | None, str | None]]:
    """``parse_cell`` over many cells at once: (value or None, error message or None) per cell.
    The plain numbers go through the importer's parser in one vectorised call; only the
    others (units, text) take ``parse_cell`` one by one."""
    from deltawatch.observations.reader.limits import MAX_CELL_CHARS, MAX_PLAUSIBLE_MAGNITUDE
    from deltawatch.observations.reader.numbers import OK, parse_values

    folded = ["".join(unicodedata.normalize("NFKC", "" if t is None else str(t)).split()).replace("−", "-")
              for t in texts]
    percent = [i.unit.strip() in ("%", "％") for i in indicators]
    values, status = parse_values(folded, percent_ok=percent, nan_is_blank=False) if texts else ([], [])
    out = []
    for text, indicator, value, code in zip(texts, indicators, values, status):
        low, high = indicator.lower_bound, indicator.upper_bound
        if code == OK and len(str(text)) <= MAX_CELL_CHARS and abs(value) <= MAX_PLAUSIBLE_MAGNITUDE \
                and (low is None or value >= low) and (high is None or value <= high):
            out.append((float(value), None))
            continue
        try:
            out.append((parse_cell(text, indicator), None))
        except CellError as error:
            out.append((None, str(error)))
    return out


def entry_indicators(form: Form) -> list:
    """The data set's indicators in the catalogue's order (rows of the grid)."""
    return list(form.cycle.data_set.indicators.all())


def save_cells(form: Form, user, texts: dict[str, str], *, source: str = "") -> tuple[int, dict[str, str]]:
    """Parse ``texts`` (indicator code → typed text) and save the good ones as drafts
    (``enter_values``); blanks are left alone. Returns (number written, code → error message)."""
    by_code = {i.code: i for i in entry_indicators(form)}
    good, errors = {}, {}
    for code in texts:
        if code not in by_code:
            errors[code] = _("指标不在此报表中：%(code)s") % {"code": code}
    known = [code for code in texts if code in by_code]
    parsed = parse_cells([texts[c] for c in known], [by_code[c] for c in known])
    for code, (value, error) in zip(known, parsed):
        if error:
            errors[code] = error
        elif value is not None:
            good[code] = value
    written = enter_values(form.pk, user, good, source=source) if good else 0
    return written, errors


def _is_total_row(cells: list[str]) -> bool:
    first = next((c for c in cells if c.strip()), "")
    folded = "".join(unicodedata.normalize("NFKC", first).split()).lower()
    return any(word in folded for word in ENTRY_TOTAL_WORDS)


def parse_paste(form: Form, start: str, text: str) -> dict:
    """A block pasted from Excel (tab-separated lines) from the row of indicator ``start`` down.

    Per line, the last non-blank cell is the value and text cells before it are labels (the
    indicator's name copied along); a line with two numbers is an error (one column is
    editable). Blank lines — what merged cells copy as — leave their row unchanged; a
    trailing 合计/总计 line is left out. Returns ``{"values": {code: value}, "texts": {code:
    text}, "errors": [{"row", "column", "text", "message", "code"}], "skipped_blank": n,
    "skipped_total": [line texts]}``; nothing is saved here."""
    indicators = entry_indicators(form)
    codes = [i.code for i in indicators]
    if start not in codes:
        raise CellError(_("指标不在此报表中：%(code)s") % {"code": start})
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = [line.split("\t") for line in lines]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    skipped_total = []
    while rows and _is_total_row(rows[-1]):
        skipped_total.append("\t".join(rows.pop()).strip())
    out = {"values": {}, "texts": {}, "errors": [], "skipped_blank": 0, "skipped_total": skipped_total[::-1]}
    offset = codes.index(start)
    chosen = []      # (pasted row, column, text, indicator) of the value of each line
    for r, cells in enumerate(rows):
        filled = [(c, cell.strip()) for c, cell in enumerate(cells) if cell.strip()]
        if offset + r >= len(codes):
            if filled:
                out["errors"].append({"row": r + 1, "column": filled[-1][0] + 1, "text": filled[-1][1], "code": "",
                                      "message": _("超出表格：粘贴内容比表格多 %(n)s 行。")
                                      % {"n": len(rows) - (len(codes) - offset)}})
            continue
        indicator = indicators[offset + r]
        if not filled:
            out["skipped_blank"] += 1
            continue
        numeric = [k for k, (_c, t) in enumerate(filled) if _LOOKS_NUMERIC.match(unicodedata.normalize("NFKC", t))]
        if len(numeric) > 1:
            column, cell = filled[numeric[-1]]
            message = (_("此行有 %(n)s 个数值，每行只能粘贴一个（本表只有 %(period)s 一列可填）。")
                       % {"n": len(numeric), "period": period_label(form.cycle.year, form.cycle.period)}
                       if form.cycle.period else
                       _("此行有 %(n)s 个数值，每行只能粘贴一个（本表只有 %(year)s 年一列可填）。")
                       % {"n": len(numeric), "year": form.cycle.year})
            out["errors"].append({"row": r + 1, "column": column + 1, "text": cell, "code": indicator.code,
                                  "message": message})
            continue
        column, cell = filled[-1]
        out["texts"][indicator.code] = cell
        chosen.append((r, column, cell, indicator))
    parsed = parse_cells([c[2] for c in chosen], [c[3] for c in chosen])
    for (r, column, cell, indicator), (value, error) in zip(chosen, parsed):
        if error:
            out["errors"].append({"row": r + 1, "column": column + 1, "text": cell, "code": indicator.code,
                                  "message": error})
        elif value is not None:
            out["values"][indicator.code] = value
    out["errors"].sort(key=lambda e: (e["row"], e["column"]))
    return out


def cycle_issue_counts(cycle: ReportingCycle, region_codes) -> dict[str, dict[str, int]]:
    """Errors and warnings of the data set's rules on each region's form (region code →
    {"error": n, "warning": n}): one query and one run of the rules for all the forms."""
    codes = sorted(cycle.data_set.indicators.values_list("code", flat=True))
    region_codes = sorted(region_codes)
    if not codes or not region_codes:
        return {}
    frame = period_values(codes, region_codes, range(cycle.year - 1, cycle.year + 1), cycle.period)
    rules = [r.as_rule(regions=region_codes, years=[cycle.year]) for r in rules_for(cycle.data_set)]
    rules = [r for r in rules if set(validation.rule_indicators(r)) <= set(codes)]
    report = validation.check_rules(frame, rules, known=catalogue_codes())
    report = report[report["year"] == cycle.year]
    counts: dict[str, dict[str, int]] = {}
    for (region, severity), n in report.groupby(["region_code", "severity"]).size().items():
        counts.setdefault(region, {"error": 0, "warning": 0})[severity] = int(n)
    return counts


def set_cell_note(form: Form, user, code: str, note: str):
    """The comment of a cell (``Observation.note`` of its current value), changed in place and
    recorded (a change record: who, when, old → new). Refused like ``enter_values``."""
    from .workflow import WorkflowError, may

    if not may(user, FormAction.SUBMIT, form):
        raise WorkflowError(_("您无权填报%(region)s的数据。") % {"region": form.region.name_zh})
    note = (note or "").strip()
    if len(note) > 2000:
        raise WorkflowError(_("说明过长（最多 2000 字）。"))
    with transaction.atomic(), acting_as(user):
        locked = Form.objects.select_for_update().get(pk=form.pk)
        if locked.state not in EDITABLE_STATES:
            raise WorkflowError(_("填报表为“%(state)s”，数值已锁定，不能修改。") % {"state": FormState(locked.state).label})
        current = _form_observations(form).filter(indicator__code=code).first()
        if current is None:
            raise WorkflowError(_("请先填写数值，再添加说明。"))
        if current.note != note:
            current.note = note
            current.save(update_fields=["note"])
    return current


def cell_history(form: Form, indicator, year: int) -> list[dict]:
    """Everything that happened to one cell, oldest first: each revision (who entered it, old →
    new value, source) and each status change (submitted, approved, returned to draft) or
    comment change from the change records, with the form's unlocks."""
    from deltawatch.reporting.models import FormJournal

    revisions = list(Observation.all_periods.filter(region_id=form.region_id, indicator=indicator, year=year,
                                                    period=form.cycle.period)
                     .select_related("recorded_by").order_by("revision"))
    events = []
    previous = None
    for obs in revisions:
        events.append({"at": obs.recorded_at, "kind": "entered", "who": obs.recorded_by,
                       "old": previous.value if previous else None, "new": obs.value,
                       "supplied": obs.value_supplied, "source": obs.source, "revision": obs.revision})
        previous = obs
    if revisions:
        content_type = ContentType.objects.get_for_model(Observation)
        records = (ChangeRecord.objects.filter(content_type=content_type,
                                               object_id__in=[str(o.pk) for o in revisions])
                   .select_related("user").order_by("timestamp", "id"))
        for record in records:
            changes = record.changes or {}
            if "status" in changes and record.action == ChangeRecord.Action.UPDATE and "value" not in changes:
                events.append({"at": record.timestamp, "kind": "status", "who": record.user,
                               "old": changes["status"][0], "new": changes["status"][1]})
            elif "note" in changes and record.action == ChangeRecord.Action.UPDATE and "value" not in changes:
                events.append({"at": record.timestamp, "kind": "note", "who": record.user,
                               "old": changes["note"][0], "new": changes["note"][1]})
    if year == form.cycle.year:
        for entry in FormJournal.objects.filter(form=form, action=FormAction.UNLOCK).select_related("actor"):
            events.append({"at": entry.at, "kind": "unlock", "who": entry.actor, "old": entry.from_state,
                           "new": entry.to_state, "comment": entry.comment})
    events.sort(key=lambda e: e["at"])
    return events
