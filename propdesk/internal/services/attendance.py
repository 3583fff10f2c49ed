"""Optional sign-in and sign-out times (R-RP-6: sign in by 8:20): off by default; a center manager turns them on
for the center. Each staff member signs in and out in one tap from "my day"; a sign-in after the center's time
is marked late and listed for the managers."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.permissions import require

from ..models import InternalSettings, SignIn
from .common import department_of


def center_settings(center_id: int) -> InternalSettings:
    """The center's settings (the defaults, unsaved, when never changed)."""
    found = InternalSettings.objects.filter(service_center_id=center_id).first()
    return found or InternalSettings(service_center_id=center_id)


@transaction.atomic
def settings_update(*, actor, center, sign_in_enabled: bool, sign_in_by: dt.time | None = None) -> InternalSettings:
    """Turn sign-in times on or off for a center (the center manager)."""
    require(actor, "internal_desk.configure", center, _("只有服务中心经理可以修改签到设置"))
    if sign_in_by is not None and not isinstance(sign_in_by, dt.time):
        raise field_error("sign_in_by", _("时间格式不正确"), "invalid")
    row, _created = InternalSettings.objects.select_for_update().get_or_create(service_center=center)
    row.sign_in_enabled = bool(sign_in_enabled)
    if sign_in_by is not None:
        row.sign_in_by = sign_in_by.replace(second=0, microsecond=0)
    row.save()
    return row


def _enabled_center(actor) -> int:
    center_id = department_of(actor).service_center_id
    if not center_settings(center_id).sign_in_enabled:
        raise PermissionDenied(_("本服务中心未启用签到签退"))
    return center_id


@transaction.atomic
def sign_in(*, actor) -> SignIn:
    """Sign in for today (once); late when after the center's sign-in time."""
    center_id = _enabled_center(actor)
    require(actor, "sign_in.sign", SignIn(user=actor, service_center_id=center_id), _("只能为自己签到"))
    now = timezone.localtime()
    if SignIn.objects.filter(user=actor, day=now.date()).exists():
        raise field_error("sign_in", _("今天已签到"), "already")
    late = now.time() > center_settings(center_id).sign_in_by
    try:
        with transaction.atomic():
            return SignIn.objects.create(
                service_center_id=center_id, user=actor, day=now.date(), signed_in_at=now, late=late
            )
    except IntegrityError:
        raise field_error("sign_in", _("今天已签到"), "already") from None


@transaction.atomic
def sign_out(*, actor) -> SignIn:
    """Sign out for today (once, after signing in)."""
    _enabled_center(actor)
    row = SignIn.objects.select_for_update().filter(user=actor, day=timezone.localdate()).first()
    if row is None:
        raise field_error("sign_in", _("今天尚未签到"), "not_signed_in")
    if row.signed_out_at is not None:
        raise field_error("sign_in", _("今天已签退"), "already")
    row.signed_out_at = timezone.now()
    row.save(update_fields=["signed_out_at"])
    return row
