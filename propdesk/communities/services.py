"""Write services for community master data and the audited reveal of personal data."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core.events import record_event
from propdesk.core.models import PersonalDataAccess
from propdesk.core.permissions import can
from propdesk.core.scoping import center_id_of

from . import permissions  # noqa: F401  (declares the community rules)
from .models import Resident

REVEALABLE_FIELDS = {PersonalDataAccess.Field.PHONE: "phone", PersonalDataAccess.Field.ID_NUMBER: "id_number"}


def can_reveal(user, resident: Resident) -> bool:
    """Whether ``user`` may reveal personal data of ``resident`` (asked of the community rules)."""
    return can(user, "resident.reveal", resident)


@transaction.atomic
def resident_reveal(*, actor, resident: Resident, field: str, reason: str, ip_address: str | None = None) -> str:
    """Return the clear value of a resident's phone or id number, writing an audit row (R-CV-4).

    Denied without an audit row when the actor lacks the role or gives no reason.
    """
    if field not in REVEALABLE_FIELDS:
        raise ValidationError({"field": _("只能查看电话或证件号码")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写查看原因")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("查看原因不能超过 200 字")})
    if not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists() or not can_reveal(actor, resident):
        raise PermissionDenied(_("您没有查看该住户个人信息的权限"))
    PersonalDataAccess.objects.create(
        actor=actor,
        subject_type=ContentType.objects.get_for_model(Resident),
        subject_id=str(resident.pk),
        subject_repr=str(resident)[:200],
        field=field,
        reason=reason,
        ip_address=ip_address,
        service_center_id=center_id_of(resident),
    )
    record_event(actor=actor, verb="resident.revealed", target=resident, data={"field": field}, reason=reason)
    return getattr(resident, REVEALABLE_FIELDS[field])
