"""Who may do what in dispatch (the only place that decides it; see core/permissions.py).

Two kinds of scope:

* A **work order** (and a long-term housekeeping arrangement) belongs to a community: a role counts
  when held there, or at its service center, branch or company. Field staff act on their own jobs only.
* **Duty and reachability, shifts and the rota, the weekly approval and the dispatch settings** belong
  to a whole service center: a role counts when held over the center (at the center, its branch or its
  company; ``Scope.roles_in_center``). A membership in one community of the center does not make anyone
  a planner or an approver of the whole center. The one exception is where a person works (``Post``):
  a technician employed for one community checks in there, and that community's dispatchers may record
  it for them.

Some grants are asked of the person an action is *about*, not of the actor: ``work_order.be_assigned``
(the assignee), ``rota.be_on`` (the worker put on a shift), ``arrangement.be_worker`` (the fixed
housekeeper). Everything here is asked with ``can``/``require`` from ``propdesk.core.permissions``.
"""

from dataclasses import dataclass

from django.db.models import Q

from propdesk.core.permissions import RuleSet
from propdesk.org.choices import Role
from propdesk.org.roles import FIELD, STAFF

from .choices import ACTIVE_WORK

# Who runs the dispatch desk (派单): the control center, the front desk and the center's managers.
# The customer-service assistant and the security manager take no part in dispatching repairs.
DISPATCHERS = frozenset(
    {
        Role.CONTROL_OPERATOR,
        Role.RECEPTIONIST,
        Role.CS_SUPERVISOR,
        Role.CENTER_MANAGER,
        Role.REPAIR_MANAGER,
        Role.DEPARTMENT_MANAGER,
    }
)
# Who takes work orders: technicians and housekeepers (security guards are field staff but repair nothing).
WORKERS = frozenset({Role.TECHNICIAN, Role.HOUSEKEEPER})
# Who plans the rota (排班): the department and center managers, the repair manager, the control center.
ROTA_PLANNERS = frozenset({Role.DEPARTMENT_MANAGER, Role.REPAIR_MANAGER, Role.CENTER_MANAGER, Role.CONTROL_OPERATOR})


@dataclass(frozen=True)
class Post:
    """Where a member of staff works: a service center, or one community of it (community-level
    membership). The object of the duty rules."""

    user_id: int
    service_center_id: int
    community_id: int | None = None


def _is_assignee(user, wo) -> bool:
    return wo.assignee_id == user.pk


def _assigned_and_open(user, wo) -> bool:
    return wo.assignee_id == user.pk and wo.status in ACTIVE_WORK


def _received_the_ticket(user, wo) -> bool:
    return wo.ticket.received_by_id == user.pk


def _own_post(user, post: Post) -> bool:
    return post.user_id == user.pk


# --------------------------------------------------------------------------- work orders (community)

work_order = RuleSet("work_order", community=lambda wo: wo.community_id, paths={"community": "community_id"})
# A work order for a ticket: the dispatch desk, or whoever received the request (R-WO-1).
work_order.allow("create", DISPATCHERS)
work_order.allow("create", STAFF, when=_received_the_ticket, q=lambda user: Q(ticket__received_by=user))
# Assign, re-assign, auto-dispatch, publish for grabbing (5-minute dispatch, R-WO-1).
work_order.allow("dispatch", DISPATCHERS)
work_order.allow("be_assigned", WORKERS)
work_order.allow("grab", WORKERS)
# The worker's own steps: accept, on the way, arrived, decline, finish, report, sign off, materials, photos.
work_order.allow("work", FIELD, when=_is_assignee, q=lambda user: Q(assignee=user))
# Calling the customer (拨打电话): the assigned worker, while the job is being worked on (assigned, accepted,
# on the way, on site). The number is dialled, never shown, and every call is a personal-data access row.
work_order.allow(
    "call_customer",
    FIELD,
    when=_assigned_and_open,
    q=lambda user: Q(assignee=user, status__in=sorted(ACTIVE_WORK)),
)
# The control center records those steps for a worker who cannot use a phone (both are recorded).
work_order.allow("work_for", DISPATCHERS)
# Return visits (回访), closing (销单) and cancelling.
work_order.allow("visit", DISPATCHERS)
work_order.allow("close", DISPATCHERS)
work_order.allow("cancel", DISPATCHERS)
# Changing the routing class (工程类/整改类/其他类/沟通类), and the work each class brings: contact
# sheets, the vendor's result, follow-ups.
work_order.allow("route", DISPATCHERS)
work_order.allow("handle_routing", DISPATCHERS)
# The contact sheet is verified and signed by the service center's manager (R-WO-5).
work_order.allow("sign_contact_sheet", {Role.CENTER_MANAGER})
# The classified registers (分类处理记录): any employee, each seeing the orders they may see.
work_order.allow("read_registers", STAFF)

# --------------------------------------------------------------------------- arrangements (community)

arrangement = RuleSet(
    "arrangement",
    community=lambda a: a.household.unit.building.community_id,
    paths={"community": "household__unit__building__community_id"},
)
arrangement.allow("create", DISPATCHERS)
# The fixed worker of a long-term housekeeping arrangement (长期家政).
arrangement.allow("be_worker", {Role.HOUSEKEEPER})

# --------------------------------------------------------------------------- duty and reachability (center)

duty = RuleSet(
    "duty",
    community=lambda post: post.community_id,
    center=lambda post: post.service_center_id,
    paths={"center": "service_center_id"},
)
# Staff check in and out, report the radio and leaving coverage themselves (R-WO-7)…
duty.allow("record_own", STAFF, when=_own_post, q=lambda user: Q(user=user))
# …and the control center of their center records it for them.
duty.allow("record_for", DISPATCHERS)

# --------------------------------------------------------------------------- shifts and the rota (center)

shift = RuleSet(
    "shift",
    center=lambda s: s.department.service_center_id,
    paths={"center": "department__service_center_id"},
)
shift.allow("change", {Role.CENTER_MANAGER, Role.DEPARTMENT_MANAGER, Role.REPAIR_MANAGER})

rota = RuleSet(
    "rota",
    center=lambda entry: entry.shift.department.service_center_id,
    paths={"center": "shift__department__service_center_id"},
)
rota.allow("plan", ROTA_PLANNERS)
# Who may be put on a shift of the center: its field staff (asked of the worker).
rota.allow("be_on", FIELD)

# --------------------------------------------------------------------------- weekly approval, settings (center)

weekly = RuleSet("weekly", center=lambda a: a.service_center_id, paths={"center": "service_center_id"})
# The repair manager approves (or returns) the week's repair task orders (R-WO-6).
weekly.allow("decide", {Role.REPAIR_MANAGER})

dispatch_settings = RuleSet(
    "dispatch_settings", center=lambda s: s.service_center_id, paths={"center": "service_center_id"}
)
# How the center dispatches and when repairs get a return visit: the center manager's decision.
dispatch_settings.allow("change", {Role.CENTER_MANAGER})
