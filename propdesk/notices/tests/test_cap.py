"""CAP 1.2 alerts at the HTTP endpoint: a signed alert accepted (once), a tampered one or an entity refused."""

import hashlib
import hmac

import pytest
from django.urls import reverse

from propdesk.notices.models import BroadcastTask, CapFeed, WeatherWarning

pytestmark = pytest.mark.usefixtures("clock")

SECRET = "s3cret-feed-key"

ALERT = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>SZ-QX-2026-11-16-001</identifier>
  <sender>szmb@weather.sz.gov.cn</sender>
  <sent>2026-11-16T08:50:00+08:00</sent>
  <status>Actual</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>暴雨</event>
    <urgency>Immediate</urgency>
    <severity>Severe</severity>
    <certainty>Likely</certainty>
    <headline>深圳市暴雨红色预警信号</headline>
  </info>
</alert>
""".encode()


@pytest.fixture
def feed(world):
    return CapFeed.objects.create(service_center=world.center_a, name="深圳气象台", secret=SECRET)


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(client, feed, body, signature):
    return client.post(
        reverse("notices:cap", args=[feed.pk]), body, content_type="application/xml", HTTP_X_CAP_SIGNATURE=signature
    )


def test_a_signed_alert_is_accepted_once_and_acts_on_its_level(client, feed, world):
    response = _post(client, feed, ALERT, _sign(ALERT))
    assert response.status_code == 201
    warning = WeatherWarning.objects.get()
    assert (warning.hazard, warning.level, warning.source) == ("rainstorm", 4, "cap")
    assert BroadcastTask.objects.filter(warning=warning).count() == 1
    again = _post(client, feed, ALERT, _sign(ALERT))
    assert again.status_code == 200 and WeatherWarning.objects.count() == 1


def test_a_tampered_alert_is_refused(client, feed):
    tampered = ALERT.replace("红色".encode(), "黄色".encode())
    response = _post(client, feed, tampered, _sign(ALERT))
    assert response.status_code == 403
    assert not WeatherWarning.objects.exists()
    assert _post(client, feed, ALERT, _sign(ALERT, "wrong")).status_code == 403


def test_a_doctype_or_entity_is_refused_before_parsing(client, feed):
    body = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]>' + ALERT.split(b"?>", 1)[1]
    response = _post(client, feed, body, _sign(body))
    assert response.status_code == 400 and response.json()["code"] == "doctype"
    assert not WeatherWarning.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not xml", "bad_xml"),
        (b"<alert/>", "not_cap"),
        (ALERT.replace("暴雨".encode(), "大雾".encode()), "unknown_hazard"),
    ],
)
def test_malformed_alerts_are_refused(client, feed, body, code):
    response = _post(client, feed, body, _sign(body))
    assert response.status_code == 400 and response.json()["code"] == code


def test_typhoon_signal_from_parameters(client, feed):
    body = ALERT.replace("暴雨".encode(), b"Typhoon").replace(
        b"</headline>", b"</headline><parameter><valueName>level</valueName><value>2</value></parameter>"
    )
    response = _post(client, feed, body, _sign(body))
    assert response.status_code == 201
    warning = WeatherWarning.objects.get()
    assert (warning.hazard, warning.level, warning.broadcast) == ("typhoon", 2, "decide")
