"""The client's address behind a reverse proxy: only a trusted proxy's header is believed."""

import pytest
from django.urls import reverse

from propdesk.core.http import resolve_client_ip
from propdesk.core.models import PersonalDataAccess


@pytest.fixture
def proxy(settings):
    settings.PROPDESK_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.PROPDESK_TRUSTED_PROXIES = ["127.0.0.1", "10.1.0.0/16"]
    return settings


def meta(peer, forwarded=None):
    return {"REMOTE_ADDR": peer, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})}


def test_without_a_configured_header_the_socket_peer_is_the_client(settings):
    settings.PROPDESK_TRUSTED_PROXY_HEADER = ""
    assert resolve_client_ip(meta("127.0.0.1", "203.0.113.5")) == "127.0.0.1"


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
        # the right-most address that is not a trusted proxy: what the client wrote further left is not believed
        ("127.0.0.1", "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        ("127.0.0.1", "203.0.113.5, 10.1.2.3", "203.0.113.5"),
        ("127.0.0.1", "2001:db8::7", "2001:db8::7"),
        ("127.0.0.1", "203.0.113.5:51234", "203.0.113.5"),
        # a header from a peer that is not a trusted proxy is ignored
        ("198.51.100.9", "203.0.113.5", "198.51.100.9"),
        # no header, or rubbish in it: the peer
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        # only proxies in the chain: the first of them
        ("127.0.0.1", "10.1.0.5, 10.1.0.6", "10.1.0.5"),
    ],
)
def test_a_trusted_proxy_names_the_client(proxy, peer, forwarded, client):
    assert resolve_client_ip(meta(peer, forwarded)) == client


def test_another_header_can_be_configured(proxy):
    proxy.PROPDESK_TRUSTED_PROXY_HEADER = "X-Real-IP"
    assert resolve_client_ip({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.8"}) == "203.0.113.8"


@pytest.mark.parametrize(
    ("peer", "audited"),
    [("127.0.0.1", "203.0.113.5"), ("198.51.100.9", "198.51.100.9")],
    ids=["from the trusted proxy", "from elsewhere"],
)
def test_the_unmask_audit_records_the_client_behind_the_proxy(client, world, reception_a, proxy, peer, audited):
    # Given PropDesk behind a proxy that sets X-Forwarded-For
    client.force_login(reception_a)
    # When a receptionist reveals a phone number
    response = client.post(
        reverse("communities:reveal", args=[world.resident_a.pk]),
        {"field": "phone", "reason": "回访报修处理结果"},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    # Then the audit row has the client's address (the header only counts from the trusted proxy)
    assert response.status_code == 200
    assert PersonalDataAccess.objects.get().ip_address == audited
