"""The writes of internal communication (keyword-only, atomic, versioned, one event each)."""

from .attendance import center_settings, settings_update, sign_in, sign_out
from .circulars import (
    MAX_FILE_SIZE,
    chase_circulars,
    circular_acknowledge,
    circular_close,
    circular_done,
    circular_meeting,
    circular_register,
)
from .duties import duty_complete, flag_overdue_duties, plan_duties
from .email_tasks import email_forward, email_task_complete, remind_email_tasks
from .leave import (
    flag_unreturned_leave,
    leave_confirm,
    leave_days,
    leave_decide,
    leave_request,
    leave_return,
    leave_withdraw,
)
from .meetings import action_item_complete, flag_overdue_actions, meeting_record
from .reassignments import reassignment_acknowledge, reassignment_report
from .whereabouts import flag_overdue_outings, outing_post, outing_return
from .worklog import finding_add, finding_to_ticket, work_log_save

__all__ = [
    "MAX_FILE_SIZE",
    "action_item_complete",
    "center_settings",
    "chase_circulars",
    "circular_acknowledge",
    "circular_close",
    "circular_done",
    "circular_meeting",
    "circular_register",
    "duty_complete",
    "email_forward",
    "email_task_complete",
    "finding_add",
    "finding_to_ticket",
    "flag_overdue_actions",
    "flag_overdue_duties",
    "flag_overdue_outings",
    "flag_unreturned_leave",
    "leave_confirm",
    "leave_days",
    "leave_decide",
    "leave_request",
    "leave_return",
    "leave_withdraw",
    "meeting_record",
    "outing_post",
    "outing_return",
    "plan_duties",
    "reassignment_acknowledge",
    "reassignment_report",
    "remind_email_tasks",
    "settings_update",
    "sign_in",
    "sign_out",
    "work_log_save",
]
