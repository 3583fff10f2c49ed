"""The portal's pages at a phone's width: home, new request, follow, message, cancel, rate, invite; each scoped
to the resident's household, never showing internal notes, escalations, staff phones or login names."""

import pytest
from django.urls import reverse

from propdesk.dispatch.choices import Status as JobStatus
from propdesk.dispatch.tests.helpers import advance, fresh, on18, work_order_of
from propdesk.portal import services
from propdesk.portal.models import Rating
from propdesk.testing.factories import HouseholdFactory, ResidentFactory, UnitFactory
from propdesk.tickets.choices import Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import record_escalation, ticket_add_note

from .conftest import photo


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


def leak(world, resident):
    return services.submit_request(actor=resident, household=world.household_a, kind="repair", content="卫生间漏水")


def test_home_shows_the_residents_name_never_the_login(world, crew, signed_in, resident):
    leak(world, resident)
    page = signed_in.get(reverse("portal:home")).content.decode()
    assert "张伟" in page and "zhangwei" not in page
    assert "卫生间漏水" in page
    assert "138****5678" in page and "13812345678" not in page
    for slot in ('id="notices"', 'id="surveys"', 'id="visitors"'):
        assert slot in page


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_code_sign_in(world, client):
    response = client.get(reverse("portal:new"))
    assert response.status_code == 302 and response.url.startswith(reverse("portal:login"))


def test_staff_without_a_household_are_refused(world, crew, client):
    client.force_login(crew.receptionist)
    assert client.get(reverse("portal:home")).status_code == 403


def test_submit_a_request_with_a_photo(world, crew, signed_in):
    response = signed_in.post(
        reverse("portal:new"),
        {
            "kind": "repair",
            "content": "厨房水管漏水",
            "where": "unit",
            "room_spot": "厨房",
            "preferred_day": "2026-11-19",
            "preferred_slot": "morning",
            "photos": [photo()],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("portal:detail", args=[ticket.pk])
    assert ticket.attachments.count() == 1
    assert ticket.preferred_from == on18(9).replace(day=19)


def test_a_bad_photo_shows_on_the_form(world, crew, signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.jpg", b"this is text", content_type="image/jpeg")
    response = signed_in.post(
        reverse("portal:new"), {"kind": "repair", "content": "漏水", "where": "unit", "photos": [bad]}
    )
    assert response.status_code == 400
    assert "只能上传照片" in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_public_place_needs_its_name(world, crew, signed_in):
    response = signed_in.post(reverse("portal:new"), {"kind": "complaint", "content": "灯坏了", "where": "public"})
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_another_households_request_is_404_on_every_page(world, crew, client, resident, resident_b):
    ticket = leak(world, resident)
    client.force_login(resident_b)
    for name in ("portal:detail", "portal:message", "portal:cancel", "portal:rate"):
        method = client.get if name == "portal:detail" else client.post
        assert method(reverse(name, args=[ticket.pk]), {"text": "x", "score": "5"}).status_code == 404, name
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_the_request_page_hides_what_is_internal(world, crew, signed_in, resident):
    ticket = leak(world, resident)
    ticket_add_note(actor=crew.operator, ticket=ticket, text="内部：该户上月欠费")
    record_escalation(ticket=ticket, actor=crew.supervisor, reason="超时升级至经理", data={"level": 1})
    profile = crew.plumber.staff_profile
    profile.phone = "13900001111"
    profile.save()
    advance(work_order_of(ticket), crew, JobStatus.ACCEPTED)
    page = signed_in.get(reverse("portal:detail", args=[ticket.pk])).content.decode()
    assert profile.name in page
    for secret in ("内部：该户上月欠费", "超时升级至经理", "13900001111", "plumber", "operator"):
        assert secret not in page, secret


def test_message_cancel_and_rate_from_the_page(world, crew, signed_in, resident):
    ticket = leak(world, resident)
    signed_in.post(reverse("portal:message", args=[ticket.pk]), {"text": "周末都在家"})
    assert "周末都在家" in signed_in.get(reverse("portal:detail", args=[ticket.pk])).content.decode()
    other = leak(world, resident)
    signed_in.post(reverse("portal:cancel", args=[other.pk]), {"reason": "不需要了"})
    assert Ticket.objects.get(pk=other.pk).status == Status.CANCELLED
    advance(work_order_of(ticket), crew, JobStatus.SIGNED_OFF)
    page = signed_in.get(reverse("portal:detail", args=[ticket.pk])).content.decode()
    assert 'id="rate"' in page and 'id="cancel"' not in page
    signed_in.post(reverse("portal:rate", args=[ticket.pk]), {"score": "5", "comment": "很及时"})
    assert Rating.objects.get().score == 5
    assert fresh(work_order_of(ticket)).customer_rating == 5


def test_an_invalid_rating_is_a_message_not_a_crash(world, crew, signed_in, resident):
    ticket = leak(world, resident)
    advance(work_order_of(ticket), crew, JobStatus.SIGNED_OFF)
    response = signed_in.post(reverse("portal:rate", args=[ticket.pk]), {"score": "nine"}, follow=True)
    assert response.status_code == 200 and "请选择 1 到 5 分" in response.content.decode()
    assert not Rating.objects.exists()


def test_choosing_among_several_households(world, crew, signed_in, resident):
    second = HouseholdFactory(unit=UnitFactory(building=world.household_a.unit.building, number="1505"))
    ResidentFactory(household=second, name="张伟", phone="13812345678", user=resident)
    assert signed_in.post(reverse("portal:household"), {"household": second.pk}).status_code == 302
    signed_in.post(reverse("portal:new"), {"kind": "consultation", "content": "停车位怎么办", "where": "unit"})
    assert Ticket.objects.get().household == second
    # Someone else's household cannot be chosen.
    assert signed_in.post(reverse("portal:household"), {"household": world.household_b.pk}).status_code == 404


def test_invite_a_visitor(world, crew, signed_in):
    response = signed_in.post(
        reverse("portal:invite"),
        {"visitor_name": "王强", "valid_from": "2026-11-18T15:00", "valid_until": "2026-11-18T18:00", "people": 1},
    )
    assert response.status_code == 200
    from propdesk.visitors.models import Invitation

    invitation = Invitation.objects.get()
    assert invitation.household == world.household_a
    assert invitation.code in response.content.decode()


def test_the_technician_sees_the_rating_on_the_job_page(world, crew, client, resident):
    ticket = leak(world, resident)
    wo = advance(work_order_of(ticket), crew, JobStatus.SIGNED_OFF)
    services.confirm_and_rate(actor=resident, ticket=Ticket.objects.get(pk=ticket.pk), score=4, comment="修得不错")
    client.force_login(crew.plumber)
    page = client.get(reverse("dispatch:job", args=[wo.pk])).content.decode()
    assert "4" in page and "修得不错" in page


def test_the_home_page_leads_residents_to_the_portal(world, crew, client, resident):
    client.force_login(resident)
    assert reverse("portal:home") in client.get(reverse("home")).content.decode()
    client.force_login(crew.receptionist)
    assert reverse("portal:home") not in client.get(reverse("home")).content.decode()
