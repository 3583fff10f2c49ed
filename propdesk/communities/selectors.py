"""Reads of community master data, always scoped to the acting user."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.scoping import get_scope

from .models import Building, Community, Household, Resident, Unit, unit_code
from .validators import parse_room


def community_list(*, user):
    """Communities the user may see, with their building and registered-household counts."""
    return (
        Community.objects.visible_to(user)
        .select_related("service_center", "developer")
        .annotate(
            building_total=Count("buildings", distinct=True),
        )
        .order_by("service_center__code", "code")
    )


def registered_household_counts(*, community_ids) -> dict[int, int]:
    """{community id: active households} in one grouped query."""
    rows = (
        Household.objects.filter(is_active=True, unit__building__community__in=community_ids)
        .values_list("unit__building__community")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def community_get(*, user, pk: int) -> Community:
    return community_list(user=user).get(pk=pk)


def household_search(*, user, community: Community, query: str = ""):
    """Active households of a community, optionally filtered by room (3-2-1202, 1202) or resident name."""
    qs = (
        Household.objects.visible_to(user)
        .filter(unit__building__community=community, is_active=True)
        .select_related("unit__building")
        .prefetch_related(Prefetch("residents", queryset=Resident.objects.filter(is_active=True)))
        .order_by("unit__building__name", "unit__entrance", "unit__number")
    )
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(unit__code=query)
            | Q(unit__code__endswith=f"-{query}")
            | Q(unit__number=query)
            | Q(residents__name__contains=query)
        ).distinct()
    return qs


def household_get(*, user, pk: int) -> Household:
    return (
        Household.objects.visible_to(user)
        .select_related("unit__building__community__service_center")
        .prefetch_related(Prefetch("residents", queryset=Resident.objects.filter(is_active=True)))
        .get(pk=pk)
    )


def resident_get(*, user, pk: int) -> Resident:
    return Resident.objects.visible_to(user).select_related("household__unit__building").get(pk=pk)


def importable_communities(*, user):
    """Communities into which the user may import households."""
    return Community.objects.visible_to(user).restrict(user, "community.import").order_by("code")


def resident_households(*, user):
    """The households a resident belongs to."""
    return (
        Household.objects.filter(pk__in=get_scope(user).household)
        .select_related("unit__building__community")
        .prefetch_related(Prefetch("residents", queryset=Resident.objects.filter(is_active=True)))
    )


def unit_by_room(*, user, community: Community, room: str) -> Unit:
    """The unit of ``community`` written as a room (3-2-1202, 3栋2单元1202, A座1202). Otherwise a field error on
    ``room`` that says what is wrong: the writing, a building the community does not have, or a room it does
    not have."""
    written = (room or "").strip()[:40]
    code = parse_room(written)
    if code is None:
        raise field_error("room", _("房号“%(v)s”无法识别，请写成 3-2-1202 或 3栋2单元1202") % {"v": written}, "invalid")
    unit = (
        Unit.objects.visible_to(user)
        .filter(building__community=community, code=code)
        .select_related("building__community")
        .first()
    )
    if unit is not None:
        return unit
    buildings = {unit_code(b.name, "", ""): b.name for b in Building.objects.filter(community=community)}
    if code.split("-")[0] not in buildings:
        raise _no_building(community, code.split("-")[0], list(buildings.values()))
    raise field_error(
        "room", _("%(c)s没有房号“%(room)s”，请核对单元和房号") % {"c": community.name, "room": written}, "not_found"
    )


def _no_building(community: Community, building: str, known: list[str]) -> ValidationError:
    shown = "、".join(known[:12]) + ("…" if len(known) > 12 else "")
    return field_error(
        "room",
        _("%(c)s没有楼栋“%(b)s”（已登记的楼栋：%(known)s）")
        % {"c": community.name, "b": building, "known": shown or "—"},
        "no_building",
    )
