from django.contrib import admin

from .models import (Assignment, Baseline, BaselineItem, Evidence, ExtensionRequest, JournalEntry, Measure, Milestone,
                     Notification, Plan, ProgressReport, Section, Task)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "kind", "period_start", "period_end", "owner", "parent", "is_example")
    list_filter = ("kind", "is_example")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "plan", "parent", "order")
    list_filter = ("plan",)
    search_fields = ("number", "title")


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "section", "source_location")
    list_filter = ("section__plan",)
    search_fields = ("code", "title", "source_sentence")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "plan", "lead_unit", "due_date", "status", "is_example")
    list_filter = ("plan", "status", "category", "is_example")
    search_fields = ("code", "title")
    readonly_fields = ("status",)
    filter_horizontal = ("regions", "indicators", "targets")
    inlines = [MilestoneInline]


class _ReadOnly(admin.ModelAdmin):
    """Rows written by the closed loop only (``plans.workflow``): the admin shows them and
    neither edits nor deletes them — the journal is immutable, and an assignment's state
    changes only by a journalled transition."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(_ReadOnly):
    list_display = ("task", "unit", "role", "state", "due_date", "percent", "returns", "version")
    list_filter = ("state", "role", "task__plan")
    search_fields = ("task__code", "task__title", "unit__name_zh")


@admin.register(JournalEntry)
class JournalEntryAdmin(_ReadOnly):
    list_display = ("at", "task", "assignment", "action", "from_state", "to_state", "actor", "actor_unit")
    list_filter = ("action",)
    search_fields = ("task__code", "comment")


@admin.register(ProgressReport)
class ProgressReportAdmin(_ReadOnly):
    list_display = ("assignment", "percent", "created_at")


@admin.register(Evidence)
class EvidenceAdmin(_ReadOnly):
    list_display = ("name", "size", "sha256", "uploaded_at")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(_ReadOnly):
    list_display = ("assignment", "old_due", "new_due", "state", "requested_at", "decided_at")
    list_filter = ("state",)


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ("name", "plan", "created_at", "created_by")


@admin.register(BaselineItem)
class BaselineItemAdmin(_ReadOnly):
    list_display = ("baseline", "task", "start_date", "due_date")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "unit", "message", "read_at")
    list_filter = ("kind",)
    search_fields = ("message",)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "task", "due_date", "deliverable", "done_on")
    search_fields = ("title", "task__code", "task__title")
