"""Suggestion boxes opened every two days (a missed opening flagged on day 3 to the owner and their superiors),
items registered as tickets with the box as source; special customers consulted each quarter; the owner forum
each year and the owners' committee each quarter, with their flags."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from propdesk.communities.models import SpecialCustomer
from propdesk.engagement import coverage, services
from propdesk.notify.models import Notification
from propdesk.org.choices import Role
from propdesk.testing.clock import shanghai_time
from propdesk.tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clubhouse(staff):
    return staff(Role.CLUBHOUSE_ADMIN, username="club")


def test_a_box_opened_every_two_days_and_a_missed_opening_flagged_on_day_3(world, cs_sup, manager, clubhouse, clock):
    box = services.box_save(
        actor=cs_sup, community=world.community_a, place="会所前台", owner=clubhouse, starts_on=dt.date(2026, 3, 10)
    )
    opening = services.box_open(actor=clubhouse, box=box, items=[{"kind": "suggestion", "text": "会所延长开放时间"}])
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.source, ticket.source_detail, ticket.kind) == (
        "suggestion_box",
        "self_collected",
        "会所前台",
        "suggestion",
    )
    assert opening.items.get().ticket == ticket and not opening.found_nothing
    clock.move_to(shanghai_time(2026, 3, 12, 20))  # day 2: due today, not missed yet
    assert coverage.box_due(box) == dt.date(2026, 3, 12) and coverage.flag_missed() == 0
    clock.move_to(shanghai_time(2026, 3, 13, 8))  # day 3
    assert coverage.flag_missed() == 1 and coverage.flag_missed() == 0
    told = set(Notification.objects.filter(kind="engagement.box_missed").values_list("recipient", flat=True))
    assert told == {clubhouse.pk, cs_sup.pk, manager.pk}
    nothing = services.box_open(actor=clubhouse, box=box)
    assert nothing.found_nothing and coverage.box_due(box) == dt.date(2026, 3, 15)
    assert not coverage.box_missed(box)


def test_only_the_owner_or_the_keepers_open_a_box(world, cs_sup, assistant, clubhouse):
    box = services.box_save(
        actor=cs_sup, community=world.community_a, place="3栋大堂", owner=assistant, starts_on=dt.date(2026, 3, 10)
    )
    with pytest.raises(PermissionDenied):
        services.box_open(actor=clubhouse, box=box)
    with pytest.raises(PermissionDenied):
        services.box_save(
            actor=assistant, community=world.community_a, place="x", owner=assistant, starts_on=dt.date(2026, 3, 10)
        )
    with pytest.raises(ValidationError):
        services.box_open(actor=assistant, box=box, opened_on=dt.date(2026, 3, 11))
    with pytest.raises(ValidationError):
        services.box_open(actor=assistant, box=box, items=[{"kind": "praise", "text": "好"}])
    assert not box.openings.exists() and not Ticket.objects.exists()


def test_special_customers_each_quarter(world, cs_sup, assistant, clock):
    school = SpecialCustomer.objects.create(community=world.community_a, kind="school", name="翠湖小学")
    shop = SpecialCustomer.objects.create(community=world.community_a, kind="shop", name="便利店")
    consultation = services.consultation_record(
        actor=assistant,
        customer=school,
        held_on=dt.date(2026, 3, 9),
        opinions="放学时段门口拥堵",
        follow_up_kind="suggestion",
        follow_up_text="放学时段增派保安疏导",
    )
    assert consultation.ticket.kind == "suggestion"
    assert coverage.special_customer_coverage(world.community_a) == [(school, True), (shop, False)]
    assert coverage.flag_missed() == 0  # March 10: not yet the 15th of the quarter's last month
    clock.move_to(shanghai_time(2026, 3, 15, 9))
    coverage.flag_missed()
    flag = Notification.objects.get(kind="engagement.special_customers", recipient=cs_sup)
    assert "便利店" in flag.body and "翠湖小学" not in flag.body
    clock.move_to(shanghai_time(2026, 4, 1, 9))  # a new quarter: nobody consulted yet
    assert coverage.special_customer_coverage(world.community_a) == [(school, False), (shop, False)]


def test_the_yearly_forum_and_the_quarterly_committee(world, cs_sup, assistant, clock):
    meeting = services.meeting_record(
        actor=assistant,
        community=world.community_a,
        kind="committee",
        held_on=dt.date(2026, 3, 5),
        title="一季度业委会沟通会",
        attendees="业委会主任、客服主管",
        attendance=6,
        minutes="讨论停车管理",
        opinions=[{"kind": "complaint", "text": "访客车辆乱停"}],
    )
    assert meeting.opinions.get().ticket.channel == "forum"
    clock.move_to(shanghai_time(2026, 6, 20, 9))
    status = coverage.meeting_coverage(world.community_a)
    assert (status["committee_held"], status["committee_flag"], status["forum_flag"]) == (False, True, False)
    clock.move_to(shanghai_time(2026, 12, 1, 9))
    assert coverage.meeting_coverage(world.community_a)["forum_flag"] is True
    coverage.flag_missed()
    assert Notification.objects.filter(kind="engagement.forum", recipient=cs_sup).count() == 1
    services.meeting_record(
        actor=assistant,
        community=world.community_a,
        kind="forum",
        held_on=dt.date(2026, 12, 1),
        title="年度业主座谈会",
        attendees="业主代表 30 人",
        attendance=30,
    )
    assert coverage.meeting_coverage(world.community_a)["forum_flag"] is False
    with pytest.raises(ValidationError):
        services.meeting_record(
            actor=assistant,
            community=world.community_a,
            kind="party",
            held_on=dt.date(2026, 12, 1),
            title="x",
            attendees="y",
        )
