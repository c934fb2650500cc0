"""Switching a relay from a rule to manual cancels the rule's pending command: the admin's tap
is accepted at once (no 409 for up to the 60 s timeout), the cancel is audited, and the old
rule's command is never sent or re-sent afterwards."""
from __future__ import annotations

from automation_svc.models import CommandRequest, DisplayUpdate, RelayUpdate, SensorRule, TimeRule, TimeWindow

from .conftest import frame

DUST_ON_ABOVE_70 = SensorRule(channel="d9", low=30, high=70, above=1)


def rule_command_pending(engine, clock, sender, rid="i4", drain=True):
    """A sensor rule that wants ON (dust 90) with the relay OFF: one pending rule command."""
    engine.display.update(DisplayUpdate(enabled=False))      # relay calls only
    engine.relays.update(rid, RelayUpdate(mode="sensor", sensor=DUST_ON_ABOVE_70))
    clock.advance(10)
    engine.on_frame(frame(clock, d9=90))
    engine.tick()
    if drain:
        engine.queue.drain()
    cmd = engine.relays.view(rid)["command"]
    assert cmd["state"] == "pending" and cmd["who"] == "rule" and cmd["desired"] == 1


def test_switch_to_manual_cancels_and_frees_the_relay(engine, clock, sender):
    rule_command_pending(engine, clock, sender)
    view = engine.relays.update("i4", RelayUpdate(mode="manual"))
    assert view["command"]["state"] == "failed"
    assert view["command"]["reason"] == "cancelled: switched to manual"
    # The admin's tap is taken right away, not refused while the old command waits out 60 s.
    tap = engine.relays.command("i4", CommandRequest(state=0))
    assert tap["command"]["state"] == "pending" and tap["command"]["who"] == "admin"
    audit = engine.audit.newest(10)
    rule_entry = next(e for e in audit if e["who"] == "rule")
    assert rule_entry["result"] == "cancelled: switched to manual"
    assert engine.relays.finished[("rule", "cancelled")] == 1 and engine.relays.finished[("rule", "failed")] == 0


def test_a_queued_rule_command_is_never_sent_after_the_switch(engine, clock, sender):
    rule_command_pending(engine, clock, sender, drain=False)   # queued, the POST not yet made
    engine.relays.update("i4", RelayUpdate(mode="manual"))
    engine.queue.drain()
    assert sender.relay_calls() == []


def test_a_late_resend_is_not_dispatched(engine, clock, sender):
    sender.fail_next = 1                                      # first POST fails -> re-send later
    rule_command_pending(engine, clock, sender)
    assert sender.relay_calls() == [{"i4": 1}]
    engine.relays.update("i4", RelayUpdate(mode="manual"))
    for _ in range(8):                                        # well past every re-send time and the timeout
        clock.advance(10)
        engine.on_frame(frame(clock, d9=90))
        engine.tick()
        engine.queue.drain()
    assert sender.relay_calls() == [{"i4": 1}]
    cmd = engine.relays.view("i4")["command"]
    assert cmd["state"] == "failed" and cmd["reason"] == "cancelled: switched to manual"


def test_a_late_frame_does_not_confirm_a_cancelled_command(engine, clock, sender):
    rule_command_pending(engine, clock, sender)
    engine.relays.update("i4", RelayUpdate(mode="manual"))
    clock.advance(5)
    engine.on_frame(frame(clock, d9=90, i4=1))                # the POST that was already out lands
    assert engine.relays.view("i4")["command"]["state"] == "failed"
    assert engine.relays.view("i4")["actual"] == 1             # shown as data, nothing more


def test_switch_from_sensor_to_time_cancels_too(engine, clock, sender):
    rule_command_pending(engine, clock, sender)
    night = TimeRule(windows=[TimeWindow(start="22:00", end="06:00")], inside=1)
    view = engine.relays.update("i4", RelayUpdate(mode="time", time=night))
    assert view["command"]["reason"] == "cancelled: switched to time"


def test_a_rule_edit_without_a_mode_change_keeps_the_command(engine, clock, sender):
    rule_command_pending(engine, clock, sender)
    view = engine.relays.update("i4", RelayUpdate(name="Blower"))
    assert view["command"]["state"] == "pending"


def test_admin_command_is_not_cancelled_by_a_mode_change(engine, clock, sender):
    engine.relays.command("i5", CommandRequest(state=1))
    view = engine.relays.update("i5", RelayUpdate(mode="sensor", sensor=DUST_ON_ABOVE_70))
    assert view["command"]["state"] == "pending" and view["command"]["who"] == "admin"


def test_over_http_the_tap_after_the_switch_is_202(client, auth, service, clock):
    engine = service.engine
    engine.display.update(DisplayUpdate(enabled=False))
    r = client.put("/api/automation/relays/i4", headers=auth,
                   json={"mode": "sensor", "sensor": DUST_ON_ABOVE_70.model_dump()})
    assert r.status_code == 200, r.get_json()
    clock.advance(10)
    engine.on_frame(frame(clock, d9=90))
    engine.tick()
    assert engine.relays.view("i4")["command"]["state"] == "pending"
    r = client.put("/api/automation/relays/i4", headers=auth, json={"mode": "manual"})
    assert r.status_code == 200 and r.get_json()["command"]["reason"] == "cancelled: switched to manual"
    r = client.post("/api/automation/relays/i4/command", headers=auth, json={"state": 0})
    assert r.status_code == 202, r.get_json()
    audit = client.get("/api/automation/audit?limit=10", headers=auth).get_json()
    results = [e["result"] for e in audit["entries"]]
    assert "cancelled: switched to manual" in results
