"""Settings shared by every environment. Values come from environment variables (docs/configuration.md)."""

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name: str, default: str | None = None) -> str | None:
    import os

    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "dev-insecure-secret-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "propdesk.core",
    "propdesk.org",
    "propdesk.communities",
    "propdesk.tickets",
    "propdesk.intake",
    "propdesk.sla",
    "propdesk.notify",
    "propdesk.dispatch",
    "propdesk.visitors",
    "propdesk.complaints",
    "propdesk.notices",
    "propdesk.internal",
    "propdesk.engagement",
    "propdesk.training",
    "propdesk.portal",
    "propdesk.reports",
    "propdesk.filings",
    "propdesk.api",
    "propdesk.demo",
    "propdesk.home",
]

MIDDLEWARE = [
    "propdesk.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their long cache lifetime.
    "propdesk.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "propdesk.core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # In the chosen language, before anything reads the session, the user or a form: a NUL anywhere is a 400.
    "propdesk.core.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: turns a login refused by the lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "propdesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "propdesk.notify.context_processors.inbox_badge",
            ],
        },
    },
]

# DATABASE_URL unset -> the embedded SQLite file under var/.
_sqlite_default = f"sqlite:///{VAR_DIR / 'propdesk.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", _sqlite_default),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes;
    # IMMEDIATE transactions take the write lock up front, so concurrent writers
    # wait (busy timeout) instead of failing half-way with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "propdesk" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))

# Content-Security-Policy (django-csp): scripts, styles, images and requests only from this site, no inline
# script or style, no plugins, no framing. Pages pass data to their scripts with data-* attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the small images inside the API docs' stylesheet.
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

AUTHENTICATION_BACKENDS = [
    # Refuses locked-out logins before the password is checked (docs/security.md).
    "propdesk.core.auth.LoginThrottleBackend",
    # Django's password check; keeps API tokens valid when Django re-hashes an unchanged password.
    "propdesk.api.backends.PasswordBackend",
]

# The client's address behind a reverse proxy (docs/configuration.md): the header is believed only when
# the request comes from one of the trusted proxies. Unset: the socket peer is the client.
PROPDESK_TRUSTED_PROXY_HEADER = env("PROPDESK_TRUSTED_PROXY_HEADER", "") or ""
PROPDESK_TRUSTED_PROXIES = env_list("PROPDESK_TRUSTED_PROXIES", "127.0.0.1,::1")

# Login throttling (django-axes): after this many failures within the cool-off, the login name and the
# address are each locked for the cool-off. Counted in the database, so all web processes agree.
AXES_FAILURE_LIMIT = int(env("PROPDESK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env("PROPDESK_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = "propdesk.core.auth.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "propdesk.core.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "propdesk.core.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Successful and failed logins are kept this many days, then deleted by the worker.
PROPDESK_LOGIN_LOG_DAYS = int(env("PROPDESK_LOGIN_LOG_DAYS", "180"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Upload limits for imports and attachments (bytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PROPDESK_IMPORT_MAX_BYTES = int(env("PROPDESK_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
PROPDESK_IMPORT_MAX_ROWS = int(env("PROPDESK_IMPORT_MAX_ROWS", "50000"))

# How often the worker runs its periodic jobs, in seconds.
PROPDESK_WORKER_TICK_SECONDS = float(env("PROPDESK_WORKER_TICK_SECONDS", "5"))
# Names of the periodic jobs this worker runs (comma-separated); empty: all of them.
PROPDESK_WORKER_JOBS = env_list("PROPDESK_WORKER_JOBS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # axes logs every failed login as a warning already; its INFO lines (clean-ups) are noise.
    "loggers": {"axes": {"level": "WARNING"}},
}
PROPDESK_ATTACHMENT_MAX_BYTES = int(env("PROPDESK_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))

# Notifications (docs/configuration.md).
PROPDESK_BASE_URL = env("PROPDESK_BASE_URL", "http://localhost:8000")
PROPDESK_NOTIFY_EMAIL = env_bool("PROPDESK_NOTIFY_EMAIL", True)
PROPDESK_WEBHOOK_URL = env("PROPDESK_WEBHOOK_URL", "")
PROPDESK_WEBHOOK_SECRET = env("PROPDESK_WEBHOOK_SECRET", "")
PROPDESK_WEBHOOK_TIMEOUT = float(env("PROPDESK_WEBHOOK_TIMEOUT", "10"))
PROPDESK_NOTIFY_MAX_ATTEMPTS = int(env("PROPDESK_NOTIFY_MAX_ATTEMPTS", "8"))
PROPDESK_NOTIFY_BACKOFF_SECONDS = int(env("PROPDESK_NOTIFY_BACKOFF_SECONDS", "30"))
PROPDESK_NOTIFY_TICK_SECONDS = float(env("PROPDESK_NOTIFY_TICK_SECONDS", "5"))
# With a backlog the delivery job keeps sending this long before the worker's other jobs get their turn.
PROPDESK_NOTIFY_DRAIN_SECONDS = float(env("PROPDESK_NOTIFY_DRAIN_SECONDS", "4"))
# Channels (docs/configuration.md "Notification channels"): SMS through a provider, WeCom for staff.
PROPDESK_SMS_BACKEND = env("PROPDESK_SMS_BACKEND", "console")
PROPDESK_SMS_SIGN_NAME = env("PROPDESK_SMS_SIGN_NAME", "")
PROPDESK_SMS_TEMPLATE = env("PROPDESK_SMS_TEMPLATE", "")
PROPDESK_SMS_TEMPLATE_EN = env("PROPDESK_SMS_TEMPLATE_EN", "")
PROPDESK_SMS_TIMEOUT = float(env("PROPDESK_SMS_TIMEOUT", "10"))
ALIYUN_SMS_ENDPOINT = env("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
ALIYUN_ACCESS_KEY_ID = env("ALIYUN_ACCESS_KEY_ID", "")
ALIYUN_ACCESS_KEY_SECRET = env("ALIYUN_ACCESS_KEY_SECRET", "")
TENCENT_SMS_ENDPOINT = env("TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com/")
TENCENT_SMS_REGION = env("TENCENT_SMS_REGION", "ap-guangzhou")
TENCENT_SMS_APP_ID = env("TENCENT_SMS_APP_ID", "")
TENCENT_SECRET_ID = env("TENCENT_SECRET_ID", "")
TENCENT_SECRET_KEY = env("TENCENT_SECRET_KEY", "")
# WeCom: "app" (application messages to each person), "robot" (a group robot, mentioning by mobile), "" off.
PROPDESK_WECOM_BACKEND = env("PROPDESK_WECOM_BACKEND", "")
WECOM_API_BASE = env("WECOM_API_BASE", "https://qyapi.weixin.qq.com/cgi-bin/")
WECOM_CORP_ID = env("WECOM_CORP_ID", "")
WECOM_AGENT_ID = env("WECOM_AGENT_ID", "")
WECOM_AGENT_SECRET = env("WECOM_AGENT_SECRET", "")
WECOM_ROBOT_URL = env("WECOM_ROBOT_URL", "")
# Receipts pushed by providers to /notify/receipts/<provider>/ carry this token (?token=…).
PROPDESK_RECEIPT_TOKEN = env("PROPDESK_RECEIPT_TOKEN", "")
# Per-channel sending rates, "<count>/<seconds>" (limits.py); a channel left out is not limited.
PROPDESK_NOTIFY_RATE_LIMITS = {
    "sms": env("PROPDESK_SMS_RATE", "500/1"),
    "wecom": env("PROPDESK_WECOM_RATE", "20/60" if env("PROPDESK_WECOM_BACKEND", "") == "robot" else "50/1"),
    "webhook": env("PROPDESK_WEBHOOK_RATE", "100/1"),
}
# The phone system's call hook (/desk/calls/hook/, docs/calls.md) presents this token; unset: the hook is off.
PROPDESK_CALL_HOOK_TOKEN = env("PROPDESK_CALL_HOOK_TOKEN", "")
# How often the front desk asks for a call ringing at the receptionist's extension (milliseconds).
PROPDESK_CALL_POLL_MS = int(env("PROPDESK_CALL_POLL_MS", "500"))
# The SLA sweeper wakes at most this often (seconds); breaches are recorded within one interval.
PROPDESK_SLA_SWEEP_SECONDS = float(env("PROPDESK_SLA_SWEEP_SECONDS", "5"))
PROPDESK_SLA_BATCH = int(env("PROPDESK_SLA_BATCH", "500"))

# Visitors' identity numbers are stored encrypted (propdesk/visitors/crypto.py): comma-separated Fernet keys,
# the first encrypts, all decrypt (rotation). Unset: a key derived from SECRET_KEY.
PROPDESK_ID_KEYS = env_list("PROPDESK_ID_KEYS")

# Outgoing mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "propdesk@localhost")
