"""Reads of procedure training, each for a user (scoped by the training rules)."""

import datetime as dt

from django.db.models import Count, F, Q
from django.utils import timezone

from propdesk.core.permissions import condition
from propdesk.org.models import Department, ServiceCenter

from . import permissions  # noqa: F401  (declares the training rules)
from .choices import Mark, ProcedureStatus
from .models import Attendance, Procedure, Session, Trainee


def procedures(*, user):
    return (
        Procedure.objects.restrict(user, "training_procedure.read")
        .select_related("service_center", "department", "created_by__staff_profile", "decided_by__staff_profile")
        .annotate(
            trainee_count=Count("trainees", distinct=True),
            trained_count=Count("trainees", filter=Q(trainees__trained_at__isnull=False), distinct=True),
        )
    )


def procedure_get(*, user, pk: int) -> Procedure:
    return procedures(user=user).get(pk=pk)


def approvals_waiting(*, user):
    return procedures(user=user).restrict(user, "training_procedure.approve").filter(status=ProcedureStatus.PENDING)


def centers_for(*, user, action: str) -> list[ServiceCenter]:
    """The centers where the user may take a desk action (register, approve, schedule, untrained, mine)."""
    where = condition(user, f"training_desk.{action}", paths={"center": "pk"})
    return list(ServiceCenter.objects.filter(where).select_related("branch").order_by("name"))


def sessions_of(*, user, procedure: Procedure):
    return (
        Session.objects.restrict(user, "training_session.read")
        .filter(procedure=procedure)
        .select_related("trainer__staff_profile")
        .annotate(
            on_sheet=Count("sheet", distinct=True),
            present=Count("sheet", filter=Q(sheet__mark=Mark.PRESENT), distinct=True),
        )
    )


def session_get(*, user, pk: int) -> Session:
    return (
        Session.objects.restrict(user, "training_session.read")
        .select_related("procedure", "trainer__staff_profile", "service_center")
        .get(pk=pk)
    )


def sheet(*, session: Session):
    """The session's sign-in sheet, by department then name."""
    return (
        Attendance.objects.filter(session=session)
        .select_related("trainee__user__staff_profile__department", "trainee__trained_session")
        .order_by("trainee__user__staff_profile__department__name", "trainee__user__staff_profile__name", "pk")
    )


def trainees(*, user):
    return Trainee.objects.restrict(user, "training_trainee.read").select_related(
        "procedure", "user__staff_profile__department", "trained_session"
    )


def trainees_of(*, user, procedure: Procedure):
    return (
        trainees(user=user)
        .filter(procedure=procedure)
        .order_by("trained_at", "user__staff_profile__department__name", "user__staff_profile__name", "pk")
    )


def untrained(*, user, procedure_id: int | None = None, department_id: int | None = None):
    """The people not yet trained on an approved procedure, visible to the user; the most overdue first."""
    qs = trainees(user=user).filter(
        trained_at__isnull=True, user__is_active=True, procedure__status=ProcedureStatus.APPROVED
    )
    if procedure_id is not None:
        qs = qs.filter(procedure_id=procedure_id)
    if department_id is not None:
        qs = qs.filter(user__staff_profile__department_id=department_id)
    return qs.order_by("due_on", "procedure_id", "user__staff_profile__name", "pk")


def untrained_by_department(*, user, procedure_id: int | None = None, today: dt.date | None = None) -> list[dict]:
    """Per department: how many untrained, how many of them past their due date."""
    today = today or timezone.localdate()
    rows = (
        untrained(user=user, procedure_id=procedure_id)
        .order_by()
        .values(
            "user__staff_profile__department_id",
            "user__staff_profile__department__name",
            "user__staff_profile__department__kind",
        )
        .annotate(untrained=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("user__staff_profile__department__kind", "user__staff_profile__department_id")
    )
    return [
        {
            "department_id": r["user__staff_profile__department_id"],
            "department": r["user__staff_profile__department__name"] or "",
            "untrained": r["untrained"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


def my_trainings(*, user):
    """The user's own trainings: untrained first (by due date), with the sessions they are invited to."""
    return (
        Trainee.objects.filter(user=user, procedure__status=ProcedureStatus.APPROVED)
        .select_related("procedure", "trained_session")
        .prefetch_related("attendances__session")
        .order_by(F("trained_at").asc(nulls_first=True), "due_on", "pk")
    )


def departments_of(center_id: int):
    return Department.objects.filter(service_center=center_id).order_by("kind", "name")
