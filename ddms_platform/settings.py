"""The one settings module: every value comes from the environment (see .env.example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from .env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DDMS_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("DDMS_DEV", True):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production (DDMS_DEV=0)")
    # A development key that changes on every start: sessions do not survive a restart,
    # which is acceptable locally and impossible to leak.
    SECRET_KEY = get_random_secret_key()
DDMS_DEV = env_bool("DDMS_DEV", True)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("DDMS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ddms_platform.core",
    "ddms_platform.notify",
    "ddms_platform.web",
    "partnerships",
    "indicators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ddms_platform.core.middleware.RequestIdMiddleware",
    "ddms_platform.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ddms_platform.core.limits.RateLimitMiddleware",
    # Last, so it sees the response of every sign-in view and can replace it with the 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ddms_platform.urls"
WSGI_APPLICATION = "ddms_platform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ddms_platform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ddms_platform.web.context_processors.navigation",
            ],
        },
    },
]

# SQLite by default so a fresh machine needs nothing; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'ddms.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one SQLite file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 30, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
# Public pages, series and small downloads are cached under keys that change when a release
# goes public, so no entry is ever invalidated by hand. Local memory by default (per process);
# DDMS_CACHE_URL=redis://host:6379/N shares one cache between gunicorn workers and machines.
# Abuse-limit counters and DRF throttles live here too.
DDMS_CACHE_URL = env_str("DDMS_CACHE_URL")
if DDMS_CACHE_URL == "locmem://":
    DDMS_CACHE_URL = ""
if DDMS_CACHE_URL and not DDMS_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"DDMS_CACHE_URL must be empty, locmem:// or redis://...: {DDMS_CACHE_URL!r}"
    )
CACHES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": DDMS_CACHE_URL,
    }
    if DDMS_CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
# How long a cached page or body lives at most (its key changes on every release anyway),
# and the largest open-data download kept in the cache (bigger ones are streamed each time).
DDMS_CACHE_SECONDS = env_int("DDMS_CACHE_SECONDS", 600, minimum=0)
DDMS_CACHE_MAX_BODY_BYTES = env_int("DDMS_CACHE_MAX_BODY_BYTES", 2 * 1024 * 1024, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes counts failed sign-ins (pages, admin, API token) and refuses the pair
# (username, address) for a cool-off once DDMS_LOGIN_FAILURE_LIMIT is reached.
AUTHENTICATION_BACKENDS = [
    "ddms_platform.core.limits.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Counted in the database, not the cache: every web process sees the same count even with
# the local-memory cache, and a lockout survives a restart.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("DDMS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DDMS_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# Per account and address: a guesser is stopped without letting anyone lock a colleague out
# from elsewhere (or a whole office behind one address out of every account).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ddms_platform.core.limits.lockout_response"
# The caller's address: X-Forwarded-For only behind our own reverse proxy (else anyone could
# pick a new address per request and escape every per-address limit).
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if BEHIND_PROXY else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sr-latn", "Srpski (latinica)"), ("sr", "Српски (ћирилица)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DDMS_TIME_ZONE", "Europe/Belgrade")
USE_I18N = True
# English dates day-month-year with a 24-hour clock (ddms_platform/formats/en); Serbian uses
# Django's own sr / sr_Latn formats.
FORMAT_MODULE_PATH = ["ddms_platform.formats"]
USE_TZ = True

STATIC_URL = "/static/"
# The project's own static files (site CSS, page scripts, vendored Chart.js) are not in an app.
STATICFILES_DIRS = [BASE_DIR / "ddms_platform" / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(DATA_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(DATA_DIR / "media")))
WHITENOISE_USE_FINDERS = DDMS_DEV
# Uploaded files (submissions, agreement documents) go through STORAGES["default"] only, never
# a local path: the local disk by default, or an S3-compatible bucket (AWS S3, SeaweedFS, MinIO,
# Ceph...) with DDMS_STORAGE=s3 or AWS_STORAGE_BUCKET_NAME set, so workers on other machines
# need no shared filesystem. Objects are private and never linked to directly: downloads go
# through the permission-checked views, which stream them from the bucket.


def default_storage_from_env() -> dict[str, Any]:
    """STORAGES["default"] as the environment chooses it (tests call it with their own)."""
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    kind = env_str("DDMS_STORAGE") or ("s3" if bucket else "local")
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"DDMS_STORAGE={kind!r} is not one of local, s3")
    if not bucket:
        raise ImproperlyConfigured("DDMS_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    addressing = env_str("AWS_S3_ADDRESSING_STYLE") or "path"
    if addressing not in ("path", "virtual", "auto"):
        raise ImproperlyConfigured(
            f"AWS_S3_ADDRESSING_STYLE={addressing!r} is not one of path, virtual, auto"
        )
    return {
        "BACKEND": "ddms_platform.core.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: AWS itself; otherwise the S3-compatible server's URL.
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # Empty keys fall back to boto3's own chain (instance role, ~/.aws): nothing
            # secret is ever written in settings.
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "addressing_style": addressing,
            "signature_version": "s3v4",
            # A key prefix, so one bucket can hold several installations.
            "location": env_str("AWS_LOCATION").strip("/"),
            "default_acl": "private",
            "querystring_auth": False,
            # Versions are immutable: a name clash gets a new name, never an overwrite.
            "file_overwrite": False,
            # Anything django-storages buffers spills to disk past this size.
            "max_memory_size": 2_621_440,
        },
    }


STORAGES = {
    "default": default_storage_from_env(),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not DDMS_DEV
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads stream to temporary files past 2.5 MB, so a large partner file never sits in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
DDMS_MAX_SUBMISSION_BYTES = env_int("DDMS_MAX_SUBMISSION_BYTES", 500 * 1024 * 1024, minimum=1)
DDMS_MAX_DOCUMENT_BYTES = env_int("DDMS_MAX_DOCUMENT_BYTES", 25 * 1024 * 1024, minimum=1)
DDMS_XLSX_MAX_UNCOMPRESSED_BYTES = env_int(
    "DDMS_XLSX_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024, minimum=1
)
# Validation of submissions: rows per chunk (bounds memory), errors kept in a report, and a
# pause after each chunk that only tests set (to kill a worker mid-run); never set it in production.
DDMS_VALIDATION_CHUNK_ROWS = env_int("DDMS_VALIDATION_CHUNK_ROWS", 100_000, minimum=1)
DDMS_VALIDATION_MAX_ERRORS = env_int("DDMS_VALIDATION_MAX_ERRORS", 1000, minimum=1)
DDMS_DOCUMENT_CONTENT_TYPES = env_list(
    "DDMS_DOCUMENT_CONTENT_TYPES",
    [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
        "text/plain",
    ],
)
# Plausibility: a value that changed by more than this share against the comparable earlier
# one (same period a year earlier, else the previous period) is a warning, unless the
# indicator or the request sets its own tolerance.
DDMS_PLAUSIBILITY_TOLERANCE = env_int("DDMS_PLAUSIBILITY_TOLERANCE_PERCENT", 50, minimum=1) / 100
# A job row (validation run, observation load) still unstarted after this long is queued
# again by a periodic sweep: it was queued while the broker was unreachable.
DDMS_REQUEUE_AFTER_SECONDS = env_int("DDMS_REQUEUE_AFTER_SECONDS", 600, minimum=30)
DDMS_REQUIRE_SERVICES = env_bool("DDMS_REQUIRE_SERVICES", False)
DDMS_MEMBERSHIP_MODEL = "partnerships.Membership"

# ?search= takes at most this many words (each is a LIKE over several columns).
DDMS_SEARCH_MAX_TERMS = env_int("DDMS_SEARCH_MAX_TERMS", 10, minimum=1)
DDMS_SEARCH_MAX_LENGTH = env_int("DDMS_SEARCH_MAX_LENGTH", 200, minimum=10)
# Anonymous e-mail sign-up: sign-ups per address of the caller, confirmation mails per
# e-mail address.
DDMS_SIGNUP_RATE_PER_IP = env_rate("DDMS_SIGNUP_RATE_PER_IP", "10/hour")
DDMS_CONFIRM_MAIL_RATE_PER_ADDRESS = env_rate("DDMS_CONFIRM_MAIL_RATE_PER_ADDRESS", "3/day")
# A JSON request body nested deeper than this is refused with a 400 (no endpoint needs more).
DDMS_JSON_MAX_DEPTH = env_int("DDMS_JSON_MAX_DEPTH", 32, minimum=4)

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "ddms_platform.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "ddms_platform.core.scoping.ScopedFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "ddms_platform.core.api.BoundedSearchFilter",
    ],
    # Anonymous callers are throttled per address; signed-in users are not (they are known).
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("DDMS_THROTTLE_ANON", "1200/minute"),
        "token": env_rate("DDMS_THROTTLE_TOKEN", "30/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "ddms_platform.core.api.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "ddms_platform.core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DDMS platform API",
    "DESCRIPTION": "Partnerships, data requests, indicators and publications.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations grouped by resource (agreements, data-requests, …), one section each in the
    # docs: Swagger UI renders a single section of 160+ operations only in part.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Sections start folded: a reader opens the resource they need (160+ operations at once
    # are more than Swagger UI lays out).
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "deepLinking": True},
    "ENUM_NAME_OVERRIDES": {
        "ObsStatusEnum": "indicators.choices.ObsStatus",
        "ObservationLoadStatusEnum": "indicators.models.observations.ObservationLoad.Status",
        "OrganisationKindEnum": "partnerships.choices.OrganisationKind",
        "PolicyKindEnum": "partnerships.choices.PolicyKind",
        "ActivityKindEnum": "partnerships.choices.ActivityKind",
        "ArticleKindEnum": "partnerships.choices.ArticleKind",
        "ObjectiveStatusEnum": "partnerships.choices.ObjectiveStatus",
        "ActivityStatusEnum": "partnerships.choices.ActivityStatus",
        "ResourceEnum": "partnerships.choices.Resource",
        "AudienceEnum": "partnerships.choices.Audience",
        "DomainEnum": "partnerships.choices.Domain",
        "ThemeEnum": "partnerships.choices.Theme",
        "NotificationStatusEnum": "ddms_platform.notify.models.Notification.Status",
        "RequestFrequencyEnum": "partnerships.choices.RequestFrequency",
        "RequestDirectionEnum": "partnerships.choices.RequestDirection",
        "TargetDirectionEnum": "partnerships.choices.TargetDirection",
    },
}

# --- Celery -------------------------------------------------------------------------------
# Default broker: kombu's filesystem transport, so the worker is a real separate process
# without any server. CELERY_BROKER_URL=redis://... (or amqp://...) in production.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
_broker_dir = DATA_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport lists these folders on start and fails if they are missing.
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcast/control messages; kombu's default is a "control" folder in the cwd.
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A job not acknowledged within this time is handed to another worker; it must stay
        # above the hard time limit below, or a long job would run twice.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 7200, minimum=60),
        "max_retries": 2,
        "socket_timeout": 5,
        "socket_connect_timeout": 3,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Web requests and jobs never wait longer than this on the broker (connect and every read);
# what it does not take in time stays in the database for the sweeps (core/broker.py).
DDMS_BROKER_TIMEOUT_MS = env_int("DDMS_BROKER_TIMEOUT_MS", 500, minimum=50)
# Jobs (core/jobs.py): a running job renews its lease every third of this; a job whose lease
# expired belongs to a dead worker and is queued again by the sweep, at most
# DDMS_JOB_MAX_ATTEMPTS starts. Recovery bound: lease + sweep interval (90 + 10 s < 2 min).
DDMS_JOB_LEASE_SECONDS = env_int("DDMS_JOB_LEASE_SECONDS", 90, minimum=1)
DDMS_JOB_SWEEP_SECONDS = env_int("DDMS_JOB_SWEEP_SECONDS", 10, minimum=1)
DDMS_JOB_MAX_ATTEMPTS = env_int("DDMS_JOB_MAX_ATTEMPTS", 3, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 3600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60 if CELERY_TASK_TIME_LIMIT > 120 else None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "notify-relay-outbox": {"task": "ddms_platform.notify.tasks.relay_outbox", "schedule": 10.0},
    # Crontabs are in CELERY_TIMEZONE (= TIME_ZONE): 07:00 local time, weekly on Mondays.
    "notify-daily-digest": {
        "task": "ddms_platform.notify.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "notify-weekly-digest": {
        "task": "ddms_platform.notify.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "args": ("weekly",),
    },
    # Each deliverable's period request, created on the period's first day (catches up).
    "partnerships-generate-periods": {
        "task": "partnerships.generate_periods",
        "schedule": crontab(hour=0, minute=15),
    },
    # Open-data download counters, from the cache into the monthly counts.
    "indicators-flush-download-counts": {
        "task": "indicators.flush_download_counts",
        "schedule": 300.0,
    },
    "partnerships-daily-reminders": {
        "task": "partnerships.send_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # The embargo itself is enforced by time in every read; this job only records the state.
    "publish-due-releases": {"task": "indicators.publish_due_releases", "schedule": 60.0},
    # Jobs of dead workers run again within DDMS_JOB_LEASE_SECONDS + this; queued jobs the
    # broker missed (it was down) are handed over within this once it answers again.
    "sweep-jobs": {
        "task": "ddms_platform.core.sweep_jobs",
        "schedule": float(DDMS_JOB_SWEEP_SECONDS),
    },
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DDMS_DEV
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "DDMS <ddms@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Notifications ------------------------------------------------------------------------
# Loopback webhook targets are refused unless this is on (tests point webhooks at 127.0.0.1).
DDMS_WEBHOOK_ALLOW_LOOPBACK = env_bool("DDMS_WEBHOOK_ALLOW_LOOPBACK", False)
DDMS_WEBHOOK_TIMEOUT = env_int("DDMS_WEBHOOK_TIMEOUT", 10, minimum=1)
DDMS_NOTIFY_BATCH_SIZE = env_int("DDMS_NOTIFY_BATCH_SIZE", 500, minimum=1)
DDMS_NOTIFY_MAX_ATTEMPTS = env_int("DDMS_NOTIFY_MAX_ATTEMPTS", 8, minimum=1)
DDMS_NOTIFY_RETRY_BASE_SECONDS = env_int("DDMS_NOTIFY_RETRY_BASE_SECONDS", 30, minimum=0)
DDMS_NOTIFY_RETRY_MAX_SECONDS = env_int("DDMS_NOTIFY_RETRY_MAX_SECONDS", 6 * 3600, minimum=0)
DDMS_NOTIFY_SENDING_LEASE_SECONDS = env_int("DDMS_NOTIFY_SENDING_LEASE_SECONDS", 600, minimum=0)
DDMS_OUTBOX_STALE_SECONDS = env_int("DDMS_OUTBOX_STALE_SECONDS", 300, minimum=0)
# Daily reminders: requests due within this many days (and overdue ones) remind the provider.
# The escalation ladder in working days (an NSI's EscalationPolicy overrides these): a
# reminder N days before the due date, the partner's managers M days overdue, the NSI
# coordinator K days overdue. See docs/requests.md.
DDMS_ESCALATION_REMINDER_DAYS = env_int("DDMS_ESCALATION_REMINDER_DAYS", 3, minimum=0)
DDMS_ESCALATION_MANAGERS_AFTER = env_int("DDMS_ESCALATION_MANAGERS_AFTER", 2, minimum=1)
DDMS_ESCALATION_COORDINATOR_AFTER = env_int("DDMS_ESCALATION_COORDINATOR_AFTER", 5, minimum=1)
# Traffic light of completeness (share of expected periods delivered) and timeliness (share
# delivered by the due date), in per cent: green at or above GREEN, red below RED.
DDMS_COMPLETENESS_GREEN = env_int("DDMS_COMPLETENESS_GREEN", 90, minimum=0)
DDMS_COMPLETENESS_RED = env_int("DDMS_COMPLETENESS_RED", 60, minimum=0)
DDMS_TIMELINESS_GREEN = env_int("DDMS_TIMELINESS_GREEN", 80, minimum=0)
DDMS_TIMELINESS_RED = env_int("DDMS_TIMELINESS_RED", 50, minimum=0)

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DDMS_DEV)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DDMS_DEV)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DDMS_DEV else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# The /embed/ views alone may be framed, by these origins (CSP frame-ancestors sources,
# comma-separated); "*" lets any site embed a public chart, map or tile.
DDMS_EMBED_FRAME_ANCESTORS = env_list("DDMS_EMBED_FRAME_ANCESTORS", ["*"])
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # The nonce is sent only on pages that use it: the API docs' init script and style.
        "style-src": ["'self'", NONCE],
        "script-src": ["'self'", NONCE],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DDMS_LOG_LEVEL", "INFO")},
}

# Anonymous e-mail subscriptions must be confirmed within this many days.
DDMS_SUBSCRIPTION_CONFIRM_DAYS = env_int("DDMS_SUBSCRIPTION_CONFIRM_DAYS", 3, minimum=1)

# SDMX web service: answer 413 when a data query selects more observations (0 = no limit).
DDMS_SDMX_MAX_OBSERVATIONS = env_int("DDMS_SDMX_MAX_OBSERVATIONS", 0, minimum=0)
# Licence of the open data, named in the DCAT-AP catalogue and the Data Packages.
DDMS_DATA_LICENCE_URL = env_str(
    "DDMS_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"
)
