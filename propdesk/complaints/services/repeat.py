"""Repeat complaints (R-CP-6): a customer unhappy with the result reopens the complaint; it goes to the CS
supervisor, marked as a repeat, and the supervisor reviews the earlier handling first (002 §11)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core import texts
from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.people import person_name
from propdesk.core.permissions import can, require
from propdesk.core.texts import t
from propdesk.org.choices import Role
from propdesk.tickets.choices import Status
from propdesk.tickets.services import ticket_assign, ticket_transition

from .. import permissions  # noqa: F401  (declares the complaint rules)
from ..choices import EventKind, Validity
from ..models import Complaint
from .base import ComplaintTrigger, _event, emit, holders, lock, save


def mark_repeat(*, actor, complaint: Complaint, reason: str, earlier: Complaint | None = None) -> Complaint:
    """Mark the (locked, reopened) complaint a repeat and give it to the CS supervisor. Called by the services
    that reopen a complaint, in their transaction."""
    supervisor = (holders(complaint, Role.CS_SUPERVISOR) or [None])[0]
    complaint.is_repeat = True
    complaint.repeat_count += 1
    complaint.repeated_at = timezone.now()
    fields = ["is_repeat", "repeat_count", "repeated_at"]
    if earlier is not None:
        complaint.repeat_of = earlier
        fields.append("repeat_of")
    if supervisor is not None:
        why = t(N_("重复投诉：由客服主管 %(name)s 了解前期处理情况后处理，直至客户满意"), name=person_name(supervisor))
        complaint.owner = complaint.suggested_owner = supervisor
        complaint.owner_overridden = False
    else:
        why = t(N_("重复投诉：本小区没有客服主管，请经理指定负责人"))
    complaint.suggestion_reason = why.dumps()
    fields += ["owner", "suggested_owner", "owner_overridden", "suggestion_reason"]
    save(complaint, fields)
    _event(
        complaint,
        EventKind.REPEAT,
        actor,
        reason=reason,
        count=complaint.repeat_count,
        owner=getattr(supervisor, "pk", None),
        repeat_of=getattr(earlier, "pk", None),
        note=why.dumps(),
    )
    ticket = complaint.ticket
    ticket.refresh_from_db()
    if supervisor is not None and ticket.assignee_id != supervisor.pk and can(actor, "ticket.assign", ticket):
        complaint.ticket = ticket_assign(actor=actor, ticket=ticket, assignee=supervisor, reason=reason)
    if supervisor is not None and complaint.validity == Validity.VALID:
        emit(complaint, ComplaintTrigger.VALID_SUPERVISOR)
    return complaint


@transaction.atomic
def complaint_reopen_repeat(*, actor, complaint: Complaint, reason: str, expected_version: int | None = None):
    """The customer is unhappy with the result of a resolved or closed complaint: reopen it as a repeat."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.reopen_repeat", complaint, _("您无权重新打开该投诉"))
    reason = clean_text(reason, "reason", limit=500)
    if complaint.ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise field_error("status", _("投诉尚未办结，不能作为重复投诉重新打开"), "not_done")
    # Reopening the ticket makes the complaint a repeat (``repeat_on_reopen``, registered with the ticket core).
    ticket_transition(
        actor=actor,
        ticket=complaint.ticket,
        to_status=Status.IN_PROGRESS,
        reason=reason,
    )
    complaint.refresh_from_db()
    return complaint


def repeat_on_reopen(*, ticket, actor, reason) -> Complaint | None:
    """The ``tickets.services.on_ticket_reopened`` listener: however a complaint's ticket is reopened (the
    complaint page, the ticket page's unhappy reply, a return visit), the complaint becomes a repeat for the
    CS supervisor (R-CP-6)."""
    complaint = Complaint.objects.select_for_update().select_related("ticket").filter(ticket=ticket).first()
    if complaint is None:
        return None
    return mark_repeat(actor=actor, complaint=complaint, reason=texts.dumps(reason))


@transaction.atomic
def complaint_mark_repeat_of(
    *, actor, complaint: Complaint, earlier: Complaint, reason: str, expected_version: int | None = None
) -> Complaint:
    """A new complaint about a matter already complained of and handled: a repeat of the earlier one."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.reopen_repeat", complaint, _("您无权处理该投诉"))
    reason = clean_text(reason, "reason", limit=500)
    if earlier.pk == complaint.pk:
        raise field_error("repeat_of", _("不能标记为重复于自身"), "self")
    if earlier.community_id != complaint.community_id or earlier.created_at > complaint.created_at:
        raise field_error("repeat_of", _("只能标记为重复于本小区更早的投诉"), "invalid")
    if complaint.repeat_of_id is not None:
        raise field_error("repeat_of", _("该投诉已标记为重复投诉"), "already")
    return mark_repeat(actor=actor, complaint=complaint, reason=reason, earlier=earlier)
