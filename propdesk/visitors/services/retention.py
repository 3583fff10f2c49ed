"""Retention (R-CV-4, PIPL): identity numbers of visits older than the company's retention period are erased
by the worker; the visit itself is kept."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from propdesk.org.models import Company

from ..choices import VisitEventKind
from ..models import DEFAULT_RETENTION_DAYS, Visit, VisitEvent, VisitorSettings

BATCH = 500


def erase_expired_ids(now: dt.datetime | None = None) -> int:
    """Erase the identity numbers (encrypted value, digest and masked form) of the visits that checked in
    more than the retention period ago, in batches, one history entry per visit. Returns how many."""
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
        while True:
            with transaction.atomic():
                ids = list(
                    expired.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:BATCH]
                )
                if not ids:
                    break
                Visit.objects.filter(pk__in=ids).update(id_encrypted="", id_digest="", id_masked="", id_erased_at=now)
                VisitEvent.objects.bulk_create(
                    VisitEvent(visit_id=pk, kind=VisitEventKind.ID_ERASED, at=now, data={"retention_days": days})
                    for pk in ids
                )
            erased += len(ids)
    return erased
