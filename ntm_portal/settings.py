"""The one settings module. Every value comes from the environment, with a safe local default.

Local development and tests need nothing set: an SQLite file in the project, DEBUG on, a throwaway key.
Production sets NTM_ENV=production, which refuses to start without SECRET_KEY or with DEBUG on.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ntm_portal.env import env_bool, env_int, env_list, env_str

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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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

if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
