"""The one settings module. Every value comes from the environment, with a safe local default.

Local development and tests need nothing set: an SQLite file in the project, DEBUG on, a throwaway key.
Production sets NTM_ENV=production, which refuses to start without SECRET_KEY or with DEBUG on.
"""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ntm_portal.env import env_bool, env_int, env_list, env_pair, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("NTM_ENV", "development")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", not IS_PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY", "")
if IS_PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when NTM_ENV=production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when NTM_ENV=production.")
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ntm_portal",
    "communes",
    "criteria",
    "funding",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ntm_portal.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The Content-Security-Policy (Security, below), also on the lockout page django-axes answers with.
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ntm_portal.urls"
WSGI_APPLICATION = "ntm_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ntm_portal.context_processors.portal_navigation",
            ],
        },
    },
]

# sqlite:///path or postgres://user@host:port/name (the latter through psycopg2).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and sign-in (README, "Accounts and sign-in").
# django-axes: AXES_FAILURE_LIMIT wrong passwords for one account, or from one address, within the cool-off lock
# that account or address for the cool-off; a successful sign-in clears the count. An administrator unlocks
# by deleting the access attempt in the admin or with `manage.py axes_reset_username`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts the cool-off from the last counted failure; attempts while locked do not prolong it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "ntm_portal.views_accounts.locked_out"
# The client's address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT reverse proxies in front of the portal append
# to X-Forwarded-For (ntm_portal/client_address.py); the lockout and the security events both use it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "ntm_portal.client_address.client_address"

# Password reset by e-mail. The console backend prints the mail, for a local copy without a mail server.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# Seconds a reset link stays valid.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 2 * 60 * 60)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ntm_portal.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# No URL serves MEDIA_ROOT: evidence is downloaded through a view that checks scope and checksum.

# Evidence files: local disk by default; EVIDENCE_STORAGE=s3 keeps them in S3-compatible object storage
# (django-storages), for deployments with several servers.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Spreadsheets imported on the import page (a 10,000-commune results table is about 1 MB).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# An .xlsx is a ZIP: what its parts may expand to, together, and how many parts it may have, checked before
# any part is opened (ntm_portal.spreadsheets.check_archive).
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_ZIP_MEMBERS = env_int("IMPORT_MAX_ZIP_MEMBERS", 1000)
# Uploads are counted as they arrive (ntm_portal.uploads): a request body larger than UPLOAD_MAX_REQUEST_BYTES
# is refused before it is read, and a file is not stored past the largest limit of the pages above. The reverse
# proxy should refuse such bodies first (nginx: client_max_body_size, see the README).
UPLOAD_MAX_FILE_BYTES = max(EVIDENCE_MAX_BYTES, IMPORT_MAX_BYTES)
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 100 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "ntm_portal.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
if env_str("EVIDENCE_STORAGE", "local") == "s3":
    EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("EVIDENCE_S3_BUCKET", "ntm-evidence"),
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT", "") or None,
            "region_name": env_str("EVIDENCE_S3_REGION", "") or None,
            "access_key": env_str("EVIDENCE_S3_ACCESS_KEY", ""),
            "secret_key": env_str("EVIDENCE_S3_SECRET_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # Without a fixed location the storage follows MEDIA_ROOT, also when tests point it elsewhere.
    EVIDENCE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": EVIDENCE_STORAGE,
}
# Larger uploads go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# Redis (the job queue's broker); /healthz checks it when set.
REDIS_URL = env_str("REDIS_URL", "")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The read-only API at /api/v1/ (ntm_portal/api). Token authentication comes first: its "WWW-Authenticate: Token"
# makes an anonymous call answer 401 rather than 403. A signed-in browser reads it too, for the docs page.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "ntm_portal.api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Exact decimals travel as strings ("10.5263"), as in the report snapshots.
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("API_THROTTLE_RATE", "3000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NTM Portal API",
    "DESCRIPTION": "Read-only data of the National Target Programme on New Rural Areas, scoped as the portal's pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page name no data: anyone may read them; every data endpoint asks for a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set that several fields share.
    "ENUM_NAME_OVERRIDES": {"RegionEnum": "communes.models.Region", "TierEnum": "criteria.models.Tier"},
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# The job queue (Celery; report files, issuing, import confirmations, large exports). Redis is the broker:
# CELERY_BROKER_URL, or REDIS_URL, e.g. redis://127.0.0.1:6379/0, and `celery -A ntm_portal worker` runs the
# jobs. With neither set (the embedded default) a job runs in the process that queues it, so `make run`
# needs no Redis. Progress and results are kept in the job's own row (RenderJob, ImportBatch, DownloadJob).
JOB_BROKER_URL = env_str("CELERY_BROKER_URL", "") or env_str("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not JOB_BROKER_URL
# Without a broker, Celery's in-process transport: nothing is ever sent to a server (Celery would try AMQP).
CELERY_BROKER_URL = JOB_BROKER_URL or "memory://"
# A job records its own failure on its row; an eager retry needs the Retry not to propagate.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
# A job past the soft limit is stopped and marked failed with the reason; the hard limit kills its process.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("JOB_SOFT_TIME_LIMIT", 15 * 60)
CELERY_TASK_TIME_LIMIT = env_int("JOB_TIME_LIMIT", CELERY_TASK_SOFT_TIME_LIMIT + 60)
# Jobs are long: a worker takes one at a time, and a job is acknowledged only once it ended, so one whose
# worker was killed runs again (Redis hands an unacknowledged job out again after the visibility timeout).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tries of a job after a transient error (the database or the broker unreachable), waiting 2, 4, 8 … s.
JOB_MAX_RETRIES = env_int("JOB_MAX_RETRIES", 3)
# A results export of more communes than this is made by a job and downloaded from its page.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 500)

# ── Security ──────────────────────────────────────────────────────────────────────────────────────────────
# Every environment: the headers and cookie flags cost nothing locally, and the tests run under them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms post the token from their hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Officials sign in on shared office computers: a session ends after SESSION_IDLE_HOURS without a request
# (every request pushes the expiry on) and, unless turned off, when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_HOURS", 8) * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# No inline script or style anywhere (django-csp, in MIDDLEWARE); pages take their CSS and JavaScript from static
# files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Off (SECURE_SSL_REDIRECT=0) only behind a reverse proxy that terminates TLS and redirects itself.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers and monitors probe /healthz over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # The header and value by which that proxy says the request came over HTTPS, such as
    # SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https; only if the proxy always sets it, replacing a client's.
    SECURE_PROXY_SSL_HEADER = env_pair("SECURE_PROXY_SSL_HEADER")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
