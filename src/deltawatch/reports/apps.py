from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "deltawatch.reports"
    verbose_name = _("通报与评估报告")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # the periodic bulletins are drafted by the job worker's idle sweep (no cron needed)
        from deltawatch.jobs import handlers

        from . import schedule

        handlers.HANDLERS.setdefault(schedule.JOB_KIND, schedule.sweep_job)
        if schedule.schedule_daily not in handlers.SCHEDULES:
            handlers.SCHEDULES.append(schedule.schedule_daily)
