"""The worker's steps on a job (技术员): decline, accept, on the way, arrived, finished with the
customer's drawn signature, completion reported, the end-of-shift sign-off, materials and photos —
by the worker, or by the control center for them (both recorded; R-WO-2)."""

import base64
import binascii
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from propdesk.core import texts
from propdesk.core.errors import field_error
from propdesk.core.files import sniff_type
from propdesk.core.people import person_name
from propdesk.core.texts import t
from propdesk.notify.services import Message, notify
from propdesk.org.choices import Role
from propdesk.org.models import RoleMembership
from propdesk.sla import services as sla
from propdesk.sla.choices import Trigger
from propdesk.tickets.services.notices import resident_return_visit

from ..choices import EventKind, Status
from ..models import Material, Photo, WorkOrder
from .common import acting_for, check_move, lock, move, shift_end, sync_ticket, touch
from .return_visits import needs_return_visit

SIGNATURE_MAX_BYTES = 512 * 1024
PROGRESS = {
    Status.ACCEPTED: "accepted_at",
    Status.ON_THE_WAY: "on_the_way_at",
    Status.ARRIVED: "arrived_at",
}


@transaction.atomic
def work_order_decline(*, actor, work_order: WorkOrder, reason: str) -> WorkOrder:
    """The worker declines (with a reason): the job goes back to the board."""
    wo = lock(work_order)
    on_behalf_of = acting_for(actor, wo)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写拒单原因"), "required")
    if wo.status not in (Status.ASSIGNED, Status.ACCEPTED, Status.ON_THE_WAY):
        raise field_error("status", _("当前状态不能拒单"), "illegal_transition")
    previous = wo.assignee
    wo.assignee = None
    move(
        wo,
        Status.PENDING,
        actor,
        reason=reason,
        on_behalf_of=on_behalf_of,
        kind=EventKind.DECLINED,
        from_assignee=previous.pk,
    )
    control = RoleMembership.objects.filter(is_active=True, role=Role.CONTROL_OPERATOR).filter(
        Q(service_center=wo.service_center_id) | Q(community=wo.community_id)
    )
    notify(
        recipients=list(get_user_model().objects.filter(pk__in=control.values("user"))),
        message=Message(
            kind="dispatch.declined",
            subject=t(
                gettext_noop("%(who)s 拒单 %(n)s：%(r)s"), who=person_name(previous), n=wo.number, r=reason[:150]
            ),
            url=reverse("dispatch:board"),
            urgent=True,
        ),
        dedupe=f"wo-declined:{wo.pk}:{wo.version}",
    )
    return wo


@transaction.atomic
def work_order_progress(
    *, actor, work_order: WorkOrder, to_status: str, on_behalf_of=None, expected_version: int | None = None
) -> WorkOrder:
    """Accept / on the way / arrived — by the worker, or by a dispatcher for them (both recorded)."""
    wo = lock(work_order, expected_version)
    behalf = acting_for(actor, wo, on_behalf_of)
    if to_status not in PROGRESS:
        raise field_error("status", _("未知的进度：%(v)s") % {"v": to_status}, "invalid")
    if wo.assignee_id is None:
        # Accepting is a worker's step: an order nobody was given cannot be accepted (grab it instead).
        raise field_error("status", _("该工作单尚未派给任何人，不能接单"), "no_assignee")
    setattr(wo, PROGRESS[to_status], timezone.now())
    return move(wo, to_status, actor, on_behalf_of=behalf)


def _signature_file(data_url: str, number: str) -> ContentFile:
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise field_error("signature", _("签名格式不正确"), "invalid")
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise field_error("signature", _("签名格式不正确"), "invalid") from exc
    if len(raw) > SIGNATURE_MAX_BYTES or sniff_type(raw[:16], "s.png") != "image/png":
        raise field_error("signature", _("签名格式不正确"), "invalid")
    return ContentFile(raw, name=f"{number}.png")


@transaction.atomic
def work_order_finish(
    *,
    actor,
    work_order: WorkOrder,
    result: str,
    signature: str = "",
    customer_absent_reason: str = "",
    rating: int | None = None,
    on_behalf_of=None,
    expected_version: int | None = None,
) -> WorkOrder:
    """Work finished on site: the result, and the customer's confirmation (a drawn signature) or why the
    customer could not confirm. Starts the 10-minute completion-report clock (R-WO-2)."""
    wo = lock(work_order, expected_version)
    behalf = acting_for(actor, wo, on_behalf_of)
    result = (result or "").strip()
    if not result:
        raise field_error("result", _("请填写处理结果"), "required")
    absent = (customer_absent_reason or "").strip()
    if not signature and not absent:
        raise field_error("signature", _("请客户在屏幕上签名确认，或填写客户不在场的原因"), "required")
    if rating is not None and not 1 <= rating <= 5:
        raise field_error("rating", _("评价应为 1 到 5"), "invalid")
    # A job that cannot be finished now keeps no signature file either.
    check_move(wo, Status.FINISHED)
    if signature:
        wo.signature.save(f"{wo.number}.png", _signature_file(signature, wo.number), save=False)
        wo.customer_confirmed = True
    else:
        wo.customer_confirmed = False
        wo.customer_absent_reason = absent[:200]
    wo.result = result[:5000]
    wo.customer_rating = rating
    now = timezone.now()
    wo.finished_at = now
    if wo.accepted_at is None:
        wo.accepted_at = now
    move(wo, Status.FINISHED, actor, on_behalf_of=behalf, confirmed=bool(signature), rating=rating)
    sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.WORK_FINISHED, at=now, work_order=wo)
    return wo


@transaction.atomic
def work_order_report(*, actor, work_order: WorkOrder, on_behalf_of=None) -> WorkOrder:
    """Completion reported to the control center (R-WO-2); the end-of-shift sign-off clock starts."""
    wo = lock(work_order)
    behalf = acting_for(actor, wo, on_behalf_of)
    now = timezone.now()
    wo.reported_at = now
    move(wo, Status.REPORTED, actor, on_behalf_of=behalf)
    sla.on_ticket_event(
        ticket=wo.ticket, trigger=Trigger.WORK_REPORTED, at=now, work_order=wo, due_at=shift_end(wo.assignee, now)
    )
    return wo


@transaction.atomic
def work_order_sign_off(*, actor, work_orders: list[WorkOrder], on_behalf_of=None) -> list[WorkOrder]:
    """End-of-shift sign-off at the center (R-WO-2) of reported jobs; then the return visit, or closing
    when the center's policy exempts the job."""
    done = []
    for work_order in sorted(work_orders, key=lambda w: w.pk):
        wo = lock(work_order)
        behalf = acting_for(actor, wo, on_behalf_of)
        now = timezone.now()
        wo.signed_off_at = now
        required, note = needs_return_visit(wo)
        wo.return_visit_required = required
        wo.return_visit_note = texts.dumps(note)
        move(wo, Status.SIGNED_OFF, actor, on_behalf_of=behalf, return_visit_required=required)
        sla.on_ticket_event(ticket=wo.ticket, trigger=Trigger.WORK_SIGNED_OFF, at=now, work_order=wo)
        if not required:
            wo.closed_at = now
            move(wo, Status.CLOSED, actor, reason=note)
        sync_ticket(wo, actor)
        if required:  # the household's portal users are asked how it went (they may answer before the call)
            resident_return_visit(wo.ticket, actor=actor, key=f"wo{wo.pk}")
        done.append(wo)
    return done


@transaction.atomic
def material_add(*, actor, work_order: WorkOrder, name: str, quantity, unit: str = "") -> Material:
    """A material used on the job (name, quantity, unit)."""
    wo = lock(work_order)
    behalf = acting_for(actor, wo)
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("请填写材料名称"), "required")
    try:
        quantity = Decimal(str(quantity))
        if quantity <= 0 or quantity >= 100000:
            raise InvalidOperation
    except (InvalidOperation, ValueError) as exc:
        raise field_error("quantity", _("数量应为大于 0 的数字"), "invalid") from exc
    material = Material.objects.create(
        work_order=wo, name=name[:100], quantity=quantity, unit=(unit or "")[:10], recorded_by=actor
    )
    touch(
        wo,
        actor,
        EventKind.MATERIAL,
        on_behalf_of=behalf,
        material=material.pk,
        name=material.name,
        quantity=str(quantity),
    )
    return material


@transaction.atomic
def photo_add(*, actor, work_order: WorkOrder, stage: str, upload) -> Photo:
    """A photo of the job before or after the repair (an image of at most PROPDESK_ATTACHMENT_MAX_BYTES)."""
    wo = lock(work_order)
    behalf = acting_for(actor, wo)
    if stage not in Photo.Stage.values:
        raise field_error("stage", _("未知的照片阶段"), "invalid")
    if upload.size == 0 or upload.size > settings.PROPDESK_ATTACHMENT_MAX_BYTES:
        raise field_error("file", _("照片为空或过大"), "size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_type(head, upload.name or "")
    if content_type is None or not content_type.startswith("image/"):
        raise field_error("file", _("只能上传照片（JPG、PNG、GIF、WebP、HEIC）"), "invalid_type")
    photo = Photo(work_order=wo, stage=stage, content_type=content_type, uploaded_by=actor)
    photo.file.save(upload.name.rsplit("/", 1)[-1][:100], upload, save=False)
    photo.save()
    touch(wo, actor, EventKind.PHOTO, on_behalf_of=behalf, photo=photo.pk, stage=stage)
    return photo
