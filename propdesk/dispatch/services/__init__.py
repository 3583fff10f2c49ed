"""Every write of dispatch: work orders through their life, duty and reachability, shifts, housekeeping
arrangements, return visits, contact sheets, vendor chasing, follow-ups and the weekly approval.

Each work-order service locks the row, checks the state machine and the version the caller saw, asks the
rule set (``dispatch/permissions.py``) whether the actor may, writes, appends a WorkOrderEvent and tells the
SLA engine (R-WO-1 … R-WO-7). The modules follow the sections of the work:

    work_orders    creation (routing by warranty) and cancelling
    assignment     eligibility, suggestion, assign / offer / grab / round-robin / auto
    field          the worker's steps: decline, progress, finish with signature, report, sign-off, materials, photos
    calls          calling the customer from a job: the number as a tel: URI, with a personal-data access row
    return_visits  the return-visit policy, visits, closing
    routing        choosing the routing class, contact sheets, vendors and their chasing, follow-ups
    duty           duty and reachability, the rota, free slots, long-term housekeeping arrangements
    weekly         the repair manager's weekly approval
    common         the lock, the one status change, history rows, settings, keeping the ticket in step

Callers import from here (``from propdesk.dispatch import services``); the names below are the public ones.
"""

from .assignment import (
    DISPATCHABLE,
    eligible_staff,
    round_robin_pick,
    suggest,
    work_order_assign,
    work_order_dispatch_auto,
    work_order_grab,
    work_order_offer,
)
from .calls import customer_phone, work_order_call
from .common import TICKET_OPEN, StaleWorkOrder, settings_for
from .duty import (
    arrangement_create,
    duty_update,
    free_slots,
    generate_arrangement_orders,
    rota_set,
    worker_posts,
)
from .field import (
    PROGRESS,
    SIGNATURE_MAX_BYTES,
    material_add,
    photo_add,
    work_order_decline,
    work_order_finish,
    work_order_progress,
    work_order_report,
    work_order_sign_off,
)
from .return_visits import return_visit_record, work_order_close
from .routing import (
    ENGINEERING_OVERDUE,
    REROUTABLE_STATUSES,
    ROUTABLE,
    chase_overdue_vendors,
    contact_sheet_advance,
    follow_up_done,
    follow_up_plan,
    mark_overdue_engineering,
    vendor_record_result,
    work_order_route,
)
from .weekly import week_start, weekly_decide
from .work_orders import open_work_for_new_ticket, warranty_routing, work_order_cancel, work_order_create

__all__ = [
    "DISPATCHABLE",
    "ENGINEERING_OVERDUE",
    "PROGRESS",
    "REROUTABLE_STATUSES",
    "ROUTABLE",
    "SIGNATURE_MAX_BYTES",
    "TICKET_OPEN",
    "StaleWorkOrder",
    "arrangement_create",
    "chase_overdue_vendors",
    "contact_sheet_advance",
    "customer_phone",
    "duty_update",
    "eligible_staff",
    "follow_up_done",
    "follow_up_plan",
    "free_slots",
    "generate_arrangement_orders",
    "mark_overdue_engineering",
    "material_add",
    "open_work_for_new_ticket",
    "photo_add",
    "return_visit_record",
    "rota_set",
    "round_robin_pick",
    "settings_for",
    "suggest",
    "vendor_record_result",
    "warranty_routing",
    "week_start",
    "weekly_decide",
    "work_order_assign",
    "work_order_call",
    "work_order_cancel",
    "work_order_close",
    "work_order_create",
    "work_order_decline",
    "work_order_dispatch_auto",
    "work_order_finish",
    "work_order_grab",
    "work_order_offer",
    "work_order_progress",
    "work_order_report",
    "work_order_route",
    "work_order_sign_off",
    "worker_posts",
]
