"""What the engagement services share: the row lock with its version check, households of a community, the
people to tell, and a finding turned into a ticket through the ticket core."""

from django.utils.translation import gettext as _

from propdesk.communities.models import Community, Household
from propdesk.core.errors import StaleVersion, field_error
from propdesk.core.inputs import clean_text
from propdesk.org.choices import Role
from propdesk.org.selectors import role_holders
from propdesk.tickets.choices import Channel, Source
from propdesk.tickets.services import ticket_create

from .. import permissions  # noqa: F401  (declares the engagement rules)
from ..choices import FindingKind


def lock(model, obj, expected_version: int | None, message: str):
    """``obj`` re-read under a row lock; a version other than the caller's is refused (409 in the API)."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(message, code="stale_version")
    return locked


def bump(obj, *fields: str) -> None:
    obj.version += 1
    obj.save(update_fields=[*fields, "version"])


def households_of(community: Community):
    return Household.objects.filter(unit__building__community=community, is_active=True).select_related(
        "unit__building"
    )


def managers_of(community: Community, roles=(Role.CENTER_MANAGER,)) -> list:
    center = community.service_center
    return role_holders(roles=roles, community_id=community.pk, service_center=center)


def clean_kind(value: str, field: str = "kind") -> str:
    if value not in FindingKind.values:
        raise field_error(field, _("请选择转为投诉、报修或建议"), "invalid_choice")
    return value


def make_ticket(
    *, actor, kind: str, text: str, channel: str, community, household=None, detail: str = "", field="text"
):
    """A ticket of ``kind`` (complaint, repair, suggestion) collected by the center itself (R-IN-1(c))."""
    clean_kind(kind)
    content = clean_text(text, field, limit=2000)
    return ticket_create(
        actor=actor,
        kind=kind,
        content=content,
        channel=channel,
        community=community,
        household=household,
        source=Source.SELF_COLLECTED,
        source_detail=detail[:100],
    )


__all__ = ["Channel", "bump", "clean_kind", "households_of", "lock", "make_ticket", "managers_of"]
