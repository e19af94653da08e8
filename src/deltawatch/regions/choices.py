from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")


class GroupKind(models.TextChoices):
    PLANNING_AREA = "planning_area", _("规划范围")
    SUBREGION = "subregion", _("片区")
    METRO_CIRCLE = "metro_circle", _("都市圈")
    PILOT_ZONE = "pilot_zone", _("示范区")
    OTHER = "other", _("其他")
