"""The tenant register page (租户暂住登记, 002 §六.20): the registration rate of each community (target 100 %), the
let households still without a current registration, the expired leases, the current tenants (identity number and
phone masked) with renewal and moving out, and the forms to register a tenant or mark a household let. A resident
sees their own household's registrations, read only. Same services, selectors and rules as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.inputs import parse_date, parse_id
from propdesk.core.permissions import can

from .. import services, tenant_selectors
from ..choices import DocumentType
from ..models import TenantRegistration
from .gate import _errors, _version


def _page_url(community_id: int | None) -> str:
    url = reverse("visitors:tenants")
    return f"{url}?community={community_id}" if community_id else url


def _context(request: HttpRequest, community_id: int | None, **extra) -> dict:
    user = request.user
    today = timezone.localdate()
    keeps = list(tenant_selectors.tenant_communities(user=user))
    rates = tenant_selectors.rates(user=user, today=today)
    visible = tenant_selectors.registrations(user=user)
    if not keeps and not rates and not visible.exists():
        raise PermissionDenied(_("租户暂住登记仅限前台、客服、管家和中心管理人员使用"))
    community = next((c for c in keeps if c.pk == community_id), keeps[0] if keeps else None)
    rows = visible.filter(community=community) if community else visible
    return {
        "communities": keeps,
        "community": community,
        "rates": rates,
        "rate": next((r for r in rates if community and r.community.pk == community.pk), None),
        "current": list(rows.filter(tenant_selectors.current_q(today)).order_by("lease_end", "id")[:300]),
        "upcoming": list(rows.filter(ended_at__isnull=True, lease_start__gt=today).order_by("lease_start")[:100]),
        "expired": list(
            tenant_selectors.expired(user=user, community_id=community.pk if community else None, today=today)[:300]
        ),
        "lettings": list(
            tenant_selectors.lettings(user=user).filter(community=community, ended_at__isnull=True)[:300]
            if community
            else []
        ),
        "may_register": community is not None,
        "document_types": DocumentType.choices,
        "today": today,
        "errors": {},
        "values": {},
        "open_form": "",
        **extra,
    }


@login_required
def tenants(request: HttpRequest) -> HttpResponse:
    return render(request, "visitors/tenants.html", _context(request, parse_id(request.GET.get("community"))))


def _keeper_community(request: HttpRequest):
    wanted = parse_id(request.POST.get("community"))
    found = tenant_selectors.tenant_communities(user=request.user).filter(pk=wanted).first()
    if found is None:
        raise Http404(_("小区不存在或您无权登记租户"))
    return found


def _refused(request: HttpRequest, community, exc: ValidationError, form: str) -> HttpResponse:
    context = _context(request, community.pk, errors=_errors(exc), values=request.POST, open_form=form)
    return render(request, "visitors/tenants.html", context, status=400)


def _dates(post, *names) -> dict:
    found, errors = {}, {}
    for name in names:
        try:
            found[name] = parse_date(post.get(name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return found


@login_required
@require_POST
def register_tenant(request: HttpRequest) -> HttpResponse:
    community = _keeper_community(request)
    post = request.POST
    try:
        registration = services.register_tenant(
            actor=request.user,
            community=community,
            room=post.get("room", ""),
            name=post.get("name", ""),
            document_type=post.get("document_type", ""),
            id_number=post.get("id_number", ""),
            phone=post.get("phone", ""),
            police_reference=post.get("police_reference", ""),
            **_dates(post, "lease_start", "lease_end"),
        )
    except ValidationError as exc:
        return _refused(request, community, exc, "register")
    messages.success(
        request,
        _("已登记 %(room)s 租户 %(name)s") % {"room": registration.household.unit.label, "name": registration.name},
    )
    return redirect(_page_url(community.pk))


@login_required
@require_POST
def mark_let(request: HttpRequest) -> HttpResponse:
    community = _keeper_community(request)
    try:
        letting = services.mark_let(
            actor=request.user,
            community=community,
            room=request.POST.get("room", ""),
            **_dates(request.POST, "since"),
        )
    except ValidationError as exc:
        return _refused(request, community, exc, "let")
    messages.success(request, _("已将 %(room)s 登记为出租户") % {"room": letting.household.unit.label})
    return redirect(_page_url(community.pk))


def _registration(request: HttpRequest, pk: int) -> TenantRegistration:
    try:
        return tenant_selectors.registration_get(user=request.user, pk=pk)
    except TenantRegistration.DoesNotExist as exc:
        raise Http404(_("租户登记不存在或您无权查看")) from exc


def _done_or_error(request: HttpRequest, action, success: str) -> None:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, next(iter(_errors(exc).values()))[0])
    else:
        messages.success(request, success)


@login_required
@require_POST
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    post = request.POST

    def action():
        services.renew_lease(
            actor=request.user,
            registration=registration,
            expected_version=_version(post.get("version")),
            **_dates(post, "lease_end"),
        )

    _done_or_error(request, action, _("已为 %(name)s 续租") % {"name": registration.name})
    return redirect(_page_url(registration.community_id))


@login_required
@require_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    version = _version(request.POST.get("version"))
    _done_or_error(
        request,
        lambda: services.end_tenancy(actor=request.user, registration=registration, expected_version=version),
        _("已登记 %(name)s 退租") % {"name": registration.name},
    )
    return redirect(_page_url(registration.community_id))


@login_required
@require_POST
def end_letting(request: HttpRequest, pk: int) -> HttpResponse:
    letting = tenant_selectors.lettings(user=request.user).filter(pk=pk).first()
    if letting is None or not can(request.user, "tenant.register", letting):
        raise Http404(_("出租户不存在或您无权查看"))
    version = _version(request.POST.get("version"))
    _done_or_error(
        request,
        lambda: services.end_letting(actor=request.user, letting=letting, expected_version=version),
        _("%(room)s 已停止出租") % {"room": letting.household.unit.label},
    )
    return redirect(_page_url(letting.community_id))
