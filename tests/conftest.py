"""Shared fixtures. Tests that touch the database are marked ``db`` automatically, so
``pytest -m db`` re-runs exactly them on PostgreSQL; tests of the modules that start the
application in processes of their own, each with its own database, are marked ``process``, so
``./dev test`` runs them once, beside the PostgreSQL run, where the two cores are shared evenly."""

import pytest

# (their processes get a data directory and a database of their own, whatever DATABASE_URL says)
PROCESS_MODULES = {"tests/exchange/test_backup.py", "tests/test_cli.py", "tests/test_deploy.py",
                   "tests/test_settings.py"}
DB_FIXTURES = {"db", "transactional_db", "client", "admin_client", "django_user_model", "admin_user", "live_server"}


_importorskip = pytest.importorskip


def _importorskip_others_only(modname, *args, **kwargs):
    """``pytest.importorskip`` for third-party modules only: a module of this project that
    fails to import is a bug to report, never a reason to skip its tests."""
    if modname == "deltawatch" or modname.startswith("deltawatch."):
        raise AssertionError(f"importorskip({modname!r}): import the project's own modules directly")
    return _importorskip(modname, *args, **kwargs)


pytest.importorskip = _importorskip_others_only


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("django_db") or DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        elif item.nodeid.split("::")[0] in PROCESS_MODULES:
            item.add_marker(pytest.mark.process)
    # Tests with committed transactions (the live server of browser tests) empty the
    # database when they end, the embedded default included: they run last.
    items.sort(key=lambda item: bool(item.get_closest_marker("django_db")
                                     and item.get_closest_marker("django_db").kwargs.get("transaction")))


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Passwords made by the tests (the sample accounts of every page test) are hashed with MD5,
    Django's advice for test speed: PBKDF2 at full strength costs about 0.3 s a password here.
    The deployment tests start real processes, which hash as production does."""
    from django.test import override_settings

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every database test starts from the embedded YRD default, loaded once per run."""
    with django_db_blocker.unblock():
        from deltawatch.defaults.loader import load_default

        load_default(None, progress=lambda *args: None)


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file (UTF-8 unless told) and return its path."""

    def write(text: str, name: str = "data.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the default language: a request in English (the language
    middleware activates it for the thread) must not make a later test's messages English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
