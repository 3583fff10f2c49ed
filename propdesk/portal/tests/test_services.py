"""The resident's actions through the services: submit with photos, place and a preferred time; follow; message;
cancel before dispatch; confirm and rate, feeding the return visit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from propdesk.dispatch.choices import Status as JobStatus
from propdesk.dispatch.models import ReturnVisit
from propdesk.dispatch.tests.helpers import advance, fresh, on18, work_order_of
from propdesk.portal import selectors, services
from propdesk.portal.models import PortalSettings, Rating
from propdesk.tickets.choices import Channel, Status
from propdesk.tickets.models import Attachment, Reply, Ticket

from .conftest import photo


def submit(user, world, **kwargs):
    base = {"kind": "repair", "content": "卫生间天花板漏水，滴到地上"}
    return services.submit_request(actor=user, household=world.household_a, **{**base, **kwargs})


def test_a_leak_with_a_photo_and_a_time_goes_onto_the_board(world, crew, resident):
    ticket = submit(
        resident,
        world,
        room_spot="卫生间",
        preferred_from=on18(14),
        preferred_to=on18(18),
        photos=[photo()],
    )
    assert ticket.channel == Channel.PORTAL
    assert ticket.resident == world.resident_a
    assert ticket.household == world.household_a
    assert ticket.unit == world.household_a.unit
    assert ticket.location == "卫生间"
    assert (ticket.preferred_from, ticket.preferred_to) == (on18(14), on18(18))
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.content_type == "image/jpeg"
    assert work_order_of(ticket).status == JobStatus.PENDING


def test_a_public_place_is_not_the_residents_room(world, crew, resident):
    ticket = submit(resident, world, kind="complaint", content="地库 B2 灯坏了一排", public_place="地库 B2")
    assert ticket.unit is None
    assert ticket.place == "地库 B2"
    assert ticket.household == world.household_a


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a photo at all", content_type="image/jpeg"), "invalid_type"),
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4 scan", content_type="application/pdf"), "invalid_type"),
        (SimpleUploadedFile("x.jpg", b"", content_type="image/jpeg"), "empty"),
    ],
)
def test_only_photos_are_accepted_judged_by_their_bytes(world, crew, resident, upload, code):
    with pytest.raises(ValidationError) as caught:
        submit(resident, world, photos=[upload])
    assert caught.value.error_dict["photos"][0].code == code
    assert not Ticket.objects.exists()


def test_bad_input_is_refused_with_a_field_error(world, crew, resident):
    cases = [
        ({"kind": "feedback"}, "kind"),
        ({"content": "   "}, "content"),
        ({"preferred_from": on18(14), "preferred_to": on18(13)}, "preferred_to"),
        ({"preferred_from": on18(8), "preferred_to": on18(9)}, "preferred_from"),
        (
            {"preferred_from": on18(9) + dt.timedelta(days=40), "preferred_to": on18(12) + dt.timedelta(days=40)},
            "preferred_from",
        ),
        ({"photos": [photo(f"{n}.jpg") for n in range(7)]}, "photos"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as caught:
            submit(resident, world, **kwargs)
        assert field in caught.value.error_dict, kwargs
    assert not Ticket.objects.exists()


def test_nobody_submits_for_another_household(world, crew, resident, resident_b):
    with pytest.raises(PermissionDenied):
        services.submit_request(actor=resident, household=world.household_b, kind="repair", content="漏水")
    with pytest.raises(PermissionDenied):
        services.submit_request(actor=crew.receptionist, household=world.household_a, kind="repair", content="漏水")


def test_another_households_request_is_not_found(world, crew, resident, resident_b):
    ticket = submit(resident, world)
    with pytest.raises(Ticket.DoesNotExist):
        selectors.request_get(user=resident_b, household=world.household_b, pk=ticket.pk)
    with pytest.raises(Ticket.DoesNotExist):
        selectors.request_get(user=resident_b, household=world.household_a, pk=ticket.pk)
    with pytest.raises(PermissionDenied):
        services.add_message(actor=resident_b, ticket=ticket, text="我也来说两句")
    with pytest.raises(PermissionDenied):
        services.cancel_request(actor=resident_b, ticket=ticket)
    assert fresh_ticket(ticket).status == Status.NEW


def fresh_ticket(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_a_message_reaches_whoever_answers_for_it(world, crew, resident):
    ticket = submit(resident, world)
    services.add_message(actor=resident, ticket=ticket, text="下午两点后家里有人")
    reply = Reply.objects.get(ticket=ticket)
    assert reply.by == resident and reply.customer_opinion == "下午两点后家里有人"
    view = selectors.request_view(
        user=resident, ticket=selectors.request_get(user=resident, household=world.household_a, pk=ticket.pk)
    )
    assert [m.text for m in view.messages] == ["下午两点后家里有人"]
    assert view.messages[0].by == "张伟"


def test_cancel_before_dispatch_withdraws_the_job(world, crew, resident):
    ticket = submit(resident, world)
    services.cancel_request(actor=resident, ticket=ticket, reason="自己修好了", expected_version=ticket.version)
    assert fresh_ticket(ticket).status == Status.CANCELLED
    assert work_order_of(ticket).status == JobStatus.CANCELLED


def test_no_cancel_once_someone_is_sent(world, crew, resident):
    ticket = submit(resident, world)
    advance(work_order_of(ticket), crew, JobStatus.ASSIGNED)
    with pytest.raises(ValidationError) as caught:
        services.cancel_request(actor=resident, ticket=ticket)
    assert caught.value.error_dict["status"][0].code == "dispatched"
    assert fresh_ticket(ticket).status != Status.CANCELLED


def test_a_stale_version_is_refused(world, crew, resident):
    from propdesk.core.errors import StaleVersion

    ticket = submit(resident, world)
    with pytest.raises(StaleVersion):
        services.cancel_request(actor=resident, ticket=ticket, expected_version=ticket.version + 5)


def test_the_worker_and_window_are_shown_never_their_phone_or_login(world, crew, resident):
    ticket = submit(resident, world)
    wo = work_order_of(ticket)
    wo.scheduled_start, wo.scheduled_end = on18(14), on18(16)
    wo.save()
    advance(wo, crew, JobStatus.ACCEPTED)
    found = selectors.request_get(user=resident, household=world.household_a, pk=ticket.pk)
    job = selectors.request_view(user=resident, ticket=found).jobs[0]
    assert job.worker == crew.plumber.staff_profile.name
    assert job.worker != crew.plumber.username
    assert (job.window_from, job.window_to) == (on18(14), on18(16))


def finished(world, crew, resident):
    ticket = submit(resident, world)
    advance(work_order_of(ticket), crew, JobStatus.SIGNED_OFF)
    assert fresh_ticket(ticket).status == Status.RESOLVED
    return fresh_ticket(ticket)


def test_no_rating_before_the_work_is_done(world, crew, resident):
    ticket = submit(resident, world)
    with pytest.raises(ValidationError):
        services.confirm_and_rate(actor=resident, ticket=ticket, score=5)
    assert not Rating.objects.exists()


def test_a_satisfied_rating_does_not_replace_the_call_by_default(world, crew, resident):
    ticket = finished(world, crew, resident)
    services.confirm_and_rate(actor=resident, ticket=ticket, score=5, comment="师傅很专业")
    wo = fresh(work_order_of(ticket))
    assert wo.customer_rating == 5
    assert wo.status == JobStatus.SIGNED_OFF  # the control center still calls
    assert fresh_ticket(ticket).status == Status.RESOLVED
    assert not ReturnVisit.objects.exists()
    with pytest.raises(ValidationError) as caught:
        services.confirm_and_rate(actor=resident, ticket=ticket, score=4)
    assert caught.value.error_dict["score"][0].code == "already_rated"


def test_where_the_center_allows_it_a_satisfied_rating_stands_in_for_the_call(world, crew, resident):
    PortalSettings.objects.create(service_center=world.center_a, rating_replaces_return_visit=True)
    ticket = finished(world, crew, resident)
    rating = services.confirm_and_rate(actor=resident, ticket=ticket, score=4, comment="挺好")
    assert rating.stood_in_for_visit
    visit = ReturnVisit.objects.get()
    assert (visit.reached, visit.quality, visit.by) == (True, 4, resident)
    assert fresh(work_order_of(ticket)).status == JobStatus.CLOSED
    assert fresh_ticket(ticket).status == Status.CLOSED


def test_a_dissatisfied_rating_reopens_and_goes_back_to_the_board(world, crew, resident):
    PortalSettings.objects.create(service_center=world.center_a, rating_replaces_return_visit=True)
    ticket = finished(world, crew, resident)
    services.confirm_and_rate(actor=resident, ticket=ticket, score=2, comment="还在滴水")
    reopened = fresh_ticket(ticket)
    assert reopened.status == Status.IN_PROGRESS and reopened.reopen_count == 1
    wo = fresh(work_order_of(ticket))
    assert wo.status == JobStatus.PENDING and wo.assignee is None
    # Finished again, it can be rated again.
    advance(wo, crew, JobStatus.SIGNED_OFF)
    services.confirm_and_rate(actor=resident, ticket=fresh_ticket(ticket), score=5)
    assert Rating.objects.count() == 2


def test_a_consultation_closes_on_the_residents_word(world, crew, resident):
    from propdesk.tickets.services import ticket_transition

    ticket = submit(resident, world, kind="consultation", content="物业费可以用微信交吗")
    ticket_transition(actor=crew.receptionist, ticket=ticket, to_status=Status.RESOLVED)
    services.confirm_and_rate(actor=resident, ticket=fresh_ticket(ticket), score=5)
    assert fresh_ticket(ticket).status == Status.CLOSED


def test_invite_a_visitor_for_the_chosen_household(world, crew, resident):
    invitation = services.invite_visitor(
        actor=resident,
        household=world.household_a,
        visitor_name="王强",
        valid_from=on18(15),
        valid_until=on18(18),
    )
    assert invitation.household == world.household_a and len(invitation.code) == 6
    with pytest.raises(PermissionDenied):
        services.invite_visitor(
            actor=resident, household=world.household_b, visitor_name="王强", valid_from=on18(15), valid_until=on18(18)
        )
