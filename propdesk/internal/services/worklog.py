"""The manager's daily work log (个人工作日志, 002 §五.2, §七.4): the day's summary and the patrol findings; a
finding that cannot be fixed on the spot becomes a ticket (self-collected, with its work order) in one action."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.communities.models import Community
from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require
from propdesk.tickets.choices import Channel, Kind, Source
from propdesk.tickets.services import ticket_create

from ..choices import WorkLogEventKind
from ..models import PatrolFinding, WorkLog, WorkLogEvent
from .common import department_of, lock


def _log_for(actor, day: dt.date) -> WorkLog:
    department = department_of(actor)
    probe = WorkLog(user=actor, service_center_id=department.service_center_id)
    require(actor, "work_log.write", probe, _("个人工作日志由各经理本人填写"))
    log, _created = WorkLog.objects.select_for_update().get_or_create(
        user=actor, day=day, defaults={"service_center_id": department.service_center_id}
    )
    return log


@transaction.atomic
def work_log_save(*, actor, day: dt.date, summary: str, expected_version: int | None = None) -> WorkLog:
    """Write the day's log (today or yesterday: the log is kept daily)."""
    check_date(day, "day")
    if day is None or not timezone.localdate() - dt.timedelta(days=1) <= day <= timezone.localdate():
        raise field_error("day", _("只能填写今天或昨天的工作日志"), "day")
    log = _log_for(actor, day)
    log = lock(WorkLog, log, expected_version, _("工作日志已被更新，请刷新后重试"))
    log.summary = clean_text(summary, "summary", limit=5000)
    log.updated_at = timezone.now()
    log.version += 1
    log.save(update_fields=["summary", "updated_at", "version"])
    WorkLogEvent.record(log, WorkLogEventKind.WRITTEN, actor)
    return log


@transaction.atomic
def finding_add(
    *, actor, community: Community, location: str, description: str, fixed_on_spot: bool = False
) -> PatrolFinding:
    """Record a patrol finding in today's log."""
    log = _log_for(actor, timezone.localdate())
    if community is None or community.service_center_id != log.service_center_id:
        raise field_error("community", _("请选择本服务中心的小区"), "invalid_choice")
    finding = PatrolFinding.objects.create(
        log=log,
        community=community,
        location=clean_text(location, "location", limit=100),
        description=clean_text(description, "description", limit=500),
        fixed_on_spot=bool(fixed_on_spot),
    )
    WorkLogEvent.record(log, WorkLogEventKind.FINDING, actor, finding=finding.pk, fixed=finding.fixed_on_spot)
    return finding


@transaction.atomic
def finding_to_ticket(*, actor, finding: PatrolFinding) -> PatrolFinding:
    """Turn a finding not fixed on the spot into a repair ticket collected by the center (with its work order)."""
    finding = PatrolFinding.objects.select_for_update().select_related("log", "community").get(pk=finding.pk)
    require(actor, "work_log.write", finding.log, _("个人工作日志由各经理本人填写"))
    if finding.fixed_on_spot:
        raise field_error("finding", _("该问题已当场处理"), "fixed")
    if finding.ticket_id is not None:
        raise field_error("finding", _("该问题已转为工单"), "done")
    finding.ticket = ticket_create(
        actor=actor,
        kind=Kind.REPAIR,
        content=finding.description,
        channel=Channel.STAFF,
        community=finding.community,
        location=finding.location,
        source=Source.SELF_COLLECTED,
        source_detail=_("巡视发现"),
    )
    finding.save(update_fields=["ticket"])
    WorkLogEvent.record(finding.log, WorkLogEventKind.TICKET, actor, finding=finding.pk, ticket=finding.ticket.number)
    return finding
