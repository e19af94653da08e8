"""What the overview (总览) shows, computed once per data version, and the feedback's rate limit.

Every function that reads observations, assessments or status changes takes the visitor and
reads through ``accounts.scoping.restrict``: the public is shown approved values only. The
results are plain numbers and codes (no translated words), cached by
``site.cache.cached`` under the *audience* they were computed for (the public, or every
signed-in role that may view everything), so one cached copy serves every language.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max

from deltawatch.accounts.scoping import PUBLIC_RULES, restrict
from deltawatch.indicators.models import Indicator
from deltawatch.methods.aggregate import aggregate_groups
from deltawatch.observations.models import ImportBatch, Observation
from deltawatch.progress.models import ProgressAssessment, StatusChange
from deltawatch.regions.models import Region, RegionGroup

from .cache import cached

DELTA = "yrd"  # 长三角全域: the three provinces and Shanghai
CITIES = "yrd41"  # the 41 cities the map draws
METHOD = "opensdg"  # the method whose statuses the overview counts (the progress board's default)
HEADLINES = ["gdp_per_capita", "urbanization_rate", "rd_intensity", "pm25_concentration", "railway_density"]
DEFAULT_MAP_INDICATOR = "gdp_per_capita"
MAP_MIN_CITIES = 21  # the map offers indicators with values for at least half of the 41 cities
TREND_YEARS = 15  # a sparkline shows at most the last 15 years with data


# ------------------------------------------------------------------------------ audiences


def may_view(model, user) -> bool:
    """Whether ``user`` may view rows of ``model`` at all (before any row rule)."""
    meta = model._meta
    if not user.is_authenticated:
        return meta.label_lower in PUBLIC_RULES
    return user.is_superuser or user.has_perm(f"{meta.app_label}.view_{meta.model_name}")


def audience(user) -> str:
    """The cache key part for what ``user`` is shown: ``public`` (approved data only), ``all``
    (every role that may view all observations, assessments and status changes) or ``user:<id>``
    for an account whose view is narrower (its results are not shared with anybody)."""
    if not user.is_authenticated:
        return "public"
    if all(may_view(model, user) for model in (Observation, ProgressAssessment, StatusChange)):
        return "all"
    return f"user:{user.pk}"


def current_values(user):
    """The current observations ``user`` may see (the public: approved ones only)."""
    return restrict(Observation.objects.filter(is_current=True), user, "view")


# ------------------------------------------------------------------------------ group values


def _indicator_rules() -> pd.DataFrame:
    from deltawatch.progress.services import indicator_frame

    return indicator_frame()


def visible_series(user, indicators) -> pd.DataFrame:
    """Values of ``indicators`` for regions and, aggregated from their members by each
    indicator's own rule (``methods.aggregate.aggregate_groups``), for region groups — from
    the observations ``user`` may see.

    The same computation as ``progress.services.series_values`` (which reads the approved
    values every stored run uses), here on what ``user`` may see: the public's values are
    aggregated from approved ones only, so a group value never leaks a draft.
    """
    from deltawatch.progress.services import inputs_of

    rules = _indicator_rules()
    query = current_values(user).filter(indicator__code__in=sorted(inputs_of(indicators, rules)))
    rows = query.values_list("region__code", "indicator__code", "year", "value", "id")
    values = pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value", "vintage"])
    links = pd.DataFrame(RegionGroup.members.through.objects.values_list("regiongroup__code", "region__code"),
                         columns=["group_code", "region_code"])
    groups = aggregate_groups(values, links, rules)
    return pd.concat([values.assign(scope="region"), groups.drop(columns="members").assign(scope="group")],
                     ignore_index=True)


# ------------------------------------------------------------------------------ headline indicators


def _points(frame: pd.DataFrame) -> list[list]:
    frame = frame.sort_values("year").tail(TREND_YEARS)
    return [[int(y), float(v)] for y, v in zip(frame["year"], frame["value"])]


def headline_series(user, codes=HEADLINES) -> list[dict]:
    """For each headline indicator: the Delta's series (group ``yrd``) when its members' data
    allow a group value, else the series of each province. ``[{"code", "scope": "delta" |
    "provinces", "series": [{"region": code, "points": [[year, value], …]}]}]``."""
    known = [c for c in codes if Indicator.objects.filter(code=c).exists()]

    def compute():
        values = visible_series(user, known)
        provinces = list(RegionGroup.objects.get(code=DELTA).members.order_by("code").values_list("code", flat=True))
        out = []
        for code in known:
            mine = values[values["indicator"] == code]
            delta = mine[(mine["scope"] == "group") & (mine["region_code"] == DELTA)]
            if len(delta):
                out.append({"code": code, "scope": "delta", "series": [{"region": DELTA, "points": _points(delta)}]})
                continue
            series = [{"region": p, "points": _points(mine[(mine["scope"] == "region") & (mine["region_code"] == p)])}
                      for p in provinces]
            out.append({"code": code, "scope": "provinces", "series": [s for s in series if s["points"]]})
        return out

    return cached("overview-headlines", compute, audience(user), ",".join(known))


# ------------------------------------------------------------------------------ target statuses


def status_counts(user, method: str = METHOD) -> dict:
    """Targets by plan area (dimension) and status: the stored assessments of ``method`` the
    user may see, or — when no run was stored yet — an assessment computed now and not saved
    (``progress.services.run_progress(save=False)``). Only assessments against a target are
    counted (a series without a target has no target status).

    ``{"source": "stored" | "computed" | "none", "assessed_at": datetime | None,
    "counts": {dimension_code: {status: n}}}``
    """
    def compute():
        stored = restrict(ProgressAssessment.objects.filter(method=method, target__isnull=False), user, "view")
        if ProgressAssessment.objects.filter(method=method).exists():
            rows = stored.order_by().values_list("indicator__dimension__code", "status").annotate(n=Count("id"))
            counts: dict = {}
            for dimension, status, n in rows:
                counts.setdefault(dimension, {})[status] = n
            when = stored.aggregate(at=Max("run__started_at"))["at"]
            return {"source": "stored", "assessed_at": when, "counts": counts}
        if not may_view(ProgressAssessment, user):
            return {"source": "none", "assessed_at": None, "counts": {}}
        from deltawatch.progress.services import run_progress

        frame = run_progress(method=method, save=False).assessments
        frame = frame[frame["target_id"].notna()]
        counts = {}
        for (dimension, status), n in Counter(zip(frame["dimension"], frame["status"])).items():
            counts.setdefault(dimension, {})[status] = int(n)
        return {"source": "computed", "assessed_at": None, "counts": counts}

    return cached("overview-status-counts", compute, audience(user), method)


# ------------------------------------------------------------------------------ the map


def map_coverage(user) -> dict:
    """For every indicator with values for the 41 cities: ``{code: {year: number of cities}}``."""
    def compute():
        members = RegionGroup.objects.get(code=CITIES).members.values("id")
        rows = (current_values(user).filter(region_id__in=members).order_by()
                .values_list("indicator__code", "year").annotate(n=Count("region_id", distinct=True)))
        coverage: dict = {}
        for code, year, n in rows:
            coverage.setdefault(code, {})[int(year)] = int(n)
        return coverage

    return cached("overview-map-coverage", compute, audience(user))


def default_year(years: dict) -> int | None:
    """The latest year in which the most cities have a value (all 41 when there is one)."""
    if not years:
        return None
    most = max(years.values())
    return max(year for year, n in years.items() if n == most)


def map_values(user, indicator: str, year: int) -> list[dict]:
    """The current values of one indicator in one year for the 41 cities the user may see:
    ``[{"region": code, "value": v, "source": text}]`` in region-code order."""
    def compute():
        members = RegionGroup.objects.get(code=CITIES).members.values("id")
        rows = (current_values(user).filter(region_id__in=members, indicator__code=indicator, year=year)
                .order_by("region__code").values_list("region__code", "value", "source"))
        return [{"region": code, "value": value, "source": source} for code, value, source in rows]

    return cached("overview-map-values", compute, audience(user), indicator, year)


# ------------------------------------------------------------------------------ changes and freshness


def latest_changes(user, limit: int = 8):
    """The newest status changes the user may see, with the observation behind each (only when
    the user may see that observation too)."""
    changes = list(restrict(StatusChange.objects.all(), user, "view")
                   .select_related("indicator", "region", "group", "batch").order_by("-changed_at", "-id")[:limit])
    ids = [c.data_revision_id for c in changes if c.data_revision_id]
    revisions = {o.id: o for o in restrict(Observation.objects.filter(id__in=ids), user, "view")
                 .select_related("region")}
    for change in changes:
        change.visible_revision = revisions.get(change.data_revision_id)
    return changes


def freshness(user) -> dict:
    """How fresh the data are: per plan area the newest year with a value, how many of its
    indicators have values, and when a value was last recorded; and the latest import the user
    may see."""
    def compute():
        rows = (current_values(user).order_by().values("indicator__dimension__code")
                .annotate(latest_year=Max("year"), recorded=Max("recorded_at"),
                          indicators=Count("indicator_id", distinct=True)))
        return {row["indicator__dimension__code"]: {k: row[k] for k in ("latest_year", "recorded", "indicators")}
                for row in rows}

    by_dimension = cached("overview-freshness", compute, audience(user))
    batch = restrict(ImportBatch.objects.all(), user, "view").order_by("-created_at", "-id").first()
    return {"by_dimension": by_dimension, "latest_batch": batch}


def region_names(codes, lang: str) -> dict:
    """``{code: name}`` for regions and region groups, in the page's language."""
    field = "name_en" if lang == "en" else "name_zh"
    names = dict(RegionGroup.objects.filter(code__in=codes).values_list("code", field))
    names.update(Region.objects.filter(code__in=codes).values_list("code", field))
    return names


# ------------------------------------------------------------------------------ feedback rate limit

RATE_LIMIT = 5  # submissions …
RATE_WINDOW = 3600  # … per client address per hour


def client_address(request) -> str:
    """The client's address. ``deltawatch serve`` behind ``DELTAWATCH_TRUSTED_PROXY`` sets
    REMOTE_ADDR from the proxy's X-Forwarded-For (waitress' trusted_proxy), so a header sent by
    the client itself is never believed here."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def take_submission_slot(address: str) -> bool:
    """Count one submission from ``address``; False once it made more than ``RATE_LIMIT`` in the
    current window (a fixed window starting at its first submission, kept in Django's cache).

    Hand-written rather than a library (django-ratelimit) for eight lines on Django's cache
    API; ``cache.add`` then ``incr`` is atomic on memcached/Redis and on the local-memory cache
    (locked), so concurrent posts cannot both take the last slot.
    """
    key = f"dw:feedback-rate:{address}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count <= RATE_LIMIT
