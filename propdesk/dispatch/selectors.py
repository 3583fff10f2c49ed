"""Reads for dispatch: the board, a worker's jobs, the staff status screen — scoped to the user."""

import datetime as dt
import hashlib

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from propdesk.communities.models import Community, Vendor
from propdesk.core.permissions import can
from propdesk.core.scoping import get_scope
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership, ServiceCenter
from propdesk.org.roles import FIELD
from propdesk.org.selectors import away
from propdesk.sla.choices import TargetState
from propdesk.sla.models import SlaTarget

from . import permissions  # noqa: F401  (declares the dispatch rules)
from .choices import ACTIVE_WORK, BOARD_COLUMNS, OPEN_STATUSES, Status, Trade
from .models import DutyStatus, RotaEntry, WorkOrder


def dispatch_centers(*, user):
    """Service centers whose board the user may run: where they may dispatch the work orders of at least
    one community (``work_order.dispatch``)."""
    scope = get_scope(user)
    qs = ServiceCenter.objects.order_by("code")
    if scope.unrestricted:
        return qs
    communities = [c for c in scope.community if can(user, "work_order.dispatch", WorkOrder(community_id=c))]
    return qs.filter(pk__in=Community.objects.filter(pk__in=communities).values("service_center"))


def rota_staff(*, center_id: int):
    """Who may be put on the center's shifts (``rota.be_on``): active field staff holding their role over
    the whole center (at the center, its branch or its company)."""
    from django.contrib.auth import get_user_model

    center = ServiceCenter.objects.select_related("branch").get(pk=center_id)
    members = RoleMembership.objects.filter(is_active=True, role__in=FIELD).filter(
        Q(service_center=center) | Q(branch=center.branch_id) | Q(company=center.branch.company_id)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user"))
        .select_related("staff_profile__department")
        .order_by("staff_profile__department__kind", "staff_profile__name", "pk")
    )


def route_vendors(*, user):
    """External units a work order may be routed to by ``user``: the active ones they may see."""
    return Vendor.objects.visible_to(user).filter(is_active=True).order_by("category", "name")


def board_orders(*, user, center_id: int):
    """Open work orders of a center, in board order, with what the cards show (constant query count)."""
    dispatch_due = SlaTarget.objects.filter(
        policy__code="dispatch", state__in=[TargetState.RUNNING, TargetState.BREACHED], stopped_at__isnull=True
    ).only("ticket_id", "due_at", "state")
    return (
        WorkOrder.objects.visible_to(user)
        .filter(service_center_id=center_id, status__in=OPEN_STATUSES)
        .select_related("ticket__unit__building", "community", "assignee__staff_profile", "vendor")
        .prefetch_related(Prefetch("ticket__sla_targets", queryset=dispatch_due, to_attr="dispatch_targets"))
        .order_by("created_at", "pk")
    )


# A column shows its most urgent cards (oldest first); the header says how many there are in all. A board
# of thousands of cards helps nobody and costs a megabyte per refresh.
CARDS_PER_COLUMN = 30


def board_columns(*, user, center_id: int, now: dt.datetime | None = None) -> list[dict]:
    now = now or timezone.now()
    # First the bare rows: number the center's open orders per column (oldest first) and keep the first cards'
    # ids, with each column's total from the same window. Joining the cards' tickets, rooms and people before
    # numbering would join every open order; the cards are fetched by id afterwards.
    column_of = Case(
        *[When(status__in=statuses, then=Value(key)) for key, _title, statuses in BOARD_COLUMNS],
        output_field=CharField(),
    )
    ranked = (
        WorkOrder.objects.visible_to(user)
        .filter(service_center_id=center_id, status__in=OPEN_STATUSES)
        .annotate(
            column=column_of,
            rank=Window(RowNumber(), partition_by=[column_of], order_by=[F("created_at").asc(), F("pk").asc()]),
            total=Window(Count("pk"), partition_by=[column_of]),
        )
        .filter(rank__lte=CARDS_PER_COLUMN)
        .values_list("pk", "column", "total")
    )
    ids, totals = [], {}
    for pk, column, total in ranked:
        ids.append(pk)
        totals[column] = total
    cards = board_orders(user=user, center_id=center_id).filter(pk__in=ids) if ids else []
    by_column: dict[str, list] = {}
    column_by_status = {status: key for key, _title, statuses in BOARD_COLUMNS for status in statuses}
    trade_labels = {value: str(label) for value, label in Trade.choices}  # once per request, not per card
    for card in cards:
        by_column.setdefault(column_by_status[card.status], []).append(card)
        card.trade_label = trade_labels.get(card.trade, card.trade)
        targets = getattr(card.ticket, "dispatch_targets", [])
        card.dispatch_due = targets[0].due_at if targets and card.status == Status.PENDING else None
        if card.dispatch_due:
            # The countdown as the page first shows it (board.js keeps it running): time left, or how late.
            card.dispatch_late = card.dispatch_due <= now
            card.dispatch_clock = clock_text(abs((card.dispatch_due - now).total_seconds()))
        card.overdue = bool(card.dispatch_due and card.dispatch_due <= now) or bool(
            card.vendor_due_at and card.vendor_due_at <= now and not card.finished_at
        )
    columns = []
    for key, title, _statuses in BOARD_COLUMNS:
        column_cards = by_column.get(key, [])
        total = totals.get(key, 0)
        columns.append(
            {"key": key, "title": title, "cards": column_cards, "total": total, "hidden": total - len(column_cards)}
        )
    return columns


def clock_text(seconds: float) -> str:
    """5:19 for five minutes nineteen seconds; 1:05:19 from an hour on (as board.js writes it)."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def board_version(*, user, center_id: int) -> str:
    """A fingerprint of everything on the board: unchanged → the poll answers 204 and nothing re-renders."""
    qs = WorkOrder.objects.visible_to(user).filter(service_center_id=center_id)
    latest = qs.aggregate(m=Max("updated_at"))["m"]
    duty = DutyStatus.objects.filter(service_center_id=center_id).aggregate(m=Max("updated_at"))["m"]
    open_count = qs.filter(status__in=OPEN_STATUSES).count()
    gone = sorted(away(_field_members(center_id).values_list("user_id", flat=True)))
    raw = f"{latest}|{duty}|{open_count}|{gone}|{timezone.now():%Y%m%d%H%M}"
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:16]


def _field_members(center_id: int):
    return RoleMembership.objects.filter(
        is_active=True, role__in=[Role.TECHNICIAN, Role.HOUSEKEEPER, Role.SECURITY_GUARD]
    ).filter(Q(service_center=center_id) | Q(community__service_center=center_id))


def active_load():
    """A worker's load: how many jobs they have in hand (assigned … arrived). A correlated count of their active
    orders only (index ``dispatch_wo_assignee_idx``), not an aggregate over every order they ever had."""
    active = (
        WorkOrder.objects.filter(assignee=OuterRef("pk"), status__in=ACTIVE_WORK)
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(active, output_field=IntegerField()), 0)


# No shift lasts longer than a day (ShiftTemplate.window): entries that started earlier are over.
LONGEST_SHIFT = dt.timedelta(days=1)


def on_shift_ids(user_ids, *, now: dt.datetime) -> set[int]:
    """Which of these users are on a rota shift now (any department's rota)."""
    return set(
        RotaEntry.objects.filter(
            user_id__in=user_ids, starts_at__gt=now - LONGEST_SHIFT, starts_at__lte=now, ends_at__gt=now
        ).values_list("user_id", flat=True)
    )


def staff_status(*, center_id: int, now: dt.datetime | None = None) -> list[dict]:
    """Every field worker of the center on one screen: on duty, radio, coverage, shift, current load."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    ServiceCenter.objects.get(pk=center_id)  # an unknown center is an error, as before
    members = _field_members(center_id)
    users = list(
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user"))
        .select_related("staff_profile__department", "duty")
        .annotate(load=active_load())
        .order_by("staff_profile__department__kind", "staff_profile__name")
    )
    on_shift = on_shift_ids([user.pk for user in users], now=now)
    gone = away([user.pk for user in users], now=now)
    rows = []
    for user in users:
        duty = getattr(user, "duty", None)
        absent = gone.get(user.pk)
        rows.append(
            {
                "user": user,
                "name": user.staff_profile.name if hasattr(user, "staff_profile") else user.username,
                "department": user.staff_profile.department.name if hasattr(user, "staff_profile") else "",
                "on_duty": bool(duty and duty.on_duty),
                "radio_ok": duty.radio_ok if duty else True,
                "away_until": duty.away_until if duty and duty.away_until and duty.away_until > now else None,
                "away_reason": duty.away_reason if duty else "",
                "reachable": bool(duty and duty.is_reachable(now)) and absent is None,
                # On leave or out of the community (internal's whereabouts board): not dispatchable.
                "unavailable": absent["reason"] if absent else "",
                "on_shift": user.pk in on_shift,
                "load": user.load,
            }
        )
    return rows


def my_jobs(*, user):
    """The worker's jobs still in their hands: a signed-off job waits only for the return visit."""
    return (
        WorkOrder.objects.filter(assignee=user, status__in=OPEN_STATUSES - {Status.SIGNED_OFF})
        .select_related("ticket__unit__building", "community")
        .order_by("scheduled_start", "assigned_at", "pk")
    )


def open_offers(*, user):
    return (
        WorkOrder.objects.visible_to(user)
        .filter(status=Status.PENDING, offered=True)
        .select_related("ticket__unit__building", "community")
        .order_by("created_at")
    )


def to_sign_off(*, user):
    """The worker's reported jobs waiting for the end-of-shift sign-off."""
    return WorkOrder.objects.filter(assignee=user, status=Status.REPORTED).select_related(
        "ticket__unit__building", "community"
    )


def work_order_get(*, user, pk: int) -> WorkOrder:
    return (
        WorkOrder.objects.visible_to(user)
        .select_related(
            "ticket__unit__building__developer",
            "ticket__resident",
            "community__developer",
            "assignee__staff_profile",
            "vendor",
        )
        .prefetch_related(
            "events__actor__staff_profile",
            "events__on_behalf_of__staff_profile",
            "materials",
            "photos",
            "return_visits__by__staff_profile",
            "follow_ups",
        )
        .get(pk=pk)
    )


def on_duty_ids(user_ids: list[int], *, service_center_id: int, now: dt.datetime) -> set[int]:
    """Which of these users are on duty at the center now: checked in there (R-WO-7), or on a shift of its rota
    (R-WO-4). Registered with ``org.selectors.register_on_duty`` for the apps below that address "whoever is
    on duty" (the control center's operators told of a hand-off or a dispatch deadline)."""
    checked_in = DutyStatus.objects.filter(user_id__in=user_ids, service_center_id=service_center_id, on_duty=True)
    on_shift = RotaEntry.objects.filter(
        user_id__in=user_ids,
        shift__department__service_center_id=service_center_id,
        starts_at__lte=now,
        ends_at__gt=now,
    )
    return set(checked_in.values_list("user_id", flat=True)) | set(on_shift.values_list("user_id", flat=True))
