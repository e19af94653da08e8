"""Regions as the rest of the application asks for them."""

from __future__ import annotations

from .models import Region
from .resolver import RegionRecord, RegionResolver, with_successors


def region_resolver() -> RegionResolver:
    """A resolver over every region in the database, ended ones included (with the regions
    that took their territory, as their notes name them)."""
    rows = list(Region.objects.values_list("code", "level", "name_zh", "parent__code", "valid_from", "valid_to",
                                           "note"))
    notes = {row[0]: row[6] for row in rows if row[5] and row[6]}
    return RegionResolver(with_successors((RegionRecord(*row[:6]) for row in rows), notes))
