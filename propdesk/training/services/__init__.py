"""The writes of procedure training (keyword-only, atomic, versioned where edited, one event each)."""

from .procedures import procedure_approve, procedure_attach, procedure_register, procedure_resubmit, procedure_return
from .sessions import attendance_record, session_invite, session_schedule
from .trainees import flag_overdue_trainees, sync_trainees

__all__ = [
    "attendance_record",
    "flag_overdue_trainees",
    "procedure_approve",
    "procedure_attach",
    "procedure_register",
    "procedure_resubmit",
    "procedure_return",
    "session_invite",
    "session_schedule",
    "sync_trainees",
]
