"""Registering a visitor in and out at the gate, and the audited reveal of their identity number."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community
from propdesk.core.errors import field_error
from propdesk.core.models import PersonalDataAccess
from propdesk.core.permissions import can, require
from propdesk.core.scoping import center_id_of

from .. import crypto
from ..choices import VisitEventKind
from ..identity import check_document, mask
from ..models import Visit, VisitEvent
from .common import (
    NEEDS_HOST,
    clean_name,
    clean_people,
    clean_plate,
    clean_purpose,
    clean_visitor_phone,
    gather,
    host_household,
    lock,
)
from .watch import alert_on_match

# A check-in time typed by the guard may be a little in the past (registered after letting a visitor in).
BACKDATE_LIMIT = dt.timedelta(hours=12)
CLOCK_SKEW = dt.timedelta(minutes=5)


def _check_in_time(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + CLOCK_SKEW or value < now - BACKDATE_LIMIT:
        raise field_error("checked_in_at", _("进入时间应在过去 12 小时内，且不能晚于现在"), "out_of_range")
    return value


def identity_fields(document_type: str, number: str) -> dict:
    """The stored form of a checked document number: encrypted, digested and masked."""
    return {
        "document_type": document_type,
        "id_encrypted": crypto.encrypt(number),
        "id_digest": crypto.digest(number),
        "id_masked": mask(number),
    }


@transaction.atomic
def check_in(
    *,
    actor,
    community: Community,
    visitor_name: str,
    document_type: str,
    id_number: str,
    purpose: str,
    phone: str = "",
    room: str = "",
    area: str = "",
    plate: str = "",
    people: int = 1,
    checked_in_at: dt.datetime | None = None,
) -> Visit:
    """Register a visitor in (R-CV-2): the document is checked (``identity.check_document``) and stored
    encrypted; the host household is found by its room (required for visits, contractors and services)."""
    require(actor, "visit.check_in", Visit(community=community), _("您无权在该小区登记访客"))
    now = timezone.now()
    today = timezone.localdate(now)
    cleaned = gather(
        ("visitor_name", lambda: clean_name(visitor_name)),
        ("id_number", lambda: check_document(document_type, id_number, today=today)),
        ("phone", lambda: clean_visitor_phone(phone)),
        ("purpose", lambda: clean_purpose(purpose)),
        (
            "household",
            lambda: host_household(actor=actor, community=community, room=room, required=purpose in NEEDS_HOST),
        ),
        ("area", lambda: (area or "").strip()[:100]),
        ("plate", lambda: clean_plate(plate)),
        ("people", lambda: clean_people(people)),
        ("checked_in_at", lambda: _check_in_time(checked_in_at, now)),
    )
    number = cleaned.pop("id_number")
    visit = Visit.objects.create(
        community=community,
        checked_in_by=actor,
        **identity_fields(document_type, number),
        **cleaned,
    )
    VisitEvent.record(visit, VisitEventKind.CHECKED_IN, actor, purpose=visit.purpose, people=visit.people)
    visit.watch_hits = alert_on_match(visit, actor)
    return visit


@transaction.atomic
def check_out(*, actor, visit: Visit, expected_version: int | None = None) -> Visit:
    """Register the visitor out (once); a second check-out is refused with the time of the first."""
    require(actor, "visit.check_out", visit, _("您无权为该访客登记离开"))
    visit = lock(Visit, visit, expected_version, _("该来访记录已被他人修改，请刷新后再操作"))
    if visit.checked_out_at is not None:
        raise field_error(
            "visit",
            _("%(name)s 已于 %(at)s 登记离开")
            % {"name": visit.visitor_name, "at": f"{timezone.localtime(visit.checked_out_at):%m-%d %H:%M}"},
            "already_out",
        )
    now = timezone.now()
    Visit.objects.filter(pk=visit.pk).update(checked_out_at=now, checked_out_by=actor, version=F("version") + 1)
    stayed = int((now - visit.checked_in_at).total_seconds() // 60)
    VisitEvent.record(visit, VisitEventKind.CHECKED_OUT, actor, stayed_minutes=max(stayed, 0))
    visit.refresh_from_db()
    return visit


def reveal_reason(reason: str) -> str:
    """The reason given for revealing an identity number: required, at most 200 characters."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写查看原因"), "required")
    if len(reason) > 200:
        raise field_error("reason", _("查看原因不能超过 200 字"), "max_length")
    return reason


def audited_decrypt(*, actor, subject, reason: str, ip_address: str | None, missing: str) -> str:
    """The clear identity number of ``subject`` (a visit or a tenant registration, both with ``id_encrypted``
    and ``id_erased_at``), with a ``PersonalDataAccess`` row written in the same transaction (R-CV-4).
    ``missing`` is the message when there is no number (never entered, or erased after the retention period)."""
    if subject.id_erased_at is not None or not subject.id_encrypted:
        raise field_error("id_number", missing, "no_number")
    try:
        number = crypto.decrypt(subject.id_encrypted)
    except crypto.InvalidToken:
        raise field_error(
            "id_number", _("证件号码无法解密（加密密钥已更换），请联系系统管理员"), "undecryptable"
        ) from None
    PersonalDataAccess.objects.create(
        actor=actor,
        subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=str(subject.pk),
        subject_repr=str(subject)[:200],
        field=PersonalDataAccess.Field.ID_NUMBER,
        reason=reason,
        ip_address=ip_address,
        service_center_id=center_id_of(subject),
    )
    return number


@transaction.atomic
def reveal_id(*, actor, visit: Visit, reason: str, ip_address: str | None = None) -> str:
    """The clear identity number of a visit, for the people the ``visit.reveal`` rule allows, with a reason;
    writes a ``PersonalDataAccess`` row and a history entry (R-CV-4). Refused without an audit row."""
    reason = reveal_reason(reason)
    if not can(actor, "visit.reveal", visit):
        raise PermissionDenied(_("您没有查看访客证件号码的权限"))
    missing = _("该来访记录没有证件号码（未登记或已按保存期限删除）")
    number = audited_decrypt(actor=actor, subject=visit, reason=reason, ip_address=ip_address, missing=missing)
    VisitEvent.record(visit, VisitEventKind.REVEALED, actor, reason=reason, field="id_number")
    return number
