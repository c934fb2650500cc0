"""Calendar-aligned buckets (issue 23, SPEC 10/12): a year as 365/366 daily points from IST
midnights, a month as 4-hourly or hourly points aligned to 00/04/08.. local, a size asked for
directly; the configured zone is used (Europe/Berlin across its summer-time changes)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from gateway_svc.history import Window, history_from_csv

from .conftest import day_bounds, mock_report, sim_csv
from .test_gw_history import assert_matches_reference, reference
from .test_gw_history_store import NOV, Reports, app_for, history_dir, month_text, no_quiet_wait  # noqa: F401

IST = ZoneInfo("Asia/Kolkata")
BERLIN = ZoneInfo("Europe/Berlin")


def local(t: int, tz: ZoneInfo = IST) -> datetime:
    return datetime.fromtimestamp(t, tz)


def test_a_year_is_365_or_366_daily_buckets_from_ist_midnights(client, auth, cloud):
    mock_report(cloud, '"d","ts","d1"\n')
    for first, last, days in [("2025-01-01", "2025-12-31", 365), ("2024-01-01", "2024-12-31", 366)]:
        body = client.get(f"/api/history?start={first}&end={last}", headers=auth).get_json()   # hint 500
        assert body["bucket_s"] == 86_400 and len(body["t"]) == days
        assert [local(t).date() for t in body["t"]] == [
            date.fromisoformat(first) + timedelta(days=k) for k in range(days)]
        assert all(local(t).time() == time(0) for t in body["t"])
        assert all(len(s["mean"]) == days for s in body["series"].values())
    # weekly when asked: Mondays' midnights, the first bucket at the range's start
    body = client.get("/api/history?start=2025-01-01&end=2025-12-31&bucket_s=604800", headers=auth).get_json()
    assert body["bucket_s"] == 604_800 and len(body["t"]) == 53
    assert local(body["t"][0]).date() == date(2025, 1, 1)
    assert all(local(t).weekday() == 0 and local(t).time() == time(0) for t in body["t"][1:])


def test_a_month_is_4_hourly_or_hourly_aligned_to_local_hours(history_dir, cloud, auth):  # noqa: F811
    text = month_text()
    Reports(cloud, text)
    client = app_for(history_dir).test_client()
    four = client.get(f"/api/history?{NOV}", headers=auth).get_json()          # the default hint, 500
    hourly = client.get(f"/api/history?{NOV}&buckets=720", headers=auth).get_json()
    asked = client.get(f"/api/history?{NOV}&bucket_s=3600", headers=auth).get_json()
    assert (four["bucket_s"], len(four["t"])) == (14_400, 180)
    assert [local(t).hour for t in four["t"][:7]] == [0, 4, 8, 12, 16, 20, 0]
    assert all(local(t).minute == 0 and local(t).hour % 4 == 0 for t in four["t"])
    assert (hourly["bucket_s"], len(hourly["t"])) == (3600, 720) and asked == hourly
    assert all(local(t).minute == 0 for t in hourly["t"])
    # from the store's cells, equal to a per-row computation over the same calendar buckets
    for body in (four, hourly):
        window = Window.for_days(date(2025, 11, 1), date(2025, 11, 30), IST, bucket_s=body["bucket_s"])
        assert body["t"] == window.bucket_starts()
        assert_matches_reference(body, reference(text, window))


def test_the_configured_zone_is_used_across_summer_time_changes():
    # spring: 02:00-03:00 does not exist (a 23-hour day); autumn: 02:00-03:00 twice (25 hours)
    spring = Window.for_days(date(2026, 3, 29), date(2026, 3, 29), BERLIN, bucket_s=3600)
    autumn = Window.for_days(date(2026, 10, 25), date(2026, 10, 25), BERLIN, bucket_s=3600)
    assert spring.buckets == 23 and autumn.buckets == 25
    assert [local(t, BERLIN).hour for t in spring.edges[:4]] == [0, 1, 3, 4]
    assert [local(t, BERLIN).strftime("%H %Z") for t in autumn.edges[1:5]] == ["01 CEST", "02 CEST", "02 CET", "03 CET"]
    # 4 h buckets keep the wall clock (00, 04, 08 ...) on both sides of a change
    four = Window.for_days(date(2026, 10, 24), date(2026, 10, 26), BERLIN, bucket_s=14_400)
    assert [local(t, BERLIN).hour for t in four.edges] == [0, 4, 8, 12, 16, 20] * 3
    assert four.edges[7] - four.edges[6] == 5 * 3600               # 00:00 CEST -> 04:00 CET
    # days start at local midnight (23 h, 25 h long), and the cells still tile them
    days = Window.for_days(date(2026, 3, 28), date(2026, 3, 30), BERLIN, bucket_s=86_400)
    assert [b - a for a, b in zip(days.edges, (*days.edges[1:], days.end_ts))] == [86_400, 82_800, 86_400]
    assert days.cell_s == 600 and all(local(t, BERLIN).time() == time(0) for t in days.edges)
    # rows across the change land in the right wall-clock bucket
    start, end = day_bounds(date(2026, 10, 25), BERLIN)
    text = sim_csv(start - 600, end + 600, step=60)
    got = history_from_csv(text.encode(), autumn, BERLIN)
    assert got["t"] == list(autumn.edges) and got["rows"] == 25 * 60
    assert_matches_reference(got, reference(text, autumn))


def test_a_bucket_size_over_5000_points_or_not_a_calendar_size_is_refused(client, auth, cloud):
    for query, words in [("bucket_s=60&start=2025-11-01&end=2025-11-30", "more than 5000 points"),
                         ("bucket_s=7200&start=2025-11-01&end=2025-11-30", "3600 (1 h), 14400 (4 h)")]:
        resp = client.get(f"/api/history?{query}", headers=auth)
        assert resp.status_code == 400 and resp.get_json()["field"] == "bucket_s"
        assert words in resp.get_json()["error"]
    assert len(cloud.calls) == 0
