"""Personal API tokens: created on /api/tokens/ (the secret shown once, only its hash kept),
used, listed, revoked (→ 401); read only (→ 403 on a write); acting in one role of the owner;
rate-limited per token (→ 429 with Retry-After)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

from deltawatch.accounts.choices import Role
from deltawatch.api.models import ApiToken
from deltawatch.plans.models import Assignment

from .conftest import client_for, token_client

pytestmark = pytest.mark.django_db
SECRET = re.compile(r"dw_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}")


def _create(client, name="脚本", role=Role.OFFICE.value, read_only=False) -> str:
    data = {"name": name, "role": role}
    if read_only:
        data["read_only"] = "on"
    response = client.post("/api/tokens/", data)
    assert response.status_code == 200, response.content[:500]
    found = SECRET.findall(response.content.decode())
    assert len(found) == 1
    return found[0]


def test_token_life(world):
    office = client_for(world, "office")
    assert office.get("/api/tokens/").status_code == 200
    text = _create(office, "统计平台同步")
    stored = ApiToken.objects.get(user=world["users"]["office"], name="统计平台同步")
    # stored hashed: the secret is nowhere in the row
    secret = text.split("_", 2)[2]
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in str(stored.__dict__)
    # shown once: the list afterwards has the prefix, never the secret
    listing = office.get("/api/tokens/").content.decode()
    assert f"dw_{stored.prefix}_" in listing and secret not in listing
    # used
    me = token_client(text).get("/api/me")
    assert me.status_code == 200 and me.json()["username"] == "js_office" and me.json()["roles"] == ["长三角办"]
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    # revoked → 401, worded
    assert office.post(f"/api/tokens/{stored.pk}/revoke/").status_code == 302
    refused = token_client(text).get("/api/me")
    assert refused.status_code == 401 and "吊销" in refused.json()["detail"]
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_unknown_and_malformed_tokens_are_401(world):
    assert token_client("dw_00000000_nosuchsecretatall").get("/api/regions").status_code == 401
    assert token_client("not-a-token").get("/api/regions").status_code == 401
    text = _create(client_for(world, "office"))
    assert token_client(text[:-1] + ("A" if text[-1] != "A" else "B")).get("/api/regions").status_code == 401


def test_another_users_token_cannot_be_revoked(world):
    text = _create(client_for(world, "office"))
    token = ApiToken.objects.get(prefix=text.split("_")[1])
    assert client_for(world, "department").post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert token_client(text).get("/api/me").status_code == 200


def test_read_only_token_may_read_not_write(world):
    text = _create(client_for(world, "department"), role=Role.DEPARTMENT.value, read_only=True)
    client = token_client(text)
    assert client.get(f"/api/tasks/{world['task']}").status_code == 200
    assignment = Assignment.objects.get(pk=world["assignment"])
    response = client.post(f"/api/assignments/{assignment.pk}/transitions",
                           json.dumps({"action": "accept", "version": assignment.version}),
                           content_type="application/json")
    assert response.status_code == 403 and "只读" in response.json()["detail"]
    assert Assignment.objects.get(pk=assignment.pk).version == assignment.version


def test_write_token_makes_the_transition_its_role_allows(world):
    text = _create(client_for(world, "department"), role=Role.DEPARTMENT.value)
    response = token_client(text).post(f"/api/assignments/{world['assignment']}/transitions",
                                       json.dumps({"action": "accept", "version": 1}),
                                       content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_progress" and response.json()["version"] == 2


def test_token_acts_in_its_role_only(world):
    """A user with two roles (office and researcher) makes a researcher's token: it reads like a
    researcher (no assignments, no data upload) — the office's rights do not leak through it."""
    user = world["users"]["office"]
    user.groups.add(Group.objects.get(name=Role.RESEARCHER.value))
    office_page = client_for(world, "office")
    text = _create(office_page, role=Role.RESEARCHER.value)
    as_researcher = token_client(text)
    assert as_researcher.get("/api/me").json()["roles"] == ["研究人员"]
    assert as_researcher.get(f"/api/assignments?task={world['task']}").status_code == 403
    write = {"rows": [{"region": "320100", "indicator": "gdp", "year": 2019, "value": 14000}], "dry_run": True}
    refused = as_researcher.post("/api/observations", json.dumps(write), content_type="application/json")
    assert refused.status_code == 403
    # the same user's session (both roles) may
    assert office_page.get(f"/api/assignments?task={world['task']}").status_code == 200


def test_token_of_a_role_the_user_no_longer_has_is_401(world):
    user = world["users"]["researcher"]
    text = _create(client_for(world, "researcher"), role=Role.RESEARCHER.value)
    user.groups.remove(Group.objects.get(name=Role.RESEARCHER.value))
    response = token_client(text).get("/api/me")
    assert response.status_code == 401 and "角色" in response.json()["detail"]


def test_a_role_the_user_does_not_have_cannot_be_chosen(world):
    response = client_for(world, "reporter").post("/api/tokens/", {"name": "x", "role": Role.OFFICE.value})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=world["users"]["reporter"]).exists()


def test_the_public_cannot_open_the_token_page(world):
    response = client_for(world, "public").get("/api/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@override_settings(API_RATE_PER_MINUTE=3)
def test_rate_limit_per_token(world):
    first = token_client(_create(client_for(world, "office")))
    second = token_client(_create(client_for(world, "office"), name="另一个"))
    assert [first.get("/api/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/api/me")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60 and "频繁" in refused.json()["detail"]
    assert second.get("/api/me").status_code == 200  # counted per token
