from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "deltawatch.jobs"
    label = "jobs"
    verbose_name = _("后台任务")
    default_auto_field = "django.db.models.BigAutoField"
