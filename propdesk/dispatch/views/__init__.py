"""Dispatch pages, one module per part of the work:

    board       the control center's board, its live poll, the assignment panel, dispatching from it
    work_order  the work-order page and its buttons (the table in ``actions``), the printouts
    field       the technician's phone pages: my jobs, a job, duty buttons, the end-of-shift sign-off
    planning    the rota, the weekly approval, long-term housekeeping arrangements
    registers   the classified registers

Every page asks the rule set (``dispatch/permissions.py``) through the services and selectors.
"""

from .board import assign_panel, board, board_live, dispatch_action, staff_panel
from .field import call_customer, duty_action, job, my_jobs, sign_off_all
from .planning import arrangements, rota, weekly
from .registers import REGISTERS, register
from .work_order import (
    contact_sheet_print,
    work_order_action,
    work_order_detail,
    work_order_print,
    work_order_signature,
)

__all__ = [
    "REGISTERS",
    "arrangements",
    "assign_panel",
    "board",
    "board_live",
    "call_customer",
    "contact_sheet_print",
    "dispatch_action",
    "duty_action",
    "job",
    "my_jobs",
    "register",
    "rota",
    "sign_off_all",
    "staff_panel",
    "weekly",
    "work_order_action",
    "work_order_detail",
    "work_order_print",
    "work_order_signature",
]
