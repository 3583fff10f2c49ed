"""Tenant temporary-residence registration (暂住登记, 002 §六.20): households marked as let, tenants registered
with their lease period (identity document checked, encrypted and masked exactly like a visitor's), a lease
renewed or ended, and the worker's reminders before a lease ends (30 and 7 days, once each)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.communities.choices import Relation
from propdesk.communities.models import Community, Household, Resident
from propdesk.core.errors import field_error
from propdesk.core.events import record_event
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import can, require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.selectors import role_holders

from ..choices import TenantEventKind
from ..identity import check_document
from ..models import Letting, TenantEvent, TenantRegistration
from .common import clean_visitor_phone, gather, host_household, lock
from .visits import audited_decrypt, identity_fields, reveal_reason

# The Civil Code (art. 705) caps a lease at 20 years.
MAX_LEASE = dt.timedelta(days=20 * 366)
REMIND_DAYS = (30, 7)
REMINDED_ROLES = (Role.CS_SUPERVISOR, Role.HOUSEKEEPER)
STALE = N_("该租户登记已被他人修改，请刷新后再操作")


def _household(actor, community: Community, room: str, household: Household | None) -> Household:
    found = household or host_household(actor=actor, community=community, room=room, required=True)
    if found.unit.building.community_id != community.pk:
        raise field_error("room", _("该住户不属于所选小区"), "wrong_community")
    return found


def _open_letting(household: Household) -> Letting | None:
    return Letting.objects.select_for_update().filter(household=household, ended_at__isnull=True).first()


@transaction.atomic
def mark_let(
    *, actor, community: Community, room: str = "", household: Household | None = None, since: dt.date | None = None
) -> Letting:
    """Record that a household's unit is let (出租户); it then counts in the registration rate."""
    target = _household(actor, community, room, household)
    require(actor, "tenant.register", Letting(community=community, household=target), _("您无权登记出租户"))
    if since is not None and since > timezone.localdate():
        raise field_error("since", _("出租起始日期不能晚于今天"), "future")
    try:
        with transaction.atomic():
            letting = Letting.objects.create(community=community, household=target, since=since, created_by=actor)
    except IntegrityError:
        raise field_error("room", _("%(room)s 已登记为出租户") % {"room": target.unit.label}, "already_let") from None
    record_event(actor=actor, verb="tenant.let", target=letting, data={"household": target.pk})
    return letting


@transaction.atomic
def end_letting(*, actor, letting: Letting, expected_version: int | None = None) -> Letting:
    """The unit is let no more; refused while a tenant is still registered there (end the tenancy first)."""
    require(actor, "tenant.register", letting, _("您无权登记出租户"))
    letting = lock(Letting, letting, expected_version, _("该出租户已被他人修改，请刷新后再操作"))
    if letting.ended_at is not None:
        raise field_error("letting", _("该住户已停止出租"), "ended")
    if letting.registrations.filter(ended_at__isnull=True).exists():
        raise field_error("letting", _("仍有租户在住，请先登记退租"), "tenants_living")
    Letting.objects.filter(pk=letting.pk).update(ended_at=timezone.now(), version=F("version") + 1)
    record_event(actor=actor, verb="tenant.let_ended", target=letting)
    letting.refresh_from_db()
    return letting


def _lease(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    if start is None:
        raise field_error("lease_start", _("请填写租期开始日期"), "required")
    if end is None:
        raise field_error("lease_end", _("请填写租期结束日期"), "required")
    if end <= start:
        raise field_error("lease_end", _("租期结束日期应晚于开始日期"), "order")
    if end < today:
        raise field_error("lease_end", _("租期已结束，无需登记"), "past")
    if end - start > MAX_LEASE:
        raise field_error("lease_end", _("租期不能超过 20 年"), "too_long")
    return start, end


@transaction.atomic
def register_tenant(
    *,
    actor,
    community: Community,
    name: str,
    document_type: str,
    id_number: str,
    lease_start: dt.date | None,
    lease_end: dt.date | None,
    room: str = "",
    household: Household | None = None,
    phone: str = "",
    police_reference: str = "",
) -> TenantRegistration:
    """Register a tenant of a let household with the lease period; the household is marked let if it was not."""
    today = timezone.localdate()
    cleaned = gather(
        ("name", lambda: clean_text(name, "name", limit=50)),
        ("id_number", lambda: check_document(document_type, id_number, today=today)),
        ("phone", lambda: clean_visitor_phone(phone)),
        ("lease", lambda: _lease(lease_start, lease_end, today)),
        ("police_reference", lambda: clean_text(police_reference, "police_reference", required=False, limit=40)),
        ("household", lambda: _household(actor, community, room, household)),
    )
    target = cleaned.pop("household")
    require(actor, "tenant.register", TenantRegistration(community=community, household=target), _("您无权登记租户"))
    letting = _open_letting(target) or mark_let(actor=actor, community=community, household=target)
    start, end = cleaned.pop("lease")
    registration = TenantRegistration.objects.create(
        community=community,
        household=target,
        letting=letting,
        name=cleaned["name"],
        phone=cleaned["phone"],
        police_reference=cleaned["police_reference"],
        lease_start=start,
        lease_end=end,
        created_by=actor,
        **identity_fields(document_type, cleaned["id_number"]),
    )
    TenantEvent.record(registration, TenantEventKind.REGISTERED, actor, lease_start=str(start), lease_end=str(end))
    return registration


def _open(registration: TenantRegistration) -> None:
    if registration.ended_at is not None:
        raise field_error("registration", _("该租户已退租"), "ended")


@transaction.atomic
def renew_lease(
    *, actor, registration: TenantRegistration, lease_end: dt.date | None, expected_version: int | None = None
) -> TenantRegistration:
    """The lease goes on until a later day (续租); the reminders start again for the new end."""
    require(actor, "tenant.register", registration, _("您无权登记租户"))
    registration = lock(TenantRegistration, registration, expected_version, _(STALE))
    _open(registration)
    if lease_end is None:
        raise field_error("lease_end", _("请填写新的租期结束日期"), "required")
    if lease_end <= registration.lease_end:
        raise field_error("lease_end", _("新的租期结束日期应晚于原结束日期"), "not_later")
    _lease(registration.lease_start, lease_end, timezone.localdate())
    old = registration.lease_end
    TenantRegistration.objects.filter(pk=registration.pk).update(lease_end=lease_end, version=F("version") + 1)
    TenantEvent.record(registration, TenantEventKind.RENEWED, actor, old_end=str(old), lease_end=str(lease_end))
    registration.refresh_from_db()
    return registration


@transaction.atomic
def end_tenancy(*, actor, registration: TenantRegistration, expected_version: int | None = None) -> TenantRegistration:
    """The tenant moved out (退租); the registration is kept, no longer current."""
    require(actor, "tenant.register", registration, _("您无权登记租户"))
    registration = lock(TenantRegistration, registration, expected_version, _(STALE))
    _open(registration)
    TenantRegistration.objects.filter(pk=registration.pk).update(ended_at=timezone.now(), version=F("version") + 1)
    TenantEvent.record(registration, TenantEventKind.ENDED, actor)
    registration.refresh_from_db()
    return registration


@transaction.atomic
def reveal_tenant_id(*, actor, registration: TenantRegistration, reason: str, ip_address: str | None = None) -> str:
    """The clear identity number of a registered tenant, for the people the ``tenant.reveal`` rule allows, with
    a reason; audited like a visitor's (a ``PersonalDataAccess`` row and a history entry)."""
    reason = reveal_reason(reason)
    if not can(actor, "tenant.reveal", registration):
        raise PermissionDenied(_("您没有查看租户证件号码的权限"))
    missing = _("该租户登记没有证件号码（未登记或退租后已按保存期限删除）")
    number = audited_decrypt(actor=actor, subject=registration, reason=reason, ip_address=ip_address, missing=missing)
    TenantEvent.record(registration, TenantEventKind.REVEALED, actor, reason=reason, field="id_number")
    return number


def _recipients(registration: TenantRegistration) -> list:
    community = registration.community
    staff = role_holders(roles=REMINDED_ROLES, community_id=community.pk, service_center=community.service_center)
    household_users = [
        r.user
        for r in Resident.objects.filter(
            household_id=registration.household_id,
            is_active=True,
            user__isnull=False,
            relation__in=[Relation.TENANT, Relation.OWNER],
        ).select_related("user")
    ]
    return [*staff, *household_users]


def remind_lease_ends(now: dt.datetime | None = None) -> int:
    """Tell the CS supervisors and housekeepers of the community, and the household's own logins, that a tenant's
    lease ends within 30 days, then within 7 days — once per registration, threshold and lease end (a renewed
    lease is reminded again)."""
    today = timezone.localdate(now or timezone.now())
    sent = 0
    due = (
        TenantRegistration.objects.filter(
            ended_at__isnull=True, lease_end__gte=today, lease_end__lte=today + dt.timedelta(days=max(REMIND_DAYS))
        )
        .select_related("community__service_center__branch", "household__unit__building")
        .order_by("lease_end", "pk")
    )
    for registration in due:
        left = (registration.lease_end - today).days
        threshold = min(d for d in REMIND_DAYS if left <= d)
        message = Message(
            kind="visitors.lease_end",
            subject=t(
                N_("%(community)s %(room)s 租户 %(name)s 的租期将于 %(end)s 结束（%(days)s 天后）"),
                community=registration.community.name,
                room=registration.household.unit.label,
                name=registration.name,
                end=f"{registration.lease_end:%Y-%m-%d}",
                days=left,
            ),
            body=t(N_("请联系租户办理续租或退租，并更新暂住登记。")),
            url=f"/visitors/tenants/?community={registration.community_id}",
        )
        dedupe = f"visitors.lease:{registration.pk}:{registration.lease_end:%Y%m%d}:{threshold}"
        with transaction.atomic():
            sent += bool(notify(recipients=_recipients(registration), message=message, dedupe=dedupe))
    return sent
