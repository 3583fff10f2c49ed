"""Phone numbers as the SMS channel needs them: mainland mobiles, 11 digits."""

import re

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value: str | None) -> str | None:
    """``"+86 138-0000-0001"`` → ``"13800000001"``; None when it is not a mainland mobile number."""
    value = (value or "").strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    value = value.replace(" ", "").replace("-", "")
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value if MOBILE_RE.match(value) else None
