"""Fixtures of the overview and feedback tests: the sample accounts (one per role) and an empty
cache (page analytics are cached by data version, and a rolled-back test may leave the same
version with other data behind)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from deltawatch.accounts.roles import ensure_roles
from deltawatch.accounts.services import SAMPLE_ACCOUNTS, create_sample_accounts


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def accounts(db):
    ensure_roles()
    create_sample_accounts()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in SAMPLE_ACCOUNTS])}
    users["admin"] = get_user_model().objects.create_superuser("site_admin", password="x" * 12)
    return users


@pytest.fixture
def signed_in(client, accounts):
    """A test client signed in as the named sample account."""
    def sign_in(username):
        client.force_login(accounts[username])
        return client
    return sign_in
