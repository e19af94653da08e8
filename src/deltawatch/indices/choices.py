from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexRunKind(models.TextChoices):
    BUILD = "build", _("指数构建")
    UNCERTAINTY = "uncertainty", _("不确定性分析")
    SENSITIVITY = "sensitivity", _("敏感性分析")
