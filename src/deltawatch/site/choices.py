"""Choices of the feedback form (意见建议)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FeedbackTopic(models.TextChoices):
    DATA = "data", _("数据问题")
    INDICATORS = "indicators", _("指标与方法")
    PROGRESS = "progress", _("目标进展")
    WEBSITE = "website", _("网站使用")
    SUGGESTION = "suggestion", _("政策建议")
    OTHER = "other", pgettext_lazy("feedback topic", "其他")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已归档")
