"""The bench scripts still run against the current console (they are not part of the test
command: a full run takes ~6 min). Two short benches exercise the shared machinery: the
bench stack (simulator with its logs, both services, nginx), login, and the figures file
run_all.py reads. Targets are not judged here (the CI machine is shared); that the bench
got to its figures is."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "out" / "results"
pytestmark = pytest.mark.timeout(180)


@pytest.mark.parametrize("bench,args,figures", [
    ("display", ["--pushes", "3"], {"p99 abs. deviation from schedule", "missed slots"}),
    ("relay", ["--period", "2", "--phases", "0.2"], {"command -> CONFIRMED, worst of the phases"}),
])
def test_bench_runs_to_its_figures(bench, args, figures):
    result = RESULTS / f"{bench}.json"
    result.unlink(missing_ok=True)
    run = subprocess.run([sys.executable, str(ROOT / "bench" / f"bench_{bench}.py"), *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=170)
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr[-2000:]
    doc = json.loads(result.read_text())
    names = {f["name"] for f in doc["figures"]}
    assert figures <= names, names
    assert all(isinstance(f["ok"], bool) for f in doc["figures"] if f["target"]), doc["figures"]
