"""Alerts end to end: web/e2e/alerts.flow.mjs (playwright-core + Debian Chromium) against the stack.

A threshold rule made in the UI fires when the simulator's outlet dust is pinned above it
(POST /__sim/values), shows in the header badge and on the Alerts page, is acknowledged, and
resolves when the value goes back below `clear`. Screenshots: e2e-artifacts/alerts-*.png.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.timeout(300)


def test_alert_fires_is_acknowledged_and_resolves_in_the_browser(stack):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    artifacts = ROOT / "e2e-artifacts"
    artifacts.mkdir(exist_ok=True)
    for old in artifacts.glob("alerts-*.png"):
        old.unlink()
    env = {**os.environ, "BASE_URL": stack.url, "ADMIN_PASSWORD": stack.password,
           "SIM_URL": stack.sim_url, "CHROMIUM": chromium, "ARTIFACTS_DIR": str(artifacts)}
    proc = subprocess.run(["node", "--test", "--test-reporter=spec", "e2e/alerts.flow.mjs"],
                          cwd=ROOT / "web", env=env, capture_output=True, text=True, timeout=280)
    print(proc.stdout[-20000:])
    print(proc.stderr[-5000:])
    assert proc.returncode == 0, "alerts browser flow failed (output above)"
    passed = re.search(r"\bpass (\d+)", proc.stdout)
    assert passed and int(passed.group(1)) >= 9, "the flow did not run all its steps (skipped?)"
    shots = sorted(p.name for p in artifacts.glob("alerts-*.png"))
    assert len(shots) >= 7, f"expected a screenshot per step, got {shots}"
