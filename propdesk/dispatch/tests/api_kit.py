"""Shared by the dispatch API tests: bearer clients of the crew, the URLs, and the expected user references."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.api.tests.conftest import ApiClient, bearer

from .helpers import png_bytes

API = "/api/v1"
WORK_ORDERS = f"{API}/work-orders"


def wo_url(wo, action: str = "") -> str:
    return f"{WORK_ORDERS}/{wo.pk}" + (f"/{action}" if action else "")


def center_url(center, what: str) -> str:
    return f"{API}/dispatch/centers/{center.pk}/{what}"


def as_user(user) -> ApiClient:
    """A bearer client of ``user`` (the token is created at the current, pinned time)."""
    return bearer(user)


def person(user) -> dict:
    """A user as the API refers to them: staff_user names the profile after the login."""
    return {"id": user.pk, "name": user.staff_profile.name}


def photo(name: str = "before.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def scan_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("sheet.png", io.BytesIO(png_bytes()).getvalue(), content_type="image/png")


__all__ = ["API", "WORK_ORDERS", "ApiClient", "as_user", "center_url", "person", "photo", "scan_file", "wo_url"]
