"""Alibaba Cloud SMS (短信服务, API version 2017-05-25, action SendSms) with the RPC signature
(SignatureVersion 1.0, HMAC-SHA1) as its documentation describes it, over our own HTTP client.

Settings: ALIYUN_SMS_ENDPOINT, ALIYUN_ACCESS_KEY_ID, ALIYUN_ACCESS_KEY_SECRET, PROPDESK_SMS_SIGN_NAME,
PROPDESK_SMS_TEMPLATE (Chinese) and PROPDESK_SMS_TEMPLATE_EN (English): approved templates with one
variable ``${content}`` that receives the rendered message.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse
import uuid

from django.conf import settings
from django.utils import timezone

from ..sms import DeliveryError, Outgoing
from . import http

VERSION = "2017-05-25"
# Codes worth another try later (the provider's throttles and its own failures); every other code is final.
TRANSIENT_CODES = (
    "Throttling",
    "isv.BUSINESS_LIMIT_CONTROL",
    "isp.SYSTEM_ERROR",
    "ServiceUnavailable",
    "InternalError",
)


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as Alibaba Cloud signs it: space %20, * %2A, ~ kept."""
    return urllib.parse.quote(str(value), safe="~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def signature(secret: str, params: dict[str, str], method: str = "POST") -> str:
    """Base64 HMAC-SHA1, keyed with "<AccessKeySecret>&", over "<METHOD>&%2F&<encoded canonical query>"."""
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    mac = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def template_for(language: str) -> str:
    if language.startswith("en") and settings.PROPDESK_SMS_TEMPLATE_EN:
        return settings.PROPDESK_SMS_TEMPLATE_EN
    return settings.PROPDESK_SMS_TEMPLATE


class AliyunSms:
    def send(self, message: Outgoing) -> str:
        if not (settings.ALIYUN_ACCESS_KEY_ID and settings.ALIYUN_ACCESS_KEY_SECRET):
            raise DeliveryError("Alibaba Cloud SMS is not configured (ALIYUN_ACCESS_KEY_ID/SECRET)", permanent=True)
        params = {
            "AccessKeyId": settings.ALIYUN_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": message.key[:64],
            "PhoneNumbers": message.to,
            "RegionId": "cn-hangzhou",
            "SignName": settings.PROPDESK_SMS_SIGN_NAME,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": template_for(message.language),
            "TemplateParam": json.dumps({"content": message.text}, ensure_ascii=False),
            "Timestamp": timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": VERSION,
        }
        params["Signature"] = signature(settings.ALIYUN_ACCESS_KEY_SECRET, params)
        body = urllib.parse.urlencode(params, quote_via=urllib.parse.quote).encode()
        response = http.request(
            "POST",
            settings.ALIYUN_SMS_ENDPOINT,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            timeout=settings.PROPDESK_SMS_TIMEOUT,
            any_status=True,
        )
        return reference_of(response)


def reference_of(response: http.Response) -> str:
    """The BizId of an accepted message; DeliveryError (transient or final, by code) otherwise."""
    if response.status >= 500:
        http.raise_for_status(response)
    answer = response.json()
    code = str(answer.get("Code", ""))
    if code == "OK" and 200 <= response.status < 300:
        return str(answer.get("BizId", ""))
    detail = f"Alibaba Cloud SMS {code or response.status}: {answer.get('Message', '')}"
    raise DeliveryError(detail, permanent=not code.startswith(TRANSIENT_CODES))


def parse_receipts(payload) -> list[dict]:
    """The status reports Alibaba Cloud pushes (a JSON list): one dict per report with ``reference`` (the
    BizId), ``delivered`` and a ``detail``."""
    reports = []
    for item in payload if isinstance(payload, list) else []:
        if not isinstance(item, dict) or not item.get("biz_id"):
            continue
        detail = f"{item.get('err_code', '')} {item.get('err_msg', '')}".strip()
        reports.append({"reference": str(item["biz_id"]), "delivered": bool(item.get("success")), "detail": detail})
    return reports


RECEIPT_ANSWER = {"code": 0, "msg": "成功"}
