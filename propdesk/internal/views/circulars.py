"""The circular pages: the tracking list (information manager) and what waits for me, the register form,
one circular with my acknowledgement, the tracking table, the meeting record and closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import parse_id
from propdesk.core.permissions import can, condition
from propdesk.org.choices import MEMBERSHIP_ROLES, Role
from propdesk.org.models import Department, ServiceCenter

from .. import selectors, services
from ..choices import Level
from ..models import Circular
from .common import date_input, errors_of, first_error, version


def _circular(request: HttpRequest, pk: int) -> Circular:
    try:
        return selectors.circular_get(user=request.user, pk=pk)
    except Circular.DoesNotExist as exc:
        raise Http404(_("信息传达不存在或您无权查看")) from exc


def _ids(values) -> list[int]:
    return [i for i in (parse_id(v) for v in values) if i is not None]


@login_required
def circular_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "internal/circular_list.html",
        {
            "tracked": selectors.circulars_tracked(user=request.user)[:100],
            "waiting": selectors.circulars_waiting(user=request.user),
            "can_register": can(request.user, "circular.register"),
        },
    )


@login_required
def circular_new(request: HttpRequest) -> HttpResponse:
    where = condition(request.user, "circular.register", paths={"center": "pk"})
    centers = list(ServiceCenter.objects.filter(where).order_by("name"))
    if not centers:
        raise PermissionDenied(_("只有信息管理员或服务中心经理可以登记信息传达"))
    data = request.POST if request.method == "POST" else {}
    center = next((c for c in centers if c.pk == parse_id(data.get("center") or request.GET.get("center"))), centers[0])
    errors: dict = {}
    if request.method == "POST":
        try:
            circular = services.circular_register(
                actor=request.user,
                center=center,
                title=data.get("title", ""),
                source=data.get("source", ""),
                level=data.get("level", ""),
                body=data.get("body", ""),
                roles=[r for r in data.getlist("roles") if r],
                department_ids=_ids(data.getlist("department_ids")),
                requires_execution=data.get("requires_execution") == "on",
                due_on=date_input(data.get("due_on"), "due_on"),
                files=[(f.name, f.read(services.MAX_FILE_SIZE + 1)) for f in request.FILES.getlist("files")],
            )
        except ValidationError as exc:
            errors = errors_of(exc)
        else:
            messages.success(request, _("已登记并传达给 %(n)s 人") % {"n": circular.recipients.count()})
            return redirect("internal:circular", circular.pk)
    context = {
        "centers": centers,
        "center": center,
        "levels": Level.choices,
        "roles": [(r, Role(r).label) for r in Role.values if r in MEMBERSHIP_ROLES],
        "departments": Department.objects.filter(service_center=center).order_by("kind", "name"),
        "errors": errors,
        "values": data,
        "chosen_roles": data.getlist("roles") if data else [],
    }
    return render(request, "internal/circular_new.html", context, status=400 if errors else 200)


@login_required
def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circular = _circular(request, pk)
    tracks = can(request.user, "circular.track", circular)
    mine = circular.recipients.filter(user=request.user).first()
    context = {
        "circular": circular,
        "tracks": tracks,
        "mine": mine,
        "rows": list(selectors.circular_rows(circular=circular)) if tracks else [],
        "events": circular.events.select_related("actor__staff_profile") if tracks else [],
    }
    return render(request, "internal/circular_detail.html", context)


@login_required
@require_POST
def circular_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    circular = _circular(request, pk)
    data = request.POST
    calls = {
        "read": lambda: services.circular_acknowledge(actor=request.user, circular=circular),
        "done": lambda: services.circular_done(actor=request.user, circular=circular, note=data.get("note", "")),
        "close": lambda: services.circular_close(
            actor=request.user, circular=circular, expected_version=version(data.get("version"))
        ),
        "meeting": lambda: services.circular_meeting(
            actor=request.user,
            circular=circular,
            held_at=_local(data.get("held_at")),
            minutes=data.get("minutes", ""),
            attendee_ids=_ids(data.getlist("attendee_ids")),
            expected_version=version(data.get("version")),
        ),
    }
    if action not in calls:
        raise Http404(_("没有这个操作"))
    try:
        calls[action]()
    except ValidationError as exc:
        messages.error(request, first_error(exc))
    else:
        messages.success(request, _("已保存"))
    return redirect("internal:circular", pk)


def _local(raw: str | None):
    import datetime as dt

    from django.utils import timezone

    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"held_at": _("时间格式不正确")}) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value
