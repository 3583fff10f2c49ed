"""Pages of the API app: the token management page and the Swagger UI files for the offline docs."""

from pathlib import Path

import ninja
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from propdesk.core.scoping import get_scope

from .models import ApiToken
from .services import NAME_MAX, api_token_create, api_token_revoke

# The Swagger UI files ninja ships; served from the installed package so that nothing comes from a CDN.
DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.png": "image/png",
    "favicon.svg": "image/svg+xml",
}
DOCS_ASSET_DIR = Path(ninja.__file__).resolve().parent / "static" / "ninja"


@require_GET
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    content_type = DOCS_ASSETS.get(name)
    if content_type is None:
        raise Http404(name)
    response = FileResponse((DOCS_ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@csrf_exempt  # it changes nothing: a POST with a session cookie gets the same JSON 404, not the CSRF page
def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": _("记录不存在或您无权查看"), "errors": []}, status=404)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称（用途）"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：呼叫中心系统对接")}),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """List my API tokens, create one (its secret is shown on this response only) or revoke one."""
    if not get_scope(request.user).is_staff_member:
        raise PermissionDenied(_("只有员工账号可以管理接口令牌"))
    form = TokenForm()
    created = secret = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = get_object_or_404(ApiToken.objects.of(request.user), pk=request.POST.get("token") or 0)
        api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("已吊销令牌“%(name)s”") % {"name": token.name})
        return redirect("account_tokens")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                created, secret = api_token_create(actor=request.user, name=form.cleaned_data["name"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": ApiToken.objects.of(request.user), "created": created, "secret": secret},
    )
