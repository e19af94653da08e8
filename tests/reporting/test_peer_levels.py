"""Outliers across regions compare a region with regions of its level: the provinces' totals
are never flagged for standing out among their cities (they were, on the outlier page)."""

import pytest

from deltawatch.regions.models import Region
from deltawatch.reporting import services

pytestmark = pytest.mark.django_db


def test_a_provinces_total_is_not_an_outlier_among_cities():
    frame = services.selection_frame(["gdp"], None, [2021])
    level = dict(Region.objects.values_list("code", "level"))
    provinces = {c for c in frame["region_code"] if level[c] == "province"}
    cities = frame[frame["region_code"].map(level) == "prefecture"]
    assert len(provinces) == 4 and len(cities) > 30  # both levels in one selection
    report = services.validate(frame, rules=False, outliers=("modz", "iqr"))
    flagged = set(report["region_code"])
    assert not flagged & provinces  # four provinces: too few peers to flag any
    # the cities are judged among the cities alone
    alone = services.validate(cities, rules=False, outliers=("modz", "iqr"))
    assert set(alone["region_code"]) == {c for c in flagged if level[c] == "prefecture"}
