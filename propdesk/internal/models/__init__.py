"""The models of internal communication, one module per subject."""

from .circulars import Circular, CircularEvent, CircularRecipient
from .people import LeaveEvent, LeaveRequest, Outing, OutingEvent
from .routine import DutyEvent, DutyTask, PatrolFinding, WorkLog, WorkLogEvent

__all__ = [
    "Circular",
    "CircularEvent",
    "CircularRecipient",
    "DutyEvent",
    "DutyTask",
    "LeaveEvent",
    "LeaveRequest",
    "Outing",
    "OutingEvent",
    "PatrolFinding",
    "WorkLog",
    "WorkLogEvent",
]
