"""Issue 21: the state file read at start is validated as a whole, and whatever it holds the
service boots: a malformed file is set aside (`state.json.corrupt-*`) and the service starts on
defaults, a malformed alerts slice alone is set aside (`state.json.alerts-corrupt-*`); never a
failed boot. Each variant is fed to a fresh service, which must then answer its routes, step its
alerts, tick, and save again."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from flask_jwt_extended import create_access_token

from automation_svc.app import create_app
from automation_svc.service import AutomationService

from .conftest import frame

API = "/api/automation"
DEEP = 100_000


def good_doc(make_settings, clock, sender) -> dict:
    """A real state file with something in every slice (relays, display, audit, alerts with a
    rule, an alert, a hold, a queued message, a dead letter, a silence)."""
    settings = make_settings(alert_webhook_url="http://127.0.0.1:9/hook")
    svc = AutomationService(settings, clock=clock, sender=sender, with_stream=False)
    from automation_svc.models import RelayUpdate
    svc.engine.relays.update("i1", RelayUpdate(name="Pump"))
    svc.alerts.create_rule({"kind": "threshold", "channel": "d13", "op": "below", "value": 20, "for_s": 0})
    svc.alerts.create_rule({"kind": "threshold", "channel": "d4", "op": "above", "value": 50, "for_s": 600})
    svc.engine.on_frame(frame(clock, d13=5, d4=60))
    svc.alerts.step()
    svc.alerts.create_silence({"reason": "work", "until": clock.wall() + 600, "rule_ids": ["relay_failed"]})
    svc.alerts.outbox.deliver_due("webhook")                 # refused: nothing listens; retried
    doc = json.loads(settings.state_file.read_text())
    doc["alerts"]["outbox"]["dead"] = [{"item": doc["alerts"]["outbox"]["items"][0], "reason": "x", "at": 1}]
    assert doc["alerts"]["alerts"] and doc["alerts"]["holds"] and doc["alerts"]["outbox"]["items"]
    settings.state_file.unlink()
    return doc


def slice_paths(doc: dict) -> list[tuple[str, ...]]:
    """Every key path in the document down to three levels (and the first item of lists)."""
    out: list[tuple[str, ...]] = []

    def walk(node, path):
        if len(path) >= 4:
            return
        if isinstance(node, dict):
            for k, v in node.items():
                out.append(path + (k,))
                walk(v, path + (k,))
        elif isinstance(node, list) and node:
            out.append(path + (0,))
            walk(node[0], path + (0,))
    walk(doc, ())
    return [p for p in out if p != ("version",)]


WRONG = {"null": None, "text": "garbage", "number": -1.5, "list": [1, "x", None], "object": {"x": [None]},
         "bool": True}


def put(doc, path, value):
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def boots(settings, clock, sender) -> AutomationService:
    svc = AutomationService(settings, clock=clock, sender=sender, with_stream=False)
    app = create_app(settings, service=svc, start=False)
    client = app.test_client()
    with app.app_context():                   # the login route's token, without hashing per variant
        token = create_access_token(identity="admin", additional_claims={"device": settings.device_alias})
    auth = {"Authorization": f"Bearer {token}"}
    for path in ("/relays", "/display", "/alerts", "/alert-rules", "/silences", "/dead-letters", "/notify",
                 "/audit", "/health"):
        r = client.get(API + path, headers=auth)
        assert r.status_code == 200, (path, r.status_code, r.get_json())
    svc.engine.on_frame(frame(clock, d13=5))
    svc.alerts.step()
    clock.advance(700)
    svc.alerts.step()
    svc.engine.tick()
    for ch in svc.alerts.channels:
        svc.alerts.outbox.deliver_due(ch)
    assert client.put(f"{API}/relays/i2", headers=auth, json={"name": "Fan"}).status_code == 200
    assert json.loads(settings.state_file.read_text())["relays"]["i2"]["name"] == "Fan"   # saves again
    return svc


@pytest.fixture
def base(make_settings, clock, sender, monkeypatch):
    # Hundreds of boots: the admin password's scrypt hash (~70 ms each) is not what is tested here.
    import service_kit.auth as auth
    cheap = auth.generate_password_hash
    monkeypatch.setattr(auth, "generate_password_hash", lambda pw, method=None: cheap(pw, method="pbkdf2:sha256:1"))
    return good_doc(make_settings, clock, sender)


@pytest.mark.parametrize("raw", [
    b"", b"null", b"[]", b"42", b'"state"', b"{", b"\xff\xfe\x00\x01garbage", b"{}", b'{"version": null}',
    b'{"version": 1}', b'{"version": 99, "relays": {}}', b"[" * DEEP + b"]" * DEEP,
    b'{"version": 1, "relays": ' + b"[" * DEEP, b'{"version": 1, "relays": {}, "alerts": ' + b"{\"a\":" * DEEP + b"1" + b"}" * DEEP,
], ids=lambda raw: repr(raw[:24]))
def test_a_broken_file_is_set_aside_and_the_service_boots_on_defaults(make_settings, clock, sender, raw):
    settings = make_settings(alert_webhook_url="http://127.0.0.1:9/hook")
    Path(settings.state_file).write_bytes(raw)
    svc = boots(settings, clock, sender)
    assert svc.engine.relays.view("i1")["name"] != "Pump"
    kept = list(Path(settings.state_file).parent.glob("state.json.*corrupt-*"))
    assert kept or raw == b'{"version": 1, "relays": {}, "alerts": ' + b"{\"a\":" * DEEP + b"1" + b"}" * DEEP


def test_a_truncated_file_is_set_aside_and_the_service_boots(make_settings, clock, sender, base):
    settings = make_settings(alert_webhook_url="http://127.0.0.1:9/hook")
    raw = json.dumps(base).encode()
    for cut in (1, len(raw) // 3, len(raw) // 2, len(raw) - 1):
        Path(settings.state_file).write_bytes(raw[:cut])
        boots(settings, clock, sender)
        Path(settings.state_file).unlink()


@pytest.mark.parametrize("top", ["relays", "display", "audit", "alerts", "other"])
def test_every_slice_with_every_wrong_type_still_boots(make_settings, clock, sender, base, top):
    settings = make_settings(alert_webhook_url="http://127.0.0.1:9/hook")
    paths = slice_paths(base)
    assert ("alerts", "outbox", "items", 0) in paths and ("relays", "i1", "name") in paths
    named = {"relays", "display", "audit", "alerts"}
    for path in [p for p in paths if p[0] == top or (top == "other" and p[0] not in named)]:
        for name, value in WRONG.items():
            Path(settings.state_file).write_text(json.dumps(put(base, path, value)))
            try:
                boots(settings, clock, sender)
            except Exception as exc:
                raise AssertionError(f"{'.'.join(map(str, path))} = {name}: {exc!r}") from exc
            for f in Path(settings.state_file).parent.glob("state.json*"):
                f.unlink()


def test_a_deep_value_inside_a_free_form_field_still_boots(make_settings, clock, sender, base):
    settings = make_settings(alert_webhook_url="http://127.0.0.1:9/hook")
    deep: object = 1
    for _ in range(900):                         # parses, but deeper than a save can write back
        deep = {"a": deep}
    Path(settings.state_file).write_text(json.dumps(put(base, ("alerts", "outbox", "items", 0, "alert"), deep)))
    boots(settings, clock, sender)


def test_rules_that_make_no_sense_set_the_alerts_slice_aside(make_settings, clock, sender, base):
    settings = make_settings(alert_webhook_url="http://127.0.0.1:9/hook")
    assert [r["kind"] for r in base["alerts"]["rules"]][2:4] == ["impact", "threshold"]
    bad = put(base, ("alerts", "rules", 2, "channel"), "zz")          # an impact rule on no channel
    bad = put(bad, ("alerts", "rules", 3, "value"), None)             # a threshold without a value
    Path(settings.state_file).write_text(json.dumps(bad))
    svc = boots(settings, clock, sender)
    assert [r["id"] for r in svc.alerts.rules_view()] == ["offline", "relay_failed", "impact_d9"]
    assert svc.engine.relays.view("i1")["name"] == "Pump"
    assert list(Path(settings.state_file).parent.glob("state.json.alerts-corrupt-*"))
