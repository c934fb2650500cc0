"""The history store (SPEC section 10): each past unit-local day is fetched from the cloud
once, kept on disk, verified, and served to /api/history and /api/report.csv."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest
import responses

from devicecloud.channels import BY_CODE
from gateway_svc.history import cloud_fetch, day_codecs, day_files, jobs as history_jobs, priority, report_split
from gateway_svc.history import manifest as day_manifest
from gateway_svc.app import create_app
from gateway_svc.gateway import EXTENSION
from gateway_svc.history import Window, aggregate_cells
from gateway_svc.history.day_files import DayFiles
from gateway_svc.history.jobs import HistoryJobs
from gateway_svc.history.store import HistoryStore

from .conftest import ALIAS, REAL, REPORT_URL, S3_LINK, cloud_frame, day_bounds, make_settings, sim_csv

IST = ZoneInfo("Asia/Kolkata")
NOV = "start=2025-11-01&end=2025-11-30"
S3_BASE = S3_LINK.split("?")[0]


class Reports:
    """The cloud's report over a fixed set of rows: each call answers the rows of the asked
    unit-local (IST) days, with their recordCount, behind a pre-signed-looking link."""

    def __init__(self, cloud: responses.RequestsMock, text: str) -> None:
        self.header, *self.rows = text.splitlines(keepends=True)
        self.ts = [float(r.split('","')[2]) for r in self.rows]
        self.asked: list[tuple[str, str]] = []
        self.downloads = 0
        cloud.add_callback(responses.GET, REPORT_URL, callback=self.report)
        cloud.add_callback(responses.GET, S3_BASE, callback=self.download)

    def text(self, start: str, end: str) -> str:
        lo, _ = day_bounds(date.fromisoformat(start), IST)
        _, hi = day_bounds(date.fromisoformat(end), IST)
        return self.header + "".join(r for r, ts in zip(self.rows, self.ts) if lo <= ts < hi)

    def report(self, request):
        start, end = request.params["startDate"], request.params["endDate"]
        self.asked.append((start, end))
        count = self.text(start, end).count("\n") - 1
        return 200, {}, json.dumps({"status": "success", "deviceId": REAL, "startDate": start,
                                    "endDate": end, "recordCount": count, "expiresIn": "1 hour",
                                    "downloadUrl": f"{S3_LINK}&start={start}&end={end}"})

    def download(self, request):
        self.downloads += 1
        return 200, {"Content-Type": "text/csv"}, self.text(request.params["start"], request.params["end"])


def assert_same_series(got: dict, want: dict) -> None:
    """Equal buckets: min/max exactly; a mean may differ in its last (rounded) digit, as
    sums of the same values in another order do (cells on disk vs rows from the cloud)."""
    assert got.keys() == want.keys()
    for code, stats in want.items():
        assert got[code]["min"] == stats["min"] and got[code]["max"] == stats["max"], code
        for g, w in zip(got[code]["mean"], stats["mean"], strict=True):
            last = 10 ** -(BY_CODE[code].precision + 1)
            assert (g is None) == (w is None) and (g is None or abs(g - w) <= 1.01 * last), (code, g, w)


def month_text(step: int = 300, first: date = date(2025, 11, 1), last: date = date(2025, 11, 30)) -> str:
    start, _ = day_bounds(first, IST)
    _, end = day_bounds(last, IST)
    return sim_csv(start - 7200, end + 7200 - 1, step=step)   # two hours into each neighbour


@pytest.fixture(autouse=True)
def no_quiet_wait(monkeypatch):
    """The worker waits VIEW_QUIET_S after a view, and BACKFILL_PAUSE_S after a backfilled
    day, before working; tests step it at once."""
    monkeypatch.setattr(priority, "VIEW_QUIET_S", 0.0)
    monkeypatch.setattr(history_jobs, "BACKFILL_PAUSE_S", 0.0)


@pytest.fixture
def history_dir(tmp_path) -> Path:
    return tmp_path / "history"


def app_for(history_dir: Path, **kw):
    return create_app(make_settings(history_dir=history_dir, **kw), start_stream=False)


def test_a_restarted_gateway_asks_the_cloud_nothing_for_a_stored_month(history_dir, cloud, auth):
    reports = Reports(cloud, month_text())
    first = app_for(history_dir).test_client().get(f"/api/history?{NOV}", headers=auth)
    assert first.status_code == 200 and first.get_json()["rows"] == 30 * 288
    assert reports.asked == [("2025-11-01", "2025-11-30")]          # one report for the run
    files = sorted(p.name for p in (history_dir / "days").iterdir())
    assert len(files) == 30 * 5 and "2025-11-01.json" in files and "2025-11-30.csv.zst" in files

    restarted = app_for(history_dir).test_client()                   # a new process, same disk
    again = restarted.get(f"/api/history?{NOV}", headers=auth)
    assert again.status_code == 200 and reports.asked == [("2025-11-01", "2025-11-30")]
    assert_same_series(again.get_json()["series"], first.get_json()["series"])
    # other bucket sizes (10-minute cells, 1-minute cells, raw rows) agree with the cloud's rows
    for buckets in (72, 1440, 4999):
        from_store = restarted.get(f"/api/history?{NOV}&buckets={buckets}", headers=auth).get_json()
        fresh = create_app(make_settings(), start_stream=False).test_client()
        from_cloud = fresh.get(f"/api/history?{NOV}&buckets={buckets}", headers=auth).get_json()
        assert_same_series(from_store["series"], from_cloud["series"])
        assert from_store["rows"] == from_cloud["rows"]
    status = restarted.get("/api/history/status", headers=auth).get_json()
    assert status["days_stored"] == 30 and (status["oldest"], status["newest"]) == ("2025-11-01", "2025-11-30")
    assert status["bytes"] > 0 and status["error"] is None
    assert status["backfill"] == {"pending": 0, "running": False, "last_error": None}


def test_csv_from_the_store_equals_the_clouds_aliased_csv_byte_for_byte(history_dir, cloud, auth):
    reports = Reports(cloud, month_text(60, date(2025, 11, 1), date(2025, 11, 12)))
    url = "/api/report.csv?startDate=2025-11-03&endDate=2025-11-05"
    from_cloud = create_app(make_settings(), start_stream=False).test_client().get(url, headers=auth)
    assert reports.asked == [("2025-11-03", "2025-11-05")]
    client = app_for(history_dir).test_client()
    client.get("/api/history?start=2025-11-01&end=2025-11-10", headers=auth)   # stores the days
    asked = len(reports.asked)
    from_store = client.get(url, headers=auth)
    assert len(reports.asked) == asked                                # no cloud call
    assert from_store.status_code == 200 and from_store.headers["Content-Disposition"] == \
        from_cloud.headers["Content-Disposition"]
    assert from_store.get_data() == from_cloud.get_data()
    text = from_store.get_data(as_text=True)
    assert text.count("\n") == 3 * 1440 + 1 and REAL not in text and ALIAS in text
    # a stored day's file is the cloud's own bytes (real id and all: it never leaves the server)
    raw = day_codecs.unzstd((history_dir / "days" / "2025-11-04.csv.zst").read_bytes()).decode()
    assert raw == reports.text("2025-11-04", "2025-11-04")

    # the one-time link mixes stored days and a run the store lacks (asked of the cloud once)
    link = client.post("/api/report-link?startDate=2025-11-09&endDate=2025-11-12", headers=auth).get_json()
    assert reports.asked[asked:] == [("2025-11-11", "2025-11-12")]
    mixed = client.get(link["url"]).get_data()
    whole = create_app(make_settings(), start_stream=False).test_client().get(
        "/api/report.csv?startDate=2025-11-09&endDate=2025-11-12", headers=auth).get_data()
    assert mixed == whole


def test_the_day_boundary_is_unit_local_midnight_not_utc(history_dir, cloud, auth):
    reports = Reports(cloud, month_text(10, date(2025, 11, 10), date(2025, 11, 10)))
    client = app_for(history_dir).test_client()
    client.get("/api/history?start=2025-11-10&end=2025-11-10&buckets=24", headers=auth)
    rows = day_codecs.unzstd((history_dir / "days" / "2025-11-10.csv.zst").read_bytes()).decode()
    lines = rows.splitlines()
    # IST midnight is 18:30 UTC the evening before
    first_ts = int(datetime(2025, 11, 9, 18, 30, tzinfo=ZoneInfo("UTC")).timestamp())
    assert lines[1].split('","')[2] == f"{first_ts}.0" and '"2025-11-10,00:00:00"' in lines[1]
    assert '"2025-11-10,23:59:50"' in lines[-1] and len(lines) == 8641
    day = client.get("/api/history?start=2025-11-10&end=2025-11-10&buckets=24", headers=auth).get_json()
    assert day["t"][0] == first_ts and day["rows"] == 8640


def test_a_damaged_or_missing_day_file_is_fetched_again(history_dir, cloud, auth):
    reports = Reports(cloud, month_text())
    client = app_for(history_dir).test_client()
    good = client.get(f"/api/history?{NOV}&buckets=60", headers=auth).get_json()
    days = history_dir / "days"
    # a flipped byte in the 10-minute cells, a truncated raw file, a lost manifest
    cells = days / "2025-11-07.m10.arrow"
    data = bytearray(cells.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cells.write_bytes(bytes(data))
    raw = days / "2025-11-20.csv.zst"
    raw.write_bytes(raw.read_bytes()[:100])
    (days / "2025-11-25.json").unlink()

    restarted = app_for(history_dir).test_client()
    again = restarted.get(f"/api/history?{NOV}&buckets=60", headers=auth).get_json()
    assert_same_series(again["series"], good["series"])
    assert reports.asked[1:] == [("2025-11-07", "2025-11-07"), ("2025-11-25", "2025-11-25")]
    # the CSV path checks its file too: the truncated day comes from the cloud, whole
    csv = restarted.get("/api/report.csv?startDate=2025-11-19&endDate=2025-11-21", headers=auth)
    assert csv.get_data(as_text=True).count("\n") == 3 * 288 + 1
    assert reports.asked[3:] == [("2025-11-20", "2025-11-20")]
    assert not (days / "2025-11-20.json").exists()     # dropped; the next view fetches it again


def test_a_crash_while_writing_leaves_no_half_file(history_dir, cloud, auth, monkeypatch):
    Reports(cloud, month_text())
    written = []
    real_write = day_files.atomic_write

    def crash_after_two(path, data):
        if len(written) == 2:
            raise KeyboardInterrupt("killed mid-write")      # not an OSError: a crash
        written.append(path)
        real_write(path, data)
    monkeypatch.setattr(day_files, "atomic_write", crash_after_two)
    app = app_for(history_dir)
    with pytest.raises(KeyboardInterrupt):
        app.test_client().get("/api/history?start=2025-11-03&end=2025-11-03", headers=auth)
    days = history_dir / "days"
    assert list(days.iterdir()) == []             # the day's two whole files went with it
    assert not app.extensions[EXTENSION].store.days.has(date(2025, 11, 3))

    # a real kill leaves a temp file and files without a manifest: a restart ignores both
    (days / ".2025-11-04.raw.parquet.999.tmp").write_bytes(b"PAR1 half")
    (days / "2025-11-04.csv.zst").write_bytes(b"whole but no manifest")
    store = DayFiles(days)
    assert not store.has(date(2025, 11, 4)) and not list(days.glob(".*.tmp"))


def test_disk_full_is_reported_in_health_and_status_and_writes_nothing(history_dir, cloud, auth, monkeypatch):
    Reports(cloud, month_text())

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(day_files, "atomic_write", full)
    client = app_for(history_dir).test_client()
    resp = client.get("/api/history?start=2025-11-03&end=2025-11-04", headers=auth)
    assert resp.status_code == 200 and resp.get_json()["rows"] == 2 * 288   # the view is still served
    health = client.get("/api/health").get_json()
    assert health["status"] == "degraded"
    assert health["history"] == {"ok": False, "error":
                                 "the history store's disk is full (XO2_HISTORY_DIR): free some space"}
    status = client.get("/api/history/status", headers=auth).get_json()
    assert status["error"] == health["history"]["error"] and status["days_stored"] == 0
    assert list((history_dir / "days").iterdir()) == [] and list((history_dir / "spool").iterdir()) == []
    monkeypatch.undo()
    client.get("/api/history?start=2025-11-05&end=2025-11-05", headers=auth)   # space again
    assert client.get("/api/health").get_json()["history"] == {"ok": True, "error": None}


def today_so_far() -> tuple[date, int, int]:
    """Today (IST), its midnight and a "now" at least two hours into it (the real time, or a
    little ahead of it just after midnight), so "the last hour" never reaches into yesterday.
    Tests pin the store's clock to it."""
    today = datetime.now(IST).date()
    midnight, _ = day_bounds(today, IST)
    return today, midnight, max(int(time.time()), midnight + 2 * 3600 + 30)


def test_today_comes_from_the_socket_with_one_fetch_for_what_it_missed(history_dir, cloud, auth):
    today, midnight, now = today_so_far()
    reports = Reports(cloud, sim_csv(midnight, now, step=10))
    app = app_for(history_dir)
    gw, client = app.extensions[EXTENSION], app.test_client()
    gw.store.clock = lambda: float(now)
    url = f"/api/history?start={today}&end={today}&buckets=24"
    # the socket saw all of today so far: no report at all
    for ts in range(midnight, now - 5, 10):
        gw.on_frame(cloud_frame(ts))
    body = client.get(url, headers=auth).get_json()
    assert reports.asked == [] and body["rows"] == len(range(midnight, now - 5, 10))
    assert (history_dir / "today" / f"{today}.frames.csv").exists()

    # a gateway that started an hour ago: one report for the part it missed, then only the socket
    restarted = app_for(history_dir / "other")
    gw2, client2 = restarted.extensions[EXTENSION], restarted.test_client()
    gw2.store.clock = lambda: float(now)
    seen = range(max(midnight, (now - 3600) // 10 * 10), now - 5, 10)      # the unit's 10 s grid
    for ts in seen:
        gw2.on_frame(cloud_frame(ts))
    body = client2.get(url, headers=auth).get_json()
    assert reports.asked == [(today.isoformat(), today.isoformat())]
    assert body["rows"] == len(range(midnight, now + 1, 10))            # no second counted twice
    client2.get(url.replace("buckets=24", "buckets=100"), headers=auth)   # 15 min: not from the cache
    assert len(reports.asked) == 1                                    # once per process


def test_a_cut_last_frame_line_after_a_crash_is_dropped(history_dir):
    store = HistoryStore(history_dir, IST, None, keep_days=400, gap_s=60)
    ts = int(time.time())
    store.today.append(cloud_frame(ts - 20))
    store.today.close()
    path = next((history_dir / "today").glob("*.frames.csv"))
    with open(path, "a") as f:
        f.write(f"{ts - 10}.0,5")                   # the crash cut this line
    again = HistoryStore(history_dir, IST, None, keep_days=400, gap_s=60)
    again.today.append(cloud_frame(ts))
    rows = again.today.rows(datetime.fromtimestamp(ts, IST).date())
    assert rows["ts"].tolist() == [ts - 20, ts]


# -- the daily job and the backfill ---------------------------------------------------------------
class Clock:
    def __init__(self, when: datetime) -> None:
        self.now = when.timestamp()

    def __call__(self) -> float:
        return self.now


def test_the_daily_job_fetches_yesterday_after_unit_local_midnight(history_dir, cloud, monkeypatch):
    reports = Reports(cloud, month_text())
    gw = create_app(make_settings(history_dir=history_dir), start_stream=False).extensions[EXTENSION]
    clock = Clock(datetime(2025, 11, 21, 0, 10, tzinfo=IST))      # 18:40 UTC on the 20th
    store = HistoryStore(history_dir, IST, gw.upstream, keep_days=10, gap_s=60, clock=clock)
    old = history_dir / "days" / "2025-11-01.json"
    store.enqueue([date(2025, 11, 1)])
    jobs = HistoryJobs(store, backfill_days=0)
    assert jobs.step() and old.exists()
    store.backfill.pending.clear()
    assert jobs.daily() is False and jobs.step() is False          # 00:10: too early
    clock.now += 10 * 60                                             # 00:20 IST
    assert jobs.daily() is True and jobs.daily() is False            # once a day
    assert store.backfill.pending == [date(2025, 11, 20)]
    assert jobs.step() and reports.asked[-1] == ("2025-11-20", "2025-11-20")
    assert store.days.has(date(2025, 11, 20)) and store.status()["backfill"]["pending"] == 0
    assert not old.exists()                                          # older than keep_days: pruned
    # the job is on `schedule`, once a minute
    assert [j.interval for j in jobs.scheduler.jobs] == [1] and jobs.scheduler.jobs[0].unit == "minutes"


def test_backfill_progress_and_browsers_go_first(history_dir, cloud, auth, monkeypatch):
    reports = Reports(cloud, month_text())
    app = app_for(history_dir)
    gw, client = app.extensions[EXTENSION], app.test_client()
    gw.store.clock = Clock(datetime(2025, 11, 30, 12, 0, tzinfo=IST))
    jobs = HistoryJobs(gw.store, backfill_days=3)
    jobs.queue_backfill()
    status = client.get("/api/history/status", headers=auth).get_json()
    assert status["days_stored"] == 0 and status["backfill"]["pending"] == 3
    assert jobs.step()
    assert reports.asked == [("2025-11-29", "2025-11-29")]            # newest first, a day at a time
    status = client.get("/api/history/status", headers=auth).get_json()
    assert (status["days_stored"], status["backfill"]["pending"]) == (1, 2)

    # a browser waiting for the cloud: the backfill does not start another download
    gw.store.priority._browsers = 1
    assert jobs.step() is False and len(reports.asked) == 1
    # ... and one arriving mid-download stops it; the day is tried again later
    gw.store.priority._browsers = 0
    real = reports.download

    def browser_arrives(request):
        gw.store.priority._browsers = 1
        return real(request)
    cloud.remove(responses.GET, S3_BASE)
    cloud.add_callback(responses.GET, S3_BASE, callback=browser_arrives)
    assert jobs.step() is False and not gw.store.days.has(date(2025, 11, 28))
    gw.store.priority._browsers = 0
    cloud.remove(responses.GET, S3_BASE)
    cloud.add_callback(responses.GET, S3_BASE, callback=real)
    assert jobs.step() and jobs.step() and jobs.step() is False
    status = client.get("/api/history/status", headers=auth).get_json()
    assert (status["days_stored"], status["backfill"]["pending"], status["oldest"]) == (3, 0, "2025-11-27")

    # a cloud failure is shown, and the day stays queued
    jobs.store.enqueue([date(2025, 11, 26)])
    cloud.replace(responses.GET, REPORT_URL, status=500)
    assert jobs.step() is False
    status = client.get("/api/history/status", headers=auth).get_json()
    assert status["backfill"]["pending"] == 1
    assert status["backfill"]["last_error"] == "2025-11-26: device cloud returned 500 (report)"


def test_with_the_worker_running_a_view_does_not_wait_for_todays_report(history_dir, cloud, auth):
    today, midnight, now = today_so_far()
    reports = Reports(cloud, sim_csv(midnight, now, step=10))
    app = app_for(history_dir)
    gw, client = app.extensions[EXTENSION], app.test_client()
    gw.store.clock = lambda: float(now)
    jobs = HistoryJobs(gw.store, backfill_days=0)
    gw.store.background = True                    # as HistoryJobs.start() sets it
    seen = range((now - 600) // 10 * 10, now - 5, 10)
    for ts in seen:
        gw.on_frame(cloud_frame(ts))
    url = f"/api/history?start={today}&end={today}&buckets=24"
    first = client.get(url, headers=auth).get_json()
    assert reports.asked == [] and first["today_pending"] is True and first["rows"] == len(seen)
    assert jobs.step() and reports.asked == [(today.isoformat(), today.isoformat())]
    again = client.get(url.replace("=24", "=100"), headers=auth).get_json()
    assert again["today_pending"] is False and again["rows"] == len(range(midnight, now + 1, 10))
    assert jobs.step() is False and len(reports.asked) == 1       # once per process


def test_with_the_worker_running_a_cold_view_answers_first_and_the_worker_stores(history_dir, cloud, auth):
    reports = Reports(cloud, month_text())
    app = app_for(history_dir)
    gw, client = app.extensions[EXTENSION], app.test_client()
    jobs = HistoryJobs(gw.store, backfill_days=0)
    gw.store.background = True
    cold = client.get(f"/api/history?{NOV}", headers=auth).get_json()
    assert cold["rows"] == 30 * 288 and gw.store.status()["days_stored"] == 0
    assert len(list((history_dir / "spool").iterdir())) == 1          # kept for the worker
    assert jobs.step() and gw.store.status()["days_stored"] == 30
    assert list((history_dir / "spool").iterdir()) == []
    stored = app_for(history_dir).test_client().get(f"/api/history?{NOV}", headers=auth).get_json()
    assert_same_series(stored["series"], cold["series"])
    assert reports.asked == [("2025-11-01", "2025-11-30")]


def test_a_full_disk_before_the_download_is_a_clear_507(history_dir, cloud, auth, monkeypatch):
    Reports(cloud, month_text())
    client = app_for(history_dir).test_client()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(cloud_fetch.tempfile, "mkstemp", full)
    resp = client.get("/api/history?start=2025-11-03&end=2025-11-04", headers=auth)
    assert resp.status_code == 507 and resp.get_json() == {
        "error": "the history store's disk is full (XO2_HISTORY_DIR): free some space"}
    assert client.get("/api/health").get_json()["history"]["ok"] is False


class Monotonic:
    """history_jobs' view of time.monotonic, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_the_backfill_rests_between_days(history_dir, cloud, monkeypatch):
    reports = Reports(cloud, month_text())
    clock = Monotonic()
    monkeypatch.setattr(history_jobs, "time", clock)
    monkeypatch.setattr(history_jobs, "BACKFILL_PAUSE_S", 1.0)
    gw = app_for(history_dir).extensions[EXTENSION]
    gw.store.clock = Clock(datetime(2025, 11, 30, 12, 0, tzinfo=IST))
    jobs = HistoryJobs(gw.store, backfill_days=2)
    jobs.queue_backfill()
    assert jobs.step() and len(reports.asked) == 1
    assert jobs.step() is False and len(reports.asked) == 1          # resting
    clock.now += 1.0
    assert jobs.step() and reports.asked == [("2025-11-29", "2025-11-29"), ("2025-11-28", "2025-11-28")]


@pytest.mark.parametrize("blank_line", [False, True])    # True: the csv-module path finds the rows
def test_a_report_is_cut_into_unit_local_days_reading_the_spool_a_little_at_a_time(
        tmp_path, monkeypatch, blank_line):
    """Each day's CSV is the header plus its rows as sent, in the order sent, read from the
    spool in small pieces: rows of two days interleaved, a blank line inside a day kept, an
    unended last row ended."""
    monkeypatch.setattr(report_split, "SCAN_BYTES", 97)        # many pieces per row
    header, *rows = month_text(step=3600, first=date(2025, 11, 3), last=date(2025, 11, 4)).splitlines(True)

    def day_of(row: str) -> str:
        return row.split('","')[3][:10]                     # the date column is unit-local
    late = next(k for k in range(1, len(rows)) if day_of(rows[k - 1]) != day_of(rows[k]))
    rows.insert(late + 2, rows.pop(late - 1))              # a day's last row after the next one's start
    rows[-1] = rows[-1].rstrip("\n")
    want: dict[str, str] = {}
    for k, row in enumerate(rows):
        want[day_of(row)] = want.get(day_of(row), header) + row.rstrip("\n") + "\n"
        if blank_line and k == 10:
            want[day_of(row)] += "\n"
    assert day_of(rows[10]) == day_of(rows[11])
    spool = tmp_path / "report.csv"
    spool.write_text(header + "".join(rows[:11]) + ("\n" if blank_line else "") + "".join(rows[11:]))
    cols, split = report_split.split_days(spool, IST, len(rows), threads=False)
    assert len(cols["ts"]) == len(rows) and len(split) == 4     # two hours into each neighbour, too
    got = {(date(1970, 1, 1) + timedelta(days=dn)).isoformat(): bytes(part).decode()
           for dn, (part, _) in split.items()}
    assert got == want
    _, threaded = report_split.split_days(spool, IST, len(rows), threads=True)
    assert {d: (bytes(part), len(c["ts"])) for d, (part, c) in threaded.items()} == {
        d: (bytes(part), len(c["ts"])) for d, (part, c) in split.items()}


# -- relays i1..i8 (store format 2) ---------------------------------------------------------------
def test_relays_from_the_sockets_frames_are_served_as_the_share_on(history_dir, cloud, auth):
    today, midnight, now = today_so_far()
    reports = Reports(cloud, sim_csv(midnight, now, step=10))
    app = app_for(history_dir)
    gw, client = app.extensions[EXTENSION], app.test_client()
    gw.store.clock = lambda: float(now)
    frames = range(midnight, now - 5, 10)
    for ts in frames:       # relay 2 ON the first 15 minutes of each hour (as the unit sends: 0.0/1.0)
        gw.on_frame(cloud_frame(ts, i2=1.0 if (ts - midnight) % 3600 < 900 else 0.0))
    body = client.get(f"/api/history?start={today}&end={today}&buckets=24", headers=auth).get_json()
    assert reports.asked == [] and body["bucket_s"] == 3600
    i2 = body["series"]["i2"]
    hours_so_far = (now - midnight) // 3600          # whole hours already past
    assert i2["mean"][:hours_so_far] == [0.25] * hours_so_far
    assert i2["min"][:hours_so_far] == [0] * hours_so_far and i2["max"][:hours_so_far] == [1] * hours_so_far
    assert body["series"]["i1"]["mean"][0] == 1.0 and body["series"]["i8"]["mean"][0] == 0.0


def _as_format_1(days: Path, day: date) -> None:
    """Turn a stored day into what the store wrote before it kept relays: raw and cell files
    without the i1..i8 columns, a manifest of format 1 over them (its CSV untouched)."""
    manifest = json.loads((days / f"{day}.json").read_text())
    for kind, suffix in day_manifest.KINDS.items():
        path = days / f"{day}{suffix}"
        if kind == "csv":
            continue
        if kind == "raw":
            table = pq.read_table(path)
        else:
            table = feather.read_table(path)
        table = table.select([n for n in table.column_names if not n.split(".")[0].startswith("i")])
        if kind == "raw":
            pq.write_table(table, path, compression="zstd")
        else:
            feather.write_feather(table, path, compression=day_codecs.CELL_COMPRESSION[kind])
        data = path.read_bytes()
        manifest["files"][kind] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest["format"] = 1
    (days / f"{day}.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("buckets", [72, 4999])      # from 10-minute cells, from raw rows
def test_an_old_format_day_gets_its_relays_from_its_stored_csv_without_a_cloud_call(
        history_dir, cloud, auth, buckets):
    reports = Reports(cloud, month_text(first=date(2025, 11, 1), last=date(2025, 11, 3)))
    url = f"/api/history?start=2025-11-01&end=2025-11-03&buckets={buckets}"
    first = app_for(history_dir).test_client().get(url, headers=auth).get_json()
    assert first["series"]["i1"]["mean"][0] == 1.0
    days = history_dir / "days"
    _as_format_1(days, date(2025, 11, 2))
    # an old store without a time zone to read the CSV with serves the old day's relays as null
    old = DayFiles(days)
    cells = old.cells(date(2025, 11, 2), 600)
    assert "i1.n" not in cells and json.loads((days / "2025-11-02.json").read_text())["format"] == 1
    nulls = aggregate_cells(cells, Window.for_days(date(2025, 11, 2), date(2025, 11, 2), IST, 24))
    assert nulls["series"]["i1"]["mean"] == [None] * 24 and None not in nulls["series"]["d1"]["mean"]

    asked = list(reports.asked)
    again = app_for(history_dir).test_client().get(url, headers=auth).get_json()
    assert reports.asked == asked                           # no cloud call: rebuilt from the CSV
    assert_same_series(again["series"], first["series"])
    manifest = json.loads((days / "2025-11-02.json").read_text())
    assert manifest["format"] == day_manifest.FORMAT
    assert "i1.n" in DayFiles(days).cells(date(2025, 11, 2), 600)


def test_an_old_format_day_without_a_readable_csv_is_fetched_again(history_dir, cloud, auth):
    reports = Reports(cloud, month_text(first=date(2025, 11, 1), last=date(2025, 11, 1)))
    url = "/api/history?start=2025-11-01&end=2025-11-01"
    app_for(history_dir).test_client().get(url, headers=auth)
    days = history_dir / "days"
    _as_format_1(days, date(2025, 11, 1))
    (days / "2025-11-01.csv.zst").write_bytes(b"damaged")
    body = app_for(history_dir).test_client().get(url, headers=auth).get_json()
    assert len(reports.asked) == 2 and body["series"]["i1"]["mean"][0] == 1.0   # never served half


def test_a_frames_file_begun_without_relays_is_rewritten_with_them(history_dir):
    store = HistoryStore(history_dir, IST, None, keep_days=400, gap_s=60)
    ts = int(time.time())
    day = datetime.fromtimestamp(ts, IST).date()
    path = history_dir / "today" / f"{day}.frames.csv"
    path.write_text("ts,d1,d8\n" f"{ts - 20}.0,900.0,450.0\n")        # the old header: no relays
    store.today.append(cloud_frame(ts, i2=1.0))
    header, old_row, new_row = path.read_text().splitlines()
    assert header.split(",")[-8:] == [f"i{n}" for n in range(1, 9)]
    rows = store.today.rows(day)
    assert rows["ts"].tolist() == [ts - 20, ts] and rows["d1"][0] == 900.0
    assert np.isnan(rows["i2"][0]) and rows["i2"][1] == 1.0


def test_today_is_the_stores_clock_for_every_part_of_the_gateway(history_dir, cloud, auth):
    """One "today": the route's future check, the cache's TTL and the store all read the
    store's clock (history/calendar.py), so moving it moves all of them."""
    Reports(cloud, month_text())
    app = app_for(history_dir)
    gw, client = app.extensions[EXTENSION], app.test_client()
    gw.store.clock = Clock(datetime(2025, 11, 30, 12, 0, tzinfo=IST))
    assert gw.today() == gw.store.today_date() == date(2025, 11, 30)
    future = client.get("/api/history?start=2025-12-01&end=2025-12-01", headers=auth)
    assert future.status_code == 400 and future.get_json()["field"] == "start"
    # frames reach today's log through the store's own method
    gw.on_frame(cloud_frame(int(gw.store.clock())))
    assert (history_dir / "today" / "2025-11-30.frames.csv").exists()
