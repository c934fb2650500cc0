"""HTTP contract: auth, shapes, validation (400 naming the field, nothing changed), 404/409, audit."""
from __future__ import annotations

import secrets

import pytest
from flask_jwt_extended import create_access_token

from automation_svc.app import create_app
from automation_svc.clock import FakeClock
from automation_svc.service import AutomationService
from service_kit.auth import LOGIN_AUDIT_CLAIM
from devicecloud.settings import load_settings

from .conftest import PASSWORD, RecordingSender, frame

SENSOR = {"channel": "d9", "low": 30, "high": 70, "above": 1}
WINDOW = {"start": "22:00", "end": "06:00"}


def win(**kw):
    return {"windows": [{**WINDOW, **kw}], "inside": 1}


BAD_REQUESTS = [
    ("put", "/relays/i1", {"mode": "turbo"}, "mode"),
    ("put", "/relays/i1", {"mode": "sensor"}, "sensor"),
    ("put", "/relays/i1", {"mode": "time"}, "time"),
    ("put", "/relays/i1", {"mode": None}, "mode"),
    ("put", "/relays/i1", {"sensor": {**SENSOR, "low": 70, "high": 30}}, "sensor.high"),
    ("put", "/relays/i1", {"sensor": {**SENSOR, "low": 50, "high": 50}}, "sensor.high"),
    ("put", "/relays/i1", {"mode": "sensor", "sensor": {**SENSOR, "low": 9, "high": 1}}, "sensor.high"),
    ("put", "/relays/i1", {"sensor": {**SENSOR, "channel": "i3"}}, "sensor.channel"),
    ("put", "/relays/i1", {"sensor": {**SENSOR, "channel": "d99"}}, "sensor.channel"),
    ("put", "/relays/i1", {"sensor": {**SENSOR, "low": "10"}}, "sensor.low"),
    ("put", "/relays/i1", {"sensor": {**SENSOR, "above": 2}}, "sensor.above"),
    ("put", "/relays/i1", {"sensor": {**SENSOR, "above": True}}, "sensor.above"),
    ("put", "/relays/i1", {"sensor": {"channel": "d9", "low": 1, "high": 2}}, "sensor.above"),
    ("put", "/relays/i1", {"sensor": {**SENSOR, "hysteresis": 3}}, "sensor.hysteresis"),
    ("put", "/relays/i1", {"sensor": "d9>70"}, "sensor"),
    ("put", "/relays/i1", {"time": win(start="25:00")}, "time.windows.0.start"),
    ("put", "/relays/i1", {"time": win(start="7:00")}, "time.windows.0.start"),
    ("put", "/relays/i1", {"time": win(end="06:60")}, "time.windows.0.end"),
    ("put", "/relays/i1", {"time": win(end="22:00")}, "time.windows.0.end"),
    ("put", "/relays/i1", {"time": win(days=[7])}, "time.windows.0.days.0"),
    ("put", "/relays/i1", {"time": win(days=["mon"])}, "time.windows.0.days.0"),
    ("put", "/relays/i1", {"time": {"windows": [], "inside": 1}}, "time.windows"),
    ("put", "/relays/i1", {"time": {"windows": [WINDOW], "inside": -1}}, "time.inside"),
    ("put", "/relays/i1", {"time": {"windows": [WINDOW]}}, "time.inside"),
    ("put", "/relays/i1", {"name": ""}, "name"),
    ("put", "/relays/i1", {"name": "   "}, "name"),
    ("put", "/relays/i1", {"name": 5}, "name"),
    ("put", "/relays/i1", {"name": "x" * 41}, "name"),
    ("put", "/relays/i1", {"colour": "red"}, "colour"),
    ("post", "/relays/i1/command", {"state": 2}, "state"),
    ("post", "/relays/i1/command", {"state": "1"}, "state"),
    ("post", "/relays/i1/command", {"state": True}, "state"),
    ("post", "/relays/i1/command", {"state": 1.0}, "state"),
    ("post", "/relays/i1/command", {}, "state"),
    ("post", "/relays/i1/command", {"state": 1, "force": True}, "force"),
    ("put", "/display", {"enabled": "yes"}, "enabled"),
    ("put", "/display", {"interval_s": 0}, "interval_s"),
    ("put", "/display", {"interval_s": "10"}, "interval_s"),
    ("put", "/display", {"standard": "who"}, "standard"),
    ("put", "/display", {"max_age_s": -1}, "max_age_s"),
    ("put", "/display", {"enabled": False, "brightness": 3}, "brightness"),
    ("get", "/audit?limit=0", None, "limit"),
    ("get", "/audit?limit=abc", None, "limit"),
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One app for all the bad-input cases (they must not change anything anyway); logging in
    hashes a password, which is slow enough to matter when repeated per case."""
    settings = load_settings(admin_password=PASSWORD, jwt_secret=secrets.token_urlsafe(48),
                             state_file=tmp_path_factory.mktemp("api") / "state.json")
    svc = AutomationService(settings, clock=FakeClock(), sender=RecordingSender(), with_stream=False)
    client = create_app(settings, service=svc, start=False).test_client()
    r = client.post("/api/automation/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    client.put("/api/automation/relays/i2", json={"mode": "sensor", "sensor": SENSOR}, headers=auth)
    return client, auth, settings


def snapshot(client, auth, settings):
    relays = client.get("/api/automation/relays", headers=auth).get_json()
    display = client.get("/api/automation/display", headers=auth).get_json()
    audit = client.get("/api/automation/audit?limit=500", headers=auth).get_json()
    return relays, display, audit, settings.state_file.read_bytes()


@pytest.mark.parametrize("method, path, body, field", BAD_REQUESTS,
                         ids=[f"{m} {p} {f}" for m, p, _, f in BAD_REQUESTS])
def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(shared, method, path, body, field):
    client, auth, settings = shared
    before = snapshot(client, auth, settings)
    r = getattr(client, method)("/api/automation" + path, json=body, headers=auth)
    assert r.status_code == 400, r.get_json()
    assert r.get_json()["field"] == field
    assert r.get_json()["error"]
    assert snapshot(client, auth, settings) == before


def test_non_json_body_is_a_400(client, auth):
    r = client.put("/api/automation/relays/i1", data="mode=sensor", headers=auth)
    assert r.status_code == 400 and "JSON" in r.get_json()["error"]


@pytest.mark.parametrize("method, path", [
    ("get", "/relays/i9"), ("put", "/relays/i0"), ("post", "/relays/d9/command")])
def test_unknown_relay_is_a_404(client, auth, method, path):
    r = getattr(client, method)("/api/automation" + path, json={"state": 1}, headers=auth)
    assert r.status_code == 404 and r.get_json()["field"] == "id"


def test_routes_need_a_token_except_health(client):
    for path in ("/relays", "/display", "/audit"):
        assert client.get("/api/automation" + path).status_code == 401
    assert client.post("/api/automation/relays/i1/command", json={"state": 1}).status_code == 401
    health = client.get("/api/automation/health")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "degraded"                         # no socket in this test
    assert body["upstream"] == {"socket_connected": False, "last_frame_age_s": None}
    assert set(body["state_file"]) >= {"ok", "error", "kept_aside"}


def test_gateway_tokens_work(app, client):
    from flask_jwt_extended import create_access_token
    with app.app_context():                                     # same secret, as the gateway signs
        token = create_access_token(identity="admin")
    r = client.get("/api/automation/relays", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200


def test_relay_shape_and_rule_editing(client, auth):
    relays = client.get("/api/automation/relays", headers=auth).get_json()["relays"]
    assert [r["id"] for r in relays] == [f"i{n}" for n in range(1, 9)]
    assert relays[0] == {"id": "i1", "name": "Relay 1", "mode": "manual", "sensor": None, "time": None,
                         "actual": None, "command": None}
    r = client.put("/api/automation/relays/i4", json={"name": "Blower", "mode": "sensor", "sensor": SENSOR},
                   headers=auth)
    assert r.status_code == 200
    assert r.get_json()["sensor"] == {**SENSOR, "low": 30.0, "high": 70.0}
    # Back to manual: the sensor rule is remembered, so sensor mode can come back without it.
    assert client.put("/api/automation/relays/i4", json={"mode": "manual"}, headers=auth).status_code == 200
    r = client.put("/api/automation/relays/i4", json={"mode": "sensor"}, headers=auth)
    assert r.status_code == 200 and r.get_json()["mode"] == "sensor" and r.get_json()["name"] == "Blower"
    r = client.put("/api/automation/relays/i5", json={"mode": "time", "time": {
        "windows": [{"start": "22:00", "end": "06:00", "days": [4, 4, 0]}], "inside": 0}}, headers=auth)
    assert r.status_code == 200
    assert r.get_json()["time"] == {"windows": [{"start": "22:00", "end": "06:00", "days": [0, 4]}], "inside": 0}
    r = client.put("/api/automation/relays/i6", json={"time": {"windows": [WINDOW], "inside": 1}}, headers=auth)
    assert r.get_json()["time"]["windows"][0]["days"] == [0, 1, 2, 3, 4, 5, 6]    # every day by default
    assert r.get_json()["mode"] == "manual"
    # no day picked (the web's new window, or all days cleared) also means every day
    r = client.put("/api/automation/relays/i7", json={"mode": "time", "time": {
        "windows": [{**WINDOW, "days": []}], "inside": 1}}, headers=auth)
    assert r.status_code == 200 and r.get_json()["time"]["windows"][0]["days"] == [0, 1, 2, 3, 4, 5, 6]


def test_command_flow_and_conflicts(client, auth, service, clock):
    engine = service.engine
    r = client.post("/api/automation/relays/i1/command", json={"state": 1}, headers=auth)
    assert r.status_code == 202
    assert r.get_json()["relay"]["command"]["state"] == "pending"
    r = client.post("/api/automation/relays/i1/command", json={"state": 0}, headers=auth)
    assert r.status_code == 409 and "pending" in r.get_json()["error"]
    engine.queue.drain()
    clock.advance(5)
    engine.on_frame(frame(clock, i1=1))
    relay = client.get("/api/automation/relays/i1", headers=auth).get_json()
    assert relay["command"]["state"] == "confirmed" and relay["actual"] == 1
    client.put("/api/automation/relays/i2", json={"mode": "sensor", "sensor": SENSOR}, headers=auth)
    r = client.post("/api/automation/relays/i2/command", json={"state": 1}, headers=auth)
    assert r.status_code == 409 and "manual" in r.get_json()["error"]


def test_display_get_and_put(client, auth):
    body = client.get("/api/automation/display", headers=auth).get_json()
    assert (body["enabled"], body["interval_s"], body["standard"], body["max_age_s"]) == (True, 10, "cpcb", 120)
    assert set(body["last"]) >= {"at", "values", "text", "skipped_reason"}
    r = client.put("/api/automation/display", json={"enabled": False, "interval_s": 15, "standard": "epa"},
                   headers=auth)
    assert r.status_code == 200
    body = client.get("/api/automation/display", headers=auth).get_json()
    assert (body["enabled"], body["interval_s"], body["standard"]) == (False, 15, "epa")


def test_audit_newest_first_with_who_what_why_result_latency(client, auth, service, clock):
    client.post("/api/automation/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": "wrong-pass"})
    client.put("/api/automation/relays/i3", json={"name": "Pump"}, headers=auth)
    client.post("/api/automation/relays/i3/command", json={"state": 1}, headers=auth)
    service.engine.queue.drain()
    clock.advance(4)
    service.engine.on_frame(frame(clock, i3=1))
    entries = client.get("/api/automation/audit?limit=4", headers=auth).get_json()["entries"]
    assert len(entries) == 4
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    command, rule, failed_login, login = entries
    assert set(command) >= {"at", "who", "what", "why", "result", "latency_s"}
    assert (command["who"], command["result"], command["latency_s"]) == ("admin", "confirmed", 4.0)
    assert command["what"] == "Pump: switch ON" and command["why"] == "manual switch"
    assert (rule["who"], rule["what"], rule["why"]) == ("admin", "Relay 3: renamed Pump", "rule change")
    assert (failed_login["what"], failed_login["result"]) == ("login", "wrong id or password")
    assert (login["what"], login["result"]) == ("login", "ok")
    assert len(client.get("/api/automation/audit?limit=1", headers=auth).get_json()["entries"]) == 1


def test_the_gateway_reports_browser_logins_to_the_audit_log(app, client, auth, service):
    """POST /api/automation/internal/audit: only a token marked by the gateway may write."""
    with app.app_context():
        gateway = {"Authorization": "Bearer " + create_access_token(
            identity="gateway", additional_claims={LOGIN_AUDIT_CLAIM: True})}
    url = "/api/automation/internal/audit"
    before = service.engine.audit.newest(500)
    ok = {"what": "login", "result": "ok", "client": "127.0.0.1"}
    r = client.post(url, json=ok, headers=auth)
    assert r.status_code == 403 and "error" in r.get_json()             # an admin token is not enough
    assert client.post(url, json=ok).status_code == 401
    for bad, field in [({"what": "login", "result": "maybe", "client": "127.0.0.1"}, "result"),
                       ({"what": "login", "result": "ok", "client": "<script>"}, "client"),
                       ({"what": "login", "result": "ok", "client": "1" * 65}, "client"),
                       ({"what": "login", "result": "ok"}, "client"),
                       ({"what": "login", "result": "ok", "client": "::1", "who": "root"}, "who"),
                       ({"result": "ok", "client": "::1"}, "what"),
                       ({"what": "relay", "result": "ok"}, "what"),
                       ({"what": "report link refused", "reason": "http://169.254.169.254/"}, "reason")]:
        r = client.post(url, json=bad, headers=gateway)
        assert r.status_code == 400 and r.get_json()["field"] == field, bad
    assert service.engine.audit.newest(500) == before                  # refused: nothing written
    assert client.post(url, json={"what": "login", "result": "wrong id or password", "client": "10.0.0.7"},
                       headers=gateway).status_code == 204
    entry = client.get("/api/automation/audit?limit=1", headers=auth).get_json()["entries"][0]
    assert (entry["who"], entry["what"], entry["why"], entry["result"]) == (
        "admin", "login", "from 10.0.0.7 (web)", "wrong id or password")
    # the gateway's token is good for nothing else
    for method, path in [("get", "/api/automation/relays"), ("post", "/api/automation/relays/i1/command"),
                         ("put", "/api/automation/display"), ("get", "/api/automation/audit")]:
        r = getattr(client, method)(path, json={"state": 1} if method != "get" else None, headers=gateway)
        assert r.status_code == 403 and r.get_json() == {"error": "this token may only report to the audit log"}, path
    assert service.engine.relays.records["i1"].command is None


def test_the_gateway_reports_refused_report_links_to_the_audit_log(app, client, auth):
    with app.app_context():
        gateway = {"Authorization": "Bearer " + create_access_token(
            identity="gateway", additional_claims={LOGIN_AUDIT_CLAIM: True})}
    r = client.post("/api/automation/internal/audit", headers=gateway,
                    json={"what": "report link refused", "reason": "host not in XO2_REPORT_HOSTS"})
    assert r.status_code == 204
    entry = client.get("/api/automation/audit?limit=1", headers=auth).get_json()["entries"][0]
    assert (entry["who"], entry["what"], entry["why"], entry["result"]) == (
        "system", "report link", "from the cloud: host not in XO2_REPORT_HOSTS", "refused")
