from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "deltawatch.accounts"
    verbose_name = _("账户与单位")
    default_auto_field = "django.db.models.BigAutoField"
