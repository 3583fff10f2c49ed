"""The timeliness rate over the API: same scoping and numbers as the page."""

import datetime as dt

import pytest

from propdesk.org.choices import Role
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaTarget
from propdesk.testing.factories import staff_user
from propdesk.tickets.services import ticket_create, ticket_reply

URL = "/api/v1/sla/timeliness"
MORNING = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def clock_start():
    return dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def test_rates_by_kind_for_the_users_center_only(client, world, clock):
    # given two complaints in center A: one contacted within 2 h, one not; and one in center B
    reception = staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a)
    reception_b = staff_user("rec-b", Role.RECEPTIONIST, center=world.center_b)
    clock.move_to(MORNING)
    on_time = ticket_create(
        actor=reception, kind="complaint", content="噪音扰民", channel="phone", household=world.household_a
    )
    late = ticket_create(
        actor=reception, kind="complaint", content="电梯停运", channel="phone", household=world.household_a
    )
    ticket_create(actor=reception_b, kind="complaint", content="垃圾未清", channel="phone", household=world.household_b)
    clock.move_to(MORNING + dt.timedelta(minutes=30))
    ticket_reply(actor=reception, ticket=on_time, method="phone", content="已联系")
    clock.move_to(MORNING + dt.timedelta(hours=3))
    ticket_reply(actor=reception, ticket=late, method="phone", content="已联系")
    contact = SlaTarget.objects.filter(policy__code="complaint_first_contact", ticket__in=[on_time, late])
    assert sorted(contact.values_list("state", flat=True)) == [TargetState.BREACHED, TargetState.MET]

    # when the receptionist of center A asks for the rate by kind
    client.force_login(reception)
    response = client.get(URL, {"date_from": "2026-11-01", "date_to": "2026-11-30", "group": "policy"})

    # then center B's clocks are not counted and the complaint first contact is 1 of 2 on time
    assert response.status_code == 200
    body = response.json()
    by_label = {row["label"]: row for row in body["rows"]}
    assert by_label["投诉 2 小时内联系客户"] == {
        "label": "投诉 2 小时内联系客户",
        "met": 1,
        "breached": 1,
        "total": 2,
        "rate": 0.5,
        "below_target": True,
    }
    assert body["target"] == 0.9
    assert body["total"]["total"] == sum(row["total"] for row in body["rows"])


def test_bad_period_and_residents_are_refused(client, world):
    reception = staff_user("rec-a", Role.RECEPTIONIST, center=world.center_a)
    client.force_login(reception)
    response = client.get(URL, {"date_from": "2026-12-01", "date_to": "2026-11-01"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "date_from"
    assert client.get(URL, {"group": "planet"}).status_code == 422
    former = staff_user("someone", Role.RECEPTIONIST, center=world.center_b)
    former.role_memberships.update(is_active=False)
    client.force_login(former)
    assert client.get(URL).status_code == 403
