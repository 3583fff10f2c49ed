"""The whereabouts board (信息公告栏, R-IC-1): a staff member going out of the community during working hours
posts why, where, a phone and when they expect to be back, in one action, and their superior is told; back in
one action; someone still out past the expected return is flagged to them and their superior."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.validators import clean_phone
from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.people import person_name
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify

from ..choices import OutingEventKind
from ..models import Outing, OutingEvent
from .common import department_of, lock, superiors

# An outing is for working hours: the expected return lies within the next 12 hours.
MAX_OUTING = dt.timedelta(hours=12)


def _clean_return(expected_back, now: dt.datetime) -> dt.datetime:
    if expected_back is None:
        raise field_error("expected_back", _("请填写预计返回时间"), "required")
    check_date(expected_back, "expected_back")
    if timezone.is_naive(expected_back):
        expected_back = timezone.make_aware(expected_back)
    if expected_back <= now:
        raise field_error("expected_back", _("预计返回时间应晚于现在"), "past")
    if expected_back > now + MAX_OUTING:
        raise field_error(
            "expected_back", _("外出登记用于工作时间内外出，预计返回不能超过 12 小时；更久请请假"), "too_long"
        )
    return expected_back


@transaction.atomic
def outing_post(*, actor, reason: str, place: str, phone: str, expected_back: dt.datetime) -> Outing:
    """Post "going out" for oneself; the superior is told at once."""
    department = department_of(actor)
    now = timezone.now()
    probe = Outing(user=actor, service_center_id=department.service_center_id)
    require(actor, "outing.post", probe, _("只能为自己登记外出"))
    reason = clean_text(reason, "reason", limit=100)
    place = clean_text(place, "place", limit=100)
    phone = clean_phone((phone or "").strip(), "phone")
    if not phone:
        raise field_error("phone", _("请填写外出期间的联系电话"), "required")
    expected_back = _clean_return(expected_back, now)
    if Outing.objects.select_for_update().filter(user=actor, back_at__isnull=True).exists():
        raise field_error("reason", _("您已登记外出且尚未返回，请先登记返回"), "already_out")
    outing = Outing.objects.create(
        user=actor,
        service_center_id=department.service_center_id,
        reason=reason,
        place=place,
        phone=phone,
        left_at=now,
        expected_back=expected_back,
    )
    OutingEvent.record(outing, OutingEventKind.POSTED, actor, expected_back=expected_back.isoformat())
    notify(
        recipients=superiors(actor),
        message=Message(
            kind="internal.outing",
            subject=t(
                N_("%(name)s 外出：%(place)s（%(reason)s），预计 %(back)s 返回"),
                name=person_name(actor),
                place=place,
                reason=reason,
                back=f"{timezone.localtime(expected_back):%H:%M}",
            ),
            body=t(N_("联系电话 %(phone)s"), phone=phone),
            url=reverse("internal:board"),
        ),
        dedupe=f"internal.outing:{outing.pk}",
    )
    return outing


@transaction.atomic
def outing_return(*, actor, outing: Outing, expected_version: int | None = None) -> Outing:
    """Back in the community, in one action (once)."""
    require(actor, "outing.come_back", outing, _("只能登记自己的返回"))
    outing = lock(Outing, outing, expected_version, _("该外出登记已被更新，请刷新后重试"))
    if outing.back_at is not None:
        raise field_error(
            "outing", _("已于 %(t)s 登记返回") % {"t": f"{timezone.localtime(outing.back_at):%H:%M}"}, "done"
        )
    outing.back_at = timezone.now()
    outing.version += 1
    outing.save(update_fields=["back_at", "version"])
    late = outing.back_at > outing.expected_back
    OutingEvent.record(outing, OutingEventKind.RETURNED, actor, late=late)
    return outing


def flag_overdue_outings(*, now: dt.datetime | None = None) -> int:
    """Tell each person still out past their expected return, and their superior, once per outing."""
    now = now or timezone.now()
    flagged = 0
    due = Outing.objects.filter(back_at__isnull=True, overdue_at__isnull=True, expected_back__lt=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            outing = Outing.objects.select_for_update().select_related("user").get(pk=pk)
            if outing.back_at is not None or outing.overdue_at is not None:
                continue
            outing.overdue_at = now
            outing.save(update_fields=["overdue_at"])
            OutingEvent.record(outing, OutingEventKind.OVERDUE, None)
            message = Message(
                kind="internal.outing_overdue",
                subject=t(
                    N_("%(name)s 外出（%(place)s）已超过预计返回时间 %(back)s 仍未登记返回"),
                    name=person_name(outing.user),
                    place=outing.place,
                    back=f"{timezone.localtime(outing.expected_back):%H:%M}",
                ),
                url=reverse("internal:board"),
                urgent=True,
            )
            notify(
                recipients=[outing.user, *superiors(outing.user)],
                message=message,
                dedupe=f"internal.outing_overdue:{outing.pk}",
            )
            flagged += 1
    return flagged
