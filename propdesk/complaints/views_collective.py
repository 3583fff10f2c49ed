"""Collective-complaint pages (R-CP-4): the list, one collective complaint by household (phone-friendly) with the
manager's decision, the agreed reply time, the home visits and closing; the printable special-event report
(特别事件报告); and the desk's one-click link / unlink / open from a complaint's page. Each action is one form and
one call to a service; a refusal is shown as a message and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from propdesk.core.people import person_name
from propdesk.core.permissions import can, require
from propdesk.org.roles import HANDLERS
from propdesk.org.selectors import role_holders

from . import forms, selectors, services
from .choices import CollectiveStatus
from .models import CollectiveComplaint
from .views import _error_text, _form_errors
from .views import _get as _complaint


def _get(request: HttpRequest, pk: int) -> CollectiveComplaint:
    try:
        return selectors.collective_get(user=request.user, pk=pk)
    except CollectiveComplaint.DoesNotExist:
        raise Http404(_("集体投诉不存在或您无权查看")) from None


@login_required
def collective_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "collective.browse", None, _("您无权查看集体投诉"))
    status = request.GET.get("status", "open")
    status = status if status in {"open", "all", *CollectiveStatus.values} else "open"
    rows = selectors.collective_list(user=request.user, status=None if status == "all" else status)[:200]
    return render(
        request,
        "complaints/collective_list.html",
        {"rows": rows, "status": status, "windows": selectors.window_settings(user=request.user)},
    )


@login_required
@require_POST
def collective_window(request: HttpRequest) -> HttpResponse:
    """The center manager sets the collective-complaint window of a center."""
    form = forms.WindowForm(request.POST)
    centers = {w.service_center.pk: w.service_center for w in selectors.window_settings(user=request.user)}

    def call():
        center = centers.get(form.cleaned_data["center"])
        if center is None:
            raise PermissionDenied(_("只有服务中心经理可以设置集体投诉时间窗"))
        services.complaint_settings_set(
            actor=request.user, service_center=center, collective_window_minutes=form.cleaned_data["minutes"]
        )

    _run(request, form, call)
    if getattr(form, "done", False):
        messages.success(request, _("集体投诉时间窗已保存"))
    return redirect(reverse("complaints:collectives"))


def _staff(collective: CollectiveComplaint) -> list[tuple[int, str]]:
    people = role_holders(
        roles=HANDLERS, community_id=collective.community_id, service_center=collective.service_center
    )
    return [(u.pk, person_name(u)) for u in people if can(u, "collective.visit", collective)]


def _households(rows) -> list[tuple[int, str]]:
    return [(r.household.pk, str(r.household.unit)) for r in rows if r.household is not None and r.visit is None]


def _context(request: HttpRequest, collective: CollectiveComplaint) -> dict:
    rows = selectors.collective_households(collective)
    initial = {"version": collective.version}
    return {
        "collective": collective,
        "rows": rows,
        "households": sum(1 for r in rows if r.household is not None),
        "missing": services.missing_visits(collective),
        "events": list(selectors.collective_events(collective)),
        "is_open": collective.status != CollectiveStatus.CLOSED,
        "may": {
            a: can(request.user, f"collective.{a}", collective) for a in ("decide", "agree_reply", "visit", "close")
        },
        "forms": {
            "decide": forms.DecideForm(initial=initial),
            "reply": forms.AgreeReplyForm(initial=initial),
            "visit": forms.HomeVisitForm(initial=initial, households=_households(rows), staff=_staff(collective)),
            "close": forms.NoteForm(initial=initial),
        },
    }


@login_required
def collective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collective = _get(request, pk)
    return render(request, "complaints/collective.html", _context(request, collective))


@login_required
def collective_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The special-event report (特别事件报告), a printable A4 page filled from the data."""
    collective = _get(request, pk)
    return render(request, "complaints/collective_report.html", _context(request, collective))


def _visit(user, collective, data: dict):
    visited_by = None
    if data.get("visited_by"):
        visited_by = next((u for u in _staff_users(collective) if u.pk == data["visited_by"]), None)
        if visited_by is None:
            raise ValidationError({"visited_by": _("回访人须是负责该小区投诉的员工")})
    return services.collective_home_visit(
        actor=user,
        collective=collective,
        household_id=data["household"],
        visited_by=visited_by,
        visited_at=data["visited_at"],
        customer_said=data["customer_said"],
        satisfied=data["satisfied"],
        signature=data["signature"],
        expected_version=data["version"],
    )


def _staff_users(collective):
    return role_holders(roles=HANDLERS, community_id=collective.community_id, service_center=collective.service_center)


COLLECTIVE_ACTIONS = {
    "decide": (
        forms.DecideForm,
        lambda u, c, d: services.collective_decide(
            actor=u,
            collective=c,
            notify_general_manager=d["notify_general_manager"],
            notify_developer=d["notify_developer"],
            note=d["note"],
            expected_version=d["version"],
        ),
        gettext_lazy("经理决定已记录"),
    ),
    "reply": (
        forms.AgreeReplyForm,
        lambda u, c, d: services.collective_agree_reply(
            actor=u, collective=c, reply_at=d["reply_at"], note=d["note"], expected_version=d["version"]
        ),
        gettext_lazy("已记录约定答复时间"),
    ),
    "visit": (forms.HomeVisitForm, _visit, gettext_lazy("上门回访已记录")),
    "close": (
        forms.NoteForm,
        lambda u, c, d: services.collective_close(actor=u, collective=c, note=d["note"], expected_version=d["version"]),
        gettext_lazy("集体投诉已结案"),
    ),
}


def _run(request: HttpRequest, form, call) -> None:
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return
    try:
        call()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        form.done = True


@login_required
@require_POST
def collective_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in COLLECTIVE_ACTIONS:
        raise Http404(_("未知的操作"))
    collective = _get(request, pk)
    form_class, call, success = COLLECTIVE_ACTIONS[action]
    if action == "visit":
        rows = selectors.collective_households(collective)
        form = form_class(request.POST, households=_households(rows), staff=_staff(collective))
    else:
        form = form_class(request.POST)
    _run(request, form, lambda: call(request.user, collective, form.cleaned_data))
    if getattr(form, "done", False):
        messages.success(request, str(success))
    return redirect(reverse("complaints:collective", args=[pk]))


LINK_ACTIONS = {
    "link": (forms.LinkForm, gettext_lazy("已归入集体投诉")),
    "unlink": (forms.NoteForm, gettext_lazy("已移出集体投诉")),
    "open": (forms.VersionedForm, gettext_lazy("已立为集体投诉，已通知服务中心经理")),
}


def _link_call(request: HttpRequest, complaint, action: str, data: dict):
    if action == "link":
        collective = CollectiveComplaint.objects.filter(
            pk=data["collective"], pk__in=selectors.collective_list(user=request.user).values("pk")
        ).first()
        if collective is None:
            raise ValidationError({"collective": _("集体投诉不存在或您无权查看")})
        return services.complaint_link_collective(
            actor=request.user, complaint=complaint, collective=collective, expected_version=data["version"]
        )
    if action == "unlink":
        return services.complaint_unlink_collective(
            actor=request.user, complaint=complaint, reason=data["note"], expected_version=data["version"]
        )
    return services.complaint_open_collective(actor=request.user, complaint=complaint, expected_version=data["version"])


@login_required
@require_POST
def complaint_collective_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One click at the desk: link the complaint to a collective complaint, take it out, or open one."""
    if action not in LINK_ACTIONS:
        raise Http404(_("未知的操作"))
    complaint = _complaint(request, pk)
    form_class, success = LINK_ACTIONS[action]
    form = form_class(request.POST)
    _run(request, form, lambda: _link_call(request, complaint, action, form.cleaned_data))
    if getattr(form, "done", False):
        messages.success(request, str(success))
    return redirect(request.POST.get("next") if _safe_next(request) else reverse("complaints:detail", args=[pk]))


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/complaints/") and "//" not in target
