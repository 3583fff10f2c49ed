"""What the filing pages share: one filing read for the user, the centers and projects where the user drafts,
errors as one line."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from propdesk.communities.models import Community
from propdesk.core.permissions import can
from propdesk.core.scoping import get_scope
from propdesk.org.models import ServiceCenter

from ..models import Filing


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def visible_centers(user) -> list[ServiceCenter]:
    scope = get_scope(user)
    centers = ServiceCenter.objects.select_related("branch__company").order_by("pk")
    if not scope.unrestricted:
        centers = centers.filter(pk__in=sorted(scope.service_center))
    return list(centers[:200])


def drafting_places(user) -> list[tuple[str, str]]:
    """``(value, label)`` of the centers and projects where the user may open a filing: ``c<id>`` or ``p<id>``."""
    out = []
    for center in visible_centers(user):
        if can(user, "filing.draft", Filing(service_center=center)):
            out.append((f"c{center.pk}", center.name))
    communities = Community.objects.filter(service_center__in=[c.pk for c in visible_centers(user)]).order_by("name")
    for community in communities.select_related("service_center")[:300]:
        probe = Filing(service_center=community.service_center, community=community)
        if can(user, "filing.draft", probe):
            out.append((f"p{community.pk}", community.name))
    return out


def place_of(raw: str):
    """``(center, community)`` from a ``c<id>``/``p<id>`` value, or ``(None, None)``."""
    raw = (raw or "").strip()
    if len(raw) < 2 or not raw[1:].isdigit() or len(raw) > 12:
        return None, None
    if raw[0] == "c":
        return ServiceCenter.objects.select_related("branch__company").filter(pk=int(raw[1:])).first(), None
    community = Community.objects.select_related("service_center__branch__company").filter(pk=int(raw[1:])).first()
    return (community.service_center if community else None), community


def today():
    return timezone.localdate()
