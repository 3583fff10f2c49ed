"""Reads of internal communication, each for a user (scoped by the internal rules), and who is away now."""

import datetime as dt

from django.db.models import Q as models_q
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.permissions import can, restrict
from propdesk.org.models import ServiceCenter

from . import permissions  # noqa: F401  (declares the internal rules)
from .choices import LeaveStatus
from .models import LeaveRequest, Outing


def _outings():
    return Outing.objects.select_related("user__staff_profile__department")


def board(*, user, center_id: int | None = None):
    """Who is out now (open outings) at the centers whose board the user reads; the overdue first."""
    qs = _outings().restrict(user, "outing.read").filter(back_at__isnull=True)
    if center_id is not None:
        qs = qs.filter(service_center_id=center_id)
    return qs.order_by("expected_back", "pk")


def outings(*, user):
    return _outings().restrict(user, "outing.read")


def outing_get(*, user, pk: int) -> Outing:
    return outings(user=user).get(pk=pk)


def my_open_outing(*, user) -> Outing | None:
    return Outing.objects.filter(user=user, back_at__isnull=True).first()


def leave_list(*, user):
    return LeaveRequest.objects.restrict(user, "leave.read").select_related(
        "user__staff_profile", "department", "decided_by__staff_profile", "confirmed_by__staff_profile"
    )


def leave_get(*, user, pk: int) -> LeaveRequest:
    return (
        leave_list(user=user)
        .prefetch_related("events__actor__staff_profile", "events__on_behalf_of__staff_profile")
        .get(pk=pk)
    )


def my_leave(*, user):
    """The user's own leave: pending, approved or returned but not confirmed, and the last few others."""
    return LeaveRequest.objects.filter(user=user).select_related("department").order_by("-starts_on", "-pk")[:10]


def approvals_waiting(*, user):
    return (
        leave_list(user=user).restrict(user, "leave.decide").filter(status=LeaveStatus.PENDING).order_by("created_at")
    )


def returns_to_confirm(*, user):
    return leave_list(user=user).restrict(user, "leave.confirm").filter(status=LeaveStatus.RETURNED)


def not_returned(*, user, today: dt.date | None = None):
    """Leave ended but not cancelled (销假), visible to the user."""
    today = today or timezone.localdate()
    return leave_list(user=user).filter(status=LeaveStatus.APPROVED, ends_on__lt=today)


def on_leave_now(*, user, today: dt.date | None = None):
    today = today or timezone.localdate()
    return leave_list(user=user).filter(status=LeaveStatus.APPROVED, starts_on__lte=today, ends_on__gte=today)


def dashboard_centers(*, user):
    """The centers whose manager's dashboard the user sees."""
    return restrict(ServiceCenter.objects.all(), user, "internal_desk.dashboard").order_by("name")


def away_now(user_ids: list[int], *, now: dt.datetime) -> dict[int, dict]:
    """Which of these users are away now and why: on approved leave today (not yet cancelled) or out of the
    community on the whereabouts board. Registered with ``org.selectors.register_away`` so dispatch offers and
    assigns nobody away and its board shows them unavailable."""
    today = timezone.localdate(now)
    away: dict[int, dict] = {}
    leave = LeaveRequest.objects.filter(
        user_id__in=user_ids, status=LeaveStatus.APPROVED, starts_on__lte=today, ends_on__gte=today
    )
    for item in leave:
        away[item.user_id] = {
            "reason": _("请假中（%(kind)s，至 %(end)s），不可派单")
            % {"kind": item.get_kind_display(), "end": f"{item.ends_on:%m-%d}"},
            "until": None,
        }
    for outing in Outing.objects.filter(user_id__in=user_ids, back_at__isnull=True, left_at__lte=now):
        away.setdefault(
            outing.user_id,
            {
                "reason": _("外出（%(place)s，预计 %(back)s 返回），不可派单")
                % {"place": outing.place, "back": f"{timezone.localtime(outing.expected_back):%H:%M}"},
                "until": outing.expected_back,
            },
        )
    return away


def circulars_tracked(*, user):
    """The circulars the user tracks (information manager, center manager), with their counts."""
    from django.db.models import Count, Q

    from .models import Circular

    return (
        Circular.objects.restrict(user, "circular.track")
        .annotate(
            total=Count("recipients"),
            unread=Count("recipients", filter=Q(recipients__read_at__isnull=True)),
            not_done=Count("recipients", filter=Q(recipients__done_at__isnull=True)),
        )
        .prefetch_related("attachments")
        .order_by("closed_at", "-created_at")
    )


def circular_get(*, user, pk: int):
    """One circular, for whoever tracks it or is among its recipients."""
    from django.db.models import Q

    from .models import Circular

    tracked = Circular.objects.restrict(user, "circular.track").filter(pk=pk)
    if tracked.exists():
        return tracked.get()
    return Circular.objects.filter(Q(pk=pk) & Q(recipients__user=user)).distinct().get()


def circular_rows(*, circular):
    return circular.recipients.select_related("user__staff_profile__department").order_by("pk")


def circulars_waiting(*, user):
    """What waits for the user: open circulars to read (not at meeting level) or to carry out."""
    from django.db.models import Q

    from .choices import Level
    from .models import CircularRecipient

    return (
        CircularRecipient.objects.filter(user=user, circular__closed_at__isnull=True)
        .filter(
            (Q(read_at__isnull=True) & ~Q(circular__level=Level.MEETING))
            | Q(circular__requires_execution=True, done_at__isnull=True)
        )
        .select_related("circular")
        .prefetch_related("circular__attachments")
        .order_by("circular__due_on", "circular__created_at")
    )


def my_duties(*, user, today: dt.date | None = None):
    """The user's open duties (and those done this period), the overdue first."""
    from .models import DutyTask

    today = today or timezone.localdate()
    return (
        DutyTask.objects.filter(user=user)
        .filter(models_q(done_at__isnull=True) | models_q(period__gte=today.replace(day=1) - dt.timedelta(days=7)))
        .order_by("done_at", "due_on", "code")
    )


def overdue_duties(*, user, center_id: int, today: dt.date | None = None):
    from .models import DutyTask

    today = today or timezone.localdate()
    return (
        DutyTask.objects.restrict(user, "duty_task.read")
        .filter(service_center_id=center_id, done_at__isnull=True, due_on__lt=today)
        .select_related("user__staff_profile")
        .order_by("due_on")
    )


def duty_get(*, user, pk: int):
    from .models import DutyTask

    return DutyTask.objects.restrict(user, "duty_task.read").get(pk=pk)


def todays_log(*, user, today: dt.date | None = None):
    from .models import WorkLog

    today = today or timezone.localdate()
    return WorkLog.objects.filter(user=user, day=today).prefetch_related("findings__ticket").first()


def finding_get(*, user, pk: int):
    from .models import PatrolFinding

    return PatrolFinding.objects.select_related("log").get(pk=pk, log__in=restrict(_logs(), user, "work_log.read"))


def _logs():
    from .models import WorkLog

    return WorkLog.objects.all()


def log_communities(*, user):
    from propdesk.communities.models import Community

    profile = getattr(user, "staff_profile", None)
    center_id = profile.department.service_center_id if profile and profile.department_id else None
    return Community.objects.filter(service_center_id=center_id).order_by("name")


# ——— Reassignments (R-IC-3) ———

# What dispatch shows is checked over the last week.
UNREPORTED_WINDOW = dt.timedelta(days=7)


def reassignments(*, user):
    from .models import Reassignment

    return Reassignment.objects.restrict(user, "reassignment.read").select_related(
        "user__staff_profile", "department", "reported_by__staff_profile", "acknowledged_by__staff_profile"
    )


def reassignment_get(*, user, pk: int):
    return reassignments(user=user).get(pk=pk)


def reassignments_to_acknowledge(*, user, center_id: int):
    return (
        reassignments(user=user)
        .restrict(user, "reassignment.acknowledge")
        .filter(service_center_id=center_id, acknowledged_at__isnull=True)
        .order_by("starts_at")
    )


def _watched_departments(user, center_id: int) -> list[int]:
    """The departments of the center whose unreported reassignments the user is shown (the department manager:
    their own; the center manager: all)."""
    from propdesk.org.models import Department

    from .models import Reassignment

    if not can(user, "internal_desk.unreported", ServiceCenter(pk=center_id)):
        return []
    return [
        d.pk
        for d in Department.objects.filter(service_center_id=center_id)
        if can(user, "reassignment.acknowledge", Reassignment(service_center_id=center_id, department=d, user_id=0))
    ]


# A work order routed to one of these is work of a department of that kind.
_ROUTING_DEPARTMENT = {"engineering": "engineering", "housekeeping": "housekeeping"}


def unreported_reassignments(*, user, center_id: int, now: dt.datetime | None = None) -> list[dict]:
    """Work orders of the last week whose worker was dispatched outside their shift on the rota (in a department
    that keeps a rota) or to another department's work, with no reported reassignment covering the moment."""
    from propdesk.dispatch.models import RotaEntry, ShiftTemplate, WorkOrder

    from .models import Reassignment

    departments = _watched_departments(user, center_id)
    if not departments:
        return []
    now = now or timezone.now()
    since = now - UNREPORTED_WINDOW
    orders = list(
        WorkOrder.objects.filter(
            service_center_id=center_id,
            assignee__staff_profile__department_id__in=departments,
            assigned_at__gte=since,
            assigned_at__lte=now,
        )
        .select_related("assignee__staff_profile__department", "community")
        .order_by("-assigned_at")
    )
    users = {wo.assignee_id for wo in orders}
    with_rota = set(ShiftTemplate.objects.filter(department_id__in=departments).values_list("department_id", flat=True))
    shifts: dict[int, list] = {}
    for entry in RotaEntry.objects.filter(user_id__in=users, ends_at__gte=since - dt.timedelta(days=1)):
        shifts.setdefault(entry.user_id, []).append((entry.starts_at, entry.ends_at))
    reports: dict[int, list] = {}
    for item in Reassignment.objects.filter(user_id__in=users, ends_at__gte=since - dt.timedelta(days=1)):
        reports.setdefault(item.user_id, []).append((item.starts_at, item.ends_at))
    found = []
    for wo in orders:
        at = wo.assigned_at
        department = wo.assignee.staff_profile.department
        why = []
        if department.pk in with_rota and not any(s <= at < e for s, e in shifts.get(wo.assignee_id, [])):
            why.append(_("不在排班时间内"))
        expected = _ROUTING_DEPARTMENT.get(wo.routing)
        if expected and department.kind != expected:
            why.append(_("派往其他部门的工作"))
        if why and not any(s <= at <= e for s, e in reports.get(wo.assignee_id, [])):
            found.append({"work_order": wo, "user": wo.assignee, "at": at, "reasons": why})
    return found


# ——— Meetings (R-RP-6) ———


def meetings(*, user):
    from .models import Meeting

    return Meeting.objects.restrict(user, "meeting.read").select_related("chair__staff_profile")


def meeting_get(*, user, pk: int):
    return (
        meetings(user=user)
        .prefetch_related("attendees__staff_profile", "actions__user__staff_profile", "circulars")
        .get(pk=pk)
    )


def my_actions(*, user):
    """The user's open meeting action items, the earliest due first."""
    from .choices import ActionStatus
    from .models import ActionItem

    return ActionItem.objects.filter(user=user, status=ActionStatus.OPEN).select_related("meeting").order_by("due_on")


def action_get(*, user, pk: int):
    """An action item of a meeting the user may read."""
    from .models import ActionItem

    return ActionItem.objects.select_related("meeting").get(pk=pk, meeting__in=meetings(user=user))


# ——— Sign-in (optional) ———


def sign_in_today(*, user, today: dt.date | None = None):
    from .models import SignIn

    return SignIn.objects.filter(user=user, day=today or timezone.localdate()).first()


def sign_in_enabled_for(*, user) -> bool:
    from .models import InternalSettings

    profile = getattr(user, "staff_profile", None)
    center_id = profile.department.service_center_id if profile and profile.department_id else None
    return (
        bool(center_id) and InternalSettings.objects.filter(service_center_id=center_id, sign_in_enabled=True).exists()
    )


def late_sign_ins(*, user, center_id: int, today: dt.date | None = None):
    from .models import SignIn

    if not can(user, "internal_desk.late_sign_ins", ServiceCenter(pk=center_id)):
        return SignIn.objects.none()
    return (
        SignIn.objects.restrict(user, "sign_in.read")
        .filter(service_center_id=center_id, day=today or timezone.localdate(), late=True)
        .select_related("user__staff_profile")
        .order_by("signed_in_at")
    )


# ——— Circular attachments, email tasks ———


def attachment_get(*, user, circular_pk: int, pk: int):
    """An attachment of a circular the user tracks or received."""
    circular = circular_get(user=user, pk=circular_pk)
    return circular.attachments.get(pk=pk)


def email_tasks(*, user):
    from .models import EmailTask

    return EmailTask.objects.restrict(user, "email_task.read").select_related("user__staff_profile")


def my_email_tasks(*, user):
    return email_tasks(user=user).filter(user=user, done_at__isnull=True).order_by("due_at")


def center_staff(*, center_id: int):
    """The active staff of a center (to pick attendees, owners, the person reassigned)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__department__service_center_id=center_id)
        .select_related("staff_profile")
        .order_by("staff_profile__department_id", "pk")
    )


def center_staff_member(*, user, pk: int):
    """A staff member of the user's own center (whom the user may report as reassigned), or None."""
    profile = getattr(user, "staff_profile", None)
    center_id = profile.department.service_center_id if profile and profile.department_id else None
    return center_staff(center_id=center_id).filter(pk=pk).first() if center_id else None
