"""Sensor hysteresis and time windows: the pure rules, then the engine acting on them
(send only on a real difference, minimum dwell, retry with backoff)."""
from __future__ import annotations

from datetime import datetime

import pytest

from automation_svc.models import RelayUpdate, SensorRule, TimeRule, TimeWindow
from automation_svc.rules import in_window, sensor_wanted, time_wanted

from .conftest import IST, frame, ist

DUST = SensorRule(channel="d9", low=30, high=70, above=1)


def test_sensor_hysteresis_over_a_series():
    # ON above 70, OFF below 30, hold in between (including exactly on a threshold).
    series = [50, 10, 50, 70, 80, 60, 30, 20, 50]
    state, states = None, []
    for v in series:
        want, _ = sensor_wanted(DUST, v, state)
        state = want
        states.append(state)
    assert states == [None, 0, 0, 0, 1, 1, 1, 0, 0]


def test_sensor_rule_without_data_wants_nothing():
    assert sensor_wanted(DUST, None, 1)[0] is None


def at(y, mo, d, h, mi):
    return datetime(y, mo, d, h, mi, tzinfo=IST)


# 2025-12-05 is a Friday (4), 2025-12-06 a Saturday (5).
FRIDAY_NIGHT = TimeWindow(start="22:00", end="06:00", days=[4])


@pytest.mark.parametrize("when, inside", [
    (at(2025, 12, 5, 22, 0), True),     # Friday evening: starts
    (at(2025, 12, 5, 23, 59), True),
    (at(2025, 12, 6, 0, 0), True),      # Saturday morning belongs to Friday's window
    (at(2025, 12, 6, 5, 59), True),
    (at(2025, 12, 6, 6, 0), False),     # end is exclusive
    (at(2025, 12, 6, 22, 30), False),   # Saturday evening: Saturday is not listed
    (at(2025, 12, 5, 5, 0), False),     # Friday morning belongs to Thursday's window
    (at(2025, 12, 4, 23, 0), False),    # Thursday evening
])
def test_window_across_midnight_with_weekdays(when, inside):
    assert in_window(FRIDAY_NIGHT, when) is inside


def test_daily_window_and_rule_state():
    rule = TimeRule(windows=[TimeWindow(start="08:00", end="09:30"), TimeWindow(start="22:00", end="00:00")],
                    inside=0)
    assert time_wanted(rule, at(2025, 12, 6, 8, 0))[0] == 0       # inside -> 0
    assert time_wanted(rule, at(2025, 12, 6, 9, 30))[0] == 1      # outside -> the opposite
    assert time_wanted(rule, at(2025, 12, 6, 23, 59))[0] == 0     # second window, to midnight
    assert time_wanted(rule, at(2025, 12, 7, 0, 0))[0] == 1


def set_sensor(engine, rid="i4", **rule):
    engine.relays.update(rid, RelayUpdate(mode="sensor", sensor=SensorRule(**{
        "channel": "d9", "low": 30, "high": 70, "above": 1, **rule})))


def step(engine, clock, seconds=10, **values):
    """10 s pass, a frame arrives, the engine ticks and the queue runs."""
    clock.advance(seconds)
    engine.on_frame(frame(clock, **values))
    engine.tick()
    engine.queue.drain()


def test_engine_follows_the_sensor_rule_over_scripted_frames(engine, clock, sender):
    set_sensor(engine)
    relay = 0
    sent = []
    for dust in [50, 80, 80, 60, 40, 20, 20, 50, 90]:
        before = len(sender.relay_calls())
        step(engine, clock, d9=dust, i4=relay)
        new = sender.relay_calls()[before:]
        sent.append(new[0]["i4"] if new else None)
        if new:
            relay = new[0]["i4"]           # the unit applies it; the next frame confirms it
    # Commands only when the wanted state differs from the actual one.
    assert sent == [None, 1, None, None, None, 0, None, None, 1]
    assert engine.relays.views()[3]["command"]["state"] == "pending"
    step(engine, clock, d9=90, i4=1)
    assert engine.relays.views()[3]["command"]["state"] == "confirmed"
    audit = engine.audit.newest(50)
    rule_entries = [e for e in audit if e["who"] == "rule"]
    assert len(rule_entries) == 3 and "Outlet Dust PM 90 µg/m³ is above 70 µg/m³" in rule_entries[0]["why"]


def test_minimum_dwell_prevents_flapping(make_settings, make_engine, clock, sender):
    engine = make_engine(make_settings(min_dwell_s=60))
    set_sensor(engine)
    step(engine, clock, d9=10, i4=1)        # first sight of i4: wants OFF, no previous change
    assert sender.relay_calls() == [{"i4": 0}]
    step(engine, clock, d9=10, i4=0)        # confirmed; the relay changed now
    assert engine.relays.views()[3]["command"]["state"] == "confirmed"
    for _ in range(5):                      # dust jumps high right away: held for 60 s
        step(engine, clock, d9=95, i4=0)
    assert sender.relay_calls() == [{"i4": 0}]
    step(engine, clock, d9=95, i4=0)        # 60 s after the change
    assert sender.relay_calls() == [{"i4": 0}, {"i4": 1}]


def test_unconfirmed_automated_change_is_retried_with_backoff(make_settings, make_engine, clock, sender):
    engine = make_engine(make_settings(command_timeout_s=30, retry_backoff_s=20, retry_backoff_max_s=40))
    set_sensor(engine)
    sends = []
    for _ in range(30):                     # 300 s of the unit ignoring every command
        before = len(sender.relay_calls())
        step(engine, clock, d9=90, i4=0)
        if len(sender.relay_calls()) > before:
            sends.append(clock.wall())
    gaps = [round(b - a) for a, b in zip(sends, sends[1:])]
    # timeout 30 s, then backoff 20 s, 40 s, 40 s (capped), on a 10 s tick grid
    assert gaps[:3] == [50, 70, 70], gaps
    failed = [e for e in engine.audit.newest(50) if e["result"].startswith("failed")]
    assert failed and "not confirmed within 30 s" in failed[0]["result"]
    assert engine.relays.records["i4"].failures >= 3


def test_time_rule_switches_at_window_edges(engine, clock, sender):
    clock.set_wall(ist(2025, 12, 5, 21, 59))            # Friday 21:59
    engine.relays.update("i5", RelayUpdate(mode="time", time=TimeRule(
        windows=[FRIDAY_NIGHT], inside=1)))
    step(engine, clock, 0, i5=0)
    assert sender.relay_calls() == []                    # outside and already OFF
    step(engine, clock, 60, i5=0)                        # 22:00: inside
    assert sender.relay_calls() == [{"i5": 1}]
    clock.set_wall(ist(2025, 12, 6, 6, 0))               # Saturday 06:00: the window ends
    step(engine, clock, 0, i5=1)
    assert sender.relay_calls() == [{"i5": 1}, {"i5": 0}]
    clock.set_wall(ist(2025, 12, 6, 22, 0))              # Saturday 22:00: not a listed day
    step(engine, clock, 0, i5=0)
    assert sender.relay_calls() == [{"i5": 1}, {"i5": 0}]
