"""Runs the Playwright (playwright-core + Debian Chromium) suite in web/e2e against the stack."""
from __future__ import annotations

import pytest

from .conftest import ARTIFACTS, run_node_flow

pytestmark = pytest.mark.timeout(600)


def test_browser_end_to_end(stack):
    proc = run_node_flow(stack, "e2e/", 540)
    assert proc.returncode == 0, "browser end-to-end tests failed (output above)"
    shots = sorted(p.name for p in ARTIFACTS.glob("*.png"))
    assert len(shots) >= 4, f"expected a screenshot per page, got {shots}"
