"""Django settings for DeltaWatch.

Every command reads the database from ``DATABASE_URL`` (``sqlite:////abs/path.db`` or
``postgres://user@host:5432/name``). Without it, a SQLite file in the user's data
directory is used, so a fresh install needs no database server.

Every setting an operator may change is an environment variable ``DELTAWATCH_…`` read here;
the README's "Configuration" table lists them all. ``DELTAWATCH_PRODUCTION=1`` is the profile
for a site served to others over HTTPS: secure cookies, HSTS, HTTPS redirect — under it
``deltawatch manage check --deploy`` reports nothing.

References: Django's deployment checklist (docs.djangoproject.com/en/5.2/howto/deployment/
checklist/); OWASP Authentication Cheat Sheet, "Account lockout" (what the login throttling
follows); Mozilla Web Security Guidelines (HSTS for a year, Content-Security-Policy with
``default-src 'self'``, ``frame-ancestors 'none'``).
"""

import errno
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
import platformdirs
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import SimpleLazyObject

PACKAGE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _flag(name: str, default: bool = False) -> bool:
    """An on/off variable. A value that is neither is refused rather than read as "off": a
    mistyped ``DELTAWATCH_PRODUCTION=ture`` must not quietly serve an insecure site."""
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ImproperlyConfigured(
        f"环境变量 {name}={value!r} 应为 1 或 0。{name}={value!r} should be 1 (on) or 0 (off).")


def _integer(name: str, default: int, minimum: int = 0) -> int:
    """A whole number ≥ ``minimum`` from the environment, refused with the variable named when
    it is not."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ImproperlyConfigured(
            f"环境变量 {name}={value!r} 应为不小于 {minimum} 的整数。"
            f"{name}={value!r} should be a whole number ≥ {minimum}.")
    return int(value)


def _words(name: str, default: str = "") -> list[str]:
    """A comma-separated list from the environment, blanks dropped."""
    return [word.strip() for word in os.environ.get(name, default).split(",") if word.strip()]


# How long a writer (an import, an edit) waits for another one to finish before giving up with
# a worded message; nothing is written when it gives up.
WRITE_WAIT_SECONDS = _integer("DELTAWATCH_WRITE_WAIT", 60)
DATA_DIR = Path(os.environ.get("DELTAWATCH_HOME") or platformdirs.user_data_dir("deltawatch"))


def _make_data_dir(directory: Path = DATA_DIR) -> None:
    """Create the data directory, readable by its owner only: it holds the database (with the
    password hashes) and the secret key. A directory that already exists is left as it is —
    an operator may have shared it with a group on purpose."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)


# --- The secret key -------------------------------------------------------------------------
# Django signs sessions, password-reset links and messages with SECRET_KEY: whoever knows it can
# forge a login. No key is shipped; each installation makes its own on first use.

SECRET_KEY_FILE = DATA_DIR / "secret_key"
_SECRET_KEY_LENGTH = 50  # Django's deploy check (security.W009) wants ≥ 50 characters
_FIX_ZH = ("或设置环境变量 DELTAWATCH_SECRET_KEY 为一个长随机串（例如 "
           "python -c \"import secrets; print(secrets.token_urlsafe(50))\" 的输出），"
           "或用 DELTAWATCH_HOME 指向本账号可写的目录。")
_FIX_EN = ("Or set DELTAWATCH_SECRET_KEY to a long random string (e.g. the output of "
           "python -c \"import secrets; print(secrets.token_urlsafe(50))\"), or point DELTAWATCH_HOME "
           "at a directory this account can write.")


def _read_secret_key(path: Path) -> str | None:
    """The key stored at ``path``; None when there is no file yet.

    Refused, with what to do: a file this account cannot read (a data directory shared with
    another account), a file every account can read (the key would not be secret — the
    ``chmod 600`` rule ssh applies to private keys) and a file too short to be a key.
    """
    try:
        mode = path.stat().st_mode
        if not path.is_file():
            raise ImproperlyConfigured(f"{path} 不是文件，{_FIX_ZH} {path} is not a file. {_FIX_EN}")
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except PermissionError as exc:
        raise ImproperlyConfigured(
            f"无法读取密钥文件 {path}（{exc.strerror}）：该数据目录可能属于另一账号，请以该账号运行，{_FIX_ZH} "
            f"Cannot read the secret key file {path} ({exc.strerror}): the data directory may belong "
            f"to another account; run as that account. {_FIX_EN}"
        ) from exc
    if os.name == "posix" and mode & 0o007:
        raise ImproperlyConfigured(
            f"密钥文件 {path} 所有账号均可访问，请运行 chmod 600 {path}。"
            f"The secret key file {path} is open to every account: run chmod 600 {path}.")
    if len(key) < _SECRET_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"密钥文件 {path} 内容过短（{len(key)} 个字符），请删除该文件以生成新密钥（所有用户需重新登录）。"
            f"The secret key file {path} is too short ({len(key)} characters): delete it and a new "
            "key is made (everyone has to log in again).")
    return key


def _write_secret_key(path: Path) -> str:
    """Make a new key and store it at ``path`` with mode 600; return the key that is stored.

    The key is written to a private temporary file (``mkstemp`` creates it 600) and then
    hard-linked to its name, which fails if the name exists: two processes starting at once
    both end with the one key that won, never with a half-written file.
    """
    key = secrets.token_urlsafe(_SECRET_KEY_LENGTH)  # 50 random bytes → 67 characters
    try:
        _make_data_dir(path.parent)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(key + "\n")
            _link_without_replacing(temporary, path)
        finally:
            os.unlink(temporary)
    except FileExistsError:
        return _read_secret_key(path)
    except OSError as exc:
        reason = "只读文件系统 read-only file system" if exc.errno == errno.EROFS else exc.strerror
        raise ImproperlyConfigured(
            f"无法创建密钥文件 {path}（{reason}）：请让该目录可写，{_FIX_ZH} "
            f"Cannot create the secret key file {path} ({reason}): make the directory writable. {_FIX_EN}"
        ) from exc
    return key


def _link_without_replacing(source: str, target: Path) -> None:
    """Give ``source`` the name ``target`` unless ``target`` exists (FileExistsError then). On a
    file system without hard links (FAT, some network shares) the name is claimed with an
    exclusive create instead — a reader arriving in the instant before the key is written
    would find the file too short and be told so."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}:
            raise
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(Path(source).read_text(encoding="utf-8"))


def installation_secret_key(path: Path = SECRET_KEY_FILE) -> str:
    """This installation's secret key: read from ``path``, made there on first use."""
    return _read_secret_key(path) or _write_secret_key(path)


def _secret_key():
    """``DELTAWATCH_SECRET_KEY`` when set, else the installation's key — read only when first
    used (a session, a signed link, ``serve``, ``init``): commands that sign nothing, such as an
    export by an account that cannot read the service's key file, still work."""
    given = os.environ.get("DELTAWATCH_SECRET_KEY", "").strip()
    return given or SimpleLazyObject(installation_secret_key)


def _database_from_environment() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        _make_data_dir()
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


SECRET_KEY = _secret_key()
DEBUG = _flag("DELTAWATCH_DEBUG")
ALLOWED_HOSTS = _words("DELTAWATCH_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # login throttling (django-axes, MIT); its migrations make the attempt tables
    "csp",  # Content-Security-Policy header (django-csp, BSD); its system checks
    "deltawatch.audit",
    "deltawatch.regions",
    "deltawatch.indicators",
    "deltawatch.observations",
    "deltawatch.evaluation",  # historical: its migrations made the tables of progress and indices
    "deltawatch.progress",
    "deltawatch.indices",
    "deltawatch.regional",
    "deltawatch.accounts",
    "deltawatch.site",
    "deltawatch.jobs",  # background jobs: the database is the queue
    "deltawatch.plans",  # the task ledger: plans, tasks, the closed loop, alerts
    "deltawatch.reporting",  # 统计体系: cycles, forms, rules, approval (not "statistics": a stdlib name)
    "deltawatch.assessment",  # 绩效考核 and 对照学习: schemes, runs with rank intervals, benchmarks
    "deltawatch.reports",  # 通报 and the annual evaluation report: generated, reviewed, published
    "deltawatch.intake",  # 文件解析: plan documents → draft targets and tasks, accepted by a person
    "ninja",  # django-ninja (MIT): its bundled Swagger UI files, served from /static/ninja/ (offline)
    "deltawatch.api",  # the REST API (OpenAPI at /api/openapi.json) and personal API tokens
    "django_filters",  # one filter definition for a list page, its export and the API (BSD)
    "django_htmx",  # request.htmx: partial pages for HTMX requests (MIT)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "deltawatch.audit.middleware.CurrentUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: it answers a locked-out login
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
                "deltawatch.site.context_processors.frame",
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
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve vendored assets straight from the package; no collectstatic step
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:overview"
LOGOUT_REDIRECT_URL = "site:overview"

# --- Login throttling (django-axes) ---------------------------------------------------------
# After LOGIN_FAILURES wrong passwords for one account from one address, that account is locked
# for that address for LOCKOUT_MINUTES, the right password included; a success clears the count.
# Keyed on account *and* address so that a stranger cannot lock a colleague out from elsewhere.
# `deltawatch serve` behind DELTAWATCH_TRUSTED_PROXY takes the address from the proxy's
# X-Forwarded-For, so each client is counted apart rather than all as the proxy.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _integer("DELTAWATCH_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=_integer("DELTAWATCH_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "deltawatch.security.lockout_response"  # a bilingual page in the admin's frame

# --- Browser protections: every profile -----------------------------------------------------
# Content-Security-Policy (django-csp 4 format; Django 5.2 has none built in): scripts, styles,
# images and fonts only from this site, no inline script or style, no plugins, no framing,
# forms post only here. The Django 5.2 admin runs under it (its scripts are files, its data
# in data- attributes); the one inline style it writes — the change list's first-column width
# when a model has no actions — is dropped, which only widens that column.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- The production profile: a site served to others over HTTPS ------------------------------
PRODUCTION = _flag("DELTAWATCH_PRODUCTION")
# The reverse proxy that terminates TLS (its address, as `deltawatch serve` sees it, e.g.
# 127.0.0.1). Only requests from it are believed about the scheme (X-Forwarded-Proto) and the
# client's address (X-Forwarded-For); without it those headers are dropped, so nobody can claim
# HTTPS by sending one.
TRUSTED_PROXY = os.environ.get("DELTAWATCH_TRUSTED_PROXY", "").strip()
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = PRODUCTION
# Sessions are kept in the database and read through this process's memory cache, which saves a
# query on every signed-in request (the load benchmark: a third of a signed-in page's cost).
# That is safe while one process serves the site (`deltawatch serve`: threads share the cache;
# signing out removes the session from it). Several processes (another WSGI server with several
# workers) each have their own cache, where a session ended in one would live on in the others:
# DELTAWATCH_PROCESSES above 1 reads every session from the database.
SERVER_PROCESSES = _integer("DELTAWATCH_PROCESSES", 1, minimum=1)
# A cache the server processes share (file:/absolute/dir, or database: `deltawatch manage
# createcachetable`); unset: each process's memory. Shared, sessions stay cached across processes too.
CACHE = os.environ.get("DELTAWATCH_CACHE", "").strip()
if CACHE.startswith("file:/"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": CACHE[5:]}}
elif CACHE == "database":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "deltawatch_cache"}}
elif CACHE:
    raise ImproperlyConfigured(f"环境变量 DELTAWATCH_CACHE={CACHE!r} 应为 file:/绝对路径 或 database。"
                               f"DELTAWATCH_CACHE={CACHE!r} should be file:/absolute/directory or database.")
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if SERVER_PROCESSES <= 1 or CACHE
                  else "django.contrib.sessions.backends.db")
# With DEBUG off and no ADMINS, Django would drop the tracebacks of server errors: to stderr
# (the service's journal) they go.
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"stderr": {"class": "logging.StreamHandler"}},
           "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING"}}}
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION
# HSTS: browsers that once saw the site over HTTPS refuse plain HTTP to it for this long (sent
# on HTTPS responses only). A year, as Mozilla's guidelines advise; 0 switches HSTS off.
SECURE_HSTS_SECONDS = _integer("DELTAWATCH_HSTS_SECONDS", 365 * 24 * 3600) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION and _flag("DELTAWATCH_HSTS_PRELOAD")
# Asking browsers to preload HSTS for the whole domain is hard to undo (months) and the domain
# owner's decision, not this application's: it is opt-in, and Django's reminder to set it
# (security.W021) is silenced unless it is set.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- The task ledger (plans) -----------------------------------------------------------------
# An open task is 黄 (due soon) from this many working days before its due date; an overdue one
# is reported to the office (逾期上报) this many working days after it; a new assignment is to be
# signed for (签收) within this many working days; an evidence file may be this large.
PLANS_WARN_WORKDAYS = _integer("DELTAWATCH_PLANS_WARN_DAYS", 5)
PLANS_ESCALATE_WORKDAYS = _integer("DELTAWATCH_PLANS_ESCALATE_DAYS", 5)
PLANS_ACCEPT_WORKDAYS = _integer("DELTAWATCH_PLANS_ACCEPT_DAYS", 3, minimum=1)
PLANS_EVIDENCE_MAX_BYTES = _integer("DELTAWATCH_EVIDENCE_MAX_MB", 50, minimum=1) * 2 ** 20
# Notifications are also e-mailed when an e-mail server is named (DELTAWATCH_EMAIL_HOST).
EMAIL_HOST = os.environ.get("DELTAWATCH_EMAIL_HOST", "").strip() or "localhost"
EMAIL_HOST_CONFIGURED = bool(os.environ.get("DELTAWATCH_EMAIL_HOST", "").strip())
EMAIL_PORT = _integer("DELTAWATCH_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DELTAWATCH_EMAIL_FROM", "deltawatch@localhost")
