import datetime

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from deltawatch.audit.models import AuditedModel

from .choices import GroupKind, Level

six_digits = RegexValidator(r"^\d{6}$", _("区划代码应为6位数字 (GB/T 2260)"))


class Region(AuditedModel):
    """A division of GB/T 2260: province, prefecture or county unit, valid over a period.

    Codes end (巢湖市 341400 was dissolved on 2011-08-22); an ended region keeps its code,
    its data and its ``valid_to`` date, so old statistics stay attached to it.
    """

    code = models.CharField(_("区划代码"), max_length=6, unique=True, validators=[six_digits])
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级区域")
    )
    name_zh = models.CharField(_("中文名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100)
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True, help_text=_("留空表示现行有效"))
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name_zh} ({self.code})"

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("停用日期不能早于启用日期")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("上级区域不能是自身")})

    def is_valid_in(self, year: int) -> bool:
        """Whether the region existed for at least part of ``year``."""
        if self.valid_from and self.valid_from > datetime.date(year, 12, 31):
            return False
        if self.valid_to and self.valid_to < datetime.date(year, 1, 1):
            return False
        return True


class RegionGroup(AuditedModel):
    """A named set of regions (中心区, 苏南, a metropolitan circle); it may mix levels."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=GroupKind.choices, default=GroupKind.OTHER)
    members = models.ManyToManyField(Region, related_name="groups", verbose_name=_("成员"), blank=True)
    description = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("区域组")
        verbose_name_plural = _("区域组")
        ordering = ["code"]

    def __str__(self):
        return self.name_zh
