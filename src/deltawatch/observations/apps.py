from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    name = "deltawatch.observations"
    verbose_name = _("统计数据")
