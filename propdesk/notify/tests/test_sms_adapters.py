"""The SMS adapters against local imitations of the providers' documented APIs: Alibaba Cloud SMS (RPC
signature, HMAC-SHA1), Tencent Cloud SMS (TC3-HMAC-SHA256), and the generic HMAC gateway as an SMS
backend. Signatures, retried and final errors, delivery receipts and per-channel rate limits."""

import hashlib
import hmac
import json

import pytest

from propdesk.notify import limits
from propdesk.notify.adapters import aliyun, tencent
from propdesk.notify.models import Notification
from propdesk.notify.services import Message, deliver_pending, notify_phone
from propdesk.testing.clock import shanghai_time
from propdesk.testing.servers import HttpReceiver, free_port

from .imitations import AliyunImitation, TencentImitation

NOW = shanghai_time(2026, 11, 22, 10)
TEXT = Message(kind="request.status", subject="您的报修 BX-20261122-0001 已派工，维修员 13:00–14:00 上门")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def clock_start():
    return NOW


@pytest.fixture(autouse=True)
def sms_settings(settings):
    settings.PROPDESK_SMS_SIGN_NAME = "翠湖物业"
    settings.PROPDESK_SMS_TEMPLATE = "SMS_100001"
    settings.PROPDESK_SMS_TEMPLATE_EN = "SMS_100002"
    settings.PROPDESK_SMS_TIMEOUT = 5
    settings.PROPDESK_NOTIFY_BACKOFF_SECONDS = 30
    settings.PROPDESK_NOTIFY_RATE_LIMITS = {}
    settings.PROPDESK_RECEIPT_TOKEN = "receipt-token"
    limits.reset()
    return settings


def queue(phone="13800138000", dedupe="m1", language=None):
    return notify_phone(phone=phone, message=TEXT, dedupe=dedupe, language=language)


def state(row):
    row.refresh_from_db()
    return row.state, row.attempts


# ----------------------------------------------------------------------------- Alibaba Cloud


def test_aliyun_signature_matches_the_documented_example():
    # The worked example of Alibaba Cloud's SMS signature document (GET, AccessKeySecret "testSecret").
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert aliyun.signature("testSecret", params, "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


@pytest.fixture
def aliyun_api(sms_settings):
    with AliyunImitation("LTAI-test", "aliyun-secret") as api:
        sms_settings.PROPDESK_SMS_BACKEND = "aliyun"
        sms_settings.ALIYUN_SMS_ENDPOINT = f"{api.base}/"
        sms_settings.ALIYUN_ACCESS_KEY_ID = "LTAI-test"
        sms_settings.ALIYUN_ACCESS_KEY_SECRET = "aliyun-secret"
        yield api


def test_aliyun_accepts_the_signed_request_and_the_biz_id_is_kept(aliyun_api):
    row = queue()
    english = queue(phone="13900139000", dedupe="m2", language="en")

    assert deliver_pending() == 2

    assert [(s.state, s.provider_ref) for s in Notification.objects.order_by("id")] == [
        ("sent", "9006197469364984001^0"),
        ("sent", "9006197469364984002^0"),
    ]
    first, second = (seen.form() for seen in aliyun_api.seen)
    assert (first["Action"], first["PhoneNumbers"], first["SignName"], first["TemplateCode"]) == (
        "SendSms",
        "13800138000",
        "翠湖物业",
        "SMS_100001",
    )
    assert json.loads(first["TemplateParam"]) == {"content": TEXT.subject}
    assert first["OutId"] == row.dedupe_key
    assert first["Timestamp"] == "2026-11-22T02:00:00Z"  # UTC
    assert second["TemplateCode"] == "SMS_100002"  # the English template
    assert english.dedupe_key == second["OutId"]


def test_aliyun_wrong_secret_is_given_up_at_once_with_the_providers_words(aliyun_api, sms_settings):
    sms_settings.ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    row = queue()

    deliver_pending()

    assert state(row) == ("dead", 1)
    assert "SignatureDoesNotMatch" in row.last_error


@pytest.mark.parametrize(
    "answer",
    [
        (400, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1"}),
        (400, {"Code": "Throttling.User", "Message": "Request was denied due to user flow control."}),
        (503, {"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary failure."}),
    ],
)
def test_aliyun_throttling_and_outages_are_retried_with_backoff(aliyun_api, clock, answer):
    aliyun_api.answers.append(answer)
    row = queue()

    deliver_pending()
    assert state(row) == ("pending", 1)
    assert row.next_attempt_at == shanghai_time(2026, 11, 22, 10, 0, 30)
    assert answer[1]["Code"] in row.last_error

    clock.move_to(row.next_attempt_at)
    deliver_pending()
    assert state(row) == ("sent", 2)


def test_aliyun_a_wrong_number_is_final(aliyun_api):
    aliyun_api.answers.append((200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}))
    row = queue()
    deliver_pending()
    assert state(row) == ("dead", 1)
    assert row.last_error.endswith("isv.MOBILE_NUMBER_ILLEGAL: 非法手机号")


def test_an_unreachable_provider_is_retried(sms_settings):
    sms_settings.PROPDESK_SMS_BACKEND = "aliyun"
    sms_settings.ALIYUN_SMS_ENDPOINT = f"http://127.0.0.1:{free_port()}/"
    sms_settings.ALIYUN_ACCESS_KEY_ID, sms_settings.ALIYUN_ACCESS_KEY_SECRET = "id", "secret"
    row = queue()
    deliver_pending()
    assert state(row) == ("pending", 1)
    assert "no answer from" in row.last_error


def test_aliyun_receipts_are_recorded_on_the_message(aliyun_api, client):
    row = queue()
    deliver_pending()
    row.refresh_from_db()
    report = [
        {
            "phone_number": "13800138000",
            "send_time": "2026-11-22 10:00:01",
            "report_time": "2026-11-22 10:00:08",
            "success": True,
            "err_code": "DELIVERED",
            "err_msg": "用户接收成功",
            "sms_size": "1",
            "biz_id": row.provider_ref,
            "out_id": row.dedupe_key,
        }
    ]

    answer = client.post("/inbox/receipts/aliyun/?token=receipt-token", report, content_type="application/json")

    assert answer.status_code == 200
    assert answer.json() == {"code": 0, "msg": "成功"}
    row.refresh_from_db()
    assert (row.receipt, row.receipt_at, row.receipt_detail) == ("delivered", NOW, "DELIVERED 用户接收成功")


@pytest.mark.parametrize("token", ["", "?token=wrong"])
def test_receipts_without_the_token_are_refused(client, token):
    answer = client.post(f"/inbox/receipts/aliyun/{token}", [], content_type="application/json")
    assert answer.status_code == 403


def test_receipts_are_refused_when_no_token_is_configured(client, sms_settings):
    sms_settings.PROPDESK_RECEIPT_TOKEN = ""
    answer = client.post("/inbox/receipts/tencent/?token=", [], content_type="application/json")
    assert answer.status_code == 403


def test_receipts_with_a_body_that_is_not_json_are_a_400(client):
    answer = client.post("/inbox/receipts/aliyun/?token=receipt-token", "<xml/>", content_type="text/xml")
    assert answer.status_code == 400


# ----------------------------------------------------------------------------- Tencent Cloud


def test_tencent_canonical_request_matches_the_documented_example():
    # The signature v3 document's example: DescribeInstances on cvm, payload with "unnamed".
    payload = b'{"Limit": 1, "Filters": [{"Values": ["unnamed"], "Name": "instance-name"}]}'
    request = tencent.canonical_request(
        host="cvm.tencentcloudapi.com",
        action="DescribeInstances",
        payload=payload,
        signed_headers=("content-type", "host"),
    )
    assert hashlib.sha256(payload).hexdigest() == "99d58dfbc6745f6747f36bfca17dee5e6881dc0428a0a36f96199342bc5b4907"
    assert hashlib.sha256(request.encode()).hexdigest() == (
        "2815843035062fffda5fd6f2a44ea8a34818b0dc46f024b8b3786976a3adda7a"
    )


def test_tencent_authorization_matches_the_documented_example_with_its_masked_credentials():
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    header = tencent.authorization(
        secret_id="AKID" + "*" * 32,
        secret_key="*" * 32,
        host="cvm.tencentcloudapi.com",
        action="DescribeInstances",
        payload=payload,
        timestamp=1551113065,
        service="cvm",
    )
    assert header.endswith(
        "/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, "
        "Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
    )


@pytest.fixture
def tencent_api(sms_settings):
    with TencentImitation("AKID-test", "tencent-key") as api:
        sms_settings.PROPDESK_SMS_BACKEND = "tencent"
        sms_settings.TENCENT_SMS_ENDPOINT = f"{api.base}/"
        sms_settings.TENCENT_SECRET_ID = "AKID-test"
        sms_settings.TENCENT_SECRET_KEY = "tencent-key"
        sms_settings.TENCENT_SMS_APP_ID = "1400000001"
        yield api


def test_tencent_accepts_the_signed_request_and_the_serial_no_is_kept(tencent_api):
    row = queue()
    deliver_pending()
    assert state(row) == ("sent", 1)
    assert row.provider_ref == "2645:00001"
    (seen,) = tencent_api.seen
    body = seen.json()
    assert body["PhoneNumberSet"] == ["+8613800138000"]
    assert (body["SmsSdkAppId"], body["SignName"], body["TemplateId"]) == ("1400000001", "翠湖物业", "SMS_100001")
    assert body["TemplateParamSet"] == [TEXT.subject]
    assert body["SessionContext"] == row.dedupe_key
    assert (seen.headers["x-tc-action"], seen.headers["x-tc-region"]) == ("SendSms", "ap-guangzhou")


def test_tencent_wrong_key_is_final(tencent_api, sms_settings):
    sms_settings.TENCENT_SECRET_KEY = "wrong"
    row = queue()
    deliver_pending()
    assert state(row) == ("dead", 1)
    assert "AuthFailure.SignatureFailure" in row.last_error


def test_tencent_request_limit_is_retried(tencent_api, clock):
    tencent_api.answers.append(
        (200, {"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "请求的次数超过了频率限制。"}}})
    )
    row = queue()
    deliver_pending()
    assert state(row) == ("pending", 1)
    clock.move_to(row.next_attempt_at)
    deliver_pending()
    assert state(row) == ("sent", 2)


def test_tencent_per_number_refusal_in_the_status_set_is_final(tencent_api):
    status = {
        "SerialNo": "",
        "PhoneNumber": "+8613800138000",
        "Code": "InvalidParameterValue.IncorrectPhoneNumber",
        "Message": "手机号格式错误",
    }
    tencent_api.answers.append((200, {"Response": {"SendStatusSet": [status], "RequestId": "r"}}))
    row = queue()
    deliver_pending()
    assert state(row) == ("dead", 1)
    assert "IncorrectPhoneNumber" in row.last_error


def test_tencent_receipts_are_recorded(tencent_api, client):
    row = queue()
    deliver_pending()
    row.refresh_from_db()
    report = [
        {
            "user_receive_time": "2026-11-22 10:00:05",
            "nationcode": "86",
            "mobile": "13800138000",
            "report_status": "FAIL",
            "errmsg": "MK:0001",
            "description": "用户关机",
            "sid": row.provider_ref,
        }
    ]
    answer = client.post(
        "/inbox/receipts/tencent/",
        report,
        content_type="application/json",
        headers={"X-PropDesk-Token": "receipt-token"},
    )
    assert answer.json() == {"result": 0, "errmsg": "OK"}
    row.refresh_from_db()
    assert (row.receipt, row.receipt_detail) == ("failed", "MK:0001 用户关机")


# ----------------------------------------------------------------------------- the generic gateway


def test_the_hmac_gateway_as_sms_backend_signs_each_message(sms_settings):
    sms_settings.PROPDESK_WEBHOOK_SECRET = "gw-secret"
    with HttpReceiver() as gateway:
        sms_settings.PROPDESK_SMS_BACKEND = "webhook"
        sms_settings.PROPDESK_WEBHOOK_URL = gateway.url
        row = queue()
        deliver_pending()
    assert state(row) == ("sent", 1)
    (seen,) = gateway.received
    stamp = seen.headers["X-PropDesk-Timestamp"]
    expected = hmac.new(b"gw-secret", stamp.encode() + b"." + seen.body, hashlib.sha256).hexdigest()
    assert seen.headers["X-PropDesk-Signature"] == f"sha256={expected}"
    assert b'"to": "13800138000"' in seen.body and seen.headers["Idempotency-Key"] == row.dedupe_key


def test_the_hmac_gateway_refusing_is_retried(sms_settings):
    with HttpReceiver(status=502) as gateway:
        sms_settings.PROPDESK_SMS_BACKEND = "webhook"
        sms_settings.PROPDESK_WEBHOOK_URL = gateway.url
        row = queue()
        deliver_pending()
    assert state(row) == ("pending", 1)
    assert "502" in row.last_error


# ----------------------------------------------------------------------------- rate limits


def test_a_channel_over_its_rate_waits_without_spending_an_attempt(sms_settings, sms_outbox):
    sms_settings.PROPDESK_SMS_BACKEND = "locmem"
    sms_settings.PROPDESK_NOTIFY_RATE_LIMITS = {"sms": "2/60"}
    rows = [queue(phone=f"1380013800{i}", dedupe=f"m{i}") for i in range(3)]

    deliver_pending()

    assert len(sms_outbox) == 2
    assert [state(r) for r in rows] == [("sent", 1), ("sent", 1), ("pending", 0)]
    assert rows[2].next_attempt_at > NOW and rows[2].last_error == ""


def test_the_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = limits.Bucket(2, 60, clock=lambda: now[0])
    assert [bucket.take(), bucket.take()] == [0.0, 0.0]
    assert bucket.take() == pytest.approx(30.0)  # one token every 30 s
    now[0] = 30.0
    assert bucket.take() == 0.0


@pytest.mark.parametrize("spec", ["0/1", "5/0", "x/1"])
def test_a_bad_rate_is_refused(spec):
    with pytest.raises(ValueError):
        limits.parse_rate(spec)
