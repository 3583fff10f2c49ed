"""Writing to the append-only event log."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import Event
from .scoping import center_id_of


def record_event(
    *, actor, verb: str, target: models.Model, data: dict[str, Any] | None = None, reason: str = ""
) -> Event:
    """Append one event for ``target``. Call it inside the service's transaction."""
    return Event.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        data=data or {},
        reason=reason,
        service_center_id=center_id_of(target),
    )


def events_for(target: models.Model):
    """The timeline of one object, newest first."""
    return Event.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=True), target_id=str(target.pk)
    ).select_related("actor")


def model_changes(instance: models.Model, original: dict[str, Any] | None) -> dict[str, Any]:
    """Field-level diff {field: [old, new]} between a snapshot and the instance, as JSON-safe strings."""
    current = snapshot(instance)
    if original is None:
        return {name: [None, value] for name, value in current.items() if value not in (None, "")}
    return {name: [original.get(name), value] for name, value in current.items() if original.get(name) != value}


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of an instance as JSON-safe strings (foreign keys by id)."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if field.name in SENSITIVE_FIELDS:
            value = "***" if value else value
        elif value is not None and not isinstance(value, (bool, int, float, str)):
            value = str(value)
        values[field.attname] = value
    return values


# Personal data never goes into the event log in clear text.
SENSITIVE_FIELDS = {"phone", "id_number", "password"}
