from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from deltawatch.core.admin import ReadOnlyAdmin

from .models import ChangeRecord


def _field_label(model, attname: str) -> str:
    """A field's verbose name (``region_id`` → 区域), or the stored name if the field is gone."""
    if model is None:
        return attname
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return str(field.verbose_name)
    try:
        return str(model._meta.get_field(attname).verbose_name)
    except FieldDoesNotExist:
        return attname


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["timestamp", "user", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "object_id"]
    fields = ["timestamp", "user", "action", "content_type", "object_id", "object_repr", "changes_table"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("变更内容"))
    def changes_table(self, obj):
        """The changes as a table — field, old value, new value — rather than the stored JSON."""
        model = obj.content_type.model_class()
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((_field_label(model, name), _shown(old), _shown(new)) for name, (old, new) in obj.changes.items()),
        )
        return format_html("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
                           _("字段"), _("旧值"), _("新值"), rows)
