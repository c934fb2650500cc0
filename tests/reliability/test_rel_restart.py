"""Restarts of the real automation process (`python -m automation_svc`) against the simulator.

The process is SIGKILLed while a manual command is PENDING (sent, the relay not yet moved);
while it is down the unit's relay under a time rule is switched by hand. The new process must:
resolve the pending command from the next frames (same audit entry, CONFIRMED), put the
time-ruled relay back (the rule catches up without waiting for a window boundary), and resume
the display pushes with the current time."""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from devicecloud.sim import SimServer

from .conftest import IMEI, REAL, wait_for

pytestmark = pytest.mark.timeout(90)
IST = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def sim():
    # command_delay 2 s: a sent command stays unconfirmed long enough to restart mid-PENDING.
    with SimServer(period=0.2, command_delay=2.0, device_id=REAL, port=0) as s:
        yield s


def bodies(sim: SimServer, key: str, since: float = 0.0) -> list[dict]:
    return [c["body"] for c in sim.state.commands if key in c["body"] and c["at"] >= since]


def test_restart_mid_pending_time_rule_catch_up_and_display_resume(services, sim, tmp_path):
    env = {"XO2_CLOUD_REST_URL": sim.rest_url, "XO2_CLOUD_WS_URL": sim.ws_url,
           "XO2_STATE_FILE": str(tmp_path / "state.json"), "XO2_COMMAND_TIMEOUT_S": "20",
           "XO2_MIN_DWELL_S": "0", "XO2_DISPLAY_INTERVAL_S": "1", "XO2_HTTP_RETRIES": "0",
           "XO2_DEVICE_IMEI": IMEI}
    svc = services(env, name="first").start()
    wait_for(lambda: svc.get("/api/automation/relays/i8").json()["actual"] is not None, 10, 0.1, "first frames")
    wait_for(lambda: bodies(sim, "i11"), 10, 0.1, "a display push")

    # A time rule whose window covers now and wants what i2 already is: nothing to send.
    now = datetime.now(IST)
    inside = sim.state.relays["i2"]
    window = {"start": (now - timedelta(minutes=30)).strftime("%H:%M"),
              "end": (now + timedelta(minutes=30)).strftime("%H:%M")}
    r = svc.put("/api/automation/relays/i2", json={"mode": "time", "time": {"windows": [window], "inside": inside}})
    assert r.status_code == 200, r.text
    time.sleep(1)
    assert not bodies(sim, "i2")

    # A manual command, sent but not yet applied by the unit, then a power cut.
    desired = 1 - sim.state.relays["i8"]
    r = svc.post("/api/automation/relays/i8/command", json={"state": desired})
    assert r.status_code == 202
    wait_for(lambda: bodies(sim, "i8"), 5, 0.005, "the i8 command to reach the cloud")
    svc.kill9()
    assert sim.state.relays["i8"] != desired                 # still PENDING when it died
    sim.state.set_relays(i2=1 - inside)                      # switched by hand while the console is down

    restarted_at = time.time()
    svc2 = services(env, name="second").start()
    i8 = wait_for(lambda: (c := svc2.get("/api/automation/relays/i8").json())["command"]["state"] != "pending" and c,
                  15, 0.1, "the pending i8 command resolved")
    assert i8["command"]["state"] == "confirmed" and i8["command"]["reason"] == "a newer frame shows it", i8
    assert i8["actual"] == desired == sim.state.relays["i8"]
    assert {b["i8"] for b in bodies(sim, "i8")} == {desired}   # sent again at most, never the other way
    entries = svc2.get("/api/automation/audit?limit=50").json()["entries"]
    i8_entries = [e for e in entries if e["what"].startswith(f"{i8['name']}: ")]   # by its own name
    assert len(i8_entries) == 1 and i8_entries[0]["result"] == "confirmed" and i8_entries[0]["latency_s"] > 0

    # The time rule catches up: i2 goes back to the rule's state and is confirmed.
    i2 = wait_for(lambda: (c := svc2.get("/api/automation/relays/i2").json())["command"]
                  and c["command"]["state"] == "confirmed" and c, 15, 0.1, "i2 put back by its time rule")
    assert i2["actual"] == inside == sim.state.relays["i2"]
    assert bodies(sim, "i2", since=restarted_at) == [{"imei": IMEI, "meter": "2", "i2": inside}]
    rule = next(e for e in svc2.get("/api/automation/audit?limit=50").json()["entries"] if e["who"] == "rule")
    assert "time rule: inside" in rule["why"]

    # The display pusher is back, with the unit-local time of now.
    pushes = wait_for(lambda: bodies(sim, "i11", since=restarted_at), 10, 0.1, "display pushes after the restart")
    local = datetime.now(IST)
    assert pushes[-1]["i16"] == local.day and pushes[-1]["i17"] == local.month and pushes[-1]["i18"] == local.year % 100
    shown = svc2.get("/api/automation/display").json()
    assert shown["enabled"] is True and shown["last"]["at"] >= restarted_at
    health = svc2.get("/api/automation/health", headers={}).json()
    assert health["status"] == "ok" and health["commands"]["pending"] == 0, health
    svc2.kill9()
