"""Writing observations through the importer: all or nothing, its row-level errors as JSON;
malformed JSON (400) and unknown fields (422) refused with worded messages, in Chinese and, by
Accept-Language, in English."""

from __future__ import annotations

import json

import pytest

from deltawatch.observations.models import Observation
from deltawatch.regions.models import Region

from .conftest import client_for

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _rows(n: int) -> list[dict]:
    """``n`` distinct valid rows of gdp (亿元) for regions that exist in every year."""
    codes = list(Region.objects.filter(valid_from__isnull=True, valid_to__isnull=True).order_by("code")
                 .values_list("code", flat=True))
    years = range(1991, 2021)
    rows = [{"region": code, "indicator": "gdp", "year": year, "value": 100 + i % 50}
            for i, (code, year) in enumerate((c, y) for c in codes for y in years)]
    assert len(rows) >= n
    return rows[:n]


def test_one_bad_row_among_ten_thousand_writes_nothing(world):
    rows = _rows(10_000)
    rows[6999]["value"] = "abc"  # the 7,000th row
    before = Observation.all_periods.count()
    response = client_for(world, "office").post("/api/observations", json.dumps({"rows": rows}), content_type=JSON)
    assert response.status_code == 422
    body = response.json()
    assert body["total"] == 1 and "未写入任何数据" in body["detail"]
    error = body["errors"][0]
    assert (error["row"], error["column"], error["value"]) == (7000, "value", "abc")
    assert "数字" in error["message"]
    assert Observation.all_periods.count() == before


def test_a_good_write_is_stored_and_readable(world):
    rows = [{"region": "南京市", "indicator": "gdp", "year": 1950, "value": "1,234.5", "source": "接口测试"},
            {"region": "320200", "indicator": "gdp", "year": 1950, "value": 2000, "qualifier": "约"}]
    office = client_for(world, "office")
    version = office.get("/api/me").json()["data_version"]
    response = office.post("/api/observations", json.dumps({"rows": rows}), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["created"] + body["revised"], body["unchanged"], body["rows_read"]) == (2, 0, 2) and body["batch"]
    read = office.get("/api/observations?indicator=gdp&year=1950&region=320100,320200").json()
    assert [(r["region_code"], r["value"], r["source"]) for r in read["results"]] == [
        ("320100", 1234.5, "接口测试"), ("320200", 2000.0, "")]
    # what changed since the version before the write: exactly these two
    since = office.get(f"/api/observations?since={version}").json()
    assert sorted((r["region_code"], r["year"]) for r in since["results"]) == [("320100", 1950), ("320200", 1950)]
    # the same rows again change nothing
    again = office.post("/api/observations", json.dumps({"rows": rows}), content_type=JSON).json()
    assert (again["created"], again["revised"], again["unchanged"]) == (0, 0, 2)


def test_csv_write_goes_through_the_importer(world):
    text = "地区,指标,年份,数值\n南京,gdp,1951,100\n无此地区,gdp,1951,100\n"
    before = Observation.all_periods.count()
    response = client_for(world, "office").post("/api/observations/csv", text.encode(), content_type="text/csv")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["row"], error["column"], error["message"]) == (3, "地区", "找不到该地区")
    assert Observation.all_periods.count() == before
    first_row_only = "".join(text.splitlines(True)[:2]).encode()
    good = client_for(world, "office").post("/api/observations/csv", first_row_only, content_type="text/csv")
    assert good.status_code == 201 and good.json()["created"] + good.json()["revised"] == 1


def test_malformed_json_is_400_worded(world):
    response = client_for(world, "office").post("/api/observations", '{"rows": [', content_type=JSON)
    assert response.status_code == 400
    assert "不是有效的 JSON" in response.json()["detail"]


def test_malformed_json_in_english(world):
    client = client_for(world, "office", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/observations", '{"rows": [', content_type=JSON)
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


def test_unknown_field_is_422(world):
    body = {"rows": [{"region": "320100", "indicator": "gdp", "year": 2019, "value": 1, "colour": "red"}]}
    before = Observation.all_periods.count()
    response = client_for(world, "office").post("/api/observations", json.dumps(body), content_type=JSON)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["type"] == "extra_forbidden" and "colour" in errors[0]["message"]
    assert Observation.all_periods.count() == before


def test_unknown_field_in_english(world):
    body = {"kind": "build", "spec": "yrd_hqd", "years": "2017", "colour": "red"}
    response = client_for(world, "office", HTTP_ACCEPT_LANGUAGE="en").post("/api/indices/runs", json.dumps(body),
                                                                           content_type=JSON)
    assert response.status_code == 422 and "Unknown field" in response.json()["errors"][0]["message"]


def test_a_transition_the_role_may_not_make_is_403(world):
    """The office may not sign for (签收) the department's assignment; nothing changes."""
    from deltawatch.plans.models import Assignment, JournalEntry

    journal = JournalEntry.objects.count()
    response = client_for(world, "office").post(f"/api/assignments/{world['assignment']}/transitions",
                                                json.dumps({"action": "accept", "version": 1}), content_type=JSON)
    assert response.status_code == 403
    assert "无权对此任务执行“签收”" in response.json()["detail"]
    assert Assignment.objects.get(pk=world["assignment"]).version == 1 and JournalEntry.objects.count() == journal


def test_a_stale_version_is_409_with_the_current_state(world):
    department = client_for(world, "department")
    url = f"/api/assignments/{world['assignment']}/transitions"
    assert department.post(url, json.dumps({"action": "accept", "version": 1}), content_type=JSON).status_code == 200
    stale = department.post(url, json.dumps({"action": "request_close", "version": 1}), content_type=JSON)
    assert stale.status_code == 409 and stale.json()["errors"][0]["version"] == 2


def test_session_write_without_csrf_is_403(world):
    from django.test import Client

    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(world["users"]["department"])
    response = client.post(f"/api/assignments/{world['assignment']}/transitions",
                           json.dumps({"action": "accept", "version": 1}), content_type=JSON)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_nul_characters_are_refused_before_the_database(world):
    """PostgreSQL text cannot hold NUL: a filter or a value with one is a worded 422, never a 500."""
    client = client_for(world, "office")
    assert client.get("/api/regions?group=a%00b").status_code == 422
    body = {"action": "urge", "version": 1, "comment": "a\u0000b"}
    response = client.post(f"/api/assignments/{world['assignment']}/transitions", json.dumps(body),
                           content_type=JSON)
    assert response.status_code == 422 and "NUL" in response.json()["detail"]


def test_a_json_body_beyond_the_request_limit_is_413_worded(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    rows = _rows(100)
    response = client_for(world, "office").post("/api/observations", json.dumps({"rows": rows}), content_type=JSON)
    assert response.status_code == 413 and "CSV" in response.json()["detail"]
