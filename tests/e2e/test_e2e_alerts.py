"""Alerts end to end: web/e2e/alerts.flow.mjs (playwright-core + Debian Chromium) against the stack.

A threshold rule made in the UI fires when the simulator's outlet dust is pinned above it
(POST /__sim/values), shows in the header badge and on the Alerts page, is acknowledged, and
resolves when the value goes back below `clear`. Screenshots: e2e-artifacts/alerts-*.png.
"""
from __future__ import annotations

import re

import pytest

from .conftest import ARTIFACTS, run_node_flow

pytestmark = pytest.mark.timeout(300)


def test_alert_fires_is_acknowledged_and_resolves_in_the_browser(stack):
    proc = run_node_flow(stack, "e2e/alerts.flow.mjs", 280, fresh="alerts-*.png")
    assert proc.returncode == 0, "alerts browser flow failed (output above)"
    passed = re.search(r"\bpass (\d+)", proc.stdout)
    assert passed and int(passed.group(1)) >= 9, "the flow did not run all its steps (skipped?)"
    shots = sorted(p.name for p in ARTIFACTS.glob("alerts-*.png"))
    assert len(shots) >= 7, f"expected a screenshot per step, got {shots}"
