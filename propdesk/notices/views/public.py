"""What anyone may read without logging in: a community's public board (the company's hotline, the center's
phone, its customer-service staff by name and employee number, the notices posted now), one posted notice and
the board's Atom feed; and the endpoint an official feed posts CAP alerts to (signed, not logged in)."""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership, StaffProfile

from .. import selectors
from ..choices import PRICE_COMPLAINT_LINE
from ..models import CapFeed
from ..services import cap

CS_ROLES = (Role.CS_SUPERVISOR, Role.CS_ASSISTANT, Role.RECEPTIONIST)


def _community(code: str):
    community = selectors.public_community(code=code)
    if community is None:
        raise Http404(_("小区不存在"))
    return community


def _cs_staff(community) -> list[StaffProfile]:
    users = RoleMembership.objects.filter(is_active=True, role__in=CS_ROLES).filter(
        Q(community=community) | Q(service_center=community.service_center_id)
    )
    return list(
        StaffProfile.objects.filter(user__in=users.values("user"), is_active=True)
        .select_related("department")
        .order_by("employee_no")
    )


def board(request: HttpRequest, code: str) -> HttpResponse:
    community = _community(code)
    return render(
        request,
        "notices/board.html",
        {
            "community": community,
            "center": community.service_center,
            "company": community.service_center.branch.company,
            "staff": _cs_staff(community),
            "notices": selectors.board_notices(community=community)[:50],
            "fees": selectors.board_fees(community=community),
            "service_contacts": selectors.board_contacts(community=community),
            "complaint_line": PRICE_COMPLAINT_LINE,
        },
    )


def board_notice(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = _community(code)
    notice = selectors.board_notices(community=community).filter(pk=pk).first()
    if notice is None:
        raise Http404(_("公告不存在或已下架"))
    return render(request, "notices/board_notice.html", {"community": community, "notice": notice})


class BoardFeed(Feed):
    """The notices on a community's board as an Atom feed."""

    feed_type = Atom1Feed

    def get_object(self, request, code: str):
        return _community(code)

    def title(self, obj):
        return _("%(community)s 公告栏") % {"community": obj.name}

    def link(self, obj):
        return reverse("notices:board", args=[obj.code])

    def subtitle(self, obj):
        return obj.service_center.name

    def items(self, obj):
        return selectors.board_notices(community=obj)[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return strip_tags(item.body)[:500]

    def item_link(self, item):
        code = item.community.code if item.community_id else ""
        return reverse("notices:board_notice", args=[code, item.pk]) if code else reverse("notices:board_index")

    def item_pubdate(self, item):
        return item.posted_at

    def item_updateddate(self, item):
        return item.posted_at


board_feed = BoardFeed()


def board_index(request: HttpRequest) -> HttpResponse:
    raise Http404(_("请从小区公告栏进入"))


@csrf_exempt
@require_POST
def cap_receive(request: HttpRequest, feed_id: int) -> HttpResponse:
    """A CAP 1.2 alert from an official feed: 201 recorded, 200 already known, 403 bad signature, 400 refused."""
    feed = CapFeed.objects.filter(pk=feed_id).select_related("service_center__branch__company").first()
    if feed is None:
        return JsonResponse({"detail": _("预警信息源不存在")}, status=404)
    try:
        warning, created = cap.receive(
            feed=feed, body=request.body, signature=request.headers.get("X-Cap-Signature", "")
        )
    except cap.CapRefused as exc:
        status = 403 if exc.code == "bad_signature" else 400
        return JsonResponse({"detail": exc.messages[0], "code": exc.code}, status=status)
    return JsonResponse({"warning": warning.pk, "created": created}, status=201 if created else 200)
