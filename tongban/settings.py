"""Django settings for Tongban.

Every setting an operator may change comes from an environment variable listed in ENVIRONMENT below
(and in the README); the defaults run the embedded mode: SQLite under var/, debug off, local files.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


# The one list of environment variables (name, default, meaning). README.md repeats it.
ENVIRONMENT = {
    "TONGBAN_DATABASE_URL": (
        "",
        "PostgreSQL URL (postgres://user@host/db); empty = SQLite under TONGBAN_VAR_DIR",
    ),
    "TONGBAN_VAR_DIR": ("var", "folder for the SQLite database, uploads and other runtime files"),
    "TONGBAN_SECRET_KEY": (
        "",
        "secret for signing; empty = a key generated once and kept in TONGBAN_VAR_DIR",
    ),
    "TONGBAN_DEBUG": ("0", "1 turns on Django's debug pages (never in production)"),
    "TONGBAN_ALLOWED_HOSTS": ("127.0.0.1,localhost,[::1]", "comma-separated host names the site answers to"),
    "TONGBAN_CSRF_TRUSTED_ORIGINS": ("", "comma-separated origins (https://...) trusted for CSRF"),
    "TONGBAN_REDIS_URL": ("", "Redis URL for the shared cache; empty = local memory cache"),
    "TONGBAN_LOG_FORMAT": ("console", "console (readable) or json (one JSON object per line)"),
    "TONGBAN_LOG_LEVEL": ("INFO", "log level of the tongban loggers"),
    "TONGBAN_TEST_DB_TEMPLATE": (
        "template0",
        "PostgreSQL template for the test database (give it a UTF-8 LC_CTYPE)",
    ),
    "TONGBAN_SECURE": ("0", "1 = production profile: HTTPS-only cookies, HSTS, SSL redirect"),
}

VAR_DIR = Path(env("TONGBAN_VAR_DIR", "var"))
if not VAR_DIR.is_absolute():
    VAR_DIR = PROJECT_DIR / VAR_DIR
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """An explicit key wins; otherwise one random key per installation, kept beside the database."""
    if key := env("TONGBAN_SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("TONGBAN_DEBUG")
ALLOWED_HOSTS = env_list("TONGBAN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("TONGBAN_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks_db",
    "tongban.core",
    "tongban.regions",
    "tongban.catalog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tongban.core.middleware.RequestLogMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: PostgreSQL when TONGBAN_DATABASE_URL is set, otherwise SQLite in WAL mode under var/.
if database_url := env("TONGBAN_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True)}
    # Short OLTP queries: JIT compilation costs more than it saves, and on SSDs a random page read costs
    # about a sequential one, so the planner uses the trigram indexes (bench/catalog_search.py shows both).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off -c random_page_cost=1.1")
    DATABASES["default"].setdefault("TEST", {})
    # pg_trgm only sees Chinese characters when the database's LC_CTYPE is a UTF-8 locale.
    # A database created from TONGBAN_TEST_DB_TEMPLATE inherits its locale (.ci/run makes one with C.UTF-8).
    DATABASES["default"]["TEST"].update(
        {"TEMPLATE": env("TONGBAN_TEST_DB_TEMPLATE", "template0"), "CHARSET": "UTF8"}
    )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tongban.sqlite3",
            "OPTIONS": {
                # WAL lets the web server and the worker read while one of them writes; IMMEDIATE
                # takes the write lock at BEGIN so two writers queue instead of failing mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if redis_url := env("TONGBAN_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Plain names (no manifest): a fresh checkout and the tests need no collectstatic step; WhiteNoise
    # still serves compressed copies once `tongban serve` has collected them.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Web security. The production profile (TONGBAN_SECURE=1) assumes HTTPS in front of the server.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],  # Swagger UI and the admin set style attributes
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_PRODUCTION = env_bool("TONGBAN_SECURE")
if SECURE_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: structlog renders both our events and Django's own records, readable or as JSON lines.
from tongban.core.logging import logging_config  # noqa: E402

LOGGING = logging_config(fmt=env("TONGBAN_LOG_FORMAT", "console"), level=env("TONGBAN_LOG_LEVEL", "INFO"))

# --- Tongban's own settings.
NINJA_PAGINATION_PER_PAGE = 20
NINJA_MAX_PER_PAGE_SIZE = 100
