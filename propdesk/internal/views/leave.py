"""The leave pages: the request form, the list (mine, to approve, to confirm), one request with its history and
the actions the user may take, and the printable slip HR files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.permissions import can

from .. import selectors, services
from ..choices import LeaveKind, LeaveStatus
from ..models import LeaveRequest
from .common import date_input, errors_of, first_error, version


def _leave(request: HttpRequest, pk: int) -> LeaveRequest:
    try:
        return selectors.leave_get(user=request.user, pk=pk)
    except LeaveRequest.DoesNotExist as exc:
        raise Http404(_("请假单不存在或您无权查看")) from exc


@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "internal/leave_list.html",
        {
            "mine": selectors.my_leave(user=user),
            "to_decide": selectors.approvals_waiting(user=user),
            "to_confirm": selectors.returns_to_confirm(user=user),
            "not_returned": selectors.not_returned(user=user),
            "on_leave": selectors.on_leave_now(user=user),
        },
    )


@login_required
def leave_new(request: HttpRequest) -> HttpResponse:
    errors: dict = {}
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            leave = services.leave_request(
                actor=request.user,
                kind=values.get("kind", ""),
                starts_on=date_input(values.get("starts_on"), "starts_on"),
                ends_on=date_input(values.get("ends_on"), "ends_on"),
                reason=values.get("reason", ""),
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("请假申请已提交，等待部门经理审批"))
            return redirect("internal:leave", leave.pk)
    return render(
        request,
        "internal/leave_new.html",
        {"kinds": LeaveKind.choices, "errors": errors, "values": values, "today": timezone.localdate()},
        status=400 if errors else 200,
    )


@login_required
def leave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _leave(request, pk)
    user = request.user
    actions = {
        "approve": can(user, "leave.decide", leave) and leave.status == LeaveStatus.PENDING,
        "withdraw": can(user, "leave.withdraw", leave)
        and leave.status in (LeaveStatus.PENDING, LeaveStatus.APPROVED)
        and (leave.status == LeaveStatus.PENDING or leave.starts_on > timezone.localdate()),
        "return": can(user, "leave.return", leave)
        and leave.status == LeaveStatus.APPROVED
        and leave.starts_on <= timezone.localdate(),
        "confirm": can(user, "leave.confirm", leave) and leave.status == LeaveStatus.RETURNED,
    }
    return render(request, "internal/leave_detail.html", {"leave": leave, "actions": actions})


@login_required
@require_POST
def leave_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    leave = _leave(request, pk)
    expected = version(request.POST.get("version"))
    note = request.POST.get("note", "")
    calls = {
        "approve": lambda: services.leave_decide(
            actor=request.user, leave=leave, approve=True, note=note, expected_version=expected
        ),
        "refuse": lambda: services.leave_decide(
            actor=request.user, leave=leave, approve=False, note=note, expected_version=expected
        ),
        "withdraw": lambda: services.leave_withdraw(actor=request.user, leave=leave, expected_version=expected),
        "return": lambda: services.leave_return(actor=request.user, leave=leave, expected_version=expected),
        "confirm": lambda: services.leave_confirm(actor=request.user, leave=leave, expected_version=expected),
    }
    if action not in calls:
        raise Http404(_("没有这个操作"))
    try:
        leave = calls[action]()
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("请假单：%(s)s") % {"s": leave.get_status_display()})
    return redirect("internal:leave", pk)


@login_required
def leave_print(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _leave(request, pk)
    if leave.status not in (LeaveStatus.APPROVED, LeaveStatus.RETURNED, LeaveStatus.CONFIRMED):
        raise Http404(_("只有已批准的请假单可以打印"))
    return render(request, "internal/leave_print.html", {"leave": leave, "printed_at": timezone.now()})
