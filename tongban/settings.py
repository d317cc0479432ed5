"""Django settings for Tongban.

Every setting an operator may change comes from an environment variable listed in ENVIRONMENT below
(and in the README); the defaults run the embedded mode: SQLite under var/, debug off, local files.
"""

import os
import secrets
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
    "TONGBAN_DATA_KEYS": (
        "",
        "Fernet keys for personal data, comma-separated, newest first; empty = one kept in TONGBAN_VAR_DIR",
    ),
    "TONGBAN_BLIND_INDEX_KEY": (
        "",
        "secret for the blind index of ID and phone numbers; empty = one kept in TONGBAN_VAR_DIR",
    ),
    "TONGBAN_SESSION_MINUTES": ("30", "minutes of inactivity after which a session ends"),
    "TONGBAN_OIDC_PROVIDER_NAME": (
        "统一身份认证平台",
        "name of the OpenID Connect provider on the login page",
    ),
    "TONGBAN_OIDC_CLIENT_ID": ("", "OpenID Connect client id; empty = single sign-on off"),
    "TONGBAN_OIDC_CLIENT_SECRET": ("", "OpenID Connect client secret"),
    "TONGBAN_OIDC_AUTHORIZATION_URL": ("", "the provider's authorization endpoint"),
    "TONGBAN_OIDC_TOKEN_URL": ("", "the provider's token endpoint"),
    "TONGBAN_OIDC_USERINFO_URL": ("", "the provider's userinfo endpoint"),
    "TONGBAN_OIDC_JWKS_URL": ("", "the provider's JWKS endpoint (keys that sign ID tokens)"),
    "TONGBAN_EMAIL_HOST": (
        "",
        "SMTP server for mail (password reset); empty = mails are written to TONGBAN_VAR_DIR/mail",
    ),
    "TONGBAN_EMAIL_PORT": ("587", "SMTP port (STARTTLS)"),
    "TONGBAN_EMAIL_USER": ("", "SMTP user"),
    "TONGBAN_EMAIL_PASSWORD": ("", "SMTP password"),
    "TONGBAN_EMAIL_FROM": ("noreply@tongban.localhost", "sender address of the platform's mails"),
    "TONGBAN_OIDC_SCOPES": ("openid profile", "scopes asked of the OpenID Connect provider"),
    "TONGBAN_OIDC_ID_NUMBER_CLAIM": ("id_number", "the claim that carries the resident ID number, if any"),
    "TONGBAN_SAME_DAY_CUTOFF": (
        "16:00",
        "即办件 received after this time of day are due the next working day",
    ),
    "TONGBAN_DEADLINE_YELLOW_PERCENT": (
        "20",
        "a deadline light turns yellow when at most this % of the limit is left",
    ),
    "TONGBAN_DEADLINE_YELLOW_DAYS": (
        "1",
        "… or when at most this many working days are left (whichever comes first)",
    ),
    "TONGBAN_PRESENTATION_MINUTES": ("5", "minutes a 亮证 code (QR and 6-digit code) stays valid"),
    "TONGBAN_ANSWER_DAYS": (
        "10",
        "working days a department has to answer a question routed to it (我要提问)",
    ),
    "TONGBAN_SMS_URL": (
        "",
        "SMS gateway (HTTP POST, JSON) for notifications; empty = written to TONGBAN_VAR_DIR/sms",
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


def _installation_secret(variable: str, file_name: str, generate) -> str:
    """An explicit value from the environment wins; otherwise one random value per installation, made
    once and kept beside the database (the embedded mode). Production sets the variables."""
    if value := env(variable):
        return value
    path = VAR_DIR / file_name
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


def _random_secret_key() -> str:
    from django.core.management.utils import get_random_secret_key

    return get_random_secret_key()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = _installation_secret("TONGBAN_SECRET_KEY", "secret_key", _random_secret_key)
# Personal data at rest (tongban/core/crypto.py): Fernet keys, newest first; older ones still decrypt
# until `tongban keys rotate` has re-encrypted everything. The blind-index key makes exact lookups.
DATA_KEYS = env_list("TONGBAN_DATA_KEYS") or [_installation_secret("", "data_key", _fernet_key)]
BLIND_INDEX_KEY = _installation_secret(
    "TONGBAN_BLIND_INDEX_KEY", "blind_index_key", lambda: secrets.token_hex(32)
)
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
    "axes",
    "tongban.core",
    "tongban.regions",
    "tongban.identity",
    "tongban.notifications",
    "tongban.catalog",
    "tongban.licenses",
    "tongban.cases",
    "captcha",
    "tongban.consult",
]
AUTH_USER_MODEL = "identity.User"

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
    "tongban.identity.denials.DenialMiddleware",
    # Last, so that it sees a failed login before anything answers it: lockout after repeated failures.
    "axes.middleware.AxesMiddleware",
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
    # Rate limits (django-ratelimit) need an atomic shared cache: Redis in production. The embedded mode
    # has none, so its limits are counted per server process (two by default): looser, never off.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_VIEW = "tongban.identity.views.errors.rate_limited"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Argon2 first (new and changed passwords); the others only read hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes): 5 failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "tongban.identity.views.errors.locked_out"
# The SSO callback takes only the provider's one-time code, so it guesses no password: refused sign-ons
# must not lock a whole office (one NAT address) out of single sign-on.
AXES_WHITELIST_CALLABLE = "tongban.identity.oidc.axes_exempt"
# Sessions end after 30 idle minutes (every request renews them) and with the browser.
SESSION_COOKIE_AGE = int(env("TONGBAN_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Single sign-on through the provincial platform's OpenID Connect provider (mozilla-django-oidc), on when
# a client id is configured; the local password login stays for the embedded mode.
OIDC_ENABLED = bool(env("TONGBAN_OIDC_CLIENT_ID"))
OIDC_PROVIDER_NAME = env("TONGBAN_OIDC_PROVIDER_NAME", "统一身份认证平台")
OIDC_RP_CLIENT_ID = env("TONGBAN_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("TONGBAN_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("TONGBAN_OIDC_AUTHORIZATION_URL")
OIDC_OP_TOKEN_ENDPOINT = env("TONGBAN_OIDC_TOKEN_URL")
OIDC_OP_USER_ENDPOINT = env("TONGBAN_OIDC_USERINFO_URL")
OIDC_OP_JWKS_ENDPOINT = env("TONGBAN_OIDC_JWKS_URL")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env("TONGBAN_OIDC_SCOPES", "openid profile")
OIDC_ID_NUMBER_CLAIM = env("TONGBAN_OIDC_ID_NUMBER_CLAIM", "id_number")
OIDC_TIMEOUT = 10  # seconds: a provider that hangs must not hold a server worker
OIDC_USE_NONCE = True
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("tongban.identity.oidc.TongbanOIDCBackend")
# Mail (the password-reset link): SMTP when configured, otherwise files under var/mail for the embedded mode.
DEFAULT_FROM_EMAIL = env("TONGBAN_EMAIL_FROM", "noreply@tongban.localhost")
if email_host := env("TONGBAN_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host,
                "port": int(env("TONGBAN_EMAIL_PORT", "587")),
                "username": env("TONGBAN_EMAIL_USER"),
                "password": env("TONGBAN_EMAIL_PASSWORD"),
                "use_tls": True,
                "timeout": 10,  # seconds: a mail server that hangs must not hold a worker
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:account"
LOGOUT_REDIRECT_URL = "catalog:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LOCALE_PATHS = [BASE_DIR / "locale"]  # ahead of the apps' catalogs (see the .po file)
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
    # Allows (does not make) a submission to the browsers' HSTS preload list; Django's deploy check asks it.
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Which secrets the environment gave; the others were made once and kept under var/, which several
# servers cannot share. Tongban's deploy checks (tongban/core/checks.py) want all of them given.
SECRETS_FROM_ENVIRONMENT = {
    name: bool(env(name)) for name in ("TONGBAN_SECRET_KEY", "TONGBAN_DATA_KEYS", "TONGBAN_BLIND_INDEX_KEY")
}

# --- Logging: structlog renders both our events and Django's own records, readable or as JSON lines.
from tongban.core.logging import logging_config  # noqa: E402

LOGGING = logging_config(fmt=env("TONGBAN_LOG_FORMAT", "console"), level=env("TONGBAN_LOG_LEVEL", "INFO"))

# --- Tongban's own settings.
SAME_DAY_CUTOFF = env("TONGBAN_SAME_DAY_CUTOFF", "16:00")
PRESENTATION_MINUTES = env("TONGBAN_PRESENTATION_MINUTES", "5")  # read with int() where used
ANSWER_DAYS = env("TONGBAN_ANSWER_DAYS", "10")  # read with int() where used
# 我要提问's captcha (django-simple-captcha): four characters, five minutes; tests switch on its test mode.
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5
CAPTCHA_IMAGE_SIZE = (120, 44)
DEADLINE_YELLOW_PERCENT = env("TONGBAN_DEADLINE_YELLOW_PERCENT", "20")  # checked by core/checks.py
DEADLINE_YELLOW_DAYS = env("TONGBAN_DEADLINE_YELLOW_DAYS", "1")
SMS_URL = env("TONGBAN_SMS_URL")
SMS_DIR = VAR_DIR / "sms"
NINJA_PAGINATION_PER_PAGE = 20
NINJA_MAX_PER_PAGE_SIZE = 100
