"""Settings for Evidence Guidebook: one module, driven by environment variables.

Secure by default: DEBUG is off unless the environment turns it on (`make run` and `make test`
set DEBUG=true for local use). With DEBUG off the site refuses to start unless SECRET_KEY and
ALLOWED_HOSTS are set, so a misconfigured production server fails loudly instead of running with
a development key. Every variable is in .env.example.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if not DEBUG:
    missing = [name for name, value in [("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)] if not value]
    if missing:
        raise ImproperlyConfigured(
            f"DEBUG is off, so {' and '.join(missing)} must be set in the environment. "
            "See .env.example for what each variable means. On your own machine, run with DEBUG=true "
            "(make run and make test set it), e.g. DEBUG=true .venv/bin/python manage.py migrate."
        )
else:
    # A development-only key: DEBUG is on, so this never reaches a production server.
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"  # noqa: S105
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "corsheaders",
    "import_export",
    "simple_history",
    "axes",
    "catalogue",
    "reviews",
]

MIDDLEWARE = [
    # First: a load balancer probes /healthz over plain HTTP at a private address (no redirect, no host check).
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads request.GET: every query value loses control characters and is bounded.
    "config.middleware.CleanQueryMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, so redirects and errors from the API carry CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Anonymous public GETs from the page cache: after the headers above (a cached answer gets them too),
    # before sessions, CSRF and authentication (it sees the cookies they set, and skips their work on a hit).
    "config.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: only anonymous public GETs may read the replica (config/db_router.py).
    "config.db_router.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After authentication and CSP, so its 413 page has the user and the page's headers.
    "config.middleware.RequestTooBigMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Who is signed in, for the private import store (config/import_store.py).
    "config.import_store.CurrentUserMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                # The visitor's shortlist in the header and on programme cards (read only when shown).
                "catalogue.shortlist.context",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# SQLite by default so `make run` needs nothing installed; DATABASE_URL switches to PostgreSQL.
# Connections persist for DATABASE_CONN_MAX_AGE seconds (connecting costs a few ms per request), and
# are checked before reuse so a restarted database costs one retry, not an error page.
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=DATABASE_CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
# A streaming read replica of the primary: anonymous public reads go there (config/db_router.py).
# In tests it mirrors the test database (`test_<name>`), which physical replication copies to it.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"), conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# PostgreSQL's default random_page_cost (4) prices index reads for spinning disks, and it counts a
# full-text match (`search_vector @@ query`) as nearly free, though each one reads the row's stored
# vector: so the list's search and facet counts scanned the whole programme table (90 ms a scan at
# 10,000 programmes) where the GIN index answers in 12. 1.1 is the usual SSD figure (docs/benchmarks.md).
# JIT compilation is off: the list's filtered counts nest many subqueries, whose cost estimates pass
# jit_above_cost, and compiling them took longer than running them. join_collapse_limit=4: with every
# filter set, each list statement holds ~10 semi-joins and PostgreSQL spent 10-100 ms planning each
# (280 ms a page) against 0.2 ms running it; reordering at most 4 at a time plans the page in ~25 ms
# (docs/benchmark.md). Django writes joins in a sensible order, so little is lost.
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {}).setdefault(
            "options", "-c random_page_cost=1.1 -c jit=off -c join_collapse_limit=4"
        )
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
# Whether replica-safe requests read the replica; tests/conftest.py turns it off except for replica tests.
DATABASE_REPLICA_READS = "replica" in DATABASES

# Local memory by default (one process); REDIS_URL gives every app server one shared cache.
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "KEY_PREFIX": "guidebook",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a public page may be served from the cache (0 turns page caching off): config/page_cache.py.
# Five minutes by default with Redis. Off by default with local memory: a publish bumps the catalogue
# version in the memory of the one process that handled it, so the other gunicorn workers would go on
# serving their copies until they expire. Set it to use local memory anyway (one process, benchmarks).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if env_str("REDIS_URL") else 0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # The demo accounts of `make run` have published passwords: refused whenever DEBUG is off.
    "config.auth.RefuseDemoAccountsBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login rate limit: five failures lock that username from that address for an hour. Keyed on
# the pair, so failures from elsewhere never lock the real person out of their own account.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"  # says how long the lock lasts
# The client's address behind TRUSTED_PROXY_COUNT proxies, each appending the address it heard from
# to X-Forwarded-For: the header then holds the client and the proxies before the last one. ipware
# counts only those listed proxies, and (strict by default) believes a header of exactly that length;
# anything a client adds makes it longer, so the sign-in is keyed on the proxy's address instead of
# an address of the client's choosing. With no proxy (0) X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG else "config.storage.StaticFilesStorage"
        )
    },
}

# Security headers. The CSP allows only our own scripts and styles: templates carry no
# inline script or style, and forest plots use SVG presentation attributes, not style="".
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Lax (Django's default, stated so nobody loosens it unawares): the shortlist's add and remove forms carry
# no CSRF token, so public pages stay cacheable; a POST from another site then carries no session.
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading is hard to undo (browsers ship the list), so it is a deliberate choice: on when DEBUG is
# off unless SECURE_HSTS_PRELOAD=false. See docs/deployment.md before submitting to hstspreload.org.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Browser features the site never uses, off for our pages and anything framing them
# (config.middleware.PermissionsPolicyMiddleware sends it).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Request size limits. Form text: no field takes more than 20,000 characters, so 2.5 MB is ample for
# the largest admin form. Uploads (import files) are counted separately against MAX_REQUEST_SIZE; a
# larger file is loaded on the server with `manage.py import_rows`. Both give a 413 page saying so.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000  # larger uploads go to a temporary file, not memory
MAX_REQUEST_SIZE = env_int("MAX_UPLOAD_MB", 10) * 1024 * 1024
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The API is open data: no login, so the session authentication's CSRF checks have nothing to guard.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
}

# Requests a minute (or hour, day) an anonymous client may make to the API before a 429 with Retry-After.
API_ANON_THROTTLE_RATE = env_str("API_ANON_THROTTLE_RATE", "600/minute")

# The OpenAPI schema at /api/v1/schema/ (docs/api.md).
SPECTACULAR_SETTINGS = {
    "TITLE": "Evidence Guidebook API",
    "DESCRIPTION": (
        "Read-only open data: published early-intervention programmes, their studies, findings, outcomes, "
        "collections, evidence reviews and the change feed. No key needed. Ratings and their meanings: "
        "/guidance/evidence-ratings/ and /guidance/cost-ratings/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    # Same-named choice sets would otherwise get generated names like DomainCdbEnum.
    "ENUM_NAME_OVERRIDES": {
        "OutcomeDomainEnum": "catalogue.choices.OutcomeDomain",
        "BiasDomainEnum": "reviews.choices.BiasDomain",
        "QualificationLevelEnum": "catalogue.choices.PractitionerLevel",
        "ClassificationKindEnum": "catalogue.choices.ClassificationKind",
        "ReviewKindEnum": "reviews.choices.ReviewKind",
    },
    "LICENSE": {"name": "Open Government Licence v3.0"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "catalogue.api.schema.add_error_responses",
    ],
}

# CORS: any site may read the API and the bulk downloads (GET only); nothing else is shared.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api|data)/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]

# Where the bulk download (/data/) is built and kept until the catalogue next changes.
OPEN_DATA_DIR = Path(env_str("OPEN_DATA_DIR") or BASE_DIR / "var" / "open-data")

# Shown on public pages and in the "cite this page" line.
SITE_NAME = "Evidence Guidebook"

# The service team's address for the accessibility statement; the page hides it when empty.
CONTACT_EMAIL = env_str("CONTACT_EMAIL")

# LOG_FORMAT=json writes one JSON object per line for a log collector (config/jsonlog.py); the
# default is json with DEBUG off and plain text for local runs.
LOG_FORMAT = env_str("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", **({"formatter": "json"} if LOG_FORMAT == "json" else {})}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Editorial workflow ---------------------------------------------------------------------
# Reverting from the history page would bypass publishing (and pending revisions): disabled.
SIMPLE_HISTORY_REVERT_DISABLED = True
# Importing adds records, so it takes the add permission; exporting takes view.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Uploaded import files wait for the confirm step in a private store: names are unguessable, tied to
# the user who uploaded, and expire (IMPORT_STORE_MAX_AGE seconds). IMPORT_STORE_DIR: where they wait
# (default: a "guidebook-imports" folder in the system temporary directory).
IMPORT_EXPORT_TMP_STORAGE_CLASS = "config.import_store.PrivateImportStore"
IMPORT_STORE_DIR = env_str("IMPORT_STORE_DIR")
IMPORT_STORE_MAX_AGE = env_int("IMPORT_STORE_MAX_AGE", 3600)
# Rows an admin import may hold (its preview shows every row in one request); `import_rows` has no limit.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)
