"""What the notice pages share: reading posted inputs, errors, the centers a user drafts for."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.permissions import can
from propdesk.core.scoping import get_scope
from propdesk.org.models import ServiceCenter


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def local_input(raw: str | None, field: str) -> dt.datetime | None:
    """A ``datetime-local`` input (2026-11-18T09:30) as an aware datetime; empty → None."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: _("时间格式不正确")}) from None
    if not dt.date(2000, 1, 1) <= value.date() <= dt.date(2099, 12, 31):
        raise ValidationError({field: _("时间超出范围")})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def version_of(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


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
