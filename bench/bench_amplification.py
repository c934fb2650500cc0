#!/usr/bin/env python3
"""#1 Cloud call amplification.

100 browser clients, each with its own /api/ws socket open (as the web app keeps one), poll
/api/live, /api/graph/hour, /api/graph/day and /api/graph/week through nginx for 60 s
(one round of the four every --interval s). The cloud side is counted by the simulator
itself (/__sim/state: rest_calls per endpoint, subscribed sockets), reset just before the
clients start.

Targets: per graph endpoint at most one cloud call per cache TTL over the run
(floor(run / TTL) + 1, since loads of one key are >= TTL apart), and ONE gateway cloud socket
whatever the number of browser sockets. The simulator also counts automation_svc's own socket
(it needs one by design, SPEC section 2), which is subtracted. The naive pass-through figure
is the number of browser requests: each would have been a cloud call.

    .venv/bin/python bench/bench_amplification.py [--clients 100] [--duration 60] [--interval 1]
"""
from __future__ import annotations

import argparse
import asyncio
import math
import random
import re
import sys
import time
from collections import Counter

import aiohttp

from common import BenchStack, Report, get_json, http, log, login, percentile, raise_nofile

GRAPHS = ("hour", "day", "week")
ENDPOINTS = ("/api/live", *(f"/api/graph/{p}" for p in GRAPHS))
TTLS = {"hour": 30.0, "day": 300.0, "week": 900.0}     # the settings' defaults, set explicitly


class Stats:
    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.status: Counter[int] = Counter()
        self.cache: Counter[str] = Counter()
        self.latency_ms: list[float] = []
        self.ws_open = 0
        self.ws_messages = 0
        self.errors: Counter[str] = Counter()


async def browser(session: aiohttp.ClientSession, base: str, token: str, deadline: float,
                  interval: float, stats: Stats) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    ws = None
    reader = None
    try:
        async with session.post(base + "/api/ws-ticket", headers=headers) as resp:   # as the page does
            ticket = (await resp.json())["ticket"]
        ws = await session.ws_connect(f"{base.replace('http', 'ws', 1)}/api/ws?ticket={ticket}",
                                      timeout=aiohttp.ClientWSTimeout(ws_close=2))
        stats.ws_open += 1

        async def read() -> None:
            async for _msg in ws:
                stats.ws_messages += 1
        reader = asyncio.create_task(read())
    except Exception as exc:   # counted; the run goes on and the error count fails it
        stats.errors[f"ws connect: {type(exc).__name__}"] += 1
    await asyncio.sleep(random.uniform(0, interval))       # browsers do not start in lockstep
    while time.monotonic() < deadline:
        for path in ENDPOINTS:
            t0 = time.perf_counter()
            try:
                async with session.get(base + path, headers=headers,
                                       timeout=aiohttp.ClientTimeout(total=10)) as resp:
                    await resp.read()
                    stats.status[resp.status] += 1
                    if "X-Cache" in resp.headers:
                        stats.cache[resp.headers["X-Cache"]] += 1
            except Exception as exc:
                stats.errors[f"{path}: {type(exc).__name__}"] += 1
                continue
            stats.latency_ms.append((time.perf_counter() - t0) * 1000)
            stats.requests[path] += 1
        await asyncio.sleep(max(0.0, min(interval, deadline - time.monotonic())))
    if ws is not None:
        await ws.close()
    if reader is not None:
        reader.cancel()


async def sample_sockets(stack: BenchStack, until: float, samples: list[int]) -> None:
    loop = asyncio.get_running_loop()
    while time.monotonic() < until:
        state = await loop.run_in_executor(None, stack.sim_state)
        samples.append(state["sockets"])
        await asyncio.sleep(2)


async def load(stack: BenchStack, token: str, clients: int, duration: float, interval: float,
               stats: Stats, socket_samples: list[int]) -> None:
    deadline = time.monotonic() + duration
    conn = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=conn) as session:
        sampler = asyncio.create_task(sample_sockets(stack, deadline, socket_samples))
        await asyncio.gather(*(browser(session, stack.url, token, deadline, interval, stats)
                               for _ in range(clients)))
        await sampler


def prom_value(text: str, name: str) -> float | None:
    m = re.search(rf"^{re.escape(name)}(?:{{[^}}]*}})? ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between a client's rounds")
    args = ap.parse_args()
    raise_nofile()
    report = Report("amplification")
    env = {f"XO2_CACHE_TTL_{p.upper()}_S": str(t) for p, t in TTLS.items()}
    with BenchStack("amplification", sim_period=10, env=env) as stack:
        token = login(stack.url)
        stack.sim_reset()                       # count from zero: only what the run causes
        t0 = time.monotonic()
        log(f"{args.clients} browser clients polling {', '.join(ENDPOINTS)} every "
            f"{args.interval:g} s for {args.duration:g} s, each with a /api/ws socket")
        stats, socket_samples = Stats(), []
        asyncio.run(load(stack, token, args.clients, args.duration, args.interval, stats,
                         socket_samples))
        run_s = time.monotonic() - t0
        sim = stack.sim_state()
        auto = get_json(f"{stack.automation_direct}/api/automation/health")
        _, _, metrics = http(f"{stack.gateway_direct}/api/metrics")
        metrics_text = metrics.decode()

    calls = sim["rest_calls"]
    total = sum(stats.requests.values())
    report.info("browser requests", total, f"in {run_s:.0f} s ({total / run_s:.0f}/s)")
    report.info("browser request latency p50 / p99",
                f"{percentile(stats.latency_ms, 50):.1f} / {percentile(stats.latency_ms, 99):.1f}", "ms")
    report.info("X-Cache on graph replies", dict(stats.cache))
    cloud_graph_calls = 0
    for period in GRAPHS:
        n = calls.get(f"graph/{period}", 0)
        cloud_graph_calls += n
        naive = stats.requests[f"/api/graph/{period}"]
        allowed = math.floor(run_s / TTLS[period]) + 1
        report.figure(f"cloud calls graph/{period}", n, f"(naive pass-through: {naive:,})",
                      f"<= {allowed} = 1 per {TTLS[period]:g} s TTL over {run_s:.0f} s", n <= allowed)
    live_naive = stats.requests["/api/live"]
    report.info("cloud REST calls for /api/live (served from the socket)", 0 if not calls else
                sum(v for k, v in calls.items() if not k.startswith("graph/") and k != "command"),
                f"(naive pass-through: {live_naive:,})")
    report.info("cloud commands during the run (automation_svc display pusher, not browsers)",
                calls.get("command", 0))
    auto_sockets = 1 if auto["upstream"]["socket_connected"] else 0
    peak = max(socket_samples + [sim["sockets"]])
    gateway_sockets = peak - auto_sockets
    connects = prom_value(metrics_text, "xo2_upstream_connects_total")
    report.info("browser sockets open on /api/ws", stats.ws_open, f"of {args.clients}")
    report.figure("gateway cloud sockets", gateway_sockets,
                  f"(peak sim sockets {peak} minus automation_svc's {auto_sockets}; "
                  f"gateway upstream connects {connects:g})" if connects is not None else "",
                  f"1 for {stats.ws_open} browser sockets", gateway_sockets == 1
                  and (connects is None or connects <= 1))
    ratio = (total - live_naive) / max(1, cloud_graph_calls)
    report.info("graph amplification avoided", f"{ratio:,.0f}x",
                f"({total - live_naive:,} browser graph requests -> {cloud_graph_calls} cloud calls)")
    errors = sum(stats.errors.values()) + sum(n for s, n in stats.status.items() if s != 200)
    if stats.errors:
        report.info("client errors", dict(stats.errors))
    report.figure("failed browser requests", errors, "", "0", errors == 0 and stats.ws_open == args.clients)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
