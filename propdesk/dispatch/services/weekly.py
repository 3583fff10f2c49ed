"""The repair manager's weekly approval of the center's repair task orders (周审批, R-WO-6)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.events import record_event
from propdesk.core.permissions import require

from ..choices import HOUSEKEEPING_TRADES
from ..models import WeeklyApproval, WorkOrder


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def weekly_decide(*, actor, service_center, week: dt.date, decision: str, note: str = "") -> WeeklyApproval:
    """The repair manager approves (or returns with a note) the week's repair task orders."""
    require(
        actor,
        "weekly.decide",
        WeeklyApproval(service_center=service_center),
        _("只有本中心的维修管理员可以审批维修任务单"),
    )
    if decision not in WeeklyApproval.Decision.values:
        raise field_error("decision", _("请选择批准或退回"), "invalid")
    note = (note or "").strip()
    if decision == WeeklyApproval.Decision.RETURNED and not note:
        raise field_error("note", _("退回须填写意见"), "required")
    monday = week_start(week)
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    orders = WorkOrder.objects.filter(
        service_center=service_center, created_at__gte=begin, created_at__lt=begin + dt.timedelta(days=7)
    ).exclude(trade__in=HOUSEKEEPING_TRADES)
    approval = WeeklyApproval.objects.create(
        service_center=service_center,
        week_start=monday,
        decision=decision,
        decided_by=actor,
        note=note,
        order_count=orders.count(),
    )
    orders.update(week_approved=decision == WeeklyApproval.Decision.APPROVED)
    record_event(actor=actor, verb=f"weekly.{decision}", target=approval, reason=note)
    return approval
