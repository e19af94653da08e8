"""The public view is built on approved data only (issue 12.3): the stored progress and index
runs read the newest approved revision of every value (``observations.models.approved_values``),
so a value a reporter submitted moves no public status until it is approved."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from deltawatch.indicators.models import Indicator
from deltawatch.indices.commands import load
from deltawatch.indices.services import _columns, frame_from_database
from deltawatch.observations.models import Observation, approved_values
from deltawatch.observations.services import import_observations
from deltawatch.progress.models import ProgressAssessment
from deltawatch.regions.models import Region
from tests.accounts import test_role_matrix as matrix
from tests.accounts.test_role_matrix import client_for

pytestmark = pytest.mark.django_db

# the role matrix's accounts and objects, and its cache handling
world, shared_world, fresh_cache = matrix.world, matrix.shared_world, matrix.fresh_cache

# Jiangsu's 2022 urban population revised down: urbanisation 4000 / 8500 = 47 %, below the
# 2005 base — the 2025 target goes from 按进度推进 (on_track) to 出现倒退 (deteriorating).
REVISION = ("region,indicator,year,value,unit\n"
            "江苏省,population_urban,2022,4000,万人\n江苏省,population_resident,2022,8500,万人\n")
CELL = 'data-indicator="urbanization_rate" data-region="320000" data-status="{}"'


def jiangsu_urbanisation_status() -> str:
    return ProgressAssessment.objects.get(method="opensdg", indicator__code="urbanization_rate",
                                          region__code="320000", target__target_year=2025).status


def upload_and_confirm(client, text: str):
    page = client.post(reverse("observations:upload"),
                       {"file": SimpleUploadedFile("jiangsu-2022.csv", text.encode()), "layout": "auto"})
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    client.post(reverse("observations:confirm"), {"token": token, "decision": "import"})


def test_a_submitted_value_moves_no_public_status_until_it_is_approved(world):
    users, _objects = world
    office = client_for(users, "office")
    office.post(reverse("progress:run"), {"method": "opensdg"})
    assert jiangsu_urbanisation_status() == "on_track"
    assert CELL.format("on_track") in Client().get(reverse("progress:board")).content.decode()
    bars = Client().get(reverse("site:overview_status_csv")).content

    submitted = Observation.objects.filter(region__code="320000", year=2022, is_current=True,
                                           indicator__code__in=["population_urban", "population_resident"])
    assert not submitted.exists()  # new values (a revision of an approved one: the next test)
    upload_and_confirm(office, REVISION)  # the page writes 已报送 (submitted)
    assert sorted(submitted.values_list("value", "status")) == [(4000.0, "submitted"), (8500.0, "submitted")]
    office.post(reverse("progress:run"), {"method": "opensdg"})
    assert jiangsu_urbanisation_status() == "on_track"
    assert CELL.format("on_track") in Client().get(reverse("progress:board")).content.decode()
    assert Client().get(reverse("site:overview_status_csv")).content == bars

    batch = submitted.first().batch  # the two values and the urbanisation rate derived from them
    assert Observation.objects.filter(batch=batch, indicator__code="urbanization_rate", status="submitted").exists()
    Observation.objects.filter(batch=batch).update(status="approved")  # the office approves (in the admin)
    office.post(reverse("progress:run"), {"method": "opensdg"})
    assert jiangsu_urbanisation_status() == "deteriorating"
    board = Client().get(reverse("progress:board")).content.decode()
    assert CELL.format("deteriorating") in board and CELL.format("on_track") not in board


def test_approved_values_are_the_newest_approved_revision_of_each_value(world, write_csv):
    suzhou = Region.objects.get(code="320500")
    old = Observation.objects.get(region=suzhou, indicator__code="gdp", year=2019, is_current=True)
    assert old.status == "approved"
    import_observations(write_csv("region,indicator,year,value,unit\n320500,gdp,2019,19300,亿元\n"))
    new = Observation.objects.get(region=suzhou, indicator__code="gdp", year=2019, is_current=True)
    assert new.status == "submitted" and new.revision == old.revision + 1
    values = approved_values().filter(region=suzhou, indicator__code="gdp", year=2019)
    assert list(values.values_list("pk", flat=True)) == [old.pk]  # the submitted one is not used
    Observation.objects.filter(pk=new.pk).update(status="approved")
    assert list(values.values_list("pk", flat=True)) == [new.pk]  # once approved, it replaces the old


def test_an_index_run_reads_approved_values_only(world, write_csv):
    spec = load("yrd_hqd")
    before, _vintage = frame_from_database(spec, years=[2017])
    column = _columns(spec)[0]
    unit = spec.data["unit"]
    row = before[before[column].notna()].iloc[0]
    region, value = str(row[unit]), float(row[column])
    indicator = Indicator.objects.get(code=column)
    import_observations(write_csv(f"region,indicator,year,value,unit\n{region},{column},2017,{value * 3},"
                                  f"{indicator.unit}\n"))  # submitted
    after, _vintage = frame_from_database(spec, years=[2017])
    assert after.loc[after[unit] == row[unit], column].item() == pytest.approx(value, rel=1e-12)
    Observation.objects.filter(region__code=region, indicator=indicator, year=2017, is_current=True) \
        .update(status="approved")
    approved, _vintage = frame_from_database(spec, years=[2017])
    assert approved.loc[approved[unit] == row[unit], column].item() == pytest.approx(value * 3, rel=1e-12)
