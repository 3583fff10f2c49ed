"""Channel adapters: each provider's documented HTTP API behind the one ``send(Outgoing) -> reference``
interface of ``notify.sms`` (SMS providers, the generic HMAC gateway) and ``adapters.wecom`` (WeCom)."""
