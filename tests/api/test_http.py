"""Pages of at most 1,000 (10^9 refused), ETag / If-None-Match → 304, the data version, long and
wide forms agreeing, the OpenAPI description and the offline docs page under the site's CSP."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_page_of_a_billion_is_refused(world):
    response = client_for(world, "public").get("/api/observations?limit=1000000000")
    assert response.status_code == 422
    assert "1000" in response.json()["detail"] and response.json()["errors"][0]["location"] == "query.limit"


def test_pages_follow_on(world):
    client = client_for(world, "public")
    first = client.get("/api/regions?limit=7").json()
    second = client.get(f"/api/regions?limit=7&offset={first['next_offset']}").json()
    whole = client.get("/api/regions?limit=14").json()
    assert [r["code"] for r in first["results"] + second["results"]] == [r["code"] for r in whole["results"]]
    assert first["count"] == whole["count"] > 14 and first["next_offset"] == 7


def test_etag_304_on_versioned_data(world):
    client = client_for(world, "public")
    first = client.get("/api/observations?indicator=gdp&region=320100")
    tag = first["ETag"]
    assert first.status_code == 200 and tag and first["X-Data-Version"] == first.json()["data_version"]
    again = client.get("/api/observations?indicator=gdp&region=320100", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    # another selection, another tag
    assert client.get("/api/observations?indicator=gdp&region=320200")["ETag"] != tag


def test_etag_moves_when_the_data_change(world):
    office = client_for(world, "office")
    url = "/api/observations?indicator=gdp&region=320100&year=1950"
    tag = office.get(url)["ETag"]
    rows = {"rows": [{"region": "320100", "indicator": "gdp", "year": 1950, "value": 4321.0}]}
    assert office.post("/api/observations", json.dumps(rows), content_type="application/json").status_code == 201
    after = office.get(url, HTTP_IF_NONE_MATCH=tag)
    assert after.status_code == 200 and after["ETag"] != tag
    assert after.json()["results"][0]["value"] == 4321.0


def test_etag_304_on_other_data(world):
    """Plans are not in the data version: their tag is the body's hash."""
    office = client_for(world, "office")
    first = office.get(f"/api/tasks/{world['task']}")
    assert first.status_code == 200
    assert office.get(f"/api/tasks/{world['task']}", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    department = client_for(world, "department")
    department.post(f"/api/assignments/{world['assignment']}/transitions",
                    json.dumps({"action": "accept", "version": 1}), content_type="application/json")
    assert office.get(f"/api/tasks/{world['task']}", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_wide_form_holds_the_long_forms_values(world):
    client = client_for(world, "public")
    query = "indicator=gdp,population_resident&region=320100,320200,310000&year=2015-2020"
    long = client.get(f"/api/observations?{query}&limit=1000").json()
    wide = client.get(f"/api/observations?{query}&form=wide&limit=1000").json()
    from_long = {(r["region_code"], r["indicator"], str(r["year"])): r["value"] for r in long["results"]}
    from_wide = {(r["region_code"], r["indicator"], year): value for r in wide["results"]
                 for year, value in r["values"].items()}
    assert from_long and from_long == from_wide
    assert wide["count"] == len({(r, i) for r, i, _ in from_long})


def test_wide_pages_split_by_region_and_indicator(world):
    client = client_for(world, "public")
    query = "indicator=gdp&year=2010-2020&form=wide"
    whole = client.get(f"/api/observations?{query}&limit=50").json()["results"]
    parts = [client.get(f"/api/observations?{query}&limit=7&offset={o}").json()["results"] for o in range(0, 50, 7)]
    assert [r for p in parts for r in p][:50] == whole


def test_long_form_has_the_export_columns(world):
    from deltawatch.observations.exports import EXPORT_COLUMNS

    row = client_for(world, "public").get("/api/observations?indicator=gdp&limit=1").json()["results"][0]
    assert list(row) == EXPORT_COLUMNS


def test_since_refuses_nonsense(world):
    response = client_for(world, "public").get("/api/observations?since=yesterday")
    assert response.status_code == 422 and "since" in response.json()["detail"]


def _no_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"  # Swagger UI refuses such a description
    return dict(pairs)


def test_openapi_description(world):
    schema = json.loads(client_for(world, "public").get("/api/openapi.json").content,
                        object_pairs_hook=_no_duplicate_keys)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in ("/api/observations", "/api/observations/csv", "/api/indices/runs", "/api/jobs/{job_id}",
                 "/api/assignments/{assignment_id}/transitions", "/api/reports/{report_id}/file.{format}",
                 "/api/regional/disparity", "/api/progress/changes", "/api/groups", "/api/targets"):
        assert path in paths
    assert schema["components"]["securitySchemes"]["ApiAuth"]["scheme"] == "bearer"
    limit = next(p for p in schema["paths"]["/api/observations"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 1000


def test_docs_page_is_offline_and_needs_no_inline_script(world):
    response = client_for(world, "public").get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "//" not in "".join(sources)
    # every <script> is a file, or JSON data (not run, so not subject to script-src)
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert 'src="' in attributes or ('type="application/json"' in attributes and json.loads(body))
    assert "style=" not in html and "<style" not in html
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy
    assert json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)[1])["validatorUrl"] is None


def test_docs_files_are_served(world):
    client = client_for(world, "public")
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name


def test_public_report_file(world):
    from deltawatch.reports import services

    report = services.create("tasks", "2026-08")
    for action in ("submit", "approve", "publish"):
        report = services.move(report, action)
    services.set_public(report, True)
    client = client_for(world, "public")
    listed = client.get("/api/reports").json()["results"]
    assert report.pk in [r["id"] for r in listed]
    pdf = client.get(f"/api/reports/{report.pk}/file.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    stored = report.files.get(format="pdf")
    assert b"".join(pdf) == bytes(stored.data)  # the file as issued


def test_job_is_polled_by_whoever_started_it(world):
    office = client_for(world, "office")
    started = office.post("/api/indices/runs", json.dumps({"kind": "uncertainty", "spec": "yrd_hqd", "years": "2017",
                                                           "runs": 20, "seed": 3}), content_type="application/json")
    assert started.status_code == 202, started.content
    job = started.json()
    assert job["kind"] == "index.uncertainty" and job["status"] == "queued"
    assert job["parameters"]["runs"] == 20 and job["parameters"]["seed"] == 3
    assert office.get(f"/api/jobs/{job['id']}").json()["id"] == job["id"]
    assert client_for(world, "researcher").get(f"/api/jobs/{job['id']}").status_code == 404


def test_start_run_checks_as_the_page_does(world):
    response = client_for(world, "office").post("/api/indices/runs", json.dumps(
        {"kind": "uncertainty", "spec": "yrd_hqd", "years": "2017", "runs": 9}), content_type="application/json")
    assert response.status_code == 422 and "10" in response.json()["detail"]
