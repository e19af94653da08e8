"""Feedback from visitors (意见建议) and the office's answers.

A visitor — the public included — leaves a topic, a text and, if they wish, a name and a
contact. The office (长三角办, 系统管理员) reads every entry in the application and answers it;
an answer marked public is shown, with the question but never the name or the contact, on the
feedback page. The client's address is not stored: the rate limit keeps its count in the cache.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from deltawatch.audit.models import AuditedModel

from .choices import FeedbackStatus, FeedbackTopic

# Length limits, checked by the form and again by the model (the admin, the shell): a text is a
# message, not a document; 2,000 characters is about a page of Chinese.
TEXT_MAX = 2000
NAME_MAX = 100
CONTACT_MAX = 200
ANSWER_MAX = 4000


class Feedback(AuditedModel):
    topic = models.CharField(_("主题"), max_length=20, choices=FeedbackTopic.choices)
    text = models.TextField(_("内容"), validators=[MaxLengthValidator(TEXT_MAX)])
    name = models.CharField(_("姓名"), max_length=NAME_MAX, blank=True)
    contact = models.CharField(_("联系方式"), max_length=CONTACT_MAX, blank=True)
    status = models.CharField(_("处理状态"), max_length=10, choices=FeedbackStatus.choices,
                              default=FeedbackStatus.NEW)
    answer = models.TextField(_("答复"), blank=True, validators=[MaxLengthValidator(ANSWER_MAX)])
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    is_public = models.BooleanField(_("公开问答"), default=False,
                                    help_text=_("勾选后，问题与答复在意见建议页公开显示（不显示姓名和联系方式）"))

    class Meta:
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_public", "status"])]

    def __str__(self):
        return f"{self.get_topic_display()} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else self.topic

    @property
    def is_published(self) -> bool:
        """Shown to everyone: answered and marked public by the office."""
        return self.is_public and self.status == FeedbackStatus.ANSWERED and bool(self.answer)
