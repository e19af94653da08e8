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


def _form_observations(form: Form):
    return Observation.objects.filter(is_current=True, region_id=form.region_id, year=form.cycle.year,
                                      indicator__in=form.cycle.data_set.indicators.all())


def form_frame(form: Form, *, years_back: int = 1) -> pd.DataFrame:
    """The current values of the form's region and indicators, its year and ``years_back``
    before (the year-on-year rules need the previous year)."""
    year = form.cycle.year
    frame = current_values(form_indicators(form), [form.region.code], range(year - years_back, year + 1))
    return frame[["region_code", "indicator", "year", "value"]]


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
        Observation.objects.filter(id__in=ids[start:start + 900]).update(status=status)
    content_type = ContentType.objects.get_for_model(Observation)
    label = f"{form.region.name_zh} · {form.cycle.year}"
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
    indicators = dict(Indicator.objects.filter(code__in=list(numbers_)).values_list("code", "id"))
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
            new = Observation(region_id=form.region_id, indicator_id=indicators[code], year=form.cycle.year,
                              value=value, value_supplied=str(values[code]), source=source, status=Status.DRAFT,
                              recorded_by=user, recorded_at=now, revision=1 if old is None else old.revision + 1)
            if old is not None:
                Observation.objects.filter(pk=old.pk).update(is_current=False)
                record_as_revision(new, old)
            new.save()
            written += 1
    return written


def locked_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` (region_code, indicator, year, …) whose cell belongs to a form that is
    已上报 or 审核通过: an import may not change them."""
    if frame.empty:
        return frame
    forms = Form.objects.filter(state__in=LOCKED_STATES, cycle__year__in=[int(y) for y in frame["year"].unique()],
                                region__code__in=list(frame["region_code"].unique()))
    rows = list(forms.values_list("region__code", "cycle__year", "cycle__data_set__indicators__code").distinct())
    if not rows:
        return frame.iloc[0:0]
    locked = pd.DataFrame(rows, columns=["region_code", "year", "indicator"]).astype({"year": "int64"})
    keyed = frame.reset_index().merge(locked, on=["region_code", "indicator", "year"])
    return frame.loc[keyed["index"]]


# ------------------------------------------------------------------------------ selections

def selection_frame(indicators=None, regions=None, years=None) -> pd.DataFrame:
    """Current values of a selection (None: everything), in one query."""
    codes = indicators or list(Indicator.objects.values_list("code", flat=True))
    frame = current_values(codes, regions, years)
    if years:
        frame = frame[frame["year"].isin([int(y) for y in years])]
    return frame[["region_code", "indicator", "year", "value"]].reset_index(drop=True)


def validate(frame: pd.DataFrame, *, rules: bool = True, outliers=(), known=None) -> pd.DataFrame:
    """The report of the active rules and the outlier ``methods`` ('zscore', 'modz', 'iqr', or
    'history': modz across each region's own years) over ``frame``. Rules reading an indicator
    that the frame lacks are left out (a selection of indicators)."""
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
    for method in outliers:
        if method == "history":
            parts.append(validation.outliers(frame, "modz", across="history"))
        else:
            parts.append(validation.outliers(frame, method))
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else validation.empty_report()


# ------------------------------------------------------------------------------ completeness, reminders

def completeness(cycle: ReportingCycle, *, today: dt.date | None = None) -> pd.DataFrame:
    """Per form: state, timeliness (on time: first submitted by the due date; late: after it, or
    not yet and the date passed; missing: never submitted), cells filled of those expected."""
    today = today or timezone.localdate()
    forms = list(cycle.forms.select_related("region").order_by("region__code"))
    codes = cycle.data_set.indicators.values_list("id", flat=True)
    counts = pd.Series(Observation.objects.filter(is_current=True, year=cycle.year, indicator_id__in=list(codes),
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
