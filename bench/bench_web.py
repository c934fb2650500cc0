#!/usr/bin/env python3
"""#7 Web: production bundle size and month chart render time.

Bundle: `npm --prefix web run build` into bench/out/web-dist (so a build never disturbs a
web/dist that something else is serving; --no-build measures web/dist as it is), then every
.js file in its assets/ gzipped at nginx's level (gzip_comp_level 5 in nginx/templates: what a
browser downloads) and at level 9 for reference; the target applies to the level-5 total.

Render: bench/chart_render.mjs drives Debian's Chromium (headless, playwright-core from
web/node_modules) against the whole console behind nginx. The month view comes from the
gateway's history store (SPEC 10) in bench/out/web-history/: the stack starts with the 31-day
backfill from the simulator's per-day report CSVs (kept between runs, so only missing days are
fetched) and the pages are measured once it is done, so the chart has its full 360 buckets of
whole days rather than the blanks of days still being fetched. The figure is the slowest "chart-render" Performance API
measure (the app's own: chart effect start -> uPlot's first draw) over --runs fresh page
loads and a re-render of every inlet/outlet pair.

    .venv/bin/python bench/bench_web.py [--runs 5] [--no-build]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH, OUT, ROOT, BenchStack, Report, get_json, gzip_size, log, login, median

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
HISTORY_DIR = OUT / "web-history"


def wait_backfill(stack: BenchStack, limit_s: float = 600) -> dict:
    """The history store's status once its backfill has stored the past month."""
    token = login(stack.url, stack.password)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        status = get_json(f"{stack.url}/api/history/status", token)
        bf = status["backfill"]
        if status["days_stored"] >= 29 and not bf["pending"] and not bf["running"]:
            return status
        time.sleep(1)
    raise SystemExit(f"history store: the 31-day backfill did not finish in {limit_s:.0f} s ({status})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="fresh page loads of the month view")
    ap.add_argument("--no-build", action="store_true", help="measure the existing web/dist")
    args = ap.parse_args()
    report = Report("web")
    web = ROOT / "web"
    if not (web / "node_modules").exists():
        raise SystemExit("web/node_modules is missing: run `npm --prefix web ci` (scripts/setup.sh does)")
    dist = web / "dist"
    if not args.no_build:
        dist = OUT / "web-dist"
        log(f"npm --prefix web run build -- --outDir {dist.relative_to(ROOT)} ...")
        subprocess.run(["npm", "--prefix", str(web), "run", "build", "--", "--outDir", str(dist),
                        "--emptyOutDir"], check=True, stdout=subprocess.DEVNULL, timeout=300)
    js = sorted((dist / "assets").glob("*.js"))
    if not js:
        raise SystemExit("no JS in web/dist/assets")
    raw = sum(p.stat().st_size for p in js)
    gz5 = sum(gzip_size(p.read_bytes(), 5) for p in js)
    gz9 = sum(gzip_size(p.read_bytes(), 9) for p in js)
    for p in js:
        log(f"{p.name}: {p.stat().st_size / 1024:.1f} KB, gzip {gzip_size(p.read_bytes(), 5) / 1024:.1f} KB")
    report.info("JS files", len(js), f"({raw / 1024:.0f} KB raw, {gz9 / 1024:.1f} KB at gzip -9)")
    report.figure("JS bundle, gzip (as nginx serves it)", round(gz5 / 1024, 1), "KB", "<= 250 KB",
                  gz5 <= 250 * 1024)

    if not Path(CHROMIUM).exists() or not shutil.which("node"):
        raise SystemExit(f"needs node and Chromium at {CHROMIUM} (scripts/setup.sh installs them)")
    env = {"XO2_HISTORY_DIR": str(HISTORY_DIR), "XO2_HISTORY_BACKFILL_DAYS": "31"}
    with BenchStack("web", sim_period=10, web_root=dist, env=env) as stack:
        log(f"history store {HISTORY_DIR.relative_to(ROOT)}: waiting for the 31-day backfill ...")
        t0 = time.monotonic()
        status = wait_backfill(stack)
        log(f"{status['days_stored']} days stored ({time.monotonic() - t0:.0f} s)")
        env = {**os.environ, "BASE_URL": stack.url, "ADMIN_PASSWORD": stack.password,
               "RUNS": str(args.runs), "CHROMIUM": CHROMIUM}
        log(f"month view in headless Chromium: {args.runs} fresh page loads + pair re-renders")
        proc = subprocess.run(["node", str(BENCH / "chart_render.mjs")], env=env, capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"chart_render.mjs failed ({proc.returncode})")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    renders = out["first"] + out["rerender"]
    report.info("month chart points", out["points"])
    report.info("first render per page load", ", ".join(f"{ms:.1f}" for ms in out["first"]), "ms")
    report.info("re-renders (other pairs), median", round(median(out["rerender"]), 1), "ms")
    worst = max(renders)
    report.figure(f"month chart render, slowest of {len(renders)}", round(worst, 1), "ms", "< 200 ms",
                  worst < 200 and out["measures"] > 0)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
