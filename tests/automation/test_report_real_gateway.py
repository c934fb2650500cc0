"""The monthly report against the real gateway app (a real HTTP server, its history store holding
the month, the cloud mocked at the gateway's edge): automation authenticates with its service
token, and the email's figures equal what the gateway's /api/history gives for that month."""
from __future__ import annotations

import csv
import email
import email.policy
import io
from datetime import date

import pytest
import responses

from automation_svc.report.figures import month_figures
from automation_svc.report.render import number, percent
from gateway_svc.app import create_app as gateway_app
from gateway_svc.history import jobs as history_jobs
from gateway_svc.history import priority

from ..gateway.conftest import LiveServer
from ..gateway.conftest import make_settings as gateway_settings
from ..gateway.test_gw_history_store import IST, Reports, month_text
from .alert_fixtures import smtp  # noqa: F401
from .test_notify_contact_points import Console

NOV = "start=2025-11-01&end=2025-11-30&buckets=240"


@pytest.fixture(autouse=True)
def no_quiet_wait(monkeypatch):
    monkeypatch.setattr(priority, "VIEW_QUIET_S", 0.0)
    monkeypatch.setattr(history_jobs, "BACKFILL_PAUSE_S", 0.0)


def test_report_from_the_real_gateway(tmp_path, make_settings, clock, sender, smtp):
    gw_settings = gateway_settings(history_dir=tmp_path / "history")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as cloud:
        cloud.add_passthru("http://127.0.0.1")
        Reports(cloud, month_text())
        gateway = gateway_app(gw_settings, start_stream=False)
        browser = gateway.test_client()
        token = browser.post("/api/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN",
                                                      "password": "correct-horse-9"}).get_json()["access_token"]
        history = browser.get(f"/api/history?{NOV}", headers={"Authorization": f"Bearer {token}"}).get_json()
        assert history["days_pending"] == 0 and history["bucket_s"] == 10800     # the month is stored
        server = LiveServer(gateway)
        try:
            c = Console(make_settings(gateway_url=server.http, jwt_secret=gw_settings.jwt_key, site_name="Plant A",
                                      smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none",
                                      alert_email_to="ops@example.test"), clock, sender)
            status, body = c.call("POST", "/report-schedule/send", {"month": "2025-11"})
            assert status == 200, body
            csv_text = browser.get("/api/report.csv?startDate=2025-11-01&endDate=2025-11-30&every=3600",
                                   headers={"Authorization": f"Bearer {token}"}).get_data(as_text=True)
        finally:
            server.stop()
    [mail] = smtp.received()
    msg = email.message_from_string(mail.raw, policy=email.policy.default)
    html = msg.get_body(("html",)).get_content()
    want = month_figures(history, site="Plant A", month="2025-11", start=date(2025, 11, 1), end=date(2025, 11, 30),
                         now_s=clock.wall(), tz=IST, relay_names={}, standard="cpcb", size="pm25")
    for row in want.pairs:
        assert row.inlet_avg is not None
        for v in (row.inlet_avg, row.outlet_avg):
            assert number(v, row.inlet.precision) in html, (row.quantity, v)
        assert percent(row.pct) in html
    assert f"Data completeness: {round(want.completeness.pct)}%" in html
    [attachment] = list(msg.iter_attachments())
    rows = list(csv.reader(io.StringIO(attachment.get_content())))
    assert rows == list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))) and len(rows) > 1
