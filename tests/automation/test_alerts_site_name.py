"""SPEC 12 in notifications: the site is named as people call it (XO2_SITE_NAME, else the
alias), the unit by its alias, times as 07 Dec 2026 14:05 IST; delivered to a real local mail
server and webhook receiver."""
from __future__ import annotations

import pytest

from automation_svc.alerts.messages import Composer
from automation_svc.service import AutomationService

from .alert_fixtures import deliver, notify_settings, smtp, telegram, webhook  # noqa: F401
from .conftest import frame, ist

SITE = "Panipat Refinery, Gate 2"
LOW_TANK = {"kind": "threshold", "channel": "d13", "op": "below", "value": 20, "for_s": 0}


def test_a_firing_alert_names_the_site_and_the_unit_with_indian_times(notify_settings, clock, sender,
                                                                      smtp, webhook):
    settings = notify_settings(site_name=SITE, telegram_bot_token=None)
    svc = AutomationService(settings, clock=clock, sender=sender, with_stream=False)
    svc.alerts.create_rule(LOW_TANK)
    svc.engine.on_frame(frame(clock, d13=5))
    svc.alerts.step()
    deliver(svc.alerts)
    [mail] = smtp.received()
    # (a long subject is folded on the wire; unfolded it reads as sent)
    assert " ".join(mail.subject.split()) == f"[WARNING] {SITE}: Outlet Water Level below 20 - firing"
    assert f"Site: {SITE}\r\nUnit: IOCL_XTRA_O2_ADMIN\r\n" in mail.body          # CRLF on the wire
    assert "Since: 06 Dec 2025 17:48 IST" in mail.body          # the fake clock's IST wall time
    [post] = webhook.received()
    assert post.json()["text"].startswith(f"[WARNING] {SITE}: ")


def test_without_a_site_name_the_alias_names_it_once(make_settings):
    composer = Composer(make_settings())
    msg = composer.for_alert("alert.firing", {"name": "Unit offline", "severity": "critical",
                                              "message": "no data", "since": ist(2026, 12, 7, 10, 58)})
    assert msg.subject == "[CRITICAL] IOCL_XTRA_O2_ADMIN: Unit offline - firing"
    assert "Unit: IOCL_XTRA_O2_ADMIN\n" in msg.text and "Site:" not in msg.text
    assert "Since: 07 Dec 2026 10:58 IST" in msg.text


@pytest.mark.parametrize("make", ["test", "summary"])
def test_test_and_summary_messages_name_the_site(make_settings, make):
    composer = Composer(make_settings(site_name=SITE))
    msg = composer.test("email") if make == "test" else composer.summary(3, ["[WARNING] x"], None, 20)
    assert msg.subject.startswith(f"[{make.upper()}] {SITE}: ")
