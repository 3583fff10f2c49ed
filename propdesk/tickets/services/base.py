"""What every ticket service shares: locking with the version check, saving, the event, text cleaning,
the receipt time, the caller's party, numbering and the registry of apps that react to a new ticket."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community, Household, Resident, Unit
from propdesk.core.errors import StaleVersion, field_error
from propdesk.core.inputs import TEXT_MAX, clean_text
from propdesk.core.texts import Text
from propdesk.org.choices import DepartmentKind
from propdesk.org.models import Department

from .. import (
    events,
    permissions,  # noqa: F401  (declares the ticket rules)
)
from ..choices import (
    NUMBER_PREFIX,
)
from ..models import Ticket, TicketCounter

CONTENT_MAX = TEXT_MAX
# Received-at may run slightly ahead of the server clock (a phone's clock); more is refused.
FUTURE_TOLERANCE = dt.timedelta(minutes=2)


# Called with ``ticket=`` inside ticket_create's transaction. The ticket core knows nothing of the apps
# above it; they register here at start-up (AppConfig.ready) instead of being imported.
_created_listeners: list = []


def on_ticket_created(listener):
    """Register ``listener(ticket=…)`` to run when a ticket is created (with ``create_work_order``)."""
    if listener not in _created_listeners:
        _created_listeners.append(listener)
    return listener


# Called with ``ticket=, actor=, reason=`` inside ticket_transition's transaction when a resolved or closed
# ticket is reopened (a customer unhappy with the result, R-CP-6), however it was reopened.
_reopened_listeners: list = []


def on_ticket_reopened(listener):
    """Register ``listener(ticket=…, actor=…, reason=…)`` to run when a ticket is reopened."""
    if listener not in _reopened_listeners:
        _reopened_listeners.append(listener)
    return listener


# Called with ``ticket=, to_status=, actor=`` inside ticket_transition's transaction, after the state machine
# allowed the move and before anything is written; a check refuses with a ValidationError (a written complaint
# cannot be resolved before its written reply is sent, R-CP-1).
_transition_checks: list = []


def before_ticket_transition(check):
    """Register ``check(ticket=…, to_status=…, actor=…)``, run before a ticket's status changes."""
    if check not in _transition_checks:
        _transition_checks.append(check)
    return check


# --------------------------------------------------------------------------- helpers


def _lock(ticket: Ticket, expected_version: int | None) -> Ticket:
    # FOR NO KEY UPDATE: the services change a ticket's columns, never its key, so rows referencing the ticket
    # (deadline rows, events, notifications written by the SLA sweep) can still be inserted meanwhile. A plain
    # FOR UPDATE conflicts with the key-share lock of their foreign-key checks and deadlocks the sweep.
    locked = Ticket.objects.select_for_update(no_key=True).get(pk=ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _("该工单已被他人修改（当前版本 %(v)s），请刷新后重试") % {"v": locked.version}, code="stale_version"
        )
    return locked


def _save(ticket: Ticket, fields: list[str]) -> None:
    ticket.version = F("version") + 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])
    ticket.refresh_from_db(fields=["version"])


_event = events.record


def _clean_text(value, field: str, *, required: bool = True, limit: int = TEXT_MAX):
    """Text typed by a person, cleaned (``core.inputs.clean_text``); a text the system wrote (a ``core.texts``
    Text) is kept as it is and stored as msgid + parameters by ``events.record``."""
    if isinstance(value, Text):
        return value
    return clean_text(value, field, required=required, limit=limit)


def validate_received_at(received_at: dt.datetime | None, household: Household | None) -> dt.datetime:
    """Received-at for a new record: now when not given; never in the future; never before the household
    existed. Back-filled records keep their real receipt time (R-IN-6)."""
    now = timezone.now()
    if received_at is None:
        return now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > now + FUTURE_TOLERANCE:
        raise field_error("received_at", _("接报时间不能晚于当前时间"), "future")
    if household is not None:
        if household.moved_in:
            earliest = timezone.make_aware(dt.datetime.combine(household.moved_in, dt.time.min))
        else:
            earliest = household.created_at
        if earliest and received_at < earliest:
            raise field_error(
                "received_at",
                _("接报时间早于该住户建档/入住时间（%(t)s）") % {"t": timezone.localtime(earliest)},
                "before_household",
            )
    return min(received_at, now)


@dataclass(frozen=True)
class Party:
    """Who a record is about, resolved and checked for consistency."""

    community: Community
    unit: Unit | None
    household: Household | None
    resident: Resident | None

    def where(self) -> dict:
        """The party as the ``community``/``unit``/``household``/``resident`` arguments of a service."""
        return {"community": self.community, "unit": self.unit, "household": self.household, "resident": self.resident}


def resolve_party(
    *, community: Community | None, unit: Unit | None, household: Household | None, resident: Resident | None
) -> Party:
    """Fill in the coarser levels from the finer ones and refuse contradictions."""
    if resident is not None:
        if household is not None and resident.household_id != household.pk:
            raise ValidationError({"resident": _("联系人不属于该住户")})
        household = resident.household
    if household is not None:
        if unit is not None and household.unit_id != unit.pk:
            raise ValidationError({"household": _("住户与房号不一致")})
        if not household.is_active:
            raise ValidationError({"household": _("该住户已迁出")})
        unit = household.unit
    if unit is not None:
        unit_community_id = unit.building.community_id
        if community is not None and unit_community_id != community.pk:
            raise ValidationError({"unit": _("房号不属于所选小区")})
        community = unit.building.community
        if household is None:
            household = Household.objects.filter(unit=unit, is_active=True).first()
    if community is None:
        raise field_error("community", _("请选择小区或房号"), "required")
    return Party(community, unit, household, resident)


def next_number(*, service_center_id: int, kind: str, received_at: dt.datetime) -> str:
    """BX-20261122-0007: kind prefix, local receipt day, a per-center daily sequence. Call inside a transaction.

    One statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35): the row is
    created or incremented atomically and stays locked until the ticket's transaction ends, so two creates
    never get the same number and a rolled-back create gives its number back."""
    prefix = NUMBER_PREFIX[kind]
    day = timezone.localdate(received_at)
    meta = TicketCounter._meta
    quote = connection.ops.quote_name
    table, last = quote(meta.db_table), quote(meta.get_field("last").column)
    center, prefix_col, day_col = (quote(meta.get_field(f).column) for f in ("service_center", "prefix", "day"))
    with connection.cursor() as cursor:
        # Names from the model (quoted); values are parameters.
        cursor.execute(
            f"INSERT INTO {table} ({center}, {prefix_col}, {day_col}, {last}) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({center}, {prefix_col}, {day_col}) DO UPDATE SET {last} = {table}.{last} + 1 "
            f"RETURNING {last}",
            [service_center_id, prefix, meta.get_field("day").get_db_prep_save(day, connection)],
        )
        number = cursor.fetchone()[0]
    return f"{prefix}-{day:%Y%m%d}-{number:04d}"


def control_center_of(service_center_id: int) -> Department | None:
    return Department.objects.filter(service_center_id=service_center_id, kind=DepartmentKind.CONTROL_CENTER).first()
