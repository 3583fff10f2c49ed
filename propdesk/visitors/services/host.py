"""The host household confirms a walk-in visitor (R-CV-2): the guard calls the host from the gate page — the
number goes to the phone's dialler as a ``tel:`` URI, never onto the page, each call a personal-data access
row with the purpose "call" — and records the answer. Invited visitors are confirmed by their invitation."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from propdesk.communities.models import Resident
from propdesk.core.errors import field_error
from propdesk.core.models import PersonalDataAccess
from propdesk.core.permissions import require
from propdesk.core.scoping import center_id_of

from ..choices import VisitEventKind
from ..models import Visit, VisitEvent
from .common import lock

_NOT_DIALLED = re.compile(r"[^\d+]")


def host_phone(visit: Visit) -> str:
    """The phone of the household's owner (else any active member with a phone); "" when none."""
    if not visit.household_id:
        return ""
    members = Resident.objects.filter(household_id=visit.household_id, is_active=True).exclude(phone="")
    first = members.order_by("relation", "pk").values_list("phone", flat=True).first()
    return first or ""


def tel_uri(number: str) -> str:
    main = re.sub(r"(\d{7,8})-\d{1,6}$", r"\1", number.strip())
    return "tel:" + _NOT_DIALLED.sub("", main)


@transaction.atomic
def call_host(*, actor, visit: Visit, ip_address: str | None = None) -> str:
    """The ``tel:`` URI of the host household's phone, for the gate staff, with an audit row and a history entry."""
    require(actor, "visit.check_in", visit, _("您无权为该访客联系住户"))
    if visit.household_id is None:
        raise field_error("visit", _("该访客没有登记受访住户"), "no_host")
    number = host_phone(visit)
    if not number:
        raise field_error("visit", _("受访住户没有登记电话"), "no_phone")
    PersonalDataAccess.objects.create(
        actor=actor,
        subject_type=ContentType.objects.get_for_model(Visit),
        subject_id=str(visit.pk),
        subject_repr=str(visit)[:200],
        field=PersonalDataAccess.Field.PHONE,
        purpose=PersonalDataAccess.Purpose.CALL,
        reason=_("核实访客"),
        ip_address=ip_address,
        service_center_id=center_id_of(visit),
    )
    VisitEvent.record(visit, VisitEventKind.HOST_CALLED, actor)
    return tel_uri(number)


@transaction.atomic
def confirm_host(*, actor, visit: Visit, expected_version: int | None = None) -> Visit:
    """Record that the host household confirmed the visitor (once)."""
    require(actor, "visit.check_in", visit, _("您无权为该访客登记住户确认"))
    visit = lock(Visit, visit, expected_version, _("该来访记录已被他人修改，请刷新后再操作"))
    if visit.household_id is None:
        raise field_error("visit", _("该访客没有登记受访住户"), "no_host")
    if visit.host_confirmed:
        raise field_error("visit", _("住户已确认过该访客"), "already_confirmed")
    Visit.objects.filter(pk=visit.pk).update(host_confirmed=True, version=F("version") + 1)
    VisitEvent.record(visit, VisitEventKind.HOST_CONFIRMED, actor)
    visit.refresh_from_db()
    return visit
