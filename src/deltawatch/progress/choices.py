from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgressStatus(models.TextChoices):
    """The statuses of ``deltawatch.methods.progress`` (METHODS.md §1), in order."""

    ACHIEVED = "achieved", _("已实现目标")
    ON_TRACK = "on_track", _("按进度推进")
    ACCELERATION_NEEDED = "acceleration_needed", _("需适度加快")
    LIMITED_PROGRESS = "limited_progress", _("进展有限")
    DETERIORATING = "deteriorating", _("出现倒退")
    INSUFFICIENT_DATA = "insufficient_data", _("数据不足")
    NOT_ASSESSABLE = "not_assessable", _("无法量化评估")


class ProgressMethod(models.TextChoices):
    OPENSDG = "opensdg", _("固定比率法 (Open SDG)")
    UNSD = "unsd", _("趋势预测法 (UNSD)")
    ESCAP = "escap", _("现状与预期进展法 (ESCAP)")


class Rule(models.TextChoices):
    TARGET = "target", _("对照目标")
    NO_TARGET = "no_target", _("无目标规则")


class BaseYearSource(models.TextChoices):
    """Where the base year of an assessment came from, in the order they are tried."""

    OPTION = "option", _("运行时指定")
    TARGET = "target", _("目标所注规划基期")
    BASELINE = "baseline", _("相对目标的基年")
    DOCUMENT = "document", _("来源文件所注基年")
    DEFAULT = "default", _("默认基期")
    FIRST_YEAR = "first_year", _("序列首年")
