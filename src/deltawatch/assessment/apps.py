from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "deltawatch.assessment"
    verbose_name = _("绩效考核")
    default_auto_field = "django.db.models.BigAutoField"
