"""Request-wide concerns: the client's address behind a proxy, the language, input no database can keep, and
response caching."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from .http import PEER_ADDR_KEY, resolve_client_ip
from .inputs import character_message, character_problem, printable

FORM_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


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


class InputGuardMiddleware:
    """Refuses a request whose path, query string, form fields or headers hold a character no database or
    page can keep (a NUL, see ``core.inputs``) — before any view, form or service sees it, so nothing changes.

    API requests (``/api/``) get the API's error body (``{"detail", "errors": [{"field", "message"}]}``),
    pages a 400 page naming the field. JSON bodies are checked by the API's parser (``propdesk.api.router``).
    It sits after the language is chosen and before anything reads the session or the user, so a cookie
    carrying a NUL is refused before it reaches the session table.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = self.find(request)
        if found is None:
            return self.get_response(request)
        field, message = found
        if request.path_info.startswith("/api/"):
            body = {"detail": f"{field}: {message}", "errors": [{"field": field, "message": message}]}
            return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "400.html", {"field": field, "message": message}, status=400)

    @staticmethod
    def find(request) -> tuple[str, str] | None:
        """(field, message) of the first bad character in what the request carries outside a JSON body."""
        if problem := character_problem(request.path_info):
            return "path", character_message(problem)
        sources = [request.GET]
        # The API reads its own form fields through its parser, which checks them (``propdesk.api.router``):
        # reading a multipart body here would leave the API unable to read ``request.body`` where it needs to.
        api = request.path_info.startswith("/api/")
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES and not api:
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                for text in (key, *values):
                    if problem := character_problem(text):
                        return printable(key), character_message(problem)
        for upload in request.FILES.values() if len(sources) > 1 else ():
            if problem := character_problem(upload.name or ""):
                return "file", character_message(problem)
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and (problem := character_problem(value)):
                return key.removeprefix("HTTP_").replace("_", "-").title(), character_message(problem)
        # A quoted cookie may spell a NUL as "\000", which only parsing turns into one.
        for name, value in request.COOKIES.items():
            if problem := character_problem(name + value):
                return printable(name), character_message(problem)
        return None
