from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "kind", "region", "parent", "is_sample"]
    list_filter = ["kind", "is_sample"]
    search_fields = ["code", "name_zh", "name_en"]
    autocomplete_fields = ["region", "parent"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["organisation"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserWithOrganisationAdmin(UserAdmin):
    """Django's user admin, with the user's organisation on the same page."""

    inlines = [MembershipInline]
    list_display = ["username", "membership", "is_staff", "is_active", "last_login"]
    list_select_related = ["membership__organisation"]
