"""The interview form (phone first, for home visits), the register with its filters, print view and .xlsx, and
one interview with its findings — the same services and selectors as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.communities.models import Household
from propdesk.communities.selectors import unit_by_room
from propdesk.core.errors import field_error
from propdesk.core.inputs import parse_date, parse_id
from propdesk.core.permissions import can

from .. import export, selectors, services
from ..choices import FindingKind, InterviewKind, Satisfaction
from ..models import Interview
from .common import chosen, communities_or_403, errors_of

FINDING_ROWS = 3
TEXT_FIELDS = ("interviewee", "opinions", "repair_feedback", "potential_complaints", "needs", "measures")
FORM_FIELDS = (*TEXT_FIELDS, "room", "kind", "satisfaction", "finding_text", "at", "interviewers")


def _household(request, communities):
    """The household named by ``household`` (from the planner) or by community and room."""
    household_id = parse_id(request.POST.get("household") or request.GET.get("household"))
    if household_id:
        found = (
            Household.objects.filter(pk=household_id, unit__building__community__in=communities, is_active=True)
            .select_related("unit__building__community")
            .first()
        )
        if found is None:
            raise Http404(_("住户不存在或您无权访谈"))
        return found
    community = chosen(communities, request.POST.get("community"), strict=True)
    unit = unit_by_room(user=request.user, community=community, room=request.POST.get("room", ""))
    found = Household.objects.filter(unit=unit, is_active=True).first()
    if found is None:
        raise field_error("room", _("房号 %(room)s 暂无在住住户") % {"room": unit.label}, "no_household")
    return found


def _findings(post) -> list[dict]:
    rows = []
    for i in range(1, FINDING_ROWS + 1):
        text = (post.get(f"finding_text_{i}") or "").strip()
        if text:
            rows.append({"kind": post.get(f"finding_kind_{i}", ""), "text": text})
    return rows


def _form_context(request, communities, **extra) -> dict:
    household = None
    household_id = parse_id(request.GET.get("household") or request.POST.get("household"))
    if household_id:
        household = Household.objects.filter(pk=household_id, unit__building__community__in=communities).first()
    return {
        "communities": communities,
        "household": household,
        "kinds": InterviewKind.choices,
        "levels": Satisfaction.choices,
        "finding_kinds": FindingKind.choices,
        "finding_rows": range(1, FINDING_ROWS + 1),
        "values": request.POST if request.method == "POST" else {"kind": request.GET.get("kind", "home_visit")},
        "errors": {},
        **extra,
    }


@login_required
def interview_new(request: HttpRequest) -> HttpResponse:
    communities = communities_or_403(request.user, "interview.record", _("您无权登记客户访谈"))
    if request.method != "POST":
        return render(request, "engagement/interview_form.html", _form_context(request, communities))
    try:
        household = _household(request, communities)
        level = request.POST.get("satisfaction", "")
        interview = services.interview_record(
            actor=request.user,
            household=household,
            kind=request.POST.get("kind", ""),
            satisfaction=int(level) if level.isascii() and level.isdigit() and len(level) < 3 else 0,
            in_depth=request.POST.get("in_depth") == "1",
            important=request.POST.get("important") == "1",
            findings=_findings(request.POST),
            **{name: request.POST.get(name, "") for name in TEXT_FIELDS},
        )
    except ValidationError as exc:
        context = _form_context(request, communities, errors=errors_of(exc, FORM_FIELDS))
        return render(request, "engagement/interview_form.html", context, status=400)
    tickets = [f.ticket.number for f in interview.findings.all()]
    if tickets:
        messages.success(request, _("访谈已登记，已转工单 %(numbers)s") % {"numbers": "、".join(tickets)})
    else:
        messages.success(request, _("访谈已登记"))
    return redirect(reverse("engagement:interview", args=[interview.pk]))


def _interview_or_404(request, pk: int) -> Interview:
    try:
        return selectors.interview_get(user=request.user, pk=pk)
    except Interview.DoesNotExist:
        raise Http404(_("访谈记录不存在或您无权查看")) from None


@login_required
def interview_detail(request: HttpRequest, pk: int, errors: dict | None = None, status: int = 200) -> HttpResponse:
    interview = _interview_or_404(request, pk)
    context = {
        "interview": interview,
        "finding_kinds": FindingKind.choices,
        "may_follow_up": can(request.user, "interview.follow_up", interview),
        "errors": errors or {},
        "values": request.POST,
    }
    return render(request, "engagement/interview_detail.html", context, status=status)


@login_required
@require_POST
def interview_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _interview_or_404(request, pk)
    try:
        ticket = services.interview_finding_to_ticket(
            actor=request.user,
            interview=interview,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
        )
    except ValidationError as exc:
        return interview_detail(request, pk, errors=errors_of(exc, ("kind", "text")), status=400)
    messages.success(request, _("已转工单 %(number)s") % {"number": ticket.number})
    return redirect(reverse("engagement:interview", args=[pk]))


def _register_query(request):
    communities = communities_or_403(request.user, "interview.read", _("您无权查看客户访谈记录"))
    errors = {}
    try:
        date_from = parse_date(request.GET.get("from"), "from")
        date_to = parse_date(request.GET.get("to"), "to")
    except ValidationError as exc:
        errors, date_from, date_to = errors_of(exc), None, None
    wanted = parse_id(request.GET.get("community"))
    community = next((c for c in communities if c.pk == wanted), None)
    kind = request.GET.get("kind", "")
    kind = kind if kind in InterviewKind.values else ""
    rows = selectors.interviews_for(
        user=request.user, community=community, date_from=date_from, date_to=date_to, kind=kind
    )
    filters = {"community": community, "from": date_from, "to": date_to, "kind": kind}
    return communities, rows, filters, errors


@login_required
def register(request: HttpRequest) -> HttpResponse:
    communities, rows, filters, errors = _register_query(request)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "communities": communities,
        "page": page,
        "filters": filters,
        "errors": errors,
        "kinds": InterviewKind.choices,
        "query": query.urlencode(),
        "print_view": request.GET.get("print") == "1",
        "may_export": can(request.user, "interview.export"),
    }
    return render(request, "engagement/register.html", context)


@login_required
def register_export(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "interview.export"):
        raise Http404(_("您无权导出访谈记录"))
    _communities, rows, _filters, _errors = _register_query(request)
    response = HttpResponse(export.workbook_bytes(rows), content_type=export.XLSX)
    name = f"interviews-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
