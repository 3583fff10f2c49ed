"""Calling the customer from a job (拨打电话): the assigned worker's phone gets the number as a ``tel:`` URI,
only while the job is being worked on; the number is never shown on the page; every call is a personal-data
access row (purpose "call", the work order, the address). Anyone else is refused and nothing is recorded."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from propdesk.core.models import PersonalDataAccess
from propdesk.dispatch import services
from propdesk.dispatch.choices import Status
from propdesk.dispatch.models import WorkOrder
from propdesk.dispatch.services.calls import tel_uri
from propdesk.testing.factories import UserFactory
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.services import ticket_create

from .api_kit import as_user, wo_url
from .helpers import NOW, advance, build_crew, new_ticket, work_order_of

pytestmark = pytest.mark.usefixtures("clock")

PHONE = "13812345678"  # 张伟, the resident the ticket is about (shown as 138****5678)


@pytest.fixture
def crew(world, clock):
    crew = build_crew(world)
    clock.move_to(NOW)
    return crew


@pytest.fixture
def wo(world, crew):
    return work_order_of(new_ticket(crew.receptionist, world))


def call_url(wo) -> str:
    return reverse("dispatch:call", args=[wo.pk])


def accesses() -> list[PersonalDataAccess]:
    return list(PersonalDataAccess.objects.all())


# --- the service and its rule --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.ASSIGNED, Status.ACCEPTED, Status.ARRIVED])
def test_the_assigned_worker_of_an_open_job_gets_the_number_to_dial_and_it_is_recorded(crew, wo, status):
    wo = advance(wo, crew, status)

    uri = services.work_order_call(actor=crew.plumber, work_order=wo, ip_address="203.0.113.7")

    assert uri == f"tel:{PHONE}"
    (access,) = accesses()
    assert (access.actor, access.field, access.purpose) == (
        crew.plumber,
        PersonalDataAccess.Field.PHONE,
        PersonalDataAccess.Purpose.CALL,
    )
    assert (access.subject_type, access.subject_id) == (ContentType.objects.get_for_model(WorkOrder), str(wo.pk))
    assert wo.number in access.subject_repr
    assert (access.ip_address, access.service_center_id, access.at) == ("203.0.113.7", wo.service_center_id, NOW)
    assert PHONE not in f"{access.subject_repr} {access.reason}"


def test_the_number_the_customer_gave_is_called_before_the_residents(world, crew):
    ticket = ticket_create(
        actor=crew.receptionist,
        kind=Kind.REPAIR,
        content="阳台漏水",
        channel=Channel.PHONE,
        resident=world.resident_a,
        contact_name="张太太",
        contact_phone="139-0000-8694",
    )
    wo = advance(work_order_of(ticket), crew, Status.ACCEPTED)

    assert services.work_order_call(actor=crew.plumber, work_order=wo) == "tel:13900008694"


@pytest.mark.parametrize(
    ("number", "uri"),
    [
        ("13812345678", "tel:13812345678"),
        ("0755-26881234", "tel:075526881234"),
        ("0755-26881234-801", "tel:075526881234"),
    ],
)
def test_tel_uri(number, uri):
    assert tel_uri(number) == uri


def refused(user, wo) -> None:
    with pytest.raises(PermissionDenied):
        services.work_order_call(actor=user, work_order=wo)
    assert accesses() == []


def test_another_technician_is_refused_and_nothing_is_recorded(crew, wo):
    refused(crew.electrician, advance(wo, crew, Status.ACCEPTED))


@pytest.mark.parametrize("status", [Status.FINISHED, Status.REPORTED, Status.SIGNED_OFF])
def test_a_job_no_longer_being_worked_on_is_refused(crew, wo, status):
    refused(crew.plumber, advance(wo, crew, status))


def test_a_closed_or_cancelled_job_is_refused(crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    WorkOrder.objects.filter(pk=wo.pk).update(status=Status.CLOSED)
    refused(crew.plumber, WorkOrder.objects.get(pk=wo.pk))
    WorkOrder.objects.filter(pk=wo.pk).update(status=Status.CANCELLED)
    refused(crew.plumber, WorkOrder.objects.get(pk=wo.pk))


def test_dispatchers_and_the_resident_are_refused(world, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    resident = UserFactory(username="zhangwei")
    world.resident_a.user = resident
    world.resident_a.save(update_fields=["user"])
    for user in (crew.operator, crew.manager, crew.receptionist, resident):
        refused(user, wo)


def test_a_job_without_a_phone_says_so(world, crew):
    ticket = ticket_create(
        actor=crew.receptionist,
        kind=Kind.REPAIR,
        content="地库照明不亮",
        channel=Channel.PHONE,
        community=world.community_a,
    )
    wo = advance(work_order_of(ticket), crew, Status.ACCEPTED)

    with pytest.raises(Exception, match="没有客户的联系电话"):
        services.work_order_call(actor=crew.plumber, work_order=wo)
    assert accesses() == []


# --- the job page -----------------------------------------------------------------------------------------


def test_the_job_page_has_a_call_button_and_never_the_number(client, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    client.force_login(crew.plumber)

    page = client.get(reverse("dispatch:job", args=[wo.pk])).content.decode()

    assert f'action="{call_url(wo)}"' in page
    assert "拨打电话" in page
    assert "138****5678" in page
    assert PHONE not in page
    assert accesses() == []  # opening the page reveals nothing


def test_the_call_button_redirects_the_phone_to_its_dialler(client, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    client.force_login(crew.plumber)

    response = client.post(call_url(wo), REMOTE_ADDR="198.51.100.23")

    assert response.status_code == 302
    assert response["Location"] == f"tel:{PHONE}"
    assert "no-store" in response["Cache-Control"]
    (access,) = accesses()
    assert (access.actor, access.purpose, access.ip_address) == (
        crew.plumber,
        PersonalDataAccess.Purpose.CALL,
        "198.51.100.23",
    )


def test_calling_needs_a_post(client, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    client.force_login(crew.plumber)

    assert client.get(call_url(wo)).status_code == 405
    assert accesses() == []


def test_a_finished_job_has_no_call_button_and_a_call_is_refused_on_the_page(client, crew, wo):
    wo = advance(wo, crew, Status.FINISHED)
    client.force_login(crew.plumber)
    job_url = reverse("dispatch:job", args=[wo.pk])

    assert 'class="call-form"' not in client.get(job_url).content.decode()
    response = client.post(call_url(wo), follow=True)

    assert response.redirect_chain == [(job_url, 302)]
    assert [str(m) for m in response.context["messages"]] == ["只有该工作单的处理人员在处理期间可以拨打客户电话"]
    assert accesses() == []


def test_another_technician_cannot_reach_the_call(client, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    client.force_login(crew.electrician)

    assert client.post(call_url(wo)).status_code == 404
    assert accesses() == []


def test_the_dispatcher_sees_no_call_button_and_is_refused(client, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    client.force_login(crew.operator)

    assert 'class="call-form"' not in client.get(reverse("dispatch:job", args=[wo.pk])).content.decode()
    assert client.post(call_url(wo)).status_code == 302
    assert accesses() == []


# --- the API ----------------------------------------------------------------------------------------------


def test_the_api_gives_the_assigned_worker_the_tel_uri(crew, wo):
    wo = advance(wo, crew, Status.ARRIVED)

    response = as_user(crew.plumber).post(wo_url(wo, "call"))

    assert response.status_code == 200, response.content
    assert response.json() == {"uri": f"tel:{PHONE}"}
    (access,) = accesses()
    assert (access.actor, access.purpose, access.subject_id) == (
        crew.plumber,
        PersonalDataAccess.Purpose.CALL,
        str(wo.pk),
    )


def test_the_api_refuses_everyone_else_and_records_nothing(world, crew, wo):
    wo = advance(wo, crew, Status.ACCEPTED)
    finished = advance(work_order_of(new_ticket(crew.receptionist, world, content="卫生间漏水")), crew, Status.FINISHED)

    assert as_user(crew.electrician).post(wo_url(wo, "call")).status_code == 404
    assert as_user(crew.operator).post(wo_url(wo, "call")).status_code == 403
    assert as_user(crew.tech_b).post(wo_url(wo, "call")).status_code == 404
    response = as_user(crew.plumber).post(wo_url(finished, "call"))
    assert response.status_code == 403
    assert response.json()["detail"] == "只有该工作单的处理人员在处理期间可以拨打客户电话"
    assert accesses() == []
