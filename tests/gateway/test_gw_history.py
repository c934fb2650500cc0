"""GET /api/history: the report CSV aggregated into min/mean/max buckets (issue item 6)."""
from __future__ import annotations

import bisect
import csv
import io
import json
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import responses

from devicecloud.channels import BY_CODE, HISTORY_CODES, RELAY_IDS, SENSOR_CODES
from gateway_svc.gateway import HISTORY_PAST_TTL_S
from gateway_svc.history import ReportFormatError, Window, history_from_csv

from .conftest import ALIAS, REAL, S3_LINK, day_bounds, mock_report, sim_csv

IST = ZoneInfo("Asia/Kolkata")
DAY = 86_400


# -- the reference: a straightforward per-row computation ----------------------------------------
def reference(csv_text: str, window: Window) -> dict[str, dict[str, list]]:
    buckets: dict[str, list[list[float]]] = {c: [[] for _ in range(window.buckets)] for c in HISTORY_CODES}
    for row in csv.DictReader(io.StringIO(csv_text)):
        try:
            ts = float(row["ts"])
        except ValueError:
            continue
        if not window.start_ts <= ts < window.end_ts:
            continue
        b = bisect.bisect_right(window.edges, ts) - 1     # the bucket starting last at or before ts
        for code in HISTORY_CODES:
            try:
                buckets[code][b].append(float(row.get(code) or "x"))
            except ValueError:
                pass
    return {code: {"min": [min(v) if v else None for v in vals],
                   "mean": [sum(v) / len(v) if v else None for v in vals],
                   "max": [max(v) if v else None for v in vals]}
            for code, vals in buckets.items()}


def assert_matches_reference(got: dict, ref: dict) -> None:
    for code, stats in ref.items():
        digits = BY_CODE[code].precision
        for name, want in stats.items():
            have = got["series"][code][name]
            places = (2 if code in RELAY_IDS else digits + 1) if name == "mean" else digits
            assert len(have) == len(want)
            for h, w in zip(have, want):
                if w is None:
                    assert h is None, (code, name)
                else:   # equal once rounded to the channel's precision
                    assert abs(h - w) <= 0.5 * 10 ** -places + 1e-9, (code, name, h, w)
                    if places == 0:
                        assert isinstance(h, int)


def test_window_cuts_unit_local_days_into_calendar_buckets():
    w = Window.for_days(date(2025, 12, 1), date(2025, 12, 30), IST, 500)
    assert w.start_ts == int(datetime(2025, 12, 1, tzinfo=IST).timestamp()) == 1764527400
    assert w.end_ts - w.start_ts == 30 * DAY
    # the finest calendar size giving at most 500 points: 4 h (1 h would be 720)
    assert w.bucket_s == 4 * 3600 and w.buckets == 180 and len(w.bucket_starts()) == 180
    assert w.cell_s == 600
    assert Window.for_days(date(2025, 12, 1), date(2025, 12, 30), IST, 720).bucket_s == 3600
    assert Window.for_days(date(2025, 12, 1), date(2025, 12, 1), IST, 5000).cell_s == 60      # 1 min
    assert Window.for_days(date(2025, 12, 1), date(2025, 12, 1), IST, 300).bucket_s == 300    # 288
    assert Window.for_days(date(2025, 12, 1), date(2025, 12, 1), IST, 7).bucket_s == 4 * 3600  # 6 of them
    assert Window.for_days(date(2025, 12, 1), date(2025, 12, 1), IST, 5).buckets == 1        # a day
    assert Window.for_days(date(2025, 12, 1), date(2025, 12, 7), IST, 168).bucket_s == 3600   # a week


def _quoted(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def test_aggregation_equals_the_reference_on_a_small_csv():
    w = Window.for_days(date(2025, 12, 1), date(2025, 12, 1), IST, 24)
    # 1 min rows from 10 min before the day to 10 min after it
    rows = list(csv.reader(io.StringIO(sim_csv(w.start_ts - 600, w.end_ts + 600, step=60))))
    col = {name: i for i, name in enumerate(rows[0])}
    hour3 = range(w.start_ts + 3 * 3600, w.start_ts + 4 * 3600)
    rows = [r for r in rows if r[0] == "d" or int(float(r[col["ts"]])) not in hour3]
    rows[40][col["d1"]] = ""            # an empty value
    rows[41][col["d3"]] = "n/a"         # junk text
    rows[42][col["ts"]] = ""            # a row without time
    rows[43][col["d5"]] = "NULL"
    rows[44][col["d6"]] = "err"         # junk no CSV reader takes for a null
    rows[45][col["d7"]] = " 21.5 "      # a number with spaces around it
    text = _quoted(rows)

    got = history_from_csv(text.encode(), w, IST)
    assert got["bucket_s"] == 3600 and len(got["t"]) == 24
    assert got["t"][0] == w.start_ts and got["t"][-1] == w.start_ts + 23 * 3600
    assert got["series"]["d1"]["mean"][3] is None and got["series"]["d1"]["mean"][4] is not None
    assert got["rows"] == 24 * 60 - 60 - 1          # in-window rows with a time
    assert_matches_reference(got, reference(text, w))
    # rows out of order give the same buckets (up to the last rounded digit of a mean)
    backwards = history_from_csv(_quoted([rows[0], *rows[:0:-1]]).encode(), w, IST)
    assert backwards["rows"] == got["rows"]
    assert_matches_reference(backwards, reference(text, w))


def test_relays_are_served_as_the_share_of_each_bucket_on():
    w = Window.for_days(date(2025, 12, 1), date(2025, 12, 1), IST, 24)
    rows = list(csv.reader(io.StringIO(sim_csv(w.start_ts, w.end_ts, step=60))))
    col = {name: i for i, name in enumerate(rows[0])}
    for r in rows[1:]:
        minute = (int(float(r[col["ts"]])) - w.start_ts) // 60
        r[col["i2"]] = "1" if minute % 60 < 15 else "0"     # ON the first quarter of each hour
        r[col["i3"]] = "1" if minute < 6 * 60 else "0"      # ON the first six hours
    text = _quoted(rows)
    got = history_from_csv(text.encode(), w, IST)
    assert set(got["series"]) == set(HISTORY_CODES)
    assert got["series"]["i2"] == {"min": [0] * 24, "mean": [0.25] * 24, "max": [1] * 24}
    assert got["series"]["i3"]["mean"] == [1.0] * 6 + [0.0] * 18
    # hours ON, as the Impact report adds them up: each bucket's share x its length
    assert sum(got["series"]["i2"]["mean"]) * got["bucket_s"] / 3600 == 6.0
    assert_matches_reference(got, reference(text, w))
    # a report without relay columns (an older export) gives null relay series, not an error
    keep = [i for i, name in enumerate(rows[0]) if name not in RELAY_IDS]
    bare = history_from_csv(_quoted([[r[i] for i in keep] for r in rows]).encode(), w, IST)
    assert bare["series"]["i2"]["mean"] == [None] * 24 and bare["series"]["d1"]["mean"][0] is not None


def test_lower_cased_columns_and_a_date_only_report_are_read():
    w = Window.for_days(date(2025, 12, 1), date(2025, 12, 1), IST, 12)
    text = sim_csv(w.start_ts, w.end_ts - 1, step=300)
    ref = reference(text, w)
    header, body = text.split("\n", 1)
    lower = header.lower() + "\n" + body
    assert_matches_reference(history_from_csv(lower.encode(), w, IST), ref)
    # without ts, the unit-local `date` column gives the time
    rows = list(csv.reader(io.StringIO(text)))
    ts_col = rows[0].index("ts")
    no_ts = "".join(",".join(f'"{c}"' for i, c in enumerate(r) if i != ts_col) + "\n" for r in rows)
    assert_matches_reference(history_from_csv(no_ts.encode(), w, IST), ref)


def test_a_byte_order_mark_and_unreadable_reports():
    w = Window.for_days(date(2025, 12, 1), date(2025, 12, 1), IST, 12)
    text = sim_csv(w.start_ts, w.end_ts - 1, step=300)
    got = history_from_csv(b"\xef\xbb\xbf" + text.encode(), w, IST)      # Excel-style BOM
    assert_matches_reference(got, reference(text, w))
    with pytest.raises(ReportFormatError):      # a row wider than the header
        history_from_csv(b'"ts","d1"\n"1764527400.0","2","3"\n', w, IST)
    with pytest.raises(ReportFormatError):
        history_from_csv(b'"d","d1"\n"x","2"\n', w, IST)


def test_empty_and_header_only_reports_give_null_buckets():
    w = Window.for_days(date(2025, 12, 1), date(2025, 12, 2), IST, 10)
    for text in ["", '"d","deviceId","ts","d1"\n']:
        got = history_from_csv(text.encode(), w, IST)
        assert got["rows"] == 0 and got["series"]["d1"]["max"] == [None] * w.buckets == [None] * 2


# -- the month: 259,200 rows --------------------------------------------------------------------
def month_csv(path: Path, first: date, days: int) -> None:
    """30 days of 10 s frames in the simulator's Athena format (one sim day, re-dated)."""
    start, _ = day_bounds(first, IST)
    day_lines = sim_csv(start, start + DAY - 1).splitlines(keepends=True)
    header, rows = day_lines[0], [ln.split('","', 4) for ln in day_lines[1:]]
    with open(path, "w") as f:
        f.write(header)
        for n in range(days):
            shift, when = n * DAY, (first + timedelta(days=n)).isoformat()
            f.writelines(f'{d}","{dev}","{int(float(ts)) + shift}.0","{when}{dt[10:]}","{rest}'
                         for d, dev, ts, dt, rest in rows)


@pytest.fixture(scope="module")
def month_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("history") / "month.csv"
    month_csv(path, date(2025, 11, 1), 30)
    return path


def test_a_month_of_ten_second_rows_aggregates_in_about_a_second(month_file):
    w = Window.for_days(date(2025, 11, 1), date(2025, 11, 30), IST, 500)
    t0 = time.perf_counter()
    got = history_from_csv(month_file, w, IST)        # by path, memory-mapped, as the gateway does
    took = time.perf_counter() - t0
    size_mb = month_file.stat().st_size / 1e6
    print(f"\nhistory: {got['rows']} rows, {size_mb:.1f} MB CSV -> {len(got['t'])} buckets "
          f"in {took:.2f} s")
    assert got["rows"] == 259_200 and len(got["t"]) == 180 and got["bucket_s"] == 14_400
    for code in SENSOR_CODES:
        s = got["series"][code]
        assert len(s["min"]) == len(s["mean"]) == len(s["max"]) == 180
        assert all(lo <= mean + 0.05 and mean <= hi + 0.05
                   for lo, mean, hi in zip(s["min"], s["mean"], s["max"]))
    assert got["series"]["d1"]["mean"].count(None) == 0
    body = json.dumps({"deviceId": ALIAS, **got}, separators=(",", ":"))
    assert len(body) <= 200_000
    assert took < 6.0    # ~0.3 s on an idle dev machine; generous for a loaded CI box


# -- the route ----------------------------------------------------------------------------------
def test_history_route_aggregates_and_caches_past_ranges_long(client, auth, cloud, clock, settings):
    start, end = day_bounds(date(2025, 12, 1), IST, days=2)
    text = sim_csv(start - 3600, end + 3600, step=60)
    report, link = mock_report(cloud, text)
    url = "/api/history?start=2025-12-01&end=2025-12-02&buckets=48"
    resp = client.get(url, headers=auth)
    assert resp.status_code == 200 and resp.headers["X-Cache"] == "miss"
    body = resp.get_json()
    assert body["deviceId"] == ALIAS and (body["start"], body["end"]) == ("2025-12-01", "2025-12-02")
    assert body["bucket_s"] == 3600 and len(body["t"]) == 48 and body["stale"] is False
    assert set(body["series"]) == set(HISTORY_CODES)
    # the simulator's default relays: i1..i7 ON, i8 OFF the whole time
    assert body["series"]["i1"]["mean"] == [1.0] * 48 and body["series"]["i8"]["max"] == [0] * 48
    w = Window.for_days(date(2025, 12, 1), date(2025, 12, 2), IST, 48)
    assert_matches_reference(body, reference(text, w))
    # the unit's days, as the store keeps them
    assert report.calls[0].request.params == {"startDate": "2025-12-01", "endDate": "2025-12-02"}
    # wholly past: kept long after the short TTL
    clock.advance(settings.cache_ttl_day_s + 1)
    assert client.get(url, headers=auth).headers["X-Cache"] == "hit"
    assert link.call_count == 1
    clock.advance(HISTORY_PAST_TTL_S)
    again = client.get(url, headers=auth)
    assert again.headers["X-Cache"] == "miss" and link.call_count == 1     # from the store
    assert_matches_reference(again.get_json(), reference(text, w))
    # default hint from settings (500): 2 days as 10-minute buckets (5 min would be 576)
    body = client.get("/api/history?start=2025-12-01&end=2025-12-02", headers=auth).get_json()
    assert settings.history_buckets == 500 and body["bucket_s"] == 600 and len(body["t"]) == 288


def test_range_reaching_today_is_cached_briefly(client, auth, cloud, clock, settings):
    today = datetime.now(IST).date()
    start, _ = day_bounds(today, IST)
    _, link = mock_report(cloud, sim_csv(start, start + 3600))
    url = f"/api/history?start={(today - timedelta(days=1)).isoformat()}&end={today.isoformat()}"
    assert client.get(url, headers=auth).headers["X-Cache"] == "miss"
    clock.advance(settings.cache_ttl_day_s + 1)
    assert client.get(url, headers=auth).headers["X-Cache"] == "miss"
    # yesterday is stored; today's report is fetched once, then today comes from the socket
    assert link.call_count == 1


@pytest.mark.parametrize("query,field", [
    ("end=2025-12-02", "start"),
    ("start=2025-12-01", "end"),
    ("start=2025/12/01&end=2025-12-02", "start"),
    ("start=2025-12-01&end=2025-13-01", "end"),
    ("start=2025-12-05&end=2025-12-01", "end"),
    ("start=2024-11-30&end=2025-12-01", "end"),           # 367 days: over the limit
    ("start=2025-12-01&end=2025-12-02&buckets=9", "buckets"),
    ("start=2025-12-01&end=2025-12-02&buckets=5001", "buckets"),
    ("start=2025-12-01&end=2025-12-02&buckets=abc", "buckets"),
    ("start=2025-12-01&end=2025-12-02&buckets=-5", "buckets"),
    ("start=2999-01-01&end=2999-01-02", "start"),
    ("start=2025-12-01&end=2025-12-02&bucket_s=7200", "bucket_s"),      # not a calendar size
    ("start=2025-12-01&end=2025-12-02&bucket_s=day", "bucket_s"),
    ("start=2025-01-01&end=2025-12-31&bucket_s=300", "bucket_s"),       # 105,120 points
])
def test_bad_history_input_is_400(client, auth, cloud, query, field):
    resp = client.get(f"/api/history?{query}", headers=auth)
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["field"] == field and resp.get_json()["error"]
    assert len(cloud.calls) == 0


def test_a_year_is_accepted_and_old_missing_days_come_in_the_background(client, auth, cloud, gw, clock):
    report, _ = mock_report(cloud, '"d","ts","d1"\n')
    resp = client.get("/api/history?start=2024-11-01&end=2025-11-01", headers=auth)   # 366 days
    assert resp.status_code == 200 and resp.get_json()["rows"] == 0
    # more than 31 missing days: answered at once from the store, all of them queued
    assert report.call_count == 0
    assert resp.get_json()["days_pending"] == 366 == len(gw.store.backfill.pending)
    # a view still missing days is cached only briefly: the page sees the days as they come
    url = "/api/history?start=2024-11-01&end=2025-11-01"
    assert client.get(url, headers=auth).headers["X-Cache"] == "hit"
    clock.advance(11)
    assert client.get(url, headers=auth).headers["X-Cache"] == "miss"


def test_history_cloud_failures_are_502(client, auth, cloud, gw):
    mock_report(cloud, "<Error><Code>AccessDenied</Code></Error>", status=403)
    resp = client.get("/api/history?start=2025-12-01&end=2025-12-02", headers=auth)
    assert resp.status_code == 502 and "expired" in resp.get_json()["error"]
    cloud.replace(responses.GET, S3_LINK.split("?")[0], body='"a","b"\n"1","2"\n')
    resp = client.get("/api/history?start=2025-12-03&end=2025-12-04", headers=auth)
    assert resp.status_code == 502
    assert resp.get_json()["error"].startswith("device cloud sent an unreadable report")
    assert gw.upstream.last_error == resp.get_json()["error"].removeprefix(
        "device cloud sent an unreadable report: ")
    assert REAL not in resp.get_data(as_text=True)
