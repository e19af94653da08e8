from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "deltawatch.site"
    label = "site"
    verbose_name = _("网站")

    def ready(self):
        from . import rules  # noqa: F401  (registers the feedback's scoping rules)
        from . import cache  # noqa: F401  (counts every connection's writes: whole pages are cached)
