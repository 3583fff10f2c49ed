"""Coverage of the regular contacts and the flags raised when one is missed: a suggestion box not opened within
two days (flagged on day 3 to its owner and their superiors), a special customer not consulted this quarter, no
owners' committee meeting this quarter (flagged in the quarter's last month), no owner forum this year (flagged in
December). Each flag is one notification per period (de-duplicated)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Community, SpecialCustomer
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role

from .choices import MeetingKind
from .models import BoxOpening, Consultation, Meeting, SuggestionBox
from .models.boxes import OPENING_INTERVAL_DAYS
from .services.common import managers_of

QUARTER_FLAG_DAY = 15  # in the quarter's last month
FORUM_FLAG_MONTH = 12
KEEPERS = (Role.CENTER_MANAGER, Role.CS_SUPERVISOR)


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def box_due(box: SuggestionBox) -> dt.date:
    """The day the box must next be opened: two days after its last opening, or its first opening day."""
    last = BoxOpening.objects.filter(box=box).order_by("-opened_on").values_list("opened_on", flat=True).first()
    return last + dt.timedelta(days=OPENING_INTERVAL_DAYS) if last else box.starts_on


def box_missed(box: SuggestionBox, today: dt.date | None = None) -> bool:
    """Not opened by its due day: flagged from the next day (day 3 after the last opening)."""
    today = today or timezone.localdate()
    return box.is_active and today > box_due(box)


def special_customer_coverage(community: Community, today: dt.date | None = None) -> list[tuple]:
    """Each active special customer of the community with whether it was consulted this quarter."""
    today = today or timezone.localdate()
    start, end = quarter_of(today)
    customers = SpecialCustomer.objects.filter(community=community, is_active=True).order_by("kind", "name")
    held = set(
        Consultation.objects.filter(community=community, held_on__range=(start, end)).values_list(
            "customer_id", flat=True
        )
    )
    return [(c, c.pk in held) for c in customers]


def meeting_coverage(community: Community, today: dt.date | None = None) -> dict:
    """This year's owner forum and this quarter's owners' committee meeting: held, and flagged when missed late."""
    today = today or timezone.localdate()
    start, end = quarter_of(today)
    meetings = Meeting.objects.filter(community=community)
    forum = meetings.filter(kind=MeetingKind.FORUM, held_on__year=today.year).exists()
    committee = meetings.filter(kind=MeetingKind.COMMITTEE, held_on__range=(start, end)).exists()
    late_in_quarter = today.month == end.month and today.day >= QUARTER_FLAG_DAY
    return {
        "forum_held": forum,
        "forum_flag": not forum and today.month >= FORUM_FLAG_MONTH,
        "committee_held": committee,
        "committee_flag": not committee and late_in_quarter,
        "late_in_quarter": late_in_quarter,
    }


def _tell(recipients, kind: str, subject, body, url: str, dedupe: str) -> int:
    message = Message(kind=kind, subject=subject, body=body, url=url)
    return 1 if notify(recipients=recipients, message=message, dedupe=dedupe) else 0


def _flag_boxes(today: dt.date) -> int:
    flags = 0
    boxes = SuggestionBox.objects.filter(is_active=True).select_related("community__service_center__branch", "owner")
    for box in boxes:
        if not box_missed(box, today):
            continue
        due = box_due(box)
        superiors = [u for u in managers_of(box.community, KEEPERS) if u.pk != box.owner_id]
        flags += _tell(
            [box.owner, *superiors],
            "engagement.box_missed",
            t(N_("意见箱未按时开启：%(place)s"), place=box.place),
            t(
                N_("%(community)s %(place)s 的意见箱应于 %(due)s 开启，至今未登记。"),
                community=box.community.name,
                place=box.place,
                due=due.isoformat(),
            ),
            "/engagement/boxes/",
            f"engagement.box:{box.pk}:{due.isoformat()}",
        )
    return flags


def _flag_community(community: Community, today: dt.date) -> int:
    flags = 0
    keepers = managers_of(community, KEEPERS)
    status = meeting_coverage(community, today)
    start, _end = quarter_of(today)
    if status["late_in_quarter"]:
        missing = [c.name for c, held in special_customer_coverage(community, today) if not held]
        if missing:
            flags += _tell(
                keepers,
                "engagement.special_customers",
                t(N_("%(community)s 本季度有特殊顾客未沟通"), community=community.name),
                t(N_("本季度尚未沟通：%(names)s"), names="、".join(missing)),
                "/engagement/contacts/",
                f"engagement.special:{community.pk}:{start.isoformat()}",
            )
        if status["committee_flag"]:
            flags += _tell(
                keepers,
                "engagement.committee",
                t(N_("%(community)s 本季度尚未与业委会沟通"), community=community.name),
                "",
                "/engagement/contacts/",
                f"engagement.committee:{community.pk}:{start.isoformat()}",
            )
    if status["forum_flag"]:
        flags += _tell(
            keepers,
            "engagement.forum",
            t(N_("%(community)s 今年尚未召开业主座谈会"), community=community.name),
            "",
            "/engagement/contacts/",
            f"engagement.forum:{community.pk}:{today.year}",
        )
    return flags


def flag_missed(now: dt.datetime | None = None) -> int:
    """Raise every coverage flag due now (each once per box and due day, community and quarter or year)."""
    today = timezone.localdate(now or timezone.now())
    flags = _flag_boxes(today)
    for community in Community.objects.select_related("service_center__branch"):
        flags += _flag_community(community, today)
    return flags
