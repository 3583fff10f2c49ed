"""One machine, production mode: what `make run` uses.

Debug is off, static files are collected and served by WhiteNoise, the pages are served by gunicorn.
Unlike ``prod`` nothing has to be configured first: the secret key is generated once into
``var/secret_key`` (mode 0600) and reused, the allowed hosts come from ``HOST`` plus localhost, and
cookies are marked secure only when HTTPS is configured (``PROPDESK_HTTPS=true`` behind a TLS proxy),
so that a login over plain http://127.0.0.1:8000 works.
"""

import contextlib
import os
import secrets
import socket

from .base import *  # noqa: F403
from .base import VAR_DIR, env, env_bool, env_list

DEBUG = False


def secret_key_from_file(path=VAR_DIR / "secret_key") -> str:
    """The key stored in ``path``; created (0600, random) on first use. Safe when two processes start together."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    try:
        # link() fails when another process created the file first: then that key wins.
        os.link(temporary, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        temporary.unlink()
    return key


def local_hosts(host: str) -> list[str]:
    """The names this machine answers to: localhost, the bound address and, when serving the LAN, its own
    host name and addresses."""
    hosts = ["localhost", "127.0.0.1", "[::1]"]
    if host in ("0.0.0.0", "::"):  # noqa: S104 - serving the LAN: accept the machine's names
        name = socket.gethostname()
        hosts.append(name)
        with contextlib.suppress(OSError):
            hosts.extend(socket.gethostbyname_ex(name)[2])
    elif host:
        hosts.append(f"[{host}]" if ":" in host else host)
    return list(dict.fromkeys(hosts))


SECRET_KEY = env("SECRET_KEY") or secret_key_from_file()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or local_hosts(env("HOST", "127.0.0.1") or "127.0.0.1")

HTTPS = env_bool("PROPDESK_HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
