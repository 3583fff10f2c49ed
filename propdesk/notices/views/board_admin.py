"""Keeping a community's public fee schedule and service contacts (R-PB-1): one page per community with both
lists, a form to add a line and a page to change one."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.communities.models import Community
from propdesk.core.inputs import parse_id
from propdesk.core.permissions import can

from .. import selectors
from ..choices import PRICE_COMPLAINT_LINE, ContactKind, PriceRegime
from ..models import FeeItem, ServiceContact
from ..services import board as board_services
from .common import errors_of, version_of

FEE_FIELDS = (
    "item", "payer", "service_content", "service_standard", "price", "unit", "billing_method", "billing_start",
    "price_regime", "basis", "authority", "approval_no", "effective_from", "effective_until", "sort_order",
)  # fmt: skip
CONTACT_FIELDS = ("kind", "name", "phone", "hours", "note", "sort_order")


def _communities(user) -> list[Community]:
    """The communities whose board this user may keep."""
    rows = Community.objects.select_related("service_center").order_by("service_center", "pk")
    return [c for c in rows if can(user, "board.manage", FeeItem(service_center=c.service_center))]


def _fee_data(post) -> dict:
    data = {name: post.get(name, "") for name in FEE_FIELDS}
    data["collected_for_others"] = post.get("collected_for_others") == "on"
    data["community_id"] = parse_id(post.get("community"))
    return data


def _contact_data(post) -> dict:
    data = {name: post.get(name, "") for name in CONTACT_FIELDS}
    data["is_active"] = post.get("is_active") == "on"
    data["community_id"] = parse_id(post.get("community"))
    return data


def _context(user, community, **extra) -> dict:
    return {
        "community": community,
        "fees": selectors.fee_items(user=user, community_id=community.pk) if community else [],
        "contacts": selectors.contacts(user=user, community_id=community.pk) if community else [],
        "regimes": PriceRegime.choices,
        "contact_kinds": ContactKind.choices,
        "complaint_line": PRICE_COMPLAINT_LINE,
        "fee_values": {},
        "contact_values": {"is_active": True},
        "fee_errors": {},
        "contact_errors": {},
        **extra,
    }


@login_required
def board_manage(request: HttpRequest) -> HttpResponse:
    communities = _communities(request.user)
    if not communities:
        raise PermissionDenied(_("您无权维护公告栏的收费价目表和服务电话"))
    chosen = parse_id(request.GET.get("community") or request.POST.get("community"))
    community = next((c for c in communities if c.pk == chosen), communities[0])
    context = _context(request.user, community, communities=communities)
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "fee":
                board_services.fee_item_save(
                    actor=request.user, service_center=community.service_center, data=_fee_data(request.POST)
                )
            elif what == "contact":
                board_services.contact_save(
                    actor=request.user, service_center=community.service_center, data=_contact_data(request.POST)
                )
            else:
                raise Http404(_("没有这个操作"))
        except ValidationError as exc:
            prefix = "fee" if what == "fee" else "contact"
            context[f"{prefix}_values"] = request.POST.dict()
            context[f"{prefix}_errors"] = errors_of(exc)
            context["open_form"] = prefix
            return render(request, "notices/board_manage.html", context, status=400)
        messages.success(request, _("已保存"))
        return redirect(f"{reverse('notices:board_manage')}?community={community.pk}")
    return render(request, "notices/board_manage.html", context)


def _errors(exc: ValidationError) -> dict:
    errors = errors_of(exc)
    if "__all__" in errors:  # a stale version
        errors["version"] = errors.pop("__all__")
    return errors


def _row(request: HttpRequest, model, pk: int):
    row = model.objects.restrict(request.user, "board.read").select_related("community").filter(pk=pk).first()
    if row is None or not can(request.user, "board.manage", row):
        raise Http404(_("记录不存在或您无权修改"))
    return row


@login_required
def fee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _row(request, FeeItem, pk)
    values = {name: getattr(item, name) for name in FEE_FIELDS}
    values.update({k: v.isoformat() for k, v in values.items() if isinstance(v, dt.date)})
    values.update(collected_for_others=item.collected_for_others, community=item.community_id)
    errors: dict = {}
    if request.method == "POST":
        try:
            board_services.fee_item_save(
                actor=request.user,
                service_center=item.service_center,
                item=item,
                data={**_fee_data(request.POST), "community_id": item.community_id},
                expected_version=version_of(request.POST.get("version")),
            )
        except ValidationError as exc:
            values, errors = request.POST.dict(), _errors(exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(f"{reverse('notices:board_manage')}?community={item.community_id}")
    context = _context(request.user, None, item=item, fee_values=values, fee_errors=errors)
    return render(request, "notices/board_fee_edit.html", context, status=400 if errors else 200)


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _row(request, ServiceContact, pk)
    values = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    values.update(is_active=contact.is_active, community=contact.community_id)
    errors: dict = {}
    if request.method == "POST":
        try:
            board_services.contact_save(
                actor=request.user,
                service_center=contact.service_center,
                contact=contact,
                data={**_contact_data(request.POST), "community_id": contact.community_id},
                expected_version=version_of(request.POST.get("version")),
            )
        except ValidationError as exc:
            values, errors = request.POST.dict(), _errors(exc)
        else:
            messages.success(request, _("已保存"))
            return redirect(f"{reverse('notices:board_manage')}?community={contact.community_id}")
    context = _context(request.user, None, item=contact, contact_values=values, contact_errors=errors)
    return render(request, "notices/board_contact_edit.html", context, status=400 if errors else 200)


@login_required
@require_POST
def board_delete(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    model = {"fee": FeeItem, "contact": ServiceContact}.get(what)
    if model is None:
        raise Http404(_("没有这个操作"))
    row = _row(request, model, pk)
    version = version_of(request.POST.get("version"))
    try:
        if model is FeeItem:
            board_services.fee_item_delete(actor=request.user, item=row, expected_version=version)
        else:
            board_services.contact_delete(actor=request.user, contact=row, expected_version=version)
    except ValidationError as exc:
        for items in errors_of(exc).values():
            for message in items:
                messages.error(request, message)
    else:
        messages.success(request, _("已删除"))
    return redirect(f"{reverse('notices:board_manage')}?community={row.community_id}")
