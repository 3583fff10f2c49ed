"""The complaint record form (客户投诉记录表, 002 §12.3): the customer's opinion and on-screen signature taken on a
home visit for a repeat complaint (R-CP-6), the CS supervisor's review and the center manager's sign-off."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require
from propdesk.tickets.choices import Status

from .. import permissions  # noqa: F401  (declares the complaint rules)
from ..choices import EventKind, Validity
from ..models import Complaint
from .base import ComplaintTrigger, _event, emit, lock, save
from .collective_handling import _signature

DONE = (Status.RESOLVED, Status.CLOSED)


@transaction.atomic
def complaint_home_visit_sign(
    *,
    actor,
    complaint: Complaint,
    customer_opinion: str,
    signature: str,
    satisfied: bool | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """On a home visit (a repeat complaint, R-CP-6, or a valid one the CS supervisor answers in person, 002 §7.3),
    the customer's opinion and their signature drawn on the screen are recorded on the complaint record."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.work", complaint, _("您无权处理该投诉"))
    if not (complaint.is_repeat or complaint.validity == Validity.VALID):
        raise field_error("signature", _("上门签名用于有效投诉或重复投诉的上门回访"), "not_valid")
    if complaint.signed_at is not None:
        raise field_error(
            "signature",
            _("客户已于 %(t)s 签名") % {"t": f"{timezone.localtime(complaint.signed_at):%m-%d %H:%M}"},
            "signed",
        )
    opinion = clean_text(customer_opinion, "customer_opinion", limit=1000)
    image = _signature(signature, f"complaint-{complaint.pk}")
    if image is None:
        raise field_error("signature", _("请客户在屏幕上签名"), "required")
    complaint.customer_signature.save(image.name, image, save=False)
    complaint.signed_at = complaint.opinion_at = timezone.now()
    complaint.customer_opinion = opinion
    complaint.customer_satisfied = satisfied
    save(complaint, ["customer_signature", "signed_at", "customer_opinion", "customer_satisfied", "opinion_at"])
    _event(complaint, EventKind.SIGNED, actor, reason=opinion, satisfied=satisfied)
    emit(complaint, ComplaintTrigger.OPINION)
    return complaint


@transaction.atomic
def complaint_review(*, actor, complaint: Complaint, note: str, expected_version: int | None = None) -> Complaint:
    """The CS supervisor reviews the record of a handled complaint (002 §12.3)."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.review", complaint, _("只有客服主管可以审核投诉记录"))
    if complaint.ticket.status not in DONE:
        raise field_error("review_note", _("投诉处理完毕后才能审核记录"), "not_done")
    if complaint.reviewed_at is not None:
        raise field_error("review_note", _("该投诉记录已审核"), "reviewed")
    complaint.review_note = clean_text(note, "note", limit=1000)
    complaint.reviewed_at, complaint.reviewed_by = timezone.now(), actor
    save(complaint, ["review_note", "reviewed_at", "reviewed_by"])
    _event(complaint, EventKind.REVIEWED, actor, reason=complaint.review_note)
    return complaint


@transaction.atomic
def complaint_sign_off(
    *, actor, complaint: Complaint, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The center manager signs off the reviewed record (002 §12.3)."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.sign_off", complaint, _("只有服务中心经理可以签批投诉记录"))
    if complaint.reviewed_at is None:
        raise field_error("sign_off_note", _("请先由客服主管审核投诉记录"), "not_reviewed")
    if complaint.signed_off_at is not None:
        raise field_error("sign_off_note", _("该投诉记录已签批"), "signed_off")
    complaint.sign_off_note = clean_text(note, "note", required=False, limit=1000)
    complaint.signed_off_at, complaint.signed_off_by = timezone.now(), actor
    save(complaint, ["sign_off_note", "signed_off_at", "signed_off_by"])
    _event(complaint, EventKind.SIGNED_OFF, actor, reason=complaint.sign_off_note)
    return complaint
