"""Shapes every app's API shares: local datetimes, references to people and places, bounded pages, file
downloads. Here, below the domain apps, so that tickets, sla, notify and intake describe them alike."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

from propdesk.core.people import person_name

# Datetimes go out in local time (Asia/Shanghai) with their offset: 2026-05-01T09:30:00+08:00.
LocalDateTime = Annotated[
    dt.datetime,
    PlainSerializer(lambda v: timezone.localtime(v).isoformat(), return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Ref(Schema):
    id: int
    name: str


class UserRef(Schema):
    """A person as others see them: the name they are known by, never their login (``core.people``)."""

    id: int
    name: str


class UnitRef(Schema):
    id: int
    label: str


class Page(Schema):
    count: int = Field(description="匹配的条数；超过 count_limit 时为 count_limit（count_exact 为 false）")
    count_exact: bool = True


# Counting a million visible rows on every page costs more than the page itself: past this, "10000+".
COUNT_LIMIT = 10_000


def page_of(qs, offset: int, limit: int) -> dict:
    """One page of a queryset with a bounded count."""
    count = qs[: COUNT_LIMIT + 1].count()
    return {
        "count": min(count, COUNT_LIMIT),
        "count_exact": count <= COUNT_LIMIT,
        "items": list(qs[offset : offset + limit]),
    }


def user_ref(user) -> dict | None:
    """``{"id", "name"}`` of a login, by ``core.people.person_name`` (never the login name); None stays None."""
    if user is None:
        return None
    return {"id": user.pk, "name": person_name(user)}


def unit_ref(unit) -> dict | None:
    return {"id": unit.pk, "label": unit.label} if unit is not None else None


def file_response(content_type: str, description: str) -> dict:
    """``openapi_extra`` of an operation that answers 200 with a file of ``content_type``."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }
