"""Manual commands: pending -> confirmed by a frame that arrives later, failed after the timeout, clock skew,
re-sends after a failed POST, and 409s. Fake clock, recording sender."""
from __future__ import annotations

import pytest

from automation_svc.relays import Conflict
from automation_svc.models import CommandRequest, DisplayUpdate, RelayUpdate, SensorRule

from .conftest import frame


def on(state=1):
    return CommandRequest(state=state)


def warm_up(engine, clock, skew_s=0.0, n=3, **values):
    """A few frames so the engine has seen the unit's clock."""
    for _ in range(n):
        clock.advance(10)
        engine.on_frame(frame(clock, skew_s, **values))


def test_manual_command_pending_then_confirmed(engine, clock, sender):
    warm_up(engine, clock)
    view = engine.relays.command("i1", on())
    assert view["command"]["state"] == "pending" and view["command"]["desired"] == 1
    engine.queue.drain()
    assert sender.relay_calls() == [{"i1": 1}]
    clock.advance(3)
    engine.on_frame(frame(clock, i1=0))                  # newer, but not there yet
    assert engine.relays.view("i1")["command"]["state"] == "pending"
    clock.advance(4)
    engine.on_frame(frame(clock, i1=1))
    cmd = engine.relays.view("i1")["command"]
    assert cmd["state"] == "confirmed" and cmd["latency_s"] == pytest.approx(7.0)
    assert engine.relays.view("i1")["actual"] == 1
    entry = engine.audit.newest(1)[0]
    assert (entry["who"], entry["result"], entry["latency_s"]) == ("admin", "confirmed", 7.0)
    assert entry["what"] == "Relay 1: switch ON"             # the relay's own name, not its code


@pytest.mark.parametrize("skew_s", [-45.0, 45.0])
def test_unit_clock_skew_is_tolerated(engine, clock, sender, skew_s):
    """The unit's clock runs 45 s behind/ahead of ours: a newer frame without the change keeps
    the command pending, the next one with it confirms (arrival time only; more in
    test_auto_unit_clock)."""
    warm_up(engine, clock, skew_s)
    engine.relays.command("i3", on())
    engine.queue.drain()
    clock.advance(0.5)
    engine.on_frame(frame(clock, skew_s, i3=0))
    assert engine.relays.view("i3")["command"]["state"] == "pending"
    clock.advance(9)
    engine.on_frame(frame(clock, skew_s, i3=1))
    assert engine.relays.view("i3")["command"]["state"] == "confirmed"


def test_ignored_command_fails_after_the_timeout(engine, clock, sender):
    warm_up(engine, clock)
    engine.relays.command("i1", on())
    engine.queue.drain()
    for _ in range(5):                                    # 50 s of frames that never show it
        clock.advance(10)
        engine.on_frame(frame(clock, i1=0))
        engine.tick()
    assert engine.relays.view("i1")["command"]["state"] == "pending"
    clock.advance(10)                                     # 60 s
    engine.tick()
    cmd = engine.relays.view("i1")["command"]
    assert cmd["state"] == "failed" and "60 s" in cmd["reason"]
    assert engine.audit.newest(5)[0]["result"].startswith("failed")
    # Unlocked: the admin can retry.
    engine.relays.command("i1", on())
    assert engine.relays.view("i1")["command"]["state"] == "pending"


def test_failed_post_is_retried_until_confirmed(engine, clock, sender):
    engine.display.update(DisplayUpdate(enabled=False))   # only relay calls in this test
    warm_up(engine, clock)
    sender.fail_next = 2
    engine.relays.command("i6", on(0))
    engine.queue.drain()
    assert "send failed" in engine.relays.view("i6")["command"]["reason"]
    clock.advance(1)
    engine.tick()
    engine.queue.drain()
    assert len(sender.relay_calls()) == 1                 # backoff: 2 s after the first attempt
    clock.advance(1)
    engine.tick()
    engine.queue.drain()
    clock.advance(4)
    engine.tick()
    engine.queue.drain()
    assert sender.relay_calls() == [{"i6": 0}] * 3
    clock.advance(2)
    engine.on_frame(frame(clock, i6=0))
    assert engine.relays.view("i6")["command"]["state"] == "confirmed"


def test_sender_crash_never_breaks_the_queue(engine, clock):
    def explode(values):
        raise RuntimeError("boom")
    engine.relays.send = explode
    engine.display.send = explode
    warm_up(engine, clock)
    engine.relays.command("i7", on())
    engine.tick()
    assert engine.queue.drain() >= 2
    assert "boom" in engine.relays.view("i7")["command"]["reason"]
    assert engine.display.view()["last"]["error"] == "boom"


def test_conflicts(engine, clock):
    engine.relays.command("i1", on())
    with pytest.raises(Conflict, match="pending"):
        engine.relays.command("i1", on(0))
    engine.relays.update("i2", RelayUpdate(mode="sensor", sensor=SensorRule(channel="d8", low=400, high=900, above=1)))
    with pytest.raises(Conflict, match="sensor mode"):
        engine.relays.command("i2", on())
