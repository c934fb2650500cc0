"""After a restart, a new engine on the saved state file puts time-ruled relays right."""
from __future__ import annotations

from automation_svc.models import CommandRequest, RelayUpdate, TimeRule, TimeWindow

from .conftest import frame, ist

EVENING = TimeRule(windows=[TimeWindow(start="17:00", end="18:30", days=[5])], inside=1)  # Saturday


def test_restart_inside_a_window_sends_the_command(make_engine, settings, clock, sender):
    clock.set_wall(ist(2025, 12, 6, 16, 0))                # Saturday 16:00, before the window
    first = make_engine(settings)
    first.relays.update("i2", RelayUpdate(name="Fan", mode="time", time=EVENING))
    first.on_frame(frame(clock, i2=0))
    first.tick()
    first.queue.drain()
    assert sender.relay_calls() == []                      # outside and OFF: nothing to do
    del first                                              # the service stops

    clock.set_wall(ist(2025, 12, 6, 17, 48))               # back up inside the window
    second = make_engine(settings)
    assert second.relays.view("i2")["mode"] == "time" and second.relays.view("i2")["name"] == "Fan"
    second.tick()
    second.queue.drain()
    assert sender.relay_calls() == [{"i2": 1}]
    rule_entry = next(e for e in second.audit.newest(10) if e["who"] == "rule")
    assert "inside 17:00-18:30" in rule_entry["why"] and "not yet known" in rule_entry["why"]
    clock.advance(10)
    second.on_frame(frame(clock, i2=1))
    assert second.relays.view("i2")["command"]["state"] == "confirmed"


def test_restart_with_a_relay_already_right_sends_nothing(make_engine, settings, clock, sender):
    clock.set_wall(ist(2025, 12, 6, 17, 10))
    first = make_engine(settings)
    first.relays.update("i2", RelayUpdate(mode="time", time=EVENING))
    first.on_frame(frame(clock, i2=0))
    first.tick()
    first.queue.drain()
    clock.advance(10)
    first.on_frame(frame(clock, i2=1))
    assert first.relays.view("i2")["command"]["state"] == "confirmed"
    del first

    clock.advance(600)
    second = make_engine(settings)
    second.tick()
    second.queue.drain()
    assert sender.relay_calls() == [{"i2": 1}]             # only the first engine's command


def test_pending_command_survives_a_restart(make_engine, settings, clock, sender):
    first = make_engine(settings)
    first.relays.command("i8", CommandRequest(state=1))
    del first                                              # stopped before the worker sent it

    clock.advance(2)
    second = make_engine(settings)
    assert second.relays.view("i8")["command"]["state"] == "pending"
    second.tick()
    second.queue.drain()
    assert sender.relay_calls() == [{"i8": 1}]
    clock.advance(5)
    second.on_frame(frame(clock, i8=1))
    assert second.relays.view("i8")["command"]["state"] == "confirmed"
