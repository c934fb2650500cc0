#!/usr/bin/env python3
"""Run every benchmark (one after another: they share 2 cores), print a summary table,
exit 1 when any target is missed or a bench fails.

    .venv/bin/python bench/run_all.py                 # the issue's durations (~8-9 min)
    .venv/bin/python bench/run_all.py --quick         # shorter runs (~5 min), same targets
    .venv/bin/python bench/run_all.py --only live,fanout
    .venv/bin/python bench/run_all.py --record        # also write bench/RESULTS.md

Each bench is also a script of its own (bench/bench_<name>.py --help).
"""
from __future__ import annotations

import argparse
import json
import shlex
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from common import BENCH, OUT, ROOT, _fmt, machine

BENCHES = ["amplification", "live", "fanout", "history", "display", "relay", "web", "alerts",
           "history_store", "lighthouse"]
QUICK = {
    "amplification": ["--duration", "20"],
    "live": ["--rounds", "4", "--seconds", "3"],
    "fanout": ["--frames", "15"],
    "history": ["--cold", "2", "--warm", "20"],
    "display": ["--pushes", "20"],
    "relay": ["--phases", "0.2,5,worst"],
    "web": ["--runs", "2"],
    "alerts": ["--alerts", "20"],
    "history_store": ["--s3-bytes-per-s", "3e6"],
    "lighthouse": ["--runs", "2"],
}
TITLES = {
    "amplification": "#1 cloud call amplification (100 browsers, 60 s)",
    "live": "#2 /api/live vs hello-world through nginx (50 conns)",
    "fanout": "#3 socket fan-out (1000 browser sockets)",
    "history": "#4 month history (259,200-row CSV)",
    "display": "#5 display pusher schedule (60 pushes)",
    "relay": "#6 relay command confirmation (10 s frames)",
    "web": "#7 web bundle and month chart render",
    "alerts": "#8 alert latency: crossing frame -> email and webhook (50 alerts)",
    "history_store": "#9 history store: month/year views over a 1 MB/s report link",
    "lighthouse": "#10 web on a phone: Lighthouse mobile on the logged-in Overview",
}

NOTES = "## Notes (kept by --record)"
_child: subprocess.Popen | None = None


def _terminate(*_: object) -> None:
    if _child is not None and _child.poll() is None:
        _child.terminate()          # the bench stops its servers on SIGTERM
        try:
            _child.wait(30)
        except subprocess.TimeoutExpired:
            _child.kill()
    sys.exit(143)


def run_bench(name: str, extra: list[str], timeout: float) -> tuple[int, dict | None, float]:
    global _child
    result = OUT / "results" / f"{name}.json"
    result.unlink(missing_ok=True)
    t0 = time.monotonic()
    _child = subprocess.Popen([sys.executable, str(BENCH / f"bench_{name}.py"), *extra], cwd=ROOT)
    try:
        rc = _child.wait(timeout)
    except subprocess.TimeoutExpired:
        _child.terminate()
        _child.wait(30)
        rc = -1
        print(f"!! bench {name} timed out after {timeout:.0f} s", flush=True)
    took = time.monotonic() - t0
    doc = json.loads(result.read_text()) if result.exists() else None
    return rc, doc, took


def table(rows: list[dict]) -> str:
    lines = ["| bench | figure | value | target | verdict |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['bench']} | {r['name']} | {r['value']} | {r['target']} | {r['verdict']} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="shorter runs, same targets")
    ap.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHES)}")
    ap.add_argument("--record", action="store_true", help="write bench/RESULTS.md from this run")
    ap.add_argument("--timeout", type=float, default=600, help="per bench, seconds")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else BENCHES
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        ap.error(f"unknown bench: {', '.join(unknown)}")
    signal.signal(signal.SIGTERM, _terminate)
    started = datetime.now(timezone.utc).astimezone()
    t0 = time.monotonic()
    summary, details, failed = [], [], []
    for name in names:
        extra = QUICK[name] if args.quick else []
        print(f"\n### {TITLES[name]}: bench/bench_{name}.py {' '.join(extra)}".rstrip(), flush=True)
        rc, doc, took = run_bench(name, extra, args.timeout)
        if doc is None:
            failed.append(name)
            summary.append({"bench": name, "name": "(bench failed)", "value": f"exit {rc}",
                            "target": "-", "verdict": "ERROR"})
            continue
        if rc != 0:
            failed.append(name)
        for f in doc["figures"]:
            row = {"bench": name, "name": f["name"], "value": _fmt(f["value"], f["unit"]),
                   "target": f["target"] or "", "verdict": "" if f["ok"] is None else
                   ("OK" if f["ok"] else "MISS")}
            details.append(row)
            if f["ok"] is not None:
                summary.append(row)
        details.append({"bench": name, "name": "(bench run time)", "value": f"{took:.0f} s",
                        "target": "", "verdict": ""})
    elapsed = time.monotonic() - t0

    print("\n## Summary\n")
    print(table(summary))
    verdict = "ALL TARGETS MET" if not failed else f"MISSED OR FAILED: {', '.join(failed)}"
    print(f"\n{verdict} ({elapsed / 60:.1f} min)")

    if args.record:
        m = machine()
        command = shlex.join([".venv/bin/python", "bench/run_all.py", *sys.argv[1:]])
        text = f"""# Benchmark results

Recorded by `bench/run_all.py --record`; see README "Benchmarks" for what each bench does.

- date: {started.strftime('%Y-%m-%d %H:%M:%S %Z')} (`date`: {started.strftime('%a %b %d %H:%M:%S %Z %Y')})
- machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} RAM, Linux {m['kernel']}, Python {m['python']}
- shared machine: other work ran at the same time; ratios are measured within one run
- command: `{command}`
- total time: {elapsed / 60:.1f} min
- verdict: {verdict}

## Targets

{table(summary)}

## All figures

{table(details)}
"""
        results = BENCH / "RESULTS.md"
        old = results.read_text() if results.exists() else ""
        if NOTES in old:                      # hand-written notes outlive re-recording
            text += "\n" + old[old.index(NOTES):]
        results.write_text(text)
        print(f"wrote {(BENCH / 'RESULTS.md').relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
