"""Tencent Cloud SMS (API 3.0, version 2021-01-11, action SendSms) signed with TC3-HMAC-SHA256 as its
documentation describes it, over our own HTTP client.

Settings: TENCENT_SMS_ENDPOINT, TENCENT_SMS_REGION, TENCENT_SMS_APP_ID (SmsSdkAppId), TENCENT_SECRET_ID,
TENCENT_SECRET_KEY, PROPDESK_SMS_SIGN_NAME, PROPDESK_SMS_TEMPLATE / PROPDESK_SMS_TEMPLATE_EN (template ids
whose single parameter {1} receives the rendered message).
"""

import datetime as dt
import hashlib
import hmac
import json
import urllib.parse

from django.conf import settings
from django.utils import timezone

from ..sms import DeliveryError, Outgoing
from . import http
from .aliyun import template_for

SERVICE = "sms"
VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
TRANSIENT_CODES = ("RequestLimitExceeded", "InternalError", "LimitExceeded", "ResourceUnavailable")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def canonical_request(*, host: str, action: str, payload: bytes, signed_headers: tuple[str, ...]) -> str:
    """Step 1: method, URI "/", empty query, the signed headers (lower-case, sorted) and the payload's hash."""
    values = {"content-type": CONTENT_TYPE, "host": host, "x-tc-action": action.lower()}
    headers = "".join(f"{name}:{values[name]}\n" for name in signed_headers)
    return "\n".join(["POST", "/", "", headers, ";".join(signed_headers), hashlib.sha256(payload).hexdigest()])


def authorization(
    *,
    secret_id: str,
    secret_key: str,
    host: str,
    action: str,
    payload: bytes,
    timestamp: int,
    service: str = SERVICE,
    signed_headers: tuple[str, ...] = ("content-type", "host", "x-tc-action"),
) -> str:
    """The Authorization header: canonical request → string to sign → key derived from the secret, the
    UTC date, the service and "tc3_request" → hex HMAC-SHA256."""
    request = canonical_request(host=host, action=action, payload=payload, signed_headers=signed_headers)
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join([ALGORITHM, str(timestamp), scope, hashlib.sha256(request.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={';'.join(signed_headers)}, Signature={signature}"
    )


class TencentSms:
    def send(self, message: Outgoing) -> str:
        if not (settings.TENCENT_SECRET_ID and settings.TENCENT_SECRET_KEY and settings.TENCENT_SMS_APP_ID):
            raise DeliveryError(
                "Tencent Cloud SMS is not configured (TENCENT_SECRET_ID/KEY, TENCENT_SMS_APP_ID)", permanent=True
            )
        payload = json.dumps(
            {
                "PhoneNumberSet": [f"+86{message.to}"],
                "SmsSdkAppId": settings.TENCENT_SMS_APP_ID,
                "SignName": settings.PROPDESK_SMS_SIGN_NAME,
                "TemplateId": template_for(message.language),
                "TemplateParamSet": [message.text],
                "SessionContext": message.key[:512],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        host = urllib.parse.urlsplit(settings.TENCENT_SMS_ENDPOINT).netloc
        timestamp = int(timezone.now().timestamp())
        headers = {
            "Authorization": authorization(
                secret_id=settings.TENCENT_SECRET_ID,
                secret_key=settings.TENCENT_SECRET_KEY,
                host=host,
                action="SendSms",
                payload=payload,
                timestamp=timestamp,
            ),
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": VERSION,
            "X-TC-Region": settings.TENCENT_SMS_REGION,
        }
        response = http.request(
            "POST", settings.TENCENT_SMS_ENDPOINT, body=payload, headers=headers, timeout=settings.PROPDESK_SMS_TIMEOUT
        )
        return reference_of(response)


def reference_of(response: http.Response) -> str:
    """The SerialNo of an accepted message; DeliveryError (transient or final, by code) otherwise."""
    answer = response.json().get("Response", {})
    if error := answer.get("Error"):
        code = str(error.get("Code", ""))
        raise DeliveryError(
            f"Tencent Cloud SMS {code}: {error.get('Message', '')}", permanent=not code.startswith(TRANSIENT_CODES)
        )
    statuses = answer.get("SendStatusSet") or [{}]
    status = statuses[0]
    code = str(status.get("Code", ""))
    if code == "Ok":
        return str(status.get("SerialNo", ""))
    raise DeliveryError(
        f"Tencent Cloud SMS {code or 'no status'}: {status.get('Message', '')}",
        permanent=not code.startswith(TRANSIENT_CODES),
    )


def parse_receipts(payload) -> list[dict]:
    """The status reports Tencent Cloud pushes (a JSON list): ``sid`` is the SerialNo, ``report_status``
    SUCCESS or FAIL."""
    reports = []
    for item in payload if isinstance(payload, list) else []:
        if not isinstance(item, dict) or not item.get("sid"):
            continue
        detail = f"{item.get('errmsg', '')} {item.get('description', '')}".strip()
        delivered = item.get("report_status") == "SUCCESS"
        reports.append({"reference": str(item["sid"]), "delivered": delivered, "detail": detail})
    return reports


RECEIPT_ANSWER = {"result": 0, "errmsg": "OK"}
