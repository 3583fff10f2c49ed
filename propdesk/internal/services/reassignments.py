"""Ad-hoc reassignments (临时调动, R-IC-3, 000 §3.2.2): someone moved to another post or shift outside the work
schedule is reported to the manager of their department (who, from which post/shift, to which, when, why),
who is told at once and acknowledges it. What dispatch shows that nobody reported is read by
``selectors.unreported_reassignments``."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.people import person_name
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify

from ..choices import ReassignmentEventKind
from ..models import Reassignment, ReassignmentEvent
from .common import department_managers, department_of, lock, superiors

# A reassignment is ad hoc: a longer one belongs on the rota.
MAX_SPAN = dt.timedelta(days=31)


def _moment(value, field: str) -> dt.datetime:
    if value is None:
        raise field_error(field, _("请填写时间"), "required")
    check_date(value, field)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def reassignment_report(
    *, actor, user, from_post: str, to_post: str, starts_at: dt.datetime, ends_at: dt.datetime, reason: str
) -> Reassignment:
    """Report a reassignment of ``user`` (oneself, or someone one moved); their department manager is told."""
    department = department_of(user)
    probe = Reassignment(user=user, service_center_id=department.service_center_id, department=department)
    require(actor, "reassignment.report", probe, _("只能报告自己或本服务中心人员的临时调动"))
    from_post = clean_text(from_post, "from_post", limit=100)
    to_post = clean_text(to_post, "to_post", limit=100)
    reason = clean_text(reason, "reason", limit=200)
    starts_at = _moment(starts_at, "starts_at")
    ends_at = _moment(ends_at, "ends_at")
    if ends_at <= starts_at:
        raise field_error("ends_at", _("结束时间应晚于开始时间"), "order")
    if ends_at - starts_at > MAX_SPAN:
        raise field_error("ends_at", _("临时调动不超过 31 天；长期调整请修改排班"), "too_long")
    item = Reassignment.objects.create(
        service_center_id=department.service_center_id,
        user=user,
        department=department,
        from_post=from_post,
        to_post=to_post,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        reported_by=actor,
    )
    ReassignmentEvent.record(item, ReassignmentEventKind.REPORTED, actor, reason=reason)
    managers = [m for m in department_managers(department) if m.pk != user.pk] or superiors(user)
    notify(
        recipients=[m for m in managers if m.pk != actor.pk] or managers,
        message=Message(
            kind="internal.reassignment",
            subject=t(
                N_("临时调动：%(name)s 从 %(from)s 调往 %(to)s（%(start)s–%(end)s）"),
                name=person_name(user),
                **{"from": from_post},
                to=to_post,
                start=f"{timezone.localtime(starts_at):%m-%d %H:%M}",
                end=f"{timezone.localtime(ends_at):%m-%d %H:%M}",
            ),
            body=reason,
            url=reverse("internal:reassignments"),
        ),
        dedupe=f"internal.reassignment:{item.pk}",
    )
    return item


@transaction.atomic
def reassignment_acknowledge(*, actor, reassignment: Reassignment, expected_version=None) -> Reassignment:
    """The department manager (or the center manager) acknowledges a reported reassignment (once)."""
    require(actor, "reassignment.acknowledge", reassignment, _("只有该员工的部门经理或服务中心经理可以确认"))
    item = lock(Reassignment, reassignment, expected_version, _("该调动已被更新，请刷新后重试"))
    if item.acknowledged_at is not None:
        raise field_error("reassignment", _("该调动已确认知悉"), "acknowledged")
    item.acknowledged_by = actor
    item.acknowledged_at = timezone.now()
    item.version += 1
    item.save(update_fields=["acknowledged_by", "acknowledged_at", "version"])
    ReassignmentEvent.record(item, ReassignmentEventKind.ACKNOWLEDGED, actor)
    return item
