"""Sub-annual values (issue 14): an observation has a period ('' the year, 'Q1'–'Q4', 'M01'–'M12').

An annual value and a quarter's value of the same year coexist; ``Observation.objects`` reads
annual values only (so every page, export, progress and index run is what it was), while
``Observation.all_periods`` — the default manager — reads every row. The migration keeps the
existing rows annual.
"""

import os
import subprocess
import sys
import textwrap

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from deltawatch.indicators.models import Indicator
from deltawatch.observations.exports import export_rows
from deltawatch.observations.models import Observation, approved_values
from deltawatch.observations.services import current_values, import_observations
from deltawatch.regions.models import Region

pytestmark = pytest.mark.django_db

YEAR = 2031  # a year the shipped data lacks: every value of it is made here
NANJING = "320100"


def add(region, indicator, value, *, period="", status="approved", revision=1, is_current=True):
    return Observation.all_periods.create(region=region, indicator=indicator, year=YEAR, period=period, value=value,
                                          status=status, revision=revision, is_current=is_current,
                                          recorded_at=timezone.now())


@pytest.fixture
def cell(db):
    return Region.objects.get(code=NANJING), Indicator.objects.get(code="gdp")


def test_an_annual_value_and_a_quarter_of_the_same_year_coexist(cell):
    region, gdp = cell
    annual = add(region, gdp, 20000.0)
    q1 = add(region, gdp, 4400.0, period="Q1")
    q2 = add(region, gdp, 4700.0, period="Q2")
    current = Observation.all_periods.filter(region=region, indicator=gdp, year=YEAR, is_current=True)
    assert sorted(current.values_list("period", "value")) == [("", 20000.0), ("Q1", 4400.0), ("Q2", 4700.0)]
    assert {annual.revision, q1.revision, q2.revision} == {1}
    # … but within one period the constraints hold as before: one current row, one row per revision
    with pytest.raises(IntegrityError), transaction.atomic():
        add(region, gdp, 4500.0, period="Q1", revision=2)          # a second current Q1 value
    with pytest.raises(IntegrityError), transaction.atomic():
        add(region, gdp, 4500.0, period="Q1", is_current=False)    # revision 1 of Q1 twice
    assert str(q1).endswith(f"{YEAR} Q1 = 4400 (r1)") and str(annual).endswith(f"{YEAR} = 20000 (r1)")


def test_objects_reads_annual_values_only_and_all_periods_every_row(cell):
    region, gdp = cell
    add(region, gdp, 20000.0)
    add(region, gdp, 4400.0, period="Q1")
    add(region, gdp, 1500.0, period="M01")
    assert list(Observation.objects.filter(region=region, indicator=gdp, year=YEAR).values_list("value", flat=True)) \
        == [20000.0]
    assert not Observation.objects.exclude(period="").exists()
    assert Observation.all_periods.filter(region=region, indicator=gdp, year=YEAR).count() == 3
    # the default manager (admin, dumpdata, related managers, the audit) sees every period
    assert Observation._default_manager is Observation.all_periods
    assert region.observations.filter(indicator=gdp, year=YEAR).count() == 3


def test_an_export_and_the_progress_read_ignore_sub_annual_values(cell):
    region, gdp = cell
    add(region, gdp, 20000.0)
    add(region, gdp, 4400.0, period="Q1")   # approved too: only its period keeps it out
    rows = export_rows(indicators=["gdp"], regions=[NANJING], years=[YEAR])
    assert [(r[2], r[3], r[4]) for r in rows] == [("gdp", YEAR, 20000.0)]
    approved = approved_values().filter(region=region, indicator=gdp, year=YEAR)
    assert list(approved.values_list("value", flat=True)) == [20000.0]
    frame = current_values(["gdp"], [NANJING], [YEAR])
    assert frame["value"].tolist() == [20000.0]


def test_the_progress_series_reads_the_annual_value_not_the_quarter(cell):
    from deltawatch.progress.services import series_values

    region, gdp = cell
    add(region, gdp, 4400.0, period="Q1")
    values = series_values(["gdp"])
    assert values[(values["region_code"] == NANJING) & (values["year"] == YEAR)].empty
    add(region, gdp, 20000.0)
    values = series_values(["gdp"])
    mine = values[(values["region_code"] == NANJING) & (values["year"] == YEAR) & (values["indicator"] == "gdp")]
    assert mine["value"].tolist() == [20000.0]


def test_an_import_writes_annual_rows_beside_a_quarter_and_revises_only_the_annual_one(cell, write_csv):
    region, gdp = cell
    add(region, gdp, 4400.0, period="Q1", status="draft")
    first = import_observations(write_csv(f"region,indicator,year,value\n{NANJING},gdp,{YEAR},20000\n"))
    assert (first.created, first.revised) == (1, 0)      # the Q1 value is not the year's current value
    second = import_observations(write_csv(f"region,indicator,year,value\n{NANJING},gdp,{YEAR},21000\n", "b.csv"))
    assert (second.created, second.revised) == (0, 1)
    rows = Observation.all_periods.filter(region=region, indicator=gdp, year=YEAR).order_by("period", "revision")
    assert list(rows.values_list("period", "revision", "value", "is_current")) == [
        ("", 1, 20000.0, False), ("", 2, 21000.0, True), ("Q1", 1, 4400.0, True)]


def test_the_admin_lists_every_period_with_a_period_column_and_filter(cell, admin_client):
    region, gdp = cell
    add(region, gdp, 20000.0)
    q1 = add(region, gdp, 4400.0, period="Q1")
    page = admin_client.get("/admin/observations/observation/", {"period": "Q1", "year": YEAR})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/admin/observations/observation/{q1.pk}/change/" in html
    assert "20,000" not in html and "4,400" in html
    assert "column-period_shown" in html and "报告期" in html
    change = admin_client.get(f"/admin/observations/observation/{q1.pk}/change/")
    assert change.status_code == 200 and 'name="period"' in change.content.decode()


def test_an_admin_correction_of_a_quarter_revises_the_quarter(cell, admin_client):
    region, gdp = cell
    annual = add(region, gdp, 20000.0)
    q1 = add(region, gdp, 4400.0, period="Q1")
    data = {"region": region.pk, "indicator": gdp.pk, "year": YEAR, "period": "Q1", "value": "4450", "qualifier": "",
            "value_supplied": "", "unit_supplied": "", "source": "", "note": "", "status": "submitted"}
    response = admin_client.post(f"/admin/observations/observation/{q1.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = Observation.all_periods.filter(region=region, indicator=gdp, year=YEAR).order_by("period", "revision")
    assert list(rows.values_list("period", "revision", "value", "is_current")) == [
        ("", 1, 20000.0, True), ("Q1", 1, 4400.0, False), ("Q1", 2, 4450.0, True)]
    annual.refresh_from_db()
    assert annual.is_current


MIGRATION_SCRIPT = textwrap.dedent("""
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import IntegrityError, connection, transaction

    call_command("migrate", "observations", "0003", verbosity=0)
    columns = "region_id, indicator_id, year, value, revision, is_current, value_supplied, unit_supplied, " \\
              "source, qualifier, note, status, recorded_at"
    with connection.cursor() as cursor:
        for revision, current in ((1, False), (2, True)):
            cursor.execute(f"INSERT INTO observations_observation ({columns}) VALUES "
                           "(1, 1, 2020, %s, %s, %s, '', '', '', '', '', 'approved', '2024-01-01 00:00:00+00')",
                           [100.0 + revision, revision, current])
    call_command("migrate", "observations", "0004", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT revision, period FROM observations_observation ORDER BY revision")
        print("rows", cursor.fetchall())
        # the period joins the key: a current Q1 value beside the current annual one is allowed …
        cursor.execute(f"INSERT INTO observations_observation ({columns}, period) VALUES "
                       "(1, 1, 2020, 25.0, 1, %s, '', '', '', '', '', 'draft', '2024-01-01 00:00:00+00', 'Q1')",
                       [True])
        # … a second current annual value is not
        try:
            with transaction.atomic():
                cursor.execute(f"INSERT INTO observations_observation ({columns}) VALUES "
                               "(1, 1, 2020, 9.0, 3, %s, '', '', '', '', '', 'draft', '2024-01-01 00:00:00+00')",
                               [True])
            print("second current: allowed")
        except IntegrityError:
            print("second current: refused")
""")


def test_the_migration_keeps_existing_rows_annual(tmp_path):
    """On a scratch database of the run's backend: rows written before 0004 are annual after it."""
    url = os.environ.get("DATABASE_URL", "")
    name = "dw_periods_migration_test"
    if url.startswith("postgres"):
        import psycopg

        admin = psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
        scratch = url.rsplit("/", 1)[0] + "/" + name
    else:
        scratch = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    try:
        env = {**os.environ, "DATABASE_URL": scratch, "DJANGO_SETTINGS_MODULE": "deltawatch.settings",
               "DELTAWATCH_HOME": str(tmp_path)}
        done = subprocess.run([sys.executable, "-c", MIGRATION_SCRIPT], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "rows [(1, ''), (2, '')]" in done.stdout
        assert "second current: refused" in done.stdout
    finally:
        if url.startswith("postgres"):
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.close()
