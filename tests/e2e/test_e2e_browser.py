"""Runs the Playwright (playwright-core + Debian Chromium) suite in web/e2e against the stack."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.timeout(600)


def test_browser_end_to_end(stack):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    artifacts = ROOT / "e2e-artifacts"
    artifacts.mkdir(exist_ok=True)
    env = {**os.environ, "BASE_URL": stack.url, "ADMIN_PASSWORD": stack.password,
           "SIM_URL": stack.sim_url, "CHROMIUM": chromium, "ARTIFACTS_DIR": str(artifacts)}
    proc = subprocess.run(["node", "--test", "--test-reporter=spec", "e2e/"], cwd=ROOT / "web",
                          env=env, capture_output=True, text=True, timeout=540)
    print(proc.stdout[-20000:])
    print(proc.stderr[-5000:])
    assert proc.returncode == 0, "browser end-to-end tests failed (output above)"
    shots = sorted(p.name for p in artifacts.glob("*.png"))
    assert len(shots) >= 4, f"expected a screenshot per page, got {shots}"
