"""Who gets a message on which channel, and when: preferences, defaults, quiet hours.

In-app messages are always written and never held. Email, SMS and WeCom follow the person's choice per
category (or the defaults). Non-urgent messages on those channels are held during the person's quiet hours
and sent when they end; urgent ones (a dispatch, a collective complaint, typhoon signal 3) never wait.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import CHOOSABLE_CHANNELS, Category, Channel, Preference
from .phones import normalize_mobile


def category_of(kind: str) -> str:
    head = (kind or "").split(".", 1)[0]
    return head if head in Category.values else Category.OTHER


def preference_of(user) -> Preference | None:
    try:
        return user.notify_preference
    except Preference.DoesNotExist:
        return None


def phone_of(user) -> str:
    """A mobile number to text: the staff profile's, else the person's own resident record's."""
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        return normalize_mobile(profile.phone) or ""
    records = getattr(user, "resident_records", None)
    if records is None:
        return ""
    for phone in records.filter(is_active=True).exclude(phone="").values_list("phone", flat=True):
        if number := normalize_mobile(phone):
            return number
    return ""


def is_staff_member(user) -> bool:
    return getattr(user, "staff_profile", None) is not None


def reachable(user) -> set[str]:
    """The choosable channels this person can be reached on at all with the current configuration."""
    found = set()
    if user.email and settings.PROPDESK_NOTIFY_EMAIL:
        found.add(Channel.EMAIL)
    if settings.PROPDESK_SMS_BACKEND and phone_of(user):
        found.add(Channel.SMS)
    if settings.PROPDESK_WECOM_BACKEND and is_staff_member(user):
        found.add(Channel.WECOM)
    return found


def default_channels(user, kind: str, urgent: bool) -> set[str]:
    """Without a choice: email when there is an address; WeCom for staff when it is set up; SMS for
    residents for their own requests' progress and for urgent messages."""
    wanted = {Channel.EMAIL, Channel.WECOM}
    if not is_staff_member(user) and (urgent or category_of(kind) == Category.REQUEST):
        wanted.add(Channel.SMS)
    return wanted


def chosen_channels(user, kind: str, urgent: bool) -> list[str]:
    """The choosable channels a message of ``kind`` goes out on for ``user``, in a stable order."""
    prefs = preference_of(user)
    choice = prefs.channels.get(category_of(kind)) if prefs else None
    wanted = set(choice) if choice is not None else default_channels(user, kind, urgent)
    can = reachable(user)
    return [c for c in CHOOSABLE_CHANNELS if c in wanted and c in can]


def in_quiet_hours(prefs: Preference | None, moment: dt.datetime) -> dt.datetime | None:
    """When the quiet hours around ``moment`` end (an aware datetime), or None outside quiet hours."""
    if prefs is None or prefs.quiet_start is None or prefs.quiet_end is None or prefs.quiet_start == prefs.quiet_end:
        return None
    local = timezone.localtime(moment)
    start, end, now = prefs.quiet_start, prefs.quiet_end, local.time()
    overnight = start > end  # 22:00 → 07:00
    quiet = (now >= start or now < end) if overnight else (start <= now < end)
    if not quiet:
        return None
    day = local.date() if now < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=local.tzinfo)


def release_at(user, urgent: bool, now: dt.datetime) -> dt.datetime:
    """When a message on an outside channel may be sent: now, or the end of the person's quiet hours."""
    if urgent:
        return now
    return in_quiet_hours(preference_of(user), now) or now
