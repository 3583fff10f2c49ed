"""Request-wide concerns: the client's address behind a proxy, the language, and response caching."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

from .http import PEER_ADDR_KEY, resolve_client_ip


class ClientAddressMiddleware:
    """Puts the client's address into ``REMOTE_ADDR`` when PropDesk runs behind a trusted reverse proxy.

    Everything that records or throttles by address (the personal-data access audit, login throttling)
    then sees the client, not the proxy. The socket peer stays in ``META["PROPDESK_PEER_ADDR"]``. Which
    header and which proxies are trusted is configured (``PROPDESK_TRUSTED_PROXY_HEADER``,
    ``PROPDESK_TRUSTED_PROXIES``; docs/configuration.md); by default no header is believed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if PEER_ADDR_KEY not in meta:
            meta[PEER_ADDR_KEY] = meta.get("REMOTE_ADDR")
            client = resolve_client_ip(meta)
            if client:
                meta["REMOTE_ADDR"] = client
        return self.get_response(request)


class ChineseByDefaultMiddleware:
    """Pages are Chinese unless the user chose English with the language switch (a cookie).

    A browser's Accept-Language alone does not switch the pages: many staff phones are set to
    English while everyone at the desk reads Chinese. API clients keep Accept-Language, so an
    integration can ask for English error messages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages, API responses and exports (xlsx, print sheets) carry personal data: no browser or proxy may
    keep a copy (``Cache-Control: no-store``). A response that sets its own ``Cache-Control`` keeps it (the
    API docs' files, the site icon); static files are answered by WhiteNoise before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
