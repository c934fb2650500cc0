"""Alerts end to end in Chromium through nginx, on a stack of their own (no other flow's alerts,
rules or contact points in it), with a real SMTP server (aiosmtpd) on loopback.

- web/e2e/alerts.flow.mjs: a threshold rule made in the UI fires when the simulator's outlet dust
  is pinned above it (POST /__sim/values), shows in the header badge (counted against the API's
  own list, not as "before + 1") and on the Alerts page, is acknowledged and resolves; the
  environment's webhook (a closed port) fails its test with the real reason.
- web/e2e/alerts.notify.flow.mjs: email set up on the Alerts page sends a test that arrives here,
  a silence mutes a rule (its alert marked silenced, nothing sent) and is ended early (the alert
  then goes out), the monthly report is scheduled and sent now (it arrives here with the month's
  CSV attached).
Screenshots: e2e-artifacts/alerts-*.png and notify-*.png.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.automation.alert_servers import SmtpServer

from .conftest import ARTIFACTS, assert_flow_ran, e2e_stack, run_node_flow

pytestmark = pytest.mark.timeout(480)

RECIPIENTS = ["ops@plant.example", "shift@plant.example"]     # as alerts.notify.flow.mjs types them
REPORT_TO = "gm@plant.example"


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def _backfill_days_for_last_month() -> int:
    """Days from the first of last month to today (the unit's calendar): the report's month is
    then in the gateway's history store once the backfill of a fresh stack is done."""
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    return (today - first).days + 1


@pytest.fixture(scope="module")
def alerts_stack(tmp_path_factory, smtp):
    env = {"XO2_HISTORY_BACKFILL_DAYS": str(_backfill_days_for_last_month())}
    with e2e_stack(tmp_path_factory.mktemp("alerts-stack"), env) as s:
        yield s


def test_alert_fires_is_acknowledged_and_resolves_in_the_browser(alerts_stack):
    proc = run_node_flow(alerts_stack, "e2e/alerts.flow.mjs", 280, fresh="alerts-*.png")
    assert_flow_ran(proc, "alerts browser flow", 9)
    shots = sorted(p.name for p in ARTIFACTS.glob("alerts-*.png"))
    assert len(shots) >= 7, f"expected a screenshot per step, got {shots}"


def test_contact_point_test_mail_silence_and_report_now_from_the_alerts_page(alerts_stack, smtp):
    proc = run_node_flow(alerts_stack, "e2e/alerts.notify.flow.mjs", 420, fresh="notify-*.png",
                         flow_env={"SMTP_PORT": str(smtp.port)})
    assert_flow_ran(proc, "notification centre browser flow", 6)
    shots = sorted(p.name for p in ARTIFACTS.glob("notify-*.png"))
    assert len(shots) >= 6, f"expected a screenshot per step, got {shots}"

    mails = smtp.received()
    # "Send test" answered 200 only once the server had it: the test mail is here, to both recipients
    tests = [m for m in mails if re.search(r"\btest\b", m.subject, re.I)]
    assert tests, f"no test mail among {[m.subject for m in mails]}"
    assert sorted(tests[0].to) == sorted(RECIPIENTS)
    assert tests[0].sender == "console@plant.example"
    # "Send now": the report to the schedule's recipient, the month's CSV attached
    reports = [m for m in mails if REPORT_TO in m.to]
    assert reports, f"no report mail among {[(m.subject, m.to) for m in mails]}"
    assert "Content-Type: text/csv" in reports[0].raw or ".csv" in reports[0].raw
    # the silenced rule's alert went out once its silence ended (the flow saw "Email sent")
    assert any("E2E silenced dust" in m.subject or "E2E silenced dust" in m.body for m in mails), \
        f"no mail for the rule after its silence, among {[m.subject for m in mails]}"
    real_prefix = "".join(["B", "T", "T", "E"])      # spelled out so this file doesn't contain it
    for m in mails:
        assert real_prefix not in m.raw, "the upstream device id leaked into a mail"
