"""SPEC 13's default impact rule on outlet dust PM (d9, 15 min, warning), shipped enabled: a new
install has it, an existing state file gets it once on upgrade, and a deleted one stays deleted
across restarts; it fires when outlet dust stays above inlet for 15 minutes."""
from __future__ import annotations

import json

import pytest

from automation_svc.service import AutomationService

from .conftest import frame


@pytest.fixture
def make_service(clock, sender):
    def make(settings) -> AutomationService:
        return AutomationService(settings, clock=clock, sender=sender, with_stream=False)
    return make


def ids(svc) -> list[str]:
    return [r["id"] for r in svc.alerts.rules_view()]


def test_new_install_has_the_impact_rule_enabled_and_it_fires_after_15_minutes(make_service, settings, clock):
    svc = make_service(settings)
    impact = next(r for r in svc.alerts.rules_view() if r["id"] == "impact_d9")
    assert (impact["kind"], impact["channel"], impact["for_s"], impact["severity"], impact["enabled"]) == (
        "impact", "d9", 900, "warning", True)
    for _ in range(90):                              # outlet dust above inlet, a frame every 10 s
        svc.engine.on_frame(frame(clock, d2=40, d9=120))
        svc.alerts.step()
        clock.advance(10)
    assert svc.alerts.alerts_view()["active"] == []
    svc.engine.on_frame(frame(clock, d2=40, d9=120))
    svc.alerts.step()
    [alert] = svc.alerts.alerts_view()["active"]
    assert alert["rule_id"] == "impact_d9" and "Outlet Dust PM 120" in alert["message"]


def test_an_existing_state_file_gets_it_once_and_a_deleted_one_stays_deleted(make_service, settings):
    first = make_service(settings)
    first.alerts.delete_rule("impact_d9")
    first.alerts.create_rule({"kind": "threshold", "channel": "d13", "op": "below", "value": 20, "name": "Tank"})
    # A file written before the impact default existed: no defaults_offered, no impact rule.
    doc = json.loads(settings.state_file.read_text())
    del doc["alerts"]["defaults_offered"]
    settings.state_file.write_text(json.dumps(doc))

    upgraded = make_service(settings)
    assert ids(upgraded) == ["offline", "relay_failed", ids(first)[2], "impact_d9"]
    upgraded.alerts.delete_rule("impact_d9")           # the admin does not want it
    again = make_service(settings)
    assert "impact_d9" not in ids(again) and ids(again)[:2] == ["offline", "relay_failed"]


def test_a_file_from_before_offering_keeps_an_old_default_the_admin_deleted_deleted(make_service, settings):
    first = make_service(settings)
    first.alerts.delete_rule("offline")
    doc = json.loads(settings.state_file.read_text())
    del doc["alerts"]["defaults_offered"]
    doc["alerts"]["rules"] = [r for r in doc["alerts"]["rules"] if r["id"] != "impact_d9"]
    settings.state_file.write_text(json.dumps(doc))
    assert ids(make_service(settings)) == ["relay_failed", "impact_d9"]
