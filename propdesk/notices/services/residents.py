"""A posted notice sent to the residents of its audience through the notification gateway (opt-in).

Who gets it:

* residents with a portal account who chose channels for the "notices" category in their notification
  preferences (in-app, plus the email/SMS/WeCom they chose);
* for urgent kinds (a weather warning, an emergency outage) every resident of the audience: account holders
  as an urgent message (notify's urgent rule: SMS by default, never held in quiet hours), residents known only
  by a phone number by SMS.

Everything is keyed ``notices.resident:<notice id>`` so that no one is told of the same notice twice (posting
again, a retried worker run), and the notice's delivery counts are read back from those rows.
"""

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_noop as N_

from propdesk.communities.models import Resident
from propdesk.core.texts import t
from propdesk.notify.models import Category
from propdesk.notify.phones import normalize_mobile
from propdesk.notify.preferences import preference_of
from propdesk.notify.services import Message, notify, notify_phone

from ..choices import Audience, NoticeKind
from ..models import Notice
from .common import audience_communities

URGENT_KINDS = frozenset({NoticeKind.WARNING, NoticeKind.OUTAGE_EMERGENCY})


def dedupe_prefix(notice: Notice) -> str:
    return f"notices.resident:{notice.pk}"


def audience_residents(notice: Notice):
    """The active residents of active households the notice is addressed to (none for special customers:
    they are visited in person)."""
    rows = Resident.objects.filter(is_active=True, household__is_active=True)
    if notice.audience == Audience.BUILDINGS:
        return rows.filter(household__unit__building__in=notice.buildings.all())
    if notice.audience == Audience.UNITS:
        return rows.filter(household__unit__in=notice.units.all())
    if notice.audience == Audience.SPECIAL:
        return rows.none()
    communities = [c.pk for c in audience_communities(notice)]
    return rows.filter(household__unit__building__community__in=communities)


def opted_in(user) -> bool:
    """A person opted in for notices when their preferences name the notices category."""
    prefs = preference_of(user)
    return prefs is not None and prefs.channels.get(Category.NOTICES) is not None


def _message(notice: Notice, urgent: bool) -> Message:
    url = ""
    if notice.community_id:
        url = reverse("notices:board_notice", args=[notice.community.code, notice.pk])
    excerpt = " ".join(strip_tags(notice.body).split())[:200]
    return Message(
        kind="notices.posted",
        subject=t(N_("小区公告：%(title)s"), title=notice.title),
        body=excerpt,
        url=url,
        urgent=urgent,
    )


def send_to_residents(notice: Notice) -> int:
    """Queue the notice for its residents (call it inside the posting transaction); returns the rows queued."""
    urgent = notice.kind in URGENT_KINDS
    message = _message(notice, urgent)
    dedupe = dedupe_prefix(notice)
    residents = list(audience_residents(notice).select_related("user"))
    users = {r.user.pk: r.user for r in residents if r.user_id and r.user.is_active}
    recipients = [u for u in users.values() if urgent or opted_in(u)]
    queued = len(notify(recipients=recipients, message=message, dedupe=dedupe))
    if not urgent:
        return queued
    account_phones = {normalize_mobile(r.phone) for r in residents if r.user_id}
    phones = {normalize_mobile(r.phone) for r in residents if not r.user_id and r.phone} - account_phones
    for phone in sorted(p for p in phones if p):
        notify_phone(phone=phone, message=message, dedupe=dedupe)
        queued += 1
    return queued
