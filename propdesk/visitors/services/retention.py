"""Retention (R-CV-4, PIPL): identity numbers of visits older than the company's retention period, and of
tenants who moved out longer ago than that period, are erased by the worker; the records themselves are kept."""

import datetime as dt
from collections.abc import Callable

from django.db import models, transaction
from django.utils import timezone

from propdesk.org.models import Company

from ..choices import TenantEventKind, VisitEventKind
from ..models import DEFAULT_RETENTION_DAYS, TenantEvent, TenantRegistration, Visit, VisitEvent, VisitorSettings

BATCH = 500
# One run erases at most this many numbers (about 3 s at 1M visits, docs in bench/visitor_bench.py) so that a
# backlog never holds the worker's other jobs (the SLA sweep) for long; the next run goes on.
RUN_LIMIT = 20_000


def _erase(
    model: type[models.Model],
    expired_since: str,
    event_model: type[models.Model],
    history: Callable[[int, dt.datetime, int], models.Model],
    now: dt.datetime | None,
    limit: int,
) -> int:
    """Erase the identity number (encrypted value, digest, masked form) of the ``model`` rows whose
    ``expired_since`` moment is older than their company's retention period, in batches claimed with
    SKIP LOCKED, one history entry each (``history(pk, now, days)``), at most ``limit`` per run."""
    now = now or timezone.now()
    days_of = dict(VisitorSettings.objects.values_list("company_id", "retention_days"))
    erased = 0
    for company_id in Company.objects.values_list("pk", flat=True):
        days = days_of.get(company_id, DEFAULT_RETENTION_DAYS)
        expired = model.objects.filter(
            community__service_center__branch__company_id=company_id,
            id_erased_at__isnull=True,
            **{f"{expired_since}__lt": now - dt.timedelta(days=days)},
        ).exclude(id_encrypted="")
        while erased < limit:
            with transaction.atomic():
                claimed = expired.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)
                ids = list(claimed[: min(BATCH, limit - erased)])
                if not ids:
                    break
                model.objects.filter(pk__in=ids).update(id_encrypted="", id_digest="", id_masked="", id_erased_at=now)
                event_model.objects.bulk_create(history(pk, now, days) for pk in ids)
            erased += len(ids)
    return erased


def erase_expired_ids(now: dt.datetime | None = None, limit: int = RUN_LIMIT) -> int:
    """Erase the identity numbers of the visits that checked in more than the retention period ago (the visit
    itself is kept). Returns how many."""

    def history(pk: int, at: dt.datetime, days: int) -> VisitEvent:
        return VisitEvent(visit_id=pk, kind=VisitEventKind.ID_ERASED, at=at, data={"retention_days": days})

    return _erase(Visit, "checked_in_at", VisitEvent, history, now, limit)


def erase_ended_tenant_ids(now: dt.datetime | None = None, limit: int = RUN_LIMIT) -> int:
    """Erase the identity numbers of tenants who moved out (退租) more than the company's retention period ago,
    keeping the registration (name, lease, police reference) for the register. A current tenant's number is
    kept, however old the registration. Returns how many."""

    def history(pk: int, at: dt.datetime, days: int) -> TenantEvent:
        return TenantEvent(registration_id=pk, kind=TenantEventKind.ID_ERASED, at=at, data={"retention_days": days})

    return _erase(TenantRegistration, "ended_at", TenantEvent, history, now, limit)
