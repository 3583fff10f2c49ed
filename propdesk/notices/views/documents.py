"""A notice as a PDF: for the center's staff (any state; a draft says so and has no seal) and, for a notice
on a community's public board now, for anyone from the board."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .. import selectors
from ..documents import notice_pdf
from ..models import Notice


def pdf_response(notice: Notice) -> HttpResponse:
    response = HttpResponse(notice_pdf(notice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def notice_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = selectors.notice_get(user=request.user, pk=pk)
    except Notice.DoesNotExist as exc:
        raise Http404(_("公告不存在或您无权查看")) from exc
    return pdf_response(notice)


def board_notice_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = selectors.public_community(code=code)
    notice = None
    if community is not None:
        notice = (
            selectors.board_notices(community=community)
            .select_related("service_center__branch__company")
            .filter(pk=pk)
            .first()
        )
    if notice is None:
        raise Http404(_("公告不存在或已下架"))
    return pdf_response(notice)
