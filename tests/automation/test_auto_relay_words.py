"""SPEC 12 in the audit log and the relays' answers: the relay's own name, channel labels and
units, never codes (d9, i3) in what a person reads."""
from __future__ import annotations

import re

from automation_svc.models import CommandRequest, RelayUpdate, SensorRule, TimeRule, TimeWindow
from automation_svc.relays import Conflict
from automation_svc.rules import sensor_wanted

from .conftest import frame

CODE = re.compile(r"\b[di]\d{1,2}\b")


def test_rule_changes_and_commands_are_audited_by_name_and_label(engine, clock):
    engine.relays.update("i2", RelayUpdate(name="Fan 2", mode="sensor",
                                           sensor=SensorRule(channel="d9", low=30, high=70, above=1)))
    engine.relays.update("i5", RelayUpdate(mode="time", time=TimeRule(
        windows=[TimeWindow(start="22:00", end="06:00"), TimeWindow(start="12:00", end="13:00", days=[5, 6])],
        inside=1)))
    engine.on_frame(frame(clock, d9=88, i2=0))
    engine.tick()
    whats = [(e["what"], e["why"]) for e in reversed(engine.audit.newest(10))]
    assert whats[0] == ("Relay 2: renamed Fan 2; mode sensor; sensor rule Outlet Dust PM above 70 µg/m³: ON; "
                        "below 30 µg/m³: OFF", "rule change")
    assert whats[1] == ("Relay 5: mode time; time rule 22:00-06:00 every day, 12:00-13:00 Sat, Sun: ON; "
                        "otherwise OFF", "rule change")
    assert ("Fan 2: switch ON", "sensor rule: Outlet Dust PM 88 µg/m³ is above 70 µg/m³") in whats
    for what, why in whats:
        assert not CODE.search(what) and not CODE.search(why), (what, why)


def test_a_refused_switch_names_the_relay(engine, clock):
    engine.relays.update("i2", RelayUpdate(name="Fan 2", mode="sensor",
                                           sensor=SensorRule(channel="d2", low=30, high=70, above=1)))
    try:
        engine.relays.command("i2", CommandRequest(state=1))
    except Conflict as exc:
        assert str(exc) == "Fan 2 is in sensor mode; switch it to manual first"
    else:
        raise AssertionError("a relay in sensor mode took a manual switch")


def test_a_rule_without_data_says_which_value_it_misses(engine, clock):
    engine.relays.update("i6", RelayUpdate(mode="sensor", sensor=SensorRule(channel="d11", low=40, high=70, above=0)))
    rule = engine.relays.records["i6"].sensor
    assert sensor_wanted(rule, None, 1) == (None, "no recent Outlet Humidity value")
    assert sensor_wanted(rule, 55, 1) == (1, "Outlet Humidity 55 % is between 40 % and 70 %: hold")
    assert sensor_wanted(rule, 30, 1) == (1, "Outlet Humidity 30 % is below 40 %")
