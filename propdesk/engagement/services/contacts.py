"""Suggestion boxes (R-EN-3), consultations of special customers (R-EN-4) and meetings with owners (R-EN-5):
each record written once with its event, each item or opinion turned into a ticket collected by the center."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community, SpecialCustomer
from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import can, require

from ..choices import EngagementEventKind, MeetingKind
from ..models import (
    BoxEvent,
    BoxItem,
    BoxOpening,
    Consultation,
    ConsultationEvent,
    Meeting,
    MeetingEvent,
    MeetingOpinion,
    SuggestionBox,
)
from .common import Channel, bump, clean_kind, lock, make_ticket

BACKDATE_DAYS = 7
MAX_ITEMS = 30


def _past_day(value, field: str, days: int | None = BACKDATE_DAYS) -> dt.date:
    check_date(value, field)
    today = timezone.localdate()
    if not isinstance(value, dt.date) or value > today:
        raise field_error(field, _("日期不能晚于今天"), "future")
    if days is not None and value < today - dt.timedelta(days=days):
        raise field_error(field, _("只能补登 %(n)s 天内的记录") % {"n": days}, "too_old")
    return value


def _owner(community: Community, owner):
    if owner is None or not owner.is_active or not can(owner, "box.read", SuggestionBox(community=community)):
        raise field_error("owner", _("责任人须为该小区的员工"), "not_eligible")
    return owner


@transaction.atomic
def box_save(
    *,
    actor,
    community: Community,
    place: str,
    owner,
    starts_on: dt.date,
    box: SuggestionBox | None = None,
    is_active: bool = True,
    expected_version: int | None = None,
) -> SuggestionBox:
    """Set up a suggestion box (place, owner, first opening) or change one."""
    require(actor, "box.manage", SuggestionBox(community=community), _("您无权管理该小区的意见箱"))
    place = clean_text(place, "place", limit=100)
    owner = _owner(community, owner)
    if not isinstance(starts_on, dt.date):
        raise field_error("starts_on", _("请填写首次开启日期"), "required")
    check_date(starts_on, "starts_on")
    if box is None:
        box = SuggestionBox.objects.create(
            community=community, place=place, owner=owner, starts_on=starts_on, created_by=actor
        )
        BoxEvent.record(box, EngagementEventKind.CREATED, actor, place=place, owner=owner.pk)
        return box
    box = lock(SuggestionBox, box, expected_version, _("意见箱已被他人修改，请刷新后重试"))
    box.place, box.owner, box.starts_on, box.is_active = place, owner, starts_on, bool(is_active)
    bump(box, "place", "owner", "starts_on", "is_active")
    BoxEvent.record(box, EngagementEventKind.CHANGED, actor, place=place, owner=owner.pk, active=box.is_active)
    return box


@transaction.atomic
def box_open(*, actor, box: SuggestionBox, opened_on: dt.date | None = None, items=(), note: str = "") -> BoxOpening:
    """Record an opening of the box: found nothing, or items — each registered as a ticket with the box as its
    source (channel 意见箱, the box's place as the source detail)."""
    require(actor, "box.open", box, _("只有意见箱责任人可以登记开启"))
    box = SuggestionBox.objects.select_for_update().get(pk=box.pk)
    opened_on = _past_day(opened_on or timezone.localdate(), "opened_on")
    items = list(items)
    if len(items) > MAX_ITEMS:
        raise field_error("items", _("一次最多登记 %(n)s 条意见") % {"n": MAX_ITEMS}, "too_many")
    opening = BoxOpening.objects.create(
        box=box,
        opened_on=opened_on,
        opened_by=actor,
        found_nothing=not items,
        note=clean_text(note, "note", required=False, limit=200),
    )
    for item in items:
        kind = clean_kind(item.get("kind", ""))
        ticket = make_ticket(
            actor=actor,
            kind=kind,
            text=item.get("text", ""),
            channel=Channel.SUGGESTION_BOX,
            community=box.community,
            detail=box.place,
            field="items",
        )
        BoxItem.objects.create(opening=opening, kind=kind, text=ticket.content, ticket=ticket)
    BoxEvent.record(box, EngagementEventKind.OPENED, actor, day=opened_on.isoformat(), items=len(items))
    return opening


@transaction.atomic
def consultation_record(
    *,
    actor,
    customer: SpecialCustomer,
    held_on: dt.date,
    opinions: str,
    contact: str = "",
    follow_up_kind: str = "",
    follow_up_text: str = "",
) -> Consultation:
    """A consultation of a special customer (kindergarten, school, shop, mall), with an optional follow-up ticket."""
    community = customer.community
    require(actor, "contact.record", Consultation(community=community), _("您无权登记该小区的特殊顾客沟通"))
    held_on = _past_day(held_on, "held_on", days=31)
    ticket = None
    if (follow_up_text or "").strip():
        ticket = make_ticket(
            actor=actor,
            kind=follow_up_kind,
            text=follow_up_text,
            channel=Channel.INTERVIEW,
            community=community,
            detail=customer.name,
            field="follow_up_text",
        )
    consultation = Consultation.objects.create(
        customer=customer,
        community=community,
        held_on=held_on,
        contact=clean_text(contact, "contact", required=False, limit=100),
        opinions=clean_text(opinions, "opinions", limit=2000),
        ticket=ticket,
        recorded_by=actor,
    )
    ConsultationEvent.record(consultation, EngagementEventKind.CREATED, actor, ticket=ticket.pk if ticket else None)
    return consultation


@transaction.atomic
def meeting_record(
    *,
    actor,
    community: Community,
    kind: str,
    held_on: dt.date,
    title: str,
    attendees: str,
    attendance: int = 0,
    minutes: str = "",
    opinions=(),
) -> Meeting:
    """An owner forum, an owners' committee meeting or a community activity; each opinion becomes a follow-up
    ticket (channel 业主座谈会)."""
    require(actor, "contact.record", Meeting(community=community), _("您无权登记该小区的会议和活动"))
    if kind not in MeetingKind.values:
        raise field_error("kind", _("请选择类别"), "invalid_choice")
    if not isinstance(attendance, int) or isinstance(attendance, bool) or not 0 <= attendance <= 100000:
        raise field_error("attendance", _("参加人数无效"), "invalid")
    meeting = Meeting.objects.create(
        community=community,
        kind=kind,
        held_on=_past_day(held_on, "held_on", days=62),
        title=clean_text(title, "title", limit=100),
        attendees=clean_text(attendees, "attendees", limit=2000),
        attendance=attendance,
        minutes=clean_text(minutes, "minutes", required=False, limit=10000),
        recorded_by=actor,
    )
    for opinion in opinions:
        kind_of = clean_kind(opinion.get("kind", ""))
        ticket = make_ticket(
            actor=actor,
            kind=kind_of,
            text=opinion.get("text", ""),
            channel=Channel.FORUM,
            community=community,
            detail=meeting.title,
            field="opinions",
        )
        MeetingOpinion.objects.create(meeting=meeting, kind=kind_of, text=ticket.content, ticket=ticket)
    MeetingEvent.record(meeting, EngagementEventKind.CREATED, actor, opinions=len(opinions))
    return meeting
