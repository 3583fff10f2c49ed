"""Demo data of the internal app: a technician out of the community (so the dispatch board shows them
unavailable), an approved leave today and a pending request, a circular being tracked, this month's manager
duties planned, a work log with a patrol finding turned into a ticket, this morning's meeting with an action item,
a reported reassignment and a forwarded important email. Safe to call twice: a center with an
outing or a circular is left as it is."""

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from propdesk.internal import services
from propdesk.internal.models import Circular, Outing
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership, ServiceCenter


def _holder(center: ServiceCenter, role: str):
    member = (
        RoleMembership.objects.filter(is_active=True, role=role, service_center=center)
        .select_related("user__staff_profile__department")
        .order_by("pk")
        .first()
    )
    user = member.user if member else None
    profile = getattr(user, "staff_profile", None) if user else None
    return user if profile and profile.department.service_center_id == center.pk else None


def _request_on_a_working_day(actor, *, first: dt.date, kind: str, reason: str):
    """A one-day leave on the first of the next seven days that is a working day for ``actor`` (a day off on
    the rota or a weekend needs no leave), or None."""
    for offset in range(7):
        day = first + dt.timedelta(days=offset)
        try:
            with transaction.atomic():
                return services.leave_request(actor=actor, kind=kind, starts_on=day, ends_on=day, reason=reason)
        except ValidationError:
            continue
    return None


def _leave(center: ServiceCenter, rng: random.Random) -> None:
    housekeeper = _holder(center, Role.HOUSEKEEPER)
    approver = _holder(center, Role.CENTER_MANAGER)
    if housekeeper is None or approver is None:
        return
    today = timezone.localdate()
    leave = _request_on_a_working_day(housekeeper, first=today, kind="annual", reason="家中有事")
    if leave is not None:
        services.leave_decide(actor=approver, leave=leave, approve=True, note="同意")
    security = _holder(center, Role.SECURITY_GUARD)
    if security is not None:
        later = today + dt.timedelta(days=rng.randint(7, 14))
        _request_on_a_working_day(security, first=later, kind="personal", reason="办理证件")


def _circular(center: ServiceCenter, info) -> None:
    circular = services.circular_register(
        actor=info,
        center=center,
        title="冬季消防安全检查通知",
        source="公司品质部",
        level="circulate",
        body="各部门于月底前完成消防器材自查，并在系统中确认落实。",
        roles=[Role.TECHNICIAN, Role.SECURITY_MANAGER, Role.CS_SUPERVISOR],
        requires_execution=True,
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    first = circular.recipients.select_related("user").first()
    if first is not None:
        services.circular_done(actor=first.user, circular=circular, note="已自查")


def _work_log(center: ServiceCenter, manager) -> None:
    community = center.communities.order_by("pk").first()
    if community is None:
        return
    services.work_log_save(actor=manager, day=timezone.localdate(), summary="8:20 晨会；8:40 巡视小区；审核维修任务单")
    finding = services.finding_add(actor=manager, community=community, location="地库 B1", description="排水沟盖板松动")
    services.finding_to_ticket(actor=manager, finding=finding)


def _routine(center: ServiceCenter, manager, technician, info) -> None:
    """This morning's meeting with an action item for the technician, a reported reassignment and a forwarded
    important email for the manager."""
    today = timezone.localdate()
    attendees = [u.pk for u in (manager, technician) if u is not None]
    actions = []
    if technician is not None:
        actions.append({"user_id": technician.pk, "text": "3 栋地下室水泵检修", "due_on": today + dt.timedelta(days=2)})
        start = timezone.make_aware(dt.datetime.combine(today, dt.time(19)))
        services.reassignment_report(
            actor=manager,
            user=technician,
            from_post="维修白班",
            to_post="控制中心夜间值守",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=4),
            reason="值班员病假，临时顶班",
        )
    services.meeting_record(
        actor=manager,
        center=center,
        kind="morning",
        day=today,
        minutes="昨日报修全部完成；今日重点：地下室排水、电梯年检准备。",
        attendee_ids=attendees,
        actions=actions,
    )
    if info is not None:
        services.email_forward(
            actor=info,
            center=center,
            sender="公司品质部 <quality@example.com>",
            subject="月度质量检查整改回复",
            body="请于两日内提交上月质量检查的整改回复。",
            received_at=timezone.now() - dt.timedelta(hours=1),
            owner_id=manager.pk,
            due_at=timezone.now() + dt.timedelta(hours=30),
        )


def create_internal_demo(center: ServiceCenter, rng: random.Random) -> None:
    """Whereabouts, leave, a circular, the month's duties and a work log for ``center`` (once)."""
    if Outing.objects.filter(service_center=center).exists() or Circular.objects.filter(service_center=center).exists():
        return
    technician = _holder(center, Role.TECHNICIAN)
    if technician is not None:
        profile = technician.staff_profile
        services.outing_post(
            actor=technician,
            reason="采购维修配件",
            place="建材市场",
            phone=profile.phone or "13800000000",
            expected_back=timezone.now() + dt.timedelta(hours=2),
        )
    _leave(center, rng)
    info = _holder(center, Role.INFO_MANAGER) or _holder(center, Role.CENTER_MANAGER)
    if info is not None:
        _circular(center, info)
    services.plan_duties()
    manager = _holder(center, Role.CENTER_MANAGER)
    if manager is not None:
        _work_log(center, manager)
        _routine(center, manager, technician, info)
