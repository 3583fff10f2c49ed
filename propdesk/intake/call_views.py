"""The call hook the phone system posts to, and the desk's pop-up of the call ringing at one's extension."""

import datetime as dt
import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from propdesk.core.http import client_ip

from .calls import call_event, current_call
from .selectors import desk_lookup
from .views import _desk_user


def _token_ok(request: HttpRequest) -> bool:
    expected = settings.PROPDESK_CALL_HOOK_TOKEN
    header = request.headers.get("Authorization", "")
    given = (
        header.removeprefix("Bearer ").strip()
        if header.startswith("Bearer ")
        else request.headers.get("X-PropDesk-Token") or request.GET.get("token", "")
    )
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _params(request: HttpRequest) -> dict:
    if request.content_type == "application/json":
        data = json.loads(request.body.decode("utf-8") or "{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return {k: str(v) for k, v in data.items() if v is not None}
    merged = request.GET.dict()
    merged.update(request.POST.dict())
    merged.pop("token", None)
    return merged


def _moment(raw: str | None) -> dt.datetime | None:
    """The event's time if the phone system sends one (Unix seconds or ISO 8601), else now."""
    if not raw:
        return None
    try:
        moment = dt.datetime.fromtimestamp(float(raw), dt.UTC)
    except ValueError:
        moment = dt.datetime.fromisoformat(raw)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if abs(moment - timezone.now()) > dt.timedelta(days=1):
        raise ValueError("time out of range")
    return moment


@csrf_exempt
@require_POST
def call_hook(request: HttpRequest) -> JsonResponse:
    """POST /desk/calls/hook/ — event (ring/answer/hangup), call_id, extension, caller, recording, at."""
    if not _token_ok(request):
        return JsonResponse({"detail": "missing or wrong token"}, status=403)
    try:
        data = _params(request)
        at = _moment(data.get("at"))
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": "unreadable body or time"}, status=400)
    try:
        call = call_event(
            event=data.get("event", ""),
            call_id=data.get("call_id", ""),
            extension=data.get("extension", ""),
            caller=data.get("caller", ""),
            recording=data.get("recording", ""),
            at=at,
        )
    except ValidationError as exc:
        return JsonResponse({"detail": " ".join(exc.messages)}, status=400)
    return JsonResponse({"call": call.pk, "state": call.state, "agent": bool(call.agent_id)})


@login_required
@require_GET
def call_current(request: HttpRequest) -> HttpResponse:
    """The desk's poll: 204 while the call shown (``shown`` = "<id>:<state>") is still the current one;
    otherwise the pop-up of the new call (the caller's households, open tickets, desk notes) or an empty
    pop-up when the call has gone."""
    _desk_user(request)
    call = current_call(user=request.user)
    key = f"{call.pk}:{call.state}" if call else ""
    if request.GET.get("shown", "") == key:
        return HttpResponse(status=204)
    context = {"call": call, "key": key}
    if call is not None and call.caller_phone and not request.GET.get("shown", "").startswith(f"{call.pk}:"):
        # A new call: look the caller up once (the lookup records the search by phone).
        context["lookup"] = desk_lookup(user=request.user, query=call.caller_phone, ip_address=client_ip(request))
    return render(request, "intake/partials/_call.html", context)
