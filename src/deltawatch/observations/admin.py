"""Observations in the admin: a correction is a new revision, reviewed again, and recorded."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import get_language, gettext_lazy

from deltawatch.audit.signals import record_as_revision
from deltawatch.core.admin import ReadOnlyAdmin, unit_label

from .choices import Qualifier, Status
from .models import ImportBatch, Observation

KEY_FIELDS = ("region", "indicator", "year", "period")  # at most one current value per key


# Every period: the admin lists, edits and revises quarterly and monthly values too
# (``Observation.all_periods``; ``objects`` reads annual values only).

def other_current_value(region, indicator, year, exclude_pk=None, period=""):
    """The current observation of (region, indicator, year, period) other than row ``exclude_pk``, or None."""
    rows = Observation.all_periods.filter(region=region, indicator=indicator, year=year, period=period,
                                          is_current=True)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.select_related("region", "indicator").first()


def next_revision(region, indicator, year, period="") -> int:
    """The revision number a new row of (region, indicator, year, period) takes: one past its last, or 1."""
    last = Observation.all_periods.filter(region=region, indicator=indicator, year=year, period=period).aggregate(
        n=Max("revision"))["n"]
    return (last or 0) + 1


def localized_name(obj) -> str:
    """A region's or indicator's name in the language of the request (Chinese unless English)."""
    english = (get_language() or "").startswith("en")
    return (obj.name_en if english else "") or obj.name_zh


def format_value(value) -> str:
    """A stored float as a reader expects it: thousands separated, up to 12 significant digits."""
    return "" if value is None else f"{value:,.12g}"


def value_text(value, unit: str, qualifier: str = "") -> str:
    """A value as a list shows it: ``约 4.4 %``, ``≥ 37 %``, ``19,235.8 亿元 (初步)``.

    The qualifier is folded into the value, as a yearbook writes it, rather than given a
    column of its own that would be blank for nearly every row.
    """
    text = f"{format_value(value)}\N{NO-BREAK SPACE}{unit_label(unit)}"
    if qualifier == Qualifier.APPROXIMATE:
        return _("约 %(value)s") % {"value": text}
    if qualifier == Qualifier.LOWER_BOUND:
        return f"≥ {text}"
    if qualifier == Qualifier.UPPER_BOUND:
        return f"≤ {text}"
    if qualifier == Qualifier.PRELIMINARY:
        return _("%(value)s（初步）") % {"value": text}
    return text


class ObservationAdminForm(forms.ModelForm):
    """The observation form, which refuses to give a key a second current value.

    Moving a value to another year (region, indicator) that already has a current value would
    break the constraint ``observation_one_current``; the database refuses it with an
    IntegrityError, a bare server error that loses what was typed. Django's own constraint
    check does not catch it in the admin: the constraint's condition reads ``is_current``,
    which this form does not edit, and Django skips constraints on fields a form leaves out.
    """

    class Meta:
        model = Observation
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._name_the_supplied_unit()

    def _name_the_supplied_unit(self):
        """Under a supplied unit written as a code (``100m_yuan``), say which unit it is (亿元)."""
        field = self.fields.get("unit_supplied")
        code = self.instance.unit_supplied
        if field is not None and code and unit_label(code) != code:
            field.help_text = _("即 %(unit)s") % {"unit": unit_label(code)}

    def clean(self):
        cleaned = super().clean()
        moved = [name for name in KEY_FIELDS if name in self.changed_data]
        if self.instance.pk is not None and moved and all(cleaned.get(name) for name in KEY_FIELDS[:3]):
            other = other_current_value(cleaned["region"], cleaned["indicator"], cleaned["year"],
                                        exclude_pk=self.instance.pk, period=cleaned.get("period") or "")
            if other is not None:
                self.add_error(moved[0], self._collision_message(other))
        return cleaned

    @staticmethod
    def _collision_message(other):
        message = _("%(region)s %(indicator)s %(year)s 年已有现行值 %(value)s（第 %(revision)s 版）。"
                    "同一区域、指标和年份只能有一个现行值：要更正那一年的数值，请修改那一条；"
                    "本条请核对年份、区域和指标。") % {
            "region": localized_name(other.region), "indicator": localized_name(other.indicator), "year": other.year,
            "value": f"{format_value(other.value)} {unit_label(other.indicator.unit)}", "revision": other.revision}
        url = reverse("admin:observations_observation_change", args=[other.pk])
        return format_html('{} <a href="{}">{}</a>', message, url, _("打开该年的现行值"))


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    """Editing a value never overwrites it: saving writes the next revision and keeps the old one.

    The new revision is recorded in the change record as an update of the one it replaces
    (``audit.signals.record_as_revision``). A revision whose data changed cannot be approved
    in the same save: approving is a separate, later step on a value the reviewer has seen, so
    a save that changes any field but the status and asks for "approved" (typically an edit of
    an approved value, which keeps its status in the form) stores "submitted" and says so. An
    explicit "draft" is kept. Superseded revisions are history: they open read-only.
    """

    form = ObservationAdminForm
    # Columns chosen to fit a 1366-pixel screen beside the menu and the filters; the source
    # and the note are on the form.
    list_display = ["region_name", "indicator_name", "year", "period_shown", "value_with_unit", "supplied_unit",
                    "revision", "is_current", "status"]
    list_filter = ["is_current", "status", "period", "qualifier", "indicator__dimension", "indicator"]
    search_fields = ["region__name_zh", "region__code", "indicator__code", "indicator__name_zh"]
    autocomplete_fields = ["region", "indicator"]
    fields = ["region", "indicator", "year", "period", "value", "indicator_unit", "qualifier", "value_supplied", "unit_supplied",
              "source", "note", "status", "revision", "is_current", "batch", "recorded_by", "recorded_at"]
    readonly_fields = ["indicator_unit", "revision", "is_current", "batch", "recorded_by", "recorded_at"]
    list_select_related = ["region", "indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region", "indicator")

    @admin.display(description=gettext_lazy("区域"), ordering="region__code")
    def region_name(self, obj):
        return obj.region.name_zh

    @admin.display(description=gettext_lazy("指标"), ordering="indicator__code")
    def indicator_name(self, obj):
        return format_html('<span title="{}">{}</span>', obj.indicator.code, obj.indicator.name_zh)

    @admin.display(description=gettext_lazy("报告期"), ordering="period")
    def period_shown(self, obj):
        return obj.period or "—"

    @admin.display(description=gettext_lazy("数值"), ordering="value")
    def value_with_unit(self, obj):
        return value_text(obj.value, obj.indicator.unit, obj.qualifier)

    @admin.display(description=gettext_lazy("原始单位"), ordering="unit_supplied")
    def supplied_unit(self, obj):
        return unit_label(obj.unit_supplied)

    @admin.display(description=gettext_lazy("原始单位"))
    def unit_supplied_readable(self, obj):
        """The supplied unit on a read-only page: its Chinese symbol, then the code as supplied."""
        label = unit_label(obj.unit_supplied)
        return label if label == obj.unit_supplied else f"{label} ({obj.unit_supplied})"

    @admin.display(description=gettext_lazy("计量单位"))
    def indicator_unit(self, obj):
        return unit_label(obj.indicator.unit) if obj is not None and obj.indicator_id else "-"

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):  # a read-only page
            fields = ["unit_supplied_readable" if name == "unit_supplied" else name for name in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "unit_supplied_readable"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_current:
            return False  # a superseded revision is history; correct the current one
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # history is never lost

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            self.message_user(request, _("未作任何修改，没有新建修订。"), messages.INFO)
            return
        if self._needs_review_again(form, obj):
            obj.status = Status.SUBMITTED
            self.message_user(request, _("修改了数据的修订须重新审核：状态已设为“已报送”，审核后再改为“已审核”。"),
                              messages.WARNING)
        superseded = self._superseded_revision(obj, change)
        obj.recorded_by = request.user
        obj.recorded_at = timezone.now()
        if superseded is not None:
            Observation.all_periods.filter(pk=superseded.pk).update(is_current=False)
            record_as_revision(obj, superseded)
        obj.pk = None
        obj.batch = None
        obj.revision = next_revision(obj.region, obj.indicator, obj.year, obj.period)
        obj.is_current = True
        obj.save()

    @staticmethod
    def _needs_review_again(form, obj) -> bool:
        """True when the save changes data (any field but the status) and would store "approved"."""
        return obj.status == Status.APPROVED and bool(set(form.changed_data) - {"status"})

    @staticmethod
    def _superseded_revision(obj, change):
        """The current row this save replaces, locked: the edited row, or on add the key's current value."""
        if change:
            return Observation.all_periods.select_for_update().get(pk=obj.pk)
        return (Observation.all_periods.select_for_update()
                .filter(region=obj.region, indicator=obj.indicator, year=obj.year, period=obj.period,
                        is_current=True).first())


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "file_name", "layout", "user", "rows_read", "rows_created", "rows_revised", "rows_unchanged"]
    search_fields = ["file_name", "sha256"]
