from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from propdesk.core.http import safe_next
from propdesk.core.inputs import parse_id

from .selectors import inbox
from .services import inbox_mark_read


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    ids = [pk for pk in map(parse_id, request.POST.getlist("id")) if pk is not None]
    inbox_mark_read(user=request.user, notification_ids=ids or None)
    return redirect(safe_next(request, reverse("notify:inbox")))
