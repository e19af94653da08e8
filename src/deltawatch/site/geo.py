"""The 41 cities' boundaries for maps, served from the package (schematic: 示意图)."""

from functools import lru_cache

from django.http import HttpResponse
from django.views.decorators.cache import cache_control

from deltawatch.regional.services import GEOJSON


@lru_cache(maxsize=1)
def _geojson_bytes() -> bytes:
    return GEOJSON.read_bytes()


@cache_control(public=True, max_age=86400)
def yrd41_cities(request):
    """GeoJSON of the 41 cities (properties adcode, name, province); schematic boundaries."""
    return HttpResponse(_geojson_bytes(), content_type="application/geo+json")
