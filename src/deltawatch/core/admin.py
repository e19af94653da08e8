"""Admin pieces shared by the domain apps."""

from django.contrib import admin
from django.utils.html import format_html

from deltawatch.observations.units import UnitError, parse_unit


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are written by the system, never typed in: change logs, import
    batches, computed assessments. Listed and opened, never added, edited or deleted."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def unit_label(code: str) -> str:
    """The unit as users write it (``100m_yuan`` → 亿元, ``10k_persons`` → 万人).

    Data files republished by researchers carry ASCII unit codes, and the importer keeps the
    supplied text as it was written; the admin shows the unit's canonical Chinese symbol from
    ``observations.units``. A text that is not a known unit is shown as it is (it may be the
    only clue to what the file meant).
    """
    if not code:
        return ""
    try:
        return parse_unit(code).symbol
    except UnitError:
        return code


def shortened(text: str, limit: int):
    """``text`` cut to ``limit`` characters with an ellipsis, the whole text in a tooltip.

    For long free text (a target's sentence, a source) in a change list, whose rows would
    otherwise be as wide or as tall as the text; the change form still shows it whole.
    """
    text = text or ""
    if len(text) <= limit:
        return text
    return format_html('<span title="{}">{}…</span>', text, text[:limit].rstrip())
