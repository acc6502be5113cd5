"""Settings, read from the environment through helpers that refuse bad values.

The defaults give the embedded mode (SQLite and a filesystem broker under ``DATA_DIR``);
production sets ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
Nothing here touches the disk or the network at import time.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str = "") -> str:
    """An absolute http(s) address without a trailing slash, or the default (may be "")."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise ImproperlyConfigured(f"{name}={value!r} is not an http(s) address.")
    return value.rstrip("/")


DEBUG = env_bool("DEBUG", False)
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))

if DEBUG:
    # Only for a developer's machine: the key is public, so sessions signed with it are too.
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-do-not-deploy")
else:
    SECRET_KEY = env_str("SECRET_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API responses (the editor page inlines up to ~0.3 MB of text and spans).
    # After WhiteNoise, which serves its own pre-compressed static files. BREACH: the only
    # secret in a page is the CSRF token, which Django masks anew on every response, and
    # Django's gzip adds random padding to each response (Heal The BREACH).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Too-large bodies answered 413 (JSON) before CSRF or a parser reads them.
    "articles.middleware.RequestLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in that the lock-out refused into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "annotator.urls"
WSGI_APPLICATION = "annotator.wsgi.application"
ASGI_APPLICATION = "annotator.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'annotator.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write the same file: WAL lets readers run beside the
    # writer, IMMEDIATE transactions take the write lock up front (no upgrade deadlocks),
    # and a busy timeout waits for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory: a Celery worker thread in the tests must see the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
# Parameters bound by the server, so psycopg prepares a statement the fifth time a
# connection runs it and PostgreSQL plans it once: the editor's span lookup (five joins)
# spent more time in the planner (2-6 ms) than in execution (~0.2 ms). Off behind a
# connection pooler in transaction mode that does not track prepared statements
# (PgBouncer before 1.21).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_SERVER_SIDE_BINDING", True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # Django turns psycopg's preparing off unless a threshold is given.
        {"server_side_binding": True, "prepare_threshold": 5}
    )
# A second connection to the same database, in autocommit: an import job writes its progress
# through it while its own transaction, which others cannot see into, is still open
# (articles/services/import_jobs.py). Tests share the default test database.
DATABASES["progress"] = {
    **DATABASES["default"],
    "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
    "TEST": {"MIRROR": "default"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "articles.lockout.LockoutBackend",  # first: refuses a locked-out sign-in before any check
    "django.contrib.auth.backends.ModelBackend",
]

# Lock-out after failed authentication (django-axes, counted in the database so that every
# web process sees the same counts): wrong passwords on the login, admin and password-change
# pages count per username and per client address; a bad API token or a stale session cookie
# per address. Reaching a limit refuses that username or address, right password or not,
# for AUTH_LOCKOUT_SECONDS after the failure that reached it; a success counts nothing.
AUTH_FAILURE_LIMITS = {
    "username": env_int("AUTH_FAILURES_PER_USERNAME", 5, minimum=1),
    "ip_address": env_int("AUTH_FAILURES_PER_IP", 20, minimum=1),
}
AXES_LOCKOUT_PARAMETERS = list(AUTH_FAILURE_LIMITS)
AXES_FAILURE_LIMIT = "articles.lockout.failure_limit"
AXES_COOLOFF_TIME = timedelta(seconds=env_int("AUTH_LOCKOUT_SECONDS", 900, minimum=1))
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field, and the key of our counts
AXES_HANDLER = "articles.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "articles.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "articles.lockout.client_ip"
# Proxies in front of the app that append to X-Forwarded-For (0: the client connects directly).
# Behind a proxy, leaving this at 0 would count every client as the proxy's one address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Retrying while locked out does not push the end of the lock-out further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success must not wipe the address's failures: an attacker signing in to an account of
# their own between guesses would reset the count for the account they are guessing.
AXES_RESET_ON_SUCCESS = False
# No row per successful sign-in (axes' access log): the failures are all the lock-out needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no start-up banner in every command's output

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "articles:project_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Uploads waiting for their import job, deleted when it ends. Web and workers on other
    # machines need the same storage: a shared volume (IMPORT_STORAGE_DIR) or an S3 backend.
    "imports": {
        "BACKEND": env_str("IMPORT_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": env_str("IMPORT_STORAGE_DIR", str(DATA_DIR / "imports"))},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve static files from the app directories without collectstatic in the embedded mode.
WHITENOISE_USE_FINDERS = DEBUG

# Security: on by default outside DEBUG; a TLS-terminating proxy sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every response (django-csp): scripts and styles only from our
# own origin, no inline script or style. An inline block that must stay (the editor's import
# map) carries the per-response nonce: nonce="{{ request.csp_nonce }}"; the header names the
# nonce only on responses whose template used it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for the blank favicon and the API docs' inline SVG icons.
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# E-mail (password resets): printed on the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# STARTTLS unless EMAIL_USE_SSL asks for TLS from the first byte (port 465).
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set one of EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "annotator@localhost")
# Password-reset e-mails per hour, per mailbox (beyond it nothing is sent, and the page looks
# the same) and per client address (beyond it, 429): articles/reset_limits.py says why.
PASSWORD_RESETS_PER_MAILBOX = env_int("PASSWORD_RESETS_PER_MAILBOX", 3, minimum=1)
PASSWORD_RESETS_PER_IP = env_int("PASSWORD_RESETS_PER_IP", 10, minimum=1)

# Celery: the embedded default is kombu's filesystem transport, so a worker runs with no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
# Transport options as a JSON object, for the broker in use. On Redis, an unacked message
# (acks_late) of a worker that died goes back to the queue only after ``visibility_timeout``
# (1 h by default; keep it above the longest retry countdown, 300 s, since Redis holds a
# countdown message unacked until it is due), scanned for every ``unacked_restore_interval``
# x ``unacked_restore_throttle`` seconds (100 s). The sweep re-sends that work much sooner
# (HEARTBEAT_TIMEOUT_SECONDS); the late redelivery then finds it done.
try:
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = json.loads(
        env_str("CELERY_BROKER_TRANSPORT_OPTIONS", "{}")
    )
except ValueError:
    raise ImproperlyConfigured("CELERY_BROKER_TRANSPORT_OPTIONS is not valid JSON.") from None
if not isinstance(CELERY_BROKER_TRANSPORT_OPTIONS, dict):
    raise ImproperlyConfigured("CELERY_BROKER_TRANSPORT_OPTIONS must be a JSON object.")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        **CELERY_BROKER_TRANSPORT_OPTIONS,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Without socket timeouts a publish to a Redis that accepts connections but never
    # answers (failover, a half-open connection) waits for ever, and so would a web request.
    # The worker's BRPOP waits 1 s at a time, well within them.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 3,
        "socket_timeout": 5,
        **CELERY_BROKER_TRANSPORT_OPTIONS,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits for the broker however long an outage lasts (Celery's default gives up
# after 100 attempts, about 45 minutes, and the worker exits).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A web request that cannot reach the broker gives up after one quick retry: the database
# keeps the work as unsent and the sweep sends it (docs/RELIABILITY.md).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "annotator")

# The database is the source of truth for pending work; the sweep (a Celery beat entry, also
# run when a worker starts and by ``manage.py pretag_pending``) sends again what nobody is
# doing: work whose sending failed, work sent ``RESEND_AFTER_SECONDS`` ago and not started
# (the broker lost the message), and running work with no heartbeat for
# ``HEARTBEAT_TIMEOUT_SECONDS`` (its worker died). A running task beats every
# ``HEARTBEAT_SECONDS`` at most (per article, or per export chunk).
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 60, minimum=1)
HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 15, minimum=1)
HEARTBEAT_TIMEOUT_SECONDS = env_int("HEARTBEAT_TIMEOUT_SECONDS", 180, minimum=1)
RESEND_AFTER_SECONDS = env_int("RESEND_AFTER_SECONDS", 600, minimum=1)
if HEARTBEAT_TIMEOUT_SECONDS <= 2 * HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        f"HEARTBEAT_TIMEOUT_SECONDS={HEARTBEAT_TIMEOUT_SECONDS} must exceed twice "
        f"HEARTBEAT_SECONDS={HEARTBEAT_SECONDS}, or live work would be taken for lost."
    )
CELERY_BEAT_SCHEDULE = {
    "sweep": {
        "task": "articles.sweep",
        "schedule": float(SWEEP_INTERVAL_SECONDS),
        # A sweep that waited a whole interval in the queue is dropped: the next one is due.
        "options": {"expires": float(SWEEP_INTERVAL_SECONDS)},
    }
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a script without credentials gets 401 with "WWW-Authenticate: Token".
        "articles.authentication.CountedTokenAuthentication",
        "articles.authentication.CountedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50, minimum=1),
    "EXCEPTION_HANDLER": "articles.api.errors.exception_handler",
    # JSON bodies only (multipart where a view uploads files): see articles/api/parsers.py.
    "DEFAULT_PARSER_CLASSES": ["articles.api.parsers.JsonParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # ``?format=`` names an export format (jsonl, conll, …), never a renderer.
    "URL_FORMAT_OVERRIDE": None,
    # One timestamp format in answers and exports: UTC with microseconds.
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S.%fZ",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Opinion annotator API",
    "DESCRIPTION": "Articles, pre-tagged spans (claim, quote, speculation), decisions and exports.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package: the docs work without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "JobStateEnum": "articles.models.JobState",
        "ReviewStateEnum": "articles.models.ReviewState",
        # Yours for an article, "new" included (what lists show and filter on).
        "MyReviewStateEnum": "articles.api.articles.REVIEW_CHOICES",
        "RoleEnum": "articles.models.Role",
        "SpanStatusEnum": "articles.models.SpanStatus",
        "SpanOriginEnum": "articles.models.SpanOrigin",
    },
}

# Import limits, reported as 413/400 when exceeded. An upload goes to disk as it arrives and
# the worker reads it as a stream (JSON Lines, CSV, and those inside a zip), so its limit is
# about disk and time, not memory: 2 GiB admits the 1 GB files of issue 14 with room.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 2 * 1024**3, minimum=1)
# What is held whole in memory: a fetched page, a one-article file (.txt, .md, .html), a
# UTF-16 file, and such members of a zip. The old upload limit, so these are unchanged.
IMPORT_MAX_WHOLE_BYTES = env_int("IMPORT_MAX_WHOLE_BYTES", 50 * 1024 * 1024, minimum=1)
IMPORT_MAX_ARTICLE_CHARS = env_int("IMPORT_MAX_ARTICLE_CHARS", 1_000_000, minimum=1)
# A 2 GiB file of seed-sized articles (7,000 characters, 25 spans) holds about 240,000. The
# write pass keeps one hash per distinct text (about 0.3 KB each), so this bounds that too.
IMPORT_MAX_ARTICLES = env_int("IMPORT_MAX_ARTICLES", 250_000, minimum=1)
# An upload is never held whole in memory: past FILE_UPLOAD_MAX_MEMORY_SIZE a multipart file
# is spooled to a temporary file, which the import then moves into its storage. Bodies that
# are not files (JSON) stay limited to DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024, minimum=1)
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 50 * 1024 * 1024, minimum=1)
# Records an import job writes per batch (its memory grows with it: about 20 MB for 500
# seed-sized articles of 25 spans).
IMPORT_BATCH_SIZE = env_int("IMPORT_BATCH_SIZE", 500, minimum=1)

# The tagger a new project uses unless it names another.
DEFAULT_TAGGER = env_str("DEFAULT_TAGGER", "rules")
# Pre-tagging: ids per Celery task, and the optional "http" tagger's backend.
PRETAG_BATCH_SIZE = env_int("PRETAG_BATCH_SIZE", 50, minimum=1)
# Similar claims: claim spans per embedding task (the worker encodes them in one call),
# whether saved claims are queued for embedding at all (where the extra is installed), and
# whether PostgreSQL searches with pgvector where migration 0014 could set it up (off: brute
# force over the stored vectors, as on SQLite).
EMBED_BATCH_SIZE = env_int("EMBED_BATCH_SIZE", 64, minimum=1)
EMBED_CLAIMS = env_bool("EMBED_CLAIMS", True)
SIMILAR_PGVECTOR = env_bool("SIMILAR_PGVECTOR", True)
PRETAG_HTTP_URL = os.environ.get("PRETAG_HTTP_URL", "")
PRETAG_HTTP_TIMEOUT = env_int("PRETAG_HTTP_TIMEOUT", 10, minimum=1)
PRETAG_HTTP_RETRIES = env_int("PRETAG_HTTP_RETRIES", 2)
IMPORT_FETCH_TIMEOUT = env_int("IMPORT_FETCH_TIMEOUT", 20, minimum=1)
# URL import refuses loopback, private, link-local and other non-public addresses (SSRF);
# these host names or addresses are fetched anyway (e.g. an intranet news archive).
IMPORT_URL_ALLOWED_HOSTS = env_list("IMPORT_URL_ALLOWED_HOSTS", [])

# Tagging: the per-project re-scorer, and the optional "llm" tagger.
# A project's re-scorer is retrained after this many new decisions (accept, reject, edit,
# span drawn) by its editors; 0 turns automatic retraining off (POST .../tagger/train/ still
# works).
TAGGER_RETRAIN_EVERY = env_int("TAGGER_RETRAIN_EVERY", 200)
# Articles read for one training, the most recently decided first.
TAGGER_TRAIN_MAX_ARTICLES = env_int("TAGGER_TRAIN_MAX_ARTICLES", 2000, minimum=1)
# A training pending or running longer than this was lost (broker down, worker killed): the
# next training request marks it failed and starts another.
TAGGER_TRAIN_LOST_SECONDS = env_int("TAGGER_TRAIN_LOST_SECONDS", 3600, minimum=1)
# Any OpenAI-compatible chat-completions endpoint: the base URL (".../v1") or the full
# ".../chat/completions" URL (Azure: the deployment's URL with ?api-version=...).
LLM_TAGGER_URL = os.environ.get("LLM_TAGGER_URL", "")
LLM_TAGGER_MODEL = os.environ.get("LLM_TAGGER_MODEL", "")
LLM_TAGGER_KEY = os.environ.get("LLM_TAGGER_KEY", "")
# How the key is sent: "bearer" (Authorization: Bearer KEY) or "api-key" (Azure's header).
LLM_TAGGER_AUTH = env_str("LLM_TAGGER_AUTH", "bearer")
if LLM_TAGGER_AUTH not in ("bearer", "api-key"):
    raise ImproperlyConfigured(f"LLM_TAGGER_AUTH={LLM_TAGGER_AUTH!r}: use bearer or api-key.")
LLM_TAGGER_TIMEOUT = env_int("LLM_TAGGER_TIMEOUT", 120, minimum=1)
LLM_TAGGER_RETRIES = env_int("LLM_TAGGER_RETRIES", 3)
# Requests per minute, per worker process (0: no limit).
LLM_TAGGER_RATE_LIMIT = env_int("LLM_TAGGER_RATE_LIMIT", 60)
# An article's paragraphs go to the model in batches of at most this many characters.
LLM_TAGGER_BATCH_CHARS = env_int("LLM_TAGGER_BATCH_CHARS", 12000, minimum=500)
LLM_TAGGER_MAX_TOKENS = env_int("LLM_TAGGER_MAX_TOKENS", 4096, minimum=1)
# "json_schema" (OpenAI, vLLM, llama.cpp), "json_object" (also Ollama) or "none".
LLM_TAGGER_RESPONSE_FORMAT = env_str("LLM_TAGGER_RESPONSE_FORMAT", "json_object")
if LLM_TAGGER_RESPONSE_FORMAT not in ("json_schema", "json_object", "none"):
    raise ImproperlyConfigured(
        f"LLM_TAGGER_RESPONSE_FORMAT={LLM_TAGGER_RESPONSE_FORMAT!r}: use json_schema, "
        "json_object or none."
    )

# Where the app is served, for absolute links in files built without a request (snapshots);
# the streamed export falls back to the address its request came to.
SITE_URL = env_url("SITE_URL")
# Who publishes the ClaimReview export's reviews (its ``author``): the project's name and
# SITE_URL unless set.
CLAIMREVIEW_PUBLISHER_NAME = env_str("CLAIMREVIEW_PUBLISHER_NAME", "")
CLAIMREVIEW_PUBLISHER_URL = env_url("CLAIMREVIEW_PUBLISHER_URL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
