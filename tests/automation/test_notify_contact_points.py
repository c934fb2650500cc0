"""Contact points set in the console (SPEC 13): through the API they deliver at once, without a
restart; secrets never come back in a response, a log line, the audit log, a message or the
OpenAPI document; an environment channel is read-only (409); bad settings are a 400 naming the
field that changes nothing; the state file holding secrets is mode 0600 and survives a restart;
a webhook redelivery carries the same X-XO2-Delivery id."""
from __future__ import annotations

import json
import logging
import stat

import pytest

from automation_svc.app import create_app
from automation_svc.models import RelayUpdate
from automation_svc.service import AutomationService

from .alert_fixtures import TG_CHAT, TG_TOKEN, WEBHOOK_SECRET, deliver, smtp, telegram, webhook  # noqa: F401
from .alert_servers import HttpReceiver
from .conftest import PASSWORD, frame

SMTP_SECRET = "smtp-Pa55-word-never-shown"
HOOK_PATH = "/hooks/T000/B000/url-token-never-shown"
PREFIX = "/api/automation"
NOW_RULE = {"kind": "threshold", "channel": "d13", "op": "below", "value": 20, "for_s": 0}


class Console:
    """A service with its Flask client and a login, over one state file."""

    def __init__(self, settings, clock, sender) -> None:
        self.service = AutomationService(settings, clock=clock, sender=sender, with_stream=False)
        self.app = create_app(settings, service=self.service, start=False)
        self.client = self.app.test_client()
        token = self.client.post(f"{PREFIX}/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN",
                                                                "password": PASSWORD}).get_json()["access_token"]
        self.auth = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body=None):
        r = self.client.open(PREFIX + path, method=method, headers=self.auth, json=body)
        return r.status_code, r.get_json(silent=True)


@pytest.fixture
def console(make_settings, clock, sender):
    def make(**overrides) -> Console:
        return Console(make_settings(public_url="https://console.example.test", **overrides), clock, sender)
    return make


def setup_all(c: Console, smtp, webhook, telegram) -> None:
    assert c.call("PUT", "/notify/email", {"host": "127.0.0.1", "port": smtp.port, "security": "none",
                                           "user": None, "from": "console@example.test",
                                           "to": ["ops@example.test", "duty@example.test"],
                                           "password": SMTP_SECRET})[0] == 200
    assert c.call("PUT", "/notify/webhook", {"url": webhook.url + HOOK_PATH, "secret": WEBHOOK_SECRET})[0] == 200
    assert c.call("PUT", "/notify/telegram", {"chat_id": TG_CHAT, "api_url": telegram.url, "token": TG_TOKEN})[0] == 200


def test_set_in_the_console_delivers_without_a_restart(console, smtp, webhook, telegram, clock):
    c = console()
    status, body = c.call("GET", "/notify")
    assert all(body[ch]["configured"] is False and body[ch]["source"] is None for ch in ("email", "webhook", "telegram"))
    smtp.password = None
    setup_all(c, smtp, webhook, telegram)
    status, body = c.call("GET", "/notify")
    assert {ch: (body[ch]["configured"], body[ch]["source"]) for ch in body} == {
        "email": (True, "console"), "webhook": (True, "console"), "telegram": (True, "console")}
    assert body["email"]["settings"] == {"host": "127.0.0.1", "port": smtp.port, "security": "none", "user": None,
                                         "from": "console@example.test",
                                         "to": ["ops@example.test", "duty@example.test"], "password_set": True}
    assert body["webhook"]["settings"] == {"url": f"{webhook.url}/…", "secret_set": True}
    assert body["telegram"]["settings"] == {"chat_id": TG_CHAT, "api_url": telegram.url, "token_set": True}
    for ch in ("email", "webhook", "telegram"):
        assert c.call("POST", "/notify/test", {"channel": ch}) == (200, {"channel": ch, "delivered": True})
    c.service.alerts.create_rule(NOW_RULE)
    c.service.engine.on_frame(frame(clock, d13=5))
    c.service.alerts.step()
    deliver(c.service.alerts)
    assert len(smtp.received()) == 2 and len(telegram.texts()) == 2
    posts = webhook.received()
    assert [p.json()["event"] for p in posts] == ["test", "alert.firing"] and all(p.signature_ok for p in posts)
    assert posts[1].path == HOOK_PATH and posts[1].headers["X-XO2-Delivery"]
    assert smtp.received()[1].to == ["ops@example.test", "duty@example.test"]


def test_secrets_never_come_back(console, smtp, webhook, telegram, clock, caplog, settings):
    caplog.set_level(logging.DEBUG)
    c = console()
    setup_all(c, smtp, webhook, telegram)
    seen = []
    # A bad URL holding a token, a bad token, a failing delivery: errors must not echo them.
    seen.append(c.call("PUT", "/notify/webhook", {"url": "http://u:hunter2@169.254.169.254/x/url-token-never-shown"}))
    seen.append(c.call("PUT", "/notify/telegram", {"chat_id": TG_CHAT, "token": "bad:" + TG_TOKEN}))
    seen.append(c.call("PUT", "/notify/webhook", {"url": "not a url " + HOOK_PATH}))
    broken = HttpReceiver(status=500).start()
    try:
        seen.append(c.call("PUT", "/notify/webhook", {"url": broken.url + HOOK_PATH}))
        seen.append(c.call("POST", "/notify/test", {"channel": "webhook"}))
    finally:
        broken.stop()
    for ch in ("email", "telegram"):
        seen.append(c.call("POST", "/notify/test", {"channel": ch}))
    seen.append(c.call("GET", "/notify"))
    seen.append(c.call("GET", "/audit?limit=100"))
    seen.append(c.call("GET", "/openapi.json"))
    audit = seen[-2][1]["entries"]
    assert any(e["what"] == "contact point saved: email" and "password set" in e["why"] for e in audit)
    assert any(e["what"] == "contact point saved: webhook" and "signing secret set" in e["why"] for e in audit)
    messages = [m.raw for m in smtp.received()] + [p.body.decode() for p in webhook.received()] + telegram.texts()
    everything = json.dumps(seen) + caplog.text + "\n".join(messages)
    for secret in (SMTP_SECRET, WEBHOOK_SECRET, TG_TOKEN, "url-token-never-shown", "hunter2"):
        assert secret not in everything, secret
    assert [s for s, _ in seen[:3]] == [400, 400, 400] and seen[4][0] == 502


def test_an_environment_channel_is_read_only(console, smtp, webhook):
    c = console(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none", alert_email_to="ops@example.test")
    status, body = c.call("GET", "/notify")
    assert body["email"]["source"] == "env" and body["email"]["configured"] is True
    assert body["email"]["settings"]["to"] == ["ops@example.test"] and body["email"]["settings"]["password_set"] is False
    for method, body_ in (("PUT", {"host": "mail.example.test", "to": ["x@example.test"]}), ("DELETE", None)):
        status, err = c.call(method, "/notify/email", body_)
        assert status == 409 and "environment" in err["error"]
    assert c.call("GET", "/notify")[1]["email"]["settings"]["host"] == "127.0.0.1"
    assert c.call("PUT", "/notify/webhook", {"url": webhook.url + "/h"})[0] == 200    # the others stay editable


@pytest.mark.parametrize("channel, body, field", [
    ("email", {"to": ["a@example.test"]}, "host"),
    ("email", {"host": "http://mail.example.test", "to": ["a@example.test"]}, "host"),
    ("email", {"host": "mail.example.test", "port": 0, "to": ["a@example.test"]}, "port"),
    ("email", {"host": "mail.example.test", "port": "587", "to": ["a@example.test"]}, "port"),
    ("email", {"host": "mail.example.test", "security": "tls", "to": ["a@example.test"]}, "security"),
    ("email", {"host": "mail.example.test", "to": []}, "to"),
    ("email", {"host": "mail.example.test", "to": ["a@example.test\r\nBcc: x@evil.test"]}, "to"),
    ("email", {"host": "mail.example.test", "to": ["a@example.test"], "from": "x\u2028y@example.test"}, "from"),
    ("email", {"host": "mail.example.test", "to": ["a@example.test"], "password": "pw\r\n"}, "password"),
    ("email", {"host": "mail.example.test", "to": ["a@example.test"], "cc": ["b@example.test"]}, "cc"),
    ("webhook", {}, "url"),
    ("webhook", {"url": "ftp://example.test/x"}, "url"),
    ("webhook", {"url": "http://[::ffff:169.254.169.254]/x"}, "url"),
    ("telegram", {"chat_id": "abc", "token": TG_TOKEN}, "chat_id"),
    ("telegram", {"chat_id": "123"}, "token"),
    ("telegram", {"chat_id": "123", "token": TG_TOKEN, "api_url": "http://0xa9fea9fe"}, "api_url"),
    ("sms", {}, "channel"),
])
def test_bad_settings_are_a_400_naming_the_field(console, settings, channel, body, field):
    c = console()
    before = settings.state_file.read_bytes() if settings.state_file.exists() else None
    status, err = c.call("PUT", f"/notify/{channel}", body)
    assert status == 400 and err["field"] == field, err
    assert (settings.state_file.read_bytes() if settings.state_file.exists() else None) == before


def test_secrets_kept_when_omitted_cleared_with_empty_and_file_mode(console, settings, webhook, clock, sender,
                                                                   make_settings):
    c = console()
    assert c.call("PUT", "/notify/webhook", {"url": webhook.url + "/a", "secret": WEBHOOK_SECRET})[0] == 200
    assert stat.S_IMODE(settings.state_file.stat().st_mode) == 0o600
    assert c.call("PUT", "/notify/webhook", {})[1]["settings"]["secret_set"] is True       # url and secret kept
    assert c.call("POST", "/notify/test", {"channel": "webhook"})[0] == 200
    assert webhook.received()[-1].signature_ok is True and webhook.received()[-1].path == "/a"
    # A restart reads the console's settings back from the state file.
    again = Console(make_settings(public_url="https://console.example.test"), clock, sender)
    status, body = again.call("GET", "/notify")
    assert body["webhook"]["source"] == "console" and body["webhook"]["settings"]["secret_set"] is True
    assert again.call("PUT", "/notify/webhook", {"secret": ""})[1]["settings"]["secret_set"] is False
    assert again.call("DELETE", "/notify/webhook")[0] == 204
    status, body = again.call("GET", "/notify")
    assert body["webhook"]["configured"] is False and body["webhook"]["source"] is None
    assert again.call("POST", "/notify/test", {"channel": "webhook"})[0] == 409
    assert stat.S_IMODE(settings.state_file.stat().st_mode) == 0o600


def test_a_redelivery_carries_the_same_delivery_id(console, clock, make_settings, sender):
    flaky = HttpReceiver(status=503).start()
    try:
        c = console()
        assert c.call("PUT", "/notify/webhook", {"url": flaky.url + "/h"})[0] == 200
        c.service.alerts.create_rule({**NOW_RULE, "notify": ["webhook"]})
        c.service.engine.on_frame(frame(clock, d13=5))
        c.service.alerts.step()
        deliver(c.service.alerts)                       # 503: kept for a retry
        flaky.status = 200
        clock.advance(10)
        again = Console(make_settings(public_url="https://console.example.test"), clock, sender)   # a restart
        deliver(again.service.alerts)
        first, second = flaky.received()
        assert first.headers["X-XO2-Delivery"] == second.headers["X-XO2-Delivery"] and first.body == second.body
        assert c.call("POST", "/notify/test", {"channel": "webhook"})[0] == 200
        assert flaky.received()[-1].headers["X-XO2-Delivery"] != first.headers["X-XO2-Delivery"]
    finally:
        flaky.stop()


@pytest.mark.parametrize("bad", [None, [], {"email": {"host": None}}, {"webhook": {"url": 5}}, "garbage"])
def test_a_malformed_contact_points_slice_costs_only_that_slice(console, settings, bad):
    c = console()
    c.service.engine.relays.update("i1", RelayUpdate(name="Blower"))
    doc = json.loads(settings.state_file.read_text())
    doc["contact_points"] = bad
    settings.state_file.write_text(json.dumps(doc))
    again = console()
    status, body = again.call("GET", "/notify")
    assert status == 200 and all(body[ch]["source"] is None for ch in body)
    assert again.call("GET", "/relays/i1")[1]["name"] == "Blower"       # the rest of the file loaded
    if bad is not None:
        audit = again.call("GET", "/audit?limit=10")[1]["entries"]
        assert any(e["what"] == "contact_points state rejected" for e in audit), audit
