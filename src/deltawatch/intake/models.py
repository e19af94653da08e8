"""A document read by ``methods.extract`` (its text as read and as cleaned, its structure), and
the targets and tasks drafted from it, each waiting for a person: accepted (as drafted or
edited) into the catalogue's targets or the ledger's tasks, or rejected. Nothing reaches the
catalogue or the ledger without a decision here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deltawatch.audit.models import AuditedModel


class Decision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已采纳")
    EDITED = "edited", _("修改后采纳")
    REJECTED = "rejected", _("不采纳")


class SourceDocument(AuditedModel):
    name = models.CharField(_("文件名"), max_length=200)
    title = models.CharField(_("标题"), max_length=300, blank=True)
    source_format = models.CharField(_("格式"), max_length=8)
    sha256 = models.CharField(max_length=64)
    original = models.TextField(_("原文"))
    text = models.TextField(_("整理后的文本"))
    offsets = models.JSONField(_("字符位置对照"), default=list)
    sections = models.JSONField(_("章节"), default=list)
    notes = models.JSONField(_("读取说明"), default=list, blank=True)
    converted = models.BooleanField(_("已转为简体"), default=False)
    plan_period_start = models.PositiveSmallIntegerField(_("规划期起"))
    plan_period_end = models.PositiveSmallIntegerField(_("规划期止"))
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("目标所属区域"))
    group = models.ForeignKey("regions.RegionGroup", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("目标所属区域组"))
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("任务纳入的规划"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("上传人"))
    is_sample = models.BooleanField(_("示例"), default=False)

    class Meta:
        verbose_name = _("解析文件")
        verbose_name_plural = _("解析文件")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title or self.name


class Draft(models.Model):
    """What every draft has: where it stands in the text, and the decision on it."""

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="%(class)ss",
                                 verbose_name=_("解析文件"))
    sentence = models.TextField(_("原句"))
    location = models.CharField(_("章节"), max_length=100, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    confidence = models.FloatField(_("置信度"), default=0.0)
    decision = models.CharField(_("审核"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("不采纳理由"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["start", "id"]


class TargetDraft(Draft):
    indicator_text = models.CharField(_("指标表述"), max_length=200)
    numeric = models.BooleanField(_("有量化目标值"), default=True)
    target_year = models.PositiveSmallIntegerField(_("目标年份"), null=True, blank=True)
    comparator = models.CharField(_("比较方式"), max_length=8, default="=")
    value = models.FloatField(_("目标值"), null=True, blank=True)
    value_high = models.FloatField(_("区间上限"), null=True, blank=True)
    value_text = models.CharField(_("原文表述"), max_length=100, blank=True)
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    change_type = models.CharField(_("目标类型"), max_length=12, default="level")
    baseline_year = models.PositiveSmallIntegerField(_("基年"), null=True, blank=True)
    indicator = models.CharField(_("匹配的指标"), max_length=60, blank=True)
    candidates = models.JSONField(_("候选指标"), default=list, blank=True)
    place = models.CharField(_("所指地区"), max_length=30, blank=True, help_text=_("分地区目标所写的地名，如 “鹿城”"))
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("目标所属区域"), help_text=_("为空时取文件所指定的区域或区域组"))
    target = models.ForeignKey("indicators.Target", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("采纳为目标"))
    possible = models.BooleanField(_("可能的目标"), default=False,
                                   help_text=_("置信度低于草稿线，单独列出供核对（methods.extract.ranker）"))

    class Meta(Draft.Meta):
        verbose_name = _("目标草稿")
        verbose_name_plural = _("目标草稿")


class TaskDraft(Draft):
    title = models.CharField(_("任务"), max_length=500)
    verb = models.CharField(_("动词"), max_length=10, blank=True)
    lead_units = models.JSONField(_("牵头单位"), default=list, blank=True)
    participants = models.JSONField(_("参与单位"), default=list, blank=True)
    regions = models.JSONField(_("涉及区域"), default=list, blank=True)
    projects = models.JSONField(_("项目与平台"), default=list, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("时限原文"), max_length=60, blank=True)
    task = models.ForeignKey("plans.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("采纳为任务"))

    class Meta(Draft.Meta):
        verbose_name = _("任务草稿")
        verbose_name_plural = _("任务草稿")
