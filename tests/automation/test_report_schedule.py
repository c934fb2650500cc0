"""The monthly impact report by email (SPEC 13): sent once on its day (unit-local), through the
persisted outbox, across restarts (fake clock, state file reloaded); its HTML holds the figures
and its CSV attachment parses with labelled headers; send-now answers 200, 502 with the reason,
or 409 without a gateway. The gateway is mocked at automation's HTTP edge (responses)."""
from __future__ import annotations

import csv
import email
import email.policy
import io
from datetime import datetime

import jwt
import pytest
import responses
from responses import matchers

from .alert_fixtures import smtp  # noqa: F401
from .alert_servers import SmtpServer, free_port
from .report_fixtures import IST, month_history, people_csv
from .test_notify_contact_points import Console
from .alert_fixtures import deliver

GW = "http://gateway.test:8001"
MANAGER = "manager@example.test"


def at(*args: int) -> float:
    return datetime(*args, tzinfo=IST).timestamp()


@pytest.fixture
def gateway():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        for (y, m, last) in ((2026, 11, 30), (2026, 12, 31)):
            rsps.get(f"{GW}/api/history", json=month_history(y, m), match=[matchers.query_param_matcher(
                {"start": f"{y}-{m:02d}-01", "end": f"{y}-{m:02d}-{last}", "buckets": str(last * 8)})])
            rsps.get(f"{GW}/api/report.csv", body=people_csv(y, m), content_type="text/csv",
                     match=[matchers.query_param_matcher({"startDate": f"{y}-{m:02d}-01",
                                                          "endDate": f"{y}-{m:02d}-{last}", "every": "3600"})])
        yield rsps


@pytest.fixture
def console(make_settings, clock, sender, smtp):
    def make(**overrides) -> Console:
        base = dict(public_url="https://console.example.test", gateway_url=GW, site_name="Plant A",
                    smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none",
                    alert_email_to="ops@example.test")
        return Console(make_settings(**{**base, **overrides}), clock, sender)
    return make


def parts(mail) -> tuple[str, str, list[list[str]], str]:
    msg = email.message_from_string(mail.raw, policy=email.policy.default)
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    [attachment] = list(msg.iter_attachments())
    rows = list(csv.reader(io.StringIO(attachment.get_content())))
    return html, text, rows, attachment.get_filename()


def test_sent_once_on_its_day_across_restarts(console, clock, smtp, gateway, settings):
    clock.set_wall(at(2026, 11, 20, 10, 0))
    c = console()
    status, view = c.call("PUT", "/report-schedule", {"enabled": True, "to": [MANAGER], "day": 1, "time": "08:00"})
    assert status == 200 and view["next_at"] == at(2026, 12, 1, 8, 0) and view["timezone"] == "Asia/Kolkata"
    c.service.engine.reports.step()               # 1 Nov 08:00 is before the schedule was saved
    clock.set_wall(at(2026, 12, 1, 7, 59, 59))
    c.service.engine.reports.step()
    assert len(gateway.calls) == 0
    clock.set_wall(at(2026, 12, 1, 8, 0))
    c.service.engine.reports.step()
    deliver(c.service.alerts)
    [mail] = smtp.received()
    assert mail.to == [MANAGER] and mail.subject == "Plant A: impact report for November 2026"
    html, text, rows, filename = parts(mail)
    assert "635 ppm" in html and "468 ppm" in html and "Data completeness: 97%" in html and "635 ppm" in text
    assert filename == "Plant-A-2026-11.csv"
    assert rows[0][0] == "Time (IST)" and "Inlet CO₂ (ppm)" in rows[0] and len(rows) == 1 + 30 * 24
    token = gateway.calls[0].request.headers["Authorization"].removeprefix("Bearer ")
    assert jwt.decode(token, c.service.settings.jwt_key, algorithms=["HS256"])["sub"] == "automation"
    audit = c.call("GET", "/audit?limit=20")[1]["entries"]
    assert any(e["what"] == "monthly report queued: November 2026" for e in audit)
    assert c.call("GET", "/report-schedule")[1]["last_month"] == "2026-11"

    for when in (at(2026, 12, 1, 8, 30), at(2026, 12, 20, 8, 0)):   # restarts later that month: nothing more
        clock.set_wall(when)
        c = console()
        c.service.engine.reports.step()
        deliver(c.service.alerts)
    assert len(smtp.received()) == 1
    clock.set_wall(at(2027, 1, 1, 8, 0))
    c.service.engine.reports.step()
    deliver(c.service.alerts)
    assert [m.subject for m in smtp.received()][1] == "Plant A: impact report for December 2026"


def test_a_mail_server_down_and_a_restart_lose_nothing(console, clock, gateway, settings):
    port = free_port()                                # no mail server yet
    clock.set_wall(at(2026, 11, 30, 12, 0))
    c = console(smtp_port=port)
    assert c.call("PUT", "/report-schedule", {"enabled": True, "to": [MANAGER], "day": 1, "time": "08:00"})[0] == 200
    clock.set_wall(at(2026, 12, 1, 8, 5))
    c.service.engine.reports.step()
    deliver(c.service.alerts)                         # refused: stays queued
    assert c.call("GET", "/notify")[1]["email"]["last_error"]
    clock.set_wall(at(2026, 12, 1, 9, 0))
    server = SmtpServer(port).start()
    try:
        again = console(smtp_port=port)               # a restart: the queued report is in the state file
        again.service.engine.reports.step()
        deliver(again.service.alerts)
        deliver(again.service.alerts)
        assert [m.subject for m in server.received()] == ["Plant A: impact report for November 2026"]
    finally:
        server.stop()
    assert len([call for call in gateway.calls if "/api/history" in call.request.url]) == 1


def test_gateway_down_at_the_due_time_is_retried(console, clock, smtp, settings):
    clock.set_wall(at(2026, 11, 30, 12, 0))
    c = console()
    c.call("PUT", "/report-schedule", {"enabled": True, "to": [MANAGER], "day": 1, "time": "08:00"})
    clock.set_wall(at(2026, 12, 1, 8, 0))
    with responses.RequestsMock() as rsps:
        rsps.get(f"{GW}/api/history", status=503, json={"error": "the device cloud did not answer"})
        c.service.engine.reports.step()
    view = c.call("GET", "/report-schedule")[1]
    assert "HTTP 503 (the device cloud did not answer)" in view["last_error"] and view["last_month"] is None
    assert view["next_at"] == at(2026, 12, 1, 8, 10)
    clock.set_wall(at(2026, 12, 1, 8, 10))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(f"{GW}/api/history", json=month_history())
        rsps.get(f"{GW}/api/report.csv", body=people_csv(), content_type="text/csv")
        c.service.engine.reports.step()
    deliver(c.service.alerts)
    assert len(smtp.received()) == 1 and c.call("GET", "/report-schedule")[1]["last_error"] is None


def test_send_now(console, clock, smtp, gateway):
    clock.set_wall(at(2026, 12, 7, 10, 0))
    c = console()
    status, body = c.call("POST", "/report-schedule/send", {"month": "2026-11"})
    assert status == 200 and body == {"month": "2026-11", "sent": True, "to": ["ops@example.test"]}
    assert smtp.received()[0].subject == "Plant A: impact report for November 2026"
    for month in ("2026-13", "2027-01", "Nov 2026", None):
        status, err = c.call("POST", "/report-schedule/send", {"month": month})
        assert status == 400 and err["field"] == "month", (month, err)
    gateway.replace(responses.GET, f"{GW}/api/history", status=503, json={"error": "the device cloud did not answer"})
    status, err = c.call("POST", "/report-schedule/send", {"month": "2026-11"})
    assert status == 502 and err["error"].startswith("report not sent: the gateway gateway.test:8001 could not give")


def test_send_now_mail_refused_and_no_gateway(console, clock, gateway):
    clock.set_wall(at(2026, 12, 7, 10, 0))
    status, err = console(smtp_port=free_port()).call("POST", "/report-schedule/send", {"month": "2026-11"})
    assert status == 502 and "connection refused by the mail server" in err["error"]
    status, err = console(gateway_url=None).call("POST", "/report-schedule/send", {"month": "2026-11"})
    assert status == 409 and "needs the gateway" in err["error"]
    status, err = console(smtp_host=None).call("POST", "/report-schedule/send", {"month": "2026-11"})
    assert status == 409 and "email is not set up" in err["error"]


@pytest.mark.parametrize("body, field", [
    ({"enabled": True, "to": []}, "to"), ({"day": 29}, "day"), ({"day": 0}, "day"), ({"day": "1"}, "day"),
    ({"time": "8:00"}, "time"), ({"time": "24:00"}, "time"), ({"enabled": "yes"}, "enabled"),
    ({"to": ["not-an-address"]}, "to"), ({"to": ["a@example.test\r\nBcc: x@example.test"]}, "to"),
    ({"every": "month"}, "every"),
])
def test_bad_schedule_is_a_400_naming_the_field(console, settings, body, field):
    c = console()
    before = settings.state_file.read_bytes() if settings.state_file.exists() else None
    status, err = c.call("PUT", "/report-schedule", body)
    assert status == 400 and err["field"] == field, err
    assert (settings.state_file.read_bytes() if settings.state_file.exists() else None) == before
