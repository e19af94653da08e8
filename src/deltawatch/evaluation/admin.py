from django.contrib import admin

from deltawatch.core.admin import ReadOnlyAdmin

from .models import (IndexRankInterval, IndexRun, IndexScore, IndexSensitivity, ProgressAssessment, ProgressRun,
                     StatusChange)


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


@admin.register(IndexRun)
class IndexRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "kind", "name", "data_source", "years", "target", "runs", "run_by", "data_hash"]
    list_filter = ["kind", "name"]


@admin.register(IndexScore)
class IndexScoreAdmin(ReadOnlyAdmin):
    list_display = ["run", "unit_code", "region", "year", "node", "level", "score", "rank"]
    list_filter = ["run", "level", "node", "year"]
    search_fields = ["unit_code", "region__name_zh", "node"]
    list_select_related = ["run", "region"]


@admin.register(IndexRankInterval)
class IndexRankIntervalAdmin(ReadOnlyAdmin):
    list_display = ["run", "unit_code", "region", "nominal_rank", "mean_rank", "median_rank", "q05_rank", "q95_rank"]
    list_filter = ["run"]
    search_fields = ["unit_code", "region__name_zh"]
    list_select_related = ["run", "region"]


@admin.register(IndexSensitivity)
class IndexSensitivityAdmin(ReadOnlyAdmin):
    list_display = ["run", "factor", "s1", "s1_conf", "st", "st_conf"]
    list_filter = ["run"]
