"""Page analytics cached by data version: an unchanged page never recomputes.

The version is the newest observation id, the newest change record, and the newest progress and
index runs: a new import or revision adds an observation row; an edit that changes a value in
place (its status: approved, returned to draft) writes a change record; a run adds a run. Every
cached result made before is then simply never asked for again (keys carry the version; the cache
evicts them).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Max


def data_version() -> str:
    """A short text that changes whenever the data behind any page change."""
    from deltawatch.audit.models import ChangeRecord
    from deltawatch.indices.models import IndexRun
    from deltawatch.observations.models import Observation
    from deltawatch.progress.models import ProgressRun

    parts = (
        Observation.objects.aggregate(v=Max("id"))["v"],  # every change of a value is a new row
        ChangeRecord.objects.aggregate(v=Max("id"))["v"],  # … and of its status, a change record
        ProgressRun.objects.aggregate(v=Max("id"))["v"],
        IndexRun.objects.aggregate(v=Max("id"))["v"],
    )
    return "-".join(str(p or 0) for p in parts)


def cached(name: str, compute, *key_parts, timeout: int = 24 * 3600):
    """``compute()`` for this data version and these key parts, from the cache when present."""
    key = "dw:" + ":".join([name, data_version(), *map(str, key_parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
