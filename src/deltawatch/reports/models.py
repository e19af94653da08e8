"""A report (通报 / 评估报告): its kind and period, its generated content (``document.py``), the
office's own text by section, its workflow state and, once published, what it was built from
and its frozen files. A published report never changes (``services.ReportFrozen``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deltawatch.audit.models import AuditedModel


class ReportKind(models.TextChoices):
    TASKS = "tasks", _("重点任务进展通报")
    STATISTICS = "statistics", _("统计工作通报")
    PROGRESS = "progress", _("目标进展通报")
    ANNUAL = "annual", _("规划纲要实施情况评估报告")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("审核中")
    APPROVED = "approved", _("已审定")
    PUBLISHED = "published", _("已印发")


class Report(AuditedModel):
    kind = models.CharField(_("报告类型"), max_length=12, choices=ReportKind.choices)
    period = models.CharField(_("期间"), max_length=10, help_text=_("年份 2026、季度 2026Q3 或月份 2026-11"))
    language = models.CharField(_("语言"), max_length=8, default="zh-hans")
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    issue_year = models.PositiveSmallIntegerField(_("期号年份"), null=True, blank=True)
    issue_number = models.PositiveIntegerField(_("期号"), null=True, blank=True)
    office = models.CharField(_("印发单位"), max_length=120)
    content = models.JSONField(_("内容"), default=dict)
    texts = models.JSONField(_("编者文字"), default=dict, blank=True,
                             help_text=_("按节写在生成内容之前（above）或之后（below）的文字"))
    data_version = models.CharField(_("数据版本"), max_length=80, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    digest = models.CharField(_("内容摘要"), max_length=64, blank=True,
                              help_text=_("印发时内容的 SHA-256，用于核对重新生成是否一致"))
    published_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("印发人"))
    is_public = models.BooleanField(_("公开"), default=False)
    is_sample = models.BooleanField(_("示例"), default=False)

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        ordering = ["-period", "kind", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "issue_year", "issue_number"], name="report_issue_unique"),
        ]
        indexes = [models.Index(fields=["kind", "period"])]

    def __str__(self):
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.status == Status.PUBLISHED


class ReportEvent(models.Model):
    """One step of a report's workflow: who moved it from which state to which, and why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("报告"))
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    comment = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")
        ordering = ["at", "id"]


class ReportFile(models.Model):
    """A published report's rendered file (PDF, Word, HTML), kept as it was issued."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files", verbose_name=_("报告"))
    format = models.CharField(_("格式"), max_length=8)
    data = models.BinaryField(_("文件"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报告文件")
        verbose_name_plural = _("报告文件")
        constraints = [models.UniqueConstraint(fields=["report", "format"], name="report_file_one_per_format")]
