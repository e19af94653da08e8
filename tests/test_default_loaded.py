"""The embedded default, as loaded by `deltawatch init` into the database."""

import pytest

from deltawatch.audit.models import ChangeRecord
from deltawatch.defaults.loader import load_default
from deltawatch.indicators.models import Indicator, Target
from deltawatch.observations.models import Observation
from deltawatch.regions.models import Region, RegionGroup

pytestmark = pytest.mark.django_db


def value(region, indicator, year):
    return Observation.objects.get(region__code=region, indicator__code=indicator, year=year, is_current=True).value


def test_regions_and_groups():
    assert Region.objects.filter(level="province").count() == 4
    assert Region.objects.filter(level="prefecture", valid_to__isnull=True).count() == 40
    assert Region.objects.filter(level="county").count() > 250
    chaohu = Region.objects.get(code="341400")
    assert chaohu.valid_to.year == 2011 and not chaohu.is_valid_in(2012) and chaohu.is_valid_in(2010)
    assert RegionGroup.objects.get(code="central27").members.count() == 27
    assert RegionGroup.objects.get(code="yrd41").members.count() == 41
    demo = RegionGroup.objects.get(code="demo_zone").members.values_list("name_zh", flat=True)
    assert set(demo) == {"青浦区", "吴江区", "嘉善县"}


def test_catalogue_and_targets():
    assert Indicator.objects.count() >= 40
    assert {"gdp", "gdp_per_capita", "urbanization_rate", "population_resident", "rd_intensity"} <= set(
        Indicator.objects.values_list("code", flat=True))
    assert Indicator.objects.exclude(formula="").exists()
    assert Target.objects.filter(group__code="yrd", target_year=2025).count() >= 12
    assert Target.objects.filter(region__code="320000").count() == 17
    rd = Target.objects.get(group__code="yrd", indicator__code="rd_intensity")
    assert (rd.comparator, rd.value) == ("ge", 3.0) and "研发投入强度" in rd.sentence


def test_published_spot_checks():
    assert value("310000", "gdp", 2019) == pytest.approx(38155.32, rel=1e-9)
    assert value("320500", "gdp", 2019) == pytest.approx(19235.8, rel=1e-9)
    assert value("320000", "gdp", 2019) == pytest.approx(99631.52, rel=1e-9)
    assert value("340100", "gdp", 2019) == pytest.approx(9409.4, rel=1e-9)
    assert value("310000", "gdp_per_capita", 2019) == pytest.approx(157279, rel=1e-9)
    assert value("310000", "co2_emissions", 2017) == pytest.approx(192.5, abs=0.1)
    # census 2020: 22,209,395 urban of 24,870,895 residents, converted to the catalogue unit and derived
    assert value("310000", "urbanization_rate", 2020) == pytest.approx(22209395 / 24870895 * 100, rel=1e-9)


def test_every_value_has_a_source_and_is_approved():
    assert not Observation.objects.filter(source="").exists()
    assert not Observation.objects.exclude(status="approved").exists()


def test_loading_twice_changes_nothing():
    before = (Observation.objects.count(), ChangeRecord.objects.count(), Region.objects.count())
    counts = load_default(None, progress=lambda *args: None)
    assert set(counts.values()) == {0}
    assert (Observation.objects.count(), ChangeRecord.objects.count(), Region.objects.count()) == before


def test_published_figures_loaded_and_derived():
    """Published figures arrive through the importer with their qualifiers, and the derived
    indicators follow (hand computations from the quoted figures)."""
    rd = Observation.objects.get(region__code="310000", indicator__code="rd_intensity", year=2023, is_current=True)
    assert (rd.value, rd.qualifier) == (4.4, "approx") and "4.4%左右" in rd.note
    # "城镇居民人均可支配收入达60178元" / "农村居民人均可支配收入达28486元", Jiangsu 2022; the
    # source quotes 2.11:1.
    assert value("320000", "urban_rural_income_ratio", 2022) == pytest.approx(60178 / 28486, rel=1e-12)
    assert round(60178 / 28486, 2) == 2.11
    # railway 4276.9 km, land 107,200 km² → 4276.9 × 10,000 / 107,200 km per 10,000 km²
    assert value("320000", "railway_density", 2022) == pytest.approx(398.9645522, rel=1e-9)
    # expressway 5087 km → 5087 × 100 / 107,200 km per 100 km²
    assert value("320000", "expressway_density", 2022) == pytest.approx(4.7453358, rel=1e-7)
