"""SPEC 12 in automation_svc: sensor rules and alert thresholds outside a channel's valid range
(the channel map's min/max), non-finite or absurd numbers, non-trigger channels (SW/HW
versions) and over-long relay names are refused with a 400 that names the field and says in
plain words what to enter; nothing is saved. Durations are said in units ("at most 7 days")."""
from __future__ import annotations

import json
import secrets

import pytest

from automation_svc.app import create_app
from automation_svc.clock import FakeClock
from automation_svc.models import StateFile
from automation_svc.service import AutomationService
from devicecloud.settings import load_settings

from .conftest import PASSWORD, RecordingSender

API = "/api/automation"
SENSOR = {"channel": "d9", "low": 30, "high": 70, "above": 1}
ALERT = {"kind": "threshold", "channel": "d9", "op": "above", "value": 60, "clear": 50}
INTERNALS = ("Input should", "less than or equal", "greater than or equal", "valid number", "type=")


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One app for every refusal (none may change anything); a login costs a password hash."""
    settings = load_settings(admin_password=PASSWORD, jwt_secret=secrets.token_urlsafe(48),
                             state_file=tmp_path_factory.mktemp("ranges") / "state.json")
    svc = AutomationService(settings, clock=FakeClock(), sender=RecordingSender(), with_stream=False)
    client = create_app(settings, service=svc, start=False).test_client()
    r = client.post(f"{API}/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    rid = client.post(f"{API}/alert-rules", headers=auth, json=ALERT).get_json()["id"]
    return client, auth, settings, rid


def snapshot(client, auth, settings) -> tuple:
    return (client.get(f"{API}/relays", headers=auth).get_json(),
            client.get(f"{API}/alert-rules", headers=auth).get_json(),
            client.get(f"{API}/display", headers=auth).get_json(), settings.state_file.read_bytes())


def refused(shared, method: str, path: str, body, field: str) -> str:
    client, auth, settings, _ = shared
    before = snapshot(client, auth, settings)
    data = body if isinstance(body, str) else json.dumps(body)
    r = getattr(client, method)(API + path, data=data, headers={**auth, "Content-Type": "application/json"})
    assert r.status_code == 400, r.get_json()
    err = r.get_json()
    assert set(err) == {"error", "field"} and err["field"] == field, err
    assert not any(word in err["error"] for word in INTERNALS), err["error"]
    assert snapshot(client, auth, settings) == before
    return err["error"]


def sensor(**kw) -> dict:
    return {"mode": "sensor", "sensor": {**SENSOR, **kw}}


# -- relay sensor rules ---------------------------------------------------------------------------
@pytest.mark.parametrize("rule, field, sentence", [
    (dict(channel="d2", low=-50, high=-10), "sensor.low",
     "Low must be between 0 and 1,000,000 µg/m³ for Inlet Dust PM"),
    (dict(channel="d1", low=-50, high=-10), "sensor.low", "Low must be between 0 and 1,000,000 ppm for Inlet CO₂"),
    (dict(channel="d4", low=40, high=101), "sensor.high", "High must be between 0 and 100 % for Inlet Humidity"),
    (dict(channel="d11", low=-1, high=60), "sensor.low", "Low must be between 0 and 100 % for Outlet Humidity"),
    (dict(channel="d5", low=6, high=15), "sensor.high", "High must be between 0 and 14 pH for Inlet Water pH"),
    (dict(channel="d10", low=-45, high=30), "sensor.low",
     "Low must be between -40 and 85 °C for Outlet Temperature"),
    (dict(channel="d14", low=20, high=90), "sensor.high", "High must be between -40 and 85 °C for Outlet Water Temp"),
    (dict(channel="d6", low=100, high=5000), "sensor.high", "High must be between 0 and 4095 for Inlet Water Level"),
    (dict(channel="d38", low=5, high=99), "sensor.high", "High must be between 0 and 31 CSQ for GSM signal strength"),
    (dict(channel="d9", low=10, high=1e308), "sensor.high",
     "High must be between 0 and 1,000,000 µg/m³ for Outlet Dust PM"),
    (dict(channel="d9", low=70, high=30), "sensor.high", "High (30 µg/m³) must be greater than Low (70 µg/m³)"),
])
def test_a_sensor_rule_outside_the_channel_range_is_refused(shared, rule, field, sentence):
    assert refused(shared, "put", "/relays/i1", sensor(**rule), field) == sentence


@pytest.mark.parametrize("body, field, sentence", [
    (sensor(low="10"), "sensor.low", "Low must be a number"),
    (sensor(high=None), "sensor.high", "High must be a number"),
    ('{"mode": "sensor", "sensor": {"channel": "d9", "low": NaN, "high": 70, "above": 1}}', "sensor.low",
     "Low must be a finite number"),
    ('{"mode": "sensor", "sensor": {"channel": "d9", "low": 1, "high": Infinity, "above": 1}}', "sensor.high",
     "High must be a finite number"),
    (sensor(above=2), "sensor.above", "Above must be 0 (off) or 1 (on)"),
    ({"mode": "warp"}, "mode", "Mode must be 'manual', 'sensor' or 'time'"),
    ({"mode": None}, "mode", "Mode must not be null; leave it out to keep it as it is"),
])
def test_sensor_rule_errors_are_words_not_validator_internals(shared, body, field, sentence):
    assert refused(shared, "put", "/relays/i1", body, field) == sentence


@pytest.mark.parametrize("code", ["d15", "d16"])
def test_versions_cannot_switch_a_relay(shared, code):
    msg = refused(shared, "put", "/relays/i1", sensor(channel=code, low=1, high=2), "sensor.channel")
    assert msg.startswith("Channel must be a measured channel")


def test_a_long_relay_name_is_refused_not_cut(shared):
    client, auth, _, _ = shared
    msg = refused(shared, "put", "/relays/i3", {"name": "Exhaust fan on the north wall, second floor bay 7"}, "name")
    assert msg == "Name must be 1 to 40 characters (this one has 49)"
    assert refused(shared, "put", "/relays/i3", {"name": "  "}, "name").startswith("Name must be 1 to 40")
    assert refused(shared, "put", "/relays/i3", {"name": "Fan\n2"}, "name") == "Name must be one line of text"
    forty = "F" * 40
    r = client.put(f"{API}/relays/i3", headers=auth, json={"name": f"  {forty}  "})
    assert r.status_code == 200 and r.get_json()["name"] == forty


@pytest.mark.parametrize("body, field, sentence", [
    ({"interval_s": 7200}, "interval_s", "Interval must be at most 1 hour"),
    ({"interval_s": 0.5}, "interval_s", "Interval must be at least 1 s"),
    ({"max_age_s": 10 ** 6}, "max_age_s", "Maximum data age must be at most 1 day"),
    ({"max_age_s": 0}, "max_age_s", "Maximum data age must be more than 0"),
    ({"interval_s": "10"}, "interval_s", "Interval must be a number"),
])
def test_display_durations_are_said_in_units(shared, body, field, sentence):
    assert refused(shared, "put", "/display", body, field) == sentence


# -- alert thresholds -----------------------------------------------------------------------------
@pytest.mark.parametrize("change, field, sentence", [
    ({"channel": "d9", "op": "above", "value": -20, "clear": -30}, "value",
     "Value must be between 0 and 1,000,000 µg/m³ for Outlet Dust PM"),
    ({"channel": "d11", "op": "above", "value": 90, "clear": -5}, "clear",
     "Clear must be between 0 and 100 % for Outlet Humidity"),
    ({"channel": "d3", "op": "below", "value": -50}, "value", "Value must be between -40 and 85 °C for Inlet Temperature"),
    ({"channel": "d12", "op": "below", "value": 6, "clear": 14.5}, "clear",
     "Clear must be between 0 and 14 pH for Outlet Water pH"),
    ({"channel": "d13", "op": "below", "value": 5000}, "value", "Value must be between 0 and 4095 for Outlet Water Level"),
    ({"channel": "d38", "op": "below", "value": 99}, "value", "Value must be between 0 and 31 CSQ for GSM signal strength"),
    ({"channel": "d8", "op": "above", "value": 1e308}, "value",
     "Value must be between 0 and 1,000,000 ppm for Outlet CO₂"),
    ({"value": "high"}, "value", "Value must be a number"),
    ({"for_s": 10 ** 6}, "for_s", "For must be at most 7 days"),
    ({"repeat_s": 10 ** 6}, "repeat_s", "Repeat must be at most 7 days"),
    ({"for_s": -1}, "for_s", "For must not be negative"),
    ({"repeat_s": 30}, "repeat_s", "Repeat must be 0 (never) or at least 1 minute"),
])
def test_an_alert_threshold_outside_the_channel_range_is_refused(shared, change, field, sentence):
    assert refused(shared, "post", "/alert-rules", {**ALERT, **change}, field) == sentence
    assert refused(shared, "put", f"/alert-rules/{shared[3]}", change, field) == sentence


def test_a_non_finite_threshold_is_refused(shared):
    body = '{"kind": "threshold", "channel": "d9", "op": "above", "value": Infinity}'
    assert refused(shared, "post", "/alert-rules", body, "value") == "Value must be a finite number"


@pytest.mark.parametrize("code", ["d15", "d16"])
def test_versions_cannot_trigger_an_alert(shared, code):
    msg = refused(shared, "post", "/alert-rules", {**ALERT, "channel": code, "value": 3, "clear": 2}, "channel")
    assert msg.startswith("Channel must be a measured channel")


def test_the_range_ends_are_accepted(shared):
    client, auth, _, _ = shared
    ok = client.put(f"{API}/relays/i4", headers=auth,
                    json={"sensor": {"channel": "d4", "low": 0, "high": 100, "above": 0}})
    assert ok.status_code == 200, ok.get_json()
    rule = client.post(f"{API}/alert-rules", headers=auth,
                       json={**ALERT, "channel": "d10", "op": "below", "value": -40, "clear": 85})
    assert rule.status_code == 201 and rule.get_json()["name"] == "Outlet Temperature below -40 °C"
    client.delete(f"{API}/alert-rules/{rule.get_json()['id']}", headers=auth)


def test_a_saved_rule_from_before_the_ranges_still_loads():
    """The checks are for new input: a state file with an old out-of-range rule is not corrupt."""
    state = StateFile.model_validate({"version": 1, "relays": {"i1": {
        "name": "Fan", "mode": "sensor", "sensor": {"channel": "d15", "low": -50, "high": -10, "above": 1}}}})
    assert state.relays["i1"].sensor.low == -50


def test_a_name_with_a_broken_character_is_refused(shared):
    body = '{"name": "Fan \\ud800 2"}'                  # a lone surrogate: not text anyone can read
    assert refused(shared, "put", "/relays/i3", body, "name") == "Name must be one line of text"
