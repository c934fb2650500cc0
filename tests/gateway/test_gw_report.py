"""GET /api/report.csv: fetched server-side, streamed, id rewritten, link kept private."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
import requests
import responses

from gateway_svc.app import create_app
from gateway_svc.downloads import DownloadLinks

from .conftest import (ALIAS, REAL, REPORT_URL, S3_LINK, SIBLING, day_bounds, make_settings, mock_report,
                       parse_csv, report_body, sim_csv)

URL = "/api/report.csv?startDate=2025-12-01&endDate=2025-12-02"


def test_csv_is_streamed_as_an_aliased_attachment(client, auth, cloud, settings):
    start, _ = day_bounds(datetime(2025, 12, 1).date(), settings.tz)
    original = sim_csv(start, start + 599)
    # a sibling id and an id inside a free-text column must not get through either
    original = original.replace(f'"{REAL}","{REAL}","{start + 10}.0"',
                                f'"{SIBLING}","{REAL}","{start + 10}.0"')
    report, link = mock_report(cloud, original)
    resp = client.get(URL, headers=auth)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="{ALIAS}_2025-12-01_2025-12-02.csv"')
    text = resp.get_data(as_text=True)
    rows, want = parse_csv(text), parse_csv(original)
    assert len(rows) == len(want) == 60
    assert {r["d"] for r in rows} == {r["deviceId"] for r in rows} == {ALIAS}
    for got, exp in zip(rows, want):
        assert {k: v for k, v in got.items() if k not in ("d", "deviceId")} == \
               {k: v for k, v in exp.items() if k not in ("d", "deviceId")}
    assert text.startswith('"d","deviceId","ts"')      # Athena quoting kept
    assert "BTTE" not in text and "amazonaws" not in text
    # the cloud was asked with the real id and the requested days
    assert report.calls[0].request.params == {"startDate": "2025-12-01", "endDate": "2025-12-02"}
    assert link.call_count == 1


def test_expired_link_is_a_clear_502_before_streaming(client, auth, cloud, gw):
    xml = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
    mock_report(cloud, xml, status=403)
    resp = client.get(URL, headers=auth)
    assert resp.status_code == 502 and resp.mimetype == "application/json"
    assert resp.get_json() == {
        "error": "the report's download link was refused or has expired; try again"}
    assert gw.upstream.last_error == resp.get_json()["error"]


def test_report_endpoint_failure_is_502(client, auth, cloud):
    cloud.add(responses.GET, REPORT_URL, status=500)
    resp = client.get(URL, headers=auth)
    assert resp.status_code == 502 and resp.get_json() == {"error": "device cloud returned 500 (report)"}
    cloud.replace(responses.GET, REPORT_URL, json={"status": "success", "recordCount": 0})
    assert client.get(URL, headers=auth).get_json() == {
        "error": "device cloud sent no report link (report)"}


@pytest.mark.parametrize("query,field", [
    ("", "startDate"),
    ("startDate=2025-12-01", "endDate"),
    ("startDate=01-12-2025&endDate=2025-12-02", "startDate"),
    ("startDate=2025-02-30&endDate=2025-03-02", "startDate"),
    ("startDate=2025-12-05&endDate=2025-12-01", "endDate"),
    ("startDate=2024-01-01&endDate=2025-12-01", "endDate"),
])
def test_bad_dates_are_400(client, auth, cloud, query, field):
    resp = client.get(f"/api/report.csv?{query}", headers=auth)
    assert resp.status_code == 400 and resp.get_json()["field"] == field
    assert len(cloud.calls) == 0


def test_report_through_the_simulator(sim, cloud, auth):
    """End to end over HTTP: the sim's signed link is followed server-side."""
    app = create_app(make_settings(cloud_rest_url=sim.rest_url), start_stream=False)
    client = app.test_client()
    today = datetime.now(app.extensions["xo2_settings"].tz).date().isoformat()
    url = f"/api/report.csv?startDate={today}&endDate={today}"
    resp = client.get(url, headers=auth)
    assert resp.status_code == 200
    rows = parse_csv(resp.get_data(as_text=True))
    # the sim's reported recordCount for the same range (asked directly)
    info = requests.get(f"{sim.rest_url}/device/{REAL}/report",
                        params={"startDate": today, "endDate": today}, timeout=5).json()
    assert abs(len(rows) - info["recordCount"]) <= 1       # a frame may tick in between
    assert rows and {r["d"] for r in rows} == {ALIAS}
    assert sim.state.rest_calls.get("download", 0) >= 1
    sim.state.set_faults(report_link_status=403)
    resp = client.get(url, headers=auth)
    assert resp.status_code == 502 and "expired" in resp.get_json()["error"]


# -- one-time download links (what the web page uses) -------------------------------------------
LINK_URL = "/api/report-link?startDate=2025-12-01&endDate=2025-12-02"


def test_a_one_time_link_streams_the_same_aliased_csv_once(client, auth, cloud, settings):
    start, _ = day_bounds(datetime(2025, 12, 1).date(), settings.tz)
    original = sim_csv(start, start + 599)
    report, link = mock_report(cloud, original)
    resp = client.post(LINK_URL, headers=auth)
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["filename"] == f"{ALIAS}_2025-12-01_2025-12-02.csv" and body["expires_in"] == 60
    assert body["url"].startswith("/api/download/") and len(body["url"]) > len("/api/download/") + 20
    assert "amazonaws" not in resp.get_data(as_text=True) and "BTTE" not in resp.get_data(as_text=True)
    assert report.call_count == 1 and link.call_count == 0        # the cloud was asked at once

    got = client.get(body["url"])                                   # no Authorization: the id is the secret
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert got.headers["Content-Disposition"] == f'attachment; filename="{body["filename"]}"'
    rows = parse_csv(got.get_data(as_text=True))
    assert len(rows) == 60 and {r["d"] for r in rows} == {r["deviceId"] for r in rows} == {ALIAS}
    again = client.get(body["url"])
    assert again.status_code == 404 and "used or has expired" in again.get_json()["error"]
    assert link.call_count == 1


def test_download_links_expire_and_unknown_ids_are_404(client, auth, cloud, gw, clock):
    mock_report(cloud, "")
    gw.downloads = DownloadLinks(timer=clock)
    url = client.post(LINK_URL, headers=auth).get_json()["url"]
    clock.advance(61)
    assert client.get(url).status_code == 404
    assert client.get("/api/download/not-a-real-id").status_code == 404


def test_report_link_needs_login_and_valid_dates_and_surfaces_cloud_errors(client, auth, cloud):
    assert client.post(LINK_URL).status_code == 401
    r = client.post("/api/report-link?startDate=2025-12-02&endDate=2025-12-01", headers=auth)
    assert r.status_code == 400 and r.get_json()["field"] == "endDate"
    cloud.add(responses.GET, REPORT_URL, status=500)
    r = client.post(LINK_URL, headers=auth)
    assert r.status_code == 502 and "error" in r.get_json()      # shown by the page, no broken file


class _StalledBody(io.BufferedReader):
    """The pre-signed link's body as a store that stops sending: every read times out."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(b'"d","deviceId"\n'))

    def read(self, *args, **kwargs):
        raise TimeoutError("timed out")

    read1 = readinto = readinto1 = read


def test_a_link_that_times_out_before_its_first_line_is_a_502_not_a_500(client, auth, cloud, gw):
    cloud.add(responses.GET, REPORT_URL, json=report_body(record_count=3))
    cloud.add(responses.GET, S3_LINK.split("?")[0], body=_StalledBody(), content_type="text/csv")
    resp = client.get(URL, headers=auth)
    assert resp.status_code == 502 and resp.mimetype == "application/json", resp.get_data()[:300]
    assert resp.get_json() == {"error": "the cloud's report stopped before sending any data; try again"}
    assert "amazonaws" not in resp.get_data(as_text=True)
