"""The resident's actions, on the same services as the staff's: requests through ``tickets.services.resident``
(which opens work on the control center's board as the desk does), the return visit through dispatch's
return-visit service, visitors through ``visitors.services``. Sign-in by SMS code is in ``login.py``."""

from django.db import transaction
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.dispatch.services import return_visits
from propdesk.tickets.models import Ticket
from propdesk.tickets.services import resident as requests

from .models import PortalSettings, Rating


def policy_for(service_center_id: int) -> PortalSettings:
    """The center's portal policy, or the defaults (a rating never stands in for the call)."""
    found = PortalSettings.objects.filter(service_center_id=service_center_id).first()
    return found or PortalSettings(service_center_id=service_center_id)


def submit_request(*, actor, household, kind: str, content: str, **details) -> Ticket:
    """A new request of the household (see ``tickets.services.resident.resident_submit`` for ``details``)."""
    return requests.resident_submit(actor=actor, household=household, kind=kind, content=content, **details)


def add_message(*, actor, ticket: Ticket, text: str):
    return requests.resident_message(actor=actor, ticket=ticket, text=text)


@transaction.atomic
def cancel_request(*, actor, ticket: Ticket, reason: str = "", expected_version: int | None = None) -> Ticket:
    """Withdraw a request nobody was sent for yet; its jobs waiting on the board are withdrawn with it."""
    ticket = requests.resident_cancel(actor=actor, ticket=ticket, reason=reason, expected_version=expected_version)
    return_visits.withdraw_pending_work(actor=actor, ticket=ticket, reason=reason)
    return ticket


@transaction.atomic
def confirm_and_rate(*, actor, ticket: Ticket, score, comment: str = "", expected_version: int | None = None) -> Rating:
    """Confirm a finished request and rate it 1–5. The rating feeds the return visit: a satisfied one stands
    in for the call where the center's policy allows; a dissatisfied one reopens the request."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise field_error("score", _("请选择 1 到 5 分"), "invalid") from None
    # The round the rating belongs to: the ticket as it was finished (a dissatisfied rating reopens it).
    finished_round = Ticket.objects.select_for_update().get(pk=ticket.pk).reopen_count
    if Rating.objects.filter(ticket_id=ticket.pk, round=finished_round).exists():
        raise field_error("score", _("您已评价过本次处理结果"), "already_rated")
    reply = requests.resident_confirm(
        actor=actor, ticket=ticket, score=score, comment=comment, expected_version=expected_version
    )
    locked = Ticket.objects.get(pk=ticket.pk)
    stands_in = policy_for(locked.service_center_id).rating_replaces_return_visit
    return_visits.resident_rating(
        actor=actor, ticket=locked, score=score, comment=reply.customer_opinion, stands_in=stands_in
    )
    return Rating.objects.create(
        ticket=locked,
        round=finished_round,
        household_id=locked.household_id,
        by=actor,
        score=score,
        comment=reply.customer_opinion,
        stood_in_for_visit=stands_in and reply.satisfied,
    )


def invite_visitor(*, actor, household, **details):
    """Pre-register a visitor of the household (``visitors.services.invite``, the gate's own service)."""
    from propdesk.visitors import services as visitors

    community = household.unit.building.community
    return visitors.invite(actor=actor, community=community, household=household, **details)


def answer_survey(*, actor, household, survey, answers: dict, anonymous: bool = False):
    """The household's one answer sheet, through the engagement app's service (which checks the resident may
    answer for this household, the survey is open, the household is sampled and has not answered yet)."""
    from propdesk.engagement import services as engagement
    from propdesk.engagement.choices import AnswerChannel

    if anonymous and not survey.allow_anonymous:
        raise field_error("anonymous", _("本次调查不允许匿名"), "invalid")
    return engagement.survey_answer(
        actor=actor,
        survey=survey,
        household=household,
        answers=answers,
        channel=AnswerChannel.PORTAL,
        anonymous=bool(anonymous),
    )
