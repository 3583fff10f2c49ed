"""The "my day" page (phone-first, every staff member: my jobs, my whereabouts, my leave, what waits for me)
and the manager's dashboard of a center (who is out, on leave, approvals waiting, overdue)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.inputs import parse_id
from propdesk.core.permissions import can
from propdesk.dispatch.selectors import my_jobs

from .. import selectors
from ..services import center_settings


def my_day_page(request: HttpRequest, *, outing_errors=None, outing_values=None, status: int = 200) -> HttpResponse:
    user = request.user
    if not can(user, "internal_desk.my_day"):
        raise PermissionDenied(_("“我的一天”仅限员工使用"))
    profile = getattr(user, "staff_profile", None)
    context = {
        "now": timezone.now(),
        "outing": selectors.my_open_outing(user=user),
        "outing_errors": outing_errors or {},
        "outing_values": outing_values or {"phone": profile.phone if profile else ""},
        "jobs": list(my_jobs(user=user)[:20]),
        "leave": selectors.my_leave(user=user),
        "to_decide": selectors.approvals_waiting(user=user),
        "to_confirm": selectors.returns_to_confirm(user=user),
        "circulars": selectors.circulars_waiting(user=user),
        "duties": list(selectors.my_duties(user=user)),
        "today": timezone.localdate(),
        "keeps_log": can(user, "work_log.write", _own_log_probe(user)),
        "log": selectors.todays_log(user=user),
        "log_communities": selectors.log_communities(user=user),
        "can_dashboard": selectors.dashboard_centers(user=user).exists(),
        "actions": list(selectors.my_actions(user=user)),
        "email_tasks": list(selectors.my_email_tasks(user=user)),
        "sign_in_enabled": selectors.sign_in_enabled_for(user=user),
        "signed_in": selectors.sign_in_today(user=user),
    }
    return render(request, "internal/my_day.html", context, status=status)


def _own_log_probe(user):
    from ..models import WorkLog

    profile = getattr(user, "staff_profile", None)
    center_id = profile.department.service_center_id if profile and profile.department_id else None
    return WorkLog(user=user, service_center_id=center_id)


@login_required
def my_day(request: HttpRequest) -> HttpResponse:
    return my_day_page(request)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    centers = list(selectors.dashboard_centers(user=request.user))
    if not centers:
        raise PermissionDenied(_("管理看板仅限服务中心的经理和人事管理员"))
    wanted = parse_id(request.GET.get("center"))
    center = next((c for c in centers if c.pk == wanted), centers[0])
    now = timezone.now()
    out = list(selectors.board(user=request.user, center_id=center.pk))
    leave = selectors.leave_list(user=request.user).filter(service_center=center)
    context = {
        "centers": centers,
        "center": center,
        "now": now,
        "out": out,
        "overdue_out": [o for o in out if o.is_overdue(now)],
        "on_leave": selectors.on_leave_now(user=request.user).filter(service_center=center),
        "to_decide": selectors.approvals_waiting(user=request.user).filter(service_center=center),
        "to_confirm": selectors.returns_to_confirm(user=request.user).filter(service_center=center),
        "not_returned": selectors.not_returned(user=request.user).filter(service_center=center),
        "leave_count": leave.count(),
        "overdue_duties": selectors.overdue_duties(user=request.user, center_id=center.pk),
        "can_unreported": can(request.user, "internal_desk.unreported", center),
        "to_acknowledge": selectors.reassignments_to_acknowledge(user=request.user, center_id=center.pk),
        "unreported": selectors.unreported_reassignments(user=request.user, center_id=center.pk, now=now),
        "settings": center_settings(center.pk),
        "late": selectors.late_sign_ins(user=request.user, center_id=center.pk),
        "can_configure": can(request.user, "internal_desk.configure", center),
    }
    return render(request, "internal/dashboard.html", context)
