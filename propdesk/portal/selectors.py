"""What a resident reads in the portal, always for one of their own households and from the tickets visible
to them. ``request_view`` is the one shape of a request a resident sees (pages and API alike): status, the
worker's name and arrival window, the messages and the steps — never internal notes, escalations, staff
phones or login names."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from propdesk.communities.models import Household
from propdesk.core import texts
from propdesk.core.people import person_name
from propdesk.dispatch.choices import Status as JobStatus
from propdesk.dispatch.models import WorkOrder
from propdesk.engagement import selectors as engagement
from propdesk.engagement.models import Survey, SurveyResponse
from propdesk.tickets.choices import EventKind, Status
from propdesk.tickets.models import Reply, Ticket
from propdesk.tickets.services import resident as requests

from .models import Rating

# The worker's steps a resident follows, in order: when, and what it is called.
JOB_STEPS = (
    ("assigned_at", gettext_lazy("已派单")),
    ("accepted_at", gettext_lazy("已接单")),
    ("on_the_way_at", gettext_lazy("师傅在路上")),
    ("arrived_at", gettext_lazy("师傅已到场")),
    ("finished_at", gettext_lazy("已完工")),
)
WORKER_VISIBLE = frozenset(
    {JobStatus.ASSIGNED, JobStatus.ACCEPTED, JobStatus.ON_THE_WAY, JobStatus.ARRIVED, JobStatus.FINISHED}
    | {JobStatus.REPORTED, JobStatus.SIGNED_OFF, JobStatus.CLOSED}
)
# The job's state in the resident's words (the center's own steps after the work are not theirs to follow).
RESIDENT_JOB_LABELS = {
    JobStatus.PENDING: gettext_lazy("待派单"),
    JobStatus.ASSIGNED: gettext_lazy("已派单"),
    JobStatus.ACCEPTED: gettext_lazy("已接单"),
    JobStatus.ON_THE_WAY: gettext_lazy("师傅在路上"),
    JobStatus.ARRIVED: gettext_lazy("师傅已到场"),
    JobStatus.FINISHED: gettext_lazy("已完工"),
    JobStatus.REPORTED: gettext_lazy("已完工"),
    JobStatus.SIGNED_OFF: gettext_lazy("已完工"),
    JobStatus.CLOSED: gettext_lazy("已完成"),
}
TICKET_STEPS = frozenset({EventKind.CREATED, EventKind.STATUS_CHANGED, EventKind.REOPENED})


def households_of(user) -> QuerySet[Household]:
    """The active households where ``user`` is an active resident."""
    return (
        Household.objects.filter(residents__user=user, residents__is_active=True, is_active=True)
        .select_related("unit__building__community")
        .distinct()
        .order_by("unit__building__community__name", "unit__code", "pk")
    )


def household_get(*, user, pk: int) -> Household:
    """One of the user's households (another is ``Household.DoesNotExist``: a 404)."""
    return households_of(user).get(pk=pk)


def request_list(*, user, household: Household, status: str = "") -> QuerySet[Ticket]:
    """The household's requests the user sees, newest first; ``status`` "open" or "done" filters."""
    qs = Ticket.objects.visible_to(user).filter(household=household)
    if status == "open":
        qs = qs.filter(status__in=[Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_VENDOR])
    elif status == "done":
        qs = qs.filter(status__in=[Status.RESOLVED, Status.CLOSED, Status.CANCELLED])
    return qs.select_related("unit__building").order_by("-received_at", "-id")


def request_get(*, user, household: Household, pk: int) -> Ticket:
    """One request of the household (another household's, or one the user may not see: ``DoesNotExist``)."""
    jobs = WorkOrder.objects.exclude(status=JobStatus.CANCELLED).select_related("assignee__staff_profile")
    return (
        Ticket.objects.visible_to(user)
        .filter(household=household)
        .select_related("unit__building", "community")
        .prefetch_related(
            Prefetch("work_orders", queryset=jobs.order_by("pk"), to_attr="jobs"),
            Prefetch("replies", queryset=Reply.objects.select_related("by__staff_profile")),
            "attachments",
            "events",
        )
        .get(pk=pk)
    )


@dataclass
class Job:
    worker: str
    status: str
    status_label: str
    window_from: dt.datetime | None
    window_to: dt.datetime | None
    rating: int | None
    steps: list[tuple[dt.datetime, str]]


@dataclass
class Message:
    at: dt.datetime
    by: str
    from_resident: bool
    text: str
    satisfied: bool | None


@dataclass
class RequestView:
    ticket: Ticket
    jobs: list[Job]
    messages: list[Message]
    steps: list[tuple[dt.datetime, str]]
    photos: list = field(default_factory=list)
    rating: Rating | None = None
    can_cancel: bool = False
    can_confirm: bool = False


def _job(wo: WorkOrder) -> Job:
    shown = wo.status in WORKER_VISIBLE and wo.assignee_id is not None
    steps = [(getattr(wo, name), label) for name, label in JOB_STEPS if getattr(wo, name)]
    return Job(
        worker=person_name(wo.assignee) if shown else "",
        status=wo.status,
        status_label=str(RESIDENT_JOB_LABELS.get(wo.status, wo.get_status_display())),
        window_from=wo.scheduled_start,
        window_to=wo.scheduled_end,
        rating=wo.customer_rating,
        steps=steps,
    )


def _messages(ticket: Ticket) -> list[Message]:
    out = []
    for reply in ticket.replies.all():
        from_resident = not hasattr(reply.by, "staff_profile") or reply.by.staff_profile is None
        words = [texts.render(reply.content)]
        if reply.customer_opinion:
            # A resident's own message is their words alone; a rating keeps its score before the words.
            plain = from_resident and reply.satisfied is None
            words = [reply.customer_opinion] if plain else [*words, reply.customer_opinion]
        out.append(
            Message(
                at=reply.at,
                by=person_name(reply.by) if from_resident else _("服务中心"),
                from_resident=from_resident,
                text="\n".join(words),
                satisfied=reply.satisfied,
            )
        )
    return out


def _steps(ticket: Ticket) -> list[tuple[dt.datetime, str]]:
    steps = []
    for event in ticket.events.all():
        if event.kind not in TICKET_STEPS:
            continue
        label = Status(event.to_status).label if event.to_status else event.get_kind_display()
        if event.kind == EventKind.REOPENED:
            label = _("重新处理")
        steps.append((event.at, label))
    return steps


def request_view(*, user, ticket: Ticket) -> RequestView:
    """The request as a resident sees it (``ticket`` from ``request_get``)."""
    jobs = getattr(ticket, "jobs", None)
    if jobs is None:
        jobs = list(ticket.work_orders.exclude(status=JobStatus.CANCELLED).order_by("pk"))
    rating = Rating.objects.filter(ticket=ticket, round=ticket.reopen_count).first()
    may_confirm = requests.may_confirm(ticket) and rating is None
    return RequestView(
        ticket=ticket,
        jobs=[_job(wo) for wo in jobs],
        messages=_messages(ticket),
        steps=_steps(ticket),
        photos=list(ticket.attachments.all()),
        rating=rating,
        can_cancel=ticket.status in (Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER)
        and not any(wo.status not in ("pending", "cancelled") for wo in jobs),
        can_confirm=may_confirm,
    )


# --- surveys: the open satisfaction surveys asking the household (the engagement app's sample) ---------------


@dataclass
class SurveyRow:
    survey: Survey
    answered: bool


def survey_list(*, user, household: Household) -> list[SurveyRow]:
    """The open surveys asking ``household`` (one of the user's own): its community surveyed and the household
    in the sample; newest first, with whether the household has answered."""
    open_ids = [survey.pk for survey, _answered in engagement.open_surveys_for_resident(user=user)]
    surveys = (
        Survey.objects.filter(
            pk__in=open_ids, samples__household=household, communities=household.unit.building.community_id
        )
        .distinct()
        .order_by("-created_at")
    )
    answered = set(
        SurveyResponse.objects.filter(survey__in=surveys, household=household).values_list("survey_id", flat=True)
    )
    return [SurveyRow(s, s.pk in answered) for s in surveys]


def survey_get(*, user, household: Household, pk: int) -> SurveyRow:
    """One survey of ``survey_list``; Survey.DoesNotExist for any other (another community's, closed …)."""
    for row in survey_list(user=user, household=household):
        if row.survey.pk == pk:
            return row
    raise Survey.DoesNotExist


def survey_sections(survey: Survey) -> list:
    """The questionnaire by section, questions in order."""
    return list(survey.sections.order_by("order").prefetch_related("questions"))
