"""A community's public fee schedule and its utility and service contacts (R-PB-1, 001 §4.2.2 A/C), kept by
the center: every field checked (the legal ones required), every change an event."""

import datetime as dt
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from propdesk.communities.models import Community
from propdesk.core.errors import field_error
from propdesk.core.events import model_changes, record_event, snapshot
from propdesk.core.inputs import check_date, clean_text
from propdesk.core.permissions import require

from ..choices import GOVERNMENT_REGIMES, ContactKind, PriceRegime
from ..models import FeeItem, ServiceContact
from .common import lock

_FEE_TEXTS = {  # field: (limit, required)
    "item": (60, True),
    "payer": (60, False),
    "service_content": (200, False),
    "service_standard": (100, False),
    "unit": (30, True),
    "billing_method": (100, True),
    "billing_start": (100, False),
    "basis": (200, True),
    "authority": (100, False),
    "approval_no": (60, False),
}
_CONTACT_TEXTS = {"name": (60, True), "phone": (30, True), "hours": (60, False), "note": (200, False)}


def _collect(data: dict, texts: dict) -> tuple[dict, dict]:
    out, errors = {}, {}
    for name, (limit, required) in texts.items():
        try:
            out[name] = clean_text(data.get(name), name, required=required, limit=limit)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return out, errors


def _date(value, field: str, *, required: bool):
    if value in (None, ""):
        if required:
            raise field_error(field, _("请填写日期"), "required")
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise field_error(field, _("日期格式不正确"), "invalid") from exc
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise field_error(field, _("日期格式不正确"), "invalid")
    return check_date(value, field)


def _price(value) -> decimal.Decimal:
    try:
        price = decimal.Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError) as exc:
        raise field_error("price", _("请填写收费标准（金额）"), "invalid") from exc
    if not price.is_finite() or price < 0 or price >= decimal.Decimal("100000000"):
        raise field_error("price", _("收费标准须为 0 至 99999999.99 之间的金额"), "invalid")
    return price.quantize(decimal.Decimal("0.01"))


def _fee_values(data: dict) -> dict:
    out, errors = _collect(data, _FEE_TEXTS)

    def run(name, check):
        try:
            out[name] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)

    run("price", lambda: _price(data.get("price")))
    regime = data.get("price_regime")
    if regime not in PriceRegime.values:
        errors["price_regime"] = [_("请选择价格管理形式")]
    out["price_regime"] = regime
    run("effective_from", lambda: _date(data.get("effective_from"), "effective_from", required=True))
    run("effective_until", lambda: _date(data.get("effective_until"), "effective_until", required=False))
    out["collected_for_others"] = bool(data.get("collected_for_others"))
    out["sort_order"] = _order(data.get("sort_order"))
    if regime in GOVERNMENT_REGIMES:
        for name in ("authority", "approval_no"):
            if not out.get(name) and name not in errors:
                errors[name] = [_("政府定价或政府指导价须填写批准机关和批准文号")]
    start, end = out.get("effective_from"), out.get("effective_until")
    if start and end and end < start:
        errors.setdefault("effective_until", []).append(_("截止日期不能早于执行日期"))
    if errors:
        raise ValidationError(errors)
    return out


def _order(value) -> int:
    try:
        return max(0, min(int(value or 0), 999))
    except (TypeError, ValueError):
        return 0


def _community(actor, center, community_id) -> Community:
    community = Community.objects.filter(pk=community_id or 0, service_center=center).first()
    if community is None:
        raise field_error("community", _("请选择本服务中心的小区"), "required")
    return community


def _save(actor, model, obj, values: dict, expected_version, verb: str):
    if obj.pk is None:
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        record_event(actor=actor, verb=f"{verb}.created", target=obj, data=model_changes(obj, None))
        return obj
    obj = lock(model, obj, expected_version)
    before = snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.version = F("version") + 1
    obj.save()
    obj.refresh_from_db()
    changes = {k: v for k, v in model_changes(obj, before).items() if k != "version"}
    record_event(actor=actor, verb=f"{verb}.changed", target=obj, data=changes)
    return obj


@transaction.atomic
def fee_item_save(
    *, actor, service_center, data: dict, item: FeeItem | None = None, expected_version: int | None = None
) -> FeeItem:
    """Add a line to a community's fee schedule (``item`` None) or change one; ``data`` holds the fields and
    ``community_id``."""
    target = item or FeeItem(service_center=service_center)
    require(actor, "board.manage", target, _("您无权维护收费价目表"))
    values = _fee_values(data)
    values["community"] = _community(actor, target.service_center, data.get("community_id"))
    return _save(actor, FeeItem, target, values, expected_version, "notices.fee_item")


@transaction.atomic
def fee_item_delete(*, actor, item: FeeItem, expected_version: int | None = None) -> None:
    require(actor, "board.manage", item, _("您无权维护收费价目表"))
    item = lock(FeeItem, item, expected_version)
    record_event(actor=actor, verb="notices.fee_item.deleted", target=item, data=snapshot(item))
    item.delete()


def _contact_values(data: dict) -> dict:
    out, errors = _collect(data, _CONTACT_TEXTS)
    kind = data.get("kind")
    if kind not in ContactKind.values:
        errors["kind"] = [_("请选择类别")]
    phone = out.get("phone", "")
    if phone and not all(c.isdigit() or c in "-+ ()转" for c in phone):
        errors["phone"] = [_("电话只能包含数字、空格和 -+()")]
    if errors:
        raise ValidationError(errors)
    out.update(kind=kind, sort_order=_order(data.get("sort_order")), is_active=bool(data.get("is_active", True)))
    return out


@transaction.atomic
def contact_save(
    *, actor, service_center, data: dict, contact: ServiceContact | None = None, expected_version: int | None = None
) -> ServiceContact:
    """Add a service contact to a community's board (``contact`` None) or change one."""
    target = contact or ServiceContact(service_center=service_center)
    require(actor, "board.manage", target, _("您无权维护服务联系电话"))
    values = _contact_values(data)
    values["community"] = _community(actor, target.service_center, data.get("community_id"))
    return _save(actor, ServiceContact, target, values, expected_version, "notices.contact")


@transaction.atomic
def contact_delete(*, actor, contact: ServiceContact, expected_version: int | None = None) -> None:
    require(actor, "board.manage", contact, _("您无权维护服务联系电话"))
    contact = lock(ServiceContact, contact, expected_version)
    record_event(actor=actor, verb="notices.contact.deleted", target=contact, data=snapshot(contact))
    contact.delete()
