"""Outages at the front desk (R-PB-3): which outages touch a household's building now, and the calls the
desk links to one (counted on the outage, so one planned outage does not become forty repair tickets)."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.permissions import can
from propdesk.intake.desk_notes import DeskNote
from propdesk.org.models import ServiceCenter

from ..choices import APPROVED_STATES, OUTAGE_KINDS, Audience, NoticeEventKind
from ..models import Notice, NoticeEvent, OutageCall

# An outage shows at the desk from this long before it starts until it ends.
SHOWN_BEFORE = dt.timedelta(hours=24)


def current_outages(now: dt.datetime):
    return Notice.objects.filter(
        kind__in=OUTAGE_KINDS, status__in=APPROVED_STATES, starts_at__lte=now + SHOWN_BEFORE, ends_at__gt=now
    )


def affects(notice: Notice, *, community_id: int, building_id: int, unit_id: int, center_id: int, company_id) -> bool:
    audience = notice.audience
    if audience == Audience.COMPANY:
        return notice.service_center.branch.company_id == company_id
    if audience == Audience.CENTER:
        return notice.service_center_id == center_id
    if notice.community_id != community_id:
        return False
    if audience == Audience.BUILDINGS:
        return building_id in {b.pk for b in notice.buildings.all()}
    if audience == Audience.UNITS:
        return unit_id in {u.pk for u in notice.units.all()}
    return audience == Audience.COMMUNITY


def _note(notice: Notice) -> DeskNote:
    start, end = timezone.localtime(notice.starts_at), timezone.localtime(notice.ends_at)
    span = (
        f"{start:%m-%d %H:%M}–{end:%H:%M}" if start.date() == end.date() else f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"
    )
    title = _("%(what)s %(span)s：%(title)s") % {
        "what": notice.get_utility_display(),
        "span": span,
        "title": notice.title,
    }
    return DeskNote(
        title=title,
        text=notice.answer_text or notice.title,
        level="danger" if notice.kind == "outage_emergency" else "warning",
        url=reverse("notices:detail", args=[notice.pk]),
        kind="outage",
        link=("outage", notice.pk),
    )


def desk_outages(*, user, households: list, now: dt.datetime) -> dict:
    """The desk-notes provider: for each household, the outages touching its building now (3 queries)."""
    center_ids = {h.unit.building.community.service_center_id for h in households}
    companies = dict(ServiceCenter.objects.filter(pk__in=center_ids).values_list("pk", "branch__company_id"))
    found = list(
        current_outages(now)
        .filter(
            Q(service_center_id__in=center_ids)
            | Q(audience=Audience.COMPANY, service_center__branch__company_id__in=set(companies.values()))
        )
        .select_related("service_center__branch")
        .prefetch_related("buildings", "units")
        .order_by("starts_at", "pk")
    )
    found = [n for n in found if can(user, "notice.read", n)]
    notes: dict[int, list[DeskNote]] = {}
    for household in households:
        community = household.unit.building.community
        for notice in found:
            if affects(
                notice,
                community_id=community.pk,
                building_id=household.unit.building_id,
                unit_id=household.unit_id,
                center_id=community.service_center_id,
                company_id=companies.get(community.service_center_id),
            ):
                notes.setdefault(household.pk, []).append(_note(notice))
    return notes


@transaction.atomic
def link_outage_call(*, actor, interaction, target_id: int) -> OutageCall:
    """The desk's link handler: count a recorded call against an outage that touches its caller."""
    notice = Notice.objects.select_for_update().filter(pk=target_id, kind__in=OUTAGE_KINDS).first()
    if notice is None or not can(actor, "notice.read", notice):
        raise field_error("links", _("停水停电通知不存在或您无权查看"), "unknown_outage")
    if notice.status not in APPROVED_STATES:
        raise field_error("links", _("该停水停电通知未经审批，不能关联来电"), "not_approved")
    call, created = OutageCall.objects.get_or_create(
        notice=notice, interaction=interaction, defaults={"linked_by": actor}
    )
    if created:
        NoticeEvent.record(notice, NoticeEventKind.CALL_LINKED, actor, interaction=interaction.pk)
    return call
