"""The front desk (接待台): look a caller up, classify, record — on one screen."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from propdesk.core.http import client_ip
from propdesk.core.permissions import require
from propdesk.tickets.choices import Kind, Priority

from .forms import RecordForm
from .selectors import desk_lookup
from .services import interaction_record

KIND_KEYS = {kind: str(i) for i, kind in enumerate(Kind.values, start=1)}


def _desk_user(request: HttpRequest) -> None:
    require(request.user, "desk.use", message=_("接待台仅限前台、控制中心和客服人员使用"))


def _form_context(form: RecordForm) -> dict:
    return {"form": form, "kind_keys": KIND_KEYS, "kinds": Kind.choices}


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    _desk_user(request)
    communities = RecordForm(user=request.user).fields["community"].queryset
    initial = {"community": communities.first()} if communities.count() == 1 else {}
    form = RecordForm(user=request.user, initial=initial)
    query = request.GET.get("q", "")
    profile = getattr(request.user, "staff_profile", None)
    return render(
        request,
        "intake/desk.html",
        {
            **_form_context(form),
            "lookup": desk_lookup(user=request.user, query=query, ip_address=client_ip(request)),
            "q": query,
            "extension": profile.extension if profile else "",
            "call_poll_ms": settings.PROPDESK_CALL_POLL_MS,
        },
    )


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    _desk_user(request)
    result = desk_lookup(user=request.user, query=request.GET.get("q", ""), ip_address=client_ip(request))
    return render(request, "intake/partials/_lookup.html", {"lookup": result})


@login_required
def record(request: HttpRequest) -> HttpResponse:
    _desk_user(request)
    form = RecordForm(request.POST or None, user=request.user)
    if request.method != "POST":
        return render(request, "intake/partials/_record_form.html", _form_context(form))
    status = 400
    interaction = None
    if form.is_valid():
        data = form.cleaned_data
        outcome = data["outcome"] or None
        try:
            interaction = interaction_record(
                actor=request.user,
                channel=data["channel"],
                kind=data["kind"],
                content=data["content"],
                community=data["community"],
                household=data["household"],
                resident=data["resident"],
                caller_name=data["caller_name"],
                caller_phone=data["caller_phone"],
                source=data["source"],
                source_detail=data["source_detail"],
                received_at=data["received_at"],
                create_ticket=True if outcome == "ticket" else (False if outcome else None),
                follow_up=data["follow_up"],
                outcome=outcome if outcome and outcome != "ticket" else None,
                outcome_note=data["outcome_note"],
                priority=Priority.URGENT if data["urgent"] else Priority.NORMAL,
                hand_off=data["hand_off"],
                links=request.POST.getlist("desk_link"),
                call=data["call"],
            )
            status = 200
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    # A hidden field's error (the call) is shown with the form's own errors.
                    shown = field in form.fields and not form.fields[field].widget.is_hidden
                    form.add_error(field if shown else None, errors)
            else:
                form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
    if interaction is not None and interaction.ticket_id:
        # Read back what the ticket's listeners made of it (a complaint's "n-th about the same thing").
        interaction.ticket.refresh_from_db()
    if interaction is not None:
        # A fresh form for the next caller, keeping the community.
        form = RecordForm(user=request.user, initial={"community": interaction.community})
    return render(
        request,
        "intake/partials/_record_form.html",
        {**_form_context(form), "saved": interaction},
        status=status,
    )
