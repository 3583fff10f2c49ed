"""SMS through the operator's own gateway: the generic webhook (a JSON POST signed with HMAC-SHA256 over
"<timestamp>.<body>", PROPDESK_WEBHOOK_URL / PROPDESK_WEBHOOK_SECRET) used as an SMS backend."""

from django.conf import settings

from ..sms import DeliveryError, Outgoing


class WebhookSms:
    def send(self, message: Outgoing) -> str:
        from ..delivery import post_signed_json  # the outbox's own gateway client

        if not settings.PROPDESK_WEBHOOK_URL:
            raise DeliveryError("the SMS gateway is not configured (PROPDESK_WEBHOOK_URL)", permanent=True)
        payload = {
            "id": message.key,
            "kind": message.kind,
            "to": message.to,
            "name": message.name,
            "text": message.text,
            "url": message.url,
        }
        post_signed_json(settings.PROPDESK_WEBHOOK_URL, payload, key=message.key)
        return ""
