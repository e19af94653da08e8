"""What a locked-out login sees: django-axes calls :func:`lockout_response` (``AXES_LOCKOUT_CALLABLE``).

django-axes' own page is a line of English (it has no Chinese translation) outside the admin's
frame; this one says in both languages what happened, for how long and how an administrator
lifts the lock, inside the admin's header like the login page it replaces.
"""

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse

LOCKED_OUT_STATUS = 429  # Too Many Requests, as django-axes answers by default


def lockout_response(request, original_response=None, credentials=None):
    """The page answered to a login refused because its account and address are locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,  # nobody is logged in: no models to list
        "title": "登录已暂时锁定 / Login locked",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": minutes,
    }
    response = TemplateResponse(request, "deltawatch/locked_out.html", context, status=LOCKED_OUT_STATUS)
    return response.render()
