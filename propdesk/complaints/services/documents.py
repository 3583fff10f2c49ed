"""The complaint's written documents (R-CP-1, R-CP-2): a written complaint's reply letter, the class-2 facilities
report to the developer and the class-3 report to the departments concerned; each is drafted (the template frames
the body written here), printed with the center's seal and its sending recorded (when, how, by whom)."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import StaleVersion, field_error
from propdesk.core.inputs import clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import label, t

from .. import permissions  # noqa: F401  (declares the complaint rules)
from ..choices import DeveloperMatter, EventKind, ResponsibilityClass
from ..models import Complaint, ComplaintLetter
from ..models_documents import LetterKind, SendMethod
from .base import _event, lock, save
from .collective_handling import _moment
from .owners import developer_of


def default_recipient(complaint: Complaint, kind: str) -> str:
    """Who the document goes to, from the complaint and the master data (the handler may change it)."""
    if kind == LetterKind.REPLY:
        ticket = complaint.ticket
        return ticket.contact_name or (str(complaint.household.unit) if complaint.household_id else "")
    if kind == LetterKind.DEVELOPER:
        developer = developer_of(complaint)
        return _("%(name)s 客户服务中心") % {"name": developer.name} if developer else ""
    return ""


def letter_kinds(complaint: Complaint) -> list[str]:
    """The documents the complaint calls for: a letter's written reply (R-CP-1), the written report to the
    developer of a class-2 facilities complaint and to the departments concerned of a class-3 one (R-CP-2)."""
    kinds = []
    if complaint.written:
        kinds.append(LetterKind.REPLY)
    if (
        complaint.responsibility_class == ResponsibilityClass.DEVELOPER
        and complaint.developer_matter == DeveloperMatter.FACILITIES
    ):
        kinds.append(LetterKind.DEVELOPER)
    if complaint.responsibility_class == ResponsibilityClass.EXTERNAL:
        kinds.append(LetterKind.DEPARTMENT)
    return kinds


def _check_kind(complaint: Complaint, kind: str) -> None:
    if kind not in LetterKind.values:
        raise field_error("kind", _("未知的文书类别：%(v)s") % {"v": kind}, "invalid")
    if kind == LetterKind.REPLY and not complaint.written:
        raise field_error("kind", _("只有书面投诉需要书面答复函"), "not_written")
    if kind == LetterKind.DEVELOPER and not (
        complaint.responsibility_class == ResponsibilityClass.DEVELOPER
        and complaint.developer_matter == DeveloperMatter.FACILITIES
    ):
        raise field_error("kind", _("致开发商书面报告用于二类（配套设施）投诉"), "wrong_class")
    if kind == LetterKind.DEPARTMENT and complaint.responsibility_class != ResponsibilityClass.EXTERNAL:
        raise field_error("kind", _("致有关部门书面报告用于三类投诉"), "wrong_class")


@transaction.atomic
def complaint_letter_write(
    *, actor, complaint: Complaint, kind: str, body: str, recipient: str = "", expected_version: int | None = None
) -> ComplaintLetter:
    """Draft one document of ``kind`` for the complaint (the print template adds the heading, the center's seal
    and the date)."""
    complaint = lock(complaint, expected_version)
    require(actor, "complaint.write_letter", complaint, _("您无权为该投诉拟写文书"))
    _check_kind(complaint, kind)
    recipient = clean_text(recipient or default_recipient(complaint, kind), "recipient", limit=100)
    body = clean_text(body, "body", limit=5000)
    letter = ComplaintLetter.objects.create(
        complaint=complaint, kind=kind, recipient=recipient, body=body, written_by=actor
    )
    save(complaint, [])
    _event(
        complaint,
        EventKind.LETTER_WRITTEN,
        actor,
        reason=t(N_("拟写%(kind)s，收件人：%(to)s"), kind=label(LetterKind(kind).label), to=recipient).dumps(),
        letter=letter.pk,
        letter_kind=kind,
    )
    return letter


@transaction.atomic
def complaint_letter_send(
    *,
    actor,
    letter: ComplaintLetter,
    method: str,
    sent_at: dt.datetime | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> ComplaintLetter:
    """Record that the document was sent: when, how (post, by hand, e-mail, fax) and by whom."""
    letter = ComplaintLetter.objects.select_for_update().select_related("complaint").get(pk=letter.pk)
    if expected_version is not None and letter.version != expected_version:
        raise StaleVersion(
            _("该文书已被他人修改（当前版本 %(v)s），请刷新后重试") % {"v": letter.version}, code="stale_version"
        )
    complaint = letter.complaint
    require(actor, "complaint.send_letter", complaint, _("您无权记录该文书的发出"))
    if letter.sent_at is not None:
        raise field_error(
            "sent_at",
            _("该文书已于 %(t)s 发出") % {"t": f"{timezone.localtime(letter.sent_at):%Y-%m-%d %H:%M}"},
            "sent",
        )
    if method not in SendMethod.values:
        raise field_error("method", _("请选择发出方式"), "invalid")
    sent_at = _moment(sent_at or timezone.now(), "sent_at")
    if sent_at > timezone.now() + dt.timedelta(minutes=5):
        raise field_error("sent_at", _("发出时间不能晚于现在"), "future")
    if sent_at < letter.written_at - dt.timedelta(minutes=5):
        raise field_error("sent_at", _("发出时间不能早于拟稿时间"), "too_early")
    letter.sent_at, letter.sent_method, letter.sent_by = sent_at, method, actor
    letter.sent_note = clean_text(note, "note", required=False, limit=200)
    letter.version = F("version") + 1
    letter.save(update_fields=["sent_at", "sent_method", "sent_by", "sent_note", "version"])
    letter.refresh_from_db(fields=["version"])
    _event(
        complaint,
        EventKind.LETTER_SENT,
        actor,
        reason=t(
            N_("%(kind)s已发出（%(method)s），收件人：%(to)s"),
            kind=label(LetterKind(letter.kind).label),
            method=label(SendMethod(method).label),
            to=letter.recipient,
        ).dumps(),
        letter=letter.pk,
        letter_kind=letter.kind,
        method=method,
        sent_at=sent_at.isoformat(),
    )
    return letter


def written_reply_before_resolving(*, ticket, to_status: str, actor) -> None:
    """A written complaint (a letter) is answered in writing (R-CP-1): its ticket is not resolved or closed before
    a reply letter has been sent. Registered with ``tickets.services.before_ticket_transition``."""
    from propdesk.tickets.choices import Status

    if to_status not in (Status.RESOLVED, Status.CLOSED):
        return
    complaint = Complaint.objects.filter(ticket_id=ticket.pk, written=True).only("pk").first()
    if complaint is None:
        return
    if not ComplaintLetter.objects.filter(complaint=complaint, kind=LetterKind.REPLY, sent_at__isnull=False).exists():
        raise field_error("status", _("书面投诉须先发出书面答复函，才能办结或关闭"), "written_reply_required")
