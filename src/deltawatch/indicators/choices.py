from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.IntegerChoices):
    HIGHER_IS_BETTER = 1, _("正向 (越高越好)")
    LOWER_IS_BETTER = -1, _("逆向 (越低越好)")


class Aggregation(models.TextChoices):
    """How a value for a region group is made from its members' values."""

    SUM = "sum", _("求和")
    MEAN = "mean", _("简单平均")
    WEIGHTED_MEAN = "weighted_mean", _("加权平均")
    FORMULA = "formula", _("按公式")
    NONE = "none", _("不可汇总")


class Comparator(models.TextChoices):
    GE = "ge", "≥"
    LE = "le", "≤"
    APPROX = "approx", "≈"
    RANGE = "range", _("区间")
    GT = "gt", ">"
    LT = "lt", "<"
    EQ = "eq", "="


class Binding(models.TextChoices):
    BINDING = "binding", _("约束性")
    EXPECTED = "expected", _("预期性")


class ChangeType(models.TextChoices):
    LEVEL = "level", _("水平值")
    INCREASE = "increase", _("较基年增长")
    DECREASE = "decrease", _("较基年下降")
    ANNUAL_GROWTH = "annual_growth", _("年均增速")
