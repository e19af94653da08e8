from django.contrib import admin

from .models import Region, RegionGroup


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    autocomplete_fields = ["parent"]


@admin.register(RegionGroup)
class RegionGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind", "member_count"]
    list_filter = ["kind"]
    search_fields = ["code", "name_zh", "name_en"]
    filter_horizontal = ["members"]

    @admin.display(description="成员数")
    def member_count(self, obj):
        return obj.members.count()
