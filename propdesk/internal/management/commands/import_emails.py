"""Read important emails from a Maildir or an mbox (the information manager's inbound address, delivered by the
mail server) and turn each new one into a task for its owner (``services.email_forward``); a message already
imported (same Message-ID) is skipped. Imported Maildir messages are marked seen."""

import datetime as dt
import mailbox
from email.header import decode_header, make_header
from email.utils import parsedate_to_datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from propdesk.internal.models import EmailTask
from propdesk.internal.services import email_forward
from propdesk.org.models import ServiceCenter


def _text(value) -> str:
    return str(make_header(decode_header(value or ""))).strip()


def _body(message) -> str:
    part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), None)
    if part is None:
        return ""
    payload = part.get_payload(decode=True) or b""
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


def _received(message) -> dt.datetime:
    try:
        moment = parsedate_to_datetime(message["Date"])
    except (TypeError, ValueError):
        return timezone.now()
    return moment if moment.tzinfo else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "把 Maildir 或 mbox 中的重要邮件转为待办（负责人、到期时限）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="Maildir 目录或 mbox 文件")
        parser.add_argument("--center", type=int, required=True, help="服务中心 id")
        parser.add_argument("--owner", required=True, help="负责人的用户名")
        parser.add_argument("--due-hours", type=int, default=48, help="收件后多少小时到期（默认 48）")

    def handle(self, *args, path, center, owner, due_hours, **options):
        site = ServiceCenter.objects.filter(pk=center).first()
        user = get_user_model().objects.filter(username=owner, is_active=True).first()
        if site is None or user is None:
            raise CommandError("服务中心或负责人不存在")
        if not 1 <= due_hours <= 24 * 60:
            raise CommandError("--due-hours 应在 1 到 1440 之间")
        box = mailbox.Maildir(path, create=False) if _is_maildir(path) else mailbox.mbox(path, create=False)
        created = skipped = 0
        for key, message in box.items():
            message_id = _text(message["Message-ID"])[:200]
            if message_id and EmailTask.objects.filter(service_center=site, message_id=message_id).exists():
                skipped += 1
                continue
            received = _received(message)
            try:
                email_forward(
                    actor=None,
                    center=site,
                    sender=_text(message["From"]) or "?",
                    subject=_text(message["Subject"]) or "(无主题)",
                    body=_body(message),
                    received_at=min(received, timezone.now()),
                    owner_id=user.pk,
                    due_at=max(received, timezone.now()) + dt.timedelta(hours=due_hours),
                    message_id=message_id,
                )
            except ValidationError as exc:
                skipped += 1
                self.stderr.write(f"{key}: {'; '.join(exc.messages)}")
                continue
            created += 1
            if isinstance(box, mailbox.Maildir):
                message.add_flag("S")
                box[key] = message
        self.stdout.write(f"imported={created} skipped={skipped}")


def _is_maildir(path: str) -> bool:
    from pathlib import Path

    return (Path(path) / "cur").is_dir() and (Path(path) / "new").is_dir()
