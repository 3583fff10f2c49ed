"""Demo data of the training app: an engineering procedure approved, with a session starting within the hour
(some technicians signed in, one absent, the rest to come); a customer-service procedure waiting for the
manager's approval; and a security procedure approved but not yet scheduled, so the untrained list is not
empty. Safe to call twice: a center with a procedure is left as it is."""

import datetime as dt
import random

from django.utils import timezone

from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department, RoleMembership, ServiceCenter
from propdesk.training import services
from propdesk.training.models import Procedure


def _holder(center: ServiceCenter, role: str):
    member = (
        RoleMembership.objects.filter(is_active=True, role=role, service_center=center, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return member.user if member else None


def _department(center: ServiceCenter, kind: str):
    return Department.objects.filter(service_center=center, kind=kind).order_by("pk").first()


def _register(center, registrar, department, *, title, summary, days, roles=(), department_ids=(), pass_mark=None):
    today = timezone.localdate()
    return services.procedure_register(
        actor=registrar,
        center=center,
        department_id=department.pk,
        title=title,
        summary=summary,
        effective_on=today + dt.timedelta(days=3),
        due_on=today + dt.timedelta(days=days),
        pass_mark=pass_mark,
        roles=list(roles),
        department_ids=list(department_ids),
    )


def _session_today(procedure, hr, trainer, rng: random.Random) -> None:
    session = services.session_schedule(
        actor=hr,
        procedure=procedure,
        starts_at=timezone.now() + dt.timedelta(minutes=30),
        place="服务中心三楼会议室",
        trainer_id=trainer.pk,
        capacity=30,
    )
    rows = services.session_invite(actor=hr, session=session)
    for index, row in enumerate(rows):
        if index % 3 == 2:
            continue  # not arrived yet
        mark = "absent" if index == 1 else "present"
        score = rng.randint(70, 98) if mark == "present" and procedure.pass_mark else None
        services.attendance_record(actor=hr, session=session, user_id=row.trainee.user_id, mark=mark, score=score)


def create_training_demo(center: ServiceCenter, rng: random.Random) -> None:
    """Three procedures at three stages for ``center`` (once)."""
    if Procedure.objects.filter(service_center=center).exists():
        return
    hr = _holder(center, Role.HR_ADMIN)
    manager = _holder(center, Role.CENTER_MANAGER)
    if hr is None or manager is None or hr.pk == manager.pk:
        return
    engineering = _department(center, DepartmentKind.ENGINEERING)
    if engineering is not None:
        water = _register(
            center,
            hr,
            engineering,
            title="二次供水水箱清洗规程",
            summary="清洗前提前三天张贴停水通知；清洗后取样送检，合格后方可恢复供水。",
            days=21,
            roles=[Role.TECHNICIAN],
            pass_mark=60,
        )
        water = services.procedure_approve(actor=manager, procedure=water, note="同意，请人事部本周内安排")
        if water.trainees.exists():
            _session_today(water, hr, _holder(center, Role.REPAIR_MANAGER) or manager, rng)
    service = _department(center, DepartmentKind.CUSTOMER_SERVICE)
    if service is not None:
        _register(
            center,
            hr,
            service,
            title="客户投诉处理流程（修订）",
            summary="投诉受理后 30 分钟内回复客户；重大投诉当日报服务中心经理。",
            days=30,
            roles=[Role.RECEPTIONIST, Role.CS_ASSISTANT],
            department_ids=[service.pk],
        )
    security = _department(center, DepartmentKind.SECURITY)
    if security is not None:
        patrol = _register(
            center,
            hr,
            security,
            title="夜间巡逻签到规程",
            summary="夜班每两小时巡逻一次，在各巡更点签到。",
            days=rng.randint(10, 20),
            department_ids=[security.pk],
        )
        services.procedure_approve(actor=manager, procedure=patrol)
