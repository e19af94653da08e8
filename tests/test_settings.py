"""Settings: the secret key of each installation, the on/off variables, the browser protections.

The settings module is read once per process, so what depends on the environment is read in a
fresh ``python`` with that environment; the key file's functions are also called directly on
a temporary directory.
"""

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from deltawatch import settings as deltawatch_settings
from deltawatch.settings import installation_secret_key

# The key the settings fell back to before each installation made its own.
OLD_EMBEDDED_KEY = "deltawatch-embedded-default-change-me-in-production"


def clean_environment(**variables) -> dict:
    """This process's environment without any DELTAWATCH_…, DATABASE_URL or DJANGO_ALLOW_ASYNC_UNSAFE,
    plus ``variables``."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for Playwright in this
    # process; a child process is a deployment and must not inherit it.
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("DELTAWATCH_") and k not in dropped}
    env["DJANGO_SETTINGS_MODULE"] = "deltawatch.settings"
    return {**env, **variables}


def settings_in_fresh_process(names: list[str], **variables) -> dict:
    """The values of settings ``names`` (as str) in a new process with ``variables`` set."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: str(getattr(settings, n)) for n in {names!r}}}))")
    done = subprocess.run([sys.executable, "-c", code], env=clean_environment(**variables),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --- The secret key ---------------------------------------------------------------------------

def test_each_installation_makes_its_own_key_stored_600(tmp_path):
    first = settings_in_fresh_process(["SECRET_KEY"], DELTAWATCH_HOME=str(tmp_path / "a"))["SECRET_KEY"]
    other = settings_in_fresh_process(["SECRET_KEY"], DELTAWATCH_HOME=str(tmp_path / "b"))["SECRET_KEY"]
    again = settings_in_fresh_process(["SECRET_KEY"], DELTAWATCH_HOME=str(tmp_path / "a"))["SECRET_KEY"]
    assert first != other and first != OLD_EMBEDDED_KEY
    assert again == first  # kept: sessions survive a restart
    stored = tmp_path / "a" / "secret_key"
    assert stored.read_text().strip() == first
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    # 50 random bytes, URL-safe base64 → 67 characters: Django's deploy check wants ≥ 50.
    assert len(first) >= 50


def test_the_environment_overrides_the_key_and_no_file_is_made(tmp_path):
    given = "k" * 30 + "ey-from-the-environment-0123456789"
    seen = settings_in_fresh_process(["SECRET_KEY"], DELTAWATCH_HOME=str(tmp_path), DELTAWATCH_SECRET_KEY=given)
    assert seen["SECRET_KEY"] == given
    assert not (tmp_path / "secret_key").exists()


def test_no_key_file_is_made_until_one_is_needed(tmp_path):
    """Reading other settings (what `deltawatch export` does) makes no key file: an account
    that cannot write the data directory still exports."""
    settings_in_fresh_process(["DEBUG", "ALLOWED_HOSTS"], DELTAWATCH_HOME=str(tmp_path),
                              DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert not (tmp_path / "secret_key").exists()


def test_key_is_read_back_and_made_once(tmp_path):
    path = tmp_path / "home" / "secret_key"
    key = installation_secret_key(path)
    assert installation_secret_key(path) == key
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # a data directory it makes is private
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left


def test_read_only_data_directory_says_how_to_fix(tmp_path, monkeypatch):
    """The tests run as root, for whom permissions do not forbid writing: the file system's
    refusal is simulated where the key file is created."""
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(deltawatch_settings.tempfile, "mkstemp", read_only)
    with pytest.raises(ImproperlyConfigured) as refused:
        installation_secret_key(tmp_path / "secret_key")
    message = str(refused.value)
    assert "只读文件系统" in message and "read-only file system" in message
    assert "DELTAWATCH_SECRET_KEY" in message and "DELTAWATCH_HOME" in message


def test_key_file_of_another_account_says_how_to_fix(tmp_path, monkeypatch):
    """A shared data directory whose key file belongs to the service's account (mode 600)."""
    path = tmp_path / "secret_key"
    path.write_text("x" * 67)
    path.chmod(0o600)
    original = Path.read_text

    def not_ours(self, *args, **kwargs):
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", not_ours)
    with pytest.raises(ImproperlyConfigured) as refused:
        installation_secret_key(path)
    message = str(refused.value)
    assert "无法读取密钥文件" in message and "another account" in message and "DELTAWATCH_SECRET_KEY" in message


def test_key_file_every_account_can_read_is_refused(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("y" * 67)
    path.chmod(0o644)
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        installation_secret_key(path)


def test_truncated_key_file_is_refused(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("short")
    path.chmod(0o600)
    with pytest.raises(ImproperlyConfigured, match="too short"):
        installation_secret_key(path)


def test_key_problem_is_a_worded_refusal_of_the_command(tmp_path):
    """`deltawatch init` with a data directory where no key can be made: exit 2, no traceback."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret_key").write_text("short")
    (home / "secret_key").chmod(0o600)
    done = subprocess.run([sys.executable, "-m", "deltawatch.cli", "init", "--no-data"],
                          env=clean_environment(DELTAWATCH_HOME=str(home)), capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "too short" in done.stderr and "Traceback" not in done.stderr


# --- On/off variables -----------------------------------------------------------------------

def test_debug_is_off_unless_asked_for(tmp_path):
    home = str(tmp_path)
    assert settings_in_fresh_process(["DEBUG"], DELTAWATCH_HOME=home)["DEBUG"] == "False"
    assert settings_in_fresh_process(["DEBUG"], DELTAWATCH_HOME=home, DELTAWATCH_DEBUG="1")["DEBUG"] == "True"
    assert settings_in_fresh_process(["DEBUG"], DELTAWATCH_HOME=home, DELTAWATCH_DEBUG="0")["DEBUG"] == "False"


def test_mistyped_flag_is_refused_not_read_as_off(tmp_path):
    done = subprocess.run([sys.executable, "-m", "deltawatch.cli", "export", "--indicator", "gdp"],
                          env=clean_environment(DELTAWATCH_HOME=str(tmp_path), DELTAWATCH_PRODUCTION="ture"),
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "DELTAWATCH_PRODUCTION='ture'" in done.stderr and "should be 1 (on) or 0 (off)" in done.stderr
    assert "Traceback" not in done.stderr


def test_production_profile_settings(tmp_path):
    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
             "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "DEBUG"]
    off = settings_in_fresh_process(names[:-2], DELTAWATCH_HOME=str(tmp_path))
    assert set(off.values()) == {"False", "0"}
    on = settings_in_fresh_process(names, DELTAWATCH_HOME=str(tmp_path), DELTAWATCH_PRODUCTION="1",
                                   DELTAWATCH_TRUSTED_PROXY="127.0.0.1")
    assert on == {"SESSION_COOKIE_SECURE": "True", "CSRF_COOKIE_SECURE": "True", "SECURE_SSL_REDIRECT": "True",
                  "SECURE_HSTS_SECONDS": str(365 * 24 * 3600), "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
                  "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')", "DEBUG": "False"}


# --- Browser protections, every profile ---------------------------------------------------------

@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_admin_pages_have_no_inline_script_or_handler(admin_client):
    """The policy forbids inline scripts: the pages must not need any (the language menu used
    onchange="…" before)."""
    page = admin_client.get("/admin/indicators/indicator/").content.decode()
    assert "onchange=" not in page and "<script>" not in page and 'style="' not in page
    assert "deltawatch/language-switch.js" in page


def test_lockout_of_zero_minutes_is_refused(tmp_path):
    """0 would read to django-axes as "no cool-off": a lock for ever. Refused, worded."""
    done = subprocess.run([sys.executable, "-m", "deltawatch.cli", "export", "--indicator", "gdp"],
                          env=clean_environment(DELTAWATCH_HOME=str(tmp_path), DELTAWATCH_LOCKOUT_MINUTES="0"),
                          capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "DELTAWATCH_LOCKOUT_MINUTES='0' should be a whole number ≥ 1" in done.stderr


# --- Sessions -----------------------------------------------------------------------------------

def test_sessions_go_through_the_memory_cache_only_when_one_process_serves(tmp_path):
    """One process (deltawatch serve): sessions read through its cache; several processes each
    have their own cache, where a session ended in one would live on in another: the database."""
    one = settings_in_fresh_process(["SESSION_ENGINE"], DELTAWATCH_HOME=str(tmp_path))
    several = settings_in_fresh_process(["SESSION_ENGINE"], DELTAWATCH_HOME=str(tmp_path), DELTAWATCH_PROCESSES="4")
    assert one["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert several["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
