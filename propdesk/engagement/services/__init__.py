"""Every write of the engagement app (keyword-only, atomic, permission-checked, one event row)."""

from .interviews import interview_finding_to_ticket, interview_record
from .planner import flag_behind, plan_make

__all__ = ["flag_behind", "interview_finding_to_ticket", "interview_record", "plan_make"]
