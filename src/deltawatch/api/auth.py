"""Who is calling: a personal API token (``Authorization: Bearer dw_<prefix>_<secret>``) or the
browser's session; anyone else is the public.

Every operation runs :class:`ApiAuth`, which never refuses the public (the public reads what the
pages show it; an operation that needs more says 401 itself) but refuses, with a worded message:
a token that is malformed, unknown or revoked (401), a token whose role its owner no longer has
(401), a read-only token on a write (403), a session write without the CSRF token (403), and a
token over its rate (429 with Retry-After).

A token acts in one role: its user is a copy of the owner (:class:`ScopedUser`, a proxy) whose
roles and permissions are those of that role alone, so ``accounts.scoping.restrict``, the task
workflow and the importer — which ask ``roles_of(user)`` and ``user.has_perm`` — see that role
and nothing more. The copy is never saved.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from deltawatch.accounts.choices import Role
from deltawatch.accounts.roles import roles_of

from .models import TOKEN_START, ApiToken, ScopedUser

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Requests a token may make in one minute (a fixed window in the cache); settings may lower it.
DEFAULT_RATE_PER_MINUTE = 600
# last_used_at is written at most this often: a write on every request would cost a query and
# move the pages' write generation (site.cache) for nothing.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def rate_per_minute() -> int:
    return int(getattr(settings, "API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


@dataclass
class Caller:
    """The result of authentication, as ``request.auth``: the user the operation acts as and the
    token used (None for a session or the public)."""

    user: object
    token: ApiToken | None = None

    def __bool__(self) -> bool:  # ninja treats a falsy result as "not authenticated"
        return True


class Throttled(HttpError):
    def __init__(self, wait: int):
        self.wait = wait
        super().__init__(429, _("请求过于频繁：每个令牌每分钟最多 %(rate)s 次请求，请 %(wait)s 秒后重试。")
                         % {"rate": rate_per_minute(), "wait": wait})


def parse_token(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of ``dw_<prefix>_<secret>``, or None when it is not of that form."""
    if not text.startswith(TOKEN_START):
        return None
    prefix, separator, secret = text[len(TOKEN_START):].partition("_")
    if not separator or not prefix or not secret or len(prefix) > 16:
        return None
    return prefix, secret


def scoped_user(token: ApiToken):
    """The token's owner acting in the token's role only (see the module's docstring)."""
    user = token.user
    scoped = ScopedUser(**{f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields})
    scoped._state.adding, scoped._state.db = False, user._state.db
    membership = getattr(user, "membership", None) if hasattr(user, "membership") else None
    if membership is not None:
        scoped.membership = membership
    if token.role == Role.ADMIN.value and user.is_superuser:
        scoped.scope_role = None  # the administrator's own, unrestricted powers
        return scoped
    scoped.is_superuser = False
    scoped.scope_role = token.role
    group = Group.objects.filter(name=token.role).first()
    permissions = set()
    if group is not None:
        permissions = {f"{app}.{codename}" for app, codename in
                       group.permissions.values_list("content_type__app_label", "codename")}
    scoped._perm_cache = scoped._group_perm_cache = permissions
    scoped._user_perm_cache = set()
    return scoped


def _rate_check(token: ApiToken) -> None:
    """Count the request in this minute's window; Throttled when the token is over its rate."""
    now = time.time()
    window = int(now // 60)
    key = f"dw:api-rate:{token.pk}:{window}"
    if cache.add(key, 1, 120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, 120)
            count = 1
    if count > rate_per_minute():
        raise Throttled(max(1, math.ceil((window + 1) * 60 - now)))


def authenticate_token(request, text: str) -> Caller:
    parsed = parse_token(text.strip())
    if parsed is None:
        raise AuthenticationError(message=_("API 令牌格式不对：应为 “Bearer dw_<前缀>_<密钥>”。"))
    prefix, secret = parsed
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not token.matches(secret) or not token.user.is_active:
        raise AuthenticationError(message=_("API 令牌无效。"))
    if token.revoked_at is not None:
        raise AuthenticationError(message=_("API 令牌已吊销。"))
    if token.role not in roles_of(token.user):
        raise AuthenticationError(message=_("API 令牌的角色“%(role)s”已不再属于该用户：请重新创建令牌。")
                                  % {"role": token.role})
    _rate_check(token)
    if request.method not in SAFE_METHODS and token.read_only:
        raise HttpError(403, _("只读 API 令牌不能写入数据。"))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = scoped_user(token)
    request.user = user
    return Caller(user, token)


def refuse_nul(request) -> None:
    """422 for a NUL character in the address, a query parameter or a JSON body: PostgreSQL's
    text cannot hold one (a filter with it fails inside the database), and no real value has one.
    Checked here because authentication runs before any parameter is read."""
    texts = [request.path, *(v for _k, values in request.GET.lists() for v in values)]
    body_has_nul = False
    if request.content_type == "application/json" and request.method not in SAFE_METHODS:
        try:
            body = request.body
        except RequestDataTooBig:
            raise HttpError(413, _("JSON 请求体超过 %(mb)s MB：请分批提交（每批约 2 万行），或用 CSV 接口一次提交。")
                            % {"mb": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2 ** 20, 1)}) from None
        body_has_nul = b"\x00" in body or b"\\u0000" in body
    if body_has_nul or any("\x00" in text for text in texts):
        raise HttpError(422, _("请求含有空字符（NUL）：数据库不能保存它，请删去。"))


class ApiAuth(HttpBearer):
    """Token, else session, else the public (see the module's docstring). Declared in the
    OpenAPI description as HTTP bearer; a browser's session works too (CSRF on writes)."""

    def __call__(self, request):
        refuse_nul(request)
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _space, value = header.partition(" ")
            if scheme.lower() != "bearer":
                raise AuthenticationError(message=_("不支持的认证方式：请使用 “Authorization: Bearer <API 令牌>”。"))
            return authenticate_token(request, value)
        user = getattr(request, "user", None) or AnonymousUser()
        if user.is_authenticated and request.method not in SAFE_METHODS:
            refused = check_csrf(request)
            if refused is not None:
                raise HttpError(403, _("CSRF 校验失败：浏览器会话的写请求须带 X-CSRFToken 请求头。"))
        return Caller(user)

    def authenticate(self, request, token):  # required by HttpBearer; __call__ does the work
        return authenticate_token(request, token)


def caller_user(request):
    """The user an operation acts as (the public: AnonymousUser)."""
    auth = getattr(request, "auth", None)
    return auth.user if isinstance(auth, Caller) else getattr(request, "user", AnonymousUser())


def require_login(request):
    """The user, or 401 for the public."""
    user = caller_user(request)
    if not user.is_authenticated:
        raise AuthenticationError(message=_("请先登录，或提供 API 令牌。"))
    return user
