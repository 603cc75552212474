"""Settings shared by every environment. Every value is read through django-environ.

With no environment at all the product runs on its embedded default: a SQLite file under var/ and a
Celery broker on the file system, so `make run` works on a bare machine. DATABASE_URL and
CELERY_BROKER_URL switch it to PostgreSQL and Redis.
"""

import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The project's own apps, lowest layer first (../shared/spec/architecture.md; .importlinter checks the
# layers): boss holds the user model and the shared kernel. Demo data, roles and navigation are collected
# in this order.
PROJECT_APPS = [
    "boss",
    "notifications",
    "catalog",
    "customers",
    "inventory",
    "provisioning",
    "billing",
    "orders",
    "complaints",
    "groups",
    "partners",
    "hall",
    "loyalty",
    "reports",
    "portal",
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
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "boss.middleware.RequestIdMiddleware",
    # Django's SessionMiddleware, except under /portal/: the customers' own session (portal/middleware.py).
    "portal.middleware.PortalSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "boss.middleware.SessionLifetimeMiddleware",
    "boss.middleware.LanguageMiddleware",
    "boss.middleware.MfaRequiredMiddleware",
    "boss.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "boss.middleware.CSPMiddleware",   # django-csp's, its header built once per process
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "boss.urls"
WSGI_APPLICATION = "boss.wsgi.application"
AUTH_USER_MODEL = "boss.Staff"

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
                "django.template.context_processors.i18n",
                "boss.context_processors.counter",
            ],
        },
    }
]
# Every list's table: django-tables2's template with its rows written in one pass (templates/tables/table.html).
DJANGO_TABLES2_TEMPLATE = "tables/table.html"

# --- Database -------------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)


def _server_database(url_setting: str) -> dict:
    """A database server's settings: Django's PostgreSQL backend with each savepoint sent along with the statement
    after it (boss/postgresql), connections kept and checked."""
    database = env.db(url_setting)
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = "boss.postgresql"
    database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    database.setdefault("CONN_HEALTH_CHECKS", True)
    return database


DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'boss.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers run beside the one writer, and
    # IMMEDIATE transactions take the write lock at BEGIN instead of failing half-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 30,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # The ledger's covering index (its INCLUDE columns) is PostgreSQL's; SQLite builds the index without them,
    # as it should: not a warning to print at every `make run`.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"] = _server_database("DATABASE_URL")
# Reports may read from a replica (reports/routers.py): off unless REPORTS_DATABASE_URL is set.
REPORTS_DATABASE_URL = env("REPORTS_DATABASE_URL", default="")
REPORTS_REPLICA_READS = bool(REPORTS_DATABASE_URL)
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = _server_database("REPORTS_DATABASE_URL")
DATABASE_ROUTERS = ["reports.routers.ReportsReplicaRouter"]
# boss/prepared.py prepares its reads on the PostgreSQL server once per session: off behind a connection pooler that
# does not keep sessions (PgBouncer in transaction mode before 1.21).
BOSS_DB_SERVER_PREPARED = env.bool("BOSS_DB_SERVER_PREPARED", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and sessions (OWASP ASVS 2.1, 2.2, 3.3) ------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must be first
    "boss.backends.CachedPermissionsBackend",  # ModelBackend, permission sets kept per process (a few s)
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Idle timeout of 30 minutes, sliding with every request; SessionLifetimeMiddleware adds the 12 h cap.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"

# MFA (ASVS 4.3.1, boss/mfa.py): a TOTP app and recovery codes for these roles (and superusers).
BOSS_MFA_REQUIRED = env.bool("BOSS_MFA_REQUIRED", default=True)
BOSS_MFA_ROLES = ("admin", "manager", "account_clerk")
OTP_TOTP_ISSUER = "BOSS"

# django-axes: one hall shares one IP, so lock the user name from that IP, not the whole hall.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "boss.views.auth.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "boss.client_ip.client_ip"  # the one way to the client's address (BOSS_TRUSTED_PROXIES)
# The reverse proxies (addresses or networks) whose X-Forwarded-For names the client (boss/client_ip.py): set it
# to the TLS proxy's address in production, or the portal's and the staff login's lockouts per address, the
# audit events' client address and the partner keys' address limits all see only the proxy.
BOSS_TRUSTED_PROXIES = env.list("BOSS_TRUSTED_PROXIES", default=[])

# --- Internationalisation: Chinese first --------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "boss" / "locale"]
FORMAT_MODULE_PATH = ["boss.formats"]

# --- Static files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Security headers -------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],  # Swagger UI injects inline styles
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- REST API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a call without credentials gets 401 with WWW-Authenticate.
        "boss.api.authentication.StaffTokenAuthentication",  # DRF's, with the staff member's hall joined
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "boss.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "boss.api.exception_handler.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"reveal": "30/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Service-hall BOSS API",
    "DESCRIPTION": "营业厅业务支撑系统 — REST API for partners, the hotline and the web portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

# --- Celery ----------------------------------------------------------------------------------------------------
# The embedded default's broker: files under var/. The file-system transport uses no host, but kombu warns on the
# console of every process that connects when the URL names none.
EMBEDDED_BROKER_URL = "filesystem://localhost/"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=EMBEDDED_BROKER_URL)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),  # else kombu writes its exchange tables to ./control
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="boss")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Logging: every line passes the masking filter (ASVS 7.1.1, A8) --------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask": {"()": "boss.logging.MaskPersonalDataFilter"},
        "request_id": {"()": "boss.logging.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id", "mask"]},
        # runserver's access log (request paths carry numbers): masked like every other line.
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["mask"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replace Django's default handlers (an unmasked console and mail_admins): each line once, masked.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "boss.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # smpplib logs whole PDUs (numbers and texts) below WARNING.
        "notifications.smpp": {"level": "WARNING"},
    },
}

# --- Product settings -------------------------------------------------------------------------------------------
# Identity masking keeps the first 3 and last 4 characters (domain-rules A8); configurable.
BOSS_MASK_KEEP_START = env.int("BOSS_MASK_KEEP_START", default=3)
BOSS_MASK_KEEP_END = env.int("BOSS_MASK_KEEP_END", default=4)
# The joint blacklist's shared key (agreed with the other operators): identity numbers are exchanged as
# HMAC-SHA256 under it, never in clear (partners.services.blacklist).
BOSS_JOINT_BLACKLIST_KEY = env("BOSS_JOINT_BLACKLIST_KEY", default="boss-joint-blacklist-development-key")
# Keyed hashes of short secrets (service passwords, recharge-card PINs; boss/keyed_hash.py): HMAC-SHA256
# under a key kept outside the database. BOSS_HASH_KEYS is JSON {"key id": "secret"}; new hashes use
# BOSS_HASH_KEY_ID. With none configured the one key is "s0" = SECRET_KEY; when configuring keys, keep
# "s0" (the SECRET_KEY in force so far) until the hashes made under it have been converted.
BOSS_HASH_KEYS: dict[str, str] = env.json("BOSS_HASH_KEYS", default={})
BOSS_HASH_KEY_ID = env("BOSS_HASH_KEY_ID", default="s0")
# How long a process keeps a staff member's permission set (boss/backends.py); 0: read it on every request.
BOSS_PERMISSION_CACHE_SECONDS = env.int("BOSS_PERMISSION_CACHE_SECONDS", default=10)
# How long a process keeps a ledger account it has read by its code (billing/services/ledger.py); 0: never.
BOSS_LEDGER_ACCOUNT_CACHE_SECONDS = env.int("BOSS_LEDGER_ACCOUNT_CACHE_SECONDS", default=60)
# How long a process keeps the number selection fees the number lists show (catalog/selectors.py); 0: never.
BOSS_SELECTION_FEE_CACHE_SECONDS = env.int("BOSS_SELECTION_FEE_CACHE_SECONDS", default=10)
BOSS_IDEMPOTENCY_KEEP_DAYS = env.int("BOSS_IDEMPOTENCY_KEEP_DAYS", default=7)
BOSS_PRODUCT_NAME = _("Service-hall BOSS")
# The network element: the simulated HLR unless a real gateway class is configured.
BOSS_NETWORK_ADAPTER = env("BOSS_NETWORK_ADAPTER", default="provisioning.adapters.SimulatedHlr")
BOSS_NETWORK_ADAPTER_OPTIONS = {
    "latency_ms": env.float("BOSS_HLR_LATENCY_MS", default=50),
    "failure_rate": env.float("BOSS_HLR_FAILURE_RATE", default=0.0),
    "lost_reply_rate": env.float("BOSS_HLR_LOST_REPLY_RATE", default=0.0),
}

# The SMS notification channel (notifications/README.md): the simulated gateway unless a real sender is
# configured. The SMPP client takes host, port, system_id, password, source_addr, timeout as options.
BOSS_SMS_BACKEND = env("BOSS_SMS_BACKEND", default="notifications.backends.SimulatedSmsGateway")
BOSS_SMS_BACKEND_OPTIONS = env.json("BOSS_SMS_BACKEND_OPTIONS", default={
    "latency_ms": env.float("BOSS_SMS_LATENCY_MS", default=0),
    "failure_rate": env.float("BOSS_SMS_FAILURE_RATE", default=0.0),
    "lost_reply_rate": env.float("BOSS_SMS_LOST_REPLY_RATE", default=0.0),
})
BOSS_SMS_LANGUAGE = env("BOSS_SMS_LANGUAGE", default="zh-hans")   # texts go out in Chinese
BOSS_SMS_MAX_ATTEMPTS = env.int("BOSS_SMS_MAX_ATTEMPTS", default=5)
BOSS_SMS_LEASE_SECONDS = env.int("BOSS_SMS_LEASE_SECONDS", default=60)
# How long each run of the receipts job listens for the SMPP centre's delivery receipts (beat: every minute).
BOSS_SMS_RECEIPT_SECONDS = env.float("BOSS_SMS_RECEIPT_SECONDS", default=50)

# The operator group's national card-count service (一证五号 across provinces, domain-rules A2). The
# simulated one answers from configuration; "down" makes it fail, and openings are then refused.
BOSS_NATIONAL_COUNT_BACKEND = env("BOSS_NATIONAL_COUNT_BACKEND",
                                  default="customers.national.SimulatedNationalCountService")
BOSS_NATIONAL_COUNT_DOWN = env.bool("BOSS_NATIONAL_COUNT_DOWN", default=False)
BOSS_NATIONAL_COUNT_LATENCY_MS = env.int("BOSS_NATIONAL_COUNT_LATENCY_MS", default=0)

# A demonstration deployment may run on the simulators above (and the SMS gateway's); without this,
# `check --deploy` fails on any simulator (boss/checks.py).
BOSS_DEMO_DEPLOYMENT = env.bool("BOSS_DEMO_DEPLOYMENT", default=False)

# Bill run (billing): lines per chunk (one transaction each) and an optional pause between chunks, so a
# daytime run leaves the database to the counters.
BOSS_BILL_RUN_CHUNK = env.int("BOSS_BILL_RUN_CHUNK", default=2000)
BOSS_BILL_RUN_PAUSE_MS = env.int("BOSS_BILL_RUN_PAUSE_MS", default=0)
# Chunks billed at once by one worker, each on its own thread and database connection (PostgreSQL; one at a
# time elsewhere and inside a transaction): about half a chunk's time is the database's.
BOSS_BILL_RUN_THREADS = env.int("BOSS_BILL_RUN_THREADS", default=min(4, os.cpu_count() or 1))
# Rating (billing): chunks of lines rated at once, each on its own thread and database connection (PostgreSQL;
# one at a time elsewhere and inside a transaction). Most of a chunk's time is the database's: one per core.
BOSS_RATING_WORKERS = env.int("BOSS_RATING_WORKERS", default=min(4, os.cpu_count() or 1))
