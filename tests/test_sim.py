"""Tests for the device-cloud simulator (devicecloud.sim): REST and socket shapes, faults."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import websocket

from devicecloud.sim import SimServer, make_frame, report_csv_lines, rest_shape, socket_shape
from devicecloud.sim.generator import CSV_COLUMNS, DEFAULT_RELAYS, IST_OFFSET_S, ist_date
from devicecloud.sim.reports import LinkError, ReportJob, ReportLinks

from .eventually import eventually

DEVICE = "BTTE1250001"
PERIOD = 0.1
DELAY = 0.2
FRAME_KEYS = {
    "d", "deviceId", "ts", "date", "meter", "offline", "imei", "device_type", "expireAt",
    *(f"s{n}" for n in range(1, 4)), *(f"d{n}" for n in range(1, 19)), "d38", "d39", "d40",
    *(f"i{n}" for n in range(1, 11)),
}
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2},\d{2}:\d{2}:\d{2}")


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    with SimServer(period=PERIOD, command_delay=DELAY, device_id=DEVICE, port=0) as server:
        yield server


@pytest.fixture(autouse=True)
def clean(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sim" in request.fixturenames:
        server = request.getfixturevalue("sim")
        server.state.drop_sockets()
        server.state.reset(relays=True)


def url(sim: SimServer, path: str) -> str:
    return f"{sim.rest_url}{path}"


def subscribe(sim: SimServer, device_id: str = DEVICE, timeout: float = 2.0) -> Any:
    ws = websocket.create_connection(sim.ws_url, timeout=timeout)
    ws.send(json.dumps({"action": "subscribe", "deviceId": device_id}))
    return ws


def next_data(ws: Any) -> dict[str, Any]:
    message = json.loads(ws.recv())
    assert message["type"] == "deviceData" and message["deviceId"] == DEVICE
    return message["data"]


def wait_closed(ws: Any, limit: int = 100) -> int:
    """Read until the server closes the socket; return how many frames came first."""
    frames = 0
    for _ in range(limit):
        try:
            if not ws.recv():
                return frames
        except websocket.WebSocketConnectionClosedException:
            return frames
        frames += 1
    raise AssertionError("socket was not closed")


def today_ist() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + IST_OFFSET_S))


def assert_rest_frame(frame: dict[str, Any]) -> None:
    assert FRAME_KEYS <= frame.keys()
    assert frame["d"] == frame["deviceId"] == DEVICE
    assert frame["imei"] == 0.0 and isinstance(frame["meter"], float) and frame["meter"] == 2.0
    numbers = [v for k, v in frame.items() if k not in ("d", "deviceId", "date")]
    assert all(isinstance(v, float) for v in numbers)
    assert DATE_RE.fullmatch(frame["date"])


# -- frames ------------------------------------------------------------------------------------
def test_frames_are_deterministic_and_plausible() -> None:
    a = make_frame(1764947000, DEFAULT_RELAYS, DEVICE, seed=1)
    assert a == make_frame(1764947000, DEFAULT_RELAYS, DEVICE, seed=1)
    assert a != make_frame(1764947000, DEFAULT_RELAYS, DEVICE, seed=2)
    assert a["date"] == "2025-12-05,20:33:20" == ist_date(1764947000)  # IST, as in the brief
    assert 380 <= a["d1"] <= 950 and 6.5 <= a["d5"] <= 8.0 and 15 <= a["d38"] <= 25
    assert (a["d15"], a["d16"], a["i1"], a["i8"], a["i9"]) == (22, 23, 1, 0, 0)


def test_shapes_apply_the_wire_quirks() -> None:
    frame = make_frame(1764947000, {"i1": 0}, DEVICE)
    rest, sock = rest_shape(frame), socket_shape(frame)
    assert rest["meter"] == 2.0 and isinstance(rest["meter"], float) and rest["imei"] == 0.0
    assert isinstance(rest["ts"], float) and rest["i1"] == 0.0
    assert sock["imei"] == "000000000000000" and type(sock["ts"]) is int
    assert type(sock["meter"]) is int and type(sock["d15"]) is int
    assert rest_shape({**frame, "extra": "x"})["extra"] == "x"  # unknown keys pass through


def test_report_csv_lines_helper_streams_quoted_rows() -> None:
    lines = report_csv_lines(DEVICE, 1764947000, 1764947000 + 59, seed=3)
    assert not isinstance(lines, list)
    rows = list(csv.reader(io.StringIO("".join(lines))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 1 + 6
    assert [float(r[2]) for r in rows[1:]] == [1764947000.0 + 10 * n for n in range(6)]


def test_report_chunks_equal_the_row_by_row_csv_with_days_from_the_cache() -> None:
    from devicecloud.sim.report_csv import _day_rows, report_csv_chunks
    midnight = 1764527400                       # 2025-12-01 00:00 IST
    relays = {"i1": 0, "i2": 1}
    for start, end in [(midnight - 3605, midnight + 2 * 86_400 + 35),      # partial, 2 whole, partial
                       (midnight, midnight + 86_400 - 10),                 # exactly one day
                       (midnight + 5, midnight + 25), (midnight + 7, midnight + 8)]:  # inside one
        want = "".join(report_csv_lines(DEVICE, start, end, seed=4, relays=relays))
        assert b"".join(report_csv_chunks(DEVICE, start, end, seed=4, relays=relays)) == want.encode()
    hits = _day_rows.cache_info().hits
    day = b"".join(report_csv_chunks(DEVICE, midnight, midnight + 86_400 - 10, seed=4, relays=relays))
    assert _day_rows.cache_info().hits == hits + 1          # the same day again: not remade
    # keyed by relay state: the same day with i1 on is another block
    other = b"".join(report_csv_chunks(DEVICE, midnight, midnight + 86_400 - 10, seed=4, relays={"i1": 1}))
    i1 = CSV_COLUMNS.index("i1")
    first_rows = [next(iter(csv.reader(io.StringIO(text.split("\n")[1]))))
                  for text in (day.decode(), other.decode())]
    assert (first_rows[0][i1], first_rows[1][i1]) == ("0.0", "1.0")


# -- REST graphs -------------------------------------------------------------------------------
def test_hour_has_raw_frames_with_float_quirks(sim: SimServer) -> None:
    r = requests.get(url(sim, f"/device/{DEVICE}/graph/hour"), timeout=5)
    assert r.status_code == 200 and '"meter": 2.0' in r.text and '"imei": 0.0' in r.text
    body = r.json()
    assert list(body) == ["deviceId", "period", "count", "startTime", "endTime", "data"]
    assert body["period"] == "hour" and body["endTime"] - body["startTime"] == 3600
    assert body["count"] == len(body["data"]) and 300 <= body["count"] <= 360
    for frame in body["data"]:
        assert_rest_frame(frame)
        assert frame.get("sampleCount", 1.0) == 1.0
        assert frame["date"] == ist_date(frame["ts"]) and frame["expireAt"] == frame["ts"] + 3600
    stamps = [f["ts"] for f in body["data"]]
    assert stamps == sorted(stamps)


def test_hour_includes_the_frames_sent_live(sim: SimServer) -> None:
    ws = subscribe(sim)
    live = next_data(ws)
    ws.close()
    data = requests.get(url(sim, f"/device/{DEVICE}/graph/hour"), timeout=5).json()["data"]
    assert data[-1]["ts"] >= live["ts"]
    assert any(f["ts"] == live["ts"] for f in data[-3:])


@pytest.mark.parametrize(("period", "bucket", "samples", "ttl"),
                         [("day", 1080, 108.0, 86400), ("week", 3240, 324.0, 30 * 86400)])
def test_day_and_week_are_bucket_aggregates(sim: SimServer, period: str, bucket: int,
                                            samples: float, ttl: int) -> None:
    r = requests.get(url(sim, f"/device/{DEVICE}/graph/{period}"), timeout=5)
    assert r.status_code == 200 and f'"sampleCount": {samples}' in r.text
    body = r.json()
    assert body["period"] == period and body["count"] == len(body["data"])
    assert body["count"] >= (body["endTime"] - body["startTime"]) // bucket - 1
    for frame in body["data"]:
        assert_rest_frame(frame)
        assert frame["sampleCount"] == samples and frame["expireAt"] == frame["ts"] + ttl
        assert frame["ts"] % bucket == 0 and body["startTime"] <= frame["ts"] <= body["endTime"]
        assert round(frame["d1"], 2) == frame["d1"]
    steps = {b["ts"] - a["ts"] for a, b in zip(body["data"], body["data"][1:])}
    assert steps == {float(bucket)}


def test_outlet_is_cleaner_than_inlet(sim: SimServer) -> None:
    data = requests.get(url(sim, f"/device/{DEVICE}/graph/day"), timeout=5).json()["data"]

    def mean(key: str) -> float:
        return sum(f[key] for f in data) / len(data)

    assert mean("d8") < mean("d1") and mean("d9") < mean("d2") and mean("d10") < mean("d3")
    assert abs(mean("d11") - 55) < abs(mean("d4") - 55) or 50 <= mean("d11") <= 60
    assert 400 <= mean("d1") <= 900 and 20 <= mean("d2") <= 150 and 22 <= mean("d3") <= 38


@pytest.mark.parametrize("path", ["graph/hour", "graph/day", "graph/week",
                                  "report?startDate=2025-12-01&endDate=2025-12-02", "command"])
def test_unknown_device_is_404(sim: SimServer, path: str) -> None:
    method = "POST" if path == "command" else "GET"
    r = requests.request(method, url(sim, f"/device/BTTE9999999/{path}"), json={"i1": 1},
                         timeout=5)
    assert r.status_code == 404 and "message" in r.json()


def test_unknown_route_answers_like_api_gateway(sim: SimServer) -> None:
    r = requests.get(url(sim, "/nope"), timeout=5)
    assert r.status_code == 403 and r.json() == {"message": "Missing Authentication Token"}


# -- report + CSV ------------------------------------------------------------------------------
def test_report_link_downloads_quoted_csv_matching_record_count(sim: SimServer) -> None:
    day = today_ist()
    r = requests.get(url(sim, f"/device/{DEVICE}/report"),
                     params={"startDate": day, "endDate": day}, timeout=5)
    assert r.status_code == 200
    report = r.json()
    assert list(report) == ["status", "deviceId", "startDate", "endDate", "recordCount",
                            "downloadUrl", "expiresIn"]
    assert report["status"] == "success" and report["expiresIn"] == "1 hour"
    link = report["downloadUrl"]
    assert re.match(rf"{sim.rest_url}/athena-results/[0-9a-f-]{{36}}\.csv\?AWSAccessKeyId="
                    r"SIMAKIAEXAMPLE&Signature=.+&x-amz-security-token=.+&Expires=\d+$", link)
    csv_reply = requests.get(link, timeout=10)
    assert csv_reply.status_code == 200 and csv_reply.headers["Content-Type"].startswith("text/csv")
    lines = csv_reply.text.splitlines()
    assert len(lines) == report["recordCount"] + 1
    assert all(line.startswith('"') and line.endswith('"') and
               line.count('","') == len(CSV_COLUMNS) - 1 for line in lines)
    rows = list(csv.DictReader(io.StringIO(csv_reply.text)))
    assert {"d", "deviceId", "ts", "date", "d1", "d18", "d38", "i10", "s3", "offline", "meter",
            "imei", "device_type", "expireAt"} <= rows[0].keys()
    assert rows[0]["d"] == rows[0]["deviceId"] == DEVICE and rows[0]["date"].endswith(",00:00:00")
    assert float(rows[-1]["ts"]) <= time.time()


def test_report_download_bandwidth_limit_and_byte_count(sim: SimServer) -> None:
    """--s3-bytes-per-s: the CSV arrives at a plant link's pace; download_bytes counts it."""
    day = "2025-11-03"
    link = requests.get(url(sim, f"/device/{DEVICE}/report"), timeout=5,
                        params={"startDate": day, "endDate": day}).json()["downloadUrl"]
    fast = requests.get(link, timeout=30).content
    before = sim.state.snapshot()["download_bytes"]
    sim.state.set_faults(s3_bytes_per_s=len(fast) / 1.5)      # the day's CSV in 1.5 s
    try:
        t0 = time.monotonic()
        slow = requests.get(link, timeout=30).content
        took = time.monotonic() - t0
    finally:
        sim.state.set_faults(s3_bytes_per_s=0)
    assert slow == fast and 1.3 <= took <= 5
    assert sim.state.snapshot()["download_bytes"] - before == len(fast)
    with pytest.raises(ValueError, match="s3_bytes_per_s"):
        sim.state.set_faults(s3_bytes_per_s=-1)


@pytest.mark.parametrize("params", [
    {}, {"startDate": "2025-12-01"}, {"startDate": "2025/12/01", "endDate": "2025-12-02"},
    {"startDate": "2025-02-30", "endDate": "2025-03-02"},
    {"startDate": "2025-12-05", "endDate": "2025-12-01"},
])
def test_report_rejects_bad_dates(sim: SimServer, params: dict[str, str]) -> None:
    r = requests.get(url(sim, f"/device/{DEVICE}/report"), params=params, timeout=5)
    assert r.status_code == 400 and r.json()["message"]


def test_report_link_faults_and_bad_links_are_403(sim: SimServer) -> None:
    link = requests.get(url(sim, f"/device/{DEVICE}/report"), timeout=5,
                        params={"startDate": "2025-12-01", "endDate": "2025-12-01"}
                        ).json()["downloadUrl"]
    sim.state.set_faults(report_link_status=403)
    denied = requests.get(link, timeout=5)
    assert denied.status_code == 403 and "<Code>AccessDenied</Code>" in denied.text
    sim.state.set_faults(report_link_status=None)
    assert requests.get(link, timeout=5).status_code == 200
    tampered = re.sub(r"Expires=\d+", "Expires=9999999999", link)
    assert requests.get(tampered, timeout=5).status_code == 403
    unknown = requests.get(url(sim, "/athena-results/0000.csv"), timeout=5)
    assert unknown.status_code == 403 and unknown.text.startswith("<?xml")


def test_expired_link_is_refused() -> None:
    links = ReportLinks(ttl_s=3600)
    link = links.create(ReportJob(DEVICE, 0, 100, DEFAULT_RELAYS, 0), "http://h", now=1000.0)
    parts = urlsplit(link)
    key, query = parts.path.rsplit("/", 1)[1].removesuffix(".csv"), dict(parse_qsl(parts.query))
    assert links.open(key, query, now=2000.0).end_ts == 100
    with pytest.raises(LinkError, match="expired"):
        links.open(key, query, now=5000.0)


# -- live socket -------------------------------------------------------------------------------
@pytest.mark.timeout(10)
def test_subscribed_socket_gets_frames_with_socket_quirks(sim: SimServer) -> None:
    ws = subscribe(sim)
    next_data(ws)
    started = time.monotonic()
    frames = [next_data(ws) for _ in range(5)]
    elapsed = time.monotonic() - started
    ws.close()
    assert 4 * PERIOD * 0.5 <= elapsed <= 5 * PERIOD * 5
    for frame in frames:
        assert FRAME_KEYS <= frame.keys() and "sampleCount" not in frame
        assert frame["imei"] == "000000000000000" and frame["d"] == frame["deviceId"] == DEVICE
        assert type(frame["meter"]) is int and type(frame["offline"]) is int
        assert type(frame["ts"]) is int and frame["expireAt"] == frame["ts"] + 3600
        assert frame["date"] == ist_date(frame["ts"])
    assert sim.state.frames_sent >= 5


@pytest.mark.timeout(10)
def test_other_device_and_other_messages_get_no_frames(sim: SimServer) -> None:
    ws = subscribe(sim, "BTTE0000000", timeout=0.5)
    ws.send("not json")
    ws.send(json.dumps({"action": "ping"}))
    with pytest.raises(websocket.WebSocketTimeoutException):
        ws.recv()
    ws.send(json.dumps({"action": "subscribe", "deviceId": DEVICE}))
    assert next_data(ws)["deviceId"] == DEVICE
    ws.close()


@pytest.mark.timeout(10)
def test_command_shows_in_frames_after_the_delay(sim: SimServer) -> None:
    ws = subscribe(sim)
    assert next_data(ws)["i8"] == 0
    sent_at = time.monotonic()
    r = requests.post(url(sim, f"/device/{DEVICE}/command"), timeout=5,
                      json={"imei": "860710081332028", "meter": "2", "i8": 1, "i1": 0})
    assert r.status_code == 200 and r.json() == {"status": "success", "message": "Command sent"}
    while (frame := next_data(ws))["i8"] != 1:
        pass
    assert time.monotonic() - sent_at >= DELAY
    assert frame["i1"] == 0 and sim.state.relays["i8"] == 1
    ws.close()
    assert sim.state.commands[-1]["body"]["i8"] == 1


@pytest.mark.timeout(10)
def test_display_values_are_recorded_but_not_framed(sim: SimServer) -> None:
    values = {"i11": 51, "i12": 32, "i13": 67, "i14": 12, "i15": 45, "i16": 27, "i17": 11,
              "i18": 25}
    r = requests.post(url(sim, f"/device/{DEVICE}/command"), json={"imei": "1", **values},
                      timeout=5)
    assert r.status_code == 200
    time.sleep(DELAY + 0.1)
    assert sim.state.display == values
    hour = requests.get(url(sim, f"/device/{DEVICE}/graph/hour"), timeout=5).json()
    assert "i11" not in hour["data"][-1]


@pytest.mark.timeout(10)
def test_ignore_commands_acknowledges_but_never_moves(sim: SimServer) -> None:
    sim.state.set_faults(ignore_commands=True)
    r = requests.post(url(sim, f"/device/{DEVICE}/command"), json={"i8": 1}, timeout=5)
    assert r.status_code == 200
    time.sleep(DELAY + 0.2)
    assert sim.state.relays["i8"] == 0 and sim.state.commands[-1]["body"] == {"i8": 1}


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"imei": "1", "meter": "2"}',
                                  b'{"i1": 2}', b'{"i1": "1"}', b'{"i1": true}', b'{"i12": -1}'])
def test_bad_command_body_is_400(sim: SimServer, body: bytes) -> None:
    r = requests.post(url(sim, f"/device/{DEVICE}/command"), data=body, timeout=5,
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["message"]
    assert sim.state.commands == []


# -- faults ------------------------------------------------------------------------------------
def test_error_burst_fails_the_next_calls(sim: SimServer) -> None:
    sim.state.set_faults(error_burst=3)
    hour = url(sim, f"/device/{DEVICE}/graph/hour")
    codes = [requests.get(hour, timeout=5).status_code for _ in range(4)]
    assert codes == [503, 503, 503, 200]
    assert sim.state.rest_calls["graph/hour"] == 4


def test_error_rate_one_always_fails(sim: SimServer) -> None:
    requests.post(url(sim, "/__sim/faults"), json={"error_rate": 1.0}, timeout=5)
    r = requests.get(url(sim, f"/device/{DEVICE}/graph/day"), timeout=5)
    assert r.status_code == 503 and r.json() == {"message": "Service Unavailable"}
    assert requests.post(url(sim, f"/device/{DEVICE}/command"), json={"i1": 1},
                         timeout=5).status_code == 503


def test_malformed_json_is_truncated_with_200(sim: SimServer) -> None:
    sim.state.set_faults(malformed_json=True)
    r = requests.get(url(sim, f"/device/{DEVICE}/graph/hour"), timeout=5)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        json.loads(r.text)


@pytest.mark.timeout(10)
def test_latency_and_hang(sim: SimServer) -> None:
    sim.state.set_faults(latency_s=0.3)
    started = time.monotonic()
    assert requests.get(url(sim, f"/device/{DEVICE}/graph/hour"), timeout=5).ok
    assert time.monotonic() - started >= 0.3
    sim.state.set_faults(latency_s=0, hang_s=35)
    with pytest.raises(requests.ReadTimeout):
        requests.get(url(sim, f"/device/{DEVICE}/graph/hour"), timeout=0.3)


@pytest.mark.timeout(10)
def test_drop_closes_sockets(sim: SimServer) -> None:
    ws = subscribe(sim)
    next_data(ws)
    assert sim.state.sockets == 1
    assert requests.post(url(sim, "/__sim/drop"), timeout=5).json() == {"dropped": 1}
    wait_closed(ws)
    eventually(lambda: sim.state.sockets == 0, 2, 0.02, "the dropped socket forgotten")


@pytest.mark.timeout(10)
def test_drop_every_closes_after_n_frames(sim: SimServer) -> None:
    sim.state.set_faults(drop_every=3)
    assert wait_closed(subscribe(sim)) == 3


@pytest.mark.timeout(10)
def test_offline_stops_frames(sim: SimServer) -> None:
    sim.state.set_faults(offline=True)
    time.sleep(2 * PERIOD)
    emitted = sim.state.frames_emitted
    ws = subscribe(sim, timeout=0.4)
    with pytest.raises(websocket.WebSocketTimeoutException):
        ws.recv()
    ws.close()
    assert sim.state.frames_emitted == emitted


# -- admin -------------------------------------------------------------------------------------
def test_admin_faults_state_and_reset(sim: SimServer) -> None:
    faults = url(sim, "/__sim/faults")
    assert requests.get(faults, timeout=5).json()["error_rate"] == 0.0
    updated = requests.post(faults, json={"latency_s": 0.01, "drop_every": 2}, timeout=5).json()
    assert updated["latency_s"] == 0.01 and updated["drop_every"] == 2
    for bad in ({"nope": 1}, {"error_rate": 2}, {"offline": "yes"}):
        r = requests.post(faults, json=bad, timeout=5)
        assert r.status_code == 400 and r.json()["message"]
    requests.get(url(sim, f"/device/{DEVICE}/graph/hour"), timeout=5)
    state = requests.get(url(sim, "/__sim/state"), timeout=5).json()
    assert {"relays", "display", "commands", "sockets", "frames_sent", "rest_calls"} <= state.keys()
    assert state["relays"]["i1"] == 1 and state["rest_calls"] == {"graph/hour": 1}
    reset = requests.post(url(sim, "/__sim/reset"), timeout=5).json()
    assert reset["faults"]["drop_every"] == 0 and reset["rest_calls"] == {}


@pytest.mark.timeout(10)
def test_pinned_values_hold_in_live_frames_until_released(sim: SimServer) -> None:
    values = url(sim, "/__sim/values")
    assert requests.post(values, json={"d9": 80, "d38": 12.5}, timeout=5).json() == {"d9": 80.0, "d38": 12.5}
    ws = subscribe(sim)
    next_data(ws)  # may predate the pin
    frame = next_data(ws)
    assert frame["d9"] == 80 and frame["d38"] == 12.5
    assert requests.get(values, timeout=5).json() == {"d9": 80.0, "d38": 12.5}
    for bad in ({"i1": 1}, {"d15x": 1}, {"d9": "80"}, {"d9": True}, [], {}):
        r = requests.post(values, json=bad, timeout=5)
        assert r.status_code == 400 and r.json()["message"], bad
    assert requests.post(values, json={"d9": None}, timeout=5).json() == {"d38": 12.5}
    frame = next(f for f in (next_data(ws) for _ in range(5)) if f["d9"] != 80)  # frames in flight
    assert 3 <= frame["d9"] <= 60 and frame["d38"] == 12.5
    ws.close()
    sim.state.reset()
    assert requests.get(values, timeout=5).json() == {}


@pytest.mark.timeout(10)
def test_stop_is_fast_and_closes_sockets() -> None:
    sim = SimServer(period=PERIOD, port=0).start()
    ws = subscribe(sim)
    next_data(ws)
    started = time.monotonic()
    sim.stop()
    assert time.monotonic() - started < 2
    wait_closed(ws)
    with pytest.raises(requests.ConnectionError):
        requests.get(url(sim, f"/device/{DEVICE}/graph/hour"), timeout=1)


@pytest.mark.timeout(15)
def test_cli_serves_on_a_free_port() -> None:
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "devicecloud.sim", "--port", "0", "--period", "0.1", "--quiet",
         "--device-id", "BTTE1250009"], cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        banner = proc.stdout.readline() if proc.stdout else ""
        rest = re.search(r"REST (http://127\.0\.0\.1:\d+)", banner)
        assert rest, banner
        r = requests.get(f"{rest.group(1)}/device/BTTE1250009/graph/hour", timeout=5)
        assert r.status_code == 200 and r.json()["deviceId"] == "BTTE1250009"
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0


@pytest.mark.timeout(15)
def test_reset_lands_hung_calls_first_so_none_arrives_after_it(sim: SimServer) -> None:
    """A command whose client gave up while the cloud hung still lands (as with the real cloud),
    but before a reset returns: a test that resets starts on a quiet sim (the reliability suite's
    late `i5` command)."""
    sim.state.set_faults(hang_s=3)
    with pytest.raises(requests.ReadTimeout):
        requests.post(url(sim, f"/device/{DEVICE}/command"), json={"i5": 1}, timeout=0.3)
    started = time.monotonic()
    r = requests.post(url(sim, "/__sim/reset"), json={}, timeout=10)
    assert r.ok and time.monotonic() - started < 2.5, "reset waited out the hang instead of ending it"
    assert r.json()["commands"] == []
    time.sleep(3.5)                       # past the hang: nothing is left to land late
    assert sim.state.commands == []
