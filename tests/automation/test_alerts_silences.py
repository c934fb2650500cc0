"""Silences (SPEC 13) through the real Flask app and the real local receivers: a silenced alert
fires, resolves and is recorded (`silenced: true`) but nothing is sent; the next unsilenced one
is; a silence still holding back a firing alert sends it when it ends; bad input is a 400 naming
the field; silences persist across a restart, expire, and every one created or ended is audited."""
from __future__ import annotations

import pytest

from automation_svc.app import create_app
from automation_svc.service import AutomationService

from .alert_fixtures import deliver, notify_settings, smtp, telegram, webhook  # noqa: F401
from .conftest import PASSWORD, frame

SILENCES = "/api/automation/silences"
LOW = {"kind": "threshold", "channel": "d13", "op": "below", "value": 20, "clear": 25, "for_s": 0,
       "name": "Tank low", "notify": ["email", "webhook"]}


@pytest.fixture
def stack(notify_settings, clock, sender):
    """(service, client, auth headers) with every channel pointed at the local receivers."""
    def make(settings=None):
        settings = settings or notify_settings(telegram_bot_token=None)
        svc = AutomationService(settings, clock=clock, sender=sender, with_stream=False)
        if any(r["id"] == "offline" for r in svc.alerts.rules_view()):
            svc.alerts.delete_rule("offline")      # these tests leave long gaps between frames
        client = create_app(settings, service=svc, start=False).test_client()
        r = client.post("/api/automation/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": PASSWORD})
        return svc, client, {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    return make


def feed(svc, clock, **values) -> None:
    svc.engine.on_frame(frame(clock, **values))
    svc.alerts.step()


def audit(svc) -> list[tuple[str, str, str]]:
    return [(e["what"], e["why"], e["result"]) for e in reversed(svc.engine.audit.newest(500))]


def test_silenced_alert_is_recorded_not_sent_and_the_next_unsilenced_one_is(stack, clock, smtp, webhook):
    svc, client, auth = stack()
    rule = client.post("/api/automation/alert-rules", headers=auth, json=LOW).get_json()
    r = client.post(SILENCES, headers=auth, json={"reason": "filter change", "until": clock.wall() + 3600,
                                                  "rule_ids": [rule["id"]]})
    assert r.status_code == 201, r.get_json()
    silence = r.get_json()
    assert silence["rule_ids"] == [rule["id"]] and silence["reason"] == "filter change"
    assert client.get(SILENCES, headers=auth).get_json() == {"silences": [silence]}

    feed(svc, clock, d13=5)                                  # fires during the silence
    clock.advance(60)
    feed(svc, clock, d13=30)                                 # and resolves during it
    deliver(svc.alerts)
    [alert] = client.get("/api/automation/alerts", headers=auth).get_json()["recent"]
    assert (alert["state"], alert["silenced"], alert["notified"]) == ("resolved", True, [])
    assert smtp.received() == [] and webhook.received() == []
    assert ("alert firing: Tank low", "firing (silenced: not sent)") in [(w, r) for w, _, r in audit(svc)]

    clock.advance(3600)                                      # the silence runs out
    svc.alerts.step()
    assert client.get(SILENCES, headers=auth).get_json() == {"silences": []}
    feed(svc, clock, d13=5)                                  # the next one is sent
    deliver(svc.alerts)
    [mail] = smtp.wait(1)
    assert "Tank low - firing" in mail.subject and len(webhook.wait(1)) == 1
    newest = client.get("/api/automation/alerts", headers=auth).get_json()["active"][0]
    assert newest["silenced"] is False and {n["channel"] for n in newest["notified"]} == {"email", "webhook"}
    whats = [(w, res) for w, _, res in audit(svc)]
    assert ("silence created", "saved") in whats and ("silence ended", "expired") in whats


def test_a_silence_covers_only_its_rules_and_empty_means_all(stack, clock, smtp):
    svc, client, auth = stack(None)
    low = client.post("/api/automation/alert-rules", headers=auth, json=LOW).get_json()
    hot = client.post("/api/automation/alert-rules", headers=auth, json={
        "kind": "threshold", "channel": "d4", "op": "above", "value": 50, "for_s": 0, "name": "Outlet hot",
        "notify": ["email"]}).get_json()
    client.post(SILENCES, headers=auth, json={"reason": "tank work", "until": clock.wall() + 600,
                                              "rule_ids": [low["id"]]})
    feed(svc, clock, d13=5, d4=60)
    deliver(svc.alerts)
    [mail] = smtp.wait(1)
    assert "Outlet hot" in mail.subject
    by_rule = {a["rule_id"]: a for a in svc.alerts.alerts_view()["active"]}
    assert by_rule[low["id"]]["silenced"] and not by_rule[hot["id"]]["silenced"]

    client.post(SILENCES, headers=auth, json={"reason": "all quiet", "until": clock.wall() + 600})
    clock.advance(60)
    feed(svc, clock, d13=30, d4=40)                          # both resolve: nothing goes out
    deliver(svc.alerts)
    assert len(smtp.received()) == 1


def test_ending_a_silence_early_sends_the_alert_it_held_back(stack, clock, smtp):
    svc, client, auth = stack()
    client.post("/api/automation/alert-rules", headers=auth, json=LOW)
    silence = client.post(SILENCES, headers=auth, json={"reason": "maintenance",
                                                        "until": clock.wall() + 7200}).get_json()
    feed(svc, clock, d13=5)
    deliver(svc.alerts)
    assert smtp.received() == []
    clock.advance(120)
    assert client.delete(f"{SILENCES}/{silence['id']}", headers=auth).status_code == 204
    assert client.delete(f"{SILENCES}/{silence['id']}", headers=auth).status_code == 404
    deliver(svc.alerts)
    [mail] = smtp.wait(1)                                    # still firing: now people hear of it
    assert "Tank low - firing" in mail.subject
    assert ("silence ended", "ended early") in [(w, r) for w, _, r in audit(svc)]
    clock.advance(60)
    feed(svc, clock, d13=30)                                 # and of its end
    deliver(svc.alerts)
    assert "resolved" in smtp.wait(2)[1].subject


@pytest.mark.parametrize("body,field,words", [
    ({"until": 3600}, "reason", "A reason is required"),
    ({"reason": "  ", "until": 3600}, "reason", "A reason is required"),
    ({"reason": "a\nb", "until": 3600}, "reason", "line breaks"),
    ({"reason": "x" * 201, "until": 3600}, "reason", "too long"),
    ({"reason": "work"}, "until", "Until must be a time"),
    ({"reason": "work", "until": "tomorrow"}, "until", "Until must be a time"),
    ({"reason": "work", "until": 7 * 86400 + 60}, "until", "Until must be within 7 days"),
    ({"reason": "work", "until": -10}, "until", "Until must be in the future"),
    ({"reason": "work", "until": 3600, "rule_ids": ["nope"]}, "rule_ids", "existing alert rules"),
    ({"reason": "work", "until": 3600, "rule_ids": "offline"}, "rule_ids", "a list"),
    ({"reason": "work", "until": 3600, "mute": True}, "mute", "not a field"),
])
def test_bad_silence_is_a_400_naming_the_field_and_saves_nothing(stack, clock, body, field, words):
    svc, client, auth = stack()
    if isinstance(body.get("until"), int):
        body = {**body, "until": clock.wall() + body["until"]}
    r = client.post(SILENCES, headers=auth, json=body)
    assert r.status_code == 400 and r.get_json()["field"] == field and words in r.get_json()["error"]
    assert client.get(SILENCES, headers=auth).get_json() == {"silences": []}
    assert svc.alerts.dump()["silences"] == []


def test_silences_persist_across_a_restart_and_need_a_login(stack, clock, notify_settings):
    settings = notify_settings(telegram_bot_token=None)
    svc, client, auth = stack(settings)
    for method in ("get", "post"):
        assert getattr(client, method)(SILENCES, json={}).status_code == 401
    assert client.delete(f"{SILENCES}/x").status_code == 401
    made = client.post(SILENCES, headers=auth, json={"reason": "pump swap", "until": clock.wall() + 86400,
                                                     "rule_ids": ["relay_failed"]}).get_json()
    _, client2, auth2 = stack(settings)
    assert client2.get(SILENCES, headers=auth2).get_json()["silences"] == [made]
