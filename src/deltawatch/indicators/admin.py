from django.contrib import admin

from .models import Dimension, Indicator, Target


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name_zh", "name_en"]
    list_display_links = ["code"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "unit", "direction", "dimension", "aggregation", "formula"]
    list_filter = ["dimension", "direction", "aggregation", "is_rate"]
    search_fields = ["code", "name_zh", "name_en"]
    autocomplete_fields = ["weight"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "region", "group", "target_year", "comparator", "value", "low", "high", "binding", "document"]
    list_filter = ["target_year", "binding", "change_type", "document"]
    search_fields = ["indicator__code", "indicator__name_zh", "sentence"]
    autocomplete_fields = ["indicator", "region"]
