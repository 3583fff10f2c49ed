"""Outages at the front desk (R-PB-3): shown for a caller from an affected building, not for another building;
a call linked to it is counted on the outage."""

import datetime as dt

import pytest
from django.urls import reverse

from propdesk.notices import services
from propdesk.notices.models import OutageCall
from propdesk.testing.factories import BuildingFactory, HouseholdFactory, ResidentFactory, UnitFactory
from propdesk.tickets.models import Ticket

from .conftest import NOW, outage_data

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def approved_outage(world, info_a, manager_a):
    starts = NOW + dt.timedelta(hours=73)
    notice = services.notice_create(actor=info_a, service_center=world.center_a, data=outage_data(world, starts))
    notice = services.notice_submit(actor=info_a, notice=notice, expected_version=None)
    return services.notice_approve(actor=manager_a, notice=notice, expected_version=None)


@pytest.fixture
def neighbour(world):
    """A caller from 5栋 of the same community (not affected by the 3栋 outage)."""
    unit = UnitFactory(
        building=BuildingFactory(community=world.community_a, name="5栋"), entrance="1单元", number="501"
    )
    household = HouseholdFactory(unit=unit)
    ResidentFactory(household=household, name="赵敏", phone="13700001111")
    return household


def _lookup(client, phone):
    return client.get(reverse("intake:lookup"), {"q": phone}).content.decode()


def test_outage_shows_at_the_desk_for_an_affected_caller_only(
    world, client, reception_a, approved_outage, neighbour, clock
):
    client.force_login(reception_a)
    # Three days before it starts it is not shown yet.
    assert "3栋计划停水通知" not in _lookup(client, "13812345678")
    clock.move_to(NOW + dt.timedelta(hours=74))
    html = _lookup(client, "13812345678")
    assert 'data-kind="outage"' in html and "3栋计划停水通知" in html
    assert "水箱清洗停水" in html  # the answer to read out
    assert f'value="outage:{approved_outage.pk}"' in html
    assert "3栋计划停水通知" not in _lookup(client, "13700001111")
    # Once over, it is gone.
    clock.move_to(NOW + dt.timedelta(hours=78))
    assert "3栋计划停水通知" not in _lookup(client, "13812345678")


def test_an_unapproved_outage_is_not_shown(world, client, reception_a, info_a, clock):
    starts = NOW + dt.timedelta(hours=80)
    services.notice_create(actor=info_a, service_center=world.center_a, data=outage_data(world, starts))
    clock.move_to(starts)
    client.force_login(reception_a)
    assert "3栋计划停水通知" not in _lookup(client, "13812345678")


def test_a_receptionist_of_another_center_does_not_see_it(world, client, reception_b, approved_outage):
    from propdesk.notices.services.outages import desk_outages

    household = world.household_a
    found = desk_outages(user=reception_b, households=[household], now=NOW + dt.timedelta(hours=74))
    assert found == {}


def test_calls_linked_to_the_outage_are_counted_on_it_not_ticketed(
    world, client, reception_a, manager_a, approved_outage, clock
):
    clock.move_to(NOW + dt.timedelta(hours=74))
    client.force_login(reception_a)
    for content in ("问什么时候来水", "又问停水"):
        response = client.post(
            reverse("intake:record"),
            {
                "household": world.household_a.pk,
                "resident": world.resident_a.pk,
                "channel": "phone",
                "source": "customer",
                "kind": "consultation",
                "content": content,
                "outcome": "answered",
                "outcome_note": "已告知 18:00 恢复供水",
                "desk_link": [f"outage:{approved_outage.pk}"],
            },
        )
        assert response.status_code == 200, response.content.decode()[:500]
    assert OutageCall.objects.filter(notice=approved_outage).count() == 2
    assert not Ticket.objects.exists()
    assert approved_outage.events.filter(kind="call_linked").count() == 2
    client.force_login(manager_a)
    page = client.get(reverse("notices:detail", args=[approved_outage.pk])).content.decode()
    assert 'id="outage-calls"' in page and 'data-count="2"' in page
