from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from deltawatch.core.admin import shortened, unit_label

from .choices import Comparator
from .models import Dimension, Indicator, Target


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name_zh", "name_en"]
    list_display_links = ["code"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "unit_symbol", "direction", "dimension", "aggregation", "formula"]
    list_filter = ["dimension", "direction", "aggregation", "is_rate"]
    search_fields = ["code", "name_zh", "name_en"]
    autocomplete_fields = ["weight"]

    @admin.display(description=_("计量单位"), ordering="unit")
    def unit_symbol(self, obj):
        return unit_label(obj.unit)


def target_wording(target) -> str:
    """A target as the plan words it (``3%以上``), else comparator and number(s) (``≥ 3``)."""
    if target.value_text:
        return target.value_text
    if target.comparator == Comparator.RANGE:
        return f"{target.low:g}–{target.high:g}" if target.low is not None and target.high is not None else ""
    symbol = dict(Comparator.choices).get(target.comparator, target.comparator)
    return f"{symbol} {target.value:g}" if target.value is not None else ""


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """The target list fits a 1366-pixel screen next to the admin's menu and filters: one
    column for the region or group, the target as the plan words it, and the sentence cut
    short (whole in a tooltip and in the form; the document is a filter)."""

    list_display = ["indicator_name", "scope", "target_year", "wording", "binding", "sentence_short"]
    list_filter = ["target_year", "binding", "change_type", "document"]
    search_fields = ["indicator__code", "indicator__name_zh", "sentence"]
    autocomplete_fields = ["indicator", "region"]
    list_select_related = ["indicator", "region", "group"]

    @admin.display(description=_("指标"), ordering="indicator__code")
    def indicator_name(self, obj):
        return obj.indicator.name_zh

    @admin.display(description=_("区域/区域组"))
    def scope(self, obj):
        return (obj.region or obj.group).name_zh if (obj.region_id or obj.group_id) else "-"

    @admin.display(description=_("目标"), ordering="value")
    def wording(self, obj):
        return target_wording(obj)

    @admin.display(description=_("原文"))
    def sentence_short(self, obj):
        return shortened(obj.sentence, 18)
