#!/usr/bin/env python3
"""#2 /api/live through nginx versus a hello-world route on the same setup.

The baseline is bench/hello_app.py: a one-route Flask app run by service_kit.serve (the
gateway's gunicorn config: one gevent worker), behind an nginx rendered from the same site
template and main config as the console's (scripts/stack.py). Both stacks run side by side
for the whole bench, so background work (frames, display pushes) is the same for both.

Load: wrk, 50 connections (keep-alive), one thread, the same Authorization header to both.
The machine is shared and noisy, so the bench runs --rounds pairs of back-to-back runs
(hello then live, live then hello, ...): each pair gives one ratio, measured under the same
conditions (short runs, so other jobs' load changes little within a pair), and the figure
is the median over the pairs; the per-target medians are shown
too. Ratios: live/hello for throughput and hello/live for p99 (higher is better for both;
target >= 0.8). The gunicorn worker's CPU time per request is shown as a steadier view of
the same cost. Without wrk (apt-get install wrk) a Python closed-loop client is used and
says so.

    .venv/bin/python bench/bench_live.py [--connections 50] [--rounds 16] [--seconds 2]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time

from common import BENCH, BenchStack, HelloStack, Report, children, http, log, login, median, percentile, raise_nofile


def wrk(url: str, token: str, connections: int, seconds: float) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
           "-s", str(BENCH / "wrk_report.lua"), "-H", f"Authorization: Bearer {token}", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("{")][-1]
    r = json.loads(line)
    return {"rps": r["requests"] / (r["duration_us"] / 1e6), "p99_ms": r["p99_us"] / 1000,
            "p50_ms": r["p50_us"] / 1000, "requests": r["requests"],
            "errors": r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]}


async def _py_load(url: str, token: str, connections: int, seconds: float) -> dict:
    import aiohttp
    lat: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"}

    async def conn(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                async with session.get(url, headers=headers) as resp:
                    await resp.read()
                    if resp.status != 200:
                        errors += 1
            except aiohttp.ClientError:
                errors += 1
            lat.append((time.perf_counter() - t0) * 1000)

    start = time.monotonic()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as s:
        await asyncio.gather(*(conn(s) for _ in range(connections)))
    took = time.monotonic() - start
    return {"rps": len(lat) / took, "p99_ms": percentile(lat, 99), "p50_ms": percentile(lat, 50),
            "requests": len(lat), "errors": errors}


def load(url: str, token: str, connections: int, seconds: float) -> dict:
    if shutil.which("wrk"):
        return wrk(url, token, connections, seconds)
    return asyncio.run(_py_load(url, token, connections, seconds))


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(url: str, token: str, connections: int, seconds: float, worker: int) -> dict:
    before = cpu_s(worker)
    r = load(url, token, connections, seconds)
    r["cpu_ms_per_req"] = (cpu_s(worker) - before) * 1000 / max(1, r["requests"])
    return r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=16, help="pairs of hello + live runs")
    ap.add_argument("--seconds", type=float, default=2.0, help="length of one measured run")
    ap.add_argument("--warmup", type=float, default=3.0)
    args = ap.parse_args()
    raise_nofile()
    report = Report("live")
    if not shutil.which("wrk"):
        log("wrk not found (XO2_SETUP_BENCH=1 scripts/setup.sh installs it): using the Python client, which may itself be "
            "the bottleneck and compress the ratio")
    # Steady state: no first-start history backfill (a one-off job, measured by bench_fanout
    # and bench_history_store) competing for the 2 cores on the live side of the ratio only.
    with BenchStack("live", sim_period=10, env={"XO2_HISTORY_BACKFILL_DAYS": "0"}) as stack, \
            HelloStack() as hello:
        token = login(stack.url)
        live_url, hello_url = f"{stack.url}/api/live", f"{hello.url}/api/hello"
        workers = {"live": stack.pids("gateway")[1][0], "hello": children(hello.procs["hello"].pid)[0]}
        urls = {"live": live_url, "hello": hello_url}
        deadline = time.monotonic() + 30
        while True:                                  # compare with a real frame in the reply
            body = json.loads(http(live_url, token=token)[2])
            if body.get("frame") and not body.get("stale"):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("/api/live has no fresh frame after 30 s")
            time.sleep(0.5)
        live_bytes = len(http(live_url, token=token, headers={"Accept-Encoding": "identity"})[2])
        hello_bytes = len(http(hello_url, token=token)[2])
        log(f"warm-up {args.warmup:g} s each; then {args.rounds} pairs of {args.seconds:g} s runs "
            f"at {args.connections} connections ({'wrk' if shutil.which('wrk') else 'python'})")
        load(hello_url, token, args.connections, args.warmup)
        load(live_url, token, args.connections, args.warmup)
        runs: dict[str, list[dict]] = {"hello": [], "live": []}
        for i in range(args.rounds):
            order = ("hello", "live") if i % 2 == 0 else ("live", "hello")
            for name in order:
                r = measured(urls[name], token, args.connections, args.seconds, workers[name])
                runs[name].append(r)
                log(f"pair {i + 1} {name:5s}: {r['rps']:7.0f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                    f"p99 {r['p99_ms']:6.1f} ms  worker CPU {r['cpu_ms_per_req']:.3f} ms/req  "
                    f"errors {r['errors']}")

    pairs = list(zip(runs["hello"], runs["live"]))
    tput_ratio = median([lv["rps"] / hl["rps"] for hl, lv in pairs])
    p99_ratio = median([hl["p99_ms"] / lv["p99_ms"] for hl, lv in pairs])
    for name in ("hello", "live"):
        rs = runs[name]
        label = "hello-world" if name == "hello" else "/api/live"
        report.info(f"{label} throughput (median)", median([r["rps"] for r in rs]), "req/s")
        report.info(f"{label} p99 (median)", median([r["p99_ms"] for r in rs]), "ms")
        report.info(f"{label} worker CPU per request (median)",
                    round(median([r["cpu_ms_per_req"] for r in rs]), 3), "ms")
    report.info("reply size /api/live vs hello (uncompressed)", f"{live_bytes} / {hello_bytes}", "bytes")
    report.figure("throughput ratio live/hello", round(tput_ratio, 3), "(median of pairs)", ">= 0.8",
                  tput_ratio >= 0.8)
    report.figure("p99 latency ratio hello/live", round(p99_ratio, 3), "(median of pairs)", ">= 0.8",
                  p99_ratio >= 0.8)
    errors = sum(r["errors"] for rs in runs.values() for r in rs)
    report.figure("failed requests", errors, "", "0", errors == 0)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
