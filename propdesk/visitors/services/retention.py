"""Retention (R-CV-4, PIPL): identity numbers of visits older than the company's retention period, and of
tenants who moved out longer ago than that period, are erased by the worker; the records themselves are kept."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from propdesk.org.models import Company

from ..choices import TenantEventKind, VisitEventKind
from ..models import DEFAULT_RETENTION_DAYS, TenantEvent, TenantRegistration, Visit, VisitEvent, VisitorSettings

BATCH = 500
# One run erases at most this many numbers (about 3 s at 1M visits, docs in bench/visitor_bench.py) so that a
# backlog never holds the worker's other jobs (the SLA sweep) for long; the next run goes on.
RUN_LIMIT = 20_000


def erase_expired_ids(now: dt.datetime | None = None, limit: int = RUN_LIMIT) -> int:
    """Erase the identity numbers (encrypted value, digest and masked form) of the visits that checked in
    more than the retention period ago, in batches, one history entry per visit, at most ``limit`` per run.
    Returns how many."""
    now = now or timezone.now()
    days_of = dict(VisitorSettings.objects.values_list("company_id", "retention_days"))
    erased = 0
    for company_id in Company.objects.values_list("pk", flat=True):
        days = days_of.get(company_id, DEFAULT_RETENTION_DAYS)
        expired = Visit.objects.filter(
            community__service_center__branch__company_id=company_id,
            id_erased_at__isnull=True,
            checked_in_at__lt=now - dt.timedelta(days=days),
        ).exclude(id_encrypted="")
        while erased < limit:
            with transaction.atomic():
                claimed = expired.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)
                ids = list(claimed[: min(BATCH, limit - erased)])
                if not ids:
                    break
                Visit.objects.filter(pk__in=ids).update(id_encrypted="", id_digest="", id_masked="", id_erased_at=now)
                VisitEvent.objects.bulk_create(
                    VisitEvent(visit_id=pk, kind=VisitEventKind.ID_ERASED, at=now, data={"retention_days": days})
                    for pk in ids
                )
            erased += len(ids)
    return erased


def erase_ended_tenant_ids(now: dt.datetime | None = None, limit: int = RUN_LIMIT) -> int:
    """Erase the identity numbers of tenants who moved out (退租) more than the company's retention period ago,
    keeping the registration (name, lease, police reference) for the register; one history entry each.
    A current tenant's number is kept, however old the registration. Returns how many."""
    now = now or timezone.now()
    days_of = dict(VisitorSettings.objects.values_list("company_id", "retention_days"))
    erased = 0
    for company_id in Company.objects.values_list("pk", flat=True):
        days = days_of.get(company_id, DEFAULT_RETENTION_DAYS)
        expired = TenantRegistration.objects.filter(
            community__service_center__branch__company_id=company_id,
            id_erased_at__isnull=True,
            ended_at__lt=now - dt.timedelta(days=days),
        ).exclude(id_encrypted="")
        while erased < limit:
            with transaction.atomic():
                claimed = expired.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)
                ids = list(claimed[: min(BATCH, limit - erased)])
                if not ids:
                    break
                TenantRegistration.objects.filter(pk__in=ids).update(
                    id_encrypted="", id_digest="", id_masked="", id_erased_at=now
                )
                TenantEvent.objects.bulk_create(
                    TenantEvent(
                        registration_id=pk, kind=TenantEventKind.ID_ERASED, at=now, data={"retention_days": days}
                    )
                    for pk in ids
                )
            erased += len(ids)
    return erased
