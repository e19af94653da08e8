from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "deltawatch.audit"
    verbose_name = _("审计")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
