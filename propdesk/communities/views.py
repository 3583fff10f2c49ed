"""Community directory pages, the household page with audited reveal, and the xlsx import page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.permissions import require

from . import selectors
from .forms import ImportForm, RevealForm
from .importer import ImportRejected, households_import_xlsx
from .models import Community, Household, Resident
from .services import can_reveal, resident_reveal


def _staff_only(request: HttpRequest) -> None:
    require(request.user, "community.browse", message=_("该页面仅限物业员工使用"))


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    communities = list(selectors.community_list(user=request.user))
    counts = selectors.registered_household_counts(community_ids=[c.pk for c in communities])
    for community in communities:
        community.registered = counts.get(community.pk, 0)
    return render(request, "communities/community_list.html", {"communities": communities})


@login_required
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    try:
        community = selectors.community_get(user=request.user, pk=pk)
    except Community.DoesNotExist as exc:
        raise Http404(_("小区不存在或您无权查看")) from exc
    query = request.GET.get("q", "")
    page = Paginator(selectors.household_search(user=request.user, community=community, query=query), 50).get_page(
        request.GET.get("page")
    )
    template = "communities/partials/_household_table.html" if request.htmx else "communities/community_detail.html"
    return render(request, template, {"community": community, "page": page, "q": query})


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        household = selectors.household_get(user=request.user, pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404(_("住户不存在或您无权查看")) from exc
    residents = list(household.residents.all())
    reveal_allowed = bool(residents) and can_reveal(request.user, residents[0])
    return render(
        request,
        "communities/household_detail.html",
        {"household": household, "residents": residents, "reveal_allowed": reveal_allowed},
    )


@login_required
@require_POST
def resident_reveal_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        resident = selectors.resident_get(user=request.user, pk=pk)
    except Resident.DoesNotExist as exc:
        raise Http404(_("住户成员不存在或您无权查看")) from exc
    form = RevealForm(request.POST)
    context = {"resident": resident, "field": request.POST.get("field", "phone")}
    if not form.is_valid():
        context["error"] = "；".join(m for errors in form.errors.values() for m in errors)
        return render(request, "communities/partials/_reveal.html", context, status=400)
    try:
        context["value"] = resident_reveal(
            actor=request.user,
            resident=resident,
            field=form.cleaned_data["field"],
            reason=form.cleaned_data["reason"],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
    except PermissionDenied as exc:
        context["error"] = str(exc)
        return render(request, "communities/partials/_reveal.html", context, status=403)
    except ValidationError as exc:
        context["error"] = "；".join(exc.messages)
        return render(request, "communities/partials/_reveal.html", context, status=400)
    return render(request, "communities/partials/_reveal.html", context)


@login_required
def my_households(request: HttpRequest) -> HttpResponse:
    households = selectors.resident_households(user=request.user)
    return render(request, "communities/my_households.html", {"households": households})


@login_required
def import_households(request: HttpRequest) -> HttpResponse:
    communities = selectors.importable_communities(user=request.user)
    if not communities.exists():
        raise PermissionDenied(_("您没有导入住户资料的权限"))
    result = None
    errors: list = []
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, communities=communities)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = households_import_xlsx(
                    actor=request.user,
                    community=form.cleaned_data["community"],
                    data=upload.read(),
                    filename=upload.name,
                )
                messages.success(request, _("导入成功"))
            except ImportRejected as exc:
                errors = exc.errors
                status = 400
            except ValidationError as exc:
                form.add_error("file", exc.messages[0])
                status = 400
        else:
            status = 400
    else:
        form = ImportForm(communities=communities)
    return render(
        request,
        "communities/import.html",
        {"form": form, "result": result, "errors": errors},
        status=status,
    )
