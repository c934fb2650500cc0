"""The leak sweep: no browser-facing byte ever carries the real device id or an AWS link.

The mocked cloud puts BTTE ids in every shape it can (id fields with the real and a sibling
id, free text, nested lists, dict keys, CSV columns and headers) and hands out an
amazonaws download link; then every route, error path and socket message is checked.
"""
from __future__ import annotations

import json
import time
from datetime import date

import responses

from .conftest import (ALIAS, PASSWORD, REAL, REPORT_URL, S3_LINK, SIBLING, day_bounds,
                       cloud_frame, graph_body, graph_url, recv_json, report_body)
from .test_gw_ws import read_close

FORBIDDEN = ("btte", "amazonaws")


def nasty_frame(ts: int) -> dict:
    return cloud_frame(ts, d=SIBLING, deviceId=REAL, device_id=SIBLING,
                       note=f"relayed by {REAL} at {ts}",
                       meta={"src": [REAL, {"deviceId": SIBLING}], REAL: {"ok": 1}})


def nasty_csv(start: int) -> str:
    head = '"d","deviceId","ts","d1","d9","note","src_' + REAL + '"\n'
    rows = [f'"{SIBLING if n % 2 else REAL}","{REAL}","{start + 10 * n}.0","{400 + n}","{20 + n}",'
            f'"s3://bucket/{REAL}/part-{n}","{REAL}"\n' for n in range(50)]
    return head + "".join(rows)


class Sweep:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def http(self, label: str, resp) -> None:
        headers = "\n".join(f"{k}: {v}" for k, v in resp.headers.items())
        self.seen.append((label, f"{resp.status_code}\n{headers}\n\n{resp.get_data(as_text=True)}"))

    def text(self, label: str, text: str) -> None:
        self.seen.append((label, text))

    def check(self) -> None:
        leaks = [(label, word) for label, text in self.seen for word in FORBIDDEN
                 if word in text.lower()]
        assert not leaks, leaks


def test_no_route_or_message_leaks_the_real_id_or_an_aws_link(app, gw, cloud, clock, serve, token):
    sweep, client = Sweep(), app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    now = int(time.time())
    start, _ = day_bounds(date(2025, 12, 1), gw.settings.tz)

    # -- login, health, channels ----------------------------------------------------------------
    for body in [{"deviceId": ALIAS, "password": PASSWORD}, {"deviceId": REAL, "password": PASSWORD},
                 {"deviceId": ALIAS, "password": "wrong-pass"}, {"deviceId": REAL}]:
        sweep.http(f"login {body}", client.post("/api/auth/login", json=body))
    sweep.http("login bad json", client.post("/api/auth/login", data=REAL, content_type="application/json"))
    sweep.http("health", client.get("/api/health"))
    sweep.http("channels", client.get("/api/channels", headers=auth))

    # -- graph: 502 with nothing cached, miss, hit, stale, bad periods -----------------------------
    week = cloud.add(responses.GET, graph_url("week"), status=500,
                     json={"message": f"Internal error for {REAL}", "url": S3_LINK})
    sweep.http("graph week 502", client.get("/api/graph/week", headers=auth))
    cloud.remove(week)
    for period in ("hour", "day", "week"):
        frames = [nasty_frame(now - 20), nasty_frame(now - 10)]
        cloud.add(responses.GET, graph_url(period), json=graph_body(period, frames, device_id=REAL))
    clock.advance(gw.graph_cache.error_hold_s + 1)
    for period in ("hour", "day", "week", "hour"):
        sweep.http(f"graph {period}", client.get(f"/api/graph/{period}", headers=auth))
    cloud.replace(responses.GET, graph_url("hour"), status=503, body=f"{REAL} {S3_LINK}")
    clock.advance(3600)
    stale = client.get("/api/graph/hour", headers=auth)
    assert stale.headers["X-Cache"] == "stale"
    sweep.http("graph stale", stale)
    for bad in (REAL, "month", f"{REAL}%20"):
        sweep.http(f"graph {bad}", client.get(f"/api/graph/{bad}", headers=auth))
    sweep.http("health degraded", client.get("/api/health"))

    # -- live: bootstrapped, then from the socket ---------------------------------------------------
    sweep.http("live bootstrap", client.get("/api/live", headers=auth))
    gw.hub.on_status(True, "subscribed")
    gw.hub.on_frame(nasty_frame(now))
    sweep.http("live socket", client.get("/api/live", headers=auth))

    # -- report.csv and history: ok, expired link, cloud error, bad input ------------------------
    cloud.add(responses.GET, REPORT_URL, json=report_body(record_count=50))
    link = cloud.add(responses.GET, S3_LINK.split("?")[0], body=nasty_csv(start))
    ok = client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-01", headers=auth)
    assert ok.status_code == 200 and ALIAS in ok.get_data(as_text=True)
    sweep.http("report ok", ok)
    hist = client.get("/api/history?start=2025-12-01&end=2025-12-01&buckets=10", headers=auth)
    assert hist.status_code == 200 and hist.get_json()["rows"] == 50
    sweep.http("history ok", hist)
    sweep.http("history status", client.get("/api/history/status", headers=auth))
    stored = client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-01", headers=auth)
    assert stored.status_code == 200 and link.call_count == 2      # the day came from the store
    sweep.http("report from the store", stored)
    cloud.remove(link)
    cloud.add(responses.GET, S3_LINK.split("?")[0], status=403,
              body=f"<Error><Code>AccessDenied</Code><Key>{REAL}</Key><Url>{S3_LINK}</Url></Error>")
    sweep.http("report 403", client.get("/api/report.csv?startDate=2025-12-02&endDate=2025-12-02",
                                        headers=auth))
    sweep.http("history 403", client.get("/api/history?start=2025-12-02&end=2025-12-02", headers=auth))
    cloud.replace(responses.GET, REPORT_URL, status=500, json={"message": S3_LINK})
    sweep.http("report 500", client.get("/api/report.csv?startDate=2025-12-03&endDate=2025-12-03",
                                        headers=auth))
    for query in (f"startDate={REAL}&endDate=2025-12-01", "startDate=2025-12-09&endDate=2025-12-01"):
        sweep.http(f"report {query}", client.get(f"/api/report.csv?{query}", headers=auth))
    for query in (f"start={REAL}&end=2025-12-01", f"start=2025-12-01&end=2025-12-02&buckets={REAL}"):
        sweep.http(f"history {query}", client.get(f"/api/history?{query}", headers=auth))

    # -- the rest: metrics, unknown routes and methods, bad tokens ---------------------------------
    sweep.http("metrics", client.get("/api/metrics", headers=auth))
    sweep.http("404", client.get(f"/api/{REAL}", headers=auth))
    sweep.http("405", client.post("/api/live", headers=auth))
    sweep.http("bad token", client.get("/api/live", headers={"Authorization": f"Bearer {REAL}"}))

    # -- sockets: refused, then every kind of message -------------------------------------------
    server = serve(app)
    sweep.http("ws-ticket bad token",
               client.post("/api/ws-ticket", headers={"Authorization": f"Bearer {REAL}"}))
    refused = server.ws_ticket(REAL)
    sweep.text("ws refused", json.dumps(recv_json(refused)) + repr(read_close(refused)))
    ws = server.ws(token)
    messages = [ws.recv(), ws.recv()]                     # status + latest frame
    gw.hub.on_frame(nasty_frame(now + 1))
    gw.hub.on_status(False, f"closed by {REAL}")
    messages += [ws.recv(), ws.recv()]
    ws.close()
    assert [json.loads(m)["type"] for m in messages] == ["status", "deviceData", "deviceData", "status"]
    assert json.loads(messages[2])["data"]["meta"] == {"src": [ALIAS, {"deviceId": ALIAS}], ALIAS: {"ok": 1}}
    for m in messages:
        sweep.text("ws message", m)

    assert len(sweep.seen) >= 35
    sweep.check()
