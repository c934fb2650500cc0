"""The unit's clock is data, never a timer (SPEC 11): a command is confirmed by a frame that
ARRIVES (our clock) after it was sent and shows the wanted state, whatever the frame's `ts`
says. Frames stamped 10 min ahead, 2 min behind, and a unit clock that steps mid-command."""
from __future__ import annotations

import pytest

from automation_svc.models import CommandRequest

from .conftest import frame

TEN_MIN, TWO_MIN = 600.0, 120.0


def warm_up(engine, clock, skew_s=0.0, n=3):
    for _ in range(n):
        clock.advance(10)
        engine.on_frame(frame(clock, skew_s))


def send(engine, rid="i1", state=1):
    engine.relays.command(rid, CommandRequest(state=state))
    engine.queue.drain()


def state_of(engine, rid="i1"):
    return engine.relays.view(rid)["command"]["state"]


@pytest.mark.parametrize("skew_s", [TEN_MIN, -TWO_MIN])
def test_unit_clock_minutes_off_confirms(engine, clock, skew_s):
    warm_up(engine, clock, skew_s)
    send(engine)
    clock.advance(5)
    engine.on_frame(frame(clock, skew_s, i1=1))
    assert state_of(engine) == "confirmed"
    assert engine.relays.view("i1")["command"]["latency_s"] == pytest.approx(5.0)


def test_one_frame_stamped_far_ahead_does_not_poison_later_confirmations(engine, clock):
    warm_up(engine, clock)
    clock.advance(10)
    engine.on_frame(frame(clock, TEN_MIN))          # one frame with a wild stamp
    warm_up(engine, clock, n=2)                     # then the unit's clock is right again
    send(engine)
    clock.advance(5)
    engine.on_frame(frame(clock, i1=1))
    assert state_of(engine) == "confirmed"


def test_unit_clock_steps_back_while_a_command_is_pending(engine, clock):
    warm_up(engine, clock)
    send(engine, "i2")
    clock.advance(5)
    engine.on_frame(frame(clock, i2=0))             # not applied yet
    clock.advance(5)
    engine.on_frame(frame(clock, -TWO_MIN, i2=1))   # NTP stepped the unit back 2 min
    assert state_of(engine, "i2") == "confirmed"


def test_unit_clock_steps_ahead_while_a_command_is_pending(engine, clock):
    warm_up(engine, clock, -TWO_MIN)
    send(engine, "i3", 0)
    clock.advance(5)
    engine.on_frame(frame(clock, TEN_MIN, i3=1))
    assert state_of(engine, "i3") == "pending"      # a stamp from "the future" confirms nothing
    clock.advance(5)
    engine.on_frame(frame(clock, TEN_MIN, i3=0))
    assert state_of(engine, "i3") == "confirmed"


def test_stamp_before_the_command_does_not_block_a_frame_that_arrives_after_it(engine, clock):
    """Only arrival counts: the old rule (`ts` + estimated offset > sent) let a unit clock 2 min
    slow with one fast frame in the window read every later frame as made before the command."""
    warm_up(engine, clock)
    sent_at = clock.wall()
    send(engine, "i4")
    clock.advance(4)
    engine.on_frame({**frame(clock, i4=1), "ts": int(sent_at - TWO_MIN)})
    assert state_of(engine, "i4") == "confirmed"


def test_a_frame_before_the_post_never_confirms(engine, clock):
    """Queued but not yet sent: a frame, whatever its stamp, cannot show the command's effect."""
    warm_up(engine, clock)
    engine.relays.command("i5", CommandRequest(state=1))        # queued, the POST not made yet
    clock.advance(2)
    engine.on_frame(frame(clock, TEN_MIN, i5=1))
    assert state_of(engine, "i5") == "pending"
    engine.queue.drain()                                  # now sent
    clock.advance(2)
    engine.on_frame(frame(clock, -TWO_MIN, i5=1))
    assert state_of(engine, "i5") == "confirmed"
    assert engine.relays.view("i5")["command"]["latency_s"] == pytest.approx(4.0)


def test_no_timestamp_at_all_still_confirms(engine, clock):
    warm_up(engine, clock)
    send(engine, "i6")
    clock.advance(3)
    f = frame(clock, i6=1)
    del f["ts"]
    engine.on_frame(f)
    assert state_of(engine, "i6") == "confirmed"
