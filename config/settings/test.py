"""Test settings: fast hashing, in-memory email, local-memory storage."""

import warnings

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-memory mail unless a test process points a worker at a real SMTP server.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
# Text messages are kept in propdesk.notify.sms.outbox (like mail.outbox).
PROPDESK_SMS_BACKEND = "locmem"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The test database is in memory unless a test needs a file (live server tests).
    DATABASES["default"]["TEST"] = {"NAME": ""}

# Users' scopes are computed on every request (the query counts the tests assert); the tests of the scopes
# kept between requests (core.scoping) switch this on, as production has it.
PROPDESK_KEEP_SCOPES = env("PROPDESK_KEEP_SCOPES", "false") == "true"

# Static files are served from the app folders here (no collectstatic), so STATIC_ROOT may not exist.
warnings.filterwarnings("ignore", message="No directory at")
WHITENOISE_USE_FINDERS = True
