"""The internal pages (see each section's module)."""

from .day import dashboard, my_day
from .leave import leave_action, leave_detail, leave_list, leave_new, leave_print
from .whereabouts import board, outing_post, outing_return

__all__ = [
    "board",
    "dashboard",
    "leave_action",
    "leave_detail",
    "leave_list",
    "leave_new",
    "leave_print",
    "my_day",
    "outing_post",
    "outing_return",
]
