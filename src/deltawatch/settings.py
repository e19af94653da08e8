"""Django settings for DeltaWatch.

Every command reads the database from ``DATABASE_URL`` (``sqlite:////abs/path.db`` or
``postgres://user@host:5432/name``). Without it, a SQLite file in the user's data
directory is used, so a fresh install needs no database server.
"""

import os
from pathlib import Path

import dj_database_url
import platformdirs
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
# How long a writer (an import, an edit) waits for another one to finish before giving up with
# a worded message; nothing is written when it gives up.
WRITE_WAIT_SECONDS = int(os.environ.get("DELTAWATCH_WRITE_WAIT", "60"))
DATA_DIR = Path(os.environ.get("DELTAWATCH_HOME") or platformdirs.user_data_dir("deltawatch"))


def _database_from_environment() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'deltawatch.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:  # dj_database_url raises bare ValueError/KeyError
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is not understood ({exc}). "
            "Use sqlite:////absolute/path.db or postgres://user@host:5432/dbname."
        ) from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Imports are one long transaction: readers keep reading (WAL) and a second writer
        # waits instead of failing — IMMEDIATE takes the write lock when a transaction starts,
        # so two writers queue on the busy timeout instead of deadlocking on a read lock that
        # cannot be upgraded (SQLite then fails at once); a larger page cache keeps million-row
        # index updates in memory.
        config["OPTIONS"] = {
            "timeout": WRITE_WAIT_SECONDS,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072;",
        }
        config["TEST"] = {"NAME": os.environ.get("DELTAWATCH_TEST_SQLITE") or None}
    return config


SECRET_KEY = os.environ.get("DELTAWATCH_SECRET_KEY", "deltawatch-embedded-default-change-me-in-production")
DEBUG = os.environ.get("DELTAWATCH_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DELTAWATCH_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "deltawatch.audit",
    "deltawatch.regions",
    "deltawatch.indicators",
    "deltawatch.observations",
    "deltawatch.evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "deltawatch.audit.middleware.CurrentUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "deltawatch.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "deltawatch.wsgi.application"

DATABASES = {"default": _database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = True  # serve vendored assets straight from the package; no collectstatic step
LOGIN_URL = "admin:login"
