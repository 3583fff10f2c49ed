"""Language choice: Chinese unless the user picked English."""

from django.conf import settings


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
