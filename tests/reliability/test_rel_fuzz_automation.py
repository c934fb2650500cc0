"""Property fuzzing of every automation_svc JSON route (Flask test client, the simulator at the
cloud edge): any method/path/body/query gives 2xx or 4xx, never 5xx; a 4xx is JSON naming the
problem and changes nothing (relays, display, audit and the state file's bytes are identical
before and after). The one deliberate exception is a wrong-password login (401), which adds
exactly one "login" audit entry. Accepted commands are sent to the simulator, whose log must
then hold nothing but i1..i8 = 0/1 and i11..i18 display values."""
from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from automation_svc.app import create_app
from automation_svc.service import AutomationService
from devicecloud.channels import SENSOR_CODES
from devicecloud.settings import load_settings
from devicecloud.sim import SimServer

from .conftest import ALIAS, DISPLAY, IMEI, JWT_SECRET, PASSWORD, REAL, RELAYS, bearer, mint_token

pytestmark = pytest.mark.timeout(120)
FUZZ = settings(max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PREFIX = "/api/automation"


class Auto:
    def __init__(self, state_file: Path, sim: SimServer) -> None:
        self.settings = load_settings(
            admin_password=PASSWORD, jwt_secret=JWT_SECRET, dev=False, state_file=state_file,
            cloud_rest_url=sim.rest_url, cloud_ws_url=sim.ws_url, device_id=REAL, device_alias=ALIAS,
            device_imei=IMEI, http_retries=0, http_timeout_s=2, min_dwell_s=0, audit_max=2000)
        self.service = AutomationService(self.settings, with_stream=False)
        self.app = create_app(self.settings, service=self.service, start=False)
        self.client = self.app.test_client()
        self.auth = bearer(mint_token())
        self.path = state_file
        self.sent_commands = 0
        self.seen: Counter[tuple[str, int]] = Counter()     # (route, status) the fuzzing reached

    def snapshot(self) -> tuple:
        c, a = self.client, self.auth
        return (c.get(f"{PREFIX}/relays", headers=a).get_json(),
                c.get(f"{PREFIX}/display", headers=a).get_json(),
                c.get(f"{PREFIX}/audit?limit=2000", headers=a).get_json()["entries"],
                self.path.read_bytes() if self.path.exists() else None)

    def request(self, method: str, path: str, body: Any = None, raw: bytes | None = None,
                content_type: str | None = "application/json", headers: dict | None = None,
                login: bool = False):
        before = self.snapshot()
        kw: dict[str, Any] = {"headers": {**({} if headers is not None else self.auth), **(headers or {})}}
        if raw is not None:
            kw["data"] = raw
        elif body is not _NO_BODY:
            kw["data"] = json.dumps(body)          # NaN/Infinity included, as a sloppy client sends them
        if content_type and "data" in kw:
            kw["content_type"] = content_type
        resp = self.client.open(path, method=method, **kw)
        parts = path.split("?")[0].split("/")[3:]
        if parts[0] == "relays" and len(parts) > 1:
            parts[1] = "*"
        route = "/".join(parts)
        self.seen[(f"{method} {route}", resp.status_code)] += 1
        assert resp.status_code < 500, (method, path, body, raw, resp.status_code, resp.get_data(as_text=True))
        if resp.status_code >= 400:
            err = resp.get_json(silent=True)
            assert isinstance(err, dict) and isinstance(err.get("error"), str) and err["error"], resp.data
            after = self.snapshot()
            if login and resp.status_code == 401:
                self.check_one_login_entry(before, after)
            else:
                assert after == before, f"{method} {path} -> {resp.status_code} changed the state"
        if resp.status_code == 202:                # hand the accepted command to the simulator
            self.service.engine.queue.drain()
            self.sent_commands += 1
        return resp

    @staticmethod
    def check_one_login_entry(before: tuple, after: tuple) -> None:
        assert after[:2] == before[:2]
        new = [e for e in after[2] if e not in before[2]]
        assert len(new) == 1 and new[0]["what"] == "login" and new[0]["result"] == "wrong id or password", new


_NO_BODY = object()


@pytest.fixture(scope="module")
def sim():
    with SimServer(period=0.2, command_delay=0.05, device_id=REAL, port=0) as s:
        yield s


@pytest.fixture(scope="module")
def auto(tmp_path_factory, sim) -> Auto:
    return Auto(tmp_path_factory.mktemp("fuzz-auto") / "state.json", sim)


# -- strategies --------------------------------------------------------------------------------
scalars = (st.none() | st.booleans() | st.integers() | st.integers(-2, 3) | st.floats()
           | st.text(max_size=12) | st.sampled_from(["i1", "i9", "d9", REAL, "", "manual", "sensor"]))
json_values = st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
                           max_leaves=8)
relay_ids = st.sampled_from(RELAYS) | st.sampled_from(["i0", "i9", "i10", "i11", "I1", "i1 ", REAL]) | st.text(min_size=1, max_size=6)
hhmm = st.from_regex(r"\A[0-2][0-9]:[0-6][0-9]\Z") | st.text(max_size=6) | json_values
window = st.fixed_dictionaries({"start": hhmm, "end": hhmm},
                               optional={"days": st.lists(st.integers(-1, 8), max_size=8) | json_values})
time_rule = st.fixed_dictionaries({"windows": st.lists(window, max_size=3) | json_values,
                                   "inside": st.sampled_from([0, 1]) | json_values})
numbers = st.floats() | st.integers() | st.integers(-10, 100)
sensor_rule = st.fixed_dictionaries({"channel": st.sampled_from(SENSOR_CODES) | st.text(max_size=4) | json_values,
                                     "low": numbers | json_values, "high": numbers | json_values,
                                     "above": st.sampled_from([0, 1]) | json_values})
relay_update = st.fixed_dictionaries({}, optional={
    "name": st.text(max_size=45) | json_values,
    "mode": st.sampled_from(["manual", "sensor", "time"]) | json_values,
    "sensor": sensor_rule | json_values, "time": time_rule | json_values,
    "extra": json_values}) | json_values
command_body = st.fixed_dictionaries({"state": st.sampled_from([0, 1]) | json_values},
                                     optional={"i9": json_values, "imei": json_values}) | json_values
display_update = st.fixed_dictionaries({}, optional={
    "enabled": st.booleans() | json_values, "interval_s": numbers | json_values,
    "standard": st.sampled_from(["cpcb", "epa"]) | json_values, "max_age_s": numbers | json_values,
    "values": json_values}) | json_values
raw_bodies = st.binary(max_size=64) | st.sampled_from([b"", b"{", b"null", b"[]", b'{"name": "a\\ud800"}',
                                                       b'{"state": 1e999}', b'{"state": NaN}', b"\xff\xfe"])
content_types = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", None])


# -- properties --------------------------------------------------------------------------------
@FUZZ
@given(rid=relay_ids, body=command_body, ctype=content_types)
@example(rid="i9", body={"state": 1}, ctype="application/json")
@example(rid="i4", body={"state": 1}, ctype="application/json")       # accepted (202) ...
@example(rid="i4", body={"state": 0}, ctype="application/json")       # ... then 409 while pending
@example(rid="i1", body={"state": 1, "i9": 1}, ctype="application/json")
def test_post_command(auto, rid, body, ctype):
    auto.request("POST", f"{PREFIX}/relays/{quote(rid, safe='')}/command", body, content_type=ctype)


@FUZZ
@given(rid=relay_ids, body=relay_update, ctype=content_types)
@example(rid="i1", body={"name": "a\ud800b"}, ctype="application/json")
@example(rid="i1", body={"mode": "sensor", "sensor": {"channel": "d1", "low": 10 ** 400, "high": 1, "above": 1}},
         ctype="application/json")
@example(rid="i1", body={"mode": "time", "time": {"windows": [{"start": "25:00", "end": "01:00"}], "inside": 1}},
         ctype="application/json")
def test_put_relay(auto, rid, body, ctype):
    auto.request("PUT", f"{PREFIX}/relays/{quote(rid, safe='')}", body, content_type=ctype)


@FUZZ
@given(body=display_update, ctype=content_types)
@example(body={"interval_s": float("nan")}, ctype="application/json")
@example(body={"interval_s": 10 ** 400}, ctype="application/json")
def test_put_display(auto, body, ctype):
    auto.request("PUT", f"{PREFIX}/display", body, content_type=ctype)


@settings(FUZZ, max_examples=60)
@given(path=st.sampled_from([f"{PREFIX}/relays/i1", f"{PREFIX}/relays/i2/command", f"{PREFIX}/display"]),
       raw=raw_bodies, ctype=content_types)
def test_raw_bodies(auto, path, raw, ctype):
    method = "POST" if path.endswith("command") else "PUT"
    auto.request(method, path, raw=raw, content_type=ctype)


@settings(FUZZ, max_examples=60)
@given(limit=st.text(max_size=6) | st.integers(-5, 3000).map(str) | st.sampled_from(["²", "٣", "1e3", " 5", "0x10"]))
@example(limit="²")
def test_audit_limit(auto, limit):
    resp = auto.request("GET", f"{PREFIX}/audit?limit={quote(limit, safe='')}", _NO_BODY, content_type=None)
    if resp.status_code == 200:
        assert 1 <= len(resp.get_json()["entries"]) <= int(limit) or resp.get_json()["entries"] == []


@settings(FUZZ, max_examples=60)
@given(method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
       path=st.sampled_from(["/relays", "/relays/i1", "/relays/i1/command", "/display", "/audit", "/health",
                             "/auth/login", "/nope", "/relays/i1/command/x", "/relays//command"]),
       token=st.sampled_from(["good", "none", "bad"]))
def test_methods_and_tokens(auto, method, path, token):
    headers = {"good": auto.auth, "none": {}, "bad": bearer("x.y.z")}[token]
    body = {"state": 1} if path.endswith("command") else {"name": "Fan"} if path == "/relays/i1" else {}
    login = path == "/auth/login"
    auto.request(method, PREFIX + path, body, headers=headers, login=login)


@settings(FUZZ, max_examples=80)
@given(body=st.fixed_dictionaries({}, optional={"deviceId": st.sampled_from([ALIAS, REAL, ""]) | json_values,
                                                "password": st.sampled_from([PASSWORD, "wrong-password"]) | json_values})
       | json_values)
@example(body={"deviceId": ALIAS})                                # 400 (before the limit kicks in)
@example(body={"password": PASSWORD, "deviceId": ALIAS})       # one of these two runs first: 200
@example(body={"deviceId": ALIAS, "password": "wrong-1"})
@example(body={"deviceId": ALIAS, "password": "wrong-2"})
@example(body={"deviceId": ALIAS, "password": "wrong-3"})
@example(body={"deviceId": REAL, "password": PASSWORD})
@example(body={"deviceId": ALIAS, "password": "wrong-4"})
@example(body={"deviceId": ALIAS, "password": "wrong-5"})
@example(body={"deviceId": ALIAS, "password": PASSWORD})       # and the other is rate-limited: 429
def test_login(auto, body):
    auto.request("POST", f"{PREFIX}/auth/login", body, headers={}, login=True)


def test_only_relay_and_display_outputs_reached_the_simulator(auto, sim):
    """Runs after the fuzzing above: whatever was accepted went out well-formed."""
    bodies = [c["body"] for c in sim.state.commands]
    assert len(bodies) == min(auto.sent_commands, 50)          # the sim keeps its last 50
    for body in bodies:
        assert body["imei"] == IMEI and body["meter"] == "2", body
        outputs = {k: v for k, v in body.items() if k not in ("imei", "meter")}
        assert len(outputs) == 1 and set(outputs) <= set(RELAYS) and set(outputs.values()) <= {0, 1}, body
        assert not set(outputs) & set(DISPLAY)
    # The fuzzing got past validation too, not only into the 4xx paths.
    reached = set(auto.seen)
    for want in [("PUT relays/*", 200), ("PUT relays/*", 400), ("PUT relays/*", 404), ("POST relays/*/command", 202),
                 ("POST relays/*/command", 400), ("POST relays/*/command", 409), ("PUT display", 200),
                 ("PUT display", 400), ("GET audit", 200), ("GET audit", 400), ("POST auth/login", 200),
                 ("POST auth/login", 401), ("POST auth/login", 429), ("POST auth/login", 400)]:
        assert want in reached, (want, sorted(reached))
    status = auto.service.store.status()
    assert status["ok"] and status["writable"]
    doc = json.loads(auto.path.read_text())
    assert set(doc["relays"]) <= set(RELAYS)
    assert all(math.isfinite(r["sensor"]["low"]) for r in doc["relays"].values() if r.get("sensor"))
