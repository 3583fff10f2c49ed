"""The procedure pages: the list (with what waits for my approval), the register form (and the corrected
resubmission of a returned one), one procedure with its approval, people to train and sessions, its document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import errors_of, local_input, parse_date, parse_id, version_of
from propdesk.core.permissions import can
from propdesk.org.choices import MEMBERSHIP_ROLES, Role
from propdesk.org.models import Department

from .. import selectors, services
from ..services.common import center_people
from .common import ids, number, procedure_or_404


@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "training/procedure_list.html",
        {
            "procedures": selectors.procedures(user=user)[:200],
            "waiting": selectors.approvals_waiting(user=user),
            "can_register": bool(selectors.centers_for(user=user, action="register")),
            "can_see_untrained": bool(selectors.centers_for(user=user, action="untrained")),
        },
    )


def _form_context(center, data, errors, procedure=None) -> dict:
    company = center.branch.company_id
    return {
        "center": center,
        "procedure": procedure,
        "errors": errors,
        "values": data,
        "roles": [(r, Role(r).label) for r in Role.values if r in MEMBERSHIP_ROLES],
        "issuers": Department.objects.filter(service_center=center)
        | Department.objects.filter(service_center__isnull=True, company=company),
        "departments": selectors.departments_of(center.pk),
        "people": center_people(center.pk).select_related("staff_profile").order_by("staff_profile__name", "pk"),
        "chosen_roles": data.getlist("roles") if data else (procedure.target_roles if procedure else []),
        "chosen_departments": ids(data.getlist("department_ids")) if data else [],
        "chosen_users": ids(data.getlist("user_ids")) if data else [],
    }


def _fields(data) -> dict:
    return {
        "title": data.get("title", ""),
        "summary": data.get("summary", ""),
        "effective_on": parse_date(data.get("effective_on"), "effective_on"),
        "due_on": parse_date(data.get("due_on"), "due_on"),
        "pass_mark": number(data.get("pass_mark")),
        "roles": [r for r in data.getlist("roles") if r],
        "department_ids": ids(data.getlist("department_ids")),
        "user_ids": ids(data.getlist("user_ids")),
    }


@login_required
def procedure_new(request: HttpRequest) -> HttpResponse:
    centers = selectors.centers_for(user=request.user, action="register")
    if not centers:
        raise PermissionDenied(_("您不能登记新程序"))
    data = request.POST if request.method == "POST" else None
    wanted = parse_id((data or request.GET).get("center"))
    center = next((c for c in centers if c.pk == wanted), centers[0])
    errors: dict = {}
    if data is not None:
        try:
            procedure = services.procedure_register(
                actor=request.user,
                center=center,
                department_id=parse_id(data.get("department_id")),
                document=request.FILES.get("document"),
                **_fields(data),
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("新程序已登记，等待经理审批"))
            return redirect("training:procedure", procedure.pk)
    context = {**_form_context(center, data, errors), "centers": centers}
    return render(request, "training/procedure_form.html", context, status=400 if errors else 200)


@login_required
def procedure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = procedure_or_404(request, pk)
    if not can(request.user, "training_procedure.register", procedure):
        raise PermissionDenied(_("您不能修改这项新程序"))
    data = request.POST if request.method == "POST" else None
    errors: dict = {}
    if data is not None:
        try:
            services.procedure_resubmit(
                actor=request.user,
                procedure=procedure,
                expected_version=version_of(data.get("version")),
                **_fields(data),
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("已重新提交审批"))
            return redirect("training:procedure", procedure.pk)
    context = _form_context(procedure.service_center, data, errors, procedure)
    if data is None:
        context["chosen_departments"] = list(procedure.target_departments.values_list("pk", flat=True))
        context["chosen_users"] = list(procedure.target_users.values_list("pk", flat=True))
    return render(request, "training/procedure_form.html", context, status=400 if errors else 200)


@login_required
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = procedure_or_404(request, pk)
    user = request.user
    context = {
        "procedure": procedure,
        "can_approve": can(user, "training_procedure.approve", procedure) and procedure.created_by_id != user.pk,
        "can_schedule": can(user, "training_procedure.schedule", procedure) and procedure.is_approved,
        "can_edit": can(user, "training_procedure.register", procedure) and procedure.status == "returned",
        "trainees": selectors.trainees_of(user=user, procedure=procedure),
        "sessions": selectors.sessions_of(user=user, procedure=procedure),
        "targets": {
            "roles": [Role(r).label for r in procedure.target_roles if r in Role.values],
            "departments": procedure.target_departments.all(),
            "users": procedure.target_users.select_related("staff_profile"),
        },
        "people": center_people(procedure.service_center_id).select_related("staff_profile").order_by("pk"),
        "events": procedure.events.select_related("actor__staff_profile").order_by("-at", "-pk")[:30],
    }
    return render(request, "training/procedure_detail.html", context)


@login_required
@require_POST
def procedure_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    procedure = procedure_or_404(request, pk)
    data = request.POST
    expected = version_of(data.get("version"))
    calls = {
        "approve": lambda: services.procedure_approve(
            actor=request.user, procedure=procedure, note=data.get("note", ""), expected_version=expected
        ),
        "return": lambda: services.procedure_return(
            actor=request.user, procedure=procedure, reason=data.get("reason", ""), expected_version=expected
        ),
        "schedule": lambda: services.session_schedule(
            actor=request.user,
            procedure=procedure,
            starts_at=local_input(data.get("starts_at"), "starts_at"),
            place=data.get("place", ""),
            trainer_id=parse_id(data.get("trainer_id")),
            capacity=number(data.get("capacity")),
        ),
    }
    if action not in calls:
        raise Http404(_("没有这个操作"))
    try:
        result = calls[action]()
    except ValidationError as exc:
        messages.error(request, next(iter(errors_of(exc).values()))[0])
        return redirect("training:procedure", pk)
    messages.success(request, _("已保存"))
    if action == "schedule":
        return redirect("training:session", result.pk)
    return redirect("training:procedure", pk)


@login_required
def procedure_document(request: HttpRequest, pk: int) -> FileResponse:
    procedure = procedure_or_404(request, pk)
    if not procedure.document:
        raise Http404(_("这项新程序没有上传文件"))
    return FileResponse(procedure.document.open("rb"), as_attachment=False, filename=procedure.document.name)
