"""Reads of notices, warnings and broadcasts for a user, the public board, and a household's notices."""

from django.db.models import Count, F, Q
from django.utils import timezone

from propdesk.communities.models import Community, Household
from propdesk.notify.models import DeliveryState, Notification

from .choices import Audience, NoticeStatus, TaskStatus
from .models import (
    Acknowledgement,
    BroadcastTask,
    FeeItem,
    Notice,
    ServiceContact,
    SpecialDelivery,
    WeatherWarning,
)


def notice_list(*, user, status: str = "", kind: str = ""):
    rows = Notice.objects.restrict(user, "notice.read").select_related("community", "service_center")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.annotate(call_count=Count("calls", distinct=True))


def notice_get(*, user, pk: int) -> Notice:
    return (
        Notice.objects.restrict(user, "notice.read")
        .select_related("community", "service_center__branch__company", "created_by", "approved_by")
        .get(pk=pk)
    )


def approval_queue(*, user):
    """The notices waiting for this manager's approval, oldest first."""
    return (
        Notice.objects.restrict(user, "notice.approve")
        .filter(status=NoticeStatus.SUBMITTED)
        .select_related("community", "created_by")
        .order_by("submitted_at", "pk")
    )


def broadcast_tasks(*, user, limit: int = 100):
    """Open tasks first (oldest first), then the latest done ones."""
    rows = BroadcastTask.objects.restrict(user, "broadcast.read").select_related(
        "community", "done_by", "warning", "notice"
    )
    open_rows = list(rows.filter(status=TaskStatus.OPEN).order_by("created_at", "pk")[:limit])
    done_rows = list(rows.filter(status=TaskStatus.DONE).order_by("-done_at", "-pk")[:limit])
    return open_rows, done_rows


def warning_list(*, user):
    return WeatherWarning.objects.restrict(user, "warning.read").annotate(
        notified=Count("acks"), acknowledged=Count("acks", filter=Q(acks__acknowledged_at__isnull=False))
    )


def warning_get(*, user, pk: int) -> WeatherWarning:
    return WeatherWarning.objects.restrict(user, "warning.read").select_related("service_center").get(pk=pk)


def acknowledgements(*, warning: WeatherWarning):
    """Everyone told of a warning, the un-acknowledged first."""
    return (
        Acknowledgement.objects.filter(warning=warning)
        .select_related("user__staff_profile")
        .order_by(F("acknowledged_at").asc(nulls_first=True), "pk")
    )


def my_unacknowledged(*, user):
    return Acknowledgement.objects.filter(user=user, acknowledged_at__isnull=True).select_related("warning")


def deliveries(*, notice: Notice):
    return SpecialDelivery.objects.filter(notice=notice).select_related("customer", "delivered_by")


def _shown_now(now):
    return Q(status=NoticeStatus.POSTED, valid_from__lte=now, valid_until__gt=now)


def board_notices(*, community: Community, now=None):
    """The notices on a community's public board now (no login): posted, valid, addressed to it or above."""
    now = now or timezone.now()
    where = (
        Q(community=community)
        | Q(audience=Audience.CENTER, service_center_id=community.service_center_id)
        | Q(audience=Audience.COMPANY, service_center__branch__company_id=community.service_center.branch.company_id)
    )
    return Notice.objects.filter(_shown_now(now) & where).order_by("-posted_at", "-pk")


def notices_for_household(*, household: Household, now=None):
    """What a household should see (the resident portal): the board's community, center and company notices
    and those addressed to its building, its unit, or a special customer in its unit."""
    now = now or timezone.now()
    unit = household.unit
    community = unit.building.community
    board = board_notices(community=community, now=now)
    return board.filter(
        Q(audience__in=[Audience.COMPANY, Audience.CENTER, Audience.COMMUNITY])
        | Q(audience=Audience.BUILDINGS, buildings=unit.building_id)
        | Q(audience=Audience.UNITS, units=unit.pk)
        | Q(audience=Audience.SPECIAL, special_customers__unit=unit.pk)
    ).distinct()


def public_community(*, code: str) -> Community | None:
    return Community.objects.filter(code=code).select_related("service_center__branch__company").first()


def has_open_tasks(*, user) -> bool:
    return BroadcastTask.objects.restrict(user, "broadcast.read").filter(status=TaskStatus.OPEN).exists()


def broadcast_task_get(*, user, pk: int):
    return BroadcastTask.objects.restrict(user, "broadcast.read").select_related("community").filter(pk=pk).first()


def board_fees(*, community: Community, today=None):
    """The fee schedule on a community's public board: the items in force today."""
    today = today or timezone.localdate()
    return FeeItem.objects.filter(community=community, effective_from__lte=today).filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=today)
    )


def board_contacts(*, community: Community):
    return ServiceContact.objects.filter(community=community, is_active=True)


def fee_items(*, user, community_id: int | None = None):
    """Every fee line (also past and future ones) the user may read, by community."""
    rows = FeeItem.objects.restrict(user, "board.read").select_related("community")
    return rows.filter(community_id=community_id) if community_id else rows


def contacts(*, user, community_id: int | None = None):
    rows = ServiceContact.objects.restrict(user, "board.read").select_related("community")
    return rows.filter(community_id=community_id) if community_id else rows


def delivery_counts(notice: Notice) -> dict[str, int]:
    """How the notice's messages to residents stand: queued, sent and failed (every channel), and to how many
    people or phone numbers."""
    rows = Notification.objects.filter(dedupe_key__startswith=f"notices.resident:{notice.pk}" + ":")
    counts = rows.aggregate(
        queued=Count("pk", filter=Q(state=DeliveryState.PENDING)),
        sent=Count("pk", filter=Q(state=DeliveryState.SENT)),
        failed=Count("pk", filter=Q(state=DeliveryState.DEAD)),
        people=Count("recipient", distinct=True),
        phones=Count("phone", filter=Q(recipient__isnull=True), distinct=True),
    )
    return {
        "queued": counts["queued"],
        "sent": counts["sent"],
        "failed": counts["failed"],
        "recipients": counts["people"] + counts["phones"],
    }
