"""The SPEC 9 routes through the real Flask app: JWT on every route, rule CRUD, every bad
input a 400 naming the field with nothing saved, alerts listing and acknowledge."""
from __future__ import annotations

import pytest

from automation_svc.app import create_app
from automation_svc.field_errors import label
from automation_svc.service import AutomationService

from .conftest import frame

RULES = "/api/automation/alert-rules"
GOOD = {"kind": "threshold", "channel": "d13", "op": "below", "value": 20, "clear": 25, "for_s": 30,
        "severity": "critical", "notify": ["email", "webhook"], "repeat_s": 600, "name": "Tank low"}
ROUTES = [("get", "/api/automation/alerts"), ("post", "/api/automation/alerts/1/ack"),
          ("get", RULES), ("post", RULES), ("put", f"{RULES}/offline"), ("delete", f"{RULES}/offline"),
          ("get", "/api/automation/notify"), ("post", "/api/automation/notify/test")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_every_route_needs_a_login(client, method, path):
    r = getattr(client, method)(path, json={})
    assert r.status_code == 401 and "log in" in r.get_json()["error"]


def test_default_rules_and_crud(client, auth, settings, clock, sender):
    body = client.get(RULES, headers=auth).get_json()
    assert body["threshold_channels"] == [f"d{n}" for n in range(1, 15)] + ["d38"]
    assert body["impact_channels"] == ["d8", "d9", "d10", "d11", "d12", "d14"]
    rules = body["rules"]
    assert [(r["id"], r["kind"], r["for_s"], r["severity"]) for r in rules] == [
        ("offline", "offline", 120, "critical"), ("relay_failed", "relay_failed", 0, "warning"),
        ("impact_d9", "impact", 900, "warning")]
    r = client.post(RULES, headers=auth, json=GOOD)
    assert r.status_code == 201
    created = r.get_json()
    assert {k: created[k] for k in GOOD} == GOOD and created["enabled"] is True and created["id"]
    r = client.put(f"{RULES}/{created['id']}", headers=auth, json={"value": 15, "clear": None, "enabled": False})
    assert r.status_code == 200
    assert (r.get_json()["value"], r.get_json()["clear"], r.get_json()["enabled"]) == (15, 15, False)
    # A UI may send the whole rule back, id and nulls included.
    whole = {**r.get_json(), "enabled": True}
    assert client.put(f"{RULES}/{created['id']}", headers=auth, json=whole).get_json() == whole
    assert client.put(f"{RULES}/relay_failed", headers=auth, json={"channel": "i4"}).get_json()["channel"] == "i4"
    # Saved: a new service on the same state file has them.
    again = create_app(settings, service=AutomationService(settings, clock=clock, sender=sender,
                                                           with_stream=False), start=False)
    saved = again.extensions["automation"].alerts.rules_view()
    assert [r["id"] for r in saved] == ["offline", "relay_failed", "impact_d9", created["id"]]
    assert client.delete(f"{RULES}/{created['id']}", headers=auth).status_code == 204
    assert client.delete(f"{RULES}/{created['id']}", headers=auth).status_code == 404
    assert client.put(f"{RULES}/nope", headers=auth, json={"name": "x"}).status_code == 404
    entries = client.get("/api/automation/audit?limit=10", headers=auth).get_json()["entries"]
    assert [e["what"] for e in entries[:2]] == ["alert rule deleted: Tank low",
                                                "alert rule updated: Relay command failed"]


BAD_CREATE = [
    ({**GOOD, "channel": "d99"}, "channel"),                       # unknown channel
    ({**GOOD, "channel": "i1"}, "channel"),                        # a relay
    ({**GOOD, "channel": "i11"}, "channel"),                       # a display value
    ({**GOOD, "channel": "d15"}, "channel"),                       # SW version is no measurement
    ({**GOOD, "op": "above", "value": 20, "clear": 25}, "clear"),  # clear on the wrong side
    ({**GOOD, "op": "below", "value": 20, "clear": 10}, "clear"),
    ({**GOOD, "for_s": -1}, "for_s"),
    ({**GOOD, "repeat_s": -5}, "repeat_s"),
    ({**GOOD, "repeat_s": 10}, "repeat_s"),
    ({**GOOD, "notify": ["email", "sms"]}, "notify"),              # unknown notify channel
    ({**GOOD, "notify": ["email", "email"]}, "notify"),
    ({**GOOD, "notify": "email"}, "notify"),
    ({**GOOD, "kind": "flood"}, "kind"),
    ({k: v for k, v in GOOD.items() if k != "kind"}, "kind"),
    ({**GOOD, "severity": "urgent"}, "severity"),
    ({**GOOD, "value": "20"}, "value"),
    ({**GOOD, "value": True}, "value"),
    ({k: v for k, v in GOOD.items() if k != "op"}, "op"),
    ({k: v for k, v in GOOD.items() if k != "value"}, "value"),
    ({**GOOD, "name": "x" * 81}, "name"),
    ({**GOOD, "name": 7}, "name"),
    ({**GOOD, "colour": "red"}, "colour"),
    ({**GOOD, "enabled": "yes"}, "enabled"),
    ({"kind": "offline", "for_s": 5}, "for_s"),
    ({"kind": "impact", "channel": "d13"}, "channel"),             # a tank level has no better side
    ({"kind": "impact", "channel": "d1"}, "channel"),              # an inlet
    ({"kind": "relay_failed", "channel": "d1"}, "channel"),
]


@pytest.mark.parametrize("body,field", BAD_CREATE)
def test_bad_rule_is_a_400_naming_the_field_and_saves_nothing(client, auth, settings, body, field):
    client.post(RULES, headers=auth, json=GOOD)                    # something saved already
    before = client.get(RULES, headers=auth).get_json()
    file_before = settings.state_file.read_bytes()
    r = client.post(RULES, headers=auth, json=body)
    assert r.status_code == 400, r.get_json()
    assert r.get_json()["field"] == field and r.get_json()["error"].startswith(label(field))
    assert client.get(RULES, headers=auth).get_json() == before
    assert settings.state_file.read_bytes() == file_before


@pytest.mark.parametrize("body,field", [
    ({"clear": 5}, "clear"), ({"for_s": -1}, "for_s"), ({"notify": ["pager"]}, "notify"),
    ({"channel": "i3"}, "channel"), ({"kind": None}, "kind"), ({"enabled": None}, "enabled"),
    ({"id": "other"}, "id"), ({"kind": "impact"}, "channel"),
])
def test_bad_update_is_a_400_and_changes_nothing(client, auth, settings, body, field):
    rid = client.post(RULES, headers=auth, json=GOOD).get_json()["id"]
    before = client.get(RULES, headers=auth).get_json()
    file_before = settings.state_file.read_bytes()
    r = client.put(f"{RULES}/{rid}", headers=auth, json=body)
    assert r.status_code == 400 and r.get_json()["field"] == field, r.get_json()
    assert client.get(RULES, headers=auth).get_json() == before
    assert settings.state_file.read_bytes() == file_before


def test_a_blank_name_is_made_from_the_rule(client, auth):
    r = client.post(RULES, headers=auth, json={**GOOD, "name": "  "})
    assert r.status_code == 201 and r.get_json()["name"] == "Outlet Water Level below 20"
    r = client.put(f"{RULES}/{r.get_json()['id']}", headers=auth, json={"name": "", "channel": "d6", "value": 10})
    assert r.get_json()["name"] == "Inlet Water Level below 10"
    assert client.post(RULES, headers=auth, json={"kind": "offline", "for_s": 300}).get_json()["name"] == "Unit offline"


def test_not_json_is_a_400(client, auth):
    r = client.post(RULES, headers=auth, data="kind=threshold")
    assert r.status_code == 400 and "JSON" in r.get_json()["error"]
    assert client.post(RULES, headers=auth, json=[GOOD]).status_code == 400


def test_alerts_list_and_acknowledge(client, auth, service, clock):
    client.post(RULES, headers=auth, json={**GOOD, "for_s": 0})
    service.engine.on_frame(frame(clock, d13=12))
    service.alerts.step()
    body = client.get("/api/automation/alerts", headers=auth).get_json()
    [alert] = body["active"]
    assert body["recent"] == [alert] and body["firing"] == 1
    assert set(alert) >= {"id", "rule_id", "name", "severity", "state", "since", "resolved_at", "value",
                          "message", "acked_by", "notified"}
    assert (alert["state"], alert["value"], alert["name"], alert["acked_by"]) == ("firing", 12, "Tank low", None)
    r = client.post(f"/api/automation/alerts/{alert['id']}/ack", headers=auth)
    assert r.status_code == 200 and r.get_json()["state"] == "acknowledged" and r.get_json()["acked_by"] == "admin"
    assert client.get("/api/automation/alerts", headers=auth).get_json()["firing"] == 0
    assert client.post(f"/api/automation/alerts/{alert['id']}/ack", headers=auth).status_code == 200
    assert client.post("/api/automation/alerts/999/ack", headers=auth).status_code == 404
    clock.advance(10)
    service.engine.on_frame(frame(clock, d13=30))
    service.alerts.step()
    body = client.get("/api/automation/alerts", headers=auth).get_json()
    assert body["active"] == [] and body["recent"][0]["state"] == "resolved"
    r = client.post(f"/api/automation/alerts/{alert['id']}/ack", headers=auth)
    assert r.status_code == 409 and "resolved" in r.get_json()["error"]


def test_notify_status_without_configuration(client, auth):
    body = client.get("/api/automation/notify", headers=auth).get_json()
    assert set(body) == {"email", "webhook", "telegram"}
    for status in body.values():
        assert status["configured"] is False and status["last_ok_at"] is None and status["last_error"] is None
