"""The statistics workflow (issue 14): what is reported (DataSet), when (ReportingCycle), by whom
(Form, one per region and cycle), how it is checked (ValidationRule, OutlierFlag, Explanation)
and what happened to it (FormJournal: every transition, who, when, from, to, comment).

The values themselves stay observations (``observations.Observation``, with revisions): a form
names the cells — its region × its data set's indicators × its cycle's year — and its state
says whether they may change (``choices.EDITABLE_STATES``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deltawatch.audit.models import AuditedModel

from .choices import (
    FormAction,
    FormState,
    PeriodType,
    RuleKind,
    Severity,
)


class DataSet(AuditedModel):
    """A report (报表): indicators, the regions that report it (listed, or every region of a
    level), its period, when it is due and who reviews it."""

    code = models.SlugField(_("报表代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    indicators = models.ManyToManyField("indicators.Indicator", related_name="data_sets", verbose_name=_("指标"))
    regions = models.ManyToManyField("regions.Region", blank=True, related_name="data_sets",
                                     verbose_name=_("填报区域"))
    level = models.CharField(_("填报层级"), max_length=12, blank=True,
                             help_text=_("未列出填报区域时，该层级的全部区域填报"))
    period_type = models.CharField(_("报告期类型"), max_length=10, choices=PeriodType.choices,
                                   default=PeriodType.YEAR)
    due_days = models.PositiveSmallIntegerField(_("截止天数"), default=90,
                                                help_text=_("报告期结束后多少天截止"))
    reviewers = models.ManyToManyField("accounts.Organisation", blank=True, related_name="reviewed_data_sets",
                                       verbose_name=_("审核单位"))
    is_sample = models.BooleanField(_("示例"), default=False)

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["code"]

    def __str__(self):
        return self.name_zh

    def reporting_regions(self):
        from deltawatch.regions.models import Region

        if self.regions.exists():
            return self.regions.all()
        return Region.objects.filter(level=self.level) if self.level else Region.objects.none()


class ReportingCycle(AuditedModel):
    """A data set for one period, opened by the office, with its due date."""

    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("报表"))
    year = models.PositiveSmallIntegerField(_("年份"))
    period = models.CharField(_("报告期"), max_length=8, blank=True, default="",
                              help_text=_("年报留空；季报 Q1–Q4；月报 M01–M12"))
    due_date = models.DateField(_("截止日期"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("开启人"))
    is_sample = models.BooleanField(_("示例"), default=False)

    class Meta:
        verbose_name = _("报告期")
        verbose_name_plural = _("报告期")
        ordering = ["-year", "data_set_id"]
        constraints = [models.UniqueConstraint(fields=["data_set", "year", "period"], name="cycle_unique")]

    def __str__(self):
        return f"{self.data_set} {self.year} {self.period}" if self.period else f"{self.data_set} {self.year}"


class Form(AuditedModel):
    """One region's form in one cycle: its state and the version every transition names."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="forms", verbose_name=_("报告期"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="statistics_forms",
                               verbose_name=_("区域"))
    state = models.CharField(_("状态"), max_length=10, choices=FormState.choices, default=FormState.FILLING)
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_at = models.DateTimeField(_("首次上报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("填报表")
        verbose_name_plural = _("填报表")
        ordering = ["cycle_id", "region_id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "region"], name="form_one_per_region")]

    def __str__(self):
        return f"{self.cycle} · {self.region.name_zh}"


class FormJournal(models.Model):
    """One transition of a form: who, when, from, to, why. Written by ``workflow.transition`` only."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="journal", verbose_name=_("填报表"))
    action = models.CharField(_("操作"), max_length=10, choices=FormAction.choices)
    from_state = models.CharField(_("原状态"), max_length=10, choices=FormState.choices)
    to_state = models.CharField(_("新状态"), max_length=10, choices=FormState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    actor_unit = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("操作单位"))
    comment = models.TextField(_("说明"), blank=True)
    version = models.PositiveIntegerField(_("版本"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("填报记录")
        verbose_name_plural = _("填报记录")
        ordering = ["form_id", "at", "id"]

    def __str__(self):
        return f"{self.form} {self.from_state}→{self.to_state}"


class ValidationRule(AuditedModel):
    """A rule declared as data (``methods.validation``): a comparison over indicator codes in the
    formula syntax, bounds, a year-on-year change limit, or required cells."""

    data_set = models.ForeignKey(DataSet, null=True, blank=True, on_delete=models.CASCADE, related_name="rules",
                                 verbose_name=_("报表"), help_text=_("留空：适用于全部数据"))
    name = models.SlugField(_("规则代码"), max_length=60, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=RuleKind.choices)
    expression = models.CharField(_("表达式"), max_length=500, blank=True,
                                  help_text=_("如 gdp >= gdp_primary + gdp_secondary + gdp_tertiary - 1"))
    indicator = models.CharField(_("指标代码"), max_length=60, blank=True)
    minimum = models.FloatField(_("下限"), null=True, blank=True)
    maximum = models.FloatField(_("上限"), null=True, blank=True)
    max_change_pct = models.FloatField(_("同比变动上限（%）"), null=True, blank=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices, default=Severity.ERROR)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        """A rule the library would refuse (syntax, unknown indicator, constant zero divisor) is
        refused here, in the user's language, before it is stored."""
        from django.core.exceptions import ValidationError
        from django.utils.translation import get_language

        from deltawatch.indicators.models import Indicator
        from deltawatch.methods import validation
        from deltawatch.methods.errors import InputError

        try:
            codes = Indicator.objects.values_list("code", flat=True)
            validation.check_rules(validation.empty_report(), [self.as_rule()], known=set(codes))
        except InputError as error:
            raise ValidationError(error.message("en" if (get_language() or "").startswith("en") else "zh")) from error

    def as_rule(self, *, regions=(), years=()) -> dict:
        """The rule as ``methods.validation`` reads it; a required rule covers ``regions`` × ``years``."""
        rule = {"kind": self.kind, "name": self.name, "severity": self.severity}
        if self.kind == RuleKind.COMPARE:
            rule["expression"] = self.expression
        elif self.kind == RuleKind.BOUNDS:
            rule.update(indicator=self.indicator, min=self.minimum, max=self.maximum)
        elif self.kind == RuleKind.CHANGE:
            rule.update(indicator=self.indicator, max_pct=self.max_change_pct)
        else:
            rule.update(indicators=[c.strip() for c in self.indicator.split(",") if c.strip()],
                        regions=list(regions), years=list(years))
        return rule


class OutlierFlag(AuditedModel):
    """A value an outlier method flagged; a reviewer marks it 已核实 with a note (DHIS2's follow-up)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("区域"))
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("指标"))
    year = models.PositiveSmallIntegerField(_("年份"))
    method = models.CharField(_("方法"), max_length=20)
    value = models.FloatField(_("数值"))
    detail = models.CharField(_("统计量"), max_length=200, blank=True)
    verified = models.BooleanField(_("已核实"), default=False)
    note = models.TextField(_("核实说明"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("核实人"))

    class Meta:
        verbose_name = _("异常值标记")
        verbose_name_plural = _("异常值标记")
        ordering = ["indicator_id", "region_id", "year"]
        constraints = [models.UniqueConstraint(fields=["region", "indicator", "year", "method"],
                                               name="outlier_flag_unique")]

    def __str__(self):
        return f"{self.region_id}·{self.indicator_id}·{self.year} {self.method}"


class Explanation(AuditedModel):
    """The reporter's explanation of a warning on a form: a warning blocks submission until explained."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="explanations", verbose_name=_("填报表"))
    check_name = models.CharField(_("校验"), max_length=60)
    indicator = models.CharField(_("指标代码"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年份"))
    text = models.TextField(_("说明"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("说明人"))

    class Meta:
        verbose_name = _("警告说明")
        verbose_name_plural = _("警告说明")
        constraints = [models.UniqueConstraint(fields=["form", "check_name", "indicator", "year"],
                                               name="explanation_unique")]

    def __str__(self):
        return f"{self.form} {self.check_name}"
