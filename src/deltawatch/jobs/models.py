"""A job: one piece of work run outside the request that asked for it, with its progress."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import JobStatus


class Job(models.Model):
    """A queued, running or finished job. The table is the queue: the oldest ``queued`` row is
    claimed by one worker (``services.run_next``), which runs the handler registered for its
    ``kind`` and stores where the result is, or why it failed in words for the user."""

    kind = models.CharField(_("任务类型"), max_length=60)
    parameters = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度 (%)"), default=0)
    message = models.CharField(_("当前步骤"), max_length=300, blank=True)
    error = models.TextField(_("失败原因"), blank=True, help_text=_("给用户看的说明：为何失败、如何重试"))
    result_url = models.CharField(_("结果链接"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("提交人"))
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"#{self.pk} {self.kind} · {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
