"""Errors every app raises the same way, so that pages and the API render them alike."""

from django.core.exceptions import ValidationError


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A field-level error that keeps its code (``ValidationError({f: msg}, code=…)`` would drop it)."""
    return ValidationError({field: ValidationError(message, code=code)})


class StaleVersion(ValidationError):
    """The record changed since the caller read it (optimistic version check); the API answers 409."""
