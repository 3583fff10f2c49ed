"""The portal's pages: the resident's home, their requests (new, follow, message, cancel, confirm and rate),
the household choice and inviting a visitor. Sign-in by SMS code is in ``views_login.py``."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.communities.models import Household
from propdesk.core.errors import StaleVersion
from propdesk.notices.selectors import notices_for_household
from propdesk.tickets.models import Ticket

from . import selectors, services
from .forms import InviteForm, RateForm, RequestForm

SESSION_KEY = "portal_household"


def errors_of(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def current_household(request: HttpRequest) -> Household:
    """The household chosen in this session, else the user's first; none → 403."""
    households = selectors.households_of(request.user)
    chosen = households.filter(pk=request.session.get(SESSION_KEY) or 0).first() or households.first()
    if chosen is None:
        raise PermissionDenied(_("住户服务仅供已登记的住户使用，请联系服务中心登记"))
    return chosen


def resident_page(view):
    """A portal page: signed in, a resident of at least one household; ``household`` is the chosen one."""

    @login_required(login_url="portal:login")
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        return view(request, current_household(request), *args, **kwargs)

    return wrapped


def _request(request: HttpRequest, household: Household, pk: int) -> Ticket:
    try:
        return selectors.request_get(user=request.user, household=household, pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404(_("诉求不存在或您无权查看")) from exc


@resident_page
def home(request: HttpRequest, household: Household) -> HttpResponse:
    requests = list(selectors.request_list(user=request.user, household=household)[:20])
    return render(
        request,
        "portal/home.html",
        {
            "household": household,
            "households": selectors.households_of(request.user),
            "requests": requests,
            "residents": household.residents.filter(is_active=True),
            # The notices for this household now: its community's board and those addressed to its building,
            # its unit or a special customer in it (the notices app's selector).
            "notices": list(notices_for_household(household=household).select_related("community")[:5]),
            "community": household.unit.building.community,
            "surveys": selectors.survey_list(user=request.user, household=household)[:3],
        },
    )


@require_POST
@login_required
def choose_household(request: HttpRequest) -> HttpResponse:
    try:
        chosen = selectors.household_get(user=request.user, pk=int(request.POST.get("household") or 0))
    except (Household.DoesNotExist, ValueError) as exc:
        raise Http404(_("住户不存在或您不是其成员")) from exc
    request.session[SESSION_KEY] = chosen.pk
    return redirect("portal:home")


@resident_page
def request_new(request: HttpRequest, household: Household) -> HttpResponse:
    form = RequestForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ticket = services.submit_request(
                    actor=request.user, household=household, photos=request.FILES.getlist("photos"), **form.details()
                )
            except ValidationError as exc:
                form.add_service_errors(errors_of(exc))
            else:
                messages.success(request, _("已提交，编号 %(n)s。服务中心会尽快处理。") % {"n": ticket.number})
                return redirect("portal:detail", pk=ticket.pk)
        status = 400
    return render(request, "portal/new.html", {"form": form, "household": household}, status=status)


@resident_page
def request_detail(request: HttpRequest, household: Household, pk: int) -> HttpResponse:
    ticket = _request(request, household, pk)
    view = selectors.request_view(user=request.user, ticket=ticket)
    return render(request, "portal/detail.html", {"view": view, "household": household, "rate_form": RateForm()})


def _act(request: HttpRequest, household: Household, pk: int, action) -> HttpResponse:
    """Run ``action(ticket)``; errors go back to the request's page as messages."""
    ticket = _request(request, household, pk)
    try:
        action(ticket)
    except StaleVersion as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        for problems in errors_of(exc).values():
            for problem in problems:
                messages.error(request, problem)
    return redirect("portal:detail", pk=pk)


def _version(request: HttpRequest) -> int | None:
    value = request.POST.get("version") or ""
    return int(value) if value.isdigit() and len(value) < 10 else None


@require_POST
@resident_page
def request_message(request: HttpRequest, household: Household, pk: int) -> HttpResponse:
    def act(ticket):
        services.add_message(actor=request.user, ticket=ticket, text=request.POST.get("text", ""))
        messages.success(request, _("留言已发送"))

    return _act(request, household, pk, act)


@require_POST
@resident_page
def request_cancel(request: HttpRequest, household: Household, pk: int) -> HttpResponse:
    def act(ticket):
        services.cancel_request(
            actor=request.user, ticket=ticket, reason=request.POST.get("reason", ""), expected_version=_version(request)
        )
        messages.success(request, _("已撤销"))

    return _act(request, household, pk, act)


@require_POST
@resident_page
def request_rate(request: HttpRequest, household: Household, pk: int) -> HttpResponse:
    def act(ticket):
        services.confirm_and_rate(
            actor=request.user,
            ticket=ticket,
            score=request.POST.get("score"),
            comment=request.POST.get("comment", ""),
            expected_version=_version(request),
        )
        messages.success(request, _("感谢您的评价"))

    return _act(request, household, pk, act)


@resident_page
def invite(request: HttpRequest, household: Household) -> HttpResponse:
    form = InviteForm(request.POST or None)
    invitation = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.invite_visitor(actor=request.user, household=household, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(errors_of(exc))
                status = 400
            else:
                form = InviteForm()
        else:
            status = 400
    return render(
        request, "portal/invite.html", {"form": form, "invitation": invitation, "household": household}, status=status
    )
