"""Regression tests for permission defects found by trying PropDesk as each role would.

Each test failed before the rules moved into one rule set per app.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from propdesk.api.services import api_token_create
from propdesk.core.events import record_event
from propdesk.core.models import PersonalDataAccess
from propdesk.org.choices import DepartmentKind, Role
from propdesk.testing.factories import DepartmentFactory, UserFactory
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Channel, EventKind, Kind, Status
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.services import record_escalation, ticket_add_note, ticket_create

BACK_OFFICE = [Role.HR_ADMIN, Role.RECORDS_CLERK, Role.CLUBHOUSE_ADMIN]


def _bearer(user) -> Client:
    _token, secret = api_token_create(actor=user, name="测试")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _post(client: Client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def ticket_a(world, reception_a):
    return ticket_create(
        actor=reception_a, kind=Kind.COMPLAINT, content="楼上噪音", channel=Channel.PHONE, household=world.household_a
    )


def test_hr_administrator_cannot_cancel_a_ticket_through_the_api(world, ticket_a):
    hr = role_user(Role.HR_ADMIN, world.center_a)
    before = (ticket_a.status, ticket_a.version)

    response = _post(
        _bearer(hr), f"/api/v1/tickets/{ticket_a.pk}/transitions", {"to_status": "cancelled", "reason": "撤销"}
    )

    assert response.status_code == 403
    ticket_a.refresh_from_db()
    assert (ticket_a.status, ticket_a.version) == before
    assert ticket_a.status != Status.CANCELLED


@pytest.mark.parametrize("role", BACK_OFFICE)
def test_back_office_cannot_use_the_desk_lookup(world, role):
    user = role_user(role, world.center_a)
    client = Client()
    client.force_login(user)

    assert _bearer(user).get("/api/v1/lookup", {"q": "3-2-1202"}).status_code == 403
    assert client.get(reverse("intake:desk")).status_code == 403
    assert client.get(reverse("intake:lookup"), {"q": "3-2-1202"}).status_code == 403


@pytest.mark.parametrize("role", BACK_OFFICE)
def test_back_office_cannot_read_or_export_the_registers(world, role):
    client = Client()
    client.force_login(role_user(role, world.center_a))

    assert client.get(reverse("intake:registers")).status_code == 403
    assert client.get(reverse("intake:register", args=["repair"])).status_code == 403
    assert client.get(reverse("intake:register_export", args=["repair"])).status_code == 403


def test_the_desk_still_uses_lookup_and_registers(world, reception_a):
    client = Client()
    client.force_login(reception_a)

    assert client.get(reverse("intake:lookup"), {"q": "3-2-1202"}).status_code == 200
    assert client.get(reverse("intake:register", args=["repair"])).status_code == 200


def test_a_resident_cannot_hand_off_their_own_ticket(world, resident_user_a):
    DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="翠湖控制中心")
    ticket = ticket_create(
        actor=resident_user_a, kind=Kind.REPAIR, content="门锁坏了", channel=Channel.PORTAL, household=world.household_a
    )
    assert ticket.received_by == resident_user_a
    before = (ticket.version, ticket.team_id, ticket.handed_off_at)
    client = Client()
    client.force_login(resident_user_a)

    response = _post(client, f"/api/v1/tickets/{ticket.pk}/hand-off", {"reason": "请处理"})

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert (ticket.version, ticket.team_id, ticket.handed_off_at) == before
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.HANDED_OFF).exists()


def test_a_resident_does_not_read_internal_escalations_or_notes_through_the_api(
    world, resident_user_a, reception_a, ticket_a
):
    ticket_add_note(actor=reception_a, ticket=ticket_a, text="业主情绪激动，注意沟通")
    record_escalation(ticket=ticket_a, actor=None, reason="已超时（第 2 级）：客服主管跟进", data={"level": 2})
    client = Client()
    client.force_login(resident_user_a)

    response = client.get(f"/api/v1/tickets/{ticket_a.pk}/events")

    assert response.status_code == 200
    kinds = [e["kind"] for e in response.json()]
    assert kinds == [EventKind.CREATED]
    assert "客服主管" not in response.content.decode()
    assert "情绪激动" not in response.content.decode()


def test_staff_still_read_the_internal_history_through_the_api(world, reception_a, ticket_a):
    record_escalation(ticket=ticket_a, actor=None, reason="已超时（第 2 级）", data={"level": 2})

    response = _bearer(reception_a).get(f"/api/v1/tickets/{ticket_a.pk}/events")

    assert [e["kind"] for e in response.json()] == [EventKind.CREATED, EventKind.ESCALATED]


def _audit_rows(world):
    for household, label in ((world.household_a, "A"), (world.household_b, "B")):
        record_event(actor=None, verb="household.changed", target=household, reason=f"center {label}")
    for resident in (world.resident_a, world.resident_b):
        PersonalDataAccess.objects.create(
            actor=UserFactory(),
            subject_type=ContentType.objects.get_for_model(resident),
            subject_id=str(resident.pk),
            subject_repr=str(resident),
            field="phone",
            reason=f"回访 {resident.name}",
            service_center_id=resident.household.unit.building.community.service_center_id,
            at=timezone.now(),
        )


def _auditor(world):
    """A center manager of center A with the demo's "审计查看" admin permissions."""
    manager = role_user(Role.CENTER_MANAGER, world.center_a)
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    manager.user_permissions.set(
        Permission.objects.filter(content_type__app_label="core", codename__startswith="view_")
    )
    return manager


def test_a_center_manager_sees_only_their_centers_audit_rows_in_the_admin(world):
    _audit_rows(world)
    manager = _auditor(world)
    client = Client()
    client.force_login(manager)

    reveals = client.get("/admin/core/personaldataaccess/")
    events = client.get("/admin/core/event/")

    assert reveals.status_code == 200
    assert f"回访 {world.resident_a.name}" in reveals.content.decode()
    assert f"回访 {world.resident_b.name}" not in reveals.content.decode()
    assert events.status_code == 200
    assert "center A" in events.content.decode()
    assert "center B" not in events.content.decode()


def test_a_center_manager_cannot_open_another_centers_audit_row(world):
    _audit_rows(world)
    manager = _auditor(world)
    other = PersonalDataAccess.objects.get(subject_id=str(world.resident_b.pk))
    client = Client()
    client.force_login(manager)

    response = client.get(f"/admin/core/personaldataaccess/{other.pk}/change/")

    assert response.status_code in (302, 403, 404)
    assert f"回访 {world.resident_b.name}" not in response.content.decode()


def test_tickets_are_unchanged_by_the_refusals(world, ticket_a):
    assert Ticket.objects.get(pk=ticket_a.pk).status == Status.NEW


def test_the_ticket_admin_is_read_only_and_scoped(world, ticket_a, reception_b):
    """A center-B receptionist with admin access sees no ticket of center A and can change none."""
    reception_b.is_staff = True
    reception_b.save(update_fields=["is_staff"])
    reception_b.user_permissions.set(Permission.objects.filter(content_type__app_label="tickets"))
    client = Client()
    client.force_login(reception_b)

    listing = client.get("/admin/tickets/ticket/")
    detail = client.get(f"/admin/tickets/ticket/{ticket_a.pk}/change/")

    assert listing.status_code == 200
    assert ticket_a.number not in listing.content.decode()
    assert detail.status_code in (302, 404)
    assert client.post(f"/admin/tickets/ticket/{ticket_a.pk}/delete/").status_code in (302, 403, 404)
    assert Ticket.objects.filter(pk=ticket_a.pk).exists()
