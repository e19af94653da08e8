"""Page analytics cached by data version: an unchanged page never recomputes.

The version is the newest observation id, the newest change record, and the newest progress and
index runs: a new import or revision adds an observation row; an edit that changes a value in
place (its status: approved, returned to draft) writes a change record; a run adds a run. Every
cached result made before is then simply never asked for again (keys carry the version; the cache
evicts them).

``cached_page`` goes one step further for the analytics pages: the whole rendered page, per data
version, language, viewer and address, so that a page seen before costs a cache read instead of
its queries and its template (issue 12's load benchmark: 50 clients on 2 cores).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection as default_connection
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

# A rendered page lives at most this long even when nothing this process sees has changed:
# what another process changes in place (without a new row) shows within it.
PAGE_SECONDS = 300
# The hidden field of every {% csrf_token %}: a cached page gets the visitor's own token.
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{32,128})"')


def data_version() -> str:
    """A short text that changes whenever the data behind any page change (one query)."""
    from django.db import connection

    from deltawatch.audit.models import ChangeRecord
    from deltawatch.indices.models import IndexRun
    from deltawatch.observations.models import Observation
    from deltawatch.progress.models import ProgressRun

    # every change of a value is a new observation row, of its status a change record
    tables = [model._meta.db_table for model in (Observation, ChangeRecord, ProgressRun, IndexRun)]
    sql = "SELECT " + ", ".join(f"(SELECT MAX(id) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        parts = cursor.fetchone()
    return "-".join(str(p or 0) for p in parts)


def cached(name: str, compute, *key_parts, timeout: int = 24 * 3600):
    """``compute()`` for this data version and these key parts, from the cache when present."""
    key = "dw:" + ":".join([name, data_version(), *map(str, key_parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


# Every write this process makes through Django's database connections moves this: an
# indicator renamed in the admin, a role given, a value's status set by ``update()`` — none of
# which moves the data version — and a rolled-back transaction (the tests' habit). Writes to
# tables that say nothing about a page (sessions, login records, a job's progress, a feedback
# entry: the pages that show those key on them through ``extra``) are left out, so that signing
# in or a running job does not throw every page away. Writes by other processes (an import from
# the command line, a job runner) move the data version; what they change in place shows within
# ``PAGE_SECONDS``.
_writes = itertools.count()
_generation = next(_writes)
WRITE = re.compile(r'\s*(?:(?:INSERT|REPLACE)\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?(\w+)|\s*(ROLLBACK)', re.IGNORECASE)
QUIET_TABLES = {"django_session", "django_admin_log", "axes_accessattempt", "axes_accesslog",
                "axes_accessfailurelog", "jobs_job", "site_feedback",
                "api_apitoken"}  # a token's last use, written at most once a minute


def _count_writes(execute, sql, params, many, context):
    global _generation
    found = WRITE.match(sql)
    if found and (found.group(2) or found.group(1).lower() not in QUIET_TABLES):
        _generation = next(_writes)
    return execute(sql, params, many, context)


def watch_writes(connection, **kwargs) -> None:
    """Count this connection's writes (connected to ``connection_created``; also called on a
    connection opened before this module was imported)."""
    if _count_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _count_writes)


connection_created.connect(watch_writes, weak=False, dispatch_uid="deltawatch.site.cache.watch_writes")


def viewer(user) -> str:
    """Whose page it is: the public's one page, or one account's own (never shared: roles,
    organisation and scope all differ between accounts)."""
    return f"user:{user.pk}" if user.is_authenticated else "public"


def cached_page(view=None, *, extra=None):
    """Serve a GET page from the cache when the data, the language, the viewer and the address
    are those it was rendered for; render and keep it otherwise.

    ``extra(request, *args, **kwargs)`` adds what else the page depends on (e.g. whether a run
    is published: publishing changes no data version). Not cached: HTMX partials, pages that
    carry a one-time message, anything but a plain 200 HTML page. The CSRF token written into
    the page's forms is replaced by the visitor's own on every hit.
    """
    def decorate(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            if request.method != "GET" or getattr(request, "htmx", False) or _has_messages(request):
                return view(request, *args, **kwargs)
            watch_writes(default_connection)
            parts = [data_version(), str(_generation), get_language(), viewer(request.user),
                     request.get_full_path()]
            if extra is not None:
                parts.append(str(extra(request, *args, **kwargs)))
            key = "dw:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
            kept = cache.get(key)
            if kept is not None:
                return _from_cache(request, kept)
            response = view(request, *args, **kwargs)
            if _cacheable(response, request):
                tokens = set(CSRF_FIELD.findall(response.content))
                cache.set(key, (response.content, list(response.items()), tokens), PAGE_SECONDS)
            return response
        return page

    return decorate(view) if view is not None else decorate


def _has_messages(request) -> bool:
    """A page showing a one-time message (“已公开运行 #3”) is shown once, never cached."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _cacheable(response, request) -> bool:
    # The CSRF cookie is no reason not to keep a page: a view under csrf_protect sends it with
    # every form (Django renews it), and a page from the cache gets the visitor's own token.
    cookies = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
    return (response.status_code == 200 and not response.streaming and not cookies
            and response.get("Content-Type", "").startswith("text/html") and not _has_messages(request))


def _from_cache(request, kept) -> HttpResponse:
    content, headers, tokens = kept
    if tokens:
        fresh = get_token(request).encode()  # also sets the CSRF cookie when the visitor has none
        for token in tokens:
            content = content.replace(token, fresh)
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response
