"""The API object and what every operation shares: error bodies (worded, Chinese first, English
by Accept-Language), scoping through ``accounts.scoping.restrict``, limit/offset pages, ETags
and the data version.

ETags: an operation over data that only an import, an edit or a run changes (the catalogue,
observations, progress, indices, disparity) is tagged by the data version
(``site.cache.data_version``), the caller's scope, language and the full address — so a
matching ``If-None-Match`` is answered 304 before any query of the data runs, and the same
question asked again is answered from the cache (as the pages are: ``site.cache.cached_page``). Every other GET
(plans, tasks, reports, jobs) is tagged by a hash of its body. Every response says the data
version in ``X-Data-Version``.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection as default_connection
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from deltawatch.accounts.scoping import PUBLIC_RULES, restrict
from deltawatch.site.cache import data_version

from .auth import ApiAuth, Throttled, caller_user
from .schemas import Error

# Every operation may answer these, with an Error body (declared so the OpenAPI description
# is true to what a client gets).
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 413: Error, 422: Error, 429: Error}
READ_ERRORS = {304: None, **ERRORS}
VARY = "Accept-Language, Authorization, Cookie"


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese as UTF-8, not \\uXXXX: a third of the bytes


class DeltaWatchAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        version = getattr(request, "_dw_data_version", None) or data_version()
        response["X-Data-Version"] = version
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            tag = getattr(request, "_dw_etag", None) or f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["ETag"], response["Vary"] = tag, VARY
            cache_key = getattr(request, "_dw_cache_key", None)
            if cache_key:
                cache.set(cache_key, response.content, RESPONSE_SECONDS)
            if _matches(request, tag):
                return _not_modified(tag, version)
        return response


def _matches(request, tag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    given = {part.strip().removeprefix("W/") for part in header.split(",")}
    return "*" in given or tag.removeprefix("W/") in given


def scope_key(user) -> str:
    """Who the caller is for a cache key or ETag: what it may see depends on it."""
    if not user.is_authenticated:
        return "public"
    return f"user{user.pk}:{getattr(user, 'scope_role', None) or 'all'}"


# A versioned response is kept this long at most (what another process changes in place, without
# moving the data version, shows within it — the pages' rule, site.cache.PAGE_SECONDS).
RESPONSE_SECONDS = 300


def version_key(request, *parts) -> str:
    """What a versioned answer depends on: the data version, this process's write generation
    (writes that move no data version: an edit in the admin), the caller's scope, the language,
    and ``parts`` (the address, or a selection)."""
    from deltawatch.site import cache as site_cache

    site_cache.watch_writes(default_connection)
    version = getattr(request, "_dw_data_version", None) or data_version()
    request._dw_data_version = version
    text = "|".join([version, str(site_cache._generation), scope_key(caller_user(request)), get_language() or "",
                     *map(str, parts)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def versioned(view):
    """Tag the operation's response by the data version (see the module's docstring): a
    matching If-None-Match is answered 304, and an answer given before for the same version,
    caller and address is served from the cache, before the operation runs."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = version_key(request, request.get_full_path())
        tag = f'W/"{key}"'
        request._dw_etag = tag
        if _matches(request, tag):
            return _not_modified(tag, request._dw_data_version)
        kept = cache.get(f"dw:api:{key}")
        if kept is not None:
            response = HttpResponse(kept, content_type="application/json; charset=utf-8")
            response["ETag"], response["X-Data-Version"] = tag, request._dw_data_version
            response["Vary"] = VARY
            return response
        request._dw_cache_key = f"dw:api:{key}"
        return view(request, *args, **kwargs)

    return wrapper


def _not_modified(tag: str, version: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"], response["X-Data-Version"], response["Vary"] = tag, version, VARY
    return response


def scoped(request, queryset, action: str = "view"):
    """``restrict(queryset, user, action)`` — with 401 for the public on what the public may not
    see at all, and 403 for a signed-in role without the permission (rather than an empty list
    that reads as "there is nothing")."""
    user = caller_user(request)
    meta = queryset.model._meta
    if not user.is_authenticated:
        if action != "view" or meta.label_lower not in PUBLIC_RULES:
            raise AuthenticationError(message=_("请先登录，或提供 API 令牌。"))
    elif not user.is_superuser and not user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
        raise HttpError(403, _("您的角色无权访问此类数据。"))
    return restrict(queryset, user, action)


def page(items, limit: int, offset: int, serialize, **extra) -> dict:
    """One page of a queryset (or list): count, limit, offset, next_offset, data_version,
    results (each item through ``serialize``)."""
    if isinstance(items, list):
        count, chunk = len(items), items[offset:offset + limit]
    else:
        count = items.count()
        chunk = list(items[offset:offset + limit]) if offset < count else []
    following = offset + limit
    return {"count": count, "limit": limit, "offset": offset,
            "next_offset": following if following < count else None,
            "data_version": extra.pop("data_version", None) or data_version(),
            "results": [serialize(item) for item in chunk], **extra}


def get_or_404(queryset, **lookup):
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


# ---------------------------------------------------------------- error bodies

VALIDATION_WORDS = {
    "extra_forbidden": lambda e: _("不认识的字段“%(field)s”。") % {"field": _loc(e)},
    "missing": lambda e: _("缺少必填项“%(field)s”。") % {"field": _loc(e)},
    "less_than_equal": lambda e: _("“%(field)s”应不大于 %(limit)s。") % {"field": _loc(e), "limit": e["ctx"]["le"]},
    "greater_than_equal": lambda e: _("“%(field)s”应不小于 %(limit)s。") % {"field": _loc(e), "limit": e["ctx"]["ge"]},
}


def _loc(error) -> str:
    """The field's place without ninja's prefixes (body/query/path and the parameter's name)."""
    parts = [str(part) for part in error.get("loc", ())]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts)


def _validation_error(request, exc: ValidationError, api):
    errors = []
    for error in exc.errors:
        word = VALIDATION_WORDS.get(error.get("type"))
        try:
            message = word(error) if word else error.get("msg", "")
        except (KeyError, TypeError):
            message = error.get("msg", "")
        errors.append({"location": ".".join(str(p) for p in error.get("loc", ())), "type": error.get("type", ""),
                       "message": message})
    detail = _("请求有 %(count)s 处不符合接口说明：%(first)s") % {"count": len(errors),
                                                        "first": errors[0]["message"] if errors else ""}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _http_error(request, exc: HttpError, api):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        cause = exc.__cause__
        where = (_("第 %(line)s 行第 %(column)s 列") % {"line": cause.lineno, "column": cause.colno}
                 if hasattr(cause, "lineno") else "")
        message = _("请求体不是有效的 JSON%(where)s：请检查引号、逗号和括号。") % {
            "where": f"（{where}）" if where else ""}
    elif exc.status_code == 401 and message == "Unauthorized":
        message = _("请先登录，或提供 API 令牌。")
    response = api.create_response(request, {"detail": message}, status=exc.status_code)
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(exc.wait)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="deltawatch"'
    return response


def _not_found(request, exc, api):
    return api.create_response(request, {"detail": _("找不到该对象，或您无权查看。")}, status=404)


_API: list = []  # the API object make_api made (one per process)


def respond(request, data: dict):
    """A 200 answer of ``data`` rendered without validating it against the response schema —
    for the bulk reads (``observations``), whose rows are built here from typed columns: the
    validation would cost three quarters of a 1,000-row page. The schema still describes it
    (and the schemathesis test checks that it does). ETag, 304 and the cache as for any answer."""
    return _API[0].create_response(request, data, status=200)


def make_api() -> DeltaWatchAPI:
    from .docs import OfflineSwagger, docs_csp

    api = DeltaWatchAPI(
        title="DeltaWatch API", version="1", urls_namespace="api",
        description=("长三角一体化发展监测评估系统的数据接口。认证：浏览器会话（写请求带 X-CSRFToken），"
                     "或个人 API 令牌 `Authorization: Bearer dw_<前缀>_<密钥>`（在 /api/tokens/ 创建）。"
                     "分页：limit（最大 1000）与 offset。ETag 与 If-None-Match；X-Data-Version。\n\n"
                     "The DeltaWatch API. Authentication: the browser's session (writes carry X-CSRFToken) or a "
                     "personal API token (create one at /api/tokens/). Pages: limit (at most 1000) and offset. "
                     "ETag / If-None-Match; X-Data-Version."),
        auth=ApiAuth(), renderer=Renderer(), docs=OfflineSwagger(), docs_decorator=docs_csp,
    )
    api.add_exception_handler(ValidationError, lambda r, e: _validation_error(r, e, api))
    api.add_exception_handler(HttpError, lambda r, e: _http_error(r, e, api))
    api.add_exception_handler(Http404, lambda r, e: _not_found(r, e, api))
    api.add_exception_handler(ObjectDoesNotExist, lambda r, e: _not_found(r, e, api))
    _API[:] = [api]
    return api
