"""SPEC 11: the gateway judges freshness by when a frame arrived, never by the unit's clock.
A unit clock 10 min fast must not keep a silent unit "online"; one 2 min slow must not read
"offline" while frames stream. The unit's `ts` is still shown, as data."""
from __future__ import annotations

import time

import pytest

from .conftest import cloud_frame

STALE_S = 60      # the conftest's frame_stale_s


class Clock:
    """The hub's arrival clock, moved by the test (monotonic-like seconds)."""

    def __init__(self) -> None:
        self.now = time.time()   # near the unit's epoch, as a clock read by ts would be

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def arrival(gw) -> Clock:
    clock = Clock()
    gw.hub.clock = clock
    gw.hub.on_status(True, "subscribed")
    return clock


def live(client, auth) -> dict:
    return client.get("/api/live", headers=auth).get_json()


def test_a_unit_clock_10_min_fast_goes_stale_when_frames_stop(client, auth, gw, arrival):
    stamped = int(arrival.now + 600)
    gw.hub.on_frame(dict(cloud_frame(stamped), offline=0))
    body = live(client, auth)
    assert (body["online"], body["stale"], body["age_s"], body["ts"]) == (True, False, 0.0, stamped)
    arrival.now += 500                      # no frame for 500 s (the unit's ts still "in the future")
    body = live(client, auth)
    assert (body["online"], body["stale"], body["age_s"], body["ts"]) == (False, True, 500.0, stamped)
    health = client.get("/api/health").get_json()
    assert health["status"] == "degraded" and health["upstream"]["last_frame_age_s"] == 500.0


def test_a_unit_clock_2_min_slow_stays_online_while_frames_stream(client, auth, gw, arrival):
    for _ in range(6):
        gw.hub.on_frame(dict(cloud_frame(int(arrival.now - 120)), offline=0))
        arrival.now += 9
        body = live(client, auth)
        assert (body["online"], body["stale"], body["age_s"]) == (True, False, 9.0)
        assert body["ts"] == int(arrival.now - 9 - 120)
        assert client.get("/api/health").get_json()["upstream"]["last_frame_age_s"] == 9.0
    arrival.now += STALE_S                   # then they stop: stale after frame_stale_s
    assert live(client, auth)["stale"] is True


def test_a_clock_step_in_the_unit_changes_nothing(client, auth, gw, arrival):
    gw.hub.on_frame(dict(cloud_frame(int(arrival.now)), offline=0))
    arrival.now += 10
    gw.hub.on_frame(dict(cloud_frame(int(arrival.now - 3600)), offline=0))   # the unit steps back 1 h
    arrival.now += 5
    body = live(client, auth)
    assert (body["online"], body["stale"], body["age_s"]) == (True, False, 5.0)
