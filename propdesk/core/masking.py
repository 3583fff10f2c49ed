"""The one place that decides how personal data is shown masked (SPEC §11, R-CV-4)."""

import re

from django.utils.crypto import salted_hmac

_NON_DIGIT = re.compile(r"\D")


def mask_phone(value: str | None) -> str:
    """138****5678 for a mobile; keeps the area code and last 4 digits of a landline; '' stays ''."""
    if not value:
        return ""
    digits = _NON_DIGIT.sub("", value)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    # Landlines and other numbers: keep a short prefix and the last four digits.
    keep = 4 if digits.startswith("0") else 3
    return digits[:keep] + "*" * (len(digits) - keep - 4) + digits[-4:]


def mask_id_number(value: str | None) -> str:
    """Resident id card 110101********1234 → first 3 and last 4 characters kept, the rest starred."""
    if not value:
        return ""
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    if len(value) <= 8:
        return "*" * (len(value) - 4) + value[-4:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone_query(digits: str, *, complete: bool) -> str:
    """A searched number as the audit shows it: a whole number like ``mask_phone``; the start of one
    keeps only its first three digits (its other digits may be the very ones a mask hides)."""
    if complete:
        return mask_phone(digits)
    return digits[:3] + "*" * max(len(digits) - 3, 0)


def phone_digest(digits: str) -> str:
    """A keyed digest of a number's digits (HMAC-SHA256 with the site's secret key): the same number
    gives the same digest, so the searches for one number can be found, but the number cannot be read
    back without the key. Changing ``SECRET_KEY`` starts new digests."""
    return salted_hmac("propdesk.phone-search", _NON_DIGIT.sub("", digits or ""), algorithm="sha256").hexdigest()
