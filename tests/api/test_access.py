"""Every endpoint × role (public, admin, office, department, reporter, researcher), allowed and
refused, through the browser's session: 200/201/202 allowed; 401 the public where a login is
needed; 403 a role without the right; 404 an object outside the caller's scope. A refused
write is checked to have written nothing."""

from __future__ import annotations

import json

import pytest

from deltawatch.indices.choices import IndexRunKind
from deltawatch.indices.commands import load
from deltawatch.indices.models import IndexRun
from deltawatch.jobs.handlers import INDEX_BUILD
from deltawatch.jobs.models import Job
from deltawatch.observations.models import Observation
from deltawatch.plans.models import Assignment, JournalEntry

from .conftest import ROLES, client_for

pytestmark = pytest.mark.django_db

ALL_200 = (200,) * 6
LEDGER = (401, 200, 200, 200, 403, 200)

# (method, url with {names} of objects, body,
#  outcomes in ROLES order: public admin office department reporter researcher)
CASES = [
    ("get", "/api/me", None, ALL_200),
    ("get", "/api/regions?level=prefecture&limit=50", None, ALL_200),
    ("get", "/api/regions/320100", None, ALL_200),
    ("get", "/api/regions/999999", None, (404,) * 6),
    ("get", "/api/groups", None, ALL_200),
    ("get", "/api/groups/central27", None, ALL_200),
    ("get", "/api/indicators?limit=5", None, ALL_200),
    ("get", "/api/indicators/gdp", None, ALL_200),
    ("get", "/api/targets?indicator=rd_intensity", None, ALL_200),
    ("get", "/api/observations?indicator=gdp&region=320100&year=2015-2020", None, ALL_200),
    ("get", "/api/observations?indicator=gdp&form=wide&limit=5", None, ALL_200),
    ("get", "/api/progress/assessments?limit=5", None, ALL_200),
    ("get", "/api/progress/changes?limit=5", None, ALL_200),
    ("get", "/api/indices/specs", None, ALL_200),
    ("get", "/api/indices/runs", None, ALL_200),
    ("get", "/api/indices/runs/{published_run}", None, ALL_200),
    ("get", "/api/indices/runs/{draft_run}", None, (404, 200, 200, 200, 200, 200)),
    ("get", "/api/indices/runs/{published_run}/scores", None, ALL_200),
    ("get", "/api/indices/runs/{draft_run}/intervals", None, (404, 200, 200, 200, 200, 200)),
    ("get", "/api/jobs/{office_job}", None, (401, 200, 200, 404, 404, 404)),
    ("get", "/api/regional/indicators", None, ALL_200),
    ("get", "/api/plans", None, LEDGER),
    ("get", "/api/plans/{plan}", None, LEDGER),
    ("get", "/api/tasks?plan={plan}", None, LEDGER),
    ("get", "/api/tasks/{task}", None, LEDGER),
    # researchers read tasks, not assignments (no permission on plans.assignment)
    ("get", "/api/assignments?task={task}", None, (401, 200, 200, 200, 403, 403)),
    ("get", "/api/reports", None, ALL_200),
    ("get", "/api/reports/{report_draft}", None, (404, 200, 200, 404, 404, 200)),
    ("get", "/api/reports/{report_draft}/file.html", None, (404, 200, 200, 404, 404, 200)),
    # writes
    ("post", "/api/observations", {"rows": [{"region": "320100", "indicator": "gdp", "year": 2019, "value": 14000}],
                                   "dry_run": True}, (401, 200, 200, 403, 200, 403)),
    ("post", "/api/indices/runs", {"kind": "build", "spec": "yrd_hqd", "years": "2017"},
     (401, 202, 202, 403, 403, 202)),
    ("post", "/api/assignments/{assignment}/transitions", {"action": "accept", "version": 1},
     (401, 403, 403, 200, 403, 403)),
    ("post", "/api/assignments/{assignment}/reports", {"version": 1, "percent": 10, "text": "已启动"},
     (401, 403, 403, 400, 403, 403)),  # the department may report, but not before it signs (state)
]


@pytest.fixture(scope="module")
def objects(world, django_db_blocker):
    from deltawatch.reports import services

    with django_db_blocker.unblock():
        spec = load("yrd_hqd")

        def run(published, digest):
            return IndexRun.objects.create(kind=IndexRunKind.BUILD, name=spec.name, spec=spec.to_dict(),
                                           spec_digest=spec.digest(), data_hash=digest, data_source="database",
                                           years=[2017], target=spec.root, is_published=published).pk

        return {**world, "published_run": run(True, "a" * 64), "draft_run": run(False, "b" * 64),
                "office_job": Job.objects.create(kind=INDEX_BUILD, parameters={"spec": "yrd_hqd", "years": [2017]},
                                                 created_by=world["users"]["office"]).pk,
                "report_draft": services.create("tasks", "2026-07").pk}


def _case_id(case):
    return f"{case[0].upper()} {case[1]}"


def _counts():
    return (Observation.all_periods.count(), Job.objects.count(), JournalEntry.objects.count(),
            list(Assignment.objects.order_by("pk").values_list("state", "version")))


@pytest.mark.parametrize("case", CASES, ids=_case_id)
@pytest.mark.parametrize("role", ROLES)
def test_endpoint_by_role(objects, role, case):
    method, url, body, outcomes = case
    expected = outcomes[ROLES.index(role)]
    client = client_for(objects, role)
    url = url.format(**objects)
    before = _counts() if method == "post" else None
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == expected, (role, url, response.content[:300])
    if expected >= 400:
        assert response.json()["detail"], "a refusal is worded"
        if method == "post":
            assert _counts() == before, "a refused write changed the database"


def test_public_sees_approved_values_only(objects):
    """The public reads approved values only (restrict's public rule); the office sees drafts."""
    draft = Observation.objects.filter(is_current=True).exclude(status="approved").select_related(
        "indicator", "region").first()
    if draft is None:  # make one: a submitted value of an indicator and year nobody else has
        from deltawatch.indicators.models import Indicator
        from deltawatch.regions.models import Region
        from django.utils import timezone

        draft = Observation.objects.create(region=Region.objects.get(code="320100"),
                                           indicator=Indicator.objects.get(code="gdp"), year=1901, value=1.0,
                                           status="submitted", recorded_at=timezone.now())
    url = f"/api/observations?indicator={draft.indicator.code}&region={draft.region.code}&year={draft.year}"
    assert client_for(objects, "public").get(url).json()["count"] == 0
    office = client_for(objects, "office").get(url).json()
    assert office["count"] == 1 and office["results"][0]["value"] == draft.value


def test_reporter_may_not_write_outside_its_region(objects):
    """Nanjing's reporter writing Hangzhou: 403 naming the row, nothing written."""
    before = Observation.all_periods.count()
    rows = [{"region": "320100", "indicator": "gdp", "year": 2019, "value": 14000},
            {"region": "330100", "indicator": "gdp", "year": 2019, "value": 15000}]
    response = client_for(objects, "reporter").post("/api/observations", json.dumps({"rows": rows}),
                                                    content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["total"] == 1 and body["errors"][0]["row"] == 2
    assert Observation.all_periods.count() == before
