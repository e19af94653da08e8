from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from deltawatch.core.admin import ReadOnlyAdmin

from .models import ImportBatch, Observation


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    """Editing a value never overwrites it: saving writes the next revision and keeps the old one."""

    list_display = ["region", "indicator", "year", "value", "qualifier", "revision", "is_current", "status", "source", "recorded_at"]
    list_filter = ["is_current", "status", "indicator__dimension", "indicator"]
    search_fields = ["region__name_zh", "region__code", "indicator__code", "indicator__name_zh"]
    autocomplete_fields = ["region", "indicator"]
    readonly_fields = ["revision", "is_current", "batch", "recorded_by", "recorded_at"]
    list_select_related = ["region", "indicator"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region", "indicator")

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        obj.recorded_at = timezone.now()
        if change:
            previous = Observation.objects.select_for_update().get(pk=obj.pk)
            Observation.objects.filter(pk=previous.pk).update(is_current=False)
            obj.pk = None
            obj.revision = previous.revision + 1
            obj.batch = None
        else:
            latest = Observation.objects.filter(region=obj.region, indicator=obj.indicator, year=obj.year)
            last = latest.order_by("-revision").first()
            if last is not None:
                latest.filter(is_current=True).update(is_current=False)
                obj.revision = last.revision + 1
        obj.is_current = True
        obj.save()

    def has_delete_permission(self, request, obj=None):
        return False  # history is never lost


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "file_name", "layout", "user", "rows_read", "rows_created", "rows_revised", "rows_unchanged"]
    search_fields = ["file_name", "sha256"]
