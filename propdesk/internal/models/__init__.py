"""The models of internal communication, one module per subject."""

from .attendance import InternalSettings, SignIn
from .circulars import Circular, CircularAttachment, CircularEvent, CircularRecipient
from .emails import EmailTask, EmailTaskEvent
from .meetings import ActionItem, Meeting, MeetingEvent
from .people import LeaveEvent, LeaveRequest, Outing, OutingEvent
from .reassignments import Reassignment, ReassignmentEvent
from .routine import DutyEvent, DutyTask, PatrolFinding, WorkLog, WorkLogEvent

__all__ = [
    "ActionItem",
    "Circular",
    "CircularAttachment",
    "CircularEvent",
    "CircularRecipient",
    "DutyEvent",
    "DutyTask",
    "EmailTask",
    "EmailTaskEvent",
    "InternalSettings",
    "LeaveEvent",
    "LeaveRequest",
    "Meeting",
    "MeetingEvent",
    "Outing",
    "OutingEvent",
    "PatrolFinding",
    "Reassignment",
    "ReassignmentEvent",
    "SignIn",
    "WorkLog",
    "WorkLogEvent",
]
