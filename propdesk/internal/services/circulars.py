"""Circulated documents (信息传达, R-IC-4, 000 §3.2.3): the information manager registers a company department's
information with its transmission level, its targets (roles, departments, people) and the date by which it
must be carried out; each recipient acknowledges reading it and, where required, confirms it is carried out;
unread and overdue recipients are chased automatically; at "meeting" level the meeting record with its
attendees replaces individual acknowledgement; at "email" level it is also sent by email (SMTP)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import MEMBERSHIP_ROLES
from propdesk.org.models import Department, RoleMembership

from ..choices import CircularEventKind, Level
from ..models import Circular, CircularAttachment, CircularEvent, CircularRecipient
from .common import lock

# A recipient who has not read a circular is chased a day after it was registered, then every day.
CHASE_AFTER = dt.timedelta(hours=24)
# Attachments: PDFs and images (recognised by their bytes), at most 5 of 10 MB each.
MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024


def _clean_files(files) -> list[tuple[str, bytes, str]]:
    """(name, content, content type) of each upload ``(name, bytes)``; a wrong type or size is refused."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise field_error("files", _("附件最多 5 个"), "too_many")
    cleaned = []
    for name, content in files:
        name = clean_text(name, "files", limit=100).replace("/", "_").replace("\\", "_")
        if not content:
            raise field_error("files", _("附件 %(name)s 是空文件") % {"name": name}, "empty")
        if len(content) > MAX_FILE_SIZE:
            raise field_error("files", _("附件 %(name)s 超过 10 MB") % {"name": name}, "too_large")
        content_type = sniff_type(bytes(content[:16]), name)
        if content_type is None:
            raise field_error("files", _("附件 %(name)s 不是 PDF 或图片") % {"name": name}, "invalid_type")
        cleaned.append((name, bytes(content), content_type))
    return cleaned


def _people(center, roles, department_ids, user_ids) -> list:
    users = get_user_model().objects.filter(is_active=True)
    members = RoleMembership.objects.filter(is_active=True, role__in=roles).filter(
        Q(service_center=center.pk) | Q(community__service_center=center.pk)
    )
    wanted = Q(pk__in=members.values("user")) | Q(staff_profile__department_id__in=department_ids)
    wanted |= Q(pk__in=user_ids, staff_profile__department__service_center=center.pk)
    return list(users.filter(wanted).distinct().order_by("pk"))


def _clean_targets(center, roles, department_ids, user_ids):
    roles = list(dict.fromkeys(roles or []))
    if any(r not in MEMBERSHIP_ROLES for r in roles):
        raise field_error("roles", _("岗位不正确"), "invalid_choice")
    department_ids = list(dict.fromkeys(department_ids or []))
    if Department.objects.filter(pk__in=department_ids, service_center=center).count() != len(department_ids):
        raise field_error("department_ids", _("只能选择本服务中心的部门"), "invalid_choice")
    return roles, department_ids, list(dict.fromkeys(user_ids or []))


@transaction.atomic
def circular_register(
    *,
    actor,
    center,
    title: str,
    source: str,
    level: str,
    body: str = "",
    roles=(),
    department_ids=(),
    user_ids=(),
    requires_execution: bool = False,
    due_on: dt.date | None = None,
    files=(),
) -> Circular:
    """Register the information with its attached files (``(name, bytes)``) and reach its recipients (in-app;
    by email too at "email" level, with the files attached)."""
    probe = Circular(service_center=center)
    require(actor, "circular.register", probe, _("只有信息管理员或服务中心经理可以登记信息传达"))
    title = clean_text(title, "title", limit=100)
    source = clean_text(source, "source", limit=100)
    body = clean_text(body, "body", required=False, limit=5000)
    if level not in Level.values:
        raise field_error("level", _("请选择传送级别"), "invalid_choice")
    roles, department_ids, user_ids = _clean_targets(center, roles, department_ids, user_ids)
    check_date(due_on, "due_on")
    if requires_execution and due_on is None:
        raise field_error("due_on", _("需要落实的信息请填写落实期限"), "required")
    if due_on is not None and due_on < timezone.localdate():
        raise field_error("due_on", _("落实期限不能早于今天"), "past")
    files = _clean_files(files)
    people = _people(center, roles, department_ids, user_ids)
    if not people:
        raise field_error("roles", _("请选择传达对象（岗位、部门或人员）"), "required")
    circular = Circular.objects.create(
        service_center=center,
        title=title,
        source=source,
        body=body,
        level=level,
        requires_execution=requires_execution,
        due_on=due_on,
        target_roles=roles,
        created_by=actor,
    )
    circular.target_departments.set(department_ids)
    for name, content, content_type in files:
        CircularAttachment.objects.create(
            circular=circular,
            file=ContentFile(content, name=name),
            name=name,
            content_type=content_type,
            size=len(content),
        )
    CircularRecipient.objects.bulk_create([CircularRecipient(circular=circular, user=u) for u in people])
    CircularEvent.record(circular, CircularEventKind.REGISTERED, actor, recipients=len(people), level=level)
    notify(
        recipients=people,
        message=Message(
            kind="internal.circular",
            subject=t(N_("信息传达：%(title)s（%(source)s）"), title=title, source=source),
            body=body[:200],
            url=reverse("internal:circular", args=[circular.pk]),
        ),
        dedupe=f"internal.circular:{circular.pk}",
    )
    if level == Level.EMAIL:
        addresses = [u.email for u in people if u.email]
        transaction.on_commit(lambda: _send_email(circular.pk, addresses))
        CircularEvent.record(circular, CircularEventKind.EMAILED, actor, addresses=len(addresses))
    return circular


def _send_email(circular_pk: int, addresses: list[str]) -> None:
    """Send the circular by SMTP (Django's mail backend), one message per recipient, after the commit."""
    circular = Circular.objects.get(pk=circular_pk)
    attachments = []
    for item in circular.attachments.all():
        with item.file.open("rb") as handle:
            attachments.append((item.name, handle.read(), item.content_type))
    with get_connection() as connection:
        for address in addresses:
            EmailMessage(
                subject=f"[{circular.source}] {circular.title}",
                body=circular.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                connection=connection,
                attachments=attachments,
            ).send()


def _my_row(actor, circular: Circular) -> CircularRecipient:
    row = CircularRecipient.objects.select_for_update().filter(circular=circular, user=actor).first()
    if row is None:
        raise field_error("circular", _("您不是这份信息的传达对象"), "not_recipient")
    if circular.closed_at is not None:
        raise field_error("circular", _("这份信息已关闭"), "closed")
    return row


@transaction.atomic
def circular_acknowledge(*, actor, circular: Circular) -> CircularRecipient:
    """A recipient acknowledges reading it (not at "meeting" level: the meeting record does that)."""
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    row = _my_row(actor, circular)
    if circular.level == Level.MEETING:
        raise field_error("circular", _("会议传达的信息以会议签到为准，无需单独确认"), "meeting_level")
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
        CircularEvent.record(circular, CircularEventKind.READ, actor)
    return row


@transaction.atomic
def circular_done(*, actor, circular: Circular, note: str = "") -> CircularRecipient:
    """A recipient confirms it is carried out (reading it first if not yet read)."""
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    row = _my_row(actor, circular)
    if not circular.requires_execution:
        raise field_error("circular", _("这份信息无需落实确认"), "no_execution")
    if row.done_at is not None:
        raise field_error("circular", _("已确认落实"), "done")
    if row.read_at is None and circular.level == Level.MEETING:
        raise field_error("circular", _("请先参加传达会议"), "meeting_level")
    now = timezone.now()
    row.read_at = row.read_at or now
    row.done_at = now
    row.done_note = clean_text(note, "note", required=False, limit=200)
    row.save(update_fields=["read_at", "done_at", "done_note"])
    CircularEvent.record(circular, CircularEventKind.DONE, actor, reason=row.done_note)
    return row


@transaction.atomic
def circular_meeting(
    *, actor, circular: Circular, held_at: dt.datetime, minutes: str, attendee_ids, expected_version=None
) -> Circular:
    """At "meeting" level: the meeting record with its attendees; every attending recipient counts as read."""
    require(actor, "circular.track", circular, _("只有信息管理员或服务中心经理可以登记传达会议"))
    circular = lock(Circular, circular, expected_version, _("这份信息已被更新，请刷新后重试"))
    if circular.level != Level.MEETING:
        raise field_error("level", _("只有会议级别的信息需要登记传达会议"), "not_meeting")
    if held_at is None:
        raise field_error("held_at", _("请填写会议时间"), "required")
    check_date(held_at, "held_at")
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at > timezone.now():
        raise field_error("held_at", _("会议时间不能晚于现在"), "future")
    minutes = clean_text(minutes, "minutes", limit=5000)
    rows = CircularRecipient.objects.filter(circular=circular, user_id__in=list(attendee_ids or []))
    if not rows.exists():
        raise field_error("attendee_ids", _("请选择参会的传达对象"), "required")
    attended = rows.filter(read_at__isnull=True).update(read_at=held_at, via_meeting=True)
    circular.meeting_at = held_at
    circular.meeting_minutes = minutes
    circular.version += 1
    circular.save(update_fields=["meeting_at", "meeting_minutes", "version"])
    CircularEvent.record(circular, CircularEventKind.MEETING, actor, attendees=attended)
    return circular


@transaction.atomic
def circular_close(*, actor, circular: Circular, expected_version=None) -> Circular:
    require(actor, "circular.track", circular, _("只有信息管理员或服务中心经理可以关闭信息传达"))
    circular = lock(Circular, circular, expected_version, _("这份信息已被更新，请刷新后重试"))
    if circular.closed_at is not None:
        raise field_error("circular", _("这份信息已关闭"), "closed")
    circular.closed_at = timezone.now()
    circular.version += 1
    circular.save(update_fields=["closed_at", "version"])
    CircularEvent.record(circular, CircularEventKind.CLOSED, actor)
    return circular


def _pending(now: dt.datetime):
    """Recipients to chase now: not read a day after registration (not at meeting level), or past the due date
    and not carried out; at most once a day each."""
    today = timezone.localdate(now)
    unread = Q(read_at__isnull=True, circular__created_at__lte=now - CHASE_AFTER) & ~Q(circular__level=Level.MEETING)
    overdue = Q(circular__requires_execution=True, circular__due_on__lt=today, done_at__isnull=True)
    return (
        CircularRecipient.objects.filter(circular__closed_at__isnull=True)
        .filter(unread | overdue)
        .filter(Q(chased_at__isnull=True) | Q(chased_at__lte=now - CHASE_AFTER))
        .select_related("circular", "user")
    )


def chase_circulars(*, now: dt.datetime | None = None) -> int:
    """Chase every recipient who has not read, or not carried out by its due date, a circular (once a day)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    chased = 0
    for pk in list(_pending(now).values_list("pk", flat=True)):
        with transaction.atomic():
            row = CircularRecipient.objects.select_for_update().select_related("circular", "user").get(pk=pk)
            circular = row.circular
            late = circular.requires_execution and circular.due_on and circular.due_on < today and not row.done_at
            if row.read_at is None and not late:
                msgid = N_("请阅读并确认：%(title)s（%(source)s）")
            else:
                msgid = N_("已过落实期限 %(due)s：%(title)s，请落实并确认")
            row.chased_at = now
            row.chases += 1
            row.save(update_fields=["chased_at", "chases"])
            CircularEvent.record(circular, CircularEventKind.CHASED, None, user=row.user_id, late=bool(late))
            notify(
                recipients=[row.user],
                message=Message(
                    kind="internal.circular_chase",
                    subject=t(
                        msgid,
                        title=circular.title,
                        source=circular.source,
                        due=f"{circular.due_on:%m-%d}" if circular.due_on else "",
                    ),
                    url=reverse("internal:circular", args=[circular.pk]),
                ),
                dedupe=f"internal.circular_chase:{row.pk}:{today}",
            )
            chased += 1
    return chased
