"""The internal pages (see each section's module)."""

from .circulars import circular_action, circular_detail, circular_list, circular_new
from .day import dashboard, my_day
from .duties import duty_complete
from .leave import leave_action, leave_detail, leave_list, leave_new, leave_print
from .whereabouts import board, outing_post, outing_return
from .worklog import finding_ticket, work_log

__all__ = [
    "board",
    "circular_action",
    "circular_detail",
    "circular_list",
    "circular_new",
    "dashboard",
    "duty_complete",
    "finding_ticket",
    "leave_action",
    "leave_detail",
    "leave_list",
    "leave_new",
    "leave_print",
    "my_day",
    "outing_post",
    "outing_return",
    "work_log",
]
