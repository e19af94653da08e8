from django.contrib import admin

from .models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "topic", "status", "is_public", "answered_by", "answered_at"]
    list_filter = ["status", "topic", "is_public"]
    search_fields = ["text", "answer"]
    readonly_fields = ["created_at", "updated_at", "answered_by", "answered_at"]
