"""The notice services (every write): drafting, the approval chain, outages at the desk, warnings and
broadcasts, CAP alerts, special customers, the monthly bulletin rule."""

from .board import contact_delete, contact_save, fee_item_delete, fee_item_save
from .bulletin import flag_missing_bulletins
from .editing import attachment_add, notice_create, notice_update
from .outages import desk_outages, link_outage_call
from .special import delivery_acknowledge, delivery_record
from .warnings import (
    broadcast_done,
    chase_unacknowledged,
    seed_rules,
    warning_acknowledge,
    warning_decide,
    warning_enter,
)
from .workflow import (
    notice_approve,
    notice_return,
    notice_schedule,
    notice_seal,
    notice_submit,
    notice_withdraw,
    post_due,
)

__all__ = [
    "attachment_add",
    "broadcast_done",
    "chase_unacknowledged",
    "contact_delete",
    "contact_save",
    "delivery_acknowledge",
    "delivery_record",
    "desk_outages",
    "fee_item_delete",
    "fee_item_save",
    "flag_missing_bulletins",
    "link_outage_call",
    "notice_approve",
    "notice_create",
    "notice_return",
    "notice_schedule",
    "notice_seal",
    "notice_submit",
    "notice_update",
    "notice_withdraw",
    "post_due",
    "seed_rules",
    "warning_acknowledge",
    "warning_decide",
    "warning_enter",
]
