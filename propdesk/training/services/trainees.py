"""The list of people to train kept up to date and chased: people who join a targeted role or department of
an approved procedure later are added (due a month after joining, not before the procedure's own date); a
person still untrained after their due date is flagged to their department manager once."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from propdesk.core.texts import t
from propdesk.notify.services import Message, notify

from ..choices import ProcedureEventKind, ProcedureStatus
from ..models import Procedure, ProcedureEvent, Trainee
from .common import department_managers, resolve

# A newcomer to a targeted role or department has this long to be trained.
NEWCOMER_DAYS = 30


def sync_trainees(*, now: dt.datetime | None = None) -> int:
    """Add to every approved procedure the people its targets name now and who are not on its list yet."""
    now = now or timezone.now()
    due = timezone.localdate(now) + dt.timedelta(days=NEWCOMER_DAYS)
    added = 0
    for pk in Procedure.objects.filter(status=ProcedureStatus.APPROVED).values_list("pk", flat=True):
        with transaction.atomic():
            procedure = Procedure.objects.select_for_update().get(pk=pk)
            known = set(procedure.trainees.values_list("user_id", flat=True))
            new = [u for u in resolve(procedure) if u.pk not in known]
            if not new:
                continue
            Trainee.objects.bulk_create(
                [
                    Trainee(
                        procedure=procedure,
                        service_center_id=procedure.service_center_id,
                        user=u,
                        added_at=now,
                        due_on=max(procedure.due_on, due),
                    )
                    for u in new
                ]
            )
            ProcedureEvent.record(
                procedure, ProcedureEventKind.TRAINEES_ADDED, None, users=[u.pk for u in new], at=now.isoformat()
            )
            added += len(new)
    return added


def flag_overdue_trainees(*, now: dt.datetime | None = None) -> int:
    """Tell the department manager of each person past their due date and not trained (once per person per
    procedure)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    late = Trainee.objects.filter(
        trained_at__isnull=True,
        overdue_flagged_at__isnull=True,
        due_on__lt=today,
        user__is_active=True,
        procedure__status=ProcedureStatus.APPROVED,
    )
    flagged = 0
    for pk in list(late.values_list("pk", flat=True)):
        with transaction.atomic():
            trainee = (
                Trainee.objects.select_for_update(of=("self",))
                .select_related("procedure", "user__staff_profile")
                .filter(pk=pk, overdue_flagged_at__isnull=True, trained_at__isnull=True)
                .first()
            )
            if trainee is None:
                continue
            trainee.overdue_flagged_at = now
            trainee.save(update_fields=["overdue_flagged_at"])
            profile = getattr(trainee.user, "staff_profile", None)
            managers = department_managers(profile.department_id if profile else None, trainee.service_center_id)
            ProcedureEvent.record(
                trainee.procedure, ProcedureEventKind.OVERDUE, None, user=trainee.user_id, managers=len(managers)
            )
            notify(
                recipients=managers,
                message=Message(
                    kind="internal.training_overdue",
                    subject=t(
                        N_("%(name)s 逾期未完成培训：%(title)s（期限 %(due)s）"),
                        name=profile.name if profile else trainee.user.get_username(),
                        title=trainee.procedure.title,
                        due=trainee.due_on.isoformat(),
                    ),
                    url=reverse("training:untrained"),
                ),
                dedupe=f"training.overdue:{trainee.pk}",
            )
            flagged += 1
    return flagged
