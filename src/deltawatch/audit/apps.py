from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "deltawatch.audit"
    verbose_name = _("审计")

    def ready(self):
        from .signals import audit_model

        # Observations cannot inherit AuditedModel (a million rows; their time is
        # ``recorded_at``): opted in here, so that an edit in the admin is recorded like any
        # other model's. Bulk imports are attributed through their batch instead (see signals).
        audit_model(apps.get_model("observations", "Observation"))
