"""The interview register (客户访谈记录表, 001 §4.4.4–4.4.5): an interview recorded with its findings, each finding
turned into a ticket in the same action, and important information fed back to the center."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Household
from propdesk.core.errors import field_error
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import can, require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.tickets.models import Ticket

from ..choices import InterviewEventKind, InterviewKind, Satisfaction
from ..models import Interview, InterviewEvent, InterviewFinding
from .common import Channel, make_ticket, managers_of
from .planner import mark_done

LONG = 2000
BACKDATE_DAYS = 31


def _check(*, community, kind, satisfaction, at, interviewers) -> list:
    if kind not in InterviewKind.values:
        raise field_error("kind", _("请选择访谈方式"), "invalid_choice")
    if satisfaction not in Satisfaction.values:
        raise field_error("satisfaction", _("请选择服务满意度"), "invalid_choice")
    check_date(at, "at")
    now = timezone.now()
    if at > now + dt.timedelta(minutes=5):
        raise field_error("at", _("访谈时间不能晚于现在"), "future")
    if at < now - dt.timedelta(days=BACKDATE_DAYS):
        raise field_error("at", _("只能补登 %(n)s 天内的访谈") % {"n": BACKDATE_DAYS}, "too_old")
    probe = Interview(community=community)
    for person in interviewers:
        if not person.is_active or not can(person, "interview_plan.be_on", probe):
            raise field_error("interviewers", _("访谈人须为该小区的客服、工程或安保主管人员"), "not_eligible")
    return interviewers


def _feed_back(interview: Interview) -> None:
    """Important information goes to the center manager and the CS supervisors at once (001 §4.4.4)."""
    community = interview.community
    recipients = managers_of(community, (Role.CENTER_MANAGER, Role.CS_SUPERVISOR))
    notify(
        recipients=[r for r in recipients if r.pk != interview.recorded_by_id],
        message=Message(
            kind="engagement.important_interview",
            subject=t(N_("访谈重要信息：%(room)s"), room=interview.household.unit.label),
            body=t(
                N_("%(community)s %(room)s 访谈中反映了重要信息，请查看访谈记录。"),
                community=community.name,
                room=interview.household.unit.label,
            ),
            url=f"/engagement/interviews/{interview.pk}/",
        ),
        dedupe=f"engagement.interview.important:{interview.pk}",
    )
    InterviewEvent.record(interview, InterviewEventKind.REPORTED, interview.recorded_by)


@transaction.atomic
def interview_record(
    *,
    actor,
    household: Household,
    kind: str,
    satisfaction: int,
    interviewers=(),
    at: dt.datetime | None = None,
    interviewee: str = "",
    in_depth: bool = False,
    opinions: str = "",
    repair_feedback: str = "",
    potential_complaints: str = "",
    needs: str = "",
    measures: str = "",
    important: bool = False,
    findings=(),
) -> Interview:
    """Record an interview; each finding (``{"kind": "repair", "text": …}``) becomes a ticket of that kind in the
    same transaction (a refused ticket keeps nothing), and the planned slot of the household is done."""
    community = household.unit.building.community
    require(actor, "interview.record", Interview(community=community), _("您无权登记该小区的客户访谈"))
    at = at or timezone.now()
    interviewers = list({p.pk: p for p in [actor, *interviewers] if p is not None}.values())
    _check(community=community, kind=kind, satisfaction=satisfaction, at=at, interviewers=interviewers)
    interview = Interview.objects.create(
        community=community,
        household=household,
        kind=kind,
        at=at,
        interviewee=clean_text(interviewee, "interviewee", required=False, limit=50),
        in_depth=bool(in_depth),
        satisfaction=satisfaction,
        opinions=clean_text(opinions, "opinions", required=False, limit=LONG),
        repair_feedback=clean_text(repair_feedback, "repair_feedback", required=False, limit=LONG),
        potential_complaints=clean_text(potential_complaints, "potential_complaints", required=False, limit=LONG),
        needs=clean_text(needs, "needs", required=False, limit=LONG),
        measures=clean_text(measures, "measures", required=False, limit=LONG),
        important=bool(important),
        recorded_by=actor,
    )
    interview.interviewers.set(interviewers)
    InterviewEvent.record(
        interview,
        InterviewEventKind.RECORDED,
        actor,
        interview_kind=kind,
        household=household.pk,
        satisfaction=satisfaction,
    )
    for finding in findings:
        _finding(actor=actor, interview=interview, kind=finding.get("kind", ""), text=finding.get("text", ""))
    mark_done(interview)
    if interview.important:
        _feed_back(interview)
    return interview


def _finding(*, actor, interview: Interview, kind: str, text: str) -> InterviewFinding:
    ticket = make_ticket(
        actor=actor,
        kind=kind,
        text=text,
        channel=Channel.INTERVIEW,
        community=interview.community,
        household=interview.household,
        field="finding_text",
    )
    finding = InterviewFinding.objects.create(interview=interview, kind=kind, text=ticket.content, ticket=ticket)
    InterviewEvent.record(
        interview, InterviewEventKind.TICKET, actor, ticket=ticket.pk, number=ticket.number, ticket_kind=kind
    )
    return finding


@transaction.atomic
def interview_finding_to_ticket(*, actor, interview: Interview, kind: str, text: str) -> Ticket:
    """Turn a matter found in a recorded interview into a ticket (complaint, repair, suggestion), linked to it."""
    require(actor, "interview.follow_up", interview, _("您无权为该访谈创建工单"))
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    return _finding(actor=actor, interview=interview, kind=kind, text=text).ticket
