"""Drafting a notice: its fields checked, its body made safe, its audience placed within the center, its
attachments checked by their bytes (R-PB-1)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from propdesk.communities.models import Building, Community, SpecialCustomer, Unit
from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require

from ..choices import (
    EDITABLE_STATES,
    OUTAGE_KINDS,
    Audience,
    Language,
    NoticeEventKind,
    NoticeKind,
    Topic,
    Utility,
)
from ..models import Attachment, Notice, NoticeEvent
from .common import aware, clean_body, lock

FIELDS = (
    "kind", "topic", "title", "body", "language", "audience", "valid_from", "valid_until",
    "utility", "starts_at", "ends_at", "answer_text",
)  # fmt: skip
ATTACHMENTS_MAX = 10


def _choice(value, choices, field: str, message: str) -> str:
    if value not in choices.values:
        raise field_error(field, message, "invalid_choice")
    return value


def _moment(value, field: str, *, required: bool) -> dt.datetime | None:
    if value is None:
        if required:
            raise field_error(field, _("请填写时间"), "required")
        return None
    if not isinstance(value, dt.datetime):
        raise field_error(field, _("时间格式不正确"), "invalid")
    return check_date(aware(value), field)


def _scalars(center, data: dict) -> dict:
    """The checked plain fields of a notice (every error at once)."""
    errors: dict[str, list] = {}
    out: dict = {}

    def run(name, check):
        try:
            out[name] = check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)

    kind = data.get("kind")
    run("kind", lambda: _choice(kind, NoticeKind, "kind", _("请选择公告类别")))
    run("topic", lambda: _choice(data.get("topic") or "", Topic, "topic", _("请选择宣传主题")))
    run("title", lambda: clean_text(data.get("title"), "title", limit=100))
    run("body", lambda: clean_text(clean_body(data.get("body") or ""), "body", limit=20000))
    run("language", lambda: _choice(data.get("language") or Language.ZH, Language, "language", _("请选择语言")))
    run("audience", lambda: _choice(data.get("audience"), Audience, "audience", _("请选择发布对象")))
    run("valid_from", lambda: _moment(data.get("valid_from"), "valid_from", required=True))
    run("valid_until", lambda: _moment(data.get("valid_until"), "valid_until", required=True))
    outage = kind in OUTAGE_KINDS
    run(
        "utility", lambda: _choice(data.get("utility") or "", Utility, "utility", _("请选择停止项目")) if outage else ""
    )
    run("starts_at", lambda: _moment(data.get("starts_at"), "starts_at", required=outage) if outage else None)
    run("ends_at", lambda: _moment(data.get("ends_at"), "ends_at", required=outage) if outage else None)
    run("answer_text", lambda: clean_text(data.get("answer_text"), "answer_text", required=False, limit=300))
    if "source" in data:  # set by core.publishing's drafter; the editor leaves it as it is
        run("source", lambda: clean_text(data.get("source"), "source", required=False, limit=100))
    if outage and not out.get("utility") and "utility" not in errors:
        errors["utility"] = [_("请选择停止项目")]
    if out.get("valid_from") and out.get("valid_until") and out["valid_until"] <= out["valid_from"]:
        errors.setdefault("valid_until", []).append(_("有效期结束须晚于开始"))
    if out.get("starts_at") and out.get("ends_at") and out["ends_at"] <= out["starts_at"]:
        errors.setdefault("ends_at", []).append(_("结束时间须晚于开始时间"))
    if errors:
        raise ValidationError(errors)
    return out


def _audience(center, data: dict, audience: str) -> tuple:
    """The community and the buildings, units and special customers a notice is addressed to."""
    community = None
    community_id = data.get("community_id")
    if audience not in (Audience.COMPANY, Audience.CENTER):
        community = Community.objects.filter(pk=community_id or 0, service_center=center).first()
        if community is None:
            raise field_error("community", _("请选择本服务中心的小区"), "required")
    buildings, units, customers = [], [], []
    if audience == Audience.BUILDINGS:
        buildings = list(Building.objects.filter(community=community, pk__in=data.get("building_ids") or []))
        if not buildings:
            raise field_error("buildings", _("请至少选择一栋楼"), "required")
    if audience == Audience.UNITS:
        units = list(Unit.objects.filter(building__community=community, pk__in=data.get("unit_ids") or []))
        if not units:
            raise field_error("units", _("请至少选择一个房号"), "required")
    if audience == Audience.SPECIAL:
        customers = list(
            SpecialCustomer.objects.filter(
                community=community, is_active=True, pk__in=data.get("special_customer_ids") or []
            )
        )
        if not customers:
            raise field_error("special_customers", _("请至少选择一个特殊顾客"), "required")
    return community, buildings, units, customers


def _apply(notice: Notice, center, data: dict) -> Notice:
    values = _scalars(center, data)
    community, buildings, units, customers = _audience(center, data, values["audience"])
    for name in (*FIELDS, "source"):
        if name in values:
            setattr(notice, name, values[name])
    notice.community = community
    notice.save()
    notice.buildings.set(buildings)
    notice.units.set(units)
    notice.special_customers.set(customers)
    return notice


@transaction.atomic
def notice_create(*, actor, service_center, data: dict) -> Notice:
    """A new draft notice of ``service_center``; ``data`` holds the fields, ``community_id`` and the ids of the
    buildings, units or special customers its audience names."""
    probe = Notice(service_center=service_center)
    require(actor, "notice.draft", probe, _("您无权为该服务中心起草公告"))
    notice = _apply(Notice(service_center=service_center, created_by=actor), service_center, data)
    NoticeEvent.record(notice, NoticeEventKind.CREATED, actor, to_status=notice.status)
    return notice


@transaction.atomic
def notice_update(*, actor, notice: Notice, data: dict, expected_version: int | None) -> Notice:
    """Change a draft (or a returned notice) before it is submitted again."""
    require(actor, "notice.draft", notice, _("您无权修改该公告"))
    notice = lock(Notice, notice, expected_version)
    if notice.status not in EDITABLE_STATES:
        raise field_error("status", _("只有草稿或已退回的公告可以修改"), "not_editable")
    notice = _apply(notice, notice.service_center, data)
    Notice.objects.filter(pk=notice.pk).update(version=F("version") + 1)
    NoticeEvent.record(notice, NoticeEventKind.EDITED, actor)
    notice.refresh_from_db()
    return notice


@transaction.atomic
def attachment_add(*, actor, notice: Notice, upload) -> Attachment:
    """Attach a picture or a PDF (recognised by its bytes) to a notice still being drafted."""
    require(actor, "notice.draft", notice, _("您无权修改该公告"))
    notice = lock(Notice, notice, None)
    if notice.status not in EDITABLE_STATES:
        raise field_error("file", _("只有草稿或已退回的公告可以添加附件"), "not_editable")
    if notice.attachments.count() >= ATTACHMENTS_MAX:
        raise field_error("file", _("每条公告最多 %(n)s 个附件") % {"n": ATTACHMENTS_MAX}, "too_many")
    if upload.size > settings.PROPDESK_ATTACHMENT_MAX_BYTES:
        raise field_error("file", _("附件太大"), "too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    name = (upload.name or "")[-120:]
    content_type = sniff_type(head, name)
    if content_type is None:
        raise field_error("file", _("附件须为图片（JPEG/PNG/GIF/WebP/HEIC）或 PDF"), "file_type")
    return Attachment.objects.create(
        notice=notice, file=upload, name=name, content_type=content_type, size=upload.size, uploaded_by=actor
    )
