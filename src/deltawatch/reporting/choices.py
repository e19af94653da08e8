from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodType(models.TextChoices):
    YEAR = "year", _("年报")
    QUARTER = "quarter", _("季报")
    MONTH = "month", _("月报")


class FormState(models.TextChoices):
    """The states of a region's form in a reporting cycle (reporting.workflow.TRANSITIONS)."""

    FILLING = "filling", _("填报中")
    SUBMITTED = "submitted", _("已上报")
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("退回")


EDITABLE_STATES = (FormState.FILLING, FormState.RETURNED)   # the reporter may type
LOCKED_STATES = (FormState.SUBMITTED, FormState.APPROVED)   # nobody changes a value


class FormAction(models.TextChoices):
    SUBMIT = "submit", _("上报")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回")
    UNLOCK = "unlock", _("解锁")


class Severity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("警告")


class RuleKind(models.TextChoices):
    COMPARE = "compare", _("关系校验")
    BOUNDS = "bounds", _("取值范围")
    CHANGE = "change", _("同比变动")
    REQUIRED = "required", _("必填")


class OutlierMethod(models.TextChoices):
    ZSCORE = "zscore", _("z 分数")
    MODZ = "modz", _("修正 z 分数（中位数/MAD）")
    IQR = "iqr", _("四分位距")


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", _("按时")
    LATE = "late", _("逾期")
    MISSING = "missing", _("未报")
