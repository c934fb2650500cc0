"""SPEC 12 in alerts: relay alerts say the relay's own name ("Fan 2: the command to switch ON
was not confirmed within 60 s"), channel alerts use labels and units, durations are in words,
and the audit log's rule summaries read the same way: no channel or relay code anywhere a
person reads."""
from __future__ import annotations

import re

from automation_svc.models import CommandRequest, RelayUpdate
from automation_svc.service import AutomationService

from .conftest import frame

CODE = re.compile(r"\b[di]\d{1,2}\b")


def make(settings, clock, sender) -> AutomationService:
    return AutomationService(settings, clock=clock, sender=sender, with_stream=False)


def feed(svc: AutomationService, clock, **values) -> None:
    svc.engine.on_frame(frame(clock, **values))
    svc.alerts.step()


def audit(svc: AutomationService) -> list[tuple[str, str]]:
    return [(e["what"], e["why"]) for e in reversed(svc.engine.audit.newest(500))]


def test_a_failed_command_alert_names_the_relay_by_its_own_name(settings, clock, sender):
    svc = make(settings, clock, sender)
    svc.engine.relays.update("i2", RelayUpdate(name="Fan 2"))
    rule = svc.alerts.create_rule({"kind": "relay_failed", "channel": "i2"})
    assert rule["name"] == "Fan 2: command failed" and rule["channel"] == "i2"     # the code stays in the API
    feed(svc, clock, i2=0)
    svc.engine.relays.command("i2", CommandRequest(state=1))
    svc.engine.queue.drain()
    clock.advance(61)
    svc.engine.tick()
    svc.alerts.step()
    alerts = svc.alerts.alerts_view()["active"]       # ours and the default "any relay" rule's
    assert {a["rule_id"] for a in alerts} == {rule["id"], "relay_failed"}
    assert {a["message"] for a in alerts} == {"Fan 2: the command to switch ON was not confirmed within 60 s"}
    svc.engine.relays.command("i2", CommandRequest(state=1))
    svc.engine.queue.drain()
    clock.advance(5)
    feed(svc, clock, i2=1)
    assert ("alert resolved: Fan 2: command failed", "Fan 2: a later command was confirmed") in audit(svc)
    for what, why in audit(svc):
        assert not CODE.search(what) and not CODE.search(why), (what, why)


def test_channel_alerts_and_rule_summaries_use_labels_units_and_durations(settings, clock, sender):
    svc = make(settings, clock, sender)
    rule = svc.alerts.create_rule({"kind": "threshold", "channel": "d9", "op": "above", "value": 60,
                                   "clear": 50, "for_s": 300, "notify": ["email"], "repeat_s": 3600})
    assert rule["name"] == "Outlet Dust PM above 60 µg/m³"
    feed(svc, clock, d9=75)
    clock.advance(300)
    feed(svc, clock, d9=75.4)
    [alert] = svc.alerts.alerts_view()["active"]
    assert alert["message"] == "Outlet Dust PM is 75 µg/m³ (above 60 µg/m³ for 5 minutes)"
    svc.alerts.create_rule({"kind": "impact", "channel": "d11", "notify": []})
    svc.alerts.create_rule({"kind": "relay_failed", "notify": []})
    svc.alerts.delete_rule(rule["id"])
    entries = audit(svc)
    assert ("alert rule created: Outlet Dust PM above 60 µg/m³",
            "Outlet Dust PM above 60 µg/m³ (clear at 50 µg/m³); for 5 minutes; warning; notify email; "
            "repeat every 1 hour") in entries
    assert ("alert rule created: Humidity: outlet worse than inlet",
            "Outlet Humidity worse than Inlet Humidity; warning; notify nobody") in entries
    assert ("alert rule created: Relay command failed",
            "a command to any relay fails; warning; notify nobody") in entries
    assert ("alert resolved: Outlet Dust PM above 60 µg/m³", "rule deleted") in entries
    for what, why in entries:
        assert not CODE.search(what) and not CODE.search(why), (what, why)
