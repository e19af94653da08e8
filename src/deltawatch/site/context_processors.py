"""What every page's frame needs: the navigation the user's roles open, and who is signed in."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from deltawatch.accounts.roles import roles_of

# (url name, label, roles that see it; None = everyone, the public included)
NAVIGATION = [
    ("site:overview", _("总览"), None),
    ("indicators:catalogue", _("指标"), None),
    ("regions:tree", _("地区"), None),
    ("progress:board", _("目标进展"), None),
    ("indices:list", _("评价指数"), None),
    ("regional:disparity", _("区域差距"), None),
    ("observations:upload", _("数据导入"), {"系统管理员", "长三角办", "统计填报"}),
    ("site:feedback", _("意见建议"), None),
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
        items.append({"url": url, "label": label, "active": request.path == url or
                      (url != "/" and request.path.startswith(url))})
    membership = getattr(request.user, "membership", None) if request.user.is_authenticated else None
    return {"navigation": items, "user_roles": sorted(roles), "membership": membership}
