"""SPEC 12: GET /api/live and the browser socket's status messages say `state` live / late /
offline and `last_frame_at`, judged on the console's own clock (a fake one here: time is moved,
never slept). Online/stale stay two views of the same state."""
from __future__ import annotations

import json
import threading

import pytest
import responses

from devicecloud.settings import SettingsError
from gateway_svc.app import create_app
from gateway_svc.gateway import EXTENSION
from gateway_svc.live import Subscriber

from ..eventually import eventually
from .conftest import cloud_frame, graph_body, graph_url, make_settings

WALL0 = 1_796_000_000.0        # the console's wall clock at the test's start (epoch s)


class Clocks:
    """The hub's two clocks, moved together: monotonic for ages, wall for last_frame_at."""

    def __init__(self) -> None:
        self.mono, self.wall = 5000.0, WALL0

    def advance(self, s: float) -> None:
        self.mono += s
        self.wall += s


@pytest.fixture
def clocks(gw) -> Clocks:
    c = Clocks()
    gw.hub.clock, gw.hub.wall = (lambda: c.mono), (lambda: c.wall)
    gw.hub.started_at = c.mono
    gw.hub.on_status(True, "subscribed")
    return c


def live(client, auth) -> dict:
    body = client.get("/api/live", headers=auth).get_json()
    # online and stale follow state, for clients that predate it: online = live; stale = the
    # values are older than live (so late is always stale, live never)
    assert body["online"] is (body["state"] == "live")
    assert body["stale"] is (body["age_s"] is None or body["age_s"] > body["late_after_s"])
    assert body["stale"] or body["state"] != "late"
    return body


def frame_now(clocks: Clocks, **extra) -> dict:
    return {**cloud_frame(int(clocks.wall)), "offline": 0, **extra}


def test_live_until_25_s_late_until_120_s_then_offline(client, auth, gw, clocks):
    gw.hub.on_frame(frame_now(clocks))
    arrived = clocks.wall
    seen = []
    for age in (0, 10, 25, 25.1, 60, 119.9, 120, 600):
        clocks.mono, clocks.wall = 5000.0 + age, arrived + age
        body = live(client, auth)
        assert body["last_frame_at"] == arrived        # the arrival, not now, not the unit's ts
        seen.append((age, body["state"]))
    assert seen == [(0, "live"), (10, "live"), (25, "live"), (25.1, "late"), (60, "late"),
                    (119.9, "late"), (120, "offline"), (600, "offline")]
    body = live(client, auth)
    assert (body["late_after_s"], body["offline_after_s"], body["stale_after_s"]) == (25, 120, 25)
    gw.hub.on_frame(frame_now(clocks))                   # a frame again: live at once
    body = live(client, auth)
    assert body["state"] == "live" and body["last_frame_at"] == clocks.wall and body["age_s"] == 0


def test_offline_when_the_unit_says_so_even_with_a_fresh_frame(client, auth, gw, clocks):
    gw.hub.on_frame(frame_now(clocks, offline=1))
    body = live(client, auth)
    assert (body["state"], body["age_s"], body["last_frame_at"]) == ("offline", 0.0, WALL0)
    assert body["online"] is False and body["stale"] is False       # current values, of a unit offline


def test_offline_while_the_cloud_socket_is_down(client, auth, gw, clocks):
    gw.hub.on_frame(frame_now(clocks))
    clocks.advance(5)
    gw.hub.on_status(False, "socket closed")
    body = live(client, auth)
    assert (body["state"], body["online"], body["stale"]) == ("offline", False, False)   # 5 s old values
    gw.hub.on_status(True, "subscribed")
    assert live(client, auth)["state"] == "live"         # the frame is 5 s old


def test_no_frame_since_start_is_late_then_offline_and_a_seeded_frame_has_no_arrival(client, auth, gw,
                                                                                      clocks, cloud):
    cloud.add(responses.GET, graph_url("hour"), json=graph_body("hour", [cloud_frame(int(WALL0) - 30)]))
    body = live(client, auth)                            # seeded from graph/hour: shown, not news
    assert body["frame"] is not None and body["last_frame_at"] is None and body["state"] == "late"
    clocks.advance(119)
    assert live(client, auth)["state"] == "late"
    clocks.advance(1)
    assert live(client, auth)["state"] == "offline"


def test_the_thresholds_come_from_the_settings(cloud):
    app = create_app(make_settings(late_after_s=40, offline_after_s=300), start_stream=False)
    gw = app.extensions[EXTENSION]
    c = Clocks()
    gw.hub.clock, gw.hub.wall = (lambda: c.mono), (lambda: c.wall)
    gw.hub.on_status(True, "subscribed")
    gw.hub.on_frame(frame_now(c))
    states = []
    for step in (40, 1, 258, 1):
        c.advance(step)
        states.append(gw.hub.state())
    assert states == ["live", "late", "late", "offline"]
    assert gw.hub.live()["late_after_s"] == 40 and gw.hub.live()["offline_after_s"] == 300


@pytest.mark.parametrize("env, named", [
    ({"late_after_s": "soon"}, "XO2_LATE_AFTER_S"),
    ({"late_after_s": 0}, "XO2_LATE_AFTER_S"),
    ({"late_after_s": 60, "offline_after_s": 60}, "XO2_OFFLINE_AFTER_S"),
    ({"offline_after_s": 10}, "XO2_OFFLINE_AFTER_S"),
])
def test_bad_thresholds_are_refused_naming_the_variable(env, named):
    with pytest.raises(SettingsError) as exc:
        make_settings(**env)
    assert named in str(exc.value)


def _statuses(sub: Subscriber) -> list[dict]:
    msgs = [json.loads(m) for m in sub.drain(0) if isinstance(m, str)]
    sub.sent()
    return [m["upstream"] for m in msgs if m["type"] == "status"]


def test_browsers_hear_each_change_of_state_as_it_happens(gw, clocks):
    sub = gw.hub.subscribe()
    [first] = _statuses(sub)
    assert set(first) == {"socket_connected", "last_frame_age_s", "state", "last_frame_at"}
    assert first["state"] == "late" and first["last_frame_at"] is None        # nothing yet
    gw.hub.on_frame(frame_now(clocks))
    assert gw.hub.check_state() and _statuses(sub) == [
        {"socket_connected": True, "last_frame_age_s": 0.0, "state": "live", "last_frame_at": WALL0}]
    clocks.advance(20)
    assert not gw.hub.check_state() and _statuses(sub) == []                 # still live: quiet
    clocks.advance(6)
    assert gw.hub.check_state()
    assert [(s["state"], s["last_frame_at"]) for s in _statuses(sub)] == [("late", WALL0)]
    clocks.advance(94)
    gw.hub.check_state()
    assert [(s["state"], s["last_frame_age_s"]) for s in _statuses(sub)] == [("offline", 120.0)]
    gw.hub.on_status(False, "socket closed")        # a socket change is told at once, as before
    assert [s["socket_connected"] for s in _statuses(sub)] == [False]
    assert not gw.hub.check_state()                 # offline already announced


def test_the_watcher_tells_browsers_without_being_asked(gw, clocks):
    sub = gw.hub.subscribe()
    _statuses(sub)
    gw.hub.on_frame(frame_now(clocks))
    stop = threading.Event()
    watcher = threading.Thread(target=gw.hub.watch, args=(stop, 0.01), daemon=True)
    watcher.start()
    try:
        seen: list[str] = []

        def heard(state: str) -> bool:
            seen.extend(s["state"] for s in _statuses(sub))
            return state in seen
        eventually(lambda: heard("live"), what="live announced")
        clocks.advance(121)
        eventually(lambda: heard("offline"), what="offline announced")
    finally:
        stop.set()
        watcher.join(5)
    assert not watcher.is_alive()


def test_a_browser_joining_does_not_keep_a_change_from_the_others(gw, clocks):
    first = gw.hub.subscribe()
    gw.hub.on_frame(frame_now(clocks))
    gw.hub.check_state()
    _statuses(first)
    clocks.advance(30)                               # late now; the watcher has not run yet
    second = gw.hub.subscribe()                      # primed with the current status: late
    assert [s["state"] for s in _statuses(second)] == ["late"]
    assert gw.hub.check_state()                      # the first browser still hears of it
    assert [s["state"] for s in _statuses(first)] == ["late"]
