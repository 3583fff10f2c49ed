"""Housekeeping of the API app."""

import datetime as dt

from django.utils import timezone

from propdesk.core.worker import periodic

from .models import IdempotencyKey
from .services import api_tokens_revoke_stale

# A client retries within minutes; a week of remembered keys is ample.
KEEP = dt.timedelta(days=7)


@periodic(3600, name="api.prune_idempotency_keys")
def prune_idempotency_keys() -> int:
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted


@periodic(60, name="api.revoke_stale_tokens")
def revoke_stale_tokens() -> int:
    """Record as revoked the tokens whose owner changed the password or was deactivated (they already fail)."""
    return api_tokens_revoke_stale()
