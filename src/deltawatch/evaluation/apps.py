from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """Historical: progress assessments and index runs lived here until they became the apps
    ``progress`` and ``indices``. Only the migrations remain — they created the tables, and a
    database made before the split needs their history — so the app stays installed."""

    name = "deltawatch.evaluation"
    verbose_name = _("监测评估（历史迁移）")
