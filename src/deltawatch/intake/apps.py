from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "deltawatch.intake"
    verbose_name = _("文件解析")
    default_auto_field = "django.db.models.BigAutoField"
