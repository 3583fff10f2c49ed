"""Identity documents of visitors: which numbers are well formed (pure: no database, no settings).

* **Resident identity card (居民身份证)**, 18 characters (GB 11643-1999): a 6-digit address code whose first
  two digits name a province, the birth date ``YYYYMMDD`` (a real date, not in the future, not before 1900), a
  3-digit sequence and a check character computed with ISO 7064 MOD 11-2 (``0``–``9`` or ``X``).
* **The 15-digit first-generation card** is refused: first-generation cards stopped being valid documents on
  1 January 2013 (the 2011 amendment of the Resident Identity Card Law), so the guard asks for the 18-digit card or
  another document. ``legacy_to_18`` still converts such a number, for reading old records.
* **Passport**: 5–17 letters and digits with at least one digit (Chinese passports are E/G + 8 characters).
* **Hong Kong/Macau permit (回乡证)**: ``H`` or ``M`` followed by 8 digits (10 on the older booklet).
* **Taiwan permit (台胞证)**: 8 digits (the card since 2015) or 10 digits (the older booklet).
* **Other**: 4–30 letters, digits or hyphens.

``normalize`` turns full-width characters to half-width, drops spaces and upper-cases; ``check_document``
returns the normalized number or raises a ``ValidationError`` on ``id_number`` with a Chinese message.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .choices import DocumentType

FIELD = "id_number"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province codes of GB/T 2260, plus 81/82/83: residence permits of Hong Kong, Macau and Taiwan residents.
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# Vehicle plates: 粤B12345, 粤BD12345 (new energy), 粤B1234学 — a province, a letter, then 5 or 6 letters and digits.
PLATE_RE = re.compile(r"^[\u4e00-\u9fa5][A-Z](?:[A-Z0-9]{5,6}|[A-Z0-9]{4}[挂学警港澳领使])$")

_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－　",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz- ",
)
_PASSPORT = re.compile(r"^(?=.*\d)[A-Z0-9]{5,17}$")
_HK_MACAU = re.compile(r"^[HM]\d{8}(\d{2})?$")
_TAIWAN = re.compile(r"^\d{8}(\d{2})?$")
_OTHER = re.compile(r"^[A-Z0-9-]{4,30}$")


def normalize(number: str | None) -> str:
    """Half-width, no spaces, upper case."""
    return "".join((number or "").translate(_FULL_WIDTH).split()).upper()


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of a resident identity number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_date(number: str) -> dt.date | None:
    """The birth date written in an 18-digit number (None if it is no real date)."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def legacy_to_18(number: str) -> str:
    """A 15-digit first-generation number as its 18-digit form (century 19, check character added)."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def _error(message: str, code: str) -> ValidationError:
    return ValidationError({FIELD: ValidationError(message, code=code)})


def check_resident_id(number: str, *, today: dt.date) -> str:
    if len(number) == 15 and number.isdigit():
        raise _error(
            _("15 位第一代身份证已于 2013 年 1 月 1 日停止使用，请出示 18 位身份证或其他有效证件"), "legacy_id"
        )
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise _error(_("身份证号码应为 18 位：17 位数字加 1 位数字或 X"), "id_format")
    if number[:2] not in PROVINCES:
        raise _error(_("身份证号码的地区码不正确"), "id_region")
    born = birth_date(number)
    if born is None or not EARLIEST_BIRTH <= born <= today:
        raise _error(_("身份证号码中的出生日期不正确"), "id_birth_date")
    if check_character(number[:17]) != number[17]:
        raise _error(_("身份证号码校验位不正确，请核对"), "id_checksum")
    return number


_FORMATS = {
    DocumentType.PASSPORT: (_PASSPORT, gettext_noop("护照号码格式不正确（5–17 位字母和数字）")),
    DocumentType.HK_MACAU: (_HK_MACAU, gettext_noop("港澳通行证号码格式不正确（H 或 M 开头，后跟 8 位或 10 位数字）")),
    DocumentType.TAIWAN: (_TAIWAN, gettext_noop("台湾居民来往大陆通行证号码应为 8 位或 10 位数字")),
    DocumentType.OTHER: (_OTHER, gettext_noop("证件号码格式不正确（4–30 位字母、数字或连字符）")),
}


def check_document(document_type: str, number: str | None, *, today: dt.date) -> str:
    """The normalized document number, or a ``ValidationError`` on ``id_number`` (or ``document_type``)."""
    if document_type not in DocumentType.values:
        raise ValidationError({"document_type": ValidationError(_("请选择证件类型"), code="invalid_choice")})
    number = normalize(number)
    if not number:
        raise _error(_("请填写证件号码"), "required")
    if document_type == DocumentType.ID_CARD:
        return check_resident_id(number, today=today)
    pattern, message = _FORMATS[document_type]
    if not pattern.match(number):
        raise _error(_(message), "document_format")
    return number


def mask(number: str) -> str:
    """4403**********1234: the first 4 and last 4 characters of a long number, 2 + 2 of a short one."""
    if not number:
        return ""
    keep = 4 if len(number) >= 12 else 2
    if len(number) <= 2 * keep:
        return "*" * len(number)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]
