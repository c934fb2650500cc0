"""Login and token checks on the gateway (SPEC 8; issue items 2 and 8)."""
from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta

import pytest
import responses
from flask_jwt_extended import create_access_token, decode_token

from devicecloud.settings import SettingsError
from gateway_svc.app import create_app
from tests.eventually import eventually

from .conftest import ALIAS, AUTOMATION, PASSWORD, make_settings

PROTECTED = ["/api/live", "/api/config", "/api/channels", "/api/graph/hour",
             "/api/history?start=2025-12-01&end=2025-12-02",
             "/api/report.csv?startDate=2025-12-01&endDate=2025-12-02"]


def test_login_gives_a_bearer_jwt_for_the_alias(client, app):
    resp = client.post("/api/auth/login", json={"deviceId": ALIAS, "password": PASSWORD})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["token_type"] == "Bearer" and body["deviceId"] == ALIAS
    assert body["expires_in"] == app.extensions["xo2_settings"].jwt_expires_s
    with app.app_context():
        assert decode_token(body["access_token"])["type"] == "access"


@pytest.mark.parametrize("body", [{"deviceId": ALIAS, "password": "wrong-password"},
                                  {"deviceId": "BTTE1250001", "password": PASSWORD}])
def test_wrong_id_or_password_is_401(client, body):
    resp = client.post("/api/auth/login", json=body)
    assert resp.status_code == 401
    assert resp.get_json() == {"error": "wrong device id or password"}


@pytest.mark.parametrize("kwargs", [dict(data="{not json", content_type="application/json"),
                                    dict(json=["a", "list"]), dict(json={"deviceId": ALIAS})])
def test_bad_login_bodies_are_400_json(client, kwargs):
    resp = client.post("/api/auth/login", **kwargs)
    assert resp.status_code == 400
    assert isinstance(resp.get_json()["error"], str)


def test_credential_checks_are_reported_to_automations_audit_log(client, app, cloud):
    """Browser logins happen here, the audit log is automation_svc's: each real credential
    check is posted to its internal route with a short-lived token marked for it."""
    route = cloud.add(responses.POST, AUTOMATION + "/api/automation/internal/audit", status=204)
    client.post("/api/auth/login", json={"deviceId": ALIAS, "password": PASSWORD})
    client.post("/api/auth/login", json={"deviceId": ALIAS, "password": "wrong-password"})
    client.post("/api/auth/login", json={"deviceId": ALIAS})                  # malformed: not a check
    client.post("/api/auth/login", json={"deviceId": ALIAS, "password": "wrong-again"})
    # Posted in the background; once the last check's report is in, a report of the malformed
    # one (sent before it) would be too.
    eventually(lambda: route.call_count >= 3, 5, what="three login reports")
    bodies = sorted(json.loads(c.request.body)["result"] for c in route.calls)
    assert bodies == ["ok", "wrong id or password", "wrong id or password"]
    call = route.calls[0].request
    assert json.loads(call.body)["client"] == "127.0.0.1" and json.loads(call.body)["what"] == "login"
    with app.app_context():
        claims = decode_token(call.headers["Authorization"].removeprefix("Bearer "))
    assert claims["login_audit"] is True and claims["sub"] == "gateway"
    assert claims["exp"] - claims["iat"] <= 60


def test_a_hung_automation_svc_does_not_delay_or_break_logins():
    """The audit report goes out in the background: with automation_svc hung (it takes the
    connection and never answers), the login is answered while its report still waits."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        app = create_app(make_settings(automation_url=f"http://127.0.0.1:{hung.getsockname()[1]}"),
                         start_stream=False)
        resp = app.test_client().post("/api/auth/login", json={"deviceId": ALIAS, "password": PASSWORD})
        waiting = [t for t in threading.enumerate() if t.name == "audit-report" and t.is_alive()]
        assert resp.status_code == 200 and waiting
    for t in waiting:                 # the closed socket refuses them: they end, logged and dropped
        t.join(10)


def test_repeated_failures_are_rate_limited(client):
    codes = [client.post("/api/auth/login", json={"deviceId": ALIAS, "password": "nope-nope"}).status_code
             for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[-1] == 429
    assert "error" in client.post("/api/auth/login", json={"deviceId": ALIAS, "password": "x" * 9}).get_json()


@pytest.mark.parametrize("path", PROTECTED)
def test_routes_need_a_token(client, path):
    resp = client.get(path)
    assert resp.status_code == 401
    assert "log in" in resp.get_json()["error"]


def test_expired_and_tampered_tokens_are_refused(client, app, token):
    with app.app_context():
        expired = create_access_token("admin", expires_delta=timedelta(seconds=-5))
    head, payload, sig = token.split(".")
    tampered = ".".join([head, payload, ("A" if sig[0] != "A" else "B") + sig[1:]])
    for bad, words in [(expired, "expired"), (tampered, "invalid"), ("garbage", "")]:
        resp = client.get("/api/channels", headers={"Authorization": f"Bearer {bad}"})
        assert resp.status_code == 401
        assert words in resp.get_json()["error"]
    assert client.get("/api/channels", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_token_in_the_query_string_is_refused(client, token):
    # URLs end up in access logs and browser history: the header is the only place.
    for path in ("/api/channels", "/api/config", "/api/live"):
        resp = client.get(f"{path}?token={token}")
        assert resp.status_code == 401 and "log in" in resp.get_json()["error"]


def test_weak_secrets_refuse_to_start():
    with pytest.raises(SettingsError):
        create_app(make_settings(jwt_secret="short", dev=False), start_stream=False)
    with pytest.raises(SettingsError):
        create_app(make_settings(admin_password="1234567"), start_stream=False)
