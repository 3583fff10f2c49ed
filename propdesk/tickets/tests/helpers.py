"""Small shared helpers for the ticket and intake tests: local times, paths through the state machine,
row-count snapshots, images, and reading error codes out of a ValidationError."""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from propdesk.org.choices import DepartmentKind
from propdesk.testing.clock import shanghai_time as local
from propdesk.testing.factories import DepartmentFactory
from propdesk.tickets.choices import Channel, Kind, Status
from propdesk.tickets.models import Attachment, Reply, Ticket, TicketEvent, TicketLink
from propdesk.tickets.services import ticket_create, ticket_transition

# The world (households, residents) is built on 1 October 2026; the tests then act later.
BUILT_AT = local(2026, 10, 1, 9, 0)

# How to reach each status from NEW through allowed transitions only (with a reason every time).
PATHS: dict[str, list[str]] = {
    Status.NEW: [],
    Status.IN_PROGRESS: [Status.IN_PROGRESS],
    Status.WAITING_CUSTOMER: [Status.WAITING_CUSTOMER],
    Status.WAITING_VENDOR: [Status.WAITING_VENDOR],
    Status.RESOLVED: [Status.RESOLVED],
    Status.CLOSED: [Status.RESOLVED, Status.CLOSED],
    Status.CANCELLED: [Status.CANCELLED],
}


def new_ticket(actor, *, household=None, kind: str = Kind.REPAIR, content: str = "厨房水龙头漏水", **kwargs) -> Ticket:
    """A ticket recorded through the service, by phone, for ``household`` unless a party is given."""
    kwargs.setdefault("channel", Channel.PHONE)
    return ticket_create(actor=actor, kind=kind, content=content, household=household, **kwargs)


def walk_to(ticket: Ticket, status: str, actor) -> Ticket:
    """Put ``ticket`` (fresh from NEW) into ``status`` by calling ticket_transition along PATHS."""
    for step in PATHS[status]:
        ticket = ticket_transition(actor=actor, ticket=ticket, to_status=step, reason=f"测试：转为{step}")
    ticket.refresh_from_db()
    assert ticket.status == status
    return ticket


def row_counts() -> dict[str, int]:
    """Rows of every ticket table, to assert that a refused action wrote nothing."""
    from propdesk.intake.models import Interaction
    from propdesk.tickets.models import TicketCounter

    return {
        "tickets": Ticket.objects.count(),
        "events": TicketEvent.objects.count(),
        "replies": Reply.objects.count(),
        "links": TicketLink.objects.count(),
        "attachments": Attachment.objects.count(),
        "interactions": Interaction.objects.count(),
        "counter_total": sum(TicketCounter.objects.values_list("last", flat=True)),
    }


def snapshot(ticket: Ticket) -> tuple:
    """The fields a refused action must leave alone."""
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.version,
        ticket.assignee_id,
        ticket.team_id,
        ticket.handed_off_at,
        ticket.resolved_at,
        ticket.closed_at,
        ticket.reopen_count,
        ticket.events.count(),
    )


def error_fields(exc: ValidationError) -> set[str]:
    return set(exc.message_dict) if hasattr(exc, "error_dict") else set()


def error_codes(exc: ValidationError) -> set[str | None]:
    """Every code carried by the error, whether it is field-keyed or not."""
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def control_center(service_center):
    """The control-center department (控制中心) of a service center, which hand-offs go to (R-IN-2)."""
    return DepartmentFactory(service_center=service_center, kind=DepartmentKind.CONTROL_CENTER, name="控制中心")


def png_bytes(size: tuple[int, int] = (1, 1), noisy: bool = False) -> bytes:
    """A real PNG written by Pillow; ``noisy`` makes it incompressible (for size limits)."""
    image = Image.new("RGB", size, (200, 30, 30))
    if noisy:
        image = Image.frombytes("RGB", size, bytes((i * 7919) % 251 for i in range(size[0] * size[1] * 3)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
