"""Alert lifecycle against real local receivers (SMTP, signed webhook, Telegram fake) with a
FakeClock: holds, firing, repeat, acknowledge, resolve, the four kinds, and restarts."""
from __future__ import annotations

import json

import pytest

from automation_svc.models import CommandRequest, RelayUpdate
from automation_svc.service import AutomationService

from .alert_fixtures import deliver, notify_settings, smtp, telegram, webhook  # noqa: F401
from .conftest import frame

LOW_LEVEL = {"kind": "threshold", "channel": "d13", "op": "below", "value": 20, "clear": 25,
             "for_s": 60, "severity": "critical", "repeat_s": 300}


@pytest.fixture
def make_service(clock, sender):
    def make(settings) -> AutomationService:
        return AutomationService(settings, clock=clock, sender=sender, with_stream=False)
    return make


@pytest.fixture
def svc(make_service, notify_settings):
    return make_service(notify_settings())


def feed(svc: AutomationService, clock, **values) -> None:
    svc.engine.on_frame(frame(clock, **values))
    svc.alerts.step()


def active(svc: AutomationService) -> list[dict]:
    return svc.alerts.alerts_view()["active"]


def audit_whats(svc: AutomationService) -> list[str]:
    return [e["what"] for e in reversed(svc.engine.audit.newest(500))]


def test_alerts_judge_a_frame_by_the_engines_one_arrival_stamp(svc, clock):
    """One stamp per frame: the alerts see the very arrival the relays saw, even if they step
    later (their hold starts at the arrival, not at the step)."""
    svc.alerts.create_rule(LOW_LEVEL)
    arrived = clock.wall()
    svc.engine.on_frame(frame(clock, d13=15))
    clock.advance(5)
    svc.alerts.step()
    assert svc.alerts.evaluator.latest is svc.engine.latest
    assert svc.alerts.dump()["holds"] == {next(r["id"] for r in svc.alerts.rules_view()
                                               if r["kind"] == "threshold"): pytest.approx(arrived)}


def test_threshold_hold_fire_repeat_ack_resolve(svc, clock, smtp, webhook, telegram):
    svc.alerts.create_rule(LOW_LEVEL)
    feed(svc, clock, d13=30)
    feed(svc, clock, d13=15)                       # the hold starts at this arrival
    clock.advance(30)
    feed(svc, clock, d13=14)
    assert active(svc) == []
    clock.advance(30)
    feed(svc, clock, d13=13)                       # held for 60 s: fires
    [alert] = active(svc)
    assert alert["state"] == "firing" and alert["severity"] == "critical"
    assert alert["value"] == 13 and alert["since"] == pytest.approx(clock.wall(), abs=0.01)
    assert "Outlet Water Level is 13" in alert["message"]
    deliver(svc.alerts)
    [mail] = smtp.received()
    assert "FIRING" in mail.body and mail.to == ["ops@example.test", "duty@example.test"]
    assert "https://console.example.test/alerts" in mail.body and "IOCL_XTRA_O2_ADMIN" in mail.subject
    [post] = webhook.received()
    assert post.signature_ok and post.json()["event"] == "alert.firing"
    assert post.json()["deviceId"] == "IOCL_XTRA_O2_ADMIN" and post.json()["alert"]["id"] == alert["id"]
    assert len(telegram.texts()) == 1 and "FIRING" in telegram.texts()[0]
    notified = svc.alerts.alerts_view()["active"][0]["notified"]
    assert {(n["channel"], n["ok"]) for n in notified} == {("email", True), ("webhook", True), ("telegram", True)}

    clock.advance(299)
    feed(svc, clock, d13=13)
    deliver(svc.alerts)
    assert len(smtp.received()) == 1               # repeat_s not reached yet
    clock.advance(1)
    svc.alerts.step()
    deliver(svc.alerts)
    assert len(smtp.received()) == 2 and "still firing" in smtp.received()[1].subject
    assert [p.json()["event"] for p in webhook.received()] == ["alert.firing", "alert.firing"]

    acked = svc.alerts.ack(alert["id"])
    assert acked["state"] == "acknowledged" and acked["acked_by"] == "admin"
    deliver(svc.alerts)
    assert "ACKNOWLEDGED" in smtp.received()[2].body
    clock.advance(900)
    feed(svc, clock, d13=12)
    deliver(svc.alerts)
    assert len(smtp.received()) == 3               # no repeats once acknowledged

    feed(svc, clock, d13=22)                       # between value and clear: still active
    assert active(svc)[0]["state"] == "acknowledged"
    feed(svc, clock, d13=26)                       # back past clear: resolved
    assert active(svc) == []
    [done] = svc.alerts.alerts_view()["recent"]
    assert done["state"] == "resolved" and done["resolved_at"] == pytest.approx(clock.wall(), abs=0.01)
    deliver(svc.alerts)
    assert "RESOLVED" in smtp.received()[3].body
    assert [p.json()["event"] for p in webhook.received()][-2:] == ["alert.acknowledged", "alert.resolved"]
    assert all(p.signature_ok for p in webhook.received())
    name = "Outlet Water Level below 20"
    assert [w for w in audit_whats(svc) if w.startswith("alert ")] == [
        f"alert rule created: {name}", f"alert firing: {name}", f"alert acknowledged: {name}",
        f"alert resolved: {name}"]


def test_hold_restarts_when_the_value_recovers(svc, clock):
    svc.alerts.create_rule(LOW_LEVEL)
    feed(svc, clock, d13=15)
    clock.advance(50)
    feed(svc, clock, d13=30)                       # recovered: the hold is dropped
    clock.advance(10)
    feed(svc, clock, d13=15)
    clock.advance(50)
    feed(svc, clock, d13=15)
    assert active(svc) == []                       # only 50 s of the new hold
    clock.advance(10)
    svc.alerts.step()                              # the hold ends between frames: the tick fires it
    assert len(active(svc)) == 1


def test_timers_use_arrival_time_not_the_units_clock(svc, clock):
    svc.alerts.create_rule(LOW_LEVEL)
    for skew in (0, 3600, -7200, 86400):           # the unit's clock jumps about
        svc.engine.on_frame(frame(clock, skew_s=skew, d13=10))
        svc.alerts.step()
        assert active(svc) == []
        clock.advance(15)
    clock.advance(0.1)
    svc.alerts.step()
    assert len(active(svc)) == 1                   # 60 s after the first arrival


def test_offline_default_rule(svc, clock):
    rules = svc.alerts.rules_view()
    assert [(r["kind"], r["for_s"], r["severity"]) for r in rules] == [
        ("offline", 120, "critical"), ("relay_failed", 0, "warning"), ("impact", 900, "warning")]
    clock.advance(119)
    svc.alerts.step()
    assert active(svc) == []
    clock.advance(1)
    svc.alerts.step()
    [alert] = active(svc)
    assert alert["kind"] == "offline" and alert["severity"] == "critical"
    assert "since the console started" in alert["message"]
    feed(svc, clock, d13=50)
    assert active(svc) == []
    clock.advance(130)
    svc.alerts.step()
    [again] = active(svc)
    assert "no data from the unit for 130 s" in again["message"]


def test_relay_failed_fires_and_resolves_at_the_next_confirmed(svc, clock, sender, smtp):
    engine = svc.engine
    feed(svc, clock, i3=0)
    engine.relays.command("i3", CommandRequest(state=1))
    engine.queue.drain()
    clock.advance(61)
    engine.tick()                                  # not confirmed within 60 s: FAILED
    svc.alerts.step()
    [alert] = active(svc)
    assert alert["kind"] == "relay_failed" and alert["channel"] == "i3"
    assert alert["message"] == "Relay 3: the command to switch ON was not confirmed within 60 s"   # its name
    engine.relays.command("i3", CommandRequest(state=1))
    engine.queue.drain()
    clock.advance(5)
    feed(svc, clock, i3=1)                         # confirms the retry
    assert engine.relays.view("i3")["command"]["state"] == "confirmed"
    assert active(svc) == []
    deliver(svc.alerts)
    assert [m.subject.rsplit(" - ", 1)[1] for m in smtp.received()] == ["firing", "resolved"]


@pytest.mark.parametrize("inlet,outlet,worse", [
    ({"d1": 400}, {"d8": 900}, True),              # CO2: lower is better
    ({"d1": 900}, {"d8": 400}, False),
    ({"d4": 80}, {"d11": 50}, False),              # humidity: closer to 55 is better
    ({"d4": 60}, {"d11": 30}, True),
])
def test_impact_uses_the_channel_maps_better_direction(svc, clock, inlet, outlet, worse):
    [code] = outlet
    svc.alerts.create_rule({"kind": "impact", "channel": code, "for_s": 0})
    feed(svc, clock, **inlet, **outlet)
    assert len(active(svc)) == (1 if worse else 0)
    if worse:
        assert "worse than Inlet" in active(svc)[0]["message"]
        feed(svc, clock, **inlet, **{code: list(inlet.values())[0]})   # outlet = inlet: not worse
        assert active(svc) == []


def test_disabled_rule_does_not_fire_and_disabling_resolves(svc, clock):
    rule = svc.alerts.create_rule({**LOW_LEVEL, "for_s": 0})
    feed(svc, clock, d13=5)
    assert len(active(svc)) == 1
    svc.alerts.update_rule(rule["id"], {"enabled": False})
    assert active(svc) == [] and svc.alerts.alerts_view()["recent"][0]["state"] == "resolved"
    feed(svc, clock, d13=5)
    assert active(svc) == []


# -- restarts ------------------------------------------------------------------------------------
def test_restart_in_the_middle_of_a_hold_continues_it(make_service, notify_settings, clock):
    settings = notify_settings()
    first = make_service(settings)
    first.alerts.create_rule(LOW_LEVEL)
    feed(first, clock, d13=10)                     # hold starts (saved as wall time)
    clock.advance(30)
    feed(first, clock, d13=10)
    del first                                      # the service stops

    clock.advance(35)                              # 65 s after the hold began
    second = make_service(settings)
    second.alerts.step()
    assert active(second) == []                    # no frame since the restart: not judged yet
    feed(second, clock, d13=10)
    assert len(active(second)) == 1                # fired now, not 60 s after the restart


def test_restart_while_firing_keeps_it_firing_without_a_second_message(make_service, notify_settings,
                                                                        clock, smtp, webhook):
    settings = notify_settings()
    first = make_service(settings)
    first.alerts.update_rule("offline", {"enabled": False})   # frames stop below; not the point
    first.alerts.create_rule(LOW_LEVEL)
    feed(first, clock, d13=10)
    clock.advance(60)
    feed(first, clock, d13=10)
    deliver(first.alerts)
    [alert] = active(first)
    del first

    clock.advance(20)
    second = make_service(settings)
    for _ in range(5):
        feed(second, clock, d13=10)
        clock.advance(10)
    deliver(second.alerts)
    assert active(second) == [alert]               # same alert, same id, still firing
    assert len(smtp.received()) == 1 and len(webhook.received()) == 1
    clock.advance(300 - 70)                        # repeat_s counts from the first message
    second.alerts.step()
    deliver(second.alerts)
    assert len(smtp.received()) == 2 and "still firing" in smtp.received()[1].subject
    feed(second, clock, d13=40)
    deliver(second.alerts)
    assert "RESOLVED" in smtp.received()[2].body
    assert sum(1 for w in audit_whats(second) if w.startswith("alert firing")) == 1


def test_offline_after_a_restart_counts_from_the_start(make_service, notify_settings, clock):
    """A restart after a long stop does not report the unit offline for the stop itself."""
    settings = notify_settings()
    first = make_service(settings)
    feed(first, clock, d13=50)
    del first
    clock.advance(3600)
    second = make_service(settings)
    second.alerts.step()
    assert active(second) == []
    feed(second, clock, d13=50)
    clock.advance(119)
    second.alerts.step()
    assert active(second) == []


def test_a_damaged_alerts_slice_is_kept_aside_and_audited(make_service, notify_settings, clock):
    settings = notify_settings()
    first = make_service(settings)
    first.alerts.create_rule(LOW_LEVEL)
    first.engine.relays.update("i1", RelayUpdate(name="Pump"))
    del first
    doc = json.loads(settings.state_file.read_text())
    doc["alerts"]["rules"][2]["kind"] = "flood"
    settings.state_file.write_text(json.dumps(doc))

    second = make_service(settings)
    assert [r["id"] for r in second.alerts.rules_view()] == ["offline", "relay_failed", "impact_d9"]
    assert second.engine.relays.view("i1")["name"] == "Pump"        # the engine's part is untouched
    entry = second.engine.audit.newest(1)[0]
    assert entry["what"] == "alerts state rejected" and "rules.2.kind" in entry["why"]
    kept = list(settings.state_file.parent.glob("state.json.alerts-corrupt-*"))
    assert len(kept) == 1 and json.loads(kept[0].read_text())["rules"][2]["kind"] == "flood"
