"""The writes of internal communication (keyword-only, atomic, versioned, one event each)."""

from .circulars import (
    chase_circulars,
    circular_acknowledge,
    circular_close,
    circular_done,
    circular_meeting,
    circular_register,
)
from .duties import duty_complete, flag_overdue_duties, plan_duties
from .leave import (
    flag_unreturned_leave,
    leave_confirm,
    leave_days,
    leave_decide,
    leave_request,
    leave_return,
    leave_withdraw,
)
from .whereabouts import flag_overdue_outings, outing_post, outing_return
from .worklog import finding_add, finding_to_ticket, work_log_save

__all__ = [
    "chase_circulars",
    "circular_acknowledge",
    "circular_close",
    "circular_done",
    "circular_meeting",
    "circular_register",
    "duty_complete",
    "finding_add",
    "finding_to_ticket",
    "flag_overdue_duties",
    "flag_overdue_outings",
    "flag_unreturned_leave",
    "leave_confirm",
    "leave_days",
    "leave_decide",
    "leave_request",
    "leave_return",
    "leave_withdraw",
    "outing_post",
    "outing_return",
    "plan_duties",
    "work_log_save",
]
