"""Validation of Chinese phone numbers, id numbers and room numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landline with optional area code and extension: 0755-12345678, 075512345678, 12345678-123.
LANDLINE_RE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")
SERVICE_RE = re.compile(r"^(400|800)-?\d{3}-?\d{4}$")
ID_CARD_RE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_phone(value: str) -> str:
    """Strip spaces, a +86 prefix and full-width digits; keep the hyphens of landlines."""
    value = (value or "").strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    value = value.replace(" ", "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    value = value.lstrip("-")
    # Mobiles are often written 138-1234-5678; landlines keep their hyphen (0755-12345678).
    bare = value.replace("-", "")
    if MOBILE_RE.match(bare):
        return bare
    return value


def validate_phone(value: str) -> None:
    """A mainland mobile (11 digits, 1[3-9]…), a landline, or a 400/800 number."""
    phone = normalize_phone(value)
    if not (MOBILE_RE.match(phone) or LANDLINE_RE.match(phone) or SERVICE_RE.match(phone)):
        raise ValidationError(
            _("电话号码格式不正确：%(value)s（手机应为 11 位数字，座机如 0755-12345678）"),
            code="invalid_phone",
            params={"value": value},
        )


def id_card_checksum_ok(value: str) -> bool:
    total = sum(int(ch) * w for ch, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def validate_id_number(value: str) -> None:
    """A resident identity card (18 characters with a valid check digit) or another document number."""
    value = (value or "").strip().upper()
    if not value:
        return
    if len(value) == 18 and value[:17].isdigit():
        if not ID_CARD_RE.match(value) or not id_card_checksum_ok(value):
            raise ValidationError(_("身份证号码校验位不正确"), code="invalid_id_number")
        return
    # Passports, Hong Kong/Macau/Taiwan permits: 5–20 letters and digits.
    if not re.match(r"^[A-Z0-9]{5,20}$", value):
        raise ValidationError(_("证件号码格式不正确"), code="invalid_id_number")


_ROOM_RE = re.compile(
    r"^\s*([0-9A-Za-z]+)\s*(?:号楼|栋|幢|座|-|/|\s)\s*(?:([0-9A-Za-z]+)\s*(?:单元|-|/|\s)\s*)?([0-9A-Za-z]+)\s*(?:室|号)?\s*$"
)


def parse_room(text: str) -> str | None:
    """'3栋2单元1202', '3-2-1202', '3/2/1202', 'A座1202' → the unit code ('3-2-1202', 'A-1202'); else None."""
    text = (text or "").translate(str.maketrans("０１２３４５６７８９－／　", "0123456789-/ "))
    match = _ROOM_RE.match(text)
    if not match:
        return None
    return "-".join(part.upper() for part in match.groups() if part)


_BUILDING_RE = re.compile(r"^\s*([0-9A-Za-z]+)\s*(?:号楼|栋|幢|座)\s*(?:([0-9A-Za-z]+)\s*单元)?\s*$")


def parse_building(text: str) -> str | None:
    """'3栋', '3号楼', 'A座', '3栋2单元' → how the codes of its units start ('3-', 'A-', '3-2-'); else None."""
    text = (text or "").translate(str.maketrans("０１２３４５６７８９　", "0123456789 "))
    match = _BUILDING_RE.match(text)
    if not match:
        return None
    return "".join(f"{part.upper()}-" for part in match.groups() if part)


def clean_phone(value: str, field: str) -> str:
    """A phone number checked and normalised for storage, or "" when none was given; a field error otherwise."""
    if not value:
        return value
    try:
        validate_phone(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages[0]}) from exc
    return normalize_phone(value)
