#!/usr/bin/env python3
"""#4 Month history: GET /api/history over a 30-day, 259,200-row report CSV.

The CSV is the simulator's own (devicecloud.sim.generator: the same generator behind its
download links) for the 30 IST days ending yesterday (whole past days: the gateway's history
store asks the cloud for them in one report call, and today comes from its socket),
generated once a day into bench/out/csv/ (~90 MB).
The simulator's report links are pointed (bench/simrun.py --report-base) at a static nginx
serving that file, the way S3 serves a finished Athena result: the simulator would otherwise
regenerate the 90 MB on every download at Python speed (~15 s), which measures the
simulator, not the gateway. The file is read once before timing so it is in the page cache.

Cold: the first request for the month with an empty history store and nothing cached: report
call + 90 MB download + parse + aggregation, through nginx (the store keeps the days after
the reply). Then --cold - 1 more requests with other bucket sizes (new cache keys), served
from the store (bench_history_store.py measures the store itself). Warm: --warm requests
for the same range (served from the gateway's cache), p95 and median. Size: the JSON body
as the gateway sends it (uncompressed) at the default hint of 500 (a month: 180 4-hour buckets); nginx's gzip size shown too.

    .venv/bin/python bench/bench_history.py [--cold 3] [--warm 50]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timedelta

from common import IST, BenchStack, Report, http, log, login, median, month_csv, percentile


def timed_get(url: str, token: str, **kw) -> tuple[float, int, dict, bytes]:
    t0 = time.perf_counter()
    status, headers, body = http(url, token=token, timeout=60, **kw)
    return (time.perf_counter() - t0) * 1000, status, headers, body


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cold", type=int, default=3, help="cold loads (each a new cache key)")
    ap.add_argument("--warm", type=int, default=50, help="warm requests")
    args = ap.parse_args()
    report = Report("history")
    yesterday = datetime.now(IST).date() - timedelta(days=1)
    csv_path, first, last, rows = month_csv(30, last=yesterday)
    with open(csv_path, "rb") as f:                   # into the page cache, as S3 would have it
        while f.read(1 << 22):
            pass
    with BenchStack("history", sim_period=10, report_file=csv_path,
                    env={"XO2_HISTORY_BACKFILL_DAYS": "0"}) as stack:
        token = login(stack.url)
        base = f"{stack.url}/api/history?start={first.isoformat()}&end={last.isoformat()}"
        identity = {"Accept-Encoding": "identity"}
        colds = []
        for k in range(args.cold):
            # then other calendar sizes (each a new cache key): hourly, daily, 15 and 30 min
            url = base if k == 0 else f"{base}&bucket_s={(3600, 86400, 900, 1800)[(k - 1) % 4]}"
            ms, status, _, body = timed_get(url, token, headers=identity)
            if status != 200:
                raise RuntimeError(f"history answered {status}: {body[:300]!r}")
            doc = json.loads(body)
            log(f"cold load {k + 1} ({doc['bucket_s']} s buckets): {ms:.0f} ms, {doc['rows']:,} rows")
            colds.append((ms, doc))
        warm, size, x_cache = [], 0, set()
        for _ in range(args.warm):
            ms, status, headers, body = timed_get(base, token, headers=identity)
            warm.append(ms)
            size = len(body)
            x_cache.add(headers.get("X-Cache"))
        _, gz_headers, gz_body = http(base, token=token, headers={"Accept-Encoding": "gzip"})

    doc = colds[0][1]
    report.info("report CSV", f"{rows:,} rows, {csv_path.stat().st_size / 1e6:.0f} MB",
                f"({first} .. {last})")
    report.info("rows aggregated", doc["rows"], f"into {len(doc['t'])} buckets of {doc['bucket_s']} s")
    report.info("loads at other bucket counts (from the history store)",
                ", ".join(f"{ms:.0f}" for ms, _ in colds[1:]) or "-", "ms")
    cold = colds[0][0]
    report.figure("cold (store empty: the month from the cloud)", round(cold), "ms", "<= 1000 ms",
                  cold <= 1000 and doc["rows"] == rows and all(d["rows"] == rows for _, d in colds))
    report.info("warm median", round(median(warm), 1), "ms")
    report.info("warm X-Cache", ",".join(sorted(str(x) for x in x_cache)))
    p95 = percentile(warm, 95)
    report.figure(f"warm p95 ({args.warm} requests)", round(p95, 1), "ms", "<= 20 ms",
                  p95 <= 20 and x_cache == {"hit"})
    gz = len(gz_body) if gz_headers.get("Content-Encoding") == "gzip" else None
    report.info("response gzip (as nginx sends it)", f"{gz / 1024:.0f}" if gz else "n/a", "KB")
    report.figure("response size (uncompressed JSON)", round(size / 1024, 1), "KB", "<= 200 KB",
                  size <= 200 * 1024)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
