"""The session pages (a sign-in sheet usable on a phone, the invitation, the printable sheet), the untrained
list per procedure and per department, and "my trainings"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import errors_of, parse_id
from propdesk.core.permissions import can

from .. import selectors, services
from .common import ids, number, session_or_404


def _sheet_context(request: HttpRequest, session) -> dict:
    user = request.user
    rows = list(selectors.sheet(session=session))
    on_sheet = {r.trainee_id for r in rows}
    can_record = can(user, "training_session.record", session)
    walk_ins = []
    if can_record:
        walk_ins = [
            t
            for t in selectors.trainees(user=user).filter(procedure=session.procedure, trained_at__isnull=True)
            if t.pk not in on_sheet
        ]
    return {
        "session": session,
        "procedure": session.procedure,
        "rows": rows,
        "can_record": can_record,
        "can_invite": can(user, "training_procedure.schedule", session.procedure)
        and session.starts_at > timezone.now(),
        "walk_ins": walk_ins,
        "free": max(session.capacity - len(rows), 0),
        "present": sum(1 for r in rows if r.mark == "present"),
    }


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk)
    return render(request, "training/session_detail.html", _sheet_context(request, session))


@login_required
def session_print(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk)
    if not can(request.user, "training_session.record", session):
        raise PermissionDenied(_("只有人事管理员或本场讲师可以打印签到表"))
    context = {**_sheet_context(request, session), "printed_at": timezone.now()}
    return render(request, "training/session_print.html", context)


@login_required
@require_POST
def session_sign(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk)
    data = request.POST
    try:
        services.attendance_record(
            actor=request.user,
            session=session,
            user_id=parse_id(data.get("user_id")),
            mark=data.get("mark", ""),
            score=number(data.get("score")),
        )
    except ValidationError as exc:
        messages.error(request, next(iter(errors_of(exc).values()))[0])
    else:
        messages.success(request, _("已记录"))
    return redirect(reverse("training:session", args=[pk]) + "#sheet")


@login_required
@require_POST
def session_invite(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_or_404(request, pk)
    try:
        rows = services.session_invite(
            actor=request.user, session=session, user_ids=ids(request.POST.getlist("user_ids"))
        )
    except ValidationError as exc:
        messages.error(request, next(iter(errors_of(exc).values()))[0])
    else:
        messages.success(request, _("已通知 %(n)s 人参加培训") % {"n": len(rows)})
    return redirect("training:session", pk)


@login_required
def untrained(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.centers_for(user=user, action="untrained"):
        raise PermissionDenied(_("您不能查看未培训人员名单"))
    procedure_id = parse_id(request.GET.get("procedure"))
    department_id = parse_id(request.GET.get("department"))
    procedures = selectors.procedures(user=user).filter(status="approved").order_by("-created_at")
    context = {
        "rows": selectors.untrained(user=user, procedure_id=procedure_id, department_id=department_id)[:500],
        "departments": selectors.untrained_by_department(user=user, procedure_id=procedure_id),
        "procedures": procedures,
        "procedure_id": procedure_id,
        "department_id": department_id,
        "today": timezone.localdate(),
    }
    return render(request, "training/untrained.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_trainings(user=request.user))
    now = timezone.now()
    for row in rows:
        row.upcoming = [a for a in row.attendances.all() if a.session.starts_at > now and a.mark == "invited"]
    return render(request, "training/mine.html", {"rows": rows, "today": timezone.localdate()})
