#!/usr/bin/env python3
"""#10 Web on a phone: Lighthouse (mobile preset) on the logged-in Overview (issue 23).

Builds the web app into bench/out/web-dist (--no-build: web/dist as it is), starts the console
behind nginx (simulator at the unit's 10 s period), logs in for a token, waits for the unit to be
live (/api/live's state) and runs
bench/lighthouse_overview.mjs: the `lighthouse` npm package (pinned 12.2.3, web/package.json)
drives Debian's Chromium headless, the token seeded into the tab's sessionStorage as the app
keeps it, the HTTP cache empty. Targets (issue 23): performance score >= 0.90 and total blocking
time <= 200 ms, in every run (the worst of --runs is the figure).

    .venv/bin/python bench/bench_lighthouse.py [--runs 3] [--no-build]
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

from common import BENCH, OUT, ROOT, BenchStack, Report, get_json, log, login, median

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="Lighthouse runs, each in a fresh browser")
    ap.add_argument("--no-build", action="store_true", help="measure the existing web/dist")
    args = ap.parse_args()
    report = Report("lighthouse")
    web = ROOT / "web"
    if not (web / "node_modules" / "lighthouse").exists():
        raise SystemExit("web/node_modules/lighthouse is missing: run `npm --prefix web ci`")
    if not Path(CHROMIUM).exists() or not shutil.which("node"):
        raise SystemExit(f"needs node and Chromium at {CHROMIUM} (scripts/setup.sh installs them)")
    dist = web / "dist"
    if not args.no_build:
        dist = OUT / "web-dist"
        log(f"npm --prefix web run build -- --outDir {dist.relative_to(ROOT)} ...")
        subprocess.run(["npm", "--prefix", str(web), "run", "build", "--", "--outDir", str(dist),
                        "--emptyOutDir"], check=True, stdout=subprocess.DEVNULL, timeout=300)
    # the first start's history backfill is a one-off server job (bench_live leaves it out too):
    # here it would only take CPU from the browser being measured on the same 2 cores
    with BenchStack("lighthouse", sim_period=10, web_root=dist, env={"XO2_HISTORY_BACKFILL_DAYS": "0"}) as stack:
        token = login(stack.url, stack.password)
        # a plant's console has a live unit: measure the Overview as it is then, not the
        # "Late: no data yet" of a gateway started a moment ago (the unit sends every 10 s)
        deadline = time.monotonic() + 40
        while get_json(f"{stack.url}/api/live", token).get("state") != "live":
            if time.monotonic() > deadline:
                raise SystemExit("/api/live is not live 40 s after the stack started")
            time.sleep(0.5)
        env = {**os.environ, "BASE_URL": stack.url, "TOKEN": token, "RUNS": str(args.runs),
               "CHROMIUM": CHROMIUM, "LHR_DIR": str(OUT / "lighthouse")}
        log(f"Lighthouse mobile on the logged-in Overview, {args.runs} runs ...")
        proc = subprocess.run(["node", str(BENCH / "lighthouse_overview.mjs")], env=env,
                              capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit(f"lighthouse_overview.mjs failed ({proc.returncode})")
    runs = json.loads(proc.stdout.strip().splitlines()[-1])["runs"]
    for k, r in enumerate(runs):
        log(f"run {k + 1}: score {r['score']}, TBT {r['tbt_ms']} ms, LCP {r['lcp_ms']} ms, "
            f"FCP {r['fcp_ms']} ms, SI {r['si_ms']} ms, CLS {r['cls']}, long tasks {r['long_tasks']}, "
            f"title {r['title']!r}")
        log(f"  main thread {r['work']}; scripts {r['scripts']}")
    logged_in = all(r["title"].startswith("Overview") for r in runs)
    scores = [r["score"] for r in runs]
    tbts = [r["tbt_ms"] for r in runs]
    report.info("performance score per run", ", ".join(f"{s:.2f}" for s in scores))
    report.info("total blocking time per run", ", ".join(str(t) for t in tbts), "ms")
    report.info("LCP / FCP, median", f"{median([r['lcp_ms'] for r in runs]):.0f} / "
                f"{median([r['fcp_ms'] for r in runs]):.0f}", "ms")
    report.figure(f"mobile performance score, worst of {len(runs)}", min(scores), "", ">= 0.90",
                  min(scores) >= 0.90 and logged_in)
    report.figure(f"mobile total blocking time, worst of {len(runs)}", max(tbts), "ms", "<= 200 ms",
                  max(tbts) <= 200 and logged_in)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
