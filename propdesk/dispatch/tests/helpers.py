"""Shared setup of the dispatch tests: a center-A crew (control center, engineering, housekeeping), workers on
duty and on the day shift, local times, tickets recorded through the services, a drawn signature, and
snapshots for asserting that a refused action changed nothing.

Calendar: the world is built on Monday 2 November 2026; the tests act on Wednesday 18 November 2026 (an
ordinary workday), from 10:00. The technicians' and the housekeeper's day shift is 08:00–17:00.
"""

import base64
import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image

from propdesk.dispatch.models import (
    ContactSheet,
    DutyEvent,
    FollowUp,
    Material,
    Photo,
    ReturnVisit,
    RotaEntry,
    ShiftTemplate,
    WeeklyApproval,
    WorkOrder,
    WorkOrderEvent,
)
from propdesk.dispatch.services import duty_update, rota_set
from propdesk.notify.models import Channel as NotifyChannel
from propdesk.notify.models import Notification
from propdesk.org.choices import DepartmentKind, Role
from propdesk.org.models import Department
from propdesk.sla.models import EscalationStep, SlaTarget
from propdesk.testing.clock import shanghai_time as t
from propdesk.testing.factories import DepartmentFactory, staff_user
from propdesk.tickets.choices import Channel, Kind
from propdesk.tickets.models import Ticket, TicketEvent
from propdesk.tickets.services import ticket_create


def on18(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return t(2026, 11, 18, hour, minute, second)


BUILT_AT = t(2026, 11, 2, 9)  # Monday
DAY = dt.date(2026, 11, 18)  # Wednesday
NOW = on18(10)
SHIFT_END = on18(17)


@dataclass
class Crew:
    control: Department
    engineering: Department
    housekeeping: Department
    operator: object  # 控制中心值班员
    receptionist: object
    supervisor: object  # 客服主管
    manager: object  # 服务中心经理
    repair_manager: object
    plumber: object  # technician: plumbing + general
    electrician: object  # technician: electrical + general
    housekeeper: object
    quality: object  # company quality department
    tech_b: object  # a plumber of center B, on duty
    day_shift: ShiftTemplate
    housekeeping_shift: ShiftTemplate


def set_trades(user, trades: list[str]) -> None:
    profile = user.staff_profile
    profile.trades = trades
    profile.save()


def build_crew(world, *, on_duty: bool = True, rota: bool = True) -> Crew:
    """The people of center A (and one technician of center B); workers checked in and on today's day shift."""
    control = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.CONTROL_CENTER, name="控制中心")
    engineering = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.ENGINEERING, name="工程维修部")
    housekeeping = DepartmentFactory(service_center=world.center_a, kind=DepartmentKind.HOUSEKEEPING, name="家政部")
    engineering_b = DepartmentFactory(service_center=world.center_b, kind=DepartmentKind.ENGINEERING, name="工程部B")
    a = world.center_a
    crew = Crew(
        control=control,
        engineering=engineering,
        housekeeping=housekeeping,
        operator=staff_user("operator", Role.CONTROL_OPERATOR, center=a, department=control),
        receptionist=staff_user("reception", Role.RECEPTIONIST, center=a),
        supervisor=staff_user("supervisor", Role.CS_SUPERVISOR, center=a),
        manager=staff_user("manager", Role.CENTER_MANAGER, center=a),
        repair_manager=staff_user("repair-manager", Role.REPAIR_MANAGER, center=a, department=engineering),
        plumber=staff_user("plumber", Role.TECHNICIAN, center=a, department=engineering),
        electrician=staff_user("electrician", Role.TECHNICIAN, center=a, department=engineering),
        housekeeper=staff_user("housekeeper", Role.HOUSEKEEPER, center=a, department=housekeeping),
        quality=staff_user("quality", Role.QUALITY_DEPT, company=world.company),
        tech_b=staff_user("plumber-b", Role.TECHNICIAN, center=world.center_b, department=engineering_b),
        day_shift=ShiftTemplate.objects.create(
            department=engineering, name="白班", starts=dt.time(8), ends=dt.time(17)
        ),
        housekeeping_shift=ShiftTemplate.objects.create(
            department=housekeeping, name="白班", starts=dt.time(8), ends=dt.time(17)
        ),
    )
    set_trades(crew.plumber, ["plumbing", "general"])
    set_trades(crew.electrician, ["electrical", "general"])
    set_trades(crew.housekeeper, ["housekeeping", "cleaning"])
    set_trades(crew.tech_b, ["plumbing", "general"])
    if rota:
        for worker in (crew.plumber, crew.electrician):
            rota_set(actor=crew.repair_manager, user=worker, day=DAY, shift=crew.day_shift)
        rota_set(actor=crew.manager, user=crew.housekeeper, day=DAY, shift=crew.housekeeping_shift)
    if on_duty:
        for worker in (crew.plumber, crew.electrician, crew.housekeeper, crew.tech_b):
            duty_update(actor=worker, user=worker, kind="check_in")
    return crew


def new_ticket(actor, world, *, kind: str = Kind.REPAIR, content: str = "厨房水龙头漏水", **kwargs) -> Ticket:
    """A ticket recorded by phone for resident 张伟 of 翠湖花园 3栋2单元1202 (unless another party is given)."""
    if not {"community", "unit", "household", "resident"} & kwargs.keys():
        kwargs["resident"] = world.resident_a
    return ticket_create(actor=actor, kind=kind, content=content, channel=Channel.PHONE, **kwargs)


def work_order_of(ticket: Ticket) -> WorkOrder:
    return WorkOrder.objects.get(ticket=ticket)


def fresh(wo: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=wo.pk)


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    image = Image.new("RGB", size, (20, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def signature_data_url(raw: bytes | None = None) -> str:
    """What the signature pad posts: a PNG data URL."""
    return "data:image/png;base64," + base64.b64encode(png_bytes() if raw is None else raw).decode()


def error_codes(exc: ValidationError) -> set[str | None]:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def wo_snapshot(wo: WorkOrder) -> tuple:
    """The fields a refused action must leave alone, and the size of everything hanging off the order."""
    wo = fresh(wo)
    return (
        wo.status,
        wo.version,
        wo.assignee_id,
        wo.offered,
        wo.assigned_at,
        wo.accepted_at,
        wo.finished_at,
        wo.reported_at,
        wo.signed_off_at,
        wo.closed_at,
        wo.result,
        wo.return_visit_required,
        wo.in_followup_register,
        wo.vendor_chased_at,
        wo.events.count(),
    )


def row_counts() -> dict[str, int]:
    """Rows of every table a dispatch action may write."""
    return {
        "work_orders": WorkOrder.objects.count(),
        "wo_events": WorkOrderEvent.objects.count(),
        "tickets": Ticket.objects.count(),
        "ticket_events": TicketEvent.objects.count(),
        "targets": SlaTarget.objects.count(),
        "steps": EscalationStep.objects.count(),
        "notifications": Notification.objects.count(),
        "visits": ReturnVisit.objects.count(),
        "sheets": ContactSheet.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "materials": Material.objects.count(),
        "photos": Photo.objects.count(),
        "duty_events": DutyEvent.objects.count(),
        "rota": RotaEntry.objects.count(),
        "approvals": WeeklyApproval.objects.count(),
    }


def inbox(user, kind: str | None = None) -> list[str]:
    """Subjects of the user's in-app notifications (oldest first), optionally of one kind."""
    qs = Notification.objects.filter(recipient=user, channel=NotifyChannel.INAPP)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return [n.subject_text() for n in qs.order_by("created_at", "pk")]


def target(ticket: Ticket, code: str) -> SlaTarget:
    return SlaTarget.objects.get(ticket=ticket, policy__code=code)


def advance(wo: WorkOrder, crew: Crew, to: str, *, worker=None, rating: int | None = None) -> WorkOrder:
    """Take a work order from PENDING to ``to`` through the services, at the current (frozen) time: the control
    operator dispatches, the worker accepts, arrives, finishes (with a signature) and reports; the control
    operator records the end-of-shift sign-off for the worker."""
    from propdesk.dispatch import services
    from propdesk.dispatch.choices import Status

    worker = worker or crew.plumber
    path = [Status.ASSIGNED, Status.ACCEPTED, Status.ARRIVED, Status.FINISHED, Status.REPORTED, Status.SIGNED_OFF]
    for step in path[: path.index(to) + 1]:
        wo = fresh(wo)
        if step == Status.ASSIGNED:
            services.work_order_assign(actor=crew.operator, work_order=wo, assignee=worker)
        elif step in (Status.ACCEPTED, Status.ARRIVED):
            services.work_order_progress(actor=worker, work_order=wo, to_status=step)
        elif step == Status.FINISHED:
            services.work_order_finish(
                actor=worker, work_order=wo, result="已更换水龙头阀芯", signature=signature_data_url(), rating=rating
            )
        elif step == Status.REPORTED:
            services.work_order_report(actor=worker, work_order=wo)
        else:
            services.work_order_sign_off(actor=crew.operator, work_orders=[wo])
    return fresh(wo)
