from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deltawatch.audit.models import AuditedModel
from deltawatch.observations.units import UnitError, parse_unit

from .choices import Aggregation, Binding, ChangeType, Comparator, Direction

snake_case = RegexValidator(r"^[a-z][a-z0-9_]*$", _("指标代码须为小写英文加下划线, 如 gdp_per_capita"))


def validate_unit(value):
    try:
        parse_unit(value)
    except UnitError:
        raise ValidationError(_("未知的计量单位: %(unit)s"), params={"unit": value})


class Dimension(AuditedModel):
    """An area of the plan (区域协调, 创新协同 …) under which indicators are grouped."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=80)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("领域")
        verbose_name_plural = _("领域")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name_zh


class Indicator(AuditedModel):
    """An indicator of the catalogue. A derived one has a formula and is computed, never typed in."""

    code = models.CharField(_("指标代码"), max_length=60, unique=True, validators=[snake_case])
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=160)
    unit = models.CharField(_("计量单位"), max_length=30, validators=[validate_unit])
    direction = models.SmallIntegerField(_("指标方向"), choices=Direction.choices)
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("领域"))
    lower_bound = models.FloatField(_("自然下限"), null=True, blank=True)
    upper_bound = models.FloatField(_("自然上限"), null=True, blank=True)
    is_rate = models.BooleanField(_("增速类指标"), default=False, help_text=_("指标本身是变化率 (如GDP实际增速)"))
    aggregation = models.CharField(_("区域汇总方式"), max_length=16, choices=Aggregation.choices, default=Aggregation.NONE)
    weight = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("加权指标"), help_text=_("加权平均时的权重指标, 如常住人口"),
    )
    formula = models.CharField(
        _("计算公式"), max_length=300, blank=True,
        help_text=_("派生指标: 以其他指标代码写成的算式, 如 co2_emissions * 100 / gdp"),
    )
    definition_zh = models.TextField(_("指标解释"), blank=True)
    definition_en = models.TextField(_("Definition"), blank=True)
    source = models.CharField(_("数据来源"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["dimension__order", "code"]

    def __str__(self):
        return f"{self.name_zh} ({self.code})"

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)

    def clean(self):
        if self.lower_bound is not None and self.upper_bound is not None and self.lower_bound > self.upper_bound:
            raise ValidationError({"upper_bound": _("自然上限不能小于自然下限")})
        if self.aggregation == Aggregation.WEIGHTED_MEAN and not self.weight_id:
            raise ValidationError({"weight": _("加权平均须指定权重指标")})
        if self.formula:
            from deltawatch.methods.formula import FormulaError, parse_formula

            try:
                names = parse_formula(self.formula)
            except FormulaError as exc:
                raise ValidationError({"formula": str(exc)})
            known = set(Indicator.objects.filter(code__in=names).values_list("code", flat=True))
            missing = sorted(set(names) - known)
            if missing:
                raise ValidationError({"formula": _("公式引用了不存在的指标: %(codes)s") % {"codes": ", ".join(missing)}})
            if self.code in names:
                raise ValidationError({"formula": _("公式不能引用指标自身")})


class Target(AuditedModel):
    """A milestone for one indicator in one region or region group, with its source sentence."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("指标"))
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name=_("区域")
    )
    group = models.ForeignKey(
        "regions.RegionGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="targets",
        verbose_name=_("区域组"),
    )
    target_year = models.PositiveSmallIntegerField(_("目标年份"))
    comparator = models.CharField(_("比较方式"), max_length=8, choices=Comparator.choices)
    value = models.FloatField(_("目标值"), null=True, blank=True)
    low = models.FloatField(_("区间下限"), null=True, blank=True)
    high = models.FloatField(_("区间上限"), null=True, blank=True)
    tolerance = models.FloatField(_("容差"), null=True, blank=True, help_text=_("“左右”目标的允许偏差"))
    value_text = models.CharField(_("原文表述"), max_length=100, blank=True, help_text=_("如 “2:1左右”, “国家下达目标”"))
    is_numeric = models.BooleanField(_("有量化目标值"), default=True)
    binding = models.CharField(_("约束性/预期性"), max_length=10, choices=Binding.choices, default=Binding.EXPECTED)
    change_type = models.CharField(_("目标类型"), max_length=16, choices=ChangeType.choices, default=ChangeType.LEVEL)
    baseline_year = models.PositiveSmallIntegerField(_("基年"), null=True, blank=True)
    base_year = models.PositiveSmallIntegerField(
        _("规划基期"), null=True, blank=True,
        help_text=_("进展评估自该年起算 (规划的基期年份); 为空时用相对目标的基年, 再用来源文件所注的基年, 否则用默认基期"),
    )
    document = models.CharField(_("来源文件"), max_length=200)
    location = models.CharField(_("章节"), max_length=100, blank=True)
    sentence = models.TextField(_("原文"), blank=True)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["indicator__code", "target_year"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(region__isnull=False) & Q(group__isnull=True)) | (Q(region__isnull=True) & Q(group__isnull=False)),
                name="target_region_xor_group",
            ),
        ]

    def __str__(self):
        where = self.region or self.group
        return f"{self.indicator.name_zh} · {where} · {self.target_year}"

    @property
    def scope(self):
        return self.region or self.group

    def clean(self):
        errors = {}
        if bool(self.region_id) == bool(self.group_id):
            errors["region"] = _("目标须且只须指定一个区域或区域组")
        if self.is_numeric:
            if self.comparator == Comparator.RANGE:
                if self.low is None or self.high is None:
                    errors["low"] = _("区间目标须填写下限和上限")
                elif self.low > self.high:
                    errors["high"] = _("区间上限不能小于下限")
            elif self.value is None:
                errors["value"] = _("量化目标须填写目标值")
        if self.change_type in (ChangeType.INCREASE, ChangeType.DECREASE) and not self.baseline_year:
            errors["baseline_year"] = _("相对基年的目标须填写基年")
        if self.baseline_year and self.baseline_year >= self.target_year:
            errors["baseline_year"] = _("基年须早于目标年份")
        if self.base_year and self.base_year >= self.target_year:
            errors["base_year"] = _("规划基期须早于目标年份")
        if errors:
            raise ValidationError(errors)
