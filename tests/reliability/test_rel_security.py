"""Security of the console as deployed (nginx in front, production mode), on loopback.

- login brute force is limited per client; nginx sets X-Forwarded-For, so a client's own
  X-Forwarded-For / X-Real-IP cannot reset or dodge the limit; a clear JSON 429;
- expired, tampered, foreign-key, alg=none, refresh and garbage tokens are refused by both
  services (REST and the browser socket), and refused writes change nothing;
- the services take the admin password and JWT secret only from the environment and refuse to
  start on weak or default ones in production mode, exiting with a readable message;
- CORS is closed: no Access-Control-* header on any response, preflights included;
- nginx adds CSP, X-Frame-Options, X-Content-Type-Options and Referrer-Policy exactly once to
  pages, assets and API responses, error responses included;
- only relays i1..i8 with 0/1 and display values i11..i18 ever reach the unit, whatever is
  thrown at any route (checked on the simulator's log of received commands).
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests
import websocket

from devicecloud.settings import DEV_JWT_SECRET

from .conftest import (ALIAS, DISPLAY, IMEI, METER, PASSWORD, REAL, RELAYS, ROOT, bearer,
                       mint_token, session_from, sim_reset, wait_for)

pytestmark = pytest.mark.timeout(120)
LOGINS = ["/api/auth/login"]       # automation_svc's own login is not exposed by nginx


def wrong_login(http: requests.Session, url: str, **headers: str) -> requests.Response:
    return http.post(url, json={"deviceId": ALIAS, "password": "not-the-password"}, headers=headers, timeout=10)


# -- brute force ---------------------------------------------------------------------------
@pytest.mark.parametrize("route", LOGINS)
def test_login_brute_force_is_limited_per_client_and_spoofing_does_not_help(rel_stack, route):
    base = rel_stack.url + route
    n = LOGINS.index(route)
    attacker, spoofer, bystander = (session_from(f"127.0.{10 + n}.{k}") for k in (2, 3, 4))

    codes = [wrong_login(attacker, base).status_code for _ in range(5)]
    assert codes == [401] * 5
    limited = wrong_login(attacker, base)
    assert limited.status_code == 429
    assert limited.headers["Content-Type"].startswith("application/json")
    assert limited.json() == {"error": "too many attempts; wait a minute and try again"}
    assert int(limited.headers["Retry-After"]) > 0
    # The right password does not get through either, nor do forged client addresses.
    right = attacker.post(base, json={"deviceId": ALIAS, "password": PASSWORD}, timeout=10)
    assert right.status_code == 429
    for fake in ("10.1.2.3", "127.0.0.1", "127.0.0.99, 10.0.0.1", "::1"):
        again = wrong_login(attacker, base, **{"X-Forwarded-For": fake, "X-Real-IP": fake, "Forwarded": f"for={fake}"})
        assert again.status_code == 429, (fake, again.status_code)

    # A client rotating X-Forwarded-For on every try still gets its own single bucket.
    rotating = [wrong_login(spoofer, base, **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(7)]
    assert rotating[:5] == [401] * 5 and rotating[5:] == [429, 429], rotating

    # Per client: someone else (even one claiming to be the attacker) can still log in.
    ok = bystander.post(base, json={"deviceId": ALIAS, "password": PASSWORD}, timeout=10,
                        headers={"X-Forwarded-For": "127.0.10.2"})
    assert ok.status_code == 200 and ok.json()["token_type"] == "Bearer"


def test_browser_logins_are_audited_but_junk_cannot_flush_the_audit_log(rel_stack):
    """Browser logins are checked by the gateway and written to automation_svc's audit log.
    Malformed and rate-limited logins are unlimited, so they must not be written to the
    bounded audit tail (and the state file) like real credential checks are."""
    s = rel_stack
    before = s.get("/api/automation/audit?limit=500").json()["entries"]
    top = max((e["id"] for e in before), default=0)
    http = session_from("127.0.23.1")
    url = s.url + "/api/auth/login"
    codes = [http.post(url, data="{junk", headers={"Content-Type": "application/json"}, timeout=10).status_code
             for _ in range(150)]
    codes += [http.post(url, json={"deviceId": ALIAS}, timeout=10).status_code for _ in range(50)]
    assert set(codes) == {400}
    codes = [wrong_login(http, url).status_code for _ in range(60)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    ok = session_from("127.0.23.2").post(url, json={"deviceId": ALIAS, "password": PASSWORD}, timeout=10)
    assert ok.status_code == 200

    def new_logins() -> list[dict]:
        after = s.get("/api/automation/audit?limit=500").json()["entries"]
        # This test's own addresses: an earlier test's login may be reported late.
        return [e for e in after if e["id"] > top and e["what"] == "login" and e["why"].startswith("from 127.0.23.")]

    def counted() -> list[tuple[str, str]]:
        return sorted((e["why"], e["result"]) for e in new_logins() for _ in range(e["count"]))
    wait_for(lambda: len(counted()) >= 6, 10, what="the gateway's login reports")   # posted async
    time.sleep(0.5)                                        # and no more come: junk is not reported
    assert counted() == sorted(
        [("from 127.0.23.1 (web)", "wrong id or password")] * 5 + [("from 127.0.23.2 (web)", "ok")])
    # The five failures are one summary entry (two if they straddle a minute), not five.
    assert 1 <= sum(e["why"] == "from 127.0.23.1 (web)" for e in new_logins()) <= 2
    after = s.get("/api/automation/audit?limit=500").json()["entries"]
    assert {e["id"] for e in before} <= {e["id"] for e in after}       # nothing pushed out


def test_nginx_hides_internal_routes_with_a_json_404(rel_stack):
    """automation_svc's own login (for running it alone), its internal audit reports and
    both services' metrics exist on the service ports, never through nginx."""
    s = rel_stack
    for method, path in [("POST", "/api/automation/auth/login"), ("POST", "/api/automation/internal/audit"),
                         ("GET", "/api/metrics"), ("GET", "/api/automation/metrics")]:
        r = s.http.request(method, s.url + path, json={"deviceId": ALIAS, "password": PASSWORD},
                           headers=s.auth, timeout=10)
        assert r.status_code == 404 and r.json() == {"error": "not found"}, (path, r.status_code, r.text[:200])
        assert_security_headers(r, path)
    assert requests.get(s.gateway_url + "/api/metrics", timeout=10).status_code == 200   # still scrapeable


# -- tokens ----------------------------------------------------------------------------------
def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def bad_tokens() -> dict[str, tuple[str, str]]:
    """name -> (token, a word the 401 message must contain)."""
    good = mint_token()
    head, payload, sig = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    longer = _b64({**claims, "exp": claims["exp"] + 86400 * 365})
    other_sub = _b64({**claims, "sub": "root"})
    return {
        "expired": (mint_token(expires=timedelta(seconds=-30)), "expired"),
        "payload tampered (exp)": (f"{head}.{longer}.{sig}", "invalid"),
        "payload tampered (sub)": (f"{head}.{other_sub}.{sig}", "invalid"),
        "signature tampered": (f"{head}.{payload}.{('A' if sig[0] != 'A' else 'B') + sig[1:]}", "invalid"),
        "alg none": (f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.", "invalid"),
        "foreign secret": (mint_token("x" * 48), "invalid"),
        "dev secret": (mint_token(DEV_JWT_SECRET), "invalid"),
        "refresh token": (mint_token(refresh=True), "invalid"),
        "garbage": ("not.a.jwt", "invalid"),
        "real id": (REAL, "invalid"),
    }


PROTECTED = [("GET", "/api/live"), ("GET", "/api/channels"), ("GET", "/api/graph/hour"),
             ("GET", "/api/history?start=2025-12-01&end=2025-12-01"),
             ("GET", "/api/report.csv?startDate=2025-12-01&endDate=2025-12-01"),
             ("GET", "/api/automation/relays"), ("GET", "/api/automation/display"),
             ("GET", "/api/automation/audit"), ("PUT", "/api/automation/relays/i1"),
             ("POST", "/api/automation/relays/i1/command"), ("PUT", "/api/automation/display"),
             ("POST", "/api/ws-ticket")]
WRITE_BODIES = {"/api/automation/relays/i1": {"name": "pwned"},
                "/api/automation/relays/i1/command": {"state": 0},
                "/api/automation/display": {"enabled": False}}


def test_bad_tokens_are_refused_by_both_services_and_change_nothing(rel_stack):
    s = rel_stack
    sim_reset(s.sim_url)                 # quiet: calls earlier tests left hung have landed
    started = time.time()                # the sim logs commands on this machine's clock
    before = (s.relay("i1"), s.get("/api/automation/display").json()["enabled"])
    http = session_from("127.0.20.1")
    for name, (token, word) in bad_tokens().items():
        for method, path in PROTECTED:
            path_only = path.split("?")[0]
            for how in ("header", "query"):
                kw = {"json": WRITE_BODIES.get(path_only), "timeout": 10}
                url = s.url + path
                if how == "header":
                    kw["headers"] = bearer(token)
                else:
                    url += ("&" if "?" in url else "?") + "token=" + token
                r = http.request(method, url, **kw)
                assert r.status_code == 401, (name, method, path, how, r.status_code, r.text[:200])
                body = r.json()
                # a token in a URL is never read: it is as good as no token
                expect = word if how == "header" else "missing"
                assert expect in body["error"] and "log in" in body["error"], (name, path, body)
        ws = websocket.create_connection(f"{s.url.replace('http', 'ws')}/api/ws?token={token}", timeout=10)
        try:
            msg = json.loads(ws.recv())
            assert msg["type"] == "error" and "ticket" in msg["error"], (name, msg)
            # closed, or reset by nginx once the gateway closed: either way nothing follows
            with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionResetError)):
                while True:                      # nothing but the close follows
                    assert ws.recv() in ("", None)
        finally:
            ws.close()
    after = (s.relay("i1"), s.get("/api/automation/display").json()["enabled"])
    assert after[0]["name"] == before[0]["name"] and after[1] == before[1]
    assert not [c for c in s.sim()["commands"] if c["at"] >= started and set(c["body"]) & set(RELAYS)]
    # and a good token still works on both
    assert s.get("/api/live").status_code == 200 and s.get("/api/automation/relays").status_code == 200


# -- secrets only from the environment, never weak in production --------------------------------
WEAK_CASES = {
    "no password": ({"XO2_JWT_SECRET": "s" * 48}, "XO2_ADMIN_PASSWORD"),
    "short password": ({"XO2_ADMIN_PASSWORD": "1234567", "XO2_JWT_SECRET": "s" * 48}, "XO2_ADMIN_PASSWORD"),
    "demo password": ({"XO2_ADMIN_PASSWORD": "xtrao2-local", "XO2_JWT_SECRET": "s" * 48}, "XO2_ADMIN_PASSWORD"),
    "password = device id": ({"XO2_ADMIN_PASSWORD": ALIAS, "XO2_JWT_SECRET": "s" * 48}, "XO2_ADMIN_PASSWORD"),
    "no secret": ({"XO2_ADMIN_PASSWORD": "a-fine-password-1"}, "XO2_JWT_SECRET"),
    "short secret": ({"XO2_ADMIN_PASSWORD": "a-fine-password-1", "XO2_JWT_SECRET": "short-secret"}, "XO2_JWT_SECRET"),
    "dev secret": ({"XO2_ADMIN_PASSWORD": "a-fine-password-1", "XO2_JWT_SECRET": DEV_JWT_SECRET}, "XO2_JWT_SECRET"),
}


def test_services_refuse_weak_or_missing_secrets_with_a_readable_message(tmp_path):
    # A .env in the working directory is NOT a source: only the process environment is.
    (tmp_path / ".env").write_text(f"XO2_ADMIN_PASSWORD=from-a-dotenv-file-1\nXO2_JWT_SECRET={'d' * 48}\n")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XO2_")}
    procs = {}
    for module in ("gateway_svc", "automation_svc"):
        for case, (env, _) in {**WEAK_CASES, "only a .env file": ({}, "XO2_ADMIN_PASSWORD")}.items():
            full = {**clean, "PYTHONPATH": str(ROOT), "XO2_DEV": "0", "XO2_STATE_FILE": str(tmp_path / "s.json"),
                    "XO2_GATEWAY_BIND": "127.0.0.1:9", "XO2_AUTOMATION_BIND": "127.0.0.1:9", **env}
            procs[(module, case)] = subprocess.Popen([sys.executable, "-m", module], cwd=tmp_path, env=full,
                                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    expected = {**WEAK_CASES, "only a .env file": ({}, "XO2_ADMIN_PASSWORD")}
    for (module, case), proc in procs.items():
        out, err = proc.communicate(timeout=30)
        text = out + err
        assert proc.returncode not in (0, None), (module, case, text[-500:])
        assert "Invalid configuration" in text and expected[case][1] in text, (module, case, text[-800:])
        assert "Traceback" not in text, (module, case, text[-1500:])
        assert "Booting worker" not in text and "Listening at" not in text      # never started serving
        for value in expected[case][0].values():
            if len(value) >= 8 and value != ALIAS:
                assert value not in text, f"{module}/{case} echoed a secret"


# -- CORS ------------------------------------------------------------------------------------
def test_cors_is_closed_on_every_kind_of_response(rel_stack):
    s = rel_stack
    evil = {"Origin": "https://evil.example"}
    preflight = {**evil, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"}
    http = session_from("127.0.21.1")
    checks = [("GET", "/", evil), ("GET", "/assets/", evil), ("GET", "/api/health", evil),
              ("GET", "/api/live", {**evil, **s.auth}), ("GET", "/api/live", evil),
              ("GET", "/api/automation/relays", {**evil, **s.auth}), ("GET", "/api/automation/health", evil),
              ("POST", "/api/auth/login", evil), ("POST", "/api/automation/auth/login", evil),
              ("GET", "/api/nope", evil)]
    for path in ("/api/auth/login", "/api/automation/auth/login", "/api/live", "/api/automation/relays/i1/command",
                 "/api/automation/relays/i1", "/api/automation/display", "/api/graph/hour", "/", "/api/ws"):
        checks.append(("OPTIONS", path, preflight))
    for method, path, headers in checks:
        r = http.request(method, s.url + path, headers=headers, timeout=10,
                         json={"deviceId": ALIAS, "password": PASSWORD} if method == "POST" else None)
        cors = {k: v for k, v in r.headers.items() if k.lower().startswith("access-control-")}
        assert not cors, (method, path, r.status_code, cors)
        assert r.status_code < 500, (method, path, r.status_code)
    for direct in (s.gateway_url + "/api/live", s.automation_url + "/api/automation/relays"):   # behind nginx too
        r = requests.options(direct, headers=preflight, timeout=10)
        assert not [k for k in r.headers if k.lower().startswith("access-control-")]


# -- security headers --------------------------------------------------------------------------
CSP_MUST = ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "script-src 'self'")


def assert_security_headers(r: requests.Response, label: str) -> None:
    h = r.headers
    assert h.get("X-Frame-Options") == "DENY", (label, r.status_code, dict(h))
    assert h.get("X-Content-Type-Options") == "nosniff", (label, r.status_code, dict(h))   # exactly once
    assert h.get("Referrer-Policy") == "no-referrer", (label, r.status_code, dict(h))
    csp = h.get("Content-Security-Policy", "")
    assert all(part in csp for part in CSP_MUST) and ", default-src" not in csp, (label, csp)
    assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp


def test_nginx_security_headers_on_pages_assets_and_api(rel_stack):
    s = rel_stack
    http = session_from("127.0.22.1")
    assets = sorted(p.name for p in (ROOT / "web/dist/assets").iterdir())
    assert any(a.endswith(".js") for a in assets)
    big = {"name": "x" * 70_000}
    seen: set[int] = set()
    cases = [("GET", "/", {}, None), ("GET", "/automation", {}, None), ("GET", "/index.html", {}, None),
             ("GET", "/assets/missing-file.js", {}, None),
             *[("GET", f"/assets/{a}", {}, None) for a in assets],
             ("GET", "/api/health", {}, None), ("GET", "/api/automation/health", {}, None),
             ("GET", "/api/live", s.auth, None), ("GET", "/api/live", {}, None),
             ("GET", "/api/graph/bogus", s.auth, None), ("POST", "/api/live", s.auth, None),
             ("GET", "/api/no-such-route", s.auth, None), ("GET", "/api/metrics", s.auth, None),
             ("GET", "/api/automation/metrics", s.auth, None),
             ("GET", "/api/automation/relays", s.auth, None), ("GET", "/api/automation/relays/i99", s.auth, None),
             ("PUT", "/api/automation/relays/i1", s.auth, {"mode": "turbo"}),
             ("PUT", "/api/automation/relays/i1", s.auth, big),
             ("POST", "/api/auth/login", {}, {"deviceId": ALIAS, "password": "nope-nope"}),
             ("GET", "/api/report.csv?startDate=2025-12-01&endDate=2025-12-01", s.auth, None),
             ("GET", "/api/ws", {}, None)]
    for method, path, headers, body in cases:
        r = http.request(method, s.url + path, headers=headers, json=body, timeout=15)
        assert_security_headers(r, f"{method} {path}")
        seen.add(r.status_code)
    assert {200, 400, 401, 404, 405, 413} <= seen, seen      # error pages carry them too


# -- nothing but i1..i8 (0/1) and i11..i18 reaches the unit ----------------------------------------
ABUSE_IDS = ["i0", "i9", "i10", "i11", "i18", "i19", "I1", "i1 ", "i01", "i1%00", "..%2Fi1", "i1;i9", "i1,i9",
             "d1", "imei", "meter", REAL, "i-1", "i1.0", "%69%31%30"]
ABUSE_BODIES = [{"state": 2}, {"state": -1}, {"state": "1"}, {"state": True}, {"state": 1.0}, {"state": None},
                {"state": 1, "i9": 1}, {"state": 1, "imei": "000000000000000"}, {"state": 1, "relay": "i9"},
                {"state": 1, "meter": "9"}, {"i9": 1}, {"i1": 1}, {"i11": 5}, [], "1", None, {"state": [1]},
                {"state": {"i9": 1}}, {"state": 10 ** 30}, {"state": 1, "state2": 1}]


def test_only_relays_and_display_values_ever_reach_the_unit(rel_stack):
    s = rel_stack
    sim_reset(s.sim_url)
    seen: dict[tuple, dict] = {}

    def collect():
        for c in s.sim()["commands"]:
            seen[(c["at"], json.dumps(c["body"], sort_keys=True))] = c["body"]

    codes = []
    for rid in ABUSE_IDS:
        codes.append(s.post(f"/api/automation/relays/{rid}/command", json={"state": 1}).status_code)
        codes.append(s.put(f"/api/automation/relays/{rid}", json={"mode": "manual"}).status_code)
    assert all(400 <= c < 500 for c in codes), codes
    for body in ABUSE_BODIES:
        r = s.post("/api/automation/relays/i1/command", data=json.dumps(body),
                   headers={**s.auth, "Content-Type": "application/json"})
        assert r.status_code == 400, (body, r.status_code, r.text)
    for rule in ({"channel": "i9", "low": 0, "high": 1, "above": 1}, {"channel": "i11", "low": 0, "high": 1, "above": 1},
                 {"channel": "d9", "low": 0, "high": 1, "above": 2}):
        r = s.put("/api/automation/relays/i2", json={"mode": "sensor", "sensor": rule})
        assert r.status_code == 400, (rule, r.text)
    for body in ({"values": {"i1": 1}}, {"i11": 999}, {"i9": 1}, {"interval_s": 0.001}, {"standard": "x"},
                 {"enabled": "yes"}, {"enabled": True, "relay": "i9"}):
        assert s.put("/api/automation/display", json=body).status_code == 400, body
    for method, path in (("POST", "/api/command"), ("POST", f"/api/device/{REAL}/command"),
                         ("POST", "/api/automation/command"), ("POST", "/api/automation/relays/command"),
                         ("PUT", "/api/live"), ("POST", "/api/graph/hour"), ("POST", "/api/automation/display"),
                         ("POST", "/api/automation/relays/i1"), ("DELETE", "/api/automation/relays/i1")):
        r = s.http.request(method, s.url + path, json={"i9": 1, "state": 1}, headers=s.auth, timeout=10)
        assert r.status_code in (404, 405), (method, path, r.status_code)
    collect()

    # One legitimate command, to show the path works and is logged.
    start = s.relay("i3")["actual"]
    assert s.post("/api/automation/relays/i3/command", json={"state": 1 - start}).status_code == 202
    wait_for(lambda: (c := s.relay("i3")["command"]) and c["state"] == "confirmed", 15, 0.2, "i3 confirmed")

    def display_pushed() -> list[dict]:
        # What reached the sim since the reset, not the display's last values (they may be older).
        collect()
        return [b for b in seen.values() if set(b) & set(DISPLAY)]
    wait_for(display_pushed, 15, 0.2, "a display push reaching the unit")

    relay_bodies = [b for b in seen.values() if set(b) & set(RELAYS)]
    display_bodies = [b for b in seen.values() if set(b) & set(DISPLAY)]
    assert display_bodies, "the display pusher sent nothing during the test"
    assert relay_bodies == [{"imei": IMEI, "meter": METER, "i3": 1 - start}], relay_bodies
    for body in seen.values():
        assert body["imei"] == IMEI and body["meter"] == METER, body
        outputs = {k: v for k, v in body.items() if k not in ("imei", "meter")}
        if set(outputs) <= set(RELAYS):
            assert len(outputs) == 1 and all(v in (0, 1) for v in outputs.values()), body
        else:
            assert set(outputs) == set(DISPLAY), body
            assert all(isinstance(v, int) and 0 <= v <= 9999 for v in outputs.values()), body
