"""Who hears of a change to a ticket (the person concerned, in the inbox): its new assignee, the control
center's people on duty when it is handed to them, its owner when it is reopened or the customer comes back
with an answer; and the household's residents when their request moves on. Written with
``notify.services.notify`` in the transaction of the change, de-duplicated by a key of the change, and never
to the person who made it."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_noop

from propdesk.communities.models import Resident
from propdesk.core.texts import Text, t
from propdesk.notify import messages as templates
from propdesk.notify.services import Message, notify
from propdesk.org.selectors import control_center_on_duty

from ..choices import Priority, Status
from ..models import Ticket


def control_center_people(ticket: Ticket) -> list:
    """The control center's operators over the ticket's community who are on duty now (all when none is)."""
    return control_center_on_duty(community_id=ticket.community_id, service_center=ticket.service_center)


def concerned(ticket: Ticket) -> list:
    """Who answers for the ticket now: its assignee; the control center on duty when it lies there unassigned;
    else its first responder (R-IN-5)."""
    if ticket.assignee_id:
        return [ticket.assignee]
    if ticket.is_with_control_center:
        people = control_center_people(ticket)
        if people:
            return people
    return [ticket.first_responder]


def _tell(ticket: Ticket, recipients, *, actor, kind: str, subject: Text, body: Text | str, dedupe: str) -> None:
    notify(
        recipients=[u for u in recipients if u is not None and getattr(actor, "pk", None) != u.pk],
        message=Message(
            kind=kind,
            subject=subject,
            body=body if isinstance(body, Text) else body[:500],
            url=reverse("tickets:detail", args=[ticket.pk]),
            urgent=ticket.priority == Priority.URGENT,
        ),
        dedupe=dedupe,
    )


def _where(ticket: Ticket) -> str:
    return " ".join(part for part in (ticket.community.name, ticket.place) if part)


def assigned(ticket: Ticket, *, actor) -> None:
    _tell(
        ticket,
        [ticket.assignee],
        actor=actor,
        kind="ticket.assigned",
        subject=t(
            gettext_noop("指派给您：%(n)s %(title)s（%(where)s）"),
            n=ticket.number,
            title=ticket.title,
            where=_where(ticket),
        ),
        body=ticket.content,
        dedupe=f"ticket-assigned:{ticket.pk}:v{ticket.version}",
    )


def handed_off(ticket: Ticket, *, actor) -> None:
    _tell(
        ticket,
        control_center_people(ticket),
        actor=actor,
        kind="ticket.handed_off",
        subject=t(
            gettext_noop("转交控制中心：%(n)s %(title)s（%(where)s）"),
            n=ticket.number,
            title=ticket.title,
            where=_where(ticket),
        ),
        body=ticket.content,
        dedupe=f"ticket-handed-off:{ticket.pk}:v{ticket.version}",
    )


def reopened(ticket: Ticket, *, actor, reason: Text | str) -> None:
    _tell(
        ticket,
        concerned(ticket),
        actor=actor,
        kind="ticket.reopened",
        subject=t(gettext_noop("工单重新打开：%(n)s %(title)s"), n=ticket.number, title=ticket.title),
        body=reason,
        dedupe=f"ticket-reopened:{ticket.pk}:{ticket.reopen_count}",
    )


def customer_answered(ticket: Ticket, *, actor, text: Text | str, key: str) -> None:
    """The customer came back: called or visited again about the matter, or gave their opinion of a reply."""
    _tell(
        ticket,
        concerned(ticket),
        actor=actor,
        kind="ticket.customer",
        subject=t(gettext_noop("客户回复：%(n)s %(title)s"), n=ticket.number, title=ticket.title),
        body=text,
        dedupe=f"ticket-customer:{ticket.pk}:{key}",
    )


# ----------------------------------------------------------------------------- the customer's side


def household_users(ticket: Ticket) -> list:
    """The portal logins of the ticket's household's active residents."""
    if not ticket.household_id:
        return []
    residents = Resident.objects.filter(household_id=ticket.household_id, is_active=True, user__isnull=False)
    return [r.user for r in residents.select_related("user") if r.user.is_active]


def _portal_url(ticket: Ticket) -> str:
    try:
        return reverse("portal:detail", args=[ticket.pk])
    except NoReverseMatch:
        return ""


def resident_status(ticket: Ticket, *, actor, from_status: str, to_status: str, reopened: bool = False) -> None:
    """Tell the household's residents (through their preferences, in their language) that their request moved
    on; completion asks them to confirm and rate it. Changes a resident does not need are not told."""
    msgid = templates.REQUEST_REOPENED if reopened else templates.REQUEST_STATUS.get(to_status)
    if msgid is None or from_status == to_status:
        return
    recipients = [u for u in household_users(ticket) if getattr(actor, "pk", None) != u.pk]
    notify(
        recipients=recipients,
        message=Message(
            kind="request.completed" if to_status == Status.RESOLVED and not reopened else "request.status",
            subject=t(msgid, n=ticket.number, title=ticket.title),
            url=_portal_url(ticket),
        ),
        dedupe=f"request-status:{ticket.pk}:v{ticket.version}",
    )


def resident_return_visit(ticket: Ticket, *, actor, key: str) -> None:
    """Ask the household's residents the return visit's question (for the app that runs return visits)."""
    notify(
        recipients=[u for u in household_users(ticket) if getattr(actor, "pk", None) != u.pk],
        message=Message(
            kind="request.return_visit",
            subject=t(templates.RETURN_VISIT_QUESTION, n=ticket.number, title=ticket.title),
            url=_portal_url(ticket),
        ),
        dedupe=f"request-return-visit:{ticket.pk}:{key}",
    )
