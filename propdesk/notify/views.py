import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.http import safe_next
from propdesk.core.inputs import parse_id

from .selectors import inbox, my_preference, offered_channels, preference_table
from .services import inbox_mark_read, preference_update


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


def _time(raw: str | None, field: str) -> dt.time | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dt.time.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({field: _("时间格式不正确：%(value)s（如 22:00）") % {"value": raw}}) from exc


@login_required
def preferences_view(request: HttpRequest) -> HttpResponse:
    """The person's own notification settings: channels per category, quiet hours, message language."""
    errors: list[str] = []
    if request.method == "POST":
        channels = {
            key.removesuffix(":shown"): request.POST.getlist(key.removesuffix(":shown"))
            for key in request.POST
            if key.endswith(":shown")
        }
        try:
            preference_update(
                actor=request.user,
                channels=channels,
                quiet_start=_time(request.POST.get("quiet_start"), "quiet_start"),
                quiet_end=_time(request.POST.get("quiet_end"), "quiet_end"),
                language=request.POST.get("language", ""),
                expected_version=parse_id(request.POST.get("version")),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("通知设置已保存"))
            return redirect("notify:preferences")
    context = {
        "prefs": my_preference(user=request.user),
        "rows": preference_table(user=request.user),
        "offered": offered_channels(user=request.user),
        "message_languages": settings.LANGUAGES,
        "errors": errors,
    }
    return render(request, "notify/preferences.html", context, status=422 if errors else 200)
