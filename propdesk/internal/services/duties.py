"""The manager's duty calendar (R-RP-6, 002 §五): each month and week, every center manager and department
manager gets their recurring duties with due days moved off weekends and holidays (the sla calendar); they mark
each done; an overdue one is flagged to them once."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.models import RoleMembership
from propdesk.sla.rules import day_rules

from ..choices import DutyEventKind
from ..duties import BY_CODE, CATALOGUE, due_day, periods
from ..models import DutyEvent, DutyTask
from ..permissions import DUTY_HOLDERS
from .common import lock


def _holders():
    """(user, service center id) of every active center or department manager held at a center."""
    members = RoleMembership.objects.filter(is_active=True, role__in=DUTY_HOLDERS, service_center__isnull=False)
    users = {u.pk: u for u in get_user_model().objects.filter(is_active=True, pk__in=members.values("user"))}
    seen = set()
    for user_id, center_id in members.values_list("user_id", "service_center_id").order_by("user_id"):
        if user_id in users and (user_id, center_id) not in seen:
            seen.add((user_id, center_id))
            yield users[user_id], center_id


def plan_duties(*, today: dt.date | None = None) -> int:
    """Create this month's and this week's duties for every manager (idempotent); returns how many were new."""
    today = today or timezone.localdate()
    rules = day_rules()
    current = periods(today)
    created = 0
    for user, center_id in _holders():
        for duty in CATALOGUE:
            period = current[duty.every]
            if DutyTask.objects.filter(user=user, code=duty.code, period=period).exists():
                continue
            try:
                with transaction.atomic():
                    DutyTask.objects.create(
                        service_center_id=center_id,
                        user=user,
                        code=duty.code,
                        period=period,
                        due_on=due_day(duty, period, rules.is_workday),
                    )
                    created += 1
            except IntegrityError:
                continue  # another worker planned it at the same moment
    return created


@transaction.atomic
def duty_complete(*, actor, task: DutyTask, note: str = "", expected_version: int | None = None) -> DutyTask:
    """Mark one's own duty done (once), with a short note."""
    require(actor, "duty_task.complete", task, _("只能完成自己的例行工作"))
    task = lock(DutyTask, task, expected_version, _("该事项已被更新，请刷新后重试"))
    if task.done_at is not None:
        raise field_error("task", _("该事项已完成"), "done")
    task.done_at = timezone.now()
    task.note = clean_text(note, "note", required=False, limit=200)
    task.version += 1
    task.save(update_fields=["done_at", "note", "version"])
    late = task.done_at.date() > task.due_on
    DutyEvent.record(task, DutyEventKind.DONE, actor, reason=task.note, late=late)
    return task


def flag_overdue_duties(*, today: dt.date | None = None) -> int:
    """Tell each manager once of every duty past its due day and not done."""
    today = today or timezone.localdate()
    flagged = 0
    due = DutyTask.objects.filter(Q(done_at__isnull=True) & Q(overdue_at__isnull=True) & Q(due_on__lt=today))
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            task = DutyTask.objects.select_for_update().select_related("user").get(pk=pk)
            if task.done_at is not None or task.overdue_at is not None:
                continue
            task.overdue_at = timezone.now()
            task.save(update_fields=["overdue_at"])
            DutyEvent.record(task, DutyEventKind.OVERDUE, None)
            notify(
                recipients=[task.user],
                message=Message(
                    kind="internal.duty_overdue",
                    subject=t(
                        N_("例行工作逾期：%(title)s（%(due)s 到期）"),
                        title=t(BY_CODE[task.code].title),
                        due=f"{task.due_on:%m-%d}",
                    ),
                    url=reverse("internal:my_day"),
                ),
                dedupe=f"internal.duty_overdue:{task.pk}",
            )
            flagged += 1
    return flagged
