"""Delivery: the persisted outbox (retries, a mail server down then up, restarts, the hourly
cap and its summary), signatures, no real device id anywhere, the send-test errors in words,
and sends that never hold up the engine."""
from __future__ import annotations

import json
import ssl
import threading

import pytest

from automation_svc.alerts.channels import DeliveryError, EmailChannel
from automation_svc.alerts.http_channels import WebhookChannel
from automation_svc.alerts.messages import Composer
from automation_svc.clock import SystemClock
from automation_svc.models import CommandRequest
from automation_svc.service import AutomationService

from tests.eventually import eventually

from .alert_fixtures import (SMTP_PASSWORD, TG_TOKEN, WEBHOOK_SECRET, deliver, notify_settings,  # noqa: F401
                             smtp, telegram, webhook)
from .alert_servers import HttpReceiver, SmtpServer, free_port, self_signed
from .conftest import frame

NOW = {"kind": "threshold", "channel": "d13", "op": "below", "value": 20, "for_s": 0}


@pytest.fixture
def make_service(clock, sender):
    def make(settings) -> AutomationService:
        return AutomationService(settings, clock=clock, sender=sender, with_stream=False)
    return make


def fire(svc, clock, **values) -> None:
    svc.engine.on_frame(frame(clock, **values))
    svc.alerts.step()


def test_mail_server_down_then_up_delivers_once_after(make_service, notify_settings, clock):
    port = free_port()                             # nothing listens here yet
    svc = make_service(notify_settings(smtp_port=port, alert_webhook_url=None, telegram_bot_token=None))
    svc.alerts.create_rule(NOW)
    fire(svc, clock, d13=5)
    alert_id = svc.alerts.alerts_view()["active"][0]["id"]
    assert svc.alerts.outbox.deliver_due("email") == pytest.approx(clock.wall() + 5)   # retry in 5 s
    status = svc.alerts.notify_view()["email"]
    assert "connection refused by the mail server 127.0.0.1" in status["last_error"] and status["queued"] == 1
    clock.advance(5)
    svc.alerts.outbox.deliver_due("email")         # still down: backoff doubles
    assert svc.alerts.outbox.state.items[0].next_at == pytest.approx(clock.wall() + 10)

    server = SmtpServer(port).start()
    try:
        svc.alerts.outbox.deliver_due("email")     # not due yet: nothing sent early
        assert server.received() == []
        clock.advance(10)
        svc.alerts.outbox.deliver_due("email")
        clock.advance(600)
        svc.alerts.outbox.deliver_due("email")
        [mail] = server.received()
        assert "FIRING" in mail.body
    finally:
        server.stop()
    view = svc.alerts.alerts_view()["active"][0]
    assert view["id"] == alert_id
    assert [(n["ok"], bool(n["error"])) for n in view["notified"]] == [(False, True), (True, False)]
    status = svc.alerts.notify_view()["email"]
    assert status["last_error"] is None and status["last_ok_at"] == pytest.approx(clock.wall() - 600)
    assert status["queued"] == 0


def test_queued_message_survives_a_restart(make_service, notify_settings, clock):
    port = free_port()
    settings = notify_settings(smtp_port=port, alert_webhook_url=None, telegram_bot_token=None)
    first = make_service(settings)
    first.alerts.create_rule(NOW)
    fire(first, clock, d13=5)
    first.alerts.outbox.deliver_due("email")       # fails: the server is down
    del first

    server = SmtpServer(port).start()
    try:
        clock.advance(30)
        second = make_service(settings)
        deliver(second.alerts)
        deliver(second.alerts)
        assert len(server.received()) == 1
    finally:
        server.stop()


def test_hourly_cap_sends_one_summary_for_the_overflow(make_service, notify_settings, clock, smtp, telegram):
    svc = make_service(notify_settings(notify_max_per_hour=3, alert_webhook_url=None))
    for code in ("d8", "d9", "d10", "d12", "d14"):
        svc.alerts.create_rule({"kind": "threshold", "channel": code, "op": "above", "value": 1, "for_s": 0})
    fire(svc, clock, d8=900, d9=90, d10=40, d12=9, d14=30)
    assert len(svc.alerts.alerts_view()["active"]) == 5
    deliver(svc.alerts)
    assert len(smtp.received()) == 3 and len(telegram.texts()) == 3
    assert svc.alerts.notify_view()["email"]["held"] == 2
    clock.advance(1800)
    deliver(svc.alerts)
    assert len(smtp.received()) == 3               # the hour is not over
    clock.advance(1801)
    deliver(svc.alerts)
    mails = smtp.received()
    assert len(mails) == 4 and "2 more notifications" in mails[3].subject
    assert "limit of 3 notifications per hour" in mails[3].body
    assert mails[3].body.count("- [WARNING]") == 2  # the two held-back subjects
    assert len(telegram.texts()) == 4 and "2 more notifications" in telegram.texts()[3]
    deliver(svc.alerts)
    assert len(smtp.received()) == 4 and svc.alerts.notify_view()["email"]["held"] == 0


def test_webhook_signature_is_an_hmac_of_the_raw_body(make_service, notify_settings, clock, webhook):
    svc = make_service(notify_settings(smtp_host=None, telegram_bot_token=None))
    svc.alerts.create_rule(NOW)
    fire(svc, clock, d13=5)
    deliver(svc.alerts)
    [post] = webhook.received()
    assert post.signature_ok is True
    assert post.path == "/hooks/T000/secret-path" and post.headers["Content-Type"] == "application/json"
    doc = post.json()
    assert doc["event"] == "alert.firing" and doc["deviceId"] == "IOCL_XTRA_O2_ADMIN"
    assert set(doc["alert"]) >= {"id", "rule_id", "name", "severity", "state", "since", "resolved_at",
                                 "value", "message", "acked_by"}
    assert doc["text"].startswith("[WARNING] IOCL_XTRA_O2_ADMIN")


def test_wrong_webhook_secret_is_refused_by_the_receiver(notify_settings, webhook):
    channel = WebhookChannel(notify_settings(alert_webhook_secret="not-the-receivers-secret"))
    with pytest.raises(DeliveryError, match="the webhook answered HTTP 401"):
        channel.send(Composer(notify_settings()).test("webhook"))
    assert webhook.received()[0].signature_ok is False


def test_no_real_device_id_in_any_message(make_service, notify_settings, clock, smtp, webhook, telegram):
    svc = make_service(notify_settings())
    svc.alerts.create_rule({**NOW, "name": "BTTE1250001 tank low"})   # even if an admin types it
    fire(svc, clock, d13=5)                        # frames carry "d": "BTTE..."
    svc.engine.relays.command("i2", CommandRequest(state=1))
    svc.engine.queue.drain()
    clock.advance(61)
    svc.engine.tick()
    svc.alerts.step()                              # i2's command failed: one more alert
    for alert in svc.alerts.alerts_view()["active"]:
        svc.alerts.ack(alert["id"])
    fire(svc, clock, d13=50)
    deliver(svc.alerts)
    assert len(smtp.received()) >= 5 and len(webhook.received()) >= 5 and len(telegram.texts()) >= 5
    everything = ([m.raw for m in smtp.received()] + [p.body.decode() for p in webhook.received()]
                  + telegram.texts())
    for text in everything:
        assert "BTTE" not in text and "amazonaws" not in text
        assert "IOCL_XTRA_O2_ADMIN" in text
        assert "https://console.example.test/alerts" in text
    state = svc.store.path.read_text()
    assert WEBHOOK_SECRET not in state and TG_TOKEN not in state


# -- send test: errors in words -------------------------------------------------------------------
def _test(client, auth, channel: str):
    r = client.post("/api/automation/notify/test", headers=auth, json={"channel": channel})
    return r.status_code, r.get_json()


@pytest.fixture
def app_for(notify_settings, clock, sender):
    from automation_svc.app import create_app

    def make(**overrides):
        settings = notify_settings(**overrides)
        service = AutomationService(settings, clock=clock, sender=sender, with_stream=False)
        app = create_app(settings, service=service, start=False)
        client = app.test_client()
        r = client.post("/api/automation/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN",
                                                           "password": "correct-horse-9"})
        return client, {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    return make


def test_send_test_delivers_on_every_channel(app_for, smtp, webhook, telegram):
    client, auth = app_for()
    for channel in ("email", "webhook", "telegram"):
        assert _test(client, auth, channel) == (200, {"channel": channel, "delivered": True})
    assert "[TEST]" in smtp.received()[0].subject and webhook.received()[0].json()["event"] == "test"
    assert "test of the telegram channel" in telegram.texts()[0]
    status = client.get("/api/automation/notify", headers=auth).get_json()
    assert all(status[c]["configured"] and status[c]["last_ok_at"] and status[c]["last_error"] is None
               for c in ("email", "webhook", "telegram"))
    text = json.dumps(status)
    assert WEBHOOK_SECRET not in text and TG_TOKEN not in text and "secret-path" not in text


def test_send_test_wrong_smtp_password(app_for, tmp_path):
    server = SmtpServer(user="alerts", password=SMTP_PASSWORD).start()
    try:
        client, auth = app_for(smtp_port=server.port, smtp_user="alerts", smtp_password="wrong-one")
        status, body = _test(client, auth, "email")
        assert status == 502
        assert "refused the user name or password" in body["error"] and "wrong-one" not in body["error"]
        client, auth = app_for(smtp_port=server.port, smtp_user="alerts", smtp_password=SMTP_PASSWORD)
        assert _test(client, auth, "email")[0] == 200
        assert len(server.received()) == 1
    finally:
        server.stop()


def test_send_test_connection_refused(app_for):
    client, auth = app_for(smtp_port=free_port(), alert_webhook_url=f"http://127.0.0.1:{free_port()}/h",
                           telegram_api_url=f"http://127.0.0.1:{free_port()}")
    for channel in ("email", "webhook", "telegram"):
        status, body = _test(client, auth, channel)
        assert status == 502 and "connection refused" in body["error"], body
    assert TG_TOKEN not in json.dumps(client.get("/api/automation/notify", headers=auth).get_json())


def test_send_test_tls_failures(app_for, smtp, tmp_path):
    status, body = _test(*app_for(smtp_security="ssl"), "email")          # TLS to a plain server
    assert status == 502 and "TLS failed" in body["error"] and "XO2_SMTP_SECURITY" in body["error"]
    status, body = _test(*app_for(smtp_security="starttls"), "email")     # no STARTTLS offered
    assert status == 502 and "does not offer STARTTLS" in body["error"]
    tls_server = SmtpServer(tls=self_signed(tmp_path)).start()
    try:
        status, body = _test(*app_for(smtp_security="starttls", smtp_port=tls_server.port), "email")
        assert status == 502 and "certificate is not trusted" in body["error"]
    finally:
        tls_server.stop()


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "ssl"])
def test_email_over_tls_with_a_trusted_certificate(notify_settings, tmp_path, implicit):
    cert, key = self_signed(tmp_path)
    server = SmtpServer(tls=(cert, key), implicit_tls=implicit, user="alerts", password=SMTP_PASSWORD)
    server.controller.auth_require_tls = True
    server.start()
    try:
        settings = notify_settings(smtp_port=server.port, smtp_security="ssl" if implicit else "starttls",
                                   smtp_user="alerts", smtp_password=SMTP_PASSWORD)
        EmailChannel(settings, ssl.create_default_context(cafile=str(cert))).send(
            Composer(settings).test("email"))
        assert "[TEST]" in server.received()[0].subject
    finally:
        server.stop()


def test_send_test_webhook_and_telegram_refusals(app_for, telegram):
    bad = HttpReceiver(status=404).start()
    try:
        status, body = _test(*app_for(alert_webhook_url=f"{bad.url}/gone"), "webhook")
        assert status == 502 and body["error"] == "webhook test not delivered: the webhook answered HTTP 404 Not Found"
    finally:
        bad.stop()
    status, body = _test(*app_for(telegram_bot_token="999:wrong"), "telegram")
    assert status == 502 and "Unauthorized (check XO2_TELEGRAM_BOT_TOKEN)" in body["error"]
    assert "999:wrong" not in body["error"]
    status, body = _test(*app_for(telegram_chat_id="12345"), "telegram")
    assert status == 502 and "chat not found (check XO2_TELEGRAM_CHAT_ID" in body["error"]


def test_send_test_bad_input_and_unconfigured(app_for):
    client, auth = app_for(smtp_host=None)
    status, body = _test(client, auth, "sms")
    assert status == 400 and body["field"] == "channel"
    status, body = _test(client, auth, "email")
    assert status == 409 and "XO2_SMTP_HOST" in body["error"]
    assert client.get("/api/automation/notify", headers=auth).get_json()["email"]["configured"] is False


# -- never in the engine's way ---------------------------------------------------------------------
class HeldSmtp(SmtpServer):
    """Takes each message's DATA and then holds it until `release` is set (a hung or overloaded
    mail server); `holding` is set once a message is held."""

    def __init__(self) -> None:
        super().__init__()
        self.holding, self.release = threading.Event(), threading.Event()
        handler = self.controller.handler
        original = handler.handle_DATA

        async def held(server, session, envelope):
            import asyncio
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return await original(server, session, envelope)
        handler.handle_DATA = held


def test_a_held_mail_server_does_not_hold_up_frames_or_commands(make_settings, sender):
    """While the alert's mail is stuck in the server, frames are still taken and a relay command
    is still sent and confirmed: no clock involved, the order of events is the property."""
    server = HeldSmtp().start()
    svc = AutomationService(make_settings(smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="none",
                                          alert_email_to="ops@example.test"),
                            clock=SystemClock(), sender=sender, with_stream=False)
    svc.start()
    try:
        svc.alerts.create_rule(NOW)
        svc.engine.on_frame(frame(SystemClock(), d13=5, i1=0))
        eventually(server.holding.is_set, what="the alert's mail held by the server")
        svc.engine.relays.command("i1", CommandRequest(state=1))
        eventually(lambda: sender.relay_calls() == [{"i1": 1}], what="the relay command sent")
        svc.engine.on_frame(frame(SystemClock(), d13=5, i1=1))
        assert svc.engine.relays.view("i1")["command"]["state"] == "confirmed"
        assert server.received() == [] and server.holding.is_set()    # the mail is still held
        server.release.set()
        [mail] = server.wait(1)
        assert "FIRING" in mail.body
    finally:
        server.release.set()
        svc.stop()
        server.stop()


def test_metrics_count_alerts_and_deliveries(app_for, smtp, clock):
    client, auth = app_for(alert_webhook_url=None, telegram_bot_token=None)
    service = client.application.extensions["automation"]
    client.post("/api/automation/alert-rules", headers=auth, json={**NOW, "severity": "critical"})
    fire(service, clock, d13=5)
    text = client.get("/api/automation/metrics").get_data(as_text=True)
    assert 'xo2_alerts_active{severity="critical",state="firing"} 1.0' in text
    assert 'xo2_notify_queued{channel="email"} 1.0' in text
    deliver(service.alerts)
    text = client.get("/api/automation/metrics").get_data(as_text=True)
    assert 'xo2_notify_attempts_total{channel="email",outcome="ok"} 1.0' in text
    assert 'xo2_notify_queued{channel="email"} 0.0' in text
