from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "deltawatch.reporting"
    label = "reporting"
    verbose_name = _("统计体系")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import scoping  # noqa: F401 — registers the row rules of forms (reporters: their region)
