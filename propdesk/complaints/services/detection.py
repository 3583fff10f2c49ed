"""Collective-complaint detection at intake (R-CP-4), on the pure engine of ``complaints.similarity``.

A new complaint keeps its text signature and one ``ComplaintKey`` row per index key. Its candidates are the
complaints of the same community sharing a key, recorded within the center's window before it (the most recent
``CANDIDATES_PER_KEY`` per key, ``shortlist``-ed), of the same category; ``rank`` keeps the matches. It joins
the open collective complaint it fits best (``affinity`` at or above ``THRESHOLD``); otherwise, when the
unlinked matches and itself come from five or more distinct households, a collective complaint is opened with
all of them and the center manager is told at once (``collective.open_collective``).

Detection never stops intake: it runs in a savepoint, and any failure is logged and the complaint kept.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from django.db import transaction

from .. import similarity
from ..choices import Category, CollectiveStatus
from ..models import Complaint, ComplaintKey, ComplaintSettings

log = logging.getLogger("propdesk.complaints")

# The first thing or problem the text names decides its category (the engine's concepts, in its own order).
_CATEGORY_OF_CONCEPT = {
    Category.PARKING: ("停车费", "车位", "道闸", "车库"),
    Category.FEES: ("物业费", "公摊", "电费", "水费"),
    Category.NOISE: ("酒吧", "广场舞", "唱歌", "邻里", "音响", "工地", "装修", "外机"),
    Category.ENVIRONMENT: ("垃圾", "排污", "杂物", "打药", "虫害", "绿化", "保洁", "流浪狗", "宠物"),
    Category.SECURITY: ("高空抛物", "消防设施", "摊贩", "群租", "消防通道", "保安", "电动车", "充电"),
}
CONCEPT_CATEGORY = {concept: category for category, names in _CATEGORY_OF_CONCEPT.items() for concept in names}
_CONCEPT_ORDER = [name for name, _kind, _pattern in similarity.CONCEPTS]


def category_of(sig: dict) -> str:
    """The complaint's category from its signature: that of the first concept it names (engine order);
    other things named (a lift, the water, the lights) are repairs; a text naming none is "other"."""
    tokens = sig.get("tokens", {})
    named = [c for c in _CONCEPT_ORDER if c in tokens or f"{c}内" in tokens]
    for concept in named:
        if concept in CONCEPT_CATEGORY:
            return CONCEPT_CATEGORY[concept]
    return Category.REPAIR if named else Category.OTHER


def building_number(name: str | None) -> str | None:
    """The number the engine compares for a building named "3栋" / "3号楼" / "A座" (the name itself if none)."""
    if not name:
        return None
    found = re.search(r"\d+", similarity.normalise(name))
    return str(int(found.group())) if found else name.strip()


def window_minutes(service_center_id: int) -> int:
    """The center's collective-complaint window (``ComplaintSettings``), 24 h by default."""
    value = (
        ComplaintSettings.objects.filter(service_center_id=service_center_id)
        .values_list("collective_window_minutes", flat=True)
        .first()
    )
    return value or similarity.DEFAULT_WINDOW_MINUTES


@dataclass
class Matches:
    """What detection found for one complaint: the matching earlier complaints (best first) and their scores."""

    complaint: Complaint
    matches: list[Complaint] = field(default_factory=list)
    scores: dict[int, float] = field(default_factory=dict)

    @property
    def households(self) -> set[int]:
        """Distinct households among the matches and the complaint itself."""
        found = {c.household_id for c in self.matches if c.household_id is not None}
        if self.complaint.household_id is not None:
            found.add(self.complaint.household_id)
        return found

    @property
    def nth(self) -> int:
        """The complaint is the n-th (in households) about the same thing."""
        return max(1, len(self.households))


def index_complaint(complaint: Complaint, text: str) -> dict:
    """Store the complaint's signature, category and index keys (idempotent: old keys are replaced)."""
    building = complaint.building.name if complaint.building_id else None
    sig = similarity.signature(text, home_building=building_number(building))
    complaint.signature = sig
    complaint.category = category_of(sig)
    Complaint.objects.filter(pk=complaint.pk).update(signature=sig, category=complaint.category)
    ComplaintKey.objects.filter(complaint=complaint).delete()
    ComplaintKey.objects.bulk_create(
        ComplaintKey(complaint=complaint, community_id=complaint.community_id, key=key, created_at=complaint.created_at)
        for key in similarity.index_keys(sig)
    )
    return sig


def find_matches(complaint: Complaint) -> Matches:
    """The earlier complaints about the same thing: same community and category, within the center's window."""
    sig = complaint.signature or {}
    keys = similarity.index_keys(sig)
    since = complaint.created_at - dt.timedelta(minutes=window_minutes(complaint.service_center_id))
    postings = {}
    for key in keys:
        rows = (
            ComplaintKey.objects.filter(
                community_id=complaint.community_id,
                key=key,
                created_at__gte=since,
                created_at__lte=complaint.created_at,
            )
            .exclude(complaint_id=complaint.pk)
            .order_by("-created_at", "-id")
            .values_list("complaint_id", flat=True)[: similarity.CANDIDATES_PER_KEY]
        )
        postings[key] = list(rows)
    ids = similarity.shortlist(postings)
    candidates = {
        c.pk: c
        for c in Complaint.objects.filter(
            pk__in=ids, community_id=complaint.community_id, category=complaint.category
        ).select_related("collective", "ticket")
    }
    ranked = similarity.rank(sig, [(pk, c.signature) for pk, c in candidates.items()])
    return Matches(complaint, [candidates[pk] for pk, _s in ranked], dict(ranked))


def best_collective(found: Matches):
    """The open collective complaint among the matches' that the new complaint fits best, or None."""
    best, best_affinity = None, similarity.THRESHOLD
    seen = set()
    for match in found.matches:
        collective = match.collective
        if collective is None or collective.pk in seen or collective.status == CollectiveStatus.CLOSED:
            continue
        seen.add(collective.pk)
        members = Complaint.objects.filter(collective=collective).values_list("signature", flat=True)
        value = similarity.affinity(found.complaint.signature, list(members))
        if value >= best_affinity:
            best, best_affinity = collective, value
    return best


def detect(complaint: Complaint, *, text: str, actor=None):
    """Index the new complaint and link it to its collective complaint (opening one at the fifth household).
    Returns the collective complaint it belongs to, or None. Never raises: a failure is logged."""
    from .collective import join_detected

    try:
        with transaction.atomic():
            index_complaint(complaint, text)
            return join_detected(complaint, actor=actor)
    except Exception:  # detection must never stop the complaint from being recorded
        log.exception("collective-complaint detection failed for complaint %s", complaint.pk)
        return None
