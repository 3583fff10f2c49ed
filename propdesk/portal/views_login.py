"""The portal's sign-in page: a phone number, a code sent by SMS, and the password login for those who have one."""

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from propdesk.core.http import client_ip, safe_next

from . import login as codes

BACKEND = "propdesk.api.backends.PasswordBackend"


def _page(request: HttpRequest, *, phone: str = "", sent: bool = False, errors=None, info: str = "", status: int = 200):
    context = {"phone": phone, "sent": sent, "errors": errors or {}, "info": info, "next": safe_next(request, "")}
    response = render(request, "portal/login.html", context, status=status)
    return response


def login_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: check the code and sign in."""
    if request.method != "POST":
        if request.user.is_authenticated:
            return redirect("portal:home")
        return _page(request)
    phone = request.POST.get("phone", "")
    try:
        user = codes.verify_code(phone=phone, code=request.POST.get("code", ""))
    except ValidationError as exc:
        return _page(request, phone=phone, sent=True, errors=exc.message_dict, status=400)
    login(request, user, backend=BACKEND)
    return redirect(safe_next(request, reverse("portal:home")))


@require_POST
def send_code(request: HttpRequest) -> HttpResponse:
    phone = request.POST.get("phone", "")
    try:
        codes.request_code(phone=phone, ip_address=client_ip(request))
    except ValidationError as exc:
        return _page(request, phone=phone, errors=exc.message_dict, status=400)
    except codes.Throttled as exc:
        response = _page(request, phone=phone, sent=True, errors={"phone": [exc.message]}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return _page(request, phone=phone, sent=True, info=_("如该号码已在服务中心登记，验证码已发送"))
