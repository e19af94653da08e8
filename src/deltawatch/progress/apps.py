from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "deltawatch.progress"
    verbose_name = _("目标进展")
    default_auto_field = "django.db.models.BigAutoField"
