"""CAP 1.2 alerts from an official feed (R-PB-4): the body is signed with the feed's shared secret
(``X-Cap-Signature: sha256=<hex HMAC-SHA256 of the body>``); a document type or an entity is refused before
any parsing; the alert becomes a warning of the feed's service center, once per CAP identifier.

The hazard and level come from the first ``info`` block: a ``parameter`` named ``hazard`` (rainstorm/typhoon)
and one named ``level`` (a number: rainstorm 1 blue … 5 black, typhoon the signal number); without them the
``event`` text (暴雨/台风, Rainstorm/Typhoon) and the colour or signal in the headline are read."""

import hashlib
import hmac
import re
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..choices import Hazard, WarningSource
from ..models import CapFeed, WeatherWarning
from .warnings import warning_enter

NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
BODY_MAX = 64 * 1024
_COLOURS = {
    "蓝": 1,
    "blue": 1,
    "黄": 2,
    "yellow": 2,
    "橙": 3,
    "orange": 3,
    "amber": 3,
    "红": 4,
    "red": 4,
    "黑": 5,
    "black": 5,
}
_SIGNAL = re.compile(r"(\d{1,2})\s*(?:号|signal|no\.)", re.IGNORECASE)
_SIGNAL_AFTER = re.compile(r"signal\s*(?:no\.?)?\s*(\d{1,2})", re.IGNORECASE)


class CapRefused(ValidationError):
    pass


def verify(feed: CapFeed, body: bytes, signature: str) -> None:
    expected = "sha256=" + hmac.new(feed.secret.encode(), body, hashlib.sha256).hexdigest()
    if not feed.is_active or not hmac.compare_digest(expected, (signature or "").strip()):
        raise CapRefused(_("签名无效"), code="bad_signature")


def _text(node, path: str) -> str:
    found = node.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _hazard_level(info) -> tuple[str, int]:
    params = {_text(p, "cap:valueName").lower(): _text(p, "cap:value") for p in info.findall("cap:parameter", NS)}
    event = (_text(info, "cap:event") + " " + _text(info, "cap:headline")).lower()
    hazard = params.get("hazard", "").lower()
    if hazard not in Hazard.values:
        hazard = Hazard.RAINSTORM if ("暴雨" in event or "rainstorm" in event) else ""
        hazard = hazard or (Hazard.TYPHOON if ("台风" in event or "typhoon" in event or "风球" in event) else "")
    if not hazard:
        raise CapRefused(_("无法识别预警类型"), code="unknown_hazard")
    level = params.get("level", "")
    if level.isdigit():
        return hazard, int(level)
    if hazard == Hazard.RAINSTORM:
        for word, number in _COLOURS.items():
            if word in event:
                return hazard, number
    else:
        match = _SIGNAL.search(event) or _SIGNAL_AFTER.search(event)
        if match:
            return hazard, int(match.group(1))
    raise CapRefused(_("无法识别预警级别"), code="unknown_level")


def parse(body: bytes) -> dict:
    """The identifier, hazard, level and headline of a CAP 1.2 alert; CapRefused when it is not one."""
    if len(body) > BODY_MAX:
        raise CapRefused(_("内容过长"), code="too_large")
    # Only UTF-8 without NUL: no other encoding can hide a declaration from the check below.
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CapRefused(_("须为 UTF-8 编码"), code="bad_encoding") from exc
    if "\x00" in text:
        raise CapRefused(_("须为 UTF-8 编码"), code="bad_encoding")
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise CapRefused(_("不接受 DOCTYPE 或实体声明"), code="doctype")
    try:
        root = ET.fromstring(body)  # noqa: S314  (no DOCTYPE and no entity can reach here)
    except ET.ParseError as exc:
        raise CapRefused(_("XML 格式错误"), code="bad_xml") from exc
    if root.tag != f"{{{NS['cap']}}}alert":
        raise CapRefused(_("不是 CAP 1.2 预警"), code="not_cap")
    info = root.find("cap:info", NS)
    identifier = _text(root, "cap:identifier")
    if info is None or not identifier or _text(root, "cap:msgType") not in ("Alert", "Update"):
        raise CapRefused(_("缺少预警内容"), code="incomplete")
    hazard, level = _hazard_level(info)
    return {"identifier": identifier[:200], "hazard": hazard, "level": level, "headline": _text(info, "cap:headline")}


def receive(*, feed: CapFeed, body: bytes, signature: str) -> tuple[WeatherWarning, bool]:
    """Verify, parse and record a CAP alert; ``(warning, created)`` — a repeated identifier is not recorded twice."""
    verify(feed, body, signature)
    alert = parse(body)
    found = WeatherWarning.objects.filter(
        service_center=feed.service_center, cap_identifier=alert["identifier"]
    ).first()
    if found is not None:
        return found, False
    warning = warning_enter(
        actor=None,
        service_center=feed.service_center,
        hazard=alert["hazard"],
        level=min(alert["level"], 10) or 1,
        headline=alert["headline"][:200],
        source=WarningSource.CAP,
        cap_id=alert["identifier"],
    )
    return warning, True
