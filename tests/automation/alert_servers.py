"""Real local receivers for the alert tests and the bench: an SMTP server (aiosmtpd), a webhook
receiver that checks the X-XO2-Signature HMAC, and a fake Telegram Bot API. All on 127.0.0.1,
each in a thread of the test process; every message they get is kept with its arrival time."""
from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import subprocess
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from scripts.stack import free_port
from tests.eventually import eventually


@dataclass
class Mail:
    at: float
    sender: str
    to: list[str]
    subject: str
    body: str
    raw: str


class _MailHandler:
    def __init__(self, box: "SmtpServer") -> None:
        self.box = box

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.content.decode("utf-8", "replace")
        msg = email.message_from_string(raw, policy=email.policy.default)
        with self.box.lock:
            self.box.mails.append(Mail(time.time(), envelope.mail_from, list(envelope.rcpt_tos),
                                       str(msg["Subject"]), msg.get_body(("plain",)).get_content(), raw))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:<port>. `user`/`password` turn on AUTH; `tls` (cert, key) offers
    STARTTLS, or with `implicit_tls` speaks TLS from the first byte (port-465 style)."""

    def __init__(self, port: int | None = None, *, user: str | None = None, password: str | None = None,
                 tls: tuple[Path, Path] | None = None, implicit_tls: bool = False) -> None:
        import ssl
        self.port = port or free_port()
        self.mails: list[Mail] = []
        self.lock = threading.Lock()
        kwargs: dict[str, Any] = {}
        if user:
            def auth(server, session, envelope, mechanism, data):
                ok = isinstance(data, LoginPassword) and data.login.decode() == user \
                    and data.password.decode() == password
                return AuthResult(success=ok, handled=False)
            kwargs.update(authenticator=auth, auth_require_tls=False)
        if tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            if implicit_tls:
                kwargs["ssl_context"] = ctx
            else:
                kwargs["tls_context"] = ctx
        self.controller = Controller(_MailHandler(self), hostname="127.0.0.1", port=self.port, **kwargs)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def received(self) -> list[Mail]:
        with self.lock:
            return list(self.mails)

    def wait(self, n: int, timeout: float = 10.0) -> list[Mail]:
        return eventually(lambda: len(got := self.received()) >= n and got, timeout, what=f"{n} mails")


@dataclass
class Post:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool | None

    def json(self) -> Any:
        return json.loads(self.body)


class HttpReceiver:
    """ThreadingHTTPServer on 127.0.0.1 that records POSTs. As a webhook receiver it checks the
    signature with `secret` (401 when wrong); `status` sets the answer."""

    def __init__(self, secret: str | None = None, status: int = 200) -> None:
        self.secret = secret
        self.status = status
        self.posts: list[Post] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                code, answer = receiver.handle(self.path, dict(self.headers), body)
                data = json.dumps(answer).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def verify(self, headers: dict[str, str], body: bytes) -> bool | None:
        if self.secret is None:
            return None
        want = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(headers.get("X-XO2-Signature", ""), want)

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        ok = self.verify(headers, body)
        with self.lock:
            self.posts.append(Post(time.time(), path, headers, body, ok))
        if ok is False:
            return 401, {"error": "bad signature"}
        return self.status, {"ok": self.status < 300}

    def start(self) -> "HttpReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def received(self) -> list[Post]:
        with self.lock:
            return list(self.posts)

    def wait(self, n: int, timeout: float = 10.0) -> list[Post]:
        return eventually(lambda: len(got := self.received()) >= n and got, timeout, what=f"{n} posts")


class TelegramFake(HttpReceiver):
    """The Bot API's sendMessage as Telegram answers it: 401 Unauthorized for another token,
    400 "chat not found" for another chat."""

    def __init__(self, token: str, chat_id: str) -> None:
        super().__init__()
        self.token, self.chat_id = token, chat_id

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        with self.lock:
            self.posts.append(Post(time.time(), path, headers, body, None))
        if path != f"/bot{self.token}/sendMessage":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        doc = json.loads(body)
        if str(doc.get("chat_id")) != self.chat_id:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
        return 200, {"ok": True, "result": {"message_id": len(self.posts), "text": doc.get("text")}}

    def texts(self) -> list[str]:
        return [p.json()["text"] for p in self.received() if p.path == f"/bot{self.token}/sendMessage"]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (openssl CLI), for the TLS cases."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key

