#!/usr/bin/env python3
"""#7 Web: production bundle size and month chart render time.

Bundle: `npm --prefix web run build` into bench/out/web-dist (so a build never disturbs a
web/dist that something else is serving; --no-build measures web/dist as it is), then every
.js file in its assets/ gzipped at nginx's level (gzip_comp_level 5 in nginx/templates: what a
browser downloads) and at level 9 for reference; the target applies to the level-5 total.

Render: bench/chart_render.mjs drives Debian's Chromium (headless, playwright-core from
web/node_modules) against the whole console behind nginx. The month view's data is the same
30-day, 259,200-row report CSV as bench_history (served by a static nginx, see there), so
the chart has its full 360 buckets. The figure is the slowest "chart-render" Performance API
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
from pathlib import Path

from common import BENCH, OUT, ROOT, BenchStack, Report, gzip_size, log, median, month_csv

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


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
    csv_path, *_ = month_csv(30)
    with BenchStack("web", sim_period=10, report_file=csv_path, web_root=dist) as stack:
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
