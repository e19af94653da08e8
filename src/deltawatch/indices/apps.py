from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicesConfig(AppConfig):
    name = "deltawatch.indices"
    verbose_name = _("评价指数")
    default_auto_field = "django.db.models.BigAutoField"
