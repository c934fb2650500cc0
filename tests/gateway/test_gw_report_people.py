"""The people's CSV (SPEC 12, issue 23): GET /api/report.csv and POST /api/report-link with
every=60|300|900|3600: `Time (IST)` then `<label> (<unit>)` per channel, interval means equal
to /api/history's for the same buckets, served from the store (no cloud call for stored days),
a month at 300 s under 3 MB, and automation's service token accepted."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import responses
from flask_jwt_extended import create_access_token

from devicecloud.channels import BY_CODE, PAIRS, RELAY_IDS
from gateway_svc.gateway import EXTENSION
from gateway_svc.history import people_csv

from .conftest import AUTOMATION, cloud_frame
from .test_gw_history_store import (IST, NOV, Reports, app_for, history_dir, month_text,  # noqa: F401
                                    no_quiet_wait, today_so_far)

MONTH = "startDate=2025-11-01&endDate=2025-11-30"
HEADERS = (["Time (IST)"]
           + [f"{BY_CODE[c].label} ({BY_CODE[c].unit})" if BY_CODE[c].unit else BY_CODE[c].label
              for pair in PAIRS for c in pair]
           + ["GSM signal strength (CSQ)"] + [f"Relay {n} (share ON)" for n in range(1, 9)])


def table(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")                 # Excel reads µg/m³ and °C as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def stored(history_dir, cloud, auth):  # noqa: F811
    """A gateway whose store holds November 2025 (5-minute rows), and the cloud's reports."""
    reports = Reports(cloud, month_text())
    app = app_for(history_dir)
    client = app.test_client()
    assert client.get(f"/api/history?{NOV}", headers=auth).get_json()["days_pending"] == 0
    return app, client, reports


@pytest.mark.parametrize("every", [300, 3600])
def test_interval_means_equal_history_for_the_same_buckets_without_the_cloud(stored, auth, every):
    app, client, reports = stored
    asked = list(reports.asked)
    resp = client.get(f"/api/report.csv?{MONTH}&every={every}", headers=auth)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="IOCL_XTRA_O2_ADMIN_2025-11-01_2025-11-30_{"5min" if every == 300 else "hourly"}.csv"')
    header, *rows = table(resp.get_data(as_text=True))
    assert header == HEADERS and reports.asked == asked            # the store's days: no cloud call
    assert len(rows) == 30 * 86_400 // every                        # every interval holds frames
    # /api/history over the first 10 days (at most 5000 points) at the same size
    history = client.get(f"/api/history?start=2025-11-01&end=2025-11-10&bucket_s={every}", headers=auth).get_json()
    rows = rows[:len(history["t"])]
    assert len(rows) == 10 * 86_400 // every
    assert [datetime.fromtimestamp(t, IST).strftime("%Y-%m-%d %H:%M") for t in history["t"]] == [r[0] for r in rows]
    assert rows[0][0] == "2025-11-01 00:00" and rows[1][0] == ("2025-11-01 00:05" if every == 300 else "2025-11-01 01:00")
    for j, code in enumerate(people_csv.CODES, start=1):
        digits = 2 if code in RELAY_IDS else BY_CODE[code].precision
        for row, mean in zip(rows, history["series"][code]["mean"], strict=True):
            # history's mean has one more decimal; both come from the same sums
            assert abs(float(row[j]) - mean) <= 0.5 * 10 ** -digits + 0.5 * 10 ** -(digits + 1) + 1e-9, (code, row[0])
            assert (digits > 0) or row[j].lstrip("-").isdigit()
    # the raw form is unchanged: the cloud's rows as stored
    raw = client.get(f"/api/report.csv?{MONTH}", headers=auth).get_data(as_text=True)
    assert raw.startswith('"d","deviceId","ts"') and "IOCL_XTRA_O2_ADMIN" in raw


def test_a_month_at_five_minutes_is_under_3_mb_and_a_link_streams_it(stored, auth):
    app, client, _ = stored
    link = client.post(f"/api/report-link?{MONTH}&every=300", headers=auth).get_json()
    assert link["filename"].endswith("_5min.csv")
    resp = client.get(link["url"])
    assert resp.status_code == 200 and resp.is_streamed
    body = resp.get_data()
    assert len(body) <= 3_000_000
    print(f"\npeople's CSV: a month at 300 s is {len(body) / 1e6:.2f} MB")
    assert table(body.decode())[0] == HEADERS and len(table(body.decode())) == 1 + 30 * 288
    assert client.get(link["url"]).status_code == 404                 # one time only
    # at 60 s the month is computed a chunk of days at a time (never whole in memory)
    assert len(people_csv.chunks(date(2025, 11, 1), date(2025, 11, 30), 60)) == 5     # of 6 days
    every_minute = client.get(f"/api/report.csv?{MONTH}&every=60", headers=auth)
    assert every_minute.is_streamed
    rows = table(every_minute.get_data(as_text=True))[1:]
    assert len(rows) == 30 * 288                      # 5-minute frames: minutes without one are left out
    assert rows[1][0] == "2025-11-01 00:05"


def test_intervals_without_frames_are_left_out_and_empty_channels_are_empty_cells(history_dir, cloud, auth):  # noqa: F811
    text = month_text(first=date(2025, 11, 2), last=date(2025, 11, 2))
    lines = text.splitlines(keepends=True)
    col = {n: i for i, n in enumerate(next(csv.reader([lines[0]])))}
    kept = [lines[0]]
    for line in lines[1:]:
        row = next(csv.reader([line]))
        hour = datetime.fromtimestamp(float(row[col["ts"]]), IST).hour
        if hour == 3:
            continue                                  # the unit was offline 03:00-04:00
        if hour == 5:
            row[col["d9"]] = ""                       # outlet dust not reported 05:00-06:00
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(row)
        kept.append(buf.getvalue())
    Reports(cloud, "".join(kept))
    client = app_for(history_dir).test_client()
    header, *rows = table(client.get("/api/report.csv?startDate=2025-11-02&endDate=2025-11-02&every=3600",
                                     headers=auth).get_data(as_text=True))
    assert [r[0][-5:] for r in rows] == [f"{h:02d}:00" for h in range(24) if h != 3]
    dust = header.index("Outlet Dust PM (µg/m³)")
    assert rows[4][0].endswith("05:00") and rows[4][dust] == "" and rows[5][dust] != ""


def test_today_comes_from_the_socket_frames_as_in_history(history_dir, cloud, auth):  # noqa: F811
    today, midnight, now = today_so_far()
    app = app_for(history_dir)
    gw, client = app.extensions[EXTENSION], app.test_client()
    gw.store.clock = lambda: float(now)
    for ts in range(midnight, now - 5, 10):
        gw.on_frame(cloud_frame(ts, d1=400.0 + (ts - midnight) // 900))
    resp = client.get(f"/api/report.csv?startDate={today}&endDate={today}&every=900", headers=auth)
    header, *rows = table(resp.get_data(as_text=True))
    history = client.get(f"/api/history?start={today}&end={today}&bucket_s=900", headers=auth).get_json()
    means = [m for m in history["series"]["d1"]["mean"] if m is not None]
    assert [float(r[1]) for r in rows] == [round(m) for m in means] and len(rows) == len(means) > 4
    assert float(rows[3][1]) == 403.0 and len(cloud.calls) == 0      # the socket saw all of today


@pytest.mark.parametrize("query", ["every=120", "every=5min", "every=", "every=-300", "every=3600.0"])
def test_a_bad_every_is_400_naming_it(client, auth, cloud, query):
    for method, path in [("GET", "/api/report.csv"), ("POST", "/api/report-link")]:
        resp = client.open(f"{path}?{MONTH}&{query}", method=method, headers=auth)
        assert resp.status_code == 400 and resp.get_json()["field"] == "every"
        assert resp.get_json()["error"].startswith("every must be one of these intervals in seconds: 60 (1 min), "
                                                   "300 (5 min), 900 (15 min), 3600 (1 h)")
    assert len(cloud.calls) == 0


def test_relays_are_headed_by_their_own_names_from_automation(stored, auth, cloud):
    app, client, _ = stored
    relays = [{"id": f"i{n}", "name": f"Blower {n}" if n != 2 else "=HYPERLINK(1)"} for n in range(1, 9)]
    asked = cloud.add(responses.GET, f"{AUTOMATION}/api/automation/relays", json={"relays": relays})
    header = table(client.get("/api/report.csv?startDate=2025-11-01&endDate=2025-11-01&every=3600",
                              headers=auth).get_data(as_text=True))[0]
    assert header[-8:] == ["Blower 1 (share ON)", "'=HYPERLINK(1) (share ON)",
                           *(f"Blower {n} (share ON)" for n in range(3, 9))]      # formula-safe
    assert asked.call_count == 1
    token = asked.calls[0].request.headers["Authorization"].removeprefix("Bearer ")
    with app.app_context():
        from flask_jwt_extended import decode_token
        assert decode_token(token)["sub"] == "gateway"
    # kept a minute: a second download asks nothing
    client.get("/api/report.csv?startDate=2025-11-01&endDate=2025-11-01&every=3600", headers=auth)
    assert asked.call_count == 1


def test_automation_s_service_token_reads_history_and_the_people_s_csv(stored):
    """automation_svc's monthly report (report/gateway_client.py): a 2-minute token of its own,
    signed with the shared secret, asks for the month's history and CSV at every=3600."""
    app, client, _ = stored
    with app.app_context():
        token = create_access_token(identity="automation", expires_delta=timedelta(minutes=2))
    service = {"Authorization": f"Bearer {token}"}
    history = client.get(f"/api/history?{NOV}&buckets=240", headers=service)
    assert history.status_code == 200 and history.get_json()["bucket_s"] == 14_400
    resp = client.get(f"/api/report.csv?{MONTH}&every=3600", headers=service)
    assert resp.status_code == 200 and len(table(resp.get_data(as_text=True))) == 1 + 30 * 24
