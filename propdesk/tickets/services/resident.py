"""What a resident does to their own household's requests (the portal and the same API for a mini-program):
submit one with photos, the place and a preferred visit time; add a message; withdraw it before anyone was
sent; confirm the result and rate it. The same ticket services as the desk, with the residents' own rules."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.communities.models import Household, Resident
from propdesk.core import texts
from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.permissions import RuleSet, require
from propdesk.core.texts import t

from ..choices import Channel, EventKind, Kind, ReplyMethod, Status
from ..models import Attachment, Reply, Ticket
from . import notices
from .base import _clean_text, _event, _lock, _save
from .create import ticket_create
from .workflow import ticket_transition

# A resident acts on their own household's requests only (the household of the ticket).
resident_rules = RuleSet(
    "resident_request",
    community=lambda t: t.community_id,
    household=lambda t: t.household_id,
    paths={"community": "community_id", "household": "household_id"},
)
resident_rules.allow("reply", residents=True)
resident_rules.allow("cancel", residents=True)
resident_rules.allow("confirm", residents=True)

# What a resident may ask for (information feedback is the staff's own kind).
RESIDENT_KINDS = (
    Kind.REPAIR,
    Kind.COMPLAINT,
    Kind.SUGGESTION,
    Kind.PRAISE,
    Kind.CONSULTATION,
    Kind.SPECIAL_SERVICE,
)
PHOTOS_MAX = 6
# A preferred visit is asked for within the coming weeks, and as a window of at most a day.
PREFERRED_AHEAD = dt.timedelta(days=30)
PREFERRED_LONGEST = dt.timedelta(hours=24)
# Work orders still waiting for a dispatcher: the request may be withdrawn.
UNDISPATCHED = frozenset({"pending", "cancelled"})
FINISHED_WORK = frozenset({"closed", "cancelled"})
SATISFIED_FROM = 3  # a rating of 3 or more is satisfied, as a return visit's quality (dispatch.ReturnVisit)


def resident_of(user, household: Household) -> Resident:
    """The user's active resident record in ``household``; anyone else is refused."""
    found = Resident.objects.filter(user=user, household=household, is_active=True, household__is_active=True).first()
    if found is None or not user.is_active:
        raise PermissionDenied(_("您不是该住户的成员"))
    return found


def _check_window(start: dt.datetime | None, end: dt.datetime | None) -> None:
    if start is None and end is None:
        return
    if start is None or end is None:
        raise field_error("preferred_from", _("请同时填写期望上门的开始和结束时间"), "required")
    now = timezone.now()
    if end <= start:
        raise field_error("preferred_to", _("期望上门的结束时间须晚于开始时间"), "invalid")
    if end - start > PREFERRED_LONGEST:
        raise field_error("preferred_to", _("期望上门时间段不能超过一天"), "too_long")
    if end <= now:
        raise field_error("preferred_from", _("期望上门时间已经过去"), "past")
    if start > now + PREFERRED_AHEAD:
        raise field_error("preferred_from", _("期望上门时间只能选 30 天以内"), "too_far")


def check_photo(upload) -> str:
    """The type of an uploaded photo, judged by its first bytes; anything but a photo is refused."""
    limit = settings.PROPDESK_ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise field_error("photos", _("照片是空的"), "empty")
    if upload.size > limit:
        raise field_error("photos", _("照片不能超过 %(mb)s MB") % {"mb": limit // 2**20}, "too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_type(head, (upload.name or "photo").rsplit("/", 1)[-1])
    if content_type is None or not content_type.startswith("image/"):
        raise field_error("photos", _("只能上传照片（JPG、PNG、GIF、WebP、HEIC）"), "invalid_type")
    return content_type


def _attach(actor, ticket: Ticket, upload, content_type: str) -> Attachment:
    name = (upload.name or "photo").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        ticket=ticket, original_name=name, content_type=content_type, size=upload.size, uploaded_by=actor
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _event(ticket, EventKind.ATTACHMENT, actor, attachment=attachment.pk, name=name, size=upload.size)
    return attachment


@transaction.atomic
def resident_submit(
    *,
    actor,
    household: Household,
    kind: str,
    content: str,
    public_place: str = "",
    room_spot: str = "",
    preferred_from: dt.datetime | None = None,
    preferred_to: dt.datetime | None = None,
    photos=(),
) -> Ticket:
    """A resident's request for their household: in their own unit (``room_spot`` says where: 卫生间) or in a
    public place (``public_place``: 地库 B2). Repairs and special services go onto the control center's board."""
    resident = resident_of(actor, household)
    if kind not in RESIDENT_KINDS:
        raise field_error("kind", _("请选择诉求类别"), "invalid")
    _check_window(preferred_from, preferred_to)
    photos = list(photos)
    if len(photos) > PHOTOS_MAX:
        raise field_error("photos", _("最多上传 %(n)s 张照片") % {"n": PHOTOS_MAX}, "too_many")
    types = [check_photo(upload) for upload in photos]
    public_place = _clean_text(public_place, "public_place", required=False, limit=80)
    room_spot = _clean_text(room_spot, "room_spot", required=False, limit=80)
    location = public_place or room_spot
    ticket = ticket_create(
        actor=actor, kind=kind, content=content, channel=Channel.PORTAL, resident=resident, location=location
    )
    changes = {"preferred_from": preferred_from, "preferred_to": preferred_to}
    if public_place:
        changes["unit"] = None  # the matter is not in the resident's room; the household stays the reporter
    Ticket.objects.filter(pk=ticket.pk).update(**changes)
    for upload, content_type in zip(photos, types, strict=True):
        _attach(actor, ticket, upload, content_type)
    ticket.refresh_from_db()
    return ticket


@transaction.atomic
def resident_message(*, actor, ticket: Ticket, text: str) -> Reply:
    """A message from the resident on their request; whoever answers for it is told."""
    ticket = _lock(ticket, None)
    require(actor, "resident_request.reply", ticket, _("您无权处理该诉求"))
    if ticket.status == Status.CANCELLED:
        raise field_error("text", _("该诉求已撤销"), "cancelled")
    text = _clean_text(text, "text", limit=2000)
    reply = Reply.objects.create(
        ticket=ticket,
        by=actor,
        method=ReplyMethod.SMS,
        content=texts.dumps(t(gettext_noop("住户留言"))),
        customer_opinion=text,
    )
    _save(ticket, [])
    _event(ticket, EventKind.REPLIED, actor, reply=reply.pk, method=ReplyMethod.SMS, by_resident=True)
    notices.customer_answered(ticket, actor=actor, text=text, key=f"resident-reply{reply.pk}")
    return reply


def dispatched(ticket: Ticket) -> bool:
    """Someone was sent (or the job taken) for the request: any work order past waiting for dispatch."""
    return ticket.work_orders.exclude(status__in=UNDISPATCHED).exists()


@transaction.atomic
def resident_cancel(*, actor, ticket: Ticket, reason: str, expected_version: int | None = None) -> Ticket:
    """Withdraw a request that nobody has been sent for yet."""
    ticket = _lock(ticket, expected_version)
    require(actor, "resident_request.cancel", ticket, _("您无权撤销该诉求"))
    if ticket.status not in (Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER):
        raise field_error("status", _("该诉求已%(s)s，不能撤销") % {"s": ticket.get_status_display()}, "not_open")
    if dispatched(ticket):
        raise field_error("status", _("已派人处理，不能撤销；如不再需要，请联系服务中心"), "dispatched")
    reason = _clean_text(reason, "reason", required=False, limit=200) or t(gettext_noop("住户撤销"))
    return ticket_transition(
        actor=actor, ticket=ticket, to_status=Status.CANCELLED, reason=reason, check_permission=False
    )


def may_confirm(ticket: Ticket) -> bool:
    return ticket.status in (Status.RESOLVED, Status.CLOSED)


@transaction.atomic
def resident_confirm(
    *, actor, ticket: Ticket, score: int, comment: str = "", expected_version: int | None = None
) -> Reply:
    """The resident confirms the result and rates it (1–5): a reply on the ticket in their own words. A
    dissatisfied rating (below 3) reopens a resolved or closed request, as an unhappy reply does at the desk."""
    ticket = _lock(ticket, expected_version)
    require(actor, "resident_request.confirm", ticket, _("您无权评价该诉求"))
    if not may_confirm(ticket):
        raise field_error("status", _("办结后才能确认和评价"), "not_resolved")
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise field_error("score", _("请选择 1 到 5 分"), "invalid")
    comment = _clean_text(comment, "comment", required=False, limit=500)
    satisfied = score >= SATISFIED_FROM
    reply = Reply.objects.create(
        ticket=ticket,
        by=actor,
        method=ReplyMethod.SMS,
        content=texts.dumps(t(gettext_noop("住户确认办结并评价 %(s)s 分"), s=score)),
        customer_opinion=comment,
        satisfied=satisfied,
    )
    _save(ticket, [])
    _event(ticket, EventKind.REPLIED, actor, reply=reply.pk, satisfied=satisfied, score=score, by_resident=True)
    if not satisfied:
        said = comment or t(gettext_noop("评价 %(s)s 分"), s=score)
        reason = t(gettext_noop("客户不满意：%(opinion)s"), opinion=said)
        ticket_transition(
            actor=actor, ticket=ticket, to_status=Status.IN_PROGRESS, reason=reason, check_permission=False
        )
    elif ticket.status == Status.RESOLVED and not ticket.work_orders.exclude(status__in=FINISHED_WORK).exists():
        # Nothing else waits (work orders close after their return visit): the resident's word closes it.
        ticket_transition(
            actor=actor,
            ticket=ticket,
            to_status=Status.CLOSED,
            reason=t(gettext_noop("住户确认办结")),
            check_permission=False,
        )
    return reply


__all__ = [
    "PHOTOS_MAX",
    "RESIDENT_KINDS",
    "SATISFIED_FROM",
    "ValidationError",
    "check_photo",
    "dispatched",
    "may_confirm",
    "resident_cancel",
    "resident_confirm",
    "resident_message",
    "resident_of",
    "resident_rules",
    "resident_submit",
]
