from django.contrib import admin

from .models import (
    DataSet,
    Explanation,
    Form,
    FormJournal,
    OutlierFlag,
    ReportingCycle,
    ValidationRule,
)


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "period_type", "level", "due_days", "is_sample"]
    list_filter = ["period_type", "is_sample"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(ReportingCycle)
class ReportingCycleAdmin(admin.ModelAdmin):
    list_display = ["data_set", "year", "period", "due_date", "is_sample"]
    list_filter = ["year", "is_sample"]
    search_fields = ["data_set__name_zh", "data_set__code"]


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ["cycle", "region", "state", "version", "submitted_at"]
    list_filter = ["state", "cycle"]
    search_fields = ["region__name_zh", "region__code"]
    readonly_fields = ["state", "version"]  # changed by the workflow only


@admin.register(FormJournal)
class FormJournalAdmin(admin.ModelAdmin):
    list_display = ["form", "action", "from_state", "to_state", "actor", "at"]
    list_filter = ["action"]
    search_fields = ["form__region__name_zh", "comment"]


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "expression", "indicator", "severity", "active"]
    list_filter = ["kind", "severity", "active"]
    search_fields = ["name", "expression", "indicator", "description"]


@admin.register(OutlierFlag)
class OutlierFlagAdmin(admin.ModelAdmin):
    list_display = ["region", "indicator", "year", "method", "value", "verified"]
    list_filter = ["method", "verified"]
    search_fields = ["region__name_zh", "indicator__code"]


@admin.register(Explanation)
class ExplanationAdmin(admin.ModelAdmin):
    list_display = ["form", "check_name", "indicator", "year", "author"]
    search_fields = ["check_name", "indicator", "text"]
