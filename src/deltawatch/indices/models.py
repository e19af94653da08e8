"""Stored composite-index runs: the spec as it was, the data it read, and every result."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import IndexRunKind


class IndexRun(models.Model):
    """One run of the composite-index engine (``deltawatch.methods.index``): the spec as it was,
    a hash of the data it read (and, for data from the database, the newest observation
    behind it), so the scores can be regenerated and checked."""

    kind = models.CharField(_("运行类型"), max_length=12, choices=IndexRunKind.choices)
    name = models.CharField(_("指数名称"), max_length=200, blank=True)
    spec = models.JSONField(_("指数定义"))
    spec_digest = models.CharField(_("定义摘要"), max_length=64, help_text=_("指数定义规范 JSON 的 SHA-256"))
    data_hash = models.CharField(_("数据摘要"), max_length=64, help_text=_("输入数据表的 SHA-256"))
    data_source = models.CharField(_("数据来源"), max_length=300, help_text=_("文件名, 或 database (系统内统计数据)"))
    data_vintage = models.BigIntegerField(_("数据版本"), null=True, blank=True,
                                          help_text=_("读自数据库时: 所用数据中最新一条观测值的编号"))
    years = models.JSONField(_("年份"), default=list)
    target = models.CharField(_("分析节点"), max_length=60, blank=True)
    runs = models.PositiveIntegerField(_("模拟次数"), null=True, blank=True)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    summary = models.JSONField(_("摘要"), default=dict, help_text=_("警告、失败的模拟、被筛除的单元等"))
    started_at = models.DateTimeField(_("运行时间"), default=timezone.now)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("运行人"))
    is_published = models.BooleanField(_("公开"), default=False,
                                       help_text=_("公开的运行（及其得分、排名区间）对公众可见"))

    class Meta:
        verbose_name = _("指数运行")
        verbose_name_plural = _("指数运行")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.name or self.spec_digest[:8]} · {self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class IndexScore(models.Model):
    """Score and rank of one node for one unit (and year) in a build."""

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="scores", verbose_name=_("指数运行"))
    unit_code = models.CharField(_("单元代码"), max_length=40)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("区域"))
    year = models.SmallIntegerField(_("年份"), null=True, blank=True)
    node = models.CharField(_("节点"), max_length=60)
    level = models.PositiveSmallIntegerField(_("层级"))
    score = models.FloatField(_("得分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)

    class Meta:
        verbose_name = _("指数得分")
        verbose_name_plural = _("指数得分")
        ordering = ["run", "year", "node", "rank"]
        indexes = [models.Index(fields=["run", "node", "year"])]


class IndexRankInterval(models.Model):
    """A unit's rank under uncertainty: nominal, mean, median, 5th and 95th percentile."""

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="intervals", verbose_name=_("指数运行"))
    unit_code = models.CharField(_("单元代码"), max_length=40)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("区域"))
    nominal_rank = models.FloatField(_("名义排名"), null=True, blank=True)
    mean_rank = models.FloatField(_("平均排名"), null=True, blank=True)
    median_rank = models.FloatField(_("排名中位数"), null=True, blank=True)
    q05_rank = models.FloatField(_("排名5%分位"), null=True, blank=True)
    q95_rank = models.FloatField(_("排名95%分位"), null=True, blank=True)

    class Meta:
        verbose_name = _("排名区间")
        verbose_name_plural = _("排名区间")
        ordering = ["run", "nominal_rank"]


class IndexSensitivity(models.Model):
    """First- and total-order Sobol indices of one factor."""

    run = models.ForeignKey(IndexRun, on_delete=models.CASCADE, related_name="sensitivities",
                            verbose_name=_("指数运行"))
    factor = models.CharField(_("因素"), max_length=60)
    s1 = models.FloatField(_("一阶指数 S1"), null=True, blank=True)
    s1_conf = models.FloatField(_("S1 置信区间半宽"), null=True, blank=True)
    st = models.FloatField(_("总效应指数 ST"), null=True, blank=True)
    st_conf = models.FloatField(_("ST 置信区间半宽"), null=True, blank=True)

    class Meta:
        verbose_name = _("敏感性指数")
        verbose_name_plural = _("敏感性指数")
        ordering = ["run", "-st"]
