"""Property tests of every automation_svc route from its OpenAPI document (schemathesis, Flask
test client, the simulator at the cloud edge): every case generated from
/api/automation/openapi.json, valid or not, gives no 5xx and a status, content type and body
the document allows; a 4xx is JSON naming the problem and changes nothing (relays, display,
audit and the state file's bytes are identical before and after). The one deliberate exception
is a wrong-password login (401), which adds exactly one "login" audit entry. Accepted commands
are sent to the simulator, whose log must then hold nothing but i1..i8 = 0/1 and i11..i18
display values. Beside it, what the document cannot generate: raw bytes and wrong content
types, garbage tokens and methods, and the named regressions. Each test has its own simulator,
service and state file, so any one of them runs alone, in any order, with the same result."""
from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case

from automation_svc.app import create_app
from automation_svc.contract import OPENAPI_PATH
from automation_svc.service import AutomationService
from devicecloud.settings import load_settings
from devicecloud.sim import SimServer

from tests.automation.alert_fixtures import TG_CHAT, TG_TOKEN
from tests.automation.alert_servers import HttpReceiver, SmtpServer, TelegramFake

from .conftest import ALIAS, DISPLAY, IMEI, JWT_SECRET, PASSWORD, REAL, RELAYS, bearer, mint_token
from .openapi_cases import run_contract

pytestmark = pytest.mark.timeout(120)
FUZZ = settings(max_examples=120, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PREFIX = "/api/automation"


class Auto:
    def __init__(self, state_file: Path, sim: SimServer, notify: dict | None = None) -> None:
        self.settings = load_settings(
            admin_password=PASSWORD, jwt_secret=JWT_SECRET, dev=False, state_file=state_file,
            cloud_rest_url=sim.rest_url, cloud_ws_url=sim.ws_url, device_id=REAL, device_alias=ALIAS,
            device_imei=IMEI, http_retries=0, http_timeout_s=2, min_dwell_s=0, audit_max=2000,
            **(notify or {}))
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
        kw: dict[str, Any] = {"headers": {**({} if headers is not None else self.auth), **(headers or {})}}
        if raw is not None:
            kw["data"] = raw
        elif body is not _NO_BODY:
            kw["data"] = json.dumps(body)          # NaN/Infinity included, as a sloppy client sends them
        if content_type and "data" in kw:
            kw["content_type"] = content_type
        return self.open(method, path, login=login, **kw)

    def open(self, method: str, path: str, route: str | None = None, login: bool = False, **kw: Any):
        """The request, checked: no 5xx; a 4xx is a JSON error and changes nothing."""
        before = self.snapshot()
        resp = self.client.open(path, method=method, **kw)
        if route is None:
            parts = path.split("?")[0].split("/")[3:]
            if parts[0] == "relays" and len(parts) > 1:
                parts[1] = "*"
            route = "/".join(parts)
        self.seen[(f"{method} {route}", resp.status_code)] += 1
        assert resp.status_code < 500, (method, path, kw, resp.status_code, resp.get_data(as_text=True))
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

    def check_outputs(self, sim: SimServer) -> None:
        """Whatever this test accepted went out well-formed, and the state file is healthy."""
        bodies = [c["body"] for c in sim.state.commands]
        assert len(bodies) == min(self.sent_commands, 50)          # the sim keeps its last 50
        for body in bodies:
            assert body["imei"] == IMEI and body["meter"] == "2", body
            outputs = {k: v for k, v in body.items() if k not in ("imei", "meter")}
            assert len(outputs) == 1 and set(outputs) <= set(RELAYS) and set(outputs.values()) <= {0, 1}, body
            assert not set(outputs) & set(DISPLAY)
        status = self.service.store.status()
        assert status["ok"] and status["writable"]
        if self.path.exists():
            doc = json.loads(self.path.read_text())
            assert set(doc["relays"]) <= set(RELAYS)
            assert all(math.isfinite(r["sensor"]["low"]) for r in doc["relays"].values() if r.get("sensor"))

    @staticmethod
    def check_one_login_entry(before: tuple, after: tuple) -> None:
        assert after[:2] == before[:2]
        new = [e for e in after[2] if e not in before[2]]
        assert len(new) == 1 and new[0]["what"] == "login" and new[0]["result"] == "wrong id or password", new


_NO_BODY = object()


@pytest.fixture
def sim():
    with SimServer(period=0.2, command_delay=0.05, device_id=REAL, port=0) as s:
        yield s


@pytest.fixture
def receivers():
    """Every contact point set by environment to a receiver on loopback: the fuzzer's settings are
    then refused (409) and its test messages reach these, never a host it made up."""
    servers = (SmtpServer().start(), HttpReceiver().start(), TelegramFake(TG_TOKEN, TG_CHAT).start())
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def auto(tmp_path, sim, receivers) -> Auto:
    smtp, hook, tg = receivers
    return Auto(tmp_path / "state.json", sim, notify=dict(
        smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none", alert_email_to="ops@example.test",
        alert_webhook_url=f"{hook.url}/hook", telegram_bot_token=TG_TOKEN, telegram_chat_id=TG_CHAT,
        telegram_api_url=tg.url))


def test_login_results_and_limit(auto, sim):
    """A bad body is a 400 (not counted), the right password a 200, each wrong one a 401 with one
    audit entry, and the sixth failure within the minute a 429, even with the right password."""
    login = f"{PREFIX}/auth/login"
    bodies = [{"deviceId": ALIAS}, {"deviceId": ALIAS, "password": PASSWORD},
              {"deviceId": REAL, "password": PASSWORD},
              *({"deviceId": ALIAS, "password": f"wrong-{n}"} for n in range(5)),
              {"deviceId": ALIAS, "password": PASSWORD}]
    statuses = [auto.request("POST", login, body, headers={}, login=True).status_code for body in bodies]
    assert statuses == [400, 200, 401, 401, 401, 401, 401, 429, 429], statuses
    auto.check_outputs(sim)


def test_contract(auto, sim):
    def send(case: Case):
        kw = case.as_transport_kwargs(headers=auto.auth)
        label = case.operation.path.removeprefix(PREFIX + "/").replace("{rid}", "*")
        return auto.open(kw.pop("method"), kw.pop("path"), route=label, login=label == "auth/login", **kw)
    run_contract(schemathesis.openapi.from_wsgi(OPENAPI_PATH, auto.app, headers=auto.auth), send)
    auto.check_outputs(sim)
    # The generated cases got past validation too, not only into the 4xx paths (a login's 200
    # is test_login_results_and_limit's: the generated passwords are wrong).
    for want in [("PUT relays/*", 200), ("PUT relays/*", 400), ("PUT relays/*", 404), ("POST relays/*/command", 202),
                 ("POST relays/*/command", 400), ("POST relays/*/command", 409), ("PUT display", 200),
                 ("PUT display", 400), ("GET audit", 200), ("GET audit", 400), ("POST auth/login", 401),
                 ("POST auth/login", 429), ("POST auth/login", 400)]:
        assert want in auto.seen, (want, sorted(auto.seen.items()))


@pytest.mark.parametrize("steps", [
    [("POST", "relays/i9/command", {"state": 1}, 404)],
    [("POST", "relays/i4/command", {"state": 1}, 202),       # accepted ...
     ("POST", "relays/i4/command", {"state": 0}, 409)],      # ... then refused while pending
    [("POST", "relays/i1/command", {"state": 1, "i9": 1}, None)],
    [("PUT", "relays/i1", {"name": "a\ud800b"}, None)],
    [("PUT", "relays/i1", {"mode": "sensor", "sensor": {"channel": "d1", "low": 10 ** 400, "high": 1, "above": 1}},
      None)],
    [("PUT", "relays/i1", {"mode": "time", "time": {"windows": [{"start": "25:00", "end": "01:00"}], "inside": 1}},
      None)],
    [("PUT", "display", {"interval_s": float("nan")}, None)],
    [("PUT", "display", {"interval_s": 10 ** 400}, None)],
    [("GET", "audit?limit=%C2%B2", _NO_BODY, None)],        # "²".isdigit() is True
])
def test_named_regressions(auto, sim, steps):
    for method, path, body, status in steps:
        resp = auto.request(method, f"{PREFIX}/{path}", body,
                            content_type=None if body is _NO_BODY else "application/json")
        assert status is None or resp.status_code == status, (path, resp.status_code)
    auto.check_outputs(sim)


raw_bodies = st.binary(max_size=64) | st.sampled_from([b"", b"{", b"null", b"[]", b'{"name": "a\\ud800"}',
                                                       b'{"state": 1e999}', b'{"state": NaN}', b"\xff\xfe"])
content_types = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", None])


def test_raw_bodies(auto, sim):
    @settings(FUZZ, max_examples=60)
    @given(path=st.sampled_from([f"{PREFIX}/relays/i1", f"{PREFIX}/relays/i2/command", f"{PREFIX}/display"]),
           raw=raw_bodies, ctype=content_types)
    def run(path, raw, ctype):
        method = "POST" if path.endswith("command") else "PUT"
        auto.request(method, path, raw=raw, content_type=ctype)
    run()
    auto.check_outputs(sim)


def test_methods_and_tokens(auto, sim):
    @settings(FUZZ, max_examples=60)
    @given(method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
           path=st.sampled_from(["/relays", "/relays/i1", "/relays/i1/command", "/display", "/audit", "/health",
                                 "/auth/login", "/nope", "/relays/i1/command/x", "/relays//command"]),
           token=st.sampled_from(["good", "none", "bad"]))
    def run(method, path, token):
        headers = {"good": auto.auth, "none": {}, "bad": bearer("x.y.z")}[token]
        body = {"state": 1} if path.endswith("command") else {"name": "Fan"} if path == "/relays/i1" else {}
        auto.request(method, PREFIX + path, body, headers=headers, login=path == "/auth/login")
    run()
    auto.check_outputs(sim)
