"""One invitation: its page with the code and the QR code (drawn offline, encoding only the code) and its print
view — for whoever may read the invitation; the code and the QR code only for whoever created it and for the
household (``selectors.code_visible``)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.permissions import can

from .. import qr, selectors
from ..choices import InvitationStatus
from ..models import Invitation


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    try:
        return selectors.invitation_get(user=request.user, pk=pk)
    except Invitation.DoesNotExist as exc:
        raise Http404(_("预约不存在或您无权查看")) from exc


def _context(request: HttpRequest, invitation: Invitation) -> dict:
    shown = (
        selectors.code_visible(user=request.user, invitation=invitation)
        and invitation.status == InvitationStatus.PENDING
    )
    return {
        "invitation": invitation,
        "code": invitation.code if shown else "",
        "qr": qr.svg_inline(invitation.code) if shown else "",
        "may_cancel": invitation.status == InvitationStatus.PENDING
        and can(request.user, "invitation.cancel", invitation),
        "may_gate": can(request.user, "visit.check_in", invitation),
        "printed_at": timezone.now(),
    }


@login_required
def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    found = _invitation(request, pk)
    return render(request, "visitors/invitation.html", _context(request, found))


@login_required
def invitation_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A sheet to hand or send to the visitor: the window, the room, the code and its QR code."""
    found = _invitation(request, pk)
    return render(request, "visitors/invitation_print.html", _context(request, found))
