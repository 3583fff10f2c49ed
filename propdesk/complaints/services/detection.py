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

from django.db import connection, transaction

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


def index_complaint(complaint: Complaint, text: str, *, fresh=False) -> dict:
    """Store the complaint's signature, category and index keys (idempotent: old keys are replaced; ``fresh``: the
    complaint was created in this transaction and has none)."""
    building = complaint.building.name if complaint.building_id else None
    sig = similarity.signature(text, home_building=building_number(building))
    complaint.signature = sig
    complaint.category = category_of(sig)
    Complaint.objects.filter(pk=complaint.pk).update(signature=sig, category=complaint.category)
    if not fresh:
        ComplaintKey.objects.filter(complaint=complaint).delete()
    ComplaintKey.objects.bulk_create(
        ComplaintKey(complaint=complaint, community_id=complaint.community_id, key=key, created_at=complaint.created_at)
        for key in similarity.index_keys(sig)
    )
    return sig


# What detection reads of a candidate (``rank``, ``best_collective``, ``open_collective``): 200 of them at most.
CANDIDATE_FIELDS = (
    "ticket",
    "community",
    "building",
    "household",
    "category",
    "signature",
    "created_at",
    "collective__status",
)


def _postings(complaint: Complaint, keys: list[str], since: dt.datetime) -> dict[str, list[int]]:
    """The most recent ``CANDIDATES_PER_KEY`` complaints under each key (newest first), in one statement: the
    bounded lookup of every key (``complaints_key_lookup_idx``) joined with UNION ALL."""
    postings: dict[str, list[int]] = {key: [] for key in keys}
    if not keys:
        return postings
    parts, params = [], []
    for i, key in enumerate(keys):
        rows = (
            ComplaintKey.objects.filter(
                community_id=complaint.community_id,
                key=key,
                created_at__gte=since,
                created_at__lte=complaint.created_at,
            )
            .exclude(complaint_id=complaint.pk)
            .order_by("-created_at", "-id")
            .values_list("complaint_id", "created_at", "id")[: similarity.CANDIDATES_PER_KEY]
        )
        sql, part_params = rows.query.sql_with_params()
        parts.append(f"SELECT {i} AS k, p{i}.* FROM ({sql}) p{i}")  # noqa: S608 (the ORM's own SQL, bound params)
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 3 DESC, 4 DESC", params)
        for i, complaint_id, _at, _id in cursor.fetchall():
            postings[keys[i]].append(complaint_id)
    return postings


def find_matches(complaint: Complaint) -> Matches:
    """The earlier complaints about the same thing: same community and category, within the center's window."""
    sig = complaint.signature or {}
    keys = similarity.index_keys(sig)
    since = complaint.created_at - dt.timedelta(minutes=window_minutes(complaint.service_center_id))
    ids = similarity.shortlist(_postings(complaint, keys, since))
    candidates = {
        c.pk: c
        for c in Complaint.objects.filter(pk__in=ids, community_id=complaint.community_id, category=complaint.category)
        # not the ticket: joining 200 complaints to a table of millions can go wrong; only what detection reads
        .select_related("collective")
        .only(*CANDIDATE_FIELDS)
    }
    ranked = similarity.rank(sig, [(pk, c.signature) for pk, c in candidates.items()])
    return Matches(complaint, [candidates[pk] for pk, _s in ranked], dict(ranked))


# A collective complaint with fewer of its members among the candidates than this is scored against its most
# recent ``MEMBERS_READ`` members' signatures instead (a small collective: all of them).
AFFINITY_MEMBERS = 3
MEMBERS_READ = 50


def best_collective(found: Matches):
    """The open collective complaint among the matches' that the new complaint fits best, or None.

    The fit (``similarity.affinity``: the mean of the three best scores against the members) is taken over the
    members found among the candidates, whose scores ``find_matches`` has already computed: the members outside
    the candidates are older than the window or share fewer keys, and a member that scored under the threshold
    cannot be among the three best once three matched. So a collective complaint of any size costs nothing more
    to join; only one with fewer than three members among the matches has its recent members' signatures read.
    """
    best, best_affinity = None, similarity.THRESHOLD
    matched: dict[int, list[float]] = {}
    collectives = {}
    for match in found.matches:
        collective = match.collective
        if collective is None or collective.status == CollectiveStatus.CLOSED:
            continue
        collectives.setdefault(collective.pk, collective)
        matched.setdefault(collective.pk, []).append(found.scores[match.pk])
    for pk, collective in collectives.items():
        scores = sorted(matched[pk], reverse=True)
        if len(scores) >= AFFINITY_MEMBERS:
            value = sum(scores[:AFFINITY_MEMBERS]) / AFFINITY_MEMBERS
        else:
            members = Complaint.objects.filter(collective=collective).order_by("-created_at", "-id")
            signatures = members.values_list("signature", flat=True)[:MEMBERS_READ]
            value = similarity.affinity(found.complaint.signature, list(signatures))
        if value >= best_affinity:
            best, best_affinity = collective, value
    return best


def detect(complaint: Complaint, *, text: str, actor=None, fresh=False):
    """Index the new complaint and link it to its collective complaint (opening one at the fifth household).
    Returns the collective complaint it belongs to, or None. Never raises: a failure is logged. ``fresh``: the
    complaint was created in this transaction."""
    from .collective import join_detected

    try:
        with transaction.atomic():
            index_complaint(complaint, text, fresh=fresh)
            return join_detected(complaint, actor=actor, fresh=fresh)
    except Exception:  # detection must never stop the complaint from being recorded
        log.exception("collective-complaint detection failed for complaint %s", complaint.pk)
        return None
