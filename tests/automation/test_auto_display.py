"""Display pusher: AQI from the breakpoint table, the exact i11..i18 payload and text, the EPA
option, stale-data skips, pausing, coalescing and the drift-free schedule."""
from __future__ import annotations

import random
import threading
import time

import pytest

from automation_svc.aqi import pm_aqi
from automation_svc.clock import SystemClock
from automation_svc.commands import DISPLAY, MANUAL, CommandQueue
from automation_svc.display import Deadline
from automation_svc.engine import RULE_PERIOD_S
from automation_svc.models import DisplayUpdate

from tests.eventually import eventually

from .conftest import BRIEF_FRAME, frame


@pytest.mark.parametrize("pm, standard, expected", [
    # CPCB: band (C_lo, C_hi, I_lo, I_hi); I = (I_hi - I_lo)/(C_hi - C_lo)*(C - C_lo) + I_lo
    (0, "cpcb", 0),
    (30, "cpcb", 50),                 # top of Good
    (31, "cpcb", 51),                 # bottom of Satisfactory
    (45, "cpcb", 75),                 # 49/29*14 + 51 = 74.66
    (90, "cpcb", 200),                # top of Moderately polluted
    (100, "cpcb", 232),               # (300-201)/(120-91)*(100-91) + 201 = 231.72
    (500, "cpcb", 500),               # beyond the table: capped
    # EPA 2024: 12.0 -> (100-51)/(35.4-9.1)*(12.0-9.1)+51 = 56.40
    (12.0, "epa", 56),
    (9.05, "epa", 50),                # truncated to 9.0: top of Good
    (55.4, "epa", 150),
    (400, "epa", 500),
])
def test_aqi_breakpoints(pm, standard, expected):
    assert pm_aqi(pm, standard) == expected


def test_brief_sample_frame_gives_the_exact_payload_and_text(engine, sender):
    # The clock stands at the sample's own date, 2025-12-06 17:48:08 IST.
    # AQI (CPCB): d9 = 43 ug/m3 is in the Satisfactory band 31-60 -> 51-100:
    #   (100 - 51) / (60 - 31) * (43 - 31) + 51 = 49/29 * 12 + 51 = 71.28 -> 71
    # temp d10 = 26, humidity d11 = 95, 17:48 on 06/12/25.
    engine.on_frame(dict(BRIEF_FRAME))
    engine.tick()
    engine.queue.drain()
    assert sender.display_calls() == [
        {"i11": 71, "i12": 26, "i13": 95, "i14": 17, "i15": 48, "i16": 6, "i17": 12, "i18": 25}]
    last = engine.display.view()["last"]
    assert last["text"] == "AQI: 71  TEMP: 26  HUMIDITY:95%  17:48  06/12/25"
    assert last["values"]["i11"] == 71 and last["skipped_reason"] is None


def test_epa_option(engine, sender, clock):
    # EPA 2024: 43.0 is in 35.5-55.4 -> 101-150: 49/19.9 * (43.0 - 35.5) + 101 = 119.47 -> 119
    engine.display.update(DisplayUpdate(standard="epa"))
    engine.on_frame(dict(BRIEF_FRAME))
    engine.tick()
    engine.queue.drain()
    assert sender.display_calls()[-1]["i11"] == 119
    assert engine.display.view()["standard"] == "epa"
    assert engine.display.view()["last"]["text"].startswith("AQI: 119  TEMP: 26")


def test_stale_data_is_skipped_with_a_reason(engine, sender, clock):
    engine.tick()
    assert engine.display.view()["last"]["skipped_reason"] == "no data from the unit yet"
    engine.on_frame(frame(clock))
    clock.advance(121)                                       # max_age_s is 120
    engine.tick()
    engine.queue.drain()
    assert sender.display_calls() == []
    reason = engine.display.view()["last"]["skipped_reason"]
    assert "121 s old" in reason and "120" in reason
    # Fresh data again: the next period pushes and clears the reason.
    engine.on_frame(frame(clock))
    clock.advance(10)
    engine.tick()
    engine.queue.drain()
    assert len(sender.display_calls()) == 1
    assert engine.display.view()["last"]["skipped_reason"] is None


def test_missing_outlet_value_is_skipped(engine, sender, clock):
    f = frame(clock)
    del f["d11"]
    engine.on_frame(f)
    engine.tick()
    engine.queue.drain()
    assert sender.display_calls() == []
    assert engine.display.view()["last"]["skipped_reason"] == "latest frame has no Outlet Humidity value"


def test_pause_and_resume(engine, sender, clock):
    engine.on_frame(frame(clock))
    engine.display.update(DisplayUpdate(enabled=False))
    for _ in range(3):
        clock.advance(10)
        engine.on_frame(frame(clock))
        engine.tick()
    engine.queue.drain()
    assert sender.display_calls() == []
    assert engine.display.view()["enabled"] is False
    engine.display.update(DisplayUpdate(enabled=True))
    engine.tick()
    engine.queue.drain()
    assert len(sender.display_calls()) == 1


def test_pushes_follow_the_interval_and_coalesce(engine, sender, clock):
    engine.on_frame(frame(clock))
    engine.tick()
    engine.queue.drain()
    for _ in range(9):                 # 9 s later: not due yet
        clock.advance(1)
        engine.tick()
    engine.queue.drain()
    assert len(sender.display_calls()) == 1
    # The worker is busy elsewhere for three periods: only the newest push is still queued.
    for _ in range(3):                 # ticks at 17:48:37, 17:48:57, 17:49:17
        clock.advance(20)
        engine.on_frame(frame(clock))
        engine.tick()
    assert engine.queue.depth() == 1
    engine.queue.drain()
    calls = sender.display_calls()
    assert len(calls) == 2
    assert (calls[-1]["i14"], calls[-1]["i15"]) == (17, 49)   # the newest one


def test_deadline_is_drift_free():
    d = Deadline(10.0, start=100.0)
    fired = []
    # Ticks arrive late by varying amounts; deadlines stay on the 10 s grid.
    for now in [100.0, 110.3, 120.9, 130.05, 171.0, 180.2]:
        if d.due(now):
            fired.append(d.next)
            d.advance(now)
    assert fired == [100.0, 110.0, 120.0, 130.0, 140.0, 180.0]
    assert d.next == 190.0              # 150..170 were missed and skipped, not bunched


def test_display_push_waits_for_at_most_one_call():
    """A manual command queued behind display pushes waits for the one call in flight only."""
    q = CommandQueue().start()
    order: list[str] = []
    release = threading.Event()
    started = threading.Event()

    def slow_display():
        started.set()
        release.wait(2)
        order.append("display-1")

    try:
        q.submit(slow_display, DISPLAY, key="display")
        assert started.wait(2)
        q.submit(lambda: order.append("display-2"), DISPLAY, key="display")
        q.submit(lambda: order.append("display-3"), DISPLAY, key="display")   # replaces display-2
        q.submit(lambda: order.append("manual"), MANUAL)
        release.set()
        eventually(lambda: len(order) >= 3, what="the three calls")
    finally:
        q.stop()
    assert order == ["display-1", "manual", "display-3"]


def test_failed_push_is_logged_and_the_loop_goes_on(engine, sender, clock):
    engine.on_frame(frame(clock))
    sender.fail_next = 2
    for _ in range(2):
        engine.tick()
        engine.queue.drain()
        clock.advance(10)
        engine.on_frame(frame(clock))
    view = engine.display.view()
    assert "503" in view["last"]["error"] and view["last"]["text"] is None
    assert (view["last"]["failures"], view["last"]["failures_in_row"]) == (2, 2)
    engine.tick()
    engine.queue.drain()
    view = engine.display.view()
    assert view["last"]["error"] is None and view["last"]["text"].startswith("AQI: ")
    assert (view["last"]["failures"], view["last"]["failures_in_row"]) == (2, 0)   # the run is over
    whats = [e["result"] for e in engine.audit.newest(10) if e["who"] == "display"]
    assert any(r.startswith("failed") for r in whats) and "sent" in whats


def test_schedule_does_not_drift_when_the_loop_wakes_late(engine, sender, clock):
    """The service loop sleeps until tick()'s next time (at most RULE_PERIOD_S) and each wake-up
    comes late by a random amount: the k-th push still lands at first + k * interval, late by at
    most one wake-up's lateness, never by a sum of them, and no period is skipped."""
    rng = random.Random(7)
    interval, max_late, periods = engine.display.interval_s, 0.5, 50
    pushed_at: list[float] = []
    engine.on_frame(frame(clock))
    start = clock.mono()
    while clock.mono() < start + periods * interval:
        next_at = engine.tick()
        engine.queue.drain()
        pushed_at += [clock.mono()] * (len(sender.display_calls()) - len(pushed_at))
        engine.on_frame(frame(clock))                       # fresh data all along
        clock.advance(min(max(0.0, next_at - clock.mono()), RULE_PERIOD_S) + rng.uniform(0, max_late))
    assert len(pushed_at) == periods
    lateness = [t - (start + k * interval) for k, t in enumerate(pushed_at)]
    assert all(0 <= d <= max_late for d in lateness), lateness


def test_real_loop_pushes_the_display_smoke(make_settings):
    """The one wall-clock check: with real threads and a 0.2 s interval, the service's own loop
    keeps pushing (timing properties are the fake-clock test above)."""
    from automation_svc.service import AutomationService

    times: list[float] = []
    settings = make_settings(display_interval_s=0.2)
    svc = AutomationService(settings, clock=SystemClock(), sender=lambda v: times.append(time.monotonic()),
                            with_stream=False)
    svc.engine.on_frame(dict(BRIEF_FRAME))
    svc.start()
    try:
        eventually(lambda: len(times) >= 5, what="five display pushes")
    finally:
        svc.stop()
