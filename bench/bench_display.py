#!/usr/bin/env python3
"""#5 Display pusher: does it keep its schedule?

The pusher's k-th push is due at  t0 + k * interval  (a drift-free schedule on the
monotonic clock, restarted when the interval is changed). The bench sets a shortened
interval with PUT /api/automation/display through nginx, which restarts the schedule at a
moment between the request being sent (a) and answered; `a` is used as t0, so the figure
can only err on the high side (by the PUT's own round trip, a few ms). Each push is
timestamped where it lands: in the simulator, on arrival of the command
(bench/simrun.py --command-log; display pushes are the commands carrying i11..i18).

deviation_k = arrival_k - (t0 + k * interval); each arrival is matched to the nearest
slot k. Figures: p99 of |deviation| over --pushes pushes (< 200 ms), and no missed slots.

    .venv/bin/python bench/bench_display.py [--pushes 60] [--interval 1]
"""
from __future__ import annotations

import argparse
import sys
import time

from common import BenchStack, Report, http, log, login, median, percentile


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pushes", type=int, default=60)
    ap.add_argument("--interval", type=float, default=1.0, help="shortened push period, s (>= 1)")
    args = ap.parse_args()
    report = Report("display")
    # The default interval (10 s) at start; the bench then shortens it, which restarts the schedule.
    with BenchStack("display", sim_period=args.interval) as stack:
        token = login(stack.url)
        deadline = time.monotonic() + 30
        while http(f"{stack.url}/api/automation/display", token=token)[2].find(b'"values":{') < 0:
            if time.monotonic() > deadline:
                raise RuntimeError("the display pusher made no push within 30 s")
            time.sleep(0.5)                     # wait for data and a first push at the default period
        t0 = time.time()
        status, _, body = http(f"{stack.url}/api/automation/display", token=token, method="PUT",
                               body={"interval_s": args.interval})
        answered = time.time()
        if status != 200:
            raise RuntimeError(f"PUT display answered {status}: {body[:200]!r}")
        log(f"interval set to {args.interval:g} s (PUT round trip {1000 * (answered - t0):.1f} ms); "
            f"watching {args.pushes} pushes")
        end = t0 + (args.pushes - 0.5) * args.interval
        while time.time() < end + 1.0:
            time.sleep(0.25)
        pushes = [c["at"] for c in stack.commands()
                  if any(k in c["body"] for k in ("i11", "i12", "i13"))]

    slots: dict[int, float] = {}
    for at in pushes:
        if t0 - args.interval / 2 <= at < end:
            k = round((at - t0) / args.interval)
            dev = (at - (t0 + k * args.interval)) * 1000
            if k not in slots or abs(dev) < abs(slots[k]):
                slots[k] = dev
    devs = [abs(d) for d in slots.values()]
    missing = [k for k in range(args.pushes) if k not in slots]
    report.info("pushes matched to slots", len(slots), f"of {args.pushes} (interval {args.interval:g} s)")
    report.info("deviation median / max", f"{median(devs):.1f} / {max(devs, default=float('nan')):.1f}", "ms")
    late = [d for d in slots.values() if d > 0]
    report.info("late pushes", len(late), f"(the rest arrived up to the PUT's {1000 * (answered - t0):.1f} ms early)")
    p99 = percentile(devs, 99)
    report.figure("p99 abs. deviation from schedule", round(p99, 1), "ms", "< 200 ms", p99 < 200)
    report.figure("missed slots", len(missing), "", "0", not missing)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
