"""Real local servers for delivery tests: an SMTP server (aiosmtpd) and an HTTP receiver (http.server).

Both listen on 127.0.0.1 on a free port, run in a background thread and keep what they received.
Use them as context managers; leaving the block stops the server.
"""

import email
import email.policy
import http.client
import http.server
import logging
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO; the tests look at what was received instead.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of the call)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        """The message as parsed by the standard library (headers decoded, body via ``get_content()``)."""
        return email.message_from_bytes(self.data, policy=email.policy.default)


class _SmtpHandler:
    def __init__(self, sink: "SmtpServer"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.sink.refuse_recipients:
            return self.sink.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.sink.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server that accepts every message (or refuses every recipient with the given reply, e.g.
    ``"550 no such user"``) and keeps the messages in ``received``."""

    def __init__(self, *, refuse_recipients: str = ""):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.refuse_recipients = refuse_recipients
        self.received: list[ReceivedMail] = []
        self._controller = Controller(_SmtpHandler(self), hostname=self.host, port=self.port, ready_timeout=10)

    def __enter__(self) -> "SmtpServer":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()


# ----------------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: http.client.HTTPMessage  # looked up case-insensitively, as HTTP header names are
    body: bytes = field(repr=False)


class HttpReceiver:
    """An HTTP server answering every request with ``status`` (changeable while it runs) and keeping the
    requests in ``received``."""

    def __init__(self, *, status: int = 200):
        self.status = status
        self.received: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    receiver.received.append(ReceivedRequest("POST", self.path, self.headers, body))
                    status = receiver.status
                payload = b"ok" if 200 <= status < 300 else b"error"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "HttpReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def snapshot(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self.received)
