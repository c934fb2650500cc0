"""Cloud faults against the whole console (simulator -> both services -> nginx), in production
mode with short client timeouts: 5xx bursts, hangs far longer than the client timeout,
malformed JSON, a refused report link, sockets dropped every few frames, a cloud that ignores
commands, a unit that goes offline and a cloud that disappears. Through all of it the UI-facing
API keeps answering (stale-flagged where it has data), /api/health says degraded, both services
recover on their own within 30 s of the cloud coming back (nobody restarts or pokes them: only
the health endpoints are polled), and every traceback in their logs is introduced by a message
naming the operation (checked by the clean_stack fixture)."""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from devicecloud.settings import load_settings
from devicecloud.stream import CloudStream

from .conftest import ALIAS, RelStack, bare_tracebacks, wait_for

pytestmark = pytest.mark.timeout(120)
IST = ZoneInfo("Asia/Kolkata")
RECOVERY_BUDGET_S = 30.0
FORBIDDEN = ("btte", "amazonaws", "awsaccesskeyid", "x-amz-", "athena-results")


def today() -> str:
    return datetime.now(IST).date().isoformat()


def days_ago(n: int) -> str:
    """A past day no other test loads, so it is not in the history cache (past days stay a day)."""
    return (datetime.now(IST).date() - timedelta(days=n)).isoformat()


def no_leak(resp) -> None:
    text = (resp.text + "\n" + "\n".join(f"{k}: {v}" for k, v in resp.headers.items())).lower()
    assert not [w for w in FORBIDDEN if w in text], text[:500]


def warm(s: RelStack) -> None:
    """What an open Analytics page has loaded: the graphs and today's history."""
    for period in ("hour", "day", "week"):
        r = s.get(f"/api/graph/{period}")
        assert r.status_code == 200 and r.json()["stale"] is False, r.text[:300]
    r = s.get(f"/api/history?start={today()}&end={today()}&buckets=20")
    assert r.status_code == 200 and r.json()["stale"] is False, r.text[:300]


def expect_stale(s: RelStack, budget_s: float, paths: tuple[str, ...] = ("/api/graph/hour",)) -> None:
    """Every cached read answers 200, flagged stale, within budget_s; today's history needs
    no cloud (the gateway's history store: its socket frames and what it fetched before)."""
    time.sleep(1.2)                                  # the 1 s cache TTLs have run out
    t0 = time.monotonic()
    r = s.get(history_today())
    assert r.status_code == 200 and r.json()["deviceId"] == ALIAS and r.json()["rows"] > 0, r.text[:300]
    assert time.monotonic() - t0 < budget_s
    no_leak(r)
    for path in paths:
        t0 = time.monotonic()
        r = s.get(path)
        took = time.monotonic() - t0
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        assert r.headers["X-Cache"] == "stale" and r.json()["stale"] is True, (path, r.headers)
        assert r.json()["deviceId"] == ALIAS
        assert took < budget_s, f"{path} took {took:.1f} s"
        no_leak(r)


def all_cached() -> tuple[str, ...]:
    return ("/api/graph/hour", "/api/graph/week")


def history_today() -> str:
    return f"/api/history?start={today()}&end={today()}&buckets=20"


def gateway_degraded(s: RelStack, words: str) -> dict:
    def check():
        body = s.health()[0]
        return body if body["status"] == "degraded" and words in (body["upstream"]["last_cloud_error"] or "") else None
    return wait_for(check, 10, 0.2, f"gateway health degraded with {words!r}")


def recover(s: RelStack) -> float:
    """Clear every fault and time how long until both services say ok by themselves (only
    the health endpoints are polled), then check the data is fresh again."""
    s.faults(error_rate=0, error_burst=0, hang_s=0, latency_s=0, malformed_json=False,
             report_link_status=None, drop_every=0, ignore_commands=False, offline=False)
    t0 = time.monotonic()
    wait_for(s.both_ok, RECOVERY_BUDGET_S, 0.25, "both services healthy again")
    # A page reading now gets fresh data again (a stale copy is held ~5 s after a failure
    # so a failing cloud is not hammered).
    wait_for(lambda: (r := s.get("/api/graph/hour")).status_code == 200 and r.headers["X-Cache"] in ("hit", "miss")
             and r.json()["stale"] is False, RECOVERY_BUDGET_S - (time.monotonic() - t0), 0.5, "fresh graph data")
    took = time.monotonic() - t0
    live = s.get("/api/live").json()
    assert live["stale"] is False and live["online"] is True
    return took


def command(s: RelStack, rid: str, state: int):
    return s.post(f"/api/automation/relays/{rid}/command", json={"state": state})


def finished(s: RelStack, rid: str, timeout: float = 15) -> dict:
    return wait_for(lambda: (c := s.relay(rid)["command"]) and c["state"] != "pending" and c,
                    timeout, 0.2, f"{rid} command finished")


def test_rest_faults_5xx_35s_hang_and_malformed_json_serve_stale_and_recover(clean_stack):
    """One outage that changes character: a 503 burst, then a cloud that hangs 35 s (cut at
    the 1 s client timeout), then replies cut in half. Cached reads stay 200 + stale, never
    waiting out the hang; health says why; the relay API never waits on the cloud; once the
    cloud is fine both services are healthy again by themselves."""
    s = clean_stack
    warm(s)
    rid = "i8"
    start = s.relay(rid)["actual"]

    # -- 503 on every REST call ---------------------------------------------------------------
    s.faults(error_burst=100_000)
    t0 = time.monotonic()
    assert command(s, rid, 1 - start).status_code == 202           # answered at once
    assert time.monotonic() - t0 < 1.5
    expect_stale(s, budget_s=5, paths=all_cached())
    gateway_degraded(s, "503")
    never_loaded = s.get(f"/api/history?start={days_ago(10)}&end={days_ago(10)}")
    assert never_loaded.status_code == 502 and "503" in never_loaded.json()["error"]
    no_leak(never_loaded)
    live = s.get("/api/live").json()                 # the socket still brings frames
    assert live["stale"] is False and live["frame"]["d"] == ALIAS
    done = finished(s, rid)                          # the unit cannot be reached: FAILED, unlocked
    assert done["state"] == "failed" and "503" in done["reason"], done
    auto = wait_for(lambda: (h := s.health()[1])["status"] == "degraded" and h, 10, 0.2,
                    "automation health degraded")
    assert "503" in auto["commands"]["last_cloud_error"]

    # -- the cloud hangs 35 s -------------------------------------------------------------------
    s.faults(error_burst=0, hang_s=35)
    expect_stale(s, budget_s=6)
    gateway_degraded(s, "timed out")
    time.sleep(1.2)
    results: list[tuple[int, float]] = []

    def read():
        t = time.monotonic()
        r = s.get("/api/graph/day")
        results.append((r.status_code, time.monotonic() - t))
    threads = [threading.Thread(target=read) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [code for code, _ in results] == [200] * 6
    assert max(took for _, took in results) < 6, results
    t0 = time.monotonic()
    assert s.get("/api/automation/relays").status_code == 200
    assert s.get("/api/live").status_code == 200
    assert time.monotonic() - t0 < 1.5

    # -- replies cut in half --------------------------------------------------------------------
    s.faults(hang_s=0, malformed_json=True)
    expect_stale(s, budget_s=5)
    gateway_degraded(s, "malformed JSON")

    assert recover(s) < RECOVERY_BUDGET_S
    assert command(s, rid, 1 - start).status_code == 202   # unlocked after FAILED: retry works
    assert finished(s, rid)["state"] == "confirmed"


def test_refused_report_link_is_a_clear_502_and_cached_history_stays(clean_stack):
    s = clean_stack
    warm(s)
    s.faults(report_link_status=403)
    csv = s.get(f"/api/report.csv?startDate={today()}&endDate={today()}")
    assert csv.status_code == 502 and csv.headers["Content-Type"].startswith("application/json")
    assert "refused or has expired" in csv.json()["error"]
    no_leak(csv)
    fresh_range = s.get(f"/api/history?start={days_ago(12)}&end={days_ago(12)}")
    assert fresh_range.status_code == 502 and "refused" in fresh_range.json()["error"]
    no_leak(fresh_range)
    time.sleep(1.2)
    cached = s.get(f"/api/history?start={today()}&end={today()}&buckets=20")
    assert cached.status_code == 200 and cached.json()["rows"] > 0     # from the history store
    gateway_degraded(s, "refused")
    assert recover(s) < RECOVERY_BUDGET_S
    ok = s.get(f"/api/report.csv?startDate={today()}&endDate={today()}")
    assert ok.status_code == 200 and ALIAS in ok.text.splitlines()[1]


def test_socket_dropped_every_few_frames_keeps_everything_live(clean_stack):
    s = clean_stack
    ws = s.ws()
    try:
        s.faults(drop_every=3)                       # each upstream socket dies after 3 frames
        rid = "i6"
        start = s.relay(rid)["actual"]
        assert command(s, rid, 1 - start).status_code == 202
        frames, statuses, gaps, last = 0, [], [], time.monotonic()
        end = time.monotonic() + 4
        while time.monotonic() < end:
            msg = json.loads(ws.recv())
            if msg["type"] == "deviceData":
                now = time.monotonic()
                gaps.append(now - last)
                last = now
                frames += 1
                assert msg["deviceId"] == ALIAS
            else:
                statuses.append(msg["upstream"]["socket_connected"])
        assert frames >= 4, frames                   # ~8 frames in 4 s at 0.5 s each
        assert max(gaps) < 3, gaps                   # never stale (XO2_FRAME_STALE_S=3)
        assert False in statuses and True in statuses   # the browser saw drop and reconnect
        assert finished(s, rid)["state"] == "confirmed"
        assert s.get("/api/live").json()["stale"] is False
    finally:
        ws.close()
    assert recover(s) < RECOVERY_BUDGET_S
    wait_for(lambda: s.sim()["sockets"] == 2, 5, 0.1, "one upstream socket per service, none leaked")


def test_offline_unit_is_flagged_stale_and_recovers(clean_stack):
    s = clean_stack
    s.faults(offline=True)                           # no more frames
    live = wait_for(lambda: (b := s.get("/api/live").json())["stale"] and b, 10, 0.2, "live stale")
    assert live["online"] is False and live["frame"]["d"] == ALIAS   # last values still shown
    gw, auto = wait_for(lambda: (h := s.health())[0]["status"] == "degraded"
                        and h[1]["status"] == "degraded" and h, 10, 0.2, "both degraded")
    assert gw["upstream"]["last_frame_age_s"] > 3 and gw["upstream"]["socket_connected"] is True
    display = wait_for(lambda: (d := s.get("/api/automation/display").json())["last"]["skipped_reason"] and d,
                       10, 0.2, "display skipping old data")
    assert "old" in display["last"]["skipped_reason"]
    relays = s.get("/api/automation/relays").json()["relays"]
    assert all(r["actual"] in (0, 1) for r in relays)
    assert recover(s) < RECOVERY_BUDGET_S


def test_cloud_that_ignores_commands_fails_them_and_unlocks(clean_stack):
    s = clean_stack
    s.faults(ignore_commands=True)
    rid = "i5"
    start = s.relay(rid)["actual"]
    assert command(s, rid, 1 - start).status_code == 202
    assert command(s, rid, 1 - start).status_code == 409            # locked while pending
    done = finished(s, rid)
    assert done["state"] == "failed" and "not confirmed within 4 s" in done["reason"]
    assert s.relay(rid)["actual"] == start
    assert recover(s) < RECOVERY_BUDGET_S
    assert command(s, rid, 1 - start).status_code == 202            # unlocked: retry
    assert finished(s, rid)["state"] == "confirmed"
    audit = s.get("/api/automation/audit?limit=50").json()["entries"]
    name = s.relay(rid)["name"]                                     # the audit names relays by name
    results = [e["result"] for e in audit if e["what"].startswith(f"{name}: ")]
    assert "confirmed" in results and any(r.startswith("failed") for r in results)


def test_cloud_outage_degrades_both_and_they_come_back_by_themselves(clean_stack):
    s = clean_stack
    warm(s)
    s.kill_sim()                                     # REST and socket both gone
    gw, auto = wait_for(lambda: (h := s.health())[0]["upstream"]["socket_connected"] is False
                        and h[1]["upstream"]["socket_connected"] is False and h, 10, 0.2,
                        "both sockets down")
    assert gw["status"] == auto["status"] == "degraded"
    expect_stale(s, budget_s=5, paths=all_cached())
    gateway_degraded(s, "unreachable")               # refused, not "timed out"
    time.sleep(2.5)                                  # let the reconnect backoff grow
    live = s.get("/api/live").json()
    assert live["stale"] is True and live["online"] is False
    assert s.get("/api/automation/relays").status_code == 200
    s.start_sim()
    t0 = time.monotonic()
    wait_for(s.both_ok, RECOVERY_BUDGET_S, 0.25, "both services healthy after the cloud came back")
    assert time.monotonic() - t0 < RECOVERY_BUDGET_S
    assert s.get("/api/live").json()["stale"] is False


def test_default_reconnect_backoff_recovers_within_30_s(monkeypatch):
    """With the shipped defaults, after a long outage the stream retries at least every
    XO2_WS_BACKOFF_MAX_S; that plus one 10 s frame period must fit the 30 s recovery budget."""
    settings = load_settings()
    waits: list[float] = []
    attempts = {"n": 0}

    def failing_open(self):
        attempts["n"] += 1
        if attempts["n"] > 12:
            self._stop.set()
        raise ConnectionRefusedError("cloud down")

    monkeypatch.setattr(CloudStream, "_open", failing_open)
    monkeypatch.setattr("devicecloud.stream.random.uniform", lambda a, b: b)   # worst case
    stream = CloudStream(settings, lambda f: None)
    monkeypatch.setattr(stream._stop, "wait", lambda t: waits.append(t) or stream._stop.is_set())
    stream._run()
    assert len(waits) >= 10
    assert max(waits) == settings.ws_backoff_max_s
    assert max(waits) + 10 <= RECOVERY_BUDGET_S, (
        f"worst-case reconnect wait {max(waits):g} s + a 10 s frame period exceeds "
        f"{RECOVERY_BUDGET_S:g} s")


def test_log_check_tells_bare_tracebacks_from_explained_ones():
    """The log check used by every stack test is not vacuous."""
    explained = ("2026-11-25 13:23:31,691 ERROR service_kit.webapp: unhandled error on GET /api/live\n"
                 "Traceback (most recent call last):\n  File \"x.py\", line 1, in f\nValueError: boom\n\n"
                 "During handling of the above exception, another exception occurred:\n\n"
                 "Traceback (most recent call last):\n  File \"y.py\", line 2, in g\nKeyError: 'k'\n"
                 "[2026-11-25 13:23:22 +0000] [1806] [ERROR] Exception in worker process\n"
                 "Traceback (most recent call last):\n  File \"z.py\", line 3\nOSError: x\n")
    assert bare_tracebacks(explained) == []
    bare = ["Exception in thread cloud-stream:\nTraceback (most recent call last):\n  File \"s.py\"\nOSError\n",
            "Traceback (most recent call last):\n  File \"g.py\", line 1\nKeyError\n<Greenlet at 0x1> failed\n",
            "2026-11-25 13:23:31,691 ERROR root: error\nTraceback (most recent call last):\n  File \"a.py\"\nE\n",
            "2026-11-25 13:23:31,691 INFO x.y: started fine\nTraceback (most recent call last):\n  File \"a\"\nE\n"]
    for text in bare:
        assert len(bare_tracebacks(text)) == 1, text
