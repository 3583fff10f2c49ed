"""Invitations: a visitor pre-registered for a time window with a one-time numeric code, checked in by the
code in one action at the gate; early, expired, cancelled and used codes are refused."""

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community, Household
from propdesk.core.errors import field_error
from propdesk.core.permissions import require, restrict

from ..choices import InvitationEventKind, InvitationStatus, VisitEventKind
from ..identity import check_document
from ..models import Invitation, InvitationEvent, Visit, VisitEvent
from .common import (
    clean_name,
    clean_people,
    clean_plate,
    clean_purpose,
    clean_visitor_phone,
    gather,
    host_household,
    lock,
)
from .visits import identity_fields
from .watch import alert_on_match

CODE_LENGTH = 6
# A visitor may be let in this long before the window opens (traffic was light).
EARLY_GRACE = dt.timedelta(minutes=15)
MAX_WINDOW = dt.timedelta(days=7)


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


def _window(valid_from: dt.datetime, valid_until: dt.datetime, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    if valid_from is None or valid_until is None:
        raise field_error("valid_until", _("请填写预约时段"), "required")
    if timezone.is_naive(valid_from):
        valid_from = timezone.make_aware(valid_from)
    if timezone.is_naive(valid_until):
        valid_until = timezone.make_aware(valid_until)
    if valid_until <= valid_from:
        raise field_error("valid_until", _("结束时间应晚于开始时间"), "order")
    if valid_until <= now:
        raise field_error("valid_until", _("预约时段已过，请重新选择"), "past")
    if valid_until - valid_from > MAX_WINDOW:
        raise field_error("valid_until", _("预约时段不能超过 7 天"), "too_long")
    return valid_from, valid_until


def _new_code(community: Community) -> str:
    """Six random digits not held by another pending invitation of the community."""
    for _attempt in range(50):
        code = f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"
        if not Invitation.objects.filter(community=community, code=code, status=InvitationStatus.PENDING).exists():
            return code
    raise field_error("code", _("暂时无法生成邀请码，请稍后再试"), "exhausted")  # pragma: no cover


@transaction.atomic
def invite(
    *,
    actor,
    community: Community,
    visitor_name: str,
    valid_from: dt.datetime,
    valid_until: dt.datetime,
    room: str = "",
    household: Household | None = None,
    phone: str = "",
    purpose: str = "visit",
    people: int = 1,
    plate: str = "",
) -> Invitation:
    """Pre-register a visitor of a household (a resident for their own, gate staff on a resident's behalf)."""
    now = timezone.now()
    cleaned = gather(
        ("visitor_name", lambda: clean_name(visitor_name)),
        ("phone", lambda: clean_visitor_phone(phone)),
        ("purpose", lambda: clean_purpose(purpose)),
        ("people", lambda: clean_people(people)),
        ("plate", lambda: clean_plate(plate)),
        ("window", lambda: _window(valid_from, valid_until, now)),
        ("household", lambda: household or host_household(actor=actor, community=community, room=room, required=True)),
    )
    target = cleaned["household"]
    if target.unit.building.community_id != community.pk:
        raise field_error("room", _("该住户不属于所选小区"), "wrong_community")
    valid_from, valid_until = cleaned.pop("window")
    require(actor, "invitation.create", Invitation(community=community, household=target), _("您无权为该住户预约访客"))
    invitation = Invitation.objects.create(
        community=community,
        created_by=actor,
        code=_new_code(community),
        valid_from=valid_from,
        valid_until=valid_until,
        **cleaned,
    )
    InvitationEvent.record(
        invitation, InvitationEventKind.CREATED, actor, valid_from=_local(valid_from), valid_until=_local(valid_until)
    )
    return invitation


@transaction.atomic
def cancel_invitation(*, actor, invitation: Invitation, expected_version: int | None = None) -> Invitation:
    require(actor, "invitation.cancel", invitation, _("您无权取消该预约"))
    invitation = lock(Invitation, invitation, expected_version, _("该预约已被他人修改，请刷新后再操作"))
    if invitation.status != InvitationStatus.PENDING:
        raise field_error(
            "invitation", _("该预约已%(s)s，不能取消") % {"s": invitation.get_status_display()}, "not_pending"
        )
    Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.CANCELLED, version=F("version") + 1)
    InvitationEvent.record(
        invitation,
        InvitationEventKind.CANCELLED,
        actor,
        from_status=InvitationStatus.PENDING,
        to_status=InvitationStatus.CANCELLED,
    )
    invitation.refresh_from_db()
    return invitation


def _usable(invitation: Invitation, now: dt.datetime) -> None:
    """Refuse a code that cannot be used now, saying why."""
    if invitation.status == InvitationStatus.USED:
        raise field_error(
            "code", _("该邀请码已于 %(at)s 使用，不能重复使用") % {"at": _local(invitation.used_at)}, "used"
        )
    if invitation.status == InvitationStatus.CANCELLED:
        raise field_error("code", _("该预约已取消，邀请码无效"), "cancelled")
    if now < invitation.valid_from - EARLY_GRACE:
        raise field_error(
            "code",
            _("未到预约时间：预约时段为 %(start)s 至 %(end)s")
            % {"start": _local(invitation.valid_from), "end": _local(invitation.valid_until)},
            "early",
        )
    if now > invitation.valid_until:
        raise field_error("code", _("邀请码已于 %(at)s 过期") % {"at": _local(invitation.valid_until)}, "expired")


def _find(actor, code: str, community: Community | None) -> Invitation:
    code = (code or "").strip()
    if not (code.isascii() and code.isdigit() and len(code) == CODE_LENGTH):
        raise field_error("code", _("邀请码应为 %(n)s 位数字") % {"n": CODE_LENGTH}, "invalid")
    found = restrict(Invitation.objects.filter(code=code), actor, "visit.check_in")
    if community is not None:
        found = found.filter(community=community)
    # A pending invitation first: an old used or cancelled one may share its code.
    candidates = list(found.order_by("status", "-valid_from").values_list("pk", "community_id", "status")[:10])
    pending = [c for c in candidates if c[2] == InvitationStatus.PENDING]
    chosen = pending or candidates
    if not chosen:
        raise field_error("code", _("邀请码不存在，请核对后重试"), "not_found")
    if len({c[1] for c in chosen}) > 1:
        raise field_error("community", _("多个小区有此邀请码，请先选择小区"), "ambiguous")
    return Invitation.objects.select_for_update().get(pk=chosen[0][0])


@transaction.atomic
def check_in_by_code(
    *,
    actor,
    code: str,
    community: Community | None = None,
    document_type: str = "",
    id_number: str = "",
    area: str = "",
) -> Visit:
    """Check an invited visitor in with the code, in one action: the visit takes the invitation's name,
    household, purpose, people and plate; the host is confirmed by the invitation itself. A document shown at
    the gate may be recorded too."""
    invitation = _find(actor, code, community)
    now = timezone.now()
    _usable(invitation, now)
    identity = {}
    if (id_number or "").strip() or document_type:
        number = check_document(document_type, id_number, today=timezone.localdate(now))
        identity = identity_fields(document_type, number)
    visit = Visit.objects.create(
        community_id=invitation.community_id,
        household_id=invitation.household_id,
        visitor_name=invitation.visitor_name,
        phone=invitation.phone,
        purpose=invitation.purpose,
        people=invitation.people,
        plate=invitation.plate,
        area=(area or "").strip()[:100],
        host_confirmed=True,
        invitation=invitation,
        checked_in_at=now,
        checked_in_by=actor,
        **identity,
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.USED, used_at=now, version=F("version") + 1
    )
    InvitationEvent.record(
        invitation,
        InvitationEventKind.USED,
        actor,
        from_status=InvitationStatus.PENDING,
        to_status=InvitationStatus.USED,
        visit=visit.pk,
    )
    VisitEvent.record(
        visit, VisitEventKind.CHECKED_IN, actor, purpose=visit.purpose, people=visit.people, invitation=invitation.pk
    )
    visit.watch_hits = alert_on_match(visit, actor)
    return visit
