from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "deltawatch.plans"
    verbose_name = _("任务清单")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The ledger's row rules (who sees which tasks) and its job kind (the reminder sweep)
        # are registered by the app that owns them, so the shared modules need no edit.
        from deltawatch.jobs import handlers

        from . import reminders, scoping  # noqa: F401 — registers the row rules

        handlers.HANDLERS.setdefault(reminders.JOB_KIND, reminders.sweep_job)
        if reminders.schedule_daily not in handlers.SCHEDULES:
            handlers.SCHEDULES.append(reminders.schedule_daily)  # the idle worker queues it once a day
