"""WeCom (企业微信) for staff, two ways (PROPDESK_WECOM_BACKEND):

* ``app`` — application messages to each person (``gettoken`` then ``message/send``), the access token
  cached until shortly before it expires and fetched again when WeCom says it is no longer valid.
  Settings: WECOM_API_BASE, WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_AGENT_SECRET. The recipient's WeCom
  user id is their login name.
* ``robot`` — a group robot's webhook (WECOM_ROBOT_URL): the message goes to the team's group chat and
  mentions the person by mobile number.
"""

import urllib.parse

from django.conf import settings
from django.core.cache import cache

from ..sms import DeliveryError, Outgoing
from . import http

# Token problems: fetch a new token and try once more.
TOKEN_ERRORS = {40014, 42001, 41001}
# WeCom's own throttles and system busy: try later. Every other errcode is final.
TRANSIENT_ERRORS = {-1, 45009, 45033, 45047}
CACHE_KEY_PREFIX = "notify:wecom:token"


def _check(answer: dict, what: str) -> dict:
    code = answer.get("errcode", 0)
    if code in (0, None):
        return answer
    raise DeliveryError(f"WeCom {what} {code}: {answer.get('errmsg', '')}", permanent=code not in TRANSIENT_ERRORS)


def _url(path: str, **query) -> str:
    return f"{settings.WECOM_API_BASE.rstrip('/')}/{path}?{urllib.parse.urlencode(query)}"


def access_token(*, fresh: bool = False) -> str:
    """The application's access token, from the cache unless ``fresh``; kept for expires_in - 5 minutes."""
    key = f"{CACHE_KEY_PREFIX}:{settings.WECOM_CORP_ID}:{settings.WECOM_AGENT_ID}"
    token = None if fresh else cache.get(key)
    if token:
        return token
    response = http.request(
        "GET",
        _url("gettoken", corpid=settings.WECOM_CORP_ID, corpsecret=settings.WECOM_AGENT_SECRET),
        timeout=settings.PROPDESK_SMS_TIMEOUT,
    )
    answer = _check(response.json(), "gettoken")
    token = str(answer.get("access_token", ""))
    if not token:
        raise DeliveryError("WeCom gettoken returned no access_token")
    cache.set(key, token, max(60, int(answer.get("expires_in", 7200)) - 300))
    return token


class WecomApp:
    def send(self, message: Outgoing) -> str:
        if not (settings.WECOM_CORP_ID and settings.WECOM_AGENT_SECRET and settings.WECOM_AGENT_ID):
            raise DeliveryError(
                "WeCom is not configured (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_AGENT_SECRET)", permanent=True
            )
        if not message.to:
            raise DeliveryError("no WeCom user id", permanent=True)
        payload = {
            "touser": message.to,
            "msgtype": "text",
            "agentid": int(settings.WECOM_AGENT_ID),
            "text": {"content": message.text},
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 1800,
        }
        for fresh in (False, True):
            url = _url("message/send", access_token=access_token(fresh=fresh))
            answer = http.post_json(url, payload, timeout=settings.PROPDESK_SMS_TIMEOUT).json()
            if answer.get("errcode") in TOKEN_ERRORS and not fresh:
                continue  # the cached token was revoked or expired early: fetch a new one once
            _check(answer, "message/send")
            if answer.get("invaliduser"):
                raise DeliveryError(f"WeCom does not know user {answer['invaliduser']}", permanent=True)
            return str(answer.get("msgid", ""))
        raise DeliveryError("WeCom refused a fresh access token")  # pragma: no cover (loop always returns)


class WecomRobot:
    def send(self, message: Outgoing) -> str:
        if not settings.WECOM_ROBOT_URL:
            raise DeliveryError("the WeCom group robot is not configured (WECOM_ROBOT_URL)", permanent=True)
        text = {"content": message.text}
        if message.phone:
            text["mentioned_mobile_list"] = [message.phone]
        response = http.post_json(
            settings.WECOM_ROBOT_URL, {"msgtype": "text", "text": text}, timeout=settings.PROPDESK_SMS_TIMEOUT
        )
        _check(response.json(), "webhook/send")
        return ""


BACKENDS = {"app": WecomApp, "robot": WecomRobot}


def get_wecom_backend():
    name = settings.PROPDESK_WECOM_BACKEND
    if name not in BACKENDS:
        raise DeliveryError(f"PROPDESK_WECOM_BACKEND must be app or robot, not {name!r}", permanent=True)
    return BACKENDS[name]()
