"""Ticket pages: list, detail with timeline, and the actions (each one call to a service)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.communities.models import Community
from propdesk.core.db import joins_in_written_order
from propdesk.core.http import client_ip, safe_next
from propdesk.core.inputs import date_problem, parse_id
from propdesk.core.permissions import can, require
from propdesk.sla import selectors as sla_selectors

from . import selectors, services
from .choices import ALLOWED_TRANSITIONS, OPEN_STATUSES, Kind, Status
from .forms import AssignForm, AttachForm, LinkForm, NoteForm, ReplyForm, TransitionForm
from .models import Attachment, Ticket
from .paging import BoundedPaginator


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(m for msgs in exc.message_dict.values() for m in msgs)
    return "；".join(exc.messages)


def _parse_date(value: str | None, errors: list[str], label: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(label)s日期格式不正确：%(v)s（应为 2026-11-22）") % {"label": label, "v": value})
        return None
    if date_problem(day):  # the input layer's range (core.inputs)
        errors.append(_("%(label)s日期超出范围：%(v)s") % {"label": label, "v": value})
        return None
    return day


# Tickets a page on the lists (the count above which the pager says "more": ``paging.BoundedPaginator``).
PAGE_SIZE = 30


def _read_page(tickets, number):
    """One page of a ticket list, read now with the joins in the order written (``core.db``; as the API lists):
    PostgreSQL would otherwise spend most of the request planning the page's joins."""
    with joins_in_written_order():
        page = BoundedPaginator(tickets, PAGE_SIZE).get_page(number)
        page.object_list = list(page.object_list)
    return page


@login_required
def ticket_list_view(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    params = request.GET
    status = params.get("status") or None
    kind = params.get("kind") or None
    if status == "open":
        status = [Status.NEW, Status.IN_PROGRESS, Status.WAITING_CUSTOMER, Status.WAITING_VENDOR]
    elif status and status not in Status.values:
        errors.append(_("未知的状态：%(v)s") % {"v": status})
        status = None
    if kind and kind not in Kind.values:
        errors.append(_("未知的类别：%(v)s") % {"v": kind})
        kind = None
    community_id = params.get("community") or None
    if community_id and parse_id(community_id) is None:
        errors.append(_("小区参数不正确"))
        community_id = None
    received_from = _parse_date(params.get("from"), errors, _("开始"))
    received_to = _parse_date(params.get("to"), errors, _("结束"))
    mine = params.get("mine") == "1"
    tickets = selectors.ticket_list(
        user=request.user,
        status=status,
        kind=kind,
        community_id=int(community_id) if community_id else None,
        received_from=received_from,
        received_to=received_to,
        query=params.get("q", ""),
        assignee_id=request.user.pk if mine else None,
        ip_address=client_ip(request),
    )
    page = _read_page(tickets, params.get("page"))
    context = {
        "page": page,
        "errors": errors,
        "params": params,
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "communities": Community.objects.visible_to(request.user).order_by("code"),
        "querystring": params.urlencode() if "page" not in params else _without_page(params),
        "needs_whole_number": selectors.needs_whole_number(request.user, params.get("q", "")),
    }
    template = "tickets/partials/_ticket_table.html" if request.htmx else "tickets/ticket_list.html"
    return render(request, template, context, status=400 if errors else 200)


@login_required
def my_tickets(request: HttpRequest) -> HttpResponse:
    """Field staff's list: open tickets assigned to them."""
    tickets = selectors.ticket_list(user=request.user, assignee_id=request.user.pk, status=sorted(OPEN_STATUSES))
    page = _read_page(tickets, request.GET.get("page"))
    return render(request, "tickets/my_tickets.html", {"page": page, "querystring": ""})


QUICK_CREATED = "tickets.quick_hand_off.created"


@login_required
def quick_hand_off(request: HttpRequest) -> HttpResponse:
    """Any employee who hears a request passes it to the control center in one step (R-IN-2, R-IN-5):
    the community, the room or public place, what is wanted, who asked. The employee is recorded as its first
    responder. After success the page comes back empty (post/redirect/get), so nothing is sent twice."""
    require(request.user, "ticket.receive", message=_("该页面仅限物业员工使用"))
    communities = list(Community.objects.visible_to(request.user).select_related("service_center").order_by("code"))
    errors: list[str] = []
    post = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        created, errors = _quick_hand_off(request, communities)
        if created is not None:
            request.session[QUICK_CREATED] = created.pk
            return redirect(reverse("tickets:quick_hand_off"))
    created = _just_created(request) if request.method == "GET" else None
    # The community is the user's choice; it is chosen for them only when they serve one.
    chosen = post.get("community", "") or (str(communities[0].pk) if len(communities) == 1 else "")
    context = {
        "communities": communities,
        "chosen": chosen,
        "kinds": Kind.choices,
        "errors": errors,
        "created": created,
        "post": post,
    }
    return render(request, "tickets/quick_hand_off.html", context, status=400 if errors else 200)


def _quick_hand_off(request: HttpRequest, communities: list) -> tuple[Ticket | None, list[str]]:
    from propdesk.communities.selectors import unit_by_room

    post = request.POST
    community = next((c for c in communities if str(c.pk) == post.get("community", "")), None)
    if community is None:
        return None, [_("请选择小区")]
    room, location = post.get("room", "").strip(), post.get("location", "").strip()
    if not room and not location:
        return None, [_("请填写房号，或公共区域的位置（如：地库 B2、3栋大堂、全小区）")]
    try:
        unit = unit_by_room(user=request.user, community=community, room=room) if room else None
        ticket = services.ticket_create(
            actor=request.user,
            kind=post.get("kind") or Kind.REPAIR,
            content=post.get("content", ""),
            channel="staff",
            community=community,
            unit=unit,
            location=location,
            contact_name=post.get("contact_name", ""),
            contact_phone=post.get("contact_phone", ""),
            hand_off=True,
        )
    except ValidationError as exc:
        return None, [_error_text(exc)]
    except PermissionDenied as exc:
        return None, [str(exc)]
    return ticket, []


def _just_created(request: HttpRequest) -> dict | None:
    """The ticket this user handed off just before (shown once): its number, and a link when they may open it."""
    pk = request.session.pop(QUICK_CREATED, None)
    ticket = Ticket.objects.filter(pk=pk, first_responder=request.user).first() if pk else None
    if ticket is None:
        return None
    visible = Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists()
    return {"number": ticket.number, "pk": ticket.pk, "visible": visible}


def _without_page(params) -> str:
    copy = params.copy()
    copy.pop("page", None)
    return copy.urlencode()


def _get(request: HttpRequest, pk: int) -> Ticket:
    try:
        return selectors.ticket_get(user=request.user, pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404(_("工单不存在或您无权查看")) from exc


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get(request, pk)
    is_staff = can(request.user, "ticket.view_internal", ticket)
    timeline = selectors.ticket_timeline(user=request.user, ticket=ticket)
    context = {
        "ticket": ticket,
        "timeline": timeline,
        "is_staff": is_staff,
        "sla_targets": sla_selectors.targets_for_ticket(user=request.user, ticket_id=ticket.pk) if is_staff else [],
    }
    if is_staff:
        allowed = ALLOWED_TRANSITIONS[ticket.status]
        context.update(
            {
                "transition_form": TransitionForm(initial={"version": ticket.version}),
                "allowed_statuses": [(s, Status(s).label) for s in Status.values if s in allowed],
                "reply_form": ReplyForm(),
                "note_form": NoteForm(),
                "link_form": LinkForm(),
                "attach_form": AttachForm(),
                "assign_form": AssignForm(
                    staff=selectors.assignable_staff(community=ticket.community), initial={"version": ticket.version}
                ),
            }
        )
    return render(request, "tickets/ticket_detail.html", context)


def _act(request: HttpRequest, pk: int, form_class, action, success: str, **form_kwargs) -> HttpResponse:
    """Run one action: validate the form, call the service, report, return to the ticket."""
    ticket = _get(request, pk)
    form = (
        form_class(request.POST, request.FILES, **form_kwargs)
        if form_kwargs
        else form_class(request.POST, request.FILES)
    )
    if not form.is_valid():
        messages.error(request, "；".join(m for msgs in form.errors.values() for m in msgs))
        return redirect(reverse("tickets:detail", args=[pk]))
    try:
        action(ticket, form.cleaned_data)
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您无权执行此操作"))
    return redirect(safe_next(request, reverse("tickets:detail", args=[pk])))


@login_required
@require_POST
def ticket_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        TransitionForm,
        lambda t, d: services.ticket_transition(
            actor=request.user, ticket=t, to_status=d["to_status"], reason=d["reason"], expected_version=d["version"]
        ),
        _("状态已更新"),
    )


@login_required
@require_POST
def ticket_hand_off_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get(request, pk)
    try:
        services.ticket_hand_off(actor=request.user, ticket=ticket, reason=request.POST.get("reason", ""))
        messages.success(request, _("已转交控制中心：%(n)s") % {"n": ticket.number})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(safe_next(request, reverse("tickets:detail", args=[pk])))


@login_required
@require_POST
def ticket_request_decision_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        NoteForm,
        lambda t, d: services.ticket_request_decision(actor=request.user, ticket=t, reason=d["text"]),
        _("已上报上级决定"),
    )


@login_required
@require_POST
def ticket_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get(request, pk)
    return _act(
        request,
        pk,
        AssignForm,
        lambda t, d: services.ticket_assign(
            actor=request.user, ticket=t, assignee=d["assignee"], expected_version=d["version"]
        ),
        _("已指派"),
        staff=selectors.assignable_staff(community=ticket.community),
    )


@login_required
@require_POST
def ticket_reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        ReplyForm,
        lambda t, d: services.ticket_reply(
            actor=request.user,
            ticket=t,
            method=d["method"],
            content=d["content"],
            customer_opinion=d["customer_opinion"],
            satisfied=d["satisfied"],
        ),
        _("答复已记录"),
    )


@login_required
@require_POST
def ticket_note_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        NoteForm,
        lambda t, d: services.ticket_add_note(actor=request.user, ticket=t, text=d["text"]),
        _("备注已添加"),
    )


@login_required
@require_POST
def ticket_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    def link(ticket: Ticket, data: dict) -> None:
        try:
            other = selectors.ticket_get_by_number(
                user=request.user, number=data["number"], service_center_id=ticket.service_center_id
            )
        except Ticket.DoesNotExist as exc:
            raise ValidationError({"number": _("找不到工单 %(n)s") % {"n": data["number"]}}) from exc
        services.ticket_link(actor=request.user, from_ticket=ticket, to_ticket=other, kind=data["kind"])

    return _act(request, pk, LinkForm, link, _("已关联"))


@login_required
@require_POST
def ticket_attach_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        AttachForm,
        lambda t, d: services.ticket_attach(actor=request.user, ticket=t, upload=d["file"], note=d["note"]),
        _("附件已上传"),
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    try:
        attachment = Attachment.objects.select_related("ticket").get(
            pk=pk, ticket__in=Ticket.objects.visible_to(request.user)
        )
    except Attachment.DoesNotExist as exc:
        raise Http404(_("附件不存在或您无权查看")) from exc
    response = FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
