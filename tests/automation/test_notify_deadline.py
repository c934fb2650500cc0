"""Every delivery has a deadline as a whole (issue 21): a server that trickles a byte at a time,
each within the per-read timeout, is cut off at the deadline, and the Test button answers 502
with the reason in words long before nginx's 60 s proxy_read_timeout for /api/automation/."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from automation_svc.alerts.channels import DeliveryError, EmailChannel
from automation_svc.alerts.http_channels import TelegramChannel, WebhookChannel
from automation_svc.alerts.messages import Composer

from .alert_servers import free_port

NGINX_READ_TIMEOUT_S = 60     # nginx/templates: /api/automation/ keeps nginx's default


class Trickler:
    """A TCP server that answers every connection one byte every `gap` s, forever (until stopped):
    an SMTP greeting or an HTTP answer that never ends."""

    def __init__(self, text: bytes, gap: float = 0.2) -> None:
        self.text, self.gap = text, gap
        self.port = free_port()
        self.sock = socket.create_server(("127.0.0.1", self.port))
        self.sock.settimeout(0.1)
        self.stop_ev = threading.Event()
        self.cut_after: list[float] = []        # how long each connection lasted before the client left
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> "Trickler":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_ev.set()
        self.thread.join(5)
        self.sock.close()

    def _serve(self) -> None:
        while not self.stop_ev.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        t0 = time.monotonic()
        with conn:
            conn.setblocking(True)
            i = 0
            while not self.stop_ev.is_set():
                try:
                    conn.sendall(self.text[i % len(self.text):i % len(self.text) + 1])
                    i += 1
                    # The client hung up (shutdown by its watchdog): the next read sees EOF.
                    conn.settimeout(self.gap)
                    try:
                        if conn.recv(4096) == b"" and i > 1:
                            break
                    except socket.timeout:
                        pass
                except OSError:
                    break
        self.cut_after.append(time.monotonic() - t0)


@pytest.fixture
def trickling_smtp():
    server = Trickler(b"220 slow.example.test ESMTP " + b"-" * 10_000 + b"\r\n").start()
    yield server
    server.stop()


@pytest.fixture
def trickling_http():
    server = Trickler(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"x" * 10_000 + b"\r\n\r\n").start()
    yield server
    server.stop()


def test_trickling_smtp_server_is_cut_at_the_deadline(make_settings, trickling_smtp):
    settings = make_settings(smtp_host="127.0.0.1", smtp_port=trickling_smtp.port, smtp_security="none",
                             alert_email_to="ops@example.test", notify_timeout_s=1.0)
    t0 = time.monotonic()
    with pytest.raises(DeliveryError) as exc:
        EmailChannel(settings).send(Composer(settings).test("email"))
    took = time.monotonic() - t0
    assert "did not complete the delivery within 1 s" in str(exc.value)
    assert took < 10, took        # loose: the greeting alone would take ~30 min at this pace


@pytest.mark.parametrize("kind", ["webhook", "telegram"])
def test_trickling_http_receiver_is_cut_at_the_deadline(make_settings, trickling_http, kind):
    url = f"http://127.0.0.1:{trickling_http.port}"
    settings = make_settings(alert_webhook_url=f"{url}/hook", telegram_bot_token="123456:TEST-token-abcdef",
                             telegram_chat_id="1", telegram_api_url=url, notify_timeout_s=1.0)
    channel = WebhookChannel(settings) if kind == "webhook" else TelegramChannel(settings)
    t0 = time.monotonic()
    with pytest.raises(DeliveryError) as exc:
        channel.send(Composer(settings).test(kind))
    assert "did not complete the delivery within 1 s" in str(exc.value) and "TEST-token" not in str(exc.value)
    assert time.monotonic() - t0 < 10


def test_test_button_answers_502_in_time(make_settings, trickling_smtp, clock, sender):
    from automation_svc.app import create_app
    from automation_svc.service import AutomationService
    settings = make_settings(smtp_host="127.0.0.1", smtp_port=trickling_smtp.port, smtp_security="none",
                             alert_email_to="ops@example.test", notify_timeout_s=2.0)
    app = create_app(settings, service=AutomationService(settings, clock=clock, sender=sender, with_stream=False),
                     start=False)
    client = app.test_client()
    token = client.post("/api/automation/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN",
                                                           "password": "correct-horse-9"}).get_json()["access_token"]
    t0 = time.monotonic()
    r = client.post("/api/automation/notify/test", json={"channel": "email"},
                    headers={"Authorization": f"Bearer {token}"})
    took = time.monotonic() - t0
    assert r.status_code == 502 and "did not complete the delivery within 2 s" in r.get_json()["error"]
    assert took < NGINX_READ_TIMEOUT_S / 3, took
    status = client.get("/api/automation/notify", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert "within 2 s" in status["email"]["last_error"]
