from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionalConfig(AppConfig):
    name = "deltawatch.regional"
    verbose_name = _("区域差距")
