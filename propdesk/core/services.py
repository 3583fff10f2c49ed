"""Generic write services shared by the domain apps."""

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from .events import model_changes, record_event, snapshot
from .masking import mask_phone_query, phone_digest
from .models import PhoneSearch
from .scoping import get_scope


def require_roles(user, roles, *, community_id: int | None = None, message: str | None = None) -> None:
    """Raise PermissionDenied unless ``user`` holds one of ``roles`` (in ``community_id`` when given)."""
    scope = get_scope(user)
    if scope.unrestricted:
        return
    held = scope.roles_in_community(community_id) if community_id is not None else scope.roles
    if not set(roles) & set(held):
        raise PermissionDenied(message or _("您没有执行此操作的权限"))


@transaction.atomic
def master_data_save(*, actor, instance: models.Model, reason: str = "") -> models.Model:
    """Validate and save one master-data object (created or changed), recording an event with the diff."""
    created = instance._state.adding
    original = None
    if not created:
        previous = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
        original = snapshot(previous)
    instance.full_clean()
    instance.save()
    changes = model_changes(instance, original)
    if created or changes:
        verb = f"{instance._meta.model_name}.{'created' if created else 'changed'}"
        record_event(actor=actor, verb=verb, target=instance, data={"changes": changes}, reason=reason)
    return instance


def phone_search_record(
    *,
    actor,
    source: str,
    digits: str,
    complete: bool,
    refused: bool = False,
    matches: int = 0,
    found_centers=(),
    ip_address: str | None = None,
) -> PhoneSearch:
    """Record one search by phone number (who, when, the number masked and digested, how many matched).

    The row belongs to the searcher's service center; someone who works for several (or for the whole
    branch or company) is recorded at the one center of what was found, else at none (then only the
    system administrator reads it). ``found_centers`` may be a callable, asked only in that case.
    """
    centers = get_scope(actor).service_center
    if len(centers) != 1:
        centers = set(found_centers() if callable(found_centers) else found_centers)
    return PhoneSearch.objects.create(
        actor=actor,
        source=source,
        number_masked=mask_phone_query(digits, complete=complete),
        number_digest=phone_digest(digits),
        complete=complete,
        refused=refused,
        matches=matches,
        ip_address=ip_address,
        service_center_id=next(iter(centers)) if len(centers) == 1 else None,
    )
