"""The notice pages: the list, the editor with its preview, one notice with its approval chain, the manager's
approval queue, and the A4 print with the center's seal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.communities.models import Building, Community, SpecialCustomer, Unit
from propdesk.core.inputs import parse_id
from propdesk.core.permissions import can
from propdesk.org.seals import seal_data_uri

from .. import selectors, services
from ..choices import Audience, Language, NoticeKind, NoticeStatus, Topic, Utility
from ..models import Attachment, Notice
from ..services.common import clean_body
from .common import centers_for, errors_of, local_input, notice_data, version_of

PAGE_SIZE = 50


def _notice(request: HttpRequest, pk: int) -> Notice:
    try:
        return selectors.notice_get(user=request.user, pk=pk)
    except Notice.DoesNotExist as exc:
        raise Http404(_("公告不存在或您无权查看")) from exc


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in NoticeStatus.values else ""
    rows = selectors.notice_list(user=request.user, status=status)[:PAGE_SIZE]
    return render(
        request,
        "notices/list.html",
        {
            "notices": rows,
            "status": status,
            "statuses": NoticeStatus.choices,
            "may_draft": bool(centers_for(request.user, "notice.draft")),
            "may_approve": can(request.user, "notice.approve"),
        },
    )


def _editor_context(request: HttpRequest, center, notice: Notice | None, values, errors) -> dict:
    communities = list(Community.objects.filter(service_center=center).order_by("pk"))
    return {
        "center": center,
        "notice": notice,
        "values": values,
        "errors": errors,
        "kinds": NoticeKind.choices,
        "topics": Topic.choices,
        "audiences": Audience.choices,
        "notice_languages": Language.choices,
        "utilities": Utility.choices,
        "communities": communities,
        "buildings": Building.objects.filter(community__in=communities).select_related("community"),
        "unit_groups": _unit_groups(communities),
        "customers": SpecialCustomer.objects.filter(community__in=communities, is_active=True),
        "preview": clean_body(values.get("body", "")) if values else "",
    }


def _unit_groups(communities) -> list[tuple]:
    """The units of the center's communities by building, for the unit picker."""
    groups: dict[int, tuple] = {}
    units = Unit.objects.filter(building__community__in=communities).select_related("building__community")
    for unit in units.order_by("building__community", "building__name", "entrance", "number"):
        building = unit.building
        groups.setdefault(building.pk, (building, []))[1].append(unit)
    return list(groups.values())


def _values_of(notice: Notice) -> dict:
    fmt = "%Y-%m-%dT%H:%M"
    values = {
        name: getattr(notice, name)
        for name in ("kind", "topic", "title", "body", "language", "audience", "utility", "answer_text")
    }
    for name in ("valid_from", "valid_until", "starts_at", "ends_at"):
        moment = getattr(notice, name)
        values[name] = timezone.localtime(moment).strftime(fmt) if moment else ""
    values["community"] = str(notice.community_id or "")
    values["buildings"] = [str(b.pk) for b in notice.buildings.all()]
    values["units"] = [str(u.pk) for u in notice.units.all()]
    values["special_customers"] = [str(c.pk) for c in notice.special_customers.all()]
    return values


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    centers = centers_for(request.user, "notice.draft")
    if not centers:
        raise PermissionDenied(_("您无权起草公告"))
    center = next((c for c in centers if c.pk == parse_id(request.POST.get("center"))), centers[0])
    if request.method != "POST":
        values = {"kind": request.GET.get("kind", NoticeKind.NOTICE), "audience": Audience.COMMUNITY}
        return render(request, "notices/editor.html", _editor_context(request, center, None, values, {}))
    try:
        notice = services.notice_create(actor=request.user, service_center=center, data=notice_data(request.POST))
    except ValidationError as exc:
        context = _editor_context(request, center, None, _posted(request), errors_of(exc))
        return render(request, "notices/editor.html", context, status=400)
    messages.success(request, _("公告草稿已保存"))
    return redirect("notices:detail", notice.pk)


def _posted(request: HttpRequest) -> dict:
    values = request.POST.dict()
    for name in ("buildings", "units", "special_customers"):
        values[name] = request.POST.getlist(name)
    return values


@login_required
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    if not can(request.user, "notice.draft", notice):
        raise PermissionDenied(_("您无权修改该公告"))
    if request.method != "POST":
        return render(
            request,
            "notices/editor.html",
            _editor_context(request, notice.service_center, notice, _values_of(notice), {}),
        )
    try:
        services.notice_update(
            actor=request.user,
            notice=notice,
            data=notice_data(request.POST),
            expected_version=version_of(request.POST.get("version")),
        )
    except ValidationError as exc:
        context = _editor_context(request, notice.service_center, notice, _posted(request), errors_of(exc))
        return render(request, "notices/editor.html", context, status=400)
    messages.success(request, _("公告已修改"))
    return redirect("notices:detail", notice.pk)


@login_required
@require_POST
def notice_preview(request: HttpRequest) -> HttpResponse:
    """The body as it will be kept (made safe), for the editor's preview pane (htmx)."""
    return render(request, "notices/partials/_preview.html", {"preview": clean_body(request.POST.get("body", ""))})


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    user = request.user
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "events": notice.events.select_related("actor__staff_profile").order_by("at", "pk"),
            "attachments": notice.attachments.all(),
            "calls": notice.calls.select_related("interaction", "linked_by__staff_profile").order_by("-at")[:50],
            "call_count": notice.calls.count(),
            "deliveries": selectors.deliveries(notice=notice),
            "resident_counts": selectors.delivery_counts(notice),
            "may_draft": can(user, "notice.draft", notice),
            "may_approve": can(user, "notice.approve", notice),
            "may_seal": can(user, "notice.seal", notice),
            "may_publish": can(user, "notice.publish", notice),
            "may_deliver": can(user, "notice.deliver", notice),
            "now": timezone.now(),
        },
    )


_STEPS = {
    "submit": lambda r, n, v: services.notice_submit(actor=r.user, notice=n, expected_version=v),
    "approve": lambda r, n, v: services.notice_approve(actor=r.user, notice=n, expected_version=v),
    "return": lambda r, n, v: services.notice_return(
        actor=r.user, notice=n, reason=r.POST.get("reason", ""), expected_version=v
    ),
    "seal": lambda r, n, v: services.notice_seal(actor=r.user, notice=n, expected_version=v),
    "schedule": lambda r, n, v: services.notice_schedule(
        actor=r.user, notice=n, publish_at=local_input(r.POST.get("publish_at"), "publish_at"), expected_version=v
    ),
    "withdraw": lambda r, n, v: services.notice_withdraw(
        actor=r.user, notice=n, reason=r.POST.get("reason", ""), expected_version=v
    ),
}


@login_required
@require_POST
def notice_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One step of the approval chain from the notice page (or the approval queue)."""
    notice = _notice(request, pk)
    if step not in _STEPS:
        raise Http404(_("没有这个操作"))
    try:
        notice = _STEPS[step](request, notice, version_of(request.POST.get("version")))
    except ValidationError as exc:
        for messages_ in errors_of(exc).values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(
            request, _("%(title)s：%(status)s") % {"status": notice.get_status_display(), "title": notice.title}
        )
    back = request.POST.get("next")
    return redirect(
        "notices:approvals" if back == "approvals" else "notices:detail", *([] if back == "approvals" else [pk])
    )


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
    else:
        try:
            services.attachment_add(actor=request.user, notice=notice, upload=upload)
        except ValidationError as exc:
            for items in errors_of(exc).values():
                for message in items:
                    messages.error(request, message)
    return redirect("notices:detail", pk)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    found = Attachment.objects.filter(pk=pk).select_related("notice").first()
    if found is None or not can(request.user, "notice.read", found.notice):
        raise Http404(_("附件不存在或您无权查看"))
    return FileResponse(found.file.open("rb"), content_type=found.content_type, filename=found.name)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "notice.approve"):
        raise PermissionDenied(_("审批公告仅限服务中心经理"))
    return render(request, "notices/approvals.html", {"notices": selectors.approval_queue(user=request.user)})


@login_required
def notice_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 page for the community board: the seal only once the notice is sealed."""
    notice = _notice(request, pk)
    sealed = notice.sealed_at is not None and notice.status not in (NoticeStatus.WITHDRAWN,)
    return render(
        request,
        "notices/print.html",
        {"notice": notice, "seal": seal_data_uri(notice.service_center) if sealed else "", "sealed": sealed},
    )
