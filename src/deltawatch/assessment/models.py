"""An assessment scheme (考核方案) declared as data, its peer groups (分类考核), the office's bonus
and deduction items (加分 / 扣分), benchmark pairs (对照学习) and its runs with one result row per
assessed unit. A run keeps the scheme's definition as it was, so it can be regenerated."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from deltawatch.audit.models import AuditedModel


class PeerSource(models.TextChoices):
    OFFICE = "office", _("长三角办指定")
    CLUSTER = "cluster", _("聚类生成")


class UnitKind(models.TextChoices):
    REGION = "region", _("区域（市、县）")
    DEPARTMENT = "department", _("省级部门")


class Scheme(AuditedModel):
    """Who is assessed — the members of a region group at one level, or the provincial
    departments of the group's provinces — the components and their weights, the grading and
    the uncertainty settings (``definition``, a plain dict read by ``services.Definition``)."""

    code = models.SlugField(_("方案代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=160, blank=True)
    group = models.ForeignKey("regions.RegionGroup", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("考核范围"))
    unit_kind = models.CharField(_("考核对象"), max_length=12, choices=UnitKind.choices, default=UnitKind.REGION)
    level = models.CharField(_("考核层级"), max_length=12, blank=True,
                             help_text=_("只考核该层级的成员，如 county（县）；留空则考核区域组的全部成员"))
    year = models.PositiveSmallIntegerField(_("默认考核年度"))
    definition = models.JSONField(_("方案定义"), default=dict)
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("英文说明"), blank=True)
    is_sample = models.BooleanField(_("示例"), default=False)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["code"]

    def __str__(self):
        return self.name_zh

    @property
    def assesses_departments(self) -> bool:
        return self.unit_kind == UnitKind.DEPARTMENT

    @property
    def unit_field(self) -> str:
        """The field of results, peer groups and adjustments that names the unit."""
        return "organisation" if self.assesses_departments else "region"

    def units(self):
        """The assessed units (regions or organisations: both have code, name_zh, name_en)."""
        from django.db.models import Q

        from deltawatch.accounts.choices import OrganisationKind
        from deltawatch.accounts.models import Organisation
        from deltawatch.regions.models import Region

        members = Region.objects.filter(groups=self.group)
        if self.assesses_departments:  # the departments of the group's regions or of their provinces
            where = Region.objects.filter(Q(groups=self.group) | Q(children__groups=self.group))
            return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, region__in=where).distinct().order_by("code")
        return (members.filter(level=self.level) if self.level else members).order_by("code")

    def unit_lookup(self, code: str):
        """The unit with this code, or None."""
        return self.units().filter(code=code).first()


class UnitRow(models.Model):
    """A row about one assessed unit: a region, or an organisation in a scheme of departments."""

    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("单位"))
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("部门"))

    class Meta:
        abstract = True

    @property
    def unit(self):
        return self.region if self.region_id else self.organisation


class PeerGroup(AuditedModel, UnitRow):
    """A unit's peer group in a scheme: set by the office or made by clustering (then editable)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="peers", verbose_name=_("考核方案"))
    label = models.CharField(_("类别"), max_length=40)
    source = models.CharField(_("来源"), max_length=10, choices=PeerSource.choices, default=PeerSource.OFFICE)

    class Meta:
        verbose_name = _("考核分类")
        verbose_name_plural = _("考核分类")
        ordering = ["scheme_id", "label", "region_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "region"], name="peer_group_one_per_unit"),
                       models.UniqueConstraint(fields=["scheme", "organisation"], name="peer_group_one_per_department")]

    def __str__(self):
        return f"{self.unit} · {self.label}"


class Adjustment(AuditedModel, UnitRow):
    """加分 / 扣分: points the office adds to (or takes from) a unit's score, with its reason."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="adjustments",
                               verbose_name=_("考核方案"))
    year = models.PositiveSmallIntegerField(_("考核年度"))
    points = models.FloatField(_("分值"), help_text=_("加分为正，扣分为负"))
    reason = models.TextField(_("理由"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("录入人"))
    is_sample = models.BooleanField(_("示例"), default=False)

    class Meta:
        verbose_name = _("加分扣分项")
        verbose_name_plural = _("加分扣分项")
        ordering = ["scheme_id", "year", "region_id", "id"]

    def __str__(self):
        return f"{self.unit} {self.points:+g}"

    def clean(self):
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("加分或扣分必须写明理由。")})
        if bool(self.region_id) == bool(self.organisation_id):
            raise ValidationError(_("加分或扣分须对应一个考核单位。"))
        if self.points == 0:
            raise ValidationError({"points": _("分值不能为 0。")})


class BenchmarkPair(AuditedModel):
    """对照学习: a unit and a unit it learns from (of the same level)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="benchmarks",
                               verbose_name=_("考核方案"))
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("单位"))
    benchmark = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("对照单位"))
    source = models.CharField(_("来源"), max_length=10, choices=PeerSource.choices, default=PeerSource.OFFICE)

    class Meta:
        verbose_name = _("对照学习单位")
        verbose_name_plural = _("对照学习单位")
        ordering = ["scheme_id", "region_id", "benchmark_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "region", "benchmark"], name="benchmark_pair_unique")]

    def __str__(self):
        return f"{self.region} → {self.benchmark}"

    def clean(self):
        """Both are units of the scheme (so of the same kind: a county is never a city's benchmark)."""
        if self.scheme_id and self.scheme.assesses_departments:
            raise ValidationError(_("部门考核方案没有对照学习：对照学习比较的是区域的指标。"))
        if self.region_id and self.benchmark_id:
            if self.region_id == self.benchmark_id:
                raise ValidationError({"benchmark": _("对照单位不能是本单位。")})
            units = self.scheme.units()
            for field, region in (("region", self.region), ("benchmark", self.benchmark)):
                if not units.filter(pk=region.pk).exists():
                    raise ValidationError({field: _("%(region)s不是考核方案“%(scheme)s”的考核单位（%(group)s）。")
                                           % {"region": region.name_zh, "scheme": self.scheme.name_zh,
                                              "group": self.scheme.group.name_zh}})


class Run(models.Model):
    """One assessment of a scheme for a year: the definition as it was, the uncertainty runs and
    seed, the data version it read; its results are ``Result`` rows. Never edited."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs", verbose_name=_("考核方案"))
    year = models.PositiveSmallIntegerField(_("考核年度"))
    definition = models.JSONField(_("方案定义"))
    runs = models.PositiveIntegerField(_("不确定性模拟次数"))
    seed = models.IntegerField(_("随机种子"), null=True, blank=True)
    data_version = models.CharField(_("数据版本"), max_length=80, blank=True)
    notes = models.JSONField(_("说明"), default=list, blank=True, help_text=_("缺失的考核内容、失败的模拟等"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("运行人"))
    created_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    is_published = models.BooleanField(_("已公开"), default=False)

    class Meta:
        verbose_name = _("考核运行")
        verbose_name_plural = _("考核运行")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.scheme} {self.year} #{self.pk}"


class Result(UnitRow):
    """One unit's result in a run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results", verbose_name=_("考核运行"))
    peer_group = models.CharField(_("类别"), max_length=40, blank=True)
    components = models.JSONField(_("考核内容得分"), default=dict)
    bonus = models.FloatField(_("加减分"), default=0.0)
    missing = models.CharField(_("缺失内容"), max_length=200, blank=True)
    score = models.FloatField(_("得分"), null=True, blank=True)
    rank = models.FloatField(_("总排名"), null=True, blank=True)
    group_rank = models.FloatField(_("类内排名"), null=True, blank=True)
    q05_rank = models.FloatField(_("排名 5% 分位"), null=True, blank=True)
    q95_rank = models.FloatField(_("排名 95% 分位"), null=True, blank=True)
    group_q05_rank = models.FloatField(_("类内排名 5% 分位"), null=True, blank=True)
    group_q95_rank = models.FloatField(_("类内排名 95% 分位"), null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=4, blank=True)
    swaps_with = models.CharField(_("次序不稳定的相邻单位"), max_length=12, blank=True)
    swap_share = models.FloatField(_("互换比例"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["run_id", "rank", "region_id"]
        constraints = [models.UniqueConstraint(fields=["run", "region"], name="assessment_result_one_per_unit"),
                       models.UniqueConstraint(fields=["run", "organisation"], name="assessment_result_one_per_dept")]

    def __str__(self):
        return f"{self.unit} {self.score}"
