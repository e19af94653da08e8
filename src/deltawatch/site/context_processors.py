"""What every page's frame needs: the navigation the user's roles open, and who is signed in."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deltawatch.accounts.roles import roles_of

# (url name, label, roles that see it; None = everyone, the public included)
NAVIGATION = [
    ("site:overview", _("总览"), None),
    ("indicators:catalogue", pgettext_lazy("navigation", "指标"), None),
    ("regions:tree", pgettext_lazy("navigation", "地区"), None),
    ("progress:board", _("目标进展"), None),
    ("indices:list", _("评价指数"), None),
    ("regional:disparity", _("区域差距"), None),
    ("assessment:schemes", _("绩效考核"), None),
    ("reports:list", _("通报与报告"), None),
    ("plans:inbox", _("任务"), {"长三角办", "部门"}),
    ("plans:plans", _("任务"), {"研究人员", "系统管理员"}),  # no inbox of their own: the plan tree
    ("reporting:forms", _("统计填报"), {"统计填报"}),
    ("reporting:cycles", _("统计审核"), {"长三角办", "研究人员", "系统管理员"}),
    ("observations:upload", _("数据导入"), {"系统管理员", "长三角办", "统计填报"}),
    ("intake:documents", _("文件解析"), {"系统管理员", "长三角办", "研究人员"}),
    ("site:feedback", _("意见建议"), None),
    ("site:feedback_inbox", _("意见建议收件箱"), {"系统管理员", "长三角办"}),
    ("admin:index", _("系统管理"), {"系统管理员"}),
]


def frame(request):
    roles = roles_of(request.user)
    items = []
    for name, label, allowed in NAVIGATION:
        if allowed is not None and not (roles & allowed):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page whose app is not installed yet
            continue
        items.append({"url": url, "label": label})
    # the page's own item: the longest URL the path starts with (/feedback/inbox/ is the
    # inbox's, not 意见建议's as well)
    current = max((item for item in items if request.path == item["url"] or
                   (item["url"] != "/" and request.path.startswith(item["url"]))),
                  key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is current
    membership = getattr(request.user, "membership", None) if request.user.is_authenticated else None
    return {"navigation": items, "user_roles": sorted(roles), "membership": membership}
