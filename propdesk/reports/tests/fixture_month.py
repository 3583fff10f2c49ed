"""A fixture month with counts known by hand: November 2026 in center A (翠湖花园, buildings 3栋 and 5栋),
with October 2026 and November 2025 for the comparisons, and a little of center B.

Center A, November 2026 (received):
  repairs    R1 3栋 plumbing, closed, visit satisfied (5), clock met, assignee the technician
             R2 5栋 electrical, visit unsatisfied (2), clock breached, assignee the technician
             R3 3栋 no work order
             R4 5栋 plumbing, visit not reached
  complaints C1 3栋 class 1, valid, noise, customer satisfied, clock met
             C2 5栋 class 2, invalid, repair, clock breached
             C3 3栋 unclassified, pending, other
  one consultation (closed), one praise, one suggestion
Center A, October 2026: one repair (3栋, plumbing), one complaint (class 1, valid, noise).
Center A, November 2025: two repairs (3栋, general).
Center B, November 2026: one repair, one complaint (class 1, valid).
Every other deadline clock is cancelled (they do not count).
"""

from dataclasses import dataclass, field

from propdesk.complaints.models import Complaint
from propdesk.dispatch.models import ReturnVisit, WorkOrder
from propdesk.org.choices import Role
from propdesk.reports.services import rollup_rebuild
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaTarget
from propdesk.testing.factories import BuildingFactory, HouseholdFactory, UnitFactory
from propdesk.testing.roles import role_user
from propdesk.tickets.choices import Kind, Status
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import local, new_ticket, walk_to


@dataclass
class Month:
    staff_a: object
    staff_b: object
    technician: object
    manager_a: object
    building_5: object
    tickets: dict = field(default_factory=dict)


def _complaint(ticket, **values) -> None:
    Complaint.objects.filter(ticket=ticket).update(**values)


def _trade(ticket, trade: str) -> None:
    WorkOrder.objects.filter(ticket=ticket).update(trade=trade)


def _visit(ticket, by, *, reached: bool, quality: int | None) -> None:
    work_order = WorkOrder.objects.filter(ticket=ticket).order_by("pk").first()
    ReturnVisit.objects.create(
        work_order=work_order, by=by, at=local(2026, 11, 20, 10, 0), reached=reached, quality=quality
    )


def _clock(ticket, state: str) -> int:
    target = SlaTarget.objects.filter(ticket=ticket).order_by("pk").first()
    if target is None:  # a ticket kind without a clock here: give it one like its first
        raise AssertionError(f"{ticket.kind} ticket has no deadline clock")
    SlaTarget.objects.filter(pk=target.pk).update(state=state)
    return target.pk


def build_month(world, clock) -> Month:
    staff_a = role_user(Role.CS_SUPERVISOR, world.center_a, username="cs-a")
    staff_b = role_user(Role.CS_SUPERVISOR, world.center_b, username="cs-b")
    technician = role_user(Role.TECHNICIAN, world.center_a, username="tech-a")
    manager_a = role_user(Role.CENTER_MANAGER, world.center_a, username="mgr-a")
    building_5 = BuildingFactory(community=world.community_a, name="5栋")
    household_5 = HouseholdFactory(unit=UnitFactory(building=building_5, entrance="1单元", number="501"))
    month = Month(staff_a, staff_b, technician, manager_a, building_5)
    t = month.tickets
    a, a5 = world.household_a, household_5

    clock.move_to(local(2025, 11, 10, 9, 0))
    t["R6"] = new_ticket(staff_a, household=a)
    t["R7"] = new_ticket(staff_a, household=a)
    clock.move_to(local(2026, 10, 12, 9, 0))
    t["R5"] = new_ticket(staff_a, household=a)
    t["C4"] = new_ticket(staff_a, household=a, kind=Kind.COMPLAINT, content="楼上装修噪音太大")
    clock.move_to(local(2026, 11, 5, 9, 0))
    t["R1"] = new_ticket(staff_a, household=a)
    t["R2"] = new_ticket(staff_a, household=a5, content="客厅灯不亮")
    t["R3"] = new_ticket(staff_a, household=a, create_work_order=False)
    t["R4"] = new_ticket(staff_a, household=a5)
    t["C1"] = new_ticket(staff_a, household=a, kind=Kind.COMPLAINT, content="楼上装修噪音太大")
    t["C2"] = new_ticket(staff_a, household=a5, kind=Kind.COMPLAINT, content="墙面渗水发霉")
    t["C3"] = new_ticket(staff_a, household=a, kind=Kind.COMPLAINT, content="其他问题")
    t["Q1"] = new_ticket(staff_a, household=a, kind=Kind.CONSULTATION, content="物业费怎么交")
    t["P1"] = new_ticket(staff_a, household=a, kind=Kind.PRAISE, content="保安很负责")
    t["S1"] = new_ticket(staff_a, household=a, kind=Kind.SUGGESTION, content="建议增加垃圾桶")
    t["BR"] = new_ticket(staff_b, household=world.household_b)
    t["BC"] = new_ticket(staff_b, household=world.household_b, kind=Kind.COMPLAINT, content="保安态度差")
    clock.move_to(local(2026, 11, 6, 9, 0))
    walk_to(t["Q1"], Status.CLOSED, staff_a)

    for key, trade in (
        ("R1", "plumbing"),
        ("R2", "electrical"),
        ("R4", "plumbing"),
        ("R5", "plumbing"),
        ("R6", "general"),
        ("R7", "general"),
    ):
        _trade(t[key], trade)
    Ticket.objects.filter(pk__in=[t["R1"].pk, t["R2"].pk]).update(assignee=technician)
    _visit(t["R1"], staff_a, reached=True, quality=5)
    _visit(t["R2"], staff_a, reached=True, quality=2)
    _visit(t["R4"], staff_a, reached=False, quality=None)
    _complaint(t["C1"], responsibility_class=1, validity="valid", category="noise", customer_satisfied=True)
    _complaint(t["C2"], responsibility_class=2, validity="invalid", category="repair")
    _complaint(t["C3"], responsibility_class=None, validity="pending", category="other")
    _complaint(t["C4"], responsibility_class=1, validity="valid", category="noise")
    _complaint(t["BC"], responsibility_class=1, validity="valid", category="security")
    counted = [
        _clock(t["R1"], TargetState.MET),
        _clock(t["R2"], TargetState.BREACHED),
        _clock(t["C1"], TargetState.MET),
        _clock(t["C2"], TargetState.BREACHED),
    ]
    SlaTarget.objects.exclude(pk__in=counted).update(state=TargetState.CANCELLED)
    walk_to(Ticket.objects.get(pk=t["R1"].pk), Status.CLOSED, staff_a)
    rollup_rebuild()
    return month
