"""Every read of complaints for a user, scoped (``Complaint.objects.visible_to``): the register with its filters,
one complaint, its history and the earlier handling of a repeat (R-CP-6), the CS supervisor's workbench."""

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from propdesk.core.permissions import condition, restrict
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaTarget
from propdesk.tickets.choices import OPEN_STATUSES
from propdesk.tickets.models import Reply, TicketEvent

from .choices import CollectiveStatus
from .models import CollectiveComplaint, CollectiveEvent, Complaint, ComplaintEvent, HomeVisit

RELATED = ("ticket", "community", "owner__staff_profile", "suggested_owner__staff_profile", "collective")
LIVE = (TargetState.RUNNING, TargetState.BREACHED)


def _late_clock(now):
    return SlaTarget.objects.filter(ticket=OuterRef("ticket"), state__in=LIVE, stopped_at__isnull=True).filter(
        Q(state=TargetState.BREACHED) | Q(due_at__lt=now)
    )


def with_timers(qs: QuerySet) -> QuerySet:
    """Annotate each complaint with its next deadline (``next_due``) and whether a clock is past due (``late``)."""
    now = timezone.now()
    return qs.annotate(
        next_due=Min(
            "ticket__sla_targets__due_at",
            filter=Q(ticket__sla_targets__state__in=LIVE, ticket__sla_targets__stopped_at__isnull=True),
        ),
        late=Exists(_late_clock(now)),
    )


def complaint_list(
    *,
    user,
    responsibility_class: int | None = None,
    validity: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    repeat: bool | None = None,
    community_id: int | None = None,
    owner_id: int | None = None,
    query: str = "",
) -> QuerySet:
    """The complaint register (客户投诉记录): what the user may see, newest first, filtered."""
    qs = Complaint.objects.visible_to(user).select_related(*RELATED)
    if responsibility_class is not None:
        qs = qs.filter(responsibility_class=responsibility_class)
    if validity:
        qs = qs.filter(validity=validity)
    if status == "open":
        qs = qs.filter(ticket__status__in=sorted(OPEN_STATUSES))
    elif status:
        qs = qs.filter(ticket__status=status)
    if repeat is not None:
        qs = qs.filter(is_repeat=repeat)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if query:
        qs = qs.filter(Q(ticket__number__icontains=query) | Q(ticket__title__icontains=query))
    qs = with_timers(qs)
    if overdue is not None:
        qs = qs.filter(late=overdue)
    return qs.order_by("-created_at", "-id")


def complaint_get(*, user, pk: int) -> Complaint:
    """One complaint the user may see (``Complaint.DoesNotExist`` otherwise)."""
    return with_timers(Complaint.objects.visible_to(user).select_related(*RELATED)).get(pk=pk)


def complaint_of_ticket(*, user, ticket_id: int) -> Complaint | None:
    return Complaint.objects.visible_to(user).filter(ticket_id=ticket_id).first()


def complaint_events(complaint: Complaint) -> QuerySet:
    return ComplaintEvent.objects.filter(complaint=complaint).select_related(
        "actor__staff_profile", "on_behalf_of__staff_profile"
    )


@dataclass
class EarlierHandling:
    """What was done before the customer came back unhappy (R-CP-6), shown first to the CS supervisor."""

    complaint: Complaint
    ticket_events: list
    replies: list
    complaint_events: list


def earlier_handling(complaint: Complaint) -> EarlierHandling | None:
    """A repeat's earlier handling: the complaint it repeats, or this complaint's own history before the reopening."""
    if not complaint.is_repeat:
        return None
    earlier = complaint.repeat_of or complaint
    until = None if complaint.repeat_of_id else complaint.repeated_at
    ticket_events = TicketEvent.objects.filter(ticket=earlier.ticket).select_related("actor__staff_profile")
    replies = Reply.objects.filter(ticket=earlier.ticket).select_related("by__staff_profile")
    events = complaint_events(earlier)
    if until is not None:
        ticket_events = ticket_events.filter(at__lt=until)
        replies = replies.filter(at__lt=until)
        events = events.filter(at__lt=until)
    return EarlierHandling(earlier, list(ticket_events), list(replies), list(events))


def workbench(*, user) -> QuerySet:
    """The CS supervisor's open complaints: repeats first, then collective ones, then by the next deadline."""
    qs = complaint_list(user=user, status="open").filter(
        Q(owner=user) | condition(user, "complaint.workbench", paths={"community": "community_id"})
    )
    return qs.annotate(
        repeat_rank=Case(When(is_repeat=True, then=Value(0)), default=Value(1), output_field=IntegerField()),
        collective_rank=Case(
            When(collective__isnull=False, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("repeat_rank", "collective_rank", F("next_due").asc(nulls_last=True), "created_at")


# ----------------------------------------------------------------------------- collective complaints (R-CP-4)


def collective_list(*, user, status: str | None = None) -> QuerySet:
    """The collective complaints the user may see, newest first, with their numbers of households."""
    qs = restrict(CollectiveComplaint.objects.visible_to(user), user, "collective.browse")
    if status == "open":
        qs = qs.exclude(status=CollectiveStatus.CLOSED)
    elif status:
        qs = qs.filter(status=status)
    return qs.select_related("community", "building").annotate(
        household_count=Count("complaints__household", distinct=True),
        complaint_count=Count("complaints", distinct=True),
    )


def collective_get(*, user, pk: int) -> CollectiveComplaint:
    """One collective complaint the user may see (``CollectiveComplaint.DoesNotExist`` otherwise)."""
    return collective_list(user=user).select_related("decided_by__staff_profile", "service_center").get(pk=pk)


@dataclass
class HouseholdRow:
    """One household of a collective complaint: its complaints and its home visit (if any)."""

    household: object
    complaints: list
    visit: object


def collective_households(collective: CollectiveComplaint) -> list[HouseholdRow]:
    """The members grouped by household, in unit order (complaints without a household come last, alone)."""
    complaints = (
        Complaint.objects.filter(collective=collective)
        .select_related("ticket", "household__unit__building")
        .order_by("created_at", "id")
    )
    visits = {
        v.household_id: v
        for v in HomeVisit.objects.filter(collective=collective).select_related(
            "visited_by__staff_profile", "recorded_by__staff_profile"
        )
    }
    rows: dict = {}
    for complaint in complaints:
        key = complaint.household_id or f"c{complaint.pk}"
        if key not in rows:
            rows[key] = HouseholdRow(complaint.household, [], visits.get(complaint.household_id))
        rows[key].complaints.append(complaint)
    return sorted(rows.values(), key=lambda r: (r.household is None, str(r.household.unit) if r.household else ""))


def collective_events(collective: CollectiveComplaint) -> QuerySet:
    return CollectiveEvent.objects.filter(collective=collective).select_related("actor__staff_profile")


@dataclass
class Similar:
    """What detection sees for a complaint: its matches, the n-th household, the open collective they share."""

    nth: int
    matches: list
    collectives: list


def similar_to(*, user, complaint: Complaint) -> Similar:
    """The complaints the user may see that look like the same event (same community, category, window)."""
    from .services.detection import find_matches

    found = find_matches(complaint)
    visible = set(
        Complaint.objects.visible_to(user).filter(pk__in=[m.pk for m in found.matches]).values_list("pk", flat=True)
    )
    matches = [m for m in found.matches if m.pk in visible]
    collectives = {
        m.collective.pk: m.collective
        for m in matches
        if m.collective and m.collective.status != CollectiveStatus.CLOSED
    }
    return Similar(found.nth, matches, list(collectives.values()))


def window_settings(*, user) -> list:
    """The centers whose collective-complaint window the user may set, each with its settings (unsaved default)."""
    from propdesk.core.permissions import can
    from propdesk.org.models import ServiceCenter

    from .models import ComplaintSettings

    rows = []
    for center in ServiceCenter.objects.visible_to(user).order_by("name")[:50]:
        row = ComplaintSettings.objects.filter(service_center=center).first() or ComplaintSettings(
            service_center=center
        )
        if can(user, "complaint_settings.change", row):
            rows.append(row)
    return rows
