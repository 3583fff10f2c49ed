"""Handling a collective complaint (002 §4.5.1, §4.8): the manager's decision (tell the company's general manager?
the developer's customer-service center?) recorded once, the reply time agreed with the households, a home
visit per household, and closing — refused while a household has no home-visit record."""

import base64
import binascii
import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Household
from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.inputs import clean_text, date_problem
from propdesk.core.permissions import can, require
from propdesk.core.texts import t

from .. import events
from ..choices import CollectiveEventKind, CollectiveStatus
from ..models import CollectiveComplaint, HomeVisit
from .collective import lock_collective, member_households, save_collective

SIGNATURE_MAX_BYTES = 512 * 1024


def _moment(value, field: str):
    """A date-time from the caller: aware (a naive one is on the center's wall clock), within 2000 … 2099."""
    if value is None or not isinstance(value, dt.datetime):
        raise field_error(field, _("请填写时间"), "required")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if problem := date_problem(value):
        raise field_error(field, problem, "out_of_range")
    return value


def _open(collective: CollectiveComplaint) -> None:
    if collective.status == CollectiveStatus.CLOSED:
        raise field_error("collective", _("该集体投诉已结案"), "closed")


@transaction.atomic
def collective_decide(
    *,
    actor,
    collective: CollectiveComplaint,
    notify_general_manager: bool,
    notify_developer: bool,
    note: str = "",
    expected_version: int | None = None,
) -> CollectiveComplaint:
    """Record the manager's decision, once: whether the company's general manager and the developer's
    customer-service center are told, with a note."""
    require(actor, "collective.decide", collective, _("只有服务中心经理可以记录集体投诉的处理决定"))
    collective = lock_collective(collective, expected_version)
    _open(collective)
    if collective.decided_at is not None:
        raise field_error("decision", _("经理决定已经记录，不能重复记录"), "already_decided")
    note = clean_text(note, "note", required=False, limit=2000)
    collective.notify_general_manager = bool(notify_general_manager)
    collective.notify_developer = bool(notify_developer)
    collective.decision_note = note
    collective.decided_at = timezone.now()
    collective.decided_by = actor
    collective.status = CollectiveStatus.HANDLING
    save_collective(
        collective,
        ["notify_general_manager", "notify_developer", "decision_note", "decided_at", "decided_by", "status"],
    )
    events.record_collective(
        collective,
        CollectiveEventKind.DECIDED,
        actor,
        reason=note,
        general_manager=collective.notify_general_manager,
        developer=collective.notify_developer,
    )
    return collective


@transaction.atomic
def collective_agree_reply(
    *, actor, collective: CollectiveComplaint, reply_at, note: str = "", expected_version: int | None = None
) -> CollectiveComplaint:
    """Record the reply time agreed with the households (it may be agreed again; each time is recorded)."""
    require(actor, "collective.agree_reply", collective, _("您无权约定集体投诉的答复时间"))
    collective = lock_collective(collective, expected_version)
    _open(collective)
    note = clean_text(note, "note", required=False, limit=500)
    reply_at = _moment(reply_at, "reply_at")
    if reply_at <= collective.opened_at:
        raise field_error("reply_at", _("约定答复时间须在立案之后"), "invalid")
    collective.agreed_reply_at = reply_at
    save_collective(collective, ["agreed_reply_at"])
    events.record_collective(
        collective, CollectiveEventKind.REPLY_AGREED, actor, reason=note, reply_at=reply_at.isoformat()
    )
    return collective


def _signature(data_url: str, name: str) -> ContentFile | None:
    if not data_url:
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise field_error("signature", _("签名格式不正确"), "invalid")
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise field_error("signature", _("签名格式不正确"), "invalid") from exc
    if len(raw) > SIGNATURE_MAX_BYTES or sniff_type(raw[:16], "s.png") != "image/png":
        raise field_error("signature", _("签名格式不正确"), "invalid")
    return ContentFile(raw, name=f"{name}.png")


def _check_visit(collective: CollectiveComplaint, household_id: int, visited_at) -> tuple[Household, dt.datetime]:
    if household_id not in member_households(collective):
        raise field_error("household", _("该住户不在这宗集体投诉中"), "not_member")
    if HomeVisit.objects.filter(collective=collective, household_id=household_id).exists():
        raise field_error("household", _("该住户已有上门回访记录"), "already_visited")
    visited_at = _moment(visited_at, "visited_at")
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise field_error("visited_at", _("回访时间不能晚于现在"), "future")
    if visited_at < collective.opened_at - dt.timedelta(days=1):
        raise field_error("visited_at", _("回访时间不能早于立案时间"), "too_early")
    return Household.objects.select_related("unit__building").get(pk=household_id), visited_at


@transaction.atomic
def collective_home_visit(
    *,
    actor,
    collective: CollectiveComplaint,
    household_id: int,
    visited_at,
    customer_said: str,
    visited_by=None,
    satisfied: bool | None = None,
    signature: str = "",
    expected_version: int | None = None,
) -> HomeVisit:
    """Record the home visit that answers one household (who visited, when, what the customer said, the
    customer's signature drawn on the screen)."""
    require(actor, "collective.visit", collective, _("您无权记录集体投诉的上门回访"))
    collective = lock_collective(collective, expected_version)
    _open(collective)
    customer_said = clean_text(customer_said, "customer_said", limit=2000)
    household, visited_at = _check_visit(collective, household_id, visited_at)
    if visited_by is not None and not (visited_by.is_active and can(visited_by, "collective.visit", collective)):
        raise field_error("visited_by", _("回访人须是负责该小区投诉的员工"), "invalid")
    image = _signature(signature, f"collective-{collective.pk}-{household_id}")
    visit = HomeVisit(
        collective=collective,
        household=household,
        visited_by=visited_by or actor,
        visited_at=visited_at,
        customer_said=customer_said,
        satisfied=satisfied,
        recorded_by=actor,
    )
    if image is not None:
        visit.signature.save(image.name, image, save=False)
    visit.save()
    save_collective(collective, [])
    events.record_collective(
        collective,
        CollectiveEventKind.HOME_VISIT,
        actor,
        reason=customer_said,
        household=household.pk,
        unit=str(household.unit),
        signed=bool(image),
    )
    return visit


def missing_visits(collective: CollectiveComplaint) -> list[Household]:
    """The member households without a home-visit record, in unit order."""
    visited = set(HomeVisit.objects.filter(collective=collective).values_list("household_id", flat=True))
    missing = member_households(collective) - visited
    return list(Household.objects.filter(pk__in=missing).select_related("unit__building").order_by("unit"))


@transaction.atomic
def collective_close(
    *, actor, collective: CollectiveComplaint, note: str = "", expected_version: int | None = None
) -> CollectiveComplaint:
    """Close the collective complaint: refused while any household has no home-visit record (listed)."""
    require(actor, "collective.close", collective, _("您无权为集体投诉结案"))
    collective = lock_collective(collective, expected_version)
    _open(collective)
    note = clean_text(note, "note", required=False, limit=2000)
    missing = missing_visits(collective)
    if missing:
        units = "、".join(str(h.unit) for h in missing)
        raise field_error(
            "home_visits",
            _("集体投诉须上门回访每一户后才能结案，尚未回访：%(units)s") % {"units": units},
            "visits_missing",
        )
    collective.status = CollectiveStatus.CLOSED
    collective.closed_at = timezone.now()
    save_collective(collective, ["status", "closed_at"])
    closed = t(N_("已上门回访全部 %(n)s 户，结案"), n=len(member_households(collective)))
    events.record_collective(collective, CollectiveEventKind.CLOSED, actor, reason=note or closed.dumps())
    return collective
