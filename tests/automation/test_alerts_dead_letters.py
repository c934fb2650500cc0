"""Issue 21 item 2: one bad message never blocks the others. A rule name with a line break is
refused at the API (400) and made one line anyway; a message that fails for a reason other than
the network (a refused message or recipient, a webhook's 4xx but 408/429) is set aside as a dead
letter with its reason, visible in the API, kept across a restart, retried or discarded on
request; network failures and 5xx keep being retried. Real aiosmtpd and HTTP receivers."""
from __future__ import annotations

import pytest

from automation_svc.alerts.rules import Rule
from automation_svc.app import create_app
from automation_svc.service import AutomationService

from .alert_fixtures import deliver, notify_settings, smtp, telegram, webhook  # noqa: F401
from .alert_servers import HttpReceiver, SmtpServer
from .conftest import PASSWORD, frame

RULES = "/api/automation/alert-rules"
DEAD = "/api/automation/dead-letters"


def rule(name: str, channel: str = "d13", notify=("email",)) -> dict:
    return {"kind": "threshold", "channel": channel, "op": "below", "value": 20, "for_s": 0, "name": name,
            "notify": list(notify)}


class PickyMail:
    """aiosmtpd handler that answers 554 to any mail whose subject holds `poison`."""

    def __init__(self, box: SmtpServer) -> None:
        self.box, self.inner = box, box.controller.handler

    async def handle_DATA(self, server, session, envelope):
        if b"poison" in envelope.content:
            return "554 5.6.0 message content rejected"
        return await self.inner.handle_DATA(server, session, envelope)


class PickyHook(HttpReceiver):
    """A webhook receiver answering `status_for_poison` to a body holding `poison`."""
    status_for_poison = 400

    def handle(self, path, headers, body):
        code, answer = super().handle(path, headers, body)
        return (self.status_for_poison, {"ok": False}) if b"poison" in body else (code, answer)


@pytest.fixture
def picky_smtp():
    server = SmtpServer()
    server.controller.handler = PickyMail(server)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stack(notify_settings, clock, sender):
    def make(settings):
        svc = AutomationService(settings, clock=clock, sender=sender, with_stream=False)
        client = create_app(settings, service=svc, start=False).test_client()
        r = client.post("/api/automation/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": PASSWORD})
        return svc, client, {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    return make


def fire(svc, clock, **values) -> None:
    svc.engine.on_frame(frame(clock, **values))
    svc.alerts.step()


@pytest.mark.parametrize("bad", ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\x00", "\x1b",
                                 "\x7f"])
def test_a_rule_name_with_a_line_break_or_control_character_is_a_400(client, auth, bad):
    r = client.post(RULES, headers=auth, json=rule(f"Tank{bad}low"))
    assert r.status_code == 400 and r.get_json()["field"] == "name"
    assert "line breaks" in r.get_json()["error"]
    assert not any(x["name"].startswith("Tank") for x in client.get(RULES, headers=auth).get_json()["rules"])
    r = client.put(f"{RULES}/offline", headers=auth, json={"name": f"Off{bad}line"})
    assert r.status_code == 400 and r.get_json()["field"] == "name"


def test_a_line_break_in_a_stored_rule_name_cannot_block_later_emails(stack, notify_settings, clock, smtp):
    """The issue's reproduction: a name with a line break (from before the API refused them)
    made the Subject invalid, retried forever, holding back every later email."""
    svc, client, auth = stack(notify_settings(alert_webhook_url=None, telegram_bot_token=None))
    svc.alerts.book.rules.append(Rule.model_validate({**rule("Dust\r\nBcc: evil@example.test\u2028high"),
                                                      "id": "old1", "clear": 20}))
    client.post(RULES, headers=auth, json=rule("Outlet hot", channel="d4", notify=["email"]) | {"op": "above",
                                                                                              "value": 50})
    fire(svc, clock, d13=5, d4=60)
    deliver(svc.alerts)
    mails = smtp.wait(2)
    assert [m.subject.strip() for m in mails] == [   # (a long Subject comes back folded)
        "[WARNING] IOCL_XTRA_O2_ADMIN: Dust Bcc: evil@example.test high - firing",
        "[WARNING] IOCL_XTRA_O2_ADMIN: Outlet hot - firing"]
    assert all(m.to == ["ops@example.test", "duty@example.test"] for m in mails)   # no header injected
    assert svc.alerts.outbox.queued("email") == 0


def test_a_refused_email_is_dead_lettered_and_the_next_goes(stack, notify_settings, clock, picky_smtp):
    settings = notify_settings(smtp_port=picky_smtp.port, alert_webhook_url=None, telegram_bot_token=None)
    svc, client, auth = stack(settings)
    client.post(RULES, headers=auth, json=rule("poison tank"))
    client.post(RULES, headers=auth, json=rule("Outlet hot", channel="d4") | {"op": "above", "value": 50})
    fire(svc, clock, d13=5, d4=60)
    deliver(svc.alerts)
    [mail] = picky_smtp.wait(1)
    assert "Outlet hot" in mail.subject
    [dead] = client.get(DEAD, headers=auth).get_json()["dead_letters"]
    assert dead["channel"] == "email" and "poison tank - firing" in dead["subject"]
    assert "554" in dead["reason"] and dead["at"] == pytest.approx(clock.wall())
    assert svc.alerts.outbox.queued("email") == 0
    poisoned = next(a for a in svc.alerts.alerts_view()["active"] if a["name"] == "poison tank")
    [note] = poisoned["notified"]
    assert (note["state"], note["ok"], "554" in note["error"]) == ("failed", False, True)
    ok = next(a for a in svc.alerts.alerts_view()["active"] if a["name"] == "Outlet hot")
    assert [(n["channel"], n["state"]) for n in ok["notified"]] == [("email", "sent")]

    _, client2, auth2 = stack(settings)                     # kept across a restart
    assert client2.get(DEAD, headers=auth2).get_json()["dead_letters"] == [dead]

    # Retry puts it back in the queue (refused again here); discard removes it for good.
    r = client.post(f"{DEAD}/{dead['id']}/retry", headers=auth)
    assert r.status_code == 200 and svc.alerts.outbox.queued("email") == 1
    assert client.get(DEAD, headers=auth).get_json()["dead_letters"] == []
    deliver(svc.alerts)
    [again] = client.get(DEAD, headers=auth).get_json()["dead_letters"]
    assert client.delete(f"{DEAD}/{again['id']}", headers=auth).status_code == 204
    assert client.delete(f"{DEAD}/{again['id']}", headers=auth).status_code == 404
    assert client.post(f"{DEAD}/{again['id']}/retry", headers=auth).status_code == 404
    assert client.get(DEAD, headers=auth).get_json()["dead_letters"] == []
    whats = [(e["what"], e["result"]) for e in svc.engine.audit.newest(50)]
    assert ("dead letter retried", "queued") in whats and ("dead letter discarded", "saved") in whats


@pytest.mark.parametrize("status,dead", [(400, True), (404, True), (410, True), (408, False), (429, False),
                                         (500, False), (503, False)])
def test_webhook_4xx_is_a_dead_letter_but_408_429_and_5xx_are_retried(stack, notify_settings, clock, status, dead):
    hook = PickyHook()
    hook.status_for_poison = status
    hook.start()
    try:
        settings = notify_settings(alert_webhook_url=f"{hook.url}/hook", alert_webhook_secret=None,
                                   smtp_host=None, telegram_bot_token=None)
        svc, client, auth = stack(settings)
        client.post(RULES, headers=auth, json=rule("poison tank", notify=["webhook"]))
        client.post(RULES, headers=auth, json=rule("Outlet hot", channel="d4", notify=["webhook"])
                    | {"op": "above", "value": 50})
        fire(svc, clock, d13=5, d4=60)
        deliver(svc.alerts)
        letters = client.get(DEAD, headers=auth).get_json()["dead_letters"]
        delivered = [p.json()["alert"]["name"] for p in hook.received() if p.json()["event"] == "alert.firing"]
        if dead:
            assert [d["reason"] for d in letters] == [f"the webhook answered HTTP {status} "
                                                      + {400: "Bad Request", 404: "Not Found", 410: "Gone"}[status]]
            assert delivered == ["poison tank", "Outlet hot"]   # tried once, then the next went
        else:
            assert letters == [] and delivered == ["poison tank"]    # head of line: retried, in order
            assert svc.alerts.outbox.queued("webhook") == 2
            [note] = next(a for a in svc.alerts.alerts_view()["active"] if a["name"] == "poison tank")["notified"]
            assert note["state"] == "retrying" and note["next_at"] == pytest.approx(clock.wall() + 5)
    finally:
        hook.stop()


def test_dead_letters_are_bounded(stack, notify_settings, clock, picky_smtp):
    from automation_svc.alerts import outbox_dead as ob
    from automation_svc.alerts.messages import Message
    svc, client, auth = stack(notify_settings(smtp_port=picky_smtp.port, alert_webhook_url=None,
                                              telegram_bot_token=None))
    for n in range(ob.MAX_DEAD + 5):
        svc.alerts.outbox.put("email", Message("test", f"poison {n}", "body"))
    svc.alerts.outbox.deliver_due("email")
    letters = client.get(DEAD, headers=auth).get_json()["dead_letters"]
    assert len(letters) == ob.MAX_DEAD
    assert letters[0]["subject"] == f"poison {ob.MAX_DEAD + 4}"        # newest first; the oldest went
