"""The watch list (布控, R-CV-3): the security manager marks a person (by identity document) or a vehicle (by
plate) with a reason and an expiry, audited in the event log; a visit that matches an active entry of its
center is marked, written into its history, and the security managers are told at once (the guard sees the
alert on the gate page and in the API's answer). Residents see nothing of it."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.events import record_event
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.models import ServiceCenter
from propdesk.org.selectors import role_holders

from .. import crypto
from ..choices import VisitEventKind, WatchKind
from ..identity import check_document, mask
from ..models import Visit, VisitEvent, WatchEntry
from .common import clean_plate, gather

MAX_WATCH = dt.timedelta(days=366)


def _expiry(value: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if value is None:
        raise field_error("expires_at", _("请填写有效期"), "required")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value <= now or value - now > MAX_WATCH:
        raise field_error("expires_at", _("有效期应在今后一年之内"), "out_of_range")
    return value


@transaction.atomic
def watch_add(
    *,
    actor,
    service_center: ServiceCenter,
    kind: str,
    reason: str,
    expires_at: dt.datetime | None,
    name: str = "",
    document_type: str = "",
    id_number: str = "",
    plate: str = "",
) -> WatchEntry:
    require(actor, "watch.manage", WatchEntry(service_center=service_center), _("只有安全管理员可以维护布控名单"))
    if kind not in WatchKind.values:
        raise field_error("kind", _("请选择布控类别"), "invalid_choice")
    now = timezone.now()
    checks = [
        ("reason", lambda: clean_text(reason, "reason", limit=200)),
        ("expires_at", lambda: _expiry(expires_at, now)),
        ("name", lambda: clean_text(name, "name", required=False, limit=50)),
    ]
    if kind == WatchKind.PERSON:
        checks.append(("id_number", lambda: check_document(document_type, id_number, today=timezone.localdate(now))))
    else:
        checks.append(("plate", lambda: clean_plate(plate) or _required_plate()))
    cleaned = gather(*checks)
    number = cleaned.pop("id_number", "")
    entry = WatchEntry.objects.create(
        service_center=service_center,
        kind=kind,
        document_type=document_type if number else "",
        id_digest=crypto.digest(number),
        id_masked=mask(number),
        created_by=actor,
        **cleaned,
    )
    record_event(actor=actor, verb="watch.added", target=entry, data={"kind": kind}, reason=entry.reason)
    return entry


def _required_plate() -> str:
    raise field_error("plate", _("请填写车牌"), "required")


@transaction.atomic
def watch_remove(*, actor, entry: WatchEntry, reason: str) -> WatchEntry:
    require(actor, "watch.manage", entry, _("只有安全管理员可以维护布控名单"))
    reason = clean_text(reason, "reason", limit=200)
    entry = WatchEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.removed_at is not None:
        raise field_error("entry", _("该布控已撤销"), "removed")
    entry.removed_at = timezone.now()
    entry.save(update_fields=["removed_at"])
    record_event(actor=actor, verb="watch.removed", target=entry, reason=reason)
    return entry


def matches(visit: Visit) -> list[WatchEntry]:
    """The active watch entries of the visit's center that its document or plate matches."""
    if not visit.id_digest and not visit.plate:
        return []
    wanted = Q(pk__in=[])
    if visit.id_digest:
        wanted |= Q(kind=WatchKind.PERSON, id_digest=visit.id_digest)
    if visit.plate:
        wanted |= Q(kind=WatchKind.PLATE, plate=visit.plate)
    return list(
        WatchEntry.objects.filter(
            wanted,
            service_center_id=visit.community.service_center_id,
            removed_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
    )


def alert_on_match(visit: Visit, actor) -> list[WatchEntry]:
    """Mark the visit and tell the security managers (and the guard, in-app) when it matches the watch list.
    Called by the check-in services in their transaction."""
    hits = matches(visit)
    if not hits:
        return []
    Visit.objects.filter(pk=visit.pk).update(watch_alert=True)
    visit.watch_alert = True
    VisitEvent.record(visit, VisitEventKind.WATCH_ALERT, actor, entries=[e.pk for e in hits])
    community = visit.community
    managers = role_holders(
        roles=[Role.SECURITY_MANAGER], community_id=community.pk, service_center=community.service_center
    )
    message = Message(
        kind="visitors.watch",
        subject=t(
            N_("布控预警：%(name)s 在 %(community)s 登记进入"), name=visit.visitor_name, community=community.name
        ),
        body=t(N_("布控原因：%(reason)s"), reason="；".join(e.reason for e in hits)),
        url=f"/visitors/?community={community.pk}",
        urgent=True,
    )
    notify(recipients=[*managers, actor], message=message, dedupe=f"visitors.watch:{visit.pk}")
    return hits
