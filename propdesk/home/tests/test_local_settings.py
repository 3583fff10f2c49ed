"""config.settings.local, the settings of `make run`: production mode on one machine without setup."""

import importlib
import stat

import pytest


@pytest.fixture
def local(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "given-by-the-test")
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("PROPDESK_HTTPS", raising=False)
    import config.settings.local as module

    return importlib.reload(module)


def test_debug_is_off_and_cookies_work_over_plain_http(local):
    assert local.DEBUG is False
    assert not getattr(local, "SESSION_COOKIE_SECURE", False)
    assert not getattr(local, "CSRF_COOKIE_SECURE", False)
    assert local.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_https_makes_cookies_secure(local, monkeypatch):
    monkeypatch.setenv("PROPDESK_HTTPS", "true")
    local = importlib.reload(local)
    assert local.SESSION_COOKIE_SECURE is True
    assert local.CSRF_COOKIE_SECURE is True
    assert local.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")


def test_secret_key_is_generated_once_private_and_reused(local, tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = local.secret_key_from_file(path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local.secret_key_from_file(path) == first
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left


def test_allowed_hosts_come_from_host_plus_localhost(local):
    assert local.local_hosts("127.0.0.1") == ["localhost", "127.0.0.1", "[::1]"]
    assert local.local_hosts("192.168.1.20") == ["localhost", "127.0.0.1", "[::1]", "192.168.1.20"]
    lan = local.local_hosts("0.0.0.0")  # noqa: S104
    assert lan[:3] == ["localhost", "127.0.0.1", "[::1]"]
    assert len(lan) > 3  # and the machine's own name


def test_allowed_hosts_can_be_set(local, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "desk.example.com")
    assert importlib.reload(local).ALLOWED_HOSTS == ["desk.example.com"]
