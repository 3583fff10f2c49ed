"""Collective complaints (集体投诉, R-CP-4): opened at the fifth household, joined by later complaints about the
same event, linked and unlinked by hand at the desk; the center manager told at once (inbox + SMS/IM gateway).

Opening is serialised per community: detection locks the community row (``FOR NO KEY UPDATE``, so new tickets
of the community are not blocked) before it reads the matches, so two fifth complaints arriving together open
one collective complaint; linking locks the collective complaint's row and bumps its version.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Community
from propdesk.core.errors import StaleVersion, field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role

from .. import events, similarity
from ..choices import CollectiveEventKind, CollectiveStatus, EventKind
from ..models import CollectiveComplaint, Complaint
from .base import holders, lock
from .detection import best_collective, find_matches

NOTICE_KIND = "complaint.collective"


def lock_collective(
    collective: CollectiveComplaint, expected_version: int | None, *, related=False
) -> CollectiveComplaint:
    """The collective complaint's row, locked (``related``: read with its community, which is not locked)."""
    rows = CollectiveComplaint.objects.select_for_update(of=("self",))
    locked = (rows.select_related("community") if related else rows).get(pk=collective.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _("该集体投诉已被他人修改（当前版本 %(v)s），请刷新后重试") % {"v": locked.version}, code="stale_version"
        )
    return locked


def save_collective(collective: CollectiveComplaint, fields: list[str]) -> None:
    """Save a collective complaint the caller locked (``lock_collective``), bumping its version: the row lock
    makes the version read with it the current one, so the new one is known without reading it back."""
    known = collective.version
    collective.version = F("version") + 1
    collective.save(update_fields=[*fields, "version", "updated_at"])
    collective.version = known + 1


def member_households(collective: CollectiveComplaint) -> set[int]:
    return set(
        Complaint.objects.filter(collective=collective, household__isnull=False).values_list("household_id", flat=True)
    )


def _attach(complaint: Complaint, collective: CollectiveComplaint, actor, reason, *, fresh=False, nth=None) -> None:
    """Point the complaint at the collective complaint (the caller holds the collective row), with both events.
    ``fresh``: the complaint was created in this transaction, so no one else can have changed it (its version in
    memory is the stored one); ``nth`` is stored with the link (detection's count of households)."""
    changes = {"collective": collective, "version": F("version") + 1}
    if nth is not None:
        changes["same_event_nth"] = nth
    Complaint.objects.filter(pk=complaint.pk).update(**changes)
    complaint.collective = collective
    if fresh:
        complaint.version += 1
    else:
        complaint.refresh_from_db(fields=["version"])
    events.record(complaint, EventKind.LINKED, actor, reason=reason.dumps(), collective=collective.pk)
    events.record_collective(
        collective,
        CollectiveEventKind.JOINED,
        actor,
        reason=reason.dumps(),
        complaint=complaint.pk,
        ticket=complaint.ticket.number,
        household=complaint.household_id,
    )


def join_detected(complaint: Complaint, *, actor=None, fresh=False) -> CollectiveComplaint | None:
    """Detection's decision for a new, indexed complaint (in the caller's savepoint): join the open collective
    complaint it fits best, or open one when its group reaches five households; None otherwise. ``fresh``: the
    complaint was created in this transaction (no other transaction can have linked it meanwhile)."""
    list(Community.objects.select_for_update(no_key=True).filter(pk=complaint.community_id).values_list("pk"))
    if not fresh:
        already = Complaint.objects.filter(pk=complaint.pk).values_list("collective_id", flat=True).first()
        if already is not None:  # linked meanwhile by the opening of another complaint's collective
            return CollectiveComplaint.objects.get(pk=already)
    found = find_matches(complaint)
    if not found.matches:
        return None
    nth = min(found.nth, 32767)
    collective = best_collective(found)
    if collective is not None:
        collective = lock_collective(collective, None, related=True)
        if collective.status != CollectiveStatus.CLOSED:
            score = round(found.scores.get(found.matches[0].pk, 0.0), 2)
            reason = t(N_("系统识别为同一事件（相似度 %(score)s）"), score=score)
            _attach(complaint, collective, None, reason, fresh=fresh, nth=nth)
            save_collective(collective, [])
            tell_manager_joined(collective, complaint)
            return collective
    Complaint.objects.filter(pk=complaint.pk).update(same_event_nth=nth)
    if collective is not None:
        return None
    group = [m for m in found.matches if m.collective_id is None]
    households = {m.household_id for m in group if m.household_id} | {complaint.household_id} - {None}
    if len(households) < similarity.MIN_HOUSEHOLDS:
        return None
    return open_collective(complaint, group, households=len(households))


def open_collective(complaint: Complaint, group: list[Complaint], *, households: int, actor=None):
    """Open a collective complaint with the complaint and its group, and tell the center manager at once."""
    members = sorted([*group, complaint], key=lambda c: (c.created_at, c.pk))
    prefetch_related_objects([m for m in members if m is not complaint], "ticket")  # their numbers, in one query
    buildings = {c.building_id for c in members}
    collective = CollectiveComplaint.objects.create(
        service_center_id=complaint.service_center_id,
        community_id=complaint.community_id,
        building_id=buildings.pop() if len(buildings) == 1 else None,
        title=(members[0].ticket.title or complaint.ticket.title)[:100],
        category=complaint.category,
        opened_at=timezone.now(),
    )
    opened = t(N_("%(n)s 户在时间窗内投诉同一事件，立为集体投诉"), n=households)
    events.record_collective(
        collective,
        CollectiveEventKind.OPENED,
        actor,
        reason=opened.dumps(),
        households=households,
        complaints=[c.pk for c in members],
    )
    for member in members:
        _attach(member, collective, actor, t(N_("归入集体投诉（第 %(n)s 户立案）"), n=households))
    tell_manager(collective, households=households)
    return collective


def _for_message(text):
    """``notify.Message`` stores a ``core.texts`` text (msgid + parameters, read in each reader's language); while
    it still takes only plain strings, the text goes rendered in the site's language."""
    if "Text" in str(Message.__dataclass_fields__["subject"].type):
        return text
    return text.render(settings.LANGUAGE_CODE)


def tell_manager(collective: CollectiveComplaint, *, households: int) -> None:
    """The receptionist reports a collective complaint to the manager at once (002 §4.5.1): inbox and gateway."""
    sample = Complaint.objects.filter(collective=collective).select_related("service_center__branch").first()
    managers = holders(sample, Role.CENTER_MANAGER) if sample is not None else []
    community = collective.community.name
    notify(
        recipients=managers,
        message=Message(
            kind=NOTICE_KIND,
            subject=_for_message(
                t(N_("集体投诉：%(community)s %(n)s 户投诉同一事件"), community=community, n=households)
            ),
            body=_for_message(
                t(
                    N_("%(title)s。请立即了解情况，决定是否通报公司总经理和地产公司客户服务中心，与业户约定答复时间。"),
                    title=collective.title,
                )
            ),
            url=reverse("complaints:collective", args=[collective.pk]),
            urgent=True,
        ),
        dedupe=f"complaint-collective-opened:{collective.pk}",
    )


def tell_manager_joined(collective: CollectiveComplaint, complaint: Complaint) -> None:
    """A further household (the sixth and later) joins an open collective complaint: the manager hears of it in
    the inbox (not urgent: the opening already went through the gateway). A second complaint of a household
    already counted says nothing."""
    if complaint.household_id is None:
        return
    counts = Complaint.objects.filter(collective=collective, household__isnull=False).aggregate(
        households=Count("household", distinct=True), mine=Count("pk", filter=Q(household_id=complaint.household_id))
    )
    if counts["mine"] > 1:
        return
    households = counts["households"]
    if households <= similarity.MIN_HOUSEHOLDS:
        return
    notify(
        recipients=holders(complaint, Role.CENTER_MANAGER),
        message=Message(
            kind=NOTICE_KIND,
            subject=_for_message(
                t(
                    N_("集体投诉新增住户：%(community)s 已有 %(n)s 户"),
                    community=collective.community.name,
                    n=households,
                )
            ),
            body=_for_message(
                t(
                    N_("%(unit)s 也投诉了“%(title)s”（%(number)s），请安排上门回访。"),
                    unit=str(complaint.household.unit),
                    title=collective.title,
                    number=complaint.ticket.number,
                )
            ),
            url=reverse("complaints:collective", args=[collective.pk]),
        ),
        dedupe=f"complaint-collective-joined:{collective.pk}:{complaint.household_id}",
    )


# ----------------------------------------------------------------------------- by hand, at the desk


@transaction.atomic
def complaint_link_collective(
    *, actor, complaint: Complaint, collective: CollectiveComplaint, expected_version: int | None = None
) -> Complaint:
    """Link a complaint to an open collective complaint of its community in one action (归入集体投诉)."""
    require(actor, "complaint.link_collective", complaint, _("您无权把该投诉归入集体投诉"))
    complaint = lock(complaint, expected_version)
    if complaint.collective_id == collective.pk:
        raise field_error("collective", _("该投诉已在这宗集体投诉中"), "already_linked")
    if complaint.collective_id is not None:
        raise field_error("collective", _("该投诉已归入另一宗集体投诉，请先移出"), "other_collective")
    collective = lock_collective(collective, None)
    if collective.community_id != complaint.community_id:
        raise field_error("collective", _("只能归入同一小区的集体投诉"), "other_community")
    if collective.status == CollectiveStatus.CLOSED:
        raise field_error("collective", _("该集体投诉已结案，不能再归入"), "closed")
    _attach(complaint, collective, actor, t(N_("人工归入集体投诉")))
    save_collective(collective, [])
    tell_manager_joined(collective, complaint)
    return complaint


@transaction.atomic
def complaint_unlink_collective(
    *, actor, complaint: Complaint, reason: str = "", expected_version: int | None = None
) -> Complaint:
    """Take a complaint out of its collective complaint (not the same event after all)."""
    require(actor, "complaint.link_collective", complaint, _("您无权把该投诉移出集体投诉"))
    complaint = lock(complaint, expected_version)
    reason = clean_text(reason, "reason", required=False, limit=500)
    if complaint.collective_id is None:
        raise field_error("collective", _("该投诉不在任何集体投诉中"), "not_linked")
    collective = lock_collective(complaint.collective, None)
    if collective.status == CollectiveStatus.CLOSED:
        raise field_error("collective", _("该集体投诉已结案，不能再移出投诉"), "closed")
    Complaint.objects.filter(pk=complaint.pk).update(collective=None, version=F("version") + 1)
    complaint.collective = None
    complaint.refresh_from_db(fields=["version"])
    events.record(complaint, EventKind.UNLINKED, actor, reason=reason, collective=collective.pk)
    events.record_collective(
        collective,
        CollectiveEventKind.LEFT,
        actor,
        reason=reason,
        complaint=complaint.pk,
        household=complaint.household_id,
    )
    save_collective(collective, [])
    return complaint


@transaction.atomic
def complaint_open_collective(*, actor, complaint: Complaint, expected_version: int | None = None):
    """Open a collective complaint by hand from a complaint and its matches (when they reach five households)."""
    require(actor, "complaint.link_collective", complaint, _("您无权立集体投诉"))
    complaint = lock(complaint, expected_version)
    if complaint.collective_id is not None:
        raise field_error("collective", _("该投诉已归入集体投诉"), "already_linked")
    list(Community.objects.select_for_update(no_key=True).filter(pk=complaint.community_id).values_list("pk"))
    found = find_matches(complaint)
    group = [m for m in found.matches if m.collective_id is None]
    households = {m.household_id for m in group if m.household_id} | {complaint.household_id} - {None}
    if len(households) < similarity.MIN_HOUSEHOLDS:
        raise field_error(
            "collective",
            _("同一事件目前只有 %(n)s 户投诉，五户或以上才立为集体投诉") % {"n": len(households)},
            "too_few",
        )
    return open_collective(complaint, group, households=len(households), actor=actor)
