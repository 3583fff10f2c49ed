"""People in the API are shown by the name others know them by (``core.people.person_name``), never by their
login: a resident reading their ticket and its history sees no staff login anywhere, and neither does staff."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.tickets.choices import Status
from propdesk.tickets.services import ticket_assign, ticket_attach, ticket_create, ticket_reply, ticket_transition

from .conftest import ApiClient, bearer

TICKETS = "/api/v1/tickets"
LOGINS = ("reception-a", "tech-a")


@pytest.fixture
def named_staff(receptionist_a, technician_a):
    """The test factories name a profile after its login; here the names differ, as in real life."""
    for user, name in ((receptionist_a, "林小慧"), (technician_a, "刘师傅")):
        user.staff_profile.name = name
        user.staff_profile.save(update_fields=["name"])
    return receptionist_a, technician_a


@pytest.fixture
def handled_ticket(named_staff, world):
    """Resident A's ticket, recorded by the receptionist, assigned to the technician, worked on and answered."""
    reception, technician = named_staff
    ticket = ticket_create(
        actor=reception, kind="repair", content="厨房水管漏水", channel="phone", household=world.household_a
    )
    ticket_assign(actor=reception, ticket=ticket, assignee=technician, reason="派给维修")
    ticket_transition(actor=technician, ticket=ticket, to_status=Status.IN_PROGRESS, reason="已上门查看")
    ticket_reply(actor=reception, ticket=ticket, method="phone", content="明天上午维修")
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    ticket_attach(actor=technician, ticket=ticket, upload=upload, note="现场照片")
    return ticket


def everything_about(api: ApiClient, ticket) -> str:
    """The JSON text of every read a client can make of the ticket."""
    paths = [
        TICKETS,
        f"{TICKETS}/mine",
        f"{TICKETS}/{ticket.pk}",
        f"{TICKETS}/by-number/{ticket.number}",
        f"{TICKETS}/{ticket.pk}/events",
        f"{TICKETS}/{ticket.pk}/replies",
        f"{TICKETS}/{ticket.pk}/attachments",
        f"{TICKETS}/{ticket.pk}/links",
    ]
    bodies = []
    for path in paths:
        response = api.get(path)
        assert response.status_code == 200, (path, response.content)
        bodies.append(response.json())
    return json.dumps(bodies, ensure_ascii=False)


def test_a_resident_sees_no_staff_login_in_their_ticket_or_its_history(handled_ticket, resident_user):
    # given the resident's browser session
    resident = ApiClient()
    resident.client.force_login(resident_user)

    # when they read their ticket, its history, replies and attachments
    text = everything_about(resident, handled_ticket)

    # then the staff are named, never by their logins
    assert "林小慧" in text
    assert "刘师傅" in text
    assert [login for login in LOGINS if login in text] == []
    assert '"username"' not in text


def test_staff_see_names_not_logins_either(handled_ticket, named_staff):
    reception, technician = named_staff
    text = everything_about(bearer(reception), handled_ticket)
    assert [login for login in LOGINS if login in text] == []
    body = bearer(reception).get(f"{TICKETS}/{handled_ticket.pk}").json()
    assert body["first_responder"] == {"id": reception.pk, "name": "林小慧"}
    assert body["assignee"] == {"id": technician.pk, "name": "刘师傅"}
    staff = bearer(reception).get(f"{TICKETS}/{handled_ticket.pk}/assignable-staff").json()
    assert {row["name"] for row in staff} == {"林小慧", "刘师傅"}
    assert all(set(row) == {"id", "name", "department"} for row in staff)


def test_a_login_without_a_staff_profile_is_named_by_its_resident_record(world, resident_user, api_a):
    # given a ticket the resident recorded themselves
    ticket = ticket_create(
        actor=resident_user, kind="repair", content="门锁坏了", channel="portal", household=world.household_a
    )

    # when staff read it
    body = api_a.get(f"{TICKETS}/{ticket.pk}").json()

    # then the resident is shown by the name on their record, not by the login "zhangwei"
    assert body["first_responder"] == {"id": resident_user.pk, "name": world.resident_a.name}


def test_the_schema_has_no_login_names(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["components"]["schemas"]["UserRef"]["properties"]) == {"id", "name"}
    assert "username" not in json.dumps(schema)
