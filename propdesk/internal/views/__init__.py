"""The internal pages (see each section's module)."""

from .circulars import circular_action, circular_detail, circular_list, circular_new
from .day import dashboard, my_day
from .duties import duty_complete
from .leave import leave_action, leave_detail, leave_list, leave_new, leave_print
from .routine import (
    action_done,
    center_settings,
    circular_file,
    email_task_done,
    email_tasks,
    meeting_detail,
    meetings,
    reassignment_acknowledge,
    reassignments,
    sign,
)
from .whereabouts import board, outing_post, outing_return
from .worklog import finding_ticket, work_log

__all__ = [
    "action_done",
    "board",
    "center_settings",
    "circular_action",
    "circular_detail",
    "circular_file",
    "circular_list",
    "circular_new",
    "dashboard",
    "duty_complete",
    "email_task_done",
    "email_tasks",
    "finding_ticket",
    "leave_action",
    "leave_detail",
    "leave_list",
    "leave_new",
    "leave_print",
    "meeting_detail",
    "meetings",
    "my_day",
    "outing_post",
    "outing_return",
    "reassignment_acknowledge",
    "reassignments",
    "sign",
    "work_log",
]
