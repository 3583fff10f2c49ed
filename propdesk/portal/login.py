"""Signing in with a phone number and a one-time code sent by SMS.

A code has 6 digits, is kept only as a keyed hash, lasts 5 minutes and allows 5 wrong tries. Codes are asked
at most once a minute and 5 times an hour per phone number and per client address. The answers are the same
whether or not the number belongs to a resident: a code is only sent to an active resident's number, and
only such a number can sign in. The first sign-in creates the person's portal login and links it to their
resident records (``Resident.user``)."""

import datetime as dt
import hashlib
import hmac
import math
import secrets
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.communities.models import Resident
from propdesk.communities.validators import MOBILE_RE, normalize_phone
from propdesk.core.errors import field_error
from propdesk.core.events import record_event
from propdesk.core.scoping import scope_changed
from propdesk.core.texts import t

from .models import LoginCode

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=5)
MAX_TRIES = 5
PER_MINUTE = 1
PER_HOUR = 5


class Throttled(Exception):
    """Too many codes asked: ``retry_after`` seconds until the next may be."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def clean_mobile(value: str) -> str:
    phone = normalize_phone(value or "")
    if not MOBILE_RE.match(phone):
        raise field_error("phone", _("请输入 11 位手机号码"), "invalid_phone")
    return phone


def code_hash(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"portal-login:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _residents(phone: str):
    return Resident.objects.filter(phone=phone, is_active=True, household__is_active=True)


def _wait(qs, now: dt.datetime) -> int:
    """Seconds until ``qs`` (codes asked by one phone or one address) allows another, 0 when it does."""
    minute = qs.filter(created_at__gt=now - dt.timedelta(minutes=1)).order_by("created_at")
    if minute.count() >= PER_MINUTE:
        return max(1, math.ceil((minute.first().created_at + dt.timedelta(minutes=1) - now).total_seconds()))
    hour = qs.filter(created_at__gt=now - dt.timedelta(hours=1)).order_by("created_at")
    if hour.count() >= PER_HOUR:
        return max(1, math.ceil((hour.first().created_at + dt.timedelta(hours=1) - now).total_seconds()))
    return 0


def _send(phone: str, code: str, row: LoginCode) -> None:
    from propdesk.notify import services as notify
    from propdesk.notify.services import Message

    message = Message(
        kind="portal.login_code",
        subject=t(gettext_noop("登录验证码")),
        body=t(gettext_noop("您的登录验证码是 %(code)s，5 分钟内有效。请勿告诉他人。"), code=code),
        urgent=True,
    )
    notify.notify_phone(phone=phone, message=message, dedupe=f"portal-login:{row.pk}")


@transaction.atomic
def request_code(*, phone: str, ip_address: str | None) -> LoginCode:
    """Ask for a code for ``phone``; sent only when it is an active resident's number (the caller is told
    the same either way). Raises ``Throttled`` when the phone or the address asked too often."""
    phone = clean_mobile(phone)
    now = timezone.now()
    # One at a time per phone, so two quick requests cannot both pass the count.
    list(LoginCode.objects.select_for_update().filter(phone=phone, created_at__gt=now - dt.timedelta(hours=1)))
    waits = [_wait(LoginCode.objects.filter(phone=phone), now)]
    if ip_address:
        waits.append(_wait(LoginCode.objects.filter(ip_address=ip_address), now))
    if max(waits) > 0:
        seconds = max(waits)
        raise Throttled(_("获取验证码太频繁，请 %(s)s 秒后再试") % {"s": seconds}, seconds)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    # Earlier codes of the number stop working: only the latest one counts.
    LoginCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
    known = _residents(phone).exists()
    row = LoginCode.objects.create(
        phone=phone,
        code_hash=code_hash(phone, code),
        ip_address=ip_address,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
        sent=known,
    )
    if known:
        _send(phone, code, row)
    return row


def _wrong() -> Exception:
    return field_error("code", _("验证码错误或已失效，请重新获取"), "invalid_code")


def verify_code(*, phone: str, code: str):
    """The user the code signs in (created and linked on the first sign-in). A wrong code counts a try and
    raises a ValidationError; after MAX_TRIES the code is spent."""
    phone = clean_mobile(phone)
    code = (code or "").strip()
    now = timezone.now()
    row = LoginCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).order_by("-pk").first()
    if row is None or row.attempts >= MAX_TRIES:
        raise _wrong()
    matches = len(code) == CODE_DIGITS and hmac.compare_digest(row.code_hash, code_hash(phone, code))
    if not matches or not row.sent:
        # Counted outside any transaction the caller may hold, so a refused try is never rolled back.
        LoginCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        raise _wrong()
    with transaction.atomic():
        spent = LoginCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        if not spent:
            raise _wrong()
        return _portal_user(phone)


def _portal_user(phone: str):
    """The login of the residents with this number: the one already linked, else a new one without password."""
    residents = list(_residents(phone).select_related("user").order_by("pk"))
    if not residents:
        raise _wrong()
    linked = [r.user for r in residents if r.user_id is not None and r.user.is_active]
    user = linked[0] if linked else None
    if user is None:
        user = get_user_model().objects.create_user(username=f"r-{uuid.uuid4().hex[:12]}", password=None)
        user.first_name = residents[0].name[:150]
        user.save(update_fields=["first_name"])
    for resident in residents:
        if resident.user_id is None:
            # A queryset update sends no signal: tell the kept scopes that this login now has a household.
            if Resident.objects.filter(Q(pk=resident.pk), Q(user__isnull=True)).update(user=user):
                scope_changed()
            record_event(actor=user, verb="resident.portal_linked", target=resident, data={"user": user.pk})
    return user
