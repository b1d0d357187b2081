"""Django settings for the compactwatch service, configured by environment variables.

COMPACTWATCH_DATA_DIR  folder for the SQLite database and the secret key (default ./data)
DATABASE_URL           e.g. postgres://user@127.0.0.1:5432/compactwatch (default: SQLite in the data folder)
COMPACTWATCH_ENV       "production" (secure cookies, HSTS, HTTPS redirect), "demo" or "development"
SECRET_KEY             required in production; elsewhere one is made and kept in the data folder
ALLOWED_HOSTS          comma-separated (default: localhost names)
CSRF_TRUSTED_ORIGINS   comma-separated, e.g. https://compact.example.org (behind a proxy)
COMPACTWATCH_SITE_URL  the service's address, for links in emails (default http://127.0.0.1:8000)
COMPACTWATCH_EMAIL_BACKEND  a Django email backend to use instead (e.g. locmem, for benchmarks)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("COMPACTWATCH_DATA_DIR", Path.cwd() / "data")).resolve()
ENVIRONMENT = os.environ.get("COMPACTWATCH_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = ENVIRONMENT == "development" and os.environ.get("DJANGO_DEBUG", "") == "1"


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set in production")
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
# Behind a proxy at another address than the app servers', e.g. https://compact.example.org
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files for the API documentation, served from here
    "axes",
    "django_otp",  # two-factor sign-in (compactwatch/changes/two_factor.py)
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "compactwatch.compacts",
    "compactwatch.organisations",
    "compactwatch.records",
    "compactwatch.findings",
    "compactwatch.disputes",
    "compactwatch.monitoring",
    "compactwatch.reports",
    "compactwatch.audit",
    "compactwatch.imports",
    "compactwatch.api",
    "compactwatch.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "compactwatch.middleware.RejectNulCharacters",
    "compactwatch.limits.RequestSizeLimit",
    "compactwatch.staticfiles.WhiteNoise",  # whitenoise, its start-up lookups quiet
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An officer required to use two-factor sign-in sets it up before anything else.
    "compactwatch.web.two_factor.TwoFactorRequired",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must come last: it locks out repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "compactwatch.urls"
WSGI_APPLICATION = "compactwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "compactwatch.web.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'compactwatch.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work side by side under concurrent requests.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# A second connection to the same database: an import reports its progress and hears a
# request to cancel through it while its grants are stored in one long transaction.
DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

# The largest upload each view takes (compactwatch/limits.py); anything else sent to the
# service is limited by DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB).
UPLOAD_LIMITS = {
    "web:upload": int(os.environ.get("COMPACTWATCH_RECORDS_UPLOAD_MB", "20")) << 20,
    "web:imports": int(os.environ.get("COMPACTWATCH_IMPORT_UPLOAD_MB", "600")) << 20,
    "api:imports": int(os.environ.get("COMPACTWATCH_IMPORT_UPLOAD_MB", "600")) << 20,
    # An edition file is some 50 KB; its confirmation carries the text back as a form field,
    # which Django bounds by DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), so 1 MB leaves room.
    "web:edition_upload": 1 << 20,
}

# Requests to join sent from one client address in an hour (the public form;
# compactwatch/limits.py counts them in Django's cache).
JOIN_REQUESTS_PER_HOUR = int(os.environ.get("COMPACTWATCH_JOIN_REQUESTS_PER_HOUR", "5"))

# A running import's worker beats every 10 seconds; this long a silence means it stopped.
IMPORT_STALL_SECONDS = int(os.environ.get("COMPACTWATCH_IMPORT_STALL_SECONDS", "60"))

# Long imports run in the background, queued in the database (`compactwatch manage db_worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Email (password reset links): an SMTP server if EMAIL_HOST is set, else written to the
# console (the demonstration).
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Overrides either, e.g. "django.core.mail.backends.locmem.EmailBackend" so that a benchmark
# of `compactwatch remind` composes every message and sends none (benchmarks/cases_bench.py).
EMAIL_BACKEND = os.environ.get("COMPACTWATCH_EMAIL_BACKEND", EMAIL_BACKEND)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "compactwatch <noreply@localhost>")
# The address people reach the service at, for links sent from the command line
# (invitations, the first administrator's password); pages use the request's own address.
SITE_URL = os.environ.get("COMPACTWATCH_SITE_URL", "http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # a reset link works for three days

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: a quarter of an hour after five failed attempts
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

# Two-factor sign-in (django-otp's TOTP): anyone may turn it on from their Account page.
# COMPACTWATCH_REQUIRE_TWO_FACTOR=1 requires it of every Compact officer, who is sent to
# set it up after signing in (off in the demonstration). A wrong code counts as a failed
# sign-in for django-axes, and django-otp slows each further try.
TWO_FACTOR_REQUIRED_FOR_OFFICERS = os.environ.get("COMPACTWATCH_REQUIRE_TWO_FACTOR", "") == "1"
OTP_TOTP_ISSUER = "compactwatch"
# How long after the password the code may be given, in seconds.
TWO_FACTOR_PENDING_SECONDS = 300

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# Dates as the Compact writes them: "31 January 2016".
FORMAT_MODULE_PATH = ["compactwatch.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Documents attached to a disagreement's steps (compactwatch/disputes), served only through
# a view that checks who may see the case, never as public files.
MEDIA_ROOT = DATA_DIR / "media"
# The largest document attached to one step of a disagreement (compactwatch/limits.py).
CASE_DOCUMENT_MAX_BYTES = int(os.environ.get("COMPACTWATCH_CASE_DOCUMENT_MB", "10")) << 20
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Whitenoise's compressed, hashed files; a file missing from them is logged, not a 500.
    "staticfiles": {"BACKEND": "compactwatch.staticfiles.ForgivingManifestStorage"},
}
if os.environ.get("COMPACTWATCH_PLAIN_STATIC"):
    # Tests run without collectstatic.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("COMPACTWATCH_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# An API token works for this many days; changing the password ends it at once.
API_TOKEN_DAYS = int(os.environ.get("COMPACTWATCH_API_TOKEN_DAYS", "30"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "compactwatch.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "compactwatch.api.pagination.BoundedLimitOffset",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "compactwatch.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "compactwatch.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "compactwatch API",
    "DESCRIPTION": "Read a local Compact, its register, records and findings; create and update records.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page (/api/v1/docs/) uses Swagger UI from drf-spectacular-sidecar,
    # and asks no online validator: nothing is fetched from elsewhere.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
