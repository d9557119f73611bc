"""Settings, read from the environment (and a `.env` file beside manage.py). The defaults are production's
(DEBUG off, a SECRET_KEY required to serve); bin/demo turns DEBUG on for the embedded demo (SQLite, no Redis)."""
import os
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

# The checkout (manage.py, .env, var/); an installed wheel has none, and reads everything from its packages.
BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
# Before any setting is read, SHOPTEAM_VAR_DIR included; a variable set in the real environment wins over .env.
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("SHOPTEAM_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# Demo mode allows the demo accounts with their shared password; never on in production.
DEMO_MODE = env.bool("SHOPTEAM_DEMO", default=DEBUG)
# pytest sets PYTEST_VERSION while it runs: the suite runs with production's defaults and a throw-away key.
TESTING = "PYTEST_VERSION" in os.environ

# Without a key in production it stays empty: commands that sign nothing (makemigrations, migrate, check) still
# run, anything that signs (a session, a form) fails loudly, and the web server refuses to start (wsgi.py).
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "demo-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "guardian",
    "simple_history",
    "shopteam.lockout.AxesConfig",  # django-axes, named in the admin in the shop's language
    "django_celery_beat",
    "shopteam",
    "shopteam.workcalendar",
    "shopteam.notifications",
    "shopteam.health",
    "roles",
    "escalation",
    "tasks",
    "inventory",
    "finance",
    "shipping",
    "aftersales",
    "attendance",
    "analysis",
]

MIDDLEWARE = [
    "shopteam.logs.RequestIdMiddleware",  # first: every line logged while a request is handled names it
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "roles.middleware.remember_holds",  # each person's departments read once a request, not once a badge
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shopteam.urls"
WSGI_APPLICATION = "shopteam.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],  # the site's pages, and its overrides of the admin's
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "shopteam.context_processors.shell",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server, a worker and beat share the file: without IMMEDIATE transactions and WAL, SQLite
    # answers "database is locked" under that load (ENVIRONMENT.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler costs hundreds of milliseconds on a query it wrongly thinks is large, and the
    # app's queries are small and indexed (tests/bench/escalation.py measured it): keep it off.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Behind pgbouncer in transaction mode (README, "Growing past one machine"): a server-side cursor cannot outlive
# its transaction there. The worker that imports must still reach PostgreSQL directly or in session mode.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_CALLABLE = "shopteam.lockout.locked_out"  # the site's page, translated, saying for how long

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# A Redis cache in production (CACHE_URL=rediscache://host:6379/1) shares the dashboard's statistics between
# web processes; the demo keeps them in each process's memory. They are recomputed after any change to a case,
# and at least every DASHBOARD_STATISTICS_SECONDS (the month, the weeks and the 90-day window move with time).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
DASHBOARD_STATISTICS_SECONDS = env.int("DASHBOARD_STATISTICS_SECONDS", default=60)
# Sessions: with a Redis cache, read from it and written through to the database (a Redis restart signs nobody out),
# so every web process on every machine knows every session; without one, in the database alone.
REDIS_CACHE = "redis" in CACHES["default"]["BACKEND"].lower()
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.cached_db" if REDIS_CACHE
                         else "django.contrib.sessions.backends.db")
# /healthz: a worker or beat not seen for this long is down (beat sends the heartbeat every minute); the broker
# must answer within SHOPTEAM_HEALTH_TIMEOUT seconds.
# Buyers' names, phones and addresses (personal data under PIPL) are cleared this many days after an order's last
# moment, and stored export files removed after as long; 0 keeps them.
SHOPTEAM_BUYER_DATA_DAYS = env.int("SHOPTEAM_BUYER_DATA_DAYS", default=180)
SHOPTEAM_HEALTH_STALE_MINUTES = env.int("SHOPTEAM_HEALTH_STALE_MINUTES", default=5)
SHOPTEAM_HEALTH_TIMEOUT = env.float("SHOPTEAM_HEALTH_TIMEOUT", default=2.0)

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
# Files stored through Django's storage: the local SHOPTEAM_VAR_DIR by default (the folders `backup` keeps), or with
# SHOPTEAM_FILE_STORAGE=s3 an S3-compatible bucket (django-storages; MinIO, Ceph, AWS, Aliyun OSS, Tencent COS) that
# every machine shares. The bucket stays private: links to a file are signed and expire.
SHOPTEAM_FILE_STORAGE = env.str("SHOPTEAM_FILE_STORAGE", default="local")
if SHOPTEAM_FILE_STORAGE == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default="shopteam"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "max_memory_size": 8 << 20,  # a larger file read back spills to a temporary file, not memory
        },
    }
elif SHOPTEAM_FILE_STORAGE == "local":
    DEFAULT_STORAGE = {"BACKEND": "shopteam.stored_files.VarDirStorage"}  # FileSystemStorage in SHOPTEAM_VAR_DIR
else:
    raise ValueError(f"SHOPTEAM_FILE_STORAGE is {SHOPTEAM_FILE_STORAGE!r}: it must be local or s3")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shopteam@localhost")
# The address in e-mail and robot links; the demo's follows the port bin/demo serves on (SHOPTEAM_PORT).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('SHOPTEAM_PORT', default=8000)}")

# Celery: Redis when CELERY_BROKER_URL is set; otherwise kombu's filesystem transport, so the demo runs a
# real worker and beat with no server at all.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_IGNORE_RESULT = True
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None

# Escalation: a step's deadline when the difficulty does not set one (free-form cases), and how long before a
# deadline its contacts are warned, both in working minutes.
# Limits on what people upload (refused whole, with a message naming the limit) and on each import job.
SHOPTEAM_UPLOAD_MAX_MB = env.int("SHOPTEAM_UPLOAD_MAX_MB", default=50)
SHOPTEAM_XLSX_MAX_UNCOMPRESSED_MB = env.int("SHOPTEAM_XLSX_MAX_UNCOMPRESSED_MB", default=500)
SHOPTEAM_IMPORT_MAX_ROWS = env.int("SHOPTEAM_IMPORT_MAX_ROWS", default=1_000_000)
SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS = env.int("SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS", default=1800)
# Whether PostgreSQL checks, imports and settles the Taobao exports set-based (inventory.staging); off, every file
# takes the Python path, as on SQLite (slower, the same outcome: a way round a fault in the SQL path).
SHOPTEAM_IMPORT_IN_SQL = env.bool("SHOPTEAM_IMPORT_IN_SQL", default=True)

ESCALATION_DEFAULT_STEP_MINUTES = env.int("ESCALATION_DEFAULT_STEP_MINUTES", default=240)
# The playbook difficulty (its code) a packing problem raises; empty: a free-form case from the packer's post.
SHIPPING_PACKING_DIFFICULTY = env.str("SHIPPING_PACKING_DIFFICULTY", default="")
ESCALATION_WARN_WORKING_MINUTES = env.int("ESCALATION_WARN_WORKING_MINUTES", default=60)

# One JSON line per event on standard output (journald keeps it under systemd), each with the request_id of the
# request (X-Request-ID) or the task_id of the Celery job it belongs to (shopteam/logs.py). LOG_FORMAT=text prints
# plain lines for a person at a terminal (the default with DEBUG, as bin/demo runs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "shopteam.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "shopteam.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["context"],
            "formatter": env.str("LOG_FORMAT", default="text" if DEBUG else "json"),
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own console handler (on with DEBUG) would print every record the root's prints again: a 403 came
    # out as two tracebacks. Django's records go to the root's handler only.
    "loggers": {"django": {"handlers": [], "level": "INFO"}, "django.db.backends": {"level": "WARNING"},
                # Its banner on every start would land in a command's output (`manage.py dumpdata > file`).
                "axes.apps": {"level": "WARNING"}},
}

# HTTPS, from the environment (README, "Production"): `manage.py check --deploy` is clean with the documented
# values. Cookies are sent over HTTPS only unless DEBUG; HSTS and the redirect are off until they are set, since a
# browser remembers HSTS and a redirect behind a proxy that does not say "https" would loop.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Only behind a proxy that sets this header itself (and drops a client's): "HTTP_X_FORWARDED_PROTO,https".
SECURE_PROXY_SSL_HEADER = env.tuple("SECURE_PROXY_SSL_HEADER", default=None)
