"""Leak sweep of the whole console as a browser reaches it (simulator -> both services ->
nginx): no response body or header, no browser-socket message and no file of the web bundle
carries a BTTE device id, an AWS link or key (amazonaws, execute-api, AWSAccessKeyId, x-amz-,
a pre-signed download link) or the admin password / JWT secret - on the happy paths and on
every error path, including while the cloud fails (5xx, hangs, malformed JSON, a refused
report link, dropped sockets, failed commands). A reply may only repeat such a string when
the request itself carried it (e.g. a value repeated in a 400 message)."""
from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
import websocket

from .conftest import ALIAS, JWT_SECRET, PASSWORD, REAL, ROOT, RelStack, bearer, mint_token, session_from, wait_for

pytestmark = pytest.mark.timeout(120)
IST = ZoneInfo("Asia/Kolkata")
PATTERNS = {
    "device id": re.compile(r"btte\d*", re.I),
    "AWS host": re.compile(r"amazonaws|execute-api|vtg0j85nv4|ztw46d04q3", re.I),
    "AWS key": re.compile(r"awsaccesskeyid|x-amz-|x-amzn-|AKIA[0-9A-Z]{8,}|security-token", re.I),
    "pre-signed link": re.compile(r"athena-results|signature=|expires=\d", re.I),
    "admin password": re.compile(re.escape(PASSWORD)),
    "JWT secret": re.compile(re.escape(JWT_SECRET)),
}


def leaks(text: str, request_text: str = "") -> list[str]:
    found = []
    for name, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            if m.group(0).lower() not in request_text.lower():
                found.append(f"{name}: {m.group(0)!r} in …{text[max(0, m.start() - 60): m.end() + 60]!r}…")
    return found


class Sweep:
    def __init__(self, s: RelStack) -> None:
        self.s = s
        self.http = session_from("127.0.30.1")
        self.found: list[tuple[str, list[str]]] = []
        self.count = 0
        self.statuses: set[int] = set()

    def req(self, method: str, path: str, *, auth: bool = True, **kw) -> requests.Response:
        headers = {**(bearer(self.s.token) if auth else {}), **kw.pop("headers", {})}
        r = self.http.request(method, self.s.url + path, headers=headers, timeout=20, **kw)
        request_text = path + json.dumps(kw.get("json")) + str(kw.get("data", ""))
        text = f"{r.status_code}\n" + "\n".join(f"{k}: {v}" for k, v in r.headers.items()) + "\n\n" + r.text
        self.check(f"{method} {path} -> {r.status_code}", text, request_text)
        self.statuses.add(r.status_code)
        return r

    def check(self, label: str, text: str, request_text: str = "") -> None:
        self.count += 1
        bad = leaks(text, request_text)
        if bad:
            self.found.append((label, bad))

    def everything(self, tag: str) -> None:
        """Every browser-facing route of both services, good and bad requests."""
        today = datetime.now(IST).date()
        old = (today - timedelta(days=3)).isoformat()
        day = today.isoformat()
        for body in ({"deviceId": ALIAS, "password": PASSWORD}, {"deviceId": REAL, "password": PASSWORD},
                     {"deviceId": ALIAS}, {"deviceId": ALIAS, "password": "x" * 9}):
            self.req("POST", "/api/auth/login", auth=False, json=body, headers={"X-Forwarded-For": f"10.0.0.{self.count % 200}"})
        self.req("POST", "/api/auth/login", auth=False, data="{oops", headers={"Content-Type": "application/json"})
        for path in ("/api/health", "/api/channels", "/api/live", "/api/graph/hour", "/api/graph/day",
                     "/api/graph/week", f"/api/graph/{REAL}", "/api/graph/month",
                     f"/api/history?start={day}&end={day}&buckets=50", f"/api/history?start={old}&end={old}",
                     f"/api/history?start={REAL}&end={day}", "/api/history?start=2025-01-01&end=2025-12-31",
                     f"/api/report.csv?startDate={day}&endDate={day}", f"/api/report.csv?startDate={day}&endDate={REAL}",
                     "/api/report.csv", "/api/metrics", f"/api/{REAL}", "/api/nope", "/api/ws",
                     "/api/automation/health", "/api/automation/relays", "/api/automation/display",
                     "/api/automation/audit?limit=500", "/api/automation/audit?limit=abc",
                     "/api/automation/metrics", f"/api/automation/relays/{REAL}", "/api/automation/nope"):
            self.req("GET", path)
        for rid in ("i1", "i8"):
            self.req("GET", f"/api/automation/relays/{rid}")
        # the web page's download: a one-time link, then the browser's GET of it (twice: used)
        link = self.req("POST", f"/api/report-link?startDate={day}&endDate={day}")
        self.req("POST", f"/api/report-link?startDate={REAL}&endDate={day}")
        if link.status_code == 200:
            for _ in range(2):
                self.req("GET", link.json()["url"], auth=False)
        self.req("GET", "/api/download/no-such-link", auth=False)
        self.req("GET", "/api/live", auth=False)
        self.req("GET", "/api/live", auth=False, headers={"Authorization": f"Bearer {mint_token(expires=timedelta(seconds=-5))}"})
        self.req("POST", "/api/live")
        self.req("PUT", "/api/automation/relays/i1", json={"mode": "turbo"})
        self.req("PUT", "/api/automation/relays/i1", json={"sensor": {"channel": "zz", "low": 1, "high": 0, "above": 1}})
        self.req("PUT", "/api/automation/relays/i1", data="{oops", headers={"Content-Type": "application/json"})
        self.req("PUT", "/api/automation/relays/i1", json={"name": f"light {tag}"})
        self.req("PUT", "/api/automation/display", json={"interval_s": -1})
        self.req("POST", "/api/automation/relays/i1/command", json={"state": 7})
        for path in ("/", "/overview", "/automation", "/index.html"):
            self.req("GET", path, auth=False)

    def socket(self, seconds: float, drop: bool = False) -> int:
        ws = self.s.ws()
        n = 0
        try:
            end = time.monotonic() + seconds
            dropped = False
            while time.monotonic() < end:
                if drop and not dropped and time.monotonic() > end - seconds / 2:
                    requests.post(f"{self.s.sim_url}/__sim/drop", timeout=5)
                    dropped = True
                msg = ws.recv()
                self.check("ws message", msg)
                n += 1
        finally:
            ws.close()
        bad = websocket.create_connection(f"{self.s.url.replace('http', 'ws')}/api/ws?ticket={REAL}", timeout=10)
        try:
            self.check("ws refused", bad.recv(), REAL)
        finally:
            bad.close()
        return n


def test_whole_stack_leaks_nothing_through_nginx_even_when_the_cloud_fails(clean_stack):
    s = clean_stack
    sweep = Sweep(s)
    sweep.everything("ok")
    csv = sweep.req("GET", f"/api/report.csv?startDate={datetime.now(IST).date()}&endDate={datetime.now(IST).date()}")
    assert csv.status_code == 200 and csv.text.count(ALIAS) > 10
    start = s.relay("i4")["actual"]
    assert sweep.req("POST", "/api/automation/relays/i4/command", json={"state": 1 - start}).status_code == 202
    assert sweep.socket(2.5, drop=True) >= 3

    # The same sweep while the cloud misbehaves in each way it can.
    for tag, faults in [("5xx", {"error_burst": 100_000}), ("malformed", {"malformed_json": True}),
                        ("hang", {"hang_s": 35}), ("link 403", {"report_link_status": 403}),
                        ("ignored", {"ignore_commands": True, "drop_every": 2})]:
        s.faults(**faults)
        sweep.socket(1.1)                                     # and the 1 s cache TTLs run out meanwhile
        rid = "i5"
        cur = s.relay(rid)
        if not (cur["command"] and cur["command"]["state"] == "pending"):
            sweep.req("POST", f"/api/automation/relays/{rid}/command", json={"state": 1 - (cur["actual"] or 0)})
        if tag == "hang":                                     # each cloud call costs the 2 s timeout here
            for path in ("/api/graph/hour",
                         f"/api/report.csv?startDate={datetime.now(IST).date()}&endDate={datetime.now(IST).date()}",
                         "/api/live", "/api/health", "/api/automation/relays", "/api/automation/health"):
                sweep.req("GET", path)
        else:
            sweep.everything(tag)
        s.faults(error_burst=0, malformed_json=False, hang_s=0, report_link_status=None, ignore_commands=False,
                 drop_every=0)
    # Failed commands and display pushes now have their reasons in the relay views and audit.
    wait_for(lambda: s.relay("i5")["command"]["state"] != "pending", 15, 0.2, "i5 finished")
    for path in ("/api/automation/relays", "/api/automation/audit?limit=500", "/api/automation/health",
                 "/api/automation/display", "/api/health"):
        sweep.req("GET", path)
    audit = s.get("/api/automation/audit?limit=500").json()["entries"]
    assert any("failed" in e["result"] for e in audit)
    assert {200, 202, 400, 401, 404, 405, 502} <= sweep.statuses, sweep.statuses
    assert sweep.count > 250
    assert not sweep.found, "\n".join(f"{label}: {bad}" for label, bad in sweep.found[:20])


# -- the web bundle ------------------------------------------------------------------------------
DIST = ROOT / "web" / "dist"


def test_web_bundle_carries_no_device_id_aws_link_or_secret():
    index = DIST / "index.html"
    if not index.exists():
        pytest.fail("web/dist is missing: build the web app first with "
                    "`npm --prefix web ci && npm --prefix web run build` (scripts/setup.sh does both)")
    newest_src = max(p.stat().st_mtime for p in (ROOT / "web" / "src").rglob("*") if p.is_file())
    if newest_src > index.stat().st_mtime + 1:
        pytest.fail("web/dist is older than web/src: rebuild it with `npm --prefix web run build` "
                    "so the bundle checked is the bundle shipped")
    files = [p for p in DIST.rglob("*") if p.is_file()]
    assert any(p.suffix == ".js" for p in files), "no JavaScript in web/dist"
    found = {}
    for p in files:
        text = p.read_bytes().decode("utf-8", "replace")
        bad = leaks(text)
        if bad:
            found[str(p.relative_to(ROOT))] = bad[:5]
    assert not found, found
    assert not [p for p in files if p.suffix == ".map"], "source maps are shipped"


def test_served_bundle_is_the_checked_bundle(rel_stack):
    """nginx serves exactly web/dist (no other copy with other contents)."""
    http = session_from("127.0.31.1")
    for p in [DIST / "index.html", *sorted((DIST / "assets").iterdir())]:
        path = "/" + str(p.relative_to(DIST))
        r = http.get(rel_stack.url + path, timeout=10)
        assert r.status_code == 200 and r.content == p.read_bytes(), path
        assert not leaks("\n".join(f"{k}: {v}" for k, v in r.headers.items()))
