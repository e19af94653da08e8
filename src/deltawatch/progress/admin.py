from django.contrib import admin

from deltawatch.core.admin import ReadOnlyAdmin

from .models import ProgressAssessment, ProgressRun, StatusChange


@admin.register(ProgressRun)
class ProgressRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "method", "base_year", "default_base_year", "fit_start_year", "run_by", "data_vintage",
                    "assessed", "changed"]
    list_filter = ["method"]


@admin.register(ProgressAssessment)
class ProgressAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "region", "group", "target_year", "comparator", "target_value", "plan_base_year",
                    "base_year_source", "base_year", "latest_year", "latest_value", "projected_value", "ratio", "status",
                    "method"]
    list_filter = ["method", "status", "rule", "base_year_source", "indicator__dimension", "target_year", "group"]
    search_fields = ["indicator__code", "indicator__name_zh", "region__name_zh", "region__code", "group__name_zh"]
    list_select_related = ["indicator", "region", "group"]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "indicator", "region", "group", "old_status", "new_status", "method",
                    "batch"]
    list_filter = ["method", "new_status", "old_status"]
    list_select_related = ["indicator", "region", "group", "batch"]


# The order of the spec file (docs/index-spec.md); PostgreSQL's jsonb gives keys back sorted.
