"""The interview register: an interview with findings that become linked tickets in one action, important
information fed back to the center, refusals that keep nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.engagement import services
from propdesk.engagement.models import Interview, InterviewFinding
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.tickets.models import Ticket

from .conftest import NOW

pytestmark = pytest.mark.usefixtures("clock")


def test_a_home_visit_with_a_repair_finding_becomes_a_linked_ticket(world, assistant, manager, cs_sup):
    interview = services.interview_record(
        actor=assistant,
        household=world.household_a,
        kind="home_visit",
        satisfaction=3,
        interviewee="张伟",
        opinions="绿化修剪不及时",
        important=True,
        findings=[{"kind": "repair", "text": "卫生间天花板渗水"}, {"kind": "suggestion", "text": "增设快递柜"}],
    )
    assert interview.at == NOW and list(interview.interviewers.all()) == [assistant]
    tickets = Ticket.objects.order_by("pk")
    assert [(t.kind, t.channel, t.source, t.household_id) for t in tickets] == [
        ("repair", "interview", "self_collected", world.household_a.pk),
        ("suggestion", "interview", "self_collected", world.household_a.pk),
    ]
    assert [f.ticket for f in interview.findings.all()] == list(tickets)
    told = set(Notification.objects.filter(kind="engagement.important_interview").values_list("recipient", flat=True))
    assert told == {manager.pk, cs_sup.pk}
    assert [e.kind for e in interview.events.all()] == ["recorded", "ticket", "ticket", "reported"]


def test_a_finding_after_the_fact(world, assistant):
    interview = services.interview_record(actor=assistant, household=world.household_a, kind="phone", satisfaction=5)
    ticket = services.interview_finding_to_ticket(
        actor=assistant, interview=interview, kind="complaint", text="夜间噪音"
    )
    assert ticket.kind == "complaint" and interview.findings.get().ticket == ticket


def test_a_refused_finding_keeps_nothing(world, assistant):
    with pytest.raises(ValidationError):
        services.interview_record(
            actor=assistant,
            household=world.household_a,
            kind="phone",
            satisfaction=4,
            findings=[{"kind": "praise", "text": "很好"}],
        )
    assert not Interview.objects.exists() and not Ticket.objects.exists() and not InterviewFinding.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "mail"), ("satisfaction", 9), ("at", NOW + dt.timedelta(hours=1)), ("at", NOW - dt.timedelta(days=40))],
)
def test_bad_input_is_a_field_error(world, assistant, field, value):
    data = {"kind": "phone", "satisfaction": 4, field: value}
    with pytest.raises(ValidationError) as refused:
        services.interview_record(actor=assistant, household=world.household_a, **data)
    assert field in refused.value.message_dict


def test_only_interviewers_of_the_community(world, assistant, staff):
    with pytest.raises(PermissionDenied):
        services.interview_record(
            actor=staff(Role.TECHNICIAN), household=world.household_a, kind="phone", satisfaction=4
        )
    with pytest.raises(PermissionDenied):
        services.interview_record(actor=assistant, household=world.household_b, kind="phone", satisfaction=4)
    guard = staff(Role.SECURITY_GUARD)
    with pytest.raises(ValidationError):
        services.interview_record(
            actor=assistant, household=world.household_a, kind="phone", satisfaction=4, interviewers=[guard]
        )
