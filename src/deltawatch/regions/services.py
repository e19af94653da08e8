"""Regions as the rest of the application asks for them."""

from __future__ import annotations

from .models import Region
from .resolver import RegionRecord, RegionResolver


def region_resolver() -> RegionResolver:
    """A resolver over every region in the database, ended ones included."""
    rows = Region.objects.values_list("code", "level", "name_zh", "parent__code", "valid_from", "valid_to")
    return RegionResolver(RegionRecord(*row) for row in rows)
