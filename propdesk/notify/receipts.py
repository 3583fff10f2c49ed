"""Delivery receipts: the reports SMS providers push back (Alibaba Cloud, Tencent Cloud) recorded on the
outbox rows they concern, found by the provider's message id kept when the message was sent."""

import hmac
import json
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .adapters import aliyun, tencent
from .models import Channel, Notification, Receipt

log = logging.getLogger("propdesk.notify")

PROVIDERS = {"aliyun": aliyun, "tencent": tencent}


@transaction.atomic
def record_receipts(reports: list[dict]) -> int:
    """Record each report on its row (the latest report wins); returns how many rows were found."""
    found = 0
    now = timezone.now()
    for report in reports:
        updated = Notification.objects.filter(channel=Channel.SMS, provider_ref=report["reference"]).update(
            receipt=Receipt.DELIVERED if report["delivered"] else Receipt.FAILED,
            receipt_at=now,
            receipt_detail=report["detail"][:200],
        )
        found += updated
        if not updated:
            log.info("receipt for unknown message %s", report["reference"])
    return found


def _token_ok(request: HttpRequest) -> bool:
    expected = settings.PROPDESK_RECEIPT_TOKEN
    given = request.GET.get("token") or request.headers.get("X-PropDesk-Token", "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt
@require_POST
def receipt_view(request: HttpRequest, provider: str) -> JsonResponse:
    """POST /notify/receipts/<aliyun|tencent>/?token=…: the provider's status reports (a JSON list)."""
    module = PROVIDERS.get(provider)
    if module is None:
        return JsonResponse({"detail": "unknown provider"}, status=404)
    if not _token_ok(request):
        return JsonResponse({"detail": "bad or missing token"}, status=403)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"detail": "the body is not JSON"}, status=400)
    record_receipts(module.parse_receipts(payload))
    return JsonResponse(module.RECEIPT_ANSWER, json_dumps_params={"ensure_ascii": False})
