"""Deployment: the production profile passes Django's deploy check, `serve` keeps debug pages
off unless asked and believes only its proxy, the first administrator's password is shown once
and kept in no file, and repeated wrong passwords lock a login.

The commands run as a user runs them: `python -m deltawatch.cli …` in a fresh process with a
data directory of its own (DELTAWATCH_HOME, no DATABASE_URL)."""

import contextlib
import http.client
import re
import sqlite3
import stat
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.test_settings import clean_environment

DEPLOY_CHECK = ["manage", "check", "--deploy", "--fail-level", "WARNING"]
PRODUCTION = {"DELTAWATCH_PRODUCTION": "1", "DELTAWATCH_TRUSTED_PROXY": "127.0.0.1"}


def deltawatch(*arguments, **variables) -> subprocess.CompletedProcess:
    """`deltawatch ARGUMENTS` in a fresh process; one that does not end (a `serve` that should
    have refused) fails the test after two minutes instead of hanging it."""
    return subprocess.run([sys.executable, "-m", "deltawatch.cli", *arguments],
                          env=clean_environment(**variables), capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def initialised(tmp_path_factory):
    """A data directory after `deltawatch init` run twice: (home, first run, second run)."""
    home = tmp_path_factory.mktemp("home")
    first = deltawatch("init", "--no-data", DELTAWATCH_HOME=str(home))
    assert first.returncode == 0, first.stderr
    second = deltawatch("init", "--no-data", DELTAWATCH_HOME=str(home))
    assert second.returncode == 0, second.stderr
    return home, first, second


@contextlib.contextmanager
def serving(home, **variables):
    """`deltawatch serve --port 0` running on ``home``; yields the port it says it listens on.
    The line is printed once the socket listens, so requests need no waiting."""
    process = subprocess.Popen([sys.executable, "-m", "deltawatch.cli", "serve", "--port", "0"],
                               env=clean_environment(DELTAWATCH_HOME=str(home), **variables),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, f"serve did not start: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
        yield int(found[1])
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, **headers) -> tuple[http.client.HTTPResponse, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


# --- Django's deploy check ---------------------------------------------------------------------

def test_production_profile_passes_the_deploy_check(tmp_path):
    done = deltawatch(*DEPLOY_CHECK, DELTAWATCH_HOME=str(tmp_path), **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "security.W" not in output


def test_without_the_profile_the_deploy_check_complains(tmp_path):
    """The same check, same code, no profile: it does find the insecure defaults (so the test
    above could fail)."""
    done = deltawatch(*DEPLOY_CHECK, DELTAWATCH_HOME=str(tmp_path))
    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr


# --- The first administrator's password --------------------------------------------------------

def test_first_password_is_printed_once_and_kept_in_no_file(initialised):
    home, first, second = initialised
    shown = re.findall(r"初始密码：(\S+?)（", first.stdout)
    assert len(shown) == 1, first.stdout
    password = shown[0]
    assert first.stdout.count(password) == 1 and password not in first.stderr
    assert "初始密码" not in second.stdout and password not in second.stdout + second.stderr
    # Nothing the project wrote holds it: database (WAL included), key file, anything else.
    written = [path for path in home.rglob("*") if path.is_file()]
    assert any(path.name == "deltawatch.sqlite3" for path in written)
    assert not [path for path in written if password.encode() in path.read_bytes()]
    # …yet it is the administrator's password (only its hash is stored).
    check = ("import django; django.setup(); from django.contrib.auth.models import User; "
             f"print(User.objects.get(username='admin').check_password({password!r}))")
    done = subprocess.run([sys.executable, "-c", check], env=clean_environment(DELTAWATCH_HOME=str(home)),
                          capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr


def test_password_from_the_environment_is_not_echoed(tmp_path):
    done = deltawatch("init", "--no-data", DELTAWATCH_HOME=str(tmp_path),
                      DELTAWATCH_ADMIN_PASSWORD="chosen-by-the-operator-1")
    assert done.returncode == 0, done.stderr
    assert "DELTAWATCH_ADMIN_PASSWORD" in done.stdout and "chosen-by-the-operator-1" not in done.stdout


def test_init_makes_the_key_file_600_and_the_lockout_tables(initialised):
    home, _, _ = initialised
    assert stat.S_IMODE((home / "secret_key").stat().st_mode) == 0o600
    with contextlib.closing(sqlite3.connect(home / "deltawatch.sqlite3")) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
    assert {"axes_accessattempt", "axes_accesslog"} <= tables


# --- serve ---------------------------------------------------------------------------------------

def test_serve_shows_no_debug_page_unless_asked(initialised):
    home, _, _ = initialised
    with serving(home) as port:
        response, page = get(port, "/no-such-page/")
        assert response.status == 404
        assert "Using the URLconf" not in page and "deltawatch.urls" not in page
        response, _ = get(port, "/admin/login/")
        assert response.status == 200 and "default-src 'self'" in response.getheader("Content-Security-Policy")
    with serving(home, DELTAWATCH_DEBUG="1") as port:  # the same request with debug on: the technical page
        response, page = get(port, "/no-such-page/")
        assert response.status == 404 and "Using the URLconf" in page


def test_production_serve_needs_its_proxy(initialised):
    home, _, _ = initialised
    done = deltawatch("serve", "--port", "0", DELTAWATCH_HOME=str(home), DELTAWATCH_PRODUCTION="1")
    assert done.returncode == 2
    assert "DELTAWATCH_TRUSTED_PROXY" in done.stderr and "反向代理" in done.stderr


def test_production_serve_behind_its_proxy(initialised):
    """HTTPS as told by the trusted proxy: HSTS and secure cookies; plain HTTP: sent to HTTPS."""
    home, _, _ = initialised
    with serving(home, **PRODUCTION) as port:
        response, _ = get(port, "/admin/login/", **{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
        assert response.status == 200
        assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
        cookie = response.getheader("Set-Cookie")
        assert "csrftoken=" in cookie and "Secure" in cookie
        response, _ = get(port, "/admin/login/")
        assert response.status == 301
        assert response.getheader("Location") == f"https://127.0.0.1:{port}/admin/login/"


# --- Login throttling ------------------------------------------------------------------------------

RIGHT_PASSWORD = "the-right-password-7"


@pytest.fixture
def keeper(django_user_model):
    return django_user_model.objects.create_superuser("keeper", "", RIGHT_PASSWORD)


def log_in(client, password, **extra):
    return client.post(reverse("admin:login"), {"username": "keeper", "password": password, "next": "/admin/"}, **extra)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_login(client, keeper):
    for attempt in range(1, 5):
        assert log_in(client, f"wrong-{attempt}").status_code == 200  # the form again, with its error
    assert log_in(client, "wrong-5").status_code == 429  # the fifth failure locks
    sixth = log_in(client, RIGHT_PASSWORD)
    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert "已锁定 15 分钟" in page and "locked from this address for 15 minutes" in page
    assert "长三角一体化发展监测评估系统" in page and "nav-sidebar" not in page  # the admin frame, no model list
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # still sent to the login page
    # The lock is on this account from this address: from another address it still logs in.
    assert log_in(client, RIGHT_PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302


@pytest.mark.django_db
def test_four_wrong_passwords_do_not_lock(client, keeper):
    for attempt in range(1, 5):
        log_in(client, f"wrong-{attempt}")
    assert log_in(client, RIGHT_PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
