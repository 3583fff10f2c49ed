"""The gate page (phone-sized: today's visitors inside, expected invitations, check-in by form or code,
check-out, overstays) and the visitor register with filters — the same services, selectors and rules as the
API. Every form posts, then redirects back to the gate; a refused form is shown again with its errors (400)."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.http import client_ip
from propdesk.core.inputs import errors_of as _errors
from propdesk.core.inputs import local_input as _local_input
from propdesk.core.inputs import parse_id, parse_period
from propdesk.core.inputs import version_of as _version
from propdesk.core.permissions import can, require
from propdesk.core.scoping import get_scope

from .. import export, selectors, services
from ..choices import DocumentType, Purpose
from ..models import Invitation, Visit

PAGE_SIZE = 30


def _gate_communities(request: HttpRequest):
    communities = list(selectors.gate_communities(user=request.user))
    if not communities:
        raise PermissionDenied(_("访客登记仅限门岗、前台和安全、客服主管使用"))
    return communities


def _chosen(communities, raw: str | None, *, strict: bool = False):
    """The community picked in ``?community=`` (or the form), else the first of the user's gates. A form
    (``strict``) that names a community the user keeps no gate at is refused, never registered elsewhere."""
    wanted = parse_id(raw)
    found = next((c for c in communities if c.pk == wanted), None)
    if found is None and strict and (raw or "").strip():
        raise Http404(_("小区不存在或您无权登记访客"))
    return found or communities[0]


def _gate_url(community) -> str:
    return f"{reverse('visitors:gate')}?community={community.pk}"


def _people(raw: str | None) -> int:
    raw = (raw or "1").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else 0


def _gate_context(request: HttpRequest, community, **extra) -> dict:
    user = request.user
    now = timezone.now()
    overstaying = selectors.overstays(user=user, community_id=community.pk, now=now)
    overstay_ids = {v.pk for v in overstaying}
    inside = list(selectors.inside_now(user=user, community_id=community.pk))
    for visit in inside:
        visit.overstaying = visit.pk in overstay_ids
    return {
        "communities": _gate_communities(request),
        "community": community,
        "inside": inside,
        "overstays": overstaying,
        "expected": list(selectors.expected_today(user=user, community_id=community.pk, now=now)[:50]),
        "my_duties": list(
            selectors.duty_list(user=user).filter(user=user, community=community, day=timezone.localdate(now))
        ),
        "document_types": DocumentType.choices,
        "purposes": Purpose.choices,
        "errors": {},
        "values": {},
        "open_form": "",
        **extra,
    }


def _warn_watch(request: HttpRequest, visit) -> None:
    """The guard's alert when a visitor matches the watch list (the security managers are notified too)."""
    if getattr(visit, "watch_hits", None):
        messages.warning(
            request,
            _("布控预警：%(name)s 与布控名单相符，请留意并报告安全管理员（已自动通知）") % {"name": visit.visitor_name},
        )


@login_required
def gate(request: HttpRequest) -> HttpResponse:
    communities = _gate_communities(request)
    community = _chosen(communities, request.GET.get("community"))
    return render(request, "visitors/gate.html", _gate_context(request, community))


def _refused(request: HttpRequest, community, exc: ValidationError, form: str) -> HttpResponse:
    context = _gate_context(request, community, errors=_errors(exc), values=request.POST, open_form=form)
    return render(request, "visitors/gate.html", context, status=400)


@login_required
@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    community = _chosen(_gate_communities(request), request.POST.get("community"), strict=True)
    post = request.POST
    try:
        visit = services.check_in(
            actor=request.user,
            community=community,
            visitor_name=post.get("visitor_name", ""),
            document_type=post.get("document_type", ""),
            id_number=post.get("id_number", ""),
            purpose=post.get("purpose", ""),
            phone=post.get("phone", ""),
            room=post.get("room", ""),
            area=post.get("area", ""),
            plate=post.get("plate", ""),
            people=_people(post.get("people")),
            checked_in_at=_local_input(post.get("checked_in_at"), "checked_in_at"),
        )
    except ValidationError as exc:
        return _refused(request, community, exc, "check_in")
    messages.success(request, _("已登记 %(name)s 进入") % {"name": visit.visitor_name})
    _warn_watch(request, visit)
    return redirect(_gate_url(community))


@login_required
@require_POST
def check_in_code(request: HttpRequest) -> HttpResponse:
    community = _chosen(_gate_communities(request), request.POST.get("community"), strict=True)
    post = request.POST
    try:
        visit = services.check_in_by_code(
            actor=request.user,
            code=post.get("code", ""),
            community=community,
            document_type=post.get("document_type", ""),
            id_number=post.get("id_number", ""),
        )
    except ValidationError as exc:
        return _refused(request, community, exc, "code")
    messages.success(
        request,
        _("%(name)s 凭邀请码进入，受访 %(room)s") % {"name": visit.visitor_name, "room": visit.household.unit.label},
    )
    _warn_watch(request, visit)
    return redirect(_gate_url(community))


@login_required
@require_POST
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        visit = selectors.visit_get(user=request.user, pk=pk)
    except Visit.DoesNotExist as exc:
        raise Http404(_("来访记录不存在或您无权查看")) from exc
    try:
        visit = services.check_out(
            actor=request.user, visit=visit, expected_version=_version(request.POST.get("version"))
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc).popitem()[1][0])
    else:
        messages.success(request, _("已登记 %(name)s 离开") % {"name": visit.visitor_name})
    return redirect(_gate_url(visit.community))


class TelRedirect(HttpResponseRedirect):
    """A redirect to a ``tel:`` URI: the phone's dialler opens with the number, the page stays as it is."""

    allowed_schemes = ["tel"]


def _visit_of(request: HttpRequest, pk: int) -> Visit:
    try:
        return selectors.visit_get(user=request.user, pk=pk)
    except Visit.DoesNotExist as exc:
        raise Http404(_("来访记录不存在或您无权查看")) from exc


@login_required
@require_POST
def call_host(request: HttpRequest, pk: int) -> HttpResponse:
    """致电住户: the guard's phone dials the host household; the number is never shown, each call audited."""
    visit = _visit_of(request, pk)
    try:
        uri = services.call_host(actor=request.user, visit=visit, ip_address=client_ip(request))
    except ValidationError as exc:
        messages.error(request, _errors(exc).popitem()[1][0])
        return redirect(_gate_url(visit.community))
    return TelRedirect(uri)


@login_required
@require_POST
def confirm_host(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_of(request, pk)
    try:
        services.confirm_host(actor=request.user, visit=visit, expected_version=_version(request.POST.get("version")))
    except ValidationError as exc:
        messages.error(request, _errors(exc).popitem()[1][0])
    else:
        messages.success(request, _("已记录住户确认 %(name)s 来访") % {"name": visit.visitor_name})
    return redirect(_gate_url(visit.community))


@login_required
@require_POST
def duty_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The person on peak-hour duty checks in at the post from the gate page."""
    duty = selectors.duty_list(user=request.user).filter(pk=pk).first()
    if duty is None:
        raise Http404(_("值岗记录不存在或您无权查看"))
    try:
        services.duty_check_in(actor=request.user, duty=duty)
    except ValidationError as exc:
        messages.error(request, _errors(exc).popitem()[1][0])
    else:
        messages.success(request, _("已登记到岗：%(slot)s") % {"slot": duty.get_slot_display()})
    if request.POST.get("next") == "duty":
        return redirect(f"{reverse('visitors:duty')}?community={duty.community_id}")
    return redirect(_gate_url(duty.community))


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    community = _chosen(_gate_communities(request), request.POST.get("community"), strict=True)
    post = request.POST
    try:
        invitation = services.invite(
            actor=request.user,
            community=community,
            visitor_name=post.get("visitor_name", ""),
            room=post.get("room", ""),
            phone=post.get("phone", ""),
            purpose=post.get("purpose", "visit"),
            people=_people(post.get("people")),
            valid_from=_local_input(post.get("valid_from"), "valid_from"),
            valid_until=_local_input(post.get("valid_until"), "valid_until"),
        )
    except ValidationError as exc:
        return _refused(request, community, exc, "invite")
    messages.success(
        request,
        _("已为 %(room)s 预约访客 %(name)s，邀请码 %(code)s（请告知住户）")
        % {"room": invitation.household.unit.label, "name": invitation.visitor_name, "code": invitation.code},
    )
    return redirect(reverse("visitors:invitation", args=[invitation.pk]))


@login_required
@require_POST
def cancel_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        invitation = selectors.invitation_get(user=request.user, pk=pk)
    except Invitation.DoesNotExist as exc:
        raise Http404(_("预约不存在或您无权查看")) from exc
    try:
        services.cancel_invitation(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, _errors(exc).popitem()[1][0])
    else:
        messages.success(request, _("已取消 %(name)s 的预约") % {"name": invitation.visitor_name})
    return redirect(_gate_url(invitation.community))


def _register_filters(request: HttpRequest) -> tuple[selectors.VisitFilters, dict]:
    get = request.GET
    errors = {}
    try:
        date_from, date_to = parse_period(get)
    except ValidationError as exc:
        errors, date_from, date_to = _errors(exc), None, None
    purpose = get.get("purpose", "")
    filters = selectors.VisitFilters(
        community_id=parse_id(get.get("community")),
        date_from=date_from,
        date_to=date_to,
        inside={"1": True, "0": False}.get(get.get("inside", "")),
        purpose=purpose if purpose in Purpose.values else "",
        q=get.get("q", "")[:50],
    )
    return filters, errors


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The register (来访登记簿): staff of the gate and the center manager, or a resident for their household."""
    require(request.user, "visit.read", message=_("您无权查看来访登记"))
    filters, errors = _register_filters(request)
    page = Paginator(selectors.visit_register(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "filters": filters,
        "errors": errors,
        "communities": list(selectors.readable_communities(user=request.user)),
        "purposes": Purpose.choices,
        "may_gate": can(request.user, "visit.check_in"),
        "may_export": can(request.user, "visit.export"),
        "staff_view": get_scope(request.user).is_staff_member,
    }
    return render(request, "visitors/register.html", context, status=400 if errors else 200)


@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as .xlsx (masked), audited."""
    require(request.user, "visit.export", message=_("您无权导出访客登记"))
    filters, errors = _register_filters(request)
    if errors:
        messages.error(request, next(iter(errors.values()))[0])
        return redirect(reverse("visitors:register"))
    output = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it after sending
    summary = {k: v for k, v in request.GET.items() if k in {"community", "from", "to", "inside", "purpose", "q"}}
    export.export_register(output, actor=request.user, filters=filters, summary=summary, ip_address=client_ip(request))
    output.seek(0)
    response = FileResponse(output, content_type=export.XLSX)
    response["Content-Disposition"] = export.content_disposition(timezone.localdate())
    return response
