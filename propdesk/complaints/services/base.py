"""What every complaint service shares: locking with the version check, saving, the event, the SLA triggers
the complaint app emits, and who holds a role where the complaint is."""

from django.db.models import F
from django.utils.translation import gettext as _

from propdesk.core.errors import StaleVersion
from propdesk.org.choices import Role
from propdesk.org.selectors import role_holders
from propdesk.sla import services as sla

from .. import events
from ..models import Complaint

_event = events.record


class ComplaintTrigger:
    """The SLA triggers complaints emit (``sla.services.on_ticket_event``); the policies they start are data
    (sla migration 0002 and this app's migration 0002)."""

    INVALID = "complaint.invalid"  # judged invalid → explained within 2 h (R-CP-3)
    VALID_SUPERVISOR = "complaint.valid_supervisor"  # valid, handled by the CS supervisor → answered the same day
    REPLY_AGREED = "complaint.reply_agreed"  # the customer contacted and a reply time agreed (stops the 2 h)
    ON_THE_SPOT = "complaint.on_spot"  # handled on the spot → reply with the customer's opinion within 2 h
    OPINION = "complaint.opinion"  # the customer's opinion recorded
    ASSISTED = "complaint.assisted"  # assisted → progress at the center's interval
    PROGRESS = "complaint.progress"  # progress told to the customer
    MAJOR = "complaint.major"  # a major matter → progress within 48 h, the superior told at once (R-FB-3)
    RESCHEDULED = "complaint.reply_rescheduled"  # the reply time agreed again (stops the clock of the old one)
    RECLASSIFIED = "complaint.reclassified"  # another validity (stops the clocks the old one started)


def emit(complaint: Complaint, trigger: str, at=None, due_at=None) -> None:
    """Start and stop the complaint's clocks in the caller's transaction (``due_at``: the fixed deadline of the
    clocks the trigger starts, e.g. the reply time agreed with the customer)."""
    sla.on_ticket_event(ticket=complaint.ticket, trigger=trigger, at=at, due_at=due_at)


def lock(complaint: Complaint, expected_version: int | None) -> Complaint:
    locked = Complaint.objects.select_for_update().select_related("ticket").get(pk=complaint.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _("该投诉已被他人修改（当前版本 %(v)s），请刷新后重试") % {"v": locked.version}, code="stale_version"
        )
    return locked


def save(complaint: Complaint, fields: list[str]) -> None:
    complaint.version = F("version") + 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])
    complaint.refresh_from_db(fields=["version"])


def holders(complaint: Complaint, role: str) -> list:
    """Active users holding ``role`` over the complaint's community."""
    return role_holders(roles=[role], community_id=complaint.community_id, service_center=complaint.service_center)


def is_supervisor(user, complaint: Complaint) -> bool:
    return user is not None and any(u.pk == user.pk for u in holders(complaint, Role.CS_SUPERVISOR))
