"""Settings for Locus.

Everything that differs between a laptop demo and a deployment comes from the
environment: ``LOCUS_DATA_DIR`` (where SQLite, the secret key and uploads live),
``DATABASE_URL`` (PostgreSQL when set), ``LOCUS_DEBUG``, ``LOCUS_ALLOWED_HOSTS``,
``LOCUS_HTTPS`` (secure cookies, redirect to HTTPS, HSTS) and ``LOCUS_BEHIND_PROXY``
(trust the proxy's ``X-Forwarded-Proto``).
No secret is kept in the repository: the key is read from ``LOCUS_SECRET_KEY`` or
generated once into the data folder.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LOCUS_DATA_DIR", Path.cwd() / "locus-data")).resolve()


def _secret_key() -> str:
    if key := os.environ.get("LOCUS_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Written owner-only: whoever can read it can forge sessions.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("LOCUS_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("LOCUS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "locus.config.apps.LocusAdminConfig",  # django.contrib.admin, with Locus's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "locus.common",
    "locus.access",
    "locus.audit",
    "locus.people",
    "locus.places",
    "locus.peers",
    "locus.incidents",
    "locus.linked",
    "locus.mapping",
    "locus.safety",
    "locus.casework",
    "locus.profiles",
    "locus.panels",
    "locus.moves",
    "locus.notes",
    "locus.documents",
    "locus.transfers",
    "locus.rectification",
    "locus.notifications",
    "locus.outreach",
    "locus.statutory",
    "locus.interchange",
    "locus.exports",
    "locus.retention",
    "locus.subjectaccess",
    "locus.api",
    "locus.sharing",
    "locus.policies",
    "ninja",  # django-ninja's own static files for the API docs page (no CDN)
    "locus.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "locus.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "locus.web.middleware.LoginRequiredMiddleware",
    "locus.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "locus.config.urls"
WSGI_APPLICATION = "locus.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "locus.web.context_processors.break_glass_open",
                "locus.web.context_processors.menu",
                "locus.notifications.context_processors.unread",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'locus.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while the generator writes; IMMEDIATE
    # transactions avoid "database is locked" on write upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

AUTH_USER_MODEL = "access.Worker"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions: short-lived, HTTP-only, same-site; a shared office PC must not stay signed in.
# An hour idle signs a worker out (every request renews the hour), and so does closing
# the browser. However busy, a sign-in lasts LOCUS_SESSION_MAX_HOURS (10) at most: a
# request after that signs the worker out (locus.signin.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOCUS_SESSION_MAX_HOURS = float(os.environ.get("LOCUS_SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("LOCUS_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
LOCUS_BEHIND_PROXY = os.environ.get("LOCUS_BEHIND_PROXY") == "1"
if LOCUS_BEHIND_PROXY:
    # Only behind a proxy that sets this header itself and strips it from clients:
    # otherwise anyone could claim their plain-HTTP request was HTTPS. The client's address
    # is then the one the proxy adds last to X-Forwarded-For (access.signin.client_ip).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

AUTHENTICATION_BACKENDS = ["locus.access.backends.WorkerBackend"]

# --- Signing in: the second factor ----------------------------------------------------------
# A TOTP authenticator app for every account, with single-use recovery codes (django-otp).
# Required unless LOCUS_REQUIRE_OTP=0, which `locus demo` sets (the demo still offers it).
# django-otp's OTPMiddleware says whether this session passed a second factor; Locus's
# SecondFactorMiddleware, after the sign-in check, sends a worker who has not to the code
# page (or to set one up) before any other page.
LOCUS_REQUIRE_OTP = os.environ.get("LOCUS_REQUIRE_OTP", "1") != "0"
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    # No longer used for codes (locus.signin keeps them hashed); installed so the migration
    # that hashed the plain codes it held can read them. Its tables stay empty.
    "django_otp.plugins.otp_static",
    "locus.signin",  # after django-otp's apps: its admin takes their device pages away
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("locus.web.middleware.LoginRequiredMiddleware") + 1,
    "locus.signin.middleware.SecondFactorMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("locus.web.middleware.LoginRequiredMiddleware"),
    "locus.signin.middleware.SessionLifetimeMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("locus.signin.middleware.SecondFactorMiddleware") + 1,
    "locus.signin.middleware.PasswordChangeDueMiddleware",
)
OTP_TOTP_ISSUER = "Locus"
# Wrong codes count in the sign-in lockout (locus.access.signin), which says when it refuses;
# django-otp's own back-off would turn a right code typed a second after a wrong one into
# "wrong", silently.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0  # (locus.signin's recovery codes have no back-off at all)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Documents: where uploaded files go, how big, and the virus scanner --------------------
# Bytes are kept in the data folder's documents/ (owner-only, never under STATIC_ROOT or
# anything a web server serves), or in an S3-compatible bucket when LOCUS_DOCUMENTS_S3_BUCKET
# is set (django-storages, the optional extra "s3"; credentials from the usual AWS_*
# variables). Files are only ever served by the download page, after the access check.
LOCUS_DOCUMENT_MAX_BYTES = int(os.environ.get("LOCUS_DOCUMENT_MAX_MB", "20")) * 1024 * 1024
# A file for import (a CIN census return, SSDA903 tables): kept under the data folder's imports/.
LOCUS_IMPORT_MAX_BYTES = int(os.environ.get("LOCUS_IMPORT_MAX_MB", "250")) * 1024 * 1024
LOCUS_DOCUMENT_SCANNER = os.environ.get(
    "LOCUS_DOCUMENT_SCANNER", "locus.documents.scanning.accept_all"
)
# The ClamAV daemon (locus.documents.scanning.clamav): a Unix socket, else a host and port.
LOCUS_CLAMD_SOCKET = os.environ.get("LOCUS_CLAMD_SOCKET", "")
LOCUS_CLAMD_HOST = os.environ.get("LOCUS_CLAMD_HOST", "127.0.0.1")
LOCUS_CLAMD_PORT = int(os.environ.get("LOCUS_CLAMD_PORT", "3310"))
# First: drops a file past the limit before it is written to a temporary file.
FILE_UPLOAD_HANDLERS = [
    "locus.documents.uploads.SizeCappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
_documents_bucket = os.environ.get("LOCUS_DOCUMENTS_S3_BUCKET", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _documents_bucket,
                "endpoint_url": os.environ.get("LOCUS_DOCUMENTS_S3_ENDPOINT") or None,
                "location": "documents",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
            },
        }
        if _documents_bucket
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": DATA_DIR / "documents",
                "base_url": "/not-served/",
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
    ),
}

# Notification emails (docs/notifications.md): through Django's mail settings, to workers with
# an email address who have not turned them off. The console backend (the demo's) prints them;
# a deployment sets LOCUS_EMAIL_BACKEND and Django's EMAIL_HOST, EMAIL_PORT... as it needs.
# An email says only "you have a new item", its kind, and a link to My work on LOCUS_SITE_URL.
EMAIL_BACKEND = os.environ.get(
    "LOCUS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("LOCUS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("LOCUS_EMAIL_PORT", "25"))
EMAIL_USE_TLS = os.environ.get("LOCUS_EMAIL_TLS") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("LOCUS_EMAIL_FROM", "locus@localhost")
LOCUS_NOTIFICATION_EMAIL = os.environ.get("LOCUS_NOTIFICATION_EMAIL", "1") == "1"
LOCUS_SITE_URL = os.environ.get("LOCUS_SITE_URL", "http://127.0.0.1:8000")

# --- Background tasks and the shared cache -------------------------------------------------
# Django's tasks API (the django-tasks backport until Django 6), with its database backend
# (django-tasks-db) by default: a task is a row, run by `locus worker` (which `locus demo`
# starts beside the site). LOCUS_TASKS_BACKEND names another backend (the immediate one runs
# tasks in the request that enqueues them, as the tests do).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": os.environ.get("LOCUS_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A deployment with Redis may run the same tasks on RQ, a distributed queue, instead
# (`pip install 'locus[rq]'`, LOCUS_TASKS_BACKEND=django_tasks_rq.RQBackend and
# LOCUS_REDIS_URL): the code enqueues through the same API, and `locus worker` then runs
# RQ's worker on the "default" queue.
RQ_BACKEND = "django_tasks_rq.RQBackend"
if TASKS["default"]["BACKEND"] == RQ_BACKEND:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("LOCUS_REDIS_URL", "redis://127.0.0.1:6379/0")}}
# One cache every app server shares: a table in the database by default (created by
# `locus migrate`, `locus demo` and the test database). LOCUS_CACHE_BACKEND and
# LOCUS_CACHE_LOCATION name another, e.g. django.core.cache.backends.redis.RedisCache and a
# redis:// URL. Nothing in it is scoped to a viewer (docs/architecture.md).
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "LOCUS_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"
        ),
        "LOCATION": os.environ.get("LOCUS_CACHE_LOCATION", "locus_cache"),
    }
}

# --- The JSON API's rate limit (docs/api.md) ------------------------------------------------
# How many reads one API token may make: at most LOCUS_API_RATE_PER_MINUTE in each clock minute
# and LOCUS_API_RATE_PER_DAY in each UTC day. A worker's own tool (a dashboard refreshing, a
# morning check over a team's caseload) stays well under both; a program pulling every record
# its token sees, one by one, meets the minute's limit within a minute and the day's within
# hours, so a stolen token cannot empty the borough before someone revokes it. Counted per
# token, not per address (a council network's programs share one outgoing address), in a
# table of the database (api.ApiReadCount, not the cache above: its read-then-write loses reads
# made in parallel), so the limit holds across app servers. Both must be whole numbers of at
# least 1.
LOCUS_API_RATE_PER_MINUTE = int(os.environ.get("LOCUS_API_RATE_PER_MINUTE", "120"))
LOCUS_API_RATE_PER_DAY = int(os.environ.get("LOCUS_API_RATE_PER_DAY", "10000"))
if min(LOCUS_API_RATE_PER_MINUTE, LOCUS_API_RATE_PER_DAY) < 1:
    raise ImproperlyConfigured(
        "LOCUS_API_RATE_PER_MINUTE and LOCUS_API_RATE_PER_DAY must be 1 or more"
    )

# --- The borough map (places/selectors_map.py) ---------------------------------------------
# The borough whose outline and postcode sectors the map draws: its ONS local authority code
# and the first letters of its postcodes (the directory is read one letter at a time). The
# default is the demo's borough. No background tiles unless LOCUS_TILE_URL is set (a
# {z}/{x}/{y} template; the map works offline without it), with LOCUS_TILE_ATTRIBUTION.
LOCUS_BOROUGH_LAUA = os.environ.get("LOCUS_BOROUGH_LAUA", "E09000012")
LOCUS_BOROUGH_POSTCODE_LETTERS = os.environ.get("LOCUS_BOROUGH_POSTCODE_LETTERS", "E,N")
LOCUS_TILE_URL = os.environ.get("LOCUS_TILE_URL", "")
LOCUS_TILE_ATTRIBUTION = os.environ.get("LOCUS_TILE_ATTRIBUTION", "")
