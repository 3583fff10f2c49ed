"""What the notice pages share: reading posted inputs, errors, the centers a user drafts for."""

from django.core.exceptions import ValidationError

from propdesk.core.inputs import errors_of, local_input, version_of  # noqa: F401  (used by the views)
from propdesk.core.permissions import can
from propdesk.core.scoping import get_scope
from propdesk.org.models import ServiceCenter


def ids_of(values) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 12]


def centers_for(user, action: str) -> list[ServiceCenter]:
    """The service centers where ``user`` may take a center-wide ``action`` (drafting, entering a warning)."""
    from ..models import Notice

    scope = get_scope(user)
    centers = ServiceCenter.objects.select_related("branch").order_by("pk")
    if not scope.unrestricted:
        centers = centers.filter(pk__in=sorted(scope.service_center))
    return [c for c in centers if can(user, action, Notice(service_center=c))]


def notice_data(post) -> dict:
    """The editor's form as the services' ``data`` (times parsed; every time error at once)."""
    data = {name: post.get(name, "") for name in ("kind", "topic", "title", "body", "language", "audience", "utility")}
    data["answer_text"] = post.get("answer_text", "")
    errors: dict = {}
    for name in ("valid_from", "valid_until", "starts_at", "ends_at"):
        try:
            data[name] = local_input(post.get(name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    data["community_id"] = (ids_of([post.get("community", "")]) or [None])[0]
    data["building_ids"] = ids_of(post.getlist("buildings"))
    data["unit_ids"] = ids_of(post.getlist("units"))
    data["special_customer_ids"] = ids_of(post.getlist("special_customers"))
    return data
