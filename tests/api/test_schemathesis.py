"""Schemathesis over the whole OpenAPI description, in-process against the WSGI application:
no 5xx, and every response matches the description (status and body), as the public and with
an office token. Marked db (it runs on SQLite and again on PostgreSQL); a few examples per
operation keep it under a minute."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from deltawatch.accounts.choices import Role
from deltawatch.api.models import ApiToken

pytestmark = pytest.mark.django_db
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def wsgi_in_test_transaction():
    """The WSGI handler closes "old" connections around each request — inside the test's
    transaction that would close it; Django's test client disconnects the same signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, wsgi_in_test_transaction):
    from deltawatch.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture
def office_token(world):
    _token, text = ApiToken.issue(world["users"]["office"], "schemathesis", Role.OFFICE.value)
    return text


# A few examples per operation keep the suite fast; DELTAWATCH_SCHEMATHESIS_EXAMPLES=50 for a deeper run.
EXAMPLES = int(os.environ.get("DELTAWATCH_SCHEMATHESIS_EXAMPLES", "6"))


def _run_all(api_schema, headers: dict, examples: int = EXAMPLES) -> tuple[int, int]:
    """Every operation with ``examples`` generated cases each; (operations, calls made)."""
    from hypothesis import given

    count, calls = 0, []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            calls.append(response.status_code)

        run()
        count += 1
    return count, len(calls)


def test_public(api_schema):
    operations, calls = _run_all(api_schema, {"Host": "localhost"})
    assert operations >= 25 and calls >= 2 * operations


def test_office_token(api_schema, office_token):
    operations, calls = _run_all(api_schema, {"Host": "localhost", "Authorization": f"Bearer {office_token}"})
    assert operations >= 25 and calls >= 2 * operations
