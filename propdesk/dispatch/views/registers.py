"""The classified registers (分类处理记录): engineering orders past 48 hours, rectification, vendors and
communication matters."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from propdesk.core.permissions import require

from ..choices import Routing
from ..models import WorkOrder

REGISTERS = {
    "engineering-followup": (
        _lazy("分类处理记录-工程类（超时跟进）"),
        {"routing": Routing.ENGINEERING, "in_followup_register": True},
    ),
    "rectification": (_lazy("整改类登记"), {"routing": Routing.RECTIFICATION}),
    "vendor": (_lazy("其他类（外联单位）登记"), {"routing": Routing.VENDOR}),
    "communication": (_lazy("沟通类登记"), {"routing": Routing.COMMUNICATION}),
}


@login_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in REGISTERS:
        raise Http404
    require(request.user, "work_order.read_registers", None, _("该页面仅限物业员工使用"))
    title, filters = REGISTERS[slug]
    orders = (
        WorkOrder.objects.visible_to(request.user)
        .filter(**filters)
        .select_related("ticket__unit__building", "community", "assignee__staff_profile", "vendor")
        .prefetch_related("follow_ups")
        .order_by("-created_at")[:500]
    )
    return render(
        request, "dispatch/register.html", {"title": title, "orders": orders, "registers": REGISTERS, "slug": slug}
    )
