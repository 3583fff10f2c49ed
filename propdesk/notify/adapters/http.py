"""A small HTTP client for the providers' APIs (the standard library only), and the error policy every
adapter shares: no answer, a timeout, HTTP 429 or 5xx are transient (retried with the outbox's backoff);
any other 4xx is permanent (given up at once, with the provider's words)."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..sms import DeliveryError


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> dict:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DeliveryError(f"the provider answered HTTP {self.status} with no JSON: {self.body[:200]!r}") from exc


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
    any_status: bool = False,
) -> Response:
    """Send one request. A 2xx answer is returned (any answer with ``any_status``, for providers that explain
    errors in a JSON body); otherwise DeliveryError, transient or permanent as the module says."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryError(f"not an HTTP URL: {url!r}", permanent=True)
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:  # noqa: S310 (the operator's provider)
            return Response(answer.status, answer.read())
    except urllib.error.HTTPError as exc:
        if any_status:
            return Response(exc.code, exc.read())
        text = exc.read()[:300].decode("utf-8", "replace")
        transient = exc.code == 429 or exc.code >= 500
        raise DeliveryError(f"HTTP {exc.code}: {text}", permanent=not transient) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"no answer from {url.split('?')[0]}: {getattr(exc, 'reason', exc)}") from exc


def post_json(url: str, payload: dict, *, headers: dict[str, str] | None = None, timeout: float = 10) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return request("POST", url, body=body, headers=all_headers, timeout=timeout)


def raise_for_status(response: Response, detail: str = "") -> None:
    """The shared policy for an answer that is not 2xx: 429 and 5xx transient, other 4xx permanent."""
    if 200 <= response.status < 300:
        return
    transient = response.status == 429 or response.status >= 500
    text = detail or response.body[:300].decode("utf-8", "replace")
    raise DeliveryError(f"HTTP {response.status}: {text}", permanent=not transient)
