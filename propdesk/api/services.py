"""Writes of the API app: creating and revoking API tokens."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.events import record_event
from propdesk.core.scoping import get_scope

from .auth import hash_secret
from .models import ApiToken, password_fingerprint

NAME_MAX = 100
# More live tokens than this per login is a sign that old ones are not being revoked.
MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``actor`` (staff only) and return it with its secret, which is shown once and never
    stored: only its SHA-256 is kept."""
    if not get_scope(actor).is_staff_member:
        raise PermissionDenied(_("只有员工账号可以创建接口令牌"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称（用途）")}, code="required")
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("不能超过 %(n)s 个字") % {"n": NAME_MAX}}, code="max_length")
    # Lock the owner's row so that two simultaneous creates cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
    if ApiToken.objects.live_for(actor).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": _("有效令牌已达 %(n)s 个，请先吊销不用的令牌") % {"n": MAX_ACTIVE_TOKENS}}, code="too_many"
        )
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name,
        prefix=secret[:8],
        key_hash=hash_secret(secret),
        password_fingerprint=password_fingerprint(actor.password),
    )
    token.full_clean()
    token.save()
    record_event(actor=actor, verb="api_token.created", target=token, data={"name": name, "prefix": token.prefix})
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token (its owner or a superuser). It stops authenticating at once; the row stays as history."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not (actor.is_superuser or token.user_id == actor.pk):
        raise PermissionDenied(_("只能吊销自己的接口令牌"))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.revoked_reason = ApiToken.RevokedReason.BY_USER
    token.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    record_event(actor=actor, verb="api_token.revoked", target=token, data={"name": token.name, "prefix": token.prefix})
    return token


def api_tokens_revoke_stale(*, user=None) -> int:
    """Mark revoked every token (of ``user``, or of everyone) whose owner changed the password or was
    deactivated since it was made. Such tokens already fail to authenticate (``TokenAuth`` checks the same);
    this records it, with the reason and an event, so that reactivating the login does not bring them back.
    Run by the worker; returns how many tokens were revoked."""
    candidates = ApiToken.objects.filter(revoked_at__isnull=True).select_related("user")
    if user is not None:
        candidates = candidates.filter(user=user)
    revoked = 0
    for token in candidates.iterator():
        if token.stale_reason():
            revoked += _revoke_stale(token.pk)
    return revoked


@transaction.atomic
def _revoke_stale(pk: int) -> int:
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=pk)
    reason = token.stale_reason() if token.revoked_at is None else ""
    if not reason:
        return 0
    token.revoked_at = timezone.now()
    token.revoked_reason = reason
    token.save(update_fields=["revoked_at", "revoked_reason"])
    data = {"name": token.name, "prefix": token.prefix, "reason": reason}
    record_event(actor=None, verb="api_token.revoked", target=token, data=data)
    return 1


def api_tokens_keep_after_rehash(*, user, old_password_hash: str) -> int:
    """Django re-hashed ``user``'s unchanged password (a stronger hasher, more iterations) while they logged
    in: carry their live tokens over to the new hash, since the password itself did not change."""
    if not old_password_hash or old_password_hash == user.password:
        return 0
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, password_fingerprint=password_fingerprint(old_password_hash)
    ).update(password_fingerprint=password_fingerprint(user.password))
