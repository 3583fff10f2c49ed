"""Small request helpers shared by the views: safe return URLs and the client's address behind a proxy."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` the form asked to return to, when it stays on this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


PEER_ADDR_KEY = "PROPDESK_PEER_ADDR"


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(item, strict=False) for item in settings.PROPDESK_TRUSTED_PROXIES]


def resolve_client_ip(meta: dict) -> str | None:
    """The client's address: the socket peer, unless the peer is a trusted proxy and the configured header
    (``PROPDESK_TRUSTED_PROXY_HEADER``, e.g. ``X-Forwarded-For``) names the client.

    The header is a list that each proxy appends to, so it is read from the right: addresses of trusted
    proxies are skipped and the first other one is the client. Anything a client wrote further left is
    never believed, and a header from a peer that is not a trusted proxy is ignored altogether.
    """
    peer = meta.get("REMOTE_ADDR") or None
    header = settings.PROPDESK_TRUSTED_PROXY_HEADER
    if not header or peer is None:
        return peer
    networks = _trusted_networks()

    def trusted(address) -> bool:
        return any(address in network for network in networks)

    peer_address = _address(peer)
    if peer_address is None or not trusted(peer_address):
        return peer
    value = meta.get("HTTP_" + header.upper().replace("-", "_"), "")
    hops = [_address(item) for item in value.split(",") if item.strip()]
    if not hops or any(hop is None for hop in hops):
        return peer
    for hop in reversed(hops):
        if not trusted(hop):
            return str(hop)
    return str(hops[0])


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for audit rows and login throttling (``ClientAddressMiddleware`` has already
    put it into ``REMOTE_ADDR``; resolved here when it has not run)."""
    if PEER_ADDR_KEY in request.META:
        return request.META.get("REMOTE_ADDR")
    return resolve_client_ip(request.META)
