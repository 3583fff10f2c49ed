"""The one place that decides how personal data is shown masked (SPEC §11, R-CV-4)."""

import re

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
