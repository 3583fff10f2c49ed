"""Shapes every app's API shares: local datetimes, references to people and places, bounded pages, file
downloads, and the bounded input types (ids, paging, dates). Here, below the domain apps, so that tickets, sla,
notify and intake describe them alike.

Input types — every endpoint takes ids, offsets, limits, dates and datetimes through these, so a value that no
database column or date arithmetic can hold is a 422 on its field, never a 500:

- ``Id``: 1 … 2⁶³−1 (a 64-bit key); an id in range that names nothing is a 404 or a 400 as before.
- ``Version``: an ``expected_version``, 0 … 2³¹−1.
- ``PageParams`` (``limit`` 1 … 100, ``offset`` 0 … ``OFFSET_MAX``): the paging of every list.
- ``InputDate`` / ``InputDateTime``: within ``core.inputs.DATE_MIN`` … ``DATE_MAX`` (2000-01-01 … 2099-12-31).
"""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Schema
from pydantic import AfterValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from propdesk.core import texts
from propdesk.core.inputs import DATE_MAX, DATE_MIN, ID_MAX, date_problem
from propdesk.core.people import person_name

# Datetimes go out in local time (Asia/Shanghai) with their offset: 2026-05-01T09:30:00+08:00.
LocalDateTime = Annotated[
    dt.datetime,
    PlainSerializer(lambda v: timezone.localtime(v).isoformat(), return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]

# --------------------------------------------------------------------------- bounded input

VERSION_MAX = 2**31 - 1
LIMIT_MAX = 100
# Paging a million rows deep is an export's job (the registers' .xlsx), not a list's.
OFFSET_MAX = 1_000_000

Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Version = Annotated[int, Field(ge=0, le=VERSION_MAX, description="读取时的 version；已被他人修改时返回 409")]
Offset = Annotated[int, Field(ge=0, le=OFFSET_MAX)]
Limit = Annotated[int, Field(ge=1, le=LIMIT_MAX)]
DATE_RANGE = f"{DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()}"


def _in_range(value):
    """Dates and datetimes outside the input layer's range are a 422 on their field (``core.inputs``)."""
    if message := date_problem(value):
        raise PydanticCustomError("date_range", message)
    return value


InputDate = Annotated[
    dt.date,
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", "format": "date", "description": f"日期，{DATE_RANGE}"}),
]
InputDateTime = Annotated[
    dt.datetime,
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "description": f"ISO 8601 时间，日期在 {DATE_RANGE}"}),
]


def _naive_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise PydanticCustomError("time_naive", gettext("应为本地时间，如 08:30，不带时区"))
    return value


# A time of day on the center's clock (08:30, 17:00:00): JSON Schema's "time" format would demand an offset.
LocalTime = Annotated[
    dt.time,
    AfterValidator(_naive_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "本地时间 HH:MM 或 HH:MM:SS（北京时间，不带时区）",
            "example": "08:30:00",
        }
    ),
]


class PageParams(Schema):
    """The paging of every list endpoint (filters schemas inherit it)."""

    limit: Limit = 20
    offset: Offset = 0


# --------------------------------------------------------------------------- references


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


class DomainEventOut(Schema):
    """One row of a history (``core.models.DomainEvent``): when, what, who (and on whose behalf), the status
    change and the reason — a note the system wrote is read in the request's language, a person's as typed."""

    id: int
    at: LocalDateTime
    kind: str
    actor: UserRef | None
    on_behalf_of: UserRef | None
    from_status: str
    to_status: str
    reason: str
    data: dict

    @staticmethod
    def resolve_actor(obj) -> dict | None:
        return user_ref(obj.actor)

    @staticmethod
    def resolve_on_behalf_of(obj) -> dict | None:
        return user_ref(obj.on_behalf_of)

    @staticmethod
    def resolve_reason(obj) -> str:
        return texts.render(obj.reason)


def unit_ref(unit) -> dict | None:
    return {"id": unit.pk, "label": unit.label} if unit is not None else None


def file_response(description: str, *content_types: str) -> dict:
    """``openapi_extra`` of an operation that answers 200 with a file of one of ``content_types``."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": dict.fromkeys(content_types, binary)}}}
