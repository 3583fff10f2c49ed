"""Local imitations of the providers' documented HTTP APIs, each on 127.0.0.1 in a background thread.

Each checks what the real service checks (the signature, the required parameters, the access token) and
answers in the provider's documented shapes; ``answers`` queues scripted answers (an error code, an HTTP
status) used before the normal one, so a test can make the provider fail and recover.
"""

import base64
import hashlib
import hmac
import http.server
import json
import threading
import urllib.parse
from dataclasses import dataclass


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    peer: tuple = ()  # the client's (address, port): one per connection

    def form(self) -> dict:
        return dict(urllib.parse.parse_qsl(self.body.decode()))

    def json(self) -> dict:
        return json.loads(self.body.decode())


class Imitation:
    """An HTTP server whose ``answer(seen)`` returns (status, JSON payload)."""

    def __init__(self):
        self.seen: list[Seen] = []
        self.answers: list = []  # scripted (status, payload) answers, used first
        self._lock = threading.Lock()
        imitation = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # HTTP/1.1 keeps the connection open between requests, as the providers' servers do.
            protocol_version = "HTTP/1.1"
            # Headers and body leave in separate writes: without TCP_NODELAY the body waits for the client's
            # delayed ACK (about 40 ms) on a kept connection.
            disable_nagle_algorithm = True

            def _serve(self):
                split = urllib.parse.urlsplit(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                seen = Seen(
                    self.command,
                    split.path,
                    dict(urllib.parse.parse_qsl(split.query)),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    tuple(self.client_address),
                )
                with imitation._lock:
                    imitation.seen.append(seen)
                    status, payload = imitation.answers.pop(0) if imitation.answers else imitation.answer(seen)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, format, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def answer(self, seen: Seen):
        raise NotImplementedError

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


# ----------------------------------------------------------------------------- Alibaba Cloud SMS


def _pct(value: str) -> str:
    return urllib.parse.quote(str(value), safe="~")


class AliyunImitation(Imitation):
    """dysmsapi SendSms: checks the RPC signature (HMAC-SHA1 over the sorted, encoded parameters with the
    secret + "&"), the nonce's uniqueness and the required parameters; answers Code OK with a BizId."""

    REQUIRED = ("AccessKeyId", "Action", "PhoneNumbers", "SignName", "TemplateCode", "Timestamp", "Version")

    def __init__(self, key_id: str, secret: str):
        super().__init__()
        self.key_id, self.secret, self.nonces, self.sent = key_id, secret, set(), 0

    def answer(self, seen: Seen):
        params = seen.form()
        given = params.pop("Signature", "")
        query = "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(params.items()))
        to_sign = f"{seen.method}&%2F&{_pct(query)}"
        expected = base64.b64encode(hmac.new(f"{self.secret}&".encode(), to_sign.encode(), hashlib.sha1).digest())
        if params.get("AccessKeyId") != self.key_id:
            return 404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found."}
        if not hmac.compare_digest(given.encode(), expected):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
        if params.get("SignatureNonce") in self.nonces:
            return 400, {"Code": "SignatureNonceUsed", "Message": "Specified signature nonce was used already."}
        self.nonces.add(params.get("SignatureNonce"))
        if missing := [name for name in self.REQUIRED if not params.get(name)]:
            return 400, {"Code": "MissingParameter", "Message": f"missing {missing[0]}"}
        self.sent += 1
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"9006197469364984{self.sent:03d}^0", "RequestId": "r1"}


# ----------------------------------------------------------------------------- Tencent Cloud SMS


class TencentImitation(Imitation):
    """sms.tencentcloudapi.com SendSms: checks the TC3-HMAC-SHA256 Authorization header against the
    request as received, the X-TC-* headers and the parameters; answers a SendStatusSet."""

    def __init__(self, secret_id: str, secret_key: str):
        super().__init__()
        self.secret_id, self.secret_key, self.sent = secret_id, secret_key, 0

    def _signature(self, seen: Seen, date: str, signed: str) -> str:
        values = {name: seen.headers.get(name, "").strip() for name in signed.split(";")}
        values["x-tc-action"] = values.get("x-tc-action", "").lower()
        headers = "".join(f"{name}:{values[name]}\n" for name in signed.split(";"))
        request = "\n".join(["POST", "/", "", headers, signed, hashlib.sha256(seen.body).hexdigest()])
        scope = f"{date}/sms/tc3_request"
        to_sign = "\n".join(
            ["TC3-HMAC-SHA256", seen.headers["x-tc-timestamp"], scope, hashlib.sha256(request.encode()).hexdigest()]
        )
        key = f"TC3{self.secret_key}".encode()
        for part in (date, "sms", "tc3_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()

    def answer(self, seen: Seen):
        def error(code, message):
            return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "r1"}}

        auth = seen.headers.get("authorization", "")
        try:
            head, rest = auth.split(" ", 1)
            fields = dict(part.strip().split("=", 1) for part in rest.split(","))
            secret_id, date, _service, _end = fields["Credential"].split("/")
        except ValueError:
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        if secret_id != self.secret_id:
            return error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        if head != "TC3-HMAC-SHA256" or fields["Signature"] != self._signature(seen, date, fields["SignedHeaders"]):
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        if seen.headers.get("x-tc-action") != "SendSms" or seen.headers.get("x-tc-version") != "2021-01-11":
            return error("InvalidAction", "bad action or version")
        body = seen.json()
        if not body.get("SmsSdkAppId") or not body.get("TemplateId") or not body.get("PhoneNumberSet"):
            return error("MissingParameter", "missing parameter")
        self.sent += 1
        status = {
            "SerialNo": f"2645:{self.sent:05d}",
            "PhoneNumber": body["PhoneNumberSet"][0],
            "Fee": 1,
            "SessionContext": body.get("SessionContext", ""),
            "Code": "Ok",
            "Message": "send success",
            "IsoCode": "CN",
        }
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": "r1"}}


# ----------------------------------------------------------------------------- WeCom


class WecomImitation(Imitation):
    """qyapi.weixin.qq.com: ``/cgi-bin/gettoken`` (corpid + corpsecret → access_token, expires_in 7200),
    ``/cgi-bin/message/send`` (valid token required), ``/cgi-bin/webhook/send`` (a group robot's key)."""

    corp_id = "ww1234567890"
    secret = "agent-secret"
    robot_key = "robot-key"

    def __init__(self):
        super().__init__()
        self.tokens: list[str] = []
        self.issued = 0

    def revoke_tokens(self):
        with self._lock:
            self.tokens.clear()

    def answer(self, seen: Seen):
        if seen.path == "/cgi-bin/gettoken":
            if seen.query.get("corpid") != self.corp_id or seen.query.get("corpsecret") != self.secret:
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            self.issued += 1
            token = f"token-{self.issued}"
            self.tokens.append(token)
            return 200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
        if seen.path == "/cgi-bin/message/send":
            if seen.query.get("access_token") not in self.tokens:
                return 200, {"errcode": 42001, "errmsg": "access_token expired"}
            body = seen.json()
            if body.get("msgtype") != "text" or not body.get("touser") or not body.get("agentid"):
                return 200, {"errcode": 40008, "errmsg": "invalid message type"}
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"msg-{len(self.seen)}"}
        if seen.path == "/cgi-bin/webhook/send":
            if seen.query.get("key") != self.robot_key:
                return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
            return 200, {"errcode": 0, "errmsg": "ok"}
        return 404, {"errcode": 404, "errmsg": "not found"}
