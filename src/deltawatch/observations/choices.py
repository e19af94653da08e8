from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    APPROVED = "approved", _("已审核")


class Qualifier(models.TextChoices):
    """What kind of number a value is, when it is not a plain exact figure.

    Published figures often come as "约4.4%" or "37%以上"; a statistician must see that on the
    value, and an assessment must not read a lower bound as the figure itself. SDMX's
    observation status (CL_OBS_STATUS) has estimated (E) and provisional (P) but no bounds,
    so the bounds are ours. The words a file may use for each are ``reader.QUALIFIER_WORDS``.
    """

    EXACT = "", _("准确值")
    APPROXIMATE = "approx", _("约数（约、左右）")
    LOWER_BOUND = "lower_bound", _("下限（以上、超过）")
    UPPER_BOUND = "upper_bound", _("上限（以下、以内）")
    PRELIMINARY = "preliminary", _("初步数（快报）")

