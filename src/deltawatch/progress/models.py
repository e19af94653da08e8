"""Stored progress assessments, with what made them.

A run assesses every target (and, with ``--untargeted``, every other series) with one method
and one set of thresholds. The current assessment of each (method, subject) is kept; when a
later run gives a subject another status, a :class:`StatusChange` records the old and new
status and the newest observation behind the new one — the data revision that caused it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import BaseYearSource, ProgressMethod, ProgressStatus, Rule


class ProgressRun(models.Model):
    method = models.CharField(_("评估方法"), max_length=10, choices=ProgressMethod.choices)
    thresholds = models.JSONField(_("阈值"), default=dict)
    base_year = models.PositiveSmallIntegerField(
        _("评估基期"), null=True, blank=True,
        help_text=_("运行时指定: 所有评估项均自该年 (或其后首个有数据的年份) 起算; 为空时各项用其规划基期"),
    )
    default_base_year = models.PositiveSmallIntegerField(
        _("默认基期"), null=True, blank=True,
        help_text=_("目标及其来源文件均未注明基期时所用的基期 (Open SDG: 2015); 为空时用序列首年"),
    )
    fit_start_year = models.PositiveSmallIntegerField(
        _("拟合起始年 (ESCAP)"), null=True, blank=True,
        help_text=_("ESCAP 预期进展的时间加权回归所用数据的起始年 (默认 2000); 为空时自基期起"),
    )
    started_at = models.DateTimeField(_("运行时间"), default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("运行人"),
    )
    data_vintage = models.BigIntegerField(_("数据版本"), null=True, blank=True,
                                          help_text=_("评估所用数据中最新一条观测值的编号"))
    assessed = models.PositiveIntegerField(_("评估项数"), default=0)
    changed = models.PositiveIntegerField(_("状态变化数"), default=0)
    status_counts = models.JSONField(_("各状态项数"), default=dict)

    class Meta:
        verbose_name = _("评估运行")
        verbose_name_plural = _("评估运行")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.get_method_display()} {self.started_at:%Y-%m-%d %H:%M}"


class Subject(models.Model):
    """What an assessment is about: a target, or (no-target rule) an indicator in a region or group."""

    method = models.CharField(_("评估方法"), max_length=10, choices=ProgressMethod.choices)
    key = models.CharField(_("评估对象键"), max_length=120, help_text=_("目标: T<编号>; 无目标: N:<指标>:<区域>"))
    target = models.ForeignKey("indicators.Target", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("目标"))
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("指标"))
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("区域"))
    group = models.ForeignKey("regions.RegionGroup", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("区域组"))
    # The newest current observation behind the series (for a group: of any member); no
    # database constraint, as for observations themselves (see observations.models).
    data_revision = models.ForeignKey(
        "observations.Observation", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+", verbose_name=_("所依据的数据修订"),
    )

    class Meta:
        abstract = True


class ProgressAssessment(Subject):
    run = models.ForeignKey(ProgressRun, on_delete=models.CASCADE, related_name="assessments",
                            verbose_name=_("评估运行"))
    target_year = models.PositiveSmallIntegerField(_("目标年份"), null=True, blank=True)
    comparator = models.CharField(_("比较方式"), max_length=8, blank=True)
    target_value = models.FloatField(_("目标值"), null=True, blank=True)
    plan_base_year = models.PositiveSmallIntegerField(
        _("规划基期"), null=True, blank=True, help_text=_("所依据的基期; 实际基期为该年或其后首个有数据的年份"))
    base_year_source = models.CharField(_("基期依据"), max_length=12, choices=BaseYearSource.choices, blank=True)
    base_year = models.PositiveSmallIntegerField(_("基期年份"), null=True, blank=True)
    base_value = models.FloatField(_("基期值"), null=True, blank=True)
    latest_year = models.PositiveSmallIntegerField(_("最新年份"), null=True, blank=True)
    latest_value = models.FloatField(_("最新值"), null=True, blank=True)
    projected_value = models.FloatField(_("目标年预测值"), null=True, blank=True)
    ratio = models.FloatField(_("进展比率"), null=True, blank=True)
    current_status = models.FloatField(_("现状指数 (ESCAP)"), null=True, blank=True)
    cagr_observed = models.FloatField(_("实际增速"), null=True, blank=True)
    cagr_required = models.FloatField(_("所需增速"), null=True, blank=True)
    growth_form = models.CharField(_("增速形式"), max_length=8, blank=True)
    rule = models.CharField(_("规则"), max_length=10, choices=Rule.choices, blank=True)
    status = models.CharField(_("进展状态"), max_length=20, choices=ProgressStatus.choices)
    score = models.FloatField(_("得分"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("目标进展评估")
        verbose_name_plural = _("目标进展评估")
        ordering = ["method", "key"]
        constraints = [models.UniqueConstraint(fields=["method", "key"], name="assessment_unique_subject")]
        indexes = [models.Index(fields=["method", "status"])]

    def __str__(self):
        return f"{self.indicator} {self.region or self.group}: {self.get_status_display()}"


class StatusChange(Subject):
    run = models.ForeignKey(ProgressRun, on_delete=models.CASCADE, related_name="changes", verbose_name=_("评估运行"))
    old_status = models.CharField(_("原状态"), max_length=20, choices=ProgressStatus.choices)
    new_status = models.CharField(_("新状态"), max_length=20, choices=ProgressStatus.choices)
    old_ratio = models.FloatField(_("原进展比率"), null=True, blank=True)
    new_ratio = models.FloatField(_("新进展比率"), null=True, blank=True)
    batch = models.ForeignKey("observations.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("导入批次"))
    changed_at = models.DateTimeField(_("变化时间"), default=timezone.now)

    class Meta:
        verbose_name = _("进展状态变化")
        verbose_name_plural = _("进展状态变化")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.indicator} {self.region or self.group}: {self.old_status} → {self.new_status}"
