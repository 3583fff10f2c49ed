"""Handling a complaint against its timers (R-CP-3, R-FB): the reply time agreed, answered on the spot, the
customer's reply and opinion, progress, a major matter, the written original filed (R-IN-7)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.inputs import clean_text, date_problem
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.tickets.choices import OPEN_STATUSES, Priority, ReplyMethod, Status
from propdesk.tickets.services import ticket_reply, ticket_transition

from .. import permissions  # noqa: F401  (declares the complaint rules)
from ..choices import EventKind, Source, Validity
from ..models import Complaint
from .base import ComplaintTrigger, _event, emit, lock, save


def _open(complaint: Complaint) -> None:
    if complaint.ticket.status not in OPEN_STATUSES:
        raise field_error("status", _("该投诉已办结或已关闭"), "closed")


@transaction.atomic
def complaint_agree_reply(
    *, actor, complaint: Complaint, reply_at: dt.datetime, note: str = "", expected_version: int | None = None
) -> Complaint:
    """The handler contacted the customer and agreed when they will hear the result (R-CP-3: within 2 h)."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.work", complaint, _("您无权处理该投诉"))
    _open(complaint)
    if reply_at is None or not isinstance(reply_at, dt.datetime):
        raise field_error("reply_at", _("请填写约定答复时间"), "required")
    if timezone.is_naive(reply_at):
        reply_at = timezone.make_aware(reply_at)
    if problem := date_problem(reply_at):
        raise field_error("reply_at", problem, "out_of_range")
    if reply_at < timezone.now():
        raise field_error("reply_at", _("约定答复时间不能早于现在"), "past")
    note = clean_text(note, "note", required=False, limit=500)
    previous = complaint.agreed_reply_at
    complaint.agreed_reply_at = reply_at
    save(complaint, ["agreed_reply_at"])
    _event(
        complaint,
        EventKind.REPLY_AGREED,
        actor,
        reason=note,
        reply_at=reply_at.isoformat(),
        previous=previous.isoformat() if previous else None,
    )
    if previous is not None:
        emit(complaint, ComplaintTrigger.RESCHEDULED)
    emit(complaint, ComplaintTrigger.REPLY_AGREED, due_at=reply_at)
    return complaint


@transaction.atomic
def complaint_answer_on_spot(*, actor, complaint: Complaint, content: str, expected_version: int | None = None):
    """Handled on the spot (当场处理): the ticket is resolved, and the desk replies to the customer with their
    opinion within 2 h (002 §7.1)."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.work", complaint, _("您无权处理该投诉"))
    _open(complaint)
    content = clean_text(content, "content", limit=1000)
    complaint.on_the_spot = True
    save(complaint, ["on_the_spot"])
    _event(complaint, EventKind.ON_THE_SPOT, actor, reason=content)
    complaint.ticket = ticket_transition(
        actor=actor, ticket=complaint.ticket, to_status=Status.RESOLVED, reason=content
    )
    emit(complaint, ComplaintTrigger.ON_THE_SPOT)
    return complaint


@transaction.atomic
def complaint_reply(
    *,
    actor,
    complaint: Complaint,
    method: str,
    content: str,
    customer_opinion: str = "",
    satisfied: bool | None = None,
    expected_version: int | None = None,
) -> Complaint:
    """A reply to the customer (the ticket's reply) with their opinion kept on the complaint record. A customer
    unhappy with the result of a resolved complaint makes it a repeat complaint for the CS supervisor (R-CP-6)."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.work", complaint, _("您无权处理该投诉"))
    if method not in ReplyMethod.values:
        raise field_error("method", _("未知的答复方式：%(v)s") % {"v": method}, "invalid")
    opinion = clean_text(customer_opinion, "customer_opinion", required=False, limit=1000)
    if complaint.on_the_spot and not opinion:
        raise field_error("customer_opinion", _("当场处理的投诉答复时须记录客户意见"), "required")
    was_done = complaint.ticket.status in (Status.RESOLVED, Status.CLOSED)
    ticket_reply(
        actor=actor,
        ticket=complaint.ticket,
        method=method,
        content=content,
        customer_opinion=opinion,
        satisfied=satisfied,
    )
    complaint.ticket.refresh_from_db()
    if opinion or satisfied is not None:
        complaint.customer_opinion = opinion or complaint.customer_opinion
        complaint.customer_satisfied = satisfied
        complaint.opinion_at = timezone.now()
        save(complaint, ["customer_opinion", "customer_satisfied", "opinion_at"])
        _event(complaint, EventKind.OPINION, actor, reason=opinion, satisfied=satisfied, method=method)
        emit(complaint, ComplaintTrigger.OPINION)
    if satisfied is False and was_done:
        # ticket_reply reopened the ticket, which made the complaint a repeat for the CS supervisor.
        complaint.refresh_from_db()
    return complaint


@transaction.atomic
def complaint_progress(
    *, actor, complaint: Complaint, content: str, method: str = ReplyMethod.PHONE, expected_version: int | None = None
) -> Complaint:
    """Progress told to the customer (slow, assisted and major complaints): an assisted complaint's next
    update falls due again at the center's interval."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.work", complaint, _("您无权处理该投诉"))
    _open(complaint)
    if method not in ReplyMethod.values:
        raise field_error("method", _("未知的告知方式：%(v)s") % {"v": method}, "invalid")
    content = clean_text(content, "content", limit=1000)
    complaint.last_progress_at = timezone.now()
    save(complaint, ["last_progress_at"])
    _event(complaint, EventKind.PROGRESS, actor, reason=content, method=method)
    emit(complaint, ComplaintTrigger.PROGRESS)
    if complaint.validity == Validity.ASSISTED:
        emit(complaint, ComplaintTrigger.ASSISTED)
    return complaint


@transaction.atomic
def complaint_mark_major(*, actor, complaint: Complaint, reason: str, expected_version: int | None = None):
    """A major matter (R-FB-3): progress within 48 h and the direct superior told at once (the deadline's first
    ladder step). A complaint recorded as urgent runs the ticket core's own 48 h clock already."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.classify", complaint, _("您无权处理该投诉"))
    _open(complaint)
    reason = clean_text(reason, "reason", limit=500)
    if complaint.major:
        raise field_error("major", _("该投诉已标记为重大事项"), "already")
    complaint.major = True
    save(complaint, ["major"])
    _event(complaint, EventKind.MAJOR, actor, reason=reason)
    if complaint.ticket.priority != Priority.URGENT:
        emit(complaint, ComplaintTrigger.MAJOR)
    return complaint


@transaction.atomic
def complaint_set_facts(
    *,
    actor,
    complaint: Complaint,
    written: bool | None = None,
    source: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """Correct whether it is a written complaint (a letter) and where it came from, with a reason."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.classify", complaint, _("您无权修改该投诉"))
    if source is not None and source not in Source.values:
        raise field_error("source", _("未知的投诉来源：%(v)s") % {"v": source}, "invalid")
    changes = {}
    if written is not None and written != complaint.written:
        changes["written"] = written
    if source is not None and source != complaint.source:
        changes["source"] = source
    if not changes:
        return complaint
    reason = clean_text(reason, "reason", limit=500)
    before = {field: getattr(complaint, field) for field in changes}
    for field, value in changes.items():
        setattr(complaint, field, value)
    save(complaint, list(changes))
    if "written" in changes:
        _event(complaint, EventKind.WRITTEN, actor, reason=reason, from_value=before["written"], to_value=written)
    if "source" in changes:
        _event(complaint, EventKind.SOURCE, actor, reason=reason, from_value=before["source"], to_value=source)
    return complaint


@transaction.atomic
def complaint_file_original(
    *, actor, complaint: Complaint, archive_no: str, expected_version: int | None = None
) -> Complaint:
    """The records clerk files the original letter of a written complaint (R-IN-7)."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.file_original", complaint, _("只有资料管理员可以归档书面投诉原件"))
    if not complaint.written:
        raise field_error("written", _("该投诉不是书面投诉，没有原件可归档"), "not_written")
    if complaint.original_filed_at is not None:
        raise field_error(
            "archive_no", _("原件已归档（档案号 %(no)s）") % {"no": complaint.original_archive_no}, "filed"
        )
    complaint.original_archive_no = clean_text(archive_no, "archive_no", limit=50)
    complaint.original_filed_at = timezone.now()
    complaint.original_filed_by = actor
    save(complaint, ["original_archive_no", "original_filed_at", "original_filed_by"])
    _event(
        complaint,
        EventKind.ORIGINAL_FILED,
        actor,
        reason=t(N_("书面投诉原件已归档，档案号 %(no)s"), no=complaint.original_archive_no).dumps(),
    )
    return complaint
