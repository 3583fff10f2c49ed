"""A small HTTP client for the providers' APIs (the standard library only), and the error policy every
adapter shares: no answer, a timeout, HTTP 429 or 5xx are transient (retried with the outbox's backoff);
any other 4xx is permanent (given up at once, with the provider's words).

Connections are kept alive: each thread keeps one ``http.client`` connection per provider (scheme, host,
port) and reuses it for the next message, so a burst of thousands of messages does not pay a TCP (and TLS)
handshake each. A kept connection the provider closed while idle is opened again and the request sent once
more; that repeat is no riskier than the outbox's own retry of a transient failure (the dedupe key goes
along, so a provider that accepts one drops a repeat).
"""

import http.client
import json
import threading
import urllib.parse
from dataclasses import dataclass

from ..sms import DeliveryError

_kept = threading.local()
# A kept connection the server closed while it was idle fails like this on the next request.
STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> dict:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DeliveryError(f"the provider answered HTTP {self.status} with no JSON: {self.body[:200]!r}") from exc


def _pool() -> dict:
    pool = getattr(_kept, "pool", None)
    if pool is None:
        pool = _kept.pool = {}
    return pool


def _connection(scheme: str, host: str, port: int | None, timeout: float) -> http.client.HTTPConnection:
    key = (scheme, host, port)
    conn = _pool().get(key)
    if conn is None:
        kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        conn = _pool()[key] = kind(host, port, timeout=timeout)
    conn.timeout = timeout
    if conn.sock is not None:
        conn.sock.settimeout(timeout)
    return conn


def _drop(conn: http.client.HTTPConnection) -> None:
    conn.close()
    for key, kept in list(_pool().items()):
        if kept is conn:
            del _pool()[key]


def close_all() -> None:
    """Close this thread's kept connections (tests; a worker that reloads its settings)."""
    for conn in list(_pool().values()):
        _drop(conn)


def _exchange(method: str, url: str, body: bytes | None, headers: dict, timeout: float) -> tuple[int, bytes]:
    split = urllib.parse.urlsplit(url)
    target = (split.path or "/") + (f"?{split.query}" if split.query else "")
    for _try in range(2):
        conn = _connection(split.scheme, split.hostname or "", split.port, timeout)
        reused = conn.sock is not None
        try:
            conn.request(method, target, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        except STALE as exc:
            _drop(conn)
            if reused:
                continue  # closed by the provider while idle: once more on a fresh connection
            raise DeliveryError(f"no answer from {url.split('?')[0]}: {exc}") from exc
        except (OSError, http.client.HTTPException) as exc:
            _drop(conn)
            raise DeliveryError(f"no answer from {url.split('?')[0]}: {exc}") from exc
        if answer.will_close:
            _drop(conn)
        return answer.status, data
    raise DeliveryError(f"no answer from {url.split('?')[0]}: the connection was closed")  # pragma: no cover


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
    any_status: bool = False,
) -> Response:
    """Send one request over this thread's kept connection to the provider. A 2xx answer is returned (any
    answer with ``any_status``, for providers that explain errors in a JSON body); otherwise DeliveryError,
    transient or permanent as the module says."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryError(f"not an HTTP URL: {url!r}", permanent=True)
    status, data = _exchange(method, url, body, dict(headers or {}), timeout)
    if any_status or 200 <= status < 300:
        return Response(status, data)
    transient = status == 429 or status >= 500
    text = data[:300].decode("utf-8", "replace")
    raise DeliveryError(f"HTTP {status}: {text}", permanent=not transient)


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
