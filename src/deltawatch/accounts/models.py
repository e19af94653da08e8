from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from deltawatch.audit.models import AuditedModel

from .choices import OrganisationKind


class Organisation(AuditedModel):
    """A unit (单位): the provincial YRD office, a working group, a department, a city or county
    government, a statistics bureau, a think tank. Its region bounds the data its users report;
    its parent places it in the hierarchy (a city bureau under the province's office)."""

    code = models.SlugField(_("单位代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=160)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganisationKind.choices)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="organisations", verbose_name=_("所在区域"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级单位"))
    is_sample = models.BooleanField(_("示例"), default=False,
                                    help_text=_("演示数据中的示例单位，不是真实的机构设置"))

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["code"]

    def __str__(self):
        return self.name_zh

    def clean(self):
        ancestor, seen = self.parent, {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("上级单位不能形成循环")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Membership(AuditedModel):
    """The organisation a user belongs to (one per user). Roles are the user's Django groups."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership",
                                verbose_name=_("用户"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="members",
                                     verbose_name=_("所属单位"))
    is_sample = models.BooleanField(_("示例"), default=False, help_text=_("演示账号"))

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")

    def __str__(self):
        return f"{self.user} · {self.organisation}"
