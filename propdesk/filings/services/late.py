"""The worker's filing jobs: open each period's filings when the period ends, and flag a late step once to the
next person in the chain (the manager when it is the last step)."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Community
from propdesk.core.texts import label, t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.models import ServiceCenter

from ..choices import EventKind, FilingKind, Step
from ..models import Filing, FilingDeadline
from .chain import STEP_ROLES, next_step, people_for, step_after, title_text, url_of
from .common import record
from .drafting import create, period_of


def _previous_periods(today: dt.date) -> dict[str, dt.date]:
    """A day in the last period of each kind that has ended by ``today``."""
    half_start, _end = period_of(FilingKind.HALF_MONTH, today)
    quarter_start, _end = period_of(FilingKind.QUARTERLY, today)
    return {
        FilingKind.HALF_MONTH: half_start - dt.timedelta(days=1),
        FilingKind.BRIEF: today.replace(day=1) - dt.timedelta(days=1),
        FilingKind.QUARTERLY: quarter_start - dt.timedelta(days=1),
    }


def _open_one(kind: str, center, community, day: dt.date) -> int:
    start, _end = period_of(kind, day)
    exists = Filing.objects.filter(service_center=center, community=community, kind=kind, period_start=start)
    if exists.exists():
        return 0
    with transaction.atomic():
        create(actor=None, kind=kind, service_center=center, community=community, day=day)
    return 1


def open_due_filings(*, today: dt.date | None = None) -> int:
    """Open the filings of the periods just ended (half-month statistics per center, the quarterly report per
    multi-owner project, the brief per single-owner or small project); return how many were opened."""
    today = today or timezone.localdate()
    days = _previous_periods(today)
    opened = 0
    for center in ServiceCenter.objects.select_related("branch__company").order_by("pk"):
        opened += _open_one(FilingKind.HALF_MONTH, center, None, days[FilingKind.HALF_MONTH])
    communities = Community.objects.select_related("service_center__branch__company").order_by("pk")
    for community in communities:
        few = community.single_owner or community.household_count < 10
        kind = FilingKind.BRIEF if few else FilingKind.QUARTERLY
        opened += _open_one(kind, community.service_center, community, days[kind])
    return opened


def _flag(deadline: FilingDeadline, now) -> bool:
    filing = deadline.filing
    current = next_step(filing)
    if current is None or current[0] != deadline.step:
        return False  # an earlier step is still open: it is flagged first
    following = step_after(filing, deadline.step)
    roles = STEP_ROLES[following] if following else frozenset({Role.CENTER_MANAGER})
    notify(
        recipients=people_for(filing, roles),
        message=Message(
            kind="filings.late",
            subject=t(
                N_("报告逾期：%(title)s 的“%(step)s”应于 %(due)s 完成"),
                title=title_text(filing),
                step=label(Step(deadline.step).label),
                due=f"{deadline.due_on:%Y-%m-%d}",
            ),
            url=url_of(filing),
            urgent=False,
        ),
        dedupe=f"filings.late:{deadline.pk}",
    )
    FilingDeadline.objects.filter(pk=deadline.pk).update(flagged_at=now)
    record(filing, EventKind.LATE, None, step=deadline.step, due=f"{deadline.due_on:%Y-%m-%d}")
    return True


def flag_late_steps(*, now: dt.datetime | None = None) -> int:
    """Tell the next person in the chain, once, about each step past its due date; return how many."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    flagged = 0
    with transaction.atomic():
        late = (
            FilingDeadline.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(done_at__isnull=True), flagged_at__isnull=True, due_on__lt=today)
            .select_related("filing__service_center__branch__company", "filing__community")
            .order_by("due_on", "pk")[:500]
        )
        for deadline in late:
            flagged += _flag(deadline, now)
    return flagged
