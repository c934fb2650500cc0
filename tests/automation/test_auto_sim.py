"""The service running alone against the simulator: its own socket and command client, real
threads and clock, the whole HTTP path."""
from __future__ import annotations

import pytest

from automation_svc.app import create_app
from devicecloud.sim.server import SimServer
from tests.eventually import eventually

from .conftest import PASSWORD


@pytest.fixture
def sim():
    with SimServer(period=0.1, command_delay=0.2, device_id="BTTE1250001", port=0) as s:
        yield s


@pytest.fixture
def running(sim, make_settings):
    """Start the real service (socket, queue worker, engine loop) against the simulator."""
    apps = []

    def start(**overrides):
        settings = make_settings(cloud_rest_url=sim.rest_url, cloud_ws_url=sim.ws_url, **overrides)
        app = create_app(settings)
        apps.append(app)
        client = app.test_client()
        r = client.post("/api/automation/auth/login",
                        json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": PASSWORD})
        return client, {"Authorization": f"Bearer {r.get_json()['access_token']}"}

    yield start
    for app in apps:
        app.extensions["automation"].stop()


def relay(client, auth, rid):
    return client.get(f"/api/automation/relays/{rid}", headers=auth).get_json()


def test_manual_command_is_confirmed_by_the_simulator(sim, running):
    client, auth = running()
    eventually(lambda: relay(client, auth, "i8")["actual"] is not None)
    start = sim.state.relays["i8"]
    r = client.post("/api/automation/relays/i8/command", json={"state": 1 - start}, headers=auth)
    assert r.status_code == 202 and r.get_json()["relay"]["command"]["state"] == "pending"
    done = eventually(lambda: (c := relay(client, auth, "i8"))["command"]["state"] != "pending" and c)
    assert done["command"]["state"] == "confirmed"
    assert done["actual"] == 1 - start == sim.state.relays["i8"]
    body = next(c["body"] for c in reversed(sim.state.commands) if "i8" in c["body"])
    assert body == {"imei": "860710081332028", "meter": "2", "i8": 1 - start}
    health = client.get("/api/automation/health").get_json()
    assert health["upstream"]["socket_connected"] is True and health["status"] == "ok"


def test_ignored_command_fails_after_the_timeout(sim, running):
    client, auth = running(command_timeout_s=1.5)
    eventually(lambda: relay(client, auth, "i1")["actual"] is not None)
    sim.state.set_faults(ignore_commands=True)
    start = sim.state.relays["i1"]
    assert client.post("/api/automation/relays/i1/command", json={"state": 1 - start},
                       headers=auth).status_code == 202
    done = eventually(lambda: (c := relay(client, auth, "i1"))["command"]["state"] != "pending" and c)
    assert done["command"]["state"] == "failed" and "1.5 s" in done["command"]["reason"]
    assert sim.state.relays["i1"] == start == done["actual"]
    entry = client.get("/api/automation/audit?limit=20", headers=auth).get_json()["entries"]
    assert any(e["what"].startswith("Relay 1:") and e["result"].startswith("failed") for e in entry)


def test_display_reaches_the_unit(sim, running):
    client, auth = running(display_interval_s=0.3)
    last = eventually(lambda: client.get("/api/automation/display", headers=auth).get_json()["last"]["values"])
    shown = eventually(lambda: sim.state.display["i17"] and sim.state.display)   # month is never 0
    assert set(shown) == set(last) == {f"i{n}" for n in range(11, 19)}
    assert (shown["i17"], shown["i18"]) == (last["i17"], last["i18"])
    pushes = [c["body"] for c in sim.state.commands if "i11" in c["body"]]
    assert pushes and all(set(p) == {"imei", "meter", *last} for p in pushes)
