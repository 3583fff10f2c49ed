"""What the visitor services share: the company's settings, the row lock with its version check, and the
checks of the fields a visit and an invitation have in common."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from propdesk.communities.models import Community, Household
from propdesk.communities.selectors import unit_by_room
from propdesk.communities.validators import clean_phone
from propdesk.core.errors import StaleVersion, field_error
from propdesk.core.inputs import clean_text

from .. import permissions  # noqa: F401  (declares the visitor rules)
from ..choices import Purpose
from ..identity import PLATE_RE
from ..models import MAX_PEOPLE, VisitorSettings

_PLATE_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
# Purposes that go to a household: the room is required.
NEEDS_HOST = frozenset({Purpose.VISIT, Purpose.CONTRACTOR, Purpose.SERVICE})


def settings_for(community: Community) -> VisitorSettings:
    """The visitor settings of the community's company, or the defaults when none were saved."""
    company_id = community.service_center.branch.company_id
    found = VisitorSettings.objects.filter(company_id=company_id).first()
    return found or VisitorSettings(company_id=company_id)


def lock(model, obj, expected_version: int | None, message: str):
    """``obj`` re-read under a row lock; a version other than the caller's is refused (409 in the API)."""
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(message, code="stale_version")
    return locked


def clean_name(value: str) -> str:
    return clean_text(value, "visitor_name", limit=50)


def clean_purpose(value: str) -> str:
    if value not in Purpose.values:
        raise field_error("purpose", _("请选择来访事由"), "invalid_choice")
    return value


def clean_plate(value: str | None) -> str:
    plate = "".join((value or "").translate(_PLATE_FULL_WIDTH).split()).upper().replace("·", "").replace("-", "")
    if plate and not PLATE_RE.match(plate):
        raise field_error("plate", _("车牌号格式不正确，如 粤B12345 或 粤BD12345"), "invalid")
    return plate


def clean_people(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_PEOPLE:
        raise field_error("people", _("人数应为 1 至 %(n)s") % {"n": MAX_PEOPLE}, "invalid")
    return value


def clean_visitor_phone(value: str | None) -> str:
    return clean_phone((value or "").strip(), "phone")


def host_household(*, actor, community: Community, room: str, required: bool) -> Household | None:
    """The household living in the room written as 3-2-1202 / 3栋2单元1202; None when no room is given and
    none is required. A field error on ``room`` otherwise."""
    room = (room or "").strip()
    if not room:
        if required:
            raise field_error("room", _("请填写受访房号"), "required")
        return None
    unit = unit_by_room(user=actor, community=community, room=room)
    household = Household.objects.filter(unit=unit, is_active=True).first()
    if household is None:
        raise field_error("room", _("房号 %(room)s 暂无在住住户") % {"room": unit.label}, "no_household")
    return household


def gather(*checks):
    """Run each ``(name, callable)`` check, collecting every field error into one ``ValidationError`` so the
    form shows all of them at once; returns the cleaned values by name."""
    cleaned, errors = {}, {}
    for name, check in checks:
        try:
            cleaned[name] = check()
        except ValidationError as exc:
            for field, messages in exc.error_dict.items() if hasattr(exc, "error_dict") else [(name, [exc])]:
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return cleaned
