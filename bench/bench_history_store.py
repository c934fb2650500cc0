#!/usr/bin/env python3
"""#9 History store: month and year views over a plant's slow link (SPEC section 10).

The simulator serves report CSVs at --s3-bytes-per-s (default 1 MB/s, a plant's link; a day
of 10 s frames is ~3 MB), counting the bytes it sends. One history directory
(bench/out/history-store/) lives through four phases, the console restarted between them:

  A. empty store, no backfill: the Analytics month view (30 days ending today, 360 buckets)
     fetches its 29 past days from the cloud (and today's part in the background);
  B. a restart with the 31-day backfill: once done, the month view, then another bucket count;
  C. the store seeded with a year of past days (the store's own ingestion of the simulator's
     CSV, re-dated), a restart: the month view, then the year view (365 days, a hint of 500:
     365 daily buckets), then the month as the people's CSV at every=300 (SPEC 12).

Per view: its time through nginx, and the report bytes the cloud sent because of it (until
the simulator's count settles: today's missed part is fetched in the background). Targets:
after backfill a month view <= 300 ms and a year view <= 1 s, each with <= 1 day of CSV
fetched (a restarted gateway fetches today's part once; 0 when its socket saw all of today).

    .venv/bin/python bench/bench_history_store.py [--s3-bytes-per-s 1e6] [--year-days 365]
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from common import IST, OUT, BenchStack, Report, get_json, http, log, login

DAY_ROWS = 8640


def history_url(stack: BenchStack, start: date, end: date, buckets: int, direct: bool = False) -> str:
    base = stack.gateway_direct if direct else stack.url
    return f"{base}/api/history?start={start.isoformat()}&end={end.isoformat()}&buckets={buckets}"


def settled_bytes(stack: BenchStack, token: str, quiet_s: float = 3.0, limit_s: float = 300) -> int:
    """The simulator's download byte count once it stopped moving and the store is idle."""
    deadline = time.monotonic() + limit_s
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = get_json(f"{stack.sim_url}/__sim/state")["download_bytes"]
        status = get_json(f"{stack.url}/api/history/status", token)
        if now != last or status["backfill"]["running"]:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return now
        time.sleep(0.5)
    raise TimeoutError("the cloud downloads never settled")


def view(stack: BenchStack, token: str, url: str) -> tuple[float, int, dict]:
    """(ms, bytes the cloud sent for it, body) of one history view."""
    before = settled_bytes(stack, token)
    t0 = time.perf_counter()
    status, _, body = http(url, token=token, timeout=600, headers={"Accept-Encoding": "identity"})
    ms = (time.perf_counter() - t0) * 1000
    if status != 200:
        raise RuntimeError(f"history answered {status}: {body[:300]!r}")
    return ms, settled_bytes(stack, token) - before, json.loads(body)


def wait_status(stack: BenchStack, token: str, done, what: str, limit_s: float = 600) -> dict:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        status = get_json(f"{stack.url}/api/history/status", token)
        if done(status):
            return status
        time.sleep(1)
    raise TimeoutError(f"history store: {what} never happened")


def seed_year(folder: Path, today: date, days: int) -> int:
    """Store past days today-days .. today-32 the way the gateway does (split_days +
    DayFiles.put), from one simulator day re-dated: ~0.1 s a day instead of ~0.4 s to
    generate each. Returns how many days were added."""
    from devicecloud.sim.report_csv import report_csv_lines
    from gateway_svc.history.calendar import day_number
    from gateway_svc.history.day_files import DayFiles
    from gateway_svc.history.report_split import split_days
    store = DayFiles(folder)
    first = today - timedelta(days=days)
    t0 = int(datetime(first.year, first.month, first.day, tzinfo=IST).timestamp())
    lines = list(report_csv_lines("BTTE1250001", t0, t0 + 86400 - 1))
    header, rows = lines[0], [ln.split('","', 4) for ln in lines[1:]]
    added = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "day.csv"
        for k in range(days - 31):
            day = first + timedelta(days=k)
            if store.has(day):
                continue
            shift, when = k * 86400, day.isoformat()
            path.write_text(header + "".join(f'{d}","{dev}","{int(float(ts)) + shift}.0","{when}{dt[10:]}","{rest}'
                                             for d, dev, ts, dt, rest in rows))
            _, split = split_days(path, IST, DAY_ROWS)
            store.put(day, *split[day_number(day)])
            added += 1
    return added


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--s3-bytes-per-s", type=float, default=1e6, help="the report link's bandwidth")
    ap.add_argument("--year-days", type=int, default=365, help="days of the year view")
    args = ap.parse_args()
    report = Report("history_store")
    folder = OUT / "history-store"
    shutil.rmtree(folder, ignore_errors=True)
    sim_args = ["--s3-bytes-per-s", f"{args.s3_bytes_per_s:g}"]
    env = {"XO2_HISTORY_DIR": str(folder)}
    today = datetime.now(IST).date()
    month = (today - timedelta(days=29), today)
    day_mb = DAY_ROWS * 346 / 1e6           # a day of the simulator's CSV: ~346 bytes a row

    # A: an empty store, no backfill
    with BenchStack("history_store", sim_period=10, sim_args=sim_args,
                    env={**env, "XO2_HISTORY_BACKFILL_DAYS": "0"}) as stack:
        token = login(stack.url)
        log("A: month view, empty store (the cloud at %.1f MB/s) ..." % (args.s3_bytes_per_s / 1e6))
        # at the gateway's own port: this view is longer than most proxies wait (nginx here: 300 s)
        ms, sent, body = view(stack, token, history_url(stack, *month, 360, direct=True))
        log(f"A: {ms:.0f} ms, {sent / 1e6:.1f} MB from the cloud, {body['rows']:,} rows")
        report.info("month view, empty store (before any backfill; at the gateway's port)", round(ms), "ms")
        report.info("  bytes from the cloud for it", round(sent / 1e6, 1), f"MB ({sent / 1e6 / day_mb:.1f} days of CSV)")
        wait_status(stack, token, lambda s: s["days_stored"] >= 29, "the month stored")

    # B: restart with the backfill
    with BenchStack("history_store", sim_period=10, sim_args=sim_args,
                    env={**env, "XO2_HISTORY_BACKFILL_DAYS": "31"}) as stack:
        token = login(stack.url)
        t0 = time.monotonic()
        status = wait_status(stack, token, lambda s: s["days_stored"] >= 31 and not s["backfill"]["pending"]
                             and not s["backfill"]["running"], "the backfill")
        log(f"B: backfill done in {time.monotonic() - t0:.0f} s: {status['days_stored']} days, "
            f"{status['bytes'] / 1e6:.0f} MB on disk")
        report.info("store after the 31-day backfill", f"{status['days_stored']} days, "
                    f"{status['bytes'] / 1e6:.0f} MB on disk")
        ms, sent, body = view(stack, token, history_url(stack, *month, 360))
        log(f"B: month view {ms:.0f} ms, {sent / 1e6:.2f} MB from the cloud")
        report.figure("month view after backfill", round(ms), "ms", "<= 300 ms", ms <= 300)
        report.figure("  bytes from the cloud for it", round(sent / 1e6, 2), "MB",
                      f"<= 1 day of CSV ({day_mb:.1f} MB)", sent <= day_mb * 1e6)
        ms2, sent2, _ = view(stack, token, history_url(stack, *month, 720))      # hourly, not 4-hourly
        report.info("month view again (other buckets, today's part already fetched)",
                    f"{ms2:.0f} ms, {sent2 / 1e6:.2f} MB from the cloud")

    # C: a year of past days, then a restart
    t0 = time.monotonic()
    added = seed_year(folder / "days", today, args.year_days)
    log(f"C: seeded {added} older days in {time.monotonic() - t0:.0f} s")
    with BenchStack("history_store", sim_period=10, sim_args=sim_args,
                    env={**env, "XO2_HISTORY_BACKFILL_DAYS": "31"}) as stack:
        token = login(stack.url)
        status = get_json(f"{stack.url}/api/history/status", token)
        report.info("store before the year view", f"{status['days_stored']} days, {status['bytes'] / 1e6:.0f} MB on disk")
        ms, sent, _ = view(stack, token, history_url(stack, *month, 360))
        report.figure("month view after a gateway restart", round(ms), "ms", "<= 300 ms", ms <= 300)
        report.figure("  bytes from the cloud for it (today's part, once)", round(sent / 1e6, 2), "MB",
                      f"<= 1 day of CSV ({day_mb:.1f} MB)", sent <= day_mb * 1e6)
        year = (today - timedelta(days=args.year_days - 1), today)
        ms, sent, body = view(stack, token, history_url(stack, *year, 500))
        log(f"C: year view {ms:.0f} ms, {sent / 1e6:.2f} MB, {body['rows']:,} rows, "
            f"{body['days_pending']} days pending")
        report.figure(f"year view from the store ({args.year_days} days, {len(body['t'])} buckets)",
                      round(ms), "ms", "<= 1000 ms", ms <= 1000 and body["days_pending"] == 0)
        report.figure("  bytes from the cloud for it", round(sent / 1e6, 2), "MB",
                      f"<= 1 day of CSV ({day_mb:.1f} MB)", sent <= day_mb * 1e6)
        report.info("  rows in the year view", body["rows"])
        # the people's CSV (SPEC 12) of the month at 5 minutes, from the same store
        t0 = time.perf_counter()
        status_code, _, csv_body = http(f"{stack.url}/api/report.csv?startDate={month[0].isoformat()}"
                                        f"&endDate={month[1].isoformat()}&every=300", token=token, timeout=120)
        ms = (time.perf_counter() - t0) * 1000
        if status_code != 200:
            raise RuntimeError(f"people's CSV answered {status_code}: {csv_body[:300]!r}")
        report.info("people's CSV, the month at every=300", round(ms), "ms")
        report.figure("  its size", round(len(csv_body) / 1e6, 2), "MB", "<= 3 MB", len(csv_body) <= 3e6)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
