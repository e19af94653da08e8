from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """The kinds of unit in the YRD governance system (seed documents 000, 001, 004)."""

    OFFICE = "office", _("领导小组办公室")
    WORKING_GROUP = "working_group", _("专题工作组")
    DEPARTMENT = "department", _("省级部门")
    CITY_GOVERNMENT = "city_government", _("市政府")
    COUNTY_GOVERNMENT = "county_government", _("县(市、区)政府")
    STATISTICS_BUREAU = "statistics_bureau", _("统计局")
    THINK_TANK = "think_tank", _("智库")


class Role(models.TextChoices):
    """The roles, each a Django group of the same name (``roles.ensure_roles``). Anonymous
    visitors are the public (公众): they see published content only."""

    ADMIN = "系统管理员", _("系统管理员")
    OFFICE = "长三角办", _("长三角办")
    DEPARTMENT = "部门", _("部门")
    REPORTER = "统计填报", _("统计填报")
    RESEARCHER = "研究人员", _("研究人员")
